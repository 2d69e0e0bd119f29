//! Prints the brief's deterministic parts for proposals: JSON lines `{"id", "title", "text", …}`
//! on stdin, one JSON line `{"id", "sentences": [[start, end], …], "key": [index, …],
//! "figures": [[kind, start, end], …], "signature": [[hash, weight], …]}` out per row (byte offsets into the row's `text` as
//! UTF-8; `key` indexes `sentences`). The offline evaluation and the
//! figure fixtures are made with it:
//!
//!     cargo run --release -p daollm-brief --example brief < rows.jsonl
//!
//! With `--features` each line holds instead `{"id", "sentences", "features": [[…], …],
//! "tokens": [[…], …]}`: every sentence's `daollm_brief::summary::features` and its lexicon
//! tokens, which `offchain-workers/model/fit_summary.py` fits the summary's weights to.
//!
//! With `--stop-words` it prints the words' stop list (`daollm_brief::words::STOP_WORDS`) as a
//! JSON array instead.

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let stdout = std::io::stdout();
	let mut out = stdout.lock();
	if std::env::args().any(|a| a == "--stop-words") {
		writeln!(out, "{}", serde_json::json!(daollm_brief::words::STOP_WORDS))?;
		return Ok(());
	}
	let features = std::env::args().any(|a| a == "--features");
	for (number, line) in std::io::stdin().lock().lines().enumerate() {
		let row: serde_json::Value = serde_json::from_str(&line?)
			.map_err(|e| format!("line {}: not JSON: {e}", number + 1))?;
		let text = row["text"].as_str().ok_or(format!("line {}: no \"text\"", number + 1))?;
		let sentences: Vec<[u32; 2]> =
			daollm_brief::sentences::split(text).iter().map(|s| [s.start, s.end]).collect();
		let title = row["title"].as_str().unwrap_or("");
		if features {
			let tokens: Vec<Vec<String>> = daollm_brief::sentences::split(text)
				.iter()
				.map(|s| daollm_brief::summary::lexicon_tokens(&text[s.range()]).collect())
				.collect();
			let answer = serde_json::json!({
				"id": row["id"],
				"sentences": sentences,
				"features": daollm_brief::summary::features(title, text),
				"tokens": tokens,
			});
			writeln!(out, "{answer}")?;
			continue;
		}
		let brief = daollm_brief::brief(title, text);
		let figures: Vec<(&str, u32, u32)> =
			brief.figures.iter().map(|f| (f.kind.name(), f.span.start, f.span.end)).collect();
		let signature: Vec<(u32, u8)> =
			brief.signature.iter().map(|t| (t.hash, t.weight)).collect();
		let answer = serde_json::json!({
			"id": row["id"],
			"sentences": sentences,
			"key": brief.sentences,
			"figures": figures,
			"signature": signature,
		});
		writeln!(out, "{answer}")?;
	}
	Ok(())
}
