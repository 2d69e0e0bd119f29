//! `pallet_timestamp`: the block's time, set by an inherent.

use crate::{Runtime, SLOT_DURATION};

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	/// BABE reads the slot from its pre-digest, not from the timestamp.
	type OnTimestampSet = ();
	/// Two blocks may not be closer than half a slot.
	type MinimumPeriod = frame_support::traits::ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}
