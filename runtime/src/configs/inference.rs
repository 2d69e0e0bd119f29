//! `pallet_inference`: staked inference nodes, committees, commit–reveal and stake-weighted
//! consensus.

use daollm_primitives::{
	inference::InferenceKey,
	time::{DAYS, MINUTES},
	traits::ActiveModel,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Randomness},
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{
	traits::{BlakeTwo256, Convert, Hash},
	MultiSignature, MultiSigner, Perbill,
};

use crate::{
	configs::{proposals::LabelCount, TreasuryAccount},
	AccountId, Balance, Balances, BlockNumber, Proposals, Runtime, RuntimeHoldReason, System, UNIT,
};

/// sha256 of the proposal classifier this runtime ships with
/// (`offchain-workers/model/proposal-classifier.onnx`; its `manifest.json` records it, and a test
/// checks that they agree).
pub const SHIPPED_MODEL_SHA256: H256 =
	H256(sp_core::hex2array!("deff92639109237b8a7afbbba754b7ea7d11b840e4527e2f075eed00db42e3e4"));

parameter_types! {
	/// sha256 of the ONNX model tasks run, until model governance takes over: the shipped model
	/// unless root stores another (or `None`, SCALE `0x00`) with `system.setStorage` under
	/// `twox_128(":ActiveModelHash:")`.
	pub storage ActiveModelHash: Option<H256> = Some(SHIPPED_MODEL_SHA256);
	/// The parameters at genesis, until governance changes them.
	pub DefaultInferenceParameters: pallet_inference::Parameters<Balance, BlockNumber> =
		pallet_inference::Parameters {
			// A thousand PROPOSAL: enough that losing a slice of it to silence hurts.
			min_node_stake: 1_000 * UNIT,
			// Five answers per proposal: one or two faulty nodes cannot move the label.
			committee_size: 5,
			// Thirty seconds to run the model and commit, thirty to reveal.
			commit_window: 5,
			reveal_window: 5,
			consensus_threshold: Perbill::from_rational(2u32, 3u32),
			slash_fraction: Perbill::from_percent(5),
			// Each task moves reputation a tenth of the way: about 16 silent tasks take a fresh
			// node from 50% to below 10%.
			reputation_step: Perbill::from_percent(10),
			initial_reputation: Perbill::from_percent(50),
			min_reputation: Perbill::from_percent(20),
			unbonding_period: 7 * DAYS,
			inference_points: 10,
		};
}

/// The account an `infr` key signs as: the sr25519 public key's bytes, as for every account.
pub struct InferenceKeyAccount;
impl Convert<InferenceKey, AccountId> for InferenceKeyAccount {
	fn convert(key: InferenceKey) -> AccountId {
		key.into_inner().into()
	}
}

/// The offchain worker signs with its `infr` key as the sr25519 account of the same public key.
pub struct InferenceSigner;
impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for InferenceSigner {
	type RuntimeAppPublic = InferenceKey;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

/// The model root stored in [`ActiveModelHash`].
pub struct StoredActiveModel;
impl ActiveModel for StoredActiveModel {
	fn active_model() -> Option<H256> {
		ActiveModelHash::get()
	}
}

/// Committee seeds from the parent block's hash.
///
/// Aura has no VRF, so the chain has no unbiasable randomness: the author of the block before
/// a task's can choose only between producing that block and not producing it, which shifts one
/// committee at the cost of its block reward. Commit–reveal, not the seed, is what stops members
/// from copying one another.
pub struct ParentHashRandomness;
impl Randomness<H256, BlockNumber> for ParentHashRandomness {
	fn random(subject: &[u8]) -> (H256, BlockNumber) {
		let parent = System::parent_hash();
		let number = System::block_number().saturating_sub(1);
		(BlakeTwo256::hash_of(&(subject, parent)), number)
	}
}

impl pallet_inference::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type InferenceKey = InferenceKey;
	type AuthorityId = InferenceSigner;
	type KeyAccount = InferenceKeyAccount;
	type Randomness = ParentHashRandomness;
	/// No model governance yet: the model root stored; without one no task opens (proposals
	/// report `AnalysisUnavailable { NoActiveModel }`).
	type ActiveModel = StoredActiveModel;
	type OnAnalysed = Proposals;
	/// No rewards pallet yet: points are not recorded.
	type RewardPoints = ();
	/// Slashed stake goes to the treasury, like spam deposits.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	/// Root (sudo on dev and local chains) until governance exists.
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type LabelCount = LabelCount;
	type MaxNodes = ConstU32<128>;
	type MaxCommitteeSize = ConstU32<16>;
	type MaxTasksPerBlock = ConstU32<16>;
	/// Ten minutes from opening to the end of the reveal window, at most.
	type MaxTaskDuration = ConstU32<{ 10 * MINUTES }>;
	type MaxUnbondingChunks = ConstU32<8>;
	type MaxHistory = ConstU32<16>;
	type DefaultParameters = DefaultInferenceParameters;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InferenceBenchmarkHelper;
}

/// Keys from their seed's bytes; a made-up model hash.
#[cfg(feature = "runtime-benchmarks")]
pub struct InferenceBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::benchmarking::BenchmarkHelper<InferenceKey> for InferenceBenchmarkHelper {
	fn key(seed: u32) -> InferenceKey {
		let mut raw = [0u8; 32];
		raw[..4].copy_from_slice(&seed.to_le_bytes());
		sp_core::sr25519::Public::from_raw(raw).into()
	}
	fn activate_model() {
		ActiveModelHash::set(&Some(H256::repeat_byte(0xAA)));
	}
}
