//! What the inference network and the chain agree on: the `infr` signing key, the shape of one
//! node's answer, and the commitment that hides it until the reveal.

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

/// One node's answer for one task: the label it found, its score for every class and the model
/// that produced them.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct InferenceResult {
	/// The label with the highest score.
	pub label: LabelIndex,
	/// The score of each label, in basis points.
	pub scores: Scores,
	/// sha256 of the ONNX model file that produced the answer.
	pub model: H256,
}

impl InferenceResult {
	/// Whether the result is well formed for a model with `label_count` labels: the label is one
	/// of them, and there is one score of at most [`BASIS_POINTS`] per label.
	pub fn is_well_formed(&self, label_count: LabelIndex) -> bool {
		self.label < label_count
			&& self.scores.len() == label_count as usize
			&& self.scores.iter().all(|s| *s <= BASIS_POINTS)
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
			model: H256::repeat_byte(7),
		}
	}

	#[test]
	fn well_formed_results_name_a_label_and_score_every_class() {
		assert!(result(1, &[1_000, 9_000]).is_well_formed(2));
		assert!(!result(2, &[1_000, 9_000]).is_well_formed(2), "label out of range");
		assert!(!result(0, &[10_000]).is_well_formed(2), "a class without a score");
		assert!(!result(0, &[10_001, 0]).is_well_formed(2), "a score above certainty");
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
