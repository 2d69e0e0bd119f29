//! Outcomes: moving a node's reputation by what it did, excluding it, and slashing its stake.

use super::*;

impl<T: Config> Pallet<T> {
	/// Applies one outcome to `operator`'s node: reputation, stats, slash, exclusion, history.
	pub(crate) fn apply(operator: &T::AccountId, work: Work, outcome: MemberOutcome) {
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
		let outcome = match outcome {
			MemberOutcome::Excused if !Self::within_excuse_budget(&mut node, &params, now) => {
				MemberOutcome::Missed
			},
			outcome => outcome,
		};
		match outcome {
			MemberOutcome::Agreed => {
				node.stats.agreed.saturating_inc();
				node.reputation =
					node.reputation.saturating_add(step * node.reputation.left_from_one());
				// An answer ends an outage: the next offence is a new one.
				node.offence_at = None;
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
			MemberOutcome::Silent => {
				node.stats.missed.saturating_inc();
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

	/// Counts one excuse in `node`'s excuse window (opening a new window when the last one is
	/// over): whether it is within `excuse_budget`. Past the budget an excuse is a miss.
	fn within_excuse_budget(
		node: &mut NodeOf<T>,
		params: &ParametersOf<T>,
		now: BlockNumberFor<T>,
	) -> bool {
		let (since, count) = &mut node.excuses;
		if now >= since.saturating_add(params.offence_window) || count == &0 {
			*since = now;
			*count = 0;
		}
		count.saturating_inc();
		*count <= params.excuse_budget
	}

	/// Slashes `fraction` of what `node` holds for an offence in `work`, unless it was slashed
	/// less than `offence_window` blocks ago and has not agreed since: every seat of one outage
	/// is one offence, while a node that answers between its failures is slashed for each.
	pub(crate) fn punish(
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
	pub(crate) fn slash(
		operator: &T::AccountId,
		node: &mut NodeOf<T>,
		fraction: Perbill,
	) -> BalanceOf<T> {
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
}
