//! # Inference Pallet
//!
//! Turns untrusted answers from many inference nodes into one analysis the DAO can rely on.
//!
//! ## Overview
//!
//! The nodes are the staked compute nodes of [`Config::Nodes`] (the compute-node registry):
//! their stake and reputation weigh the draws, their `infr` keys sign commits and reveals, and
//! what this pallet judges they did moves their reputation and stake there.
//!
//! Every submitted proposal is queued for a **task** ([`InferenceTasks::open_task`], called by
//! the proposals pallet) in the block it lands in. The task opens in a later block, the first
//! whose author is not the one who included the proposal, with a **committee** of
//! `committee_size` **seats**, each drawn independently by stake × reputation, seeded by that
//! block's VRF output ([`Config::Randomness`]). A node may win several seats; it answers once,
//! and its answer counts once per seat. So every node computes the same committee for a given
//! block, and nobody who could still change the task (its proposal, its id, its place in the
//! queue) knew the seed: the committee of a proposal that lands in block N cannot be computed
//! from any state at N. The only choice left to an author is not to author its slot, which
//! re-rolls one draw at the price of the slot; withdrawing a proposal once its committee is
//! drawn costs part of its deposit (the proposals pallet), so a re-roll is never free.
//!
//! ## One seat, one vote
//!
//! Stake buys seats, never a heavier vote: the label vote, each field of the brief and the
//! participation all count seats. An operator holding a share `r` of the draw weight, however
//! it splits it over nodes, holds a binomial number of a committee's seats; at the runtime's
//! 25 seats it decides a committee (⅔ of its seats) with probability 4.2 × 10⁻⁴ at r = ⅓ and
//! blocks one (more than ⅓) with probability 0.46 (`pallet_compute_nodes::sortition` has the
//! table). A block only delays: see escalation below.
//!
//! ## Terminology
//!
//! - **Commit–reveal**: members answer in two phases, so nobody can copy another's answer.
//!   1. **commit** (`commit_window` blocks): [`Pallet::commit`] publishes
//!      [`commitment`]`(result, salt, node)`;
//!   2. **reveal** (`reveal_window` blocks, from the end of the commit window or as soon as
//!      every member committed): [`Pallet::reveal`] publishes the result and salt, which must
//!      match.
//! - **Result** ([`InferenceResult`]): a label, a score per class in basis points, how much of
//!   the body the model can read (the share of its letters in words the model knows) and the
//!   sha256 of the model that produced it.
//! - **Judgement**: in the block after the reveal window (or after the last reveal),
//!   `on_initialize` judges the task. If at least `min_participation` of the committee's seats
//!   (excused seats left out) revealed, the label with the most revealed seats wins if it
//!   holds at least `consensus_threshold` of them (both shares "at least", exactly:
//!   [`daollm_primitives::threshold::reaches`], the rule training uses too); each class's
//!   score and the readable share are seat-weighted medians of the revealed ones, and the
//!   proposal's brief (key
//!   sentences, key figures, similarity signature) is agreed field by field by the same
//!   threshold ([`consensus`]). The result is stored ([`Results`]) and emitted
//!   ([`Event::TaskFinalized`]), and the proposals pallet is told ([`Config::OnAnalysed`]).
//! - **Escalation**: a task that ends without consensus (too few seats revealed, or no label
//!   holds the threshold) is not the end. The proposal goes back to the front of the
//!   [`Backlog`] ([`Event::TaskEscalated`]) and a later block draws it a fresh committee of
//!   `committee_size` more seats, from which every member of its failed rounds is left out
//!   ([`Escalations`]; on a network too small for that, every member that did not answer in
//!   one). After `escalations` failed escalations, or when no node is left to
//!   draw, the analysis ends unanswered ([`Event::AnalysisUnanswered`]) and the proposals
//!   pallet releases the author's deposit: no proposal is stranded, and its author pays no
//!   redraw penalty for a failure that was not its own.
//!
//! ## Quality
//!
//! Every member of every round of a proposal is judged once, when its analysis ends, and each
//! outcome goes to the registry ([`daollm_primitives::traits::ComputeNodes::record`]):
//!
//! | what the member did | analysis agreed on a label | analysis ended unanswered |
//! |---|---|---|
//! | revealed the agreed label (from the task's model) | `Agreed`: reputation up, reward points | — |
//! | revealed anything else | `Disagreed`: reputation down, `disagreement_slash` | `Inconclusive` |
//! | silent while another member of its round revealed | `Missed`: reputation down, `miss_slash` | `Silent`: reputation down |
//! | excused itself ([`Pallet::excuse`]) | `Excused`: reputation down (a miss past the registry's excuse budget) | the same |
//! | silent in a round nobody answered | `Inconclusive` | `Inconclusive` |
//!
//! So silence and dissent are never free: a silent or dissenting third of the seats only
//! sends the proposal to a committee without them, whose consensus then judges them. A task
//! nobody could answer (an unreadable body, a model nobody has yet) singles nobody out. Honest
//! members pay no fees for their commits, reveals and excuses.
//!
//! ## Backlog
//!
//! At most `MaxTasksPerBlock` tasks are judged in a block. A proposal that finds no judgement
//! slot within reach waits in a FIFO [`Backlog`], and `on_initialize` opens waiting proposals,
//! oldest first (escalated ones ahead of new ones), as slots free up; while any wait, new
//! proposals queue behind them. A flood of proposals therefore delays analysis but never denies
//! it. New proposals are refused with [`Error::BacklogFull`], before they hold a deposit, when
//! `MaxBacklog` proposals wait ([`BacklogLen`]: a withdrawn proposal's gap does not count, and
//! the hook passes gaps over without spending its budget of openings).
//!
//! ## Parameters
//!
//! Every parameter is one storage value, [`Params`], set at genesis and by
//! [`Config::GovernanceOrigin`] through [`Pallet::set_parameters`], within the bounds that
//! [`Parameters::check`] enforces.
//!
//! ## Lifecycle
//!
//! A proposal's task goes through:
//!
//! 1. **queued**: [`InferenceTasks::open_task`] puts the proposal in the [`Backlog`] (or the
//!    next block's draw);
//! 2. **committee drawn**: a later block by another author opens the task ([`Tasks`],
//!    [`Event::TaskOpened`]) with its committee;
//! 3. **commits**, then **reveals**, within their windows (the offchain workers send them);
//! 4. **judged**: a result ([`Event::TaskFinalized`], kept in [`Results`]), or no consensus
//!    ([`Event::NoConsensus`] or [`Event::TaskInconclusive`]), after which the proposal goes back
//!    to step 1 for a larger committee or ends unanswered — or **cancelled** when the proposal
//!    is withdrawn, marked spam or removed ([`InferenceTasks::cancel_task`]).
//!
//! ## Calls
//!
//! - `commit(task, commitment)`, `reveal(task, result, salt)`, `excuse(task)`: signed by a
//!   committee member's `infr` key; free when they succeed, and given the pool priority
//!   [`Config::CommitteePriority`] by [`CheckCommitteeSeat`], one pool entry per seat and step.
//!   Weight: O(1) each (a reveal decodes a bounded result).
//! - `set_parameters(parameters)`: [`Config::GovernanceOrigin`]. Weight: O(1).
//!
//! ## Hooks
//!
//! - `on_initialize`: opens the tasks queued for this block, then waiting ones from the
//!   [`Backlog`] as judgement slots allow, and judges the tasks due (at most
//!   `MaxTasksPerBlock`); one read each when none is. Weight: O(K · C) in the tasks touched and
//!   the committee size, each step benchmarked.
//! - `offchain_worker`: the members' commits, reveals and excuses ([`offchain`]).
//! - `integrity_test`: the constants and the default parameters are consistent.
//! - `try_state`: every open task has a committee and is due in exactly one block, right after
//!   its reveal window; its commit, reveal and excuse counts match what is stored, and no
//!   excused member committed.
//!
//! ## Cross-pallet contract
//!
//! Upward: the pallet implements [`InferenceTasks`] for the proposals pallet (`open_task`,
//! `cancel_task`, `committee_drawn`; the first two carry `*_weight()` functions, because the
//! caller charges them in its own call). Downward, through [`daollm_primitives::traits`]:
//! [`Config::Nodes`] (draw a committee, tell a node from its key, record each member's
//! outcome), [`Config::ActiveModel`] (the model a task runs), [`Config::OnAnalysed`] (tell the
//! proposals pallet a result; it carries a weight function, charged by the judging hook),
//! [`Config::Titles`] (a proposal's title, for the brief), [`Config::RewardPoints`] and
//! [`Config::Randomness`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod consensus;
pub mod extension;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
mod tasks;
#[cfg(test)]
mod tests;
mod types;
mod views;
pub mod weights;

pub use extension::CheckCommitteeSeat;
pub use pallet::*;

/// The most earlier tasks [`Pallet::similar`] compares a proposal with.
pub const SIMILAR_SCAN: TaskId = 2_000;

/// The most similar proposals [`Pallet::similar`] returns.
pub const MAX_SIMILAR: u32 = 20;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use consensus::Verdict;
use daollm_primitives::traits::ComputeNodes as _;
use daollm_primitives::traits::DrawRandomness;
use daollm_primitives::{
	inference::{commitment, Brief, InferenceResult, Salt},
	traits::{ActiveModel, Contribution, InferenceTasks, ProposalAnalysed, RewardPoints, Work},
	LabelIndex, ProposalId,
};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::{
	traits::{One, Saturating},
	Perbill,
};

/// How many blocks past its reveal window a task's judgement may move when the blocks in
/// between already judge `MaxTasksPerBlock` tasks each.
pub const MAX_DEFERRAL: u32 = 8;

/// The stake type of the nodes, as [`Config::Nodes`] reports it.
pub type BalanceOf<T> = <T as Config>::Balance;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BlockNumberFor<T>>;

/// An escalated proposal's failed rounds, as this runtime stores them.
pub type EscalationOf<T> = Escalation<<T as frame_system::Config>::AccountId, MaxPriorMembers<T>>;

/// The most members of failed rounds one proposal keeps: `MaxCommitteeSize` for each round.
pub struct MaxPriorMembers<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxPriorMembers<T> {
	fn get() -> u32 {
		T::MaxCommitteeSize::get().saturating_mul(T::MaxEscalations::get().saturating_add(1))
	}
}

/// A task as this runtime stores it.
pub type TaskOf<T> = AnalysisTask<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitteeSize,
>;

/// A judged task as this runtime stores it.
pub type ResultOf<T> = TaskResult<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitteeSize,
>;

/// A task as this runtime's clients read it.
pub type TaskDetailsOf<T> = TaskDetails<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitteeSize,
>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		// Runtime types.

		/// The nodes' stake, as [`Config::Nodes`] reports it.
		type Balance: Parameter + MaxEncodedLen + sp_runtime::traits::AtLeast32BitUnsigned + Copy;

		/// How the offchain worker signs with a local `infr` key, as the runtime's signing types:
		/// its accounts must be the key accounts [`Config::Nodes`] knows.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		// Other pallets.

		/// The staked nodes committees are drawn from, the keys they sign with, and where their
		/// outcomes go.
		type Nodes: daollm_primitives::traits::ComputeNodes<Self::AccountId, Self::Balance>;

		/// Seeds committee draws with a block's VRF output, and names who authored it.
		type Randomness: DrawRandomness;

		/// The model tasks run with.
		type ActiveModel: ActiveModel;

		/// Told when a task reaches consensus.
		type OnAnalysed: ProposalAnalysed;

		/// Where the offchain worker reads a proposal's title for its brief (`()`: no title).
		type Titles: daollm_primitives::traits::ProposalTitle;

		/// Credits reward points to members that agreed with the consensus.
		type RewardPoints: RewardPoints<Self::AccountId>;

		// Origins.

		/// The origin that sets the parameters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// How many labels the model has; results use labels `0..LabelCount`.
		#[pallet::constant]
		type LabelCount: Get<LabelIndex>;

		/// The most seats a committee may have (and so the most members: each holds at least
		/// one seat).
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;

		/// The most times a proposal may be drawn a fresh committee after a round without
		/// consensus (the bound of the parameters' `escalations`).
		#[pallet::constant]
		type MaxEscalations: Get<u32>;

		/// The most tasks judged in one block; beyond it, tasks wait for a later block.
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;

		/// The longest commit plus reveal window the parameters may ask for.
		#[pallet::constant]
		type MaxTaskDuration: Get<BlockNumberFor<Self>>;

		/// The most proposals that may wait for a task at once; beyond it, new proposals are
		/// refused.
		#[pallet::constant]
		type MaxBacklog: Get<u32>;

		/// The transaction-pool priority of a commit or reveal that will succeed (see
		/// [`CheckCommitteeSeat`]): above any tip's, so that no flood of paying transactions
		/// keeps a member from answering in time.
		#[pallet::constant]
		type CommitteePriority: Get<sp_runtime::transaction_validity::TransactionPriority>;

		/// Blocks the offchain worker gives a transaction it sent to land before it sends it
		/// again (a commit, reveal or excuse lost in a dropped block or pool). No less than
		/// [`daollm_primitives::offchain::LIFETIME`], after which the first attempt is dead in
		/// every pool, so that a resend never meets it (`integrity_test` checks).
		#[pallet::constant]
		type ResendAfter: Get<u32>;

		// Governable parameters.

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Makes nodes and a model for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The network's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// The id the next task gets.
	#[pallet::storage]
	pub type NextTaskId<T> = StorageValue<_, TaskId, ValueQuery>;

	/// Open tasks, by id.
	#[pallet::storage]
	pub type Tasks<T: Config> = CountedStorageMap<_, Twox64Concat, TaskId, TaskOf<T>>;

	/// The task that analyses (or analysed) each proposal.
	#[pallet::storage]
	pub type TaskOfProposal<T> = StorageMap<_, Twox64Concat, ProposalId, TaskId>;

	/// Commitments of an open task's members.
	#[pallet::storage]
	pub type Commitments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TaskId, Blake2_128Concat, T::AccountId, H256>;

	/// Members of an open task that excused themselves: they could not get its input.
	#[pallet::storage]
	pub type Excuses<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TaskId, Blake2_128Concat, T::AccountId, ()>;

	/// Revealed results of an open task's members.
	#[pallet::storage]
	pub type Reveals<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TaskId, Blake2_128Concat, T::AccountId, InferenceResult>;

	/// The tasks judged in each block.
	#[pallet::storage]
	pub type DueAt<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<TaskId, T::MaxTasksPerBlock>,
		ValueQuery,
	>;

	/// Judged tasks, by id.
	#[pallet::storage]
	pub type Results<T: Config> = StorageMap<_, Twox64Concat, TaskId, ResultOf<T>>;

	/// Proposals waiting for a task, by position in the queue (see [`BacklogBounds`]); a
	/// withdrawn proposal leaves a gap that the queue skips.
	#[pallet::storage]
	pub type Backlog<T> = StorageMap<_, Twox64Concat, u32, QueuedProposal>;

	/// The backlog's first position and the position after its last: `(head, tail)`, counting
	/// with wrap-around. Escalated proposals join at the head, new ones at the tail.
	#[pallet::storage]
	pub type BacklogBounds<T> = StorageValue<_, (u32, u32), ValueQuery>;

	/// How many proposals wait in the backlog (gaps not counted): new proposals are refused
	/// at `MaxBacklog`.
	#[pallet::storage]
	pub type BacklogLen<T> = StorageValue<_, u32, ValueQuery>;

	/// Proposals whose last round ended without consensus and that wait for, or run, a larger
	/// committee: the members of their failed rounds, judged when the analysis ends.
	#[pallet::storage]
	pub type Escalations<T: Config> = StorageMap<_, Twox64Concat, ProposalId, EscalationOf<T>>;

	/// The backlog position of each waiting proposal.
	#[pallet::storage]
	pub type Queued<T> = StorageMap<_, Twox64Concat, ProposalId, u32>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; the runtime's defaults if omitted.
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.parameters {
				if let Err(e) = params.check(
					T::MaxCommitteeSize::get(),
					T::MaxTaskDuration::get(),
					T::MaxEscalations::get(),
				) {
					panic!("invalid inference parameters in the genesis config: {e:?}");
				}
				Params::<T>::put(params);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A task opened and drew its committee.
		TaskOpened {
			/// The task.
			task: TaskId,
			/// The proposal it analyses.
			proposal: ProposalId,
			/// The model it runs.
			model: H256,
			/// The members.
			committee: Vec<T::AccountId>,
			/// The seats each member won, in the order of `committee`: each seat is one vote.
			seats: Vec<u32>,
			/// How many rounds of the proposal failed before this one (0: its first committee).
			round: u32,
			/// The last block for commits.
			commit_end: BlockNumberFor<T>,
			/// The last block for reveals.
			reveal_end: BlockNumberFor<T>,
		},
		/// A proposal could not get an analysis task.
		AnalysisUnavailable {
			/// The proposal.
			proposal: ProposalId,
			/// Why.
			reason: Unavailable,
		},
		/// A member committed to its answer.
		Committed {
			/// The task.
			task: TaskId,
			/// The member.
			node: T::AccountId,
		},
		/// A member said it cannot answer: its node lacks the task's input.
		Excused {
			/// The task.
			task: TaskId,
			/// The member.
			node: T::AccountId,
		},
		/// A member revealed its answer.
		Revealed {
			/// The task.
			task: TaskId,
			/// The member.
			node: T::AccountId,
			/// The label it found.
			label: LabelIndex,
		},
		/// A task was judged and its committee agreed.
		TaskFinalized {
			/// The task.
			task: TaskId,
			/// The proposal analysed.
			proposal: ProposalId,
			/// The agreed label.
			label: LabelIndex,
			/// Each class's seat-weighted median score, in basis points.
			scores: Vec<u16>,
			/// The seat-weighted median share of the body's letters in words the model knows, in
			/// basis points (below `READABLE_FLOOR`, the model cannot read the proposal).
			readable: u16,
			/// The brief the committee agreed on: key sentences, key figures and the similarity
			/// signature (spans are byte ranges of the proposal's body).
			brief: Brief,
			/// The share of the committee's seats (excused seats left out) that revealed.
			participation: Perbill,
		},
		/// A task was judged and no label held the consensus threshold of the revealed seats.
		NoConsensus {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
			/// The share of the committee's seats that revealed.
			participation: Perbill,
		},
		/// A task ended without consensus: its proposal goes back to the front of the backlog
		/// for a larger committee, without this one's members.
		TaskEscalated {
			/// The task that failed.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
			/// The round its next committee is (1 for the first escalation).
			round: u32,
		},
		/// A proposal's analysis ended without consensus after every round the parameters
		/// allow (or with no node left to draw): its members are judged, nobody slashed.
		AnalysisUnanswered {
			/// The proposal.
			proposal: ProposalId,
			/// How many rounds failed.
			rounds: u32,
		},
		/// A task was cancelled with its proposal.
		TaskCancelled {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
		},
		/// Governance changed the parameters.
		ParametersSet {
			/// The new parameters.
			parameters: ParametersOf<T>,
		},
		/// Less than `min_participation` of a task's seats revealed: the task ends without
		/// consensus (and escalates).
		TaskInconclusive {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
			/// The share of the committee's seats that revealed.
			participation: Perbill,
		},
		/// No judgement slot was free: the proposal waits in the backlog and gets its task as
		/// soon as one is.
		TaskQueued {
			/// The proposal.
			proposal: ProposalId,
			/// How many proposals wait ahead of it.
			ahead: u32,
		},
		/// A waiting proposal was withdrawn from the backlog.
		QueuedTaskCancelled {
			/// The proposal.
			proposal: ProposalId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not the key of any node.
		NotInferenceNode,
		/// No open task has this id.
		UnknownTask,
		/// The node is not on this task's committee.
		NotCommitteeMember,
		/// The member has committed already.
		AlreadyCommitted,
		/// The member excused itself from this task.
		AlreadyExcused,
		/// The member has not committed, so it has nothing to reveal.
		NotCommitted,
		/// The member has revealed already.
		AlreadyRevealed,
		/// The revealed result and salt do not match the commitment.
		RevealMismatch,
		/// The phase this call belongs to is over.
		WindowClosed,
		/// Reveals open when the commit window ends or every member has committed.
		RevealTooEarly,
		/// The result names no valid label or lacks a valid score per class.
		InvalidResult,
		/// `committee_size` is zero or above `MaxCommitteeSize`.
		InvalidCommitteeSize,
		/// `escalations` is above `MaxEscalations`.
		InvalidEscalations,
		/// A window is zero or the task would outlast `MaxTaskDuration`.
		InvalidWindow,
		/// `consensus_threshold` must be above one half.
		InvalidThreshold,
		/// Task ids are exhausted.
		TaskIdOverflow,
		/// `min_participation` must be positive.
		InvalidParticipation,
		/// As many proposals wait for a task as the backlog holds; try again later.
		BacklogFull,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::CommitteeSize => Error::InvalidCommitteeSize,
				InvalidParameter::Window => Error::InvalidWindow,
				InvalidParameter::Threshold => Error::InvalidThreshold,
				InvalidParameter::Participation => Error::InvalidParticipation,
				InvalidParameter::Escalations => Error::InvalidEscalations,
			}
		}
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The share of a body's letters, in basis points, that must stand in words the model
		/// knows for its label to say anything: below it a client shows that the model cannot
		/// read the proposal (its language, most likely) instead of the label.
		#[pallet::constant_name(ReadableFloor)]
		fn readable_floor() -> u16 {
			daollm_primitives::inference::READABLE_FLOOR
		}
	}

	/// Reads for clients, typed by the runtime's metadata (the `RuntimeViewFunction` runtime
	/// API runs them; never called in a block).
	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Task `id`: open (its committee, windows and progress) or judged (the committee that
		/// judged it and what it agreed on); `None` if no such task exists.
		pub fn task(id: TaskId) -> Option<TaskDetailsOf<T>> {
			Self::task_details(id)
		}

		/// The task analysing (or that analysed) `proposal`, as [`Pallet::task`] gives it;
		/// `None` while the proposal waits for a committee, or if it does not exist.
		pub fn proposal_task(proposal: ProposalId) -> Option<TaskDetailsOf<T>> {
			TaskOfProposal::<T>::get(proposal).and_then(Self::task_details)
		}

		/// Up to `limit` (at most [`MAX_SIMILAR`]) analysed proposals most similar to
		/// `proposal` among those analysed before it, as `(proposal, similarity in parts per
		/// million)`, most similar first.
		pub fn similar(proposal: ProposalId, limit: u32) -> Vec<(ProposalId, u32)> {
			Self::similar_proposals(proposal, limit)
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Judges the tasks due in this block, then opens waiting proposals from the backlog,
		/// oldest first, while judgement slots are free: at most `MaxTasksPerBlock` of each.
		///
		/// A block with nothing due and an empty backlog costs two reads and writes nothing.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = DueAt::<T>::get(now);
			let mut weight = T::DbWeight::get().reads(1);
			if !due.is_empty() {
				DueAt::<T>::remove(now);
				weight.saturating_accrue(T::DbWeight::get().writes(1));
			}
			for task in due {
				weight.saturating_accrue(Self::finalize(task, now));
			}
			weight.saturating_accrue(Self::open_backlog());
			weight
		}

		/// Serves the open tasks that this node's `infr` keys are committee members of: runs the
		/// model, commits, reveals (see [`offchain`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_offchain_worker(now);
		}

		fn integrity_test() {
			assert!(
				T::ResendAfter::get() >= daollm_primitives::offchain::LIFETIME,
				"ResendAfter must not be shorter than a worker transaction's lifetime"
			);
			assert!(
				(2..=daollm_primitives::MAX_LABELS).contains(&(T::LabelCount::get() as u32)),
				"LabelCount must be between 2 and MAX_LABELS"
			);
			assert!(T::MaxCommitteeSize::get() > 0, "MaxCommitteeSize must allow a member");
			assert!(T::MaxTasksPerBlock::get() > 0, "MaxTasksPerBlock must allow a task");
			assert!(
				T::DefaultParameters::get()
					.check(
						T::MaxCommitteeSize::get(),
						T::MaxTaskDuration::get(),
						T::MaxEscalations::get()
					)
					.is_ok(),
				"DefaultParameters must pass their own checks"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Commit to an answer for `task`.
		///
		/// The origin must be _Signed_ by the `infr` key of a member of the task's committee,
		/// within the commit window, once. `commitment` is
		/// `blake2_256(SCALE(result, salt, operator))`, see
		/// [`daollm_primitives::inference::commitment`]. A commit that passes these checks is
		/// free, even up front (it is feeless), and the pool gives it priority
		/// ([`CheckCommitteeSeat`]).
		///
		/// Emits `Committed`. Weight: O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::commit())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, task: &TaskId, _commitment: &H256| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|signer| Pallet::<T>::check_commit(&signer, *task).is_ok())
		})]
		pub fn commit(
			origin: OriginFor<T>,
			task: TaskId,
			commitment: H256,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record) = Self::check_commit(&signer, task)?;

			Commitments::<T>::insert(task, &node, commitment);
			record.commits.saturating_inc();
			Tasks::<T>::insert(task, record);
			Self::deposit_event(Event::Committed { task, node });
			Ok(Pays::No.into())
		}

		/// Reveal the answer committed to for `task`.
		///
		/// The origin must be _Signed_ by the `infr` key of a member that committed, in the
		/// reveal window: after the commit window, or as soon as every member has committed,
		/// and up to `reveal_end`. `result` and `salt` must hash to the commitment, and `result`
		/// must name one of the model's labels with one score of at most 10 000 basis points
		/// per label. When the last member reveals, the task is judged in the next block. A
		/// reveal that passes these checks is free, even up front (it is feeless), and the pool
		/// gives it priority ([`CheckCommitteeSeat`]).
		///
		/// Emits `Revealed`. Weight: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::reveal())]
		#[pallet::feeless_if(
			|origin: &OriginFor<T>, task: &TaskId, result: &InferenceResult, salt: &Salt| -> bool {
				ensure_signed(origin.clone()).is_ok_and(|signer| {
					Pallet::<T>::check_reveal(&signer, *task, result, salt).is_ok()
				})
			}
		)]
		pub fn reveal(
			origin: OriginFor<T>,
			task: TaskId,
			result: InferenceResult,
			salt: Salt,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record) = Self::check_reveal(&signer, task, &result, &salt)?;
			let now = frame_system::Pallet::<T>::block_number();

			let label = result.label;
			Reveals::<T>::insert(task, &node, result);
			record.reveals.saturating_inc();
			if record.all_answered() {
				Self::judge_early(task, &mut record, now);
			}
			Tasks::<T>::insert(task, record);
			Self::deposit_event(Event::Revealed { task, node, label });
			Ok(Pays::No.into())
		}

		/// Excuse the caller's seat in `task`: its node cannot get the task's input.
		///
		/// The origin must be _Signed_ by the `infr` key of a member that has neither committed
		/// nor excused itself, within the commit window. A node whose database lacks the body
		/// (warp-synced, or restored from before the proposal) says so rather than fall silent:
		/// it is judged `Excused`, which moves its reputation down as a miss does but slashes
		/// nothing, up to the registry's excuse budget per offence window; past it an excuse is
		/// judged a miss, so excuses are no way to idle with stake. Its seats do not count for
		/// the minimum participation. Feeless and prioritised like a commit
		/// ([`CheckCommitteeSeat`]).
		///
		/// Emits `Excused`. Weight: O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::excuse())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, task: &TaskId| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|signer| Pallet::<T>::check_commit(&signer, *task).is_ok())
		})]
		pub fn excuse(origin: OriginFor<T>, task: TaskId) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record) = Self::check_commit(&signer, task)?;
			let now = frame_system::Pallet::<T>::block_number();

			Excuses::<T>::insert(task, &node, ());
			record.excused.saturating_inc();
			if record.all_answered() {
				Self::judge_early(task, &mut record, now);
			}
			Tasks::<T>::insert(task, record);
			Self::deposit_event(Event::Excused { task, node });
			Ok(Pays::No.into())
		}

		/// Set the inference network's parameters.
		///
		/// The origin must be `GovernanceOrigin`. The parameters must pass
		/// [`Parameters::check`]. They apply to tasks opened from now on; open tasks keep
		/// their windows and committees.
		///
		/// Emits `ParametersSet`. Weight: O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters
				.check(
					T::MaxCommitteeSize::get(),
					T::MaxTaskDuration::get(),
					T::MaxEscalations::get(),
				)
				.map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}
