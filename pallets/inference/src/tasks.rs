//! A task's lifecycle: checking who may commit and reveal, queueing a proposal, opening its
//! task with a committee, moving an all-revealed task's judgement forward, judging it, and
//! cancelling it; and the invariants all of that keeps ([`Pallet::do_try_state`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// Whether `signer` may commit to `task` now (or excuse itself from it): the node its key
	/// belongs to, and the task.
	pub fn check_commit(
		signer: &T::AccountId,
		task: TaskId,
	) -> Result<(T::AccountId, TaskOf<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotInferenceNode)?;
		let record = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(record.member(&node).is_some(), Error::<T>::NotCommitteeMember);
		ensure!(!Commitments::<T>::contains_key(task, &node), Error::<T>::AlreadyCommitted);
		ensure!(!Excuses::<T>::contains_key(task, &node), Error::<T>::AlreadyExcused);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.commit_end, Error::<T>::WindowClosed);
		Ok((node, record))
	}

	/// Whether `signer` may reveal `result` and `salt` for `task` now: the node its key belongs
	/// to, and the task.
	pub fn check_reveal(
		signer: &T::AccountId,
		task: TaskId,
		result: &InferenceResult,
		salt: &Salt,
	) -> Result<(T::AccountId, TaskOf<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotInferenceNode)?;
		let record = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(record.member(&node).is_some(), Error::<T>::NotCommitteeMember);
		let committed = Commitments::<T>::get(task, &node).ok_or(Error::<T>::NotCommitted)?;
		ensure!(!Reveals::<T>::contains_key(task, &node), Error::<T>::AlreadyRevealed);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.reveal_end, Error::<T>::WindowClosed);
		ensure!(now > record.commit_end || record.all_committed(), Error::<T>::RevealTooEarly);
		ensure!(result.is_well_formed(T::LabelCount::get()), Error::<T>::InvalidResult);
		ensure!(commitment(result, salt, &node) == committed, Error::<T>::RevealMismatch);
		Ok((node, record))
	}

	/// The block a task whose reveal window ends at `reveal_end` is judged in: the first block
	/// after it, within [`MAX_DEFERRAL`] more, with room left.
	pub(crate) fn judgement_slot(reveal_end: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		(1..=MAX_DEFERRAL.saturating_add(1))
			.map(|offset| reveal_end.saturating_add(offset.into()))
			.find(|at| {
				DueAt::<T>::decode_len(at).unwrap_or(0) < T::MaxTasksPerBlock::get() as usize
			})
	}

	/// The block an open task is judged in: the one after its reveal window (`open` sets the
	/// window to end just before the judgement slot it found).
	pub(crate) fn due_block(record: &TaskOf<T>) -> BlockNumberFor<T> {
		record.reveal_end.saturating_add(One::one())
	}

	/// Moves a task whose members have all revealed to be judged in the next block, if there is
	/// room there; the reveal window closes now.
	pub(crate) fn judge_early(task: TaskId, record: &mut TaskOf<T>, now: BlockNumberFor<T>) {
		let scheduled = Self::due_block(record);
		let next = now.saturating_add(One::one());
		if scheduled <= next {
			return;
		}
		let moved = DueAt::<T>::mutate(next, |due| due.try_push(task).is_ok());
		if moved {
			DueAt::<T>::mutate(scheduled, |due| due.retain(|t| *t != task));
			record.reveal_end = now;
		}
	}

	/// Opens a task for the queued proposal `entry`, drawing its committee: the task and its
	/// committee's size, `Ok(Err(None))` when no judgement slot is free or this block may not
	/// draw for it (it waits), or why the network cannot analyse the proposal.
	pub(crate) fn open(
		entry: &QueuedProposal,
	) -> Result<Result<(TaskId, u32), Option<Unavailable>>, DispatchError> {
		let QueuedProposal { proposal, content_hash, fixed_by } = *entry;
		let Some(model) = T::ActiveModel::active_model() else {
			return Ok(Err(Some(Unavailable::NoActiveModel)));
		};
		let params = Params::<T>::get();
		let task = NextTaskId::<T>::get();
		let next_task = task.checked_add(1).ok_or(Error::<T>::TaskIdOverflow)?;
		// No seed in this block for what its author fixed: a later block draws.
		let Some(seed) = T::Randomness::seed(&(b"daollm/committee", task).encode(), fixed_by)
		else {
			return Ok(Err(None));
		};
		let drawn = T::Nodes::draw(&seed, params.committee_size);
		if drawn.is_empty() {
			return Ok(Err(Some(Unavailable::NoNodes)));
		}

		let now = frame_system::Pallet::<T>::block_number();
		let commit_end = now.saturating_add(params.commit_window);
		let reveal_end = commit_end.saturating_add(params.reveal_window);
		let Some(due) = Self::judgement_slot(reveal_end) else {
			return Ok(Err(None));
		};

		let mut committee = BoundedVec::<_, T::MaxCommitteeSize>::new();
		for (node, stake) in drawn {
			// `committee_size` is at most `MaxCommitteeSize`.
			let _ = committee.try_push(Seat { node, stake });
		}
		let members: Vec<T::AccountId> = committee.iter().map(|m| m.node.clone()).collect();
		let size = committee.len() as u32;

		// `judgement_slot` found room in `due`.
		let _ = DueAt::<T>::mutate(due, |tasks| tasks.try_push(task));
		Tasks::<T>::insert(
			task,
			AnalysisTask {
				proposal,
				content_hash,
				model,
				opened_at: now,
				commit_end,
				// A deferred judgement leaves the reveal window open until it.
				reveal_end: due.saturating_sub(One::one()),
				committee,
				commits: 0,
				reveals: 0,
				excused: 0,
			},
		);
		NextTaskId::<T>::put(next_task);
		TaskOfProposal::<T>::insert(proposal, task);
		Self::deposit_event(Event::TaskOpened {
			task,
			proposal,
			model,
			committee: members,
			commit_end,
			reveal_end: due.saturating_sub(One::one()),
		});
		Ok(Ok((task, size)))
	}

	/// Puts `proposal` at the end of the backlog, fixed by this block's author; how many wait
	/// ahead of it.
	pub(crate) fn enqueue(proposal: ProposalId, content_hash: H256) -> Result<u32, DispatchError> {
		let (head, tail) = BacklogBounds::<T>::get();
		let ahead = tail.wrapping_sub(head);
		ensure!(ahead < T::MaxBacklog::get(), Error::<T>::BacklogFull);
		let fixed_by = T::Randomness::author();
		Backlog::<T>::insert(tail, QueuedProposal { proposal, content_hash, fixed_by });
		Queued::<T>::insert(proposal, tail);
		BacklogBounds::<T>::put((head, tail.wrapping_add(1)));
		Self::deposit_event(Event::TaskQueued { proposal, ahead });
		Ok(ahead)
	}

	/// Opens tasks for waiting proposals, oldest first, while judgement slots are free: at most
	/// `MaxTasksPerBlock` tasks, looking at most twice as many positions (gaps left by
	/// withdrawals included). Returns the weight used.
	pub(crate) fn open_backlog() -> Weight {
		let db = T::DbWeight::get();
		let (mut head, tail) = BacklogBounds::<T>::get();
		let mut weight = db.reads(1);
		if head == tail {
			return weight;
		}
		let open_weight =
			T::WeightInfo::open_task(T::Nodes::max_candidates(), T::MaxCommitteeSize::get());
		let (mut opened, mut looked) = (0u32, 0u32);
		let max = T::MaxTasksPerBlock::get();
		while head != tail && opened < max && looked < max.saturating_mul(2) {
			looked.saturating_inc();
			weight.saturating_accrue(db.reads_writes(1, 2));
			let Some(entry) = Backlog::<T>::get(head) else {
				head = head.wrapping_add(1);
				continue;
			};
			weight.saturating_accrue(open_weight);
			match Self::open(&entry) {
				Ok(Ok(_)) => {
					opened.saturating_inc();
					Backlog::<T>::remove(head);
					Queued::<T>::remove(entry.proposal);
					head = head.wrapping_add(1);
				},
				// No slot free yet, no seed this block may use, no model, no nodes, or no task
				// ids: it waits, and so does everything behind it.
				_ => break,
			}
		}
		BacklogBounds::<T>::put((head, tail));
		weight
	}

	/// Judges task `task`: aggregates its reveals, scores its members, stores its result.
	/// Returns the weight used.
	pub(crate) fn finalize(task: TaskId, now: BlockNumberFor<T>) -> Weight {
		let Some(record) = Tasks::<T>::take(task) else {
			return T::DbWeight::get().reads(1);
		};
		let params = Params::<T>::get();
		let size = record.committee.len() as u32;

		let mut answers: Vec<(u128, Option<InferenceResult>, bool)> =
			Vec::with_capacity(record.committee.len());
		let (mut committee_stake, mut revealed_stake) = (0u128, 0u128);
		for member in record.committee.iter() {
			let stake: u128 = member.stake.unique_saturated_into();
			committee_stake.saturating_accrue(stake);
			let reveal = Reveals::<T>::take(task, &member.node);
			if reveal.is_some() {
				revealed_stake.saturating_accrue(stake);
			}
			let excused = Excuses::<T>::take(task, &member.node).is_some();
			answers.push((stake, reveal, excused));
		}
		let _ = Commitments::<T>::clear_prefix(task, size, None);

		let revealed: Vec<(u128, &InferenceResult)> =
			answers.iter().filter_map(|(s, r, _)| r.as_ref().map(|r| (*s, r))).collect();
		let verdict = consensus::aggregate(
			&revealed,
			committee_stake,
			&record.model,
			T::LabelCount::get(),
			consensus::Rule {
				threshold: params.consensus_threshold,
				min_participation: params.min_participation,
			},
		);
		let participation = if committee_stake == 0 {
			Perbill::zero()
		} else {
			Perbill::from_rational(revealed_stake, committee_stake)
		};

		for (member, (_, answer, excused)) in record.committee.iter().zip(answers.iter()) {
			let outcome = match (answer, &verdict) {
				// Too few answered for anyone to be judged: silence is not singled out.
				(_, Verdict::Inconclusive) => MemberOutcome::Inconclusive,
				(None, _) if *excused => MemberOutcome::Excused,
				(None, _) => MemberOutcome::Missed,
				(Some(_), Verdict::NoConsensus) => MemberOutcome::Inconclusive,
				(Some(r), Verdict::Consensus { label, .. })
					if r.label == *label && r.model == record.model =>
				{
					MemberOutcome::Agreed
				},
				(Some(_), Verdict::Consensus { .. }) => MemberOutcome::Disagreed,
			};
			if outcome == MemberOutcome::Agreed {
				T::RewardPoints::reward(
					&member.node,
					Contribution::Inference,
					params.inference_points,
				);
			}
			T::Nodes::record(&member.node, Work::Task(task), outcome);
		}

		let outcome = match verdict {
			Verdict::Consensus { label, scores, brief } => {
				T::OnAnalysed::on_analysed(record.proposal, label);
				Self::deposit_event(Event::TaskFinalized {
					task,
					proposal: record.proposal,
					label,
					scores: scores.to_vec(),
					brief: brief.clone(),
					participation,
				});
				Outcome::Consensus { label, scores, brief }
			},
			Verdict::NoConsensus => {
				Self::deposit_event(Event::NoConsensus {
					task,
					proposal: record.proposal,
					participation,
				});
				Outcome::NoConsensus
			},
			Verdict::Inconclusive => {
				Self::deposit_event(Event::TaskInconclusive {
					task,
					proposal: record.proposal,
					participation,
				});
				Outcome::Inconclusive
			},
		};
		let analysed = match &outcome {
			Outcome::Consensus { .. } => T::OnAnalysed::on_analysed_weight(),
			Outcome::NoConsensus | Outcome::Inconclusive => Weight::zero(),
		};
		Results::<T>::insert(
			task,
			TaskResult {
				proposal: record.proposal,
				content_hash: record.content_hash,
				model: record.model,
				outcome,
				participation,
				committee_size: size,
				finalized_at: now,
			},
		);
		T::WeightInfo::finalize_task(size).saturating_add(analysed)
	}

	/// Cancels the open task of `proposal`, or takes it out of the backlog, or forgets its
	/// judged task's result; whether there was any.
	pub(crate) fn cancel(proposal: ProposalId) -> bool {
		if let Some(position) = Queued::<T>::take(proposal) {
			Backlog::<T>::remove(position);
			Self::deposit_event(Event::QueuedTaskCancelled { proposal });
			return true;
		}
		let Some(task) = TaskOfProposal::<T>::get(proposal) else { return false };
		let Some(record) = Tasks::<T>::take(task) else {
			// Judged already: the result goes with the proposal.
			TaskOfProposal::<T>::remove(proposal);
			Results::<T>::remove(task);
			return true;
		};
		let size = record.committee.len() as u32;
		let _ = Commitments::<T>::clear_prefix(task, size, None);
		let _ = Reveals::<T>::clear_prefix(task, size, None);
		let _ = Excuses::<T>::clear_prefix(task, size, None);
		DueAt::<T>::mutate(Self::due_block(&record), |due| due.retain(|t| *t != task));
		TaskOfProposal::<T>::remove(proposal);
		Self::deposit_event(Event::TaskCancelled { task, proposal });
		true
	}

	/// The pallet's invariants:
	/// - every open task has a committee, is due in exactly one block not yet past, and its
	///   commit and reveal counts match storage.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut open = 0u32;
		for (id, task) in Tasks::<T>::iter() {
			open += 1;
			ensure!(!task.committee.is_empty(), "an open task has no committee");
			ensure!(task.reveal_end >= now, "an open task is past its judgement block");
			let due = DueAt::<T>::iter().filter(|(_, tasks)| tasks.contains(&id)).count();
			ensure!(due == 1, "an open task is not due in exactly one block");
			ensure!(
				DueAt::<T>::get(Self::due_block(&task)).contains(&id),
				"an open task is not due right after its reveal window"
			);
			ensure!(
				Commitments::<T>::iter_prefix(id).count() as u32 == task.commits,
				"a task's commit count is off"
			);
			ensure!(
				Reveals::<T>::iter_prefix(id).count() as u32 == task.reveals,
				"a task's reveal count is off"
			);
			ensure!(
				Excuses::<T>::iter_prefix(id).count() as u32 == task.excused,
				"a task's excuse count is off"
			);
			ensure!(
				Excuses::<T>::iter_key_prefix(id).all(|n| !Commitments::<T>::contains_key(id, n)),
				"an excused member committed"
			);
		}
		ensure!(open == Tasks::<T>::count(), "Tasks counter is off");

		// The backlog: bounded, every entry inside the bounds and indexed, in submission order.
		let (head, tail) = BacklogBounds::<T>::get();
		let len = tail.wrapping_sub(head);
		ensure!(len <= T::MaxBacklog::get(), "the backlog is longer than MaxBacklog");
		let mut waiting = 0u32;
		let mut last: Option<ProposalId> = None;
		for offset in 0..len {
			let position = head.wrapping_add(offset);
			let Some(entry) = Backlog::<T>::get(position) else { continue };
			waiting += 1;
			ensure!(
				Queued::<T>::get(entry.proposal) == Some(position),
				"a backlog entry is not indexed"
			);
			ensure!(
				!TaskOfProposal::<T>::contains_key(entry.proposal),
				"a waiting proposal has a task"
			);
			ensure!(last.is_none_or(|l| l < entry.proposal), "the backlog is out of order");
			last = Some(entry.proposal);
		}
		ensure!(Backlog::<T>::iter().count() as u32 == waiting, "a backlog entry is out of bounds");
		ensure!(
			Queued::<T>::iter().count() as u32 == waiting,
			"an index entry has no backlog entry"
		);
		Ok(())
	}
}
