//! A loaded classifier model: its file's hash and an ONNX Runtime session.

use crate::{quantise::quantise, Classification, EngineError, InferenceError};
use ort::{
	environment::Environment,
	session::{
		builder::{GraphOptimizationLevel, SessionBuilder},
		Session,
	},
	value::{Tensor, TensorElementType, ValueType},
};
use std::{
	collections::HashSet,
	path::Path,
	sync::{Arc, Mutex},
};

/// The sha256 of a model file: how the chain names a model.
pub type ModelHash = [u8; 32];

/// What a loaded model is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelInfo {
	/// The sha256 of its file.
	pub sha256: ModelHash,
	/// How many labels it scores.
	pub labels: usize,
	/// The file's size in bytes.
	pub bytes: usize,
}

/// Lower-case hex of a hash, for messages.
pub fn hex(hash: &ModelHash) -> String {
	hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A model ready to run: its file's bytes, the words it knows and one session, used by one call at
/// a time.
pub(crate) struct Model {
	info: ModelInfo,
	bytes: Arc<[u8]>,
	vocabulary: HashSet<Box<str>>,
	input: String,
	output: String,
	session: Mutex<Session>,
}

impl Model {
	pub(crate) fn load(
		environment: &Environment,
		path: &Path,
		expected: Option<ModelHash>,
		threads: usize,
	) -> Result<Self, EngineError> {
		let bytes = std::fs::read(path)
			.map_err(|source| EngineError::ModelRead { path: path.to_owned(), source })?;
		Self::from_bytes(environment, path, bytes, expected, threads)
	}

	/// The model in `bytes` (read from, or to be written to, `path`).
	pub(crate) fn from_bytes(
		environment: &Environment,
		path: &Path,
		bytes: Vec<u8>,
		expected: Option<ModelHash>,
		threads: usize,
	) -> Result<Self, EngineError> {
		let sha256 = sp_crypto_hashing::sha2_256(&bytes);
		if let Some(expected) = expected {
			if expected != sha256 {
				return Err(EngineError::HashMismatch {
					path: path.to_owned(),
					expected,
					found: sha256,
				});
			}
		}
		let invalid = |reason: String| EngineError::ModelInvalid { path: path.to_owned(), reason };
		let vocabulary = crate::onnx::vocabulary(&bytes)
			.map_err(|e| invalid(format!("no vocabulary: {e}")))?
			.into_iter()
			.map(String::into_boxed_str)
			.collect();
		let session = builder(environment, threads)
			.and_then(|mut b| b.commit_from_memory(&bytes))
			.map_err(|e| invalid(e.to_string()))?;

		let [input] = session.inputs() else {
			return Err(invalid(format!("{} inputs, not one", session.inputs().len())));
		};
		if !matches!(input.dtype(), ValueType::Tensor { ty: TensorElementType::String, .. }) {
			return Err(invalid(format!("input `{}` is not a string tensor", input.name())));
		}
		let output = session
			.outputs()
			.iter()
			.find(|o| matches!(o.dtype(), ValueType::Tensor { ty: TensorElementType::Float32, .. }))
			.ok_or_else(|| invalid("no float output of probabilities".into()))?;
		let labels = match output.dtype() {
			ValueType::Tensor { shape, .. } => shape.last().copied().unwrap_or(-1),
			_ => -1,
		};
		if labels < 1 || labels as usize > crate::input::MAX_LABELS {
			return Err(invalid(format!(
				"output `{}` must score 1 to {} labels",
				output.name(),
				crate::input::MAX_LABELS
			)));
		}
		Ok(Self {
			info: ModelInfo { sha256, labels: labels as usize, bytes: bytes.len() },
			bytes: bytes.into(),
			vocabulary,
			input: input.name().to_owned(),
			output: output.name().to_owned(),
			session: Mutex::new(session),
		})
	}

	pub(crate) fn info(&self) -> ModelInfo {
		self.info.clone()
	}

	/// The model file's bytes.
	pub(crate) fn bytes(&self) -> &[u8] {
		&self.bytes
	}

	/// Runs the model on one proposal body (validated UTF-8): its label and scores, and how much
	/// of it the model can read.
	pub(crate) fn classify(&self, body: &str) -> Result<Classification, InferenceError> {
		let readable = crate::input::readable_share(body, &self.vocabulary);
		let (label, scores) = self.probabilities(&crate::input::normalise(body))?;
		Ok(Classification { label, scores, readable })
	}

	/// Runs the model on one normalised text: the label and the scores in basis points.
	fn probabilities(&self, text: &str) -> Result<(u8, Vec<u16>), InferenceError> {
		let failed = |e: ort::Error| {
			log::warn!(target: "inference", "model {} failed: {e}", hex(&self.info.sha256));
			InferenceError::ModelFailed
		};
		let texts = [text.to_owned()];
		let tensor = Tensor::from_string_array(([1usize, 1], &texts[..])).map_err(failed)?;
		// A poisoned lock only means another call panicked mid-run; the session is still usable.
		let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let outputs = session.run(ort::inputs![self.input.as_str() => tensor]).map_err(failed)?;
		let probabilities =
			outputs[self.output.as_str()].try_extract_array::<f32>().map_err(failed)?;
		if probabilities.len() != self.info.labels {
			return Err(InferenceError::ModelFailed);
		}
		let probabilities: Vec<f32> = probabilities.iter().copied().collect();
		quantise(&probabilities)
	}
}

/// A session builder for deterministic, bounded inference: a fixed number of intra-op threads,
/// one inter-op thread, sequential execution, deterministic kernels and no busy-waiting threads
/// (the node has other work).
pub(crate) fn builder(environment: &Environment, threads: usize) -> ort::Result<SessionBuilder> {
	Ok(Session::builder(environment)?
		.with_optimization_level(GraphOptimizationLevel::Level1)?
		.with_intra_threads(threads)?
		.with_inter_threads(1)?
		.with_parallel_execution(false)?
		.with_intra_op_spinning(false)?
		.with_deterministic_compute(true)?)
}

/// The hash named by 64 hex digits.
pub fn unhex(text: &str) -> Option<ModelHash> {
	if text.len() != 64 {
		return None;
	}
	let mut hash = [0u8; 32];
	for (i, byte) in hash.iter_mut().enumerate() {
		*byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
	}
	Some(hash)
}
