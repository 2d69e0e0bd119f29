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
//!   [`Candidates`] list holds every node of positive weight, and a draw samples
//!   it without replacement ([`sortition::draw`]).
//! - **Outcome**: what a drawn node did in one piece of work ([`MemberOutcome`]), judged by the
//!   pallet that drew it and reported to the registry.
//! - **Offence window**: `offence_window` blocks from a node's last slash in which it is not
//!   slashed again: one outage is one offence, however many seats it held.
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
#[cfg(test)]
mod mock;
pub mod sortition;
#[cfg(test)]
mod tests;
mod types;
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

/// A node as clients see it, in this runtime's types.
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

		/// Receives slashed stake.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// The origin that sets the parameters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

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

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

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

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
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

impl<T: Config> Pallet<T> {
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
		key: T::NodeKey,
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

	/// The weight a node is drawn with: reputation × stake, zero unless active with at least
	/// `min_node_stake`.
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

	/// Applies one outcome to `operator`'s node: reputation, stats, slash, exclusion, history.
	fn apply(operator: &T::AccountId, work: Work, outcome: MemberOutcome) {
		// A node that withdrew everything since it was drawn has nothing left to judge, and no
		// history to keep.
		let Some(mut node) = Nodes::<T>::get(operator) else { return };
		let params = Params::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		History::<T>::mutate(operator, |history| {
			if history.is_full() {
				history.remove(0);
			}
			let _ = history.try_push(HistoryEntry { work, outcome, at: now });
		});
		node.stats.tasks.saturating_inc();
		let step = params.reputation_step;
		match outcome {
			MemberOutcome::Agreed => {
				node.stats.agreed.saturating_inc();
				node.reputation =
					node.reputation.saturating_add(step * node.reputation.left_from_one());
			},
			MemberOutcome::Disagreed => {
				node.stats.disagreed.saturating_inc();
				node.reputation = node.reputation.saturating_sub(step * node.reputation);
				Self::punish(work, operator, &mut node, params.disagreement_slash, &params, now);
			},
			MemberOutcome::Missed => {
				node.stats.missed.saturating_inc();
				node.reputation = node.reputation.saturating_sub(step * node.reputation);
				Self::punish(work, operator, &mut node, params.miss_slash, &params, now);
			},
			MemberOutcome::Excused => {
				node.stats.excused.saturating_inc();
				node.reputation = node.reputation.saturating_sub(step * node.reputation);
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

	/// Slashes `fraction` of what `node` holds for an offence in `work`, unless it was slashed
	/// less than `offence_window` blocks ago: every seat of one outage is one offence.
	fn punish(
		work: Work,
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
		Self::deposit_event(Event::NodeSlashed { node: operator.clone(), work, amount });
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

	/// Node `operator` with its recent history.
	pub fn node_details(operator: T::AccountId) -> Option<NodeDetailsOf<T>> {
		Nodes::<T>::get(&operator).map(|node| Self::details(operator, node))
	}

	fn details(operator: T::AccountId, node: NodeOf<T>) -> NodeDetailsOf<T> {
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
	pub fn leaderboard(limit: u32) -> Vec<NodeDetailsOf<T>> {
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
	/// - history is kept only for registered nodes, and no registered node is a former node.
	///
	/// Also built with `std`, so that the mocks of the pallets that report to the registry
	/// check it in their tests.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
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
			ensure!(!FormerNodes::<T>::contains_key(&operator), "a node is also a former node");
		}
		ensure!(count == Nodes::<T>::count(), "Nodes counter is off");
		ensure!(KeyOwner::<T>::iter().count() as u32 == count, "a key binding has no node");
		ensure!(
			History::<T>::iter_keys().all(Nodes::<T>::contains_key),
			"history is kept for a node that is gone"
		);
		Ok(())
	}
}

impl<T: Config> daollm_primitives::traits::ComputeNodes<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn draw(seed: &H256, count: u32) -> Vec<(T::AccountId, BalanceOf<T>)> {
		let candidates = Candidates::<T>::get();
		let weights: Vec<u128> =
			candidates.iter().map(|(_, w)| (*w).unique_saturated_into()).collect();
		sortition::draw(&weights, count, seed)
			.into_iter()
			.filter_map(|index| candidates.get(index))
			.map(|(node, _)| {
				let stake = Nodes::<T>::get(node).map_or_else(Zero::zero, |n| n.stake);
				(node.clone(), stake)
			})
			.collect()
	}

	fn candidates() -> u32 {
		Candidates::<T>::decode_len().unwrap_or(0) as u32
	}

	fn max_candidates() -> u32 {
		T::MaxNodes::get()
	}

	fn node_of_key(key: &T::AccountId) -> Option<T::AccountId> {
		KeyOwner::<T>::get(key)
	}

	fn record(node: &T::AccountId, work: Work, outcome: MemberOutcome) {
		Self::apply(node, work, outcome)
	}

	fn slash_offence(node: &T::AccountId, work: Work, fraction: Perbill) -> BalanceOf<T> {
		let Some(mut record) = Nodes::<T>::get(node) else { return Zero::zero() };
		let amount = Self::slash(node, &mut record, fraction);
		if !amount.is_zero() {
			record.stats.slashed.saturating_accrue(amount);
			Self::deposit_event(Event::NodeSlashed { node: node.clone(), work, amount });
		}
		Self::store_node(node, &record);
		amount
	}
}
