//! The pallets whose benchmarks `daollm-node benchmark pallet` runs.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_proposals, Proposals]
	[pallet_spaces, Spaces]
	[pallet_compute_nodes, ComputeNodes]
	[pallet_inference, Inference]
	[pallet_model_registry, ModelRegistry]
	[pallet_rewards, Rewards]
	[pallet_training, Training]
	[pallet_preimage, Preimage]
	[pallet_scheduler, Scheduler]
	[pallet_referenda, Referenda]
	[pallet_conviction_voting, ConvictionVoting]
	[pallet_collective, TechnicalCommittee]
	[pallet_whitelist, Whitelist]
);

pub use frame_benchmarking::baseline::Pallet as BaselineBench;
pub use frame_system_benchmarking::Pallet as SystemBench;

impl frame_benchmarking::baseline::Config for crate::Runtime {}
impl frame_system_benchmarking::Config for crate::Runtime {}
