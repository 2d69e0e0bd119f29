//! `pallet_spaces`: DAO spaces, the proposals filed under them and the network's record on each.

use frame_support::{parameter_types, traits::ConstU32};

use crate::{Balance, Balances, Runtime, RuntimeHoldReason, MICRO_UNIT, UNIT};

parameter_types! {
	/// What a space costs until governance (the `parameters` track) sets otherwise.
	pub DefaultSpaceParameters: pallet_spaces::Parameters<Balance> = pallet_spaces::Parameters {
		// Ten PROPOSAL per space, returned on closing: a directory flooded with a thousand
		// squatted names locks ten thousand PROPOSAL, while a real DAO pays it once.
		deposit_base: 10 * UNIT,
		// Ten micro-PROPOSAL per byte of text, as a proposal body's: the longest space (about
		// 900 bytes) holds 0.009 more.
		deposit_per_byte: 10 * MICRO_UNIT,
	};
}

impl pallet_spaces::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	/// A DAO's name, as directories show it.
	type MaxNameLen = ConstU32<64>;
	/// A paragraph.
	type MaxDescriptionLen = ConstU32<512>;
	/// A URL: a Snapshot space, a Tally organisation, a forum or a repository.
	type MaxLinkLen = ConstU32<256>;
	type DefaultParameters = DefaultSpaceParameters;
	type WeightInfo = pallet_spaces::weights::SubstrateWeight<Runtime>;
}
