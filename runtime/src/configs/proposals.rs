//! `pallet_proposals`: proposal submission, content addressing and annotated training data.

use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU8},
};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

use crate::{
	configs::TreasuryAccount, AccountId, Balance, Balances, Inference, Rewards, Runtime,
	RuntimeHoldReason, MICRO_UNIT, UNIT,
};

parameter_types! {
	/// What every proposal holds: one PROPOSAL, enough that a flood of small spam costs real
	/// money while an honest author gets it back after analysis.
	pub const ProposalDepositBase: Balance = UNIT;
	/// What each body byte adds: ten micro-PROPOSAL, so a 64 KiB body holds about 0.66 more.
	pub const ProposalDepositPerByte: Balance = 10 * MICRO_UNIT;
	/// Two thirds of the annotations must agree to verify a label.
	pub AgreementThreshold: Perbill = Perbill::from_rational(2u32, 3u32);
}

/// The analysis model's five labels: protocol-upgrade, standard-interface, parameter-change,
/// process-meta, treasury-funding. Annotations and inference results share them.
pub type LabelCount = ConstU8<5>;

impl pallet_proposals::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ProposalDepositBase;
	type DepositPerByte = ProposalDepositPerByte;
	/// Titles are one line.
	type MaxTitleLen = ConstU32<256>;
	/// 64 KiB: longer than every proposal in the training data (truncated at 8,000 characters)
	/// and well within a block (5 MiB).
	type MaxBodyLen = ConstU32<{ 64 * 1024 }>;
	type LabelCount = LabelCount;
	/// Three annotators before a label can be verified.
	type AnnotationQuorum = ConstU32<3>;
	type AgreementThreshold = AgreementThreshold;
	/// At most 32 annotations per proposal: bounds the verification loop.
	type MaxAnnotations = ConstU32<32>;
	type AnnotationPoints = ConstU32<10>;
	/// Spam deposits go to the treasury, like fees: slashing moves funds, it does not burn them.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	/// Every proposal opens an analysis task on the inference network.
	type InferenceTasks = Inference;
	/// Verified annotators earn annotation points, paid per epoch.
	type RewardPoints = Rewards;
	/// Root: what enacted referenda dispatch as (and sudo on the dev chain).
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type WeightInfo = pallet_proposals::weights::SubstrateWeight<Runtime>;
}
