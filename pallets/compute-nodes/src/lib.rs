//! # Compute Nodes Pallet
//!
//! The registry of the network's staked compute nodes: who runs one, with what stake, which key
//! its offchain workers sign with, how reliable it has been, and what it has lost. The pallets
//! that give nodes work (inference committees, training rounds) draw them and report what they
//! did through [`daollm_primitives::traits::ComputeNodes`]; this pallet turns those reports into reputation and slashes.
//!
//! ## Overview
//!
//! Operators register a node by holding stake ([`HoldReason::NodeStake`], at least
//! `min_node_stake`) and binding an sr25519 key of key type `infr`
//! ([`daollm_primitives::inference::KEY_TYPE`]): the node's offchain workers sign with that
//! key, so the operator's funds never sit on the validator's machine.
//!
//! ## Terminology
//!
//! - **Draw weight**: stake × reputation, for active nodes with at least `min_node_stake`; the
//!   [`Candidates`] list holds every node of positive weight. Trainers are drawn from it
//!   without replacement ([`sortition::draw`]); committee seats with replacement, each node up
//!   to just under a third of the seats ([`sortition::draw_seats`]): stake buys seats, and each
//!   seat is one vote.
//! - **Outcome**: what a drawn node did in one piece of work ([`MemberOutcome`]), judged by the
//!   pallet that drew it and reported to the registry.
//! - **Offence window**: `offence_window` blocks from a node's last slash in which it is not
//!   slashed again unless it answers in agreement in between: one outage is one offence,
//!   however many seats it held, while a node that answers some seats and fails others is
//!   slashed for each failure. The same window bounds its excuses: past `excuse_budget` in a
//!   window, an excuse is judged a miss.
//!
//! ## Lifecycle
//!
//! 1. [`Pallet::register_node`] proves possession of the node's `infr` key (its signature over
//!    SCALE(operator, genesis hash), as `pallet-session`'s `set_keys` asks) and holds the stake.
//! 2. The node is drawn and reported on. Reputation is a moving average moved by
//!    `reputation_step` per judged piece of work: up for an agreeing answer, down for a
//!    disagreeing one (which also costs `disagreement_slash` of what it holds) and for silence
//!    while the others answered (`miss_slash`). Slashed stake goes to [`Config::Slash`].
//! 3. Below `min_reputation` the node is excluded from draws. It may register again
//!    `rejoin_cooldown` blocks later, at `min_reputation`; a node that leaves with a reputation
//!    below a newcomer's is remembered ([`FormerNodes`]), so neither path resets it.
//! 4. [`Pallet::unbond`] moves stake into chunks that stay held (and slashable) for
//!    `unbonding_period` blocks; [`Pallet::withdraw_unbonded`] releases them, and the node's
//!    record goes with its last chunk.
//!
//! ## Calls
//!
//! - `register_node(stake, key, proof)`, `add_stake(amount)`, `unbond(amount)`,
//!   `withdraw_unbonded()`: signed by the operator. Weight: O(N) each in the nodes (the node's
//!   entry in the draw list is found by a scan; the benchmarks fill the registry to
//!   `MaxNodes`).
//! - `set_parameters(parameters)`: [`Config::GovernanceOrigin`]. Weight: O(N) in the nodes.
//!
//! ## Hooks
//!
//! None: the registry changes only when called.
//!
//! ## Cross-pallet contract
//!
//! The pallet implements [`daollm_primitives::traits::ComputeNodes`]: `draw` and `candidates` for the pallets that seat
//! nodes, `node_of_key` to tell who a signed answer comes from, `record` to report outcomes. It
//! is the runtime's `BoundToRuntimeAppPublic` for the `infr` key in the session keys.
//!
//! ## Economics
//!
//! Who pays a slash: the node that misbehaved, from its own stake. Who gains: [`Config::Slash`]
//! (the treasury in the runtime), never another node, so nobody profits from making a node look
//! silent. Many accounts gain an attacker nothing: draw weight is stake × reputation, so
//! splitting stake over many nodes draws the same share of seats, and each node must bind a key
//! that it proves it holds.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
mod nodes;
mod slashing;
pub mod sortition;
#[cfg(test)]
mod tests;
mod types;
mod views;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Credit, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::{
	traits::{Convert, Saturating, UniqueSaturatedInto, Zero},
	PerThing, Perbill, RuntimeAppPublic,
};

/// The key validators generate for their compute node with `author_rotateKeys` (and `--alice`
/// etc. insert), as part of the runtime's session keys.
impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = T::NodeKey;
}

/// The session carries each validator's `infr` key, so that one `author_rotateKeys` makes every
/// key a validator needs; the registry binds the key through [`Pallet::register_node`] with its
/// proof of possession, so session changes mean nothing here.
impl<T: Config> frame_support::traits::OneSessionHandler<T::AccountId> for Pallet<T> {
	type Key = T::NodeKey;

	fn on_genesis_session<'a, I>(_validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, Self::Key)> + 'a,
	{
	}

	fn on_new_session<'a, I>(_changed: bool, _validators: I, _queued: I)
	where
		I: Iterator<Item = (&'a T::AccountId, Self::Key)> + 'a,
	{
	}

	fn on_disabled(_validator_index: u32) {}
}

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
	<T as Config>::NodeKey,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxUnbondingChunks,
>;

/// A proof that an operator holds its node's `infr` key: the key's proof of possession over
/// [`Pallet::possession_statement`].
pub type ProofOf<T> = <<T as Config>::NodeKey as RuntimeAppPublic>::ProofOfPossession;

/// A node's recent history as this runtime stores it.
pub type HistoryOf<T> = BoundedVec<HistoryEntry<BlockNumberFor<T>>, <T as Config>::MaxHistory>;

/// The longest leaderboard [`Pallet::leaderboard`] returns.
pub const MAX_LEADERBOARD: u32 = 100;

/// A node as this runtime's clients read it.
pub type NodeDetailsOf<T> =
	NodeDetails<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

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
		/// A compute node's stake, bonded or unbonding.
		NodeStake,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		// Runtime types.

		/// The currency stake is held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// The public key nodes sign their transactions with (sr25519, key type `infr`).
		type NodeKey: Member
			+ Parameter
			+ MaxEncodedLen
			+ Ord
			+ MaybeSerializeDeserialize
			+ RuntimeAppPublic<ProofOfPossession: Parameter>;

		/// The account a node's key signs as.
		type KeyAccount: Convert<Self::NodeKey, Self::AccountId>;

		// Other pallets.

		/// Receives slashed stake.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// The VRF source draws are seeded with: the registry remembers each block's output
		/// for the next block's draws ([`LastVrf`]).
		type Randomness: daollm_primitives::traits::DrawRandomness;

		// Origins.

		/// The origin that sets the parameters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// The most nodes that can be registered.
		#[pallet::constant]
		type MaxNodes: Get<u32>;

		/// The most unbonding chunks a node may have at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// How many recent outcomes each node's history keeps.
		#[pallet::constant]
		type MaxHistory: Get<u32>;

		/// The shortest `unbonding_period` the parameters may ask for: the longest a piece of
		/// work can take from the draw to its judgement, so that no node leaves before it is
		/// judged.
		#[pallet::constant]
		type MinUnbondingPeriod: Get<BlockNumberFor<Self>>;

		// Governable parameters.

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Makes keys for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::NodeKey>;
	}

	/// The registry's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// Registered nodes, by operator account.
	#[pallet::storage]
	pub type Nodes<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, NodeOf<T>>;

	/// The operator of each node key's account: who a node's transaction comes from.
	#[pallet::storage]
	pub type KeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Nodes eligible for draws, with their draw weight (stake × reputation).
	#[pallet::storage]
	pub type Candidates<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxNodes>, ValueQuery>;

	/// The last block's author (its index in the authority set) and a digest of its VRF
	/// output: the next block's draws mix it with their own, so that two authors' outputs
	/// seed every draw ([`Config::Randomness`]).
	#[pallet::storage]
	pub type LastVrf<T> = StorageValue<_, (u32, H256)>;

	/// Each node's recent outcomes, oldest first.
	#[pallet::storage]
	pub type History<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HistoryOf<T>, ValueQuery>;

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
		pub nodes: Vec<(T::AccountId, BalanceOf<T>, T::NodeKey)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.parameters {
				if let Err(e) = params.check(T::MinUnbondingPeriod::get()) {
					panic!("invalid compute-node parameters in the genesis config: {e:?}");
				}
				Params::<T>::put(params);
			}
			for (operator, stake, key) in &self.nodes {
				if let Err(e) = Pallet::<T>::do_register(operator, *stake, key.clone()) {
					panic!("genesis compute node cannot register: {e:?}");
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
			/// The key its offchain workers sign with.
			key: T::NodeKey,
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
		/// A node was slashed for not answering while the others did, or for an answer that
		/// disagreed with the consensus.
		NodeSlashed {
			/// The operator.
			node: T::AccountId,
			/// The work it missed or answered wrongly.
			work: Work,
			/// The amount slashed.
			amount: BalanceOf<T>,
		},
		/// A node's reputation fell below the minimum: it leaves the draws.
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
		/// The amount is zero.
		ZeroAmount,
		/// The node has less stake than that to unbond.
		NotEnoughStake,
		/// The node has as many unbonding chunks as allowed; withdraw first.
		TooManyUnbondingChunks,
		/// No unbonding chunk has unlocked yet.
		NothingToWithdraw,
		/// `min_reputation` must be below `initial_reputation`, and `reputation_step` positive.
		InvalidReputation,
		/// `min_node_stake` must be positive.
		InvalidMinStake,
		/// `unbonding_period` must be at least `MinUnbondingPeriod`.
		InvalidUnbondingPeriod,
		/// `offence_window` must be positive.
		InvalidOffenceWindow,
		/// The node was excluded less than `rejoin_cooldown` blocks ago.
		RejoinTooEarly,
		/// The proof is not the key's signature over (operator, genesis hash).
		InvalidProof,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::Reputation => Error::InvalidReputation,
				InvalidParameter::MinStake => Error::InvalidMinStake,
				InvalidParameter::UnbondingPeriod => Error::InvalidUnbondingPeriod,
				InvalidParameter::OffenceWindow => Error::InvalidOffenceWindow,
			}
		}
	}

	/// Reads for clients, typed by the runtime's metadata (the `RuntimeViewFunction` runtime
	/// API runs them; never called in a block).
	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The node `operator` runs: stake, unbonding chunks, reputation, status, its record and
		/// its recent history (oldest first); `None` if it has no node.
		pub fn node(operator: T::AccountId) -> Option<NodeDetailsOf<T>> {
			Self::node_details(operator)
		}

		/// Up to `limit` (at most [`MAX_LEADERBOARD`]) nodes by reputation, then stake, highest
		/// first, each as [`Pallet::node`] gives it.
		pub fn leaderboard(limit: u32) -> Vec<NodeDetailsOf<T>> {
			Self::ranked(limit.min(MAX_LEADERBOARD))
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Charges [`Hooks::on_finalize`]'s one write.
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().writes(1)
		}

		/// Remembers this block's author and VRF output for the next block's draws, which mix
		/// both blocks' outputs.
		fn on_finalize(_now: BlockNumberFor<T>) {
			match <T::Randomness as daollm_primitives::traits::DrawRandomness>::vrf() {
				Some(vrf) => LastVrf::<T>::put(vrf),
				None => LastVrf::<T>::kill(),
			}
		}

		fn integrity_test() {
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must allow a chunk");
			assert!(
				T::DefaultParameters::get().check(T::MinUnbondingPeriod::get()).is_ok(),
				"DefaultParameters must pass their own checks"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a compute node.
		///
		/// The origin must be _Signed_ by the operator, who holds `stake` (at least
		/// `min_node_stake`) and binds `key`, an sr25519 key of type `infr` that the node's
		/// offchain workers sign with.
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
		/// Emits `NodeRegistered`. Weight: O(N) in the nodes (its draw entry is found by a scan).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_node())]
		pub fn register_node(
			origin: OriginFor<T>,
			#[pallet::compact] stake: BalanceOf<T>,
			key: T::NodeKey,
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
		/// The origin must be _Signed_ by a node's operator. A node that had unbonded
		/// everything serves again. Emits `StakeAdded`. Weight: O(N) in the nodes (its draw entry
		/// is found by a scan).
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
		/// stays bonded must be zero (the node leaves the draws) or at least `min_node_stake`.
		///
		/// Emits `Unbonded`. Weight: O(N) in the nodes (its draw entry is found by a scan).
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
		/// afterwards, the node's record, history and key binding are removed.
		///
		/// Emits `Withdrawn`, and `NodeRemoved` when the node is gone. Weight: O(N + U) in the nodes
		/// and its unbonding chunks.
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

		/// Set the registry's parameters.
		///
		/// The origin must be `GovernanceOrigin`. The parameters must pass
		/// [`Parameters::check`]. They apply to stake and reputation from now on. Eligibility
		/// for draws is recomputed under the new `min_node_stake`.
		///
		/// Emits `ParametersSet`. Weight: O(N) in the registered nodes.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_parameters(T::MaxNodes::get()))]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: ParametersOf<T>,
		) -> DispatchResultWithPostInfo {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters.check(T::MinUnbondingPeriod::get()).map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			let nodes = Self::rebuild_candidates(parameters.min_node_stake);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(Some(T::WeightInfo::set_parameters(nodes)).into())
		}
	}
}
