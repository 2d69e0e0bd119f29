//! The registry itself: registering a node, its draw weight and entry in the draw list,
//! removing it; and the invariants ([`Pallet::do_try_state`]).

use super::*;

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
			excuses: (Zero::zero(), 0),
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
	pub(crate) fn draw_weight(node: &NodeOf<T>, min_stake: BalanceOf<T>) -> BalanceOf<T> {
		if node.status == NodeStatus::Active && node.stake >= min_stake {
			node.reputation.mul_floor(node.stake)
		} else {
			Zero::zero()
		}
	}

	/// Stores `node` and brings its entry in [`Candidates`] up to date.
	pub(crate) fn store_node(operator: &T::AccountId, node: &NodeOf<T>) {
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
	pub(crate) fn rebuild_candidates(min_stake: BalanceOf<T>) -> u32 {
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
	pub(crate) fn remove_node(operator: &T::AccountId, node: &NodeOf<T>) {
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
