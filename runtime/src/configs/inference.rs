//! `pallet_inference`: committees of compute nodes, commit–reveal and consensus by seats.

use daollm_primitives::time::MINUTES;
use frame_support::{parameter_types, traits::ConstU32};
use sp_core::H256;
use sp_runtime::Perbill;

use super::offchain::NodeSigner;
use crate::{
	configs::proposals::LabelCount, Balance, BlockNumber, ComputeNodes, ModelRegistry, Proposals,
	Rewards, Runtime,
};

/// sha256 of the proposal classifier this runtime ships with
/// (`offchain-workers/model/proposal-classifier.onnx`; its `manifest.json` records it, and a test
/// checks that they agree).
pub const SHIPPED_MODEL_SHA256: H256 =
	H256(sp_core::hex2array!("f4b9ad9734119a9f2d66cdb3a930b9f908d09d73fcdd78b4fc5abdde5313572e"));

/// The width of the shipped classifier's trainable linear layer (its TF-IDF vocabulary; the
/// manifest's `layer`, checked by the same test): the registry records it with the model.
pub const SHIPPED_MODEL_FEATURES: u32 = 20_000;

parameter_types! {
	/// The pool priority of committee members' commits and reveals.
	pub const CommitteePriority: sp_runtime::transaction_validity::TransactionPriority =
		sp_runtime::transaction_validity::TransactionPriority::MAX / 2;
	/// The parameters at genesis, until governance changes them.
	pub DefaultInferenceParameters: pallet_inference::Parameters<BlockNumber> =
		pallet_inference::Parameters {
			// 25 seats, each one vote: an operator with a third of the draw weight holds the
			// two thirds that decide a committee with probability 4.2 × 10⁻⁴, whatever its
			// stake (`pallet_compute_nodes::sortition`). A node answers once for all its seats.
			committee_size: 25,
			// Thirty seconds to run the model and commit, thirty to reveal.
			commit_window: 5,
			reveal_window: 5,
			consensus_threshold: Perbill::from_rational(2u32, 3u32),
			inference_points: 10,
			// Half the committee's seats (excused ones left out) must answer for a consensus:
			// a few members cannot decide alone.
			min_participation: Perbill::from_percent(50),
			// Two more rounds, of 50 and 64 seats, without the members of the failed ones.
			escalations: 2,
		};
}

impl pallet_inference::Config for Runtime {
	type Balance = Balance;
	/// The registry's staked compute nodes sit on the committees.
	type Nodes = ComputeNodes;
	type AuthorityId = NodeSigner;
	/// The VRF output of the drawing block: see [`super::draws`] for what an author can bias.
	type Randomness = super::draws::BabeVrfDraws;
	/// The active version of the analysis model in the governance registry.
	type ActiveModel = ModelRegistry;
	type OnAnalysed = Proposals;
	type Titles = Proposals;
	/// Members that agreed with the consensus earn inference points, paid per epoch.
	type RewardPoints = Rewards;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	type LabelCount = LabelCount;
	type MaxCommitteeSize = ConstU32<64>;
	type MaxEscalations = ConstU32<4>;
	type MaxTasksPerBlock = ConstU32<16>;
	type MaxTaskDuration = MaxTaskDuration;
	/// 64 blocks (about six minutes) of full judgement slots, 16 per block, can wait; beyond
	/// that, new proposals are refused until the queue drains.
	type MaxBacklog = ConstU32<1_024>;
	/// Above every tip (priorities from fees are far below this), and as high as the pool gives
	/// operational calls: a member's answer is never crowded out.
	type CommitteePriority = CommitteePriority;
	/// A commit, reveal or excuse is sent again as soon as its first attempt is dead in every
	/// pool: its three-block lifetime. Five-block windows leave room for one resend.
	type ResendAfter = ConstU32<{ daollm_primitives::offchain::LIFETIME }>;
	type DefaultParameters = DefaultInferenceParameters;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InferenceBenchmarkHelper;
}

/// Ten minutes from opening to the end of the reveal window, at most.
pub const MAX_TASK_DURATION: BlockNumber = 10 * MINUTES;

/// [`MAX_TASK_DURATION`] as the pallet's constant.
pub type MaxTaskDuration = ConstU32<MAX_TASK_DURATION>;

/// Nodes registered in the registry, a made-up model hash registered and activated through
/// governance.
#[cfg(feature = "runtime-benchmarks")]
pub struct InferenceBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::benchmarking::BenchmarkHelper<crate::AccountId>
	for InferenceBenchmarkHelper
{
	fn nodes(count: u32) {
		pallet_compute_nodes::benchmarking::nodes::<Runtime>(count);
	}
	fn signer(node: &crate::AccountId) -> crate::AccountId {
		pallet_compute_nodes::benchmarking::signer::<Runtime>(node)
	}
	fn fresh_seed() {
		super::draws::benchmark_pre_digest();
	}
	fn activate_model() {
		let count = <LabelCount as frame_support::traits::Get<u8>>::get();
		let labels = (0..count).map(|i| alloc::vec![b'a' + i]).collect();
		let input = pallet_model_registry::InputSpec::NormalisedText { max_chars: 8_000 };
		let hash = H256::repeat_byte(0xAA);
		let version = pallet_model_registry::VersionOfHash::<Runtime>::get(hash)
			.map(|(_, version)| Ok(version))
			.unwrap_or_else(|| {
				ModelRegistry::do_register(
					b"proposal-classifier".to_vec(),
					hash,
					alloc::vec![],
					labels,
					input,
					Some(SHIPPED_MODEL_FEATURES),
					None,
				)
				.map(|(_, version)| version)
			})
			.expect("the benchmark model registers");
		let _ = ModelRegistry::do_activate(crate::configs::ANALYSIS_MODEL, version, 0, None);
	}
}
