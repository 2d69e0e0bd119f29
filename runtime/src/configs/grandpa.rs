//! `pallet_grandpa`: finality. Its authority set follows the session's validators; an
//! equivocation (two votes in one round) is reported and handled like BABE's
//! ([`super::session`]).

use frame_support::traits::{ConstU32, ConstU64};

use crate::{Historical, Offences, Runtime};

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	/// polkadot-sdk's own formula, as Polkadot's runtime uses it.
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	/// The set ids whose sessions are kept: as many as the sessions whose validator sets the
	/// chain keeps proofs for.
	type MaxSetIdSessionEntries = ConstU64<{ super::session::SESSIONS_KEPT as u64 }>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem = pallet_grandpa::EquivocationReportSystem<
		Self,
		Offences,
		Historical,
		super::babe::ReportLongevity,
	>;
}
