//! The pallet's data: parameters, nodes, tasks and results.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::{inference::Scores, LabelIndex, ProposalId};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::Zero, Perbill, Saturating};

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
pub struct Parameters<Balance, BlockNumber> {
	/// The least stake a node registers with and keeps while it serves.
	pub min_node_stake: Balance,
	/// How many nodes a task's committee draws.
	pub committee_size: u32,
	/// Blocks in which committee members commit, from the block the task opens in.
	pub commit_window: BlockNumber,
	/// Blocks in which committee members reveal, after the commit window.
	pub reveal_window: BlockNumber,
	/// The share of revealed stake the winning label needs; above one half.
	pub consensus_threshold: Perbill,
	/// The share of its stake a member loses for not revealing while enough of the committee
	/// did (at most once per `offence_window`).
	pub slash_fraction: Perbill,
	/// How far one task moves a member's reputation towards one (agreed) or zero (disagreed or
	/// missed): the weight of the newest outcome in the moving average.
	pub reputation_step: Perbill,
	/// The reputation a node registers with.
	pub initial_reputation: Perbill,
	/// Below this reputation a node leaves the committees until it registers again (after
	/// `rejoin_cooldown`), and the reputation a node comes back with.
	pub min_reputation: Perbill,
	/// Blocks between unbonding stake and being able to withdraw it.
	pub unbonding_period: BlockNumber,
	/// Reward points each member that agreed with the consensus earns.
	pub inference_points: u32,
	/// The share of the committee's stake that must reveal for a task to be judged at all;
	/// below it the task is inconclusive and nobody is slashed (a task that most members could
	/// not answer is the task's fault, not theirs).
	pub min_participation: Perbill,
	/// The share of its stake a member loses for revealing an answer that disagrees with a
	/// consensus: honest nodes agree byte for byte, so a disagreement is evidence.
	pub disagreement_slash: Perbill,
	/// Blocks in which a node is slashed at most once: one outage, or one bad model, is one
	/// offence, however many seats it missed.
	pub offence_window: BlockNumber,
	/// Blocks an excluded node waits before it may register again.
	pub rejoin_cooldown: BlockNumber,
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
	/// `min_reputation` is not below `initial_reputation`, or `reputation_step` is zero.
	Reputation,
	/// `min_node_stake` is zero.
	MinStake,
	/// `unbonding_period` is shorter than a task, so a node could leave before it is judged.
	UnbondingPeriod,
	/// `min_participation` is zero, or `offence_window` is zero.
	Participation,
}

impl<Balance: Zero, BlockNumber: Copy + Zero + Saturating + PartialOrd + From<u32>>
	Parameters<Balance, BlockNumber>
{
	/// Checks the parameters against the pallet's bounds.
	pub fn check(
		&self,
		max_committee: u32,
		max_task_duration: BlockNumber,
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
		if self.reputation_step.is_zero() || self.min_reputation >= self.initial_reputation {
			return Err(Reputation);
		}
		if self.min_node_stake.is_zero() {
			return Err(MinStake);
		}
		// A task may be deferred by up to `MAX_DEFERRAL` blocks when its finalisation block is
		// full; unbonding must outlast that too.
		if self.unbonding_period < duration.saturating_add(crate::MAX_DEFERRAL.into()) {
			return Err(UnbondingPeriod);
		}
		if self.min_participation.is_zero() || self.offence_window.is_zero() {
			return Err(Participation);
		}
		Ok(())
	}

	/// Blocks from a task's opening to the end of its reveal window.
	pub fn task_duration(&self) -> BlockNumber {
		self.commit_window.saturating_add(self.reveal_window)
	}
}

/// Whether a node takes part in committees.
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
pub enum NodeStatus {
	/// Drawn into committees while its stake is at least `min_node_stake`.
	Active,
	/// Its reputation fell below `min_reputation`: out of committees until it registers again,
	/// which it may do `rejoin_cooldown` blocks after its exclusion.
	Excluded,
	/// It unbonded all its stake: out of committees, waiting to withdraw.
	Leaving,
}

/// Stake on its way out: held until `unlocks_at`.
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
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// The amount.
	pub amount: Balance,
	/// The first block in which it can be withdrawn.
	pub unlocks_at: BlockNumber,
}

/// A node's running record.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct NodeStats<Balance> {
	/// Committees it was drawn into and that were judged.
	pub tasks: u32,
	/// Answers that agreed with the consensus.
	pub agreed: u32,
	/// Answers that did not.
	pub disagreed: u32,
	/// Tasks it did not commit to or did not reveal for.
	pub missed: u32,
	/// Stake slashed in total.
	pub slashed: Balance,
}

/// A registered inference node, keyed by its operator's account.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxChunks))]
pub struct Node<AccountId, Key, Balance, BlockNumber, MaxChunks: Get<u32>> {
	/// The `infr` key its offchain worker signs with.
	pub key: Key,
	/// The account of that key: commits and reveals come from it.
	pub key_account: AccountId,
	/// Stake that counts for committees (held).
	pub stake: Balance,
	/// Stake unbonding (still held, still slashable).
	pub unbonding: BoundedVec<UnbondingChunk<Balance, BlockNumber>, MaxChunks>,
	/// How reliably it agreed with the consensus: a moving average.
	pub reputation: Perbill,
	/// Whether it takes part in committees.
	pub status: NodeStatus,
	/// The block it (last) registered in.
	pub registered_at: BlockNumber,
	/// Its record.
	pub stats: NodeStats<Balance>,
	/// The block its current offence window opened in (its last slash): until
	/// `offence_window` blocks later it is not slashed again.
	pub offence_at: Option<BlockNumber>,
	/// The block it was (last) excluded in.
	pub excluded_at: Option<BlockNumber>,
}

/// What the registry remembers of a node that left with a reputation below a newcomer's, so
/// that leaving and registering again resets nothing.
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
pub struct Standing<BlockNumber> {
	/// Its reputation when it left.
	pub reputation: Perbill,
	/// The block it was last excluded in, if it was.
	pub excluded_at: Option<BlockNumber>,
}

impl<AccountId, Key, Balance: Copy + Saturating + Zero, BlockNumber, MaxChunks: Get<u32>>
	Node<AccountId, Key, Balance, BlockNumber, MaxChunks>
{
	/// Everything held for the node: stake plus unbonding chunks.
	pub fn total_held(&self) -> Balance {
		self.unbonding.iter().fold(self.stake, |sum, c| sum.saturating_add(c.amount))
	}
}

/// A committee seat: the node and its stake when drawn, which weighs its answer.
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
	/// The members.
	pub committee: BoundedVec<Seat<AccountId, Balance>, MaxCommittee>,
	/// How many members have committed.
	pub commits: u32,
	/// How many members have revealed.
	pub reveals: u32,
}

impl<AccountId: PartialEq, Balance, BlockNumber, MaxCommittee: Get<u32>>
	AnalysisTask<AccountId, Balance, BlockNumber, MaxCommittee>
{
	/// The seat of `node`, if it is a member.
	pub fn member(&self, node: &AccountId) -> Option<&Seat<AccountId, Balance>> {
		self.committee.iter().find(|m| m.node == *node)
	}

	/// Whether every member has committed: the reveal phase may start early.
	pub fn all_committed(&self) -> bool {
		self.commits as usize >= self.committee.len()
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
		/// Each class's stake-weighted median score, in basis points.
		scores: Scores,
	},
	/// No label held the consensus threshold of the revealed stake.
	NoConsensus,
	/// Less than `min_participation` of the committee's stake revealed: nobody is judged.
	Inconclusive,
}

/// A judged task.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct TaskResult<BlockNumber> {
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// The model it ran with.
	pub model: H256,
	/// What the committee agreed on.
	pub outcome: Outcome,
	/// The share of the committee's stake that revealed.
	pub participation: Perbill,
	/// How many members the committee had.
	pub committee_size: u32,
	/// The block it was judged in.
	pub finalized_at: BlockNumber,
}

/// What one member did in one task.
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
pub enum MemberOutcome {
	/// Revealed the consensus label from the task's model: reputation up, reward points.
	Agreed,
	/// Revealed another label or another model's answer: slashed `disagreement_slash` (once
	/// per offence window), reputation down.
	Disagreed,
	/// Revealed, but the committee reached no consensus, or too few members revealed for
	/// anyone to be judged: nothing changes.
	Inconclusive,
	/// Did not commit, or committed and did not reveal, while enough of the committee did:
	/// slashed (once per offence window), reputation down.
	Missed,
}

/// One entry of a node's recent history.
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
pub struct HistoryEntry<BlockNumber> {
	/// The task.
	pub task: TaskId,
	/// What the node did.
	pub outcome: MemberOutcome,
	/// When the task was judged.
	pub at: BlockNumber,
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
}

/// A task as clients see it: open or judged.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct TaskDetails<AccountId, Balance, BlockNumber> {
	/// The task.
	pub id: TaskId,
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// Where the task stands.
	pub status: TaskStatus<AccountId, Balance, BlockNumber>,
}

/// Where a task stands.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub enum TaskStatus<AccountId, Balance, BlockNumber> {
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
		/// The members and their stakes.
		committee: alloc::vec::Vec<Seat<AccountId, Balance>>,
		/// Commits so far.
		commits: u32,
		/// Reveals so far.
		reveals: u32,
	},
	/// Judged.
	Judged(TaskResult<BlockNumber>),
}

/// A node as clients see it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct NodeDetails<AccountId, Balance, BlockNumber> {
	/// The operator.
	pub operator: AccountId,
	/// The account its `infr` key signs as.
	pub key_account: AccountId,
	/// Bonded stake.
	pub stake: Balance,
	/// Unbonding stake.
	pub unbonding: alloc::vec::Vec<UnbondingChunk<Balance, BlockNumber>>,
	/// Its reputation.
	pub reputation: Perbill,
	/// Whether it takes part in committees.
	pub status: NodeStatus,
	/// The block it (last) registered in.
	pub registered_at: BlockNumber,
	/// Its record.
	pub stats: NodeStats<Balance>,
	/// Its recent outcomes, oldest first.
	pub history: alloc::vec::Vec<HistoryEntry<BlockNumber>>,
}
