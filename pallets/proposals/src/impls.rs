//! What the pallet offers the other pallets: [`TrainingData`] for training, [`ProposalTitle`]
//! for the inference worker, [`ProposalAnalysed`] for inference.

use super::*;

impl<T: Config> TrainingData for Pallet<T> {
	fn example(proposal: ProposalId) -> Option<VerifiedExample> {
		TrainingSet::<T>::get(proposal).map(|e| VerifiedExample {
			content_hash: e.content_hash,
			label: e.label,
			error_report: e.corrects_network(),
			space: e.space,
		})
	}
}

impl<T: Config> ProposalTitle for Pallet<T> {
	fn title(id: ProposalId) -> Option<Vec<u8>> {
		Proposals::<T>::get(id).map(|proposal| proposal.title.into_inner())
	}
}

impl<T: Config> Pallet<T> {
	/// Keeps a training example verified before its analysis landed up to date with it, so
	/// that it is compared with the network's answer, in the example and in its space's
	/// record.
	fn compare_example(id: ProposalId, proposal: &ProposalOf<T>) {
		if let Some(label) = proposal.verified_label {
			TrainingSet::<T>::mutate(id, |example| {
				if let Some(example) = example {
					example.analysis = proposal.analysis;
				}
			});
			let matched = !proposal.analysis.corrected_by(label);
			Self::note_space(id, SpaceActivity::Compared { matched });
		}
	}
}

impl<T: Config> ProposalAnalysed for Pallet<T> {
	fn on_analysed(id: ProposalId, label: LabelIndex) {
		Proposals::<T>::mutate(id, |maybe| {
			if let Some(proposal) = maybe {
				proposal.analysis = AnalysisStatus::Analysed { label };
				Self::note_space(id, SpaceActivity::Analysed);
				Self::compare_example(id, proposal);
				Self::deposit_event(Event::ProposalAnalysed { id, label });
				Self::release_deposit(id, proposal);
			}
		});
	}

	fn on_analysed_weight() -> Weight {
		T::WeightInfo::on_analysed()
	}

	fn on_unanswered(id: ProposalId) {
		Proposals::<T>::mutate(id, |maybe| {
			if let Some(proposal) = maybe {
				proposal.analysis = AnalysisStatus::Unanswered;
				Self::compare_example(id, proposal);
				Self::deposit_event(Event::AnalysisUnanswered { id });
				Self::release_deposit(id, proposal);
			}
		});
	}

	/// The same reads and writes as a consensus's.
	fn on_unanswered_weight() -> Weight {
		T::WeightInfo::on_analysed()
	}
}
