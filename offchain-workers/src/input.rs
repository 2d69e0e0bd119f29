//! The model's input: what a proposal body becomes before the ONNX graph sees it.
//!
//! Training (`offchain-workers/model/preprocess.py`, `normalise`) and this module must agree byte for
//! byte; `fixtures.json`, written by training, holds cases both are tested against.

use crate::InferenceError;
pub use daollm_inference_interface::{MAX_INPUT_BYTES, MAX_LABELS};
use daollm_primitives::content::{readable_body, UnreadableBody};

/// The most characters (Unicode code points) of a body the model reads; the training data was
/// truncated to the same length.
pub const MAX_CHARS: usize = 8000;

/// Checks that `text` is non-empty UTF-8 within [`MAX_INPUT_BYTES`]: the chain's own rule
/// ([`readable_body`]), so that every body the chain accepts is one the engine reads.
pub fn validate(text: &[u8]) -> Result<&str, InferenceError> {
	readable_body(text).map_err(|e| match e {
		UnreadableBody::Empty => InferenceError::EmptyInput,
		UnreadableBody::TooLong => InferenceError::InputTooLarge,
		UnreadableBody::NotUtf8 => InferenceError::NotUtf8,
	})
}

/// The first [`MAX_CHARS`] code points of `text`, with `A`–`Z` lower-cased and every non-ASCII
/// code point replaced by a space.
///
/// The result is ASCII, so the graph's tokeniser (RE2 in ONNX Runtime, Python's `re` when the
/// vocabulary was fitted) splits it the same way, and no locale is involved.
pub fn normalise(text: &str) -> String {
	text.chars()
		.take(MAX_CHARS)
		.map(|c| if c.is_ascii() { c.to_ascii_lowercase() } else { ' ' })
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn lower_cases_ascii_and_blanks_the_rest() {
		assert_eq!(normalise("Grant 5 DAI to ÄBC-Team"), "grant 5 dai to  bc-team");
	}

	#[test]
	fn keeps_at_most_max_chars_code_points() {
		let long = "é".repeat(MAX_CHARS + 10);
		assert_eq!(normalise(&long).len(), MAX_CHARS);
	}

	#[test]
	fn rejects_empty_oversized_and_non_utf8_input() {
		assert_eq!(validate(b""), Err(InferenceError::EmptyInput));
		assert_eq!(validate(&vec![b'a'; MAX_INPUT_BYTES + 1]), Err(InferenceError::InputTooLarge));
		assert_eq!(validate(&[0xff, 0xfe]), Err(InferenceError::NotUtf8));
		assert_eq!(validate(&vec![b'a'; MAX_INPUT_BYTES]).map(str::len), Ok(MAX_INPUT_BYTES));
	}
}
