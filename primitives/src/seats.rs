//! [`CheckSeat`]: the one transaction extension for every drawn seat's transactions (inference
//! committee members', trainers' and aggregators'), validated in the transaction pool and put
//! ahead of everything else.
//!
//! A seat's transaction must land within its step's window, or the seat is judged silent: block
//! stuffing, or a pool that ranks transactions by fee, must not be able to keep it out. So the
//! extension, once per pallet that draws seats ([`SeatCalls`]), in the runtime's extension tuple:
//! - gives a seat transaction that will succeed (the signer's node holds the seat, the step's
//!   window is open, nothing is sent twice, the payload passes the call's own checks) the
//!   pallet's priority, above any tip's;
//! - refuses, at the pool's door, one that would fail, so nobody pays for or fills blocks with
//!   them;
//! - tags it with what names its seat and step (`provides`), with a longevity that ends with the
//!   step's window: a pool holds one such transaction per seat and step, so a node cannot fill
//!   the pools with free, top-priority copies signed at other nonces;
//! - leaves every other call alone.
//!
//! The same checks are the calls' `feeless_if` conditions, so the runtime's `SkipCheckIfFeeless`
//! wrapper around transaction payment charges them nothing, not even up front: an `infr` key
//! account holding the existential deposit can serve.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	dispatch::DispatchInfo, pallet_prelude::TransactionSource, weights::Weight, CloneNoBound,
	DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{
		AsSystemOriginSigner, Dispatchable, One, Saturating, TransactionExtension,
		UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionPriority, ValidTransaction},
};

/// A seat transaction that will succeed, as the pool sees it.
pub struct SeatStep<BlockNumber> {
	/// What names the seat and the step: the transaction's `provides` tag.
	pub tag: alloc::vec::Vec<u8>,
	/// The last block of the step's window: the transaction lives no longer.
	pub window_end: BlockNumber,
}

/// A pallet's seat calls, as [`CheckSeat`] validates them.
pub trait SeatCalls<T: frame_system::Config> {
	/// The extension's name in the metadata.
	const IDENTIFIER: &'static str;

	/// The pool priority of a seat transaction that will succeed.
	fn priority() -> TransactionPriority;

	/// What checking `call` reads; zero for a call that is not a seat call.
	fn weight(call: &T::RuntimeCall) -> Weight;

	/// `None` for a call that is not one of the pallet's seat calls; for one signed by
	/// `signer`, `Some(Some(step))` when it will succeed now, `Some(None)` when it would fail.
	fn check(
		call: &T::RuntimeCall,
		signer: &T::AccountId,
	) -> Option<Option<SeatStep<BlockNumberFor<T>>>>;
}

/// Validates the seat calls of `S` in the pool and gives them priority; see the
/// [module docs](self).
#[derive(
	CloneNoBound,
	EqNoBound,
	PartialEqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
)]
#[scale_info(skip_type_params(T, S))]
pub struct CheckSeat<T, S>(PhantomData<(T, S)>);

impl<T, S> CheckSeat<T, S> {
	/// The extension; it carries no data.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T, S> Default for CheckSeat<T, S> {
	fn default() -> Self {
		Self::new()
	}
}

impl<T, S> TransactionExtension<<T as frame_system::Config>::RuntimeCall> for CheckSeat<T, S>
where
	T: frame_system::Config + Send + Sync,
	S: SeatCalls<T> + Send + Sync + 'static,
	<T as frame_system::Config>::RuntimeCall: Dispatchable<Info = DispatchInfo>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = S::IDENTIFIER;
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		S::weight(call)
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
		let Some(signer) = origin.as_system_origin_signer() else {
			// Not signed: a seat call refuses it itself; other calls pass.
			return Ok((ValidTransaction::default(), (), origin));
		};
		let step = match S::check(call, signer) {
			None => return Ok((ValidTransaction::default(), (), origin)),
			Some(None) => return Err(InvalidTransaction::Call.into()),
			Some(Some(step)) => step,
		};
		let now = frame_system::Pallet::<T>::block_number();
		let longevity: u64 =
			step.window_end.saturating_sub(now).saturating_add(One::one()).unique_saturated_into();
		let validity = ValidTransaction {
			priority: S::priority(),
			provides: alloc::vec![step.tag],
			longevity: longevity.max(1),
			..Default::default()
		};
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
