//! What the pallet offers the other pallets: [`daollm_primitives::traits::ComputeNodes`] for
//! inference and training.

use super::*;
use daollm_primitives::Seat;

impl<T: Config> Pallet<T> {
	/// `node`'s place on a committee: its stake now, and `seats`.
	fn seat(node: &T::AccountId, seats: u32) -> Seat<T::AccountId, BalanceOf<T>> {
		let stake = Nodes::<T>::get(node).map_or_else(Zero::zero, |n| n.stake);
		Seat { node: node.clone(), stake, seats }
	}
}

impl<T: Config> daollm_primitives::traits::ComputeNodes<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn draw(seed: &H256, count: u32) -> Vec<Seat<T::AccountId, BalanceOf<T>>> {
		let candidates = Candidates::<T>::get();
		let weights: Vec<u128> =
			candidates.iter().map(|(_, w)| (*w).unique_saturated_into()).collect();
		sortition::draw(&weights, count, seed)
			.into_iter()
			.filter_map(|index| candidates.get(index))
			.map(|(node, _)| Self::seat(node, 1))
			.collect()
	}

	fn draw_seats(
		seed: &H256,
		seats: u32,
		excluded: &[T::AccountId],
	) -> Vec<Seat<T::AccountId, BalanceOf<T>>> {
		let candidates = Candidates::<T>::get();
		let weights: Vec<u128> = candidates
			.iter()
			.map(|(node, w)| if excluded.contains(node) { 0 } else { (*w).unique_saturated_into() })
			.collect();
		sortition::draw_seats(&weights, seats, seed)
			.into_iter()
			.filter_map(|(index, won)| candidates.get(index).map(|(node, _)| Self::seat(node, won)))
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
