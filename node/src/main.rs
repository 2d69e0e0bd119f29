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
	limit_malloc_arenas();
	command::run()
}

/// Keeps the node's heap from growing with its work: by default glibc gives every thread that
/// allocates an arena of its own (up to eight per core), and memory freed into one stays there.
/// The node's many short-lived worker threads (offchain workers, RPC, block import) spread the
/// allocations of each analysed proposal over ever more arenas: a dev node's resident memory grew
/// by about 9 MiB per 100 analyses (346 MiB after 1 000). With two arenas it stays flat. An
/// operator's `MALLOC_ARENA_MAX` wins. Called first in `main`, before any thread exists.
fn limit_malloc_arenas() {
	#[cfg(all(target_os = "linux", target_env = "gnu"))]
	if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
		/// The most heaps ("arenas") glibc keeps.
		const ARENAS: libc::c_int = 2;
		// SAFETY: `mallopt` only sets an allocator parameter; no thread is running yet.
		unsafe {
			libc::mallopt(libc::M_ARENA_MAX, ARENAS);
		}
	}
}
