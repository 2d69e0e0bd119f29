//! # Training Pallet
//!
//! Federated training rounds that improve the analysis model from the verified annotations.
//!
//! ## Overview
//!
//! [`Config::RoundOrigin`] opens a **round** ([`Pallet::open_round`]): a base model version,
//! a dataset (the verified annotations of the proposals pallet, [`DatasetSelector`]), a deadline
//! and the reward points the round pays its trainers. The round keeps a snapshot of the example
//! ids; the first later block authored by someone other than the opening block's author draws
//! `trainers` **trainers** from the network's staked nodes ([`Config::Nodes`], the inference
//! nodes: same stake, same `infr` key), each weighing its stake times its reputation, seeded by
//! that block's VRF output ([`Config::Randomness`]): a round opened in a block known a day ahead
//! (a referendum's enactment) is drawn from a seed nobody knew then.
//!
//! ## Terminology
//!
//! - **Round**: one training of one base version on one snapshot of verified examples
//!   ([`Round`]), identified by a [`RoundId`].
//! - **Trainer**: a drawn node that trains the base's linear layer and commits an **update**
//!   ([`ModelUpdate`]): the new layer's weights in fixed point.
//! - **Held back**: the slice of a round's examples no trainer trains on, kept to validate the
//!   candidate.
//! - **Aggregator**: a drawn node that builds the new model from the committed updates by the
//!   round's robust rule, evaluates it, and commits and reveals its answer
//!   ([`AggregateAnswer`]).
//! - **Candidate**: the agreed model, registered as the next version for governance to
//!   activate; **forgetting** when it does worse than its base on the reference examples.
//!
//! ## Lifecycle
//!
//! Drawing → Training → Aggregating (commit, then reveal) → Closed, with one [`Outcome`]:
//!
//! 1. **Training** (until the round's `commit_deadline`): each trainer's offchain worker trains
//!    the base model's linear layer on **all** of the round's examples but the **held-back**
//!    slice (the plan's `validation_percent` of them, chosen by the round's seed:
//!    [`Round::held_back`]), with the round's seed ([`Round::training_seed`], from the VRF
//!    output of the block that drew the trainers: nobody knows which examples are held back
//!    while the referendum that opens the round runs, when the round's examples could still be
//!    annotated) and the plan's method (a native host function: a few epochs of SGD, replaying
//!    the model's reference examples so it keeps what it knew; see `daollm-inference-engine`),
//!    clips it to the plan's `max_value` and submits [`Pallet::commit_update`] with a
//!    **commitment** to it ([`update_commitment`]: the update's hash bound to the trainer) and
//!    its sample count. **Publishing** (the last `commit_window` blocks up to the deadline):
//!    each trainer submits [`Pallet::publish_update`] with the bytes it committed to. Nobody
//!    sees an update while commitments can be made, so a node without an engine cannot send
//!    another trainer's update as its own. The chain refuses an update that does not match its
//!    commitment, of another shape than the base version's layer as the registry records it
//!    ([`Round::shape`]) or with a value beyond `max_value`, keeps the update's hash, and puts
//!    the bytes in every node's offchain index, under their hash, where aggregators read them.
//!    Training is replicated, not partitioned: the examples are public on chain anyway, a
//!    round's few hundred of them train in seconds, and honest trainers send the same update,
//!    so the robust rule keeps it whole and a poisoned update is the odd one out at every
//!    coordinate. (Partitions of a few examples each gave updates that the coordinate-wise trim
//!    mostly threw away: a feature seen by one trainer is an outlier at its coordinate.)
//! 2. **Aggregation**: after the deadline, if at least `min_updates` trainers published,
//!    `aggregators` **aggregators** are drawn the same way, by a block whose author did not
//!    author the deadline block (the last to add updates). Each builds the new model
//!    deterministically (fixed-point FedAvg weighted by sample count, with the round's robust
//!    rule: coordinate-wise trimmed mean or median, trimming a share of the *drawn* trainers;
//!    see [`daollm_primitives::training`]), measures each kept update's contribution,
//!    **evaluates** the new model beside its base on the held-back examples and on the base's
//!    reference examples (a few of every DAO and label it was trained on: forgetting shows
//!    there) — a [`CandidateEvaluation`] of exact counts — and commits to `(model sha256, kept,
//!    contributions, evaluation)` ([`Pallet::commit_aggregate`]), then reveals it
//!    ([`Pallet::reveal_aggregate`]).
//! 3. **Outcome**: after the reveal window (or the last reveal), the round is decided by the
//!    chain's one committee rule ([`daollm_primitives::threshold::Quorum`]): at least
//!    `min_participation` of the drawn aggregators' seats must have revealed, and the answer
//!    with the most revealed seats must hold `agreement` of them. Aggregator seats are drawn
//!    with replacement by stake times reputation, so a large node may win several, but each
//!    seat is one vote: stake buys seats, never a heavier vote. Its model is registered as the
//!    next version of the round's model ([`Config::Models`]) — a **candidate** that governance
//!    may activate — with its agreed evaluation, and marked as **forgetting** when it labels
//!    more of the reference examples wrong than its base by over [`Config::ForgettingTolerance`]
//!    ([`CandidateEvaluation::forgets`]): voters see whether it is better before they vote.
//!
//! ## Calls
//!
//! - `open_round(model, base_version, dataset, deadline, reward)`: [`Config::RoundOrigin`] (the
//!   `models` track). Weight: O(X + T) in the dataset's examples and the trainers drawn.
//! - `commit_update(round, commitment, samples)`: signed by a drawn trainer's `infr` key, up to
//!   the round's `commit_deadline`; free when it succeeds. Weight: O(1).
//! - `publish_update(round, update)`: signed by a trainer that committed, after the
//!   `commit_deadline` and up to the deadline; free when it succeeds. Weight: O(U) in the
//!   update's bytes (decoded and checked).
//! - `commit_aggregate(round, commitment)`: signed by a drawn aggregator's key; free. Weight:
//!   O(1).
//! - `reveal_aggregate(round, model, kept, contributions, evaluation, salt)`: signed by an
//!   aggregator that committed; free. Weight: O(T) in the trainers (the kept flags).
//! - `excuse(round)`: signed by a drawn trainer (before its update) or aggregator (before its
//!   commit) whose node lacks the step's inputs; free. Weight: O(1).
//!
//! The five seat calls are free up front (`feeless_if`: the runtime's `SkipCheckIfFeeless`
//! charges nothing when the call will succeed) and pass through [`CheckTrainingSeat`], which
//! refuses in the pool what would fail, ranks the rest at [`Config::SeatPriority`] above any
//! tip, and keeps one pool entry per seat and step: filling blocks with paying transactions
//! during a round's windows keeps no seat out.
//! - `set_parameters(parameters)`: [`Config::GovernanceOrigin`]. Weight: O(1).
//!
//! ## Hooks
//!
//! - `on_initialize`: advances each of the at most `MaxLiveRounds` live rounds one phase when
//!   its block comes (draws trainers, fixes the last updates, draws aggregators, decides);
//!   one read when no round is live. Weight: O(R · (T + A)), each step benchmarked.
//! - `offchain_worker`: the trainers' and aggregators' steps ([`offchain`]), and building the
//!   candidates of recent rounds.
//! - `integrity_test`: the default parameters pass their checks; `ResendAfter` is no shorter
//!   than a worker transaction's lifetime.
//! - `try_state`: the invariants below.
//!
//! ## Cross-pallet contract
//!
//! Downward, through [`daollm_primitives::traits`]: [`Config::Nodes`] ([`ComputeNodes`]: draw
//! trainers and aggregators, tell a node from its key, record each seat's outcome),
//! [`Config::Models`] ([`ModelVersions`]: a base version's hash and layer shape, register the
//! candidate), [`Config::TrainingData`] ([`TrainingData`]: the verified examples),
//! [`Config::RewardPoints`] ([`RewardPoints`]) and [`Config::Randomness`] (the draws' seed).
//! None of these traits carries weight functions: each is benchmarked inside the call or hook
//! that uses it. Upward: none; clients read [`Rounds`] and [`Outcomes`] from storage.
//!
//! ## Economics
//!
//! - **Who gains.** The round's `reward` points (set by the referendum that opened it) go to
//!   the trainers whose updates were kept, in proportion to `samples × contribution`, where the
//!   contribution is how much of the aggregate the update carries, capped at all of it: a zero
//!   update, or one against the aggregate, earns nothing, and inflating an update gains
//!   nothing. Each distinct update is paid once: trainers that published the same bytes (honest
//!   training is replicated, so honest trainers do) share its contribution, so copies never
//!   outweigh a distinct update. Copying another trainer's update is impossible anyway: updates
//!   are committed to blind and published after the commitments close. Aggregators whose answer
//!   won earn `aggregator_points` each. Points are paid per epoch by [`Config::RewardPoints`].
//! - **Who pays.** Through the compute-node registry ([`Config::Nodes`], whose offence window
//!   caps it at one slash per window): a drawn trainer that published nothing while the round
//!   had its `min_updates` is judged `Missed` (one that committed and withheld its update too); an aggregator that revealed nothing in a round
//!   that was decided or split is `Missed`, and one that revealed an answer other than the
//!   winner (which honest nodes build byte for byte) is `Disagreed`. A seat whose node said in
//!   time that it lacks the step's inputs ([`Pallet::excuse`]) is `Excused`: reputation down as
//!   for a miss, no slash, up to the registry's excuse budget. Each loses reputation and
//!   the registry's small slash. When too little revealed or committed for anyone to be
//!   judged, nobody is: silence is not singled out during an outage.
//! - **Why many accounts gain nothing.** Seats are drawn by stake times reputation, so splitting
//!   stake across accounts buys no more seats; a trainer's share is its samples (bounded by the
//!   round's examples) times its contribution, so splitting an update across accounts earns no more in
//!   all (`shares` property test); trimming is a share of the drawn seats, so staying silent
//!   to shrink it does not work; and one aggregator cannot decide a round alone.
//!
//! Every node with an engine rebuilds a candidate from the same updates (the build is
//! deterministic, so it gets the same file) and can run it once governance activates it.
//!
//! Honest trainers and aggregators pay no fees for their transactions.
//!
//! ## Invariants (`try_state`)
//!
//! Live rounds are open and unique; a round's counters match its stored updates, commitments and
//! reveals; every revealed answer has one kept flag and one contribution per committed update,
//! and credits no update it did not keep, and scores no more examples right than it scored; no
//! closed round is live, and every closed round has an outcome.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod extension;
#[cfg(test)]
mod mock;
pub mod offchain;
mod rounds;
mod seats;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use extension::CheckTrainingSeat;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use daollm_primitives::traits::DrawRandomness as _;
use daollm_primitives::{
	threshold::{Decision, Quorum},
	training::{aggregate_commitment, shares, update_commitment, ModelUpdate},
	traits::{
		ComputeNodes, Contribution, MemberOutcome, ModelVersions, RewardPoints, TrainingData, Work,
	},
	ModelId, ModelVersion, ProposalId,
};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::{
	traits::{AtLeast32BitUnsigned, Saturating},
	Perbill,
};

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BlockNumberFor<T>>;

/// A round as this runtime stores it.
pub type RoundOf<T> = Round<
	<T as frame_system::Config>::AccountId,
	<T as Config>::Balance,
	BlockNumberFor<T>,
	<T as Config>::MaxExamples,
	<T as Config>::MaxTrainers,
	<T as Config>::MaxAggregators,
>;

/// Up to `S` drawn seats (trainers or aggregators), with their stake when drawn.
pub type SeatsOf<T, S> =
	BoundedVec<Seat<<T as frame_system::Config>::AccountId, <T as Config>::Balance>, S>;

/// An aggregator's answer as this runtime stores it.
pub type AnswerOf<T> = AggregateAnswer<<T as Config>::MaxTrainers>;

/// The offchain-index key under which the bytes of the update with blake2b-256 `hash` are kept.
///
/// Keyed by the bytes' own hash, not by round and trainer : a block of a losing fork that carried another update of the same trainer indexes
/// it under another key, so it can never stand in for the update the canonical chain committed;
/// the aggregator still checks the bytes against the committed hash before using them.
pub fn update_key(hash: &H256) -> Vec<u8> {
	[&b"daollm/training/update/"[..], hash.as_bytes()].concat()
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		// Runtime types.

		/// The nodes' stake, as [`Config::Nodes`] reports it.
		type Balance: Parameter + MaxEncodedLen + AtLeast32BitUnsigned + Copy;

		/// The key offchain workers sign trainers' and aggregators' transactions with.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		// Other pallets.

		/// The staked nodes that train and aggregate, and the keys they sign with.
		type Nodes: ComputeNodes<Self::AccountId, Self::Balance>;

		/// The model registry: base versions are read from it, candidates registered in it.
		type Models: ModelVersions;

		/// The verified annotations.
		type TrainingData: TrainingData;

		/// Credits reward points to trainers and aggregators.
		type RewardPoints: RewardPoints<Self::AccountId>;

		/// Seeds the draws of trainers and aggregators with a later block's VRF output, and
		/// names who authored each block.
		type Randomness: daollm_primitives::traits::DrawRandomness;

		// Origins.

		/// The origin that opens rounds: in the runtime, the `models` track's.
		type RoundOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin that sets the parameters: in the runtime, the `parameters` track's.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// The most examples a round trains on (and the widest dataset range).
		#[pallet::constant]
		type MaxExamples: Get<u32>;

		/// The most trainers a round seats.
		#[pallet::constant]
		type MaxTrainers: Get<u32>;

		/// The most aggregators a round seats.
		#[pallet::constant]
		type MaxAggregators: Get<u32>;

		/// The largest update, in bytes (SCALE-encoded).
		#[pallet::constant]
		type MaxUpdateLen: Get<u32>;

		/// The most rounds running at once.
		#[pallet::constant]
		type MaxLiveRounds: Get<u32>;

		/// The longest a round's training phase may last, in blocks.
		#[pallet::constant]
		type MaxTrainingPeriod: Get<BlockNumberFor<Self>>;

		/// The longest commit or reveal window the parameters may ask for: with
		/// `MaxTrainingPeriod` it bounds how long a drawn seat waits for its judgement, which
		/// the compute-node registry's unbonding period must outlast.
		#[pallet::constant]
		type MaxAggregationWindow: Get<BlockNumberFor<Self>>;

		/// The share of the reference examples a candidate may label wrong beyond its base's
		/// errors before it is registered as forgetting what the base knew.
		#[pallet::constant]
		type ForgettingTolerance: Get<Perbill>;

		/// Blocks the offchain worker gives a transaction it sent to land before it sends it
		/// again (an update, commitment or reveal lost in a dropped block or pool). No less than
		/// [`daollm_primitives::offchain::LIFETIME`], after which the first attempt is dead in
		/// every pool, so that a resend never meets it (`integrity_test` checks).
		#[pallet::constant]
		type ResendAfter: Get<u32>;

		/// The transaction-pool priority of a drawn trainer's update and a drawn aggregator's
		/// commit and reveal that will succeed (see [`CheckTrainingSeat`]): above any tip's, so
		/// that no flood of paying transactions keeps a seat from answering in time.
		#[pallet::constant]
		type SeatPriority: Get<sp_runtime::transaction_validity::TransactionPriority>;

		// Governable parameters.

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Sets up what the benchmarks need from the rest of the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The pallet's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// The id the next round gets.
	#[pallet::storage]
	pub type NextRoundId<T> = StorageValue<_, RoundId, ValueQuery>;

	/// Every round, by id.
	#[pallet::storage]
	pub type Rounds<T: Config> = StorageMap<_, Twox64Concat, RoundId, RoundOf<T>>;

	/// The rounds that are training or aggregating, oldest first.
	#[pallet::storage]
	pub type LiveRounds<T: Config> =
		StorageValue<_, BoundedVec<RoundId, T::MaxLiveRounds>, ValueQuery>;

	/// Committed updates, by round and trainer.
	#[pallet::storage]
	pub type Updates<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RoundId, Blake2_128Concat, T::AccountId, UpdateRecord>;

	/// Aggregators' commitments, by round and aggregator.
	#[pallet::storage]
	pub type AggregateCommitments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RoundId, Blake2_128Concat, T::AccountId, H256>;

	/// Aggregators' revealed answers, by round and aggregator.
	#[pallet::storage]
	pub type AggregateReveals<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RoundId, Blake2_128Concat, T::AccountId, AnswerOf<T>>;

	/// Seats whose node excused itself from a step (a trainer's update, an aggregator's commit):
	/// it lacked the step's inputs. By round, and node and step (a node may hold both seats).
	#[pallet::storage]
	pub type Excuses<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RoundId, Blake2_128Concat, (T::AccountId, SeatStep), ()>;

	/// How each closed round ended.
	#[pallet::storage]
	pub type Outcomes<T: Config> = StorageMap<_, Twox64Concat, RoundId, Outcome>;

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
				assert!(
					params
						.check(
							T::MaxTrainers::get(),
							T::MaxAggregators::get(),
							T::MaxAggregationWindow::get()
						)
						.is_ok(),
					"invalid genesis training parameters"
				);
				Params::<T>::put(params);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A round opened: its trainers train until `deadline`.
		RoundOpened {
			/// The round.
			round: RoundId,
			/// The model trained.
			model: ModelId,
			/// The version training starts from.
			base_version: ModelVersion,
			/// How many verified examples it trains on.
			examples: u32,
			/// The last block for updates.
			deadline: BlockNumberFor<T>,
		},
		/// A round's trainers were drawn, from the VRF output of a block after it opened.
		TrainersDrawn {
			/// The round.
			round: RoundId,
			/// The trainers, in the order they were drawn.
			trainers: Vec<T::AccountId>,
		},
		/// A trainer committed to an update (its bytes follow after the commitments close).
		UpdateCommitted {
			/// The round.
			round: RoundId,
			/// The trainer (node operator).
			trainer: T::AccountId,
			/// The examples it trained on.
			samples: u32,
		},
		/// A trainer published the update it committed to.
		UpdatePublished {
			/// The round.
			round: RoundId,
			/// The trainer (node operator).
			trainer: T::AccountId,
			/// blake2b-256 of the update's bytes.
			update_hash: H256,
		},
		/// Training ended; the aggregators build the new model.
		AggregationStarted {
			/// The round.
			round: RoundId,
			/// The aggregators.
			aggregators: Vec<T::AccountId>,
			/// The last block for commitments.
			commit_end: BlockNumberFor<T>,
			/// The last block for reveals.
			reveal_end: BlockNumberFor<T>,
		},
		/// An aggregator committed to its answer.
		AggregateCommitted {
			/// The round.
			round: RoundId,
			/// The aggregator (node operator).
			aggregator: T::AccountId,
		},
		/// An aggregator revealed its answer.
		AggregateRevealed {
			/// The round.
			round: RoundId,
			/// The aggregator (node operator).
			aggregator: T::AccountId,
			/// sha256 of the model it built.
			model: H256,
		},
		/// A trainer or aggregator excused itself from its step: its node lacks the step's
		/// inputs.
		SeatExcused {
			/// The round.
			round: RoundId,
			/// The node (operator).
			node: T::AccountId,
			/// The step it excused itself from.
			step: SeatStep,
		},
		/// The aggregators agreed: the new model is a candidate version of the round's model.
		CandidateRegistered {
			/// The round.
			round: RoundId,
			/// The model.
			model: ModelId,
			/// The candidate version.
			version: ModelVersion,
			/// sha256 of its file.
			sha256: H256,
			/// The trainers whose updates were kept.
			kept: Vec<T::AccountId>,
			/// The trainers whose updates were trimmed away.
			trimmed: Vec<T::AccountId>,
			/// The candidate's and its base's scores on the round's held-back examples and the
			/// base's reference examples, as the aggregators agreed.
			evaluation: CandidateEvaluation,
			/// Whether it forgets: it loses on the reference examples beyond
			/// [`Config::ForgettingTolerance`].
			forgets: bool,
		},
		/// The round produced no candidate.
		RoundFailed {
			/// The round.
			round: RoundId,
			/// Why.
			reason: Failure,
		},
		/// Governance set new parameters.
		ParametersSet {
			/// The parameters now in force.
			parameters: ParametersOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The base model version is not registered.
		UnknownModelVersion,
		/// The dataset range is empty or wider than `MaxExamples`.
		BadRange,
		/// No verified example lies in the dataset range.
		EmptyDataset,
		/// The deadline is not in the future, or further than `MaxTrainingPeriod`.
		BadDeadline,
		/// `MaxLiveRounds` rounds are running already.
		TooManyRounds,
		/// No staked node could be drawn.
		NoNodes,
		/// The signer is not the key of a registered node.
		NotANode,
		/// There is no such round.
		UnknownRound,
		/// The node holds no trainer seat in the round.
		NotATrainer,
		/// The round's training phase is over.
		TrainingClosed,
		/// The trainer committed its update already.
		AlreadyCommitted,
		/// The update claims no samples, or more than the round has examples.
		BadSampleCount,
		/// The update does not decode, or names another base model.
		BadUpdate,
		/// The node holds no aggregator seat in the round.
		NotAnAggregator,
		/// The round is not in that window of its aggregation.
		WrongPhase,
		/// The aggregator committed already.
		AlreadyCommittedAggregate,
		/// The aggregator revealed already.
		AlreadyRevealed,
		/// The aggregator has no commitment to reveal, or the trainer none to publish.
		NotCommitted,
		/// The trainer published its update already.
		AlreadyPublished,
		/// The update and the trainer do not hash to the trainer's commitment.
		PublicationMismatch,
		/// The round is not in its publishing window (after `commit_deadline`, up to
		/// `deadline`).
		NotPublishing,
		/// The node excused itself from this round's step already.
		AlreadyExcused,
		/// The answer and salt do not hash to the commitment.
		RevealMismatch,
		/// The answer's lists of kept updates and contributions do not match the updates
		/// committed, or credit an update that was not kept.
		KeptMismatch,
		/// A revealed evaluation scores more examples right than it scored, or more held-back
		/// examples than the round held back.
		BadEvaluation,
		/// No trainers, or more than `MaxTrainers`.
		InvalidTrainers,
		/// The round ids are exhausted.
		RoundIdOverflow,
		/// The base version is not registered as trainable (its layer's shape is unknown).
		NotTrainable,
		/// The update's shape is not the base version's layer's; refused here so that one such
		/// update cannot fail the whole round.
		WrongShape,
		/// An update value lies beyond the round's `max_value`.
		UpdateOutOfBounds,
		/// No aggregators, or more than `MaxAggregators`.
		InvalidAggregators,
		/// A window of zero blocks.
		InvalidWindow,
		/// An agreement share of at most one half.
		InvalidAgreement,
		/// A minimum participation of zero.
		InvalidParticipation,
		/// A minimum of committed updates that is zero, more than the trainers, or not above
		/// twice the trim of the drawn trainers.
		InvalidMinUpdates,
		/// A training plan with no epochs, no learning rate, no clipping bound, no round weight,
		/// too much held back, or a robust rule out of range.
		InvalidPlan,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::Trainers => Error::InvalidTrainers,
				InvalidParameter::Aggregators => Error::InvalidAggregators,
				InvalidParameter::Window => Error::InvalidWindow,
				InvalidParameter::Agreement => Error::InvalidAgreement,
				InvalidParameter::Participation => Error::InvalidParticipation,
				InvalidParameter::MinUpdates => Error::InvalidMinUpdates,
				InvalidParameter::Plan => Error::InvalidPlan,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::advance_rounds(now)
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_offchain_worker(now);
		}

		fn integrity_test() {
			assert!(
				T::ResendAfter::get() >= daollm_primitives::offchain::LIFETIME,
				"ResendAfter must not be shorter than a worker transaction's lifetime"
			);
			assert!(
				T::DefaultParameters::get()
					.check(
						T::MaxTrainers::get(),
						T::MaxAggregators::get(),
						T::MaxAggregationWindow::get()
					)
					.is_ok(),
				"invalid default training parameters"
			);
			assert!(T::MaxLiveRounds::get() > 0, "MaxLiveRounds must not be zero");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Opens a training round on version `base_version` of model `model`, over the verified
		/// examples `dataset` selects, with updates published by block `deadline`; `reward`
		/// points go to the trainers whose updates are kept, by their contribution.
		///
		/// Trainers commit to their updates until `deadline - commit_window` (the parameters'
		/// aggregation commit window, which is also the trainers' publishing window), then
		/// publish them until `deadline`.
		///
		/// The origin must be `RoundOrigin`; the version must be registered with its trainable
		/// layer's shape. Snapshots the dataset's example ids and the layer's shape; a later
		/// block draws the trainers (`trainers` of the parameters, by stake and reputation).
		///
		/// Emits [`Event::RoundOpened`].
		///
		/// Weight: `O(X` + T) in the dataset's examples and the trainers drawn.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::open_round(T::MaxExamples::get(), T::MaxTrainers::get()))]
		pub fn open_round(
			origin: OriginFor<T>,
			model: ModelId,
			base_version: ModelVersion,
			dataset: DatasetSelector,
			deadline: BlockNumberFor<T>,
			reward: u32,
		) -> DispatchResultWithPostInfo {
			T::RoundOrigin::ensure_origin(origin)?;
			let base = T::Models::version_hash(model, base_version)
				.ok_or(Error::<T>::UnknownModelVersion)?;
			let shape =
				T::Models::layer_shape(model, base_version).ok_or(Error::<T>::NotTrainable)?;
			let now = frame_system::Pallet::<T>::block_number();
			let params = Params::<T>::get();
			let commit_deadline = deadline.saturating_sub(params.commit_window);
			ensure!(
				commit_deadline > now
					&& deadline <= now.saturating_add(T::MaxTrainingPeriod::get()),
				Error::<T>::BadDeadline
			);
			let (from, to, space) = dataset.range();
			let width = to.checked_sub(from).filter(|w| *w > 0).ok_or(Error::<T>::BadRange)?;
			ensure!(width <= T::MaxExamples::get(), Error::<T>::BadRange);
			let mut live = LiveRounds::<T>::get();
			ensure!(!live.is_full(), Error::<T>::TooManyRounds);
			let round = NextRoundId::<T>::get();
			let next = round.checked_add(1).ok_or(Error::<T>::RoundIdOverflow)?;

			let examples: Vec<ProposalId> = (from..to)
				.filter(|id| {
					T::TrainingData::example(*id)
						.is_some_and(|e| space.is_none() || e.space == space)
				})
				.collect();
			ensure!(!examples.is_empty(), Error::<T>::EmptyDataset);
			ensure!(T::Nodes::candidates() > 0, Error::<T>::NoNodes);
			let record = Round {
				model,
				base_version,
				base,
				shape,
				// At most `MaxExamples` ids were checked.
				examples: BoundedVec::truncate_from(examples),
				trainers: BoundedVec::new(),
				aggregators: BoundedVec::new(),
				fixed_by: T::Randomness::author(),
				plan: params.plan,
				drawn_with: H256::zero(),
				reward,
				opened_at: now,
				commit_deadline,
				deadline,
				phase: Phase::Drawing,
				update_commitments: 0,
				updates: 0,
				commits: 0,
				reveals: 0,
			};
			// Checked above that there is room.
			let _ = live.try_push(round);
			LiveRounds::<T>::put(live);
			NextRoundId::<T>::put(next);
			Self::deposit_event(Event::RoundOpened {
				round,
				model,
				base_version,
				examples: record.examples.len() as u32,
				deadline,
			});
			Rounds::<T>::insert(round, record);
			Ok(Some(T::WeightInfo::open_round(width, 0)).into())
		}

		/// Commits a trainer to its update for `round`: `commitment` is
		/// [`update_commitment`]`(hash of the update's bytes, operator)`, for an update trained on
		/// `samples` of the round's examples.
		///
		/// The origin must be _Signed_ by the `infr` key of a trainer of the round, up to the
		/// round's `commit_deadline`, once. Nobody sees the update before the commitments close,
		/// so nobody can send another trainer's update as its own: without the bytes there is
		/// no hash to commit to, and a commitment names its trainer. A trainer's correct commit
		/// is free.
		///
		/// Emits [`Event::UpdateCommitted`].
		///
		/// Weight: `O(1)`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit_update())]
		#[pallet::feeless_if(
			|origin: &OriginFor<T>, round: &RoundId, _commitment: &H256, samples: &u32| -> bool {
				ensure_signed(origin.clone()).is_ok_and(|signer| {
					Pallet::<T>::check_update_commitment(&signer, *round, *samples).is_ok()
				})
			}
		)]
		pub fn commit_update(
			origin: OriginFor<T>,
			round: RoundId,
			commitment: H256,
			samples: u32,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record) = Self::check_update_commitment(&signer, round, samples)?;
			Updates::<T>::insert(round, &node, UpdateRecord { commitment, samples, hash: None });
			record.update_commitments.saturating_inc();
			Rounds::<T>::insert(round, record);
			Self::deposit_event(Event::UpdateCommitted { round, trainer: node, samples });
			Ok(Pays::No.into())
		}

		/// Publishes the update a trainer committed to for `round`: `update` is the
		/// SCALE-encoded [`ModelUpdate`] of the round's base model.
		///
		/// The origin must be _Signed_ by the `infr` key of a trainer that committed, after the
		/// round's `commit_deadline` and up to its `deadline`, once. The update must hash to the
		/// commitment (with the trainer), have the round's [`Round::shape`] and no value beyond
		/// the plan's `max_value`. The chain keeps the update's hash; the bytes go to the
		/// offchain index (see [`update_key`]), where aggregators read them. A trainer that
		/// committed and does not publish is judged `Missed`. A correct publication is free.
		///
		/// Emits [`Event::UpdatePublished`].
		///
		/// Weight: `O(U)` in the update's bytes (decoded and checked).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::publish_update(update.len() as u32))]
		#[pallet::feeless_if(
			|origin: &OriginFor<T>, round: &RoundId, update: &BoundedVec<u8, T::MaxUpdateLen>| -> bool {
				ensure_signed(origin.clone()).is_ok_and(|signer| {
					Pallet::<T>::check_publication(&signer, *round, update).is_ok()
				})
			}
		)]
		pub fn publish_update(
			origin: OriginFor<T>,
			round: RoundId,
			update: BoundedVec<u8, T::MaxUpdateLen>,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record, update_hash) = Self::check_publication(&signer, round, &update)?;
			sp_io::offchain_index::set(&update_key(&update_hash), &update);
			Updates::<T>::mutate(round, &node, |committed| {
				if let Some(committed) = committed {
					committed.hash = Some(update_hash);
				}
			});
			record.updates.saturating_inc();
			Rounds::<T>::insert(round, record);
			Self::deposit_event(Event::UpdatePublished { round, trainer: node, update_hash });
			Ok(Pays::No.into())
		}

		/// Commits an aggregator to its answer for `round`: `commitment` is
		/// [`aggregate_commitment`]`(model, kept, contributions, evaluation, salt, operator)`.
		///
		/// The origin must be _Signed_ by the `infr` key of an aggregator of the round, in the
		/// commit window, once. An aggregator's correct commit is free.
		///
		/// Emits [`Event::AggregateCommitted`].
		///
		/// Weight: `O(1).`
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::commit_aggregate())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, round: &RoundId, _commitment: &H256| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|signer| Pallet::<T>::check_aggregate_commit(&signer, *round).is_ok())
		})]
		pub fn commit_aggregate(
			origin: OriginFor<T>,
			round: RoundId,
			commitment: H256,
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, mut record, _) = Self::check_aggregate_commit(&signer, round)?;
			AggregateCommitments::<T>::insert(round, &node, commitment);
			record.commits.saturating_inc();
			Rounds::<T>::insert(round, record);
			Self::deposit_event(Event::AggregateCommitted { round, aggregator: node });
			Ok(Pays::No.into())
		}

		/// Reveals an aggregator's answer for `round`: `model`, the sha256 of the model it built,
		/// `kept`, which updates the rule kept, `contributions`, how much of the aggregate
		/// each carries (one entry per committed update, in trainer order, zero for one not
		/// kept), `evaluation`, the new model's and the base's scores on the round's held-back
		/// examples and the base's reference examples, and the commitment's salt.
		///
		/// The origin must be _Signed_ by the `infr` key of an aggregator that committed, after
		/// the commit window (or once every aggregator committed) and up to its end. When the
		/// last aggregator reveals, the round is decided in the next block. A correct reveal is
		/// free.
		///
		/// Emits [`Event::AggregateRevealed`].
		///
		/// Weight: `O(T)` in the trainers (one kept flag and contribution each).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::reveal_aggregate(T::MaxTrainers::get()))]
		#[pallet::feeless_if(
			|origin: &OriginFor<T>,
			 round: &RoundId,
			 model: &H256,
			 kept: &BoundedVec<bool, T::MaxTrainers>,
			 contributions: &BoundedVec<Perbill, T::MaxTrainers>,
			 evaluation: &CandidateEvaluation,
			 salt: &[u8; 32]|
			 -> bool {
				let answer = AggregateAnswer {
					model: *model,
					kept: kept.clone(),
					contributions: contributions.clone(),
					evaluation: *evaluation,
				};
				ensure_signed(origin.clone()).is_ok_and(|signer| {
					Pallet::<T>::check_aggregate_reveal(&signer, *round, &answer, salt).is_ok()
				})
			}
		)]
		pub fn reveal_aggregate(
			origin: OriginFor<T>,
			round: RoundId,
			model: H256,
			kept: BoundedVec<bool, T::MaxTrainers>,
			contributions: BoundedVec<Perbill, T::MaxTrainers>,
			evaluation: CandidateEvaluation,
			salt: [u8; 32],
		) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let answer = AggregateAnswer { model, kept, contributions, evaluation };
			let (node, mut record, reveal_end) =
				Self::check_aggregate_reveal(&signer, round, &answer, &salt)?;
			let Phase::Aggregating { commit_end, .. } = record.phase else {
				return Err(Error::<T>::WrongPhase.into());
			};
			let now = frame_system::Pallet::<T>::block_number();
			let model = answer.model;
			AggregateReveals::<T>::insert(round, &node, answer);
			record.reveals.saturating_inc();
			if record.reveals as usize == record.aggregators.len() && now < reveal_end {
				// Everyone answered: decide in the next block.
				record.phase = Phase::Aggregating { commit_end, reveal_end: now };
			}
			Rounds::<T>::insert(round, record);
			Self::deposit_event(Event::AggregateRevealed { round, aggregator: node, model });
			Ok(Pays::No.into())
		}

		/// Sets the parameters, for rounds opened from now on (seat counts, windows and plan)
		/// and for decisions from now on (agreement, aggregator points).
		///
		/// The origin must be `GovernanceOrigin`.
		///
		/// Emits [`Event::ParametersSet`].
		///
		/// Weight: `O(1).`
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters
				.check(
					T::MaxTrainers::get(),
					T::MaxAggregators::get(),
					T::MaxAggregationWindow::get(),
				)
				.map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Excuses the signer's node from its step in `round` because it lacks the step's
		/// inputs: a trainer whose node has not every body of the round's examples (training on
		/// fewer would send an update the others do not), before the deadline and its update;
		/// an aggregator whose node lacks a committed update's bytes or a held-back example's
		/// body, in the commit window and before its commit.
		///
		/// The origin must be _Signed_ by the node's `infr` key. The seat is then judged
		/// `Excused` instead of `Missed`: its reputation moves down as for a miss, but nothing
		/// is slashed, up to the registry's excuse budget per offence window (past it an excuse
		/// is judged a miss, so excuses are no way to idle with stake). An excused aggregator's
		/// seats do not count for the round's participation. Free when it succeeds, and given
		/// the seats' pool priority ([`CheckTrainingSeat`]), one pool entry with the step it
		/// replaces.
		///
		/// Emits [`Event::SeatExcused`].
		///
		/// Weight: `O(1).`
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::excuse())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, round: &RoundId| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|signer| Pallet::<T>::check_excuse(&signer, *round).is_ok())
		})]
		pub fn excuse(origin: OriginFor<T>, round: RoundId) -> DispatchResultWithPostInfo {
			let signer = ensure_signed(origin)?;
			let (node, _, step, _) = Self::check_excuse(&signer, round)?;
			Excuses::<T>::insert(round, (&node, step), ());
			Self::deposit_event(Event::SeatExcused { round, node, step });
			Ok(Pays::No.into())
		}
	}
}
