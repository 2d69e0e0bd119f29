
//! Weights for `pallet_training`. Regenerate them with `scripts/benchmark.sh pallet_training`;
//! never edit them by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// The weight of each of `pallet_training`'s calls and hooks.
pub trait WeightInfo {
	fn open_round(e: u32, t: u32, ) -> Weight;
	fn commit_update(b: u32, ) -> Weight;
	fn commit_aggregate() -> Weight;
	fn reveal_aggregate(t: u32, ) -> Weight;
	fn set_parameters() -> Weight;
	fn start_aggregation(a: u32, ) -> Weight;
	fn decide(a: u32, t: u32, ) -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn open_round(e: u32, t: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(25_000_000, 3_000).saturating_mul(e.into()))
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn commit_update(b: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(Weight::from_parts(10_000, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn commit_aggregate() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn reveal_aggregate(t: u32, ) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(100_000, 0).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(20_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn start_aggregation(a: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 10_000)
			.saturating_add(Weight::from_parts(5_000_000, 3_000).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(a.into())))
	}
	fn decide(a: u32, t: u32, ) -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(Weight::from_parts(10_000_000, 3_000).saturating_mul(a.into()))
			.saturating_add(Weight::from_parts(10_000_000, 3_000).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(a.into())))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(a.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(t.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn open_round(_e: u32, _t: u32, ) -> Weight { Weight::zero() }
	fn commit_update(_b: u32, ) -> Weight { Weight::zero() }
	fn commit_aggregate() -> Weight { Weight::zero() }
	fn reveal_aggregate(_t: u32, ) -> Weight { Weight::zero() }
	fn set_parameters() -> Weight { Weight::zero() }
	fn start_aggregation(_a: u32, ) -> Weight { Weight::zero() }
	fn decide(_a: u32, _t: u32, ) -> Weight { Weight::zero() }
}
