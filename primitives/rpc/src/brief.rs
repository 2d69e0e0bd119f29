//! The analysis brief as the RPC methods return it: key sentences and key figures with their
//! text, decoded against the proposal's body where the node holds it. `inference_task` and
//! `proposals_get` both return it.

use std::sync::Arc;

use daollm_primitives::{
	inference::{Brief, Span},
	ProposalId,
};
use jsonrpsee::types::error::ErrorObjectOwned;
use serde::Serialize;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};

/// Where the RPC reads a proposal body by its blake2b-256 (the node's offchain index); `None`
/// if it does not hold it.
pub type Bodies = Arc<dyn Fn(&H256) -> Option<Vec<u8>> + Send + Sync>;

/// Where `proposals_get` reads a proposal's agreed brief at a block: `None` until the committee
/// agreed on one (the inference RPC provides it: the brief is the committee's result).
pub type Briefs<Hash> =
	Arc<dyn Fn(Hash, ProposalId) -> Result<Option<BriefJson>, ErrorObjectOwned> + Send + Sync>;

/// A key sentence, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentenceJson {
	/// Its index among the body's sentences (`daollm_brief::sentences::split`).
	pub index: u16,
	/// Its first byte in the body, if the body is at hand.
	pub start: Option<u32>,
	/// One past its last byte, if the body is at hand.
	pub end: Option<u32>,
	/// Its text, if the body is at hand.
	pub text: Option<String>,
}

/// A key figure, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureJson {
	/// `parameter-change`, `amount`, `percentage`, `duration` or `address`.
	pub kind: &'static str,
	/// Its first byte in the body.
	pub start: u32,
	/// One past its last byte.
	pub end: u32,
	/// Its text, if the body is at hand.
	pub text: Option<String>,
}

/// A brief, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefJson {
	/// The key sentences, in the body's order.
	pub sentences: Vec<SentenceJson>,
	/// The key figures, in the body's order.
	pub figures: Vec<FigureJson>,
	/// The similarity signature: `[hash, weight]` pairs.
	pub signature: Vec<(u32, u8)>,
}

impl BriefJson {
	/// `brief` with the text of `body` where it is at hand.
	pub fn decode(brief: &Brief, body: Option<&str>) -> Self {
		let spans = body.map(daollm_brief::sentences::split);
		let text = |span: &Span| body.and_then(|b| span.text(b)).map(str::to_owned);
		BriefJson {
			sentences: brief
				.sentences
				.iter()
				.map(|index| {
					let span = spans.as_ref().and_then(|s| s.get(*index as usize));
					SentenceJson {
						index: *index,
						start: span.map(|s| s.start),
						end: span.map(|s| s.end),
						text: span.and_then(text),
					}
				})
				.collect(),
			figures: brief
				.figures
				.iter()
				.map(|f| FigureJson {
					kind: f.kind.name(),
					start: f.span.start,
					end: f.span.end,
					text: text(&f.span),
				})
				.collect(),
			signature: brief.signature.iter().map(|t| (t.hash, t.weight)).collect(),
		}
	}

	/// `brief` of the body whose blake2b-256 is `content_hash`, with its text if `bodies` holds
	/// that body (a body whose hash differs, or that is not UTF-8, gives no text).
	pub fn of_body(brief: &Brief, content_hash: &H256, bodies: Option<&Bodies>) -> Self {
		let body = bodies
			.and_then(|bodies| bodies(content_hash))
			.filter(|body| BlakeTwo256::hash(body) == *content_hash)
			.and_then(|body| String::from_utf8(body).ok());
		Self::decode(brief, body.as_deref())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const BODY: &str =
		"Fund the audit team. The grant is 10 ETH over 6 months. Nothing else changes.";

	/// The brief the committee would agree on for [`BODY`], as the chain stores it.
	fn agreed() -> Brief {
		let brief = daollm_brief::brief("Audit grant", BODY);
		Brief {
			sentences: brief.sentences.try_into().expect("at most three"),
			figures: brief.figures.try_into().expect("few figures"),
			signature: brief.signature.try_into().expect("bounded"),
		}
	}

	fn holding(body: &'static str) -> Bodies {
		Arc::new(move |_| Some(body.as_bytes().to_vec()))
	}

	#[test]
	fn a_held_body_gives_the_sentences_and_figures_as_text() {
		let brief = agreed();
		let json =
			BriefJson::of_body(&brief, &BlakeTwo256::hash(BODY.as_bytes()), Some(&holding(BODY)));
		assert_eq!(json.sentences.len(), brief.sentences.len());
		for sentence in &json.sentences {
			let (start, end) = (sentence.start.unwrap() as usize, sentence.end.unwrap() as usize);
			assert_eq!(sentence.text.as_deref(), Some(&BODY[start..end]));
		}
		let figures: Vec<_> = json.figures.iter().map(|f| (f.kind, f.text.as_deref())).collect();
		assert!(figures.contains(&("amount", Some("10 ETH"))), "{figures:?}");
		assert!(figures.contains(&("duration", Some("6 months"))), "{figures:?}");
	}

	#[test]
	fn a_body_that_is_not_the_analysed_one_gives_no_text() {
		let brief = agreed();
		let hash = BlakeTwo256::hash(BODY.as_bytes());
		for bodies in [None, Some(holding("Fund the audit team. The grant is 99 ETH."))] {
			let json = BriefJson::of_body(&brief, &hash, bodies.as_ref());
			assert!(json.sentences.iter().all(|s| s.text.is_none() && s.start.is_none()));
			assert!(json.figures.iter().all(|f| f.text.is_none()));
			// The spans themselves are the chain's, text or not.
			assert_eq!(json.figures.len(), brief.figures.len());
		}
	}
}
