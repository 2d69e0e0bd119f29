//! `pallet_babe`: block production by a VRF lottery over slots, and the chain's randomness.
//!
//! Each slot, every validator evaluates its VRF on the slot and the epoch's randomness; one
//! whose output is below the threshold `c` = 1/4 (see [`PRIMARY_PROBABILITY`]) may author a
//! *primary* block. A slot nobody won goes to its *secondary* author (chosen from the epoch
//! randomness and the slot), who also proves a VRF output (`PrimaryAndSecondaryVRFSlots`): every
//! block carries a VRF output that nobody but its author knew before it was published, which is
//! what the committee and trainer draws use ([`super::draws`]).
//!
//! Epochs are the sessions of `pallet_session` (the `ExternalTrigger`): ten minutes
//! ([`EPOCH_DURATION_IN_SLOTS`]). Equivocation (two blocks in one slot) is reported by any
//! node that sees both headers and handled by `pallet_offences` ([`super::session`]).

use frame_support::{parameter_types, traits::ConstU32};
use sp_consensus_babe::{AllowedSlots, BabeEpochConfiguration};

use crate::{
	Historical, Offences, Runtime, Session, EPOCH_DURATION_IN_SLOTS, MILLI_SECS_PER_BLOCK,
	PRIMARY_PROBABILITY,
};

/// The epoch configuration of every preset: primary slots with probability 1/4, secondary slots
/// with a VRF output.
pub const BABE_GENESIS_EPOCH_CONFIG: BabeEpochConfiguration = BabeEpochConfiguration {
	c: PRIMARY_PROBABILITY,
	allowed_slots: AllowedSlots::PrimaryAndSecondaryVRFSlots,
};

parameter_types! {
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
	pub const ExpectedBlockTime: u64 = MILLI_SECS_PER_BLOCK;
	/// How long an equivocation report stays valid in the pool: as long as the sessions whose
	/// validator sets the chain keeps proofs for ([`super::session::SESSIONS_KEPT`]).
	pub const ReportLongevity: u64 =
		super::session::SESSIONS_KEPT as u64 * EPOCH_DURATION_IN_SLOTS;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// The session pallet starts each epoch.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	/// A validator disabled for an offence authors no block.
	type DisabledValidators = Session;
	/// polkadot-sdk's own formula (`report_equivocation` is dominated by the proof check), as
	/// Polkadot's runtime uses it.
	type WeightInfo = ();
	/// Validator sets are small (a DAO's operators); 32 is ample and bounds storage.
	type MaxAuthorities = ConstU32<32>;
	/// No nominators: validators are chosen by governance, not by stake.
	type MaxNominators = ConstU32<0>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}
