//! The registry's data: parameters, nodes and what clients read of them.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use daollm_primitives::traits::{MemberOutcome, Work};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::{traits::Zero, Perbill, Saturating};

/// The registry's parameters: set at genesis, changed by governance
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
	/// Blocks between unbonding stake and being able to withdraw it.
	pub unbonding_period: BlockNumber,
	/// How far one judged piece of work moves a node's reputation towards one (agreed) or zero
	/// (disagreed or missed): the weight of the newest outcome in the moving average.
	pub reputation_step: Perbill,
	/// The reputation a node registers with.
	pub initial_reputation: Perbill,
	/// Below this reputation a node leaves the draws until it registers again (after
	/// `rejoin_cooldown`), and the reputation a node comes back with.
	pub min_reputation: Perbill,
	/// The share of what it holds a node loses for not answering while others did, in work
	/// that reached consensus (once per offence, see `offence_window`).
	pub miss_slash: Perbill,
	/// The share of what it holds a node loses for an answer that disagrees with a consensus:
	/// honest nodes agree byte for byte, so a disagreement is evidence.
	pub disagreement_slash: Perbill,
	/// Blocks after a slash in which the node is not slashed again unless it answers in
	/// agreement in between: one outage, or one bad model, is one offence however many seats it
	/// missed, while a node that answers some seats and fails others is slashed for each
	/// failure. Also the window of the excuse budget.
	pub offence_window: BlockNumber,
	/// How many excuses a node may make per `offence_window` before each further excuse counts
	/// as a miss (a node that lacks an input says so a few times; one that excuses most of its
	/// seats is idling).
	pub excuse_budget: u32,
	/// Blocks an excluded node waits before it may register again.
	pub rejoin_cooldown: BlockNumber,
}

/// Why a set of parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `min_reputation` is not below `initial_reputation`, or `reputation_step` is zero.
	Reputation,
	/// `min_node_stake` is zero.
	MinStake,
	/// `unbonding_period` is shorter than the longest piece of work, so a node could leave
	/// before it is judged.
	UnbondingPeriod,
	/// `offence_window` is zero.
	OffenceWindow,
}

impl<Balance: Zero, BlockNumber: Copy + Zero + PartialOrd> Parameters<Balance, BlockNumber> {
	/// Checks the parameters against the registry's bounds: `min_unbonding` is the
	/// runtime's [`crate::Config::MinUnbondingPeriod`].
	pub fn check(&self, min_unbonding: BlockNumber) -> Result<(), InvalidParameter> {
		use InvalidParameter::*;
		if self.reputation_step.is_zero() || self.min_reputation >= self.initial_reputation {
			return Err(Reputation);
		}
		if self.min_node_stake.is_zero() {
			return Err(MinStake);
		}
		if self.unbonding_period < min_unbonding {
			return Err(UnbondingPeriod);
		}
		if self.offence_window.is_zero() {
			return Err(OffenceWindow);
		}
		Ok(())
	}
}

/// Whether a node takes part in draws.
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
	/// Drawn while its stake is at least `min_node_stake`.
	Active,
	/// Its reputation fell below `min_reputation`: out of the draws until it registers again,
	/// which it may do `rejoin_cooldown` blocks after its exclusion.
	Excluded,
	/// It unbonded all its stake: out of the draws, waiting to withdraw.
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
	/// Pieces of work it was drawn for and that were judged.
	pub tasks: u32,
	/// Answers that agreed with the consensus.
	pub agreed: u32,
	/// Answers that did not.
	pub disagreed: u32,
	/// Work it did not answer.
	pub missed: u32,
	/// Work it was excused from: it said in time that it could not answer.
	pub excused: u32,
	/// Stake slashed in total.
	pub slashed: Balance,
}

/// A registered compute node, keyed by its operator's account.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxChunks))]
pub struct Node<AccountId, Key, Balance, BlockNumber, MaxChunks: Get<u32>> {
	/// The `infr` key its offchain workers sign with.
	pub key: Key,
	/// The account of that key: the node's transactions come from it.
	pub key_account: AccountId,
	/// Stake that counts for draws (held).
	pub stake: Balance,
	/// Stake unbonding (still held, still slashable).
	pub unbonding: BoundedVec<UnbondingChunk<Balance, BlockNumber>, MaxChunks>,
	/// How reliably it agreed with the consensus: a moving average.
	pub reputation: Perbill,
	/// Whether it takes part in draws.
	pub status: NodeStatus,
	/// The block it (last) registered in.
	pub registered_at: BlockNumber,
	/// Its record.
	pub stats: NodeStats<Balance>,
	/// The block its current offence window opened in (its last slash): until
	/// `offence_window` blocks later it is not slashed again, unless it agrees in between
	/// (which closes the window).
	pub offence_at: Option<BlockNumber>,
	/// The block its current excuse window opened in, and the excuses made in it.
	pub excuses: (BlockNumber, u32),
	/// The block it was (last) excluded in.
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
	/// The work.
	pub work: Work,
	/// What the node did.
	pub outcome: MemberOutcome,
	/// When it was judged.
	pub at: BlockNumber,
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
	/// Whether it takes part in draws.
	pub status: NodeStatus,
	/// The block it (last) registered in.
	pub registered_at: BlockNumber,
	/// Its record.
	pub stats: NodeStats<Balance>,
	/// Its recent outcomes, oldest first.
	pub history: alloc::vec::Vec<HistoryEntry<BlockNumber>>,
}
