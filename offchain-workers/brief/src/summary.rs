//! Key sentences: an extractive summary, the indices of the (up to) [`MAX_KEY_SENTENCES`]
//! sentences of [`crate::sentences::split`] that best say what a proposal is about.
//!
//! The method is integer arithmetic only, so every node picks the same indices:
//! 1. A sentence's *words* are its [`crate::words`], each counted once per sentence.
//! 2. A word weighs as many points as the sentences it occurs in (what the body keeps coming
//!    back to), plus [`TITLE_POINTS`] × the number of sentences / 8 (at least one) if the title
//!    has it (what the author says it is about).
//! 3. A sentence scores the points of its words divided by its word count plus
//!    [`LENGTH_DAMPING`] (so long sentences do not win by length alone), scaled by a position
//!    prior that favours the first sentences of the body (`(POSITION_BONUS + 8) / 8` for the
//!    first, falling by one eighth per sentence to one); by 3/2 if it speaks of the proposal
//!    itself (`this proposal`, `this SCCP`, `proposes`, …); by 1/2 if it is a list item or ends
//!    in a colon (it introduces or details rather than summarises).
//! 4. The best is picked (ties: the earlier), its words' points are halved (so the next pick says
//!    something else), and so on until [`MAX_KEY_SENTENCES`] are picked or no sentence scores.
//! 5. The picks are returned in the body's order.
//!
//! The constants were chosen on the dataset's training split (`offchain-workers/model/
//! evaluate_brief.py`, which scores the picks against the proposals' own abstracts).

use std::sync::OnceLock;

use regex::Regex;

use crate::{sentences, MAX_KEY_SENTENCES};

/// How much a word of the title weighs, per eighth of the body's sentences.
pub const TITLE_POINTS: u64 = 4;

/// Words added to a sentence's length when its points are averaged.
pub const LENGTH_DAMPING: u64 = 4;

/// Eighths added to the first sentence's score, one fewer for each sentence after it.
pub const POSITION_BONUS: u64 = 4;

/// The indices, in [`sentences::split`]'s list, of `body`'s key sentences, in the body's order.
pub fn key_sentences(title: &str, body: &str) -> Vec<u16> {
	let sentences = sentences::split_marked(body);
	let words: Vec<Vec<String>> =
		sentences.iter().map(|(span, _)| words(&body[span.range()])).collect();
	// Each sentence's factor (rule 3, beside the position prior) as numerator / denominator.
	let factors: Vec<(u128, u128)> = sentences
		.iter()
		.map(|(span, item)| {
			let text = &body[span.range()];
			let mut factor = (1, 1);
			if self_reference().is_match(text) {
				factor.0 *= 3;
				factor.1 *= 2;
			}
			if *item || text.ends_with(':') {
				factor.1 *= 2;
			}
			factor
		})
		.collect();
	let count = words.len() as u64;
	let title_words: Vec<String> = crate::words::words(title).collect();
	let title_points = TITLE_POINTS * (count / 8).max(1);

	// Points, scaled by 2^20 so that halving stays exact for a long while.
	const SCALE: u64 = 1 << 20;
	let mut points = std::collections::BTreeMap::<&str, u64>::new();
	for sentence in &words {
		for word in sentence {
			*points.entry(word.as_str()).or_default() += SCALE;
		}
	}
	for (word, value) in points.iter_mut() {
		if title_words.iter().any(|t| t == word) {
			*value += title_points * SCALE;
		}
	}

	let mut picked: Vec<usize> = Vec::new();
	while picked.len() < MAX_KEY_SENTENCES {
		let mut best: Option<(u128, u128, usize)> = None;
		for (index, sentence) in words.iter().enumerate() {
			if sentence.is_empty() || picked.contains(&index) {
				continue;
			}
			let sum: u64 = sentence.iter().map(|w| points[w.as_str()]).sum();
			let prior = 8 + POSITION_BONUS.saturating_sub(index as u64);
			let (up, down) = factors[index];
			let numerator = u128::from(sum) * u128::from(prior) * up;
			let denominator = u128::from(sentence.len() as u64 + LENGTH_DAMPING) * 8 * down;
			// numerator / denominator > best's, compared without division.
			let better = best.is_none_or(|(n, d, _)| numerator * d > n * denominator);
			if numerator > 0 && better {
				best = Some((numerator, denominator, index));
			}
		}
		let Some((_, _, index)) = best else { break };
		picked.push(index);
		for word in &words[index] {
			if let Some(value) = points.get_mut(word.as_str()) {
				*value /= 2;
			}
		}
	}
	picked.sort_unstable();
	picked.into_iter().map(|i| i as u16).collect()
}

/// A sentence that speaks of the proposal itself.
fn self_reference() -> &'static Regex {
	static PATTERN: OnceLock<Regex> = OnceLock::new();
	PATTERN.get_or_init(|| {
		Regex::new(
			r"(?i)\b(?:this|the)\s+(?:proposal|eip|erc|sip|sccp|mip|bip|stp|document|standard|specification|spec|change|improvement|subproposal)\b|\bpropos(?:e|es|ed|ing)\b",
		)
		.expect("the pattern compiles")
	})
}

/// A sentence's distinct words (rule 1), in order of first occurrence.
fn words(sentence: &str) -> Vec<String> {
	let mut out: Vec<String> = Vec::new();
	for word in crate::words::words(sentence) {
		if !out.contains(&word) {
			out.push(word);
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_sentences_about_the_title_are_picked_in_order() {
		let body = "Some background on the weather today. The stability fee of the ETH-A vault \
			changes from 2% to 4%. Nobody asked about lunch. The stability fee protects the \
			peg. Cats are sleeping outside. The ETH-A stability fee was last changed in May.";
		let picked = key_sentences("Raise the ETH-A stability fee", body);
		assert_eq!(picked, vec![1, 3, 5]);
	}

	#[test]
	fn a_body_without_sentences_has_no_key_sentences() {
		assert!(key_sentences("Title", "# Only a heading\n```\ncode.\n```\n").is_empty());
		assert!(key_sentences("", "").is_empty());
	}

	#[test]
	fn fewer_sentences_than_the_maximum_are_all_picked() {
		let body = "The first sentence is here. The second sentence is there.";
		assert_eq!(key_sentences("", body), vec![0, 1]);
	}
}
