//! The inference network's arithmetic, free of storage so that it can be property-tested:
//! drawing a committee by weighted sampling, and aggregating revealed answers by stake.

use alloc::vec::Vec;
use codec::Encode;
use daollm_primitives::{
	inference::{InferenceResult, Scores},
	threshold::reaches,
	LabelIndex,
};
use sp_core::H256;
use sp_runtime::Perbill;

/// A pseudo-random number for draw `round` from `seed`: the first 16 bytes of
/// blake2b-256(seed ‖ round), little-endian.
fn random_u128(seed: &H256, round: u32) -> u128 {
	let digest = sp_io::hashing::blake2_256(&(seed, round).encode());
	let mut bytes = [0u8; 16];
	bytes.copy_from_slice(&digest[..16]);
	u128::from_le_bytes(bytes)
}

/// Draws up to `size` distinct indices of `weights`, each draw picking an index with
/// probability proportional to its weight among those not drawn yet (weighted sampling without
/// replacement). Indices of weight zero are never drawn. The same `seed` gives the same
/// committee on every node. O(n · size).
pub fn draw_committee(weights: &[u128], size: u32, seed: &H256) -> Vec<usize> {
	let mut pool: Vec<(usize, u128)> =
		weights.iter().copied().enumerate().filter(|(_, w)| *w > 0).collect();
	let mut total = pool.iter().fold(0u128, |sum, (_, w)| sum.saturating_add(*w));
	let mut drawn = Vec::with_capacity(size.min(pool.len() as u32) as usize);
	for round in 0..size {
		if pool.is_empty() || total == 0 {
			break;
		}
		let mut target = random_u128(seed, round) % total;
		// The last entry takes whatever rounding (from a saturated total) leaves over.
		let mut pick = pool.len() - 1;
		for (i, (_, weight)) in pool.iter().enumerate() {
			if target < *weight {
				pick = i;
				break;
			}
			target -= weight;
		}
		let (index, weight) = pool.swap_remove(pick);
		total = total.saturating_sub(weight);
		drawn.push(index);
	}
	drawn
}

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

/// When revealed answers decide a task: both shares are "at least", exactly
/// ([`daollm_primitives::threshold::reaches`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
	/// The share of the revealed stake the winning label needs.
	pub threshold: Perbill,
	/// The share of the committee's stake that must have revealed.
	pub min_participation: Perbill,
}

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
	if !reaches(total, committee_stake, rule.min_participation) || total == 0 {
		return Verdict::Inconclusive;
	}
	let mut by_label = alloc::vec![0u128; label_count as usize];
	for (stake, result) in reveals.iter().filter(|(_, r)| r.model == *model) {
		if let Some(sum) = by_label.get_mut(result.label as usize) {
			*sum = sum.saturating_add(*stake);
		}
	}
	// The first label with the most stake; with a threshold above one half, a tie never wins.
	let Some((label, winning)) =
		by_label.iter().enumerate().fold(None, |best: Option<(usize, u128)>, (label, stake)| {
			match best {
				Some((_, most)) if most >= *stake => best,
				_ => Some((label, *stake)),
			}
		})
	else {
		return Verdict::NoConsensus;
	};
	if winning == 0 || !reaches(winning, total, rule.threshold) {
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
	use proptest::prelude::*;

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

	#[test]
	fn draws_are_distinct_weighted_and_deterministic() {
		let weights = [10, 0, 30, 60, 5];
		let seed = H256::repeat_byte(3);
		let committee = draw_committee(&weights, 3, &seed);
		assert_eq!(committee, draw_committee(&weights, 3, &seed));
		assert_eq!(committee.len(), 3);
		assert!(!committee.contains(&1), "a weightless node is never drawn");
		let mut sorted = committee.clone();
		sorted.sort();
		sorted.dedup();
		assert_eq!(sorted.len(), 3, "no node is drawn twice");
		// Asking for more than there are candidates draws every candidate once.
		assert_eq!(draw_committee(&weights, 10, &seed).len(), 4);
		assert!(draw_committee(&[], 3, &seed).is_empty());
	}

	#[test]
	fn heavier_nodes_are_drawn_more_often() {
		let weights = [1, 9];
		let first_of_heavy = (0..2_000u32)
			.filter(|i| draw_committee(&weights, 1, &H256::from_low_u64_be(*i as u64)) == [1])
			.count();
		// Expect 90 %: allow a wide margin, the test is about the direction.
		assert!((1_650..=1_950).contains(&first_of_heavy), "heavy drawn {first_of_heavy} of 2000");
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

		/// The committee is a set of distinct candidates of positive weight, of the asked size
		/// when there are enough of them.
		#[test]
		fn committees_are_distinct_and_sized(
			weights in proptest::collection::vec(0u128..1_000, 0..40),
			size in 0u32..20,
			seed in any::<[u8; 32]>(),
		) {
			let drawn = draw_committee(&weights, size, &H256(seed));
			let eligible = weights.iter().filter(|w| **w > 0).count();
			prop_assert_eq!(drawn.len(), eligible.min(size as usize));
			let mut unique = drawn.clone();
			unique.sort();
			unique.dedup();
			prop_assert_eq!(unique.len(), drawn.len());
			prop_assert!(drawn.iter().all(|i| weights[*i] > 0));
		}
	}
}
