//! Benchmarks of every call and of the hooks' work (deciding and enacting referenda), at their
//! worst case: the longest names and label sets, full vote records, approvals that queue.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

/// A call every runtime's whitelist allows: governance setting its own parameters.
fn call<T: Config>() -> Box<<T as Config>::RuntimeCall> {
	Box::new(Call::<T>::set_parameters { parameters: Params::<T>::get() }.into())
}

/// An account with `times` the total issuance, enough to carry any quorum alone.
fn whale<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::total_issuance()
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(2u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Submits `count` referenda on [`call`]; their indices.
fn referenda<T: Config>(count: u32) -> Result<Vec<ReferendumIndex>, BenchmarkError> {
	let proposer = whale::<T>("proposer", 0);
	let deposit = Params::<T>::get().min_deposit;
	(0..count)
		.map(|_| {
			let index = NextReferendum::<T>::get();
			Pallet::<T>::propose(RawOrigin::Signed(proposer.clone()).into(), call::<T>(), deposit)
				.map_err(|_| BenchmarkError::Stop("a whitelisted call can be proposed"))?;
			Ok(index)
		})
		.collect()
}

/// Gives every referendum in `indices` a tally that passes: the whole issuance voted aye (as
/// if voted; deciding reads only the tally).
fn approve<T: Config>(indices: &[ReferendumIndex]) {
	let issuance = T::Currency::total_issuance();
	for index in indices {
		Referenda::<T>::mutate(index, |r| {
			if let Some(r) = r {
				r.tally =
					Tally { ayes: issuance, nays: Zero::zero(), turnout: issuance, voters: 1 };
			}
		});
	}
}

/// `count` vote records for `who` on referenda that have ended, unlockable from block 1.
fn expired_votes<T: Config>(who: &T::AccountId, count: u32) -> Result<(), BenchmarkError> {
	let amount = T::Currency::minimum_balance();
	let records: Vec<_> = (0..count)
		.map(|i| VoteRecord {
			referendum: u32::MAX - i,
			vote: Vote { aye: true, amount, conviction: Conviction::None },
			unlock_at: 1u32.into(),
		})
		.collect();
	let votes = VotesOf::<T>::try_from(records).map_err(|_| BenchmarkError::Stop("fits"))?;
	T::Currency::set_freeze(&FreezeReason::Vote.into(), who, amount)
		.map_err(|_| BenchmarkError::Stop("freezes"))?;
	Votes::<T>::insert(who, votes);
	Ok(())
}

fn bytes(len: u32) -> Vec<u8> {
	alloc::vec![b'a'; len as usize]
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
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
		);

		assert!(VersionOfHash::<T>::contains_key(H256::repeat_byte(0xBE)));
		Ok(())
	}

	#[benchmark]
	fn activate_model() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (model, version) = Pallet::<T>::do_register(
			bytes(T::MaxNameLen::get()),
			H256::repeat_byte(0xBE),
			alloc::vec![],
			alloc::vec![bytes(1); T::MaxLabels::get() as usize],
			InputSpec::NormalisedText { max_chars: 8_000 },
		)
		.map_err(|_| BenchmarkError::Stop("registers"))?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, model, version);

		let announced = PendingActivation::<T>::get(model).map(|(v, _)| v);
		let active = Models::<T>::get(model).and_then(|m| m.active);
		assert!(announced == Some(version) || active == Some(version));
		Ok(())
	}

	#[benchmark]
	fn propose() -> Result<(), BenchmarkError> {
		let caller = whale::<T>("caller", 0);
		let deposit = Params::<T>::get().min_deposit;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), call::<T>(), deposit);

		assert_eq!(Referenda::<T>::count(), 1);
		Ok(())
	}

	#[benchmark]
	fn vote(n: Linear<1, { T::MaxVotes::get() }>) -> Result<(), BenchmarkError> {
		let index = referenda::<T>(1)?[0];
		let voter = whale::<T>("voter", 1);
		expired_votes::<T>(&voter, n - 1)?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(voter.clone()),
			index,
			true,
			T::Currency::minimum_balance(),
			Conviction::Locked6x,
		);

		assert_eq!(Votes::<T>::get(&voter).len() as u32, n);
		Ok(())
	}

	#[benchmark]
	fn unlock(n: Linear<1, { T::MaxVotes::get() }>) -> Result<(), BenchmarkError> {
		let voter = whale::<T>("voter", 1);
		expired_votes::<T>(&voter, n)?;
		frame_system::Pallet::<T>::set_block_number(2u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(voter.clone()));

		assert!(Votes::<T>::get(&voter).is_empty());
		Ok(())
	}

	#[benchmark]
	fn cancel() -> Result<(), BenchmarkError> {
		let index = referenda::<T>(1)?[0];
		let proposer =
			Referenda::<T>::get(index).map(|r| r.proposer).ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(proposer), index);

		assert_eq!(Referenda::<T>::count(), 0);
		Ok(())
	}

	#[benchmark]
	fn veto() -> Result<(), BenchmarkError> {
		let origin =
			T::VetoOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let index = referenda::<T>(1)?[0];

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, index);

		assert_eq!(Referenda::<T>::count(), 0);
		Ok(())
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let parameters = Params::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters);

		Ok(())
	}

	/// Deciding `n` referenda that all pass and queue behind full enactment blocks.
	#[benchmark]
	fn decide(n: Linear<1, { T::MaxLiveReferenda::get() }>) -> Result<(), BenchmarkError> {
		let indices = referenda::<T>(n)?;
		approve::<T>(&indices);
		let params = Params::<T>::get();
		let now = frame_system::Pallet::<T>::block_number().saturating_add(params.voting_period);

		#[block]
		{
			Pallet::<T>::decide_due(now);
		}

		for index in indices {
			let status = Referenda::<T>::get(index).map(|r| r.status);
			assert!(matches!(status, Some(Status::Approved { .. })));
		}
		Ok(())
	}

	/// Enacting `n` approved referenda (their calls' own weight is added per call).
	#[benchmark]
	fn enact(n: Linear<1, { T::MaxEnactmentsPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let indices = referenda::<T>(n)?;
		approve::<T>(&indices);
		let params = Params::<T>::get();
		let ends = frame_system::Pallet::<T>::block_number().saturating_add(params.voting_period);
		Pallet::<T>::decide_due(ends);
		let enact_at = ends.saturating_add(params.enactment_delay);
		frame_system::Pallet::<T>::set_block_number(enact_at);

		#[block]
		{
			Pallet::<T>::enact_due(enact_at);
		}

		assert_eq!(Referenda::<T>::count(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
