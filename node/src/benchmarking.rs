//! `daollm-node benchmark …`: runs the runtime's benchmarks (node built with the
//! `runtime-benchmarks` feature).
//!
//! - `pallet`: the pallets' benchmarks, in the Wasm runtime (→ `weights.rs` files);
//! - `overhead`: the cost of an empty block and of one `System::remark` in it
//!   (→ `runtime/src/weights/{block,extrinsic}_weights.rs`);
//! - `storage`: read and write costs on this node's database (→ `paritydb_weights.rs`);
//! - `machine`: this machine's CPU, memory and disk against the reference hardware;
//! - `block`, `extrinsic`: re-execute existing blocks, or time one kind of extrinsic.

use std::time::Duration;

use frame_benchmarking_cli::{
	BenchmarkCmd, ExtrinsicFactory, SubstrateRemarkBuilder, SUBSTRATE_REFERENCE_HARDWARE,
};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use sp_inherents::{InherentData, InherentDataProvider};
use sp_runtime::traits::HashingFor;

use crate::{cli::Cli, service};
use daollm_primitives::opaque::Block;

/// Runs the benchmark subcommand `cmd`.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => cmd
			.run_with_spec::<HashingFor<Block>, service::DaollmHostFunctions>(Some(
				config.chain_spec,
			)),
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		},
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_trie_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_trie_cache)
		},
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		BenchmarkCmd::Overhead(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let remark = SubstrateRemarkBuilder::new_from_client(client.clone())?;
			let chain = config.chain_spec.name().to_owned();
			cmd.run(chain, client, benchmark_inherents()?, Vec::new(), &remark, false)
		},
		BenchmarkCmd::Extrinsic(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let remark = SubstrateRemarkBuilder::new_from_client(client.clone())?;
			let builders = ExtrinsicFactory(vec![Box::new(remark)]);
			cmd.run(client, benchmark_inherents()?, Vec::new(), &builders)
		},
	})
}

/// The inherents of a benchmarked block: the timestamp, at zero.
///
/// The benchmarked blocks carry no BABE pre-digest, so the runtime's `CurrentSlot` stays at its
/// genesis value 0, and BABE requires the timestamp's slot to equal it.
fn benchmark_inherents() -> sc_cli::Result<InherentData> {
	let mut inherents = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(Duration::ZERO.into());
	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherents))
		.map_err(|e| format!("timestamp inherent: {e}"))?;
	Ok(inherents)
}
