//! Runtime API of the proposals pallet, which the node's `proposals_*` RPC methods call.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use daollm_primitives::ProposalId;
pub use pallet_proposals::{AnalysisStatus, Contributions, ProposalDetails, TrainingExample};

sp_api::decl_runtime_apis! {
	/// Reads proposals, the verified training set and contributions.
	pub trait ProposalsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Proposal `id` with its analysis, verified label and CID, if it exists.
		fn proposal(id: ProposalId) -> Option<ProposalDetails<AccountId, Balance, BlockNumber>>;

		/// Up to `limit` verified training examples, continuing after `start_after`.
		fn training_set(start_after: Option<ProposalId>, limit: u32) -> Vec<TrainingExample>;

		/// What `who` has contributed.
		fn contributions(who: AccountId) -> Contributions;
	}
}
