//! # DAOLLM brief
//!
//! The deterministic parts of the analysis brief that the inference committee agrees on beside
//! the label: where a proposal's sentences are ([`sentences`]), which of them say best what it is
//! about ([`summary`]), which key figures it states ([`figures`]) and a sketch of its words that
//! finds similar proposals ([`signature`]). All of it is plain Rust — no model, no locale, no
//! floating point — so that every honest node computes the same bytes from the same title and
//! body, and the app, built from the same crate, shows the same spans the chain agreed on.
//! [`brief`] computes the whole brief.
//!
//! ## Terminology
//! - **Body**: a proposal's text as submitted (UTF-8, usually Markdown).
//! - **Span**: a byte range of the body ([`Span`]), always on `char` boundaries.
//! - **Sentence**: a span that reads as one sentence or one list item; headings, tables, code
//!   blocks and front matter are not sentences.
//! - **Figure**: a span that states an amount, a percentage, a duration, an address or a
//!   parameter change, with its [`FigureKind`].
//! - **Key sentence**: one of the (up to) [`MAX_KEY_SENTENCES`] sentences that summarise the body,
//!   named by its index in [`sentences::split`]'s list.
//! - **Signature**: the proposal's heaviest words as hashed [`signature::Term`]s.
//!
//! Without the `std` feature the crate holds the types alone (with `codec`, SCALE-encodable for
//! the chain); the splitter and the extractor need `regex`, hence `std`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

#[cfg(feature = "std")]
pub mod figures;
#[cfg(feature = "std")]
pub mod sentences;
pub mod signature;
#[cfg(feature = "std")]
pub mod summary;
#[cfg(feature = "std")]
pub mod words;

#[cfg(feature = "std")]
mod markdown;

pub use signature::{Term, SIGNATURE_TERMS};

/// A byte range `start..end` of a body, on `char` boundaries.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[cfg_attr(
	feature = "codec",
	derive(
		codec::Encode,
		codec::Decode,
		codec::DecodeWithMemTracking,
		codec::MaxEncodedLen,
		scale_info::TypeInfo
	)
)]
pub struct Span {
	/// The first byte.
	pub start: u32,
	/// One past the last byte.
	pub end: u32,
}

impl Span {
	/// The span's bytes as a `usize` range, for slicing the body.
	pub fn range(&self) -> core::ops::Range<usize> {
		self.start as usize..self.end as usize
	}

	/// Whether `other` lies inside this span.
	pub fn contains(&self, other: &Span) -> bool {
		self.start <= other.start && other.end <= self.end
	}

	/// Whether the two spans share a byte.
	pub fn overlaps(&self, other: &Span) -> bool {
		self.start < other.end && other.start < self.end
	}

	/// The span's text in `body`, or `None` if it does not lie on `body`'s `char` boundaries.
	pub fn text<'a>(&self, body: &'a str) -> Option<&'a str> {
		body.get(self.range())
	}
}

/// What a key figure states.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(
	feature = "codec",
	derive(
		codec::Encode,
		codec::Decode,
		codec::DecodeWithMemTracking,
		codec::MaxEncodedLen,
		scale_info::TypeInfo
	)
)]
pub enum FigureKind {
	/// A parameter changed to a value: "the fee from 30 bp to 50 bp", "raise the cap to 30M sUSD".
	ParameterChange,
	/// A sum of money or tokens: "1.2M DAI", "$500,000", "10 ETH".
	Amount,
	/// A share or a rate: "2.5%", "30 percent", "50 bp".
	Percentage,
	/// A length of time or of chain: "14 days", "6-month", "100 blocks".
	Duration,
	/// An account or contract address: "0x9e15…Ca09".
	Address,
}

impl FigureKind {
	/// Every kind, most telling first: the order in which the extractor keeps figures when a
	/// body states more than it may keep.
	pub const ALL: [FigureKind; 5] = [
		FigureKind::ParameterChange,
		FigureKind::Amount,
		FigureKind::Percentage,
		FigureKind::Duration,
		FigureKind::Address,
	];

	/// The kind's name in fixtures and the app: `parameter-change`, `amount`, ….
	pub fn name(&self) -> &'static str {
		match self {
			FigureKind::ParameterChange => "parameter-change",
			FigureKind::Amount => "amount",
			FigureKind::Percentage => "percentage",
			FigureKind::Duration => "duration",
			FigureKind::Address => "address",
		}
	}

	/// The kind of a [`FigureKind::name`].
	pub fn from_name(name: &str) -> Option<FigureKind> {
		FigureKind::ALL.into_iter().find(|kind| kind.name() == name)
	}
}

/// A key figure: where the body states it, and what it is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(
	feature = "codec",
	derive(
		codec::Encode,
		codec::Decode,
		codec::DecodeWithMemTracking,
		codec::MaxEncodedLen,
		scale_info::TypeInfo
	)
)]
pub struct Figure {
	/// Where the body states it.
	pub span: Span,
	/// What it states.
	pub kind: FigureKind,
}

/// The most figures a brief keeps: what a voter reads at a glance, and what bounds the brief's
/// storage on chain.
pub const MAX_FIGURES: usize = 12;

/// The most bytes of a body the splitter and the extractor read (the model reads fewer); a
/// longer body's later part has no sentences or figures in the brief.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The most key sentences a brief holds.
pub const MAX_KEY_SENTENCES: usize = 3;

/// A proposal's brief, as one node computes it.
#[cfg(feature = "std")]
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Brief {
	/// The key sentences' indices in [`sentences::split`]'s list, ascending.
	pub sentences: Vec<u16>,
	/// The key figures, in the body's order (at most [`MAX_FIGURES`]).
	pub figures: Vec<Figure>,
	/// The similarity signature (at most [`SIGNATURE_TERMS`] terms, sorted by hash).
	pub signature: Vec<Term>,
}

/// The brief of a proposal with `title` and `body`.
#[cfg(feature = "std")]
pub fn brief(title: &str, body: &str) -> Brief {
	Brief {
		sentences: summary::key_sentences(title, body),
		figures: figures::extract(body),
		signature: signature::signature(title, body),
	}
}
