//! Deposits and bonds: what a proposal holds, when it is released, and how a finished record
//! is removed.

use super::*;

impl<T: Config> Pallet<T> {
	/// The deposit a proposal with a `body_len`-byte body holds, at the current parameters.
	pub fn deposit_for(body_len: u32) -> BalanceOf<T> {
		let params = Params::<T>::get();
		params.deposit_per_byte.saturating_mul(body_len.into()).saturating_add(params.deposit_base)
	}

	/// Releases `amount` held from `who` for a proposal deposit; the amount released.
	pub(crate) fn return_deposit(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		T::Currency::release(
			&HoldReason::ProposalDeposit.into(),
			who,
			amount,
			Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero())
	}

	/// Releases a proposal's deposit once, less the proposal fee (paid to `Fees`), if it is
	/// analysed or verified and no challenge window is open; emits `DepositReleased`.
	///
	/// Never before `deposit_held_until`: during the spam window the whole deposit stays held,
	/// so that marking the proposal spam slashes it ([`Pallet::release_due`] releases it when
	/// the window ends).
	pub(crate) fn release_deposit(id: ProposalId, proposal: &mut ProposalOf<T>) {
		let due = proposal.analysis != AnalysisStatus::Pending || proposal.verified_label.is_some();
		let window_open = frame_system::Pallet::<T>::block_number() < proposal.deposit_held_until;
		if proposal.deposit.is_zero() || !due || proposal.provisional.is_some() || window_open {
			return;
		}
		let params = Params::<T>::get();
		let fee = params.proposal_fee.min(proposal.deposit);
		let (credit, _missing) = <T::Currency as BalancedHold<_>>::slash(
			&HoldReason::ProposalDeposit.into(),
			&proposal.author,
			fee,
		);
		let fee = credit.peek();
		T::Fees::on_unbalanced(credit);
		let rest = proposal.deposit.saturating_sub(fee);
		let record = params.record_deposit.min(rest);
		let amount = Self::return_deposit(&proposal.author, rest.saturating_sub(record));
		proposal.deposit = Zero::zero();
		proposal.record_deposit = record;
		Self::deposit_event(Event::DepositReleased {
			id,
			author: proposal.author.clone(),
			amount,
			fee,
		});
	}

	/// Releases `amount` of `who`'s annotation bonds.
	pub(crate) fn release_bond(who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		let _ = T::Currency::release(
			&HoldReason::AnnotationBond.into(),
			who,
			amount,
			Precision::BestEffort,
		);
	}

	/// Releases the deposits of proposals whose spam window has ended, oldest first: at most
	/// [`Config::MaxSettlementsPerBlock`] proposals looked at, stopping at the first whose window
	/// is still open (windows end in submission order, unless governance shortens the period:
	/// then a few wait a little longer). A proposal still being analysed is released when its
	/// analysis lands. Two reads when nothing is due.
	pub(crate) fn release_due(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		let (start, end) = (NextRelease::<T>::get(), NextProposalId::<T>::get());
		let mut weight = db.reads(2);
		let mut cursor = start;
		let mut looked = 0u32;
		while cursor < end && looked < T::MaxSettlementsPerBlock::get() {
			looked.saturating_inc();
			weight.saturating_accrue(db.reads(1));
			if let Some(mut proposal) = Proposals::<T>::get(cursor) {
				if proposal.deposit_held_until > now {
					break;
				}
				if !proposal.deposit.is_zero() {
					Self::release_deposit(cursor, &mut proposal);
					if proposal.deposit.is_zero() {
						Proposals::<T>::insert(cursor, proposal);
						// The same release as when an analysis lands, which it bounds.
						weight.saturating_accrue(T::WeightInfo::on_analysed());
					}
				}
			}
			cursor = cursor.saturating_add(1);
		}
		if cursor != start {
			NextRelease::<T>::put(cursor);
			weight.saturating_accrue(db.writes(1));
		}
		weight
	}

	/// Removes a proposal with its annotations (returning their bonds if the label has not
	/// settled), its settlement and, if `with_example`, its training example; how many
	/// annotations it had.
	pub(crate) fn discard(id: ProposalId, proposal: &ProposalOf<T>, with_example: bool) -> u32 {
		let annotations = Self::forget_proposal(id, proposal);
		if let Some(provisional) = proposal.provisional {
			Settlements::<T>::remove(provisional.ticket);
		}
		if with_example {
			TrainingSet::<T>::remove(id);
		}
		annotations
	}

	/// Removes a proposal's record and its annotations (returning the bonds of unsettled ones),
	/// keeping its training example; how many annotations it had.
	pub(crate) fn forget_proposal(id: ProposalId, proposal: &ProposalOf<T>) -> u32 {
		let settled = proposal.verified_label.is_some();
		let mut annotations = 0u32;
		// Bounded: a proposal never has more than `MaxAnnotations` annotations.
		for (annotator, annotation) in Annotations::<T>::drain_prefix(id) {
			annotations.saturating_inc();
			if !settled {
				Self::release_bond(&annotator, annotation.bond);
			}
		}
		Proposals::<T>::remove(id);
		Self::unfile(id, proposal.content_hash);
		annotations
	}
}
