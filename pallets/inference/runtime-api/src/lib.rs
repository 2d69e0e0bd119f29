//! Runtime API of the inference pallet, which the node's `inference_*` RPC methods call.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use daollm_primitives::ProposalId;
pub use pallet_compute_nodes::{HistoryEntry, MemberOutcome, NodeDetails, NodeStatus, Work};
pub use pallet_inference::{Outcome, Seat, TaskDetails, TaskId, TaskStatus, MAX_SIMILAR};

sp_api::decl_runtime_apis! {
	/// Reads tasks with their results, nodes with their history, and the leaderboard.
	pub trait InferenceApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Task `id`, open or judged, if it exists.
		fn task(id: TaskId) -> Option<TaskDetails<AccountId, Balance, BlockNumber>>;

		/// The task analysing (or that analysed) `proposal`.
		fn task_of_proposal(proposal: ProposalId) -> Option<TaskId>;

		/// The compute node `operator` runs, with its recent history (from the registry).
		fn node(operator: AccountId) -> Option<NodeDetails<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` nodes by reputation, then stake, highest first.
		fn leaderboard(limit: u32) -> Vec<NodeDetails<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` analysed proposals most similar to `proposal` among those analysed
		/// before it, with their similarity in parts per million, most similar first
		/// (`pallet_inference::Pallet::similar_proposals`).
		fn similar(proposal: ProposalId, limit: u32) -> Vec<(ProposalId, u32)>;
	}
}
