//! The node's RPC methods beyond Substrate's built-in ones (`system_*`, `chain_*`, `state_*`,
//! `author_*`, which `sc-service` adds itself).

use std::sync::Arc;

use daollm_primitives::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_consensus_babe::BabeWorkerHandle;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_keystore::KeystorePtr;

/// What `babe_epochAuthorship` needs: BABE's epoch data, this node's keys and the best chain.
pub struct BabeDeps<SC> {
	/// A handle to the BABE worker, for the epoch data.
	pub worker_handle: BabeWorkerHandle<Block>,
	/// The node's keystore, for which slots its keys may author.
	pub keystore: KeystorePtr,
	/// The best chain.
	pub select_chain: SC,
}

/// What the RPC methods need from the node.
pub struct FullDeps<C, P, SC> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// BABE's part.
	pub babe: BabeDeps<SC>,
}

/// The RPC methods of a full node: account nonces (`system_accountNextIndex`, `system_dryRun`),
/// fee queries (`payment_queryInfo`, `payment_queryFeeDetails`) and BABE
/// (`babe_epochAuthorship`: the slots this node's keys may author in the current epoch; an
/// unsafe method, as in polkadot-sdk's nodes).
///
/// The chain's own reads (proposals, tasks, nodes, rewards) are the pallets' view functions,
/// which clients call through `state_call` (`RuntimeViewFunction_execute_view_function`) typed
/// by the metadata; a proposal body, which only the node holds, comes from
/// `bitswap_v1_get` (`sc-service` adds it).
pub fn create_full<C, P, SC>(
	deps: FullDeps<C, P, SC>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ sp_consensus_babe::BabeApi<Block>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
	SC: sp_consensus::SelectChain<Block> + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_babe_rpc::{Babe, BabeApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, babe } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;

	module.merge(
		Babe::new(client, babe.worker_handle, babe.keystore, babe.select_chain).into_rpc(),
	)?;

	Ok(module)
}
