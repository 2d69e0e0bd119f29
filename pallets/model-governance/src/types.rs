//! The pallet's data: registered models, referenda, votes and parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{AtLeast32BitUnsigned, Saturating, UniqueSaturatedInto, Zero},
	Perbill, Weight,
};

/// Identifies a model (a line of versions under one name), and its version numbers: 1 for its
/// first registered version, then 2, 3, …
pub use daollm_primitives::{ModelId, ModelVersion as Version};

/// Identifies a referendum.
pub type ReferendumIndex = u32;

/// How a model reads its input.
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
pub enum InputSpec {
	/// A proposal's UTF-8 text: the first `max_chars` code points, `A`–`Z` lowercased and every
	/// other non-ASCII character read as a space (the shipped classifier's `normalise`).
	#[serde(rename_all = "camelCase")]
	NormalisedText {
		/// Code points read from the start of the text.
		max_chars: u32,
	},
}

/// One registered version of a model.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxUri, MaxLabels, MaxLabelLen))]
pub struct ModelVersion<BlockNumber, MaxUri: Get<u32>, MaxLabels: Get<u32>, MaxLabelLen: Get<u32>> {
	/// sha256 of the ONNX file: what nodes verify their local file against.
	pub sha256: H256,
	/// Where nodes fetch the file: an IPFS CID or a URL.
	pub uri: BoundedVec<u8, MaxUri>,
	/// The names of the model's labels, by label index.
	pub labels: BoundedVec<BoundedVec<u8, MaxLabelLen>, MaxLabels>,
	/// How the model reads its input.
	pub input: InputSpec,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
}

/// A model: its name, how many versions it has, and which one is active.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxName))]
pub struct ModelInfo<MaxName: Get<u32>> {
	/// The model's name, unique on chain.
	pub name: BoundedVec<u8, MaxName>,
	/// The number of its latest version (versions are `1..=latest`).
	pub latest: Version,
	/// The version tasks run, once one is activated; exactly one from then on.
	pub active: Option<Version>,
}

/// How strongly a voter commits: the multiplier of its vote and how long its balance stays
/// frozen after the voting period, in multiples of the vote locking period (as in Polkadot's
/// conviction voting).
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
pub enum Conviction {
	/// 0.1× votes; frozen only until the voting period ends.
	#[default]
	None,
	/// 1× votes; frozen for one locking period after it.
	Locked1x,
	/// 2× votes; two periods.
	Locked2x,
	/// 3× votes; four periods.
	Locked3x,
	/// 4× votes; eight periods.
	Locked4x,
	/// 5× votes; sixteen periods.
	Locked5x,
	/// 6× votes; thirty-two periods.
	Locked6x,
}

impl Conviction {
	/// The votes `amount` casts with this conviction.
	pub fn votes<Balance: AtLeast32BitUnsigned + Copy>(self, amount: Balance) -> Balance {
		match self {
			Conviction::None => amount / Balance::from(10u8),
			other => amount.saturating_mul(Balance::from(other.multiplier())),
		}
	}

	fn multiplier(self) -> u8 {
		match self {
			Conviction::None => 0,
			Conviction::Locked1x => 1,
			Conviction::Locked2x => 2,
			Conviction::Locked3x => 3,
			Conviction::Locked4x => 4,
			Conviction::Locked5x => 5,
			Conviction::Locked6x => 6,
		}
	}

	/// Locking periods after the voting period.
	pub fn lock_periods(self) -> u32 {
		match self {
			Conviction::None => 0,
			other => 1 << (other.multiplier() - 1),
		}
	}
}

/// The votes cast on a referendum.
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
pub struct Tally<Balance> {
	/// Conviction-weighted votes in favour.
	pub ayes: Balance,
	/// Conviction-weighted votes against.
	pub nays: Balance,
	/// Balance voted, either way, without conviction: what the quorum counts.
	pub turnout: Balance,
	/// How many accounts voted.
	pub voters: u32,
}

impl<Balance: AtLeast32BitUnsigned + Copy> Tally<Balance> {
	/// Adds a vote.
	pub fn add(&mut self, vote: &Vote<Balance>) {
		let votes = vote.conviction.votes(vote.amount);
		if vote.aye {
			self.ayes.saturating_accrue(votes);
		} else {
			self.nays.saturating_accrue(votes);
		}
		self.turnout.saturating_accrue(vote.amount);
		self.voters.saturating_inc();
	}

	/// Takes a vote back (a voter changing its vote).
	pub fn remove(&mut self, vote: &Vote<Balance>) {
		let votes = vote.conviction.votes(vote.amount);
		if vote.aye {
			self.ayes.saturating_reduce(votes);
		} else {
			self.nays.saturating_reduce(votes);
		}
		self.turnout.saturating_reduce(vote.amount);
		self.voters.saturating_dec();
	}
}

impl<Balance: Copy + Zero + UniqueSaturatedInto<u128>> Tally<Balance> {
	/// How the referendum ends with these votes, out of `issuance`.
	pub fn verdict(&self, issuance: Balance, quorum: Perbill, approval: Perbill) -> Verdict {
		let turnout: u128 = self.turnout.unique_saturated_into();
		if turnout.is_zero() || turnout < quorum.mul_ceil(issuance.unique_saturated_into()) {
			return Verdict::Rejected(Rejection::QuorumNotMet);
		}
		let ayes: u128 = self.ayes.unique_saturated_into();
		let cast = ayes.saturating_add(self.nays.unique_saturated_into());
		if ayes.is_zero() || Perbill::from_rational(ayes, cast) < approval {
			return Verdict::Rejected(Rejection::ThresholdNotMet);
		}
		Verdict::Approved
	}
}

/// How a referendum's voting ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
	/// Quorum and approval threshold met: the call is scheduled.
	Approved,
	/// It failed.
	Rejected(Rejection),
}

/// Why a referendum was rejected.
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
pub enum Rejection {
	/// Too little of the issuance voted.
	QuorumNotMet,
	/// Too few of the votes were ayes.
	ThresholdNotMet,
}

/// One account's vote on one referendum.
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
pub struct Vote<Balance> {
	/// In favour or against.
	pub aye: bool,
	/// The balance voted, frozen.
	pub amount: Balance,
	/// The conviction.
	pub conviction: Conviction,
}

/// A vote as a voter's record keeps it, with when its balance may be unfrozen.
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
pub struct VoteRecord<Balance, BlockNumber> {
	/// The referendum.
	pub referendum: ReferendumIndex,
	/// The vote.
	pub vote: Vote<Balance>,
	/// The first block in which [`crate::Pallet::unlock`] releases it.
	pub unlock_at: BlockNumber,
}

/// Where a referendum is in its life.
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
pub enum Status<BlockNumber> {
	/// Open for votes until the end of block `ends`, where it is decided.
	Voting {
		/// The block it is decided in.
		ends: BlockNumber,
	},
	/// Approved; its call is dispatched in block `enact_at` (the timelock).
	Approved {
		/// The block the call is dispatched in.
		enact_at: BlockNumber,
	},
}

/// A referendum on one call, from submission to enactment.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxCallLen))]
pub struct Referendum<AccountId, Balance, BlockNumber, MaxCallLen: Get<u32>> {
	/// Who proposed it.
	pub proposer: AccountId,
	/// The proposer's deposit, held until the referendum is decided or cancelled.
	pub deposit: Balance,
	/// The SCALE-encoded call it would dispatch.
	pub call: BoundedVec<u8, MaxCallLen>,
	/// blake2-256 of `call`.
	pub call_hash: H256,
	/// The call's declared weight, reserved in the enactment block.
	pub call_weight: Weight,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// The votes so far.
	pub tally: Tally<Balance>,
	/// Where it is.
	pub status: Status<BlockNumber>,
}

/// Governance's own parameters: set at genesis, changed by referendum
/// ([`crate::Pallet::set_parameters`]) within the bounds [`Parameters::check`] enforces.
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
pub struct Parameters<Balance, BlockNumber> {
	/// Blocks a referendum is open for votes.
	pub voting_period: BlockNumber,
	/// Blocks between approval and dispatch (the timelock).
	pub enactment_delay: BlockNumber,
	/// The share of total issuance that must vote (without conviction) for a decision.
	pub quorum: Perbill,
	/// The share of conviction-weighted votes that must be ayes; above one half.
	pub approval: Perbill,
	/// The least deposit a proposer holds.
	pub min_deposit: Balance,
	/// The unit of conviction locks: a `LockedNx` vote stays frozen `2^(N-1)` of these after the
	/// voting period.
	pub vote_lock_period: BlockNumber,
	/// Blocks between activating a model version and the first task that runs it: the time
	/// operators have to install the file, so that nobody is slashed for lacking a file they
	/// could not have had yet.
	pub activation_delay: BlockNumber,
}

/// Why a set of parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `voting_period` is zero or longer than the pallet's `MaxVotingPeriod`.
	VotingPeriod,
	/// `enactment_delay` is zero: approvals must leave time to react.
	EnactmentDelay,
	/// `approval` is not above one half.
	Approval,
	/// `min_deposit` is zero.
	MinDeposit,
}

impl<Balance: Zero, BlockNumber: Zero + PartialOrd> Parameters<Balance, BlockNumber> {
	/// Checks the parameters against the pallet's bounds.
	pub fn check(&self, max_voting_period: BlockNumber) -> Result<(), InvalidParameter> {
		if self.voting_period.is_zero() || self.voting_period > max_voting_period {
			return Err(InvalidParameter::VotingPeriod);
		}
		if self.enactment_delay.is_zero() {
			return Err(InvalidParameter::EnactmentDelay);
		}
		if self.approval <= Perbill::from_percent(50) {
			return Err(InvalidParameter::Approval);
		}
		if self.min_deposit.is_zero() {
			return Err(InvalidParameter::MinDeposit);
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn vote(aye: bool, amount: u64, conviction: Conviction) -> Vote<u64> {
		Vote { aye, amount, conviction }
	}

	#[test]
	fn conviction_multiplies_votes_and_doubles_locks() {
		assert_eq!(Conviction::None.votes(105u64), 10);
		assert_eq!(Conviction::Locked1x.votes(105u64), 105);
		assert_eq!(Conviction::Locked6x.votes(10u64), 60);
		let locks: Vec<_> = [
			Conviction::None,
			Conviction::Locked1x,
			Conviction::Locked2x,
			Conviction::Locked3x,
			Conviction::Locked4x,
			Conviction::Locked5x,
			Conviction::Locked6x,
		]
		.iter()
		.map(|c| c.lock_periods())
		.collect();
		assert_eq!(locks, vec![0, 1, 2, 4, 8, 16, 32]);
	}

	#[test]
	fn the_verdict_needs_quorum_then_approval() {
		let quorum = Perbill::from_percent(10);
		let approval = Perbill::from_percent(60);
		let mut tally = Tally::default();
		assert_eq!(
			tally.verdict(1_000, quorum, approval),
			Verdict::Rejected(Rejection::QuorumNotMet)
		);
		tally.add(&vote(true, 99, Conviction::Locked1x));
		assert_eq!(
			tally.verdict(1_000, quorum, approval),
			Verdict::Rejected(Rejection::QuorumNotMet)
		);
		tally.add(&vote(false, 1, Conviction::Locked6x));
		assert_eq!(tally.turnout, 100);
		assert_eq!(tally.verdict(1_000, quorum, approval), Verdict::Approved, "99 of 105");
		tally.add(&vote(false, 10, Conviction::Locked6x));
		assert_eq!(tally.verdict(1_000, quorum, approval), Verdict::Approved, "99 of 165 is 60%");
		tally.remove(&vote(false, 10, Conviction::Locked6x));
		tally.add(&vote(false, 11, Conviction::Locked6x));
		assert_eq!(
			tally.verdict(1_000, quorum, approval),
			Verdict::Rejected(Rejection::ThresholdNotMet),
			"99 of 171"
		);
		tally.remove(&vote(false, 11, Conviction::Locked6x));
		assert_eq!(tally.verdict(1_000, quorum, approval), Verdict::Approved);
		assert_eq!(tally.voters, 2);
	}

	#[test]
	fn parameters_are_checked() {
		let ok = Parameters {
			voting_period: 10u32,
			enactment_delay: 2,
			quorum: Perbill::from_percent(5),
			approval: Perbill::from_percent(60),
			min_deposit: 1u64,
			vote_lock_period: 10,
			activation_delay: 5,
		};
		assert_eq!(ok.check(100), Ok(()));
		assert_eq!(
			Parameters { voting_period: 0, ..ok.clone() }.check(100),
			Err(InvalidParameter::VotingPeriod)
		);
		assert_eq!(
			Parameters { voting_period: 101, ..ok.clone() }.check(100),
			Err(InvalidParameter::VotingPeriod)
		);
		assert_eq!(
			Parameters { enactment_delay: 0, ..ok.clone() }.check(100),
			Err(InvalidParameter::EnactmentDelay)
		);
		assert_eq!(
			Parameters { approval: Perbill::from_percent(50), ..ok.clone() }.check(100),
			Err(InvalidParameter::Approval)
		);
		assert_eq!(
			Parameters { min_deposit: 0, ..ok }.check(100),
			Err(InvalidParameter::MinDeposit)
		);
	}
}
