//! `pallet_compute_nodes`: the registry of staked compute nodes that inference and training
//! draw, with their `infr` keys, reputation and slashes.

use daollm_primitives::{
	inference::InferenceKey,
	time::{DAYS, MINUTES},
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32},
};
use sp_runtime::{traits::Convert, Perbill};

use super::{inference::MAX_TASK_DURATION, TreasuryAccount};
use crate::{AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeHoldReason, UNIT};

parameter_types! {
	/// The parameters at genesis, until governance changes them.
	pub DefaultNodeParameters: pallet_compute_nodes::Parameters<Balance, BlockNumber> =
		pallet_compute_nodes::Parameters {
			// A thousand PROPOSAL: enough that losing a slice of it to silence hurts.
			min_node_stake: 1_000 * UNIT,
			// Eight days: longer than the longest training seat's wait for its judgement.
			unbonding_period: 8 * DAYS,
			// Each judged piece of work moves reputation a tenth of the way: about 16 silent
			// tasks take a fresh node from 50% to below 10%.
			reputation_step: Perbill::from_percent(10),
			initial_reputation: Perbill::from_percent(50),
			min_reputation: Perbill::from_percent(20),
			miss_slash: Perbill::from_percent(5),
			// Honest nodes agree byte for byte: a wrong answer costs a fifth of a silent one.
			disagreement_slash: Perbill::from_percent(1),
			// An outage, or a model it lacks, is one offence per hour; a node that answers in
			// between is slashed for each failure.
			offence_window: 60 * MINUTES,
			// Six excuses an hour (a node catching up after a restart) before an excuse is a
			// miss.
			excuse_budget: 6,
			// A day out of the draws after an exclusion.
			rejoin_cooldown: DAYS,
		};
	/// No node may leave before the longest work it was drawn for is judged: an inference
	/// task's windows plus the deferral of a full judgement block, or a training seat's
	/// round, whichever is longer (the training round, by far).
	pub const MinUnbondingPeriod: BlockNumber = {
		let task = MAX_TASK_DURATION + pallet_inference::MAX_DEFERRAL + 1;
		let training = super::training::MAX_TRAINING_SEAT_LIFE;
		if task > training { task } else { training }
	};
}

/// The account an `infr` key signs as: the sr25519 public key's bytes, as for every account.
pub struct NodeKeyAccount;
impl Convert<InferenceKey, AccountId> for NodeKeyAccount {
	fn convert(key: InferenceKey) -> AccountId {
		key.into_inner().into()
	}
}

impl pallet_compute_nodes::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type NodeKey = InferenceKey;
	type KeyAccount = NodeKeyAccount;
	/// Slashed stake goes to the treasury, like spam deposits: no node gains from another's
	/// slash.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	/// BABE's VRF: the registry keeps each block's output for the next block's draws.
	type Randomness = super::draws::BabeVrfDraws;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	type MaxNodes = ConstU32<128>;
	type MaxUnbondingChunks = ConstU32<8>;
	type MaxHistory = ConstU32<16>;
	type MinUnbondingPeriod = MinUnbondingPeriod;
	type DefaultParameters = DefaultNodeParameters;
	type WeightInfo = pallet_compute_nodes::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = NodeBenchmarkHelper;
}

/// Keys from their seed's bytes.
#[cfg(feature = "runtime-benchmarks")]
pub struct NodeBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_compute_nodes::benchmarking::BenchmarkHelper<InferenceKey> for NodeBenchmarkHelper {
	fn key(seed: u32) -> InferenceKey {
		let mut raw = [0u8; 32];
		raw[..4].copy_from_slice(&seed.to_le_bytes());
		sp_core::sr25519::Public::from_raw(raw).into()
	}
}
