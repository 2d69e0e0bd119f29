//! The small traits that join the pallets: each is implemented by the pallet that provides the
//! service, wired in the runtime, and implemented by `()` for pallets tested without it (a `()`
//! that has nothing to give: no model, no nodes, no examples, and refusals where it is asked to
//! record something).
//!
//! ## Weights
//!
//! Two traits carry weight functions, because their caller charges the callee's cost inside its
//! own benchmarked call or hook and cannot see it: [`InferenceTasks`] (`open_task_weight`,
//! `cancel_task_weight`, charged by the proposals pallet's calls) and [`ProposalAnalysed`]
//! (`on_analysed_weight`, charged by the inference pallet's judging hook). The others carry
//! none: [`RewardPoints`], [`ActiveModel`], [`ComputeNodes`], [`ModelVersions`],
//! [`TrainingData`], [`ProposalSpaces`] and [`DrawRandomness`] are benchmarked as part of the call or hook that uses
//! them, whose benchmark runs against the real provider in the runtime (as conviction voting's
//! `VotingHooks` are). [`ProposalTitle`] is read by offchain workers only.

use crate::{LabelIndex, ModelId, ModelVersion, ProposalId, SpaceId};
use sp_core::H256;
use sp_runtime::{DispatchError, Weight};

/// The kinds of useful work that earn reward points.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum Contribution {
	/// Labelling proposals in agreement with the other annotators (training data).
	Annotation,
	/// Answering inference tasks in agreement with the committee's consensus.
	Inference,
	/// Contributing model updates that the aggregate kept.
	Training,
}

/// Records reward points for useful work; the rewards pallet pays them out per epoch.
pub trait RewardPoints<AccountId> {
	/// Credits `points` for `contribution` to `who` in the current epoch.
	fn reward(who: &AccountId, contribution: Contribution, points: u32);
}

impl<AccountId> RewardPoints<AccountId> for () {
	fn reward(_: &AccountId, _: Contribution, _: u32) {}
}

/// Opens and cancels analysis tasks: implemented by the inference pallet, called by the proposals
/// pallet.
pub trait InferenceTasks {
	/// Opens an analysis task for proposal `proposal`, whose body has digest `content_hash`;
	/// returns the weight it used, at most [`InferenceTasks::open_task_weight`].
	fn open_task(proposal: ProposalId, content_hash: H256) -> Result<Weight, DispatchError>;
	/// The most weight [`InferenceTasks::open_task`] uses.
	fn open_task_weight() -> Weight;
	/// Cancels the analysis of `proposal` (withdrawn, spam or removed) if it is still running,
	/// and forgets its result if it was judged.
	fn cancel_task(proposal: ProposalId) -> Weight;
	/// The most weight [`InferenceTasks::cancel_task`] uses.
	fn cancel_task_weight() -> Weight;
	/// Whether a committee has been drawn for `proposal` (its task is open or judged): from
	/// then on, withdrawing it would be a re-roll of the draw.
	fn committee_drawn(proposal: ProposalId) -> bool;
}

impl InferenceTasks for () {
	fn open_task(_: ProposalId, _: H256) -> Result<Weight, DispatchError> {
		Ok(Weight::zero())
	}
	fn open_task_weight() -> Weight {
		Weight::zero()
	}
	fn cancel_task(_: ProposalId) -> Weight {
		Weight::zero()
	}
	fn cancel_task_weight() -> Weight {
		Weight::zero()
	}
	fn committee_drawn(_: ProposalId) -> bool {
		false
	}
}

/// The randomness committee, trainer and aggregator draws are seeded with: the VRF outputs
/// (BABE's) of the current block and of its parent, which two different authorities produced,
/// so that no single author knew the seed before the parent was published.
///
/// Whoever fixes what is drawn for (the author of the block a proposal lands in, or the block
/// that closes a round's updates) records [`DrawRandomness::author`]; the draw happens in the
/// first later block whose author is someone else and differs from its parent's author. An
/// author knows its own VRF output in advance but not its parent's author's: by the time it
/// can compute the seed, the parent is published and a stake moved in its own block counts only
/// for later blocks' draws. The one choice left to an author is not to author its slot.
pub trait DrawRandomness {
	/// The current block's author, as an index into the authority set, if the block names one.
	fn author() -> Option<u32>;
	/// The current block's author and a digest of its VRF output, for the next block's seeds
	/// (the compute-node registry keeps it for one block).
	fn vrf() -> Option<(u32, H256)> {
		None
	}
	/// A seed for `subject` from the current block's and its parent's VRF outputs; `None` if
	/// the block has none, or if its author is `fixed_by` or its parent's author while another
	/// authority could have authored it. The caller then draws in a later block.
	fn seed(subject: &[u8], fixed_by: Option<u32>) -> Option<H256>;
}

/// No randomness: no author, and no seed, so nothing is ever drawn.
impl DrawRandomness for () {
	fn author() -> Option<u32> {
		None
	}
	fn seed(_: &[u8], _: Option<u32>) -> Option<H256> {
		None
	}
}

/// The analysis model that inference tasks run: implemented by model governance, read by the
/// inference pallet when it opens a task.
pub trait ActiveModel {
	/// sha256 of the active model's ONNX file, if a model is active.
	fn active_model() -> Option<H256>;
}

impl ActiveModel for () {
	fn active_model() -> Option<H256> {
		None
	}
}

/// Told when a proposal's analysis has finished: implemented by the proposals pallet, called by
/// the inference pallet.
pub trait ProposalAnalysed {
	/// The network's consensus labelled `proposal` with `label`.
	fn on_analysed(proposal: ProposalId, label: LabelIndex);
	/// The most weight [`ProposalAnalysed::on_analysed`] uses.
	fn on_analysed_weight() -> Weight;
	/// The network tried every round it allows and reached no consensus on `proposal`: its
	/// analysis is over, unanswered.
	fn on_unanswered(proposal: ProposalId);
	/// The most weight [`ProposalAnalysed::on_unanswered`] uses.
	fn on_unanswered_weight() -> Weight;
}

impl ProposalAnalysed for () {
	fn on_analysed(_: ProposalId, _: LabelIndex) {}
	fn on_analysed_weight() -> Weight {
		Weight::zero()
	}
	fn on_unanswered(_: ProposalId) {}
	fn on_unanswered_weight() -> Weight {
		Weight::zero()
	}
}

/// Where the inference offchain worker reads a proposal's title (the brief weighs its words):
/// implemented by the proposals pallet. Read by offchain workers only, never in a block.
pub trait ProposalTitle {
	/// `proposal`'s title, if it exists.
	fn title(proposal: ProposalId) -> Option<alloc::vec::Vec<u8>>;
}

impl ProposalTitle for () {
	fn title(_: ProposalId) -> Option<alloc::vec::Vec<u8>> {
		None
	}
}

/// A piece of work the compute-node registry draws nodes for, named in their history.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum Work {
	/// An inference task, by its id in the inference pallet.
	Task(u32),
	/// A training round, by its id in the training pallet.
	Round(u32),
	/// Validating (producing or finalising blocks) in a session, by its index: an equivocation
	/// that `pallet-offences` reported.
	Session(u32),
}

/// What a drawn node did in one piece of work, judged by the pallet that drew it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum MemberOutcome {
	/// Answered with the consensus: reputation up.
	Agreed,
	/// Answered against a consensus that honest nodes reach byte for byte: reputation down and
	/// the registry's `disagreement_slash` (at most once per offence window).
	Disagreed,
	/// Answered, but there was no consensus, or nobody answered at all: nothing changes.
	Inconclusive,
	/// Did not answer while enough of the others did: reputation down and the registry's
	/// `miss_slash` (at most once per offence window).
	Missed,
	/// Said in time that it could not answer (its node lacks the input: a warp-synced or
	/// restored database has no body for tasks opened before it caught up): reputation down as
	/// for a miss, so that excusing every seat drifts a node out of the draws, but no slash.
	/// Past the registry's excuse budget for an offence window, an excuse counts as a miss.
	Excused,
	/// Did not answer while others did, in work that ended without consensus: reputation down
	/// as for a miss, no slash (no consensus says what the answer should have been).
	Silent,
}

/// The staked compute nodes of the network, as the pallets that give them work see them:
/// implemented by the compute-node registry, used by inference (committees) and training
/// (trainers and aggregators).
pub trait ComputeNodes<AccountId, Balance> {
	/// Draws up to `count` distinct nodes, each weighing its stake times its reputation, from
	/// `seed`: every node computes the same draw for the same seed. Each with its stake and one
	/// seat. O(N · count) in the candidates.
	fn draw(seed: &H256, count: u32) -> alloc::vec::Vec<crate::Seat<AccountId, Balance>>;
	/// Draws `seats` committee seats from `seed`, each independently (with replacement) with
	/// probability proportional to a node's stake times its reputation, leaving out the nodes
	/// in `excluded`: each drawn node once, with its stake and the seats it won. Every node
	/// computes the same draw for the same seed. O(N · seats) in the candidates.
	fn draw_seats(
		seed: &H256,
		seats: u32,
		excluded: &[AccountId],
	) -> alloc::vec::Vec<crate::Seat<AccountId, Balance>>;
	/// How many nodes a draw chooses from now; at most [`ComputeNodes::max_candidates`].
	fn candidates() -> u32;
	/// The most nodes a draw can choose from: the bound for weights.
	fn max_candidates() -> u32;
	/// The node whose signing key is the account `key`, if one is registered.
	fn node_of_key(key: &AccountId) -> Option<AccountId>;
	/// Records what `node` did in `work`: its reputation, record and history, and the slash the
	/// outcome carries. Does nothing for a node that is no longer registered.
	fn record(node: &AccountId, work: Work, outcome: MemberOutcome);
	/// Slashes `fraction` of what `node` holds for an offence reported from outside the
	/// network's own judgement (a validator's equivocation in `work`); returns the amount. Each
	/// report is its own offence: the offence window does not apply. Nothing for a node that is
	/// not registered.
	fn slash_offence(node: &AccountId, work: Work, fraction: sp_runtime::Perbill) -> Balance;
}

/// The model registry, as training sees it: implemented by model governance.
pub trait ModelVersions {
	/// sha256 of version `version` of model `model`, if it is registered.
	fn version_hash(model: ModelId, version: ModelVersion) -> Option<H256>;
	/// The shape of the trainable linear layer of version `version` of model `model`, if it is
	/// registered as trainable.
	fn layer_shape(model: ModelId, version: ModelVersion) -> Option<crate::training::LayerShape>;
	/// Registers `sha256` as the next version of `model`, found at `uri`, with the labels and
	/// input of its latest version and what its round measured of it (`evaluation`; `forgets`
	/// when it loses on the reference set), without activating it (governance decides that);
	/// returns the version.
	fn add_candidate(
		model: ModelId,
		sha256: H256,
		uri: alloc::vec::Vec<u8>,
		evaluation: crate::training::CandidateEvaluation,
		forgets: bool,
	) -> Result<ModelVersion, DispatchError>;
}

/// What happened to a proposal filed under a DAO's space, as the space's record counts it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpaceActivity {
	/// The inference network labelled it.
	Analysed,
	/// It received its first annotation.
	Annotated,
	/// Its annotators' label was verified.
	Verified,
	/// Its verified label met the network's analysis (whichever came second): `matched` when
	/// the network had published the same label, not when it published another or none.
	Compared {
		/// Whether the network's label was the verified one.
		matched: bool,
	},
}

/// The DAO spaces proposals are filed under: implemented by the spaces pallet, called by the
/// proposals pallet, which says which proposals a space holds and what became of them.
pub trait ProposalSpaces {
	/// Files proposal `proposal` under `space`; refused if no such space exists.
	fn file(space: SpaceId, proposal: ProposalId) -> Result<(), DispatchError>;
	/// Takes proposal `proposal` out of `space`'s list: its record is gone (withdrawn, spam or
	/// removed). What the space's record counted stays counted.
	fn unfile(space: SpaceId, proposal: ProposalId);
	/// Counts `activity` of a proposal filed under `space` in the space's record.
	fn note(space: SpaceId, activity: SpaceActivity);
}

/// No spaces: filing is refused, the rest does nothing.
impl ProposalSpaces for () {
	fn file(_: SpaceId, _: ProposalId) -> Result<(), DispatchError> {
		Err(DispatchError::Other("no DAO spaces"))
	}
	fn unfile(_: SpaceId, _: ProposalId) {}
	fn note(_: SpaceId, _: SpaceActivity) {}
}

/// One verified training example, as training sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VerifiedExample {
	/// blake2b-256 of the proposal's body.
	pub content_hash: H256,
	/// The label its annotators agreed on.
	pub label: LabelIndex,
	/// Whether the label corrects the inference network's: an error report, which training
	/// weighs twice.
	pub error_report: bool,
	/// The DAO space its proposal was filed under, if any.
	pub space: Option<SpaceId>,
}

/// The verified training set, as training sees it: implemented by the proposals pallet.
pub trait TrainingData {
	/// The verified example of proposal `proposal`.
	fn example(proposal: ProposalId) -> Option<VerifiedExample>;
}

/// No nodes: nothing is drawn, no key is a node's, and nothing is recorded or slashed.
impl<AccountId, Balance: Default> ComputeNodes<AccountId, Balance> for () {
	fn draw(_: &H256, _: u32) -> alloc::vec::Vec<crate::Seat<AccountId, Balance>> {
		alloc::vec::Vec::new()
	}
	fn draw_seats(
		_: &H256,
		_: u32,
		_: &[AccountId],
	) -> alloc::vec::Vec<crate::Seat<AccountId, Balance>> {
		alloc::vec::Vec::new()
	}
	fn candidates() -> u32 {
		0
	}
	fn max_candidates() -> u32 {
		0
	}
	fn node_of_key(_: &AccountId) -> Option<AccountId> {
		None
	}
	fn record(_: &AccountId, _: Work, _: MemberOutcome) {}
	fn slash_offence(_: &AccountId, _: Work, _: sp_runtime::Perbill) -> Balance {
		Balance::default()
	}
}

/// No registry: no version is known, and no candidate can be registered.
impl ModelVersions for () {
	fn version_hash(_: ModelId, _: ModelVersion) -> Option<H256> {
		None
	}
	fn layer_shape(_: ModelId, _: ModelVersion) -> Option<crate::training::LayerShape> {
		None
	}
	fn add_candidate(
		_: ModelId,
		_: H256,
		_: alloc::vec::Vec<u8>,
		_: crate::training::CandidateEvaluation,
		_: bool,
	) -> Result<ModelVersion, DispatchError> {
		Err(DispatchError::Other("no model registry"))
	}
}

/// No verified examples.
impl TrainingData for () {
	fn example(_: ProposalId) -> Option<VerifiedExample> {
		None
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// What a pallet tested without a provider sees: nothing to draw, no version, no example,
	/// and a refusal where it asks to register a candidate.
	#[test]
	fn the_unit_providers_have_nothing_to_give() {
		assert!(<() as ComputeNodes<u64, u64>>::draw(&H256::zero(), 5).is_empty());
		assert_eq!(<() as ComputeNodes<u64, u64>>::candidates(), 0);
		assert_eq!(<() as ComputeNodes<u64, u64>>::node_of_key(&1), None);
		assert_eq!(
			<() as ComputeNodes<u64, u64>>::slash_offence(&1, Work::Task(0), Default::default()),
			0
		);
		assert_eq!(<() as ModelVersions>::version_hash(0, 1), None);
		assert_eq!(<() as ModelVersions>::layer_shape(0, 1), None);
		assert!(<() as ModelVersions>::add_candidate(
			0,
			H256::zero(),
			Default::default(),
			Default::default(),
			false
		)
		.is_err());
		assert_eq!(<() as TrainingData>::example(0), None);
		assert!(<() as ProposalSpaces>::file(0, 0).is_err());
		assert_eq!(<() as ActiveModel>::active_model(), None);
	}
}
