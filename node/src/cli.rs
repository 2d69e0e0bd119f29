//! The command line: `daollm-node [SUBCOMMAND] [OPTIONS]`.

/// Subcommands of `daollm-node`; without one, the node runs.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (`key insert` puts a validator's BABE,
	/// GRANDPA or inference key into the node's keystore).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--raw` for the form nodes boot from).
	#[deprecated(note = "use `export-chain-spec`, which needs no database")]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification without opening a database.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime benchmarks (`pallet`, `overhead`, `storage`, `machine`, `block`, `extrinsic`);
	/// needs a node built with the `runtime-benchmarks` feature.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Score ONNX model files on labelled proposals (accuracy, macro-F1), e.g. a training
	/// round's candidate against the active version.
	EvaluateModel(crate::evaluate::EvaluateModelCmd),

	/// Run a training round offline, exactly as the chain's trainers and aggregators do, and
	/// score the base and the candidate: the evaluation protocol's adaptation step.
	SimulateRound(crate::evaluate::SimulateRoundCmd),
}

/// `daollm-node`'s arguments.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// What to do instead of running the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// How to run the node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// What the offchain worker analyses proposals with.
	#[clap(flatten)]
	pub inference: crate::inference::InferenceParams,
}
