//! [`CheckCommitteeSeat`]: committee members' commits, reveals and excuses, validated in the
//! transaction pool and put ahead of everything else by the chain's one seat extension,
//! [`CheckSeat`] (see there for what it does).
//!
//! A commit or an excuse succeeds when the signer's node holds a seat of the task, the commit
//! window is open and it has neither committed nor excused itself; a reveal when the reveal
//! window is open and it matches the commitment ([`Pallet::check_commit`],
//! [`Pallet::check_reveal`], the calls' own checks). Each is tagged
//! `(b"daollm/seat", task, member, step)`, the step being the commit (or excuse) or the reveal,
//! and ranked at [`Config::CommitteePriority`].

use crate::{Call, Config, Pallet};
use codec::Encode;
use daollm_primitives::seats::{CheckSeat, SeatCalls, SeatStep};
use frame_support::{traits::IsSubType, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Get, transaction_validity::TransactionPriority};

/// The first element of a seat transaction's `provides` tag.
pub const SEAT_TAG: &[u8; 11] = b"daollm/seat";

/// Validates committee members' commits, reveals and excuses in the pool and gives them
/// priority.
pub type CheckCommitteeSeat<T> = CheckSeat<T, Pallet<T>>;

impl<T: Config> SeatCalls<T> for Pallet<T>
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckCommitteeSeat";

	fn priority() -> TransactionPriority {
		T::CommitteePriority::get()
	}

	/// The seat checks read the key binding, the task, and the member's commitment and reveal.
	fn weight(call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			Some(Call::commit { .. } | Call::reveal { .. } | Call::excuse { .. }) => {
				T::DbWeight::get().reads(4)
			},
			_ => Weight::zero(),
		}
	}

	fn check(
		call: &<T as frame_system::Config>::RuntimeCall,
		signer: &T::AccountId,
	) -> Option<Option<SeatStep<BlockNumberFor<T>>>> {
		let step = |task, node, step: &[u8], window_end| SeatStep {
			tag: (SEAT_TAG, task, node, step).encode(),
			window_end,
		};
		Some(match call.is_sub_type()? {
			Call::commit { task, .. } | Call::excuse { task } => {
				Pallet::<T>::check_commit(signer, *task)
					.ok()
					.map(|(node, record)| step(*task, node, b"commit", record.commit_end))
			},
			Call::reveal { task, result, salt } => {
				Pallet::<T>::check_reveal(signer, *task, result, salt)
					.ok()
					.map(|(node, record)| step(*task, node, b"reveal", record.reveal_end))
			},
			_ => return None,
		})
	}
}
