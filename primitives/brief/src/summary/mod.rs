//! Key sentences: an extractive summary, the indices of the [`KEY_SENTENCES`] sentences of
//! [`crate::sentences::split`] that best say what a proposal is about.
//!
//! Each sentence is read as a vector of integer [`Feature`]s — how central its words are to the
//! body, how much of the title it repeats, where it stands, how long it is, what section it is
//! in, whether it speaks of the proposal itself, and how often its words appear in the summaries
//! DAO authors write ([`Feature::Lexicon`]) — and scores their weighted sum. The best
//! [`KEY_SENTENCES`] (ties: the earlier) are the key sentences, returned in the body's order.
//! Integer arithmetic only, so every node picks the same indices.
//!
//! The weights, the lexicon and the number of sentences picked are *fitted*, not chosen by hand:
//! `offchain-workers/model/fit_summary.py` reads every sentence's features on the dataset's
//! training split (through this crate's `brief` example, `--features`), learns the lexicon (per
//! token, the share of bodies holding it whose own summary section holds it too; cross-fitted in
//! five folds so that a body's lexicon never saw its own summary), fits the weights to the
//! ROUGE-L of the picks against the authors' summaries (a least-squares start, then coordinate
//! ascent on the picks themselves), and writes them into `summary/fitted.rs`. The development
//! split is never read by the fit; `evaluate_brief.py` scores it.

mod fitted;

use std::sync::OnceLock;

use regex::Regex;

use crate::{
	markdown::{self, Line},
	sentences,
};

pub use fitted::{KEY_SENTENCES, LEXICON, LEXICON_DEFAULT, WEIGHTS};

/// What the scorer reads of a sentence; [`Feature::ALL`] is the order of [`features`]' vectors
/// and of [`WEIGHTS`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Feature {
	/// The body's sentence frequencies of the sentence's distinct [`crate::words`], summed, per
	/// mille of the sentence count, over the word count plus four.
	Centrality,
	/// Per mille of the title's distinct words that the sentence holds.
	Title,
	/// 1 for the body's first sentence.
	First,
	/// 1 for the second.
	Second,
	/// 1 for the third.
	Third,
	/// The sentence's index, at most 20.
	Position,
	/// Its distinct words, at most 60.
	Words,
	/// 1 if it has fewer than 6 distinct words.
	Short,
	/// 1 if it has more than 30.
	Long,
	/// 1 if it speaks of the proposal itself (`this proposal`, `this SCCP`, `proposes`, …).
	SelfReference,
	/// 1 if it belongs to a list item.
	ListItem,
	/// 1 if it ends in a colon.
	Colon,
	/// 1 if it is the first sentence under its heading.
	SectionStart,
	/// 1 if no heading comes before it (or its heading is empty).
	Preamble,
	/// 1 if its heading names an introductory section (`Motivation`, `Overview`, …).
	IntroSection,
	/// 1 if its heading names a section of detail (`Specification`, `Security`, …).
	DetailSection,
	/// 1 if it holds an ASCII digit.
	Digit,
	/// 1 if its heading holds one of the title's words.
	HeadingInTitle,
	/// The [`LEXICON`] values (per mille) of its [`lexicon_tokens`], repeats included, summed,
	/// over their count plus four.
	Lexicon,
}

/// How many features a sentence has.
pub const FEATURES: usize = Feature::ALL.len();

impl Feature {
	/// Every feature, in the order of [`features`]' vectors.
	pub const ALL: [Feature; 19] = [
		Feature::Centrality,
		Feature::Title,
		Feature::First,
		Feature::Second,
		Feature::Third,
		Feature::Position,
		Feature::Words,
		Feature::Short,
		Feature::Long,
		Feature::SelfReference,
		Feature::ListItem,
		Feature::Colon,
		Feature::SectionStart,
		Feature::Preamble,
		Feature::IntroSection,
		Feature::DetailSection,
		Feature::Digit,
		Feature::HeadingInTitle,
		Feature::Lexicon,
	];
}

/// Headings' words that name an introductory section (matched within the lower-cased heading).
pub const INTRO_HEADINGS: &[&str] = &[
	"motivation",
	"overview",
	"introduction",
	"description",
	"background",
	"rationale",
	"proposal",
	"summary",
	"context",
	"purpose",
	"goal",
	"problem",
	"about",
];

/// Headings' words that name a section of detail (matched within the lower-cased heading).
pub const DETAIL_HEADINGS: &[&str] = &[
	"specification",
	"implementation",
	"test",
	"security",
	"copyright",
	"reference",
	"technical",
	"backward",
	"appendix",
	"discussion",
	"faq",
	"risk",
	"timeline",
	"vote",
	"voting",
	"poll",
	"budget",
	"cost",
];

/// The indices, in [`sentences::split`]'s list, of `body`'s key sentences, in the body's order.
pub fn key_sentences(title: &str, body: &str) -> Vec<u16> {
	let scores: Vec<i64> = features(title, body)
		.iter()
		.map(|f| {
			f.iter().zip(WEIGHTS).map(|(x, w)| x.saturating_mul(w)).fold(0, i64::saturating_add)
		})
		.collect();
	let mut order: Vec<usize> = (0..scores.len()).collect();
	order.sort_by_key(|&i| (core::cmp::Reverse(scores[i]), i));
	order.truncate(KEY_SENTENCES);
	order.sort_unstable();
	order.into_iter().map(|i| i as u16).collect()
}

/// Every sentence's [`Feature`]s, in [`sentences::split`]'s order.
pub fn features(title: &str, body: &str) -> Vec<[i64; FEATURES]> {
	let marked = sentences::split_marked(body);
	let count = marked.len() as i64;
	let words: Vec<Vec<String>> =
		marked.iter().map(|(span, _)| distinct_words(&body[span.range()])).collect();
	let mut frequency = std::collections::BTreeMap::<&str, i64>::new();
	for sentence in &words {
		for word in sentence {
			*frequency.entry(word.as_str()).or_default() += 1;
		}
	}
	let title_words = distinct_words(title);
	let headings = headings(body, &marked);

	let mut out = Vec::with_capacity(marked.len());
	for (index, ((span, item), sentence)) in marked.iter().zip(&words).enumerate() {
		let text = &body[span.range()];
		let heading = headings[index];
		let lower = heading.to_ascii_lowercase();
		let length = sentence.len() as i64;
		let mut f = [0i64; FEATURES];
		let mut set = |feature: Feature, value: i64| f[feature as usize] = value;
		let central: i64 = sentence.iter().map(|w| frequency[w.as_str()]).sum();
		set(Feature::Centrality, 1000 * central / ((length + 4) * count));
		let in_title = sentence.iter().filter(|w| title_words.contains(w)).count() as i64;
		set(Feature::Title, 1000 * in_title / (title_words.len() as i64).max(1));
		set(Feature::First, (index == 0).into());
		set(Feature::Second, (index == 1).into());
		set(Feature::Third, (index == 2).into());
		set(Feature::Position, index.min(20) as i64);
		set(Feature::Words, length.min(60));
		set(Feature::Short, (length < 6).into());
		set(Feature::Long, (length > 30).into());
		set(Feature::SelfReference, self_reference().is_match(text).into());
		set(Feature::ListItem, (*item).into());
		set(Feature::Colon, text.ends_with(':').into());
		set(Feature::SectionStart, (index == 0 || headings[index - 1] != heading).into());
		set(Feature::Preamble, heading.is_empty().into());
		set(Feature::IntroSection, INTRO_HEADINGS.iter().any(|k| lower.contains(k)).into());
		set(Feature::DetailSection, DETAIL_HEADINGS.iter().any(|k| lower.contains(k)).into());
		set(Feature::Digit, text.bytes().any(|b| b.is_ascii_digit()).into());
		let heading_in_title = crate::words::words(heading).any(|w| title_words.contains(&w));
		set(Feature::HeadingInTitle, heading_in_title.into());
		set(Feature::Lexicon, lexicon_score(text));
		out.push(f);
	}
	out
}

/// The tokens [`Feature::Lexicon`] looks up: a text's ASCII-alphanumeric runs, lower-cased,
/// repeats and function words included.
pub fn lexicon_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
	text.split(|c: char| !c.is_ascii_alphanumeric())
		.filter(|w| !w.is_empty())
		.map(|w| w.to_ascii_lowercase())
}

/// [`Feature::Lexicon`] of a sentence's text.
fn lexicon_score(text: &str) -> i64 {
	let (mut sum, mut count) = (0i64, 0i64);
	for token in lexicon_tokens(text) {
		let value = LEXICON
			.binary_search_by(|(word, _)| (*word).cmp(token.as_str()))
			.map_or(LEXICON_DEFAULT, |i| LEXICON[i].1);
		sum += i64::from(value);
		count += 1;
	}
	sum / (count + 4)
}

/// Each sentence's heading: the text of the last heading line before it, without its `#`s
/// (empty before the first).
fn headings<'a>(body: &'a str, sentences: &[(crate::Span, bool)]) -> Vec<&'a str> {
	let lines = markdown::lines(body);
	let mut at = 0;
	let mut heading = "";
	sentences
		.iter()
		.map(|(span, _)| {
			while let Some((line, kind)) = lines.get(at) {
				if line.start >= span.start {
					break;
				}
				if *kind == Line::Heading {
					heading = body[line.range()].trim().trim_start_matches('#').trim();
				}
				at += 1;
			}
			heading
		})
		.collect()
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

/// A text's distinct [`crate::words`], in order of first occurrence.
fn distinct_words(text: &str) -> Vec<String> {
	let mut out: Vec<String> = Vec::new();
	for word in crate::words::words(text) {
		if !out.contains(&word) {
			out.push(word);
		}
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;

	fn feature(features: &[[i64; FEATURES]], index: usize, feature: Feature) -> i64 {
		features[index][feature as usize]
	}

	#[test]
	fn the_fitted_constants_fit_the_scorer() {
		assert!((1..=crate::MAX_KEY_SENTENCES).contains(&KEY_SENTENCES));
		assert!(LEXICON.windows(2).all(|w| w[0].0 < w[1].0), "sorted, for binary_search");
		assert!(LEXICON.iter().all(|(_, v)| *v <= 1000) && LEXICON_DEFAULT <= 1000);
		assert_eq!(Feature::ALL.iter().enumerate().filter(|(i, f)| **f as usize != *i).count(), 0);
	}

	#[test]
	fn features_read_position_sections_and_the_title() {
		let body = "This proposal raises the ETH-A stability fee.\n\n## Motivation\n\nThe fee \
			protects the peg. It was last changed in May 2021.\n\n## Specification\n\n- Set the \
			fee:\n";
		let f = features("Raise the ETH-A stability fee", body);
		assert_eq!(f.len(), 4);
		assert_eq!(feature(&f, 0, Feature::First), 1);
		assert_eq!(feature(&f, 1, Feature::Second), 1);
		assert_eq!(feature(&f, 3, Feature::Position), 3);
		// The first sentence: before any heading, about the proposal, three of the title's four
		// words (`raises` is not `raise`: words are not stemmed).
		assert_eq!(feature(&f, 0, Feature::Preamble), 1);
		assert_eq!(feature(&f, 0, Feature::SelfReference), 1);
		assert_eq!(feature(&f, 0, Feature::Title), 1000 * 3 / 4);
		// Under `Motivation`: introductory; the first of it starts its section.
		assert_eq!(feature(&f, 1, Feature::IntroSection), 1);
		assert_eq!(feature(&f, 1, Feature::SectionStart), 1);
		assert_eq!(feature(&f, 2, Feature::SectionStart), 0);
		assert_eq!(feature(&f, 2, Feature::Digit), 1);
		// Under `Specification`: detail, a list item ending in a colon.
		assert_eq!(feature(&f, 3, Feature::DetailSection), 1);
		assert_eq!((feature(&f, 3, Feature::ListItem), feature(&f, 3, Feature::Colon)), (1, 1));
		assert!(f.iter().all(|v| v[Feature::Lexicon as usize] > 0));
	}

	#[test]
	fn key_sentences_are_the_best_scored_in_the_bodys_order() {
		let body = "The TechOps Core Unit is requesting an annual budget cap of 2,566,200 DAI.\n\n\
			## Motivation\n\nThe unit runs infrastructure. Nobody asked about lunch. Cats are \
			sleeping outside.\n";
		let picked = key_sentences("TechOps Core Unit DAI Budget", body);
		assert_eq!(picked.len(), KEY_SENTENCES);
		assert!(picked.windows(2).all(|w| w[0] < w[1]));
		assert_eq!(picked[0], 0, "the budget request is a key sentence");
		assert_eq!(picked, key_sentences("TechOps Core Unit DAI Budget", body), "deterministic");
	}

	#[test]
	fn a_body_without_sentences_has_no_key_sentences() {
		assert!(key_sentences("Title", "# Only a heading\n```\ncode.\n```\n").is_empty());
		assert!(key_sentences("", "").is_empty());
	}

	#[test]
	fn fewer_sentences_than_are_picked_are_all_picked() {
		let body = "The only sentence is here.";
		assert_eq!(key_sentences("", body), vec![0]);
	}
}
