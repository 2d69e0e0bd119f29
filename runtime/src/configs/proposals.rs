//! `pallet_proposals`: proposal submission, content addressing and annotated training data.

use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU8},
};
use sp_runtime::Perbill;

use crate::{
	configs::TreasuryAccount, Balance, Balances, BlockNumber, Inference, Rewards, Runtime,
	RuntimeHoldReason, Spaces, DAYS, MICRO_UNIT, UNIT,
};

parameter_types! {
	/// The economics of proposals and annotations until genesis or governance (the
	/// `parameters` track) sets others.
	pub DefaultProposalParameters: pallet_proposals::Parameters<Balance, BlockNumber> =
		pallet_proposals::Parameters {
			// What every proposal holds: one PROPOSAL, enough that a flood of small spam costs
			// real money while an honest author gets it back after analysis.
			deposit_base: UNIT,
			// What each body byte adds: ten micro-PROPOSAL, so a 64 KiB body holds about 0.66
			// more.
			deposit_per_byte: 10 * MICRO_UNIT,
			// What having a proposal analysed costs its author: a tenth of a PROPOSAL of the
			// deposit, kept when the deposit is released and paid into the rewards pot, which
			// pays the committees. A flood of a thousand proposals costs a hundred PROPOSAL.
			proposal_fee: UNIT / 10,
			// What stays held while a finished proposal's record exists (about 600 bytes with
			// its result and tally, at the body's 10 µPROPOSAL per byte), until its author
			// removes it.
			record_deposit: UNIT / 100,
			// Withdrawing a proposal after its committee is drawn forfeits half its deposit (at
			// least half a PROPOSAL): an author who re-rolls until its own nodes hold two thirds
			// of the seats (about 33 tries at 30 % of the draw weight) pays some 17 PROPOSAL to
			// the treasury for one steered committee, and gains nothing from many accounts.
			redraw_penalty: Perbill::from_percent(50),
			// An annotation holds at least a tenth of a PROPOSAL: each sybil annotation puts
			// money at risk.
			min_annotation_bond: UNIT / 10,
			// Three minimal bonds' worth of weight before a challenge window opens.
			verification_bond: 3 * UNIT / 10,
			// A leading label may be challenged for a day, and a proposal's whole deposit stays
			// held for a day after submission (its spam window); the development and test
			// presets use eight blocks. A day lets the technical committee pass a motion, and
			// is longer than the `spam` track's slowest passing referendum (ten minutes of
			// preparation, twenty hours of decision, an hour of confirmation, one block to
			// enact), so `mark_spam` slashes a real deposit.
			challenge_period: DAYS,
			// A lead taken in a window's second half gives the overtaken side half a window to
			// answer: twelve hours of the default day, four blocks of the presets' eight.
			challenge_extension: Perbill::from_percent(50),
			// A wrong annotation loses a fifth of its bond to the annotations that were right.
			disagreement_slash: Perbill::from_percent(20),
			// Ten points per verified correction, shared by the annotations that named it
			// first: at most 0.05 PROPOSAL at the rewards pallet's cap, half the proposal fee, so
			// that correcting one's own proposal through another account loses money, while a
			// correction of someone else's earns some thirty times an annotation's fee.
			correction_points: 10,
		};
}

/// The analysis model's five labels: protocol-upgrade, standard-interface, parameter-change,
/// process-meta, treasury-funding. Annotations and inference results share them.
pub type LabelCount = ConstU8<5>;

impl pallet_proposals::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Every proposal opens an analysis task on the inference network.
	type InferenceTasks = Inference;
	/// Annotators whose label corrects the network earn annotation points, paid per epoch.
	type RewardPoints = Rewards;
	/// Proposals are filed under DAO spaces, which count what became of them.
	type Spaces = Spaces;
	/// Spam deposits go to the treasury, like fees: slashing moves funds, it does not burn them.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	/// Proposal fees pay the inference committees, through the rewards pot.
	type Fees = ResolveTo<super::rewards::RewardsPot, Balances>;
	/// The `spam` track, or a majority of the technical committee.
	type SpamOrigin = super::governance::SpamOrigin;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	/// Titles are one line.
	type MaxTitleLen = ConstU32<256>;
	/// 64 KiB: longer than every proposal in the training data (truncated at 8,000 characters)
	/// and well within a block (5 MiB).
	type MaxBodyLen = ConstU32<{ 64 * 1024 }>;
	/// A URL (a Snapshot, Tally or forum address) or an external id.
	type MaxOriginLen = ConstU32<256>;
	type LabelCount = LabelCount;
	/// At most 32 annotations per proposal at once (a larger bond displaces the smallest):
	/// bounds the verification loop.
	type MaxAnnotations = ConstU32<32>;
	/// Sixteen labels settle per block at most, each O(annotations ≤ 32).
	type MaxSettlementsPerBlock = ConstU32<16>;
	type DefaultParameters = DefaultProposalParameters;
	type WeightInfo = pallet_proposals::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SpaceBenchmarkHelper;
}

/// Registers the space the proposals benchmarks file under, with the real spaces pallet.
#[cfg(feature = "runtime-benchmarks")]
pub struct SpaceBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_proposals::benchmarking::BenchmarkHelper<crate::AccountId> for SpaceBenchmarkHelper {
	fn space(admin: &crate::AccountId) -> daollm_primitives::SpaceId {
		use frame_support::traits::fungible::Mutate;
		let id = pallet_spaces::NextSpaceId::<Runtime>::get();
		let _ = Balances::mint_into(admin, 1_000 * UNIT);
		let registered = Spaces::register_space(
			crate::RuntimeOrigin::signed(admin.clone()),
			alloc::vec![b'n'; 64],
			alloc::vec![b'd'; 512],
			alloc::vec![b'l'; 256],
		);
		debug_assert!(registered.is_ok(), "a funded admin registers a space");
		id
	}
}
