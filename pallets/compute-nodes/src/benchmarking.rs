//! Benchmarks of every call, at its worst case: the most registered nodes, so that the
//! candidate list every change rewrites is longest.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

/// What the benchmarks need from the runtime that the pallet cannot make itself.
pub trait BenchmarkHelper<Key> {
	/// A distinct node key for each `seed`.
	fn key(seed: u32) -> Key;
}

/// An operator with a node registered at several times the minimum stake, its key made by
/// [`Config::BenchmarkHelper`] from `index`.
pub fn node<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("node", index, 0);
	let stake = Params::<T>::get().min_node_stake.saturating_mul(4u32.into());
	T::Currency::set_balance(&who, stake.saturating_mul(4u32.into()));
	Pallet::<T>::do_register(&who, stake, T::BenchmarkHelper::key(index))
		.expect("a funded operator registers");
	who
}

/// Registers nodes until `count` exist (genesis may have registered some); all of them. For
/// the benchmarks of the pallets that draw nodes too.
pub fn nodes<T: Config>(count: u32) -> Vec<T::AccountId> {
	let mut index = 0;
	while Nodes::<T>::count() < count {
		if !Nodes::<T>::contains_key(account::<T::AccountId>("node", index, 0)) {
			node::<T>(index);
		}
		index += 1;
	}
	Nodes::<T>::iter_keys().collect()
}

/// The account operator `who`'s key signs as.
pub fn signer<T: Config>(who: &T::AccountId) -> T::AccountId {
	Nodes::<T>::get(who).expect("registered").key_account
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_node() {
		nodes::<T>(T::MaxNodes::get() - 1);
		let who: T::AccountId = whitelisted_caller();
		let stake = Params::<T>::get().min_node_stake;
		T::Currency::set_balance(&who, stake.saturating_mul(2u32.into()));
		// A key in the keystore, so that it can prove possession; verifying that proof is the
		// call's main cost.
		let mut key = T::NodeKey::generate_pair(None);
		let proof = key
			.generate_proof_of_possession(&Pallet::<T>::possession_statement(&who))
			.expect("the benchmark's keystore signs");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake, key, proof);

		assert!(Nodes::<T>::contains_key(&who));
	}

	#[benchmark]
	fn add_stake() {
		nodes::<T>(T::MaxNodes::get());
		let who: T::AccountId = account("node", 0, 0);
		let before = Nodes::<T>::get(&who).expect("registered").stake;
		let amount = Params::<T>::get().min_node_stake;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert_eq!(Nodes::<T>::get(&who).map(|n| n.stake), Some(before.saturating_add(amount)));
	}

	#[benchmark]
	fn unbond() {
		nodes::<T>(T::MaxNodes::get());
		let who: T::AccountId = account("node", 0, 0);
		let stake = Nodes::<T>::get(&who).expect("registered").stake;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake);

		assert_eq!(Nodes::<T>::get(&who).map(|n| n.status), Some(NodeStatus::Leaving));
	}

	#[benchmark]
	fn withdraw_unbonded() {
		nodes::<T>(T::MaxNodes::get());
		let who: T::AccountId = account("node", 0, 0);
		let stake = Nodes::<T>::get(&who).expect("registered").stake;
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), stake).expect("unbonds");
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().unbonding_period);
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Nodes::<T>::contains_key(&who), "the node is gone");
	}

	#[benchmark]
	fn set_parameters(n: Linear<0, { T::MaxNodes::get() }>) -> Result<(), BenchmarkError> {
		nodes::<T>(n);
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut params = Params::<T>::get();
		params.rejoin_cooldown = params.rejoin_cooldown.saturating_add(1u32.into());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
