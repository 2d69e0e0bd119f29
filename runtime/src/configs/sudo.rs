//! `pallet_sudo`: a superuser for development and local networks only.
//!
//! The runtime includes the pallet so that dev and local specs can name a key; the public testnet
//! template names none, which leaves every `sudo` call failing with `RequireSudo`.

use crate::{Runtime, RuntimeCall, RuntimeEvent};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}
