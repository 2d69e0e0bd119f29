//! What the pallet's view functions read (never called in a block): a task's details, and the
//! earlier proposals most similar to one.

use super::*;

impl<T: Config> Pallet<T> {
	/// The analysed proposals most similar to `proposal` among the [`SIMILAR_SCAN`] tasks
	/// opened before its own: at most `limit` (and [`MAX_SIMILAR`]) `(proposal, similarity)`,
	/// similarity in parts per million of the agreed signatures
	/// ([`daollm_primitives::inference::similarity`]), most similar first, then the most recent; none
	/// that shares no word. Empty if `proposal` has no agreed signature. Work: at most
	/// [`SIMILAR_SCAN`] result reads and signature merges, for the view function (never in a
	/// block).
	pub(crate) fn similar_proposals(proposal: ProposalId, limit: u32) -> Vec<(ProposalId, u32)> {
		let signature_of = |task: TaskId| match Results::<T>::get(task)?.outcome {
			Outcome::Consensus { brief, .. } if !brief.signature.is_empty() => {
				Some(brief.signature)
			},
			_ => None,
		};
		let Some(task) = TaskOfProposal::<T>::get(proposal) else { return Vec::new() };
		let Some(own) = signature_of(task) else { return Vec::new() };
		let limit = limit.min(MAX_SIMILAR) as usize;
		let mut found: Vec<(ProposalId, u32)> = Vec::new();
		for earlier in (task.saturating_sub(SIMILAR_SCAN)..task).rev() {
			let Some(result) = Results::<T>::get(earlier) else { continue };
			let Outcome::Consensus { brief, .. } = result.outcome else { continue };
			let score = daollm_primitives::inference::similarity(&own, &brief.signature);
			if score > 0 && result.proposal != proposal {
				found.push((result.proposal, score));
			}
		}
		// Stable: equal scores keep the most recent first.
		found.sort_by_key(|(_, score)| core::cmp::Reverse(*score));
		found.truncate(limit);
		found
	}

	/// Task `id`, open or judged.
	pub(crate) fn task_details(id: TaskId) -> Option<TaskDetailsOf<T>> {
		if let Some(task) = Tasks::<T>::get(id) {
			return Some(TaskDetails {
				id,
				proposal: task.proposal,
				status: TaskStatus::Open {
					model: task.model,
					opened_at: task.opened_at,
					commit_end: task.commit_end,
					reveal_end: task.reveal_end,
					committee: task.committee,
					round: task.round,
					commits: task.commits,
					reveals: task.reveals,
					excused: task.excused,
				},
			});
		}
		Results::<T>::get(id).map(|result| TaskDetails {
			id,
			proposal: result.proposal,
			status: TaskStatus::Judged(result),
		})
	}
}
