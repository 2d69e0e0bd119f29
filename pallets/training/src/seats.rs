//! Whether a drawn seat's transaction will succeed now: the checks `commit_update`,
//! `publish_update`, `commit_aggregate`, `reveal_aggregate` and `excuse` make before they change anything, shared with their
//! `feeless_if` conditions and with [`crate::CheckTrainingSeat`], which validates them in the
//! transaction pool.

use super::*;

impl<T: Config> Pallet<T> {
	/// Whether `signer` may commit to an update trained on `samples` examples for `round`
	/// now: the node its key belongs to, and the round.
	pub fn check_update_commitment(
		signer: &T::AccountId,
		round: RoundId,
		samples: u32,
	) -> Result<(T::AccountId, RoundOf<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotANode)?;
		let record = Rounds::<T>::get(round).ok_or(Error::<T>::UnknownRound)?;
		ensure!(record.trainer(&node).is_some(), Error::<T>::NotATrainer);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			record.phase == Phase::Training && now <= record.commit_deadline,
			Error::<T>::TrainingClosed
		);
		ensure!(!Updates::<T>::contains_key(round, &node), Error::<T>::AlreadyCommitted);
		ensure!(
			!Excuses::<T>::contains_key(round, (&node, SeatStep::Update)),
			Error::<T>::AlreadyExcused
		);
		ensure!(
			samples > 0 && samples as usize <= record.training_examples(),
			Error::<T>::BadSampleCount
		);
		Ok((node, record))
	}

	/// Whether `signer` may publish `update` for `round` now: the node its key belongs to, the
	/// round, and the update's hash.
	pub fn check_publication(
		signer: &T::AccountId,
		round: RoundId,
		update: &[u8],
	) -> Result<(T::AccountId, RoundOf<T>, H256), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotANode)?;
		let record = Rounds::<T>::get(round).ok_or(Error::<T>::UnknownRound)?;
		ensure!(record.trainer(&node).is_some(), Error::<T>::NotATrainer);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			record.phase == Phase::Training
				&& now > record.commit_deadline
				&& now <= record.deadline,
			Error::<T>::NotPublishing
		);
		let committed = Updates::<T>::get(round, &node).ok_or(Error::<T>::NotCommitted)?;
		ensure!(committed.hash.is_none(), Error::<T>::AlreadyPublished);
		let decoded = <ModelUpdate as codec::DecodeAll>::decode_all(&mut &update[..])
			.map_err(|_| Error::<T>::BadUpdate)?;
		ensure!(decoded.base == record.base, Error::<T>::BadUpdate);
		ensure!(decoded.fits(record.shape), Error::<T>::WrongShape);
		ensure!(decoded.within(record.plan.max_value), Error::<T>::UpdateOutOfBounds);
		let hash = ModelUpdate::hash_of(update);
		ensure!(
			update_commitment(&hash, &node) == committed.commitment,
			Error::<T>::PublicationMismatch
		);
		Ok((node, record, hash))
	}

	/// Whether `signer` may commit an aggregate answer to `round` now: the node its key belongs
	/// to, the round, and the commit window's last block.
	#[allow(clippy::type_complexity)]
	pub fn check_aggregate_commit(
		signer: &T::AccountId,
		round: RoundId,
	) -> Result<(T::AccountId, RoundOf<T>, BlockNumberFor<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotANode)?;
		let record = Rounds::<T>::get(round).ok_or(Error::<T>::UnknownRound)?;
		ensure!(record.aggregator(&node).is_some(), Error::<T>::NotAnAggregator);
		let now = frame_system::Pallet::<T>::block_number();
		let Phase::Aggregating { commit_end, .. } = record.phase else {
			return Err(Error::<T>::WrongPhase);
		};
		ensure!(now <= commit_end, Error::<T>::WrongPhase);
		ensure!(
			!AggregateCommitments::<T>::contains_key(round, &node),
			Error::<T>::AlreadyCommittedAggregate
		);
		ensure!(
			!Excuses::<T>::contains_key(round, (&node, SeatStep::Aggregate)),
			Error::<T>::AlreadyExcused
		);
		Ok((node, record, commit_end))
	}

	/// Whether `signer` may excuse its node from its step in `round` now: the node, the round,
	/// the step (the phase's: a trainer's update while training, an aggregator's commit while
	/// aggregating) and that step's last block.
	#[allow(clippy::type_complexity)]
	pub fn check_excuse(
		signer: &T::AccountId,
		round: RoundId,
	) -> Result<(T::AccountId, RoundOf<T>, SeatStep, BlockNumberFor<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotANode)?;
		let record = Rounds::<T>::get(round).ok_or(Error::<T>::UnknownRound)?;
		let now = frame_system::Pallet::<T>::block_number();
		let (step, window_end) = match record.phase {
			Phase::Training => {
				ensure!(record.trainer(&node).is_some(), Error::<T>::NotATrainer);
				ensure!(now <= record.commit_deadline, Error::<T>::TrainingClosed);
				ensure!(!Updates::<T>::contains_key(round, &node), Error::<T>::AlreadyCommitted);
				(SeatStep::Update, record.commit_deadline)
			},
			Phase::Aggregating { commit_end, .. } => {
				ensure!(record.aggregator(&node).is_some(), Error::<T>::NotAnAggregator);
				ensure!(now <= commit_end, Error::<T>::WrongPhase);
				ensure!(
					!AggregateCommitments::<T>::contains_key(round, &node),
					Error::<T>::AlreadyCommittedAggregate
				);
				(SeatStep::Aggregate, commit_end)
			},
			Phase::Drawing | Phase::Closed => return Err(Error::<T>::WrongPhase),
		};
		ensure!(!Excuses::<T>::contains_key(round, (&node, step)), Error::<T>::AlreadyExcused);
		Ok((node, record, step, window_end))
	}

	/// Whether `signer` may reveal `answer` with `salt` for `round` now: the node its key
	/// belongs to, the round, and the reveal window's last block.
	#[allow(clippy::type_complexity)]
	pub fn check_aggregate_reveal(
		signer: &T::AccountId,
		round: RoundId,
		answer: &AnswerOf<T>,
		salt: &[u8; 32],
	) -> Result<(T::AccountId, RoundOf<T>, BlockNumberFor<T>), Error<T>> {
		let node = T::Nodes::node_of_key(signer).ok_or(Error::<T>::NotANode)?;
		let record = Rounds::<T>::get(round).ok_or(Error::<T>::UnknownRound)?;
		ensure!(record.aggregator(&node).is_some(), Error::<T>::NotAnAggregator);
		let now = frame_system::Pallet::<T>::block_number();
		let Phase::Aggregating { commit_end, reveal_end } = record.phase else {
			return Err(Error::<T>::WrongPhase);
		};
		let all_committed = record.commits as usize == record.aggregators.len();
		ensure!((now > commit_end || all_committed) && now <= reveal_end, Error::<T>::WrongPhase);
		ensure!(!AggregateReveals::<T>::contains_key(round, &node), Error::<T>::AlreadyRevealed);
		let commitment =
			AggregateCommitments::<T>::get(round, &node).ok_or(Error::<T>::NotCommitted)?;
		let AggregateAnswer { model, kept, contributions, evaluation } = answer;
		ensure!(
			aggregate_commitment(model, kept, contributions, evaluation, salt, &node) == commitment,
			Error::<T>::RevealMismatch
		);
		ensure!(
			kept.len() as u32 == record.updates
				&& contributions.len() == kept.len()
				&& kept.iter().zip(contributions).all(|(k, c)| *k || c.is_zero()),
			Error::<T>::KeptMismatch
		);
		ensure!(record.admits(evaluation), Error::<T>::BadEvaluation);
		Ok((node, record, reveal_end))
	}
}
