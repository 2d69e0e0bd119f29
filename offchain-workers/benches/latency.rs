//! Inference latency per proposal over the dev set: this engine (1 and 2 threads) with and
//! without the brief (`daollm_brief::brief`, computed beside the label as the offchain worker
//! does), the brief alone, and Python's onnxruntime on the same model and inputs (label only),
//! side by side in one run.
//!
//! ```sh
//! offchain-workers/bench/run.sh      # sets up Python's onnxruntime, then runs this
//! ```
//!
//! Environment: `ORT_DYLIB_PATH` (the library), `DAOLLM_DEV_SET` (default
//! `../shared/data/proposals/dev.jsonl` beside the repository), `DAOLLM_BENCH_PYTHON` (a Python
//! with numpy and onnxruntime; the Python column is skipped, and says so, without it),
//! `DAOLLM_BENCH_PASSES` (passes over the dev set, default 3).

use daollm_inference_engine::{Engine, ModelHash};
use std::{
	path::{Path, PathBuf},
	process::Command,
	time::Instant,
};

struct Latency {
	p50_ms: f64,
	p99_ms: f64,
	samples: usize,
}

/// This crate's directory, read at run time: the build may be shared by clones at other paths.
fn crate_dir() -> std::path::PathBuf {
	std::path::PathBuf::from(
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
	)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
	let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
	sorted[rank - 1]
}

/// What one run measures per proposal.
#[derive(Clone, Copy, PartialEq)]
enum Work {
	/// The label and scores.
	Label,
	/// The label, the scores and the brief: what the offchain worker computes.
	LabelAndBrief,
	/// The brief alone.
	Brief,
}

/// A proposal of the dev set: title and body.
struct Row {
	title: String,
	text: String,
}

fn rust(model: &Path, rows: &[Row], threads: usize, passes: usize, work: Work) -> Latency {
	let engine = Engine::new(None, threads).expect("ONNX Runtime loads (ORT_DYLIB_PATH)");
	let hash: ModelHash = engine.load_model(model, None).expect("the model loads").sha256;
	let run = |row: &Row| {
		if work != Work::Brief {
			engine.classify(&hash, row.text.as_bytes()).expect("classifies");
		}
		if work != Work::Label {
			daollm_inference_interface::compute_brief(row.title.as_bytes(), row.text.as_bytes())
				.expect("a brief");
		}
	};
	rows.iter().take(10).for_each(run);
	let mut samples = Vec::with_capacity(rows.len() * passes);
	for _ in 0..passes {
		for row in rows {
			let start = Instant::now();
			run(row);
			samples.push(start.elapsed().as_secs_f64() * 1e3);
		}
	}
	samples.sort_by(f64::total_cmp);
	Latency {
		p50_ms: percentile(&samples, 0.5),
		p99_ms: percentile(&samples, 0.99),
		samples: samples.len(),
	}
}

fn python(
	python: &str,
	model: &Path,
	data: &Path,
	threads: usize,
	passes: usize,
) -> Result<Latency, String> {
	let script = crate_dir().join("bench/latency.py");
	let out = Command::new(python)
		.arg(script)
		.arg(model)
		.arg(data)
		.arg(threads.to_string())
		.arg(passes.to_string())
		.output()
		.map_err(|e| format!("cannot run {python}: {e}"))?;
	if !out.status.success() {
		return Err(String::from_utf8_lossy(&out.stderr).into_owned());
	}
	let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
	let num = |k: &str| v[k].as_f64().ok_or_else(|| format!("no {k} in {v}"));
	Ok(Latency {
		p50_ms: num("p50_ms")?,
		p99_ms: num("p99_ms")?,
		samples: num("samples")? as usize,
	})
}

fn main() {
	// `cargo bench` passes `--bench`; `cargo test --benches` runs it too: keep that one quick.
	let quick = !std::env::args().any(|a| a == "--bench");
	let root = crate_dir();
	let model = root.join("model/proposal-classifier.onnx");
	let data = std::env::var_os("DAOLLM_DEV_SET")
		.map(PathBuf::from)
		.unwrap_or_else(|| root.join("../../shared/data/proposals/dev.jsonl"));
	let Ok(lines) = std::fs::read_to_string(&data) else {
		eprintln!("no dev set at {} (set DAOLLM_DEV_SET)", data.display());
		std::process::exit(if quick { 0 } else { 1 });
	};
	let mut rows: Vec<Row> = lines
		.lines()
		.map(|l| {
			let v: serde_json::Value = serde_json::from_str(l).expect("JSON lines");
			Row {
				title: v["title"].as_str().unwrap_or_default().to_owned(),
				text: v["text"].as_str().expect("a text field").to_owned(),
			}
		})
		.collect();
	if quick {
		rows.truncate(5);
	}
	let passes = if quick {
		1
	} else {
		std::env::var("DAOLLM_BENCH_PASSES").ok().and_then(|p| p.parse().ok()).unwrap_or(3)
	};
	let python_bin = std::env::var("DAOLLM_BENCH_PYTHON").ok().filter(|_| !quick);

	println!("inference latency per proposal: {} proposals x {passes} passes", rows.len());
	println!("{:<40} {:>9} {:>9} {:>8}", "engine", "p50 ms", "p99 ms", "samples");
	let brief = rust(&model, &rows, 1, passes, Work::Brief);
	println!(
		"{:<40} {:>9.3} {:>9.3} {:>8}",
		"the brief alone (daollm-brief)", brief.p50_ms, brief.p99_ms, brief.samples
	);
	for threads in [1, 2] {
		let r = rust(&model, &rows, threads, passes, Work::Label);
		println!(
			"{:<40} {:>9.3} {:>9.3} {:>8}",
			format!("daollm engine (ort), {threads} thread(s)"),
			r.p50_ms,
			r.p99_ms,
			r.samples
		);
		let b = rust(&model, &rows, threads, passes, Work::LabelAndBrief);
		println!(
			"{:<40} {:>9.3} {:>9.3} {:>8}",
			format!("daollm engine + brief, {threads} thread(s)"),
			b.p50_ms,
			b.p99_ms,
			b.samples
		);
		match &python_bin {
			Some(bin) => match python(bin, &model, &data, threads, passes) {
				Ok(p) => println!(
					"{:<40} {:>9.3} {:>9.3} {:>8}   python/rust p50 {:.2}x, p99 {:.2}x",
					format!("python onnxruntime, {threads} thread(s)"),
					p.p50_ms,
					p.p99_ms,
					p.samples,
					p.p50_ms / r.p50_ms,
					p.p99_ms / r.p99_ms
				),
				Err(e) => println!("python onnxruntime, {threads} thread(s): failed: {e}"),
			},
			None => println!("python onnxruntime: skipped (set DAOLLM_BENCH_PYTHON)"),
		}
	}
}
