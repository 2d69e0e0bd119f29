//! `pallet_training`: federated rounds that train the analysis model's linear layer on the
//! verified annotations; trainers and aggregators are the registry's compute nodes.

use frame_support::{parameter_types, traits::ConstU32};
use sp_runtime::{Perbill, Percent};

use super::offchain::NodeSigner;
use crate::{Balance, BlockNumber, ComputeNodes, ModelRegistry, Proposals, Runtime, DAYS, HOURS};
use daollm_primitives::training::RobustRule;

/// Blocks the training worker waits before it sends an update, commitment or reveal again:
/// five (30 s), more than a worker transaction's three-block lifetime, because a trainer's claim
/// on its step also keeps the next blocks' workers from starting the same training while a slow
/// one still runs. Aggregation windows must be longer than this for a lost transaction to be
/// resent in time (see `genesis_config_presets::AGGREGATION_WINDOW`).
pub const TRAINING_RESEND_AFTER: u32 = 5;

/// The longest a round's training phase may last: a week.
pub const MAX_TRAINING_PERIOD: BlockNumber = 7 * DAYS;

/// The longest aggregation commit or reveal window governance may set: an hour.
pub const MAX_AGGREGATION_WINDOW: BlockNumber = HOURS;

/// The longest a drawn training seat waits for its judgement: the training phase, both
/// aggregation windows, and an hour for the two draws, each of which waits for a block by
/// another author than the one that fixed it (a few blocks at most with BABE's secondary slots).
pub const MAX_TRAINING_SEAT_LIFE: BlockNumber =
	MAX_TRAINING_PERIOD + 2 * MAX_AGGREGATION_WINDOW + HOURS;

parameter_types! {
	/// Public networks: eight trainers, five aggregators, a minute for each aggregation window,
	/// and a trimmed mean that drops the highest and the lowest quarter of the drawn trainers'
	/// values at each coordinate (two of eight at each end), so that two poisoned updates
	/// cannot move it out of the honest range; a round aggregates with five updates or more.
	/// Two thirds of the aggregators' seats must reveal, and two thirds of those agree (five
	/// seats, at most one per node). Update
	/// values are clipped to ±8.0: an honest round's updates (twenty epochs at rate 0.5 on the
	/// shipped layer) stay well inside it. Trainers replay the model's reference examples, a
	/// round's example weighing six of them, every label the same: the plan the evaluation
	/// protocol (`offchain-workers/model/evaluate.py --tune`) chose on leave-one-DAO-out. A
	/// fifth of a round's examples is held back for the aggregators to validate the candidate
	/// on (five of 25 annotations).
	pub DefaultTrainingParameters: pallet_training::Parameters<BlockNumber> =
		pallet_training::Parameters {
			trainers: 8,
			aggregators: 5,
			commit_window: 10,
			reveal_window: 10,
			agreement: Perbill::from_rational(2u32, 3u32),
			min_participation: Perbill::from_rational(2u32, 3u32),
			min_updates: 5,
			aggregator_points: 20,
			plan: pallet_training::TrainingPlan {
				epochs: 20,
				learning_rate_ppm: 500_000,
				rule: RobustRule::TrimmedMean { trim: Percent::from_percent(25) },
				max_value: 8 << daollm_primitives::training::FRACTION_BITS,
				replay: true,
				round_weight: 6,
				balance_labels: true,
				validation_percent: 20,
			},
		};
	/// A candidate that labels more than 1% of its base's reference examples wrong beyond the
	/// base's errors is registered as forgetting (the evaluation protocol's "no forgetting"
	/// bound: macro-F1 within 0.01 of the base's on the DAOs already served).
	pub TrainingForgettingTolerance: Perbill = Perbill::from_percent(1);
}

impl pallet_training::Config for Runtime {
	type Balance = Balance;
	/// The registry's compute nodes: their stake and reputation weigh the draws, their `infr`
	/// keys sign.
	type Nodes = ComputeNodes;
	type AuthorityId = NodeSigner;
	type Models = ModelRegistry;
	type TrainingData = Proposals;
	/// Kept trainers and agreeing aggregators earn training points, paid per epoch.
	type RewardPoints = crate::Rewards;
	/// The VRF output of the drawing block: see [`super::draws`].
	type Randomness = super::draws::BabeVrfDraws;
	/// The `models` track opens rounds.
	type RoundOrigin = super::governance::ModelsOrigin;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	/// A round reads at most this many verified examples when it opens (about 2.5 % of a
	/// block's weight) and keeps their ids (8 KiB).
	type MaxExamples = ConstU32<2048>;
	type MaxTrainers = ConstU32<16>;
	type MaxAggregators = ConstU32<8>;
	/// The shipped classifier's layer (5 labels × 20 000 features + 5 biases, 4 bytes each) is
	/// 400 KB encoded; half a MiB leaves room for a somewhat larger vocabulary.
	type MaxUpdateLen = ConstU32<{ 512 * 1024 }>;
	type MaxLiveRounds = ConstU32<4>;
	type MaxTrainingPeriod = ConstU32<MAX_TRAINING_PERIOD>;
	type MaxAggregationWindow = ConstU32<MAX_AGGREGATION_WINDOW>;
	/// The inference committees' priority: above every tip, so that no block stuffing keeps a
	/// round's seats from answering.
	type SeatPriority = super::inference::CommitteePriority;
	type ForgettingTolerance = TrainingForgettingTolerance;
	type ResendAfter = ConstU32<TRAINING_RESEND_AFTER>;
	type DefaultParameters = DefaultTrainingParameters;
	type WeightInfo = pallet_training::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TrainingBenchmarkHelper;
}

/// Compute nodes registered in the registry, the analysis model registered through
/// governance, examples written into the proposals pallet's training set.
#[cfg(feature = "runtime-benchmarks")]
pub struct TrainingBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_training::benchmarking::BenchmarkHelper<crate::AccountId> for TrainingBenchmarkHelper {
	fn nodes(count: u32) {
		pallet_compute_nodes::benchmarking::nodes::<Runtime>(count);
	}
	fn signer(node: &crate::AccountId) -> crate::AccountId {
		pallet_compute_nodes::benchmarking::signer::<Runtime>(node)
	}
	fn base_model() -> (daollm_primitives::ModelId, daollm_primitives::ModelVersion) {
		use pallet_inference::benchmarking::BenchmarkHelper as _;
		super::inference::InferenceBenchmarkHelper::activate_model();
		let model = super::ANALYSIS_MODEL;
		let latest =
			pallet_model_registry::Models::<Runtime>::get(model).expect("registered").latest;
		(model, latest)
	}
	fn fresh_seed() {
		super::draws::benchmark_pre_digest();
	}
	fn examples(count: u32) {
		for id in 0..count {
			pallet_proposals::TrainingSet::<Runtime>::insert(
				id,
				pallet_proposals::TrainingExample {
					proposal: id,
					content_hash: sp_core::H256::repeat_byte(id as u8),
					label: (id % 5) as u8,
					analysis: pallet_proposals::AnalysisStatus::Pending,
					space: None,
				},
			);
		}
	}
}
