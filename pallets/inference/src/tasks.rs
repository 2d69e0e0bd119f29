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

	/// Opens a task for the queued proposal `entry`, drawing its committee's seats (more after
	/// each failed round, never a member of one): the task and its committee's size,
	/// `Ok(Err(None))` when no judgement slot is free or this block may not draw for it (it
	/// waits), or why the network cannot analyse the proposal.
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
		let escalation = Escalations::<T>::get(proposal);
		let round = escalation.as_ref().map_or(0, |e| e.failed);
		let prior = escalation.map(|e| e.prior.into_inner()).unwrap_or_default();
		let seats = params.seats_for_round(round, T::MaxCommitteeSize::get());
		// Nobody of a failed round sits again; on a network too small for that, nobody who
		// failed to answer in one (a dissenter stays: it cannot block forever, since the
		// analysis ends after `escalations`, and it is judged by any consensus).
		let everyone: Vec<T::AccountId> = prior.iter().map(|m| m.node.clone()).collect();
		let mut drawn = T::Nodes::draw_seats(&seed, seats, &everyone);
		if drawn.is_empty() && !prior.is_empty() {
			let silent: Vec<T::AccountId> = prior
				.iter()
				.filter(|m| !matches!(m.answer, PriorAnswer::Revealed { .. }))
				.map(|m| m.node.clone())
				.collect();
			drawn = T::Nodes::draw_seats(&seed, seats, &silent);
		}
		if drawn.is_empty() {
			return Ok(Err(Some(Unavailable::NoNodes)));
		}

		let now = frame_system::Pallet::<T>::block_number();
		let commit_end = now.saturating_add(params.commit_window);
		let reveal_end = commit_end.saturating_add(params.reveal_window);
		let Some(due) = Self::judgement_slot(reveal_end) else {
			return Ok(Err(None));
		};

		// At most `seats` distinct members, and `seats` is at most `MaxCommitteeSize`.
		let committee = BoundedVec::<_, T::MaxCommitteeSize>::truncate_from(drawn);
		let members: Vec<T::AccountId> = committee.iter().map(|m| m.node.clone()).collect();
		let member_seats: Vec<u32> = committee.iter().map(|m| m.seats).collect();
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
				round,
				commits: 0,
				reveals: 0,
				excused: 0,
			},
		);
		NextTaskId::<T>::put(next_task);
		// A failed round's result goes when the next round opens: a proposal keeps one.
		if let Some(previous) = TaskOfProposal::<T>::get(proposal) {
			Results::<T>::remove(previous);
		}
		TaskOfProposal::<T>::insert(proposal, task);
		Self::deposit_event(Event::TaskOpened {
			task,
			proposal,
			model,
			committee: members,
			seats: member_seats,
			round,
			commit_end,
			reveal_end: due.saturating_sub(One::one()),
		});
		Ok(Ok((task, size)))
	}

	/// Puts `proposal` at the end of the backlog, fixed by this block's author; how many wait
	/// ahead of it. Refused when `MaxBacklog` proposals wait already (gaps left by
	/// withdrawals do not count).
	pub(crate) fn enqueue(proposal: ProposalId, content_hash: H256) -> Result<u32, DispatchError> {
		let waiting = BacklogLen::<T>::get();
		ensure!(waiting < T::MaxBacklog::get(), Error::<T>::BacklogFull);
		let (head, tail) = BacklogBounds::<T>::get();
		let fixed_by = T::Randomness::author();
		Backlog::<T>::insert(tail, QueuedProposal { proposal, content_hash, fixed_by });
		Queued::<T>::insert(proposal, tail);
		BacklogBounds::<T>::put((head, tail.wrapping_add(1)));
		BacklogLen::<T>::put(waiting.saturating_add(1));
		Self::deposit_event(Event::TaskQueued { proposal, ahead: waiting });
		Ok(waiting)
	}

	/// Puts a proposal whose round failed at the front of the backlog, fixed by this block's
	/// author, so that its next committee is drawn before any new proposal's. Never refused:
	/// at most one entry per open task comes back this way, so the backlog holds at most
	/// `MaxBacklog` plus the open tasks.
	pub(crate) fn requeue(proposal: ProposalId, content_hash: H256) {
		let (head, tail) = BacklogBounds::<T>::get();
		let head = head.wrapping_sub(1);
		let fixed_by = T::Randomness::author();
		Backlog::<T>::insert(head, QueuedProposal { proposal, content_hash, fixed_by });
		Queued::<T>::insert(proposal, head);
		BacklogBounds::<T>::put((head, tail));
		BacklogLen::<T>::mutate(|n| n.saturating_inc());
	}

	/// Opens tasks for waiting proposals, oldest first, while judgement slots are free: at most
	/// `MaxTasksPerBlock` tasks. Gaps left by withdrawals are passed over without counting
	/// against that, up to `MaxBacklog` of them per block (one read each). Returns the weight
	/// used.
	pub(crate) fn open_backlog() -> Weight {
		let db = T::DbWeight::get();
		let (mut head, tail) = BacklogBounds::<T>::get();
		let mut weight = db.reads(1);
		if head == tail {
			return weight;
		}
		let open_weight =
			T::WeightInfo::open_task(T::Nodes::max_candidates(), T::MaxCommitteeSize::get());
		let (mut opened, mut gaps) = (0u32, 0u32);
		let max = T::MaxTasksPerBlock::get();
		while head != tail && opened < max && gaps < T::MaxBacklog::get() {
			weight.saturating_accrue(db.reads(1));
			let Some(entry) = Backlog::<T>::get(head) else {
				gaps.saturating_inc();
				head = head.wrapping_add(1);
				continue;
			};
			weight.saturating_accrue(open_weight);
			match Self::open(&entry) {
				Ok(Ok(_)) => {
					opened.saturating_inc();
					weight.saturating_accrue(db.writes(3));
					Backlog::<T>::remove(head);
					Queued::<T>::remove(entry.proposal);
					BacklogLen::<T>::mutate(|n| n.saturating_dec());
					head = head.wrapping_add(1);
				},
				// No node left that was not on one of its failed committees: the analysis ends.
				Ok(Err(Some(Unavailable::NoNodes)))
					if Escalations::<T>::contains_key(entry.proposal) =>
				{
					weight.saturating_accrue(db.writes(3));
					Backlog::<T>::remove(head);
					Queued::<T>::remove(entry.proposal);
					BacklogLen::<T>::mutate(|n| n.saturating_dec());
					head = head.wrapping_add(1);
					weight.saturating_accrue(Self::end_unanswered(entry.proposal));
				},
				// No slot free yet, no seed this block may use, no model, no nodes, or no task
				// ids: it waits, and so does everything behind it.
				_ => break,
			}
		}
		BacklogBounds::<T>::put((head, tail));
		weight
	}

	/// Judges task `task`: aggregates its reveals by seat and either stores the agreed result
	/// and judges every member of every round of the proposal by it, or sends the proposal back
	/// to the backlog for a larger committee without this one's members, or (no rounds left)
	/// ends its analysis unanswered. Returns the weight used.
	pub(crate) fn finalize(task: TaskId, now: BlockNumberFor<T>) -> Weight {
		let Some(record) = Tasks::<T>::take(task) else {
			return T::DbWeight::get().reads(1);
		};
		let params = Params::<T>::get();
		let size = record.committee.len() as u32;

		let mut answers: Vec<(u128, Option<InferenceResult>, bool)> =
			Vec::with_capacity(record.committee.len());
		let (mut counted_seats, mut revealed_seats) = (0u128, 0u128);
		for member in record.committee.iter() {
			let seats = u128::from(member.seats);
			let reveal = Reveals::<T>::take(task, &member.node);
			let excused = Excuses::<T>::take(task, &member.node).is_some();
			// An excused seat is not asked to answer: it counts neither way.
			if !excused {
				counted_seats.saturating_accrue(seats);
			}
			if reveal.is_some() {
				revealed_seats.saturating_accrue(seats);
			}
			answers.push((seats, reveal, excused));
		}
		let _ = Commitments::<T>::clear_prefix(task, size, None);

		let revealed: Vec<(u128, &InferenceResult)> =
			answers.iter().filter_map(|(s, r, _)| r.as_ref().map(|r| (*s, r))).collect();
		let verdict = consensus::aggregate(
			&revealed,
			counted_seats,
			&record.model,
			T::LabelCount::get(),
			consensus::Rule {
				threshold: params.consensus_threshold,
				min_participation: params.min_participation,
			},
		);
		let participation = if counted_seats == 0 {
			Perbill::zero()
		} else {
			Perbill::from_rational(revealed_seats, counted_seats)
		};
		let anyone_revealed = !revealed.is_empty();
		// What each member did, as the proposal's later rounds (or its end) judge it.
		let this_round =
			record.committee.iter().zip(answers.iter()).map(|(member, (_, answer, excused))| {
				PriorMember {
					node: member.node.clone(),
					task,
					answer: match answer {
						Some(r) => PriorAnswer::Revealed {
							label: r.label,
							on_task_model: r.model == record.model,
						},
						None if *excused => PriorAnswer::Excused,
						None if anyone_revealed => PriorAnswer::Silent,
						None => PriorAnswer::Unanswered,
					},
				}
			});
		let this_round: Vec<PriorMember<T::AccountId>> = this_round.collect();

		let mut weight = T::WeightInfo::finalize_task(size);
		let outcome = match verdict {
			Verdict::Consensus { label, scores, readable, brief } => {
				let prior = Escalations::<T>::take(record.proposal)
					.map(|e| e.prior.into_inner())
					.unwrap_or_default();
				weight.saturating_accrue(T::WeightInfo::finalize_task(prior.len() as u32));
				for member in prior.iter().chain(this_round.iter()) {
					Self::judge(member, &params, Some(label));
				}
				T::OnAnalysed::on_analysed(record.proposal, label);
				weight.saturating_accrue(T::OnAnalysed::on_analysed_weight());
				Self::deposit_event(Event::TaskFinalized {
					task,
					proposal: record.proposal,
					label,
					scores: scores.to_vec(),
					readable,
					brief: brief.clone(),
					participation,
				});
				Outcome::Consensus { label, scores, readable, brief }
			},
			verdict => {
				let outcome = if verdict == Verdict::NoConsensus {
					Self::deposit_event(Event::NoConsensus {
						task,
						proposal: record.proposal,
						participation,
					});
					Outcome::NoConsensus
				} else {
					Self::deposit_event(Event::TaskInconclusive {
						task,
						proposal: record.proposal,
						participation,
					});
					Outcome::Inconclusive
				};
				weight.saturating_accrue(Self::escalate(task, &record, this_round, &params));
				outcome
			},
		};
		Results::<T>::insert(
			task,
			TaskResult {
				proposal: record.proposal,
				content_hash: record.content_hash,
				model: record.model,
				outcome,
				participation,
				committee: record.committee.clone(),
				round: record.round,
				finalized_at: now,
			},
		);
		weight
	}

	/// After a round of `record`'s proposal failed: sends the proposal back to the backlog for
	/// a larger committee without this round's members, or, with no rounds left, ends its
	/// analysis unanswered. Returns the weight used beyond the judgement's.
	fn escalate(
		task: TaskId,
		record: &TaskOf<T>,
		this_round: Vec<PriorMember<T::AccountId>>,
		params: &ParametersOf<T>,
	) -> Weight {
		let proposal = record.proposal;
		let mut escalation = Escalations::<T>::get(proposal)
			.unwrap_or(Escalation { failed: 0, prior: Default::default() });
		let mut prior = escalation.prior.into_inner();
		prior.extend(this_round);
		escalation.failed.saturating_inc();
		// Bounded: `MaxCommitteeSize` members a round, at most `MaxEscalations` + 1 rounds.
		escalation.prior = BoundedVec::truncate_from(prior);
		let round = escalation.failed;
		Escalations::<T>::insert(proposal, escalation);
		if round > params.escalations {
			return Self::end_unanswered(proposal);
		}
		Self::requeue(proposal, record.content_hash);
		Self::deposit_event(Event::TaskEscalated { task, proposal, round });
		T::DbWeight::get().reads_writes(2, 5)
	}

	/// Ends `proposal`'s analysis without consensus after its failed rounds: every round's
	/// members are judged (silence while others answered costs reputation, nothing is
	/// slashed), and the proposals pallet is told, so that the author's deposit is not held for
	/// ever. Returns the weight used.
	pub(crate) fn end_unanswered(proposal: ProposalId) -> Weight {
		let params = Params::<T>::get();
		let (rounds, prior) = Escalations::<T>::take(proposal)
			.map(|e| (e.failed, e.prior.into_inner()))
			.unwrap_or_default();
		for member in prior.iter() {
			Self::judge(member, &params, None);
		}
		T::OnAnalysed::on_unanswered(proposal);
		Self::deposit_event(Event::AnalysisUnanswered { proposal, rounds });
		T::WeightInfo::finalize_task(prior.len() as u32)
			.saturating_add(T::OnAnalysed::on_unanswered_weight())
	}

	/// Judges one member of one of a proposal's rounds by the label the analysis agreed on
	/// (`None`: it ended without consensus), and credits an agreeing member's reward points.
	fn judge(
		member: &PriorMember<T::AccountId>,
		params: &ParametersOf<T>,
		agreed: Option<LabelIndex>,
	) {
		let outcome = match (member.answer, agreed) {
			(PriorAnswer::Unanswered, _) => MemberOutcome::Inconclusive,
			(PriorAnswer::Excused, _) => MemberOutcome::Excused,
			(PriorAnswer::Silent, Some(_)) => MemberOutcome::Missed,
			(PriorAnswer::Silent, None) => MemberOutcome::Silent,
			(PriorAnswer::Revealed { .. }, None) => MemberOutcome::Inconclusive,
			(PriorAnswer::Revealed { label, on_task_model: true }, Some(agreed))
				if label == agreed =>
			{
				MemberOutcome::Agreed
			},
			(PriorAnswer::Revealed { .. }, Some(_)) => MemberOutcome::Disagreed,
		};
		if outcome == MemberOutcome::Agreed {
			T::RewardPoints::reward(&member.node, Contribution::Inference, params.inference_points);
		}
		T::Nodes::record(&member.node, Work::Task(member.task), outcome);
	}

	/// Cancels the open task of `proposal`, or takes it out of the backlog, or forgets its
	/// judged task's result; whether there was any.
	pub(crate) fn cancel(proposal: ProposalId) -> bool {
		// Members of failed rounds are not judged: the proposal's analysis never ended.
		Escalations::<T>::remove(proposal);
		if let Some(position) = Queued::<T>::take(proposal) {
			Backlog::<T>::remove(position);
			BacklogLen::<T>::mutate(|n| n.saturating_dec());
			// A proposal waiting for another round has results of its failed ones.
			if let Some(task) = TaskOfProposal::<T>::take(proposal) {
				Results::<T>::remove(task);
			}
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

		// The backlog: every entry inside the bounds and indexed, new proposals in submission
		// order behind the escalated ones, and its live count right.
		let (head, tail) = BacklogBounds::<T>::get();
		let len = tail.wrapping_sub(head);
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
			if Escalations::<T>::contains_key(entry.proposal) {
				continue;
			}
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
		ensure!(BacklogLen::<T>::get() == waiting, "the backlog's live count is off");
		ensure!(
			waiting <= T::MaxBacklog::get().saturating_add(open),
			"the backlog holds more than MaxBacklog and one escalation per open task"
		);
		// One result per proposal: a failed round's goes when the next round opens.
		for (task, result) in Results::<T>::iter() {
			ensure!(
				TaskOfProposal::<T>::get(result.proposal) == Some(task),
				"a result is not its proposal's latest task"
			);
		}
		// Every escalated proposal waits in the backlog or has an open task, and its failed
		// rounds fit the bound.
		for (proposal, escalation) in Escalations::<T>::iter() {
			let open_task =
				TaskOfProposal::<T>::get(proposal).is_some_and(Tasks::<T>::contains_key);
			ensure!(
				Queued::<T>::contains_key(proposal) || open_task,
				"an escalated proposal neither waits nor has an open task"
			);
			ensure!(escalation.failed > 0, "an escalation without a failed round");
		}
		Ok(())
	}
}
