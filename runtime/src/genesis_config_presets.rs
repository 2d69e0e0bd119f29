//! Genesis presets: the initial state from which the node builds its chain specifications.
//!
//! - `development`: one validator and inference node (Alice), sudo Alice, the well-known dev
//!   accounts endowed, referenda decided in about a minute (the tracks' fast timing).
//! - `local_testnet`: four validators and inference nodes (Alice, Bob, Charlie, Dave), no sudo
//!   (governance is root), the same accounts, referenda decided in about a minute.
//!
//! On both, Alice, Bob and Charlie are the technical committee.
//!
//! Both register the shipped proposal classifier as version 1 of the analysis model, active, and
//! run training rounds with short aggregation windows.
//! The public testnet template lives in `chain-spec/` as a JSON patch with no sudo key.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::governance::origins::TrackTiming,
	configs::{TreasuryAccount, BABE_GENESIS_EPOCH_CONFIG, SHIPPED_MODEL_SHA256},
	AccountId, BabeConfig, BalancesConfig, ComputeNodesConfig, ModelRegistryConfig, OriginsConfig,
	ProposalsConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig,
	TechnicalCommitteeConfig, TrainingConfig, EXISTENTIAL_DEPOSIT, UNIT,
};
use daollm_primitives::inference::InferenceKey;
use pallet_model_registry::{pallet::GenesisModel, InputSpec};

/// What each endowed development account starts with: one million PROPOSAL.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// What each development validator stakes as an inference node: ten thousand PROPOSAL.
pub const NODE_STAKE: crate::Balance = 10_000 * UNIT;

/// The labels of the shipped classifier, by index (`offchain-workers/model/manifest.json`).
pub const SHIPPED_MODEL_LABELS: [&str; 5] = [
	"protocol-upgrade",
	"standard-interface",
	"parameter-change",
	"process-meta",
	"treasury-funding",
];

/// The shipped classifier as version 1 of the analysis model, active.
pub fn shipped_model() -> GenesisModel {
	GenesisModel {
		name: "proposal-classifier".into(),
		sha256: SHIPPED_MODEL_SHA256,
		uri: "repo:offchain-workers/model/proposal-classifier.onnx".into(),
		labels: SHIPPED_MODEL_LABELS.iter().map(|l| (*l).into()).collect(),
		input: InputSpec::NormalisedText { max_chars: 8_000 },
		layer_features: Some(crate::configs::SHIPPED_MODEL_FEATURES),
		active: true,
	}
}

/// The model registry for development and test networks: a newly activated version is run two
/// blocks later.
pub fn fast_registry() -> pallet_model_registry::Parameters<crate::BlockNumber> {
	pallet_model_registry::Parameters { activation_delay: 2 }
}

/// The challenge period of development and test networks, and so their spam window: eight
/// blocks, one more than the fast `spam` track's quickest referendum (prepare, decide, confirm,
/// enact).
pub const FAST_CHALLENGE_PERIOD: crate::BlockNumber = 8;

/// The proposal parameters of development and test networks: the runtime's, with the
/// [`FAST_CHALLENGE_PERIOD`].
pub fn fast_proposals() -> pallet_proposals::Parameters<crate::Balance, crate::BlockNumber> {
	pallet_proposals::Parameters {
		challenge_period: FAST_CHALLENGE_PERIOD,
		..crate::configs::DefaultProposalParameters::get()
	}
}

/// The aggregation windows of development and test networks: the least window in which an
/// aggregator whose commit or reveal was lost (in a block BABE abandoned, or a pool that dropped
/// it) still resends it once and lands it, as the worker resends after
/// [`crate::configs::TRAINING_RESEND_AFTER`] (five) blocks. With three-block windows an
/// aggregator missed its reveal on CI (zombienet 0004, 2026-12-03).
pub const AGGREGATION_WINDOW: crate::BlockNumber = crate::configs::TRAINING_RESEND_AFTER + 1;

/// Training for development and test networks: four trainers and three aggregators (as many as
/// there are nodes, on a smaller network), [`AGGREGATION_WINDOW`]-block aggregation windows, a
/// trimmed mean that drops a quarter of the drawn trainers' values at each end (one of four),
/// and so at least three updates.
pub fn fast_training() -> pallet_training::Parameters<crate::BlockNumber> {
	pallet_training::Parameters {
		trainers: 4,
		aggregators: 3,
		commit_window: AGGREGATION_WINDOW,
		reveal_window: AGGREGATION_WINDOW,
		min_updates: 3,
		..crate::configs::DefaultTrainingParameters::get()
	}
}

/// The genesis state for the given validators, sudo key, technical committee and endowed
/// accounts, with the tracks' fast timing.
///
/// The treasury account starts with the existential deposit so that the first fee paid into it
/// is never below it (a fee smaller than the deposit into a dead account would be burnt).
pub fn genesis(
	validators: Vec<(AccountId, SessionKeys)>,
	inference_nodes: Vec<(AccountId, InferenceKey)>,
	root: Option<AccountId>,
	technical_committee: Vec<AccountId>,
	endowed_accounts: Vec<AccountId>,
) -> Value {
	let mut balances: Vec<(AccountId, crate::Balance)> =
		endowed_accounts.into_iter().map(|k| (k, ENDOWMENT)).collect();
	balances.push((TreasuryAccount::get(), EXISTENTIAL_DEPOSIT));

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		// The session hands BABE and GRANDPA their authorities.
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|(account, keys)| (account.clone(), account, keys))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: root },
		model_registry: ModelRegistryConfig {
			parameters: Some(fast_registry()),
			models: vec![shipped_model()],
		},
		origins: OriginsConfig { timing: TrackTiming::Fast },
		technical_committee: TechnicalCommitteeConfig { members: technical_committee },
		compute_nodes: ComputeNodesConfig {
			nodes: inference_nodes
				.into_iter()
				.map(|(operator, key)| (operator, NODE_STAKE, key))
				.collect::<Vec<_>>(),
		},
		training: TrainingConfig { parameters: Some(fast_training()) },
		// Labels settle, and deposits are released, blocks rather than a day after the fact.
		proposals: ProposalsConfig { parameters: Some(fast_proposals()) },
	})
}

/// A well-known development validator: its account and session keys (BABE and `infr` from the
/// sr25519 seed, GRANDPA from the ed25519 one).
pub fn validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AccountId, SessionKeys) {
	let keys = SessionKeys {
		babe: sr.public().into(),
		grandpa: ed.public().into(),
		inference: sr.public().into(),
	};
	(sr.to_account_id(), keys)
}

/// A well-known development validator as an inference node: its account operates the node,
/// and the same seed's sr25519 key, under key type `infr`, signs its answers.
pub fn inference_node(sr: Sr25519Keyring) -> (AccountId, InferenceKey) {
	(sr.to_account_id(), sr.public().into())
}

/// The development technical committee: Alice, Bob and Charlie.
pub fn technical_committee() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.map(|k| k.to_account_id())
		.to_vec()
}

/// The `development` preset: Alice validates alone and is the inference network.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![inference_node(Sr25519Keyring::Alice)],
		Some(Sr25519Keyring::Alice.to_account_id()),
		technical_committee(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate and run inference; no sudo.
pub fn local_config_genesis() -> Value {
	genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			validator(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(inference_node)
			.collect(),
		None,
		technical_committee(),
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
	)
}

/// The preset with the given id, as JSON, or `None` for an unknown id.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The ids of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
