//! The engine on the committed model, with the real ONNX Runtime library (`ORT_DYLIB_PATH`, which
//! `scripts/env.sh` sets after installing the PyPI wheel).

use daollm_inference_engine::{
	input::{normalise, MAX_CHARS, MAX_INPUT_BYTES},
	Engine, EngineError, InferenceError, ModelHash,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Fixtures {
	normalise: Vec<NormaliseCase>,
	dev: Vec<Expected>,
}

#[derive(Deserialize)]
struct NormaliseCase {
	raw: String,
	normalised: String,
}

#[derive(Deserialize)]
struct Expected {
	id: String,
	text: String,
	label: u8,
	scores: Vec<u16>,
}

#[derive(Deserialize)]
struct Manifest {
	file: String,
	sha256: String,
	labels: Vec<String>,
	input: ManifestInput,
}

#[derive(Deserialize)]
struct ManifestInput {
	max_chars: usize,
}

/// Read at run time, not compile time: the build may be shared by clones at other paths.
fn model_dir() -> PathBuf {
	PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
		.join("model")
}

fn read_json<T: for<'de> Deserialize<'de>>(name: &str) -> T {
	let text = std::fs::read_to_string(model_dir().join(name)).expect("committed file");
	serde_json::from_str(&text).expect("valid JSON")
}

fn manifest() -> Manifest {
	read_json("manifest.json")
}

fn sha256(manifest: &Manifest) -> ModelHash {
	let bytes: Vec<u8> = (0..64)
		.step_by(2)
		.map(|i| u8::from_str_radix(&manifest.sha256[i..i + 2], 16).expect("hex"))
		.collect();
	bytes.try_into().expect("32 bytes")
}

fn engine(threads: usize) -> (Engine, ModelHash) {
	let mut engine = Engine::new(None, threads).unwrap_or_else(|e| {
		panic!("{e} (scripts/env.sh installs the wheel and sets ORT_DYLIB_PATH)")
	});
	let manifest = manifest();
	let info = engine
		.load_model(&model_dir().join(&manifest.file), Some(sha256(&manifest)))
		.expect("the committed model loads");
	assert_eq!(info.labels, manifest.labels.len());
	(engine, info.sha256)
}

#[test]
fn normalises_exactly_as_training_did() {
	let fixtures: Fixtures = read_json("fixtures.json");
	assert!(fixtures.normalise.len() >= 5);
	for case in &fixtures.normalise {
		assert_eq!(normalise(&case.raw), case.normalised, "input {:?}", case.raw);
	}
	assert_eq!(manifest().input.max_chars, MAX_CHARS);
}

#[test]
fn gives_the_labels_and_scores_python_onnxruntime_gave() {
	let fixtures: Fixtures = read_json("fixtures.json");
	let (engine, model) = engine(1);
	let mut labels_seen = std::collections::BTreeSet::new();
	for expected in &fixtures.dev {
		let got = engine.classify(&model, expected.text.as_bytes()).expect("classifies");
		assert_eq!(got.label, expected.label, "{}", expected.id);
		assert_eq!(got.scores, expected.scores, "{}", expected.id);
		labels_seen.insert(got.label);
	}
	assert_eq!(labels_seen.len(), manifest().labels.len(), "every label is exercised");
}

#[test]
fn the_same_input_gives_the_same_bytes_across_runs_and_thread_counts() {
	let fixtures: Fixtures = read_json("fixtures.json");
	let (one, model) = engine(1);
	let (two, _) = engine(2);
	for expected in &fixtures.dev {
		let first = one.classify(&model, expected.text.as_bytes()).unwrap();
		for _ in 0..3 {
			assert_eq!(one.classify(&model, expected.text.as_bytes()).unwrap(), first);
		}
		assert_eq!(two.classify(&model, expected.text.as_bytes()).unwrap(), first);
	}
}

#[test]
fn classifies_treasury_requests_as_treasury_funding() {
	let (engine, model) = engine(1);
	let text = "## Summary\nThis proposal requests a budget of 120,000 DAI per month for the \
	            Growth Core Unit from the Protocol treasury, to fund grants, contributor \
	            salaries and incentive spending over the next twelve months.\n\n## Budget\n\
	            Monthly budget breakdown, headcount and the multisig wallet receiving the funds.";
	let got = engine.classify(&model, text.as_bytes()).unwrap();
	let labels = manifest().labels;
	assert_eq!(labels[got.label as usize], "treasury-funding", "scores {:?}", got.scores);
}

#[test]
fn refuses_bad_input_with_typed_errors() {
	let (engine, model) = engine(1);
	assert_eq!(engine.classify(&model, b""), Err(InferenceError::EmptyInput));
	assert_eq!(
		engine.classify(&model, &vec![b'a'; MAX_INPUT_BYTES + 1]),
		Err(InferenceError::InputTooLarge)
	);
	assert_eq!(engine.classify(&model, &[0xc3, 0x28]), Err(InferenceError::NotUtf8));
	assert_eq!(engine.classify(&[0; 32], b"text"), Err(InferenceError::ModelNotFound));
	// The largest accepted input runs.
	assert!(engine.classify(&model, &vec![b'a'; MAX_INPUT_BYTES]).is_ok());
}

#[test]
fn refuses_a_model_whose_hash_is_not_the_expected_one() {
	let (mut engine, model) = engine(1);
	let mut wrong = model;
	wrong[0] ^= 1;
	let path = model_dir().join(manifest().file);
	match engine.load_model(&path, Some(wrong)) {
		Err(EngineError::HashMismatch { expected, found, .. }) => {
			assert_eq!((expected, found), (wrong, model))
		},
		other => panic!("expected a hash mismatch, got {other:?}"),
	}
}

#[test]
fn refuses_missing_corrupt_and_foreign_models() {
	let (mut engine, _) = engine(1);
	let dir = std::env::temp_dir().join(format!("daollm-engine-test-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();

	let missing = dir.join("missing.onnx");
	assert!(matches!(engine.load_model(&missing, None), Err(EngineError::ModelRead { .. })));

	let model = std::fs::read(model_dir().join(manifest().file)).unwrap();
	let truncated = dir.join("truncated.onnx");
	std::fs::write(&truncated, &model[..model.len() / 2]).unwrap();
	let err = engine.load_model(&truncated, None).unwrap_err();
	assert!(matches!(err, EngineError::ModelInvalid { .. }), "{err}");

	let garbage = dir.join("garbage.onnx");
	std::fs::write(&garbage, b"not a model at all").unwrap();
	assert!(matches!(engine.load_model(&garbage, None), Err(EngineError::ModelInvalid { .. })));

	assert_eq!(engine.models().count(), 1, "failed loads leave the engine as it was");
	std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refuses_a_missing_library_and_zero_threads() {
	let err = Engine::new(Some(Path::new("/nonexistent/libonnxruntime.so")), 1)
		.err()
		.expect("no library there");
	assert!(matches!(err, EngineError::Library { .. }), "{err}");
	assert!(err.to_string().contains("/nonexistent/libonnxruntime.so"));
	assert!(matches!(Engine::new(None, 0), Err(EngineError::Threads)));
}
