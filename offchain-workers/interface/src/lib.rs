//! # Inference and training host interface
//!
//! The runtime's offchain workers reach the node's native engine through host functions: the Wasm
//! runtime cannot run ONNX Runtime, so the node runs the model natively and hands back the answer.
//!
//! - [`inference::classify`] analyses a proposal and returns the quantised answer;
//! - [`inference::brief`] returns a proposal's brief (`daollm_brief::brief`: key sentences, key
//!   figures, similarity signature), computed natively because its regular expressions do not
//!   build for Wasm;
//! - [`training::train`] trains the trainable layer of a base model on a round's verified
//!   annotations and returns its update ([`daollm_primitives::training::ModelUpdate`],
//!   SCALE-encoded);
//! - [`training::aggregate`] combines a round's updates deterministically into a new model file,
//!   which the node keeps and can run from then on, and returns the file's sha256;
//! - [`training::evaluate`] scores a built model beside its base on a round's held-back examples
//!   and the base's reference examples.
//!
//! The node provides the engine through externalities extensions, [`ClassifierExt`] and
//! [`TrainerExt`], which it registers **only** for offchain-worker calls. Block import, block
//! authoring and runtime API calls run without them, and there every host function answers
//! `Unavailable`: consensus never depends on a model, only on what nodes submitted.
//!
//! The node's executor must list [`inference::HostFunctions`] and [`training::HostFunctions`]
//! beside `sp_io`'s; a runtime that imports a host function its executor lacks fails to
//! instantiate.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use daollm_primitives::{
	inference::Brief,
	training::{AggregationError, CandidateEvaluation, Perbill, RobustRule},
};
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{
		AllocateAndReturnByCodec, PassFatPointerAndDecode, PassFatPointerAndRead,
		PassPointerAndRead,
	},
	runtime_interface,
};

/// The most labels a classifier may have: a result's scores are bounded by it on chain.
pub const MAX_LABELS: usize = daollm_primitives::MAX_LABELS as usize;

/// The longest input the engine accepts, in bytes: the chain's largest proposal body.
pub const MAX_INPUT_BYTES: usize = daollm_primitives::content::MAX_BODY_BYTES;

/// A model's answer for one input: the label and a score per label, quantised to basis points,
/// and how much of the input the model can read.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo)]
pub struct Classification {
	/// The label with the highest score (the first of equal ones).
	pub label: u8,
	/// One score per label in basis points (1/10 000): `floor(p × 10 000 + 0.5)`.
	pub scores: Vec<u16>,
	/// The share of the input's letters that stand in words the model knows, in basis points
	/// (`daollm_inference_engine::input::readable_share`).
	pub readable: u16,
}

/// Why a classification could not be made.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo)]
pub enum InferenceError {
	/// No model runs in this context: block execution, or a node started without
	/// `--inference-model`.
	Unavailable,
	/// The node has no model file with the requested sha256.
	ModelNotFound,
	/// The input is empty.
	EmptyInput,
	/// The input is longer than the engine accepts.
	InputTooLarge,
	/// The input is not UTF-8 text.
	NotUtf8,
	/// ONNX Runtime failed to run the model, or its output is not what the model promised.
	ModelFailed,
}

/// What the node plugs in to answer [`inference::classify`].
#[cfg(feature = "std")]
pub trait Classifier: Send + Sync {
	/// Runs the model whose file has sha256 `model` on the UTF-8 `text`.
	fn classify(&self, model: &[u8; 32], text: &[u8]) -> Result<Classification, InferenceError>;

	/// The brief of the proposal with `title` and the UTF-8 `body`: `daollm_brief::brief`, in
	/// the chain's bounded form. The same for every engine; override it only to meter it.
	fn brief(&self, title: &[u8], body: &[u8]) -> Result<Brief, InferenceError> {
		compute_brief(title, body)
	}
}

/// [`Classifier::brief`]'s computation: refuses what [`Classifier::classify`] refuses (empty,
/// oversized or non-UTF-8 bodies); a title that is not UTF-8 is read lossily.
#[cfg(feature = "std")]
pub fn compute_brief(title: &[u8], body: &[u8]) -> Result<Brief, InferenceError> {
	if body.is_empty() {
		return Err(InferenceError::EmptyInput);
	}
	if body.len() > MAX_INPUT_BYTES {
		return Err(InferenceError::InputTooLarge);
	}
	let body = core::str::from_utf8(body).map_err(|_| InferenceError::NotUtf8)?;
	let brief = daollm_brief::brief(&String::from_utf8_lossy(title), body);
	// The chain keeps a key sentence as its byte range, as it keeps a figure, so that a client
	// holding the body reads both without splitting it again.
	let sentences = daollm_brief::sentences::split(body);
	let key_sentences: Vec<_> = brief
		.sentences
		.iter()
		.filter_map(|index| sentences.get(*index as usize).copied())
		.collect();
	// `daollm_brief` keeps within the chain's bounds, so no conversion drops anything.
	Ok(Brief {
		sentences: key_sentences.try_into().unwrap_or_default(),
		figures: brief.figures.try_into().unwrap_or_default(),
		signature: brief.signature.try_into().unwrap_or_default(),
	})
}

#[cfg(feature = "std")]
use sp_externalities::ExternalitiesExt;

#[cfg(feature = "std")]
sp_externalities::decl_extension! {
	/// The node's classifier, registered for offchain-worker calls only.
	pub struct ClassifierExt(std::sync::Arc<dyn Classifier>);
}

/// Host functions for the offchain worker.
#[runtime_interface]
pub trait Inference {
	/// Classify `text` with the model whose ONNX file has sha256 `model`.
	///
	/// Answers [`InferenceError::Unavailable`] outside offchain workers.
	fn classify(
		&mut self,
		model: PassPointerAndRead<&[u8; 32], 32>,
		text: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<Classification, InferenceError>> {
		match self.extension::<ClassifierExt>() {
			Some(ext) => ext.0.classify(model, text),
			None => Err(InferenceError::Unavailable),
		}
	}

	/// The brief of the proposal with `title` and `body` ([`Classifier::brief`]).
	///
	/// Answers [`InferenceError::Unavailable`] outside offchain workers.
	fn brief(
		&mut self,
		title: PassFatPointerAndRead<&[u8]>,
		body: PassFatPointerAndRead<&[u8]>,
	) -> AllocateAndReturnByCodec<Result<Brief, InferenceError>> {
		match self.extension::<ClassifierExt>() {
			Some(ext) => ext.0.brief(title, body),
			None => Err(InferenceError::Unavailable),
		}
	}
}

/// One verified example a trainer trains on.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct Example {
	/// The label the annotators agreed on.
	pub label: u8,
	/// The proposal body (UTF-8).
	pub text: Vec<u8>,
	/// Whether the label corrects the inference network's (an error report): it weighs twice
	/// in training.
	pub error_report: bool,
}

/// How a trainer trains: SGD on the weighted softmax cross-entropy of the model's linear layer,
/// over the round's examples and, with `replay`, the model's reference examples.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct TrainingPlan {
	/// Passes over the examples.
	pub epochs: u8,
	/// The step size, in millionths.
	pub learning_rate_ppm: u32,
	/// Seeds the order the examples are visited in.
	pub seed: [u8; 32],
	/// The largest absolute value of the update's fixed-point entries: the update is clipped
	/// to it (the chain refuses anything beyond).
	pub max_value: u32,
	/// Whether the model's reference examples (what it was trained on, a few per source and
	/// label, shipped with it) are trained on beside the round's, so that the model keeps
	/// what it knew.
	pub replay: bool,
	/// How much one of the round's examples weighs against one reference example (at least 1).
	pub round_weight: u8,
	/// Whether every label present weighs the same in all, whatever its count of examples.
	pub balance_labels: bool,
}

/// A trainer's update and how many examples it trained on.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct TrainedUpdate {
	/// The SCALE-encoded [`daollm_primitives::training::ModelUpdate`].
	pub update: Vec<u8>,
	/// The examples it trained on (those whose text the model accepts).
	pub samples: u32,
}

/// A model built from a round's updates.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct BuiltModel {
	/// sha256 of the new model file.
	pub sha256: [u8; 32],
	/// Per update, in the order given: whether the robust rule kept it (an update that does
	/// not fit the base model's layer is not).
	pub kept: Vec<bool>,
	/// Per update, in the order given: how much of the aggregate it carries (zero if not
	/// kept), [`daollm_primitives::training::carried`].
	pub contributions: Vec<Perbill>,
}

/// Why training or aggregation could not be done.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub enum TrainingError {
	/// No engine runs in this context: block execution, or a node started without
	/// `--inference-model`.
	Unavailable,
	/// The node has no model file with the base model's sha256.
	ModelNotFound,
	/// The base model has no trainable linear layer this engine understands.
	NotTrainable,
	/// There is nothing to train on.
	NoExamples,
	/// An update does not decode, names another base model or has the wrong shape.
	BadUpdate,
	/// The updates could not be aggregated.
	Aggregation(AggregationError),
	/// ONNX Runtime failed, or the new model could not be written (see the node's log).
	Failed,
}

/// What the node plugs in to answer the [`training`] host functions.
#[cfg(feature = "std")]
pub trait Trainer: Send + Sync {
	/// Trains the linear layer of model `base` on `examples`.
	fn train(
		&self,
		base: &[u8; 32],
		examples: Vec<Example>,
		plan: TrainingPlan,
	) -> Result<TrainedUpdate, TrainingError>;

	/// Applies the aggregate of `updates` (sample count, SCALE-encoded update) under `rule`,
	/// for a round that drew `drawn` trainers, to model `base`, keeps the new model and returns
	/// what was built. Updates that do not fit the base's layer are set aside, not kept.
	fn aggregate(
		&self,
		base: &[u8; 32],
		rule: RobustRule,
		drawn: u32,
		updates: Vec<(u32, Vec<u8>)>,
	) -> Result<BuiltModel, TrainingError>;

	/// Scores model `candidate` and its base `base` on `validation` (the round's held-back
	/// examples) and on `base`'s reference examples: how many of each they label right.
	fn evaluate(
		&self,
		base: &[u8; 32],
		candidate: &[u8; 32],
		validation: Vec<Example>,
	) -> Result<CandidateEvaluation, TrainingError>;
}

#[cfg(feature = "std")]
sp_externalities::decl_extension! {
	/// The node's trainer, registered for offchain-worker calls only.
	pub struct TrainerExt(std::sync::Arc<dyn Trainer>);
}

/// Host functions for federated training in the offchain worker.
#[runtime_interface]
pub trait Training {
	/// Train the linear layer of the model whose ONNX file has sha256 `base` on `examples`.
	///
	/// Answers [`TrainingError::Unavailable`] outside offchain workers.
	fn train(
		&mut self,
		base: PassPointerAndRead<&[u8; 32], 32>,
		examples: PassFatPointerAndDecode<Vec<Example>>,
		plan: PassFatPointerAndDecode<TrainingPlan>,
	) -> AllocateAndReturnByCodec<Result<TrainedUpdate, TrainingError>> {
		match self.extension::<TrainerExt>() {
			Some(ext) => ext.0.train(base, examples, plan),
			None => Err(TrainingError::Unavailable),
		}
	}

	/// Build the model that the aggregate of `updates` under `rule`, for a round that drew
	/// `drawn` trainers, makes of model `base`.
	///
	/// Answers [`TrainingError::Unavailable`] outside offchain workers.
	fn aggregate(
		&mut self,
		base: PassPointerAndRead<&[u8; 32], 32>,
		rule: PassFatPointerAndDecode<RobustRule>,
		drawn: u32,
		updates: PassFatPointerAndDecode<Vec<(u32, Vec<u8>)>>,
	) -> AllocateAndReturnByCodec<Result<BuiltModel, TrainingError>> {
		match self.extension::<TrainerExt>() {
			Some(ext) => ext.0.aggregate(base, rule, drawn, updates),
			None => Err(TrainingError::Unavailable),
		}
	}

	/// Score model `candidate`, built from model `base`, and `base` itself on `validation` and
	/// on `base`'s reference examples.
	///
	/// Answers [`TrainingError::Unavailable`] outside offchain workers.
	fn evaluate(
		&mut self,
		base: PassPointerAndRead<&[u8; 32], 32>,
		candidate: PassPointerAndRead<&[u8; 32], 32>,
		validation: PassFatPointerAndDecode<Vec<Example>>,
	) -> AllocateAndReturnByCodec<Result<CandidateEvaluation, TrainingError>> {
		match self.extension::<TrainerExt>() {
			Some(ext) => ext.0.evaluate(base, candidate, validation),
			None => Err(TrainingError::Unavailable),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::sync::Arc;

	struct Echo;
	impl Classifier for Echo {
		fn classify(
			&self,
			model: &[u8; 32],
			text: &[u8],
		) -> Result<Classification, InferenceError> {
			Ok(Classification {
				label: model[0],
				scores: vec![text.len() as u16],
				readable: 10_000,
			})
		}
	}

	#[test]
	fn without_the_extensions_the_engine_is_unavailable() {
		let mut ext = sp_io::TestExternalities::default();
		ext.execute_with(|| {
			assert_eq!(inference::classify(&[0; 32], b"text"), Err(InferenceError::Unavailable));
			let plan = TrainingPlan {
				epochs: 1,
				learning_rate_ppm: 1,
				seed: [0; 32],
				max_value: 1,
				replay: false,
				round_weight: 1,
				balance_labels: false,
			};
			assert_eq!(
				training::train(&[0; 32], Vec::new(), plan),
				Err(TrainingError::Unavailable)
			);
			assert_eq!(
				training::aggregate(&[0; 32], RobustRule::Median, 1, Vec::new()),
				Err(TrainingError::Unavailable)
			);
			assert_eq!(
				training::evaluate(&[0; 32], &[1; 32], Vec::new()),
				Err(TrainingError::Unavailable)
			);
		});
	}

	#[test]
	fn with_the_extension_classify_reaches_the_classifier() {
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(ClassifierExt(Arc::new(Echo)));
		ext.execute_with(|| {
			assert_eq!(
				inference::classify(&[7; 32], b"four"),
				Ok(Classification { label: 7, scores: vec![4], readable: 10_000 })
			);
		});
	}
}
