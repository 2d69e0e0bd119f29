//! The inference network's arithmetic, free of storage so that it can be property-tested:
//! aggregating revealed answers by stake.

use alloc::vec::Vec;
use daollm_primitives::{
	inference::{InferenceResult, Scores},
	threshold::Decision,
	LabelIndex,
};
use sp_core::H256;

/// What the committee's answers add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
	/// A label holds at least the consensus threshold of the revealed stake.
	Consensus {
		/// The winning label.
		label: LabelIndex,
		/// Each class's stake-weighted median score among answers from the task's model.
		scores: Scores,
	},
	/// Enough of the committee revealed, and no label reached the threshold.
	NoConsensus,
	/// Less than the minimum participation of the committee's stake revealed (nobody, say,
	/// because nobody could answer): the task judges nobody.
	Inconclusive,
}

/// When revealed answers decide a task: the chain's one rule for committees, shared with
/// training's aggregators.
pub use daollm_primitives::threshold::Quorum as Rule;

/// Aggregates the revealed answers `(stake, result)` of a task run with model `model`, whose
/// committee holds `committee_stake` in all.
///
/// Unless the revealed stake is at least `rule.min_participation` of `committee_stake`, the task
/// is [`Verdict::Inconclusive`]. Otherwise the label with the most revealed stake wins if it
/// holds at least `rule.threshold` of all revealed stake; answers from another model count in
/// that total but for no label. Each class's score is the stake-weighted (lower) median of the
/// scores of answers from `model`.
pub fn aggregate(
	reveals: &[(u128, &InferenceResult)],
	committee_stake: u128,
	model: &H256,
	label_count: LabelIndex,
	rule: Rule,
) -> Verdict {
	let total = reveals.iter().fold(0u128, |sum, (stake, _)| sum.saturating_add(*stake));
	if rule.decide(total, total, committee_stake) == Decision::Inconclusive {
		return Verdict::Inconclusive;
	}
	let mut by_label = alloc::vec![0u128; label_count as usize];
	for (stake, result) in reveals.iter().filter(|(_, r)| r.model == *model) {
		if let Some(sum) = by_label.get_mut(result.label as usize) {
			*sum = sum.saturating_add(*stake);
		}
	}
	// The first label with the most stake; with a threshold above one half, a tie never wins.
	let (label, winning) =
		by_label.iter().enumerate().fold((0, 0), |best: (usize, u128), (label, stake)| {
			if *stake > best.1 {
				(label, *stake)
			} else {
				best
			}
		});
	if rule.decide(winning, total, committee_stake) != Decision::Agreed {
		return Verdict::NoConsensus;
	}
	let on_model: Vec<(u128, &InferenceResult)> =
		reveals.iter().filter(|(_, r)| r.model == *model).copied().collect();
	let mut scores = Scores::new();
	for class in 0..label_count as usize {
		let mut column: Vec<(u16, u128)> = on_model
			.iter()
			.map(|(stake, r)| (r.scores.get(class).copied().unwrap_or_default(), *stake))
			.collect();
		// `label_count` is at most `MAX_LABELS`, the bound of `Scores`.
		let _ = scores.try_push(weighted_median(&mut column));
	}
	Verdict::Consensus { label: label as LabelIndex, scores }
}

/// The lower weighted median of `(value, weight)` pairs: the smallest value whose cumulative
/// weight reaches half the total. Zero for no weight.
pub fn weighted_median(values: &mut [(u16, u128)]) -> u16 {
	values.sort_unstable();
	let total = values.iter().fold(0u128, |sum, (_, w)| sum.saturating_add(*w));
	let mut cumulative = 0u128;
	for (value, weight) in values.iter() {
		cumulative = cumulative.saturating_add(*weight);
		// cumulative ≥ total / 2, without losing the odd unit.
		if cumulative >= total - total / 2 {
			return *value;
		}
	}
	0
}

#[cfg(test)]
mod tests {
	use super::*;
	use daollm_primitives::threshold::reaches;
	use proptest::prelude::*;
	use sp_runtime::Perbill;

	const LABELS: LabelIndex = 5;

	fn model() -> H256 {
		H256::repeat_byte(1)
	}

	fn result(label: LabelIndex, scores: &[u16], model: H256) -> InferenceResult {
		InferenceResult { label, scores: scores.to_vec().try_into().unwrap(), model }
	}

	fn two_thirds() -> Perbill {
		Perbill::from_rational(2u32, 3u32)
	}

	/// Two thirds of the revealed stake, from at least half of the committee's.
	fn rule() -> Rule {
		Rule { threshold: two_thirds(), min_participation: Perbill::from_percent(50) }
	}

	/// Aggregates with the whole committee having revealed.
	fn all_revealed(reveals: &[(u128, &InferenceResult)]) -> Verdict {
		let stake = reveals.iter().map(|(s, _)| s).sum();
		aggregate(reveals, stake, &model(), LABELS, rule())
	}

	#[test]
	fn the_label_with_two_thirds_of_revealed_stake_wins() {
		let a = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let b = result(3, &[0, 0, 1_000, 9_000, 0], model());
		let reveals = [(70, &a), (30, &b)];
		match all_revealed(&reveals) {
			Verdict::Consensus { label, scores } => {
				assert_eq!(label, 2);
				assert_eq!(scores.into_inner(), vec![0, 0, 9_000, 1_000, 0]);
			},
			other => panic!("expected consensus, got {other:?}"),
		}
	}

	#[test]
	fn a_plurality_below_the_threshold_is_no_consensus() {
		let a = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let b = result(3, &[0, 0, 1_000, 9_000, 0], model());
		assert_eq!(all_revealed(&[(60, &a), (40, &b)]), Verdict::NoConsensus);
	}

	/// M-12: 66 of 100 is less than two thirds, 67 is not.
	#[test]
	fn m12_at_least_two_thirds_means_at_least() {
		let a = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let b = result(3, &[0, 0, 1_000, 9_000, 0], model());
		assert_eq!(all_revealed(&[(66, &a), (34, &b)]), Verdict::NoConsensus);
		assert!(matches!(all_revealed(&[(67, &a), (33, &b)]), Verdict::Consensus { label: 2, .. }));
	}

	/// M-12 and C-1: one member of five cannot decide alone, and a task nobody answered
	/// judges nobody.
	#[test]
	fn m12_too_little_participation_is_inconclusive() {
		let a = result(2, &[0, 0, 9_000, 1_000, 0], model());
		// One of five equal members revealed: 20 % < 50 %.
		assert_eq!(aggregate(&[(1, &a)], 5, &model(), LABELS, rule()), Verdict::Inconclusive);
		assert_eq!(aggregate(&[], 5, &model(), LABELS, rule()), Verdict::Inconclusive);
		assert_eq!(aggregate(&[], 0, &model(), LABELS, rule()), Verdict::Inconclusive);
		// Three of five is enough, and unanimous.
		assert!(matches!(
			aggregate(&[(1, &a), (1, &a), (1, &a)], 5, &model(), LABELS, rule()),
			Verdict::Consensus { label: 2, .. }
		));
	}

	#[test]
	fn answers_from_another_model_count_for_no_label() {
		let honest = result(1, &[0, 10_000, 0, 0, 0], model());
		let stale = result(1, &[0, 10_000, 0, 0, 0], H256::repeat_byte(9));
		// 60 of 100 revealed stake on the task's model: short of two thirds.
		assert_eq!(all_revealed(&[(60, &honest), (40, &stale)]), Verdict::NoConsensus);
	}

	#[test]
	fn weighted_median_takes_the_value_at_half_the_weight() {
		assert_eq!(weighted_median(&mut [(10, 1), (20, 1), (30, 1)]), 20);
		assert_eq!(weighted_median(&mut [(10, 1), (20, 1)]), 10);
		assert_eq!(weighted_median(&mut [(10, 1), (20, 5), (30, 1)]), 20);
		assert_eq!(weighted_median(&mut [(90, 10), (10, 1), (20, 1)]), 90);
		assert_eq!(weighted_median(&mut []), 0);
	}

	fn scores_strategy() -> impl Strategy<Value = Vec<u16>> {
		proptest::collection::vec(0u16..=10_000, LABELS as usize)
	}

	proptest! {
		/// With honest stake holding more than the threshold of the committee's stake, whatever
		/// the others reveal (any label, any scores, any model) or withhold, the label is the
		/// honest one and each score lies within the honest range.
		#[test]
		fn an_honest_supermajority_decides(
			honest in proptest::collection::vec((1u128..1_000_000, scores_strategy()), 1..12),
			others in proptest::collection::vec(
				(1u128..1_000_000, 0..LABELS, scores_strategy(), any::<bool>(), any::<bool>()),
				0..12,
			),
			honest_label in 0..LABELS,
		) {
			let honest_stake: u128 = honest.iter().map(|(s, _)| s).sum();
			let other_stake: u128 = others.iter().map(|(s, ..)| s).sum();
			// Honest stake must reach the threshold of everyone's stake.
			prop_assume!(reaches(honest_stake, honest_stake + other_stake, rule().threshold));

			let honest_results: Vec<(u128, InferenceResult)> = honest
				.iter()
				.map(|(stake, scores)| (*stake, result(honest_label, scores, model())))
				.collect();
			let other_results: Vec<(u128, InferenceResult)> = others
				.iter()
				.filter(|(.., reveals, _)| *reveals)
				.map(|(stake, label, scores, _, own_model)| {
					let m = if *own_model { H256::repeat_byte(9) } else { model() };
					(*stake, result(*label, scores, m))
				})
				.collect();
			let reveals: Vec<(u128, &InferenceResult)> = honest_results
				.iter()
				.chain(other_results.iter())
				.map(|(s, r)| (*s, r))
				.collect();

			match aggregate(&reveals, honest_stake + other_stake, &model(), LABELS, rule()) {
				Verdict::Consensus { label, scores } => {
					prop_assert_eq!(label, honest_label);
					for (class, score) in scores.iter().enumerate() {
						let low = honest.iter().map(|(_, s)| s[class]).min().unwrap();
						let high = honest.iter().map(|(_, s)| s[class]).max().unwrap();
						prop_assert!(
							(low..=high).contains(score),
							"class {} median {} outside honest range {}..={}", class, score, low, high
						);
					}
				},
				other => prop_assert!(false, "an honest supermajority always decides: {:?}", other),
			}
		}

	}
}
