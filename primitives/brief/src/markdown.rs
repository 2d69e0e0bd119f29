//! The little of Markdown that the splitter and the extractor need: which lines of a body are
//! prose, and which are code, front matter, headings or tables.

use crate::{Span, MAX_BODY_BYTES};

/// What a line of a body is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Line {
	/// Empty, or only whitespace.
	Blank,
	/// Inside a fenced code block (```` ``` ```` or `~~~`), its fences included, or inside the
	/// front matter (`---` … `---` at the very start), its delimiters included.
	Code,
	/// A heading (`#` … `######`).
	Heading,
	/// A table row (it starts with `|`) or a thematic break (`---`, `***`).
	Table,
	/// A list item; its text begins at byte `text` of the body (after the marker).
	Item { text: u32 },
	/// Any other line: prose, continuing the paragraph above it unless that one ended.
	Text,
}

/// The body's lines (at most [`MAX_BODY_BYTES`] of it), each as its span without the line break
/// and what it is.
pub(crate) fn lines(body: &str) -> Vec<(Span, Line)> {
	let body = prefix(body);
	let mut out = Vec::new();
	let mut fence: Option<&str> = None;
	let mut front_matter = false;
	let mut start = 0usize;
	for (index, raw) in body.split_inclusive('\n').enumerate() {
		let line = raw.trim_end_matches(['\n', '\r']);
		let span = Span { start: start as u32, end: (start + line.len()) as u32 };
		start += raw.len();
		let trimmed = line.trim_start();
		let kind = if front_matter {
			if line.trim_end() == "---" {
				front_matter = false;
			}
			Line::Code
		} else if index == 0 && line.trim_end() == "---" {
			front_matter = true;
			Line::Code
		} else if let Some(marker) = fence {
			if trimmed.starts_with(marker) {
				fence = None;
			}
			Line::Code
		} else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
			fence = Some(&trimmed[..3]);
			Line::Code
		} else if trimmed.is_empty() {
			Line::Blank
		} else if is_heading(trimmed) {
			Line::Heading
		} else if trimmed.starts_with('|') || is_break(trimmed) {
			Line::Table
		} else if let Some(marker) = item_marker(trimmed) {
			let indent = line.len() - trimmed.len();
			let text = span.start as usize + indent + marker;
			Line::Item { text: text as u32 }
		} else {
			Line::Text
		};
		out.push((span, kind));
	}
	out
}

/// The part of `body` the brief reads: its first [`MAX_BODY_BYTES`], cut on a `char` boundary.
pub(crate) fn prefix(body: &str) -> &str {
	if body.len() <= MAX_BODY_BYTES {
		return body;
	}
	let mut end = MAX_BODY_BYTES;
	while !body.is_char_boundary(end) {
		end -= 1;
	}
	&body[..end]
}

fn is_heading(line: &str) -> bool {
	let hashes = line.bytes().take_while(|b| *b == b'#').count();
	let rest = &line[hashes..];
	(1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// `---`, `***`, `___`, spaced or not.
fn is_break(line: &str) -> bool {
	['-', '*', '_'].into_iter().any(|mark| {
		line.chars().filter(|ch| *ch == mark).count() >= 3
			&& line.chars().all(|ch| ch == mark || ch == ' ' || ch == '\t')
	})
}

/// The length of a list item's marker and the whitespace after it (`- `, `* `, `+ `, `12. `,
/// `3) `), if the line is one.
fn item_marker(line: &str) -> Option<usize> {
	let bytes = line.as_bytes();
	let marker = match bytes.first()? {
		b'-' | b'*' | b'+' => 1,
		b'0'..=b'9' => {
			let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
			if digits > 3 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
				return None;
			}
			digits + 1
		},
		_ => return None,
	};
	let space = bytes[marker..].iter().take_while(|b| **b == b' ' || **b == b'\t').count();
	(space > 0).then_some(marker + space)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn kinds(body: &str) -> Vec<Line> {
		lines(body).into_iter().map(|(_, kind)| kind).collect()
	}

	#[test]
	fn lines_are_classified() {
		let body = "---\neip: 1\n---\n# Title\nSome text.\n\n- an item\n12. another\n```\nlet x = 1;\n```\n| a | b |\n***\n-not an item\n";
		assert_eq!(
			kinds(body),
			vec![
				Line::Code,
				Line::Code,
				Line::Code,
				Line::Heading,
				Line::Text,
				Line::Blank,
				Line::Item { text: 37 },
				Line::Item { text: 49 },
				Line::Code,
				Line::Code,
				Line::Code,
				Line::Table,
				Line::Table,
				Line::Text,
			]
		);
		assert_eq!(&body[37..44], "an item");
		assert_eq!(&body[49..56], "another");
	}

	#[test]
	fn an_unclosed_fence_hides_the_rest() {
		assert_eq!(
			kinds("a\n```\nb\n\nc"),
			vec![Line::Text, Line::Code, Line::Code, Line::Code, Line::Code]
		);
	}

	#[test]
	fn a_long_body_is_cut_on_a_char_boundary() {
		let body = "é".repeat(MAX_BODY_BYTES);
		let cut = prefix(&body);
		assert!(cut.len() <= MAX_BODY_BYTES && cut.len() > MAX_BODY_BYTES - 2);
		assert!(body.is_char_boundary(cut.len()));
	}
}
