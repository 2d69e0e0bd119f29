//! Benchmarks of every call and of the hooks' work (starting aggregation, deciding a round), at
//! their worst case: the widest dataset, the most trainers and aggregators, the largest update.

use super::*;
use alloc::vec;
use daollm_primitives::training::{LayerShape, ModelUpdate};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// What the benchmarks need from the runtime that the pallet cannot make itself.
pub trait BenchmarkHelper<AccountId> {
	/// Makes sure at least `count` staked nodes exist for [`Config::Nodes`] to draw.
	fn nodes(count: u32);
	/// The account `node`'s signing key signs as.
	fn signer(node: &AccountId) -> AccountId;
	/// A registered model version to train from.
	fn base_model() -> (ModelId, ModelVersion);
	/// Makes proposals `0..count` verified examples.
	fn examples(count: u32);
	/// Makes the current block one whose seed draws may use (the runtime: a BABE pre-digest).
	fn fresh_seed();
}

/// An update of `round`'s base model, `bytes` long when encoded (give or take a few bytes),
/// every value at the round's bound; the round's layer is given the update's shape.
fn update<T: Config>(round: RoundId, bytes: u32) -> BoundedVec<u8, T::MaxUpdateLen> {
	let mut record = Rounds::<T>::get(round).expect("open");
	let values = (bytes.saturating_sub(48) / 4).max(2);
	record.shape = LayerShape { labels: 1, features: values - 1 };
	let bound = i32::try_from(record.plan.max_value).unwrap_or(i32::MAX);
	let update = ModelUpdate {
		base: record.base,
		labels: 1,
		features: values - 1,
		values: vec![-bound; values as usize],
	};
	Rounds::<T>::insert(round, record);
	update.encode().try_into().expect("MaxUpdateLen fits the benchmark's sizes")
}

/// A deadline ten blocks after the publishing window of a round opened now.
fn open_deadline<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
		.saturating_add(Params::<T>::get().commit_window)
		.saturating_add(10u32.into())
}

/// `trainer` commits to `update` for `round`.
fn commit<T: Config>(round: RoundId, trainer: &T::AccountId, update: &[u8]) {
	let commitment = update_commitment(&ModelUpdate::hash_of(update), trainer);
	Pallet::<T>::commit_update(
		RawOrigin::Signed(T::BenchmarkHelper::signer(trainer)).into(),
		round,
		commitment,
		1,
	)
	.expect("a trainer commits");
}

/// Moves to the first block of `round`'s publishing window.
fn publishing<T: Config>(round: RoundId) {
	let record = Rounds::<T>::get(round).expect("open");
	frame_system::Pallet::<T>::set_block_number(record.commit_deadline.saturating_add(1u32.into()));
}

/// Opens a round over `examples` examples with `trainers` trainers; the round and its trainers.
fn round<T: Config>(examples: u32, trainers: u32) -> (RoundId, Vec<T::AccountId>) {
	T::BenchmarkHelper::examples(examples);
	T::BenchmarkHelper::nodes(trainers.max(T::MaxAggregators::get()));
	let (model, version) = T::BenchmarkHelper::base_model();
	Params::<T>::mutate(|p| p.trainers = trainers);
	let deadline = open_deadline::<T>();
	Pallet::<T>::open_round(
		RawOrigin::Root.into(),
		model,
		version,
		DatasetSelector::Range { from: 0, to: examples },
		deadline,
		1_000,
	)
	.expect("nodes, a model and examples exist");
	let round = NextRoundId::<T>::get() - 1;
	let mut record = Rounds::<T>::get(round).expect("open");
	record.fixed_by = None;
	T::BenchmarkHelper::fresh_seed();
	assert_eq!(Pallet::<T>::draw_trainers(round, &mut record), Some(false), "trainers drawn");
	let trainers = record.trainers.clone();
	Rounds::<T>::insert(round, record);
	(round, trainers.into_iter().map(|s| s.node).collect())
}

/// Every trainer of `round` in `trainers` commits to a small update, then publishes it.
fn commit_all<T: Config>(round: RoundId, trainers: &[T::AccountId]) {
	let update = update::<T>(round, 64);
	for trainer in trainers {
		commit::<T>(round, trainer, &update);
	}
	publishing::<T>(round);
	for trainer in trainers {
		Pallet::<T>::publish_update(
			RawOrigin::Signed(T::BenchmarkHelper::signer(trainer)).into(),
			round,
			update.clone(),
		)
		.expect("a trainer publishes");
	}
}

/// Ends `round`'s training with `aggregators` aggregators; the aggregators.
fn aggregating<T: Config>(round: RoundId, aggregators: u32) -> Vec<T::AccountId> {
	Params::<T>::mutate(|p| p.aggregators = aggregators);
	let mut record = Rounds::<T>::get(round).expect("open");
	let now = record.deadline.saturating_add(1u32.into());
	frame_system::Pallet::<T>::set_block_number(now);
	record.fixed_by = None;
	T::BenchmarkHelper::fresh_seed();
	assert_eq!(
		Pallet::<T>::start_aggregation(round, &mut record, now),
		Some(false),
		"aggregators drawn"
	);
	let seated = record.aggregators.iter().map(|s| s.node.clone()).collect();
	Rounds::<T>::insert(round, record);
	seated
}

fn kept<T: Config>(count: u32) -> BoundedVec<bool, T::MaxTrainers> {
	vec![true; count as usize].try_into().expect("at most MaxTrainers updates")
}

fn carried<T: Config>(count: u32) -> BoundedVec<Perbill, T::MaxTrainers> {
	vec![Perbill::from_percent(50); count as usize].try_into().expect("at most MaxTrainers")
}

/// Every aggregator of `round` commits to the same answer, and the first `reveal` of them
/// reveal it.
fn answer_all<T: Config>(
	round: RoundId,
	aggregators: &[T::AccountId],
	updates: u32,
	reveal: usize,
) {
	let model = H256::repeat_byte(0x5A);
	for aggregator in aggregators {
		let origin = || RawOrigin::Signed(T::BenchmarkHelper::signer(aggregator));
		let commitment = aggregate_commitment(
			&model,
			&kept::<T>(updates),
			&carried::<T>(updates),
			&CandidateEvaluation::default(),
			&[0; 32],
			aggregator,
		);
		Pallet::<T>::commit_aggregate(origin().into(), round, commitment)
			.expect("an aggregator commits");
	}
	for aggregator in aggregators.iter().take(reveal) {
		Pallet::<T>::reveal_aggregate(
			RawOrigin::Signed(T::BenchmarkHelper::signer(aggregator)).into(),
			round,
			model,
			kept::<T>(updates),
			carried::<T>(updates),
			CandidateEvaluation::default(),
			[0; 32],
		)
		.expect("an aggregator reveals");
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn open_round(
		e: Linear<1, { T::MaxExamples::get() }>,
		t: Linear<1, { T::MaxTrainers::get() }>,
	) {
		T::BenchmarkHelper::examples(e);
		T::BenchmarkHelper::nodes(t);
		let (model, version) = T::BenchmarkHelper::base_model();
		Params::<T>::mutate(|p| p.trainers = t);
		let deadline = open_deadline::<T>();

		#[extrinsic_call]
		_(
			RawOrigin::Root,
			model,
			version,
			DatasetSelector::Range { from: 0, to: e },
			deadline,
			1_000,
		);

		assert_eq!(NextRoundId::<T>::get(), 1);
	}

	#[benchmark]
	fn commit_update() {
		let (round, trainers) = round::<T>(1, 1);
		let signer = T::BenchmarkHelper::signer(&trainers[0]);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), round, H256::repeat_byte(1), 1);

		assert!(Updates::<T>::contains_key(round, &trainers[0]));
	}

	#[benchmark]
	fn publish_update(b: Linear<64, { T::MaxUpdateLen::get() }>) {
		let (round, trainers) = round::<T>(1, 1);
		let update = update::<T>(round, b);
		commit::<T>(round, &trainers[0], &update);
		publishing::<T>(round);
		let signer = T::BenchmarkHelper::signer(&trainers[0]);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), round, update);

		assert!(Updates::<T>::get(round, &trainers[0]).is_some_and(|u| u.hash.is_some()));
	}

	#[benchmark]
	fn commit_aggregate() {
		let (round, trainers) = round::<T>(1, 1);
		commit_all::<T>(round, &trainers);
		let aggregators = aggregating::<T>(round, 1);
		let signer = T::BenchmarkHelper::signer(&aggregators[0]);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), round, H256::repeat_byte(1));

		assert!(AggregateCommitments::<T>::contains_key(round, &aggregators[0]));
	}

	/// An aggregator excusing itself in the commit window: the costlier of the two excuses
	/// (it reads the round in its aggregation phase, with its commitments).
	#[benchmark]
	fn excuse() {
		let (round, trainers) = round::<T>(1, 1);
		commit_all::<T>(round, &trainers);
		let aggregators = aggregating::<T>(round, 1);
		let signer = T::BenchmarkHelper::signer(&aggregators[0]);

		#[extrinsic_call]
		_(RawOrigin::Signed(signer), round);

		assert!(Excuses::<T>::contains_key(round, (&aggregators[0], SeatStep::Aggregate)));
	}

	#[benchmark]
	fn reveal_aggregate(t: Linear<1, { T::MaxTrainers::get() }>) {
		let (round, trainers) = round::<T>(t, t);
		commit_all::<T>(round, &trainers);
		let updates = trainers.len() as u32;
		let aggregators = aggregating::<T>(round, 1);
		answer_all::<T>(round, &aggregators, updates, 0);
		let signer = T::BenchmarkHelper::signer(&aggregators[0]);
		let model = H256::repeat_byte(0x5A);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(signer),
			round,
			model,
			kept::<T>(updates),
			carried::<T>(updates),
			CandidateEvaluation::default(),
			[0; 32],
		);

		assert!(AggregateReveals::<T>::contains_key(round, &aggregators[0]));
	}

	#[benchmark]
	fn set_parameters() {
		let parameters = T::DefaultParameters::get();

		#[extrinsic_call]
		_(RawOrigin::Root, parameters.clone());

		assert_eq!(Params::<T>::get(), parameters);
	}

	/// `t` trainers drawn, one of them committed: the others are judged to have missed their
	/// seats (the registry's slash, its costliest judgement).
	#[benchmark]
	fn start_aggregation(
		a: Linear<1, { T::MaxAggregators::get() }>,
		t: Linear<1, { T::MaxTrainers::get() }>,
	) {
		Params::<T>::mutate(|p| {
			p.min_updates = 1;
			p.plan.rule = daollm_primitives::training::RobustRule::FedAvg;
		});
		let (round, trainers) = round::<T>(t, t);
		commit_all::<T>(round, &trainers[..1]);
		Params::<T>::mutate(|p| p.aggregators = a);
		let mut record = Rounds::<T>::get(round).expect("open");
		let now = record.deadline.saturating_add(1u32.into());
		record.fixed_by = None;
		T::BenchmarkHelper::fresh_seed();

		#[block]
		{
			Pallet::<T>::start_aggregation(round, &mut record, now);
		}

		assert!(matches!(record.phase, Phase::Aggregating { .. }));
	}

	/// `a` aggregators, of which as many as the minimum participation allows stay silent (and
	/// are slashed); `t` trainers, every one paid.
	#[benchmark]
	fn decide(a: Linear<1, { T::MaxAggregators::get() }>, t: Linear<1, { T::MaxTrainers::get() }>) {
		let (round, trainers) = round::<T>(t, t);
		commit_all::<T>(round, &trainers);
		let updates = trainers.len() as u32;
		let aggregators = aggregating::<T>(round, a);
		// The fewest first members whose seats reach the minimum participation reveal.
		let participation = Params::<T>::get().min_participation;
		let stakes: Vec<u128> = Rounds::<T>::get(round)
			.expect("aggregating")
			.aggregators
			.iter()
			.map(|s| u128::from(s.seats))
			.collect();
		let drawn: u128 = stakes.iter().sum();
		let reveal = (0..=stakes.len())
			.find(|r| {
				let revealed = stakes[..*r].iter().sum();
				daollm_primitives::threshold::reaches(revealed, drawn, participation)
			})
			.unwrap_or(stakes.len());
		answer_all::<T>(round, &aggregators, updates, reveal);
		let mut record = Rounds::<T>::get(round).expect("aggregating");

		#[block]
		{
			Pallet::<T>::decide(round, &mut record);
		}

		assert!(matches!(Outcomes::<T>::get(round), Some(Outcome::Candidate { .. })));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
