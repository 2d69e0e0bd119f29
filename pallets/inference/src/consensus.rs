//! The inference network's arithmetic, free of storage so that it can be property-tested:
//! aggregating revealed answers by weight. The weight of an answer is the number of committee
//! seats its member holds (the pallet passes seats, never stake: stake buys seats in the draw,
//! not a heavier vote).
//!
//! Each field of the answer gets the rule that fits it:
//! - the **label**: the one with the most revealed weight, if it holds the threshold;
//! - the **scores**: each class's weighted median (a number may differ in its last digit
//!   between honest nodes' hardware; the median stays within the honest range);
//! - the **readable share** of the text: the weighted median, like a score;
//! - the brief's **figures** and **signature**: exact bytes, the value that holds the threshold of
//!   the revealed weight (empty if none does: the brief then says nothing rather than something
//!   only some nodes said);
//! - the brief's **key sentences**: a vote per sentence (its byte range); a sentence is kept if
//!   the answers naming it hold the threshold, at most `MAX_KEY_SENTENCES` of them (the most
//!   supported, then the earliest).
//!
//! With a threshold above one half, weight below `1 − threshold` (a third, at two thirds) can
//! neither add a value of its own nor remove the honest one from any field.

use alloc::vec::Vec;
use daollm_primitives::{
	inference::{Brief, InferenceResult, KeySentences, Scores, Span},
	threshold::Decision,
	LabelIndex,
};
use sp_core::H256;

/// What the committee's answers add up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
	/// A label holds at least the consensus threshold of the revealed weight.
	Consensus {
		/// The winning label.
		label: LabelIndex,
		/// Each class's weighted median score among answers from the task's model.
		scores: Scores,
		/// The weighted median readable share among the same answers, in basis points.
		readable: u16,
		/// The brief those answers agree on, field by field.
		brief: Brief,
	},
	/// Enough of the committee revealed, and no label reached the threshold.
	NoConsensus,
	/// Less than the minimum participation of the committee's weight revealed (nobody, say,
	/// because nobody could answer).
	Inconclusive,
}

/// When revealed answers decide a task: the chain's one rule for committees, shared with
/// training's aggregators.
pub use daollm_primitives::threshold::Quorum as Rule;

/// Aggregates the revealed answers `(weight, result)` of a task run with model `model`, whose
/// committee holds `committee_stake` of weight in all (its seats, excused ones left out).
///
/// Unless the revealed weight is at least `rule.min_participation` of `committee_stake`, the
/// task is [`Verdict::Inconclusive`]. Otherwise the label with the most revealed weight wins if
/// it holds at least `rule.threshold` of all revealed weight; answers from another model count
/// in that total but for no label. Each class's score and the readable share are the weighted
/// (lower) medians of those of answers from `model`, and the brief is agreed field by field (the module's rules)
/// among the same answers, each field's value needing the threshold of all revealed weight.
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
	let mut readable: Vec<(u16, u128)> =
		on_model.iter().map(|(stake, r)| (r.readable, *stake)).collect();
	let readable = weighted_median(&mut readable);
	let holds = |stake: u128| rule.decide(stake, total, committee_stake) == Decision::Agreed;
	let brief = Brief {
		sentences: agreed_sentences(&on_model, holds),
		figures: agreed_value(&on_model, |r| &r.brief.figures, holds).unwrap_or_default(),
		signature: agreed_value(&on_model, |r| &r.brief.signature, holds).unwrap_or_default(),
	};
	Verdict::Consensus { label: label as LabelIndex, scores, readable, brief }
}

/// The value of `field` whose answers' stake `holds`, if one does (with a threshold above one
/// half, at most one can).
fn agreed_value<V: Clone + PartialEq>(
	answers: &[(u128, &InferenceResult)],
	field: impl Fn(&InferenceResult) -> &V,
	holds: impl Fn(u128) -> bool,
) -> Option<V> {
	let mut tally: Vec<(&V, u128)> = Vec::new();
	for (stake, result) in answers {
		add_stake(&mut tally, field(result), *stake);
	}
	tally.into_iter().find(|(_, stake)| holds(*stake)).map(|(value, _)| value.clone())
}

/// The key sentences whose answers' stake `holds`: the most supported, then the earliest, at
/// most the bound, in ascending order.
fn agreed_sentences(
	answers: &[(u128, &InferenceResult)],
	holds: impl Fn(u128) -> bool,
) -> KeySentences {
	let mut support: Vec<(Span, u128)> = Vec::new();
	for (stake, result) in answers {
		for sentence in result.brief.sentences.iter() {
			add_stake(&mut support, *sentence, *stake);
		}
	}
	support.retain(|(_, stake)| holds(*stake));
	support.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
	let mut kept: Vec<Span> = support.into_iter().map(|(sentence, _)| sentence).collect();
	kept.truncate(KeySentences::bound());
	kept.sort_unstable();
	// Within the bound by the truncation.
	KeySentences::truncate_from(kept)
}

/// Adds `stake` to `key`'s entry in `tally`, opening one at the end for a new key.
fn add_stake<K: PartialEq>(tally: &mut Vec<(K, u128)>, key: K, stake: u128) {
	match tally.iter_mut().find(|(k, _)| *k == key) {
		Some((_, sum)) => *sum = sum.saturating_add(stake),
		None => tally.push((key, stake)),
	}
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
	use daollm_primitives::{
		inference::{Figure, FigureKind, Span, Term},
		threshold::reaches,
	};
	use proptest::prelude::*;
	use sp_runtime::Perbill;

	const LABELS: LabelIndex = 5;

	fn model() -> H256 {
		H256::repeat_byte(1)
	}

	fn result(label: LabelIndex, scores: &[u16], model: H256) -> InferenceResult {
		InferenceResult {
			label,
			scores: scores.to_vec().try_into().unwrap(),
			readable: 9_000,
			model,
			brief: Brief::default(),
		}
	}

	fn with_brief(mut result: InferenceResult, brief: Brief) -> InferenceResult {
		result.brief = brief;
		result
	}

	/// The byte range of a body's sentence `index`, in these tests' bodies.
	fn sentence(index: u16) -> Span {
		Span { start: u32::from(index) * 100, end: u32::from(index) * 100 + 50 }
	}

	/// The indices of `brief`'s key sentences, in these tests' bodies.
	fn indices(brief: &Brief) -> Vec<u16> {
		brief.sentences.iter().map(|s| (s.start / 100) as u16).collect()
	}

	fn a_brief(sentences: &[u16], figures: &[(u32, u32)], terms: &[u32]) -> Brief {
		Brief {
			sentences: sentences
				.iter()
				.map(|i| sentence(*i))
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
			figures: figures
				.iter()
				.map(|(start, end)| Figure {
					span: Span { start: *start, end: *end },
					kind: FigureKind::Amount,
				})
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
			signature: terms
				.iter()
				.map(|hash| Term { hash: *hash, weight: 1 })
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
		}
	}

	fn agreed_brief(verdict: Verdict) -> Brief {
		match verdict {
			Verdict::Consensus { brief, .. } => brief,
			other => panic!("expected consensus, got {other:?}"),
		}
	}

	fn two_thirds() -> Perbill {
		Perbill::from_rational(2u32, 3u32)
	}

	/// Two thirds of the revealed weight, from at least half of the committee's.
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
			Verdict::Consensus { label, scores, .. } => {
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

	/// 66 of 100 is less than two thirds, 67 is not.
	#[test]
	fn at_least_two_thirds_means_at_least() {
		let a = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let b = result(3, &[0, 0, 1_000, 9_000, 0], model());
		assert_eq!(all_revealed(&[(66, &a), (34, &b)]), Verdict::NoConsensus);
		assert!(matches!(all_revealed(&[(67, &a), (33, &b)]), Verdict::Consensus { label: 2, .. }));
	}

	/// One member of five cannot decide alone, and a task nobody answered
	/// judges nobody.
	#[test]
	fn too_little_participation_is_inconclusive() {
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
		// 60 of 100 revealed weight on the task's model: short of two thirds.
		assert_eq!(all_revealed(&[(60, &honest), (40, &stale)]), Verdict::NoConsensus);
	}

	#[test]
	fn a_minority_cannot_move_the_readable_share_out_of_the_honest_range() {
		let at = |readable: u16| {
			let mut r = result(2, &[0, 0, 9_000, 1_000, 0], model());
			r.readable = readable;
			r
		};
		let readable = |verdict: Verdict| match verdict {
			Verdict::Consensus { readable, .. } => readable,
			other => panic!("no consensus: {other:?}"),
		};
		// Honest nodes read 1 200 or 1 201 basis points (a Chinese proposal); a third of the
		// weight claims the text is all readable, or none of it.
		let (low, high, liar_full, liar_none) = (at(1_200), at(1_201), at(10_000), at(0));
		let full = readable(all_revealed(&[(35, &low), (32, &high), (33, &liar_full)]));
		let none = readable(all_revealed(&[(35, &low), (32, &high), (33, &liar_none)]));
		assert!((1_200..=1_201).contains(&full) && (1_200..=1_201).contains(&none));
	}

	#[test]
	fn the_brief_is_agreed_field_by_field() {
		let label = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let honest = with_brief(label.clone(), a_brief(&[0, 2, 5], &[(3, 9)], &[1, 4]));
		// Agrees on the label, differs in every field of the brief.
		let odd = with_brief(label.clone(), a_brief(&[1, 2], &[(3, 8)], &[1, 5]));
		let brief = agreed_brief(all_revealed(&[(70, &honest), (30, &odd)]));
		assert_eq!(brief, honest.brief, "70 % hold every field");

		// 60 / 40: the label holds (the same label), no whole field does; sentence 2 does.
		let brief = agreed_brief(all_revealed(&[(60, &honest), (40, &odd)]));
		assert_eq!(indices(&brief), vec![2]);
		assert!(brief.figures.is_empty() && brief.signature.is_empty());
	}

	#[test]
	fn at_most_the_bound_of_key_sentences_are_kept_the_most_supported_first() {
		let label = result(2, &[0, 0, 9_000, 1_000, 0], model());
		let a = with_brief(label.clone(), a_brief(&[0, 1, 2], &[], &[]));
		let b = with_brief(label.clone(), a_brief(&[3, 4, 5], &[], &[]));
		// Threshold of 2/3 needs 67 of 100: only a's indices (80) hold, b's (20) do not.
		let brief = agreed_brief(all_revealed(&[(80, &a), (20, &b)]));
		assert_eq!(indices(&brief), vec![0, 1, 2]);
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
		/// With honest weight holding more than the threshold of the committee's weight, whatever
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
				Verdict::Consensus { label, scores, .. } => {
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

		/// The brief's fields: with honest stake holding the threshold of everyone's stake and
		/// every honest node computing the same brief, whatever briefs the others reveal (for the
		/// honest label or another, from any model) the agreed brief is the honest one.
		#[test]
		fn less_than_a_third_of_the_stake_cannot_change_an_agreed_field(
			honest in proptest::collection::vec(1u128..1_000_000, 1..12),
			others in proptest::collection::vec(
				(
					1u128..1_000_000,
					0..LABELS,
					proptest::collection::btree_set(0u16..8, 0..=3),
					proptest::collection::btree_set(0u32..6, 0..=3),
					proptest::collection::btree_set(0u32..6, 0..=4),
				),
				0..12,
			),
			honest_brief in (
				proptest::collection::btree_set(0u16..8, 0..=3),
				proptest::collection::btree_set(0u32..6, 0..=3),
				proptest::collection::btree_set(0u32..6, 0..=4),
			),
		) {
			let honest_stake: u128 = honest.iter().sum();
			let other_stake: u128 = others.iter().map(|(s, ..)| s).sum();
			prop_assume!(reaches(honest_stake, honest_stake + other_stake, rule().threshold));
			let make = |sentences: &std::collections::BTreeSet<u16>,
						figures: &std::collections::BTreeSet<u32>,
						terms: &std::collections::BTreeSet<u32>| {
				let sentences: Vec<u16> = sentences.iter().copied().collect();
				let figures: Vec<(u32, u32)> = figures.iter().map(|f| (f * 10, f * 10 + 4)).collect();
				let terms: Vec<u32> = terms.iter().copied().collect();
				a_brief(&sentences, &figures, &terms)
			};
			let expected = make(&honest_brief.0, &honest_brief.1, &honest_brief.2);
			let scores = [0, 0, 10_000, 0, 0];
			let honest_result = with_brief(result(2, &scores, model()), expected.clone());
			let other_results: Vec<(u128, InferenceResult)> = others
				.iter()
				.map(|(stake, label, s, f, t)| {
					(*stake, with_brief(result(*label, &scores, model()), make(s, f, t)))
				})
				.collect();
			let reveals: Vec<(u128, &InferenceResult)> = honest
				.iter()
				.map(|stake| (*stake, &honest_result))
				.chain(other_results.iter().map(|(s, r)| (*s, r)))
				.collect();
			let verdict = aggregate(&reveals, honest_stake + other_stake, &model(), LABELS, rule());
			prop_assert_eq!(agreed_brief(verdict), expected);
		}

	}
}
