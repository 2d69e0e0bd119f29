//! Sentence splitting, defined once: the brief's key sentences are indices into this list, so
//! the engine that picks them and the app that shows them must split a body the same way.
//!
//! The rules:
//! 1. Only prose lines are read (the `markdown` module): headings, tables, thematic breaks, code
//!    blocks and front matter hold no sentences.
//! 2. A paragraph is a run of prose lines; a blank line, a heading, a table or a list item ends
//!    it, and every list item begins a new one (its marker is not part of its text).
//! 3. Within a paragraph a sentence ends after `.`, `!` or `?` (and any closing `)`, `"`, `'`,
//!    `*`, `_`) followed by whitespace and then by a capital letter, a digit, or an opening
//!    `(`, `"`, `'`, `*`, `[`, `` ` `` — unless the word before the stop is a known abbreviation
//!    (`e.g.`, `i.e.`, `etc.`, `vs.`, `Dr.`, …) or a single letter (an initial).
//! 4. A sentence's span has no leading or trailing whitespace. A piece shorter than
//!    [`MIN_SENTENCE_BYTES`] joins the sentence after it (`Why? Because.` is one), or at the end
//!    of a paragraph the one before it; a paragraph shorter than that holds none.

use crate::{
	markdown::{self, Line},
	Span,
};

/// Shorter pieces (`Why?`, `Yes.`) are not sentences of their own.
pub const MIN_SENTENCE_BYTES: usize = 12;

/// The sentences of `body` (of its first [`crate::MAX_BODY_BYTES`]), in order.
pub fn split(body: &str) -> Vec<Span> {
	split_marked(body).into_iter().map(|(span, _)| span).collect()
}

/// [`split`]'s sentences, each with whether it belongs to a list item.
pub(crate) fn split_marked(body: &str) -> Vec<(Span, bool)> {
	let body = markdown::prefix(body);
	let mut sentences = Vec::new();
	// A paragraph's first and last byte, and whether it is a list item.
	let mut paragraph: Option<(usize, usize, bool)> = None;
	let flush = |paragraph: &mut Option<(usize, usize, bool)>, out: &mut Vec<(Span, bool)>| {
		if let Some((start, end, item)) = paragraph.take() {
			let mut spans = Vec::new();
			split_paragraph(body, start, end, &mut spans);
			out.extend(spans.into_iter().map(|span| (span, item)));
		}
	};
	for (span, kind) in markdown::lines(body) {
		match kind {
			Line::Text => match &mut paragraph {
				Some((_, end, _)) => *end = span.end as usize,
				None => paragraph = Some((span.start as usize, span.end as usize, false)),
			},
			Line::Item { text } => {
				flush(&mut paragraph, &mut sentences);
				paragraph = Some((text as usize, span.end as usize, true));
			},
			Line::Blank | Line::Code | Line::Heading | Line::Table => {
				flush(&mut paragraph, &mut sentences)
			},
		}
	}
	flush(&mut paragraph, &mut sentences);
	sentences
}

/// The sentences of `body[start..end]`, pushed onto `out`.
fn split_paragraph(body: &str, start: usize, end: usize, out: &mut Vec<Span>) {
	let text = &body[start..end];
	let mut sentence_start = 0;
	let mut chars = text.char_indices().peekable();
	while let Some((i, ch)) = chars.next() {
		if !matches!(ch, '.' | '!' | '?') {
			continue;
		}
		// Closing marks after the stop belong to the sentence.
		let mut stop_end = i + ch.len_utf8();
		while let Some(&(j, c)) = chars.peek() {
			if !matches!(c, ')' | '"' | '\'' | '*' | '_' | '.' | '!' | '?' | '”' | '’') {
				break;
			}
			stop_end = j + c.len_utf8();
			chars.next();
		}
		let rest = &text[stop_end..];
		let after = rest.trim_start();
		if after.len() == rest.len() || !opens_sentence(after) {
			continue;
		}
		if ch == '.' && abbreviation(&text[sentence_start..i])
			|| text[sentence_start..stop_end].trim().len() < MIN_SENTENCE_BYTES
		{
			continue;
		}
		out.push(trimmed(start, &text[sentence_start..stop_end], sentence_start));
		sentence_start = stop_end + (rest.len() - after.len());
	}
	let last = trimmed(start, &text[sentence_start..], sentence_start);
	if (last.end - last.start) as usize >= MIN_SENTENCE_BYTES {
		out.push(last);
	} else if let Some(previous) = out.last_mut().filter(|p| p.start as usize >= start) {
		if last.end > last.start {
			previous.end = last.end;
		}
	}
}

/// The span of `piece` without its surrounding whitespace, `piece` being `paragraph_start +
/// from` bytes into the body.
fn trimmed(paragraph_start: usize, piece: &str, from: usize) -> Span {
	let start = paragraph_start + from + (piece.len() - piece.trim_start().len());
	Span { start: start as u32, end: (start + piece.trim().len()) as u32 }
}

fn opens_sentence(text: &str) -> bool {
	text.chars().next().is_some_and(|c| {
		c.is_uppercase()
			|| c.is_ascii_digit()
			|| matches!(c, '(' | '"' | '\'' | '*' | '[' | '`' | '“')
	})
}

/// Whether the sentence so far ends in a word that a stop does not end a sentence after.
fn abbreviation(sentence: &str) -> bool {
	let word = sentence.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
	let word = word.trim_start_matches(['"', '\'', '*', '_']);
	(word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
		|| ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a))
}

/// Words (without their final stop) after which a stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
	"e.g", "i.e", "etc", "vs", "cf", "al", "approx", "fig", "no", "nr", "mr", "mrs", "ms", "dr",
	"prof", "inc", "ltd", "co", "jr", "sr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", "est", "min", "max", "ref", "sec", "ch", "vol", "p", "pp",
];

#[cfg(test)]
mod tests {
	use super::*;

	fn sentences(body: &str) -> Vec<&str> {
		split(body).into_iter().map(|s| &body[s.range()]).collect()
	}

	#[test]
	fn paragraphs_items_and_stops() {
		let body = "## Simple Summary\n\nThis SCCP proposes the following:\n\n- Increase the cap to 30 million sUSD\n- Lower the fee.\n\nThe fee is 0.5 percent, e.g. for Dr. Who. It was set\nin SCCP-12 (see J. Doe). Then \"it\" changes! Why? Because.\n| a | b |\n";
		assert_eq!(
			sentences(body),
			vec![
				"This SCCP proposes the following:",
				"Increase the cap to 30 million sUSD",
				"Lower the fee.",
				"The fee is 0.5 percent, e.g. for Dr. Who.",
				"It was set\nin SCCP-12 (see J. Doe).",
				"Then \"it\" changes!",
				"Why? Because.",
			]
		);
	}

	#[test]
	fn code_and_headings_hold_no_sentences() {
		let body = "---\ntitle: A title that is long.\n---\n# Heading is not a sentence.\n```\nlet a = \"Not a sentence. Nor this.\";\n```\nOnly this one is a sentence.";
		assert_eq!(sentences(body), vec!["Only this one is a sentence."]);
	}

	#[test]
	fn spans_lie_on_char_boundaries() {
		let body = "Ünïcode prose here. Ça va très bien, merci. “Quoted” sentence too.";
		let spans = split(body);
		assert!(spans.iter().all(|s| s.text(body).is_some()));
		assert_eq!(
			sentences(body),
			vec!["Ünïcode prose here.", "Ça va très bien, merci.", "“Quoted” sentence too."]
		);
	}
}
