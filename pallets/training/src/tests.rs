//! Rounds end to end in the mock runtime: opening, updates, aggregation, the outcome and the
//! points, and every refusal leaving state unchanged.

use crate::{mock::*, *};
use codec::Encode;
use daollm_primitives::{
	training::{LayerShape, ModelUpdate, RobustRule},
	traits::{MemberOutcome, Work},
};
use frame_support::traits::ConstU32;
use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use sp_runtime::{DispatchError, Percent};

const RANGE: DatasetSelector = DatasetSelector::Range { from: 0, to: 20 };

fn events() -> Vec<Event<Test>> {
	System::read_events_for_pallet()
}

fn update_for(base: H256, values: Vec<i32>) -> BoundedVec<u8, ConstU32<4096>> {
	shaped(base, 1, 2, values)
}

fn shaped(
	base: H256,
	labels: u32,
	features: u32,
	values: Vec<i32>,
) -> BoundedVec<u8, ConstU32<4096>> {
	let update = ModelUpdate { base, labels, features, values };
	update.encode().try_into().expect("small")
}

/// Opens a round and moves to the next block, another author's, which draws its trainers.
fn open() -> RoundId {
	assert_ok!(Training::open_round(RuntimeOrigin::root(), MODEL, BASE, RANGE, 10, REWARD));
	let round = NextRoundId::<Test>::get() - 1;
	assert_eq!(Rounds::<Test>::get(round).expect("stored").phase, Phase::Drawing);
	assert!(trainers(round).is_empty(), "nobody is drawn in the block that opens the round");
	run_to_block(System::block_number() + 1);
	round
}

fn trainers(round: RoundId) -> Vec<AccountId> {
	Rounds::<Test>::get(round).expect("round").trainers.iter().map(|s| s.node).collect()
}

fn aggregators(round: RoundId) -> Vec<AccountId> {
	Rounds::<Test>::get(round).expect("round").aggregators.iter().map(|s| s.node).collect()
}

thread_local! {
	/// Updates committed to and not yet published, as (round, trainer, bytes).
	static UNPUBLISHED: core::cell::RefCell<Vec<(RoundId, AccountId, Vec<u8>)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// `trainer` commits to the update with `values` (published by [`publish_all`]).
fn commit(round: RoundId, trainer: AccountId, values: Vec<i32>) {
	// Every trainer trains on all of the round's examples but the held-back ones.
	let samples = Rounds::<Test>::get(round).expect("round").training_examples() as u32;
	let update = update_for(base_hash(), values);
	let commitment = update_commitment(&ModelUpdate::hash_of(&update), &trainer);
	assert_ok!(Training::commit_update(
		RuntimeOrigin::signed(signer_of(trainer)),
		round,
		commitment,
		samples
	));
	UNPUBLISHED.with(|u| u.borrow_mut().push((round, trainer, update.into_inner())));
}

/// Moves to `round`'s publishing window and publishes every update committed to.
fn publish_all(round: RoundId) {
	let record = Rounds::<Test>::get(round).expect("round");
	run_to_block(record.commit_deadline.saturating_add(1).max(System::block_number()));
	let pending: Vec<_> = UNPUBLISHED.with(|u| {
		let mut all = u.borrow_mut();
		let (this, rest) = all.drain(..).partition(|(r, ..)| *r == round);
		*all = rest;
		this
	});
	for (_, trainer, bytes) in pending {
		assert_ok!(Training::publish_update(
			RuntimeOrigin::signed(signer_of(trainer)),
			round,
			bytes.try_into().expect("fits")
		));
	}
}

/// What the tests' aggregators measure: the candidate better on the 4 held-back examples of
/// the mock's 20, as good on 100 reference examples.
fn evaluation() -> CandidateEvaluation {
	CandidateEvaluation {
		validation: Score { examples: 4, base: 1, candidate: 3 },
		reference: Score { examples: 100, base: 90, candidate: 90 },
	}
}

/// A full contribution for every kept update, none for the others.
fn full(kept: &[bool]) -> Vec<Perbill> {
	kept.iter().map(|k| if *k { Perbill::one() } else { Perbill::zero() }).collect()
}

/// `aggregator` commits to `(model, kept, contributions)`.
fn commit_answer(
	round: RoundId,
	aggregator: AccountId,
	model: H256,
	kept: &[bool],
	contributions: &[Perbill],
) {
	commit_evaluated(round, aggregator, model, kept, contributions, &evaluation())
}

/// `aggregator` commits to `(model, kept, contributions, evaluation)`.
fn commit_evaluated(
	round: RoundId,
	aggregator: AccountId,
	model: H256,
	kept: &[bool],
	contributions: &[Perbill],
	evaluation: &CandidateEvaluation,
) {
	let salt = [aggregator as u8; 32];
	let commitment =
		aggregate_commitment(&model, kept, contributions, evaluation, &salt, &aggregator);
	assert_ok!(Training::commit_aggregate(
		RuntimeOrigin::signed(signer_of(aggregator)),
		round,
		commitment
	));
}

/// `aggregator` commits to `(model, kept)`, with a full contribution for every kept update.
fn commit_aggregate(round: RoundId, aggregator: AccountId, model: H256, kept: &[bool]) {
	commit_answer(round, aggregator, model, kept, &full(kept));
}

fn reveal_answer(
	round: RoundId,
	aggregator: AccountId,
	model: H256,
	kept: &[bool],
	contributions: &[Perbill],
) -> DispatchResult {
	reveal_evaluated(round, aggregator, model, kept, contributions, evaluation())
}

fn reveal_evaluated(
	round: RoundId,
	aggregator: AccountId,
	model: H256,
	kept: &[bool],
	contributions: &[Perbill],
	evaluation: CandidateEvaluation,
) -> DispatchResult {
	Training::reveal_aggregate(
		RuntimeOrigin::signed(signer_of(aggregator)),
		round,
		model,
		kept.to_vec().try_into().expect("fits"),
		contributions.to_vec().try_into().expect("fits"),
		evaluation,
		[aggregator as u8; 32],
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

fn reveal(round: RoundId, aggregator: AccountId, model: H256, kept: &[bool]) -> DispatchResult {
	reveal_answer(round, aggregator, model, kept, &full(kept))
}

/// What the registry was told about `round`'s seats, in order.
fn judged(round: RoundId) -> Vec<(AccountId, MemberOutcome)> {
	Recorded::get()
		.into_iter()
		.filter(|(_, work, _)| *work == Work::Round(round))
		.map(|(node, _, outcome)| (node, outcome))
		.collect()
}

/// Opens a round, has every trainer commit, and moves past the deadline.
fn round_in_aggregation() -> RoundId {
	let round = open();
	for (i, trainer) in trainers(round).into_iter().enumerate() {
		commit(round, trainer, vec![i as i32; 3]);
	}
	publish_all(round);
	run_to_block(11);
	round
}

#[test]
fn governance_opens_a_round_over_the_verified_examples() {
	ExtBuilder.build_and_execute(|| {
		// Proposals 5 and 6 are not verified: they are not in the snapshot.
		Verified::mutate(|v| v.retain(|(id, _)| *id != 5 && *id != 6));
		assert_noop!(
			Training::open_round(RuntimeOrigin::signed(1), MODEL, BASE, RANGE, 10, REWARD),
			DispatchError::BadOrigin
		);
		let round = open();
		let record = Rounds::<Test>::get(round).expect("stored");
		assert_eq!(record.examples.len(), 18);
		assert!(!record.examples.contains(&5));
		assert_eq!(record.base, base_hash());
		assert_eq!(record.trainers.len(), 3);
		assert_eq!(record.phase, Phase::Training);
		assert_eq!(LiveRounds::<Test>::get().into_inner(), vec![round]);
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::RoundOpened { examples: 18, deadline: 10, .. })));
		assert!(events().contains(&Event::TrainersDrawn { round, trainers: trainers(round) }));
	});
}

/// Which examples a round holds back to validate its candidate on is decided by the VRF output
/// of the block that draws its trainers, not by anything the round's opening (or the
/// referendum before it) shows.
#[test]
fn the_held_back_examples_are_unknown_until_the_trainers_are_drawn() {
	use daollm_primitives::traits::DrawRandomness;
	ExtBuilder.build_and_execute(|| {
		assert_ok!(Training::open_round(RuntimeOrigin::root(), MODEL, BASE, RANGE, 20, REWARD));
		let round = NextRoundId::<Test>::get() - 1;
		let at_opening = Rounds::<Test>::get(round).expect("stored");
		assert_eq!(at_opening.drawn_with, H256::zero(), "no seed while the round waits");
		let foretold = at_opening.held_back(round);
		run_to_block(System::block_number() + 1);
		let record = Rounds::<Test>::get(round).expect("stored");
		assert_eq!(record.phase, Phase::Training);
		let drawn = MockDraws::seed(&(b"daollm/training-seed", round).encode(), None);
		assert_eq!(Some(record.drawn_with), drawn, "the drawing block's VRF output");
		assert_ne!(record.held_back(round), foretold);
	});
}

#[test]
fn bad_rounds_are_refused() {
	ExtBuilder.build_and_execute(|| {
		let root = RuntimeOrigin::root;
		let open = |version, dataset, deadline| {
			Training::open_round(root(), MODEL, version, dataset, deadline, REWARD)
		};
		assert_noop!(open(9, RANGE, 10), Error::<Test>::UnknownModelVersion);
		assert_noop!(open(BASE, RANGE, 1), Error::<Test>::BadDeadline);
		assert_noop!(open(BASE, RANGE, 102), Error::<Test>::BadDeadline);
		let empty = DatasetSelector::Range { from: 5, to: 5 };
		assert_noop!(open(BASE, empty, 10), Error::<Test>::BadRange);
		let wide = DatasetSelector::Range { from: 0, to: 65 };
		assert_noop!(open(BASE, wide, 10), Error::<Test>::BadRange);
		let unverified = DatasetSelector::Range { from: 30, to: 40 };
		assert_noop!(open(BASE, unverified, 10), Error::<Test>::EmptyDataset);
		Nodes::set(vec![]);
		assert_noop!(open(BASE, RANGE, 10), Error::<Test>::NoNodes);
		Nodes::set(vec![(1, 100)]);
		assert_ok!(open(BASE, RANGE, 10));
		assert_ok!(open(BASE, RANGE, 10));
		assert_noop!(open(BASE, RANGE, 10), Error::<Test>::TooManyRounds);
	});
}

#[test]
fn a_round_scoped_to_a_space_trains_on_that_dao_s_examples_only() {
	ExtBuilder.build_and_execute(|| {
		let dataset = DatasetSelector::SpaceRange { space: 1, from: 0, to: 20 };
		assert_ok!(Training::open_round(RuntimeOrigin::root(), MODEL, BASE, dataset, 10, REWARD));
		let round = Rounds::<Test>::get(0).expect("opened");
		let expected: Vec<ProposalId> = (0..20).filter(|id| id % SPACES == 1).collect();
		assert_eq!(round.examples.into_inner(), expected);
		let nobody = DatasetSelector::SpaceRange { space: 9, from: 0, to: 20 };
		assert_noop!(
			Training::open_round(RuntimeOrigin::root(), MODEL, BASE, nobody, 10, REWARD),
			Error::<Test>::EmptyDataset
		);
	});
}

#[test]
fn trainers_commit_to_updates_of_the_base_model_once_then_publish_them() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		let seated = trainers(round);
		let outsider = (1..=6).find(|n| !seated.contains(n)).expect("an unseated node");
		let trainer = seated[0];
		// Every trainer trains on the 16 of 20 examples the round does not hold back.
		let n = Rounds::<Test>::get(round).expect("round").training_examples() as u32;
		assert_eq!(n, 16);
		let good = || update_for(base_hash(), vec![1, 2, 3]);
		let sealed = |update: &[u8], who| update_commitment(&ModelUpdate::hash_of(update), &who);
		let commit_as = |who, commitment, samples| {
			Training::commit_update(RuntimeOrigin::signed(who), round, commitment, samples)
		};
		let mine = sealed(&good(), trainer);
		assert_noop!(commit_as(trainer, mine, n), Error::<Test>::NotANode);
		assert_noop!(commit_as(signer_of(outsider), mine, n), Error::<Test>::NotATrainer);
		assert_noop!(commit_as(signer_of(trainer), mine, 0), Error::<Test>::BadSampleCount);
		assert_noop!(commit_as(signer_of(trainer), mine, n + 1), Error::<Test>::BadSampleCount);
		assert_noop!(
			Training::commit_update(RuntimeOrigin::signed(signer_of(trainer)), 7, mine, n),
			Error::<Test>::UnknownRound
		);
		let post = commit_as(signer_of(trainer), mine, n).expect("a trainer's commit");
		assert_eq!(post.pays_fee, Pays::No);
		let record = Updates::<Test>::get(round, trainer).expect("stored");
		assert_eq!(record, UpdateRecord { commitment: mine, samples: n, hash: None });
		assert_noop!(commit_as(signer_of(trainer), mine, n), Error::<Test>::AlreadyCommitted);

		let publish = |update: BoundedVec<u8, ConstU32<4096>>| {
			Training::publish_update(RuntimeOrigin::signed(signer_of(trainer)), round, update)
		};
		// Not before the commitments close: the bytes would be copied.
		assert_noop!(publish(good()), Error::<Test>::NotPublishing);
		let commit_deadline = Rounds::<Test>::get(round).expect("round").commit_deadline;
		run_to_block(commit_deadline + 1);
		assert_noop!(commit_as(signer_of(seated[1]), mine, n), Error::<Test>::TrainingClosed);
		let foreign = update_for(H256::repeat_byte(1), vec![1, 2, 3]);
		assert_noop!(publish(foreign), Error::<Test>::BadUpdate);
		let misshapen = update_for(base_hash(), vec![1, 2]);
		assert_noop!(publish(misshapen), Error::<Test>::WrongShape);
		let garbage = vec![1u8, 2, 3].try_into().expect("small");
		assert_noop!(publish(garbage), Error::<Test>::BadUpdate);
		let other = update_for(base_hash(), vec![3, 2, 1]);
		assert_noop!(publish(other), Error::<Test>::PublicationMismatch);
		assert_noop!(
			Training::publish_update(RuntimeOrigin::signed(signer_of(seated[1])), round, good()),
			Error::<Test>::NotCommitted
		);
		let post = publish(good()).expect("the committed update");
		assert_eq!(post.pays_fee, Pays::No);
		let record = Updates::<Test>::get(round, trainer).expect("stored");
		assert_eq!(record.hash, Some(ModelUpdate::hash_of(&good())));
		assert_noop!(publish(good()), Error::<Test>::AlreadyPublished);
	});
}

/// A node without an engine watches the pool for another trainer's update and sends the same
/// bytes as its own. Before the commitments close nobody publishes, so there is nothing to
/// copy; after, the copier has no commitment (it could not make one without the bytes), and a
/// commitment copied from the chain names its trainer. The copier is judged to have missed its
/// seat and earns nothing; the honest trainer is paid.
#[test]
fn another_trainers_update_cannot_be_sent_as_ones_own() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		let seated = trainers(round);
		let (honest, copier) = (seated[0], seated[1]);
		commit(round, honest, vec![4, 5, 6]);
		let honest_commitment = Updates::<Test>::get(round, honest).expect("committed").commitment;
		let n = Rounds::<Test>::get(round).expect("round").training_examples() as u32;
		// The copier commits to what it saw on chain: the honest trainer's commitment.
		assert_ok!(Training::commit_update(
			RuntimeOrigin::signed(signer_of(copier)),
			round,
			honest_commitment,
			n
		));
		publish_all(round);
		let seen = update_for(base_hash(), vec![4, 5, 6]);
		assert_noop!(
			Training::publish_update(RuntimeOrigin::signed(signer_of(copier)), round, seen),
			Error::<Test>::PublicationMismatch
		);
		run_to_block(11);
		assert!(judged(round).contains(&(copier, MemberOutcome::Missed)));
		let model = H256::repeat_byte(0x21);
		for aggregator in aggregators(round) {
			commit_aggregate(round, aggregator, model, &[true]);
		}
		for aggregator in aggregators(round) {
			assert_ok!(reveal(round, aggregator, model, &[true]));
		}
		run_to_block(12);
		let paid = |who| {
			Rewarded::get()
				.iter()
				.any(|(n, c, p)| *n == who && *c == Contribution::Training && *p > 0 && *p != 7)
		};
		assert!(paid(honest));
		// Aggregator points (7), if the copier also holds an aggregator seat; no trainer points.
		assert!(!Rewarded::get().iter().any(|(n, _, p)| *n == copier && *p != 7));
	});
}

/// Honest trainers send byte-identical updates: the round pays each distinct update once,
/// shared by the trainers that sent it, and a distinct update is not outweighed by copies.
#[test]
fn each_distinct_update_is_paid_once() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		let seated = trainers(round);
		commit(round, seated[0], vec![1; 3]);
		commit(round, seated[1], vec![1; 3]);
		commit(round, seated[2], vec![2; 3]);
		publish_all(round);
		run_to_block(11);
		let model = H256::repeat_byte(0x22);
		let kept = [true; 3];
		for aggregator in aggregators(round) {
			commit_aggregate(round, aggregator, model, &kept);
		}
		for aggregator in aggregators(round) {
			assert_ok!(reveal(round, aggregator, model, &kept));
		}
		run_to_block(12);
		let points = |who| -> u32 {
			let aggregator_points = if aggregators(round).contains(&who) { 7 } else { 0 };
			Rewarded::get()
				.iter()
				.filter(|(n, c, _)| *n == who && *c == Contribution::Training)
				.map(|(.., p)| *p)
				.sum::<u32>()
				- aggregator_points
		};
		let (twin, twin2, distinct) = (points(seated[0]), points(seated[1]), points(seated[2]));
		assert_eq!(twin, twin2);
		assert!(distinct >= 2 * twin - 1, "{distinct} against twice {twin}");
	});
}

#[test]
fn aggregators_agree_and_the_model_becomes_a_candidate_version() {
	ExtBuilder.build_and_execute(|| {
		let round = round_in_aggregation();
		let record = Rounds::<Test>::get(round).expect("round");
		assert_eq!(record.phase, Phase::Aggregating { commit_end: 13, reveal_end: 15 });
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let seated = trainers(round);
		let model = H256::repeat_byte(0x77);
		let kept = [true, true, false];
		// The first kept update carries all of the aggregate, the second half of it.
		let carried = [Perbill::one(), Perbill::from_percent(50), Perbill::zero()];

		commit_answer(round, a, model, &kept, &carried);
		// Reveals wait for the commit window's end, or for every commitment.
		assert_eq!(
			reveal_answer(round, a, model, &kept, &carried),
			Err(Error::<Test>::WrongPhase.into())
		);
		commit_answer(round, b, model, &kept, &carried);
		assert_eq!(
			reveal_answer(round, a, H256::repeat_byte(1), &kept, &carried),
			Err(Error::<Test>::RevealMismatch.into())
		);
		assert_eq!(
			reveal_answer(round, a, model, &kept, &full(&kept)),
			Err(Error::<Test>::RevealMismatch.into())
		);
		assert_ok!(reveal_answer(round, a, model, &kept, &carried));
		assert_eq!(
			reveal_answer(round, a, model, &kept, &carried),
			Err(Error::<Test>::AlreadyRevealed.into())
		);
		assert_ok!(reveal_answer(round, b, model, &kept, &carried));

		// The last reveal decides the round in the next block.
		run_to_block(12);
		assert_eq!(
			Outcomes::<Test>::get(round),
			Some(Outcome::Candidate { version: 2, sha256: model })
		);
		assert_eq!(Versions::get().last(), Some(&(2, model)));
		assert!(LiveRounds::<Test>::get().is_empty());
		assert!(matches!(
			events().last(),
			Some(Event::CandidateRegistered { version: 2, kept, trimmed, .. })
				if kept[..] == seated[..2] && trimmed[..] == seated[2..]
		));
		// Kept trainers share the reward by samples (7 each) times contribution (1 and ½):
		// two thirds and one third; aggregators earn their points.
		let mut rewarded = Rewarded::get();
		rewarded.sort();
		let mut expected = vec![
			(seated[0], Contribution::Training, REWARD * 2 / 3),
			(seated[1], Contribution::Training, REWARD / 3),
			(a, Contribution::Training, 7),
			(b, Contribution::Training, 7),
		];
		expected.sort();
		assert_eq!(rewarded, expected);
		// Every seat is judged once as a trainer and once as an aggregator: the paid trainers
		// and both aggregators agreed; the trimmed trainer is not punished.
		let by_node = |(n, o): &(AccountId, MemberOutcome)| (*n, o.encode());
		let mut outcomes = judged(round);
		outcomes.sort_by_key(by_node);
		let mut expected = vec![
			(seated[0], MemberOutcome::Agreed),
			(seated[1], MemberOutcome::Agreed),
			(seated[2], MemberOutcome::Inconclusive),
			(a, MemberOutcome::Agreed),
			(b, MemberOutcome::Agreed),
		];
		expected.sort_by_key(by_node);
		assert_eq!(outcomes, expected);
	});
}

#[test]
fn answers_must_account_for_every_update() {
	ExtBuilder.build_and_execute(|| {
		let round = round_in_aggregation();
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let model = H256::repeat_byte(0x77);
		commit_aggregate(round, a, model, &[true, true]);
		run_to_block(14);
		assert_eq!(reveal(round, a, model, &[true, true]), Err(Error::<Test>::KeptMismatch.into()));
		assert_eq!(reveal(round, b, model, &[true; 3]), Err(Error::<Test>::NotCommitted.into()));

		// A contribution for an update the rule did not keep, or one list shorter: refused.
		let round = round_in_aggregation_from(20);
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let kept = [true, true, false];
		let credited = [Perbill::one(); 3];
		commit_answer(round, a, model, &kept, &credited);
		commit_answer(round, b, model, &kept, &credited[..2]);
		assert_eq!(
			reveal_answer(round, a, model, &kept, &credited),
			Err(Error::<Test>::KeptMismatch.into())
		);
		assert_eq!(
			reveal_answer(round, b, model, &kept, &credited[..2]),
			Err(Error::<Test>::KeptMismatch.into())
		);
	});
}

/// An evaluation that scores more examples right than it scored, or more held-back examples than
/// the round held back (4 of 20), is refused; one honest aggregators agree on is recorded with
/// the candidate. Aggregators that agree on the model but not on its scores do not agree.
#[test]
fn evaluations_must_be_counts_of_the_held_back_and_reference_examples() {
	ExtBuilder.build_and_execute(|| {
		let round = round_in_aggregation();
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let model = H256::repeat_byte(0x77);
		let kept = [true; 3];
		let too_many = CandidateEvaluation {
			validation: Score { examples: 5, base: 0, candidate: 5 },
			..evaluation()
		};
		let impossible = CandidateEvaluation {
			reference: Score { examples: 10, base: 11, candidate: 0 },
			..evaluation()
		};
		commit_evaluated(round, a, model, &kept, &full(&kept), &too_many);
		commit_evaluated(round, b, model, &kept, &full(&kept), &impossible);
		run_to_block(14);
		assert_noop!(
			reveal_evaluated(round, a, model, &kept, &full(&kept), too_many),
			Error::<Test>::BadEvaluation
		);
		assert_noop!(
			reveal_evaluated(round, b, model, &kept, &full(&kept), impossible),
			Error::<Test>::BadEvaluation
		);

		// Same model, other scores: two answers, neither with two thirds of the stake.
		let round = round_in_aggregation_from(20);
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let other = CandidateEvaluation {
			validation: Score { examples: 4, base: 1, candidate: 1 },
			..evaluation()
		};
		commit_aggregate(round, a, model, &kept);
		commit_evaluated(round, b, model, &kept, &full(&kept), &other);
		run_to_block(System::block_number() + 2);
		assert_ok!(reveal(round, a, model, &kept));
		assert_ok!(reveal_evaluated(round, b, model, &kept, &full(&kept), other));
		run_to_block(System::block_number() + 3);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::NoAgreement)));

		// Agreed: the candidate is registered with the scores, not forgetting.
		let round = round_in_aggregation_from(40);
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		commit_aggregate(round, a, model, &kept);
		commit_aggregate(round, b, model, &kept);
		run_to_block(System::block_number() + 2);
		assert_ok!(reveal(round, a, model, &kept));
		assert_ok!(reveal(round, b, model, &kept));
		run_to_block(System::block_number() + 3);
		let Some(Outcome::Candidate { version, .. }) = Outcomes::<Test>::get(round) else {
			panic!("a candidate: {:?}", Outcomes::<Test>::get(round))
		};
		assert_eq!(Evaluated::get().pop(), Some((version, evaluation(), false)));
	});
}

#[test]
fn a_split_vote_or_silence_registers_nothing() {
	ExtBuilder.build_and_execute(|| {
		let round = round_in_aggregation();
		let [a, b] = aggregators(round)[..] else { panic!("two aggregators") };
		let kept = [true; 3];
		commit_aggregate(round, a, H256::repeat_byte(1), &kept);
		commit_aggregate(round, b, H256::repeat_byte(2), &kept);
		assert_ok!(reveal(round, a, H256::repeat_byte(1), &kept));
		assert_ok!(reveal(round, b, H256::repeat_byte(2), &kept));
		run_to_block(12);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::NoAgreement)));
		assert_eq!(Versions::get().len(), 1);
		assert!(Rewarded::get().is_empty());

		// Both answered, so neither missed; with no agreement, neither disagreed.
		let aggregators_judged: Vec<_> =
			judged(round).into_iter().filter(|(n, _)| [a, b].contains(n)).collect();
		assert!(aggregators_judged.iter().all(|(_, o)| *o == MemberOutcome::Inconclusive));

		// Nobody reveals: the window runs out, too little revealed to judge anyone.
		let round = round_in_aggregation_from(12);
		run_to_block(40);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::TooFewReveals)));
		assert!(judged(round).iter().all(|(_, o)| *o == MemberOutcome::Inconclusive));
	});
}

fn round_in_aggregation_from(now: u64) -> RoundId {
	assert_ok!(Training::open_round(RuntimeOrigin::root(), MODEL, BASE, RANGE, now + 5, REWARD));
	let round = NextRoundId::<Test>::get() - 1;
	run_to_block(now + 1);
	for trainer in trainers(round) {
		commit(round, trainer, vec![0; 3]);
	}
	publish_all(round);
	run_to_block(now + 6);
	round
}

#[test]
fn a_round_without_updates_fails_at_its_deadline() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		run_to_block(11);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::TooFewUpdates)));
		assert!(matches!(
			events().last(),
			Some(Event::RoundFailed { reason: Failure::TooFewUpdates, .. })
		));
		// Nobody trained: an outage, not three offences.
		assert!(judged(round).iter().all(|(_, o)| *o == MemberOutcome::Inconclusive));
		assert!(LiveRounds::<Test>::get().is_empty());
	});
}

#[test]
fn the_registry_refusing_the_model_fails_the_round() {
	ExtBuilder.build_and_execute(|| {
		let round = round_in_aggregation();
		// The aggregators "built" the base model itself: the registry has that file already.
		let kept = [true; 3];
		for aggregator in aggregators(round) {
			commit_aggregate(round, aggregator, base_hash(), &kept);
		}
		for aggregator in aggregators(round) {
			assert_ok!(reveal(round, aggregator, base_hash(), &kept));
		}
		run_to_block(12);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::RegistryRefused)));
	});
}

#[test]
fn parameters_are_checked() {
	ExtBuilder.build_and_execute(|| {
		let set = |p| Training::set_parameters(RuntimeOrigin::root(), p);
		let mut p = default_parameters();
		p.trainers = 9;
		assert_noop!(set(p), Error::<Test>::InvalidTrainers);
		let mut p = default_parameters();
		p.agreement = Perbill::from_percent(50);
		assert_noop!(set(p), Error::<Test>::InvalidAgreement);
		let mut p = default_parameters();
		p.plan.rule = RobustRule::TrimmedMean { trim: Percent::from_percent(50) };
		assert_noop!(set(p), Error::<Test>::InvalidPlan);
		let mut p = default_parameters();
		p.min_participation = Perbill::zero();
		assert_noop!(set(p), Error::<Test>::InvalidParticipation);
		let mut p = default_parameters();
		p.plan.max_value = 0;
		assert_noop!(set(p), Error::<Test>::InvalidPlan);
		// A window the unbonding period was not sized for.
		let mut p = default_parameters();
		p.reveal_window = 51;
		assert_noop!(set(p), Error::<Test>::InvalidWindow);
		// Eight trainers, a 25 % trim: two at each end, so at least five updates are needed.
		let mut p = default_parameters();
		p.trainers = 8;
		p.plan.rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };
		p.min_updates = 4;
		assert_noop!(set(p.clone()), Error::<Test>::InvalidMinUpdates);
		p.min_updates = 9;
		assert_noop!(set(p.clone()), Error::<Test>::InvalidMinUpdates);
		p.min_updates = 5;
		assert_ok!(set(p));
		let mut p = default_parameters();
		p.plan.rule = RobustRule::Median;
		assert_noop!(
			Training::set_parameters(RuntimeOrigin::signed(1), p.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(set(p.clone()));
		assert_eq!(Params::<Test>::get(), p);
	});
}

/// Sets the parameters for rounds opened from now on.
fn with_parameters(change: impl FnOnce(&mut Parameters<u64>)) {
	let mut p = default_parameters();
	change(&mut p);
	assert_ok!(Training::set_parameters(RuntimeOrigin::root(), p));
}

/// One drawn trainer's free, self-consistent update of another shape (two labels × one
/// feature, four values), were it accepted, would make every aggregator refuse the whole set.
/// The chain refuses it (and values beyond the round's bound), and the round goes on to its
/// candidate without that trainer, who committed and published nothing the round can use: it
/// is judged to have missed its seat.
#[test]
fn a_wrong_shape_update_is_refused_and_the_round_still_produces_a_candidate() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		assert_eq!(
			Rounds::<Test>::get(round).expect("round").shape,
			LayerShape { labels: 1, features: 2 }
		);
		let seated = trainers(round);
		let attacker = seated[0];
		let n = Rounds::<Test>::get(round).expect("round").training_examples() as u32;
		let other_shape = shaped(base_hash(), 2, 1, vec![1, 2, 3, 4]);
		assert!(ModelUpdate { base: base_hash(), labels: 2, features: 1, values: vec![0; 4] }
			.is_well_formed());
		// The attacker commits to its update (nothing about it shows yet), the others to theirs.
		let commitment = update_commitment(&ModelUpdate::hash_of(&other_shape), &attacker);
		assert_ok!(Training::commit_update(
			RuntimeOrigin::signed(signer_of(attacker)),
			round,
			commitment,
			n
		));
		let max = MAX_VALUE as i32;
		// The bound itself is fine.
		commit(round, seated[1], vec![max, -max, 0]);
		commit(round, seated[2], vec![1; 3]);
		publish_all(round);
		let submit = |update| {
			Training::publish_update(RuntimeOrigin::signed(signer_of(attacker)), round, update)
		};
		assert_noop!(submit(other_shape), Error::<Test>::WrongShape);
		assert_noop!(
			submit(update_for(base_hash(), vec![0, max + 1, 0])),
			Error::<Test>::UpdateOutOfBounds
		);
		assert_noop!(
			submit(update_for(base_hash(), vec![-max - 1, 0, 0])),
			Error::<Test>::UpdateOutOfBounds
		);
		run_to_block(11);
		assert_eq!(judged(round), vec![(attacker, MemberOutcome::Missed)]);
		let model = H256::repeat_byte(0x33);
		for aggregator in aggregators(round) {
			commit_aggregate(round, aggregator, model, &[true, true]);
		}
		for aggregator in aggregators(round) {
			assert_ok!(reveal(round, aggregator, model, &[true, true]));
		}
		run_to_block(12);
		assert_eq!(
			Outcomes::<Test>::get(round),
			Some(Outcome::Candidate { version: 2, sha256: model })
		);
	});
}

#[test]
fn a_version_without_a_trainable_layer_cannot_be_trained() {
	ExtBuilder.build_and_execute(|| {
		Shape::set(None);
		assert_noop!(
			Training::open_round(RuntimeOrigin::root(), MODEL, BASE, RANGE, 10, REWARD),
			Error::<Test>::NotTrainable
		);
	});
}

/// Three aggregators of equal stake, all committed to the same answer; `reveals` of them
/// reveal it, and `dissent` of the rest reveal another. How the round ends.
fn three_aggregators(reveals: usize, dissent: usize) -> (RoundId, Vec<AccountId>) {
	with_parameters(|p| p.aggregators = 3);
	let round = round_in_aggregation();
	let seats = aggregators(round);
	assert_eq!(seats.len(), 3);
	let (model, other) = (H256::repeat_byte(0x44), H256::repeat_byte(0x45));
	let kept = [true; 3];
	for (i, aggregator) in seats.iter().enumerate() {
		let answer = if i < reveals { model } else { other };
		commit_aggregate(round, *aggregator, answer, &kept);
	}
	run_to_block(14);
	for (i, aggregator) in seats.iter().enumerate().take(reveals + dissent) {
		let answer = if i < reveals { model } else { other };
		assert_ok!(reveal(round, *aggregator, answer, &kept));
	}
	run_to_block(16);
	(round, seats)
}

/// An aggregator whose stake dwarfs the other two together reveals another model: each seat is
/// one vote, so the two honest seats hold two thirds and decide the candidate, and the whale
/// is judged disagreeing.
#[test]
fn an_aggregators_stake_buys_no_heavier_vote() {
	ExtBuilder.build_and_execute(|| {
		with_parameters(|p| p.aggregators = 3);
		let round = round_in_aggregation();
		let seats = aggregators(round);
		Rounds::<Test>::mutate(round, |r| {
			let record = r.as_mut().expect("aggregating");
			record.aggregators[2].stake = 1_000_000;
		});
		let (honest, other) = (H256::repeat_byte(0x44), H256::repeat_byte(0x45));
		let kept = [true; 3];
		let answer = |i: usize| if i < 2 { honest } else { other };
		for (i, aggregator) in seats.iter().enumerate() {
			commit_aggregate(round, *aggregator, answer(i), &kept);
		}
		run_to_block(14);
		for (i, aggregator) in seats.iter().enumerate() {
			assert_ok!(reveal(round, *aggregator, answer(i), &kept));
		}
		run_to_block(16);
		assert!(matches!(
			Outcomes::<Test>::get(round),
			Some(Outcome::Candidate { sha256, .. }) if sha256 == honest
		));
		assert_eq!(
			aggregators_judged(round),
			vec![
				(seats[0], MemberOutcome::Agreed),
				(seats[1], MemberOutcome::Agreed),
				(seats[2], MemberOutcome::Disagreed)
			]
		);
	});
}

/// How `round`'s aggregators were judged when it was decided (before its trainers).
fn aggregators_judged(round: RoundId) -> Vec<(AccountId, MemberOutcome)> {
	let record = Rounds::<Test>::get(round).expect("round");
	let all = judged(round);
	let start = all.len() - record.aggregators.len() - record.updates as usize;
	all[start..start + record.aggregators.len()].to_vec()
}

/// One aggregator of three revealing would hold all of the revealed stake and so
/// decided the candidate, and who was paid, alone. It holds a third of the drawn stake, short
/// of the minimum participation (two thirds): the round fails, and with too little revealed
/// to judge anyone, nobody is punished.
#[test]
fn one_aggregator_revealing_decides_nothing() {
	ExtBuilder.build_and_execute(|| {
		let (round, _) = three_aggregators(1, 0);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::TooFewReveals)));
		assert_eq!(Versions::get().len(), 1, "no candidate");
		assert!(Rewarded::get().is_empty());
		assert!(judged(round).iter().all(|(_, o)| *o == MemberOutcome::Inconclusive));
	});
}

/// Aggregators that miss the reveal, or reveal an answer other than the one honest nodes
/// built byte for byte, lose reputation and the registry's small slash (`Missed`,
/// `Disagreed`); the two that agreed are paid.
#[test]
fn silent_and_losing_aggregators_are_judged() {
	for (dissent, third) in [(0, MemberOutcome::Missed), (1, MemberOutcome::Disagreed)] {
		ExtBuilder.build_and_execute(|| {
			let (round, seats) = three_aggregators(2, dissent);
			assert!(matches!(Outcomes::<Test>::get(round), Some(Outcome::Candidate { .. })));
			assert_eq!(
				aggregators_judged(round),
				vec![
					(seats[0], MemberOutcome::Agreed),
					(seats[1], MemberOutcome::Agreed),
					(seats[2], third)
				]
			);
			let aggregator_points =
				|node| Rewarded::get().iter().any(|(n, _, p)| *n == node && *p == 7);
			assert!(aggregator_points(seats[0]) && aggregator_points(seats[1]));
			assert!(!aggregator_points(seats[2]));
		});
	}
}

/// A trainer whose node lacks some of the round's bodies excuses itself before the deadline:
/// it is judged `Excused` (no slash), not `Missed`, and can no longer send an update; a node
/// without a seat cannot excuse itself.
#[test]
fn an_excused_trainer_is_judged_excused_not_missed() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		let drawn = trainers(round);
		let stranger = (1..=10).find(|n| !drawn.contains(n)).expect("a node not drawn");
		assert_noop!(
			Training::excuse(RuntimeOrigin::signed(signer_of(stranger)), round),
			Error::<Test>::NotATrainer
		);
		let excused = drawn[0];
		assert_ok!(Training::excuse(RuntimeOrigin::signed(signer_of(excused)), round));
		assert_noop!(
			Training::excuse(RuntimeOrigin::signed(signer_of(excused)), round),
			Error::<Test>::AlreadyExcused
		);
		let samples = Rounds::<Test>::get(round).unwrap().training_examples() as u32;
		assert_noop!(
			Training::commit_update(
				RuntimeOrigin::signed(signer_of(excused)),
				round,
				H256::repeat_byte(1),
				samples
			),
			Error::<Test>::AlreadyExcused
		);
		for (i, trainer) in drawn.iter().enumerate().skip(1) {
			commit(round, *trainer, vec![i as i32; 3]);
		}
		publish_all(round);
		run_to_block(11);
		assert!(judged(round).contains(&(excused, MemberOutcome::Excused)));
		assert!(!judged(round).contains(&(excused, MemberOutcome::Missed)));
	});
}

/// An aggregator that lacks a committed update's bytes excuses itself in the commit window: it
/// is judged `Excused`, and its seat counts for nothing, so the two that answered decide.
#[test]
fn an_excused_aggregator_is_judged_excused_and_its_seat_counts_for_nothing() {
	ExtBuilder.build_and_execute(|| {
		with_parameters(|p| p.aggregators = 3);
		let round = round_in_aggregation();
		let seats = aggregators(round);
		assert_ok!(Training::excuse(RuntimeOrigin::signed(signer_of(seats[2])), round));
		let (model, kept) = (H256::repeat_byte(0x44), [true; 3]);
		for aggregator in &seats[..2] {
			commit_aggregate(round, *aggregator, model, &kept);
		}
		run_to_block(14);
		for aggregator in &seats[..2] {
			assert_ok!(reveal(round, *aggregator, model, &kept));
		}
		run_to_block(16);
		assert!(matches!(Outcomes::<Test>::get(round), Some(Outcome::Candidate { .. })));
		assert_eq!(aggregators_judged(round)[2], (seats[2], MemberOutcome::Excused));
	});
}

/// Two updates of four drawn trainers were aggregated, with a 25 % trim of the two
/// committed (none). A round needs one more than twice the trim of its drawn trainers (here
/// three); with fewer it fails, and nobody is judged.
#[test]
fn a_round_aggregates_only_with_its_minimum_of_updates() {
	ExtBuilder.build_and_execute(|| {
		with_parameters(|p| {
			p.trainers = 4;
			p.min_updates = 3;
			p.plan.rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };
		});
		let round = open();
		let seated = trainers(round);
		assert_eq!(seated.len(), 4);
		commit(round, seated[0], vec![1; 3]);
		commit(round, seated[1], vec![2; 3]);
		publish_all(round);
		run_to_block(11);
		assert_eq!(Outcomes::<Test>::get(round), Some(Outcome::Failed(Failure::TooFewUpdates)));
		assert!(judged(round).iter().all(|(_, o)| *o == MemberOutcome::Inconclusive));

		// Three of four: it aggregates, and the silent fourth missed its seat.
		let round = round_in_aggregation_from(12);
		assert!(matches!(
			Rounds::<Test>::get(round).expect("round").phase,
			Phase::Aggregating { .. }
		));
		assert!(judged(round).is_empty(), "every trainer committed");
	});
}

/// A zero update claiming the most samples would be kept and paid the largest
/// share. The aggregators agree on what each update carried of the aggregate; the lazy one
/// carried nothing, so it is paid nothing and gains no reputation, and the round's reward
/// goes to the trainers who did the work.
#[test]
fn a_lazy_zero_update_is_paid_nothing() {
	ExtBuilder.build_and_execute(|| {
		let round = open();
		let seated = trainers(round);
		commit(round, seated[0], vec![0; 3]);
		commit(round, seated[1], vec![5, 6, 7]);
		commit(round, seated[2], vec![6, 5, 8]);
		publish_all(round);
		run_to_block(11);
		let model = H256::repeat_byte(0x66);
		let kept = [true; 3];
		let carried = [Perbill::zero(), Perbill::from_percent(90), Perbill::from_percent(60)];
		for aggregator in aggregators(round) {
			commit_answer(round, aggregator, model, &kept, &carried);
		}
		for aggregator in aggregators(round) {
			assert_ok!(reveal_answer(round, aggregator, model, &kept, &carried));
		}
		run_to_block(12);
		let paid = |node| {
			Rewarded::get()
				.iter()
				.filter(|(n, c, p)| *n == node && *c == Contribution::Training && *p != 7)
				.map(|(_, _, p)| *p)
				.sum::<u32>()
		};
		assert_eq!(paid(seated[0]), 0);
		// 20 samples each (every trainer trains on all of the round's examples), at 90 % and
		// 60 %: 600 and 400 of 1 000.
		assert_eq!((paid(seated[1]), paid(seated[2])), (600, 400));
		assert!(judged(round).contains(&(seated[0], MemberOutcome::Inconclusive)));
	});
}

mod offchain_worker {
	//! The offchain worker against the pallet: a stand-in trainer (the real engine is tested in
	//! `offchain-workers/` and end to end on the node) sums labels and hashes what it aggregates.
	use super::*;
	use daollm_inference_interface::{
		BuiltModel, Example, TrainedUpdate, Trainer, TrainerExt, TrainingError, TrainingPlan,
	};
	use daollm_primitives::content::offchain_body_key;
	use daollm_test_support::{drain_signed, with_offchain_worker, Pool};
	use frame_support::traits::Hooks;
	use sp_core::offchain::StorageKind;
	use sp_runtime::traits::Dispatchable;
	use std::sync::{Arc, Mutex};

	/// Trains "an update" whose values are the sum of its examples' labels; builds "a model"
	/// whose hash is blake2 of the updates; records what it was asked.
	#[derive(Default)]
	struct StandIn {
		trained: Mutex<Vec<usize>>,
		/// The plans it trained with.
		plans: Mutex<Vec<TrainingPlan>>,
		aggregated: Mutex<u32>,
		/// The updates of the last aggregation, as (samples, bytes).
		inputs: Mutex<Vec<(u32, Vec<u8>)>>,
		/// The held-back examples of each evaluation.
		validated: Mutex<Vec<usize>>,
		/// What it finds on the reference examples.
		reference: Mutex<Score>,
	}
	impl Trainer for StandIn {
		fn train(
			&self,
			base: &[u8; 32],
			examples: Vec<Example>,
			plan: TrainingPlan,
		) -> Result<TrainedUpdate, TrainingError> {
			self.trained.lock().unwrap().push(examples.len());
			self.plans.lock().unwrap().push(plan);
			let sum: i32 = examples.iter().map(|e| e.label as i32).sum();
			let update =
				ModelUpdate { base: H256(*base), labels: 1, features: 2, values: vec![sum; 3] };
			Ok(TrainedUpdate { update: update.encode(), samples: examples.len() as u32 })
		}
		fn aggregate(
			&self,
			_: &[u8; 32],
			_: RobustRule,
			_: u32,
			updates: Vec<(u32, Vec<u8>)>,
		) -> Result<BuiltModel, TrainingError> {
			*self.aggregated.lock().unwrap() += 1;
			*self.inputs.lock().unwrap() = updates.clone();
			Ok(BuiltModel {
				sha256: sp_io::hashing::blake2_256(&updates.encode()),
				kept: vec![true; updates.len()],
				contributions: vec![Perbill::from_percent(50); updates.len()],
			})
		}
		/// The candidate right on every held-back example, the base on none.
		fn evaluate(
			&self,
			_: &[u8; 32],
			_: &[u8; 32],
			validation: Vec<Example>,
		) -> Result<CandidateEvaluation, TrainingError> {
			self.validated.lock().unwrap().push(validation.len());
			let n = validation.len() as u32;
			Ok(CandidateEvaluation {
				validation: Score { examples: n, base: 0, candidate: n },
				reference: *self.reference.lock().unwrap(),
			})
		}
	}

	/// A node holding every operator's key, with the examples' bodies indexed.
	fn node() -> (sp_io::TestExternalities, Pool, Arc<StandIn>) {
		let mut ext = ExtBuilder.build();
		let pool = with_offchain_worker(&mut ext, (1..=6).map(signer_of));
		let trainer = Arc::new(StandIn::default());
		ext.register_extension(TrainerExt(trainer.clone()));
		ext.execute_with(|| {
			for (id, _) in Verified::get() {
				let key = offchain_body_key(&[id as u8; 32]);
				sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, &key, b"a body");
			}
		});
		(ext, pool, trainer)
	}

	/// Dispatches what the worker sent, as the block author would, and indexes updates as a
	/// node importing the block would; how many.
	fn include(pool: &Pool) -> usize {
		let sent = drain_signed::<RuntimeCall>(pool);
		for (signer, call) in &sent {
			if let RuntimeCall::Training(Call::publish_update { update, .. }) = call {
				let key = update_key(&ModelUpdate::hash_of(update));
				sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, &key, update);
			}
			assert_ok!(call.clone().dispatch(RuntimeOrigin::signed(*signer)));
		}
		sent.len()
	}

	fn to_block(n: u64) {
		run_to_block(n);
		Training::offchain_worker(n);
	}

	/// Opens a round and lets the three drawn trainers' workers train and commit: the worker
	/// runs in the drawing block (and waits), then trains in the next. The round, and the block
	/// its aggregation begins in.
	fn open_and_train(pool: &Pool) -> (RoundId, u64) {
		let round = open();
		Training::offchain_worker(System::block_number());
		to_block(System::block_number() + 1);
		assert_eq!(include(pool), 3, "three commitments");
		to_block(Rounds::<Test>::get(round).unwrap().commit_deadline + 1);
		assert_eq!(include(pool), 3, "three publications");
		(round, Rounds::<Test>::get(round).unwrap().deadline + 1)
	}

	/// A node whose offchain index lacks one of the round's bodies would train on fewer
	/// examples than the others and send an update they outvote: its trainers excuse themselves
	/// instead, and are judged `Excused`, not `Missed`.
	#[test]
	fn a_trainer_lacking_a_body_excuses_itself() {
		let (mut ext, pool, trainer) = node();
		ext.execute_with(|| {
			let round = open();
			let record = Rounds::<Test>::get(round).unwrap();
			let (trained_on, _) = record
				.examples
				.iter()
				.zip(record.held_back(round))
				.find(|(_, held)| !held)
				.expect("one example is trained on");
			let key = offchain_body_key(&[*trained_on as u8; 32]);
			sp_io::offchain::local_storage_clear(StorageKind::PERSISTENT, &key);
			Training::offchain_worker(System::block_number());
			to_block(System::block_number() + 1);
			let sent = drain_signed::<RuntimeCall>(&pool);
			assert_eq!(sent.len(), 3, "one transaction per drawn trainer");
			for (signer, call) in sent {
				assert!(matches!(call, RuntimeCall::Training(Call::excuse { .. })));
				assert_ok!(call.dispatch(RuntimeOrigin::signed(signer)));
			}
			assert!(trainer.trained.lock().unwrap().is_empty(), "nothing was trained");
			let excused = Excuses::<Test>::iter_prefix(round).count();
			assert_eq!(excused, 3);
			// Resent only after `ResendAfter` blocks, and not at all once it landed.
			to_block(System::block_number() + 1);
			assert!(drain_signed::<RuntimeCall>(&pool).is_empty());
		});
	}

	#[test]
	fn trainers_and_aggregators_take_a_round_to_its_candidate() {
		let (mut ext, pool, trainer) = node();
		ext.execute_with(|| {
			let round = open();
			// Not in the block that drew the trainers: peers still on its parent would drop the
			// updates.
			let drawn = System::block_number();
			Training::offchain_worker(drawn);
			assert!(trainer.trained.lock().unwrap().is_empty());
			to_block(drawn + 1);
			// Every trainer trained on the 16 examples of 20 the round did not hold back, with
			// the round's seed and plan, and committed.
			let trained = trainer.trained.lock().unwrap().clone();
			assert_eq!(trained, vec![16, 16, 16]);
			let record = Rounds::<Test>::get(round).unwrap();
			let plans = trainer.plans.lock().unwrap().clone();
			assert!(plans.iter().all(|p| p.seed == record.training_seed(round)
				&& p.replay == record.plan.replay
				&& p.round_weight == record.plan.round_weight
				&& p.balance_labels == record.plan.balance_labels
				&& p.learning_rate_ppm == record.plan.learning_rate_ppm));
			assert_eq!(include(&pool), 3);
			assert_eq!(Rounds::<Test>::get(round).unwrap().update_commitments, 3);
			assert_eq!(Rounds::<Test>::get(round).unwrap().updates, 0, "nothing to copy yet");
			// Nothing more to do until the commitments close; a later worker does not train
			// again.
			to_block(drawn + 2);
			assert_eq!(include(&pool), 0);
			assert_eq!(trainer.trained.lock().unwrap().len(), 3);
			// Then each trainer publishes the update it kept, once.
			to_block(record.commit_deadline + 1);
			assert_eq!(include(&pool), 3);
			assert_eq!(Rounds::<Test>::get(round).unwrap().updates, 3);
			to_block(record.commit_deadline + 2);
			assert_eq!(include(&pool), 0);

			// Aggregation begins in the block after the deadline.
			let begins = Rounds::<Test>::get(round).unwrap().deadline + 1;
			to_block(begins);
			assert!(matches!(Rounds::<Test>::get(round).unwrap().phase, Phase::Aggregating { .. }));
			assert_eq!(include(&pool), 0, "not in the block aggregation began");
			to_block(begins + 1);
			assert_eq!(include(&pool), 2, "both aggregators commit");
			to_block(begins + 2);
			assert_eq!(include(&pool), 0, "not in the block the last commitment landed in");
			to_block(begins + 3);
			assert_eq!(include(&pool), 2, "both reveal once all committed");
			assert_eq!(*trainer.aggregated.lock().unwrap(), 2, "each aggregator built it once");
			// ...and evaluated it on the 4 held-back examples.
			assert_eq!(*trainer.validated.lock().unwrap(), vec![4, 4]);
			to_block(begins + 4);
			let Some(Outcome::Candidate { version: 2, .. }) = Outcomes::<Test>::get(round) else {
				panic!("a candidate: {:?}", Outcomes::<Test>::get(round))
			};
			// The registry records what the aggregators measured.
			let (version, evaluation, forgets) = Evaluated::get().pop().expect("registered");
			assert_eq!(version, 2);
			assert_eq!(evaluation.validation, Score { examples: 4, base: 0, candidate: 4 });
			assert!(!forgets);
			// The worker rebuilds the candidate once, to be able to run it.
			assert_eq!(*trainer.aggregated.lock().unwrap(), 3);
			to_block(begins + 5);
			assert_eq!(*trainer.aggregated.lock().unwrap(), 3);
			assert_eq!(include(&pool), 0);
		});
	}

	/// The committed updates' bytes, as the worker finds them in the offchain index.
	fn committed_bytes(round: RoundId) -> Vec<Vec<u8>> {
		let mut records: Vec<_> = Updates::<Test>::iter_prefix(round).collect();
		records.sort_by_key(|(trainer, _)| *trainer);
		records
			.into_iter()
			.map(|(_, record)| {
				sp_io::offchain::local_storage_get(
					StorageKind::PERSISTENT,
					&update_key(&record.hash.expect("published")),
				)
				.expect("indexed")
			})
			.collect()
	}

	/// Importing a losing fork's block, whose trainer committed other bytes, leaves those
	/// bytes in the node's offchain index too. They are indexed under their own hash, so the
	/// aggregator builds from what the canonical chain committed, never from the fork's bytes
	/// written last; bytes that do not
	/// hash to the committed update are not used, and the node does not answer.
	#[test]
	fn an_aggregator_builds_from_the_committed_bytes_only() {
		let (mut ext, pool, trainer) = node();
		ext.execute_with(|| {
			let (round, begins) = open_and_train(&pool);
			let canonical = committed_bytes(round);
			// The fork's block: the first trainer's other update, indexed as its import would.
			let (first, _) = Updates::<Test>::iter_prefix(round).next().expect("an update");
			let fork = ModelUpdate {
				base: Rounds::<Test>::get(round).unwrap().base,
				labels: 1,
				features: 2,
				values: vec![-7; 3],
			}
			.encode();
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&update_key(&ModelUpdate::hash_of(&fork)),
				&fork,
			);
			to_block(begins);
			to_block(begins + 1);
			assert_eq!(include(&pool), 2, "both aggregators commit");
			let mut used: Vec<Vec<u8>> =
				trainer.inputs.lock().unwrap().iter().map(|(_, bytes)| bytes.clone()).collect();
			used.sort();
			let mut expected = canonical.clone();
			expected.sort();
			assert_eq!(used, expected, "built from the committed bytes");
			assert!(!used.contains(&fork));

			// Damaged bytes under a committed hash: nothing is built from them.
			let record = Updates::<Test>::get(round, first).expect("committed");
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&update_key(&record.hash.expect("published")),
				&fork,
			);
			let built = *trainer.aggregated.lock().unwrap();
			assert_eq!(Pallet::<Test>::build(round, &Rounds::<Test>::get(round).unwrap()), None);
			assert_eq!(*trainer.aggregated.lock().unwrap(), built, "the engine was not asked");
		});
	}

	/// Item 4 of issue 17: the aggregators' answer carries the candidate's scores beside its
	/// base's; a candidate that loses on the reference examples beyond the tolerance is
	/// registered as forgetting, and says so in its event.
	#[test]
	fn a_candidate_that_loses_on_the_reference_set_is_registered_as_forgetting() {
		let (mut ext, pool, trainer) = node();
		*trainer.reference.lock().unwrap() = Score { examples: 100, base: 90, candidate: 88 };
		ext.execute_with(|| {
			let (_, begins) = open_and_train(&pool);
			for block in begins..begins + 5 {
				to_block(block);
				include(&pool);
			}
			let (version, evaluation, forgets) = Evaluated::get().pop().expect("registered");
			assert_eq!(evaluation.reference, Score { examples: 100, base: 90, candidate: 88 });
			assert!(forgets, "2 of 100 lost is beyond 1%");
			assert!(events().iter().any(|e| matches!(e,
				Event::CandidateRegistered { version: v, forgets: true, evaluation: ev, .. }
					if *v == version && *ev == evaluation)));
		});
	}

	#[test]
	fn without_an_engine_nothing_is_sent() {
		let mut ext = ExtBuilder.build();
		let pool = with_offchain_worker(&mut ext, (1..=6).map(signer_of));
		ext.execute_with(|| {
			open();
			to_block(System::block_number() + 1);
			assert_eq!(include(&pool), 0);
		});
	}
}

/// A round opened by referendum opens in a block known a day ahead, and its
/// deadline is in the round itself. Whoever knows every state at that block (the opening, or
/// the deadline) predicts the draw from the seed that block could give; the draw uses a later
/// block's instead, so the prediction of the first seat is right no more often than chance
/// (one node in six), within four standard deviations over the trials.
mod known_block_draws {
	use super::*;
	use daollm_primitives::traits::DrawRandomness as _;

	const TRIALS: u64 = 300;
	const TOLERANCE: f64 = 0.09;

	/// The first node the stand-in draws from `seed`.
	fn first(seed: H256) -> AccountId {
		let nodes = Nodes::get();
		nodes[seed.0[0] as usize % nodes.len()].0
	}

	fn rate(hits: u64) -> f64 {
		hits as f64 / TRIALS as f64
	}

	#[test]
	fn trainers_are_not_the_ones_the_opening_block_foretells() {
		let mut hits = 0u64;
		for trial in 0..TRIALS {
			ExtBuilder.build_and_execute(|| {
				let at = 10 + trial;
				run_to_block(at);
				let round = NextRoundId::<Test>::get();
				let foretold = MockDraws::seed(&(b"daollm/trainers", round).encode(), None)
					.map(first)
					.expect("a seed");
				assert_ok!(Training::open_round(
					RuntimeOrigin::root(),
					MODEL,
					BASE,
					RANGE,
					at + 5,
					REWARD
				));
				run_to_block(at + 1);
				hits += u64::from(trainers(round)[0] == foretold);
			});
		}
		assert!((rate(hits) - 1.0 / 6.0).abs() <= TOLERANCE, "trainers: {}", rate(hits));
	}

	#[test]
	fn aggregators_are_not_the_ones_the_deadline_block_foretells() {
		let mut hits = 0u64;
		for trial in 0..TRIALS {
			ExtBuilder.build_and_execute(|| {
				let at = 10 + trial;
				run_to_block(at);
				let round = round_in_aggregation_from_with_prediction(at, &mut hits);
				assert!(!Rounds::<Test>::get(round).expect("round").aggregators.is_empty());
			});
		}
		assert!((rate(hits) - 1.0 / 6.0).abs() <= TOLERANCE, "aggregators: {}", rate(hits));
	}

	/// `round_in_aggregation_from`, with the aggregator the deadline block foretells compared
	/// with the one drawn.
	fn round_in_aggregation_from_with_prediction(now: u64, hits: &mut u64) -> RoundId {
		let deadline = now + 5;
		assert_ok!(Training::open_round(
			RuntimeOrigin::root(),
			MODEL,
			BASE,
			RANGE,
			deadline,
			REWARD
		));
		let round = NextRoundId::<Test>::get() - 1;
		run_to_block(now + 1);
		for trainer in trainers(round) {
			commit(round, trainer, vec![0; 3]);
		}
		publish_all(round);
		run_to_block(deadline);
		let foretold = MockDraws::seed(&(b"daollm/aggregators", round).encode(), None)
			.map(first)
			.expect("a seed");
		run_to_block(deadline + 1);
		let record = Rounds::<Test>::get(round).expect("round");
		*hits += u64::from(record.aggregators[0].node == foretold);
		round
	}
}

/// The pool validates training seats' transactions, ranks them above any tip, keeps one per
/// seat and step, and charges them nothing: block stuffing cannot keep a round's seats out.
mod transaction_pool {
	use super::*;
	use frame_support::dispatch::CheckIfFeeless;
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidity};

	const PRIORITY: u64 = u64::MAX / 2;

	/// What the pool makes of `call` signed by `who`'s key.
	fn validity(who: AccountId, call: Call<Test>) -> TransactionValidity {
		daollm_test_support::seat_validity::<Test, Training>(
			signer_of(who),
			RuntimeCall::Training(call),
		)
	}

	fn feeless(who: AccountId, call: Call<Test>) -> bool {
		RuntimeCall::Training(call).is_feeless(&RuntimeOrigin::signed(signer_of(who)))
	}

	/// A commitment to the update with `values` (the same for every trainer: the pool only
	/// looks at who may commit).
	fn update_call(round: RoundId, values: Vec<i32>) -> Call<Test> {
		let samples = Rounds::<Test>::get(round).expect("round").training_examples() as u32;
		let commitment = H256(sp_io::hashing::blake2_256(&values.encode()));
		Call::commit_update { round, commitment, samples }
	}

	fn publish_call(round: RoundId, values: Vec<i32>) -> Call<Test> {
		Call::publish_update { round, update: update_for(base_hash(), values) }
	}

	#[test]
	fn a_trainers_update_outranks_any_tip_is_feeless_and_has_one_pool_entry() {
		ExtBuilder.build_and_execute(|| {
			let round = open();
			let trainer = trainers(round)[0];
			let copies: Vec<_> = (0..4)
				.map(|i| validity(trainer, update_call(round, vec![i; 3])).expect("valid"))
				.collect();
			let commit_deadline = Rounds::<Test>::get(round).unwrap().commit_deadline;
			for copy in &copies {
				assert_eq!(copy.priority, PRIORITY);
				assert_eq!(copy.provides, copies[0].provides, "one tag for the seat's update");
				assert_eq!(copy.longevity, commit_deadline - System::block_number() + 1);
			}
			assert!(feeless(trainer, update_call(round, vec![1; 3])));
		});
	}

	#[test]
	fn an_aggregators_commit_and_reveal_outrank_any_tip_and_are_feeless() {
		ExtBuilder.build_and_execute(|| {
			let round = round_in_aggregation();
			let aggregator = aggregators(round)[0];
			let kept = [true, true, true];
			let model = H256::repeat_byte(7);
			let salt = [aggregator as u8; 32];
			let commitment = aggregate_commitment(
				&model,
				&kept,
				&full(&kept),
				&evaluation(),
				&salt,
				&aggregator,
			);
			let commit = Call::commit_aggregate { round, commitment };
			let committed = validity(aggregator, commit.clone()).expect("valid");
			assert_eq!(committed.priority, PRIORITY);
			assert!(feeless(aggregator, commit));
			for a in aggregators(round) {
				commit_aggregate(round, a, model, &kept);
			}
			let reveal = Call::reveal_aggregate {
				round,
				model,
				kept: kept.to_vec().try_into().expect("fits"),
				contributions: full(&kept).try_into().expect("fits"),
				evaluation: evaluation(),
				salt,
			};
			let revealed = validity(aggregator, reveal.clone()).expect("valid");
			assert_eq!(revealed.priority, PRIORITY);
			assert_ne!(revealed.provides, committed.provides, "another step, another tag");
			assert!(feeless(aggregator, reveal));
		});
	}

	/// A stranger's update, a trainer's second update, an update of the wrong base and a late
	/// one are refused at the pool's door, and would pay their fee if forced into a block.
	#[test]
	fn seat_transactions_that_would_fail_never_enter_the_pool() {
		ExtBuilder.build_and_execute(|| {
			let round = open();
			let drawn = trainers(round);
			let trainer = drawn[0];
			let stranger = (1..=10).find(|n| !drawn.contains(n)).expect("a node not drawn");
			let refused = Err(InvalidTransaction::Call.into());
			assert_eq!(validity(stranger, update_call(round, vec![1; 3])), refused);
			assert!(!feeless(stranger, update_call(round, vec![1; 3])));
			commit(round, trainer, vec![1; 3]);
			assert_eq!(validity(trainer, update_call(round, vec![2; 3])), refused, "a second");
			assert_eq!(validity(trainer, publish_call(round, vec![1; 3])), refused, "too early");
			let commit_deadline = Rounds::<Test>::get(round).unwrap().commit_deadline;
			run_to_block(commit_deadline + 1);
			assert_eq!(validity(drawn[1], update_call(round, vec![1; 3])), refused, "too late");
			let foreign = Call::publish_update {
				round,
				update: update_for(H256::repeat_byte(9), vec![1; 3]),
			};
			assert_eq!(validity(trainer, foreign), refused, "another base's update");
			assert_eq!(
				validity(trainer, publish_call(round, vec![2; 3])),
				refused,
				"not committed"
			);
			let published = validity(trainer, publish_call(round, vec![1; 3])).expect("valid");
			assert_eq!(published.priority, PRIORITY);
			assert!(feeless(trainer, publish_call(round, vec![1; 3])));
		});
	}
}
