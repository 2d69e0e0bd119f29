//! From the model's probabilities to the bytes a node submits.
//!
//! Floating-point results may differ in the last bits between machines; rounding each probability
//! to basis points makes honest nodes submit the same result. Training computes the same function
//! for its fixtures (`model/preprocess.py`, `quantise`).

use crate::InferenceError;
use daollm_inference_interface::MAX_LABELS;

/// Basis points in a probability of one.
pub const BASIS_POINTS: f64 = 10_000.0;

/// The label with the highest score, the first of equal ones, and each probability as
/// `floor(p × 10 000 + 0.5)` basis points (computed in f64 from the f32).
///
/// Fails if there are no or more than [`MAX_LABELS`] probabilities, or one is not in `[0, 1]`.
pub fn quantise(probabilities: &[f32]) -> Result<(u8, Vec<u16>), InferenceError> {
	if probabilities.is_empty() || probabilities.len() > MAX_LABELS {
		return Err(InferenceError::ModelFailed);
	}
	let scores = probabilities
		.iter()
		.map(|&p| {
			if (0.0..=1.0).contains(&p) {
				Ok((f64::from(p) * BASIS_POINTS + 0.5).floor() as u16)
			} else {
				Err(InferenceError::ModelFailed)
			}
		})
		.collect::<Result<Vec<u16>, _>>()?;
	let mut label = 0;
	for (i, score) in scores.iter().enumerate() {
		if *score > scores[label] {
			label = i;
		}
	}
	Ok((label as u8, scores))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rounds_half_up_to_basis_points() {
		let (label, scores) = quantise(&[0.125, 0.00006, 0.00004, 0.87491]).unwrap();
		assert_eq!(scores, vec![1250, 1, 0, 8749]);
		assert_eq!(label, 3);
	}

	#[test]
	fn ties_go_to_the_first_label() {
		assert_eq!(quantise(&[0.4, 0.4, 0.2]).unwrap().0, 0);
	}

	#[test]
	fn rejects_what_is_not_a_probability_vector() {
		assert_eq!(quantise(&[]), Err(InferenceError::ModelFailed));
		assert_eq!(quantise(&[f32::NAN, 1.0]), Err(InferenceError::ModelFailed));
		assert_eq!(quantise(&[1.5]), Err(InferenceError::ModelFailed));
		assert_eq!(quantise(&[0.0; MAX_LABELS + 1]), Err(InferenceError::ModelFailed));
	}
}
