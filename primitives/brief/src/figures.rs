//! Key figures: the amounts, percentages, durations, addresses and parameter changes a body
//! states, as byte spans with a [`FigureKind`].
//!
//! The rules, in the order the extractor applies them:
//! 1. Only prose is read: fenced code blocks, front matter, URLs and link targets are not (a
//!    number in a link or a code sample is not something the proposal asks for). Tables are
//!    read: budgets are often tables.
//! 2. A *number* is `1234`, `1,234,567` or `0.25`, not glued to a word or an identifier
//!    (`MIP40`, `EIP-1559`, `v2.1` hold none), and not the number of a proposal (`ERC 20`).
//! 3. An **amount** is a currency sign before a number (`$500,000`, `€2M`), or a number with an
//!    optional magnitude (`k`, `M`, `million`, …) before a currency or token (`123,000 DAI`,
//!    `1.2M sUSD`, `10 ETH`, `500 tokens`) or after a ticker (`sUSD 500 thousand`); a token is
//!    a known currency word or a ticker in capitals (`SNX`, `stETH`), not a process name (`EIP`,
//!    `SCCP`, …).
//! 4. A **percentage** is a number before `%`, `percent`, `bp`, `bps` or `basis points`.
//! 5. A **duration** is a number before a unit of time or of chain (`14 days`, `6-month`,
//!    `100 blocks`).
//! 6. An **address** is `0x` and 40 hexadecimal digits.
//! 7. A **parameter change** is `… from A to B` or `set/raise/lower/… X to B [from A]` within
//!    a line, where B is a value (a number with an optional unit) and A a value or a few words
//!    without digits (`from the peg price to 5 bp`, not `from $1 by up to 10%`); its span begins
//!    at the clause that names the parameter (at most ten words before `from`). Figures that a
//!    parameter change states are not listed again.
//! 8. The same figure stated twice is listed once (the first time); of the rest at most
//!    [`MAX_FIGURES`] are kept, parameter changes first, then amounts, percentages, durations
//!    and addresses, each in the body's order; the result is in the body's order.

use std::sync::OnceLock;

use regex::Regex;

use crate::{
	markdown::{self, Line},
	Figure, FigureKind, Span, MAX_FIGURES,
};

/// The key figures of `body` (of its first [`crate::MAX_BODY_BYTES`]), in the body's order.
pub fn extract(body: &str) -> Vec<Figure> {
	let body = markdown::prefix(body);
	let patterns = patterns();
	let hidden = hidden(body, patterns);
	let visible = |span: &Span| !hidden.iter().any(|h| h.overlaps(span));

	let mut changes: Vec<Span> = Vec::new();
	for found in patterns.from_to.find_iter(body) {
		let span =
			Span { start: clause_start(body, found.start()) as u32, end: found.end() as u32 };
		if visible(&span) && !years_only(&body[found.range()]) {
			changes.push(span);
		}
	}
	changes.extend(
		patterns
			.set_to
			.find_iter(body)
			.map(|found| Span { start: found.start() as u32, end: found.end() as u32 })
			.filter(|span| visible(span)),
	);
	let mut figures = non_overlapping(
		changes.into_iter().map(|span| Figure { span, kind: FigureKind::ParameterChange }),
	);

	let mut others = Vec::new();
	for (kind, pattern) in [
		(FigureKind::Amount, &patterns.amount),
		(FigureKind::Percentage, &patterns.percentage),
		(FigureKind::Duration, &patterns.duration),
		(FigureKind::Address, &patterns.address),
	] {
		for found in pattern.captures_iter(body) {
			let whole = found.get(0).expect("group 0 is the match");
			let span = Span { start: whole.start() as u32, end: whole.end() as u32 };
			if let Some(unit) = found.name("ticker").or_else(|| found.name("lead")) {
				if NOT_TICKERS.contains(&unit.as_str()) {
					continue;
				}
			}
			if kind != FigureKind::Address && !number_stands_alone(body, whole.start()) {
				continue;
			}
			if visible(&span) && !figures.iter().any(|f: &Figure| f.span.contains(&span)) {
				others.push(Figure { span, kind });
			}
		}
	}
	figures.extend(non_overlapping(others));
	figures.sort();

	// The first statement of each figure (one a parameter change states is stated), then the
	// most telling kinds first.
	let changes: Vec<String> = figures
		.iter()
		.filter(|f| f.kind == FigureKind::ParameterChange)
		.map(|f| squeeze(&body[f.span.range()]))
		.collect();
	let mut seen = std::collections::BTreeSet::new();
	figures.retain(|f| {
		let text = squeeze(&body[f.span.range()]);
		(f.kind == FigureKind::ParameterChange || !changes.iter().any(|c| c.contains(&text)))
			&& seen.insert((f.kind, text))
	});
	let mut kept: Vec<Figure> = FigureKind::ALL
		.into_iter()
		.flat_map(|kind| figures.iter().filter(move |f| f.kind == kind).copied())
		.take(MAX_FIGURES)
		.collect();
	kept.sort();
	kept
}

/// The figures' spans kept from `candidates`: at each start the longest, and none that
/// overlaps one kept before it.
fn non_overlapping(candidates: impl IntoIterator<Item = Figure>) -> Vec<Figure> {
	let mut candidates: Vec<Figure> = candidates.into_iter().collect();
	candidates.sort_by_key(|f| (f.span.start, std::cmp::Reverse(f.span.end)));
	let mut kept: Vec<Figure> = Vec::new();
	for figure in candidates {
		if kept.last().is_none_or(|last| !last.span.overlaps(&figure.span)) {
			kept.push(figure);
		}
	}
	kept
}

/// What the extractor does not read: code and front matter lines, URLs and link targets.
fn hidden(body: &str, patterns: &Patterns) -> Vec<Span> {
	let mut hidden: Vec<Span> = markdown::lines(body)
		.into_iter()
		.filter(|(_, kind)| *kind == Line::Code)
		.map(|(span, _)| span)
		.collect();
	hidden.extend(
		patterns
			.url
			.find_iter(body)
			.map(|found| Span { start: found.start() as u32, end: found.end() as u32 }),
	);
	hidden
}

/// Whether the number at `start` (or the currency sign before it) is not part of a word or an
/// identifier, and is not a proposal's number (`ERC 20`).
fn number_stands_alone(body: &str, start: usize) -> bool {
	let before = &body[..start];
	let mut chars = before.chars().rev();
	match chars.next() {
		None => return true,
		Some(ch) if ch.is_alphanumeric() || matches!(ch, '_' | '.' | '#' | '/' | '-' | '$') => {
			// A hyphen is a minus sign or a range only after a space.
			if ch != '-' || chars.next().is_some_and(|c| c.is_alphanumeric()) {
				return false;
			}
		},
		Some(_) => {},
	}
	let word: String = before
		.trim_end()
		.chars()
		.rev()
		.take_while(|c| c.is_ascii_alphabetic())
		.collect::<Vec<_>>()
		.into_iter()
		.rev()
		.collect();
	!PROCESS_NAMES.iter().any(|name| word.eq_ignore_ascii_case(name))
}

/// Where the clause that ends at `from` begins: after the last `.`, `;`, `:`, `,`, `(`, `|` or
/// list marker of its line, at most ten words back.
fn clause_start(body: &str, from: usize) -> usize {
	let line_start = body[..from].rfind('\n').map_or(0, |i| i + 1);
	let mut start = body[line_start..from]
		.rfind(['.', ';', ':', ',', '(', '|', '*', '>', '['])
		.map_or(line_start, |i| line_start + i + 1);
	let skip_blanks = |at: usize| at + body[at..from].len() - body[at..from].trim_start().len();
	start = skip_blanks(start);
	if body[start..from].starts_with(['-', '+']) && body[start + 1..from].starts_with(' ') {
		start = skip_blanks(start + 1);
	}
	let clause = &body[start..from];
	let words: Vec<usize> =
		clause.split_whitespace().map(|w| w.as_ptr() as usize - clause.as_ptr() as usize).collect();
	match words.len().checked_sub(10) {
		Some(first) if first > 0 => start + words[first],
		_ => start,
	}
}

/// `from 2020 to 2021`: a span of years, not a parameter change.
fn years_only(text: &str) -> bool {
	let numbers: Vec<&str> =
		text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
	numbers.len() == 2
		&& numbers.iter().all(|n| n.len() == 4 && (n.starts_with("19") || n.starts_with("20")))
		&& !text.contains(['%', '$'])
}

/// A figure's text with its whitespace runs made one space: what "the same figure" compares.
fn squeeze(text: &str) -> String {
	text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Capitalised words that read like tickers after a number but name a process, a unit of
/// something else, or a time zone.
const NOT_TICKERS: &[&str] = &[
	"EIP", "EIPS", "ERC", "ERCS", "BIP", "BIPS", "SIP", "SIPS", "SCCP", "MIP", "MIPS", "STP",
	"RFC", "CU", "CUS", "ID", "IDS", "API", "URL", "UTC", "GMT", "AM", "PM", "KB", "MB", "GB",
	"TB", "MS", "FTE", "FTES", "USA", "UK", "EU", "TPS", "QA", "NFT", "NFTS", "PR", "PRS", "OK",
	"CPU", "RAM",
];

/// Words whose number is a proposal's, not a figure: `ERC 20 tokens` is not an amount.
const PROCESS_NAMES: &[&str] =
	&["eip", "erc", "bip", "sip", "sccp", "mip", "stp", "rfc", "slip", "caip", "chip"];

struct Patterns {
	amount: Regex,
	percentage: Regex,
	duration: Regex,
	address: Regex,
	from_to: Regex,
	set_to: Regex,
	url: Regex,
}

const NUMBER: &str = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?";
const MAGNITUDE: &str = r"(?:[ \t]?(?i:thousand|million|billion|trillion|k|mm|m|bn|b)\b)";
const CURRENCY: &str = r"(?i:usd|usdc|usdt|dai|eth|ether|wei|gwei|btc|bitcoins?|sats?|satoshis?|snx|susd|seth|sbtc|mkr|weth|wbtc|op|arb|eur|euros?|dollars?|tokens?)\b";
const TICKER: &str = r"(?-i:[a-z]{0,2}[A-Z]{2,6})\b";
const PERCENT: &str = r"(?:%|(?i:percent|per[ \t]?cent|bps|bp|basis[ \t]+points?)\b)";
const TIME: &str =
	r"(?i:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|blocks?|epochs?)\b";

fn patterns() -> &'static Patterns {
	static PATTERNS: OnceLock<Patterns> = OnceLock::new();
	PATTERNS.get_or_init(|| {
		let regex = |pattern: &str| Regex::new(pattern).expect("the extractor's patterns compile");
		let sign = r"[$€£]";
		let value = format!(
			r"(?:{sign}[ \t]?|{TICKER}[ \t])?{NUMBER}{MAGNITUDE}?(?:[ \t]?(?:{PERCENT}|{CURRENCY}|{TICKER}|{TIME}))?"
		);
		let word = r"[^\s.,;:()\[\]|]+";
		// The old value of `from A to B` when it is not a number: a few words without digits.
		let phrase = r"[^\s.,;:()\[\]|0-9]+(?:[ \t]+[^\s.,;:()\[\]|0-9]+){0,4}?";
		let verb = r"(?i:set|sets|setting|increase[sd]?|increasing|decrease[sd]?|decreasing|raise[sd]?|raising|lower(?:s|ed|ing)?|reduce[sd]?|reducing|change[sd]?|changing|update[sd]?|updating|adjust(?:s|ed|ing)?|modify|modifies|modified|modifying)";
		Patterns {
			amount: regex(&format!(
				r"{sign}[ \t]?{NUMBER}{MAGNITUDE}?|{NUMBER}{MAGNITUDE}?[ \t]?(?:{CURRENCY}|(?P<ticker>{TICKER}))|(?P<lead>{TICKER})[ \t]{NUMBER}{MAGNITUDE}?"
			)),
			percentage: regex(&format!(r"{NUMBER}[ \t]?{PERCENT}")),
			duration: regex(&format!(r"{NUMBER}(?:[ \t]|-)?{TIME}")),
			address: regex(r"\b0x[0-9a-fA-F]{40}\b"),
			from_to: regex(&format!(
				r"\b(?i:from)[ \t]+(?:{value}|{phrase})[ \t]+(?i:to)[ \t]+{value}"
			)),
			set_to: regex(&format!(
				r"\b{verb}[ \t]+(?:{word}[ \t]+){{1,12}}?(?i:to)[ \t]+{value}(?:[ \t]+(?i:from)[ \t]+{value})?"
			)),
			url: regex(r"(?:https?://|www\.)[^\s)\]>]+|\]\([^)\s]*\)"),
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn figures(body: &str) -> Vec<(&'static str, &str)> {
		extract(body).into_iter().map(|f| (f.kind.name(), &body[f.span.range()])).collect()
	}

	#[test]
	fn amounts_percentages_durations_and_addresses() {
		assert_eq!(
			figures("We request 123,000 DAI and $500,000 over 6 months; 1.2M sUSD at 2.5% fee, 10 ETH, for 0x9e1585d9CA64243CE43D42f7dD7333190F66Ca09."),
			vec![
				("amount", "123,000 DAI"),
				("amount", "$500,000"),
				("duration", "6 months"),
				("amount", "1.2M sUSD"),
				("percentage", "2.5%"),
				("amount", "10 ETH"),
				("address", "0x9e1585d9CA64243CE43D42f7dD7333190F66Ca09"),
			]
		);
	}

	#[test]
	fn parameter_changes_name_the_parameter() {
		let body = "## Summary\n\n- Lower the minting fee on the DAI wrappr from the peg market price to 5 bp in 50 bp increments\n- Set the burn fee on the DAI wrappr to 5 bp\n\nThe fee rate changes from 30bps to 50bps.";
		assert_eq!(
			figures(body),
			vec![
				(
					"parameter-change",
					"Lower the minting fee on the DAI wrappr from the peg market price to 5 bp"
				),
				("percentage", "50 bp"),
				("parameter-change", "Set the burn fee on the DAI wrappr to 5 bp"),
				("parameter-change", "The fee rate changes from 30bps to 50bps"),
			]
		);
	}

	#[test]
	fn identifiers_code_and_links_hold_no_figures() {
		let body = "MIP40c3-SP12 and EIP-1559 (see ERC 20 tokens, v2.1 days) [forum](https://forum.makerdao.com/t/10-days/17310)\n```\nuint fee = 30 %;\n```\nfrom 2020 to 2021";
		assert_eq!(figures(body), vec![]);
	}

	#[test]
	fn the_same_figure_is_listed_once_and_at_most_max_figures() {
		let body = (1..=30).map(|i| format!("{i} days for 10 ETH. ")).collect::<String>();
		let found = extract(&body);
		assert_eq!(found.len(), MAX_FIGURES);
		// The amount, stated thirty times, once; and it is kept before the durations.
		assert_eq!(found.iter().filter(|f| f.kind == FigureKind::Amount).count(), 1);
		assert!(found.windows(2).all(|w| w[0].span.start < w[1].span.start));
	}

	#[test]
	fn spans_lie_on_char_boundaries() {
		let body = "Über 5 % — €2M für 3 Wochen, 10 ETH… ";
		for figure in extract(body) {
			assert!(figure.span.text(body).is_some());
		}
		assert_eq!(
			figures(body),
			vec![("percentage", "5 %"), ("amount", "€2M"), ("amount", "10 ETH")]
		);
	}
}
