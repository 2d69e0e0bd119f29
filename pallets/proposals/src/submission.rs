//! Submitting a proposal: checking its text, holding its deposit, indexing its body, filing it
//! under its space and opening its analysis.

use super::*;

impl<T: Config> Pallet<T> {
	/// Submits `author`'s proposal, filed as `filing` if given.
	pub(crate) fn submit(
		author: T::AccountId,
		filing: Option<FilingOf<T>>,
		title: Vec<u8>,
		body: Vec<u8>,
	) -> DispatchResultWithPostInfo {
		ensure!(!title.is_empty(), Error::<T>::EmptyTitle);
		let title: BoundedVec<u8, T::MaxTitleLen> =
			title.try_into().map_err(|_| Error::<T>::TitleTooLong)?;
		ensure!(body.len() <= T::MaxBodyLen::get() as usize, Error::<T>::BodyTooLong);
		readable_body(&body).map_err(|e| match e {
			UnreadableBody::Empty => Error::<T>::EmptyBody,
			UnreadableBody::TooLong => Error::<T>::BodyTooLong,
			UnreadableBody::NotUtf8 => Error::<T>::BodyNotText,
		})?;
		let body_len = body.len() as u32;
		let title_len = title.len() as u32;
		let origin_len = filing.as_ref().map_or(0, |f| f.origin.len() as u32);
		let filed = filing.is_some();

		let id = NextProposalId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::ProposalIdOverflow)?;
		if let Some(space) = filing.as_ref().and_then(|f| f.space) {
			// Checks that the space exists before anything else changes.
			T::Spaces::file(space, id)?;
		}
		let deposit = Self::deposit_for(body_len.saturating_add(origin_len));
		T::Currency::hold(&HoldReason::ProposalDeposit.into(), &author, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let now = frame_system::Pallet::<T>::block_number();

		let content_hash = H256(sp_io::hashing::blake2_256(&body));
		let cid = cid_v1_raw_blake2b_256(&content_hash.0);
		// The body is the call's last argument, so it is the extrinsic's last `body_len`
		// bytes: the node keeps exactly those under `content_hash` for Bitswap.
		let extrinsic_index = frame_system::Pallet::<T>::extrinsic_index().unwrap_or_default();
		sp_io::transaction_index::index(extrinsic_index, body_len, content_hash.0);
		sp_io::offchain_index::set(&offchain_body_key(&content_hash.0), &body);

		Proposals::<T>::insert(
			id,
			Proposal {
				author: author.clone(),
				submitted_at: now,
				deposit_held_until: now.saturating_add(Params::<T>::get().challenge_period),
				title,
				body_len,
				content_hash,
				cid,
				deposit,
				record_deposit: Zero::zero(),
				analysis: AnalysisStatus::Pending,
				verified_label: None,
				tally: Self::empty_tally(),
				bonded: Self::empty_bonds(),
				sealed: 0,
				provisional: None,
			},
		);
		if let Some(filing) = filing {
			Filings::<T>::insert(id, filing);
		}
		ContentIndex::<T>::insert(content_hash, id, ());
		NextProposalId::<T>::put(next_id);
		ContributionsOf::<T>::mutate(&author, |c| c.proposals.saturating_inc());
		let task_weight = T::InferenceTasks::open_task(id, content_hash)?;

		Self::deposit_event(Event::ProposalSubmitted { id, author, cid, content_hash, deposit });
		let weight = if filed {
			T::WeightInfo::file_proposal(title_len, body_len)
		} else {
			T::WeightInfo::submit_proposal(title_len, body_len)
		};
		Ok(Some(weight.saturating_add(task_weight)).into())
	}

	/// The DAO space proposal `id` was filed under, if any.
	pub fn space_of(id: ProposalId) -> Option<SpaceId> {
		Filings::<T>::get(id).and_then(|filing| filing.space)
	}

	/// Counts `activity` in the record of the space proposal `id` was filed under, if any.
	pub(crate) fn note_space(id: ProposalId, activity: SpaceActivity) {
		if let Some(space) = Self::space_of(id) {
			T::Spaces::note(space, activity);
		}
	}

	/// Forgets where proposal `id` was filed and its body's digest: its record is gone.
	pub(crate) fn unfile(id: ProposalId, content_hash: H256) {
		if let Some(space) = Filings::<T>::take(id).and_then(|filing| filing.space) {
			T::Spaces::unfile(space, id);
		}
		ContentIndex::<T>::remove(content_hash, id);
	}
}
