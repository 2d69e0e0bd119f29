//! # Proposals Pallet
//!
//! DAO members submit proposals; contributors label them; labels that enough annotators agree on
//! become verified training data for the analysis model.
//!
//! ## Overview
//!
//! A proposal is a title and a body of up to [`Config::MaxBodyLen`] bytes. Submitting one holds a
//! deposit from the author ([`Config::DepositBase`] plus [`Config::DepositPerByte`] per body
//! byte), so that flooding the chain and the inference network costs money that governance can
//! take away ([`Pallet::mark_spam`]). State keeps only the proposal's record: the body's
//! blake2b-256 digest and its CIDv1 (raw codec, blake2b-256 multihash). The body goes to the
//! node's offchain index, where the inference network's offchain workers read it, and to the
//! transaction index, from which a node started with `--ipfs-server` serves it over Bitswap under
//! that CID.
//!
//! Every submitted proposal opens an analysis task ([`Config::InferenceTasks`]). Independently,
//! any account other than the author may label it with one of the model's
//! [`Config::LabelCount`] labels. Once [`Config::AnnotationQuorum`] annotations exist and at least
//! [`Config::AgreementThreshold`] of them agree, the proposal's label is *verified*: it joins the
//! training set, the agreeing annotators earn [`Config::AnnotationPoints`] reward points each
//! ([`Config::RewardPoints`]), and the disagreeing ones have a disagreement recorded against them.
//!
//! ## Terminology
//!
//! - **Deposit**: held from the author with [`HoldReason::ProposalDeposit`]; released when the
//!   proposal is analysed or verified, returned on withdrawal, slashed when marked spam.
//! - **Annotation**: one account's label for one proposal, optionally with the hash of a note.
//! - **Verified label**: the label enough annotators agreed on; the proposal is then a
//!   [`TrainingExample`].
//! - **Contributions**: per account, running totals of proposals, annotations, agreements and
//!   disagreements.
//!
//! ## Lifecycle
//!
//! ```text
//! submit_proposal ─▶ Pending ──(inference consensus)──▶ Analysed { label }
//!                     │  └─ withdraw_proposal (author) ─▶ removed, deposit returned
//!                     └──── mark_spam (governance) ─────▶ removed, deposit slashed
//! annotate × quorum with agreement ─▶ verified_label = Some(label) ─▶ training set
//! ```
//!
//! ## Calls
//!
//! - [`Pallet::submit_proposal`]: submit a proposal, holding its deposit.
//! - [`Pallet::withdraw_proposal`]: the author withdraws a pending, unverified proposal.
//! - [`Pallet::annotate`]: label someone else's proposal.
//! - [`Pallet::mark_spam`]: governance removes a proposal and slashes its deposit.
//!
//! ## Cross-pallet contract
//!
//! - Downward: [`Config::InferenceTasks`] opens and cancels analysis tasks;
//!   [`Config::RewardPoints`] credits annotators; [`Config::Currency`] holds and slashes
//!   deposits; [`Config::Slash`] receives what is slashed.
//! - Upward: the pallet implements [`ProposalAnalysed`], through which the inference pallet
//!   reports a finished analysis, which releases the deposit.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use daollm_primitives::{
	content::{cid_v1_raw_blake2b_256, offchain_body_key},
	traits::{Contribution, InferenceTasks, ProposalAnalysed, RewardPoints, TrainingData},
	LabelIndex, ProposalId,
};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Credit, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
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

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a submitted proposal.
		ProposalDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency deposits are held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// The deposit every proposal holds, whatever its size.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// The deposit held per byte of a proposal's body.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The longest title, in bytes.
		#[pallet::constant]
		type MaxTitleLen: Get<u32>;

		/// The longest body, in bytes.
		#[pallet::constant]
		type MaxBodyLen: Get<u32>;

		/// How many labels the analysis model has; annotations use labels `0..LabelCount`.
		#[pallet::constant]
		type LabelCount: Get<LabelIndex>;

		/// How many annotations a proposal needs before its label can be verified.
		#[pallet::constant]
		type AnnotationQuorum: Get<u32>;

		/// The share of annotations that must agree on one label to verify it.
		#[pallet::constant]
		type AgreementThreshold: Get<Perbill>;

		/// The most annotations one proposal accepts.
		#[pallet::constant]
		type MaxAnnotations: Get<u32>;

		/// Reward points each agreeing annotator earns when a label is verified.
		#[pallet::constant]
		type AnnotationPoints: Get<u32>;

		/// Receives the deposits of proposals marked as spam.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// Opens and cancels the inference network's analysis tasks.
		type InferenceTasks: InferenceTasks;

		/// Credits reward points to agreeing annotators.
		type RewardPoints: RewardPoints<Self::AccountId>;

		/// The origin that may mark proposals as spam.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next proposal gets.
	#[pallet::storage]
	pub type NextProposalId<T> = StorageValue<_, ProposalId, ValueQuery>;

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
		Annotation<BlockNumberFor<T>>,
	>;

	/// The verified training set: proposals whose label the annotators agreed on.
	#[pallet::storage]
	pub type TrainingSet<T> = CountedStorageMap<_, Twox64Concat, ProposalId, TrainingExample>;

	/// What each account has contributed.
	#[pallet::storage]
	pub type ContributionsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Contributions, ValueQuery>;

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
		},
		/// An account labelled a proposal.
		ProposalAnnotated {
			/// The proposal.
			id: ProposalId,
			/// Who labelled it.
			annotator: T::AccountId,
			/// The label chosen.
			label: LabelIndex,
		},
		/// Enough annotators agreed: the proposal's label is verified and it is training data.
		LabelVerified {
			/// The proposal.
			id: ProposalId,
			/// The agreed label.
			label: LabelIndex,
			/// Annotators who chose it (each earned reward points).
			agreeing: u32,
			/// Annotators who chose another label.
			disagreeing: u32,
		},
		/// The inference network finished analysing a proposal.
		ProposalAnalysed {
			/// The proposal.
			id: ProposalId,
			/// The label the network agreed on.
			label: LabelIndex,
		},
		/// A proposal's deposit went back to its author.
		DepositReleased {
			/// The proposal.
			id: ProposalId,
			/// Its author.
			author: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// Governance marked a proposal as spam: it is removed and its deposit slashed.
		ProposalMarkedSpam {
			/// The proposal.
			id: ProposalId,
			/// The deposit slashed.
			slashed: BalanceOf<T>,
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
		/// The account cannot pay the proposal's deposit.
		InsufficientBalance,
		/// The proposal has been analysed already.
		AlreadyAnalysed,
		/// The proposal's label has been verified already.
		AlreadyVerified,
		/// The proposal has as many annotations as it accepts.
		TooManyAnnotations,
		/// Authors do not annotate their own proposals.
		AuthorCannotAnnotate,
		/// Proposal ids are exhausted.
		ProposalIdOverflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxBodyLen::get() > 0, "MaxBodyLen must allow a body");
			assert!(T::MaxTitleLen::get() > 0, "MaxTitleLen must allow a title");
			assert!(
				(2..=daollm_primitives::MAX_LABELS).contains(&(T::LabelCount::get() as u32)),
				"LabelCount must be between 2 and MAX_LABELS"
			);
			assert!(T::AnnotationQuorum::get() > 0, "AnnotationQuorum must be at least one");
			assert!(
				T::MaxAnnotations::get() >= T::AnnotationQuorum::get(),
				"MaxAnnotations must reach the quorum"
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
		/// The origin must be _Signed_ and able to pay the deposit, `DepositBase` plus
		/// `DepositPerByte` for each byte of `body`, which is held until the proposal is analysed
		/// or verified. `title` (at most `MaxTitleLen` bytes) is stored; `body` (1 to
		/// `MaxBodyLen` bytes) is content-addressed and indexed, not stored in state.
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
			ensure!(!title.is_empty(), Error::<T>::EmptyTitle);
			let title: BoundedVec<u8, T::MaxTitleLen> =
				title.try_into().map_err(|_| Error::<T>::TitleTooLong)?;
			ensure!(!body.is_empty(), Error::<T>::EmptyBody);
			ensure!(body.len() <= T::MaxBodyLen::get() as usize, Error::<T>::BodyTooLong);
			let body_len = body.len() as u32;
			let title_len = title.len() as u32;

			let id = NextProposalId::<T>::get();
			let next_id = id.checked_add(1).ok_or(Error::<T>::ProposalIdOverflow)?;
			let deposit = Self::deposit_for(body_len);
			T::Currency::hold(&HoldReason::ProposalDeposit.into(), &author, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;

			let content_hash = H256(sp_io::hashing::blake2_256(&body));
			let cid = cid_v1_raw_blake2b_256(&content_hash.0);
			// The body is the call's last argument, so it is the extrinsic's last `body_len`
			// bytes: the node keeps exactly those under `content_hash` for Bitswap.
			let extrinsic_index = frame_system::Pallet::<T>::extrinsic_index().unwrap_or_default();
			sp_io::transaction_index::index(extrinsic_index, body_len, content_hash.0);
			sp_io::offchain_index::set(&offchain_body_key(&content_hash.0), &body);

			Proposals::<T>::insert(
				id,
				Proposal {
					author: author.clone(),
					submitted_at: frame_system::Pallet::<T>::block_number(),
					title,
					body_len,
					content_hash,
					cid,
					deposit,
					analysis: AnalysisStatus::Pending,
					verified_label: None,
					tally: Self::empty_tally(),
				},
			);
			NextProposalId::<T>::put(next_id);
			ContributionsOf::<T>::mutate(&author, |c| c.proposals.saturating_inc());
			let task_weight = T::InferenceTasks::open_task(id, content_hash)?;

			Self::deposit_event(Event::ProposalSubmitted {
				id,
				author,
				cid,
				content_hash,
				deposit,
			});
			Ok(Some(
				T::WeightInfo::submit_proposal(title_len, body_len).saturating_add(task_weight),
			)
			.into())
		}

		/// Withdraw a proposal that is still pending analysis and has no verified label.
		///
		/// The origin must be _Signed_ by the proposal's author. The deposit is returned, the
		/// annotations are removed and the analysis task is cancelled.
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

			let deposit = Self::return_deposit(&proposal.author, proposal.deposit);
			let annotations = Self::remove_proposal(id, &proposal);
			let task_weight = T::InferenceTasks::cancel_task(id);

			Self::deposit_event(Event::ProposalWithdrawn { id, deposit });
			Ok(Some(T::WeightInfo::withdraw_proposal(annotations).saturating_add(task_weight))
				.into())
		}

		/// Label a proposal with one of the model's labels.
		///
		/// The origin must be _Signed_ by anyone but the author, once per proposal. `label` is
		/// below `LabelCount`; `note_hash` is the hash of an optional longer note kept off chain.
		/// When this annotation brings the proposal to `AnnotationQuorum` annotations of which at
		/// least `AgreementThreshold` agree, the label is verified: see `LabelVerified`.
		///
		/// Emits `ProposalAnnotated`, and `LabelVerified` when it verifies. Weight: O(1), or O(A)
		/// in the proposal's annotations when it verifies.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::annotate_and_verify(T::MaxAnnotations::get()))]
		pub fn annotate(
			origin: OriginFor<T>,
			id: ProposalId,
			label: LabelIndex,
			note_hash: Option<H256>,
		) -> DispatchResultWithPostInfo {
			let annotator = ensure_signed(origin)?;
			let mut proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;
			ensure!(label < T::LabelCount::get(), Error::<T>::InvalidLabel);
			ensure!(proposal.author != annotator, Error::<T>::AuthorCannotAnnotate);
			ensure!(proposal.verified_label.is_none(), Error::<T>::AlreadyVerified);
			ensure!(!Annotations::<T>::contains_key(id, &annotator), Error::<T>::AlreadyAnnotated);
			let count = proposal.annotation_count();
			ensure!(count < T::MaxAnnotations::get(), Error::<T>::TooManyAnnotations);
			let slot = proposal.tally.get_mut(label as usize).ok_or(Error::<T>::InvalidLabel)?;
			slot.saturating_inc();

			Annotations::<T>::insert(
				id,
				&annotator,
				Annotation {
					label,
					note_hash,
					annotated_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			ContributionsOf::<T>::mutate(&annotator, |c| c.annotations.saturating_inc());
			Self::deposit_event(Event::ProposalAnnotated { id, annotator, label });

			let agreed =
				proposal.agreed_label(T::AnnotationQuorum::get(), T::AgreementThreshold::get());
			let weight = match agreed {
				Some(label) => {
					Self::verify(id, &mut proposal, label);
					T::WeightInfo::annotate_and_verify(count.saturating_add(1))
				},
				None => T::WeightInfo::annotate(),
			};
			Proposals::<T>::insert(id, proposal);
			Ok(Some(weight).into())
		}

		/// Remove a proposal as spam and slash whatever deposit it still holds.
		///
		/// The origin must be `GovernanceOrigin`. The proposal, its annotations and its place in
		/// the training set are removed; its analysis task is cancelled; the slashed deposit
		/// goes to `Slash`.
		///
		/// Emits `ProposalMarkedSpam`. Weight: O(A) in the proposal's annotations.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::mark_spam(T::MaxAnnotations::get())
			.saturating_add(T::InferenceTasks::cancel_task_weight()))]
		pub fn mark_spam(origin: OriginFor<T>, id: ProposalId) -> DispatchResultWithPostInfo {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let proposal = Proposals::<T>::get(id).ok_or(Error::<T>::UnknownProposal)?;

			let slashed = if proposal.deposit.is_zero() {
				Zero::zero()
			} else {
				let (credit, _missing) = <T::Currency as fungible::BalancedHold<_>>::slash(
					&HoldReason::ProposalDeposit.into(),
					&proposal.author,
					proposal.deposit,
				);
				let slashed = credit.peek();
				T::Slash::on_unbalanced(credit);
				slashed
			};
			let annotations = Self::remove_proposal(id, &proposal);
			let task_weight = T::InferenceTasks::cancel_task(id);

			Self::deposit_event(Event::ProposalMarkedSpam { id, slashed });
			Ok(Some(T::WeightInfo::mark_spam(annotations).saturating_add(task_weight)).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The deposit a proposal with a `body_len`-byte body holds.
	pub fn deposit_for(body_len: u32) -> BalanceOf<T> {
		T::DepositPerByte::get()
			.saturating_mul(body_len.into())
			.saturating_add(T::DepositBase::get())
	}

	fn empty_tally() -> Tally {
		let mut tally = Tally::new();
		for _ in 0..T::LabelCount::get() {
			// `integrity_test` keeps `LabelCount` within the tally's bound.
			let _ = tally.try_push(0);
		}
		tally
	}

	/// Releases `amount` held from `who` for a proposal deposit; the amount released.
	fn return_deposit(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		T::Currency::release(
			&HoldReason::ProposalDeposit.into(),
			who,
			amount,
			Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero())
	}

	/// Releases a proposal's deposit once (analysed or verified), emitting `DepositReleased`.
	fn release_deposit(id: ProposalId, proposal: &mut ProposalOf<T>) {
		if proposal.deposit.is_zero() {
			return;
		}
		let amount = Self::return_deposit(&proposal.author, proposal.deposit);
		proposal.deposit = Zero::zero();
		Self::deposit_event(Event::DepositReleased { id, author: proposal.author.clone(), amount });
	}

	/// Removes a proposal with its annotations and training example; how many annotations it had.
	fn remove_proposal(id: ProposalId, proposal: &ProposalOf<T>) -> u32 {
		let annotations = proposal.annotation_count();
		// Bounded: a proposal never has more than `MaxAnnotations` annotations.
		let _ = Annotations::<T>::clear_prefix(id, T::MaxAnnotations::get(), None);
		TrainingSet::<T>::remove(id);
		Proposals::<T>::remove(id);
		annotations
	}

	/// Verifies `label` for proposal `id`: training set, rewards, contributions, deposit.
	fn verify(id: ProposalId, proposal: &mut ProposalOf<T>, label: LabelIndex) {
		proposal.verified_label = Some(label);
		let (mut agreeing, mut disagreeing) = (0u32, 0u32);
		for (annotator, annotation) in Annotations::<T>::iter_prefix(id) {
			if annotation.label == label {
				agreeing.saturating_inc();
				T::RewardPoints::reward(
					&annotator,
					Contribution::Annotation,
					T::AnnotationPoints::get(),
				);
				ContributionsOf::<T>::mutate(&annotator, |c| c.agreed.saturating_inc());
			} else {
				disagreeing.saturating_inc();
				ContributionsOf::<T>::mutate(&annotator, |c| c.disagreed.saturating_inc());
			}
		}
		TrainingSet::<T>::insert(
			id,
			TrainingExample { proposal: id, content_hash: proposal.content_hash, label },
		);
		Self::deposit_event(Event::LabelVerified { id, label, agreeing, disagreeing });
		Self::release_deposit(id, proposal);
	}

	/// A proposal by id.
	pub fn proposal(id: ProposalId) -> Option<ProposalOf<T>> {
		Proposals::<T>::get(id)
	}

	/// Up to `limit` training examples, continuing after proposal `start_after` (in storage
	/// order, which is stable between calls), for paging through the training set.
	pub fn training_set(start_after: Option<ProposalId>, limit: u32) -> Vec<TrainingExample> {
		let iter = match start_after {
			Some(id) => TrainingSet::<T>::iter_from(TrainingSet::<T>::hashed_key_for(id)),
			None => TrainingSet::<T>::iter(),
		};
		iter.take(limit as usize).map(|(_, example)| example).collect()
	}

	/// What `who` has contributed.
	pub fn contributions(who: &T::AccountId) -> Contributions {
		ContributionsOf::<T>::get(who)
	}

	/// The pallet's invariants:
	/// - every author holds exactly the sum of the deposits of their proposals;
	/// - every proposal's tally has one slot per label and counts its stored annotations;
	/// - ids are below `NextProposalId`; the counted maps' counters match their contents;
	/// - training examples belong to existing proposals with that verified label.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let next_id = NextProposalId::<T>::get();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut proposals = 0u32;
		for (id, proposal) in Proposals::<T>::iter() {
			proposals += 1;
			ensure!(id < next_id, "a proposal id is not below NextProposalId");
			ensure!(
				proposal.tally.len() == T::LabelCount::get() as usize,
				"a tally does not have one slot per label"
			);
			let stored = Annotations::<T>::iter_prefix(id).count() as u32;
			ensure!(
				stored == proposal.annotation_count(),
				"a tally does not count its annotations"
			);
			ensure!(stored <= T::MaxAnnotations::get(), "a proposal has too many annotations");
			let entry = held.entry(proposal.author.clone()).or_insert_with(Zero::zero);
			*entry = entry.saturating_add(proposal.deposit);
		}
		ensure!(proposals == Proposals::<T>::count(), "Proposals counter is off");
		for (author, deposits) in held {
			let on_hold =
				T::Currency::balance_on_hold(&HoldReason::ProposalDeposit.into(), &author);
			ensure!(on_hold == deposits, "held deposits differ from the proposals' deposits");
		}
		let mut examples = 0u32;
		for (id, example) in TrainingSet::<T>::iter() {
			examples += 1;
			let proposal = Proposals::<T>::get(id).ok_or("a training example has no proposal")?;
			ensure!(proposal.verified_label == Some(example.label), "training label mismatch");
		}
		ensure!(examples == TrainingSet::<T>::count(), "TrainingSet counter is off");
		Ok(())
	}
}

impl<T: Config> TrainingData for Pallet<T> {
	fn example(proposal: ProposalId) -> Option<(H256, LabelIndex)> {
		TrainingSet::<T>::get(proposal).map(|e| (e.content_hash, e.label))
	}
}

impl<T: Config> ProposalAnalysed for Pallet<T> {
	fn on_analysed(id: ProposalId, label: LabelIndex) {
		Proposals::<T>::mutate(id, |maybe| {
			if let Some(proposal) = maybe {
				proposal.analysis = AnalysisStatus::Analysed { label };
				Self::deposit_event(Event::ProposalAnalysed { id, label });
				Self::release_deposit(id, proposal);
			}
		});
	}

	fn on_analysed_weight() -> Weight {
		T::WeightInfo::on_analysed()
	}
}
