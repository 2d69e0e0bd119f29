//! Governance, from polkadot-sdk's own pallets (OpenGov): `pallet-referenda` with the tracks of
//! [`tracks`], `pallet-conviction-voting` for the tally (with delegation), `pallet-scheduler`
//! for enactment, `pallet-preimage` for call storage, a technical committee
//! (`pallet-collective`) that cancels, kills, whitelists and removes spam, and
//! `pallet-whitelist` for the fast track. The custom origins of the non-root tracks are in
//! [`origins`].
//!
//! What each track may propose is checked when the referendum is submitted
//! ([`ReferendumCalls`], the runtime's base call filter): a referendum on a track whose origin
//! could not dispatch its call, or one that proposes `system.authorizeUpgradeWithoutChecks` or
//! `system.setCodeWithoutChecks` (a lower runtime version), is refused before any deposit
//! is taken. Enactment is the scheduler's; each pallet checks its own origin again then.
//!
//! Who pays: a referendum's submitter holds `SubmissionDeposit` (returned once the referendum
//! is approved or cancelled, lost when it is rejected or times out undecided) and someone holds
//! the track's decision deposit (returned once it is decided); a referendum the committee kills
//! loses both to the treasury. A spammer who fills a track's deciding slots therefore pays a
//! decision deposit per slot and loses it to a kill, and one who floods the queue without them
//! loses a submission deposit per referendum when it times out. Preimages hold a deposit by
//! size until they are unnoted.

mod free_unlock;
pub mod origins;
pub mod tracks;

pub use free_unlock::FreeUnlock;

use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration, tokens::currency::ActiveIssuanceOf, Bounded, ConstU32,
		Contains, Currency, EitherOf, EqualPrivilegeOnly, Get, LinearStoragePrice, OnUnbalanced,
		QueryPreimage,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureSigned};
use sp_runtime::Perbill;

use crate::{
	configs::{RuntimeBlockWeights, TreasuryAccount},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, DAYS,
	MICRO_UNIT, UNIT,
};
use origins::{Origin, TrackTiming};

/// A number of blocks that depends on the tracks' timing: `public` on networks with real stake,
/// `fast` on development and test networks.
pub struct ByTiming<const PUBLIC: BlockNumber, const FAST: BlockNumber>;
impl<const PUBLIC: BlockNumber, const FAST: BlockNumber> Get<BlockNumber>
	for ByTiming<PUBLIC, FAST>
{
	fn get() -> BlockNumber {
		match origins::timing() {
			TrackTiming::Public => PUBLIC,
			TrackTiming::Fast => FAST,
		}
	}
}

// --- Origins --------------------------------------------------------------------------------

/// The technical committee's collective.
pub type TechnicalCollective = pallet_collective::Instance1;

/// More than half of the technical committee.
pub type TechnicalCommitteeMajority =
	pallet_collective::EnsureProportionMoreThan<AccountId, TechnicalCollective, 1, 2>;

/// At least two thirds of the technical committee.
pub type TechnicalCommitteeTwoThirds =
	pallet_collective::EnsureProportionAtLeast<AccountId, TechnicalCollective, 2, 3>;

/// Registers and activates model versions, opens training rounds: the `models` track.
pub type ModelsOrigin = EitherOf<EnsureRoot<AccountId>, origins::ModelRegistrar>;

/// Sets the pallets' parameters: the `parameters` track.
pub type ParametersOrigin = EitherOf<EnsureRoot<AccountId>, origins::ParameterSetter>;

/// Marks proposals as spam: the `spam` track, or a majority of the technical committee within
/// the proposal's spam window.
pub type SpamOrigin =
	EitherOf<EitherOf<EnsureRoot<AccountId>, origins::SpamRemover>, TechnicalCommitteeMajority>;

// --- What each track may propose -------------------------------------------------------------

/// The largest preimage a referendum's proposal may be: every call a track may carry is far
/// smaller (registering a model with long label names is the largest, under 2 KiB).
pub const MAX_PROPOSAL_LEN: u32 = 4096;

/// How deeply a proposed call may nest calls when the filter decodes it.
const MAX_CALL_DEPTH: u32 = 8;

/// The runtime's base call filter: everything passes except a `referenda.submit` whose
/// proposal its track may not carry ([`track_allows`]), or whose preimage is missing, larger
/// than [`MAX_PROPOSAL_LEN`] or undecodable. `Root` bypasses base filters, so this binds
/// referenda, not sudo.
pub struct ReferendumCalls;
impl Contains<RuntimeCall> for ReferendumCalls {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::Referenda(pallet_referenda::Call::submit {
				proposal_origin,
				proposal,
				..
			}) => proposed_call(proposal).is_some_and(|call| track_allows(proposal_origin, &call)),
			_ => true,
		}
	}
}

/// The call a referendum proposes, read from its preimage (or inline bytes).
fn proposed_call(
	proposal: &Bounded<RuntimeCall, sp_runtime::traits::BlakeTwo256>,
) -> Option<RuntimeCall> {
	use codec::DecodeLimit;
	let bytes = match proposal {
		Bounded::Inline(bytes) => bytes.clone().into_inner(),
		Bounded::Lookup { hash, len } if *len <= MAX_PROPOSAL_LEN => {
			<Preimage as QueryPreimage>::fetch(hash, Some(*len)).ok()?.into_owned()
		},
		_ => return None,
	};
	RuntimeCall::decode_all_with_depth_limit(MAX_CALL_DEPTH, &mut &bytes[..]).ok()
}

/// Whether a referendum dispatched as `origin` may carry `call`: each track carries the calls
/// its name says, and no track carries a runtime upgrade without checks.
pub fn track_allows(origin: &OriginCaller, call: &RuntimeCall) -> bool {
	match origin {
		OriginCaller::system(frame_system::RawOrigin::Root) => is_root_call(call),
		OriginCaller::Origins(Origin::WhitelistedCaller) => matches!(
			call,
			RuntimeCall::Whitelist(pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
				call
			}) if is_root_call(call) || is_models_call(call) || is_parameters_call(call)
				|| is_spam_call(call)
		),
		OriginCaller::Origins(Origin::ModelRegistrar) => is_models_call(call),
		OriginCaller::Origins(Origin::ParameterSetter) => is_parameters_call(call),
		OriginCaller::Origins(Origin::SpamRemover) => is_spam_call(call),
		// No track: `pallet-referenda` refuses the submission itself.
		_ => true,
	}
}

/// The `root` track's calls: authorising a runtime upgrade (whose code anyone then applies with
/// `system.applyAuthorizedUpgrade`, which refuses a lower version) and setting the technical
/// committee's members.
fn is_root_call(call: &RuntimeCall) -> bool {
	matches!(
		call,
		RuntimeCall::System(frame_system::Call::authorize_upgrade { .. })
			| RuntimeCall::TechnicalCommittee(pallet_collective::Call::set_members { .. })
	)
}

/// The `models` track's calls.
fn is_models_call(call: &RuntimeCall) -> bool {
	matches!(
		call,
		RuntimeCall::ModelRegistry(
			pallet_model_registry::Call::register_model { .. }
				| pallet_model_registry::Call::activate_model { .. }
				| pallet_model_registry::Call::activate_proposed { .. }
		) | RuntimeCall::Training(pallet_training::Call::open_round { .. })
	)
}

/// The `parameters` track's calls: every pallet's parameter setter.
fn is_parameters_call(call: &RuntimeCall) -> bool {
	matches!(
		call,
		RuntimeCall::ModelRegistry(pallet_model_registry::Call::set_parameters { .. })
			| RuntimeCall::Inference(pallet_inference::Call::set_parameters { .. })
			| RuntimeCall::ComputeNodes(pallet_compute_nodes::Call::set_parameters { .. })
			| RuntimeCall::Rewards(pallet_rewards::Call::set_parameters { .. })
			| RuntimeCall::Training(pallet_training::Call::set_parameters { .. })
			| RuntimeCall::Proposals(pallet_proposals::Call::set_parameters { .. })
	)
}

/// The `spam` track's call.
fn is_spam_call(call: &RuntimeCall) -> bool {
	matches!(call, RuntimeCall::Proposals(pallet_proposals::Call::mark_spam { .. }))
}

// --- pallet-preimage -------------------------------------------------------------------------

parameter_types! {
	/// A preimage holds one PROPOSAL plus the proposals' ten micro-PROPOSAL per byte.
	pub const PreimageBaseDeposit: Balance = UNIT;
	pub const PreimageByteDeposit: Balance = 10 * MICRO_UNIT;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_preimage::WeightInfo<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

// --- pallet-scheduler ------------------------------------------------------------------------

parameter_types! {
	/// Enacted referenda may use up to four fifths of a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeEvent = RuntimeEvent;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only referenda schedule (through their own trait), and Root.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	/// Fifty calls per block: more than all tracks' deciding slots can approve at once.
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = crate::weights::pallet_scheduler::WeightInfo<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

// --- pallet-referenda ------------------------------------------------------------------------

parameter_types! {
	/// What a submitter holds until its referendum is approved or cancelled: lost if it is
	/// rejected or times out, so that flooding the queue costs ten PROPOSAL per referendum.
	pub const SubmissionDeposit: Balance = 10 * UNIT;
}

/// Slashed referendum deposits go to the treasury, like every other slash.
pub struct ToTreasury;
impl OnUnbalanced<pallet_balances::NegativeImbalance<Runtime>> for ToTreasury {
	fn on_nonzero_unbalanced(amount: pallet_balances::NegativeImbalance<Runtime>) {
		Balances::resolve_creating(&TreasuryAccount::get(), amount);
	}
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = crate::weights::pallet_referenda::WeightInfo<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	/// Any account submits, on any track; [`ReferendumCalls`] checks what it proposes.
	type SubmitOrigin = EnsureSigned<AccountId>;
	/// Root, or a majority of the technical committee: the referendum ends, deposits returned.
	type CancelOrigin = EitherOf<EnsureRoot<AccountId>, TechnicalCommitteeMajority>;
	/// Root, or two thirds of the technical committee: the referendum ends, deposits slashed.
	type KillOrigin = EitherOf<EnsureRoot<AccountId>, TechnicalCommitteeTwoThirds>;
	type Slash = ToTreasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	/// A hundred referenda may wait per track for a deciding slot.
	type MaxQueued = ConstU32<100>;
	/// A referendum nobody places a decision deposit on times out after fourteen days (fifty
	/// blocks on development networks) and loses its submission deposit.
	type UndecidingTimeout = ByTiming<{ 14 * DAYS }, 50>;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

// --- pallet-conviction-voting ----------------------------------------------------------------

impl pallet_conviction_voting::Config for Runtime {
	type WeightInfo = crate::weights::pallet_conviction_voting::WeightInfo<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Polls = Referenda;
	/// Turnout is measured against the active issuance.
	type MaxTurnout = ActiveIssuanceOf<Balances, AccountId>;
	/// Sixty-four votes per account and track: more than a track decides at once.
	type MaxVotes = ConstU32<64>;
	/// A `Locked1x` vote stays locked a week after its referendum ends (ten blocks on
	/// development networks), a `Locked6x` vote thirty-two times as long.
	type VoteLockingPeriod = ByTiming<{ 7 * DAYS }, 10>;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

// --- the technical committee -----------------------------------------------------------------

/// How long a committee motion is open on public networks: a day, inside a proposal's spam
/// window.
pub const MOTION_DURATION: BlockNumber = DAYS;

parameter_types! {
	/// A committee motion may use half a block.
	pub MaxCollectivesProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<TechnicalCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	/// A motion is open for a day (ten blocks on development networks): well inside a
	/// proposal's spam window.
	type MotionDuration = ByTiming<MOTION_DURATION, 10>;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<20>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = crate::weights::pallet_collective::WeightInfo<Runtime>;
	/// The `root` track (or sudo) sets the members.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCollectivesProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Members propose without a deposit: there are at most twenty of them, chosen by `root`.
	type Consideration = ();
}

// --- pallet-whitelist ------------------------------------------------------------------------

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// A majority of the technical committee whitelists a call's hash.
	type WhitelistOrigin = EitherOf<EnsureRoot<AccountId>, TechnicalCommitteeMajority>;
	/// The `whitelisted_caller` track dispatches it, as `Root`.
	type DispatchWhitelistedOrigin = EitherOf<EnsureRoot<AccountId>, origins::WhitelistedCaller>;
	type Preimages = Preimage;
	/// A deferred whitelisted dispatch expires after a week.
	type DeferredDispatchExpiration = ConstU32<{ 7 * DAYS }>;
	type BlockNumberProvider = System;
	type WeightInfo = crate::weights::pallet_whitelist::WeightInfo<Runtime>;
}

impl origins::Config for Runtime {}
