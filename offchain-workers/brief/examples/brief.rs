//! Prints the brief's deterministic parts for proposals: JSON lines `{"id", "title", "text", …}`
//! on stdin, one JSON line `{"id", "sentences": [[start, end], …], "key": [index, …],
//! "figures": [[kind, start, end], …]}` out per row (byte offsets into the row's `text` as
//! UTF-8; `key` indexes `sentences`). The offline evaluation and the
//! figure fixtures are made with it:
//!
//!     cargo run --release -p daollm-brief --example brief < rows.jsonl

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let stdout = std::io::stdout();
	let mut out = stdout.lock();
	for (number, line) in std::io::stdin().lock().lines().enumerate() {
		let row: serde_json::Value = serde_json::from_str(&line?)
			.map_err(|e| format!("line {}: not JSON: {e}", number + 1))?;
		let text = row["text"].as_str().ok_or(format!("line {}: no \"text\"", number + 1))?;
		let sentences: Vec<[u32; 2]> =
			daollm_brief::sentences::split(text).iter().map(|s| [s.start, s.end]).collect();
		let title = row["title"].as_str().unwrap_or("");
		let key = daollm_brief::summary::key_sentences(title, text);
		let figures: Vec<(&str, u32, u32)> = daollm_brief::figures::extract(text)
			.iter()
			.map(|f| (f.kind.name(), f.span.start, f.span.end))
			.collect();
		let answer = serde_json::json!({ "id": row["id"], "sentences": sentences, "key": key, "figures": figures });
		writeln!(out, "{answer}")?;
	}
	Ok(())
}
