//! The engine on the committed model, with the real ONNX Runtime library (`ORT_DYLIB_PATH`, which
//! `scripts/env.sh` sets after installing the PyPI wheel).

use codec::{DecodeAll, Encode};
use daollm_inference_engine::{
	hex,
	input::{normalise, MAX_CHARS, MAX_INPUT_BYTES},
	onnx::linear_layer,
	Engine, EngineError, Example, InferenceError, ModelHash, TrainingError, TrainingPlan,
};
use daollm_primitives::inference::READABLE_FLOOR;
use daollm_primitives::training::{
	from_fixed, held_back, AggregationError, ModelUpdate, Perbill, RobustRule, FRACTION_BITS,
};
use serde::Deserialize;
use sp_runtime::Percent;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Fixtures {
	normalise: Vec<NormaliseCase>,
	readable: Vec<ReadableCase>,
	dev: Vec<Expected>,
}

#[derive(Deserialize)]
struct ReadableCase {
	text: String,
	readable: u16,
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
	readable: u16,
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
	let engine = Engine::new(None, threads).unwrap_or_else(|e| {
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
		assert_eq!(got.readable, expected.readable, "{}", expected.id);
		assert!(got.readable >= READABLE_FLOOR, "{} is readable", expected.id);
		labels_seen.insert(got.label);
	}
	assert_eq!(labels_seen.len(), manifest().labels.len(), "every label is exercised");
}

#[test]
fn says_how_little_of_an_unreadable_body_it_reads_as_python_did() {
	let fixtures: Fixtures = read_json("fixtures.json");
	let (engine, model) = engine(1);
	assert!(fixtures.readable.len() >= 5);
	for case in &fixtures.readable {
		let got = engine.classify(&model, case.text.as_bytes()).expect("classifies");
		let shown: String = case.text.chars().take(40).collect();
		assert_eq!(got.readable, case.readable, "{shown:?}");
		assert!(got.readable < READABLE_FLOOR, "{shown:?} is unreadable");
	}
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
	let (engine, model) = engine(1);
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
	let (engine, _) = engine(1);
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

	assert_eq!(engine.models().len(), 1, "failed loads leave the engine as it was");
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

/// The fixtures' dev proposals as training examples.
fn examples() -> Vec<Example> {
	let fixtures: Fixtures = read_json("fixtures.json");
	fixtures
		.dev
		.into_iter()
		.map(|e| Example { label: e.label, text: e.text.into_bytes(), error_report: false })
		.collect()
}

/// The runtime's clipping bound: 8.0.
const MAX_VALUE: u32 = 8 << FRACTION_BITS;

/// Plain SGD on the examples given, as rounds trained before the evaluation protocol.
fn plan(seed: u8) -> TrainingPlan {
	TrainingPlan {
		epochs: 5,
		learning_rate_ppm: 500_000,
		seed: [seed; 32],
		max_value: MAX_VALUE,
		replay: false,
		round_weight: 1,
		balance_labels: false,
	}
}

/// The runtime's plan (`DefaultTrainingParameters`): rate 0.5, twenty epochs, the reference
/// examples replayed, a round's example weighing six of them, every label the same.
fn round_plan(seed: u8) -> TrainingPlan {
	TrainingPlan {
		epochs: 20,
		learning_rate_ppm: 500_000,
		replay: true,
		round_weight: 6,
		balance_labels: true,
		..plan(seed)
	}
}

const REFERENCE_FILE: &str = "proposal-classifier.reference.json";

/// The engine with the shipped model and its reference examples.
fn engine_with_reference() -> (Engine, ModelHash, usize) {
	let (engine, base) = engine(1);
	let (model, count) =
		engine.load_reference(&model_dir().join(REFERENCE_FILE)).expect("the reference loads");
	assert_eq!(model, base, "the shipped reference examples are the shipped model's");
	(engine, base, count)
}

fn labelled(examples: &[Example]) -> Vec<(u8, String)> {
	examples.iter().map(|e| (e.label, String::from_utf8(e.text.clone()).expect("text"))).collect()
}

/// Four trainers' updates, each trained on every fourth example.
fn four_updates(engine: &Engine, base: &ModelHash) -> Vec<(u32, Vec<u8>)> {
	let examples = examples();
	(0..4)
		.map(|i| {
			let part: Vec<Example> = examples.iter().skip(i).step_by(4).cloned().collect();
			let trained = engine.train(base, &part, &plan(i as u8)).expect("trains");
			(trained.samples, trained.update)
		})
		.collect()
}

/// An update of `base` with every weight at ±`value` (alternating), as a poisoner sends.
fn poisoned(base: &ModelHash, value: i32) -> Vec<u8> {
	let values = (0..5 * 20_000 + 5).map(|i| if i % 2 == 0 { value } else { -value }).collect();
	ModelUpdate { base: (*base).into(), labels: 5, features: 20_000, values }.encode()
}

/// How many of `examples` the model labels as they are labelled.
fn correct(engine: &Engine, model: &ModelHash, examples: &[Example]) -> usize {
	examples
		.iter()
		.filter(|e| engine.classify(model, &e.text).expect("classifies").label == e.label)
		.count()
}

#[test]
fn trains_the_linear_layer_and_builds_the_same_model_twice() {
	let (engine, base) = engine(1);
	let examples = examples();
	let trained = engine.train(&base, &examples, &plan(1)).expect("trains");
	assert_eq!(trained.samples, examples.len() as u32);
	let update = ModelUpdate::decode_all(&mut &trained.update[..]).expect("an update");
	assert_eq!((update.base.0, update.labels, update.features), (base, 5, 20_000));
	assert!(update.is_well_formed());
	assert!(update.values.iter().any(|v| *v != 0), "SGD moved the layer");

	let updates = vec![(trained.samples, trained.update.clone())];
	let result = engine.aggregate(&base, RobustRule::FedAvg, 1, &updates).expect("builds");
	let built = result.model;
	assert_eq!(result.kept, vec![true]);
	assert_eq!(result.contributions, vec![Perbill::one()], "one update is all of the aggregate");
	assert_ne!(built.sha256, base);
	let again = engine.aggregate(&base, RobustRule::FedAvg, 1, &updates).expect("builds").model;
	assert_eq!(again.sha256, built.sha256, "same updates, same file");

	// The new model is the base plus the update, rounded once to f32, and it runs.
	let base_bytes = std::fs::read(model_dir().join("proposal-classifier.onnx")).expect("model");
	let base_layer = linear_layer(&base_bytes).expect("a layer");
	let dir = std::env::temp_dir().join(format!("daollm-built-{}", std::process::id()));
	let mut stored = Engine::new(None, 1).expect("ONNX Runtime loads");
	assert!(stored.use_store(&dir).expect("a store").is_empty());
	stored.load_model(&model_dir().join("proposal-classifier.onnx"), Some(base)).expect("base");
	let written = stored.aggregate(&base, RobustRule::FedAvg, 1, &updates).expect("builds").model;
	assert_eq!(written.sha256, built.sha256);
	let file = std::fs::read(dir.join(format!("{}.onnx", hex(&built.sha256)))).expect("written");
	let layer = linear_layer(&file).expect("a layer");
	for (i, delta) in update.values[..100_000].iter().enumerate().step_by(997) {
		let expected = (base_layer.coefficients[i] as f64 + from_fixed(*delta)) as f32;
		assert_eq!(layer.coefficients[i], expected);
	}
	assert!(!dir.join(format!("{}.onnx.partial", hex(&built.sha256))).exists());
	// A restarted node finds it in its store, and skips a corrupt file beside it (one bad
	// file must not stop the node's start).
	std::fs::write(dir.join(format!("{}.onnx", "ab".repeat(32))), b"not a model").expect("file");
	let mut restarted = Engine::new(None, 1).expect("ONNX Runtime loads");
	let loaded = restarted.use_store(&dir).expect("the store loads");
	assert_eq!(loaded.iter().map(|m| m.sha256).collect::<Vec<_>>(), vec![built.sha256]);
	std::fs::remove_dir_all(&dir).expect("cleaned up");

	// Trained on these examples, the new model labels them at least as well as the base.
	assert!(correct(&engine, &built.sha256, &examples) >= correct(&engine, &base, &examples));
}

#[test]
fn a_poisoned_update_is_trimmed_away_and_cannot_wreck_the_model() {
	let (engine, base) = engine(1);
	let examples = examples();
	let mut updates = four_updates(&engine, &base);
	updates.push((5, poisoned(&base, 1 << 24)));

	let rule = RobustRule::TrimmedMean { trim: Percent::from_percent(20) };
	let built = engine.aggregate(&base, rule, 5, &updates).expect("builds");
	assert_eq!(built.kept, vec![true, true, true, true, false]);
	assert!(built.contributions[..4].iter().all(|c| !c.is_zero()));
	let fedavg = engine.aggregate(&base, RobustRule::FedAvg, 5, &updates).expect("builds").model;
	let robust = correct(&engine, &built.model.sha256, &examples);
	assert!(robust >= correct(&engine, &base, &examples), "the trimmed mean kept the model");
	assert!(correct(&engine, &fedavg.sha256, &examples) < robust, "FedAvg took the poison");
}

/// Four trainers drawn, three committed, one of those
/// poisoned (at the runtime's clipping bound, the most the chain lets through). Trimming a
/// quarter of the three *committed* updates trims nothing, and the poison shapes the model; a
/// quarter of the four *drawn* seats trims one value at each end, the poison is set aside and
/// the model is as good as the base on the round's examples.
#[test]
fn three_updates_one_poisoned_the_trim_counts_the_drawn_trainers() {
	let (engine, base) = engine(1);
	let examples = examples();
	let mut updates = four_updates(&engine, &base)[..2].to_vec();
	updates.push((5, poisoned(&base, MAX_VALUE as i32)));
	let rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };

	let as_committed = engine.aggregate(&base, rule, 3, &updates).expect("builds");
	assert_eq!(as_committed.kept, vec![true; 3], "no trim with three updates");
	let as_drawn = engine.aggregate(&base, rule, 4, &updates).expect("builds");
	assert!(!as_drawn.kept[2], "the poisoned update is trimmed away");
	assert_eq!(as_drawn.contributions[2], Perbill::zero());
	let base_correct = correct(&engine, &base, &examples);
	let drawn_correct = correct(&engine, &as_drawn.model.sha256, &examples);
	let committed_correct = correct(&engine, &as_committed.model.sha256, &examples);
	assert!(drawn_correct >= base_correct, "{drawn_correct} < {base_correct}");
	assert!(committed_correct < drawn_correct, "{committed_correct} ≥ {drawn_correct}");
}

/// An update of another shape (here one feature short: a self-consistent 5 × 19 999 layer)
/// must not make the aggregators refuse the whole set. The chain refuses such an update; one that still does not fit (a registry entry that does
/// not match the file) is set aside, not kept, and the others build the same model as without it.
#[test]
fn an_update_that_does_not_fit_is_set_aside_and_the_rest_build() {
	let (engine, base) = engine(1);
	let honest = four_updates(&engine, &base)[..3].to_vec();
	let misfit = ModelUpdate {
		base: base.into(),
		labels: 5,
		features: 19_999,
		values: vec![1; 5 * 19_999 + 5],
	};
	let mut updates = honest.clone();
	updates.insert(1, (6, misfit.encode()));
	updates.push((3, vec![1, 2, 3]));
	let rule = RobustRule::Median;
	let built = engine.aggregate(&base, rule, 5, &updates).expect("builds");
	assert!(!built.kept[1] && !built.kept[4]);
	assert_eq!(
		(built.contributions[1], built.contributions[4]),
		(Perbill::zero(), Perbill::zero())
	);
	let without = engine.aggregate(&base, rule, 5, &honest).expect("builds");
	assert_eq!(built.model.sha256, without.model.sha256, "the misfits changed nothing");
	let honest_kept: Vec<bool> = [0, 2, 3].iter().map(|i| built.kept[*i]).collect();
	assert_eq!(honest_kept, without.kept);
}

/// A lazy trainer's zero update, whatever samples it claims, carries
/// none of the aggregate, so its contribution, and its pay, is zero; the trainers who trained
/// carry some.
#[test]
fn a_lazy_zero_update_contributes_nothing() {
	let (engine, base) = engine(1);
	let mut updates = four_updates(&engine, &base);
	let zero =
		ModelUpdate { base: base.into(), labels: 5, features: 20_000, values: vec![0; 100_005] };
	updates[3] = (updates[3].0, zero.encode());
	let built = engine.aggregate(&base, RobustRule::FedAvg, 4, &updates).expect("builds");
	assert!(built.kept[3], "a zero update is no outlier");
	assert_eq!(built.contributions[3], Perbill::zero());
	assert!(
		built.contributions[..3].iter().all(|c| *c > Perbill::from_percent(5)),
		"{:?}",
		built.contributions
	);
}

/// Updates are clipped to the plan's bound; the runtime's (8.0) leaves an honest update of the
/// shipped layer untouched.
#[test]
fn updates_are_clipped_to_the_plan_bound() {
	let (engine, base) = engine(1);
	let examples = examples();
	let largest = |max_value| {
		let trained =
			engine.train(&base, &examples, &TrainingPlan { max_value, ..plan(1) }).expect("trains");
		let update = ModelUpdate::decode_all(&mut &trained.update[..]).expect("an update");
		update.values.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0)
	};
	let honest = largest(MAX_VALUE);
	let (replaying, base_too, _) = engine_with_reference();
	assert_eq!(base_too, base);
	let trained = replaying.train(&base, &examples, &round_plan(1)).expect("trains");
	let update = ModelUpdate::decode_all(&mut &trained.update[..]).expect("an update");
	let runtime = update.values.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
	eprintln!("largest update value with the runtime's plan: {:.3}", from_fixed(runtime as i32));
	assert!(runtime < MAX_VALUE / 2, "the runtime's plan stays well inside the bound");
	eprintln!("largest honest update value: {:.3}", from_fixed(honest as i32));
	assert!(honest < MAX_VALUE / 2, "an honest update is well inside the bound");
	assert_eq!(largest(honest / 2), honest / 2, "clipped to a smaller bound");
}

#[test]
fn refuses_updates_of_another_model_or_shape() {
	let (engine, base) = engine(1);
	let trained = engine.train(&base, &examples()[..2], &plan(3)).expect("trains");
	let mut update = ModelUpdate::decode_all(&mut &trained.update[..]).expect("an update");
	update.base.0 = [9; 32];
	// With nothing that fits, there is nothing to aggregate.
	let nothing = TrainingError::Aggregation(AggregationError::NoUpdates);
	let foreign = vec![(1, update.encode())];
	let err = engine.aggregate(&base, RobustRule::Median, 1, &foreign).unwrap_err();
	assert_eq!(err, nothing);
	let garbage = vec![(1, vec![1, 2, 3])];
	assert_eq!(engine.aggregate(&base, RobustRule::Median, 1, &garbage).unwrap_err(), nothing);
	assert_eq!(
		engine.train(&[7; 32], &examples(), &plan(1)).unwrap_err(),
		TrainingError::ModelNotFound
	);
	let unreadable = vec![
		Example { label: 0, text: vec![0xff], error_report: false },
		Example { label: 9, text: b"x".to_vec(), error_report: false },
	];
	assert_eq!(engine.train(&base, &unreadable, &plan(1)).unwrap_err(), TrainingError::NoExamples);
}

#[test]
fn evaluates_accuracy_and_macro_f1() {
	let (engine, base) = engine(1);
	let labelled: Vec<(u8, String)> = examples()
		.into_iter()
		.map(|e| (e.label, String::from_utf8(e.text).expect("text")))
		.collect();
	let scores = engine.evaluate(&base, &labelled).expect("scores");
	assert_eq!(scores.examples, 20);
	// The fixtures' labels are the model's own answers: everything agrees.
	assert_eq!((scores.accuracy, scores.macro_f1), (1.0, 1.0));
	let flipped: Vec<(u8, String)> =
		labelled.iter().map(|(l, t)| ((l + 1) % 5, t.clone())).collect();
	assert_eq!(engine.evaluate(&base, &flipped).expect("scores").accuracy, 0.0);
}

#[test]
fn reference_examples_load_for_their_model_only() {
	let (engine, base, count) = engine_with_reference();
	let examples = engine.reference(&base).expect("kept");
	assert_eq!(examples.len(), count);
	// Every label of the model is represented.
	for label in 0..5u8 {
		assert!(examples.iter().any(|e| e.label == label), "label {label} has examples");
	}
	let dir = std::env::temp_dir().join(format!("daollm-reference-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("dir");
	let refused = |name: &str, body: &str| {
		let path = dir.join(name);
		std::fs::write(&path, body).expect("file");
		match engine.load_reference(&path) {
			Err(EngineError::ReferenceInvalid { .. }) => {},
			other => panic!("{name}: {other:?}"),
		}
	};
	refused("not-json.json", "{");
	refused(
		"unknown-model.json",
		&format!(r#"{{"model":"{}","examples":[{{"label":0,"text":"x"}}]}}"#, "ab".repeat(32)),
	);
	refused("empty.json", &format!(r#"{{"model":"{}","examples":[]}}"#, hex(&base)));
	refused("no-hash.json", r#"{"model":"xyz","examples":[{"label":0,"text":"x"}]}"#);
	refused("extra-field.json", &format!(r#"{{"model":"{}","examples":[],"more":1}}"#, hex(&base)));
	std::fs::remove_dir_all(&dir).expect("cleaned up");
	// What was refused changed nothing.
	assert_eq!(engine.reference(&base).expect("kept").len(), count);
}

/// The evaluation protocol's round (`Engine::simulate_round`, which `daollm-node
/// simulate-round` runs) and the chain's (each trainer's worker calling `train` through the
/// host function's `Trainer` on the examples the round did not hold back, the aggregators
/// calling `aggregate` and `evaluate`) build the same file and measure the same scores.
#[test]
fn the_offline_round_builds_the_bytes_the_chains_round_builds() {
	use daollm_inference_engine::Trainer;
	let (engine, base, _) = engine_with_reference();
	let examples = examples();
	let rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };
	let seed = round_plan(7);
	// The chain: a fifth of the examples held back by the round's seed; four drawn trainers,
	// each on all of the others with that seed.
	let held = held_back(&seed.seed, examples.len(), 20);
	let (validation, training): (Vec<_>, Vec<_>) =
		examples.iter().cloned().zip(&held).partition(|(_, held)| **held);
	let training: Vec<Example> = training.into_iter().map(|(e, _)| e).collect();
	let validation: Vec<Example> = validation.into_iter().map(|(e, _)| e).collect();
	assert_eq!(validation.len(), examples.len().div_ceil(5));
	let updates: Vec<(u32, Vec<u8>)> = (0..4)
		.map(|_| {
			let trained = Trainer::train(&engine, &base, training.clone(), seed).expect("trains");
			(trained.samples, trained.update)
		})
		.collect();
	assert!(updates.iter().all(|u| *u == updates[0]), "honest trainers send the same update");
	assert_eq!(updates[0].0 as usize, training.len());
	let chain = Trainer::aggregate(&engine, &base, rule, 4, updates).expect("builds");
	assert_eq!(chain.kept, vec![true; 4]);
	assert_eq!(chain.contributions, vec![Perbill::one(); 4]);
	let assessed =
		Trainer::evaluate(&engine, &base, &chain.sha256, validation.clone()).expect("scores");
	assert_eq!(assessed.validation.examples as usize, validation.len());
	let reference = engine.reference(&base).expect("kept").len();
	assert_eq!(assessed.reference.examples as usize, reference);
	// Offline, in another engine.
	let (offline, _, _) = engine_with_reference();
	let (simulated, evaluation) =
		offline.simulate_round(&base, &examples, &seed, 4, rule, 20).expect("builds");
	assert_eq!(simulated.model.sha256, chain.sha256, "the same model file");
	assert_eq!(simulated.kept, chain.kept);
	assert_eq!(evaluation, assessed, "the same scores");
	// The same updates aggregate to themselves: one trainer's round builds the same file (the
	// protocol's `--tune` runs rounds of one).
	let (single, _) = offline.simulate_round(&base, &examples, &seed, 1, rule, 20).expect("builds");
	assert_eq!(single.model.sha256, chain.sha256);
	// The built model inherits the base's reference examples: the next round replays them too.
	assert_eq!(
		offline.reference(&simulated.model.sha256).map(|r| r.len()),
		offline.reference(&base).map(|r| r.len())
	);
	// A model the engine does not have cannot be assessed.
	assert_eq!(offline.assess(&base, &[0xee; 32], &validation), Err(TrainingError::ModelNotFound));
}

/// A round on one DAO's kind of proposal only (treasury requests, as a grants programme sends):
/// trained on them alone, the model learns to call other proposals funding requests; replaying
/// the reference examples, it labels the proposals it knew at least as well as before and the
/// new ones as the round taught it.
#[test]
fn replaying_the_reference_examples_keeps_what_the_model_knew() {
	let (engine, base, _) = engine_with_reference();
	let known = labelled(&engine.reference(&base).expect("kept"));
	let treasury: Vec<Example> = examples().into_iter().filter(|e| e.label == 4).collect();
	assert_eq!(treasury.len(), 4);
	let rule = RobustRule::TrimmedMean { trim: Percent::from_percent(25) };
	let alone =
		TrainingPlan { round_weight: 6, learning_rate_ppm: 2_000_000, epochs: 20, ..plan(3) };
	let (forgetful, forgot) =
		engine.simulate_round(&base, &treasury, &alone, 4, rule, 0).expect("builds");
	let (replayed, kept) =
		engine.simulate_round(&base, &treasury, &round_plan(3), 4, rule, 0).expect("builds");
	let score = |model: &ModelHash| engine.evaluate(model, &known).expect("scores").accuracy;
	let (before, without, with) =
		(score(&base), score(&forgetful.model.sha256), score(&replayed.model.sha256));
	eprintln!("reference accuracy: base {before:.4}, alone {without:.4}, replayed {with:.4}");
	assert!(without < before, "trained on one kind of proposal alone, the model forgets");
	assert!(with >= before, "replaying, it keeps what it knew");
	assert_eq!(correct(&engine, &replayed.model.sha256, &treasury), 4);
	// The aggregators' assessment says so before anyone votes: the forgetful candidate loses on
	// the reference examples (the runtime's tolerance is 1%), the replayed one does not.
	let tolerance = Perbill::from_percent(1);
	assert!(forgot.forgets(tolerance), "{forgot:?}");
	assert!(!kept.forgets(tolerance), "{kept:?}");
	assert_eq!(forgot.reference.candidate as f64 / forgot.reference.examples as f64, without);
}
