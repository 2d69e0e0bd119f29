//! The pallet's data: proposals, annotations, contributions and training examples.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::{content::Cid, LabelIndex, ProposalId, MAX_LABELS};
use frame_support::{pallet_prelude::ConstU32, traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::UniqueSaturatedInto, Perbill};

/// Where a proposal stands in its analysis by the inference network.
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
pub enum AnalysisStatus {
	/// Submitted; the inference network has not answered yet. The author may still withdraw.
	Pending,
	/// The inference network's consensus labelled it.
	Analysed {
		/// The label the network agreed on.
		label: LabelIndex,
	},
	/// The inference network tried every round it allows and reached no consensus: the
	/// analysis is over without a label, and the deposit is released as for an analysed one.
	Unanswered,
}

/// How many annotations each label has received, indexed by label.
pub type Tally = BoundedVec<u32, ConstU32<MAX_LABELS>>;

/// The bonds behind each label, indexed by label: the weight that verifies a label.
pub type BondTally<Balance> = BoundedVec<Balance, ConstU32<MAX_LABELS>>;

/// A label that enough bonded weight agrees on, open to challenge until `settles_at`.
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
pub struct Provisional<BlockNumber> {
	/// The label the bonds agreed on when the challenge window opened.
	pub label: LabelIndex,
	/// The first block whose `on_initialize` settles the label (in queue order): whatever the
	/// bonds then agree on is verified, and the bonds are paid or slashed.
	pub settles_at: BlockNumber,
	/// Its place in the settlement queue.
	pub ticket: u32,
}

/// A submitted proposal. The body itself is not stored in state: its digest and CID are, and the
/// body lives in the offchain index and the node's transaction index (Bitswap).
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxTitleLen))]
pub struct Proposal<AccountId, Balance, BlockNumber, MaxTitleLen: Get<u32>> {
	/// Who submitted it and holds its deposit.
	pub author: AccountId,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// The end of its spam window: the deposit stays held whole until this block (one
	/// challenge period after submission), so that the technical committee or a spam
	/// referendum can still slash it.
	pub deposit_held_until: BlockNumber,
	/// Its title (UTF-8 by convention; not checked on chain).
	pub title: BoundedVec<u8, MaxTitleLen>,
	/// The body's length in bytes.
	pub body_len: u32,
	/// blake2b-256 of the body.
	pub content_hash: H256,
	/// The body's CIDv1 (raw codec, blake2b-256), under which Bitswap serves it.
	pub cid: Cid,
	/// The deposit still held from the author; zero once released.
	pub deposit: Balance,
	/// What stays held from the author once the deposit is released, until the author removes
	/// the record (`RecordDeposit`).
	pub record_deposit: Balance,
	/// The inference network's analysis.
	pub analysis: AnalysisStatus,
	/// The label the annotators agreed on, once settled: the proposal is then training data.
	pub verified_label: Option<LabelIndex>,
	/// Annotations per label.
	pub tally: Tally,
	/// Bonds per label.
	pub bonded: BondTally<Balance>,
	/// A label waiting out its challenge window.
	pub provisional: Option<Provisional<BlockNumber>>,
}

impl<AccountId, Balance: Copy + UniqueSaturatedInto<u128>, BlockNumber, MaxTitleLen: Get<u32>>
	Proposal<AccountId, Balance, BlockNumber, MaxTitleLen>
{
	/// How many annotations the proposal has.
	pub fn annotation_count(&self) -> u32 {
		self.tally.iter().fold(0u32, |sum, n| sum.saturating_add(*n))
	}

	/// The label that at least `threshold` of at least `quorum` bonded weight agrees on, if any.
	pub fn agreed_label(&self, quorum: Balance, threshold: Perbill) -> Option<LabelIndex> {
		let weights: alloc::vec::Vec<u128> =
			self.bonded.iter().map(|b| (*b).unique_saturated_into()).collect();
		agreed_label(&weights, quorum.unique_saturated_into(), threshold)
	}
}

/// The label that at least `threshold` of the bonded weight in `weights` (indexed by label)
/// agrees on, once at least `quorum` is bonded in all: weight, not the number of accounts, is
/// what verifies a label. "At least" is exact ([`daollm_primitives::threshold::reaches`]); with a
/// threshold above one half only one label can reach it.
pub fn agreed_label(weights: &[u128], quorum: u128, threshold: Perbill) -> Option<LabelIndex> {
	let total = weights.iter().fold(0u128, |sum, w| sum.saturating_add(*w));
	if total == 0 || total < quorum {
		return None;
	}
	let (label, top) = weights.iter().enumerate().max_by_key(|(_, w)| **w)?;
	if weights.iter().filter(|w| **w == *top).count() > 1 {
		return None;
	}
	daollm_primitives::threshold::reaches(*top, total, threshold)
		.then(|| LabelIndex::try_from(label).ok())
		.flatten()
}

/// One account's label for one proposal, backed by a bond.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct Annotation<Balance, BlockNumber> {
	/// The label the annotator chose.
	pub label: LabelIndex,
	/// The bond held for it: its weight, returned when the label settles on it, partly slashed
	/// when it settles on another.
	pub bond: Balance,
	/// Hash of a longer note kept off chain, if any.
	pub note_hash: Option<H256>,
	/// The block the annotation was made in.
	pub annotated_at: BlockNumber,
}

/// What an account has contributed, as running totals.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct Contributions {
	/// Proposals submitted.
	pub proposals: u32,
	/// Annotations made.
	pub annotations: u32,
	/// Annotations that matched the verified label.
	pub agreed: u32,
	/// Annotations that did not match the verified label.
	pub disagreed: u32,
}

/// A proposal as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct ProposalDetails<AccountId, Balance, BlockNumber> {
	/// The proposal's id.
	pub id: ProposalId,
	/// Who submitted it.
	pub author: AccountId,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// The end of its spam window, until which the whole deposit stays held.
	pub deposit_held_until: BlockNumber,
	/// Its title.
	pub title: alloc::vec::Vec<u8>,
	/// The body's length in bytes.
	pub body_len: u32,
	/// blake2b-256 of the body.
	pub content_hash: H256,
	/// The body's binary CIDv1.
	pub cid: alloc::vec::Vec<u8>,
	/// The deposit still held.
	pub deposit: Balance,
	/// The record deposit still held.
	pub record_deposit: Balance,
	/// The inference network's analysis.
	pub analysis: AnalysisStatus,
	/// The annotators' verified label, if any.
	pub verified_label: Option<LabelIndex>,
	/// Annotations per label.
	pub tally: alloc::vec::Vec<u32>,
	/// Bonds per label.
	pub bonded: alloc::vec::Vec<Balance>,
	/// A label waiting out its challenge window, if any.
	pub provisional: Option<Provisional<BlockNumber>>,
}

impl<AccountId, Balance, BlockNumber, MaxTitleLen: Get<u32>>
	Proposal<AccountId, Balance, BlockNumber, MaxTitleLen>
{
	/// The runtime API's view of proposal `id`.
	pub fn details(self, id: ProposalId) -> ProposalDetails<AccountId, Balance, BlockNumber> {
		ProposalDetails {
			id,
			author: self.author,
			submitted_at: self.submitted_at,
			deposit_held_until: self.deposit_held_until,
			title: self.title.into_inner(),
			body_len: self.body_len,
			content_hash: self.content_hash,
			cid: self.cid.to_vec(),
			deposit: self.deposit,
			record_deposit: self.record_deposit,
			analysis: self.analysis,
			verified_label: self.verified_label,
			tally: self.tally.into_inner(),
			bonded: self.bonded.into_inner(),
			provisional: self.provisional,
		}
	}
}

/// A verified proposal as training data: which body, which label.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct TrainingExample {
	/// The proposal.
	pub proposal: ProposalId,
	/// blake2b-256 of its body.
	pub content_hash: H256,
	/// The label its annotators agreed on.
	pub label: LabelIndex,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn agreement_needs_bonded_quorum_threshold_and_a_single_leader() {
		let two_thirds = Perbill::from_rational(2u32, 3);
		assert_eq!(agreed_label(&[30, 0, 0], 30, two_thirds), Some(0));
		assert_eq!(agreed_label(&[29, 0, 0], 30, two_thirds), None, "below quorum");
		assert_eq!(agreed_label(&[20, 10, 0], 30, two_thirds), Some(0), "exactly two thirds");
		assert_eq!(agreed_label(&[66, 34, 0], 30, two_thirds), None, "66/100 is below 2/3");
		assert_eq!(agreed_label(&[10, 10, 10], 30, two_thirds), None, "no majority");
		assert_eq!(agreed_label(&[0, 40, 30], 30, two_thirds), None, "4/7 is below 2/3");
		assert_eq!(agreed_label(&[2, 2], 1, Perbill::zero()), None, "a tie agrees on nothing");
		assert_eq!(agreed_label(&[], 0, Perbill::zero()), None);
	}

	/// One heavy bond outweighs any number of light ones: accounts do not count.
	#[test]
	fn weight_not_the_number_of_accounts_decides() {
		let two_thirds = Perbill::from_rational(2u32, 3);
		// Twenty sybils with one unit each against one annotator with 41.
		assert_eq!(agreed_label(&[20, 41], 30, two_thirds), Some(1));
	}
}
