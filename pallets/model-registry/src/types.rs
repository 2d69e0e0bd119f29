//! The pallet's data: registered models, their versions and the registry's parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;

/// What a training round measured of a candidate version.
pub use daollm_primitives::training::{CandidateEvaluation, Score};

/// Identifies a model (a line of versions under one name), and its version numbers: 1 for its
/// first registered version, then 2, 3, …
pub use daollm_primitives::{ModelId, ModelVersion};

/// How a model reads its input.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum InputSpec {
	/// A proposal's UTF-8 text: the first `max_chars` code points, `A`–`Z` lowercased and every
	/// other non-ASCII character read as a space (the shipped classifier's `normalise`).
	#[serde(rename_all = "camelCase")]
	NormalisedText {
		/// Code points read from the start of the text.
		max_chars: u32,
	},
}

/// One registered version of a model.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxUri, MaxLabels, MaxLabelLen))]
pub struct ModelVersionInfo<
	BlockNumber,
	MaxUri: Get<u32>,
	MaxLabels: Get<u32>,
	MaxLabelLen: Get<u32>,
> {
	/// sha256 of the ONNX file: what nodes verify their local file against.
	pub sha256: H256,
	/// Where nodes fetch the file: an IPFS CID or a URL.
	pub uri: BoundedVec<u8, MaxUri>,
	/// The names of the model's labels, by label index.
	pub labels: BoundedVec<BoundedVec<u8, MaxLabelLen>, MaxLabels>,
	/// How the model reads its input.
	pub input: InputSpec,
	/// The width of the model's trainable linear layer (features per label; the layer has one
	/// row per label), if training rounds may train this version: the shape every trainer's
	/// update must have.
	pub layer_features: Option<u32>,
	/// For a candidate a training round built: what the round's aggregators measured of it and
	/// its base, on the round's held-back examples and on the base's reference examples, so
	/// that voters see whether it is better before they vote. `None` for a version registered
	/// by hand.
	pub evaluation: Option<CandidateEvaluation>,
	/// Whether that evaluation found the candidate forgetting: it labels more of the reference
	/// examples wrong than the training pallet's tolerance allows. Governance may still
	/// activate it, but it is registered saying so.
	pub forgets: bool,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
}

/// A model: its name, how many versions it has, and which one is active.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxName))]
pub struct ModelInfo<MaxName: Get<u32>> {
	/// The model's name, unique on chain.
	pub name: BoundedVec<u8, MaxName>,
	/// The number of its latest version (versions are `1..=latest`).
	pub latest: ModelVersion,
	/// The version tasks run, once one is activated; exactly one from then on.
	pub active: Option<ModelVersion>,
}

/// The registry's parameters: set at genesis, changed by governance
/// ([`crate::Pallet::set_parameters`]) within the bounds [`Parameters::check`] enforces.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Parameters<BlockNumber> {
	/// Blocks between activating a model version and the first task that runs it: the time
	/// operators have to install the file, so that nobody is slashed for lacking a file they
	/// could not have had yet.
	pub activation_delay: BlockNumber,
}

/// Why a set of parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `activation_delay` is longer than the pallet's `MaxActivationDelay`: an activation
	/// must come into force while the DAO still cares.
	ActivationDelay,
}

impl<BlockNumber: PartialOrd> Parameters<BlockNumber> {
	/// Checks the parameters against the pallet's bounds.
	pub fn check(&self, max_activation_delay: BlockNumber) -> Result<(), InvalidParameter> {
		if self.activation_delay > max_activation_delay {
			return Err(InvalidParameter::ActivationDelay);
		}
		Ok(())
	}
}
