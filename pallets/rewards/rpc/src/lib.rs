//! JSON-RPC method of the rewards pallet.
//!
//! - `rewards_pending(who, at?)`: the account's unclaimed rewards per epoch (points of each kind
//!   and, for ended epochs, the amount `rewards.claim` would pay), the total claimable now, and
//!   the running epoch.
//!
//! Balances are decimal strings (JavaScript numbers lose precision above 2^53).

use std::{marker::PhantomData, sync::Arc};

use codec::Codec;
use daollm_rpc_primitives::{block_or_best, runtime_error};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
pub use pallet_rewards_runtime_api::RewardsApi as RewardsRuntimeApi;
use pallet_rewards_runtime_api::{EpochIndex, PendingReward};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::{Block as BlockT, Saturating, Zero};

/// One epoch's unclaimed reward, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochRewardJson {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Points for verified annotations.
	pub annotation_points: u32,
	/// Points for inference answers that agreed with the consensus.
	pub inference_points: u32,
	/// Points for model updates the aggregate kept.
	pub training_points: u32,
	/// What claiming it pays; `null` while the epoch runs.
	pub amount: Option<String>,
}

/// An account's pending rewards, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingJson<BlockNumber> {
	/// The running epoch.
	pub current_epoch: EpochIndex,
	/// The block that ends the running epoch (its points are claimable from then on).
	pub current_epoch_end: BlockNumber,
	/// What claiming every ended epoch below pays together.
	pub claimable: String,
	/// Unclaimed rewards per epoch, oldest first.
	pub epochs: Vec<EpochRewardJson>,
}

fn to_json<Balance: ToString + Copy + Zero + Saturating, BlockNumber>(
	current_epoch: EpochIndex,
	current_epoch_end: BlockNumber,
	pending: Vec<PendingReward<Balance>>,
) -> PendingJson<BlockNumber> {
	let claimable = pending
		.iter()
		.filter_map(|p| p.amount)
		.fold(Balance::zero(), |sum, a| sum.saturating_add(a));
	PendingJson {
		current_epoch,
		current_epoch_end,
		claimable: claimable.to_string(),
		epochs: pending
			.into_iter()
			.map(|p| EpochRewardJson {
				epoch: p.epoch,
				annotation_points: p.points.annotation,
				inference_points: p.points.inference,
				training_points: p.points.training,
				amount: p.amount.map(|a| a.to_string()),
			})
			.collect(),
	}
}

/// The `rewards_*` methods.
#[rpc(server)]
pub trait RewardsApi<BlockHash, AccountId, BlockNumber> {
	/// `who`'s unclaimed rewards at block `at` (best block if omitted).
	#[method(name = "rewards_pending")]
	fn pending(&self, who: AccountId, at: Option<BlockHash>)
		-> RpcResult<PendingJson<BlockNumber>>;
}

/// Serves the `rewards_*` methods from a client's runtime API.
pub struct Rewards<C, Block, Balance> {
	client: Arc<C>,
	_marker: PhantomData<(Block, Balance)>,
}

impl<C, Block, Balance> Rewards<C, Block, Balance> {
	/// Serves from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _marker: PhantomData }
	}
}

impl<C, Block, AccountId, Balance, BlockNumber>
	RewardsApiServer<<Block as BlockT>::Hash, AccountId, BlockNumber> for Rewards<C, Block, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RewardsRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	BlockNumber: Codec + Send + Sync + serde::Serialize + 'static,
	AccountId: Codec + Clone + Send + Sync + for<'de> serde::Deserialize<'de> + 'static,
	Balance: Codec + ToString + Copy + Zero + Saturating + Send + Sync + 'static,
{
	fn pending(
		&self,
		who: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<PendingJson<BlockNumber>> {
		let at = block_or_best(&*self.client, at);
		let api = self.client.runtime_api();
		let current = api.current_epoch(at).map_err(runtime_error)?;
		let end = api.current_epoch_end(at).map_err(runtime_error)?;
		let pending = api.pending_rewards(at, who).map_err(runtime_error)?;
		Ok(to_json(current, end, pending))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_rewards_runtime_api::Points;

	#[test]
	fn pending_rewards_total_only_ended_epochs() {
		let pending = vec![
			PendingReward {
				epoch: 3,
				points: Points { annotation: 1, inference: 2, training: 0 },
				amount: Some(40u128),
			},
			PendingReward { epoch: 4, points: Points::default(), amount: Some(2) },
			PendingReward {
				epoch: 5,
				points: Points { annotation: 0, inference: 7, training: 0 },
				amount: None,
			},
		];
		let json = to_json(5, 600u32, pending);
		assert_eq!(json.current_epoch_end, 600);
		assert_eq!(json.claimable, "42");
		assert_eq!(json.epochs.len(), 3);
		assert_eq!(json.epochs[0].amount.as_deref(), Some("40"));
		assert_eq!(json.epochs[2].amount, None);
		assert_eq!(json.epochs[2].inference_points, 7);
	}
}
