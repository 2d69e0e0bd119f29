//! Benchmarks of every call, at their worst case: the longest title, body and origin, the most
//! annotations a proposal takes, and proposals filed under a DAO space whose record each step
//! updates.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

/// What the benchmarks need from other pallets.
pub trait BenchmarkHelper<AccountId> {
	/// A DAO space that `admin` registers (funded by the benchmark), for proposals to be filed
	/// under.
	fn space(admin: &AccountId) -> SpaceId;
}

/// The filing of the benchmarks' proposals: under a space, with the longest origin.
fn filing<T: Config>() -> (Option<SpaceId>, Vec<u8>) {
	let admin = funded::<T>("space admin", 0);
	(Some(T::BenchmarkHelper::space(&admin)), vec![b'o'; T::MaxOriginLen::get() as usize])
}

/// An account with enough to pay the deposit of the largest proposal many times over.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let most = T::MaxBodyLen::get().saturating_add(T::MaxOriginLen::get());
	let amount = Pallet::<T>::deposit_for(most).saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Proposal 0, by a funded author, filed under a space with the longest origin, with a body of
/// `body_len` bytes.
fn proposal<T: Config>(body_len: u32) -> T::AccountId {
	let author = funded::<T>("author", 0);
	let title = vec![b't'; T::MaxTitleLen::get() as usize];
	let body = vec![b'b'; body_len.max(1) as usize];
	let (space, origin) = filing::<T>();
	Pallet::<T>::file_proposal(
		RawOrigin::Signed(author.clone()).into(),
		space,
		origin,
		title,
		body,
	)
	.expect("a funded author submits");
	author
}

/// Stores `count` annotations on proposal `id` directly, labelled by `label_of`, each holding
/// the least bond, without opening a challenge window: the state just before the annotation
/// being measured.
fn annotations<T: Config>(id: ProposalId, count: u32, label_of: impl Fn(u32) -> LabelIndex) {
	let mut record = Proposals::<T>::get(id).expect("proposal exists");
	let bond = Params::<T>::get().min_annotation_bond;
	for i in 0..count {
		let who = funded::<T>("annotator", i);
		T::Currency::hold(&HoldReason::AnnotationBond.into(), &who, bond)
			.expect("a funded annotator holds a bond");
		let label = label_of(i);
		Annotations::<T>::insert(
			id,
			&who,
			Annotation {
				choice: Choice::Label(label),
				bond,
				note_hash: Some(H256::zero()),
				annotated_at: Zero::zero(),
				public: LabelSet::default(),
			},
		);
		if let Some(n) = record.tally.get_mut(label as usize) {
			n.saturating_inc();
		}
		if let Some(w) = record.bonded.get_mut(label as usize) {
			w.saturating_accrue(bond);
		}
	}
	Proposals::<T>::insert(id, record);
}

/// Moves the chain to the block where proposal `id`'s spam window ends.
fn end_spam_window<T: Config>(id: ProposalId) {
	if let Some(proposal) = Proposals::<T>::get(id) {
		frame_system::Pallet::<T>::set_block_number(proposal.deposit_held_until);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_proposal(
		t: Linear<1, { T::MaxTitleLen::get() }>,
		b: Linear<1, { T::MaxBodyLen::get() }>,
	) {
		let author = funded::<T>("author", 0);
		let title = vec![b't'; t as usize];
		let body = vec![b'b'; b as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(author.clone()), title, body);

		assert_eq!(Proposals::<T>::get(0).map(|p| p.author), Some(author));
	}

	/// A proposal filed under a space with the longest origin: the space lists it.
	#[benchmark]
	fn file_proposal(
		t: Linear<1, { T::MaxTitleLen::get() }>,
		b: Linear<1, { T::MaxBodyLen::get() }>,
	) {
		let author = funded::<T>("author", 0);
		let (space, origin) = filing::<T>();
		let title = vec![b't'; t as usize];
		let body = vec![b'b'; b as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(author.clone()), space, origin, title, body);

		assert_eq!(Pallet::<T>::space_of(0), space);
	}

	#[benchmark]
	fn withdraw_proposal(a: Linear<0, { T::MaxAnnotations::get() }>) {
		let author = proposal::<T>(T::MaxBodyLen::get());
		let labels = T::LabelCount::get() as u32;
		annotations::<T>(0, a, |i| (i % labels) as LabelIndex);

		#[extrinsic_call]
		_(RawOrigin::Signed(author), 0);

		assert!(Proposals::<T>::get(0).is_none());
	}

	/// The costliest annotation: the proposal is full, so it displaces the smallest bond
	/// (found among all of them), and its bond brings the quorum and opens the challenge window,
	/// scheduling the settlement.
	#[benchmark]
	fn annotate() {
		proposal::<T>(1);
		let labels = T::LabelCount::get() as u32;
		// Spread over every label: no window opens before the one measured.
		annotations::<T>(0, T::MaxAnnotations::get(), |i| (i % labels) as LabelIndex);
		let bond =
			Params::<T>::get().verification_bond.saturating_mul(T::MaxAnnotations::get().into());
		let annotator = funded::<T>("annotator", u32::MAX);

		#[extrinsic_call]
		_(RawOrigin::Signed(annotator.clone()), 0, 0, bond, Some(H256::zero()));

		assert!(Annotations::<T>::contains_key(0, annotator));
		assert!(Proposals::<T>::get(0).is_some_and(|p| p.provisional.is_some()));
	}

	/// Revealing the sealed label that takes the lead of an open window near its end: the
	/// window moves to a new settlement ticket.
	#[benchmark]
	fn reveal_annotation() {
		proposal::<T>(1);
		let annotator = funded::<T>("annotator", u32::MAX);
		let salt = [7u8; 32];
		let commitment = Pallet::<T>::commitment(0, 1, &salt, &annotator);
		let bond = Params::<T>::get().verification_bond.saturating_mul(2u32.into());
		Pallet::<T>::seal_annotation(
			RawOrigin::Signed(annotator.clone()).into(),
			0,
			commitment,
			bond,
			None,
		)
		.expect("seals");
		let leader = funded::<T>("leader", 0);
		Pallet::<T>::annotate(
			RawOrigin::Signed(leader).into(),
			0,
			0,
			Params::<T>::get().verification_bond,
			None,
		)
		.expect("annotates");
		let settles_at = Proposals::<T>::get(0).and_then(|p| p.provisional).map(|p| p.settles_at);
		frame_system::Pallet::<T>::set_block_number(
			settles_at.unwrap_or_default().saturating_sub(One::one()),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(annotator), 0, 1, salt);

		assert_eq!(Proposals::<T>::get(0).and_then(|p| p.provisional).map(|p| p.label), Some(1));
	}

	/// Settling a label with `a` annotations, a third of them disagreeing (slashed and shared
	/// out), on an analysed proposal whose deposit is released: the costliest settlement.
	#[benchmark]
	fn settle(a: Linear<1, { T::MaxAnnotations::get() }>) {
		proposal::<T>(1);
		let labels = T::LabelCount::get() as u32;
		annotations::<T>(0, a - 1, |i| if i % 3 == 2 { (1 % labels) as LabelIndex } else { 0 });
		// Enough weight on label 0 whatever `a` is; this opens the window.
		let heavy = funded::<T>("annotator", u32::MAX);
		let bond =
			Params::<T>::get().verification_bond.saturating_mul(T::MaxAnnotations::get().into());
		Pallet::<T>::annotate(RawOrigin::Signed(heavy).into(), 0, 0, bond, None)
			.expect("annotates");
		// Analysed during the window: the deposit is released when the label settles.
		<Pallet<T> as ProposalAnalysed>::on_analysed(0, 0);

		let record = Proposals::<T>::get(0).expect("proposal exists");

		#[block]
		{
			Pallet::<T>::settle(0, record);
		}

		assert_eq!(Proposals::<T>::get(0).and_then(|p| p.verified_label), Some(0));
	}

	#[benchmark]
	fn mark_spam(a: Linear<0, { T::MaxAnnotations::get() }>) -> Result<(), BenchmarkError> {
		proposal::<T>(T::MaxBodyLen::get());
		annotations::<T>(0, a, |_| 0);
		let origin =
			T::SpamOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0);

		assert!(Proposals::<T>::get(0).is_none());
		Ok(())
	}

	/// Removing an analysed proposal with `a` annotations, spread over the labels so that none
	/// settled: every bond is returned.
	#[benchmark]
	fn remove_proposal(a: Linear<0, { T::MaxAnnotations::get() }>) {
		let author = proposal::<T>(T::MaxBodyLen::get());
		let labels = T::LabelCount::get() as u32;
		annotations::<T>(0, a, |i| (i % labels) as LabelIndex);
		end_spam_window::<T>(0);
		<Pallet<T> as ProposalAnalysed>::on_analysed(0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(author), 0);

		assert!(Proposals::<T>::get(0).is_none());
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut parameters = Params::<T>::get();
		parameters.challenge_period = parameters.challenge_period.saturating_add(1u32.into());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters.clone());

		assert_eq!(Params::<T>::get(), parameters);
		Ok(())
	}

	/// The worst case: the analysis lands after the spam window, so the deposit is released
	/// too, and after the label was verified, so the training example is compared with it.
	#[benchmark]
	fn on_analysed() {
		proposal::<T>(1);
		end_spam_window::<T>(0);
		Proposals::<T>::mutate(0, |p| {
			if let Some(p) = p {
				p.verified_label = Some(1);
				TrainingSet::<T>::insert(
					0,
					TrainingExample {
						proposal: 0,
						content_hash: p.content_hash,
						label: 1,
						analysis: AnalysisStatus::Pending,
						space: Pallet::<T>::space_of(0),
					},
				);
			}
		});

		#[block]
		{
			<Pallet<T> as ProposalAnalysed>::on_analysed(0, 0);
		}

		assert!(Proposals::<T>::get(0).is_some_and(|p| p.deposit.is_zero()));
		assert!(TrainingSet::<T>::get(0).is_some_and(|e| e.corrects_network()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
