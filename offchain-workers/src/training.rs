//! Federated training's native steps: a trainer's local SGD, the aggregate's model build, the
//! aggregators' evaluation of the candidate beside its base, and the evaluation of a model on
//! labelled text.
//!
//! **Training.** The base model's graph is extended to output its linear layer's input (the
//! normalised TF-IDF features, [`onnx::with_feature_output`]); ONNX Runtime computes them for the
//! round's examples and, when the plan says `replay`, for the base's reference examples
//! ([`crate::reference`]). Then `epochs` passes of SGD on the weighted softmax cross-entropy, in
//! `f64`, visiting the examples in an order drawn from the plan's seed, move the layer's weights
//! and biases. A round's example weighs `round_weight` times a reference example, and with
//! `balance_labels` each example's weight is further divided by its label's share of the
//! examples, so every label present weighs the same in all. The update is the change, in fixed
//! point ([`to_fixed`]), clipped to the plan's `max_value`. Every trainer of a round trains on
//! all of the round's examples with the round's seed, so honest trainers send the same update
//! and the robust rule keeps it whole ([`Engine::simulate_round`] is that round, offline).
//!
//! Why replay and balance: trained on a new DAO's few annotated proposals alone, the layer
//! learns that DAO and forgets the others (the evaluation protocol beside `train.py` measures
//! both); the reference examples hold the rest of what the model knew in place.
//!
//! **Aggregation.** Updates that do not fit the base model's layer (another base, another shape,
//! bytes that do not decode) are set aside and marked not kept; they cannot fail the round.
//! [`aggregate`] combines the others in integer
//! arithmetic; the new layer is `base + aggregate` rounded once to `f32`, and
//! [`onnx::with_linear_layer`] writes it into a copy of the base file. Every step is
//! deterministic, so every node that builds the round's model gets the same bytes, and the same
//! sha256.
//!
//! **Evaluation.** Aggregators count how many of the round's held-back examples, and of the
//! base's reference examples, the candidate and the base label as annotated
//! ([`Engine::assess`]): exact counts, agreed with the model, so voters see before they vote
//! whether the candidate is better for the new DAO and whether it forgets the others.

use crate::{
	input, model, model::Model, onnx, BuiltModel, Engine, EngineError, Example, ModelHash,
	ModelInfo, TrainedUpdate, TrainingError, TrainingPlan,
};
use codec::{DecodeAll, Encode};
use daollm_primitives::{
	training::{
		aggregate, from_fixed, held_back, to_fixed, CandidateEvaluation, LayerShape, ModelUpdate,
		Perbill, RobustRule, Score, WeightedUpdate,
	},
	Hash as H256,
};
use ort::value::Tensor;

const LOG_TARGET: &str = "training";

/// Texts per ONNX Runtime run when computing features.
const FEATURE_BATCH: usize = 16;

/// One example's features: the non-zero ones, as (index, value).
type SparseFeatures = Vec<(usize, f64)>;

/// A model built from a round's updates, and what the aggregate made of each update.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
	/// The new model.
	pub model: ModelInfo,
	/// Per update, in the order given: whether the robust rule kept it (one that did not fit
	/// the base's layer is not).
	pub kept: Vec<bool>,
	/// Per update, in the order given: how much of the aggregate it carries.
	pub contributions: Vec<Perbill>,
}

/// `value` clipped to `±max_value`.
fn clip(value: i32, max_value: u32) -> i32 {
	let bound = i32::try_from(max_value).unwrap_or(i32::MAX);
	value.clamp(-bound, bound)
}

/// Accuracy and macro-F1 of a model on labelled examples.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
	/// Examples scored.
	pub examples: usize,
	/// Share labelled correctly.
	pub accuracy: f64,
	/// The unweighted mean of each label's F1, over the labels the examples have.
	pub macro_f1: f64,
}

fn failed(what: &str, e: impl std::fmt::Display) -> TrainingError {
	log::warn!(target: LOG_TARGET, "{what}: {e}");
	TrainingError::Failed
}

impl Engine {
	/// Trains the linear layer of model `base` on `examples` as `plan` says.
	pub fn train(
		&self,
		base: &ModelHash,
		examples: &[Example],
		plan: &TrainingPlan,
	) -> Result<TrainedUpdate, TrainingError> {
		let model = self.model(base).ok_or(TrainingError::ModelNotFound)?;
		let layer = onnx::linear_layer(model.bytes()).map_err(|e| {
			log::warn!(target: LOG_TARGET, "base model {}: {e}", model::hex(base));
			TrainingError::NotTrainable
		})?;
		let mut texts = Vec::with_capacity(examples.len());
		let mut labels = Vec::with_capacity(examples.len());
		let mut reports = Vec::with_capacity(examples.len());
		let readable = |example: &Example| match input::validate(&example.text) {
			Ok(text) if (example.label as usize) < layer.labels => {
				Some((input::normalise(text), example.label as usize))
			},
			_ => {
				log::debug!(target: LOG_TARGET, "an example the model cannot read, skipped");
				None
			},
		};
		for example in examples {
			if let Some((text, label)) = readable(example) {
				texts.push(text);
				labels.push(label);
				reports.push(example.error_report);
			}
		}
		let samples = texts.len();
		if samples == 0 {
			return Err(TrainingError::NoExamples);
		}
		if plan.replay {
			let reference = self.reference(base).unwrap_or_else(|| {
				log::warn!(
					target: LOG_TARGET,
					"model {} has no reference examples: training on the round's alone",
					model::hex(base)
				);
				Vec::new().into()
			});
			for (text, label) in reference.iter().filter_map(readable) {
				texts.push(text);
				labels.push(label);
			}
		}
		let weight = example_weights(&labels, &reports, plan, layer.labels);
		let features = self.features(model.bytes(), &texts, layer.features)?;

		let mut weights: Vec<f64> = layer.coefficients.iter().map(|&w| w as f64).collect();
		let mut biases: Vec<f64> = layer.intercepts.iter().map(|&b| b as f64).collect();
		let rate = plan.learning_rate_ppm as f64 / 1_000_000.0;
		let mut order: Vec<usize> = (0..texts.len()).collect();
		let mut random = XorShift::new(&plan.seed);
		let mut probabilities = vec![0f64; layer.labels];
		for _ in 0..plan.epochs {
			random.shuffle(&mut order);
			for &i in &order {
				softmax(&weights, &biases, &features[i], layer.features, &mut probabilities);
				for (k, p) in probabilities.iter().enumerate() {
					let gradient = weight[i] * (p - if k == labels[i] { 1.0 } else { 0.0 });
					let row = &mut weights[k * layer.features..(k + 1) * layer.features];
					for &(j, x) in &features[i] {
						row[j] -= rate * gradient * x;
					}
					biases[k] -= rate * gradient;
				}
			}
		}

		let values = weights
			.iter()
			.zip(&layer.coefficients)
			.chain(biases.iter().zip(&layer.intercepts))
			.map(|(new, old)| clip(to_fixed(new - *old as f64), plan.max_value))
			.collect();
		let update = ModelUpdate {
			base: H256::from(*base),
			labels: layer.labels as u32,
			features: layer.features as u32,
			values,
		};
		Ok(TrainedUpdate { update: update.encode(), samples: samples as u32 })
	}

	/// The features the layer of the model in `bytes` sees for each of `texts` (normalised).
	fn features(
		&self,
		bytes: &[u8],
		texts: &[String],
		width: usize,
	) -> Result<Vec<SparseFeatures>, TrainingError> {
		let (extended, output) =
			onnx::with_feature_output(bytes).map_err(|_| TrainingError::NotTrainable)?;
		let mut session = model::builder(&self.environment, self.threads)
			.and_then(|mut b| b.commit_from_memory(&extended))
			.map_err(|e| failed("feature session", e))?;
		let mut out = Vec::with_capacity(texts.len());
		for batch in texts.chunks(FEATURE_BATCH) {
			let tensor = Tensor::from_string_array(([batch.len(), 1usize], batch))
				.map_err(|e| failed("feature input", e))?;
			let input = session.inputs()[0].name().to_owned();
			let outputs = session
				.run(ort::inputs![input.as_str() => tensor])
				.map_err(|e| failed("feature run", e))?;
			let rows = outputs[output.as_str()]
				.try_extract_array::<f32>()
				.map_err(|e| failed("feature output", e))?;
			if rows.len() != batch.len() * width {
				return Err(failed("feature output", "not one row of features per text"));
			}
			let flat: Vec<f32> = rows.iter().copied().collect();
			for row in flat.chunks_exact(width) {
				out.push(
					row.iter()
						.enumerate()
						.filter(|(_, x)| **x != 0.0)
						.map(|(j, x)| (j, *x as f64))
						.collect(),
				);
			}
		}
		Ok(out)
	}

	/// Builds the model that the aggregate of `updates` (sample count, SCALE-encoded update)
	/// under `rule`, for a round that drew `drawn` trainers, makes of model `base`; keeps it
	/// (and writes it to the store, if any). Updates that do not fit the base's layer are set
	/// aside (not kept, no contribution); if none fits, there is nothing to build.
	pub fn aggregate(
		&self,
		base: &ModelHash,
		rule: RobustRule,
		drawn: u32,
		updates: &[(u32, Vec<u8>)],
	) -> Result<Built, TrainingError> {
		let model = self.model(base).ok_or(TrainingError::ModelNotFound)?;
		let mut layer =
			onnx::linear_layer(model.bytes()).map_err(|_| TrainingError::NotTrainable)?;
		let shape = LayerShape { labels: layer.labels as u32, features: layer.features as u32 };
		let decoded: Vec<Option<(u32, Vec<i32>)>> = updates
			.iter()
			.enumerate()
			.map(|(i, (samples, bytes))| {
				let fitting = ModelUpdate::decode_all(&mut &bytes[..])
					.ok()
					.filter(|u| u.base.0 == *base && u.fits(shape) && *samples > 0);
				if fitting.is_none() {
					log::warn!(
						target: LOG_TARGET,
						"update {i} does not fit the layer of {} ({} × {}): set aside",
						model::hex(base),
						shape.labels,
						shape.features
					);
				}
				fitting.map(|u| (*samples, u.values))
			})
			.collect();
		let contributions: Vec<WeightedUpdate<'_>> = decoded
			.iter()
			.flatten()
			.map(|(samples, values)| WeightedUpdate { samples: *samples, values })
			.collect();
		let result =
			aggregate(rule, drawn as usize, &contributions).map_err(TrainingError::Aggregation)?;
		// Back to one entry per update given, the set-aside ones not kept.
		let (mut kept, mut carried) = (Vec::new(), Vec::new());
		let mut fitting = result.kept.iter().zip(&result.contributions);
		for update in &decoded {
			let (k, c) = match update.as_ref().and_then(|_| fitting.next()) {
				Some((k, c)) => (*k, *c),
				None => (false, Perbill::from_parts(0)),
			};
			kept.push(k);
			carried.push(c);
		}

		let (weights, biases) = result.values.split_at(layer.coefficients.len());
		for (w, delta) in layer.coefficients.iter_mut().zip(weights) {
			*w = (*w as f64 + from_fixed(*delta)) as f32;
		}
		for (b, delta) in layer.intercepts.iter_mut().zip(biases) {
			*b = (*b as f64 + from_fixed(*delta)) as f32;
		}
		let bytes = onnx::with_linear_layer(model.bytes(), &layer)
			.map_err(|e| failed("writing the new layer", e))?;
		let sha256 = sp_crypto_hashing::sha2_256(&bytes);
		let path = match &self.store {
			Some(dir) => dir.join(format!("{}.onnx", model::hex(&sha256))),
			None => format!("built/{}.onnx", model::hex(&sha256)).into(),
		};
		self.inherit_reference(base, &sha256);
		if let Some(existing) = self.model(&sha256) {
			return Ok(Built { model: existing.info(), kept, contributions: carried });
		}
		// Loaded (and so checked by ONNX Runtime) before it is written; written to a temporary
		// file and renamed into place, so the store never holds half a model.
		let bytes_to_store = self.store.is_some().then(|| bytes.clone());
		let built = Model::from_bytes(&self.environment, &path, bytes, Some(sha256), self.threads)
			.map_err(|e: EngineError| failed("loading the built model", e))?;
		if let Some(bytes) = bytes_to_store {
			write_atomically(&path, &bytes)
				.map_err(|e| failed(&format!("writing {}", path.display()), e))?;
		}
		let info = self.insert(built);
		log::info!(
			target: LOG_TARGET,
			"🧠 model {} built from {} update(s) of {} ({} kept)",
			model::hex(&info.sha256),
			updates.len(),
			model::hex(base),
			kept.iter().filter(|k| **k).count()
		);
		Ok(Built { model: info, kept, contributions: carried })
	}

	/// Gives the model `built` from `base` the reference examples of `base` (and writes them
	/// beside it in the store), so that the next round replays them too.
	fn inherit_reference(&self, base: &ModelHash, built: &ModelHash) {
		let Some(examples) = self.reference(base) else { return };
		if let Some(dir) = &self.store {
			let path = crate::reference::beside(&dir.join(format!("{}.onnx", model::hex(built))));
			if let Err(e) = crate::reference::write(&path, built, &examples) {
				log::warn!(target: LOG_TARGET, "writing {}: {e}", path.display());
			}
		}
		self.set_reference(*built, examples);
	}

	/// A training round, offline, exactly as the chain runs it: `validation_percent` of
	/// `examples` are held back as the chain holds them back (chosen by the plan's seed,
	/// [`held_back`]); each of `trainers` drawn trainers trains on the rest with `plan` (as the
	/// offchain worker does, through [`crate::Trainer`]); the model the aggregate of their
	/// updates under `rule` makes of `base` is built and assessed as an aggregator builds and
	/// assesses it. The evaluation protocol beside `train.py` (`daollm-node simulate-round`)
	/// adapts models with it.
	pub fn simulate_round(
		&self,
		base: &ModelHash,
		examples: &[Example],
		plan: &TrainingPlan,
		trainers: u32,
		rule: RobustRule,
		validation_percent: u8,
	) -> Result<(Built, CandidateEvaluation), TrainingError> {
		let held = held_back(&plan.seed, examples.len(), validation_percent);
		let (mut training, mut validation) = (Vec::new(), Vec::new());
		for (example, held) in examples.iter().zip(held) {
			if held { &mut validation } else { &mut training }.push(example.clone());
		}
		let updates = (0..trainers.max(1))
			.map(|_| self.train(base, &training, plan).map(|u| (u.samples, u.update)))
			.collect::<Result<Vec<_>, _>>()?;
		let built = self.aggregate(base, rule, trainers, &updates)?;
		let evaluation = self.assess(base, &built.model.sha256, &validation)?;
		Ok((built, evaluation))
	}

	/// What a round's aggregators measure of `candidate`, built from `base`: how many of
	/// `validation` (the round's held-back examples) and of `base`'s reference examples each of
	/// the two labels as annotated. Examples the models cannot read are not scored.
	pub fn assess(
		&self,
		base: &ModelHash,
		candidate: &ModelHash,
		validation: &[Example],
	) -> Result<CandidateEvaluation, TrainingError> {
		for model in [base, candidate] {
			self.model(model).ok_or(TrainingError::ModelNotFound)?;
		}
		let reference = self.reference(base).unwrap_or_else(|| Vec::new().into());
		Ok(CandidateEvaluation {
			validation: self.score(base, candidate, validation)?,
			reference: self.score(base, candidate, &reference)?,
		})
	}

	/// How many of `examples` models `base` and `candidate` label as annotated.
	fn score(
		&self,
		base: &ModelHash,
		candidate: &ModelHash,
		examples: &[Example],
	) -> Result<Score, TrainingError> {
		let mut score = Score::default();
		let label = |model: &ModelHash, text: &[u8]| {
			self.classify(model, text)
				.map(|c| c.label)
				.map_err(|e| failed("evaluation", format!("{e:?}")))
		};
		for example in examples.iter().filter(|e| input::validate(&e.text).is_ok()) {
			score.examples = score.examples.saturating_add(1);
			if label(base, &example.text)? == example.label {
				score.base = score.base.saturating_add(1);
			}
			if label(candidate, &example.text)? == example.label {
				score.candidate = score.candidate.saturating_add(1);
			}
		}
		Ok(score)
	}

	/// Scores model `model` on `examples` (label, raw text).
	pub fn evaluate(
		&self,
		model: &ModelHash,
		examples: &[(u8, String)],
	) -> Result<Evaluation, TrainingError> {
		let labels = self.model(model).ok_or(TrainingError::ModelNotFound)?.info().labels;
		// confusion[truth][predicted]
		let mut confusion = vec![vec![0usize; labels]; labels];
		for (truth, text) in examples {
			let predicted = self
				.classify(model, text.as_bytes())
				.map_err(|e| failed("evaluation", format!("{e:?}")))?
				.label as usize;
			let truth = *truth as usize;
			if truth < labels && predicted < labels {
				confusion[truth][predicted] += 1;
			}
		}
		let total: usize = confusion.iter().flatten().sum();
		let correct: usize = (0..labels).map(|k| confusion[k][k]).sum();
		// Over the labels the examples have: a DAO's proposals rarely use every label, and a
		// label that none has says nothing of the set (a prediction of it still costs the true
		// label's recall, and accuracy).
		let f1s: Vec<f64> = (0..labels)
			.filter_map(|k| {
				let predicted: usize = (0..labels).map(|t| confusion[t][k]).sum();
				let actual: usize = confusion[k].iter().sum();
				(actual > 0).then(|| 2.0 * confusion[k][k] as f64 / (predicted + actual) as f64)
			})
			.collect();
		Ok(Evaluation {
			examples: total,
			accuracy: correct as f64 / total.max(1) as f64,
			macro_f1: f1s.iter().sum::<f64>() / f1s.len().max(1) as f64,
		})
	}
}

/// Each example's weight in the loss: the round's examples (the first `reports.len()`) weigh
/// `plan.round_weight` (at least 1), twice that for an error report (a label that corrects the
/// network's), the reference examples after them 1; with `plan.balance_labels` each is divided
/// by its label's share of all the examples' count, times the number of labels present, so that
/// every label present weighs the same in all.
fn example_weights(
	labels: &[usize],
	reports: &[bool],
	plan: &TrainingPlan,
	width: usize,
) -> Vec<f64> {
	let round_weight = f64::from(plan.round_weight.max(1));
	let mut weight: Vec<f64> = (0..labels.len())
		.map(|i| match reports.get(i) {
			Some(true) => 2.0 * round_weight,
			Some(false) => round_weight,
			None => 1.0,
		})
		.collect();
	if plan.balance_labels {
		let mut count = vec![0usize; width];
		for &label in labels {
			count[label] += 1;
		}
		let present = count.iter().filter(|c| **c > 0).count() as f64;
		let n = labels.len() as f64;
		for (w, &label) in weight.iter_mut().zip(labels) {
			*w *= n / (present * count[label] as f64);
		}
	}
	weight
}

/// `probabilities` = softmax(weights · x + biases).
fn softmax(
	weights: &[f64],
	biases: &[f64],
	x: &[(usize, f64)],
	width: usize,
	probabilities: &mut [f64],
) {
	for (k, p) in probabilities.iter_mut().enumerate() {
		let row = &weights[k * width..(k + 1) * width];
		*p = biases[k] + x.iter().map(|&(j, v)| row[j] * v).sum::<f64>();
	}
	let max = probabilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
	let mut sum = 0.0;
	for p in probabilities.iter_mut() {
		*p = (*p - max).exp();
		sum += *p;
	}
	for p in probabilities.iter_mut() {
		*p /= sum;
	}
}

/// xorshift64*: the order a trainer visits its examples in, reproducible from the plan's seed.
struct XorShift(u64);

impl XorShift {
	fn new(seed: &[u8; 32]) -> Self {
		let mut state = [0u8; 8];
		state.copy_from_slice(&seed[..8]);
		Self(u64::from_le_bytes(state) | 1)
	}

	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	fn shuffle<T>(&mut self, items: &mut [T]) {
		for i in (1..items.len()).rev() {
			let j = (self.next() % (i as u64 + 1)) as usize;
			items.swap(i, j);
		}
	}
}

impl crate::Trainer for Engine {
	fn train(
		&self,
		base: &[u8; 32],
		examples: Vec<Example>,
		plan: TrainingPlan,
	) -> Result<TrainedUpdate, TrainingError> {
		Engine::train(self, base, &examples, &plan)
	}

	fn aggregate(
		&self,
		base: &[u8; 32],
		rule: RobustRule,
		drawn: u32,
		updates: Vec<(u32, Vec<u8>)>,
	) -> Result<BuiltModel, TrainingError> {
		Engine::aggregate(self, base, rule, drawn, &updates).map(|built| BuiltModel {
			sha256: built.model.sha256,
			kept: built.kept,
			contributions: built.contributions,
		})
	}

	fn evaluate(
		&self,
		base: &[u8; 32],
		candidate: &[u8; 32],
		validation: Vec<Example>,
	) -> Result<CandidateEvaluation, TrainingError> {
		Engine::assess(self, base, candidate, &validation)
	}
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so that a reader
/// (or a restart) sees either no file or the whole of it.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
	use std::io::Write;
	let mut partial = path.as_os_str().to_owned();
	partial.push(".partial");
	let partial = std::path::PathBuf::from(partial);
	let mut file = std::fs::File::create(&partial)?;
	file.write_all(bytes)?;
	file.sync_all()?;
	drop(file);
	std::fs::rename(&partial, path)
}
