//! # Inference host interface
//!
//! The runtime's offchain worker analyses a proposal by calling [`inference::classify`], a host
//! function: the Wasm runtime cannot run ONNX Runtime, so the node runs the model natively and
//! hands back the quantised answer.
//!
//! The node provides the model through an externalities extension, [`ClassifierExt`], which it
//! registers **only** for offchain-worker calls. Block import, block authoring and runtime API
//! calls run without it, and there `classify` answers [`InferenceError::Unavailable`]: consensus
//! never depends on a model, only on the results nodes submitted.
//!
//! The node's executor must list [`inference::HostFunctions`] beside `sp_io`'s; a runtime that
//! imports a host function its executor lacks fails to instantiate.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndRead, PassPointerAndRead},
	runtime_interface,
};

/// The most labels a classifier may have: a result's scores are bounded by it on chain.
pub const MAX_LABELS: usize = daollm_primitives::MAX_LABELS as usize;

/// The longest input the engine accepts, in bytes: the chain's largest proposal body.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// A model's answer for one input: the label and a score per label, quantised to basis points.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo)]
pub struct Classification {
	/// The label with the highest score (the first of equal ones).
	pub label: u8,
	/// One score per label in basis points (1/10 000): `floor(p × 10 000 + 0.5)`.
	pub scores: Vec<u16>,
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
			Ok(Classification { label: model[0], scores: vec![text.len() as u16] })
		}
	}

	#[test]
	fn without_the_extension_classify_is_unavailable() {
		let mut ext = sp_io::TestExternalities::default();
		ext.execute_with(|| {
			assert_eq!(inference::classify(&[0; 32], b"text"), Err(InferenceError::Unavailable));
		});
	}

	#[test]
	fn with_the_extension_classify_reaches_the_classifier() {
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(ClassifierExt(Arc::new(Echo)));
		ext.execute_with(|| {
			assert_eq!(
				inference::classify(&[7; 32], b"four"),
				Ok(Classification { label: 7, scores: vec![4] })
			);
		});
	}
}
