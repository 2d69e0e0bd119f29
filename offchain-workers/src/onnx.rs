//! Just enough of the ONNX file format (protocol buffers) to train a classifier's last layer.
//!
//! The proposal classifier ends in an `ai.onnx.ml` `LinearClassifier`: `coefficients` (one weight
//! per label and feature, label-major) and `intercepts` (one per label) are its trainable layer;
//! everything before it (tokeniser, TF-IDF, normalisation) is fixed. This module
//!
//! - reads that layer ([`linear_layer`]),
//! - writes a model whose layer has new values and is otherwise the same bytes
//!   ([`with_linear_layer`]), deterministically: the same values give the same file, whatever
//!   machine writes it, and
//! - writes a variant whose graph also outputs the layer's input ([`with_feature_output`]), so
//!   that ONNX Runtime computes the features a trainer trains on, and
//! - reads the words the model knows ([`vocabulary`]): the single-word n-grams of its
//!   `TfIdfVectorizer`, which training never changes.
//!
//! Only the fields on the way to the layer are decoded; every other byte is copied as it is.

use std::ops::Range;

/// Why a model file's layer could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnnxError(pub String);

impl std::fmt::Display for OnnxError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

fn error(message: impl Into<String>) -> OnnxError {
	OnnxError(message.into())
}

// Field numbers of onnx.proto (ONNX IR).
const MODEL_GRAPH: u32 = 7;
const GRAPH_NODE: u32 = 1;
const GRAPH_OUTPUT: u32 = 12;
const NODE_INPUT: u32 = 1;
const NODE_OP_TYPE: u32 = 4;
const NODE_ATTRIBUTE: u32 = 5;
const ATTRIBUTE_NAME: u32 = 1;
const ATTRIBUTE_FLOATS: u32 = 7;
const ATTRIBUTE_INTS: u32 = 8;
const ATTRIBUTE_STRINGS: u32 = 9;
const VALUE_INFO_NAME: u32 = 1;
const VALUE_INFO_TYPE: u32 = 2;
const TYPE_TENSOR: u32 = 1;
const TENSOR_ELEM_TYPE: u32 = 1;
const ELEM_TYPE_FLOAT: u64 = 1;

const LINEAR_CLASSIFIER: &[u8] = b"LinearClassifier";
const TFIDF_VECTORIZER: &[u8] = b"TfIdfVectorizer";
const NGRAM_COUNTS: &[u8] = b"ngram_counts";
const POOL_STRINGS: &[u8] = b"pool_strings";
const COEFFICIENTS: &[u8] = b"coefficients";
const INTERCEPTS: &[u8] = b"intercepts";

// Protocol-buffer wire types.
const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

/// A classifier's trainable layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearLayer {
	/// Labels (rows).
	pub labels: usize,
	/// Features per label (columns).
	pub features: usize,
	/// `labels × features` weights, label-major.
	pub coefficients: Vec<f32>,
	/// One bias per label.
	pub intercepts: Vec<f32>,
	/// The name of the layer's input: the features.
	pub input: String,
}

/// One field of a message: its number, wire type and where its value lies.
#[derive(Clone, Debug)]
struct Field {
	number: u32,
	wire: u8,
	/// The whole field, tag included.
	whole: Range<usize>,
	/// The value: a varint's bytes, a fixed value's bytes, or a length-delimited payload.
	value: Range<usize>,
}

fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, OnnxError> {
	let mut value = 0u64;
	for shift in (0..64).step_by(7) {
		let byte = *bytes.get(*at).ok_or_else(|| error("truncated varint"))?;
		*at += 1;
		value |= u64::from(byte & 0x7f) << shift;
		if byte & 0x80 == 0 {
			return Ok(value);
		}
	}
	Err(error("varint longer than 64 bits"))
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
	while value >= 0x80 {
		out.push((value as u8 & 0x7f) | 0x80);
		value >>= 7;
	}
	out.push(value as u8);
}

/// The fields of the message `bytes`, in order.
fn fields(bytes: &[u8]) -> Result<Vec<Field>, OnnxError> {
	let mut out = Vec::new();
	let mut at = 0;
	while at < bytes.len() {
		let start = at;
		let tag = varint(bytes, &mut at)?;
		let number = u32::try_from(tag >> 3).map_err(|_| error("field number out of range"))?;
		let wire = (tag & 7) as u8;
		let value = match wire {
			VARINT => {
				let from = at;
				varint(bytes, &mut at)?;
				from..at
			},
			FIXED64 => at..at + 8,
			FIXED32 => at..at + 4,
			LEN => {
				let len = usize::try_from(varint(bytes, &mut at)?)
					.map_err(|_| error("length out of range"))?;
				at..at.checked_add(len).ok_or_else(|| error("length out of range"))?
			},
			other => return Err(error(format!("unsupported wire type {other}"))),
		};
		if value.end > bytes.len() {
			return Err(error("truncated field"));
		}
		at = value.end;
		out.push(Field { number, wire, whole: start..at, value });
	}
	Ok(out)
}

fn put_len_field(out: &mut Vec<u8>, number: u32, payload: &[u8]) {
	put_varint(out, (u64::from(number) << 3) | u64::from(LEN));
	put_varint(out, payload.len() as u64);
	out.extend_from_slice(payload);
}

/// The value of a length-delimited field `number` (the first one), if any.
fn bytes_field(bytes: &[u8], number: u32) -> Result<Option<&[u8]>, OnnxError> {
	Ok(fields(bytes)?
		.into_iter()
		.find(|f| f.number == number && f.wire == LEN)
		.map(|f| &bytes[f.value]))
}

/// The floats of an attribute (packed or not).
fn floats(attribute: &[u8]) -> Result<Vec<f32>, OnnxError> {
	let mut out = Vec::new();
	for f in fields(attribute)?.into_iter().filter(|f| f.number == ATTRIBUTE_FLOATS) {
		let raw = &attribute[f.value];
		match f.wire {
			FIXED32 | LEN if raw.len().is_multiple_of(4) => out
				.extend(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))),
			_ => return Err(error("malformed floats")),
		}
	}
	Ok(out)
}

/// The integers of an attribute (packed or not).
fn ints(attribute: &[u8]) -> Result<Vec<u64>, OnnxError> {
	let mut out = Vec::new();
	for f in fields(attribute)?.into_iter().filter(|f| f.number == ATTRIBUTE_INTS) {
		let raw = &attribute[f.value];
		let mut at = 0;
		match f.wire {
			VARINT => out.push(varint(raw, &mut at)?),
			LEN => {
				while at < raw.len() {
					out.push(varint(raw, &mut at)?);
				}
			},
			_ => return Err(error("malformed ints")),
		}
	}
	Ok(out)
}

/// Rewrites the message `bytes`: every length-delimited field `number` goes through `edit`
/// (which returns its new payload, or `None` to keep it).
fn rewrite(
	bytes: &[u8],
	number: u32,
	mut edit: impl FnMut(&[u8]) -> Result<Option<Vec<u8>>, OnnxError>,
) -> Result<Vec<u8>, OnnxError> {
	let mut out = Vec::with_capacity(bytes.len());
	for f in fields(bytes)? {
		let edited =
			if f.number == number && f.wire == LEN { edit(&bytes[f.value])? } else { None };
		match edited {
			Some(payload) => put_len_field(&mut out, f.number, &payload),
			None => out.extend_from_slice(&bytes[f.whole]),
		}
	}
	Ok(out)
}

fn is_linear_classifier(node: &[u8]) -> Result<bool, OnnxError> {
	Ok(bytes_field(node, NODE_OP_TYPE)? == Some(LINEAR_CLASSIFIER))
}

/// The graph of a model file.
fn graph(model: &[u8]) -> Result<&[u8], OnnxError> {
	bytes_field(model, MODEL_GRAPH)?.ok_or_else(|| error("the model has no graph"))
}

/// The trainable layer of a model file: its only `LinearClassifier`.
pub fn linear_layer(model: &[u8]) -> Result<LinearLayer, OnnxError> {
	let graph = graph(model)?;
	let mut layers = Vec::new();
	for f in fields(graph)?.into_iter().filter(|f| f.number == GRAPH_NODE && f.wire == LEN) {
		let node = &graph[f.value];
		if is_linear_classifier(node)? {
			layers.push(node);
		}
	}
	let [node] = layers[..] else {
		return Err(error(format!("{} LinearClassifier nodes, not one", layers.len())));
	};
	let input = bytes_field(node, NODE_INPUT)?
		.and_then(|name| std::str::from_utf8(name).ok())
		.ok_or_else(|| error("the LinearClassifier has no input"))?
		.to_owned();
	let (mut coefficients, mut intercepts) = (None, None);
	for f in fields(node)?.into_iter().filter(|f| f.number == NODE_ATTRIBUTE && f.wire == LEN) {
		let attribute = &node[f.value];
		match bytes_field(attribute, ATTRIBUTE_NAME)? {
			Some(COEFFICIENTS) => coefficients = Some(floats(attribute)?),
			Some(INTERCEPTS) => intercepts = Some(floats(attribute)?),
			_ => {},
		}
	}
	let coefficients = coefficients.ok_or_else(|| error("no coefficients"))?;
	let intercepts = intercepts.ok_or_else(|| error("no intercepts"))?;
	let labels = intercepts.len();
	if labels == 0 || coefficients.is_empty() || coefficients.len() % labels != 0 {
		return Err(error(format!(
			"{} coefficients do not fit {labels} labels",
			coefficients.len()
		)));
	}
	Ok(LinearLayer {
		labels,
		features: coefficients.len() / labels,
		coefficients,
		intercepts,
		input,
	})
}

/// The words a model knows: the unigrams of its only `TfIdfVectorizer` (the strings of
/// `pool_strings` before the count of its second n-gram length, `ngram_counts[1]`).
pub fn vocabulary(model: &[u8]) -> Result<Vec<String>, OnnxError> {
	let graph = graph(model)?;
	let mut vectorizers = Vec::new();
	for f in fields(graph)?.into_iter().filter(|f| f.number == GRAPH_NODE && f.wire == LEN) {
		let node = &graph[f.value];
		if bytes_field(node, NODE_OP_TYPE)? == Some(TFIDF_VECTORIZER) {
			vectorizers.push(node);
		}
	}
	let [node] = vectorizers[..] else {
		return Err(error(format!("{} TfIdfVectorizer nodes, not one", vectorizers.len())));
	};
	let (mut counts, mut pool) = (None, Vec::new());
	for f in fields(node)?.into_iter().filter(|f| f.number == NODE_ATTRIBUTE && f.wire == LEN) {
		let attribute = &node[f.value];
		match bytes_field(attribute, ATTRIBUTE_NAME)? {
			Some(NGRAM_COUNTS) => counts = Some(ints(attribute)?),
			Some(POOL_STRINGS) => {
				for s in fields(attribute)?.into_iter().filter(|f| f.number == ATTRIBUTE_STRINGS) {
					let word = std::str::from_utf8(&attribute[s.value])
						.map_err(|_| error("a vocabulary string is not UTF-8"))?;
					pool.push(word.to_owned());
				}
			},
			_ => {},
		}
	}
	let counts = counts.ok_or_else(|| error("no ngram_counts"))?;
	let unigrams = match counts[..] {
		[0] => pool.len(),
		[0, end, ..] => usize::try_from(end).map_err(|_| error("ngram_counts out of range"))?,
		_ => return Err(error("ngram_counts does not start at 0")),
	};
	if unigrams > pool.len() {
		return Err(error("ngram_counts past the pool"));
	}
	pool.truncate(unigrams);
	Ok(pool)
}

fn packed_floats(values: &[f32]) -> Vec<u8> {
	let mut payload = Vec::with_capacity(values.len() * 4 + 10);
	for v in values {
		payload.extend_from_slice(&v.to_le_bytes());
	}
	let mut field = Vec::with_capacity(payload.len() + 10);
	put_len_field(&mut field, ATTRIBUTE_FLOATS, &payload);
	field
}

/// `model` with its layer's coefficients and intercepts replaced by `layer`'s (which must have
/// the same shape); every other byte unchanged. The floats are written packed.
pub fn with_linear_layer(model: &[u8], layer: &LinearLayer) -> Result<Vec<u8>, OnnxError> {
	let current = linear_layer(model)?;
	if (current.labels, current.features) != (layer.labels, layer.features)
		|| layer.coefficients.len() != layer.labels * layer.features
		|| layer.intercepts.len() != layer.labels
	{
		return Err(error("the new layer's shape differs from the model's"));
	}
	let attribute = |attribute: &[u8]| -> Result<Option<Vec<u8>>, OnnxError> {
		let values = match bytes_field(attribute, ATTRIBUTE_NAME)? {
			Some(COEFFICIENTS) => &layer.coefficients,
			Some(INTERCEPTS) => &layer.intercepts,
			_ => return Ok(None),
		};
		let mut out = Vec::with_capacity(values.len() * 4 + 32);
		for f in fields(attribute)?.into_iter().filter(|f| f.number != ATTRIBUTE_FLOATS) {
			out.extend_from_slice(&attribute[f.whole]);
		}
		out.extend_from_slice(&packed_floats(values));
		Ok(Some(out))
	};
	let node = |node: &[u8]| -> Result<Option<Vec<u8>>, OnnxError> {
		if !is_linear_classifier(node)? {
			return Ok(None);
		}
		rewrite(node, NODE_ATTRIBUTE, attribute).map(Some)
	};
	rewrite(model, MODEL_GRAPH, |graph| rewrite(graph, GRAPH_NODE, node).map(Some))
}

/// `model` with one more graph output: the layer's input (a float tensor), so that running it
/// yields the features the layer sees.
pub fn with_feature_output(model: &[u8]) -> Result<(Vec<u8>, String), OnnxError> {
	let name = linear_layer(model)?.input;
	let mut tensor = Vec::new();
	put_varint(&mut tensor, (u64::from(TENSOR_ELEM_TYPE) << 3) | u64::from(VARINT));
	put_varint(&mut tensor, ELEM_TYPE_FLOAT);
	let mut type_proto = Vec::new();
	put_len_field(&mut type_proto, TYPE_TENSOR, &tensor);
	let mut value_info = Vec::new();
	put_len_field(&mut value_info, VALUE_INFO_NAME, name.as_bytes());
	put_len_field(&mut value_info, VALUE_INFO_TYPE, &type_proto);
	let mut output = Vec::new();
	put_len_field(&mut output, GRAPH_OUTPUT, &value_info);
	// Fields of a message may come in any order: the new output goes at the graph's end.
	let model = rewrite(model, MODEL_GRAPH, |graph| Ok(Some([graph, &output[..]].concat())))?;
	Ok((model, name))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn shipped() -> Vec<u8> {
		// Read at run time, not compile time: the build may be shared by clones at other paths.
		let dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
		let path = std::path::Path::new(&dir).join("model/proposal-classifier.onnx");
		std::fs::read(path).expect("the shipped model")
	}

	#[test]
	fn reads_the_shipped_classifiers_layer() {
		let layer = linear_layer(&shipped()).expect("a linear layer");
		assert_eq!((layer.labels, layer.features), (5, 20_000));
		assert_eq!(layer.coefficients.len(), 100_000);
		assert_eq!(layer.input, "tfidftr_norm");
		// The intercepts training wrote (manifest's model, sklearn's `intercept_`).
		assert!((layer.intercepts[2] - 0.939_831_85).abs() < 1e-6);
	}

	#[test]
	fn a_rewritten_layer_reads_back_and_the_rest_is_kept() {
		let model = shipped();
		let mut layer = linear_layer(&model).expect("a linear layer");
		layer.coefficients[7] += 1.5;
		layer.intercepts[0] = -3.0;
		let rewritten = with_linear_layer(&model, &layer).expect("rewritten");
		assert_eq!(linear_layer(&rewritten).expect("read back"), layer);
		assert_eq!(with_linear_layer(&model, &layer).expect("again"), rewritten, "deterministic");
		// Everything but the layer's floats is as it was: same fields in the same order.
		let original = linear_layer(&model).expect("a linear layer");
		let unchanged = with_linear_layer(&model, &original).expect("same values");
		assert_eq!(linear_layer(&unchanged).expect("read back"), original);
		assert_eq!(
			fields(&unchanged).expect("fields").len(),
			fields(&model).expect("fields").len()
		);
	}

	#[test]
	fn reads_the_words_the_shipped_model_knows() {
		let words = vocabulary(&shipped()).expect("a vocabulary");
		assert!(words.len() > 1_000 && words.len() < 20_000, "{} unigrams", words.len());
		assert!(words.iter().all(|w| !w.contains(' ')), "unigrams only");
		for word in ["treasury", "upgrade", "proposal"] {
			assert!(words.iter().any(|w| w == word), "{word}");
		}
		assert!(vocabulary(&[]).is_err(), "no graph");
	}

	#[test]
	fn refuses_a_layer_of_another_shape_and_garbage() {
		let model = shipped();
		let mut layer = linear_layer(&model).expect("a linear layer");
		layer.intercepts.push(0.0);
		assert!(with_linear_layer(&model, &layer).is_err());
		assert!(linear_layer(b"\x3a\xff\xff").is_err(), "truncated graph");
		assert!(linear_layer(&[]).is_err(), "no graph");
		assert!(linear_layer(&model[..model.len() / 2]).is_err(), "truncated model");
	}
}
