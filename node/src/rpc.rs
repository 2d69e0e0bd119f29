//! The node's RPC methods beyond Substrate's built-in ones (`system_*`, `chain_*`, `state_*`,
//! `author_*`, which `sc-service` adds itself).

use std::sync::Arc;

use daollm_primitives::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_runtime::traits::Block as BlockT;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// The RPC methods of a full node: account nonces (`system_accountNextIndex`, `system_dryRun`),
/// fee queries (`payment_queryInfo`, `payment_queryFeeDetails`) and proposals (`proposals_get`,
/// `proposals_trainingSet`, `proposals_contributions`), inference (`inference_task`,
/// `inference_proposalTask`, `inference_node`, `inference_leaderboard`) and rewards
/// (`rewards_pending`).
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
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
		+ pallet_proposals_rpc::ProposalsRuntimeApi<Block, AccountId, Balance, BlockNumber>
		+ pallet_inference_rpc::InferenceRuntimeApi<Block, AccountId, Balance, BlockNumber>
		+ pallet_rewards_rpc::RewardsRuntimeApi<Block, AccountId, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_inference_rpc::{Inference, InferenceApiServer};
	use pallet_proposals_rpc::{Proposals, ProposalsApiServer};
	use pallet_rewards_rpc::{Rewards, RewardsApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(
		ProposalsApiServer::<<Block as BlockT>::Hash, AccountId, BlockNumber>::into_rpc(
			Proposals::<_, Block, Balance>::new(client.clone()),
		),
	)?;
	module.merge(
		InferenceApiServer::<<Block as BlockT>::Hash, AccountId, BlockNumber>::into_rpc(
			Inference::<_, Block, Balance>::new(client.clone()),
		),
	)?;
	module.merge(RewardsApiServer::<<Block as BlockT>::Hash, AccountId>::into_rpc(Rewards::<
		_,
		Block,
		Balance,
	>::new(
		client
	)))?;

	Ok(module)
}
