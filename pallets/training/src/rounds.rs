//! A round's phases as the block hooks drive them: drawing the trainers, closing the
//! updates, drawing the aggregators, judging the seats and deciding the round; and the
//! invariants all of that keeps ([`Pallet::do_try_state`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// Draws `count` distinct trainers (`seats: false`) or `count` aggregator seats (`seats:
	/// true`: a node may win several, each one vote) for `purpose` in `round` from this block's
	/// VRF output, unless this block may not draw for what `fixed_by` fixed (then `None`: a later
	/// block draws).
	pub(crate) fn draw<S: Get<u32>>(
		purpose: &[u8],
		round: RoundId,
		count: u32,
		seats: bool,
		fixed_by: Option<u32>,
	) -> Option<SeatsOf<T, S>> {
		let seed = T::Randomness::seed(&(purpose, round).encode(), fixed_by)?;
		let count = count.min(S::get());
		let drawn = if seats {
			T::Nodes::draw_seats(&seed, count, &[])
		} else {
			T::Nodes::draw(&seed, count)
		};
		Some(BoundedVec::truncate_from(drawn))
	}

	/// Draws `round`'s trainers, if this block may: whether the round closed (nobody to train).
	pub(crate) fn draw_trainers(round: RoundId, record: &mut RoundOf<T>) -> Option<bool> {
		let params = Params::<T>::get();
		let seed =
			T::Randomness::seed(&(b"daollm/training-seed", round).encode(), record.fixed_by)?;
		let trainers =
			Self::draw(b"daollm/trainers", round, params.trainers, false, record.fixed_by)?;
		if trainers.is_empty() {
			return Some(Self::fail(round, record, Failure::NoTrainers));
		}
		Self::deposit_event(Event::TrainersDrawn {
			round,
			trainers: trainers.iter().map(|s| s.node.clone()).collect(),
		});
		record.trainers = trainers;
		record.drawn_with = seed;
		record.phase = Phase::Training;
		Some(false)
	}

	/// Moves every live round whose phase ended at `now` on; the weight used.
	pub(crate) fn advance_rounds(now: BlockNumberFor<T>) -> Weight {
		let live = LiveRounds::<T>::get();
		let mut weight = T::DbWeight::get().reads(1);
		let mut closed = Vec::new();
		for round in live.iter().copied() {
			weight.saturating_accrue(T::DbWeight::get().reads(1));
			let Some(mut record) = Rounds::<T>::get(round) else {
				closed.push(round);
				continue;
			};
			match record.phase {
				Phase::Drawing => {
					// A draw of up to `MaxTrainers` seats, no judgements.
					weight.saturating_accrue(T::WeightInfo::start_aggregation(
						T::MaxTrainers::get(),
						1,
					));
					match Self::draw_trainers(round, &mut record) {
						Some(true) => closed.push(round),
						Some(false) => {},
						None => continue,
					}
					Rounds::<T>::insert(round, record);
				},
				// The deadline's author fixes the last updates: the aggregators' draw needs
				// another author's block.
				Phase::Training if now == record.deadline => {
					weight.saturating_accrue(T::DbWeight::get().writes(1));
					record.fixed_by = T::Randomness::author();
					Rounds::<T>::insert(round, record);
				},
				Phase::Training if now > record.deadline => {
					weight.saturating_accrue(T::WeightInfo::start_aggregation(
						T::MaxAggregators::get(),
						T::MaxTrainers::get(),
					));
					match Self::start_aggregation(round, &mut record, now) {
						Some(true) => closed.push(round),
						Some(false) => {},
						None => continue,
					}
					Rounds::<T>::insert(round, record);
				},
				Phase::Aggregating { reveal_end, .. } if now > reveal_end => {
					weight.saturating_accrue(T::WeightInfo::decide(
						T::MaxAggregators::get(),
						T::MaxTrainers::get(),
					));
					Self::decide(round, &mut record);
					closed.push(round);
					Rounds::<T>::insert(round, record);
				},
				_ => {},
			}
		}
		if !closed.is_empty() {
			LiveRounds::<T>::mutate(|live| live.retain(|r| !closed.contains(r)));
			weight.saturating_accrue(T::DbWeight::get().writes(1));
		}
		weight
	}

	/// The fewest committed updates `round` aggregates: the parameters' `min_updates`, and at
	/// least one more than twice the trim of its drawn trainers (at most all of them).
	pub(crate) fn updates_needed(record: &RoundOf<T>, params: &ParametersOf<T>) -> u32 {
		let drawn = record.trainers.len() as u32;
		let trim = record.plan.rule.band_trim(drawn as usize, usize::MAX) as u32;
		params.min_updates.max(trim.saturating_mul(2).saturating_add(1)).min(drawn.max(1))
	}

	/// Records `outcome(position)` for every seat in `seats` in the compute-node registry.
	pub(crate) fn judge<S: Get<u32>>(
		round: RoundId,
		seats: &SeatsOf<T, S>,
		outcome: impl Fn(usize) -> MemberOutcome,
	) {
		for (i, seat) in seats.iter().enumerate() {
			T::Nodes::record(&seat.node, Work::Round(round), outcome(i));
		}
	}

	/// Ends `round`'s training: draws its aggregators. Whether the round closed (too few updates
	/// to aggregate, or nobody to aggregate them); `None` if this block may not draw (a later
	/// one will).
	///
	/// With enough updates, the drawn trainers that sent none are judged `Missed` (`Excused` if
	/// they excused themselves); with too few, nobody is judged (an outage is not singled out).
	pub(crate) fn start_aggregation(
		round: RoundId,
		record: &mut RoundOf<T>,
		now: BlockNumberFor<T>,
	) -> Option<bool> {
		let params = Params::<T>::get();
		if record.updates < Self::updates_needed(record, &params) {
			Self::judge(round, &record.trainers, |_| MemberOutcome::Inconclusive);
			return Some(Self::fail(round, record, Failure::TooFewUpdates));
		}
		let aggregators =
			Self::draw(b"daollm/aggregators", round, params.aggregators, true, record.fixed_by)?;
		// The trainers that published are judged with the outcome, by what the aggregate made
		// of their updates; one that committed and withheld its update missed it.
		let (committed, silent): (Vec<_>, Vec<_>) = record.trainers.iter().partition(|seat| {
			Updates::<T>::get(round, &seat.node).is_some_and(|u| u.hash.is_some())
		});
		for seat in silent {
			let outcome = if Updates::<T>::contains_key(round, &seat.node) {
				MemberOutcome::Missed
			} else {
				Self::silence(round, &seat.node, SeatStep::Update)
			};
			T::Nodes::record(&seat.node, Work::Round(round), outcome);
		}
		if aggregators.is_empty() {
			for seat in committed {
				T::Nodes::record(&seat.node, Work::Round(round), MemberOutcome::Inconclusive);
			}
			return Some(Self::fail(round, record, Failure::NoAggregators));
		}
		let commit_end = now.saturating_add(params.commit_window);
		let reveal_end = commit_end.saturating_add(params.reveal_window);
		Self::deposit_event(Event::AggregationStarted {
			round,
			aggregators: aggregators.iter().map(|s| s.node.clone()).collect(),
			commit_end,
			reveal_end,
		});
		record.aggregators = aggregators;
		record.phase = Phase::Aggregating { commit_end, reveal_end };
		Some(false)
	}

	/// How a seat that did not answer its `step` is judged: `Excused` if its node excused
	/// itself from it, else `Missed`.
	fn silence(round: RoundId, node: &T::AccountId, step: SeatStep) -> MemberOutcome {
		if Excuses::<T>::contains_key(round, (node, step)) {
			MemberOutcome::Excused
		} else {
			MemberOutcome::Missed
		}
	}

	/// Closes `round` with `reason`; always `true` (closed).
	pub(crate) fn fail(round: RoundId, record: &mut RoundOf<T>, reason: Failure) -> bool {
		record.phase = Phase::Closed;
		Outcomes::<T>::insert(round, Outcome::Failed(reason));
		Self::deposit_event(Event::RoundFailed { round, reason });
		true
	}

	/// The trainers that published updates to `round`, in trainer order, with each update's
	/// hash and samples: the order aggregators combine the updates in.
	pub fn published_updates(
		round: RoundId,
		record: &RoundOf<T>,
	) -> Vec<(T::AccountId, H256, u32)> {
		record
			.trainers
			.iter()
			.filter_map(|seat| {
				let update = Updates::<T>::get(round, &seat.node)?;
				Some((seat.node.clone(), update.hash?, update.samples))
			})
			.collect()
	}

	/// Decides `round` from its aggregators' reveals ([`Quorum`]): judges the aggregators,
	/// registers the agreed model as a candidate version and pays the trainers by contribution
	/// and the agreeing aggregators, or records why not.
	pub(crate) fn decide(round: RoundId, record: &mut RoundOf<T>) {
		let params = Params::<T>::get();
		// Seats behind each distinct answer, in the order first revealed (at most
		// `MaxAggregators` answers): each seat one vote, however much stake drew it.
		let mut tally: Vec<(&AnswerOf<T>, u128)> = Vec::new();
		let (mut drawn, mut revealed) = (0u128, 0u128);
		let answers: Vec<Option<AnswerOf<T>>> = record
			.aggregators
			.iter()
			.map(|seat| AggregateReveals::<T>::get(round, &seat.node))
			.collect();
		for (seat, answer) in record.aggregators.iter().zip(&answers) {
			let stake = u128::from(seat.seats);
			// An excused seat said in time that it could not answer: it counts for nothing.
			if !Excuses::<T>::contains_key(round, (&seat.node, SeatStep::Aggregate)) {
				drawn.saturating_accrue(stake);
			}
			if let Some(answer) = answer {
				revealed.saturating_accrue(stake);
				match tally.iter_mut().find(|(a, _)| *a == answer) {
					Some((_, sum)) => sum.saturating_accrue(stake),
					None => tally.push((answer, stake)),
				}
			}
		}
		// The most seats; among equals, the first revealed (a tie never reaches an agreement
		// share above one half).
		let (winner, winning) = tally.into_iter().fold((None, 0u128), |best, (answer, stake)| {
			if stake > best.1 {
				(Some(answer.clone()), stake)
			} else {
				best
			}
		});
		let quorum =
			Quorum { threshold: params.agreement, min_participation: params.min_participation };
		let decision = quorum.decide(winning, revealed, drawn);
		Self::judge(round, &record.aggregators, |i| {
			match (decision, answers.get(i).and_then(Option::as_ref)) {
				(Decision::Inconclusive, _) => MemberOutcome::Inconclusive,
				(_, None) => record.aggregators.get(i).map_or(MemberOutcome::Missed, |seat| {
					Self::silence(round, &seat.node, SeatStep::Aggregate)
				}),
				(Decision::Agreed, Some(answer)) if Some(answer) == winner.as_ref() => {
					MemberOutcome::Agreed
				},
				(Decision::Agreed, Some(_)) => MemberOutcome::Disagreed,
				(Decision::NoAgreement, Some(_)) => MemberOutcome::Inconclusive,
			}
		});
		let updates = Self::published_updates(round, record);
		let judge_trainers = |outcome: &dyn Fn(usize) -> MemberOutcome| {
			for (i, (trainer, ..)) in updates.iter().enumerate() {
				T::Nodes::record(trainer, Work::Round(round), outcome(i));
			}
		};
		// Where the file comes from: every node with an engine builds it from the round's updates.
		let uri = alloc::format!("training-round:{round}").into_bytes();
		let registered = match (decision, winner) {
			(Decision::Agreed, Some(winner)) => {
				let forgets = winner.evaluation.forgets(T::ForgettingTolerance::get());
				T::Models::add_candidate(
					record.model,
					winner.model,
					uri,
					winner.evaluation,
					forgets,
				)
				.map(|version| (winner, version, forgets))
				.map_err(|_| Failure::RegistryRefused)
			},
			(Decision::Inconclusive, _) => Err(Failure::TooFewReveals),
			_ => Err(Failure::NoAgreement),
		};
		let (winner, version, forgets) = match registered {
			Ok(registered) => registered,
			Err(reason) => {
				// No candidate: the trainers' updates are not judged.
				judge_trainers(&|_| MemberOutcome::Inconclusive);
				Self::fail(round, record, reason);
				return;
			},
		};
		let sha256 = winner.model;

		// Each distinct update is paid once: trainers that published the same bytes (honest
		// training is replicated, so honest trainers do) share its contribution.
		let copies = |hash: &H256| updates.iter().filter(|(_, h, _)| h == hash).count() as u32;
		let weights: Vec<(u32, Perbill)> = updates
			.iter()
			.zip(winner.kept.iter().zip(&winner.contributions))
			.map(|((_, hash, samples), (kept, c))| {
				let carried = if *kept { *c } else { Perbill::zero() };
				(*samples, Perbill::from_parts(carried.deconstruct() / copies(hash).max(1)))
			})
			.collect();
		let paid = shares(record.reward, &weights);
		judge_trainers(&|i| {
			if paid.get(i).is_some_and(|p| *p > 0) {
				MemberOutcome::Agreed
			} else {
				MemberOutcome::Inconclusive
			}
		});
		let (mut kept_trainers, mut trimmed) = (Vec::new(), Vec::new());
		for (((trainer, ..), keep), points) in updates.into_iter().zip(&winner.kept).zip(paid) {
			if points > 0 {
				T::RewardPoints::reward(&trainer, Contribution::Training, points);
			}
			if *keep {
				kept_trainers.push(trainer);
			} else {
				trimmed.push(trainer);
			}
		}
		for (seat, answer) in record.aggregators.iter().zip(&answers) {
			if answer.as_ref() == Some(&winner) {
				T::RewardPoints::reward(
					&seat.node,
					Contribution::Training,
					params.aggregator_points,
				);
			}
		}
		record.phase = Phase::Closed;
		Outcomes::<T>::insert(round, Outcome::Candidate { version, sha256 });
		Self::deposit_event(Event::CandidateRegistered {
			round,
			model: record.model,
			version,
			sha256,
			kept: kept_trainers,
			trimmed,
			evaluation: winner.evaluation,
			forgets,
		});
	}

	/// Checks the pallet's invariants (see the module docs).
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let live = LiveRounds::<T>::get();
		let mut seen = Vec::new();
		for round in live.iter() {
			ensure!(!seen.contains(round), "a round is live twice");
			seen.push(*round);
			let record = Rounds::<T>::get(round).ok_or("a live round has no record")?;
			ensure!(record.phase != Phase::Closed, "a closed round is live");
			ensure!(!Outcomes::<T>::contains_key(round), "a live round has an outcome");
		}
		for (round, record) in Rounds::<T>::iter() {
			ensure!(round < NextRoundId::<T>::get(), "a round beyond NextRoundId");
			let (mut committed, mut published) = (0u32, 0u32);
			for (_, update) in Updates::<T>::iter_prefix(round) {
				committed.saturating_inc();
				if update.hash.is_some() {
					published.saturating_inc();
				}
			}
			ensure!(committed == record.update_commitments, "a round's commitment count is off");
			ensure!(published == record.updates, "a round's update count is off");
			let commits = AggregateCommitments::<T>::iter_prefix(round).count() as u32;
			ensure!(commits == record.commits, "a round's commitment count is off");
			let mut reveals = 0u32;
			for (_, answer) in AggregateReveals::<T>::iter_prefix(round) {
				reveals.saturating_inc();
				ensure!(
					answer.kept.len() as u32 == record.updates
						&& answer.contributions.len() == answer.kept.len(),
					"an answer does not account for every update"
				);
				ensure!(
					answer.kept.iter().zip(&answer.contributions).all(|(k, c)| *k || c.is_zero()),
					"an answer credits an update it did not keep"
				);
				ensure!(record.admits(&answer.evaluation), "an answer's scores are impossible");
			}
			ensure!(reveals == record.reveals, "a round's reveal count is off");
			for ((node, step), ()) in Excuses::<T>::iter_prefix(round) {
				let answered = match step {
					SeatStep::Update => Updates::<T>::contains_key(round, &node),
					SeatStep::Aggregate => AggregateCommitments::<T>::contains_key(round, &node),
				};
				ensure!(!answered, "an excused seat answered");
			}
			if record.phase == Phase::Closed {
				ensure!(Outcomes::<T>::contains_key(round), "a closed round has no outcome");
				ensure!(!live.contains(&round), "a closed round is live");
			} else {
				ensure!(live.contains(&round), "an open round is not live");
			}
		}
		Ok(())
	}
}
