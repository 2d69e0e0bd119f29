//! `pallet_training`: federated rounds that train the analysis model's linear layer on the
//! verified annotations; trainers and aggregators are the inference nodes.

use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::{Perbill, Percent};

use super::inference::{InferenceSigner, ParentHashRandomness};
use crate::{
	AccountId, Balance, BlockNumber, Inference, ModelGovernance, Proposals, Runtime, DAYS,
};
use daollm_primitives::training::RobustRule;

parameter_types! {
	/// Public networks: eight trainers, five aggregators, a minute for each aggregation window,
	/// and a trimmed mean that drops the highest and the lowest quarter of the updates at each
	/// coordinate (two of eight at each end), so that two poisoned updates cannot move it out of
	/// the honest range.
	pub DefaultTrainingParameters: pallet_training::Parameters<BlockNumber> =
		pallet_training::Parameters {
			trainers: 8,
			aggregators: 5,
			commit_window: 10,
			reveal_window: 10,
			agreement: Perbill::from_rational(2u32, 3u32),
			aggregator_points: 20,
			plan: pallet_training::TrainingPlan {
				epochs: 5,
				learning_rate_ppm: 500_000,
				rule: RobustRule::TrimmedMean { trim: Percent::from_percent(25) },
			},
		};
}

impl pallet_training::Config for Runtime {
	type Balance = Balance;
	/// The inference nodes: their stake and reputation weigh the draws, their `infr` keys sign.
	type Nodes = Inference;
	type AuthorityId = InferenceSigner;
	type Models = ModelGovernance;
	type TrainingData = Proposals;
	/// Kept trainers and agreeing aggregators earn training points, paid per epoch.
	type RewardPoints = crate::Rewards;
	type Randomness = ParentHashRandomness;
	/// Root: what enacted referenda dispatch as (and sudo on the dev chain).
	type GovernanceOrigin = EnsureRoot<AccountId>;
	/// A round reads at most this many verified examples when it opens (about 2.5 % of a
	/// block's weight) and keeps their ids (8 KiB).
	type MaxExamples = ConstU32<2048>;
	type MaxTrainers = ConstU32<16>;
	type MaxAggregators = ConstU32<8>;
	/// The shipped classifier's layer (5 labels × 20 000 features + 5 biases, 4 bytes each) is
	/// 400 KB encoded; half a MiB leaves room for a somewhat larger vocabulary.
	type MaxUpdateLen = ConstU32<{ 512 * 1024 }>;
	type MaxLiveRounds = ConstU32<4>;
	type MaxTrainingPeriod = ConstU32<{ 7 * DAYS }>;
	type DefaultParameters = DefaultTrainingParameters;
	type WeightInfo = pallet_training::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TrainingBenchmarkHelper;
}

/// Inference nodes registered through their pallet, the analysis model registered through
/// governance, examples written into the proposals pallet's training set.
#[cfg(feature = "runtime-benchmarks")]
pub struct TrainingBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_training::benchmarking::BenchmarkHelper<AccountId> for TrainingBenchmarkHelper {
	fn nodes(count: u32) {
		use frame_support::traits::fungible::Mutate;
		use pallet_inference::benchmarking::BenchmarkHelper as _;
		let stake = pallet_inference::Params::<Runtime>::get().min_node_stake.saturating_mul(4);
		let mut index = 0u32;
		while pallet_inference::Nodes::<Runtime>::count() < count {
			let who: AccountId = frame_benchmarking::account("node", index, 0);
			let key = super::inference::InferenceBenchmarkHelper::key(index);
			let _ = crate::Balances::set_balance(&who, stake.saturating_mul(4));
			Inference::do_register(&who, stake, key).expect("a funded operator registers");
			index += 1;
		}
	}
	fn signer(node: &AccountId) -> AccountId {
		pallet_inference::Nodes::<Runtime>::get(node).expect("registered").key_account
	}
	fn base_model() -> (daollm_primitives::ModelId, daollm_primitives::ModelVersion) {
		use pallet_inference::benchmarking::BenchmarkHelper as _;
		super::inference::InferenceBenchmarkHelper::activate_model();
		let model = super::ANALYSIS_MODEL;
		let latest =
			pallet_model_governance::Models::<Runtime>::get(model).expect("registered").latest;
		(model, latest)
	}
	fn examples(count: u32) {
		for id in 0..count {
			pallet_proposals::TrainingSet::<Runtime>::insert(
				id,
				pallet_proposals::TrainingExample {
					proposal: id,
					content_hash: sp_core::H256::repeat_byte(id as u8),
					label: (id % 5) as u8,
				},
			);
		}
	}
}
