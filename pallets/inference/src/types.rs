//! The pallet's data: parameters, tasks and results.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::{
	inference::{Brief, Scores},
	LabelIndex, ProposalId,
};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::Zero, Perbill, Saturating};

/// What a member did in a task, as the compute-node registry records it.
pub use daollm_primitives::traits::MemberOutcome;

/// Identifies an analysis task.
pub type TaskId = u32;

/// The inference network's parameters: set at genesis, changed by governance
/// ([`crate::Pallet::set_parameters`]) within the bounds [`Parameters::check`] enforces.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Parameters<BlockNumber> {
	/// How many seats a task's first committee draws (a node may win several; each seat is one
	/// vote). Each escalation draws this many more, up to `MaxCommitteeSize`.
	pub committee_size: u32,
	/// Blocks in which committee members commit, from the block the task opens in.
	pub commit_window: BlockNumber,
	/// Blocks in which committee members reveal, after the commit window.
	pub reveal_window: BlockNumber,
	/// The share of the revealed seats the winning label needs; above one half.
	pub consensus_threshold: Perbill,
	/// Reward points each member that agreed with the consensus earns.
	pub inference_points: u32,
	/// The share of the committee's seats (excused seats left out) that must reveal for a
	/// task to reach consensus; below it the task escalates.
	pub min_participation: Perbill,
	/// How many times a proposal whose task ended without consensus is drawn a fresh, larger
	/// committee (without the members of its failed rounds) before its analysis ends
	/// unanswered; at most the pallet's `MaxEscalations`.
	pub escalations: u32,
}

/// Why a set of parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `committee_size` is zero or above the pallet's `MaxCommitteeSize`.
	CommitteeSize,
	/// A window is zero, or the two together exceed `MaxTaskDuration`.
	Window,
	/// `consensus_threshold` is not above one half.
	Threshold,
	/// `min_participation` is zero.
	Participation,
	/// `escalations` is above the pallet's `MaxEscalations`.
	Escalations,
}

impl<BlockNumber: Copy + Zero + Saturating + PartialOrd> Parameters<BlockNumber> {
	/// Checks the parameters against the pallet's bounds.
	pub fn check(
		&self,
		max_committee: u32,
		max_task_duration: BlockNumber,
		max_escalations: u32,
	) -> Result<(), InvalidParameter> {
		use InvalidParameter::*;
		if self.committee_size == 0 || self.committee_size > max_committee {
			return Err(CommitteeSize);
		}
		let duration = self.task_duration();
		if self.commit_window.is_zero()
			|| self.reveal_window.is_zero()
			|| duration > max_task_duration
		{
			return Err(Window);
		}
		if self.consensus_threshold <= Perbill::from_percent(50) {
			return Err(Threshold);
		}
		if self.min_participation.is_zero() {
			return Err(Participation);
		}
		if self.escalations > max_escalations {
			return Err(Escalations);
		}
		Ok(())
	}

	/// The seats of a proposal's committee after `failed` failed rounds: `committee_size` more
	/// for each, up to `max_committee`.
	pub fn seats_for_round(&self, failed: u32, max_committee: u32) -> u32 {
		self.committee_size.saturating_mul(failed.saturating_add(1)).min(max_committee)
	}

	/// Blocks from a task's opening to the end of its reveal window.
	pub fn task_duration(&self) -> BlockNumber {
		self.commit_window.saturating_add(self.reveal_window)
	}
}

/// A committee member: the node, its stake when drawn, and the seats it won (each one vote).
pub use daollm_primitives::Seat;

/// An open analysis task.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxCommittee))]
pub struct AnalysisTask<AccountId, Balance, BlockNumber, MaxCommittee: Get<u32>> {
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// blake2b-256 of the proposal's body: the offchain index key of the input.
	pub content_hash: H256,
	/// sha256 of the model every member must run.
	pub model: H256,
	/// The block the task opened in.
	pub opened_at: BlockNumber,
	/// The last block in which commits are accepted.
	pub commit_end: BlockNumber,
	/// The last block in which reveals are accepted; the task is judged in the next one.
	pub reveal_end: BlockNumber,
	/// The members, each with the seats it won.
	pub committee: BoundedVec<Seat<AccountId, Balance>, MaxCommittee>,
	/// How many rounds of this proposal failed before this one (0: its first committee).
	pub round: u32,
	/// How many members have committed.
	pub commits: u32,
	/// How many members have revealed.
	pub reveals: u32,
	/// How many members excused themselves (see [`crate::Pallet::excuse`]).
	pub excused: u32,
}

impl<AccountId: PartialEq, Balance, BlockNumber, MaxCommittee: Get<u32>>
	AnalysisTask<AccountId, Balance, BlockNumber, MaxCommittee>
{
	/// The seat of `node`, if it is a member.
	pub fn member(&self, node: &AccountId) -> Option<&Seat<AccountId, Balance>> {
		self.committee.iter().find(|m| m.node == *node)
	}

	/// The committee's seats.
	pub fn seats(&self) -> u32 {
		self.committee.iter().fold(0u32, |sum, m| sum.saturating_add(m.seats))
	}

	/// Whether every member has committed or excused itself: the reveal phase may start early.
	pub fn all_committed(&self) -> bool {
		self.commits.saturating_add(self.excused) as usize >= self.committee.len()
	}

	/// Whether every member has revealed or excused itself: the task may be judged early.
	pub fn all_answered(&self) -> bool {
		self.reveals.saturating_add(self.excused) as usize >= self.committee.len()
	}
}

/// How a task ended.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub enum Outcome {
	/// The committee agreed.
	Consensus {
		/// The label.
		label: LabelIndex,
		/// Each class's seat-weighted median score, in basis points.
		scores: Scores,
		/// The seat-weighted median share of the body's letters that stand in words the model
		/// knows, in basis points: below `daollm_primitives::inference::READABLE_FLOOR` the model
		/// cannot read the proposal, and clients say so instead of showing the label.
		readable: u16,
		/// The brief, agreed field by field.
		brief: Brief,
	},
	/// No label held the consensus threshold of the revealed seats.
	NoConsensus,
	/// Less than `min_participation` of the committee's seats revealed.
	Inconclusive,
}

/// A judged task.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxCommittee))]
pub struct TaskResult<AccountId, Balance, BlockNumber, MaxCommittee: Get<u32>> {
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// blake2b-256 of the body analysed: the brief's spans are byte ranges of it.
	pub content_hash: H256,
	/// The model it ran with.
	pub model: H256,
	/// What the committee agreed on.
	pub outcome: Outcome,
	/// The share of the committee's seats (excused seats left out) that revealed.
	pub participation: Perbill,
	/// The members who judged it, each with its stake when drawn and the seats it held.
	pub committee: BoundedVec<Seat<AccountId, Balance>, MaxCommittee>,
	/// How many rounds of the proposal failed before this one.
	pub round: u32,
	/// The block it was judged in.
	pub finalized_at: BlockNumber,
}

impl<AccountId, Balance, BlockNumber, MaxCommittee: Get<u32>>
	TaskResult<AccountId, Balance, BlockNumber, MaxCommittee>
{
	/// The committee's seats.
	pub fn seats(&self) -> u32 {
		self.committee.iter().fold(0u32, |sum, m| sum.saturating_add(m.seats))
	}
}

/// Why a proposal got no analysis task.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Unavailable {
	/// Governance has not activated a model.
	NoActiveModel,
	/// No node is eligible for a committee.
	NoNodes,
}

/// A proposal waiting in the backlog for a task: the network had no room when it arrived.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct QueuedProposal {
	/// The proposal.
	pub proposal: ProposalId,
	/// blake2b-256 of its body.
	pub content_hash: H256,
	/// The author of the block the proposal landed in: its committee is drawn in a block
	/// someone else authored ([`daollm_primitives::traits::DrawRandomness`]).
	pub fixed_by: Option<u32>,
}

/// A task as clients see it: open or judged.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
#[scale_info(skip_type_params(MaxCommittee))]
pub struct TaskDetails<AccountId, Balance, BlockNumber, MaxCommittee: Get<u32>> {
	/// The task.
	pub id: TaskId,
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// Where the task stands.
	pub status: TaskStatus<AccountId, Balance, BlockNumber, MaxCommittee>,
}

/// Where a task stands.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
#[scale_info(skip_type_params(MaxCommittee))]
pub enum TaskStatus<AccountId, Balance, BlockNumber, MaxCommittee: Get<u32>> {
	/// Collecting commits and reveals.
	Open {
		/// sha256 of the model members run.
		model: H256,
		/// The block it opened in.
		opened_at: BlockNumber,
		/// The last block for commits.
		commit_end: BlockNumber,
		/// The last block for reveals.
		reveal_end: BlockNumber,
		/// The members, their stakes and seats.
		committee: BoundedVec<Seat<AccountId, Balance>, MaxCommittee>,
		/// How many rounds of the proposal failed before this one.
		round: u32,
		/// Commits so far.
		commits: u32,
		/// Reveals so far.
		reveals: u32,
		/// Members excused so far.
		excused: u32,
	},
	/// Judged.
	Judged(TaskResult<AccountId, Balance, BlockNumber, MaxCommittee>),
}

/// What a member of a failed round did, kept until the proposal's analysis ends and every
/// round's members are judged by how it ended.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum PriorAnswer {
	/// It revealed `label`.
	Revealed {
		/// The label.
		label: LabelIndex,
		/// Whether it ran its task's model (an answer from another model disagrees, whatever
		/// its label; a round after a model switch is judged by its own task's model).
		on_task_model: bool,
	},
	/// It neither revealed nor excused itself while another member revealed.
	Silent,
	/// It excused itself.
	Excused,
	/// Nobody of its round revealed: its silence is not singled out.
	Unanswered,
}

/// A member of a failed round of a proposal.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct PriorMember<AccountId> {
	/// The node.
	pub node: AccountId,
	/// The task of the round.
	pub task: TaskId,
	/// What it did.
	pub answer: PriorAnswer,
}

/// A proposal whose task ended without consensus and that waits for a larger committee.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxPrior))]
pub struct Escalation<AccountId, MaxPrior: Get<u32>> {
	/// How many rounds failed.
	pub failed: u32,
	/// The members of the failed rounds: none of them is drawn again for the proposal, and each
	/// is judged when the analysis ends.
	pub prior: BoundedVec<PriorMember<AccountId>, MaxPrior>,
}
