//! `daollm-node`: the DAOLLM validator and full node.

#![warn(missing_docs)]
// `sc_cli::Error` is large, and every subcommand returns it: that is sc-cli's API, not ours.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod evaluate;
mod inference;
mod live_keys;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
