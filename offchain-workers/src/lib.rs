//! # DAOLLM inference engine
//!
//! Runs the proposal classifier natively, with ONNX Runtime, for the runtime's offchain worker.
//!
//! - [`Engine::new`] loads the ONNX Runtime shared library (from the PyPI `onnxruntime` wheel; the
//!   node's `--onnxruntime` option or `ORT_DYLIB_PATH` names it) — never a downloaded copy.
//! - [`Engine::load_model`] reads an `.onnx` file, computes its sha256 and refuses it if it is not
//!   the hash the operator (or the chain) expects; models are then addressed by that hash, which is
//!   what the chain's tasks name.
//! - [`Engine::classify`] normalises the text exactly as training did ([`input::normalise`]), runs
//!   the model with a fixed number of threads, and quantises the probabilities to basis points
//!   ([`quantise`]), so honest nodes submit identical bytes.
//!
//! The engine implements [`Classifier`], which the node registers as the offchain workers'
//! [`ClassifierExt`](daollm_inference_interface::ClassifierExt).

pub mod error;
pub mod input;
mod model;
pub mod quantise;

pub use daollm_inference_interface::{Classification, Classifier, InferenceError};
pub use error::EngineError;
pub use model::{ModelHash, ModelInfo};

use model::Model;
use ort::environment::Environment;
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	sync::Mutex,
};

/// The environment variable naming the ONNX Runtime shared library when no path is given.
pub const LIBRARY_ENV: &str = "ORT_DYLIB_PATH";

/// The native inference engine: ONNX Runtime and the models this node can run.
pub struct Engine {
	environment: Environment,
	threads: usize,
	models: BTreeMap<ModelHash, Model>,
}

impl Engine {
	/// Loads ONNX Runtime from `library` (or from [`LIBRARY_ENV`] if `None`); every model runs
	/// with `threads` intra-op threads.
	///
	/// ONNX Runtime allows one library and one environment per process: engines share them, and
	/// asking for a different library once one is loaded is an error.
	pub fn new(library: Option<&Path>, threads: usize) -> Result<Self, EngineError> {
		if threads == 0 {
			return Err(EngineError::Threads);
		}
		let library: PathBuf = match library {
			Some(path) => path.to_owned(),
			None => {
				std::env::var_os(LIBRARY_ENV).map(PathBuf::from).ok_or(EngineError::NoLibrary)?
			},
		};
		if !library.is_file() {
			return Err(EngineError::Library { path: library, reason: "no such file".into() });
		}
		let environment = environment(library)?;
		Ok(Self { environment, threads, models: BTreeMap::new() })
	}

	/// Loads the model in `path`, refusing it if its sha256 is not `expected` (when given) or if
	/// it does not have the classifier's interface (one string input, a float output of one
	/// probability per label). Returns what was loaded; loading the same file twice is harmless.
	pub fn load_model(
		&mut self,
		path: &Path,
		expected: Option<ModelHash>,
	) -> Result<ModelInfo, EngineError> {
		let model = Model::load(&self.environment, path, expected, self.threads)?;
		let info = model.info();
		self.models.insert(info.sha256, model);
		Ok(info)
	}

	/// The models this engine can run.
	pub fn models(&self) -> impl Iterator<Item = ModelInfo> + '_ {
		self.models.values().map(Model::info)
	}

	/// Intra-op threads each model runs with.
	pub fn threads(&self) -> usize {
		self.threads
	}

	/// Classifies the UTF-8 `text` with the model whose file has sha256 `model`.
	pub fn classify(
		&self,
		model: &ModelHash,
		text: &[u8],
	) -> Result<Classification, InferenceError> {
		let model = self.models.get(model).ok_or(InferenceError::ModelNotFound)?;
		let text = input::validate(text)?;
		model.classify(&input::normalise(text))
	}
}

/// The process's ONNX Runtime environment and the library it was loaded from.
static ENVIRONMENT: Mutex<Option<(PathBuf, Environment)>> = Mutex::new(None);

fn environment(library: PathBuf) -> Result<Environment, EngineError> {
	let mut loaded = ENVIRONMENT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	if let Some((path, environment)) = loaded.as_ref() {
		return if *path == library {
			Ok(environment.clone())
		} else {
			Err(EngineError::Library {
				path: library,
				reason: format!("ONNX Runtime is already loaded from {}", path.display()),
			})
		};
	}
	let failed = |e: &dyn std::fmt::Display| EngineError::Library {
		path: library.clone(),
		reason: e.to_string(),
	};
	let environment = ort::init_from(&library)
		.map_err(|e| failed(&e))?
		.with_name("daollm-inference")
		.build()
		.map_err(|e| failed(&e))?;
	*loaded = Some((library, environment.clone()));
	Ok(environment)
}

impl Classifier for Engine {
	fn classify(&self, model: &[u8; 32], text: &[u8]) -> Result<Classification, InferenceError> {
		Engine::classify(self, model, text)
	}
}
