//! Weighted sortition, free of storage so that it can be property-tested: drawing distinct
//! nodes ([`draw`], for trainers) or committee seats ([`draw_seats`], for inference committees
//! and aggregators) with probability proportional to their weight.
//!
//! ## Seats
//!
//! A committee of `K` seats is `K` independent draws with replacement: each seat goes to a node
//! with probability `w / W`, its share of the draw weight. A node may win several seats, up to
//! [`seat_cap`] (just under a third of them: no single node, however large, can block a
//! two-thirds vote), and each seat is one vote: stake buys seats, never a heavier vote. An
//! operator holding a share `r` of the draw weight, split over several nodes, holds at most a
//! binomial `Bin(K, r)` number of seats (the cap only takes seats away from its largest
//! nodes, unless fewer than four nodes hold nearly all the rest of the weight, when capping
//! them passes seats on to others), and
//!
//! - it **decides** a committee in which everyone answers when it holds at least ⅔ of the
//!   seats: `P(Bin(K, r) ≥ ⌈2K/3⌉)`;
//! - it **blocks** one (no label reaches ⅔) when it holds more than ⅓ of them:
//!   `P(Bin(K, r) > ⌊K/3⌋)`; a blocked task escalates to a fresh, larger committee without the
//!   members that failed it (the inference pallet), so a block delays an analysis, never
//!   decides it.
//!
//! For the runtime's committee of 25 seats, an operator spread over nodes small enough for the
//! cap not to bind ([`decide_probability`] computes these exactly; a test samples them; a
//! single node holds at most 8 seats and so never decides or blocks):
//!
//! | share `r` of the draw weight | decides (≥ 17 of 25) | blocks (≥ 9 of 25) |
//! |---|---|---|
//! | 0.10 | 4.9 × 10⁻¹² | 4.6 × 10⁻⁴ |
//! | 0.20 | 2.7 × 10⁻⁷ | 0.047 |
//! | ⅓ | 4.2 × 10⁻⁴ | 0.46 |
//! | 0.50 | 0.054 | 0.95 |
//!
//! Splitting stake over many nodes buys no more than that: seats follow the share of the
//! weight, not the number of nodes; splitting only escapes the per-node cap.

use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;

/// A pseudo-random number for draw `round` from `seed`: the first 16 bytes of
/// blake2b-256(seed ‖ round), little-endian.
fn random_u128(seed: &H256, round: u32) -> u128 {
	let digest = sp_io::hashing::blake2_256(&(seed, round).encode());
	let mut bytes = [0u8; 16];
	bytes.copy_from_slice(&digest[..16]);
	u128::from_le_bytes(bytes)
}

/// Draws `rounds` times from the indices of positive weight in `weights`, each draw picking an
/// index with probability proportional to its weight among those still in the pool; after each
/// pick, `stays(index)` says whether the index stays in the pool for the next draws. The same
/// `seed` gives the same draws on every node. O(n · rounds).
fn sample(weights: &[u128], rounds: u32, seed: &H256, mut stays: impl FnMut(usize) -> bool) {
	let mut pool: Vec<(usize, u128)> =
		weights.iter().copied().enumerate().filter(|(_, w)| *w > 0).collect();
	let mut total = pool.iter().fold(0u128, |sum, (_, w)| sum.saturating_add(*w));
	for round in 0..rounds {
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
		let (index, weight) = pool[pick];
		if !stays(index) {
			pool.swap_remove(pick);
			total = total.saturating_sub(weight);
		}
	}
}

/// Draws up to `size` distinct indices of `weights`, each draw picking an index with
/// probability proportional to its weight among those not drawn yet (weighted sampling without
/// replacement). Indices of weight zero are never drawn. The same `seed` gives the same
/// draw on every node. O(n · size).
pub fn draw(weights: &[u128], size: u32, seed: &H256) -> Vec<usize> {
	let mut drawn = Vec::new();
	sample(weights, size, seed, |index| {
		drawn.push(index);
		false
	});
	drawn
}

/// The most seats one node may hold in a committee of `seats`: just under a third, so that no
/// single node can block a two-thirds vote, let alone decide it (at least one).
pub fn seat_cap(seats: u32) -> u32 {
	(seats.saturating_sub(1) / 3).max(1)
}

/// Draws `seats` committee seats: each seat an index of `weights`, picked with probability
/// proportional to its weight, independently of the other seats (sampling with replacement),
/// except that an index holding [`seat_cap`] seats leaves the pool. Returns each drawn index
/// with the number of seats it won, in the order first drawn; fewer seats than asked when
/// every index is capped. Indices of weight zero are never drawn. The same `seed` gives the
/// same draw on every node. O(n · seats).
pub fn draw_seats(weights: &[u128], seats: u32, seed: &H256) -> Vec<(usize, u32)> {
	let cap = seat_cap(seats);
	let mut won: Vec<(usize, u32)> = Vec::new();
	sample(weights, seats, seed, |index| {
		let count = match won.iter_mut().find(|(i, _)| *i == index) {
			Some((_, count)) => {
				*count = count.saturating_add(1);
				*count
			},
			None => {
				won.push((index, 1));
				1
			},
		};
		count < cap
	});
	won
}

/// The probability, in parts per billion, that an operator holding the share `r_ppb` (parts per
/// billion) of the draw weight wins at least `at_least` of `seats` seats: the binomial tail
/// `P(Bin(seats, r) ≥ at_least)`. What the module's table is computed with.
pub fn decide_probability(seats: u32, r_ppb: u32, at_least: u32) -> u32 {
	let r = f64::from(r_ppb.min(1_000_000_000)) / 1e9;
	let power = |base: f64, exponent: u32| (0..exponent).fold(1f64, |acc, _| acc * base);
	let tail: f64 = (at_least..=seats)
		.map(|k| binomial(seats, k) * power(r, k) * power(1.0 - r, seats - k))
		.sum();
	// Within 0..=1 up to rounding; truncation after adding a half rounds to the nearest.
	(tail.clamp(0.0, 1.0) * 1e9 + 0.5) as u32
}

/// `n` choose `k`, as a float.
fn binomial(n: u32, k: u32) -> f64 {
	(0..k).fold(1f64, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn draws_are_distinct_weighted_and_deterministic() {
		let weights = [10, 0, 30, 60, 5];
		let seed = H256::repeat_byte(3);
		let committee = draw(&weights, 3, &seed);
		assert_eq!(committee, draw(&weights, 3, &seed));
		assert_eq!(committee.len(), 3);
		assert!(!committee.contains(&1), "a weightless node is never drawn");
		let mut sorted = committee.clone();
		sorted.sort();
		sorted.dedup();
		assert_eq!(sorted.len(), 3, "no node is drawn twice");
		// Asking for more than there are candidates draws every candidate once.
		assert_eq!(draw(&weights, 10, &seed).len(), 4);
		assert!(draw(&[], 3, &seed).is_empty());
	}

	#[test]
	fn heavier_nodes_are_drawn_more_often() {
		let weights = [1, 9];
		let first_of_heavy = (0..2_000u32)
			.filter(|i| draw(&weights, 1, &H256::from_low_u64_be(*i as u64)) == [1])
			.count();
		// Expect 90 %: allow a wide margin, the test is about the direction.
		assert!((1_650..=1_950).contains(&first_of_heavy), "heavy drawn {first_of_heavy} of 2000");
	}

	#[test]
	fn a_seat_draw_gives_every_seat_and_counts_repeats() {
		let weights = [10, 0, 30, 60, 20];
		let seed = H256::repeat_byte(7);
		let seats = draw_seats(&weights, 25, &seed);
		assert_eq!(seats, draw_seats(&weights, 25, &seed), "deterministic per seed");
		assert_eq!(seats.iter().map(|(_, n)| n).sum::<u32>(), 25);
		assert!(seats.iter().all(|(index, _)| *index != 1), "a weightless node is never drawn");
		let mut indices: Vec<usize> = seats.iter().map(|(i, _)| *i).collect();
		indices.dedup();
		assert_eq!(indices.len(), seats.len(), "one entry per node");
		assert!(draw_seats(&[], 5, &seed).is_empty());
		assert!(draw_seats(&[0, 0], 5, &seed).is_empty());
		// Three nodes of 8 seats at most: 24 of 25 seats drawn.
		assert_eq!(draw_seats(&[10, 30, 60], 25, &seed).iter().map(|(_, n)| n).sum::<u32>(), 24);
		// One node alone holds no more than the cap: a third of the seats, less one.
		assert_eq!(seat_cap(25), 8);
		assert_eq!(draw_seats(&[5], 25, &seed), vec![(0, 8)]);
		// A whale with nine tenths of the weight, beside three small nodes: 8 seats at most.
		let seats = draw_seats(&[900, 40, 30, 30], 25, &seed);
		assert_eq!(seats.iter().find(|(i, _)| *i == 0).map(|(_, n)| *n), Some(8));
		assert_eq!(seats.iter().map(|(_, n)| n).sum::<u32>(), 25, "the others take the rest");
	}

	/// The module's table: at the runtime's 25 seats, an operator with a third of the draw weight
	/// decides a committee with probability at most 10⁻³, and sampling the real draw agrees with
	/// the binomial tail it is computed from.
	#[test]
	fn a_third_of_the_draw_weight_decides_one_committee_in_a_thousand_at_most() {
		const SEATS: u32 = 25;
		let decide = |r_ppb| decide_probability(SEATS, r_ppb, 17);
		let block = |r_ppb| decide_probability(SEATS, r_ppb, 9);
		assert!(decide(333_333_333) <= 1_000_000, "{} ppb", decide(333_333_333));
		assert!((414_000..=416_000).contains(&decide(333_333_333)));
		assert!((461_000_000..=463_000_000).contains(&block(333_333_333)));
		assert_eq!(decide(200_000_000), 267);
		assert_eq!(block(100_000_000), 457_549);
		assert_eq!(decide(500_000_000), 53_876_072);

		// Sample: one operator with a third of the weight, split over four nodes, against twenty
		// equal honest nodes (each 1/30 of the weight).
		let mut weights = vec![25u128; 4];
		weights.extend([10u128; 20]);
		let (mut blocked, mut decided) = (0u32, 0u32);
		const DRAWS: u32 = 20_000;
		for i in 0..DRAWS {
			let seats = draw_seats(&weights, SEATS, &H256::from_low_u64_be(i.into()));
			let attacker: u32 = seats.iter().filter(|(i, _)| *i < 4).map(|(_, n)| n).sum();
			blocked += u32::from(attacker >= 9);
			decided += u32::from(attacker >= 17);
		}
		// Expected: 46.2 % blocked (± 1 % at four standard deviations), about 8 decided.
		let expected_blocked = block(333_333_333) as f64 / 1e9 * f64::from(DRAWS);
		assert!((f64::from(blocked) - expected_blocked).abs() < 0.01 * f64::from(DRAWS) * 1.5);
		assert!(decided <= 30, "decided {decided} of {DRAWS}");
	}

	proptest! {
		/// Every seat is drawn while a node below the cap is left, each to a node of positive
		/// weight, one entry per node, none above the cap.
		#[test]
		fn seat_draws_are_complete_capped_and_grouped(
			weights in proptest::collection::vec(0u128..1_000, 0..40),
			seats in 0u32..64,
			seed in any::<[u8; 32]>(),
		) {
			let drawn = draw_seats(&weights, seats, &H256(seed));
			let eligible = weights.iter().filter(|w| **w > 0).count() as u32;
			let total: u32 = drawn.iter().map(|(_, n)| n).sum();
			prop_assert_eq!(total, seats.min(eligible * seat_cap(seats)));
			prop_assert!(drawn.iter().all(|(i, n)| weights[*i] > 0 && *n > 0));
			prop_assert!(drawn.iter().all(|(_, n)| *n <= seat_cap(seats)));
			let mut unique: Vec<usize> = drawn.iter().map(|(i, _)| *i).collect();
			unique.sort();
			unique.dedup();
			prop_assert_eq!(unique.len(), drawn.len());
		}

		/// The committee is a set of distinct candidates of positive weight, of the asked size
		/// when there are enough of them.
		#[test]
		fn committees_are_distinct_and_sized(
			weights in proptest::collection::vec(0u128..1_000, 0..40),
			size in 0u32..20,
			seed in any::<[u8; 32]>(),
		) {
			let drawn = draw(&weights, size, &H256(seed));
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
