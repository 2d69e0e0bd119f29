//! Weighted sortition, free of storage so that it can be property-tested: drawing distinct
//! nodes with probability proportional to their weight.

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

/// Draws up to `size` distinct indices of `weights`, each draw picking an index with
/// probability proportional to its weight among those not drawn yet (weighted sampling without
/// replacement). Indices of weight zero are never drawn. The same `seed` gives the same
/// draw on every node. O(n · size).
pub fn draw(weights: &[u128], size: u32, seed: &H256) -> Vec<usize> {
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

	proptest! {
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
