//! Benchmarks of every call, at their worst case: the longest name, description and link, and
//! a deposit that changes hands.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

/// An account with enough to hold the largest space's deposit many times over.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let most = T::MaxNameLen::get()
		.saturating_add(T::MaxDescriptionLen::get())
		.saturating_add(T::MaxLinkLen::get());
	let amount = deposit_for(&Params::<T>::get(), most).saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// The longest text each field takes.
fn longest<T: Config>() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
	(
		vec![b'n'; T::MaxNameLen::get() as usize],
		vec![b'd'; T::MaxDescriptionLen::get() as usize],
		vec![b'l'; T::MaxLinkLen::get() as usize],
	)
}

/// Space 0, with the shortest text, registered by a funded admin.
fn space<T: Config>() -> T::AccountId {
	let admin = funded::<T>("admin", 0);
	Pallet::<T>::register_space(
		RawOrigin::Signed(admin.clone()).into(),
		vec![b'n'],
		vec![],
		vec![],
	)
	.expect("a funded admin registers");
	admin
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_space() {
		let admin = funded::<T>("admin", 0);
		let (name, description, link) = longest::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), name, description, link);

		assert!(Spaces::<T>::contains_key(0));
	}

	/// From the shortest text to the longest: the deposit grows.
	#[benchmark]
	fn update_space() {
		let admin = space::<T>();
		let (name, description, link) = longest::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), 0, name, description, link);

		assert_eq!(Spaces::<T>::get(0).map(|s| s.name.len() as u32), Some(T::MaxNameLen::get()));
	}

	#[benchmark]
	fn offer_space() {
		let admin = space::<T>();
		let to = funded::<T>("successor", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), 0, Some(to.clone()));

		assert_eq!(Offers::<T>::get(0), Some(to));
	}

	/// The longest space changes hands: the new admin holds its deposit, the old one gets its
	/// own back.
	#[benchmark]
	fn accept_space() {
		let admin = funded::<T>("admin", 0);
		let (name, description, link) = longest::<T>();
		Pallet::<T>::register_space(
			RawOrigin::Signed(admin.clone()).into(),
			name,
			description,
			link,
		)
		.expect("a funded admin registers");
		let to = funded::<T>("successor", 0);
		Pallet::<T>::offer_space(RawOrigin::Signed(admin).into(), 0, Some(to.clone()))
			.expect("the admin offers");

		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), 0);

		assert_eq!(Spaces::<T>::get(0).map(|s| s.admin), Some(to));
	}

	/// A space with an open offer closes: both go.
	#[benchmark]
	fn close_space() {
		let admin = space::<T>();
		let to = funded::<T>("successor", 0);
		Pallet::<T>::offer_space(RawOrigin::Signed(admin.clone()).into(), 0, Some(to))
			.expect("the admin offers");

		#[extrinsic_call]
		_(RawOrigin::Signed(admin), 0);

		assert!(!Spaces::<T>::contains_key(0));
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let parameters = Params::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters.clone());

		assert_eq!(Params::<T>::get(), parameters);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
