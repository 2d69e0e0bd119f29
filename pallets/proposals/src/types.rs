//! The pallet's data: proposals, annotations, contributions and training examples.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use daollm_primitives::{content::Cid, LabelIndex, ProposalId, SpaceId, MAX_LABELS};
use frame_support::{pallet_prelude::ConstU32, traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill,
};

/// The economics of proposals and annotations: set at genesis, changed by governance
/// ([`crate::Pallet::set_parameters`]) within the bounds [`Parameters::check`] enforces. Each
/// one prices or paces what authors and annotators do, so governance can answer the market or
/// an attack without a runtime upgrade.
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
	/// The deposit every proposal holds, whatever its size.
	pub deposit_base: Balance,
	/// The deposit held per byte of a proposal's body.
	pub deposit_per_byte: Balance,
	/// The part of a proposal's deposit kept when the deposit is released, paid to the
	/// pallet's `Fees` (the committees, through the rewards pot): what having a proposal
	/// analysed costs.
	pub proposal_fee: Balance,
	/// The part of a proposal's deposit that stays held, once the rest is released, while its
	/// record exists: the record, its analysis result and its tally are state someone pays for.
	/// [`crate::Pallet::remove_proposal`] returns it.
	pub record_deposit: Balance,
	/// The share of its deposit an author forfeits (to the pallet's `Slash`) by withdrawing a
	/// proposal whose committee is drawn: each re-roll of a committee costs this much,
	/// whichever account submits, and only the treasury gains.
	pub redraw_penalty: Perbill,
	/// The least bond an annotation holds.
	pub min_annotation_bond: Balance,
	/// The revealed bonds, over all labels, that open a proposal's challenge window.
	pub verification_bond: Balance,
	/// Blocks a leading label stays open to challenge before it settles; also a proposal's spam
	/// window, during which its whole deposit stays held.
	pub challenge_period: BlockNumber,
	/// How far a challenge window's end moves when its leading label changes near the end, as a
	/// share of `challenge_period` (at least one block): a change within that many blocks of the
	/// end puts the end that many blocks after the change, so whoever was overtaken can answer.
	pub challenge_extension: Perbill,
	/// The share of its bond an annotation loses when the label settles on another one; the
	/// annotations on the verified label share it.
	pub disagreement_slash: Perbill,
	/// Reward points a verified label earns when it corrects the inference network, shared pro
	/// rata to bond by the annotations that named it before it was public.
	pub correction_points: u32,
}

/// Why a set of proposal parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `min_annotation_bond` is zero: annotations would cost nothing.
	AnnotationBond,
	/// `verification_bond` is below one annotation's least bond.
	VerificationBond,
	/// `challenge_period` is zero.
	ChallengePeriod,
	/// `challenge_extension` is zero: a last-block bond could not be answered.
	ChallengeExtension,
	/// `proposal_fee` and `record_deposit` together exceed `deposit_base`: they come out of
	/// every deposit.
	Fee,
}

impl<Balance: Copy + Zero + Saturating + PartialOrd, BlockNumber: Zero>
	Parameters<Balance, BlockNumber>
{
	/// Checks the parameters: each the rules above require.
	pub fn check(&self) -> Result<(), InvalidParameter> {
		use InvalidParameter::*;
		if self.min_annotation_bond.is_zero() {
			return Err(AnnotationBond);
		}
		if self.verification_bond < self.min_annotation_bond {
			return Err(VerificationBond);
		}
		if self.challenge_period.is_zero() {
			return Err(ChallengePeriod);
		}
		if self.challenge_extension.is_zero() {
			return Err(ChallengeExtension);
		}
		if self.proposal_fee.saturating_add(self.record_deposit) > self.deposit_base {
			return Err(Fee);
		}
		Ok(())
	}
}

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

impl AnalysisStatus {
	/// Whether `label`, verified by the annotators, corrects this analysis: the network gave
	/// another label, or none after every round it allows. A pending analysis is corrected by
	/// nothing (yet).
	pub fn corrected_by(&self, label: LabelIndex) -> bool {
		match self {
			Self::Analysed { label: network } => *network != label,
			Self::Unanswered => true,
			Self::Pending => false,
		}
	}
}

/// How many annotations each label has received, indexed by label.
pub type Tally = BoundedVec<u32, ConstU32<MAX_LABELS>>;

/// The bonds behind each label, indexed by label: the weight that verifies a label.
pub type BondTally<Balance> = BoundedVec<Balance, ConstU32<MAX_LABELS>>;

/// The label leading a proposal's challenge window: the one that settles unless another label
/// comes to hold strictly more bond before `settles_at`.
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
	/// The label holding the most bond; a tie keeps the label that got there first.
	pub label: LabelIndex,
	/// The first block whose `on_initialize` settles the label (in queue order). Pushed back
	/// to at least `challenge_extension` blocks ahead whenever the leading label changes, so
	/// that every change can be answered.
	pub settles_at: BlockNumber,
	/// Its place in the settlement queue.
	pub ticket: u32,
}

/// A set of labels, one bit per label (labels are below [`MAX_LABELS`], which is 16).
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct LabelSet(pub u32);

impl LabelSet {
	/// Whether `label` is in the set.
	pub fn contains(&self, label: LabelIndex) -> bool {
		u32::from(label) < MAX_LABELS && self.0 & (1u32 << label) != 0
	}

	/// Adds `label` to the set (labels at or above `MAX_LABELS` are not representable and
	/// ignored).
	pub fn insert(&mut self, label: LabelIndex) {
		if u32::from(label) < MAX_LABELS {
			self.0 |= 1u32 << label;
		}
	}
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
	/// the record (`record_deposit`).
	pub record_deposit: Balance,
	/// The inference network's analysis.
	pub analysis: AnalysisStatus,
	/// The label the annotators agreed on, once settled: the proposal is then training data.
	pub verified_label: Option<LabelIndex>,
	/// Revealed annotations per label.
	pub tally: Tally,
	/// Revealed bonds per label.
	pub bonded: BondTally<Balance>,
	/// Sealed annotations not revealed yet: their labels are not known, and their bonds count
	/// for no label.
	pub sealed: u32,
	/// The label leading its challenge window, once the bonds reached the quorum.
	pub provisional: Option<Provisional<BlockNumber>>,
}

impl<AccountId, Balance: Copy + UniqueSaturatedInto<u128>, BlockNumber, MaxTitleLen: Get<u32>>
	Proposal<AccountId, Balance, BlockNumber, MaxTitleLen>
{
	/// How many annotations the proposal has, sealed ones included.
	pub fn annotation_count(&self) -> u32 {
		self.tally.iter().fold(self.sealed, |sum, n| sum.saturating_add(*n))
	}

	/// The label the revealed bonds put first, keeping `incumbent` on a tie: see [`leader`].
	pub fn leader(&self, incumbent: Option<LabelIndex>) -> Option<LabelIndex> {
		let weights: alloc::vec::Vec<u128> =
			self.bonded.iter().map(|b| (*b).unique_saturated_into()).collect();
		leader(&weights, incumbent)
	}

	/// Whether the revealed bonds add up to at least `quorum`.
	pub fn reaches(&self, quorum: Balance) -> bool {
		let total = self
			.bonded
			.iter()
			.fold(0u128, |sum, b| sum.saturating_add((*b).unique_saturated_into()));
		total > 0 && total >= quorum.unique_saturated_into()
	}

	/// The labels anyone can see on the proposal: the inference network's label once it is
	/// published, and every label a revealed bond backs. An annotation of one of them
	/// repeats what is public.
	pub fn public_labels(&self) -> LabelSet {
		let mut seen = LabelSet::default();
		if let AnalysisStatus::Analysed { label } = self.analysis {
			seen.insert(label);
		}
		for (label, bond) in self.bonded.iter().enumerate() {
			if (*bond).unique_saturated_into() > 0 {
				seen.insert(label as LabelIndex);
			}
		}
		seen
	}
}

/// The label with strictly the most weight in `weights` (indexed by label); on a tie for the
/// most, `incumbent` if it is among the tied, else none. A leading label is displaced only by
/// one that holds strictly more: matching it, however late, changes nothing.
pub fn leader(weights: &[u128], incumbent: Option<LabelIndex>) -> Option<LabelIndex> {
	let top = weights.iter().copied().max().filter(|top| *top > 0)?;
	let mut tied = weights.iter().enumerate().filter(|(_, w)| **w == top).map(|(l, _)| l);
	let first = tied.next()?;
	let leader = match (tied.next(), incumbent) {
		(None, _) => first,
		(Some(_), Some(incumbent)) if weights.get(incumbent as usize) == Some(&top) => {
			incumbent as usize
		},
		(Some(_), _) => return None,
	};
	LabelIndex::try_from(leader).ok()
}

/// What an annotation says: a label in the open, or the hash of one, to be revealed.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub enum Choice {
	/// A label anyone can read.
	Label(LabelIndex),
	/// `blake2_256` of the SCALE encoding of `(proposal id, label, salt, annotator)`, committed
	/// before the inference network published its label; counts for no label until revealed.
	Sealed(H256),
}

/// One account's label for one proposal, backed by a bond.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo, MaxEncodedLen)]
pub struct Annotation<Balance, BlockNumber> {
	/// The label the annotator chose, or its sealed commitment.
	pub choice: Choice,
	/// The bond held for it: its weight, returned when the label settles on it, partly slashed
	/// when it settles on another (or it was never revealed).
	pub bond: Balance,
	/// Hash of a longer note kept off chain, if any.
	pub note_hash: Option<H256>,
	/// The block the annotation was made (or sealed) in.
	pub annotated_at: BlockNumber,
	/// The labels that were public when it was made (or sealed): the network's published
	/// label and the labels bonds already backed. An annotation of one of them told the
	/// network nothing new and earns no points.
	pub public: LabelSet,
}

impl<Balance, BlockNumber> Annotation<Balance, BlockNumber> {
	/// The label, once in the open.
	pub fn label(&self) -> Option<LabelIndex> {
		match self.choice {
			Choice::Label(label) => Some(label),
			Choice::Sealed(_) => None,
		}
	}

	/// Whether it named `label` before anyone else had made it public.
	pub fn first_to_name(&self, label: LabelIndex) -> bool {
		self.label() == Some(label) && !self.public.contains(label)
	}
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
	/// Verified labels this account named first where they differed from the inference
	/// network's: the corrections it was paid for.
	pub corrections: u32,
}

/// A proposal as clients read it.
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
	/// The body's CIDv1 in its text form (multibase base32, `b…`): what `bitswap_v1_get`
	/// takes.
	pub cid: alloc::vec::Vec<u8>,
	/// The deposit still held.
	pub deposit: Balance,
	/// The record deposit still held.
	pub record_deposit: Balance,
	/// The inference network's analysis.
	pub analysis: AnalysisStatus,
	/// The annotators' verified label, if any.
	pub verified_label: Option<LabelIndex>,
	/// Revealed annotations per label.
	pub tally: alloc::vec::Vec<u32>,
	/// Revealed bonds per label.
	pub bonded: alloc::vec::Vec<Balance>,
	/// Sealed annotations not revealed yet.
	pub sealed: u32,
	/// The label leading its challenge window, if one is open.
	pub provisional: Option<Provisional<BlockNumber>>,
	/// The DAO space it was filed under, if any.
	pub space: Option<SpaceId>,
	/// Where it came from: a URL or an external id (a Snapshot proposal id, say); empty if its
	/// author gave none.
	pub origin: alloc::vec::Vec<u8>,
}

/// Where a proposal belongs and where it came from, as its author filed it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxOriginLen))]
pub struct Filing<MaxOriginLen: Get<u32>> {
	/// The DAO space it was filed under, if any.
	pub space: Option<SpaceId>,
	/// A URL or an external id of the proposal where it lives (UTF-8); may be empty.
	pub origin: BoundedVec<u8, MaxOriginLen>,
}

impl<AccountId, Balance, BlockNumber, MaxTitleLen: Get<u32>>
	Proposal<AccountId, Balance, BlockNumber, MaxTitleLen>
{
	/// What clients read of proposal `id`, filed as `filing`.
	pub fn details<MaxOriginLen: Get<u32>>(
		self,
		id: ProposalId,
		filing: Option<Filing<MaxOriginLen>>,
	) -> ProposalDetails<AccountId, Balance, BlockNumber> {
		let (space, origin) = filing.map(|f| (f.space, f.origin.into_inner())).unwrap_or_default();
		ProposalDetails {
			id,
			author: self.author,
			submitted_at: self.submitted_at,
			deposit_held_until: self.deposit_held_until,
			title: self.title.into_inner(),
			body_len: self.body_len,
			content_hash: self.content_hash,
			cid: daollm_primitives::content::cid_to_string(&self.cid).into_bytes(),
			deposit: self.deposit,
			record_deposit: self.record_deposit,
			analysis: self.analysis,
			verified_label: self.verified_label,
			tally: self.tally.into_inner(),
			bonded: self.bonded.into_inner(),
			sealed: self.sealed,
			provisional: self.provisional,
			space,
			origin,
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
	/// The inference network's analysis of the proposal (kept up to date if it lands after
	/// the verification). Where it gave another label, or none after every round it allows,
	/// the example is an error report: the network got this proposal wrong, and training
	/// rounds weigh it twice.
	pub analysis: AnalysisStatus,
	/// The DAO space its proposal was filed under, if any: training rounds can be scoped to
	/// one DAO's examples.
	pub space: Option<SpaceId>,
}

impl TrainingExample {
	/// Whether the verified label corrects the inference network's analysis.
	pub fn corrects_network(&self) -> bool {
		self.analysis.corrected_by(self.label)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_label_with_strictly_the_most_bond_leads() {
		assert_eq!(leader(&[30, 0, 0], None), Some(0));
		assert_eq!(leader(&[20, 21, 0], None), Some(1));
		assert_eq!(leader(&[0, 0, 0], None), None, "no bond, no leader");
		assert_eq!(leader(&[], None), None);
	}

	#[test]
	fn a_tie_keeps_the_incumbent_and_names_nobody_new() {
		assert_eq!(leader(&[20, 20, 0], Some(1)), Some(1), "matching the leader is not enough");
		assert_eq!(leader(&[20, 20, 0], Some(0)), Some(0));
		assert_eq!(leader(&[20, 20, 0], None), None, "a tie with no incumbent leads nowhere");
		assert_eq!(leader(&[20, 20, 5], Some(2)), None, "an incumbent below the top is out");
	}

	/// One heavy bond outweighs any number of light ones: accounts do not count.
	#[test]
	fn weight_not_the_number_of_accounts_decides() {
		// Twenty sybils with one unit each against one annotator with 21.
		assert_eq!(leader(&[20, 21], Some(0)), Some(1));
	}

	#[test]
	fn a_label_set_holds_labels_below_the_bound() {
		let mut set = LabelSet::default();
		set.insert(3);
		set.insert(15);
		set.insert(16);
		assert!(set.contains(3) && set.contains(15));
		assert!(!set.contains(0) && !set.contains(16));
	}
}
