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
//!   ([`quantise`]), so honest nodes submit identical bytes; beside the label it says how much of
//!   the text the model can read ([`input::readable_share`]).
//!
//! - [`Engine::train`] and [`Engine::aggregate`] do federated training's two native steps (see
//!   [`training`]): a trainer's SGD on the model's linear layer, and the deterministic build of
//!   the new model from a round's updates, which the engine keeps (and writes to its model store)
//!   so that this node runs it once governance activates it.
//!
//! The engine implements [`Classifier`] and [`Trainer`], which the node registers as the offchain
//! workers' [`ClassifierExt`](daollm_inference_interface::ClassifierExt) and
//! [`TrainerExt`](daollm_inference_interface::TrainerExt).

pub mod error;
pub mod input;
mod model;
pub mod onnx;
pub mod quantise;
pub mod reference;
pub mod training;

pub use daollm_inference_interface::{
	BuiltModel, Classification, Classifier, Example, InferenceError, TrainedUpdate, Trainer,
	TrainingError, TrainingPlan,
};
pub use error::EngineError;
pub use model::{hex, unhex, ModelHash, ModelInfo};

use model::Model;
use ort::environment::Environment;
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
	sync::{Arc, Mutex, RwLock},
};

/// The environment variable naming the ONNX Runtime shared library when no path is given.
pub const LIBRARY_ENV: &str = "ORT_DYLIB_PATH";

/// The native inference engine: ONNX Runtime and the models this node can run.
pub struct Engine {
	environment: Environment,
	threads: usize,
	models: RwLock<BTreeMap<ModelHash, Arc<Model>>>,
	/// Each model's reference examples ([`reference`]), for the rounds that train it.
	references: RwLock<BTreeMap<ModelHash, Arc<[Example]>>>,
	/// Where models built from training rounds are written, and read back at start.
	store: Option<PathBuf>,
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
		Ok(Self {
			environment,
			threads,
			models: RwLock::new(BTreeMap::new()),
			references: RwLock::new(BTreeMap::new()),
			store: None,
		})
	}

	/// Keeps the models this engine builds in the directory `dir` (created if missing), and
	/// loads the ones an earlier run built there (`<sha256>.onnx`, each checked against its
	/// name, with its `<sha256>.reference.json`); a file that does not load is logged and
	/// skipped. Returns what was loaded.
	pub fn use_store(&mut self, dir: &Path) -> Result<Vec<ModelInfo>, EngineError> {
		let unreadable =
			|source: std::io::Error| EngineError::ModelRead { path: dir.to_owned(), source };
		std::fs::create_dir_all(dir).map_err(unreadable)?;
		let mut loaded = Vec::new();
		let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
			.map_err(unreadable)?
			.filter_map(|entry| entry.ok().map(|e| e.path()))
			.filter(|path| path.extension().is_some_and(|e| e == "onnx"))
			.collect();
		entries.sort();
		for path in entries {
			let expected = path.file_stem().and_then(|s| s.to_str()).and_then(model::unhex);
			let Some(expected) = expected else {
				log::warn!(target: "inference", "{}: not a built model's name, skipped", path.display());
				continue;
			};
			// One bad file (a crash mid-write before writes were atomic, a disk error) costs
			// that model, which the node rebuilds or fetches again; never the node's start.
			match self.load_model(&path, Some(expected)) {
				Ok(info) => loaded.push(info),
				Err(e) => log::warn!(target: "inference", "{}: {e}; skipped", path.display()),
			}
			if let Err(e) = self.load_reference_beside(&path) {
				log::warn!(target: "inference", "{e}; skipped");
			}
		}
		self.store = Some(dir.to_owned());
		Ok(loaded)
	}

	/// Loads the model in `path`, refusing it if its sha256 is not `expected` (when given) or if
	/// it does not have the classifier's interface (one string input, a float output of one
	/// probability per label). Returns what was loaded; loading the same file twice is harmless.
	pub fn load_model(
		&self,
		path: &Path,
		expected: Option<ModelHash>,
	) -> Result<ModelInfo, EngineError> {
		let model = Model::load(&self.environment, path, expected, self.threads)?;
		Ok(self.insert(model))
	}

	/// Loads the reference examples in `path` ([`mod@reference`]) for the model they name, which
	/// must be loaded. Returns that model's sha256 and how many examples the file holds.
	pub fn load_reference(&self, path: &Path) -> Result<(ModelHash, usize), EngineError> {
		let (model, examples) = reference::read(path)?;
		if self.model(&model).is_none() {
			return Err(EngineError::ReferenceInvalid {
				path: path.to_owned(),
				reason: format!("no model with sha256 {} is loaded", hex(&model)),
			});
		}
		let count = examples.len();
		self.set_reference(model, examples.into());
		Ok((model, count))
	}

	/// Loads the reference examples shipped beside the model file `model`
	/// ([`reference::beside`]), if there is such a file; returns how many it holds.
	pub fn load_reference_beside(&self, model: &Path) -> Result<Option<usize>, EngineError> {
		let path = reference::beside(model);
		if !path.is_file() {
			return Ok(None);
		}
		self.load_reference(&path).map(|(_, count)| Some(count))
	}

	/// The reference examples of model `hash`, if it has any.
	pub fn reference(&self, hash: &ModelHash) -> Option<Arc<[Example]>> {
		let references = self.references.read().unwrap_or_else(|poisoned| poisoned.into_inner());
		references.get(hash).cloned()
	}

	fn set_reference(&self, hash: ModelHash, examples: Arc<[Example]>) {
		let mut references =
			self.references.write().unwrap_or_else(|poisoned| poisoned.into_inner());
		references.insert(hash, examples);
	}

	fn insert(&self, model: Model) -> ModelInfo {
		let info = model.info();
		self.write_models().insert(info.sha256, Arc::new(model));
		info
	}

	fn write_models(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<ModelHash, Arc<Model>>> {
		// A poisoned lock only means another call panicked; the map itself is consistent.
		self.models.write().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// The model with sha256 `hash`, if this engine has it.
	fn model(&self, hash: &ModelHash) -> Option<Arc<Model>> {
		let models = self.models.read().unwrap_or_else(|poisoned| poisoned.into_inner());
		models.get(hash).cloned()
	}

	/// The models this engine can run.
	pub fn models(&self) -> Vec<ModelInfo> {
		let models = self.models.read().unwrap_or_else(|poisoned| poisoned.into_inner());
		models.values().map(|m| m.info()).collect()
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
		let model = self.model(model).ok_or(InferenceError::ModelNotFound)?;
		let text = input::validate(text)?;
		model.classify(text)
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
