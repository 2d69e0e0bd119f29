//! Federated training: what trainers, aggregators and the chain agree on.
//!
//! A trainer's **update** ([`ModelUpdate`]) is the change it proposes to the trainable layer of a
//! base model (a linear classifier: one weight per label and feature, one bias per label), in
//! fixed point with [`FRACTION_BITS`] fractional bits, so that every node reads the same
//! integers. Aggregators combine the round's updates with [`aggregate`], in integer arithmetic
//! only: the same updates give the same aggregate, and so the same model file, on every node and
//! every platform.
//!
//! The robust rules ([`RobustRule`]) act coordinate by coordinate:
//!
//! - [`RobustRule::FedAvg`]: the mean weighted by the trainers' sample counts (no defence);
//! - [`RobustRule::TrimmedMean`]: drop the `trim` share of trainers with the lowest and the highest
//!   value, then the weighted mean of the rest. With at most that many poisoned updates, the result
//!   lies within the honest values;
//! - [`RobustRule::Median`]: the lower weighted median by sample count. While poisoned updates
//!   carry less than half the samples, the result lies within the honest values.
//!
//! A trainer whose value lies outside the band the rule kept (for the median, the middle half)
//! much more often than chance would put it there was **trimmed away**: its update did not shape
//! the aggregate, and it earns no points. With `k` of `n` values outside the band at each end of
//! every coordinate, an update lands outside at a share `2k / n` of the coordinates on which
//! trainers disagree if it is like the others; it is trimmed away when that share exceeds
//! `(1 + 2k / n) / 2`, halfway from there to always (a poisoned update, far from the honest ones,
//! is outside nearly always). The band is computed from the trainers **drawn**, not the updates
//! committed: a round whose drawn trainers mostly stayed silent still trims as many values as its
//! seats promised (with at most `(n − 1) / 2` at each end, so one value is always kept).
//!
//! A kept update's **contribution** ([`Aggregate::contributions`]) is how much of the aggregate it
//! carries: `clamp(u · a / a · a, 0, 1)` for update `u` and aggregate `a`, in integers. An update
//! pointing the aggregate's way counts in proportion to how far it goes along it, up to all of it;
//! a zero update, or one pointing against the aggregate, contributes nothing; scaling an update up
//! gains nothing past the aggregate itself (and a far-off update is trimmed away). The round's
//! reward is shared in proportion to `samples × contribution`, so a lazy trainer earns nothing.
//!
//! An update's values are bounded in absolute value by its round's clipping bound: trainers clip
//! to it and the chain refuses anything beyond it ([`ModelUpdate::within`]). With every value in
//! `±max_value`, no single update moves a coordinate of a weighted mean by more than its share
//! of the samples times that bound.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	Percent,
};

/// The type of a contribution share, re-exported for the crates that pass contributions on.
pub use sp_runtime::Perbill;

/// Fractional bits of the fixed-point values of an update: `1 << FRACTION_BITS` is 1.0.
pub const FRACTION_BITS: u32 = 16;

/// The largest trim a trimmed mean may use: below a half, so something is always kept.
pub const MAX_TRIM: Percent = Percent::from_percent(45);

/// How the aggregate of a round's updates is computed, coordinate by coordinate.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum RobustRule {
	/// The mean weighted by sample count: every update counts.
	FedAvg,
	/// Drop the `trim` share of updates with the lowest and the highest value, then the mean of
	/// the rest weighted by sample count. `trim` is at most [`MAX_TRIM`].
	TrimmedMean {
		/// The share of updates dropped at each end.
		trim: Percent,
	},
	/// The lower median weighted by sample count.
	Median,
}

impl RobustRule {
	/// Whether the rule's parameters are usable.
	pub fn is_valid(&self) -> bool {
		match self {
			Self::TrimmedMean { trim } => *trim <= MAX_TRIM,
			Self::FedAvg | Self::Median => true,
		}
	}

	/// How many values lie outside the kept band at each end when `drawn` trainers were drawn
	/// and `n` updates are aggregated: the rule's share of the drawn seats, at most `(n − 1) / 2`.
	pub fn band_trim(&self, drawn: usize, n: usize) -> usize {
		let band = match self {
			Self::FedAvg => 0,
			Self::TrimmedMean { trim } => trim.mul_floor(drawn as u32) as usize,
			Self::Median => drawn / 4,
		};
		band.min(n.saturating_sub(1) / 2)
	}
}

/// The shape of a model's trainable linear layer: one row of `features` weights and one bias per
/// label. Registered with each model version; an update must have exactly this shape.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct LayerShape {
	/// Labels (rows of the layer).
	pub labels: u32,
	/// Features (weights per label).
	pub features: u32,
}

/// A trainer's proposed change to the base model's trainable layer.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct ModelUpdate {
	/// sha256 of the base model file the update applies to.
	pub base: H256,
	/// Labels (rows of the layer).
	pub labels: u32,
	/// Features (weights per label).
	pub features: u32,
	/// `labels × features` weight changes (label-major), then `labels` bias changes, each in
	/// fixed point with [`FRACTION_BITS`] fractional bits.
	pub values: Vec<i32>,
}

impl ModelUpdate {
	/// How many values an update of a `labels × features` layer has.
	pub fn expected_len(labels: u32, features: u32) -> Option<usize> {
		(labels as usize).checked_mul(features as usize)?.checked_add(labels as usize)
	}

	/// Whether the values fit the stated shape.
	pub fn is_well_formed(&self) -> bool {
		Self::expected_len(self.labels, self.features) == Some(self.values.len())
	}

	/// Whether the update has the shape `shape`, values included.
	pub fn fits(&self, shape: LayerShape) -> bool {
		self.labels == shape.labels && self.features == shape.features && self.is_well_formed()
	}

	/// Whether every value lies within `±max_value`.
	pub fn within(&self, max_value: u32) -> bool {
		self.values.iter().all(|v| v.unsigned_abs() <= max_value)
	}

	/// The name of an update on chain: blake2b-256 of its SCALE encoding.
	pub fn hash_of(encoded: &[u8]) -> H256 {
		BlakeTwo256::hash(encoded)
	}
}

/// A value in fixed point: `x × 2^FRACTION_BITS`, rounded to nearest and saturated to `i32`.
/// (Native only: the runtime never touches floats.)
#[cfg(feature = "std")]
pub fn to_fixed(x: f64) -> i32 {
	let scaled = (x * (1u64 << FRACTION_BITS) as f64).round();
	if scaled.is_nan() {
		0
	} else {
		// `as` saturates float-to-int conversions.
		scaled as i32
	}
}

/// A fixed-point value as a float.
#[cfg(feature = "std")]
pub fn from_fixed(x: i32) -> f64 {
	x as f64 / (1u64 << FRACTION_BITS) as f64
}

/// One trainer's update as the aggregation weighs it (not [`crate::traits::Contribution`], the kind
/// of work a reward pays for).
#[derive(Clone, Copy, Debug)]
pub struct WeightedUpdate<'a> {
	/// How many examples it trained on: its weight in the mean.
	pub samples: u32,
	/// Its values, all of one length across contributions.
	pub values: &'a [i32],
}

/// The aggregate of a round's updates.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Aggregate {
	/// The aggregated values, coordinate by coordinate.
	pub values: Vec<i32>,
	/// Per contribution, in order: whether it was kept (not trimmed away).
	pub kept: Vec<bool>,
	/// Per contribution, in order: how much of the aggregate it carries (see the module docs);
	/// zero for one trimmed away.
	pub contributions: Vec<Perbill>,
}

/// Why updates could not be aggregated.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub enum AggregationError {
	/// There is nothing to aggregate.
	NoUpdates,
	/// The updates do not all have the same number of values.
	LengthMismatch,
	/// A contribution claims no samples.
	NoSamples,
	/// The rule's parameters are out of range.
	InvalidRule,
}

/// Aggregates `updates` under `rule`, deterministically, in integer arithmetic, for a round that
/// drew `drawn` trainers (the trim is a share of those, see [`RobustRule::band_trim`]).
///
/// Weighted means round towards negative infinity. Ties in value are ordered by position in
/// `updates`, so the result does not depend on how a sort breaks them.
pub fn aggregate(
	rule: RobustRule,
	drawn: usize,
	updates: &[WeightedUpdate<'_>],
) -> Result<Aggregate, AggregationError> {
	let first = updates.first().ok_or(AggregationError::NoUpdates)?;
	if !rule.is_valid() {
		return Err(AggregationError::InvalidRule);
	}
	let len = first.values.len();
	if updates.iter().any(|u| u.values.len() != len) {
		return Err(AggregationError::LengthMismatch);
	}
	if updates.iter().any(|u| u.samples == 0) {
		return Err(AggregationError::NoSamples);
	}
	let n = updates.len();
	let band = rule.band_trim(drawn.max(n), n);
	let mut outside = alloc::vec![0u64; n];
	let mut contested = 0u64;
	let mut values = Vec::with_capacity(len);
	// (value, position) for one coordinate, sorted; reused across coordinates.
	let mut column: Vec<(i32, usize)> = Vec::with_capacity(n);
	for j in 0..len {
		column.clear();
		column.extend(updates.iter().enumerate().map(|(i, u)| (u.values[j], i)));
		column.sort_unstable();
		let value = match rule {
			RobustRule::FedAvg => weighted_mean(updates, &column),
			RobustRule::TrimmedMean { .. } => weighted_mean(updates, &column[band..n - band]),
			RobustRule::Median => weighted_median(updates, &column),
		};
		values.push(value);

		let (low, high) = (column[0].0, column[n - 1].0);
		if low != high {
			contested += 1;
			let (band_low, band_high) = (column[band].0, column[n - 1 - band].0);
			for &(v, i) in &column {
				if v < band_low || v > band_high {
					outside[i] += 1;
				}
			}
		}
	}
	// Kept while outside / contested ≤ (n + 2·band) / 2n.
	let (n64, band64) = (n as u64, band as u64);
	let kept: Vec<bool> = outside
		.iter()
		.map(|&o| o.saturating_mul(2 * n64) <= contested.saturating_mul(n64 + 2 * band64))
		.collect();
	let contributions = updates
		.iter()
		.zip(&kept)
		.map(|(u, kept)| if *kept { carried(u.values, &values) } else { Perbill::zero() })
		.collect();
	Ok(Aggregate { values, kept, contributions })
}

/// How much of `aggregate` the update `values` carries: `clamp(u · a / a · a, 0, 1)`, exactly
/// (the dot products are sums of at most `len` products of two `i32`, within `i128` for any
/// update below 2⁶⁴ values).
pub fn carried(values: &[i32], aggregate: &[i32]) -> Perbill {
	let dot = |x: &[i32], y: &[i32]| -> i128 {
		x.iter().zip(y).fold(0i128, |sum, (a, b)| sum.saturating_add(*a as i128 * *b as i128))
	};
	let along = dot(values, aggregate);
	let length = dot(aggregate, aggregate);
	if along <= 0 || length <= 0 {
		return Perbill::zero();
	}
	// Both positive, so the casts are exact.
	Perbill::from_rational(along.min(length) as u128, length as u128)
}

/// The mean of `column`'s values weighted by their contributions' samples, rounded down.
fn weighted_mean(updates: &[WeightedUpdate<'_>], column: &[(i32, usize)]) -> i32 {
	let (mut sum, mut weight) = (0i128, 0i128);
	for &(v, i) in column {
		let samples = updates[i].samples as i128;
		sum += v as i128 * samples;
		weight += samples;
	}
	// `column` is non-empty and every weight positive; the mean lies within the values, so
	// within `i32`.
	sum.div_euclid(weight.max(1)) as i32
}

/// The lower weighted median of the sorted `column`: the first value at which the samples so far
/// reach half of all samples.
fn weighted_median(updates: &[WeightedUpdate<'_>], column: &[(i32, usize)]) -> i32 {
	let total: u64 = column.iter().map(|&(_, i)| updates[i].samples as u64).sum();
	let mut cumulative = 0u64;
	for &(v, i) in column {
		cumulative += updates[i].samples as u64;
		if cumulative * 2 >= total {
			return v;
		}
	}
	column.last().map_or(0, |&(v, _)| v)
}

/// Splits `total` points among updates by `samples × contribution`, rounding each share down:
/// an update that contributed nothing gets nothing, and nothing is paid if none contributed.
pub fn shares(total: u32, updates: &[(u32, Perbill)]) -> Vec<u32> {
	let weight = |(samples, c): &(u32, Perbill)| c.mul_floor(u64::from(*samples) * 1_000_000_000);
	let sum: u128 = updates.iter().map(|u| u128::from(weight(u))).sum();
	updates
		.iter()
		.map(|u| {
			if sum == 0 {
				return 0;
			}
			// weight ≤ sum, so the share is at most `total`.
			(u128::from(total) * u128::from(weight(u)) / sum) as u32
		})
		.collect()
}

/// The commitment an aggregator publishes before revealing the model it built: blake2b-256 of the
/// SCALE encoding of `(model, kept, contributions, evaluation, salt, who)`.
pub fn aggregate_commitment<AccountId: Encode>(
	model: &H256,
	kept: &[bool],
	contributions: &[Perbill],
	evaluation: &CandidateEvaluation,
	salt: &[u8; 32],
	who: &AccountId,
) -> H256 {
	BlakeTwo256::hash_of(&(model, kept, contributions, evaluation, salt, who))
}

/// What a trainer commits to before the deadline of its round's commitments: the hash of its
/// update's bytes, bound to the trainer. Nobody can commit to an update it has not trained (it
/// does not know the hash), nor reuse another trainer's commitment (the trainer is part of it);
/// the bytes are published only once no commitment can be made any more.
pub fn update_commitment<AccountId: Encode>(update_hash: &H256, trainer: &AccountId) -> H256 {
	BlakeTwo256::hash_of(&(b"daollm/update", update_hash, trainer))
}

/// Which of a round's `examples` (by position) are **held back** from training to validate the
/// candidate: `ceil(examples × percent / 100)` of them, never all (one is always trained on),
/// chosen by the round's public `seed` — the positions whose blake2b-256 of
/// `("daollm/held-back", seed, position)` sorts lowest. Every node, and the offline protocol,
/// computes the same slice for the same seed.
pub fn held_back(seed: &[u8; 32], examples: usize, percent: u8) -> Vec<bool> {
	let count = held_back_count(examples, percent);
	let mut order: Vec<(H256, usize)> = (0..examples)
		.map(|i| (BlakeTwo256::hash_of(&(b"daollm/held-back", seed, i as u32)), i))
		.collect();
	order.sort_unstable();
	let mut held = alloc::vec![false; examples];
	for (_, i) in order.into_iter().take(count) {
		held[i] = true;
	}
	held
}

/// How many of a round's `examples` [`held_back`] holds back for `percent`: computed without
/// hashing, for the chain's bounds.
pub fn held_back_count(examples: usize, percent: u8) -> usize {
	let wanted = examples.saturating_mul(usize::from(percent.min(100))).div_ceil(100);
	wanted.min(examples.saturating_sub(1))
}

/// How many of a set of labelled examples a round's base model and its candidate label as the
/// annotators did.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Score {
	/// The examples scored (those the model can read).
	pub examples: u32,
	/// How many of them the base model labels right.
	pub base: u32,
	/// How many of them the candidate labels right.
	pub candidate: u32,
}

impl Score {
	/// Whether the candidate labels more than `tolerance` of the examples fewer right than the
	/// base does.
	pub fn candidate_loses(&self, tolerance: Perbill) -> bool {
		self.base.saturating_sub(self.candidate) > tolerance.mul_floor(self.examples)
	}
}

/// What a round's aggregators measured of the candidate they built, beside its base: part of
/// their answer, so it is agreed like the model itself, and recorded by the registry for voters.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct CandidateEvaluation {
	/// On the round's held-back examples ([`held_back`]): the new DAO's own proposals, which
	/// no trainer trained on.
	pub validation: Score,
	/// On the base model's reference examples (shipped with it: a few of every source and label
	/// it was trained on), the DAOs already served: a candidate that scores lower here forgets.
	pub reference: Score,
}

impl CandidateEvaluation {
	/// Whether the candidate forgets: it labels more than `tolerance` of the reference examples
	/// fewer right than its base.
	pub fn forgets(&self, tolerance: Perbill) -> bool {
		self.reference.candidate_loses(tolerance)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn the_held_back_slice_is_a_fixed_share_never_everything() {
		let seed = [7u8; 32];
		let count = |n, p| held_back(&seed, n, p).iter().filter(|h| **h).count();
		assert_eq!(count(25, 20), 5);
		assert_eq!(count(10, 20), 2);
		assert_eq!(count(7, 20), 2, "rounded up");
		assert_eq!(count(1, 20), 0, "the only example is trained on");
		assert_eq!(count(4, 100), 3);
		assert_eq!(count(25, 0), 0);
		assert_eq!(count(0, 20), 0);
		for n in 0..60 {
			assert_eq!(count(n, 20), held_back_count(n, 20));
		}
		assert_eq!(held_back(&seed, 25, 20), held_back(&seed, 25, 20), "deterministic");
		assert_ne!(held_back(&seed, 25, 20), held_back(&[8u8; 32], 25, 20), "the seed chooses");
	}

	#[test]
	fn a_candidate_forgets_when_it_loses_more_than_the_tolerance_on_the_reference_set() {
		let on = |base, candidate| CandidateEvaluation {
			validation: Score { examples: 5, base: 0, candidate: 5 },
			reference: Score { examples: 271, base, candidate },
		};
		let one_percent = Perbill::from_percent(1);
		assert!(!on(250, 250).forgets(one_percent));
		assert!(!on(250, 260).forgets(one_percent), "better is not forgetting");
		assert!(!on(250, 248).forgets(one_percent), "2 of 271 is within 1%");
		assert!(on(250, 247).forgets(one_percent), "3 of 271 is beyond it");
		assert!(!CandidateEvaluation::default().forgets(one_percent), "nothing measured");
	}

	fn run(rule: RobustRule, updates: &[(u32, Vec<i32>)]) -> Aggregate {
		let contributions: Vec<_> =
			updates.iter().map(|(s, v)| WeightedUpdate { samples: *s, values: v }).collect();
		aggregate(rule, contributions.len(), &contributions).expect("well-formed updates")
	}

	const TRIM_20: RobustRule = RobustRule::TrimmedMean { trim: Percent::from_percent(20) };

	#[test]
	fn fedavg_weights_by_samples_and_rounds_down() {
		let a = run(RobustRule::FedAvg, &[(1, vec![0, -1]), (3, vec![4, 0])]);
		assert_eq!(a.values, vec![3, -1]);
		assert_eq!(a.kept, vec![true, true]);
	}

	#[test]
	fn trimmed_mean_drops_the_extremes_and_their_trainers() {
		// Five trainers, trim 20 %: one dropped at each end of every coordinate.
		let updates = [
			(10, vec![10, 11]),
			(10, vec![12, 12]),
			(10, vec![11, 10]),
			(10, vec![1_000, 1_000]),
			(10, vec![-1_000, -1_000]),
		];
		let a = run(TRIM_20, &updates);
		assert_eq!(a.values, vec![11, 11]);
		assert_eq!(a.kept, vec![true, true, true, false, false]);
	}

	#[test]
	fn median_ignores_a_minority_of_samples() {
		let a = run(RobustRule::Median, &[(5, vec![7]), (5, vec![9]), (9, vec![-50])]);
		assert_eq!(a.values, vec![7], "9 of 19 samples do not move it");
		let a = run(RobustRule::Median, &[(5, vec![7]), (5, vec![9]), (10, vec![-50])]);
		assert_eq!(a.values, vec![-50], "half of the samples do: it is the lower median");
	}

	#[test]
	fn agreeing_coordinates_trim_nobody() {
		let a = run(TRIM_20, &[(1, vec![3, 3]), (1, vec![3, 3]), (1, vec![3, 3])]);
		assert_eq!(a.values, vec![3, 3]);
		assert_eq!(a.kept, vec![true; 3]);
	}

	#[test]
	fn bad_input_is_refused() {
		let refuse = |rule, updates: &[WeightedUpdate<'_>]| {
			aggregate(rule, updates.len(), updates).unwrap_err()
		};
		assert_eq!(refuse(RobustRule::FedAvg, &[]), AggregationError::NoUpdates);
		let (a, b) = ([1, 2], [1]);
		let pair =
			[WeightedUpdate { samples: 1, values: &a }, WeightedUpdate { samples: 1, values: &b }];
		assert_eq!(refuse(RobustRule::FedAvg, &pair), AggregationError::LengthMismatch);
		let none = [WeightedUpdate { samples: 0, values: &a }];
		assert_eq!(refuse(RobustRule::FedAvg, &none), AggregationError::NoSamples);
		let too_much = RobustRule::TrimmedMean { trim: Percent::from_percent(50) };
		let one = [WeightedUpdate { samples: 1, values: &a }];
		assert_eq!(refuse(too_much, &one), AggregationError::InvalidRule);
	}

	#[test]
	fn fixed_point_round_trips_and_saturates() {
		assert_eq!(to_fixed(1.0), 1 << FRACTION_BITS);
		assert_eq!(to_fixed(-0.5), -(1 << (FRACTION_BITS - 1)));
		assert_eq!(from_fixed(to_fixed(0.25)), 0.25);
		assert_eq!(to_fixed(1e12), i32::MAX);
		assert_eq!(to_fixed(f64::NAN), 0);
	}

	/// With three of four drawn trainers committing and
	/// one of them poisoned, a 25 % trim of the *committed* updates trims nothing (0.75 rounds
	/// down) and the poison moves the mean; a 25 % trim of the *drawn* seats drops one value at
	/// each end, and the aggregate stays within the honest values.
	#[test]
	fn the_trim_is_a_share_of_the_drawn_trainers() {
		let rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };
		let honest = [vec![100, -50, 7], vec![120, -40, 9]];
		let poison = vec![i32::MAX / 4, i32::MIN / 4, i32::MAX / 4];
		let all = [&honest[0], &poison, &honest[1]];
		let contributions: Vec<_> =
			all.iter().map(|v| WeightedUpdate { samples: 10, values: v }).collect();
		let as_committed = aggregate(rule, 3, &contributions).expect("aggregates");
		assert!(as_committed.values[0] > 120, "trimming by the committed count takes the poison");
		let as_drawn = aggregate(rule, 4, &contributions).expect("aggregates");
		for (j, v) in as_drawn.values.iter().enumerate() {
			let (low, high) = (honest[0][j].min(honest[1][j]), honest[0][j].max(honest[1][j]));
			assert!(low <= *v && *v <= high, "coordinate {j}: {v}");
		}
		assert_eq!(as_drawn.kept, vec![true, false, true]);
		assert_eq!(as_drawn.contributions[1], Perbill::zero());
		// However many seats were drawn, one value per coordinate is kept.
		assert_eq!(rule.band_trim(16, 3), 1);
		assert_eq!(RobustRule::Median.band_trim(16, 2), 0);
	}

	/// A zero update claiming the most samples would be kept and paid the
	/// largest share. It carries none of the aggregate, so it earns nothing. (Its samples are
	/// bounded by the round's examples, which the chain checks.)
	#[test]
	fn a_lazy_zero_update_contributes_nothing_and_earns_nothing() {
		let lazy = vec![0; 4];
		let a = run(
			RobustRule::Median,
			&[(10, vec![50, 60, -20, 5]), (12, vec![40, 70, -30, 5]), (13, lazy)],
		);
		assert!(a.values.iter().any(|v| *v != 0));
		assert_eq!(a.contributions[2], Perbill::zero());
		assert!(a.contributions[0] > Perbill::zero() && a.contributions[1] > Perbill::zero());
		let paid = shares(
			100,
			&[(10, a.contributions[0]), (12, a.contributions[1]), (13, a.contributions[2])],
		);
		assert_eq!(paid[2], 0);
		assert!(paid[0] + paid[1] <= 100 && paid[0] + paid[1] >= 98);
	}

	#[test]
	fn an_update_carries_its_projection_on_the_aggregate_up_to_all_of_it() {
		let a = [4, -2, 0, 6];
		assert_eq!(carried(&a, &a), Perbill::one());
		assert_eq!(carried(&[8, -4, 0, 12], &a), Perbill::one(), "scaling up gains nothing");
		assert_eq!(carried(&[2, -1, 0, 3], &a), Perbill::from_percent(50));
		assert_eq!(carried(&[-4, 2, 0, -6], &a), Perbill::zero(), "against the aggregate");
		assert_eq!(carried(&[0; 4], &a), Perbill::zero());
		assert_eq!(carried(&a, &[0; 4]), Perbill::zero(), "a zero aggregate pays nobody");
		assert_eq!(carried(&[i32::MAX; 3], &[i32::MIN; 3]), Perbill::zero());
	}

	#[test]
	fn values_beyond_the_bound_and_other_shapes_are_told_apart() {
		let update =
			ModelUpdate { base: H256::zero(), labels: 2, features: 1, values: vec![3, -5, 0, 1] };
		assert!(update.fits(LayerShape { labels: 2, features: 1 }));
		assert!(!update.fits(LayerShape { labels: 1, features: 3 }), "same length, other shape");
		assert!(update.within(5) && !update.within(4));
		let short = ModelUpdate { values: vec![3], ..update };
		assert!(!short.fits(LayerShape { labels: 2, features: 1 }));
		let extreme = ModelUpdate { values: vec![i32::MIN], labels: 1, features: 0, ..short };
		assert!(!extreme.within(u32::MAX >> 1) && extreme.within(u32::MAX));
	}

	/// Updates as (samples, values).
	type Updates = Vec<(u32, Vec<i32>)>;

	/// Honest updates: values near a common centre; poisoned: anything at all.
	fn round(
		honest: usize,
		poisoned: usize,
		len: usize,
	) -> impl Strategy<Value = (Updates, Updates)> {
		(
			prop::collection::vec(
				(1u32..100, prop::collection::vec(-5_000i32..5_000, len)),
				honest,
			),
			prop::collection::vec((1u32..100, prop::collection::vec(any::<i32>(), len)), poisoned),
		)
	}

	fn honest_range(honest: &[(u32, Vec<i32>)], j: usize) -> (i32, i32) {
		let column = honest.iter().map(|(_, v)| v[j]);
		(column.clone().min().unwrap_or(0), column.max().unwrap_or(0))
	}

	proptest! {
		/// With at most `trim × n` poisoned updates, every coordinate of the trimmed mean lies
		/// within the honest values, wherever the poisoned updates sit among them.
		#[test]
		fn a_poisoned_minority_cannot_move_the_trimmed_mean_out_of_the_honest_range(
			(honest, poisoned) in round(8, 2, 6),
			at in 0usize..9,
		) {
			let mut all = honest.clone();
			for (k, p) in poisoned.into_iter().enumerate() {
				all.insert((at + k).min(all.len()), p);
			}
			let a = run(TRIM_20, &all);
			for (j, v) in a.values.iter().enumerate() {
				let (low, high) = honest_range(&honest, j);
				prop_assert!(low <= *v && *v <= high, "coordinate {j}: {v} outside {low}..={high}");
			}
		}

		/// While the poisoned updates carry less than half the samples, the weighted median lies
		/// within the honest values.
		#[test]
		fn a_poisoned_minority_of_samples_cannot_move_the_median_out_of_the_honest_range(
			(honest, mut poisoned) in round(5, 4, 6),
		) {
			let honest_samples: u32 = honest.iter().map(|(s, _)| s).sum();
			// Scale the poisoned samples below the honest ones.
			let budget = (honest_samples - 1) / poisoned.len() as u32;
			for (s, _) in poisoned.iter_mut() {
				*s = (*s).min(budget).max(1);
			}
			prop_assume!(poisoned.iter().map(|(s, _)| s).sum::<u32>() < honest_samples);
			let mut all = poisoned;
			all.extend(honest.iter().cloned());
			let a = run(RobustRule::Median, &all);
			for (j, v) in a.values.iter().enumerate() {
				let (low, high) = honest_range(&honest, j);
				prop_assert!(low <= *v && *v <= high, "coordinate {j}: {v} outside {low}..={high}");
			}
		}

		/// Far-off poisoned updates are trimmed away; the honest ones are kept.
		#[test]
		fn far_off_poisoned_updates_are_trimmed_away(
			(honest, _) in round(8, 0, 16),
			offset in 100_000i32..1_000_000,
		) {
			let mut all = honest;
			all.push((50, vec![offset; 16]));
			all.push((50, vec![-offset; 16]));
			let a = run(TRIM_20, &all);
			prop_assert!(!a.kept[8] && !a.kept[9]);
			prop_assert!(a.kept[..8].iter().filter(|k| **k).count() >= 6);
		}

		/// Who pays: the round's fixed `total`; who gains: trainers by `samples × contribution`.
		/// Shares never exceed the total, nothing goes to an update that carried nothing, and a
		/// trainer that splits its samples across many accounts with the same contribution
		/// (a many-accounts attack) gets no more in all than one account would.
		#[test]
		fn shares_pay_the_total_by_contribution_and_splitting_gains_nothing(
			updates in prop::collection::vec((1u32..1_000, 0u32..=1_000_000_000), 1..12),
			total in 0u32..1_000_000,
			split in 2u32..6,
		) {
			let updates: Vec<(u32, Perbill)> =
				updates.into_iter().map(|(s, c)| (s, Perbill::from_parts(c))).collect();
			let paid = shares(total, &updates);
			prop_assert!(paid.iter().map(|p| u64::from(*p)).sum::<u64>() <= u64::from(total));
			for (p, (_, c)) in paid.iter().zip(&updates) {
				if c.is_zero() { prop_assert_eq!(*p, 0); }
			}
			let (samples, c) = updates[0];
			prop_assume!(samples >= split);
			let mut sybils: Vec<(u32, Perbill)> = (0..split).map(|_| (samples / split, c)).collect();
			sybils.extend_from_slice(&updates[1..]);
			let as_sybils: u64 = shares(total, &sybils)[..split as usize].iter().map(|p| u64::from(*p)).sum();
			prop_assert!(as_sybils <= u64::from(paid[0]), "{} > {}", as_sybils, paid[0]);
		}

		/// The aggregate depends on the updates only: the same inputs give the same values.
		#[test]
		fn same_inputs_same_aggregate((honest, poisoned) in round(6, 2, 8)) {
			let mut all = honest;
			all.extend(poisoned);
			for rule in [RobustRule::FedAvg, TRIM_20, RobustRule::Median] {
				prop_assert_eq!(run(rule, &all), run(rule, &all.clone()));
			}
		}
	}
}
