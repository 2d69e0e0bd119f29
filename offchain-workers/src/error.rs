//! Why the engine or a model could not be set up.

use crate::model::{hex, ModelHash};
use std::{fmt, path::PathBuf};

/// An error setting up the engine or loading a model. Classification errors are
/// [`InferenceError`](crate::InferenceError)s, which cross into the runtime.
#[derive(Debug)]
pub enum EngineError {
	/// No library path was given and `ORT_DYLIB_PATH` is not set.
	NoLibrary,
	/// The ONNX Runtime shared library could not be loaded.
	Library {
		/// Where it was looked for.
		path: PathBuf,
		/// Why it failed.
		reason: String,
	},
	/// Zero threads were asked for.
	Threads,
	/// The model file could not be read.
	ModelRead {
		/// The file.
		path: PathBuf,
		/// The I/O error.
		source: std::io::Error,
	},
	/// The model file's sha256 is not the expected one.
	HashMismatch {
		/// The file.
		path: PathBuf,
		/// The hash asked for.
		expected: ModelHash,
		/// The file's hash.
		found: ModelHash,
	},
	/// ONNX Runtime rejected the file, or the model does not have the classifier's interface.
	ModelInvalid {
		/// The file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// A reference-examples file is not what [`crate::reference`] describes, or names a model
	/// this engine has not loaded.
	ReferenceInvalid {
		/// The file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
}

impl fmt::Display for EngineError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NoLibrary => write!(
				f,
				"no ONNX Runtime library given: pass its path (the PyPI onnxruntime wheel's \
				 onnxruntime/capi/libonnxruntime.so.*) or set {}",
				crate::LIBRARY_ENV
			),
			Self::Library { path, reason } => {
				write!(f, "cannot load the ONNX Runtime library {}: {reason}", path.display())
			},
			Self::Threads => write!(f, "the inference engine needs at least one thread"),
			Self::ModelRead { path, source } => {
				write!(f, "cannot read the model {}: {source}", path.display())
			},
			Self::HashMismatch { path, expected, found } => write!(
				f,
				"the model {} has sha256 {}, not the expected {}",
				path.display(),
				hex(found),
				hex(expected)
			),
			Self::ModelInvalid { path, reason } => {
				write!(f, "{} is not a usable classifier model: {reason}", path.display())
			},
			Self::ReferenceInvalid { path, reason } => {
				write!(f, "{} is not a usable reference-examples file: {reason}", path.display())
			},
		}
	}
}

impl std::error::Error for EngineError {
	fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
		match self {
			Self::ModelRead { source, .. } => Some(source),
			_ => None,
		}
	}
}
