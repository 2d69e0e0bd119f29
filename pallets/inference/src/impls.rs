//! What the pallet offers the other pallets: [`InferenceTasks`] for the proposals pallet.

use super::*;

impl<T: Config> InferenceTasks for Pallet<T> {
	/// Queues `proposal`: a later block draws its committee (see the module docs). A proposal
	/// the network cannot analyse now (no active model, no nodes) is refused here, before it
	/// holds a deposit.
	fn open_task(proposal: ProposalId, content_hash: H256) -> Result<Weight, DispatchError> {
		if T::ActiveModel::active_model().is_none() {
			Self::deposit_event(Event::AnalysisUnavailable {
				proposal,
				reason: Unavailable::NoActiveModel,
			});
			return Ok(T::WeightInfo::open_task(0, 0));
		}
		if T::Nodes::candidates() == 0 {
			Self::deposit_event(Event::AnalysisUnavailable {
				proposal,
				reason: Unavailable::NoNodes,
			});
			return Ok(T::WeightInfo::open_task(0, 0));
		}
		Self::enqueue(proposal, content_hash)?;
		Ok(T::WeightInfo::open_task(0, 0))
	}

	fn open_task_weight() -> Weight {
		T::WeightInfo::open_task(0, 0)
	}

	/// A proposal waiting for another round after a failed one has no committee whose draw a
	/// withdrawal would re-roll: its failure was not its author's doing.
	fn committee_drawn(proposal: ProposalId) -> bool {
		TaskOfProposal::<T>::contains_key(proposal) && !Queued::<T>::contains_key(proposal)
	}

	fn cancel_task(proposal: ProposalId) -> Weight {
		Self::cancel(proposal);
		Self::cancel_task_weight()
	}

	fn cancel_task_weight() -> Weight {
		T::WeightInfo::cancel_task(T::MaxCommitteeSize::get())
	}
}
