//! What the inference network and the chain agree on: the `infr` signing key, the shape of one
//! node's answer (label, scores, how much of the text the model can read, and the proposal's
//! [`Brief`]), and the commitment that hides it until the reveal.

use crate::{LabelIndex, MAX_LABELS};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	BoundedVec, KeyTypeId,
};

/// The key type of inference nodes' signing keys: offchain workers sign commits and reveals with
/// a key of this type from the node's keystore (`daollm-node key insert --key-type infr`).
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"infr");

/// Scores are probabilities quantised to basis points: `10_000` is certainty.
pub const BASIS_POINTS: u16 = 10_000;

/// The readable share below which the model cannot read a proposal (its language, most likely,
/// is not the one the model learned): clients show that instead of the label. Every proposal of
/// the training data is above it (the lowest of 3 092 reads 5 210 with the shipped model).
pub const READABLE_FLOOR: u16 = 5_000;

/// The inference nodes' application key: sr25519 under [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, KEY_TYPE);
}

/// An inference node's public signing key.
pub type InferenceKey = crypto::Public;

/// Per-class scores in basis points, indexed by label.
pub type Scores = BoundedVec<u16, ConstU32<MAX_LABELS>>;

/// A brief's key sentences, as byte ranges of the body, in the body's order.
pub type KeySentences = BoundedVec<Span, ConstU32<{ daollm_brief::MAX_KEY_SENTENCES as u32 }>>;

/// A brief's key figures, in the body's order.
pub type Figures = BoundedVec<Figure, ConstU32<{ daollm_brief::MAX_FIGURES as u32 }>>;

/// A brief's similarity signature, sorted by hash.
pub type Signature = BoundedVec<Term, ConstU32<{ daollm_brief::SIGNATURE_TERMS as u32 }>>;

pub use daollm_brief::{signature::similarity, Figure, FigureKind, Span, Term};

/// A proposal's brief (`daollm_brief::brief` of its title and body): what a voter reads beside
/// the label. Its spans are byte ranges of the body, which the chain does not hold: a client
/// reads their text from the body it fetches by the proposal's CID (`bitswap_v1_get`).
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Brief {
	/// The key sentences' byte ranges, in the body's order.
	pub sentences: KeySentences,
	/// The key figures, by start.
	pub figures: Figures,
	/// The similarity signature: hashes strictly ascending, weights at least one.
	pub signature: Signature,
}

impl Brief {
	/// Whether the brief is in the canonical form `daollm_brief::brief` gives: sentence spans
	/// non-empty, within a body, in order and apart; figure spans non-empty, within a body and
	/// in order of their start; signature hashes strictly ascending with weights of at least one.
	pub fn is_well_formed(&self) -> bool {
		let body = crate::content::MAX_BODY_BYTES as u32;
		let within = |span: &Span| span.start < span.end && span.end <= body;
		self.sentences.iter().all(within)
			&& self.sentences.windows(2).all(|w| w[0].end <= w[1].start)
			&& self.figures.iter().all(|f| within(&f.span))
			&& self.figures.windows(2).all(|w| w[0].span.start <= w[1].span.start)
			&& self.signature.windows(2).all(|w| w[0].hash < w[1].hash)
			&& self.signature.iter().all(|t| t.weight >= 1)
	}
}

/// One node's answer for one task: the label it found, its score for every class, the model
/// that produced them, and the proposal's brief.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct InferenceResult {
	/// The label with the highest score.
	pub label: LabelIndex,
	/// The score of each label, in basis points.
	pub scores: Scores,
	/// The share of the body's letters that stand in words the model knows, in basis points:
	/// below [`READABLE_FLOOR`], the label says little.
	pub readable: u16,
	/// sha256 of the ONNX model file that produced the answer.
	pub model: H256,
	/// The proposal's brief.
	pub brief: Brief,
}

impl InferenceResult {
	/// Whether the result is well formed for a model with `label_count` labels: the label is one
	/// of them, there is one score of at most [`BASIS_POINTS`] per label, the readable share is
	/// at most [`BASIS_POINTS`], and the brief is [`Brief::is_well_formed`].
	pub fn is_well_formed(&self, label_count: LabelIndex) -> bool {
		self.label < label_count
			&& self.scores.len() == label_count as usize
			&& self.scores.iter().all(|s| *s <= BASIS_POINTS)
			&& self.readable <= BASIS_POINTS
			&& self.brief.is_well_formed()
	}
}

/// The random salt a node keeps secret between its commit and its reveal.
pub type Salt = [u8; 32];

/// The commitment a node publishes for `result`: blake2b-256 of the SCALE encoding of
/// `(result, salt, who)`. Binding `who` stops one node from replaying another's commitment.
pub fn commitment<AccountId: Encode>(
	result: &InferenceResult,
	salt: &Salt,
	who: &AccountId,
) -> H256 {
	BlakeTwo256::hash_of(&(result, salt, who))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn result(label: LabelIndex, scores: &[u16]) -> InferenceResult {
		InferenceResult {
			label,
			scores: scores.to_vec().try_into().expect("within MAX_LABELS"),
			readable: 9_000,
			model: H256::repeat_byte(7),
			brief: Brief::default(),
		}
	}

	#[test]
	fn well_formed_results_name_a_label_and_score_every_class() {
		assert!(result(1, &[1_000, 9_000]).is_well_formed(2));
		assert!(!result(2, &[1_000, 9_000]).is_well_formed(2), "label out of range");
		assert!(!result(0, &[10_000]).is_well_formed(2), "a class without a score");
		assert!(!result(0, &[10_001, 0]).is_well_formed(2), "a score above certainty");
		let mut r = result(1, &[1_000, 9_000]);
		r.readable = 10_001;
		assert!(!r.is_well_formed(2), "more than all of the text readable");
	}

	#[test]
	fn a_brief_takes_at_most_295_bytes() {
		// 3 sentence spans (1 + 3 × 8), 12 figures (1 + 12 × 9), 32 terms (1 + 32 × 5).
		assert_eq!(Brief::max_encoded_len(), 295);
	}

	#[test]
	fn well_formed_briefs_are_canonical() {
		let span = |start, end| Span { start, end };
		let figure = |start, end| Figure { span: span(start, end), kind: FigureKind::Amount };
		let term = |hash, weight| Term { hash, weight };
		let brief = Brief {
			sentences: vec![span(0, 20), span(40, 61)].try_into().unwrap(),
			figures: vec![figure(3, 9), figure(5, 12)].try_into().unwrap(),
			signature: vec![term(1, 2), term(7, 1)].try_into().unwrap(),
		};
		assert!(brief.is_well_formed());
		let mut bad = brief.clone();
		bad.sentences = vec![span(40, 61), span(40, 61)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "a sentence twice");
		let mut bad = brief.clone();
		bad.sentences = vec![span(40, 61), span(0, 20)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "sentences out of order");
		let mut bad = brief.clone();
		bad.sentences = vec![span(7, 7)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "an empty sentence");
		let mut bad = brief.clone();
		bad.figures = vec![figure(5, 5)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "an empty span");
		let mut bad = brief.clone();
		bad.figures = vec![figure(5, 9), figure(3, 4)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "figures out of order");
		let mut bad = brief.clone();
		bad.figures =
			vec![figure(0, crate::content::MAX_BODY_BYTES as u32 + 1)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "a span past any body");
		let mut bad = brief.clone();
		bad.signature = vec![term(7, 1), term(1, 2)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "terms out of order");
		let mut bad = brief;
		bad.signature = vec![term(1, 0)].try_into().unwrap();
		assert!(!bad.is_well_formed(), "a weightless term");
	}

	#[test]
	fn commitments_bind_result_salt_and_account() {
		let r = result(0, &[6_000, 4_000]);
		let c = commitment(&r, &[1; 32], &1u64);
		assert_eq!(c, commitment(&r, &[1; 32], &1u64));
		assert_ne!(c, commitment(&r, &[2; 32], &1u64));
		assert_ne!(c, commitment(&r, &[1; 32], &2u64));
		assert_ne!(c, commitment(&result(1, &[4_000, 6_000]), &[1; 32], &1u64));
	}
}
