//! The pallet's data: rounds, their seats, updates, the aggregators' answers and the outcome.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::{
	training::{held_back, held_back_count, LayerShape, RobustRule},
	ModelId, ModelVersion, ProposalId, SpaceId,
};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// Numbers the training rounds from zero.
pub type RoundId = u32;

/// Which verified annotations a round trains on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum DatasetSelector {
	/// The proposals with ids in `from..to` whose label is verified when the round opens (the
	/// round keeps that snapshot of ids). At most `MaxExamples` ids wide.
	Range {
		/// The first proposal id.
		from: ProposalId,
		/// One past the last proposal id.
		to: ProposalId,
	},
	/// The proposals with ids in `from..to` filed under DAO space `space` whose label is
	/// verified when the round opens: a round that adapts the model to one DAO. At most
	/// `MaxExamples` ids wide.
	SpaceRange {
		/// The DAO space.
		space: SpaceId,
		/// The first proposal id.
		from: ProposalId,
		/// One past the last proposal id.
		to: ProposalId,
	},
}

impl DatasetSelector {
	/// The ids the selector ranges over, and the space it is scoped to.
	pub fn range(&self) -> (ProposalId, ProposalId, Option<SpaceId>) {
		match *self {
			Self::Range { from, to } => (from, to, None),
			Self::SpaceRange { space, from, to } => (from, to, Some(space)),
		}
	}
}

/// A node's seat in a round, as a trainer or an aggregator.
pub use daollm_primitives::Seat;

/// What a round's aggregators measure of its candidate.
pub use daollm_primitives::training::{CandidateEvaluation, Score};

/// How trainers train and aggregators aggregate in a round.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainingPlan {
	/// Passes of SGD over the round's examples (and the reference examples, with `replay`).
	pub epochs: u8,
	/// The SGD step size, in millionths.
	pub learning_rate_ppm: u32,
	/// How the updates are combined.
	pub rule: RobustRule,
	/// The largest absolute value of an update's entries, in fixed point (`1 << 16` is 1.0):
	/// trainers clip their updates to it and the chain refuses an update beyond it.
	pub max_value: u32,
	/// Whether trainers also train on the base model's reference examples (shipped with it: a
	/// few of every source and label it was trained on), so that the model keeps what it knew.
	pub replay: bool,
	/// How much one of the round's examples weighs against one reference example (at least 1).
	pub round_weight: u8,
	/// Whether every label present weighs the same in the loss, whatever its count.
	pub balance_labels: bool,
	/// The share of the round's examples held back from training to validate the candidate
	/// on, in percent (at most [`MAX_VALIDATION_PERCENT`]; see
	/// [`daollm_primitives::training::held_back`]).
	pub validation_percent: u8,
}

/// The largest share of a round's examples a plan may hold back for validation, in percent.
pub const MAX_VALIDATION_PERCENT: u8 = 50;

/// Where a round is.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Phase<BlockNumber> {
	/// The round is open; its trainers are drawn in the first later block that someone other
	/// than `fixed_by` authored.
	Drawing,
	/// Trainers train and commit to their updates until the round's `commit_deadline`, then
	/// publish them until its `deadline`.
	Training,
	/// Aggregators commit to the model they built until `commit_end`, then reveal it until
	/// `reveal_end` (or until all have revealed).
	Aggregating {
		/// The last block of the commit window.
		commit_end: BlockNumber,
		/// The last block of the reveal window.
		reveal_end: BlockNumber,
	},
	/// The round is over; see its [`Outcome`].
	Closed,
}

/// A federated training round.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxExamples, MaxTrainers, MaxAggregators))]
pub struct Round<
	AccountId,
	Balance,
	BlockNumber,
	MaxExamples: Get<u32>,
	MaxTrainers: Get<u32>,
	MaxAggregators: Get<u32>,
> {
	/// The model being trained.
	pub model: ModelId,
	/// The version training starts from.
	pub base_version: ModelVersion,
	/// sha256 of that version's file.
	pub base: H256,
	/// The shape of that version's trainable layer, as the registry records it: every update
	/// must have it.
	pub shape: LayerShape,
	/// The verified examples (proposal ids) of the round: every trainer trains on all of them
	/// but the held-back ones ([`Round::held_back`]), on which aggregators validate.
	pub examples: BoundedVec<ProposalId, MaxExamples>,
	/// The trainers, drawn by stake after the round opened.
	pub trainers: BoundedVec<Seat<AccountId, Balance>, MaxTrainers>,
	/// The aggregators, drawn by stake after training ended, each with the seats it won.
	pub aggregators: BoundedVec<Seat<AccountId, Balance>, MaxAggregators>,
	/// The author of the block that last fixed what the next draw is for (the round's opening,
	/// then the deadline's block, the last that may add updates): the draw happens in a block
	/// someone else authored ([`daollm_primitives::traits::DrawRandomness`]).
	pub fixed_by: Option<u32>,
	/// How to train and aggregate.
	pub plan: TrainingPlan,
	/// The VRF output that drew the trainers (zero until then): the training seed and the
	/// held-back examples derive from it, so nobody knows them while the round's examples
	/// could still be annotated, nor during the referendum that opened it.
	pub drawn_with: H256,
	/// Reward points shared by the trainers whose updates were kept, pro rata to samples.
	pub reward: u32,
	/// The block the round opened in.
	pub opened_at: BlockNumber,
	/// The last block in which trainers may commit to updates.
	pub commit_deadline: BlockNumber,
	/// The last block in which trainers may publish the updates they committed to.
	pub deadline: BlockNumber,
	/// Where the round is.
	pub phase: Phase<BlockNumber>,
	/// Trainers that committed to an update.
	pub update_commitments: u32,
	/// Updates published (those the aggregators combine).
	pub updates: u32,
	/// Aggregators that committed.
	pub commits: u32,
	/// Aggregators that revealed.
	pub reveals: u32,
}

impl<A: PartialEq, B, N, E: Get<u32>, T: Get<u32>, G: Get<u32>> Round<A, B, N, E, T, G> {
	/// The position of `node` among the trainers.
	pub fn trainer(&self, node: &A) -> Option<usize> {
		self.trainers.iter().position(|s| s.node == *node)
	}

	/// The position of `node` among the aggregators.
	pub fn aggregator(&self, node: &A) -> Option<usize> {
		self.aggregators.iter().position(|s| s.node == *node)
	}

	/// The seed every trainer of round `id` visits the examples in order of, and that picks the
	/// held-back examples: public once the trainers are drawn (from the drawing block's VRF
	/// output, [`Round::drawn_with`]), the same for every trainer, so that honest trainers send
	/// the same update.
	pub fn training_seed(&self, id: RoundId) -> [u8; 32] {
		sp_io::hashing::blake2_256(
			&(b"daollm/training-seed", id, self.base, self.drawn_with).encode(),
		)
	}

	/// Per example, in order: whether round `id` holds it back from training to validate the
	/// candidate on (the plan's `validation_percent`, chosen by the training seed).
	pub fn held_back(&self, id: RoundId) -> alloc::vec::Vec<bool> {
		held_back(&self.training_seed(id), self.examples.len(), self.plan.validation_percent)
	}

	/// Whether `evaluation` could be an honest aggregator's: no score above the examples it
	/// scored, and no more held-back examples than the round held back.
	pub fn admits(&self, evaluation: &CandidateEvaluation) -> bool {
		let scored = |s: &Score| s.base <= s.examples && s.candidate <= s.examples;
		let held = self.examples.len().saturating_sub(self.training_examples());
		scored(&evaluation.validation)
			&& scored(&evaluation.reference)
			&& evaluation.validation.examples as usize <= held
	}

	/// How many of the round's examples its trainers train on (those not held back).
	pub fn training_examples(&self) -> usize {
		let examples = self.examples.len();
		examples.saturating_sub(held_back_count(examples, self.plan.validation_percent))
	}
}

/// A committed update: its name and the samples it claims.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct UpdateRecord {
	/// [`daollm_primitives::training::update_commitment`] of the update's hash and the trainer,
	/// committed before the round's `commit_deadline`.
	pub commitment: H256,
	/// The examples it trained on, at most the round's.
	pub samples: u32,
	/// blake2b-256 of the SCALE-encoded update, once its bytes are published after the
	/// commitments closed (they are then in the offchain index).
	pub hash: Option<H256>,
}

/// An aggregator's revealed answer: the model it built and which updates the rule kept.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, DebugNoBound, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxTrainers))]
pub struct AggregateAnswer<MaxTrainers: Get<u32>> {
	/// sha256 of the new model file.
	pub model: H256,
	/// Per committed update, in trainer order: whether the robust rule kept it.
	pub kept: BoundedVec<bool, MaxTrainers>,
	/// Per committed update, in trainer order: how much of the aggregate it carries
	/// ([`daollm_primitives::training::carried`]; zero for one not kept). The round's reward
	/// is shared by samples times contribution.
	pub contributions: BoundedVec<Perbill, MaxTrainers>,
	/// The new model's and the base's scores on the round's held-back examples and on the
	/// base's reference examples.
	pub evaluation: CandidateEvaluation,
}

/// The step of a seat a node can excuse itself from.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SeatStep {
	/// A trainer's update.
	Update,
	/// An aggregator's commit (and so its reveal).
	Aggregate,
}

impl SeatStep {
	/// The step's part of a seat transaction's pool tag ([`crate::CheckTrainingSeat`]): an
	/// excuse shares its step's tag.
	pub fn tag(&self) -> &'static [u8] {
		match self {
			Self::Update => b"update",
			Self::Aggregate => b"commit",
		}
	}
}

/// Why a round produced no candidate model.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Failure {
	/// Fewer than `min_updates` trainers committed an update by the deadline.
	TooFewUpdates,
	/// No node could be drawn to aggregate.
	NoAggregators,
	/// No answer held the agreed share of the revealed seats.
	NoAgreement,
	/// The model registry refused the new version (for instance, its file already exists).
	RegistryRefused,
	/// No node could be drawn to train.
	NoTrainers,
	/// Less than `min_participation` of the drawn aggregators' seats revealed: nobody is judged.
	TooFewReveals,
}

/// How a round ended.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Outcome {
	/// The aggregators agreed on a new model, registered as version `version` of the round's
	/// model: a candidate governance may activate.
	Candidate {
		/// The new version.
		version: ModelVersion,
		/// sha256 of its file.
		sha256: H256,
	},
	/// The round produced nothing.
	Failed(Failure),
}

/// The pallet's parameters: set at genesis, changed by governance.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Parameters<BlockNumber> {
	/// Trainers drawn per round (at most `MaxTrainers`).
	pub trainers: u32,
	/// Aggregator seats drawn per round (at most `MaxAggregators`; a node may win several).
	pub aggregators: u32,
	/// Blocks aggregators have to commit to the model they built.
	pub commit_window: BlockNumber,
	/// Blocks aggregators have to reveal it.
	pub reveal_window: BlockNumber,
	/// The share of the revealed aggregator seats an answer needs to become the candidate.
	pub agreement: Perbill,
	/// The share of the drawn aggregators' seats that must have revealed for the round to be
	/// decided (so one revealing aggregator cannot decide alone).
	pub min_participation: Perbill,
	/// The fewest committed updates a round aggregates; at least one more than the trim drops
	/// from both ends for the drawn trainers, so the trim the seats promise always applies.
	pub min_updates: u32,
	/// Reward points for each aggregator whose answer became the candidate.
	pub aggregator_points: u32,
	/// How trainers train and aggregators aggregate in rounds opened from now on.
	pub plan: TrainingPlan,
}

/// Why parameters are refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// No trainers or more than `MaxTrainers`.
	Trainers,
	/// No aggregators or more than `MaxAggregators`.
	Aggregators,
	/// A commit or reveal window of zero blocks, or longer than `MaxAggregationWindow`.
	Window,
	/// An agreement share of zero or at most a half.
	Agreement,
	/// A minimum participation of zero.
	Participation,
	/// A minimum of committed updates that is zero, more than the trainers, or not above twice
	/// the trim of the drawn trainers.
	MinUpdates,
	/// No epochs, no learning rate, no clipping bound, no round weight, more than
	/// [`MAX_VALIDATION_PERCENT`] held back, or a robust rule out of range.
	Plan,
}

impl<BlockNumber: sp_runtime::traits::Zero + PartialOrd> Parameters<BlockNumber> {
	/// Checks the parameters against the runtime's bounds.
	pub fn check(
		&self,
		max_trainers: u32,
		max_aggregators: u32,
		max_window: BlockNumber,
	) -> Result<(), InvalidParameter> {
		if self.trainers == 0 || self.trainers > max_trainers {
			return Err(InvalidParameter::Trainers);
		}
		if self.aggregators == 0 || self.aggregators > max_aggregators {
			return Err(InvalidParameter::Aggregators);
		}
		if self.commit_window.is_zero()
			|| self.reveal_window.is_zero()
			|| self.commit_window > max_window
			|| self.reveal_window > max_window
		{
			return Err(InvalidParameter::Window);
		}
		if self.agreement <= Perbill::from_percent(50) {
			return Err(InvalidParameter::Agreement);
		}
		if self.min_participation.deconstruct() == 0 {
			return Err(InvalidParameter::Participation);
		}
		if self.plan.epochs == 0
			|| self.plan.learning_rate_ppm == 0
			|| self.plan.max_value == 0
			|| self.plan.round_weight == 0
			|| self.plan.validation_percent > MAX_VALIDATION_PERCENT
			|| !self.plan.rule.is_valid()
		{
			return Err(InvalidParameter::Plan);
		}
		let trim = self.plan.rule.band_trim(self.trainers as usize, usize::MAX) as u32;
		if self.min_updates == 0
			|| self.min_updates > self.trainers
			|| self.min_updates <= trim.saturating_mul(2)
		{
			return Err(InvalidParameter::MinUpdates);
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;

	type TestRound = Round<u64, u64, u64, ConstU32<16>, ConstU32<4>, ConstU32<4>>;

	fn round(examples: u32, trainers: u64) -> TestRound {
		Round {
			model: 0,
			base_version: 1,
			base: H256::zero(),
			shape: LayerShape { labels: 1, features: 1 },
			examples: (0..examples).collect::<Vec<_>>().try_into().expect("fits"),
			trainers: (0..trainers)
				.map(|node| Seat { node, stake: 1, seats: 1 })
				.collect::<Vec<_>>()
				.try_into()
				.expect("fits"),
			aggregators: Default::default(),
			fixed_by: None,
			plan: TrainingPlan {
				epochs: 1,
				learning_rate_ppm: 1,
				rule: RobustRule::Median,
				max_value: 1,
				replay: false,
				round_weight: 1,
				balance_labels: false,
				validation_percent: 0,
			},
			drawn_with: H256::zero(),
			reward: 0,
			opened_at: 0,
			commit_deadline: 1,
			deadline: 1,
			phase: Phase::Training,
			update_commitments: 0,
			updates: 0,
			commits: 0,
			reveals: 0,
		}
	}

	#[test]
	fn the_training_seed_is_the_rounds_own() {
		let r = round(4, 2);
		assert_eq!(r.training_seed(1), r.training_seed(1));
		assert_ne!(r.training_seed(1), r.training_seed(2));
	}
}
