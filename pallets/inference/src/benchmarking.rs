//! Benchmarks of every call and of the hooks' work (opening, cancelling and judging a task), at
//! their worst case: the most registered nodes, the largest committee, slashes in judgement
//! (which the runtime's compute-node registry carries out, so its cost is measured here).

use super::*;
use daollm_primitives::inference::{
	Figure, FigureKind, Figures, KeySentences, Signature, Span, Term, BASIS_POINTS,
};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// What the benchmarks need from the runtime that the pallet cannot make itself.
pub trait BenchmarkHelper<AccountId> {
	/// Makes sure at least `count` staked nodes exist for [`Config::Nodes`] to draw.
	fn nodes(count: u32);
	/// The account `node`'s signing key signs as.
	fn signer(node: &AccountId) -> AccountId;
	/// Makes [`Config::ActiveModel`] return a model, so that tasks open.
	fn activate_model();
	/// Makes the current block one whose seed draws may use (the runtime: a BABE pre-digest).
	fn fresh_seed();
}

fn nodes<T: Config>(count: u32) {
	T::BenchmarkHelper::nodes(count)
}

fn signer<T: Config>(who: &T::AccountId) -> T::AccountId {
	T::BenchmarkHelper::signer(who)
}

fn committee_size<T: Config>(size: u32) {
	Params::<T>::mutate(|p| p.committee_size = size);
}

/// Opens a task for proposal 0 with a committee of `size` distinct members (from at least
/// `size` nodes); the task and its members.
fn task<T: Config>(size: u32) -> (TaskId, Vec<T::AccountId>) {
	T::BenchmarkHelper::activate_model();
	committee_size::<T>(size);
	nodes::<T>(size);
	T::BenchmarkHelper::fresh_seed();
	let entry = QueuedProposal { proposal: 0, content_hash: H256::repeat_byte(1), fixed_by: None };
	let (task, _) = Pallet::<T>::open(&entry).expect("ids left").expect("nodes and a model exist");
	// The worst case of a committee of `size` seats: `size` distinct members, one seat each
	// (a seat draw may give a node several).
	let distinct = T::Nodes::draw(&H256::repeat_byte(2), size);
	Tasks::<T>::mutate(task, |record| {
		if let Some(record) = record {
			record.committee = BoundedVec::truncate_from(distinct);
		}
	});
	let members = Tasks::<T>::get(task).expect("open").committee.into_iter().map(|m| m.node);
	(task, members.collect())
}

fn answer<T: Config>(label: LabelIndex) -> InferenceResult {
	let labels = T::LabelCount::get();
	let scores: Vec<u16> = (0..labels).map(|l| if l == label { BASIS_POINTS } else { 0 }).collect();
	InferenceResult {
		label,
		scores: scores.try_into().expect("LabelCount ≤ MAX_LABELS"),
		readable: BASIS_POINTS,
		model: T::ActiveModel::active_model().unwrap_or_default(),
		brief: full_brief(),
	}
}

/// A brief of the largest size: every reveal and result carries one.
fn full_brief() -> Brief {
	let sentences: Vec<Span> = (0..KeySentences::bound() as u32)
		.map(|i| Span { start: 1_000 + i * 100, end: 1_000 + i * 100 + 50 })
		.collect();
	let figures: Vec<Figure> = (0..Figures::bound() as u32)
		.map(|i| Figure { span: Span { start: i * 10, end: i * 10 + 5 }, kind: FigureKind::Amount })
		.collect();
	let signature: Vec<Term> =
		(0..Signature::bound() as u32).map(|hash| Term { hash, weight: 1 }).collect();
	Brief {
		sentences: sentences.try_into().expect("at the bound"),
		figures: figures.try_into().expect("at the bound"),
		signature: signature.try_into().expect("at the bound"),
	}
}

fn commit_as<T: Config>(task: TaskId, who: &T::AccountId, result: &InferenceResult) {
	Pallet::<T>::commit(
		RawOrigin::Signed(signer::<T>(who)).into(),
		task,
		commitment(result, &[0; 32], who),
	)
	.expect("a member commits");
}

fn reveal_as<T: Config>(task: TaskId, who: &T::AccountId, result: &InferenceResult) {
	Pallet::<T>::reveal(RawOrigin::Signed(signer::<T>(who)).into(), task, result.clone(), [0; 32])
		.expect("a member reveals");
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn commit() {
		let (task, members) = task::<T>(T::MaxCommitteeSize::get());
		let last = members[members.len() - 1].clone();
		let signer = signer::<T>(&last);
		let c = commitment(&answer::<T>(0), &[0; 32], &last);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), task, c);

		assert!(Commitments::<T>::contains_key(task, &last));
	}

	/// The last member's excuse after everyone else excused itself, which moves the task's
	/// judgement to the next block: the costliest excuse.
	#[benchmark]
	fn excuse() {
		let (task, members) = task::<T>(T::MaxCommitteeSize::get());
		let (last, others) = members.split_last().expect("a committee");
		for m in others {
			Pallet::<T>::excuse(RawOrigin::Signed(signer::<T>(m)).into(), task)
				.expect("a member excuses itself");
		}
		let signer = signer::<T>(last);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), task);

		let now = frame_system::Pallet::<T>::block_number();
		assert!(DueAt::<T>::get(now.saturating_add(One::one())).contains(&task));
	}

	/// The last reveal, which moves the task's judgement to the next block.
	#[benchmark]
	fn reveal() {
		let (task, members) = task::<T>(T::MaxCommitteeSize::get());
		let result = answer::<T>(0);
		for m in &members {
			commit_as::<T>(task, m, &result);
		}
		let (last, others) = members.split_last().expect("a committee");
		for m in others {
			reveal_as::<T>(task, m, &result);
		}
		let signer = signer::<T>(last);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), task, result.clone(), [0; 32]);

		let now = frame_system::Pallet::<T>::block_number();
		assert!(DueAt::<T>::get(now.saturating_add(One::one())).contains(&task));
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut params = Params::<T>::get();
		params.inference_points = params.inference_points.saturating_add(1);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// Opening a queued proposal's task: drawing a committee of `c` seats from `n` candidates. (Its
	/// queueing, in the proposal's own block, is the same call without the draw.)
	#[benchmark]
	fn open_task(
		n: Linear<1, { T::Nodes::max_candidates() }>,
		c: Linear<1, { T::MaxCommitteeSize::get() }>,
	) {
		T::BenchmarkHelper::activate_model();
		nodes::<T>(n);
		committee_size::<T>(c);
		<Pallet<T> as InferenceTasks>::open_task(0, H256::repeat_byte(1)).expect("queues");
		if let Some(mut entry) = Backlog::<T>::get(0) {
			// Nobody this block's author could be fixed it.
			entry.fixed_by = None;
			Backlog::<T>::insert(0, entry);
		}
		T::BenchmarkHelper::fresh_seed();

		#[block]
		{
			Pallet::<T>::open_backlog();
		}

		assert!(TaskOfProposal::<T>::contains_key(0));
	}

	/// Cancelling a task whose `c` members all committed and revealed.
	#[benchmark]
	fn cancel_task(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (task, members) = task::<T>(c);
		let result = answer::<T>(0);
		for m in &members {
			commit_as::<T>(task, m, &result);
		}
		for m in &members {
			reveal_as::<T>(task, m, &result);
		}

		#[block]
		{
			<Pallet<T> as InferenceTasks>::cancel_task(0);
		}

		assert!(!Tasks::<T>::contains_key(task));
	}

	/// Judging a task of `c` members: two thirds (rounded up) agree, the rest never answered
	/// and are slashed, the costliest outcome per member.
	#[benchmark]
	fn finalize_task(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (task, members) = task::<T>(c);
		let result = answer::<T>(0);
		let honest = (members.len() * 2).div_ceil(3);
		for m in &members[..honest] {
			commit_as::<T>(task, m, &result);
		}
		frame_system::Pallet::<T>::set_block_number(
			Tasks::<T>::get(task).expect("open").commit_end.saturating_add(One::one()),
		);
		for m in &members[..honest] {
			reveal_as::<T>(task, m, &result);
		}
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::finalize(task, now);
		}

		assert!(Results::<T>::contains_key(task));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
