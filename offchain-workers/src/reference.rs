//! A model's reference examples: a few labelled proposals of every source and label the model
//! was trained on, shipped beside its file (`<name>.reference.json`).
//!
//! A training round's trainers replay them beside the round's new examples (the plan's
//! `replay`), so that a round which teaches the model a new DAO does not make it forget the ones
//! it already served. A model built from a round inherits its base's reference examples.
//!
//! The file is JSON: `{"model": "<sha256 of the model file, hex>", "examples": [{"id", "license",
//! "label", "text"}, …]}`, `label` the index of the model's output. `id` and `license` say where
//! each text comes from (see the model's NOTICE.md); the engine uses `label` and `text`.

use crate::{model, EngineError, Example, ModelHash};
use std::path::Path;

/// The most reference examples a file may hold: replaying them is part of every round.
pub const MAX_REFERENCE_EXAMPLES: usize = 1_000;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
	model: String,
	examples: Vec<Entry>,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Entry {
	#[serde(default)]
	id: String,
	#[serde(default)]
	license: String,
	label: u8,
	text: String,
}

/// Where the reference examples of the model file `model` are shipped: beside it, as
/// `<name>.reference.json`.
pub fn beside(model: &Path) -> std::path::PathBuf {
	model.with_extension("reference.json")
}

/// The reference examples in `path`, and the sha256 of the model they belong to.
pub fn read(path: &Path) -> Result<(ModelHash, Vec<Example>), EngineError> {
	let invalid = |reason: String| EngineError::ReferenceInvalid { path: path.to_owned(), reason };
	let bytes = std::fs::read(path)
		.map_err(|source| EngineError::ModelRead { path: path.to_owned(), source })?;
	let file: File = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
	let model = model::unhex(&file.model)
		.ok_or_else(|| invalid(format!("`model` is not a sha256: {}", file.model)))?;
	if file.examples.is_empty() || file.examples.len() > MAX_REFERENCE_EXAMPLES {
		return Err(invalid(format!(
			"{} examples; a reference set holds 1 to {MAX_REFERENCE_EXAMPLES}",
			file.examples.len()
		)));
	}
	let examples = file
		.examples
		.into_iter()
		.map(|e| Example { label: e.label, text: e.text.into(), error_report: false })
		.collect();
	Ok((model, examples))
}

/// Writes `examples` as the reference examples of `model` to `path`.
pub fn write(path: &Path, model: &ModelHash, examples: &[Example]) -> std::io::Result<()> {
	let entries: Vec<Entry> = examples
		.iter()
		.map(|e| Entry {
			id: String::new(),
			license: String::new(),
			label: e.label,
			text: String::from_utf8_lossy(&e.text).into_owned(),
		})
		.collect();
	let json = serde_json::json!({ "model": model::hex(model), "examples": entries });
	crate::training::write_atomically(path, json.to_string().as_bytes())
}
