//! The pallet's data: parameters, points and what each closed epoch pays.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::traits::Contribution;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{AtLeast32BitUnsigned, Saturating, Zero},
	PerThing, Perbill, Rounding,
};

/// Numbers the epochs from zero; epoch `e` ends in block `(e + 1) × EpochLength`.
pub type EpochIndex = u32;

/// How each epoch's rewards divide between the three kinds of work.
///
/// The shares add up to at most one; whatever they leave, and any share whose kind earned no
/// points in the epoch, stays in the pot for the next epoch.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
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
pub struct RewardSplit {
	/// The share of data contributors (verified annotations).
	pub annotation: Perbill,
	/// The share of inference nodes (answers that agreed with the consensus).
	pub inference: Perbill,
	/// The share of trainers (model updates the aggregate kept).
	pub training: Perbill,
}

impl RewardSplit {
	/// The share of `contribution`.
	pub fn share(&self, contribution: Contribution) -> Perbill {
		match contribution {
			Contribution::Annotation => self.annotation,
			Contribution::Inference => self.inference,
			Contribution::Training => self.training,
		}
	}

	/// Whether the shares add up to at most one.
	pub fn is_valid(&self) -> bool {
		let parts = [self.annotation, self.inference, self.training]
			.iter()
			.map(|s| u64::from(s.deconstruct()))
			.sum::<u64>();
		parts <= u64::from(Perbill::ACCURACY)
	}
}

/// The rewards' parameters: set at genesis, changed by governance
/// ([`crate::Pallet::set_parameters`]).
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
pub struct Parameters<Balance> {
	/// New tokens minted into the pot at the end of each epoch.
	pub emission: Balance,
	/// How each epoch's rewards divide between the kinds of work.
	pub split: RewardSplit,
	/// The most one annotation point pays. Annotations need no stake, so an account that
	/// farms them alone would otherwise take the whole annotation pool for one proposal's
	/// points; with the cap, the points of one verified proposal are worth less than the fee
	/// its author paid (see the proposals pallet), whatever the number of accounts.
	pub annotation_point_cap: Balance,
	/// How many epochs a closed epoch's rewards stay claimable: the unclaimed rest of epoch `e`
	/// returns to the pot when epoch `e + claim_period` closes, so abandoned claims do not keep
	/// state, or a share of the pot, forever. At least one.
	pub claim_period: EpochIndex,
}

/// Points per kind of work: one account's in one epoch (`u32`), or everyone's (`u64`).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Points<P> {
	/// Points for verified annotations.
	pub annotation: P,
	/// Points for inference answers that agreed with the consensus.
	pub inference: P,
	/// Points for model updates the aggregate kept.
	pub training: P,
}

impl<P: Copy + Zero + Saturating> Points<P> {
	/// The points of `contribution`.
	pub fn of(&self, contribution: Contribution) -> P {
		match contribution {
			Contribution::Annotation => self.annotation,
			Contribution::Inference => self.inference,
			Contribution::Training => self.training,
		}
	}

	/// Adds `points` of `contribution`, saturating.
	pub fn add(&mut self, contribution: Contribution, points: P) {
		let slot = match contribution {
			Contribution::Annotation => &mut self.annotation,
			Contribution::Inference => &mut self.inference,
			Contribution::Training => &mut self.training,
		};
		*slot = slot.saturating_add(points);
	}

	/// Whether no points of any kind are recorded.
	pub fn is_zero(&self) -> bool {
		self.annotation.is_zero() && self.inference.is_zero() && self.training.is_zero()
	}
}

/// Every kind of work, in the order the pot is divided.
pub const CONTRIBUTIONS: [Contribution; 3] =
	[Contribution::Annotation, Contribution::Inference, Contribution::Training];

/// What a closed epoch pays: every kind's pool and points, and what is still to be claimed.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EpochRewards<Balance> {
	/// Each kind's pool: its share of what the pot held for the epoch (zero if it earned no
	/// points).
	pub pools: Points<Balance>,
	/// Each kind's points, everyone's together.
	pub points: Points<u64>,
	/// The part of the pools not claimed yet (including rounding dust).
	pub unclaimed: Balance,
	/// Accounts with points in the epoch that have not claimed yet. When the last one claims,
	/// the record goes and its dust returns to the pot.
	pub claimants: u32,
}

impl<Balance: AtLeast32BitUnsigned + Copy> EpochRewards<Balance> {
	/// What `points` earn: for each kind, the kind's pool times the account's share of the kind's
	/// points, rounded down, so that the payments of an epoch never add up to more than its
	/// pools.
	pub fn reward_of(&self, points: &Points<u32>) -> Balance {
		CONTRIBUTIONS.iter().fold(Balance::zero(), |total, kind| {
			let (mine, all) = (u64::from(points.of(*kind)), self.points.of(*kind));
			if mine == 0 || all == 0 {
				return total;
			}
			let part = sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
				self.pools.of(*kind).unique_saturated_into(),
				u128::from(mine),
				u128::from(all),
				Rounding::Down,
			)
			.unwrap_or_default();
			total.saturating_add(Balance::unique_saturated_from(part))
		})
	}
}

/// One payment in an account's rewards history.
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
pub struct Payout<Balance> {
	/// The epoch the reward was earned in.
	pub epoch: EpochIndex,
	/// The amount paid.
	pub amount: Balance,
}

/// An account's reward for one epoch that it has not claimed yet, as clients read it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct PendingReward<Balance> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// The account's points in it.
	pub points: Points<u32>,
	/// What they pay: `None` while the epoch is still running (its pools are not known yet).
	pub amount: Option<Balance>,
}

/// What an account has earned and not claimed, as clients read it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct Pending<Balance, BlockNumber> {
	/// The running epoch: the one points count in now.
	pub current_epoch: EpochIndex,
	/// The block that ends the running epoch: its points are claimable from then on.
	pub current_epoch_end: BlockNumber,
	/// What claiming every ended epoch of `epochs` pays together.
	pub claimable: Balance,
	/// Unclaimed rewards per epoch, oldest first, the running epoch (if any points) last.
	pub epochs: alloc::vec::Vec<PendingReward<Balance>>,
}
