//! [`CheckCommitteeSeat`]: committee members' commits, reveals and excuses, validated in the
//! transaction pool and put ahead of everything else.
//!
//! A member's commit or reveal must land within its window, or the member is judged silent:
//! block stuffing, or a pool that ranks transactions by fee, must not be able to keep it out.
//! So this extension, in the runtime's extension tuple:
//! - gives a commit or reveal that will succeed (the signer's node holds a seat, the window is
//!   open, nothing is sent twice, and a reveal matches its commitment) the priority
//!   [`Config::CommitteePriority`], above any tip's;
//! - refuses, at the pool's door, a commit or reveal that would fail (a duplicate resend, a
//!   closed window, a stranger's call), so nobody pays for or fills blocks with them;
//! - tags it `(b"daollm/seat", task, member, step)` (`provides`), the step being the commit
//!   (or excuse) or the reveal, with a longevity that ends with the step's window: a pool holds
//!   one such transaction per seat and step, so a member cannot fill the pools with free,
//!   top-priority copies signed at other nonces;
//! - leaves every other call alone.
//!
//! The same checks are the calls' `feeless_if` conditions, so the runtime's
//! `SkipCheckIfFeeless` wrapper around transaction payment charges such calls nothing, not even
//! up front: an `infr` key account holding the existential deposit can serve.

use crate::{Call, Config, Pallet};
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

/// The first element of a seat transaction's `provides` tag.
pub const SEAT_TAG: &[u8; 11] = b"daollm/seat";

/// Validates committee members' commits and reveals in the pool and gives them priority; see
/// the [module docs](self).
#[derive(Clone, Eq, PartialEq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckCommitteeSeat<T: Config + Send + Sync>(PhantomData<T>);

impl<T: Config + Send + Sync> CheckCommitteeSeat<T> {
	/// The extension; it carries no data.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T: Config + Send + Sync> Default for CheckCommitteeSeat<T> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T: Config + Send + Sync> fmt::Debug for CheckCommitteeSeat<T> {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		write!(f, "CheckCommitteeSeat")
	}
}

impl<T: Config + Send + Sync> TransactionExtension<<T as frame_system::Config>::RuntimeCall>
	for CheckCommitteeSeat<T>
where
	<T as frame_system::Config>::RuntimeCall:
		Dispatchable<Info = DispatchInfo> + IsSubType<Call<T>>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckCommitteeSeat";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	/// The seat checks read the key binding, the task, and the member's commitment and reveal.
	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			Some(Call::commit { .. } | Call::reveal { .. } | Call::excuse { .. }) => {
				T::DbWeight::get().reads(4)
			},
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
		let seat_call = match call.is_sub_type() {
			Some(Call::commit { task, .. }) => Some(*task),
			Some(Call::reveal { task, .. }) => Some(*task),
			Some(Call::excuse { task }) => Some(*task),
			_ => None,
		};
		let Some(task) = seat_call else {
			return Ok((ValidTransaction::default(), (), origin));
		};
		let Some(signer) = origin.as_system_origin_signer() else {
			return Err(InvalidTransaction::BadSigner.into());
		};
		// One pool entry per seat and step: the tag names the task, the member and the step, and
		// the transaction lives no longer than the step's window.
		let checked = match call.is_sub_type() {
			Some(Call::commit { .. } | Call::excuse { .. }) => {
				Pallet::<T>::check_commit(signer, task)
					.ok()
					.map(|(node, record)| (node, b"commit", record.commit_end))
			},
			Some(Call::reveal { result, salt, .. }) => {
				Pallet::<T>::check_reveal(signer, task, result, salt)
					.ok()
					.map(|(node, record)| (node, b"reveal", record.reveal_end))
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
			priority: T::CommitteePriority::get(),
			provides: alloc::vec![(SEAT_TAG, task, node, step).encode()],
			longevity: longevity.max(1),
			..Default::default()
		};
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
