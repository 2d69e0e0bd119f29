//! `daollm-node evaluate-model`: scores model files on labelled proposals, as training rounds and
//! governance need to compare a candidate with the active version.
//!
//! ```sh
//! daollm-node evaluate-model --model base.onnx --model candidate.onnx \
//!     --data ../shared/data/proposals/dev.jsonl
//! ```
//!
//! prints one JSON object per model: its sha256, the examples scored, accuracy and macro-F1.

use daollm_inference_engine::{hex, Engine};
use daollm_runtime::genesis_config_presets::SHIPPED_MODEL_LABELS;
use std::path::PathBuf;

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
		let examples = self.examples()?;
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

	/// The labelled examples of the data file.
	fn examples(&self) -> Result<Vec<(u8, String)>, String> {
		let text = std::fs::read_to_string(&self.data)
			.map_err(|e| format!("cannot read {}: {e}", self.data.display()))?;
		text.lines()
			.enumerate()
			.filter(|(_, line)| !line.trim().is_empty())
			.map(|(n, line)| {
				let at = || format!("{} line {}", self.data.display(), n + 1);
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
}
