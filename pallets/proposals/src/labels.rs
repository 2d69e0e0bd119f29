//! Labels: tallying annotations, settling a label when its challenge window ends, and
//! verifying it for the training set.

use super::*;

impl<T: Config> Pallet<T> {
	pub(crate) fn empty_tally() -> Tally {
		let mut tally = Tally::new();
		for _ in 0..T::LabelCount::get() {
			// `integrity_test` keeps `LabelCount` within the tally's bound.
			let _ = tally.try_push(0);
		}
		tally
	}

	pub(crate) fn empty_bonds() -> BondTally<BalanceOf<T>> {
		let mut bonds = BondTally::new();
		for _ in 0..T::LabelCount::get() {
			// `integrity_test` keeps `LabelCount` within the tally's bound.
			let _ = bonds.try_push(Zero::zero());
		}
		bonds
	}

	/// Puts proposal `id` at the end of the settlement queue; its ticket.
	pub(crate) fn queue_settlement(id: ProposalId) -> u32 {
		let (head, tail) = SettlementBounds::<T>::get();
		Settlements::<T>::insert(tail, id);
		SettlementBounds::<T>::put((head, tail.wrapping_add(1)));
		tail
	}

	/// Settles, oldest first, the labels whose window has ended by `now`: at most
	/// `MaxSettlementsPerBlock` of them, looking at most twice as many tickets (those of removed
	/// proposals are skipped). Returns the weight used.
	pub(crate) fn settle_due(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let (mut head, tail) = SettlementBounds::<T>::get();
		let mut weight = db.reads(1);
		let max = T::MaxSettlementsPerBlock::get();
		let (mut settled, mut looked) = (0u32, 0u32);
		while head != tail && settled < max && looked < max.saturating_mul(2) {
			looked.saturating_inc();
			weight.saturating_accrue(db.reads(2));
			let pending = Settlements::<T>::get(head)
				.and_then(|id| Proposals::<T>::get(id).map(|p| (id, p)))
				.filter(|(_, p)| p.provisional.is_some_and(|v| v.ticket == head));
			if let Some((id, proposal)) = pending {
				if proposal.provisional.is_some_and(|v| v.settles_at > now) {
					break;
				}
				weight.saturating_accrue(Self::settle(id, proposal));
				settled.saturating_inc();
			}
			Settlements::<T>::remove(head);
			weight.saturating_accrue(db.writes(1));
			head = head.wrapping_add(1);
		}
		if head != SettlementBounds::<T>::get().0 {
			SettlementBounds::<T>::put((head, tail));
			weight.saturating_accrue(db.writes(1));
		}
		weight
	}

	/// Settles proposal `id`'s provisional label: verifies what the bonds now agree on, or
	/// finds it disputed. Returns the weight used.
	pub(crate) fn settle(id: ProposalId, mut proposal: ProposalOf<T>) -> Weight {
		let annotations = proposal.annotation_count();
		proposal.provisional = None;
		match proposal.agreed_label(T::VerificationBond::get(), T::AgreementThreshold::get()) {
			Some(label) => Self::verify(id, &mut proposal, label),
			None => {
				for (annotator, annotation) in Annotations::<T>::drain_prefix(id) {
					Self::release_bond(&annotator, annotation.bond);
				}
				proposal.tally = Self::empty_tally();
				proposal.bonded = Self::empty_bonds();
				Self::deposit_event(Event::LabelDisputed { id });
			},
		}
		Self::release_deposit(id, &mut proposal);
		Proposals::<T>::insert(id, proposal);
		T::WeightInfo::settle(annotations)
	}

	/// Verifies `label` for proposal `id`: the training set; bonds back to the agreeing
	/// annotations with their share of the points and of what the disagreeing bonds lose.
	///
	/// Who pays and who gains: the disagreeing annotators pay `DisagreementSlash` of their bonds;
	/// the agreeing ones gain it, pro rata to their bonds, with the label's `AnnotationPoints`
	/// (rounding dust goes to `Slash`). Splitting one bond over many accounts changes no share.
	pub(crate) fn verify(id: ProposalId, proposal: &mut ProposalOf<T>, label: LabelIndex) {
		proposal.verified_label = Some(label);
		let (mut agreeing, mut disagreeing) = (0u32, 0u32);
		let mut agreeing_bond = BalanceOf::<T>::zero();
		let mut forfeited = CreditOf::<T>::zero();
		for (annotator, annotation) in Annotations::<T>::iter_prefix(id) {
			if annotation.label == label {
				agreeing.saturating_inc();
				agreeing_bond.saturating_accrue(annotation.bond);
				Self::release_bond(&annotator, annotation.bond);
				ContributionsOf::<T>::mutate(&annotator, |c| c.agreed.saturating_inc());
			} else {
				disagreeing.saturating_inc();
				let due = T::DisagreementSlash::get().mul_floor(annotation.bond);
				let (credit, _) = <T::Currency as BalancedHold<_>>::slash(
					&HoldReason::AnnotationBond.into(),
					&annotator,
					due,
				);
				Self::release_bond(&annotator, annotation.bond.saturating_sub(credit.peek()));
				forfeited.subsume(credit);
				ContributionsOf::<T>::mutate(&annotator, |c| c.disagreed.saturating_inc());
			}
		}
		let slashed = forfeited.peek();
		if !agreeing_bond.is_zero() {
			for (annotator, annotation) in Annotations::<T>::iter_prefix(id) {
				if annotation.label != label {
					continue;
				}
				let share = Perbill::from_rational(annotation.bond, agreeing_bond);
				let points = share.mul_floor(T::AnnotationPoints::get());
				if points > 0 {
					T::RewardPoints::reward(&annotator, Contribution::Annotation, points);
				}
				let (part, rest) = forfeited.split(share.mul_floor(slashed));
				forfeited = rest;
				if let Err(unpaid) = <T::Currency as Balanced<_>>::resolve(&annotator, part) {
					forfeited.subsume(unpaid);
				}
			}
		}
		T::Slash::on_unbalanced(forfeited);
		// Every bond is settled: the label and its tally are what stays of the annotations.
		let _ = Annotations::<T>::clear_prefix(id, T::MaxAnnotations::get(), None);
		TrainingSet::<T>::insert(
			id,
			TrainingExample { proposal: id, content_hash: proposal.content_hash, label },
		);
		Self::deposit_event(Event::LabelVerified { id, label, agreeing, disagreeing, slashed });
	}
}
