//! `pallet_grandpa`: finality.

use frame_support::traits::{ConstU32, ConstU64};

use crate::Runtime;

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	/// No session pallet: equivocation reports are not processed on chain yet.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}
