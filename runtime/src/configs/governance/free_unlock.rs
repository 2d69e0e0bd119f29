//! A voter who locked its whole balance can still unlock it.
//!
//! `pallet-conviction-voting` lets an account vote with all it has, and its lock then covers the
//! balance transaction fees are paid from: once the lock has run out, the account could not pay
//! for the `unlock` that lifts it. [`FreeUnlock`] wraps the runtime's payment extension and skips
//! payment for a `convictionVoting.unlock` of the signer's own lock that actually releases
//! something; it learns that by running the unlock and rolling it back. Any other call, and an
//! unlock that would release nothing, pays as usual, so the exemption cannot be farmed: each free
//! unlock lifts a lock that a paid vote created.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::DispatchResult,
	pallet_prelude::TransactionSource,
	storage::{with_transaction, TransactionOutcome},
	weights::Weight,
};
use pallet_conviction_voting::WeightInfo as _;
use scale_info::{StaticTypeInfo, TypeInfo};
use sp_runtime::{
	traits::{
		DispatchInfoOf, DispatchOriginOf, Implication, PostDispatchInfoOf, StaticLookup,
		TransactionExtension, ValidateResult,
	},
	transaction_validity::TransactionValidityError,
	DispatchError,
};

use crate::{AccountId, Runtime, RuntimeCall, RuntimeOrigin};

/// Payment extension `S`, skipped for an unlock that frees the signer's own locked balance.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq)]
pub struct FreeUnlock<S>(pub S);

/// Encodes and describes itself as `S`: wallets sign it as the payment extension it wraps.
impl<S: StaticTypeInfo> TypeInfo for FreeUnlock<S> {
	type Identity = S;
	fn type_info() -> scale_info::Type {
		S::type_info()
	}
}

impl<S: Encode> core::fmt::Debug for FreeUnlock<S> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "FreeUnlock<{:?}>", self.0.encode())
	}
}

impl<S> From<S> for FreeUnlock<S> {
	fn from(s: S) -> Self {
		Self(s)
	}
}

/// What the wrapped extension's stage carries, or that payment was skipped.
pub enum Stage<T> {
	/// Payment applies.
	Pay(T),
	/// A freeing unlock: nothing is charged.
	Free,
}

/// The account whose own lock `call` unlocks, if `call` is such an unlock by `origin`.
fn own_unlock(origin: &RuntimeOrigin, call: &RuntimeCall) -> Option<AccountId> {
	let RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::unlock { target, .. }) = call
	else {
		return None;
	};
	let who = frame_system::ensure_signed(origin.clone()).ok()?;
	let target = <Runtime as frame_system::Config>::Lookup::lookup(target.clone()).ok()?;
	(who == target).then_some(who)
}

/// Whether dispatching `call` (an unlock of `who`'s own lock) would lower `who`'s frozen
/// balance; nothing it does is kept.
fn releases(who: &AccountId, origin: RuntimeOrigin, call: &RuntimeCall) -> bool {
	use sp_runtime::traits::Dispatchable;
	let frozen = || frame_system::Account::<Runtime>::get(who).data.frozen;
	let before = frozen();
	with_transaction(|| -> TransactionOutcome<Result<bool, DispatchError>> {
		let ok = call.clone().dispatch(origin).is_ok();
		TransactionOutcome::Rollback(Ok(ok && frozen() < before))
	})
	.unwrap_or(false)
}

impl<S: TransactionExtension<RuntimeCall>> TransactionExtension<RuntimeCall> for FreeUnlock<S> {
	const IDENTIFIER: &'static str = S::IDENTIFIER;
	type Implicit = S::Implicit;
	type Val = Stage<S::Val>;
	type Pre = Stage<S::Pre>;

	fn metadata() -> alloc::vec::Vec<sp_runtime::traits::TransactionExtensionMetadata> {
		S::metadata()
	}

	fn implicit(&self) -> Result<Self::Implicit, TransactionValidityError> {
		self.0.implicit()
	}

	/// The wrapped extension's weight, plus the trial unlock for an unlock call.
	fn weight(&self, call: &RuntimeCall) -> Weight {
		let trial = match call {
			RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::unlock { .. }) => {
				<Runtime as pallet_conviction_voting::Config>::WeightInfo::unlock()
			},
			_ => Weight::zero(),
		};
		self.0.weight(call).saturating_add(trial)
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
		self_implicit: S::Implicit,
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, RuntimeCall> {
		if let Some(who) = own_unlock(&origin, call) {
			if releases(&who, origin.clone(), call) {
				return Ok((Default::default(), Stage::Free, origin));
			}
		}
		let (validity, val, origin) = self.0.validate(
			origin,
			call,
			info,
			len,
			self_implicit,
			inherited_implication,
			source,
		)?;
		Ok((validity, Stage::Pay(val), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		origin: &DispatchOriginOf<RuntimeCall>,
		call: &RuntimeCall,
		info: &DispatchInfoOf<RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		match val {
			Stage::Pay(val) => self.0.prepare(val, origin, call, info, len).map(Stage::Pay),
			Stage::Free => Ok(Stage::Free),
		}
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<RuntimeCall>,
		post_info: &PostDispatchInfoOf<RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		match pre {
			Stage::Pay(pre) => S::post_dispatch_details(pre, info, post_info, len, result),
			Stage::Free => Ok(Weight::zero()),
		}
	}
}
