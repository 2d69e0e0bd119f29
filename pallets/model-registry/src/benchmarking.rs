//! Benchmarks of the registry's calls, each in its worst case: the longest name, fetch
//! location and labels the bounds allow.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

fn bytes(len: u32) -> Vec<u8> {
	alloc::vec![b'a'; len as usize]
}

/// A new version of a model with the longest name, and a funded caller; the caller, model and
/// version.
fn registered<T: Config>() -> Result<(T::AccountId, ModelId, ModelVersion), BenchmarkError> {
	let caller: T::AccountId = whitelisted_caller();
	T::Referenda::fund(&caller);
	let (model, version) = Pallet::<T>::do_register(
		bytes(T::MaxNameLen::get()),
		H256::repeat_byte(0xBE),
		alloc::vec![],
		alloc::vec![bytes(1); T::MaxLabels::get() as usize],
		InputSpec::NormalisedText { max_chars: 8_000 },
		None,
		None,
	)
	.map_err(|_| BenchmarkError::Stop("registers"))?;
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

	#[benchmark]
	fn activate_model() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (_, model, version) = registered::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, model, version);

		let announced = PendingActivation::<T>::get(model).map(|(v, _)| v);
		let active = Models::<T>::get(model).and_then(|m| m.active);
		assert!(announced == Some(version) || active == Some(version));
		Ok(())
	}

	/// One submission to the runtime's referenda.
	#[benchmark]
	fn propose_activation() -> Result<(), BenchmarkError> {
		let (caller, model, version) = registered::<T>()?;
		let referendum = T::Referenda::next_index();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), model, version);

		assert_eq!(ActivationReferenda::<T>::get(referendum), Some((model, version)));
		Ok(())
	}

	#[benchmark]
	fn activate_proposed() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (caller, model, version) = registered::<T>()?;
		let referendum = T::Referenda::next_index();
		Pallet::<T>::propose_activation(RawOrigin::Signed(caller).into(), model, version)?;
		T::Referenda::approve(referendum);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, model, version, referendum);

		assert_eq!(ActivatedBy::<T>::get(model, version), Some(referendum));
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

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
