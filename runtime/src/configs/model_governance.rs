//! `pallet_model_governance`: the model registry and token-holder referenda.
//!
//! Enacted calls are dispatched as `Root`, which is the `GovernanceOrigin` of every pallet's
//! setters; with no sudo key outside the dev chain, referenda are the only way to reach it, and
//! [`GovernableCalls`] limits them to the calls a DAO should decide.

use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Contains, Get},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

use crate::{
	configs::{proposals::LabelCount, RuntimeBlockWeights, TreasuryAccount},
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeCall, RuntimeFreezeReason,
	RuntimeHoldReason, DAYS, UNIT,
};

/// The model whose active version analyses proposals: the first model registered at genesis,
/// `proposal-classifier`.
pub const ANALYSIS_MODEL: pallet_model_governance::ModelId = 0;

parameter_types! {
	/// The parameters public networks start with: a week of voting, a day of timelock.
	pub DefaultGovernanceParameters: pallet_model_governance::Parameters<Balance, BlockNumber> =
		pallet_model_governance::Parameters {
			voting_period: 7 * DAYS,
			enactment_delay: DAYS,
			// A tenth of the issuance must vote, two thirds of the votes must be ayes.
			quorum: Perbill::from_percent(10),
			approval: Perbill::from_rational(2u32, 3u32),
			// A hundred PROPOSAL: spam costs, a serious proposer gets it back.
			min_deposit: 100 * UNIT,
			// A 1× vote stays frozen a week after the voting period, a 6× vote 32 weeks.
			vote_lock_period: 7 * DAYS,
			// A day's notice before tasks run a newly activated model: time for every operator
			// to fetch and install the file.
			activation_delay: DAYS,
		};
	/// A tenth of a block per enacted call: four enactments (the most per block) leave more
	/// than half the block to transactions.
	pub MaxGovernanceCallWeight: Weight =
		Perbill::from_percent(10) * RuntimeBlockWeights::get().max_block;
	pub const AnalysisModel: pallet_model_governance::ModelId = ANALYSIS_MODEL;
}

/// The analysis model's versions have the label set annotations and results share.
pub struct AnalysisLabels;
impl Get<u32> for AnalysisLabels {
	fn get() -> u32 {
		u32::from(<LabelCount as Get<u8>>::get())
	}
}

/// The calls a referendum may propose: registering and activating models, opening training
/// rounds, every pallet's parameter setter (governance's own, inference's, the compute-node
/// registry's, training's, the
/// rewards' emission and split, the annotation challenge period), removing spam proposals, and
/// authorising a runtime upgrade (whose code anyone then applies with
/// `system.applyAuthorizedUpgrade`).
pub struct GovernableCalls;
impl Contains<RuntimeCall> for GovernableCalls {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_model_governance::Call as Governance;
		matches!(
			call,
			RuntimeCall::ModelGovernance(
				Governance::register_model { .. }
					| Governance::activate_model { .. }
					| Governance::set_parameters { .. }
			) | RuntimeCall::Inference(pallet_inference::Call::set_parameters { .. })
				| RuntimeCall::ComputeNodes(pallet_compute_nodes::Call::set_parameters { .. })
				| RuntimeCall::Rewards(pallet_rewards::Call::set_parameters { .. })
				| RuntimeCall::Training(
					pallet_training::Call::open_round { .. }
						| pallet_training::Call::set_parameters { .. }
				) | RuntimeCall::Proposals(
				pallet_proposals::Call::mark_spam { .. }
					| pallet_proposals::Call::set_challenge_period { .. }
			) | RuntimeCall::System(
				frame_system::Call::authorize_upgrade { .. }
					| frame_system::Call::authorize_upgrade_without_checks { .. }
			)
		)
	}
}

impl pallet_model_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type CallFilter = GovernableCalls;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	/// Root: sudo on the dev chain, a referendum elsewhere (a veto council would be a
	/// collective's origin here).
	type VetoOrigin = EnsureRoot<AccountId>;
	/// Vetoed deposits go to the treasury, like other slashes.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	type AnalysisModel = AnalysisModel;
	type AnalysisLabels = AnalysisLabels;
	type MaxLiveReferenda = ConstU32<16>;
	type MaxVotes = ConstU32<64>;
	type MaxEnactmentsPerBlock = ConstU32<4>;
	/// Registering a model with long label names is the largest whitelisted call, well under
	/// 4 KiB.
	type MaxCallLen = ConstU32<4096>;
	type MaxCallWeight = MaxGovernanceCallWeight;
	type MaxVotingPeriod = ConstU32<{ 28 * DAYS }>;
	type MaxNameLen = ConstU32<64>;
	type MaxUriLen = ConstU32<256>;
	type MaxLabels = ConstU32<{ daollm_primitives::MAX_LABELS }>;
	type MaxLabelLen = ConstU32<64>;
	type DefaultParameters = DefaultGovernanceParameters;
	type WeightInfo = pallet_model_governance::weights::SubstrateWeight<Runtime>;
}
