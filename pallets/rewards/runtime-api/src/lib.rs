//! Runtime API of the rewards pallet, which the node's `rewards_pending` RPC method calls.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
pub use pallet_rewards::{EpochIndex, PendingReward, Points};

sp_api::decl_runtime_apis! {
	/// Reads the rewards accounts have earned and not claimed.
	pub trait RewardsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The epoch points count in now.
		fn current_epoch() -> EpochIndex;

		/// The block that ends the running epoch: its points become claimable from then on.
		fn current_epoch_end() -> BlockNumber;

		/// `who`'s unclaimed rewards, oldest epoch first; the running epoch (if `who` earned in
		/// it) last, without an amount.
		fn pending_rewards(who: AccountId) -> Vec<PendingReward<Balance>>;
	}
}
