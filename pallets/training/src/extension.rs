//! [`CheckTrainingSeat`]: drawn trainers' update commitments and publications, drawn
//! aggregators' commits and reveals, and their excuses, validated in the transaction pool and put
//! ahead of everything else by the chain's one seat extension, [`CheckSeat`] (see there for what
//! it does).
//!
//! Each succeeds under the call's own checks ([`Pallet::check_update_commitment`],
//! [`Pallet::check_publication`], [`Pallet::check_aggregate_commit`],
//! [`Pallet::check_aggregate_reveal`], [`Pallet::check_excuse`]). Each is tagged
//! `(b"daollm/training-seat", round, node, step)`, the step being the update's commitment (or an
//! excuse from it), its publication, the aggregator's commit (or an excuse from it) or its
//! reveal, and ranked at [`Config::SeatPriority`].

use crate::{AggregateAnswer, Call, Config, Pallet, RoundId, SeatStep as Step};
use codec::Encode;
use daollm_primitives::seats::{CheckSeat, SeatCalls, SeatStep};
use frame_support::{traits::IsSubType, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Get, transaction_validity::TransactionPriority};

/// The first element of a training seat transaction's `provides` tag.
pub const TRAINING_SEAT_TAG: &[u8; 20] = b"daollm/training-seat";

/// Validates drawn trainers' and aggregators' transactions in the pool and gives them priority.
pub type CheckTrainingSeat<T> = CheckSeat<T, Pallet<T>>;

impl<T: Config> SeatCalls<T> for Pallet<T>
where
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckTrainingSeat";

	fn priority() -> TransactionPriority {
		T::SeatPriority::get()
	}

	/// The seat checks read the key binding, the round, and the seat's update, commitment or
	/// reveal (a publication is decoded too: the call's own weight covers that).
	fn weight(call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			Some(
				Call::commit_update { .. }
				| Call::publish_update { .. }
				| Call::commit_aggregate { .. }
				| Call::reveal_aggregate { .. }
				| Call::excuse { .. },
			) => T::DbWeight::get().reads(4),
			_ => Weight::zero(),
		}
	}

	fn check(
		call: &<T as frame_system::Config>::RuntimeCall,
		signer: &T::AccountId,
	) -> Option<Option<SeatStep<BlockNumberFor<T>>>> {
		let step = |round: RoundId, node: T::AccountId, step: &[u8], window_end| SeatStep {
			tag: (TRAINING_SEAT_TAG, round, node, step).encode(),
			window_end,
		};
		Some(match call.is_sub_type()? {
			Call::commit_update { round, samples, .. } => {
				Pallet::<T>::check_update_commitment(signer, *round, *samples).ok().map(
					|(node, record)| step(*round, node, Step::Update.tag(), record.commit_deadline),
				)
			},
			Call::publish_update { round, update } => {
				Pallet::<T>::check_publication(signer, *round, update)
					.ok()
					.map(|(node, record, _)| step(*round, node, b"publish", record.deadline))
			},
			// An excuse replaces the step it excuses: the same tag.
			Call::excuse { round } => Pallet::<T>::check_excuse(signer, *round).ok().map(
				|(node, _, excused, window_end)| step(*round, node, excused.tag(), window_end),
			),
			Call::commit_aggregate { round, .. } => {
				Pallet::<T>::check_aggregate_commit(signer, *round).ok().map(
					|(node, _, commit_end)| step(*round, node, Step::Aggregate.tag(), commit_end),
				)
			},
			Call::reveal_aggregate { round, model, kept, contributions, evaluation, salt } => {
				let answer = AggregateAnswer {
					model: *model,
					kept: kept.clone(),
					contributions: contributions.clone(),
					evaluation: *evaluation,
				};
				Pallet::<T>::check_aggregate_reveal(signer, *round, &answer, salt)
					.ok()
					.map(|(node, _, reveal_end)| step(*round, node, b"reveal", reveal_end))
			},
			_ => return None,
		})
	}
}
