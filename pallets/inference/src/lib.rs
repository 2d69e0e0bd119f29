//! # Inference Pallet
//!
//! Turns untrusted answers from many inference nodes into one analysis the DAO can rely on.
//!
//! ## Overview
//!
//! Operators register inference nodes by holding stake ([`HoldReason::NodeStake`], at least
//! `min_node_stake`) and binding an sr25519 key of key type `infr`
//! ([`daollm_primitives::inference::KEY_TYPE`]): the node's offchain worker signs its commits and
//! reveals with that key, so the operator's funds never sit on the validator's machine.
//!
//! Every submitted proposal opens a **task** ([`InferenceTasks::open_task`], called by the
//! proposals pallet). The task draws a **committee** of `committee_size` nodes by weighted
//! sampling without replacement, each node weighing its stake times its reputation, seeded by
//! [`Config::Randomness`], so every node computes the same committee for a given block.
//!
//! Members answer in two phases, so nobody can copy another's answer:
//! 1. **commit** (`commit_window` blocks): [`Pallet::commit`] publishes
//!    [`commitment`]`(result, salt, node)`;
//! 2. **reveal** (`reveal_window` blocks, from the end of the commit window or as soon as every
//!    member committed): [`Pallet::reveal`] publishes the result and salt, which must match.
//!
//! A result ([`InferenceResult`]) is a label, a score per class in basis points and the sha256 of
//! the model that produced it. In the block after the reveal window (or after the last reveal),
//! `on_initialize` **judges** the task. Unless at least `min_participation` of the committee's
//! stake revealed, the task is *inconclusive*: nobody is scored, nobody is slashed, and the
//! proposal stays pending (and withdrawable). Otherwise the label with the most revealed stake
//! wins if it holds at least `consensus_threshold` of the revealed stake (both shares "at least",
//! exactly: [`daollm_primitives::threshold::reaches`], the rule training uses too), else the
//! task ends with no consensus; each class's score is the stake-weighted median of the revealed
//! scores. The result is stored
//! ([`Results`]) and emitted ([`Event::TaskFinalized`]), and the proposals pallet is told
//! ([`Config::OnAnalysed`]).
//!
//! ## Quality
//!
//! Reputation is a moving average of a node's outcomes, moved by `reputation_step` per task:
//! up for members that agreed with the consensus (who also earn `inference_points` reward
//! points through [`Config::RewardPoints`]); down for members that disagreed, who also lose
//! `disagreement_slash` of their stake (honest nodes agree byte for byte, so disagreeing is
//! evidence); down for members that did not commit or did not reveal while enough of the
//! committee did, who lose `slash_fraction`. Slashed stake goes to [`Config::Slash`]. A node is
//! slashed at most once per `offence_window` blocks: one outage is one offence, however many
//! seats it held. A node whose reputation falls below `min_reputation` is excluded from
//! committees; it may register again `rejoin_cooldown` blocks later, at `min_reputation`, and a
//! node that leaves with a reputation below `initial_reputation` is remembered
//! ([`FormerNodes`]), so neither path resets it. Honest members pay no fees for their commits
//! and reveals.
//!
//! Slashing and rewards follow who could have answered: if the committee as a whole could not
//! (an unreadable body, a model nobody has yet), the task is inconclusive and costs nobody; the
//! author can withdraw and gets the deposit back, having paid fees and filled nobody's pocket.
//!
//! ## Backlog
//!
//! At most `MaxTasksPerBlock` tasks are judged in a block. A proposal that finds no judgement
//! slot within reach waits in a FIFO [`Backlog`] of at most `MaxBacklog` entries, and
//! `on_initialize` opens waiting proposals, oldest first, as slots free up; while any wait, new
//! proposals queue behind them. A flood of proposals therefore delays analysis but never denies
//! it, and a full backlog refuses new proposals with [`Error::BacklogFull`] before they hold a
//! deposit.
//!
//! ## Stake
//!
//! [`Pallet::register_node`] proves possession of the node's `infr` key: its signature over
//! (operator, genesis hash), so nobody can bind a key that is not theirs.
//! [`Pallet::add_stake`] adds stake; [`Pallet::unbond`] moves stake into unbonding chunks that
//! stay held (and slashable) for `unbonding_period` blocks, after which
//! [`Pallet::withdraw_unbonded`] releases them. A node that unbonds everything leaves the
//! committees, and its record goes when the last chunk is withdrawn.
//!
//! ## Parameters
//!
//! Every parameter is one storage value, [`Params`], set at genesis and by
//! [`Config::GovernanceOrigin`] through [`Pallet::set_parameters`], within the bounds that
//! [`Parameters::check`] enforces.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod consensus;
pub mod extension;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use extension::CheckCommitteeSeat;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use consensus::Verdict;
use daollm_primitives::{
	inference::{commitment, InferenceResult, Salt},
	traits::{
		ActiveModel, ComputeNodes, Contribution, InferenceTasks, ProposalAnalysed, RewardPoints,
	},
	LabelIndex, ProposalId,
};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Credit, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced, Randomness,
	},
};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::RuntimeAppPublic;
use sp_runtime::{
	traits::{Convert, One, Saturating, UniqueSaturatedInto, Zero},
	PerThing, Perbill,
};

/// The key validators generate for their inference node with `author_rotateKeys` (and
/// `--alice` etc. insert), as part of the runtime's session keys.
impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = T::InferenceKey;
}

/// How many blocks past its reveal window a task's judgement may move when the blocks in
/// between already judge `MaxTasksPerBlock` tasks each.
pub const MAX_DEFERRAL: u32 = 8;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Funds slashed from a node, on their way to [`Config::Slash`].
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BalanceOf<T>, BlockNumberFor<T>>;

/// A node record as this runtime stores it.
pub type NodeOf<T> = Node<
	<T as frame_system::Config>::AccountId,
	<T as Config>::InferenceKey,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxUnbondingChunks,
>;

/// A task as this runtime stores it.
pub type TaskOf<T> = AnalysisTask<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCommitteeSize,
>;

/// A proof that an operator holds its node's `infr` key: the key's proof of possession over
/// [`Pallet::possession_statement`].
pub type ProofOf<T> = <<T as Config>::InferenceKey as RuntimeAppPublic>::ProofOfPossession;

/// A node's recent history as this runtime stores it.
pub type HistoryOf<T> = BoundedVec<HistoryEntry<BlockNumberFor<T>>, <T as Config>::MaxHistory>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An inference node's stake, bonded or unbonding.
		NodeStake,
	}

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The currency stake is held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// The public key nodes sign commits and reveals with (sr25519, key type `infr`).
		type InferenceKey: Member
			+ Parameter
			+ MaxEncodedLen
			+ Ord
			+ MaybeSerializeDeserialize
			+ RuntimeAppPublic<ProofOfPossession: Parameter>;

		/// How the offchain worker signs with a local `InferenceKey`: the same key, as the
		/// runtime's signing types. Its accounts must be those `KeyAccount` gives.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// The account a node's key signs as.
		type KeyAccount: Convert<Self::InferenceKey, Self::AccountId>;

		/// Seeds committee draws.
		type Randomness: Randomness<H256, BlockNumberFor<Self>>;

		/// The model tasks run with.
		type ActiveModel: ActiveModel;

		/// Told when a task reaches consensus.
		type OnAnalysed: ProposalAnalysed;

		/// Credits reward points to members that agreed with the consensus.
		type RewardPoints: RewardPoints<Self::AccountId>;

		/// Receives slashed stake.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// The origin that sets the parameters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// How many labels the model has; results use labels `0..LabelCount`.
		#[pallet::constant]
		type LabelCount: Get<LabelIndex>;

		/// The most nodes that can be registered.
		#[pallet::constant]
		type MaxNodes: Get<u32>;

		/// The largest committee the parameters may ask for.
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;

		/// The most tasks judged in one block; beyond it, tasks wait for a later block.
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;

		/// The longest commit plus reveal window the parameters may ask for.
		#[pallet::constant]
		type MaxTaskDuration: Get<BlockNumberFor<Self>>;

		/// The most unbonding chunks a node may have at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// How many recent outcomes each node's history keeps.
		#[pallet::constant]
		type MaxHistory: Get<u32>;

		/// The most proposals that may wait for a task at once; beyond it, new proposals are
		/// refused.
		#[pallet::constant]
		type MaxBacklog: Get<u32>;

		/// The transaction-pool priority of a commit or reveal that will succeed (see
		/// [`CheckCommitteeSeat`]): above any tip's, so that no flood of paying transactions
		/// keeps a member from answering in time.
		#[pallet::constant]
		type CommitteePriority: Get<sp_runtime::transaction_validity::TransactionPriority>;

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Makes keys and a model for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::InferenceKey>;
	}

	/// The network's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// Registered nodes, by operator account.
	#[pallet::storage]
	pub type Nodes<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, NodeOf<T>>;

	/// The operator of each node key's account: who a commit or reveal comes from.
	#[pallet::storage]
	pub type KeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Nodes eligible for committees, with their draw weight (stake × reputation).
	#[pallet::storage]
	pub type Candidates<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxNodes>, ValueQuery>;

	/// Each node's recent outcomes, oldest first.
	#[pallet::storage]
	pub type History<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HistoryOf<T>, ValueQuery>;

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
	pub type Results<T: Config> =
		StorageMap<_, Twox64Concat, TaskId, TaskResult<BlockNumberFor<T>>>;

	/// Proposals waiting for a task, by position in the queue (see [`BacklogBounds`]); a
	/// withdrawn proposal leaves a gap that the queue skips.
	#[pallet::storage]
	pub type Backlog<T> = StorageMap<_, Twox64Concat, u32, QueuedProposal>;

	/// The backlog's first position and the position after its last: `(head, tail)`, counting
	/// with wrap-around; `tail - head` is at most `MaxBacklog`.
	#[pallet::storage]
	pub type BacklogBounds<T> = StorageValue<_, (u32, u32), ValueQuery>;

	/// The backlog position of each waiting proposal.
	#[pallet::storage]
	pub type Queued<T> = StorageMap<_, Twox64Concat, ProposalId, u32>;

	/// The standing of operators whose node left with a reputation below a newcomer's (or after
	/// an exclusion): registering again resumes it.
	#[pallet::storage]
	pub type FormerNodes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Standing<BlockNumberFor<T>>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; the runtime's defaults if omitted.
		pub parameters: Option<ParametersOf<T>>,
		/// Nodes registered at genesis: operator, stake, key.
		pub nodes: Vec<(T::AccountId, BalanceOf<T>, T::InferenceKey)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.parameters {
				if let Err(e) = params.check(T::MaxCommitteeSize::get(), T::MaxTaskDuration::get())
				{
					panic!("invalid inference parameters in the genesis config: {e:?}");
				}
				Params::<T>::put(params);
			}
			for (operator, stake, key) in &self.nodes {
				if let Err(e) = Pallet::<T>::do_register(operator, *stake, key.clone()) {
					panic!("genesis inference node cannot register: {e:?}");
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A node registered (or registered again after exclusion).
		NodeRegistered {
			/// The operator.
			node: T::AccountId,
			/// The key its offchain worker signs with.
			key: T::InferenceKey,
			/// Its stake.
			stake: BalanceOf<T>,
		},
		/// A node added stake.
		StakeAdded {
			/// The operator.
			node: T::AccountId,
			/// The amount added.
			amount: BalanceOf<T>,
		},
		/// A node started unbonding stake.
		Unbonded {
			/// The operator.
			node: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
			/// When it can be withdrawn.
			unlocks_at: BlockNumberFor<T>,
		},
		/// A node withdrew unbonded stake.
		Withdrawn {
			/// The operator.
			node: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// A node withdrew its last stake; its record and key binding are gone.
		NodeRemoved {
			/// The operator.
			node: T::AccountId,
		},
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
			/// Each class's stake-weighted median score, in basis points.
			scores: Vec<u16>,
			/// The share of the committee's stake that revealed.
			participation: Perbill,
		},
		/// A task was judged and no label held the consensus threshold.
		NoConsensus {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
			/// The share of the committee's stake that revealed.
			participation: Perbill,
		},
		/// A task was cancelled with its proposal.
		TaskCancelled {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
		},
		/// A member was slashed for not answering while the committee did, or for an answer
		/// that disagreed with the consensus.
		NodeSlashed {
			/// The operator.
			node: T::AccountId,
			/// The task it missed or answered wrongly.
			task: TaskId,
			/// The amount slashed.
			amount: BalanceOf<T>,
		},
		/// A node's reputation fell below the minimum: it leaves the committees.
		NodeExcluded {
			/// The operator.
			node: T::AccountId,
			/// Its reputation.
			reputation: Perbill,
		},
		/// Governance changed the parameters.
		ParametersSet {
			/// The new parameters.
			parameters: ParametersOf<T>,
		},
		/// Too little of a task's committee revealed to judge it: nobody is scored or slashed,
		/// and the proposal stays pending.
		TaskInconclusive {
			/// The task.
			task: TaskId,
			/// The proposal.
			proposal: ProposalId,
			/// The share of the committee's stake that revealed.
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
		/// The stake is below `min_node_stake`, or unbonding would leave less than it.
		StakeTooLow,
		/// The account cannot hold that much.
		InsufficientBalance,
		/// The operator already runs a node.
		AlreadyRegistered,
		/// The key is bound to another node.
		KeyInUse,
		/// As many nodes are registered as the pallet allows.
		TooManyNodes,
		/// The account runs no node.
		NotRegistered,
		/// The signer is not the key of any node.
		NotInferenceNode,
		/// The amount is zero.
		ZeroAmount,
		/// The node has less stake than that to unbond.
		NotEnoughStake,
		/// The node has as many unbonding chunks as allowed; withdraw first.
		TooManyUnbondingChunks,
		/// No unbonding chunk has unlocked yet.
		NothingToWithdraw,
		/// No open task has this id.
		UnknownTask,
		/// The node is not on this task's committee.
		NotCommitteeMember,
		/// The member has committed already.
		AlreadyCommitted,
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
		/// A window is zero or the task would outlast `MaxTaskDuration`.
		InvalidWindow,
		/// `consensus_threshold` must be above one half.
		InvalidThreshold,
		/// `min_reputation` must be below `initial_reputation`, and `reputation_step` positive.
		InvalidReputation,
		/// `min_node_stake` must be positive.
		InvalidMinStake,
		/// `unbonding_period` must outlast a task.
		InvalidUnbondingPeriod,
		/// Task ids are exhausted.
		TaskIdOverflow,
		/// `min_participation` and `offence_window` must be positive.
		InvalidParticipation,
		/// The node was excluded less than `rejoin_cooldown` blocks ago.
		RejoinTooEarly,
		/// The proof is not the key's signature over (operator, genesis hash).
		InvalidProof,
		/// As many proposals wait for a task as the backlog holds; try again later.
		BacklogFull,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::CommitteeSize => Error::InvalidCommitteeSize,
				InvalidParameter::Window => Error::InvalidWindow,
				InvalidParameter::Threshold => Error::InvalidThreshold,
				InvalidParameter::Reputation => Error::InvalidReputation,
				InvalidParameter::MinStake => Error::InvalidMinStake,
				InvalidParameter::UnbondingPeriod => Error::InvalidUnbondingPeriod,
				InvalidParameter::Participation => Error::InvalidParticipation,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Judges the tasks due in this block, then opens waiting proposals from the backlog,
		/// oldest first, while judgement slots are free: at most `MaxTasksPerBlock` of each.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = DueAt::<T>::take(now);
			let mut weight = T::DbWeight::get().reads_writes(1, 1);
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
				(2..=daollm_primitives::MAX_LABELS).contains(&(T::LabelCount::get() as u32)),
				"LabelCount must be between 2 and MAX_LABELS"
			);
			assert!(T::MaxCommitteeSize::get() > 0, "MaxCommitteeSize must allow a member");
			assert!(T::MaxTasksPerBlock::get() > 0, "MaxTasksPerBlock must allow a task");
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must allow a chunk");
			assert!(
				T::DefaultParameters::get()
					.check(T::MaxCommitteeSize::get(), T::MaxTaskDuration::get())
					.is_ok(),
				"DefaultParameters must pass their own checks"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(now)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register an inference node.
		///
		/// The origin must be _Signed_ by the operator, who holds `stake` (at least
		/// `min_node_stake`) and binds `key`, an sr25519 key of type `infr` that the node's
		/// offchain worker signs commits and reveals with.
		///
		/// - `proof`: the key's proof of possession over [`Pallet::possession_statement`],
		///   SCALE(operator, genesis hash): for sr25519 a signature of `"POP_" ‖ statement`, as
		///   `author_rotateKeysWithOwner` makes it. Nobody can bind a key they do not hold.
		///
		/// A node excluded for low reputation registers again with this call, no earlier than
		/// `rejoin_cooldown` blocks after its exclusion: its reputation comes back to
		/// `min_reputation`, not to `initial_reputation`, and `stake` is added to what it holds.
		/// An operator whose node left with a low reputation resumes it.
		///
		/// Emits `NodeRegistered`. Weight: O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_node())]
		pub fn register_node(
			origin: OriginFor<T>,
			#[pallet::compact] stake: BalanceOf<T>,
			key: T::InferenceKey,
			proof: ProofOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			ensure!(
				key.verify_proof_of_possession(&Self::possession_statement(&operator), &proof),
				Error::<T>::InvalidProof
			);
			Self::do_register(&operator, stake, key)
		}

		/// Add `amount` to the caller's node stake.
		///
		/// The origin must be _Signed_ by a node's operator. Emits `StakeAdded`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_stake())]
		pub fn add_stake(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut node = Nodes::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			T::Currency::hold(&HoldReason::NodeStake.into(), &operator, amount)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			node.stake.saturating_accrue(amount);
			if node.status == NodeStatus::Leaving {
				node.status = NodeStatus::Active;
			}
			Self::store_node(&operator, &node);
			Self::deposit_event(Event::StakeAdded { node: operator, amount });
			Ok(())
		}

		/// Start unbonding `amount` of the caller's node stake.
		///
		/// The origin must be _Signed_ by a node's operator. The amount stays held, and
		/// slashable, for `unbonding_period` blocks; then `withdraw_unbonded` releases it. What
		/// stays bonded must be zero (the node leaves the committees) or at least
		/// `min_node_stake`.
		///
		/// Emits `Unbonded`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let mut node = Nodes::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			ensure!(amount <= node.stake, Error::<T>::NotEnoughStake);
			let params = Params::<T>::get();
			let remaining = node.stake.saturating_sub(amount);
			ensure!(
				remaining.is_zero() || remaining >= params.min_node_stake,
				Error::<T>::StakeTooLow
			);
			let unlocks_at =
				frame_system::Pallet::<T>::block_number().saturating_add(params.unbonding_period);
			node.unbonding
				.try_push(UnbondingChunk { amount, unlocks_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?;
			node.stake = remaining;
			if remaining.is_zero() && node.status == NodeStatus::Active {
				node.status = NodeStatus::Leaving;
			}
			Self::store_node(&operator, &node);
			Self::deposit_event(Event::Unbonded { node: operator, amount, unlocks_at });
			Ok(())
		}

		/// Release the caller's unbonding chunks that have unlocked.
		///
		/// The origin must be _Signed_ by a node's operator. When nothing is bonded or unbonding
		/// afterwards, the node's record and key binding are removed.
		///
		/// Emits `Withdrawn`, and `NodeRemoved` when the node is gone.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let mut node = Nodes::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut amount = BalanceOf::<T>::zero();
			node.unbonding.retain(|chunk| {
				let unlocked = chunk.unlocks_at <= now;
				if unlocked {
					amount.saturating_accrue(chunk.amount);
				}
				!unlocked
			});
			ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
			let released = T::Currency::release(
				&HoldReason::NodeStake.into(),
				&operator,
				amount,
				Precision::BestEffort,
			)?;
			Self::deposit_event(Event::Withdrawn { node: operator.clone(), amount: released });
			if node.stake.is_zero() && node.unbonding.is_empty() {
				Self::remove_node(&operator, &node);
			} else {
				Self::store_node(&operator, &node);
			}
			Ok(())
		}

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
		#[pallet::call_index(4)]
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
		#[pallet::call_index(5)]
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
			if record.reveals as usize >= record.committee.len() {
				Self::judge_early(task, &mut record, now);
			}
			Tasks::<T>::insert(task, record);
			Self::deposit_event(Event::Revealed { task, node, label });
			Ok(Pays::No.into())
		}

		/// Set the inference network's parameters.
		///
		/// The origin must be `GovernanceOrigin`. The parameters must pass
		/// [`Parameters::check`]. They apply to tasks opened from now on, and to stake and
		/// reputation from now on; open tasks keep their windows. Eligibility for committees
		/// is recomputed under the new `min_node_stake`: O(N) in the registered nodes.
		///
		/// Emits `ParametersSet`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_parameters(T::MaxNodes::get()))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: ParametersOf<T>,
		) -> DispatchResultWithPostInfo {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters
				.check(T::MaxCommitteeSize::get(), T::MaxTaskDuration::get())
				.map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			let nodes = Self::rebuild_candidates(parameters.min_node_stake);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(Some(T::WeightInfo::set_parameters(nodes)).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Whether `signer` may commit to `task` now: the node its key belongs to, and the task.
	pub fn check_commit(
		signer: &T::AccountId,
		task: TaskId,
	) -> Result<(T::AccountId, TaskOf<T>), Error<T>> {
		let node = KeyOwner::<T>::get(signer).ok_or(Error::<T>::NotInferenceNode)?;
		let record = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(record.member(&node).is_some(), Error::<T>::NotCommitteeMember);
		ensure!(!Commitments::<T>::contains_key(task, &node), Error::<T>::AlreadyCommitted);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.commit_end, Error::<T>::WindowClosed);
		Ok((node, record))
	}

	/// Whether `signer` may reveal `result` and `salt` for `task` now: the node its key belongs
	/// to, and the task.
	pub fn check_reveal(
		signer: &T::AccountId,
		task: TaskId,
		result: &InferenceResult,
		salt: &Salt,
	) -> Result<(T::AccountId, TaskOf<T>), Error<T>> {
		let node = KeyOwner::<T>::get(signer).ok_or(Error::<T>::NotInferenceNode)?;
		let record = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(record.member(&node).is_some(), Error::<T>::NotCommitteeMember);
		let committed = Commitments::<T>::get(task, &node).ok_or(Error::<T>::NotCommitted)?;
		ensure!(!Reveals::<T>::contains_key(task, &node), Error::<T>::AlreadyRevealed);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.reveal_end, Error::<T>::WindowClosed);
		ensure!(now > record.commit_end || record.all_committed(), Error::<T>::RevealTooEarly);
		ensure!(result.is_well_formed(T::LabelCount::get()), Error::<T>::InvalidResult);
		ensure!(commitment(result, salt, &node) == committed, Error::<T>::RevealMismatch);
		Ok((node, record))
	}

	/// What an operator's `infr` key signs to prove that the operator holds it: SCALE(operator,
	/// genesis hash), so that a proof made for one operator or one chain is worthless for any
	/// other.
	pub fn possession_statement(operator: &T::AccountId) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(operator, genesis).encode()
	}

	/// Registers `operator`'s node with `stake` and `key`, or registers an excluded node again,
	/// without a proof of possession: for genesis and benchmarks. [`Pallet::register_node`]
	/// checks the key's proof, then comes here.
	pub fn do_register(
		operator: &T::AccountId,
		stake: BalanceOf<T>,
		key: T::InferenceKey,
	) -> DispatchResult {
		let params = Params::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		let existing = Nodes::<T>::get(operator);
		let standing = match &existing {
			Some(node) => {
				ensure!(node.status == NodeStatus::Excluded, Error::<T>::AlreadyRegistered);
				Some(Standing { reputation: node.reputation, excluded_at: node.excluded_at })
			},
			None => {
				ensure!(Nodes::<T>::count() < T::MaxNodes::get(), Error::<T>::TooManyNodes);
				FormerNodes::<T>::get(operator)
			},
		};
		if let Some(at) = standing.and_then(|s| s.excluded_at) {
			ensure!(now >= at.saturating_add(params.rejoin_cooldown), Error::<T>::RejoinTooEarly);
		}
		// A node never comes back above where it left, nor below the floor that lets it serve.
		let reputation =
			standing.map_or(params.initial_reputation, |s| s.reputation.max(params.min_reputation));
		let bonded = existing.as_ref().map_or_else(Zero::zero, |n| n.stake);
		ensure!(bonded.saturating_add(stake) >= params.min_node_stake, Error::<T>::StakeTooLow);
		let key_account = T::KeyAccount::convert(key.clone());
		if let Some(owner) = KeyOwner::<T>::get(&key_account) {
			ensure!(owner == *operator, Error::<T>::KeyInUse);
		}
		if !stake.is_zero() {
			T::Currency::hold(&HoldReason::NodeStake.into(), operator, stake)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
		}

		let mut node = existing.unwrap_or_else(|| Node {
			key: key.clone(),
			key_account: key_account.clone(),
			stake: Zero::zero(),
			unbonding: BoundedVec::new(),
			reputation: params.initial_reputation,
			status: NodeStatus::Active,
			registered_at: Zero::zero(),
			stats: NodeStats::default(),
			offence_at: None,
			excluded_at: standing.and_then(|s| s.excluded_at),
		});
		if node.key_account != key_account {
			KeyOwner::<T>::remove(&node.key_account);
		}
		node.key = key.clone();
		node.key_account = key_account.clone();
		node.stake.saturating_accrue(stake);
		node.reputation = reputation;
		node.status = NodeStatus::Active;
		node.registered_at = now;
		KeyOwner::<T>::insert(&key_account, operator);
		FormerNodes::<T>::remove(operator);
		Self::store_node(operator, &node);
		Self::deposit_event(Event::NodeRegistered {
			node: operator.clone(),
			key,
			stake: node.stake,
		});
		Ok(())
	}

	/// The weight a node draws committee seats with: reputation × stake, zero unless active with
	/// at least `min_node_stake`.
	fn draw_weight(node: &NodeOf<T>, min_stake: BalanceOf<T>) -> BalanceOf<T> {
		if node.status == NodeStatus::Active && node.stake >= min_stake {
			node.reputation.mul_floor(node.stake)
		} else {
			Zero::zero()
		}
	}

	/// Stores `node` and brings its entry in [`Candidates`] up to date.
	fn store_node(operator: &T::AccountId, node: &NodeOf<T>) {
		let weight = Self::draw_weight(node, Params::<T>::get().min_node_stake);
		Candidates::<T>::mutate(|candidates| {
			let position = candidates.iter().position(|(who, _)| who == operator);
			match (position, weight.is_zero()) {
				(Some(i), true) => {
					candidates.remove(i);
				},
				(Some(i), false) => {
					if let Some(entry) = candidates.get_mut(i) {
						entry.1 = weight;
					}
				},
				// At most `MaxNodes` nodes exist, so there is room.
				(None, false) => {
					let _ = candidates.try_push((operator.clone(), weight));
				},
				(None, true) => {},
			}
		});
		Nodes::<T>::insert(operator, node);
	}

	/// Recomputes [`Candidates`] from every node under `min_stake`; how many nodes there are.
	fn rebuild_candidates(min_stake: BalanceOf<T>) -> u32 {
		let mut nodes = 0u32;
		let mut candidates = BoundedVec::<_, T::MaxNodes>::new();
		for (operator, node) in Nodes::<T>::iter() {
			nodes.saturating_inc();
			let weight = Self::draw_weight(&node, min_stake);
			if !weight.is_zero() {
				// At most `MaxNodes` nodes exist.
				let _ = candidates.try_push((operator, weight));
			}
		}
		Candidates::<T>::put(candidates);
		nodes
	}

	/// Removes a node that holds nothing any more, remembering its standing if a newcomer's
	/// would be better.
	fn remove_node(operator: &T::AccountId, node: &NodeOf<T>) {
		if node.reputation < Params::<T>::get().initial_reputation || node.excluded_at.is_some() {
			FormerNodes::<T>::insert(
				operator,
				Standing { reputation: node.reputation, excluded_at: node.excluded_at },
			);
		}
		Candidates::<T>::mutate(|c| c.retain(|(who, _)| who != operator));
		KeyOwner::<T>::remove(&node.key_account);
		History::<T>::remove(operator);
		Nodes::<T>::remove(operator);
		Self::deposit_event(Event::NodeRemoved { node: operator.clone() });
	}

	/// The block a task whose reveal window ends at `reveal_end` is judged in: the first block
	/// after it, within [`MAX_DEFERRAL`] more, with room left.
	fn judgement_slot(reveal_end: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		(1..=MAX_DEFERRAL.saturating_add(1))
			.map(|offset| reveal_end.saturating_add(offset.into()))
			.find(|at| {
				DueAt::<T>::decode_len(at).unwrap_or(0) < T::MaxTasksPerBlock::get() as usize
			})
	}

	/// The block an open task is judged in: the one after its reveal window (`open` sets the
	/// window to end just before the judgement slot it found).
	fn due_block(record: &TaskOf<T>) -> BlockNumberFor<T> {
		record.reveal_end.saturating_add(One::one())
	}

	/// Moves a task whose members have all revealed to be judged in the next block, if there is
	/// room there; the reveal window closes now.
	fn judge_early(task: TaskId, record: &mut TaskOf<T>, now: BlockNumberFor<T>) {
		let scheduled = Self::due_block(record);
		let next = now.saturating_add(One::one());
		if scheduled <= next {
			return;
		}
		let moved = DueAt::<T>::mutate(next, |due| due.try_push(task).is_ok());
		if moved {
			DueAt::<T>::mutate(scheduled, |due| due.retain(|t| *t != task));
			record.reveal_end = now;
		}
	}

	/// Opens a task for `proposal`, drawing its committee: the task and its committee's size,
	/// `Ok(Err(None))` when no judgement slot is free (the caller queues it), or why the network
	/// cannot analyse the proposal.
	fn open(
		proposal: ProposalId,
		content_hash: H256,
	) -> Result<Result<(TaskId, u32), Option<Unavailable>>, DispatchError> {
		let Some(model) = T::ActiveModel::active_model() else {
			return Ok(Err(Some(Unavailable::NoActiveModel)));
		};
		let params = Params::<T>::get();
		let candidates = Candidates::<T>::get();
		let weights: Vec<u128> =
			candidates.iter().map(|(_, w)| (*w).unique_saturated_into()).collect();

		let task = NextTaskId::<T>::get();
		let next_task = task.checked_add(1).ok_or(Error::<T>::TaskIdOverflow)?;
		let (seed, _) = T::Randomness::random(&(b"daollm/committee", task).encode());
		let drawn = consensus::draw_committee(&weights, params.committee_size, &seed);
		if drawn.is_empty() {
			return Ok(Err(Some(Unavailable::NoNodes)));
		}

		let now = frame_system::Pallet::<T>::block_number();
		let commit_end = now.saturating_add(params.commit_window);
		let reveal_end = commit_end.saturating_add(params.reveal_window);
		let Some(due) = Self::judgement_slot(reveal_end) else {
			return Ok(Err(None));
		};

		let mut committee = BoundedVec::<_, T::MaxCommitteeSize>::new();
		for index in drawn.iter() {
			let Some((node, _)) = candidates.get(*index) else { continue };
			let stake = Nodes::<T>::get(node).map_or_else(Zero::zero, |n| n.stake);
			// `committee_size` is at most `MaxCommitteeSize`.
			let _ = committee.try_push(Seat { node: node.clone(), stake });
		}
		let members: Vec<T::AccountId> = committee.iter().map(|m| m.node.clone()).collect();
		let size = committee.len() as u32;

		// `judgement_slot` found room in `due`.
		let _ = DueAt::<T>::mutate(due, |tasks| tasks.try_push(task));
		Tasks::<T>::insert(
			task,
			AnalysisTask {
				proposal,
				content_hash,
				model,
				opened_at: now,
				commit_end,
				// A deferred judgement leaves the reveal window open until it.
				reveal_end: due.saturating_sub(One::one()),
				committee,
				commits: 0,
				reveals: 0,
			},
		);
		NextTaskId::<T>::put(next_task);
		TaskOfProposal::<T>::insert(proposal, task);
		Self::deposit_event(Event::TaskOpened {
			task,
			proposal,
			model,
			committee: members,
			commit_end,
			reveal_end: due.saturating_sub(One::one()),
		});
		Ok(Ok((task, size)))
	}

	/// Whether proposals wait in the backlog.
	fn backlog_len() -> u32 {
		let (head, tail) = BacklogBounds::<T>::get();
		tail.wrapping_sub(head)
	}

	/// Puts `proposal` at the end of the backlog; how many wait ahead of it.
	fn enqueue(proposal: ProposalId, content_hash: H256) -> Result<u32, DispatchError> {
		let (head, tail) = BacklogBounds::<T>::get();
		let ahead = tail.wrapping_sub(head);
		ensure!(ahead < T::MaxBacklog::get(), Error::<T>::BacklogFull);
		Backlog::<T>::insert(tail, QueuedProposal { proposal, content_hash });
		Queued::<T>::insert(proposal, tail);
		BacklogBounds::<T>::put((head, tail.wrapping_add(1)));
		Self::deposit_event(Event::TaskQueued { proposal, ahead });
		Ok(ahead)
	}

	/// Opens tasks for waiting proposals, oldest first, while judgement slots are free: at most
	/// `MaxTasksPerBlock` tasks, looking at most twice as many positions (gaps left by
	/// withdrawals included). Returns the weight used.
	fn open_backlog() -> Weight {
		let db = T::DbWeight::get();
		let (mut head, tail) = BacklogBounds::<T>::get();
		let mut weight = db.reads(1);
		if head == tail {
			return weight;
		}
		let open_weight = <Self as InferenceTasks>::open_task_weight();
		let (mut opened, mut looked) = (0u32, 0u32);
		let max = T::MaxTasksPerBlock::get();
		while head != tail && opened < max && looked < max.saturating_mul(2) {
			looked.saturating_inc();
			weight.saturating_accrue(db.reads_writes(1, 2));
			let Some(entry) = Backlog::<T>::get(head) else {
				head = head.wrapping_add(1);
				continue;
			};
			weight.saturating_accrue(open_weight);
			match Self::open(entry.proposal, entry.content_hash) {
				Ok(Ok(_)) => {
					opened.saturating_inc();
					Backlog::<T>::remove(head);
					Queued::<T>::remove(entry.proposal);
					head = head.wrapping_add(1);
				},
				// No slot free yet, no model, no nodes, or no task ids: it waits, and so does
				// everything behind it.
				_ => break,
			}
		}
		BacklogBounds::<T>::put((head, tail));
		weight
	}

	/// Judges task `task`: aggregates its reveals, scores its members, stores its result.
	/// Returns the weight used.
	pub(crate) fn finalize(task: TaskId, now: BlockNumberFor<T>) -> Weight {
		let Some(record) = Tasks::<T>::take(task) else {
			return T::DbWeight::get().reads(1);
		};
		let params = Params::<T>::get();
		let size = record.committee.len() as u32;

		let mut answers: Vec<(u128, Option<InferenceResult>)> =
			Vec::with_capacity(record.committee.len());
		let (mut committee_stake, mut revealed_stake) = (0u128, 0u128);
		for member in record.committee.iter() {
			let stake: u128 = member.stake.unique_saturated_into();
			committee_stake.saturating_accrue(stake);
			let reveal = Reveals::<T>::take(task, &member.node);
			if reveal.is_some() {
				revealed_stake.saturating_accrue(stake);
			}
			answers.push((stake, reveal));
		}
		let _ = Commitments::<T>::clear_prefix(task, size, None);

		let revealed: Vec<(u128, &InferenceResult)> =
			answers.iter().filter_map(|(s, r)| r.as_ref().map(|r| (*s, r))).collect();
		let verdict = consensus::aggregate(
			&revealed,
			committee_stake,
			&record.model,
			T::LabelCount::get(),
			consensus::Rule {
				threshold: params.consensus_threshold,
				min_participation: params.min_participation,
			},
		);
		let participation = if committee_stake == 0 {
			Perbill::zero()
		} else {
			Perbill::from_rational(revealed_stake, committee_stake)
		};

		for (member, (_, answer)) in record.committee.iter().zip(answers.iter()) {
			let outcome = match (answer, &verdict) {
				// Too few answered for anyone to be judged: silence is not singled out.
				(_, Verdict::Inconclusive) => MemberOutcome::Inconclusive,
				(None, _) => MemberOutcome::Missed,
				(Some(_), Verdict::NoConsensus) => MemberOutcome::Inconclusive,
				(Some(r), Verdict::Consensus { label, .. })
					if r.label == *label && r.model == record.model =>
				{
					MemberOutcome::Agreed
				},
				(Some(_), Verdict::Consensus { .. }) => MemberOutcome::Disagreed,
			};
			Self::score_member(task, &member.node, outcome, &params, now);
		}

		let outcome = match verdict {
			Verdict::Consensus { label, scores } => {
				T::OnAnalysed::on_analysed(record.proposal, label);
				Self::deposit_event(Event::TaskFinalized {
					task,
					proposal: record.proposal,
					label,
					scores: scores.to_vec(),
					participation,
				});
				Outcome::Consensus { label, scores }
			},
			Verdict::NoConsensus => {
				Self::deposit_event(Event::NoConsensus {
					task,
					proposal: record.proposal,
					participation,
				});
				Outcome::NoConsensus
			},
			Verdict::Inconclusive => {
				Self::deposit_event(Event::TaskInconclusive {
					task,
					proposal: record.proposal,
					participation,
				});
				Outcome::Inconclusive
			},
		};
		let analysed = match &outcome {
			Outcome::Consensus { .. } => T::OnAnalysed::on_analysed_weight(),
			Outcome::NoConsensus | Outcome::Inconclusive => Weight::zero(),
		};
		Results::<T>::insert(
			task,
			TaskResult {
				proposal: record.proposal,
				model: record.model,
				outcome,
				participation,
				committee_size: size,
				finalized_at: now,
			},
		);
		T::WeightInfo::finalize_task(size).saturating_add(analysed)
	}

	/// Applies one member's outcome: reputation, stats, points, slash, exclusion, history.
	fn score_member(
		task: TaskId,
		operator: &T::AccountId,
		outcome: MemberOutcome,
		params: &ParametersOf<T>,
		now: BlockNumberFor<T>,
	) {
		// A node that withdrew everything since it was drawn has nothing left to judge, and no
		// history to keep.
		let Some(mut node) = Nodes::<T>::get(operator) else { return };
		History::<T>::mutate(operator, |history| {
			if history.is_full() {
				history.remove(0);
			}
			let _ = history.try_push(HistoryEntry { task, outcome, at: now });
		});
		node.stats.tasks.saturating_inc();
		let step = params.reputation_step;
		match outcome {
			MemberOutcome::Agreed => {
				node.stats.agreed.saturating_inc();
				node.reputation =
					node.reputation.saturating_add(step * node.reputation.left_from_one());
				T::RewardPoints::reward(operator, Contribution::Inference, params.inference_points);
			},
			MemberOutcome::Disagreed => {
				node.stats.disagreed.saturating_inc();
				node.reputation = node.reputation.saturating_sub(step * node.reputation);
				Self::punish(task, operator, &mut node, params.disagreement_slash, params, now);
			},
			MemberOutcome::Missed => {
				node.stats.missed.saturating_inc();
				node.reputation = node.reputation.saturating_sub(step * node.reputation);
				Self::punish(task, operator, &mut node, params.slash_fraction, params, now);
			},
			MemberOutcome::Inconclusive => {},
		}
		if node.status == NodeStatus::Active && node.reputation < params.min_reputation {
			node.status = NodeStatus::Excluded;
			node.excluded_at = Some(now);
			Self::deposit_event(Event::NodeExcluded {
				node: operator.clone(),
				reputation: node.reputation,
			});
		}
		Self::store_node(operator, &node);
	}

	/// Slashes `fraction` of what `node` holds for an offence in `task`, unless it was slashed
	/// less than `offence_window` blocks ago: every seat of one outage is one offence.
	fn punish(
		task: TaskId,
		operator: &T::AccountId,
		node: &mut NodeOf<T>,
		fraction: Perbill,
		params: &ParametersOf<T>,
		now: BlockNumberFor<T>,
	) {
		if node.offence_at.is_some_and(|at| now < at.saturating_add(params.offence_window)) {
			return;
		}
		let amount = Self::slash(operator, node, fraction);
		if amount.is_zero() {
			return;
		}
		node.offence_at = Some(now);
		node.stats.slashed.saturating_accrue(amount);
		Self::deposit_event(Event::NodeSlashed { node: operator.clone(), task, amount });
	}

	/// Slashes `fraction` of everything `node` holds, bonded stake first, then the newest
	/// unbonding chunks; returns the amount slashed.
	fn slash(operator: &T::AccountId, node: &mut NodeOf<T>, fraction: Perbill) -> BalanceOf<T> {
		let due = fraction.mul_floor(node.total_held());
		if due.is_zero() {
			return due;
		}
		let (credit, _missing) = <T::Currency as fungible::BalancedHold<_>>::slash(
			&HoldReason::NodeStake.into(),
			operator,
			due,
		);
		let slashed = credit.peek();
		T::Slash::on_unbalanced(credit);

		let mut left = slashed;
		let from_stake = left.min(node.stake);
		node.stake.saturating_reduce(from_stake);
		left.saturating_reduce(from_stake);
		for chunk in node.unbonding.iter_mut().rev() {
			let from_chunk = left.min(chunk.amount);
			chunk.amount.saturating_reduce(from_chunk);
			left.saturating_reduce(from_chunk);
		}
		node.unbonding.retain(|c| !c.amount.is_zero());
		if node.stake.is_zero() && node.status == NodeStatus::Active {
			node.status = NodeStatus::Leaving;
		}
		slashed
	}

	/// Cancels the open task of `proposal`, or takes it out of the backlog; whether there was
	/// either.
	fn cancel(proposal: ProposalId) -> bool {
		if let Some(position) = Queued::<T>::take(proposal) {
			Backlog::<T>::remove(position);
			Self::deposit_event(Event::QueuedTaskCancelled { proposal });
			return true;
		}
		let Some(task) = TaskOfProposal::<T>::get(proposal) else { return false };
		let Some(record) = Tasks::<T>::take(task) else { return false };
		let size = record.committee.len() as u32;
		let _ = Commitments::<T>::clear_prefix(task, size, None);
		let _ = Reveals::<T>::clear_prefix(task, size, None);
		DueAt::<T>::mutate(Self::due_block(&record), |due| due.retain(|t| *t != task));
		TaskOfProposal::<T>::remove(proposal);
		Self::deposit_event(Event::TaskCancelled { task, proposal });
		true
	}

	/// Task `id`, open or judged.
	pub fn task_details(
		id: TaskId,
	) -> Option<TaskDetails<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		if let Some(task) = Tasks::<T>::get(id) {
			return Some(TaskDetails {
				id,
				proposal: task.proposal,
				status: TaskStatus::Open {
					model: task.model,
					opened_at: task.opened_at,
					commit_end: task.commit_end,
					reveal_end: task.reveal_end,
					committee: task.committee.into_inner(),
					commits: task.commits,
					reveals: task.reveals,
				},
			});
		}
		Results::<T>::get(id).map(|result| TaskDetails {
			id,
			proposal: result.proposal,
			status: TaskStatus::Judged(result),
		})
	}

	/// Node `operator` with its recent history.
	pub fn node_details(
		operator: T::AccountId,
	) -> Option<NodeDetails<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		Nodes::<T>::get(&operator).map(|node| Self::details(operator, node))
	}

	fn details(
		operator: T::AccountId,
		node: NodeOf<T>,
	) -> NodeDetails<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> {
		NodeDetails {
			history: History::<T>::get(&operator).into_inner(),
			operator,
			key_account: node.key_account,
			stake: node.stake,
			unbonding: node.unbonding.into_inner(),
			reputation: node.reputation,
			status: node.status,
			registered_at: node.registered_at,
			stats: node.stats,
		}
	}

	/// Up to `limit` nodes by reputation, then stake, highest first. O(N log N) in the
	/// registered nodes (at most `MaxNodes`): for clients, not for extrinsics.
	pub fn leaderboard(
		limit: u32,
	) -> Vec<NodeDetails<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let mut nodes: Vec<(T::AccountId, NodeOf<T>)> = Nodes::<T>::iter().collect();
		nodes.sort_by(|(_, a), (_, b)| {
			b.reputation.cmp(&a.reputation).then_with(|| b.stake.cmp(&a.stake))
		});
		nodes
			.into_iter()
			.take(limit as usize)
			.map(|(operator, node)| Self::details(operator, node))
			.collect()
	}

	/// The pallet's invariants:
	/// - each node holds exactly its stake plus its unbonding chunks; the counter matches;
	/// - key bindings and nodes correspond one to one;
	/// - candidates are exactly the eligible nodes, with their current draw weight;
	/// - every open task has a committee, is due in exactly one block not yet past, and its
	///   commit and reveal counts match storage.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;
		let params = Params::<T>::get();
		let candidates = Candidates::<T>::get();
		let mut count = 0u32;
		for (operator, node) in Nodes::<T>::iter() {
			count += 1;
			let held = T::Currency::balance_on_hold(&HoldReason::NodeStake.into(), &operator);
			ensure!(held == node.total_held(), "a node's hold differs from its stake");
			ensure!(
				KeyOwner::<T>::get(&node.key_account).as_ref() == Some(&operator),
				"a node's key is not bound to it"
			);
			let weight = Self::draw_weight(&node, params.min_node_stake);
			let listed = candidates.iter().find(|(who, _)| *who == operator);
			match listed {
				Some((_, w)) => ensure!(*w == weight && !w.is_zero(), "a candidate weight is off"),
				None => ensure!(weight.is_zero(), "an eligible node is not a candidate"),
			}
		}
		ensure!(count == Nodes::<T>::count(), "Nodes counter is off");
		ensure!(KeyOwner::<T>::iter().count() as u32 == count, "a key binding has no node");

		let mut open = 0u32;
		for (id, task) in Tasks::<T>::iter() {
			open += 1;
			ensure!(!task.committee.is_empty(), "an open task has no committee");
			ensure!(task.reveal_end >= now, "an open task is past its judgement block");
			let due = DueAt::<T>::iter().filter(|(_, tasks)| tasks.contains(&id)).count();
			ensure!(due == 1, "an open task is not due in exactly one block");
			ensure!(
				DueAt::<T>::get(Self::due_block(&task)).contains(&id),
				"an open task is not due right after its reveal window"
			);
			ensure!(
				Commitments::<T>::iter_prefix(id).count() as u32 == task.commits,
				"a task's commit count is off"
			);
			ensure!(
				Reveals::<T>::iter_prefix(id).count() as u32 == task.reveals,
				"a task's reveal count is off"
			);
		}
		ensure!(open == Tasks::<T>::count(), "Tasks counter is off");

		// The backlog: bounded, every entry inside the bounds and indexed, in submission order.
		let (head, tail) = BacklogBounds::<T>::get();
		let len = tail.wrapping_sub(head);
		ensure!(len <= T::MaxBacklog::get(), "the backlog is longer than MaxBacklog");
		let mut waiting = 0u32;
		let mut last: Option<ProposalId> = None;
		for offset in 0..len {
			let position = head.wrapping_add(offset);
			let Some(entry) = Backlog::<T>::get(position) else { continue };
			waiting += 1;
			ensure!(
				Queued::<T>::get(entry.proposal) == Some(position),
				"a backlog entry is not indexed"
			);
			ensure!(
				!TaskOfProposal::<T>::contains_key(entry.proposal),
				"a waiting proposal has a task"
			);
			ensure!(last.is_none_or(|l| l < entry.proposal), "the backlog is out of order");
			last = Some(entry.proposal);
		}
		ensure!(Backlog::<T>::iter().count() as u32 == waiting, "a backlog entry is out of bounds");
		ensure!(
			Queued::<T>::iter().count() as u32 == waiting,
			"an index entry has no backlog entry"
		);
		ensure!(
			Nodes::<T>::iter_keys().all(|n| !FormerNodes::<T>::contains_key(n)),
			"a registered node is also a former node"
		);
		Ok(())
	}
}

impl<T: Config> ComputeNodes<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn draw(seed: &H256, count: u32) -> Vec<(T::AccountId, BalanceOf<T>)> {
		let candidates = Candidates::<T>::get();
		let weights: Vec<u128> =
			candidates.iter().map(|(_, w)| (*w).unique_saturated_into()).collect();
		consensus::draw_committee(&weights, count, seed)
			.into_iter()
			.filter_map(|index| candidates.get(index))
			.map(|(node, _)| {
				let stake = Nodes::<T>::get(node).map_or_else(Zero::zero, |n| n.stake);
				(node.clone(), stake)
			})
			.collect()
	}

	fn node_of_key(key: &T::AccountId) -> Option<T::AccountId> {
		KeyOwner::<T>::get(key)
	}
}

impl<T: Config> InferenceTasks for Pallet<T> {
	fn open_task(proposal: ProposalId, content_hash: H256) -> Result<Weight, DispatchError> {
		let nodes = Candidates::<T>::decode_len().unwrap_or(0) as u32;
		// First come, first served: while proposals wait, new ones wait behind them.
		if Self::backlog_len() > 0 {
			Self::enqueue(proposal, content_hash)?;
			return Ok(T::WeightInfo::open_task(nodes, 0));
		}
		match Self::open(proposal, content_hash)? {
			Ok((_, size)) => Ok(T::WeightInfo::open_task(nodes, size)),
			Err(None) => {
				Self::enqueue(proposal, content_hash)?;
				Ok(T::WeightInfo::open_task(nodes, 0))
			},
			Err(Some(reason)) => {
				Self::deposit_event(Event::AnalysisUnavailable { proposal, reason });
				Ok(T::WeightInfo::open_task(nodes, 0))
			},
		}
	}

	fn open_task_weight() -> Weight {
		T::WeightInfo::open_task(T::MaxNodes::get(), T::MaxCommitteeSize::get())
	}

	fn cancel_task(proposal: ProposalId) -> Weight {
		Self::cancel(proposal);
		Self::cancel_task_weight()
	}

	fn cancel_task_weight() -> Weight {
		T::WeightInfo::cancel_task(T::MaxCommitteeSize::get())
	}
}
