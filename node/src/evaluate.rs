//! `daollm-node evaluate-model` and `daollm-node simulate-round`: score model files on labelled
//! proposals, and run a training round offline exactly as the chain runs it, for the evaluation
//! protocol beside `train.py` and for governance comparing a candidate with the active version.
//!
//! ```sh
//! daollm-node evaluate-model --model base.onnx --model candidate.onnx \
//!     --data ../shared/data/proposals/dev.jsonl
//! daollm-node simulate-round --model base.onnx --train annotated.jsonl \
//!     --eval dao=rest.jsonl --eval dev=../shared/data/proposals/dev.jsonl
//! ```
//!
//! `evaluate-model` prints one JSON object per model: its sha256, the examples scored, accuracy
//! and macro-F1. `simulate-round` prints one JSON object: the base's and the candidate's sha256,
//! the plan, and both models' scores on every `--eval` set.

use daollm_inference_engine::{hex, training::Evaluation, unhex, Engine, Example, TrainingPlan};
use daollm_runtime::genesis_config_presets::SHIPPED_MODEL_LABELS;
use std::path::{Path, PathBuf};

/// Options of `evaluate-model`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluateModelCmd {
	/// An ONNX model file to score (repeat to compare several).
	#[arg(long = "model", value_name = "FILE", required = true)]
	pub models: Vec<PathBuf>,

	/// Labelled proposals: JSON lines with `text` and `label` (one of the analysis model's label
	/// names, e.g. `treasury-funding`).
	#[arg(long, value_name = "FILE")]
	pub data: PathBuf,

	/// The ONNX Runtime shared library. Defaults to the `ORT_DYLIB_PATH` environment variable.
	#[arg(long = "onnxruntime", value_name = "FILE")]
	pub library: Option<PathBuf>,
}

impl EvaluateModelCmd {
	/// Scores every model and prints the results, one JSON object per line.
	pub fn run(&self) -> Result<(), String> {
		let examples = read_examples(&self.data)?;
		let engine = Engine::new(self.library.as_deref(), 1).map_err(|e| e.to_string())?;
		for path in &self.models {
			let info = engine.load_model(path, None).map_err(|e| e.to_string())?;
			let scores = engine
				.evaluate(&info.sha256, &examples)
				.map_err(|e| format!("{}: {e:?}", path.display()))?;
			println!(
				"{}",
				serde_json::json!({
					"model": path.display().to_string(),
					"sha256": hex(&info.sha256),
					"examples": scores.examples,
					"accuracy": scores.accuracy,
					"macroF1": scores.macro_f1,
				})
			);
		}
		Ok(())
	}
}

/// The labelled examples of a JSON-lines file (`text`, and `label` one of the analysis model's
/// label names), as (label index, text).
fn read_examples(path: &Path) -> Result<Vec<(u8, String)>, String> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
	text.lines()
		.enumerate()
		.filter(|(_, line)| !line.trim().is_empty())
		.map(|(n, line)| {
			let at = || format!("{} line {}", path.display(), n + 1);
			let row: serde_json::Value =
				serde_json::from_str(line).map_err(|e| format!("{}: {e}", at()))?;
			let label = row["label"].as_str().ok_or_else(|| format!("{}: no label", at()))?;
			let index = SHIPPED_MODEL_LABELS
				.iter()
				.position(|l| *l == label)
				.ok_or_else(|| format!("{}: unknown label `{label}`", at()))?;
			let text = row["text"].as_str().ok_or_else(|| format!("{}: no text", at()))?;
			Ok((index as u8, text.to_owned()))
		})
		.collect()
}

/// Options of `simulate-round`. Every default is the runtime's training parameters
/// (`DefaultTrainingParameters`): what a round on a public network does.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateRoundCmd {
	/// The base model: the ONNX file the round trains.
	#[arg(long, value_name = "FILE")]
	pub model: PathBuf,

	/// The base's reference examples. Defaults to `<model>.reference.json` beside the model,
	/// if there is one.
	#[arg(long, value_name = "FILE")]
	pub reference: Option<PathBuf>,

	/// The round's verified examples: JSON lines with `text` and `label`.
	#[arg(long, value_name = "FILE")]
	pub train: PathBuf,

	/// A labelled set to score the base and the candidate on, as `NAME=FILE` (repeatable).
	#[arg(long = "eval", value_name = "NAME=FILE", value_parser = parse_named)]
	pub evals: Vec<(String, PathBuf)>,

	/// Trainers drawn: each trains on all of the round's examples.
	#[arg(long)]
	pub trainers: Option<u32>,

	/// Passes of SGD.
	#[arg(long)]
	pub epochs: Option<u8>,

	/// The SGD step size, in millionths.
	#[arg(long = "learning-rate-ppm")]
	pub learning_rate_ppm: Option<u32>,

	/// How much one of the round's examples weighs against one reference example.
	#[arg(long = "round-weight")]
	pub round_weight: Option<u8>,

	/// Whether every label weighs the same (`true` / `false`).
	#[arg(long = "balance-labels")]
	pub balance_labels: Option<bool>,

	/// Whether the reference examples are replayed (`true` / `false`).
	#[arg(long)]
	pub replay: Option<bool>,

	/// The share of the round's examples held back from training to validate on, in percent.
	#[arg(long = "validation-percent")]
	pub validation_percent: Option<u8>,

	/// The round's seed (64 hex digits; a round's is `Round::training_seed`). Defaults to zero.
	#[arg(long)]
	pub seed: Option<String>,

	/// Write the candidate model here (as `<sha256>.onnx`, the way a node's model store does).
	#[arg(long, value_name = "DIR")]
	pub store: Option<PathBuf>,

	/// The ONNX Runtime shared library. Defaults to the `ORT_DYLIB_PATH` environment variable.
	#[arg(long = "onnxruntime", value_name = "FILE")]
	pub library: Option<PathBuf>,
}

fn parse_named(text: &str) -> Result<(String, PathBuf), String> {
	let (name, path) = text.split_once('=').ok_or("expected NAME=FILE")?;
	if name.is_empty() {
		return Err("the set needs a name".into());
	}
	Ok((name.to_owned(), PathBuf::from(path)))
}

/// An aggregator's counts, as JSON.
fn score_json(s: &daollm_primitives::training::Score) -> serde_json::Value {
	serde_json::json!({ "examples": s.examples, "base": s.base, "candidate": s.candidate })
}

fn scores(e: &Evaluation) -> serde_json::Value {
	serde_json::json!({ "examples": e.examples, "accuracy": e.accuracy, "macroF1": e.macro_f1 })
}

impl SimulateRoundCmd {
	/// Trains, aggregates, scores; prints the result as one JSON object.
	pub fn run(&self) -> Result<(), String> {
		let defaults = daollm_runtime::configs::DefaultTrainingParameters::get();
		let seed = match &self.seed {
			None => [0u8; 32],
			Some(text) => unhex(text).ok_or("--seed: expected 64 hex digits")?,
		};
		let plan = TrainingPlan {
			epochs: self.epochs.unwrap_or(defaults.plan.epochs),
			learning_rate_ppm: self.learning_rate_ppm.unwrap_or(defaults.plan.learning_rate_ppm),
			seed,
			max_value: defaults.plan.max_value,
			replay: self.replay.unwrap_or(defaults.plan.replay),
			round_weight: self.round_weight.unwrap_or(defaults.plan.round_weight),
			balance_labels: self.balance_labels.unwrap_or(defaults.plan.balance_labels),
		};
		let trainers = self.trainers.unwrap_or(defaults.trainers);
		let examples: Vec<Example> = read_examples(&self.train)?
			.into_iter()
			.map(|(label, text)| Example { label, text: text.into_bytes(), error_report: false })
			.collect();
		let evals = self
			.evals
			.iter()
			.map(|(name, path)| read_examples(path).map(|set| (name, set)))
			.collect::<Result<Vec<_>, _>>()?;

		let mut engine = Engine::new(self.library.as_deref(), 1).map_err(|e| e.to_string())?;
		if let Some(dir) = &self.store {
			engine.use_store(dir).map_err(|e| e.to_string())?;
		}
		let base = engine.load_model(&self.model, None).map_err(|e| e.to_string())?.sha256;
		let references = match &self.reference {
			Some(path) => engine.load_reference(path).map_err(|e| e.to_string())?.1,
			None => {
				engine.load_reference_beside(&self.model).map_err(|e| e.to_string())?.unwrap_or(0)
			},
		};
		let validation_percent =
			self.validation_percent.unwrap_or(defaults.plan.validation_percent);
		let (built, assessed) = engine
			.simulate_round(
				&base,
				&examples,
				&plan,
				trainers,
				defaults.plan.rule,
				validation_percent,
			)
			.map_err(|e| format!("the round failed: {e:?}"))?;
		let candidate = built.model.sha256;
		let mut scored = serde_json::Map::new();
		for (name, set) in evals {
			let score = |model| {
				engine.evaluate(model, &set).map(|e| scores(&e)).map_err(|e| format!("{e:?}"))
			};
			scored.insert(
				name.clone(),
				serde_json::json!({ "base": score(&base)?, "candidate": score(&candidate)? }),
			);
		}
		println!(
			"{}",
			serde_json::json!({
				"base": hex(&base),
				"candidate": hex(&candidate),
				"examples": examples.len(),
				"referenceExamples": references,
				"trainers": trainers,
				"kept": built.kept,
				"plan": {
					"epochs": plan.epochs,
					"learningRatePpm": plan.learning_rate_ppm,
					"replay": plan.replay,
					"roundWeight": plan.round_weight,
					"balanceLabels": plan.balance_labels,
					"maxValue": plan.max_value,
					"validationPercent": validation_percent,
				},
				"assessment": {
					"validation": score_json(&assessed.validation),
					"reference": score_json(&assessed.reference),
					"forgets": assessed.forgets(
						daollm_runtime::configs::TrainingForgettingTolerance::get()
					),
				},
				"evaluations": scored,
			})
		);
		Ok(())
	}
}
