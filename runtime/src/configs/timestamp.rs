//! `pallet_timestamp`: the block's time, set by an inherent.

use crate::{Babe, Runtime, SLOT_DURATION};

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	/// BABE checks that the timestamp falls in the block's slot.
	type OnTimestampSet = Babe;
	/// Two blocks may not be closer than half a slot.
	type MinimumPeriod = frame_support::traits::ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}
