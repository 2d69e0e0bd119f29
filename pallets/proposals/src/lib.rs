//! # Proposals Pallet
//!
//! DAO members submit proposals; contributors label them; labels that enough annotators agree on
//! become verified training data for the analysis model.
//!
//! ## Overview
//!
//! A proposal is a title and a body of up to [`Config::MaxBodyLen`] bytes. Submitting one holds a
//! deposit from the author ([`Parameters::deposit_base`] plus [`Parameters::deposit_per_byte`]
//! per body byte), so that flooding the chain and the inference network costs money that governance can
//! take away ([`Pallet::mark_spam`]). State keeps only the proposal's record: the body's
//! blake2b-256 digest and its CIDv1 (raw codec, blake2b-256 multihash). The body goes to the
//! node's offchain index, where the inference network's offchain workers read it, and to the
//! transaction index, from which a node started with `--ipfs-server` serves it over Bitswap under
//! that CID.
//!
//! Every submitted proposal opens an analysis task ([`Config::InferenceTasks`]). Independently,
//! any account other than the author may label it with one of the model's
//! [`Config::LabelCount`] labels, holding a **bond** of at least
//! [`Parameters::min_annotation_bond`]
//! ([`HoldReason::AnnotationBond`]). Bonds, not accounts, are the weight of a label:
//! - **in the open** ([`Pallet::annotate`]), or **sealed** ([`Pallet::seal_annotation`]) while
//!   the inference network has not published its label: a commitment to a label, revealed
//!   later ([`Pallet::reveal_annotation`]), so that nobody can copy it in the meantime;
//! - a proposal keeps at most [`Config::MaxAnnotations`] annotations; beyond that a new one
//!   **displaces** the smallest bond (returned whole) if its own is larger, so no number of
//!   accounts closes a proposal to a larger bond;
//! - once the revealed bonds reach [`Parameters::verification_bond`] with one label ahead, a
//!   **challenge window** of [`Parameters::challenge_period`] blocks opens on that label. A label that
//!   comes to hold strictly more bond takes the lead (matching it is not enough); if it does
//!   within [`Parameters::challenge_extension`] of the window's end, the window runs on that long
//!   from the change, so that a last-block bond can always be answered;
//! - in the `on_initialize` of the window's last block the leading label is **verified**: the
//!   proposal joins the training set; the annotations of the verified label get their bonds
//!   back with a share of what the others lose; annotations of other labels, and sealed ones
//!   never revealed, lose [`Parameters::disagreement_slash`] of their bonds. A challenge that does
//!   not outbond the leader is no dispute: it costs the challenger.
//!
//! ## Economics
//!
//! - **Information, not agreement, is paid.** The inference network publishes its label for
//!   every proposal, and its model is a public file: repeating that label tells the network
//!   nothing. [`Parameters::correction_points`] are paid only when the verified label *corrects* the
//!   network (it published another label, or none after every round it allows), and only to
//!   the annotations of that label that named it before it was public — when they were made,
//!   or sealed — pro rata to their bonds. Whoever repeats the network's label, or a label
//!   someone already bonded, gets its bond back and a share of what challengers lose, and no
//!   points: a farm of any number of accounts copying the network pays its transaction fees
//!   for nothing. A correction that survives its window is paid its points, worth some thirty
//!   times an annotation's fee at the runtime's values. A verified label that differs from the
//!   network's is an **error report** ([`TrainingExample::corrects_network`]): training rounds
//!   weigh it twice, and the app highlights it.
//! - **A label cannot be bought with accounts or timing.** The leading label changes only when
//!   another holds strictly more bond, late changes extend the window, and the side that
//!   loses pays [`Parameters::disagreement_slash`] of its bonds to the side that wins: an attacker
//!   outbonded by the honest side never verifies its label, and every honest annotator ends
//!   with at least its bond.
//! - The author's deposit is held until the proposal is analysed (or verified) and outside any
//!   challenge window; on release, [`Parameters::proposal_fee`] of it is kept and paid to
//!   [`Config::Fees`] (the runtime sends it to the rewards pot, which pays the inference
//!   committees): a flood of proposals costs the flooder that fee per proposal. Withdrawing a
//!   pending proposal keeps the fee too (a submit-and-withdraw cycle costs the cycler the fee
//!   and the network nothing but a queue entry it drops), and once its committee is drawn also
//!   [`Parameters::redraw_penalty`] of the deposit.
//! - A proposal whose analysis ended unanswered (no consensus after every escalation the
//!   inference network allows) releases its deposit as an analysed one does: its author did
//!   nothing wrong.
//! - [`Parameters::record_deposit`] of it stays held for as long as the finished record (with its
//!   analysis result and tally) exists: the author gets it back by removing the record
//!   ([`Pallet::remove_proposal`]). Verified annotations leave no records once their bonds are
//!   settled; the training example stays, as the DAO's data.
//! - An attacker who is a proposal's author and all of its annotators pays the fee and gets back
//!   only its own bonds and at most the correction points of one proposal, whose value the
//!   rewards pallet caps below the fee; splitting its bonds over more accounts changes nothing
//!   but its transaction fees.
//!
//! ## Terminology
//!
//! - **Deposit**: held from the author with [`HoldReason::ProposalDeposit`]; released (less
//!   [`Parameters::proposal_fee`]) when the proposal is analysed (or its analysis ended unanswered)
//!   or verified, no challenge window is open and its spam window has ended, returned less the
//!   fee on withdrawal, slashed when marked spam.
//! - **Spam window**: one challenge period from submission (`deposit_held_until`). The whole
//!   deposit stays held through it, so that the technical committee (a motion) or a `spam`
//!   referendum has time to slash it; the runtime keeps the period longer than the `spam`
//!   track's fastest path.
//! - **Annotation**: one account's label (or sealed commitment to one) for one proposal, with a
//!   bond and optionally the hash of a note.
//! - **Provisional label**: the label leading a challenge window.
//! - **Verified label**: the label leading the window when it closed; the proposal is then a
//!   [`TrainingExample`].
//! - **Correction**: a verified label other than the inference network's; an **error report**
//!   in the training set.
//! - **Contributions**: per account, running totals of proposals, annotations, agreements,
//!   disagreements and corrections.
//!
//! ## Lifecycle
//!
//! ```text
//! submit_proposal ─▶ Pending ──(inference consensus)──▶ Analysed { label }
//!                     │  └─ withdraw_proposal (author) ─▶ removed, deposit and bonds returned
//!                     └──── mark_spam (SpamOrigin) ─────▶ removed, deposit slashed, bonds returned
//! annotate / seal_annotation ─▶ reveal_annotation ─▶ quorum of revealed bonds, one label
//!     ahead ─▶ provisional (challenge window; a late change of leader extends it)
//!     ─▶ settles: verified_label = Some(leader) ─▶ training set
//! analysed or verified, no window open ─ remove_proposal (author) ─▶ record gone, record
//!     deposit returned, training example kept
//! ```
//!
//! ## Calls
//!
//! - [`Pallet::submit_proposal`]: submit a proposal, holding its deposit. Weight: O(T + B) in
//!   the title and body lengths, plus opening its task.
//! - [`Pallet::file_proposal`]: the same, filed under a DAO's space ([`Config::Spaces`]) with
//!   where it came from (a URL or an external id). Weight: as `submit_proposal`.
//! - [`Pallet::withdraw_proposal`]: the author withdraws a pending, unverified proposal.
//!   Weight: O(A) in its annotations (each bond released), plus cancelling its task.
//! - [`Pallet::annotate`]: label someone else's proposal, holding a bond. Weight: O(A) in its
//!   annotations when it is full (the smallest bond is displaced), O(1) otherwise.
//! - [`Pallet::seal_annotation`]: the same, blind, before the network's label is public.
//!   Weight: as `annotate`.
//! - [`Pallet::reveal_annotation`]: reveal a sealed label. Weight: O(1).
//! - [`Pallet::mark_spam`]: [`Config::SpamOrigin`] removes a proposal and slashes its deposit
//!   (all of it within the spam window; a verified training example stays after it). Weight:
//!   O(A) in its annotations.
//! - [`Pallet::set_parameters`]: governance sets the economics ([`Parameters`]) within
//!   [`Parameters::check`]. Weight: O(1).
//! - [`Pallet::remove_proposal`]: the author removes a finished record, taking back the record
//!   deposit. Weight: O(A) in its annotations.
//!
//! ## Hooks
//!
//! - `on_initialize`: settles the labels whose challenge window has ended, oldest first, at most
//!   [`Config::MaxSettlementsPerBlock`], each O(A) in its annotations; then releases the
//!   deposits whose spam window has ended ([`NextRelease`]), at most as many; O(1) when none is
//!   due.
//!
//! ## Cross-pallet contract
//!
//! - Downward: [`Config::InferenceTasks`] opens and cancels analysis tasks; [`Config::Spaces`]
//!   lists proposals under their DAO's space and counts what became of them (analysed,
//!   annotated, verified, and whether the network's label matched the verified one);
//!   [`Config::RewardPoints`] credits annotators; [`Config::Currency`] holds and slashes
//!   deposits and bonds; [`Config::Slash`] receives what is slashed as spam (and rounding dust);
//!   [`Config::Fees`] receives the proposal fee.
//! - Upward: the pallet implements [`ProposalAnalysed`], through which the inference pallet
//!   reports a finished analysis, which releases the deposit (it carries a weight function,
//!   charged by the inference pallet's judging hook); [`TrainingData`], through which the
//!   training pallet reads verified examples; and [`ProposalTitle`], through which the
//!   inference worker reads a proposal's title for its brief.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod deposits;
mod impls;
mod labels;
pub mod migrations;
#[cfg(test)]
mod mock;
mod submission;
#[cfg(test)]
mod tests;
mod types;
mod views;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use daollm_primitives::{
	content::{cid_v1_raw_blake2b_256, offchain_body_key, readable_body, UnreadableBody},
	traits::{
		Contribution, InferenceTasks, ProposalAnalysed, ProposalSpaces, ProposalTitle,
		RewardPoints, SpaceActivity, TrainingData, VerifiedExample,
	},
	LabelIndex, ProposalId, SpaceId,
};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Balanced, BalancedHold, Credit, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Funds taken from an account, on their way to [`Config::Slash`].
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// A proposal record as this runtime stores it.
pub type ProposalOf<T> = Proposal<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxTitleLen,
>;

/// A proposal as this runtime's clients read it.
pub type ProposalDetailsOf<T> =
	ProposalDetails<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// The largest page of the training set [`Pallet::training_set`] returns.
pub const MAX_TRAINING_PAGE: u32 = 256;

/// The most proposals [`Pallet::with_content`] returns.
pub const MAX_SAME_CONTENT: u32 = 16;

/// Where a proposal belongs and where it came from, as this runtime stores it.
pub type FilingOf<T> = Filing<<T as Config>::MaxOriginLen>;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> From<InvalidParameter> for Error<T> {
	fn from(invalid: InvalidParameter) -> Self {
		match invalid {
			InvalidParameter::AnnotationBond => Error::InvalidAnnotationBond,
			InvalidParameter::VerificationBond => Error::InvalidVerificationBond,
			InvalidParameter::ChallengePeriod => Error::InvalidChallengePeriod,
			InvalidParameter::ChallengeExtension => Error::InvalidChallengeExtension,
			InvalidParameter::Fee => Error::InvalidFee,
		}
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a submitted proposal.
		ProposalDeposit,
		/// The bond behind an annotation, until its label settles.
		AnnotationBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		// Runtime types.

		/// The currency deposits are held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		// Other pallets.

		/// Opens and cancels the inference network's analysis tasks.
		type InferenceTasks: InferenceTasks;

		/// Credits reward points to annotators whose label corrects the network.
		type RewardPoints: RewardPoints<Self::AccountId>;

		/// The DAO spaces proposals are filed under: lists them and counts what became of them.
		type Spaces: ProposalSpaces;

		/// Receives the deposits of proposals marked as spam, and the part of a deposit a
		/// withdrawal after the committee draw forfeits.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// Receives the proposal fee kept from each released deposit.
		type Fees: OnUnbalanced<CreditOf<Self>>;

		// Origins.

		/// The origin that may mark proposals as spam: in the runtime, the `spam` track's and the
		/// technical committee's.
		type SpamOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin that sets the [`Parameters`]: in the runtime, the `parameters` track's.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// The longest title, in bytes.
		#[pallet::constant]
		type MaxTitleLen: Get<u32>;

		/// The longest body, in bytes.
		#[pallet::constant]
		type MaxBodyLen: Get<u32>;

		/// The longest origin (a URL or an external id of the proposal), in bytes.
		#[pallet::constant]
		type MaxOriginLen: Get<u32>;

		/// How many labels the analysis model has; annotations use labels `0..LabelCount`.
		#[pallet::constant]
		type LabelCount: Get<LabelIndex>;

		/// The most annotations one proposal keeps at once; beyond it a new annotation
		/// displaces the one with the smallest bond, if its own bond is larger.
		#[pallet::constant]
		type MaxAnnotations: Get<u32>;

		/// The most labels that settle in one block; the rest wait for the next block, in order.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;

		// Governable parameters.

		/// The [`Parameters`] until genesis or governance sets others.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Sets up what the benchmarks need from other pallets: a DAO space.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next proposal gets.
	#[pallet::storage]
	pub type NextProposalId<T> = StorageValue<_, ProposalId, ValueQuery>;

	/// The oldest proposal whose deposit may still wait for the end of its spam window: the
	/// cursor of [`Pallet::release_due`] over proposal ids.
	#[pallet::storage]
	pub type NextRelease<T> = StorageValue<_, ProposalId, ValueQuery>;

	/// Proposals that exist (submitted, neither withdrawn nor marked as spam), by id.
	#[pallet::storage]
	pub type Proposals<T: Config> = CountedStorageMap<_, Twox64Concat, ProposalId, ProposalOf<T>>;

	/// Annotations, by proposal and annotator.
	#[pallet::storage]
	pub type Annotations<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ProposalId,
		Blake2_128Concat,
		T::AccountId,
		Annotation<BalanceOf<T>, BlockNumberFor<T>>,
	>;

	/// Where each proposal filed with a space or an origin belongs and came from.
	#[pallet::storage]
	pub type Filings<T: Config> = StorageMap<_, Twox64Concat, ProposalId, FilingOf<T>>;

	/// Proposals by the blake2b-256 digest of their body: which existing proposals carry a
	/// given text, so that a client can tell before signing that it was already submitted.
	#[pallet::storage]
	pub type ContentIndex<T> = StorageDoubleMap<_, Identity, H256, Twox64Concat, ProposalId, ()>;

	/// The verified training set: proposals whose label the annotators agreed on.
	#[pallet::storage]
	pub type TrainingSet<T> = CountedStorageMap<_, Twox64Concat, ProposalId, TrainingExample>;

	/// What each account has contributed.
	#[pallet::storage]
	pub type ContributionsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Contributions, ValueQuery>;

	/// The economics of proposals and annotations: deposits, fees, bonds, the challenge
	/// window, slashes and points.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; `DefaultParameters` if omitted.
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(parameters) = &self.parameters {
				assert!(parameters.check().is_ok(), "the genesis proposal parameters are invalid");
				Params::<T>::put(parameters);
			}
		}
	}

	/// Provisional labels waiting to settle, by ticket, in the order their windows opened.
	#[pallet::storage]
	pub type Settlements<T> = StorageMap<_, Twox64Concat, u32, ProposalId>;

	/// The first ticket still waiting and the next one to hand out: `(head, tail)`, counting
	/// with wrap-around.
	#[pallet::storage]
	pub type SettlementBounds<T> = StorageValue<_, (u32, u32), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A proposal was submitted; its body is served under `cid`.
		ProposalSubmitted {
			/// The new proposal's id.
			id: ProposalId,
			/// Who submitted it.
			author: T::AccountId,
			/// The body's CIDv1 (raw, blake2b-256).
			cid: daollm_primitives::content::Cid,
			/// blake2b-256 of the body.
			content_hash: H256,
			/// The deposit held.
			deposit: BalanceOf<T>,
		},
		/// The author withdrew a proposal and got its deposit back.
		ProposalWithdrawn {
			/// The proposal.
			id: ProposalId,
			/// The deposit returned.
			deposit: BalanceOf<T>,
			/// The part of the deposit kept: the proposal fee (to [`Config::Fees`]), and the
			/// redraw penalty if its committee had been drawn (to [`Config::Slash`]).
			forfeited: BalanceOf<T>,
		},
		/// An account labelled a proposal.
		ProposalAnnotated {
			/// The proposal.
			id: ProposalId,
			/// Who labelled it.
			annotator: T::AccountId,
			/// The label chosen.
			label: LabelIndex,
			/// The bond held for it.
			bond: BalanceOf<T>,
		},
		/// An account sealed a label for a proposal: a commitment to reveal before the window
		/// closes.
		AnnotationSealed {
			/// The proposal.
			id: ProposalId,
			/// Who sealed it.
			annotator: T::AccountId,
			/// The bond held for it.
			bond: BalanceOf<T>,
		},
		/// A larger bond displaced the annotation with the smallest bond from a full proposal;
		/// its bond was returned whole.
		AnnotationDisplaced {
			/// The proposal.
			id: ProposalId,
			/// Whose annotation was displaced.
			annotator: T::AccountId,
			/// The bond returned.
			bond: BalanceOf<T>,
		},
		/// The challenge window closed: the leading label is verified and the proposal is
		/// training data.
		LabelVerified {
			/// The proposal.
			id: ProposalId,
			/// The agreed label.
			label: LabelIndex,
			/// Annotators who chose it (they share the reward points and the slashed bonds).
			agreeing: u32,
			/// Annotators who chose another label.
			disagreeing: u32,
			/// What the disagreeing bonds lost to the agreeing ones.
			slashed: BalanceOf<T>,
			/// Whether the label corrects the inference network's (or gives one it could not):
			/// the proposal is then an error report, and its first annotators earned points.
			correction: bool,
		},
		/// The inference network finished analysing a proposal.
		ProposalAnalysed {
			/// The proposal.
			id: ProposalId,
			/// The label the network agreed on.
			label: LabelIndex,
		},
		/// The inference network reached no consensus on a proposal in any round it allows:
		/// its analysis is over without a label.
		AnalysisUnanswered {
			/// The proposal.
			id: ProposalId,
		},
		/// A proposal's deposit went back to its author, less the proposal fee.
		DepositReleased {
			/// The proposal.
			id: ProposalId,
			/// Its author.
			author: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
			/// The proposal fee kept.
			fee: BalanceOf<T>,
		},
		/// Governance marked a proposal as spam: it is removed and its deposit slashed.
		ProposalMarkedSpam {
			/// The proposal.
			id: ProposalId,
			/// The deposit slashed.
			slashed: BalanceOf<T>,
		},
		/// A challenge window opened, or its leading label changed: `label` settles at
		/// `settles_at` unless another label comes to hold strictly more bond.
		LabelProvisional {
			/// The proposal.
			id: ProposalId,
			/// The label holding the most bond.
			label: LabelIndex,
			/// The block the label settles in.
			settles_at: BlockNumberFor<T>,
		},
		/// Governance set new parameters.
		ParametersSet {
			/// The new parameters.
			parameters: ParametersOf<T>,
		},
		/// The author removed a finished proposal's record and got its record deposit back; a
		/// verified label stays in the training set.
		ProposalRemoved {
			/// The proposal.
			id: ProposalId,
			/// The record deposit returned.
			deposit: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The title is longer than `MaxTitleLen`.
		TitleTooLong,
		/// The body is longer than `MaxBodyLen`.
		BodyTooLong,
		/// The body is empty.
		EmptyBody,
		/// The title is empty.
		EmptyTitle,
		/// No proposal has this id.
		UnknownProposal,
		/// This account has already annotated this proposal.
		AlreadyAnnotated,
		/// The label is not one of the model's labels.
		InvalidLabel,
		/// Only the proposal's author may do this.
		NotAuthor,
		/// The proposal still holds its deposit: it is neither analysed nor verified yet.
		NotFinished,
		/// The account cannot hold what this call asks for: a proposal's deposit, or an
		/// annotation's bond.
		InsufficientBalance,
		/// The proposal has been analysed already.
		AlreadyAnalysed,
		/// The proposal's label has been verified already.
		AlreadyVerified,
		/// The proposal holds as many annotations as it keeps, and this bond is not larger than
		/// the smallest of them, which it would displace.
		TooManyAnnotations,
		/// Authors do not annotate their own proposals.
		AuthorCannotAnnotate,
		/// Proposal ids are exhausted.
		ProposalIdOverflow,
		/// The body is not UTF-8 text, so no inference node could read it.
		BodyNotText,
		/// The bond is below `min_annotation_bond`.
		BondTooLow,
		/// The proposal's label is in its challenge window; it cannot be withdrawn until it
		/// settles.
		LabelUnderChallenge,
		/// The challenge period must be at least one block.
		InvalidChallengePeriod,
		/// An annotation's least bond must be more than nothing.
		InvalidAnnotationBond,
		/// The verification bond must be at least one annotation's least bond.
		InvalidVerificationBond,
		/// The challenge extension must be more than nothing, so a last-block bond can be
		/// answered.
		InvalidChallengeExtension,
		/// The proposal fee and the record deposit together must fit in the base deposit.
		InvalidFee,
		/// The inference network has published its label: annotate in the open.
		AnalysisPublished,
		/// This account has no sealed annotation on this proposal.
		NothingToReveal,
		/// The label and salt do not hash to the sealed commitment.
		CommitmentMismatch,
		/// The origin is longer than `MaxOriginLen`.
		OriginTooLong,
		/// The origin is not UTF-8 text.
		OriginNotText,
	}

	/// Reads for clients, typed by the runtime's metadata (the `RuntimeViewFunction` runtime
	/// API runs them; never called in a block).
	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Proposal `id`: its author, title, body length, content hash and CID (what
		/// `bitswap_v1_get` takes), the deposits still held, the network's analysis, the
		/// annotations' tally and bonds per label, the label in its challenge window and the
		/// verified label; `None` if it never existed or its record was removed.
		pub fn proposal(id: ProposalId) -> Option<ProposalDetailsOf<T>> {
			Proposals::<T>::get(id).map(|proposal| proposal.details(id, Filings::<T>::get(id)))
		}

		/// The existing proposals whose body has blake2b-256 digest `content_hash`, oldest
		/// first (at most [`MAX_SAME_CONTENT`]): empty if the chain has no proposal with that
		/// text.
		pub fn with_content(content_hash: H256) -> Vec<ProposalId> {
			let mut ids: Vec<ProposalId> = ContentIndex::<T>::iter_key_prefix(content_hash)
				.take(MAX_SAME_CONTENT as usize)
				.collect();
			ids.sort_unstable();
			ids
		}

		/// Up to `limit` (at most [`MAX_TRAINING_PAGE`]) verified training examples, continuing
		/// after proposal `start_after` (in storage order, stable between calls): pass the last
		/// example's proposal to read the next page.
		pub fn training_set(start_after: Option<ProposalId>, limit: u32) -> Vec<TrainingExample> {
			Self::training_page(start_after, limit.min(MAX_TRAINING_PAGE))
		}

		/// What `who` has contributed: proposals, annotations, how many matched the verified
		/// label, and the corrections of the network's label it named first.
		pub fn contributions(who: T::AccountId) -> Contributions {
			ContributionsOf::<T>::get(who)
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settles the labels whose challenge window has ended, oldest first, at most
		/// `MaxSettlementsPerBlock`.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::settle_due(now).saturating_add(Self::release_due(now))
		}

		fn integrity_test() {
			assert!(T::MaxBodyLen::get() > 0, "MaxBodyLen must allow a body");
			assert!(
				T::MaxBodyLen::get() as usize <= daollm_primitives::content::MAX_BODY_BYTES,
				"MaxBodyLen must not exceed what the inference engine reads"
			);
			assert!(T::MaxTitleLen::get() > 0, "MaxTitleLen must allow a title");
			assert!(
				(2..=daollm_primitives::MAX_LABELS).contains(&(T::LabelCount::get() as u32)),
				"LabelCount must be between 2 and MAX_LABELS"
			);
			assert!(T::MaxSettlementsPerBlock::get() > 0, "MaxSettlementsPerBlock must allow one");
			assert!(T::MaxAnnotations::get() > 0, "MaxAnnotations must allow an annotation");
			assert!(
				T::DefaultParameters::get().check().is_ok(),
				"DefaultParameters must pass Parameters::check"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submit a proposal for analysis and annotation.
		///
		/// The origin must be _Signed_ and able to pay the deposit, `deposit_base` plus
		/// `deposit_per_byte` for each byte of `body`, which is held until the proposal is analysed
		/// or verified. `title` (at most `MaxTitleLen` bytes) is stored; `body` (1 to
		/// `MaxBodyLen` bytes of UTF-8 text, the rule [`readable_body`] the inference engine
		/// applies too) is content-addressed and indexed, not stored in state.
		///
		/// Emits `ProposalSubmitted`. Weight: O(T + B) in the title and body lengths.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_proposal(
			(title.len() as u32).min(T::MaxTitleLen::get()),
			(body.len() as u32).min(T::MaxBodyLen::get()),
		).saturating_add(T::InferenceTasks::open_task_weight()))]
		pub fn submit_proposal(
			origin: OriginFor<T>,
			title: Vec<u8>,
			body: Vec<u8>,
		) -> DispatchResultWithPostInfo {
			let author = ensure_signed(origin)?;
			Self::submit(author, None, title, body)
		}

		/// Submit a proposal filed under a DAO's space, with where it came from.
		///
		/// As `submit_proposal`, and:
		/// - `space`: the DAO space it belongs to, which must exist (any account may file under
		///   any space; clients show who filed it); `None` for none.
		/// - `origin`: where the proposal lives, so that its analysis links back: a URL or an
		///   external id such as a Snapshot proposal id (UTF-8, at most `MaxOriginLen` bytes;
		///   may be empty). Its bytes count in the deposit as the body's do.
		///
		/// Emits `ProposalSubmitted`. Weight: O(T + B) in the title and body lengths.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::file_proposal(
			(title.len() as u32).min(T::MaxTitleLen::get()),
			(body.len() as u32).min(T::MaxBodyLen::get()),
		).saturating_add(T::InferenceTasks::open_task_weight()))]
		pub fn file_proposal(
			origin: OriginFor<T>,
			space: Option<SpaceId>,
			source: Vec<u8>,
			title: Vec<u8>,
			body: Vec<u8>,
		) -> DispatchResultWithPostInfo {
			let author = ensure_signed(origin)?;
			let source: BoundedVec<u8, T::MaxOriginLen> =
				source.try_into().map_err(|_| Error::<T>::OriginTooLong)?;
			ensure!(core::str::from_utf8(&source).is_ok(), Error::<T>::OriginNotText);
			Self::submit(author, Some(Filing { space, origin: source }), title, body)
		}

		/// Withdraw a proposal that is still pending analysis and has no verified label.
		///
		/// The origin must be _Signed_ by the proposal's author, and no label may be in its
		/// challenge window. The deposit is returned less the `proposal_fee` (so that submitting
		/// and withdrawing in a loop is never free), and less `redraw_penalty` of it if the
		/// proposal's committee has been drawn (no free re-roll of the draw); the annotations
		/// are removed (their bonds returned) and the analysis task is cancelled (or the
		/// proposal leaves the backlog).
		///
		/// Emits `ProposalWithdrawn`. Weight: O(A) in the proposal's annotations.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw_proposal(T::MaxAnnotations::get())
			.saturating_add(T::InferenceTasks::cancel_task_weight()))]
		pub fn withdraw_proposal(
			origin: OriginFor<T>,
			id: ProposalId,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;
			ensure!(proposal.author == who, Error::<T>::NotAuthor);
			ensure!(proposal.analysis == AnalysisStatus::Pending, Error::<T>::AlreadyAnalysed);
			ensure!(proposal.verified_label.is_none(), Error::<T>::AlreadyVerified);
			ensure!(proposal.provisional.is_none(), Error::<T>::LabelUnderChallenge);

			let params = Params::<T>::get();
			let penalty = if T::InferenceTasks::committee_drawn(id) {
				params.redraw_penalty.mul_floor(proposal.deposit)
			} else {
				Zero::zero()
			};
			let fee = params.proposal_fee.min(proposal.deposit.saturating_sub(penalty));
			let (credit, _missing) = <T::Currency as BalancedHold<_>>::slash(
				&HoldReason::ProposalDeposit.into(),
				&proposal.author,
				penalty.saturating_add(fee),
			);
			let forfeited = credit.peek();
			let (fee_credit, penalty_credit) = credit.split(fee);
			T::Fees::on_unbalanced(fee_credit);
			T::Slash::on_unbalanced(penalty_credit);
			let deposit =
				Self::return_deposit(&proposal.author, proposal.deposit.saturating_sub(forfeited));
			let annotations = Self::discard(id, &proposal, true);
			let task_weight = T::InferenceTasks::cancel_task(id);

			Self::deposit_event(Event::ProposalWithdrawn { id, deposit, forfeited });
			Ok(Some(T::WeightInfo::withdraw_proposal(annotations).saturating_add(task_weight))
				.into())
		}

		/// Label a proposal with one of the model's labels, backing the label with a bond.
		///
		/// The origin must be _Signed_ by anyone but the author, once per proposal, and able to
		/// hold `bond`.
		/// - `id`: the proposal, not verified yet.
		/// - `label`: below `LabelCount`.
		/// - `bond`: at least `min_annotation_bond`, held until the label settles; the weight of
		///   this annotation. It comes back when the label settles on `label` (with a share of
		///   what the other bonds lose), or less `disagreement_slash` when it settles on another.
		///   On a proposal holding `MaxAnnotations`, it must be larger than the smallest bond,
		///   which it displaces (returned whole).
		/// - `note_hash`: the hash of an optional longer note kept off chain.
		///
		/// Once the revealed bonds reach `verification_bond` with one label ahead, a challenge
		/// window of `challenge_period` blocks opens on that label; a label that comes to hold
		/// strictly more bond takes the lead, and if that happens within `challenge_extension`
		/// blocks of the end the window runs `challenge_extension` more. The leader at the end is
		/// verified. Points go only to corrections: see `LabelVerified`.
		///
		/// Emits `ProposalAnnotated`, `LabelProvisional` when a window opens or changes leader,
		/// `AnnotationDisplaced` when it displaces one. Weight: O(A) in the annotations when the
		/// proposal is full, O(1) otherwise.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::annotate())]
		pub fn annotate(
			origin: OriginFor<T>,
			id: ProposalId,
			label: LabelIndex,
			#[pallet::compact] bond: BalanceOf<T>,
			note_hash: Option<H256>,
		) -> DispatchResult {
			let annotator = ensure_signed(origin)?;
			ensure!(label < T::LabelCount::get(), Error::<T>::InvalidLabel);
			let mut proposal = Self::annotatable(id, &annotator, bond)?;
			let public = proposal.public_labels();
			let first = proposal.annotation_count() == 0;
			Self::make_room(id, &mut proposal, bond)?;
			Self::count_bond(&mut proposal, label, bond)?;
			T::Currency::hold(&HoldReason::AnnotationBond.into(), &annotator, bond)
				.map_err(|_| Error::<T>::InsufficientBalance)?;

			let now = frame_system::Pallet::<T>::block_number();
			let choice = Choice::Label(label);
			Annotations::<T>::insert(
				id,
				&annotator,
				Annotation { choice, bond, note_hash, annotated_at: now, public },
			);
			ContributionsOf::<T>::mutate(&annotator, |c| c.annotations.saturating_inc());
			if first {
				Self::note_space(id, SpaceActivity::Annotated);
			}
			Self::deposit_event(Event::ProposalAnnotated { id, annotator, label, bond });
			Self::update_window(id, &mut proposal, now);
			Proposals::<T>::insert(id, proposal);
			Ok(())
		}

		/// Label a proposal blind, before the inference network publishes its label: commit to
		/// a label now, reveal it with [`Pallet::reveal_annotation`].
		///
		/// The origin must be _Signed_ by anyone but the author, once per proposal, and able to
		/// hold `bond` (the same rules as `annotate`, displacement included).
		/// - `commitment`: `blake2_256` of the SCALE encoding of `(id, label, salt, annotator)`
		///   (`salt` 32 bytes only the annotator knows). Nobody can read or copy the label until
		///   it is revealed; whether it was news is judged by what was public now.
		/// - `bond`: held until the label settles; it counts for no label until revealed, and a
		///   commitment still sealed when the label settles loses `disagreement_slash` of it.
		///
		/// Refused with `AnalysisPublished` once the network's label is public.
		///
		/// Emits `AnnotationSealed`. Weight: as `annotate`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::annotate())]
		pub fn seal_annotation(
			origin: OriginFor<T>,
			id: ProposalId,
			commitment: H256,
			#[pallet::compact] bond: BalanceOf<T>,
			note_hash: Option<H256>,
		) -> DispatchResult {
			let annotator = ensure_signed(origin)?;
			let mut proposal = Self::annotatable(id, &annotator, bond)?;
			ensure!(proposal.analysis == AnalysisStatus::Pending, Error::<T>::AnalysisPublished);
			let public = proposal.public_labels();
			let first = proposal.annotation_count() == 0;
			Self::make_room(id, &mut proposal, bond)?;
			T::Currency::hold(&HoldReason::AnnotationBond.into(), &annotator, bond)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			proposal.sealed.saturating_inc();

			let now = frame_system::Pallet::<T>::block_number();
			let choice = Choice::Sealed(commitment);
			Annotations::<T>::insert(
				id,
				&annotator,
				Annotation { choice, bond, note_hash, annotated_at: now, public },
			);
			ContributionsOf::<T>::mutate(&annotator, |c| c.annotations.saturating_inc());
			if first {
				Self::note_space(id, SpaceActivity::Annotated);
			}
			Self::deposit_event(Event::AnnotationSealed { id, annotator, bond });
			Proposals::<T>::insert(id, proposal);
			Ok(())
		}

		/// Reveal a sealed annotation: its bond now backs `label`.
		///
		/// The origin must be _Signed_ by the account that sealed it, before the proposal's
		/// label settles; `blake2_256((id, label, salt, origin).encode())` must equal the
		/// commitment. The annotation keeps the block it was sealed in and what was public
		/// then, so a label sealed before anyone else named it earns as the first to name it.
		///
		/// Emits `ProposalAnnotated`, and `LabelProvisional` as `annotate` does. Weight: O(1).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::reveal_annotation())]
		pub fn reveal_annotation(
			origin: OriginFor<T>,
			id: ProposalId,
			label: LabelIndex,
			salt: [u8; 32],
		) -> DispatchResult {
			let annotator = ensure_signed(origin)?;
			let mut proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;
			ensure!(proposal.verified_label.is_none(), Error::<T>::AlreadyVerified);
			let mut annotation =
				Annotations::<T>::get(id, &annotator).ok_or(Error::<T>::NothingToReveal)?;
			let Choice::Sealed(commitment) = annotation.choice else {
				return Err(Error::<T>::NothingToReveal.into());
			};
			ensure!(
				commitment == Self::commitment(id, label, &salt, &annotator),
				Error::<T>::CommitmentMismatch
			);
			ensure!(label < T::LabelCount::get(), Error::<T>::InvalidLabel);
			Self::count_bond(&mut proposal, label, annotation.bond)?;
			proposal.sealed.saturating_dec();
			annotation.choice = Choice::Label(label);
			let bond = annotation.bond;
			Annotations::<T>::insert(id, &annotator, annotation);

			let now = frame_system::Pallet::<T>::block_number();
			Self::deposit_event(Event::ProposalAnnotated { id, annotator, label, bond });
			Self::update_window(id, &mut proposal, now);
			Proposals::<T>::insert(id, proposal);
			Ok(())
		}

		/// Remove a proposal as spam and slash whatever deposit it still holds: all of it during
		/// the proposal's spam window (one challenge period from submission), the record deposit
		/// after.
		///
		/// The origin must be `SpamOrigin`. The proposal and its annotations (their bonds
		/// returned: annotators did nothing wrong) are removed, and its analysis task is
		/// cancelled; the slashed deposit goes to `Slash`. A verified training example is
		/// removed only within the spam window: after it, the label the annotators settled
		/// stays the DAO's data, whoever later rules the proposal spam.
		///
		/// Emits `ProposalMarkedSpam`. Weight: O(A) in the proposal's annotations.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::mark_spam(T::MaxAnnotations::get())
			.saturating_add(T::InferenceTasks::cancel_task_weight()))]
		pub fn mark_spam(origin: OriginFor<T>, id: ProposalId) -> DispatchResultWithPostInfo {
			T::SpamOrigin::ensure_origin(origin)?;
			let proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;

			let held = proposal.deposit.saturating_add(proposal.record_deposit);
			let slashed = if held.is_zero() {
				Zero::zero()
			} else {
				let (credit, _missing) = <T::Currency as fungible::BalancedHold<_>>::slash(
					&HoldReason::ProposalDeposit.into(),
					&proposal.author,
					held,
				);
				let slashed = credit.peek();
				T::Slash::on_unbalanced(credit);
				slashed
			};
			let now = frame_system::Pallet::<T>::block_number();
			let annotations = Self::discard(id, &proposal, now < proposal.deposit_held_until);
			let task_weight = T::InferenceTasks::cancel_task(id);

			Self::deposit_event(Event::ProposalMarkedSpam { id, slashed });
			Ok(Some(T::WeightInfo::mark_spam(annotations).saturating_add(task_weight)).into())
		}

		/// Set the economics of proposals and annotations ([`Parameters`]).
		///
		/// The origin must be `GovernanceOrigin`; the parameters must pass
		/// [`Parameters::check`]. They apply from now on: deposits already held, windows already
		/// open and bonds already placed keep the amounts and ends they were made with.
		///
		/// Emits `ParametersSet`. Weight: O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters.check().map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Remove a finished proposal's record and take back its record deposit.
		///
		/// The origin must be _Signed_ by the author. The proposal must be finished: its deposit
		/// released (analysed or verified) and no challenge window open. Its record, its
		/// annotations (bonds of unsettled ones returned) and its analysis task and result go;
		/// a verified label stays in the training set, which is the DAO's data, not the
		/// author's.
		///
		/// Who pays for the state: the author, with `record_deposit` held while the record
		/// exists; removing it returns the deposit, so nobody keeps state alive for free.
		///
		/// Emits `ProposalRemoved`. Weight: O(A) in the proposal's annotations.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_proposal(T::MaxAnnotations::get())
			.saturating_add(T::InferenceTasks::cancel_task_weight()))]
		pub fn remove_proposal(origin: OriginFor<T>, id: ProposalId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;
			ensure!(proposal.author == who, Error::<T>::NotAuthor);
			ensure!(proposal.provisional.is_none(), Error::<T>::LabelUnderChallenge);
			ensure!(proposal.deposit.is_zero(), Error::<T>::NotFinished);

			let deposit = Self::return_deposit(&proposal.author, proposal.record_deposit);
			let annotations = Self::forget_proposal(id, &proposal);
			let task_weight = T::InferenceTasks::cancel_task(id);

			Self::deposit_event(Event::ProposalRemoved { id, deposit });
			Ok(Some(T::WeightInfo::remove_proposal(annotations).saturating_add(task_weight)).into())
		}
	}
}
