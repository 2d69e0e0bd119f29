//! What the pallet's view functions read (never called in a block): a node's details, the
//! leaderboard.

use super::*;

impl<T: Config> Pallet<T> {
	/// Node `operator` with its recent history.
	pub(crate) fn node_details(operator: T::AccountId) -> Option<NodeDetailsOf<T>> {
		Nodes::<T>::get(&operator).map(|node| Self::details(operator, node))
	}

	pub(crate) fn details(operator: T::AccountId, node: NodeOf<T>) -> NodeDetailsOf<T> {
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
	pub(crate) fn ranked(limit: u32) -> Vec<NodeDetailsOf<T>> {
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
}
