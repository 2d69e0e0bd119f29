//! The one rule for "at least a share of the stake", used by every vote the chain counts:
//! inference consensus and participation, training aggregation ([`Quorum`]).
//!
//! "At least ⅔" means at least: `part / whole ≥ threshold` exactly, never a rounded-down
//! `threshold × whole` (which lets 66 of 100 pass a ⅔ threshold, since `⅔` as a [`Perbill`] is
//! 0.666666667 and `mul_floor` gives 66).

use sp_runtime::{PerThing, Perbill};

/// Whether `part` is at least `threshold` of `whole`, exactly: `part × 10⁹ ≥ threshold × whole`
/// in integers, with `threshold` as parts per billion. Nothing reaches a share of zero stake.
pub fn reaches(part: u128, whole: u128, threshold: Perbill) -> bool {
	if whole == 0 {
		return false;
	}
	// Exact in 256 bits: part × 10⁹ and threshold × whole each fit in a u128 × u32.
	let lhs = widening_mul(part, Perbill::ACCURACY as u128);
	let rhs = widening_mul(whole, threshold.deconstruct() as u128);
	lhs >= rhs
}

/// When the revealed answers of a drawn committee (an inference task's, a training round's
/// aggregators) decide something: enough of the drawn seats revealed, and one answer holds
/// enough of the revealed seats. Both shares are "at least", exactly ([`reaches`]). The
/// pallets count seats (each one vote, however much stake drew it); the rule itself takes any
/// weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quorum {
	/// The share of the revealed weight the winning answer needs.
	pub threshold: Perbill,
	/// The share of the drawn committee's weight that must have revealed.
	pub min_participation: Perbill,
}

/// What a [`Quorum`] makes of the revealed answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
	/// Less than the minimum participation revealed (or nothing did): nobody is judged.
	Inconclusive,
	/// Enough revealed, and no answer holds the threshold: the answers are not judged, the
	/// silent seats are.
	NoAgreement,
	/// The winning answer holds the threshold of a quorate reveal.
	Agreed,
}

impl Quorum {
	/// Decides from the weight (seats) behind the winning answer, all revealed weight and the
	/// drawn committee's weight.
	pub fn decide(&self, winning: u128, revealed: u128, drawn: u128) -> Decision {
		if revealed == 0 || !reaches(revealed, drawn, self.min_participation) {
			Decision::Inconclusive
		} else if winning == 0 || !reaches(winning, revealed, self.threshold) {
			Decision::NoAgreement
		} else {
			Decision::Agreed
		}
	}
}

/// `a × b` as (high, low) 128-bit halves, for `b < 2⁶⁴`; compared lexicographically.
fn widening_mul(a: u128, b: u128) -> (u128, u128) {
	const HALF: u32 = 64;
	const MASK: u128 = u64::MAX as u128;
	let (a_hi, a_lo) = (a >> HALF, a & MASK);
	// b < 2⁶⁴, so each partial product fits in 128 bits.
	let lo = a_lo * b;
	let mid = a_hi * b + (lo >> HALF);
	(mid >> HALF, (mid << HALF) | (lo & MASK))
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn two_thirds() -> Perbill {
		Perbill::from_rational(2u32, 3u32)
	}

	#[test]
	fn at_least_two_thirds_means_at_least() {
		assert!(!reaches(66, 100, two_thirds()));
		assert!(reaches(67, 100, two_thirds()));
		assert!(!reaches(1, 2, Perbill::from_percent(51)));
		assert!(reaches(1, 2, Perbill::from_percent(50)));
		assert!(reaches(0, 10, Perbill::zero()));
		assert!(!reaches(0, 0, Perbill::zero()));
		assert!(reaches(u128::MAX, u128::MAX, Perbill::one()));
		assert!(!reaches(u128::MAX - 1, u128::MAX, Perbill::one()));
	}

	#[test]
	fn a_quorum_needs_participation_then_agreement() {
		let quorum = Quorum { threshold: two_thirds(), min_participation: two_thirds() };
		// One of three equal aggregators revealing used to
		// decide alone (all of the revealed stake); it is a third of the drawn stake.
		assert_eq!(quorum.decide(10, 10, 30), Decision::Inconclusive);
		assert_eq!(quorum.decide(20, 20, 30), Decision::Agreed);
		assert_eq!(quorum.decide(10, 20, 30), Decision::NoAgreement);
		assert_eq!(quorum.decide(0, 0, 0), Decision::Inconclusive);
	}

	proptest! {
		/// Less than a third of the drawn stake, however it reveals, never makes an answer agreed
		/// when the rest stays silent, nor outvotes the rest when the rest reveals one answer.
		#[test]
		fn a_minority_of_the_drawn_stake_cannot_decide(
			drawn in 3u128..1_000_000_000_000u128,
			minority_ppb in 0u32..333_333_333u32,
		) {
			let quorum = Quorum { threshold: two_thirds(), min_participation: two_thirds() };
			let minority = Perbill::from_parts(minority_ppb).mul_floor(drawn);
			prop_assert_eq!(quorum.decide(minority, minority, drawn), Decision::Inconclusive);
			let rest = drawn - minority;
			prop_assert_eq!(quorum.decide(rest, drawn, drawn), Decision::Agreed);
		}

		/// At the boundary: exactly the smallest `part` with `part / whole ≥ threshold` passes.
		#[test]
		fn the_smallest_passing_part_is_the_exact_ceiling(
			whole in 1u128..1_000_000_000_000_000_000u128,
			ppb in 0u32..=1_000_000_000u32,
		) {
			let threshold = Perbill::from_parts(ppb);
			// ceil(whole × ppb / 10⁹), exact: whole < 10¹⁸ and ppb ≤ 10⁹ fit in a u128.
			let product = whole * ppb as u128;
			let ceiling = product.div_ceil(1_000_000_000);
			prop_assert!(reaches(ceiling, whole, threshold));
			if ceiling > 0 {
				prop_assert!(!reaches(ceiling - 1, whole, threshold));
			}
		}

		/// Large stakes compare exactly too: scaling both sides changes nothing.
		#[test]
		fn scaling_part_and_whole_keeps_the_answer(
			part in 0u128..1_000_000u128,
			extra in 0u128..1_000_000u128,
			scale in 1u128..(u128::MAX / 4_000_000),
			ppb in 0u32..=1_000_000_000u32,
		) {
			let whole = part + extra + 1;
			let threshold = Perbill::from_parts(ppb);
			prop_assert_eq!(
				reaches(part, whole, threshold),
				reaches(part * scale, whole * scale, threshold)
			);
		}
	}
}
