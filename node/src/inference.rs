//! The node's inference engine: which model files and ONNX Runtime library it uses, and the
//! metrics of its runs. Offchain workers reach it through the `inference` host functions; block
//! execution never does.

use daollm_inference_engine::{
	BuiltModel, Classification, Classifier, Engine, Example, InferenceError, TrainedUpdate,
	Trainer, TrainingError, TrainingPlan,
};
use daollm_primitives::training::{CandidateEvaluation, RobustRule};
use prometheus_endpoint::{
	exponential_buckets, register, CounterVec, HistogramOpts, HistogramVec, Opts, PrometheusError,
	Registry, U64,
};
use std::{path::PathBuf, sync::Arc, time::Instant};

/// Options of the inference engine.
#[derive(Debug, Clone, clap::Args)]
pub struct InferenceParams {
	/// An ONNX model file the offchain worker may run (repeat for several). Tasks name their
	/// model by sha256; the file with that hash is used, and a task whose model this node lacks
	/// is left alone (and logged). Without any, this node's offchain worker analyses nothing.
	#[arg(long = "inference-model", value_name = "FILE")]
	pub models: Vec<PathBuf>,

	/// The ONNX Runtime shared library: `onnxruntime/capi/libonnxruntime.so.*` from the PyPI
	/// `onnxruntime` wheel (1.31). Defaults to the `ORT_DYLIB_PATH` environment variable.
	#[arg(long = "onnxruntime", value_name = "FILE")]
	pub library: Option<PathBuf>,

	/// Threads each inference runs on. Results do not depend on it.
	#[arg(long = "inference-threads", value_name = "N", default_value_t = 1,
		value_parser = clap::value_parser!(u16).range(1..=64))]
	pub threads: u16,
}

impl InferenceParams {
	/// Loads ONNX Runtime and every model, or says which one failed and why; `None` when no
	/// model is configured.
	pub fn engine(&self) -> Result<Option<Engine>, String> {
		if self.models.is_empty() {
			log::info!(
				target: "inference",
				"no --inference-model given: this node's offchain worker will not analyse proposals"
			);
			return Ok(None);
		}
		let engine =
			Engine::new(self.library.as_deref(), self.threads.into()).map_err(|e| e.to_string())?;
		for path in &self.models {
			let info = engine.load_model(path, None).map_err(|e| e.to_string())?;
			log::info!(
				target: "inference",
				"🧠 inference model {} loaded: sha256 {}, {} labels, {} threads",
				path.display(),
				hex(&info.sha256),
				info.labels,
				self.threads
			);
			// The reference examples the training rounds of this model replay, shipped beside it.
			if let Some(count) = engine.load_reference_beside(path).map_err(|e| e.to_string())? {
				log::info!(
					target: "inference",
					"🧠 {count} reference examples of {} loaded from beside it",
					hex(&info.sha256)
				);
			}
		}
		Ok(Some(engine))
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The engine with Prometheus metrics of every classification (how many, by outcome, and how
/// long they took) and of every training step.
pub struct MeteredEngine {
	engine: Engine,
	runs: Option<CounterVec<U64>>,
	seconds: Option<HistogramVec>,
	training: Option<CounterVec<U64>>,
}

impl MeteredEngine {
	/// Wraps `engine`, registering its metrics in `registry` if there is one.
	pub fn new(engine: Engine, registry: Option<&Registry>) -> Result<Arc<Self>, PrometheusError> {
		let training = registry
			.map(|registry| {
				register(
					CounterVec::new(
						Opts::new(
							"daollm_training_steps_total",
							"Training steps run for offchain workers, by step and outcome",
						),
						&["step", "outcome"],
					)?,
					registry,
				)
			})
			.transpose()?;
		let (runs, seconds) = match registry {
			Some(registry) => (
				Some(register(
					CounterVec::new(
						Opts::new(
							"daollm_inference_runs_total",
							"Proposal classifications run for offchain workers, by outcome",
						),
						&["outcome"],
					)?,
					registry,
				)?),
				Some(register(
					HistogramVec::new(
						HistogramOpts::new(
							"daollm_inference_seconds",
							"Time to classify one proposal (normalise, run, quantise)",
						)
						.buckets(exponential_buckets(0.000_25, 2.0, 14)?),
						&["outcome"],
					)?,
					registry,
				)?),
			),
			None => (None, None),
		};
		Ok(Arc::new(Self { engine, runs, seconds, training }))
	}

	fn count_training<R>(&self, step: &str, result: &Result<R, TrainingError>, started: Instant) {
		let outcome = if result.is_ok() { "ok" } else { "failed" };
		if let Some(training) = &self.training {
			training.with_label_values(&[step, outcome]).inc();
		}
		log::info!(
			target: "training",
			"{step}: {outcome} in {:.2} s",
			started.elapsed().as_secs_f64()
		);
	}
}

impl Trainer for MeteredEngine {
	fn train(
		&self,
		base: &[u8; 32],
		examples: Vec<Example>,
		plan: TrainingPlan,
	) -> Result<TrainedUpdate, TrainingError> {
		let started = Instant::now();
		let result = self.engine.train(base, &examples, &plan);
		self.count_training("train", &result, started);
		result
	}

	fn aggregate(
		&self,
		base: &[u8; 32],
		rule: RobustRule,
		drawn: u32,
		updates: Vec<(u32, Vec<u8>)>,
	) -> Result<BuiltModel, TrainingError> {
		let started = Instant::now();
		let result = Trainer::aggregate(&self.engine, base, rule, drawn, updates);
		self.count_training("aggregate", &result, started);
		result
	}

	fn evaluate(
		&self,
		base: &[u8; 32],
		candidate: &[u8; 32],
		validation: Vec<Example>,
	) -> Result<CandidateEvaluation, TrainingError> {
		let started = Instant::now();
		let result = self.engine.assess(base, candidate, &validation);
		self.count_training("evaluate", &result, started);
		result
	}
}

impl Classifier for MeteredEngine {
	fn classify(&self, model: &[u8; 32], text: &[u8]) -> Result<Classification, InferenceError> {
		let started = Instant::now();
		let result = self.engine.classify(model, text);
		let outcome = match &result {
			Ok(_) => "ok",
			Err(InferenceError::ModelNotFound) => "model_not_found",
			Err(InferenceError::ModelFailed) => "model_failed",
			Err(_) => "bad_input",
		};
		if let Some(runs) = &self.runs {
			runs.with_label_values(&[outcome]).inc();
		}
		if let Some(seconds) = &self.seconds {
			seconds.with_label_values(&[outcome]).observe(started.elapsed().as_secs_f64());
		}
		result
	}
}
