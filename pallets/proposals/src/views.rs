//! What the pallet's view functions read (never called in a block), and the invariants
//! ([`Pallet::do_try_state`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// Up to `limit` training examples, continuing after proposal `start_after` (in storage
	/// order, which is stable between calls), for paging through the training set.
	pub(crate) fn training_page(
		start_after: Option<ProposalId>,
		limit: u32,
	) -> Vec<TrainingExample> {
		let iter = match start_after {
			Some(id) => TrainingSet::<T>::iter_from(TrainingSet::<T>::hashed_key_for(id)),
			None => TrainingSet::<T>::iter(),
		};
		iter.take(limit as usize).map(|(_, example)| example).collect()
	}

	/// The pallet's invariants:
	/// - every author holds exactly the sum of the deposits of their proposals, every annotator
	///   exactly the bonds of its annotations whose label has not settled (bonds held = Σ bonds);
	/// - each proposal's bonds per label add up its revealed annotations' bonds, and it counts
	///   its sealed ones; challenge windows and scheduled settlements correspond;
	/// - every proposal's tally has one slot per label and counts its stored annotations;
	/// - ids are below `NextProposalId`; the counted maps' counters match their contents;
	/// - a verified proposal keeps no annotations; a proposal holds its deposit or its record
	///   deposit, never both;
	/// - training examples of existing proposals carry their verified label and space;
	/// - the content index holds exactly the existing proposals, each under its body's digest,
	///   and filings are of existing proposals.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let next_id = NextProposalId::<T>::get();
		ensure!(NextRelease::<T>::get() <= next_id, "the release cursor is past the last proposal");
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut provisional_count = 0u32;
		let mut proposals = 0u32;
		for (id, proposal) in Proposals::<T>::iter() {
			proposals += 1;
			ensure!(id < next_id, "a proposal id is not below NextProposalId");
			ensure!(
				proposal.tally.len() == T::LabelCount::get() as usize,
				"a tally does not have one slot per label"
			);
			let stored = Annotations::<T>::iter_prefix(id).count() as u32;
			let verified = proposal.verified_label.is_some();
			ensure!(
				verified || stored == proposal.annotation_count(),
				"a tally does not count its annotations"
			);
			ensure!(!verified || stored == 0, "a verified label kept its annotations");
			ensure!(stored <= T::MaxAnnotations::get(), "a proposal has too many annotations");
			ensure!(
				proposal.deposit.is_zero() || proposal.record_deposit.is_zero(),
				"a proposal holds both its deposit and its record deposit"
			);
			let entry = held.entry(proposal.author.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(proposal.deposit).saturating_add(proposal.record_deposit);
			let mut by_label = Self::empty_bonds();
			let mut sealed = 0u32;
			for (annotator, annotation) in Annotations::<T>::iter_prefix(id) {
				match annotation.label() {
					Some(label) => {
						if let Some(w) = by_label.get_mut(label as usize) {
							w.saturating_accrue(annotation.bond);
						}
					},
					None => sealed += 1,
				}
				if proposal.verified_label.is_none() {
					let entry = bonds.entry(annotator).or_insert_with(Zero::zero);
					*entry = entry.saturating_add(annotation.bond);
				}
			}
			ensure!(
				verified || by_label == proposal.bonded,
				"a proposal's bonds per label are off"
			);
			ensure!(sealed == proposal.sealed, "a proposal's count of sealed annotations is off");
			if let Some(provisional) = proposal.provisional {
				provisional_count += 1;
				ensure!(!verified, "a verified label still has a challenge window");
				ensure!(
					(provisional.label as usize) < proposal.bonded.len(),
					"a challenge window leads with a label the model does not have"
				);
				ensure!(
					Settlements::<T>::get(provisional.ticket) == Some(id),
					"a provisional label is not queued to settle"
				);
			}
		}
		ensure!(proposals == Proposals::<T>::count(), "Proposals counter is off");
		for (author, deposits) in held {
			let on_hold =
				T::Currency::balance_on_hold(&HoldReason::ProposalDeposit.into(), &author);
			ensure!(on_hold == deposits, "held deposits differ from the proposals' deposits");
		}
		for (annotator, bonded) in bonds {
			let on_hold =
				T::Currency::balance_on_hold(&HoldReason::AnnotationBond.into(), &annotator);
			ensure!(on_hold == bonded, "held bonds differ from the unsettled annotations' bonds");
		}
		let (head, tail) = SettlementBounds::<T>::get();
		for (ticket, _) in Settlements::<T>::iter() {
			ensure!(
				ticket.wrapping_sub(head) < tail.wrapping_sub(head),
				"a ticket is out of bounds"
			);
		}
		ensure!(
			Settlements::<T>::iter().count() as u32 >= provisional_count,
			"a provisional label has no ticket"
		);
		let mut examples = 0u32;
		for (id, example) in TrainingSet::<T>::iter() {
			examples += 1;
			// A removed proposal leaves its training example behind.
			if let Some(proposal) = Proposals::<T>::get(id) {
				ensure!(proposal.verified_label == Some(example.label), "training label mismatch");
				ensure!(Self::space_of(id) == example.space, "training space mismatch");
			}
		}
		ensure!(examples == TrainingSet::<T>::count(), "TrainingSet counter is off");
		let mut indexed = 0u32;
		for (hash, id, ()) in ContentIndex::<T>::iter() {
			indexed += 1;
			ensure!(
				Proposals::<T>::get(id).is_some_and(|p| p.content_hash == hash),
				"the content index names a proposal that does not exist or has another body"
			);
		}
		ensure!(indexed == proposals, "the content index does not hold every proposal");
		for (id, _) in Filings::<T>::iter() {
			ensure!(
				Proposals::<T>::contains_key(id),
				"a filing is of a proposal that does not exist"
			);
		}
		Ok(())
	}
}
