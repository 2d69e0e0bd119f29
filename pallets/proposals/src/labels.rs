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

	/// Proposal `id`, if `annotator` may annotate it with `bond`: it exists and is not
	/// verified, `annotator` is not its author and has not annotated it, and `bond` is at least
	/// `min_annotation_bond`.
	pub(crate) fn annotatable(
		id: ProposalId,
		annotator: &T::AccountId,
		bond: BalanceOf<T>,
	) -> Result<ProposalOf<T>, DispatchError> {
		let proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;
		ensure!(proposal.author != *annotator, Error::<T>::AuthorCannotAnnotate);
		ensure!(proposal.verified_label.is_none(), Error::<T>::AlreadyVerified);
		ensure!(!Annotations::<T>::contains_key(id, annotator), Error::<T>::AlreadyAnnotated);
		ensure!(bond >= Params::<T>::get().min_annotation_bond, Error::<T>::BondTooLow);
		Ok(proposal)
	}

	/// The commitment that seals `label` for proposal `id`: `blake2_256` of the SCALE encoding
	/// of `(id, label, salt, annotator)`.
	pub fn commitment(
		id: ProposalId,
		label: LabelIndex,
		salt: &[u8; 32],
		annotator: &T::AccountId,
	) -> H256 {
		H256(sp_io::hashing::blake2_256(&(id, label, salt, annotator).encode()))
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

	/// Settles proposal `id`'s challenge window on its leading label. A window whose labels
	/// tie with the incumbent gone runs `challenge_extension` more blocks; one with no revealed
	/// bond left (every bond displaced by sealed ones) closes, to open again when the bonds
	/// reach the quorum. Returns the weight used.
	pub(crate) fn settle(id: ProposalId, mut proposal: ProposalOf<T>) -> Weight {
		let annotations = proposal.annotation_count();
		let Some(provisional) = proposal.provisional.take() else {
			return T::WeightInfo::settle(annotations);
		};
		match proposal.leader(Some(provisional.label)) {
			Some(label) => Self::verify(id, &mut proposal, label),
			None if proposal.reaches(Params::<T>::get().min_annotation_bond) => {
				let now = frame_system::Pallet::<T>::block_number();
				let settles_at = now.saturating_add(Self::challenge_extension());
				let ticket = Self::queue_settlement(id);
				proposal.provisional = Some(Provisional { settles_at, ticket, ..provisional });
				Self::deposit_event(Event::LabelProvisional {
					id,
					label: provisional.label,
					settles_at,
				});
			},
			None => {},
		}
		Self::release_deposit(id, &mut proposal);
		Proposals::<T>::insert(id, proposal);
		T::WeightInfo::settle(annotations)
	}

	/// Opens, moves or extends proposal `id`'s challenge window after its bonds changed in
	/// block `now`: a window opens once the revealed bonds reach `verification_bond` with one
	/// label ahead; when another label takes the lead within `challenge_extension` blocks of the
	/// window's end, the window ends `challenge_extension` blocks from now, so that a last-block
	/// bond can always be answered. Emits `LabelProvisional` when a window opens or its leader
	/// changes.
	pub(crate) fn update_window(
		id: ProposalId,
		proposal: &mut ProposalOf<T>,
		now: BlockNumberFor<T>,
	) {
		match proposal.provisional {
			None => {
				let params = Params::<T>::get();
				if !proposal.reaches(params.verification_bond) {
					return;
				}
				let Some(label) = proposal.leader(None) else { return };
				let settles_at = now.saturating_add(params.challenge_period);
				let ticket = Self::queue_settlement(id);
				proposal.provisional = Some(Provisional { label, settles_at, ticket });
				Self::deposit_event(Event::LabelProvisional { id, label, settles_at });
			},
			Some(mut window) => {
				let leader = proposal.leader(Some(window.label));
				if leader == Some(window.label) {
					return;
				}
				let extension = Self::challenge_extension();
				if window.settles_at.saturating_sub(now) < extension {
					Settlements::<T>::remove(window.ticket);
					window.settles_at = now.saturating_add(extension);
					window.ticket = Self::queue_settlement(id);
				}
				// With no leader (a tie the incumbent left), the incumbent's place is kept
				// until a label leads again or the window ends (and runs on).
				window.label = leader.unwrap_or(window.label);
				proposal.provisional = Some(window);
				Self::deposit_event(Event::LabelProvisional {
					id,
					label: window.label,
					settles_at: window.settles_at,
				});
			},
		}
	}

	/// How many blocks a window runs on after its leader changes near its end:
	/// `challenge_extension` of the challenge period, at least one.
	pub fn challenge_extension() -> BlockNumberFor<T> {
		let params = Params::<T>::get();
		params.challenge_extension.mul_ceil(params.challenge_period).max(One::one())
	}

	/// Counts `bond` for `label` in the proposal's tally.
	pub(crate) fn count_bond(
		proposal: &mut ProposalOf<T>,
		label: LabelIndex,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		proposal.tally.get_mut(label as usize).ok_or(Error::<T>::InvalidLabel)?.saturating_inc();
		proposal
			.bonded
			.get_mut(label as usize)
			.ok_or(Error::<T>::InvalidLabel)?
			.saturating_accrue(bond);
		Ok(())
	}

	/// Makes room for an annotation bonding `bond` on proposal `id`: when the proposal holds
	/// `MaxAnnotations`, the one with the smallest bond (the latest among equals) is removed
	/// and its bond returned whole, if `bond` is strictly larger. So no number of accounts
	/// closes a proposal to a larger bond. Emits `AnnotationDisplaced`.
	pub(crate) fn make_room(
		id: ProposalId,
		proposal: &mut ProposalOf<T>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		if proposal.annotation_count() < T::MaxAnnotations::get() {
			return Ok(());
		}
		let smallest = Annotations::<T>::iter_prefix(id)
			.min_by(|(_, a), (_, b)| a.bond.cmp(&b.bond).then(b.annotated_at.cmp(&a.annotated_at)))
			.ok_or(Error::<T>::TooManyAnnotations)?;
		let (annotator, annotation) = smallest;
		ensure!(bond > annotation.bond, Error::<T>::TooManyAnnotations);
		match annotation.choice {
			Choice::Label(label) => {
				if let Some(n) = proposal.tally.get_mut(label as usize) {
					n.saturating_dec();
				}
				if let Some(w) = proposal.bonded.get_mut(label as usize) {
					w.saturating_reduce(annotation.bond);
				}
			},
			Choice::Sealed(_) => proposal.sealed.saturating_dec(),
		}
		Annotations::<T>::remove(id, &annotator);
		Self::release_bond(&annotator, annotation.bond);
		Self::deposit_event(Event::AnnotationDisplaced { id, annotator, bond: annotation.bond });
		Ok(())
	}

	/// Verifies `label` for proposal `id`: the training set; bonds back to the agreeing
	/// annotations with their share of what the others lose; points to those who named a
	/// correction first.
	///
	/// Who pays and who gains:
	/// - the annotations of other labels, and sealed ones never revealed, pay
	///   `disagreement_slash` of their bonds; the agreeing ones gain it, pro rata to their bonds
	///   (rounding dust goes to `Slash`). Splitting one bond over many accounts changes no share.
	/// - `correction_points` are paid only when the verified label corrects the inference
	///   network (it published another label, or none after every round it allows), and only
	///   to the agreeing annotations that named the label before it was public (when they were
	///   made or sealed), pro rata to their bonds. Repeating the network's label, or a label
	///   someone else already bonded, earns nothing but a share of what challengers lose:
	///   a farm of copies pays its fees and gains no points.
	pub(crate) fn verify(id: ProposalId, proposal: &mut ProposalOf<T>, label: LabelIndex) {
		proposal.verified_label = Some(label);
		let analysis = proposal.analysis;
		let correction = analysis.corrected_by(label);
		let (mut agreeing, mut disagreeing) = (0u32, 0u32);
		let mut agreeing_bond = BalanceOf::<T>::zero();
		let mut first_bond = BalanceOf::<T>::zero();
		let mut forfeited = CreditOf::<T>::zero();
		let params = Params::<T>::get();
		for (annotator, annotation) in Annotations::<T>::iter_prefix(id) {
			if annotation.label() == Some(label) {
				agreeing.saturating_inc();
				agreeing_bond.saturating_accrue(annotation.bond);
				if annotation.first_to_name(label) {
					first_bond.saturating_accrue(annotation.bond);
				}
				Self::release_bond(&annotator, annotation.bond);
				ContributionsOf::<T>::mutate(&annotator, |c| c.agreed.saturating_inc());
			} else {
				disagreeing.saturating_inc();
				let due = params.disagreement_slash.mul_floor(annotation.bond);
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
				if annotation.label() != Some(label) {
					continue;
				}
				if correction && annotation.first_to_name(label) && !first_bond.is_zero() {
					let share = Perbill::from_rational(annotation.bond, first_bond);
					let points = share.mul_floor(params.correction_points);
					if points > 0 {
						T::RewardPoints::reward(&annotator, Contribution::Annotation, points);
					}
					ContributionsOf::<T>::mutate(&annotator, |c| c.corrections.saturating_inc());
				}
				let share = Perbill::from_rational(annotation.bond, agreeing_bond);
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
		proposal.sealed = 0;
		let space = Self::space_of(id);
		TrainingSet::<T>::insert(
			id,
			TrainingExample {
				proposal: id,
				content_hash: proposal.content_hash,
				label,
				analysis,
				space,
			},
		);
		if let Some(space) = space {
			T::Spaces::note(space, SpaceActivity::Verified);
			if analysis != AnalysisStatus::Pending {
				T::Spaces::note(space, SpaceActivity::Compared { matched: !correction });
			}
		}
		Self::deposit_event(Event::LabelVerified {
			id,
			label,
			agreeing,
			disagreeing,
			slashed,
			correction,
		});
	}
}
