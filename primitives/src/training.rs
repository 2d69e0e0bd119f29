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
//! is outside nearly always).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	Percent,
};

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

	/// How many of `n` updates lie outside the kept band at each end.
	fn band_trim(&self, n: usize) -> usize {
		match self {
			Self::FedAvg => 0,
			Self::TrimmedMean { trim } => trim.mul_floor(n as u32) as usize,
			Self::Median => n / 4,
		}
	}
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

/// One trainer's contribution to an aggregation.
#[derive(Clone, Copy, Debug)]
pub struct Contribution<'a> {
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

/// Aggregates `updates` under `rule`, deterministically, in integer arithmetic.
///
/// Weighted means round towards negative infinity. Ties in value are ordered by position in
/// `updates`, so the result does not depend on how a sort breaks them.
pub fn aggregate(
	rule: RobustRule,
	updates: &[Contribution<'_>],
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
	let band = rule.band_trim(n);
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
			RobustRule::TrimmedMean { .. } => {
				let trim = rule.band_trim(n);
				weighted_mean(updates, &column[trim..n - trim])
			},
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
	let kept = outside
		.iter()
		.map(|&o| o.saturating_mul(2 * n64) <= contested.saturating_mul(n64 + 2 * band64))
		.collect();
	Ok(Aggregate { values, kept })
}

/// The mean of `column`'s values weighted by their contributions' samples, rounded down.
fn weighted_mean(updates: &[Contribution<'_>], column: &[(i32, usize)]) -> i32 {
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
fn weighted_median(updates: &[Contribution<'_>], column: &[(i32, usize)]) -> i32 {
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

/// The commitment an aggregator publishes before revealing the model it built: blake2b-256 of the
/// SCALE encoding of `(model, kept, salt, who)`.
pub fn aggregate_commitment<AccountId: Encode>(
	model: &H256,
	kept: &[bool],
	salt: &[u8; 32],
	who: &AccountId,
) -> H256 {
	BlakeTwo256::hash_of(&(model, kept, salt, who))
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn run(rule: RobustRule, updates: &[(u32, Vec<i32>)]) -> Aggregate {
		let contributions: Vec<_> =
			updates.iter().map(|(s, v)| Contribution { samples: *s, values: v }).collect();
		aggregate(rule, &contributions).expect("well-formed updates")
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
		let refuse = |rule, updates: &[Contribution<'_>]| aggregate(rule, updates).unwrap_err();
		assert_eq!(refuse(RobustRule::FedAvg, &[]), AggregationError::NoUpdates);
		let (a, b) = ([1, 2], [1]);
		let pair =
			[Contribution { samples: 1, values: &a }, Contribution { samples: 1, values: &b }];
		assert_eq!(refuse(RobustRule::FedAvg, &pair), AggregationError::LengthMismatch);
		let none = [Contribution { samples: 0, values: &a }];
		assert_eq!(refuse(RobustRule::FedAvg, &none), AggregationError::NoSamples);
		let too_much = RobustRule::TrimmedMean { trim: Percent::from_percent(50) };
		let one = [Contribution { samples: 1, values: &a }];
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
