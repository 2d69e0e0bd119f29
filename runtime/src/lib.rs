//! # DAOLLM runtime
//!
//! The state transition function of the DAOLLM chain: FRAME pallets composed into one runtime,
//! compiled to Wasm (the on-chain code every validator executes) and natively (for tests and
//! tooling).
//!
//! - `configs/` holds one module per pallet's `Config`, with the reason for each constant.
//! - `apis.rs` implements the runtime APIs the node and clients call.
//! - `genesis_config_presets.rs` holds the `development` and `local_testnet` genesis presets
//!   from which the node builds its chain specifications.

#![cfg_attr(not(feature = "std"), no_std)]
// `#[frame_support::runtime]` expands to code that needs a large recursion limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

// Declared first: `define_benchmarks!` makes the `list_benchmarks!` and `add_benchmarks!` macros
// that `apis` uses, and macros are visible only after their module.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256, MultiAddress};
use sp_version::RuntimeVersion;

pub use daollm_primitives::{
	currency::*, opaque, time::*, AccountId, Balance, BlockNumber, Hash, Nonce, Signature,
};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

impl_opaque_keys! {
	/// The keys a validator registers: BABE for block production, GRANDPA for finality, and the
	/// `infr` key its compute node signs commits, reveals and training transactions with (one
	/// `author_rotateKeys` makes them all; the compute-node registry binds the `infr` key).
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
		pub inference: ComputeNodes,
	}
}

/// Defines [`VERSION`] with the given `spec_version` (a literal: the `runtime_version` attribute
/// embeds it in the Wasm's custom section).
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The runtime's version. Bump `spec_version` with every change of the state transition
		/// function, and `transaction_version` whenever call indices or the transaction format
		/// change.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: Cow::Borrowed("daollm"),
			impl_name: Cow::Borrowed("daollm-node"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 2,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "spec-version-bump"))]
runtime_version!(100);
// The same runtime one `spec_version` later: what the zombienet upgrade test enacts.
#[cfg(feature = "spec-version-bump")]
runtime_version!(101);

/// How many recent block hashes are kept (`frame_system::BlockHash`): bounds transaction
/// mortality to about four hours at six-second blocks.
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// The existential deposit: an account holding less than this is removed. One milli-PROPOSAL
/// keeps dust accounts out of state while staying far below any fee or deposit a user pays.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// The address format of extrinsics.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed transaction carries, in order.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	// Transaction payment, skipped for calls whose `feeless_if` holds (committee members'
	// commits and reveals, training seats' updates, commits and reveals): those pay nothing,
	// not even up front.
	configs::governance::FreeUnlock<
		pallet_skip_feeless_payment::SkipCheckIfFeeless<
			Runtime,
			pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		>,
	>,
	// Drawn seats' transactions, checked in the pool and ranked above any tip: committee
	// members' commits, reveals and excuses; trainers' updates, aggregators' commits and
	// reveals, and their excuses. (One element of two, which encodes as two: a tuple of
	// thirteen has no `Debug`.)
	(pallet_inference::CheckCommitteeSeat<Runtime>, pallet_training::CheckTrainingSeat<Runtime>),
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as the runtime decodes it.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations run on a runtime upgrade, beside the pallets' own: each runs once, while its
/// pallet's storage version is the one it migrates from.
type Migrations = (
	pallet_inference::migrations::v1::MigrateToV1<Runtime>,
	pallet_proposals::migrations::v1::MigrateToV1<Runtime>,
	pallet_proposals::migrations::v2::MigrateToV2<Runtime>,
);

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// Only the dev chain spec names a sudo key; on every other spec the key is absent and every
	/// privileged call goes through governance (OpenGov referenda on their tracks).
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	/// Skips transaction payment for feeless calls (see `TxExtension`).
	#[runtime::pallet_index(7)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(9)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(16)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(17)]
	pub type Authorship = pallet_authorship;

	/// Proposals, their content addresses and their annotations (training data).
	#[runtime::pallet_index(10)]
	pub type Proposals = pallet_proposals;

	/// DAO spaces: the proposals filed under each, and the network's record on them.
	#[runtime::pallet_index(18)]
	pub type Spaces = pallet_spaces;

	/// Committees, commit–reveal and consensus by seats over the compute nodes' answers.
	#[runtime::pallet_index(11)]
	pub type Inference = pallet_inference;

	/// The model registry: the analysis model's versions and the one tasks run.
	#[runtime::pallet_index(12)]
	pub type ModelRegistry = pallet_model_registry;

	/// Per-epoch emission, split between annotators, inference nodes and trainers.
	#[runtime::pallet_index(13)]
	pub type Rewards = pallet_rewards;

	/// Federated training rounds: trainers' updates, robust aggregation, candidate models.
	#[runtime::pallet_index(14)]
	pub type Training = pallet_training;

	/// The staked compute nodes that inference and training draw: stake, `infr` keys,
	/// reputation and slashing.
	#[runtime::pallet_index(15)]
	pub type ComputeNodes = pallet_compute_nodes;

	/// Call preimages that referenda and the scheduler refer to by hash.
	#[runtime::pallet_index(20)]
	pub type Preimage = pallet_preimage;

	/// Enactment of approved referenda.
	#[runtime::pallet_index(21)]
	pub type Scheduler = pallet_scheduler;

	/// OpenGov referenda on the tracks of `configs::governance::tracks`.
	#[runtime::pallet_index(22)]
	pub type Referenda = pallet_referenda;

	/// Conviction-weighted votes and delegations: the referenda's tally.
	#[runtime::pallet_index(23)]
	pub type ConvictionVoting = pallet_conviction_voting;

	/// The technical committee: cancels and kills referenda, whitelists calls, removes spam.
	#[runtime::pallet_index(24)]
	pub type TechnicalCommittee = pallet_collective<Instance1>;

	/// Calls the technical committee whitelisted, for the `whitelisted_caller` fast track.
	#[runtime::pallet_index(25)]
	pub type Whitelist = pallet_whitelist;

	/// The custom origins of the non-root tracks, and the tracks' timing.
	#[runtime::pallet_index(26)]
	pub type Origins = configs::governance::origins;
}
