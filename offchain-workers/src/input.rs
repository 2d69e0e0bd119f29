//! The model's input: what a proposal body becomes before the ONNX graph sees it.
//!
//! Training (`offchain-workers/model/preprocess.py`, `normalise`) and this module must agree byte for
//! byte; `fixtures.json`, written by training, holds cases both are tested against.

use crate::InferenceError;
pub use daollm_inference_interface::{MAX_INPUT_BYTES, MAX_LABELS};
use daollm_primitives::{
	content::{readable_body, UnreadableBody},
	inference::BASIS_POINTS,
};
use std::collections::HashSet;

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

/// How much of `text` a model that knows the words `vocabulary` can read, in basis points: of the
/// letters in the words of the first [`MAX_CHARS`] code points, the share that stands in words
/// the vocabulary holds. A word is a run of Unicode letters, digits and `_` (the graph's tokeniser
/// reads the ASCII ones); only words of letters alone count (figures, addresses and hashes say
/// nothing of the language). A word is looked up with `A`–`Z` lower-cased, and a word with a
/// non-ASCII letter is never known (the normaliser blanks those). A text without such words
/// (whitespace, emoji, figures) has nothing to read: 0.
///
/// Integer arithmetic only, so honest nodes agree on it to the unit.
pub fn readable_share(text: &str, vocabulary: &HashSet<Box<str>>) -> u16 {
	let (mut known, mut letters) = (0u64, 0u64);
	// One buffer for every word's lower-cased form: no allocation per word.
	let mut lowered = String::new();
	let mut count = |word: &str| {
		if !word.is_empty() && word.chars().all(char::is_alphabetic) {
			let n = word.chars().count() as u64;
			letters += n;
			if word.is_ascii() {
				lowered.clear();
				lowered.extend(word.chars().map(|c| c.to_ascii_lowercase()));
				if vocabulary.contains(lowered.as_str()) {
					known += n;
				}
			}
		}
	};
	let prefix = match text.char_indices().nth(MAX_CHARS) {
		Some((end, _)) => &text[..end],
		None => text,
	};
	for word in prefix.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
		count(word);
	}
	if letters == 0 {
		return 0;
	}
	// At most BASIS_POINTS, since known ≤ letters.
	(known * u64::from(BASIS_POINTS) / letters) as u16
}

#[cfg(test)]
mod tests {
	use super::*;

	fn vocabulary(words: &[&str]) -> HashSet<Box<str>> {
		words.iter().map(|w| Box::from(*w)).collect()
	}

	#[test]
	fn the_readable_share_counts_the_letters_of_known_words() {
		let known = vocabulary(&["grant", "to", "the", "team", "dai5"]);
		assert_eq!(readable_share("Grant 5 DAI to the team", &known), 8_235, "14 of 17 letters");
		assert_eq!(readable_share("grant to the team", &known), 10_000);
		assert_eq!(readable_share("Grant to the Équipe", &known), 6_250, "10 of 16 letters");
		assert_eq!(
			readable_share("Grant to 0xdeadbeef, DAI5", &known),
			10_000,
			"figures and codes"
		);
	}

	#[test]
	fn a_text_in_another_script_or_without_words_is_unreadable() {
		let known = vocabulary(&["grant", "usdc", "25"]);
		assert_eq!(readable_share("申请 25 USDC 资助多签钱包", &known), 3_333, "4 of 12 letters");
		assert_eq!(readable_share("Выделить 25 000 USDC", &known), 3_333, "4 of 12 letters");
		assert_eq!(readable_share("资助多签钱包", &known), 0);
		for text in ["   \n\t ", "\u{200b}\u{200b}", "🚀🚀🌕", "25 000 000"] {
			assert_eq!(readable_share(text, &known), 0, "{text:?}");
		}
		assert_eq!(readable_share(&"a".repeat(64 * 1024), &known), 0, "one unknown word");
		let prefix = format!("{} grant", "a ".repeat(MAX_CHARS / 2));
		assert_eq!(readable_share(&prefix, &known), 0, "beyond the first MAX_CHARS code points");
	}

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
