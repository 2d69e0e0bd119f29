//! Benchmarks of every call and of the epoch's end, at their worst case: every kind of work
//! earned points, and each claimed epoch pays from every kind's pool.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use sp_runtime::Perbill;

/// A split that gives every kind of work a pool.
fn split_three_ways<T: Config>() {
	Params::<T>::mutate(|p| {
		p.split = RewardSplit {
			annotation: Perbill::from_percent(30),
			inference: Perbill::from_percent(50),
			training: Perbill::from_percent(20),
		};
		if p.emission.is_zero() {
			p.emission = T::Currency::minimum_balance().saturating_mul(1_000u32.into());
		}
	});
}

/// Credits `who` (and a second account, so the pools are shared) points of every kind.
fn earn<T: Config>(who: &T::AccountId) {
	let other: T::AccountId = account("other", 0, 0);
	for kind in CONTRIBUTIONS {
		Pallet::<T>::reward(who, kind, 10);
		Pallet::<T>::reward(&other, kind, 30);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn close_epoch() {
		split_three_ways::<T>();
		earn::<T>(&account("earner", 0, 0));
		let epoch = CurrentEpoch::<T>::get();

		#[block]
		{
			Pallet::<T>::close_epoch();
		}

		assert!(Epochs::<T>::contains_key(epoch));
	}

	#[benchmark]
	fn claim(n: Linear<1, { T::MaxClaimEpochs::get() }>) -> Result<(), BenchmarkError> {
		split_three_ways::<T>();
		let who: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&who, T::Currency::minimum_balance());
		let mut epochs = Vec::new();
		for _ in 0..n {
			epochs.push(CurrentEpoch::<T>::get());
			earn::<T>(&who);
			Pallet::<T>::close_epoch();
		}
		// A full history, so each payment also drops the oldest entry.
		History::<T>::insert(
			&who,
			HistoryOf::<T>::try_from(alloc::vec![
				Payout { epoch: 0, amount: Zero::zero() };
				T::MaxHistory::get() as usize
			])
			.map_err(|_| BenchmarkError::Stop("MaxHistory entries fit"))?,
		);
		let epochs = BoundedVec::try_from(epochs).map_err(|_| BenchmarkError::Stop("n fits"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), epochs);

		assert!(AccountPoints::<T>::iter_prefix(&who).next().is_none());
		Ok(())
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut parameters = Params::<T>::get();
		parameters.split.inference = Perbill::from_percent(40);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters.clone());

		assert_eq!(Params::<T>::get(), parameters);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
