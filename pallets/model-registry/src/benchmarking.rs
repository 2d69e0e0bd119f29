//! Benchmarks of the registry's calls, each in its worst case: the longest name, fetch
//! location and labels the bounds allow.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

fn bytes(len: u32) -> Vec<u8> {
	alloc::vec![b'a'; len as usize]
}

/// A new version of a model with the longest name, and `referenda` referenda proposing its
/// activation, opened by a funded caller; the caller, model and version.
fn proposed<T: Config>(
	referenda: u32,
) -> Result<(T::AccountId, ModelId, ModelVersion), BenchmarkError> {
	let caller: T::AccountId = whitelisted_caller();
	T::Referenda::fund(&caller);
	let (model, version) = Pallet::<T>::do_register(
		bytes(T::MaxNameLen::get()),
		H256::repeat_byte(0xBE),
		alloc::vec![],
		alloc::vec![bytes(1); T::AnalysisLabels::get() as usize],
		InputSpec::NormalisedText { max_chars: 8_000 },
		None,
		None,
	)
	.map_err(|_| BenchmarkError::Stop("registers"))?;
	for _ in 0..referenda {
		Pallet::<T>::propose_activation(RawOrigin::Signed(caller.clone()).into(), model, version)?;
	}
	Ok((caller, model, version))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let name = bytes(T::MaxNameLen::get());
		let labels = alloc::vec![bytes(T::MaxLabelLen::get()); T::MaxLabels::get() as usize];

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			name,
			H256::repeat_byte(0xBE),
			bytes(T::MaxUriLen::get()),
			labels,
			InputSpec::NormalisedText { max_chars: 8_000 },
			Some(20_000),
		);

		assert!(VersionOfHash::<T>::contains_key(H256::repeat_byte(0xBE)));
		Ok(())
	}

	/// The version has `MaxActivationReferenda` referenda open and the last is the approved
	/// one: every one is read, and the list and [`ActivatedBy`] are written.
	#[benchmark]
	fn activate_model() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, model, version) = proposed::<T>(T::MaxActivationReferenda::get())?;
		let last = *ProposedActivations::<T>::get(model, version)
			.last()
			.ok_or(BenchmarkError::Stop("proposed"))?;
		T::Referenda::approve(last);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, model, version);

		let announced = PendingActivation::<T>::get(model).map(|(v, _)| v);
		let active = Models::<T>::get(model).and_then(|m| m.active);
		assert!(announced == Some(version) || active == Some(version));
		assert_eq!(ActivatedBy::<T>::get(model, version), Some(last));
		Ok(())
	}

	/// The version has all but one of its `MaxActivationReferenda` places taken by referenda
	/// that may still enact it, so every one is read and kept.
	#[benchmark]
	fn propose_activation() -> Result<(), BenchmarkError> {
		let (caller, model, version) = proposed::<T>(T::MaxActivationReferenda::get() - 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), model, version);

		assert_eq!(
			ProposedActivations::<T>::get(model, version).len(),
			T::MaxActivationReferenda::get() as usize
		);
		Ok(())
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::ParametersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let parameters = Params::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters);

		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
