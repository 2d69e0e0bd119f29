//! `pallet_session` (with its historical proofs) and `pallet_offences`: who validates, and
//! what an equivocating validator loses.
//!
//! ## Validators
//!
//! The validator set is the genesis one ([`GenesisValidators`]): this chain has no
//! `pallet-staking` to elect validators, and a DAO's validators are its operators, chosen by the
//! DAO. A validator rotates its own keys with `session.setKeys` (they take effect two sessions
//! later); changing *who* validates is a runtime upgrade through the `root` track.
//!
//! ## Equivocation
//!
//! Any node that sees two BABE blocks of one author in one slot, or two GRANDPA votes of one
//! voter in one round, submits an unsigned report with the proofs (the node does this by
//! itself; the report costs the reporter nothing and earns it nothing). The runtime checks the
//! proofs against the historical session roots kept for [`SESSIONS_KEPT`] sessions and hands
//! the offence to `pallet_offences`, which keeps each offence once and calls
//! [`ValidatorOffences`]:
//!
//! - the validator is **disabled** (it authors no more blocks and its GRANDPA votes are
//!   ignored) until the validator set changes, within the limit of the session's
//!   `UpToLimitWithReEnablingDisablingStrategy` (at most a third of the set at once);
//! - if the validator's account also operates a compute node, the offence's slash fraction
//!   (polkadot-sdk's: `min((3k/n)², 1)` for `k` offenders of `n` validators in one slot or
//!   round, so 56 % for one of four, all of it when a third of the set equivocates together) of
//!   everything the node holds is slashed to the treasury. Nobody gains from it: not the
//!   reporter, not the other validators, so reporting with many accounts earns nothing either.
//!
//! What is not possible without `pallet-staking`: a validator that operates no compute node
//! holds no bond, so disabling is all an equivocation costs it.

use alloc::vec::Vec;
use daollm_primitives::traits::{ComputeNodes as _, Work};
use frame_support::{traits::ConstU128, weights::Weight};
use sp_runtime::{traits::Convert, Perbill};
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

use crate::{
	AccountId, Babe, Balances, ComputeNodes, Runtime, RuntimeEvent, RuntimeHoldReason, Session,
	SessionKeys, UNIT,
};

/// How many past sessions' validator sets the chain keeps proofs for: a day of ten-minute
/// sessions. An equivocation older than that can no longer be reported.
pub const SESSIONS_KEPT: u32 = 144;

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	/// Sessions are BABE's epochs.
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, GenesisValidators>;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	/// polkadot-sdk's reference weights: the session pallet's benchmarks need `pallet-staking`.
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Held while keys are set: the storage they take, paid by the validator that sets them.
	type KeyDeposit = ConstU128<UNIT>;
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// A validator is identified by its account alone: there is no exposure to record.
	type FullIdentification = ();
	type FullIdentificationOf = Validator;
}

/// The block's author, from BABE's pre-digest: the reporter of record of the equivocation
/// reports in its block (reporting earns nothing).
impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	type EventHandler = ();
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = ValidatorOffences;
}

/// Every validator's full identification is `()`.
pub struct Validator;
impl Convert<AccountId, Option<()>> for Validator {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

/// The genesis validators, for every session: the set of `session.keys` in the genesis config.
///
/// At genesis it names them, so that the historical pallet stores the first session's root
/// (every later session copies it); afterwards it never changes the set.
pub struct GenesisValidators;

impl GenesisValidators {
	fn genesis_set() -> Vec<(AccountId, ())> {
		pallet_session::NextKeys::<Runtime>::iter_keys().map(|v| (v, ())).collect()
	}
}

impl pallet_session::SessionManager<AccountId> for GenesisValidators {
	fn new_session(_: SessionIndex) -> Option<Vec<AccountId>> {
		None
	}
	fn new_session_genesis(_: SessionIndex) -> Option<Vec<AccountId>> {
		Some(Self::genesis_set().into_iter().map(|(v, _)| v).collect())
	}
	fn end_session(_: SessionIndex) {}
	fn start_session(_: SessionIndex) {}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for GenesisValidators {
	fn new_session(_: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		None
	}
	fn new_session_genesis(_: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		Some(Self::genesis_set())
	}
	/// Forgets the proofs of sessions older than [`SESSIONS_KEPT`]: the historical roots stay
	/// bounded.
	fn end_session(end: SessionIndex) {
		pallet_session::historical::Pallet::<Runtime>::prune_up_to(
			end.saturating_sub(SESSIONS_KEPT),
		);
	}
	fn start_session(_: SessionIndex) {}
}

/// What an offence reported through `pallet_offences` costs the offender: see the module docs.
pub struct ValidatorOffences;
impl OnOffenceHandler<AccountId, (AccountId, ()), Weight> for ValidatorOffences {
	fn on_offence(
		offenders: &[OffenceDetails<AccountId, (AccountId, ())>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let mut weight = Weight::zero();
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			let (validator, ()) = &details.offender;
			Session::report_offence(validator.clone(), OffenceSeverity(*fraction));
			ComputeNodes::slash_offence(validator, Work::Session(session), *fraction);
			// The session's validators and disabled list, the node, its hold and the treasury.
			weight.saturating_accrue(db.reads_writes(5, 4));
		}
		weight
	}
}

/// The hold reasons the session's key deposit uses.
const _: fn(pallet_session::HoldReason) -> RuntimeHoldReason = Into::into;
