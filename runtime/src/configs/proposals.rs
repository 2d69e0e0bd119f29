//! `pallet_proposals`: proposal submission, content addressing and annotated training data.

use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU8},
};
use sp_runtime::Perbill;

use crate::{
	configs::TreasuryAccount, Balance, Balances, BlockNumber, Inference, Rewards, Runtime,
	RuntimeHoldReason, DAYS, MICRO_UNIT, UNIT,
};

parameter_types! {
	/// What every proposal holds: one PROPOSAL, enough that a flood of small spam costs real
	/// money while an honest author gets it back after analysis.
	pub const ProposalDepositBase: Balance = UNIT;
	/// What each body byte adds: ten micro-PROPOSAL, so a 64 KiB body holds about 0.66 more.
	pub const ProposalDepositPerByte: Balance = 10 * MICRO_UNIT;
	/// Withdrawing a proposal after its committee is drawn forfeits half its deposit (at least
	/// half a PROPOSAL): an author who re-rolls until its own nodes hold two thirds of the seats
	/// (about 33 tries at 30 % of the draw weight) pays some 17 PROPOSAL to the treasury for one
	/// steered committee, and gains nothing from using many accounts.
	pub const RedrawPenalty: Perbill = Perbill::from_percent(50);
	/// An annotation holds at least a tenth of a PROPOSAL: each sybil annotation puts money at
	/// risk.
	pub const MinAnnotationBond: Balance = UNIT / 10;
	/// Three minimal bonds' worth of weight before a challenge window opens.
	pub const VerificationBond: Balance = 3 * UNIT / 10;
	/// A lead taken in a window's second half gives the overtaken side half a window to
	/// answer: twelve hours of the default day, four blocks of the development presets' eight.
	pub ChallengeExtension: Perbill = Perbill::from_percent(50);
	/// A wrong annotation loses a fifth of its bond to the annotations that were right.
	pub DisagreementSlash: Perbill = Perbill::from_percent(20);
	/// What having a proposal analysed costs its author: a tenth of a PROPOSAL of the deposit,
	/// kept when the deposit is released and paid into the rewards pot, which pays the
	/// committees. A flood of a thousand proposals costs a hundred PROPOSAL.
	pub const ProposalFee: Balance = UNIT / 10;
	/// What stays held while a finished proposal's record exists (about 600 bytes with its
	/// result and tally, at the body's 10 µPROPOSAL per byte), until its author removes it.
	pub const RecordDeposit: Balance = UNIT / 100;
}

parameter_types! {
	/// A provisional label may be challenged for a day, and a proposal's whole deposit stays
	/// held for a day after submission (its spam window), until genesis or governance says
	/// otherwise (the development and test presets use eight blocks). A day lets the technical
	/// committee pass a motion, and is longer than the `spam` track's slowest passing
	/// referendum (ten minutes of preparation, twenty hours of decision, an hour of
	/// confirmation, one block to enact), so `mark_spam` slashes a real deposit.
	pub const DefaultChallengePeriod: BlockNumber = DAYS;
}

/// The analysis model's five labels: protocol-upgrade, standard-interface, parameter-change,
/// process-meta, treasury-funding. Annotations and inference results share them.
pub type LabelCount = ConstU8<5>;

impl pallet_proposals::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ProposalDepositBase;
	type RedrawPenalty = RedrawPenalty;
	type DepositPerByte = ProposalDepositPerByte;
	/// Titles are one line.
	type MaxTitleLen = ConstU32<256>;
	/// 64 KiB: longer than every proposal in the training data (truncated at 8,000 characters)
	/// and well within a block (5 MiB).
	type MaxBodyLen = ConstU32<{ 64 * 1024 }>;
	type LabelCount = LabelCount;
	type MinAnnotationBond = MinAnnotationBond;
	type VerificationBond = VerificationBond;
	type ChallengeExtension = ChallengeExtension;
	type DefaultChallengePeriod = DefaultChallengePeriod;
	type DisagreementSlash = DisagreementSlash;
	/// Sixteen labels settle per block at most, each O(annotations ≤ 32).
	type MaxSettlementsPerBlock = ConstU32<16>;
	type ProposalFee = ProposalFee;
	type RecordDeposit = RecordDeposit;
	/// Proposal fees pay the inference committees, through the rewards pot.
	type Fees = ResolveTo<super::rewards::RewardsPot, Balances>;
	/// At most 32 annotations per proposal at once (a larger bond displaces the smallest):
	/// bounds the verification loop.
	type MaxAnnotations = ConstU32<32>;
	/// Ten points per verified correction, shared by the annotations that named it first: at
	/// most 0.05 PROPOSAL at the rewards pallet's cap, half the proposal fee, so that correcting
	/// one's own proposal through another account loses money, while a correction of someone
	/// else's earns some thirty times an annotation's fee.
	type CorrectionPoints = ConstU32<10>;
	/// Spam deposits go to the treasury, like fees: slashing moves funds, it does not burn them.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	/// Every proposal opens an analysis task on the inference network.
	type InferenceTasks = Inference;
	/// Verified annotators earn annotation points, paid per epoch.
	type RewardPoints = Rewards;
	/// The `spam` track, or a majority of the technical committee.
	type SpamOrigin = super::governance::SpamOrigin;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	type WeightInfo = pallet_proposals::weights::SubstrateWeight<Runtime>;
}
