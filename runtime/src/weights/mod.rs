//! What this runtime's work costs, measured on this runtime with polkadot-sdk's benchmark tools
//! (`scripts/benchmark.sh`); never edit these files by hand.
//!
//! - [`block_weights`], [`extrinsic_weights`]: an empty block and a `System::remark`
//!   (`daollm-node benchmark overhead`): `frame_system`'s `BlockExecutionWeight` and
//!   `ExtrinsicBaseWeight`.
//! - [`paritydb_weights`]: one read and one write of ParityDB, the node's database, on a state of
//!   tens of thousands of accounts (`daollm-node benchmark storage`): the runtime's `DbWeight`.
//! - `pallet_*`: the polkadot-sdk pallets this runtime uses for governance
//!   (`daollm-node benchmark pallet`). Our own pallets keep theirs in their crates.

pub mod block_weights;
pub mod extrinsic_weights;
pub mod paritydb_weights;

pub mod pallet_collective;
pub mod pallet_conviction_voting;
pub mod pallet_preimage;
pub mod pallet_referenda;
pub mod pallet_scheduler;
pub mod pallet_whitelist;
