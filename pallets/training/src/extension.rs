//! [`CheckTrainingSeat`]: drawn trainers' updates and drawn aggregators' commits and reveals,
//! validated in the transaction pool and put ahead of everything else.
//!
//! A trainer's update must land by the round's deadline and an aggregator's commit and reveal
//! within their windows, or the seat is judged silent and the round may fail: block stuffing,
//! or a pool that ranks transactions by fee, must not be able to keep them out. So this
//! extension, in the runtime's extension tuple:
//! - gives an update's commitment or publication, an aggregator's commit or reveal, or an
//!   excuse, that will succeed (the signer's node holds the seat, its
//!   window is open, nothing is sent twice, an update fits the round and a reveal matches its
//!   commitment) the priority [`Config::SeatPriority`], above any tip's;
//! - refuses, at the pool's door, one that would fail, so nobody pays for or fills blocks with
//!   them;
//! - tags it `(b"daollm/training-seat", round, node, step)` (`provides`), the step being the
//!   update's commitment (or an excuse from it), its publication, the aggregator's commit (or
//!   an excuse from it) or its reveal, with a
//!   longevity that ends with the step's window: a
//!   pool holds one such transaction per seat and step, so a node cannot fill the pools with
//!   free, top-priority copies signed at other nonces;
//! - leaves every other call alone.
//!
//! The same checks are the calls' `feeless_if` conditions, so the runtime's
//! `SkipCheckIfFeeless` wrapper around transaction payment charges them nothing, not even up
//! front: an `infr` key account holding the existential deposit can train and aggregate.

use crate::{AggregateAnswer, Call, Config, Pallet, SeatStep};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::{fmt, marker::PhantomData};
use frame_support::{
	dispatch::DispatchInfo, pallet_prelude::TransactionSource, traits::IsSubType, weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{
		AsSystemOriginSigner, Dispatchable, Get, One, Saturating, TransactionExtension,
		UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, ValidTransaction},
};

/// The first element of a training seat transaction's `provides` tag.
pub const TRAINING_SEAT_TAG: &[u8; 20] = b"daollm/training-seat";

/// Validates drawn trainers' and aggregators' transactions in the pool and gives them priority;
/// see the [module docs](self).
#[derive(Clone, Eq, PartialEq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckTrainingSeat<T: Config + Send + Sync>(PhantomData<T>);

impl<T: Config + Send + Sync> CheckTrainingSeat<T> {
	/// The extension; it carries no data.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> Default for CheckTrainingSeat<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config + Send + Sync> fmt::Debug for CheckTrainingSeat<T> {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		write!(f, "CheckTrainingSeat")
	}
}

impl<T: Config + Send + Sync> TransactionExtension<<T as frame_system::Config>::RuntimeCall>
	for CheckTrainingSeat<T>
where
	<T as frame_system::Config>::RuntimeCall:
		Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckTrainingSeat";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	/// The seat checks read the key binding, the round, and the seat's update, commitment or
	/// reveal (an update is decoded too: the call's own weight covers that).
	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
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

	fn validate(
		&self,
		origin: <<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfo,
		_len: usize,
		_self_implicit: (),
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<(), <T as frame_system::Config>::RuntimeCall> {
		let round = match call.is_sub_type() {
			Some(Call::commit_update { round, .. })
			| Some(Call::publish_update { round, .. })
			| Some(Call::commit_aggregate { round, .. })
			| Some(Call::reveal_aggregate { round, .. })
			| Some(Call::excuse { round }) => *round,
			_ => return Ok((ValidTransaction::default(), (), origin)),
		};
		let Some(signer) = origin.as_system_origin_signer() else {
			return Err(InvalidTransaction::BadSigner.into());
		};
		// One pool entry per seat and step: the tag names the round, the node and the step, and
		// the transaction lives no longer than the step's window.
		let checked = match call.is_sub_type() {
			Some(Call::commit_update { samples, .. }) => {
				Pallet::<T>::check_update_commitment(signer, round, *samples)
					.ok()
					.map(|(node, record)| (node, SeatStep::Update.tag(), record.commit_deadline))
			},
			Some(Call::publish_update { update, .. }) => {
				Pallet::<T>::check_publication(signer, round, update)
					.ok()
					.map(|(node, record, _)| (node, &b"publish"[..], record.deadline))
			},
			// An excuse replaces the step it excuses: the same tag.
			Some(Call::excuse { .. }) => Pallet::<T>::check_excuse(signer, round)
				.ok()
				.map(|(node, _, step, window_end)| (node, step.tag(), window_end)),
			Some(Call::commit_aggregate { .. }) => {
				Pallet::<T>::check_aggregate_commit(signer, round)
					.ok()
					.map(|(node, _, commit_end)| (node, SeatStep::Aggregate.tag(), commit_end))
			},
			Some(Call::reveal_aggregate {
				model, kept, contributions, evaluation, salt, ..
			}) => {
				let answer = AggregateAnswer {
					model: *model,
					kept: kept.clone(),
					contributions: contributions.clone(),
					evaluation: evaluation.clone(),
				};
				Pallet::<T>::check_aggregate_reveal(signer, round, &answer, salt)
					.ok()
					.map(|(node, _, reveal_end)| (node, &b"reveal"[..], reveal_end))
			},
			_ => None,
		};
		let Some((node, step, window_end)) = checked else {
			return Err(InvalidTransaction::Call.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		let longevity: u64 =
			window_end.saturating_sub(now).saturating_add(One::one()).unique_saturated_into();
		let validity = ValidTransaction {
			priority: T::SeatPriority::get(),
			provides: alloc::vec![(TRAINING_SEAT_TAG, round, node, step).encode()],
			longevity: longevity.max(1),
			..Default::default()
		};
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
