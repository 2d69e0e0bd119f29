//! # Model Governance Pallet
//!
//! The DAO decides which model analyses its proposals, and changes the chain's parameters, by
//! token-holder referenda.
//!
//! ## Model registry
//!
//! A **model** is a line of versions under one name ([`Models`]). Each registered
//! [`ModelVersion`] names the sha256 of its ONNX file, where nodes fetch it (an IPFS CID or a
//! URL), its label names and how it reads its input. A model has no active version until one is
//! activated, and exactly one from then on ([`Pallet::activate_model`] switches it). Inference
//! tasks run the active version of the model [`Config::AnalysisModel`] names: the pallet is the
//! runtime's [`ActiveModel`], which gives the inference pallet that version's sha256, and tasks
//! record it; a node only runs a local file with that hash. Registering and activating are
//! [`Config::GovernanceOrigin`] calls: in the runtime, what a referendum enacts.
//!
//! ## Referenda
//!
//! 1. **Submitted**: any account [`Pallet::propose`]s a call that [`Config::CallFilter`]
//!    allows (the runtime's whitelist: the registry, the pallets' parameter setters, the rewards
//!    split, runtime upgrades), holding a deposit of at least `min_deposit`.
//! 2. **Voting** (`voting_period` blocks): token holders [`Pallet::vote`] aye or nay with an
//!    amount and a [`Conviction`]; the amount is **frozen** (a fungible freeze, so it can still
//!    be staked or held, but not spent) and counts `0.1×` to `6×` by conviction. The proposer
//!    may [`Pallet::cancel`] until the first vote.
//! 3. **Approved** or **Rejected**: at the end of the voting period, in `on_initialize`, the
//!    referendum passes if its turnout reaches `quorum` of total issuance and its ayes reach
//!    `approval` of the conviction-weighted votes. Either way the deposit is released.
//! 4. **Timelock**: an approved call waits `enactment_delay` blocks, then `on_initialize`
//!    dispatches it as `Root` (the `GovernanceOrigin` of every pallet's setters) and emits
//!    [`Event::Enacted`] or [`Event::Failed`].
//!
//! [`Config::VetoOrigin`] may [`Pallet::veto`] a referendum at any time before enactment; the
//! deposit is then slashed. After a referendum's voting period plus its conviction's lock,
//! [`Pallet::unlock`] unfreezes the voted balance.
//!
//! No hook iterates without bound: at most [`Config::MaxLiveReferenda`] referenda exist at once,
//! each block decides those whose voting ends in it ([`Deadlines`]) and enacts at most
//! [`Config::MaxEnactmentsPerBlock`] calls ([`Enactments`]), each no heavier than
//! [`Config::MaxCallWeight`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::{boxed::Box, vec::Vec};
use codec::{DecodeLimit, Encode};
use daollm_primitives::traits::{ActiveModel, ModelVersions};
use frame_support::{
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	pallet_prelude::*,
	traits::{
		fungible::{self, Credit, Inspect, InspectFreeze, InspectHold, MutateFreeze, MutateHold},
		tokens::Precision,
		Contains, Imbalance, OnUnbalanced,
	},
};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Dispatchable, Hash, Saturating, Zero};

/// How deeply a stored call may nest calls when it is decoded for enactment.
pub const MAX_CALL_DEPTH: u32 = 8;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A slashed deposit, on its way to [`Config::Slash`].
pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BalanceOf<T>, BlockNumberFor<T>>;

/// A referendum as this runtime stores it.
pub type ReferendumOf<T> = Referendum<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxCallLen,
>;

/// A model version as this runtime stores it.
pub type ModelVersionOf<T> = ModelVersion<
	BlockNumberFor<T>,
	<T as Config>::MaxUriLen,
	<T as Config>::MaxLabels,
	<T as Config>::MaxLabelLen,
>;

/// A model as this runtime stores it.
pub type ModelInfoOf<T> = ModelInfo<<T as Config>::MaxNameLen>;

/// A model's name.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;

/// A voter's votes as this runtime stores them.
pub type VotesOf<T> =
	BoundedVec<VoteRecord<BalanceOf<T>, BlockNumberFor<T>>, <T as Config>::MaxVotes>;

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
		/// A proposer's deposit on a referendum.
		ReferendumDeposit,
	}

	/// Why this pallet freezes funds.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// Balance voted in referenda, until the votes' locks end.
		Vote,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The calls referenda dispatch.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<Call<Self>>;

		/// The currency deposits are held in and votes frozen in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>
			+ fungible::MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		/// The runtime's freeze reasons, of which this pallet's are a part.
		type RuntimeFreezeReason: From<FreezeReason>;

		/// The calls a referendum may propose: the whitelist.
		type CallFilter: Contains<<Self as Config>::RuntimeCall>;

		/// The origin that registers and activates models and sets the parameters: what an
		/// enacted referendum dispatches as (`Root` in the runtime).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin that may veto a referendum before it is enacted.
		type VetoOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives vetoed referenda's deposits.
		type Slash: OnUnbalanced<CreditOf<Self>>;

		/// The model whose active version inference tasks run.
		#[pallet::constant]
		type AnalysisModel: Get<ModelId>;

		/// How many labels the analysis model must have (the inference pallet's label set).
		#[pallet::constant]
		type AnalysisLabels: Get<u32>;

		/// The most referenda that exist at once (voting or waiting for enactment).
		#[pallet::constant]
		type MaxLiveReferenda: Get<u32>;

		/// The most votes one account has on record, live or locked.
		#[pallet::constant]
		type MaxVotes: Get<u32>;

		/// The most calls enacted in one block.
		#[pallet::constant]
		type MaxEnactmentsPerBlock: Get<u32>;

		/// The largest encoded call a referendum may carry.
		#[pallet::constant]
		type MaxCallLen: Get<u32>;

		/// The heaviest call a referendum may carry (it is dispatched in a hook).
		#[pallet::constant]
		type MaxCallWeight: Get<Weight>;

		/// The longest voting period the parameters may ask for.
		#[pallet::constant]
		type MaxVotingPeriod: Get<BlockNumberFor<Self>>;

		/// The longest model name.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// The longest fetch location (CID or URL).
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// The most labels a model may have.
		#[pallet::constant]
		type MaxLabels: Get<u32>;

		/// The longest label name.
		#[pallet::constant]
		type MaxLabelLen: Get<u32>;

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Governance's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// Registered models, by id.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, ModelInfoOf<T>>;

	/// The id of each model name.
	#[pallet::storage]
	pub type ModelIds<T: Config> = StorageMap<_, Blake2_128Concat, NameOf<T>, ModelId>;

	/// The id the next new model gets.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// Every registered version of every model.
	#[pallet::storage]
	pub type Versions<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ModelId, Twox64Concat, Version, ModelVersionOf<T>>;

	/// Activations announced and not yet in force: the version and the first block whose tasks
	/// run it.
	#[pallet::storage]
	pub type PendingActivation<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, (Version, BlockNumberFor<T>)>;

	/// The model version each ONNX file hash was registered as (a file is one version only).
	#[pallet::storage]
	pub type VersionOfHash<T: Config> = StorageMap<_, Identity, H256, (ModelId, Version)>;

	/// Live referenda: voting, or approved and waiting for enactment.
	#[pallet::storage]
	pub type Referenda<T: Config> =
		CountedStorageMap<_, Twox64Concat, ReferendumIndex, ReferendumOf<T>>;

	/// The index the next referendum gets.
	#[pallet::storage]
	pub type NextReferendum<T> = StorageValue<_, ReferendumIndex, ValueQuery>;

	/// The referenda whose voting ends in each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<ReferendumIndex, T::MaxLiveReferenda>,
		ValueQuery,
	>;

	/// The approved referenda enacted in each block.
	#[pallet::storage]
	pub type Enactments<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<ReferendumIndex, T::MaxEnactmentsPerBlock>,
		ValueQuery,
	>;

	/// Each voter's votes, until [`Pallet::unlock`] releases them.
	#[pallet::storage]
	pub type Votes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, VotesOf<T>, ValueQuery>;

	/// A model version registered at genesis.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct GenesisModel {
		/// The model's name (a new name makes a new model).
		pub name: alloc::string::String,
		/// sha256 of the ONNX file.
		pub sha256: H256,
		/// Where nodes fetch it.
		pub uri: alloc::string::String,
		/// Label names, by index.
		pub labels: Vec<alloc::string::String>,
		/// How it reads its input.
		pub input: InputSpec,
		/// Whether this version is the model's active one.
		pub active: bool,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; the runtime's defaults if omitted.
		pub parameters: Option<ParametersOf<T>>,
		/// Model versions registered at genesis, in order.
		pub models: Vec<GenesisModel>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.parameters {
				if let Err(e) = params.check(T::MaxVotingPeriod::get()) {
					panic!("invalid governance parameters in the genesis config: {e:?}");
				}
				Params::<T>::put(params);
			}
			for model in &self.models {
				let labels: Vec<Vec<u8>> =
					model.labels.iter().map(|l| l.as_bytes().to_vec()).collect();
				let registered = Pallet::<T>::do_register(
					model.name.as_bytes().to_vec(),
					model.sha256,
					model.uri.as_bytes().to_vec(),
					labels,
					model.input,
				)
				.and_then(|(id, version)| {
					if model.active {
						Pallet::<T>::do_activate(id, version, Zero::zero())?;
					}
					Ok(())
				});
				if let Err(e) = registered {
					panic!("genesis model {} cannot register: {e:?}", model.name);
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A model version was registered.
		ModelRegistered {
			/// The model.
			model: ModelId,
			/// Its name.
			name: NameOf<T>,
			/// The new version.
			version: Version,
			/// sha256 of its ONNX file.
			sha256: H256,
		},
		/// A model version became the model's active one.
		ModelActivated {
			/// The model.
			model: ModelId,
			/// The version that becomes active.
			version: Version,
			/// sha256 of its ONNX file.
			sha256: H256,
			/// The first block whose tasks run it (`activation_delay` after the activation):
			/// the operators' notice to install the file.
			from: BlockNumberFor<T>,
		},
		/// A referendum was submitted and is open for votes.
		Submitted {
			/// The referendum.
			index: ReferendumIndex,
			/// Who proposed it.
			proposer: T::AccountId,
			/// blake2-256 of the encoded call.
			call_hash: H256,
			/// The deposit held.
			deposit: BalanceOf<T>,
			/// The block its voting ends in.
			ends: BlockNumberFor<T>,
		},
		/// An account voted (or changed its vote).
		Voted {
			/// The referendum.
			index: ReferendumIndex,
			/// The voter.
			who: T::AccountId,
			/// The vote.
			vote: Vote<BalanceOf<T>>,
		},
		/// A referendum passed; its call waits for the timelock.
		Approved {
			/// The referendum.
			index: ReferendumIndex,
			/// The final votes.
			tally: Tally<BalanceOf<T>>,
			/// The block its call is dispatched in.
			enact_at: BlockNumberFor<T>,
		},
		/// A referendum failed.
		Rejected {
			/// The referendum.
			index: ReferendumIndex,
			/// The final votes.
			tally: Tally<BalanceOf<T>>,
			/// Why.
			reason: Rejection,
		},
		/// An approved call was dispatched and succeeded.
		Enacted {
			/// The referendum.
			index: ReferendumIndex,
			/// blake2-256 of the call.
			call_hash: H256,
		},
		/// An approved call was dispatched and failed (or no longer decodes).
		Failed {
			/// The referendum.
			index: ReferendumIndex,
			/// blake2-256 of the call.
			call_hash: H256,
			/// The call's error.
			error: DispatchError,
		},
		/// The proposer withdrew a referendum before any vote.
		Cancelled {
			/// The referendum.
			index: ReferendumIndex,
		},
		/// A referendum was vetoed; its deposit was slashed.
		Vetoed {
			/// The referendum.
			index: ReferendumIndex,
			/// The deposit slashed.
			slashed: BalanceOf<T>,
		},
		/// A voter's expired votes were released.
		Unlocked {
			/// The voter.
			who: T::AccountId,
			/// What stays frozen for its remaining votes.
			frozen: BalanceOf<T>,
		},
		/// Governance set new parameters.
		ParametersSet {
			/// The parameters now in force.
			parameters: ParametersOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The model name is empty or longer than `MaxNameLen`.
		BadName,
		/// The fetch location is longer than `MaxUriLen`.
		UriTooLong,
		/// The model has no labels, more than `MaxLabels`, or a label name that is empty or
		/// longer than `MaxLabelLen`.
		BadLabels,
		/// The analysis model's versions must have the inference network's label count.
		LabelCountMismatch,
		/// A version with this ONNX file hash is already registered.
		DuplicateModel,
		/// No such model.
		UnknownModel,
		/// The model has no such version.
		UnknownVersion,
		/// That version is already the active one.
		AlreadyActive,
		/// The call is not one referenda may propose.
		CallNotAllowed,
		/// The encoded call is longer than `MaxCallLen`.
		CallTooLarge,
		/// The call is heavier than `MaxCallWeight`.
		CallTooHeavy,
		/// The deposit is below `min_deposit`.
		DepositTooLow,
		/// `MaxLiveReferenda` referenda exist already.
		TooManyReferenda,
		/// No such live referendum.
		UnknownReferendum,
		/// The referendum is not open for votes.
		NotVoting,
		/// A vote of zero.
		ZeroVote,
		/// The voter's balance is smaller than the amount.
		InsufficientFunds,
		/// The voter has `MaxVotes` votes on record; unlock expired ones first.
		TooManyVotes,
		/// Only the proposer may cancel.
		NotProposer,
		/// The referendum has votes and can no longer be cancelled.
		HasVotes,
		/// The caller has no expired votes.
		NothingToUnlock,
		/// No block within reach has room for another enactment.
		EnactmentQueueFull,
		/// The stored call no longer decodes (the runtime changed its calls).
		CallUndecodable,
		/// The voting period is zero or above `MaxVotingPeriod`.
		InvalidVotingPeriod,
		/// The enactment delay is zero.
		InvalidEnactmentDelay,
		/// The approval threshold is not above one half.
		InvalidApproval,
		/// The minimum deposit is zero.
		InvalidMinDeposit,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::VotingPeriod => Error::InvalidVotingPeriod,
				InvalidParameter::EnactmentDelay => Error::InvalidEnactmentDelay,
				InvalidParameter::Approval => Error::InvalidApproval,
				InvalidParameter::MinDeposit => Error::InvalidMinDeposit,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let promoted = Self::promote_due(T::AnalysisModel::get(), now);
			let decided = Self::decide_due(now);
			let (enacted, call_weight) = Self::enact_due(now);
			T::WeightInfo::decide(decided)
				.saturating_add(T::WeightInfo::enact(enacted))
				.saturating_add(call_weight)
				.saturating_add(promoted)
		}

		fn integrity_test() {
			assert!(T::MaxLiveReferenda::get() > 0, "MaxLiveReferenda must not be zero");
			assert!(T::MaxEnactmentsPerBlock::get() > 0, "MaxEnactmentsPerBlock must not be zero");
			assert!(
				T::DefaultParameters::get().check(T::MaxVotingPeriod::get()).is_ok(),
				"the default governance parameters are out of bounds"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(now)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a new version of model `name` (a new name makes a new model): its ONNX
		/// file's sha256, where nodes fetch it, its label names and its input format. The
		/// version is not active until [`Pallet::activate_model`].
		///
		/// The origin must be `GovernanceOrigin`. The hash must be new; versions of the analysis
		/// model must have the inference network's label count.
		///
		/// Emits [`Event::ModelRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			name: Vec<u8>,
			sha256: H256,
			uri: Vec<u8>,
			labels: Vec<Vec<u8>>,
			input: InputSpec,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_register(name, sha256, uri, labels, input).map(|_| ())
		}

		/// Makes `version` of `model` the version tasks run, from `activation_delay` blocks on:
		/// until then tasks keep the version before, so that operators have time to install the
		/// file and nobody is slashed for lacking it. A later activation replaces one not yet in
		/// force.
		///
		/// The origin must be `GovernanceOrigin`.
		///
		/// Emits [`Event::ModelActivated`], which says from which block. Weight: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::activate_model())]
		pub fn activate_model(
			origin: OriginFor<T>,
			model: ModelId,
			version: Version,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_activate(model, version, Params::<T>::get().activation_delay)
		}

		/// Submits a referendum on `call`, holding `deposit` from the caller until it is
		/// decided or cancelled. Voting opens at once, for `voting_period` blocks.
		///
		/// The call must pass the runtime's whitelist and fit `MaxCallLen` and `MaxCallWeight`;
		/// the deposit must be at least `min_deposit`.
		///
		/// Emits [`Event::Submitted`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::propose())]
		pub fn propose(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
			#[pallet::compact] deposit: BalanceOf<T>,
		) -> DispatchResult {
			let proposer = ensure_signed(origin)?;
			ensure!(T::CallFilter::contains(&call), Error::<T>::CallNotAllowed);
			let call_weight = call.get_dispatch_info().call_weight;
			ensure!(call_weight.all_lte(T::MaxCallWeight::get()), Error::<T>::CallTooHeavy);
			let encoded: BoundedVec<u8, T::MaxCallLen> =
				call.encode().try_into().map_err(|_| Error::<T>::CallTooLarge)?;
			let params = Params::<T>::get();
			ensure!(deposit >= params.min_deposit, Error::<T>::DepositTooLow);
			ensure!(
				Referenda::<T>::count() < T::MaxLiveReferenda::get(),
				Error::<T>::TooManyReferenda
			);

			T::Currency::hold(&HoldReason::ReferendumDeposit.into(), &proposer, deposit)?;

			let now = frame_system::Pallet::<T>::block_number();
			let ends = now.saturating_add(params.voting_period);
			let index = NextReferendum::<T>::get();
			NextReferendum::<T>::put(index.saturating_add(1));
			// Cannot fail: fewer referenda are live than a block's deadlines can hold.
			Deadlines::<T>::try_mutate(ends, |due| due.try_push(index))
				.map_err(|_| Error::<T>::TooManyReferenda)?;
			let call_hash = BlakeTwo256::hash(&encoded);
			Referenda::<T>::insert(
				index,
				Referendum {
					proposer: proposer.clone(),
					deposit,
					call: encoded,
					call_hash,
					call_weight,
					submitted_at: now,
					tally: Tally::default(),
					status: Status::Voting { ends },
				},
			);
			Self::deposit_event(Event::Submitted { index, proposer, call_hash, deposit, ends });
			Ok(())
		}

		/// Votes on referendum `index`: aye or nay, with `amount` of the caller's balance
		/// (frozen until the voting period plus the conviction's lock has passed) and
		/// `conviction`. Voting again replaces the earlier vote.
		///
		/// Emits [`Event::Voted`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::vote(T::MaxVotes::get()))]
		pub fn vote(
			origin: OriginFor<T>,
			index: ReferendumIndex,
			aye: bool,
			#[pallet::compact] amount: BalanceOf<T>,
			conviction: Conviction,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroVote);
			ensure!(amount <= T::Currency::total_balance(&who), Error::<T>::InsufficientFunds);
			let mut referendum = Referenda::<T>::get(index).ok_or(Error::<T>::UnknownReferendum)?;
			let Status::Voting { ends } = referendum.status else {
				return Err(Error::<T>::NotVoting.into());
			};
			let params = Params::<T>::get();
			let lock = params.vote_lock_period.saturating_mul(conviction.lock_periods().into());
			let vote = Vote { aye, amount, conviction };
			let record =
				VoteRecord { referendum: index, vote, unlock_at: ends.saturating_add(lock) };

			let mut votes = Votes::<T>::get(&who);
			match votes.iter_mut().find(|r| r.referendum == index) {
				Some(earlier) => {
					referendum.tally.remove(&earlier.vote);
					*earlier = record;
				},
				None => votes.try_push(record).map_err(|_| Error::<T>::TooManyVotes)?,
			}
			referendum.tally.add(&vote);
			Self::freeze(&who, &votes)?;
			Votes::<T>::insert(&who, votes);
			Referenda::<T>::insert(index, referendum);
			Self::deposit_event(Event::Voted { index, who, vote });
			Ok(())
		}

		/// Releases the caller's votes whose lock has ended, and unfreezes what no remaining
		/// vote needs.
		///
		/// Emits [`Event::Unlocked`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unlock(T::MaxVotes::get()))]
		pub fn unlock(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut votes = Votes::<T>::get(&who);
			let before = votes.len();
			votes.retain(|r| r.unlock_at > now);
			ensure!(votes.len() < before, Error::<T>::NothingToUnlock);
			let frozen = Self::freeze(&who, &votes)?;
			if votes.is_empty() {
				Votes::<T>::remove(&who);
			} else {
				Votes::<T>::insert(&who, votes);
			}
			Self::deposit_event(Event::Unlocked { who, frozen });
			Ok(())
		}

		/// Withdraws referendum `index` before anyone voted on it, releasing the deposit.
		///
		/// Only its proposer may cancel.
		///
		/// Emits [`Event::Cancelled`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel())]
		pub fn cancel(origin: OriginFor<T>, index: ReferendumIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let referendum = Referenda::<T>::get(index).ok_or(Error::<T>::UnknownReferendum)?;
			ensure!(referendum.proposer == who, Error::<T>::NotProposer);
			let Status::Voting { ends } = referendum.status else {
				return Err(Error::<T>::NotVoting.into());
			};
			ensure!(referendum.tally.voters == 0, Error::<T>::HasVotes);
			Deadlines::<T>::mutate(ends, |due| due.retain(|i| *i != index));
			Referenda::<T>::remove(index);
			Self::release_deposit(&referendum);
			Self::deposit_event(Event::Cancelled { index });
			Ok(())
		}

		/// Stops referendum `index`, voting or approved, before its call is dispatched. A voting
		/// referendum's deposit is slashed (an approved one's was released at approval). Votes
		/// stay frozen until their locks end.
		///
		/// The origin must be `VetoOrigin`.
		///
		/// Emits [`Event::Vetoed`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::veto())]
		pub fn veto(origin: OriginFor<T>, index: ReferendumIndex) -> DispatchResult {
			T::VetoOrigin::ensure_origin(origin)?;
			let referendum = Referenda::<T>::take(index).ok_or(Error::<T>::UnknownReferendum)?;
			match referendum.status {
				Status::Voting { ends } => {
					Deadlines::<T>::mutate(ends, |due| due.retain(|i| *i != index))
				},
				Status::Approved { enact_at } => {
					Enactments::<T>::mutate(enact_at, |due| due.retain(|i| *i != index))
				},
			}
			// A voting referendum still holds its deposit; an approved one has released it.
			let slashed = match referendum.status {
				Status::Voting { .. } => {
					let (credit, _) = <T::Currency as fungible::BalancedHold<_>>::slash(
						&HoldReason::ReferendumDeposit.into(),
						&referendum.proposer,
						referendum.deposit,
					);
					let slashed = credit.peek();
					T::Slash::on_unbalanced(credit);
					slashed
				},
				Status::Approved { .. } => Zero::zero(),
			};
			Self::deposit_event(Event::Vetoed { index, slashed });
			Ok(())
		}

		/// Sets governance's own parameters, from the next referendum on.
		///
		/// The origin must be `GovernanceOrigin`; the parameters must pass
		/// [`Parameters::check`].
		///
		/// Emits [`Event::ParametersSet`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters.check(T::MaxVotingPeriod::get()).map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Registers a version; its model and version number.
	pub fn do_register(
		name: Vec<u8>,
		sha256: H256,
		uri: Vec<u8>,
		labels: Vec<Vec<u8>>,
		input: InputSpec,
	) -> Result<(ModelId, Version), DispatchError> {
		let name: NameOf<T> = name.try_into().map_err(|_| Error::<T>::BadName)?;
		ensure!(!name.is_empty(), Error::<T>::BadName);
		let uri = uri.try_into().map_err(|_| Error::<T>::UriTooLong)?;
		let labels = labels
			.into_iter()
			.map(|l| BoundedVec::try_from(l).ok().filter(|l| !l.is_empty()))
			.collect::<Option<Vec<_>>>()
			.and_then(|l| BoundedVec::try_from(l).ok())
			.filter(|l| !l.is_empty())
			.ok_or(Error::<T>::BadLabels)?;
		ensure!(!VersionOfHash::<T>::contains_key(sha256), Error::<T>::DuplicateModel);

		let id = match ModelIds::<T>::get(&name) {
			Some(id) => id,
			None => {
				let id = NextModelId::<T>::get();
				NextModelId::<T>::put(id.saturating_add(1));
				ModelIds::<T>::insert(&name, id);
				Models::<T>::insert(id, ModelInfo { name: name.clone(), latest: 0, active: None });
				id
			},
		};
		if id == T::AnalysisModel::get() {
			ensure!(
				labels.len() as u32 == T::AnalysisLabels::get(),
				Error::<T>::LabelCountMismatch
			);
		}
		let mut info = Models::<T>::get(id).ok_or(Error::<T>::UnknownModel)?;
		info.latest = info.latest.saturating_add(1);
		let version = info.latest;
		Models::<T>::insert(id, info);
		let registered_at = frame_system::Pallet::<T>::block_number();
		Versions::<T>::insert(
			id,
			version,
			ModelVersion { sha256, uri, labels, input, registered_at },
		);
		VersionOfHash::<T>::insert(sha256, (id, version));
		Self::deposit_event(Event::ModelRegistered { model: id, name, version, sha256 });
		Ok((id, version))
	}

	/// Makes `version` the active version of `model` `delay` blocks from now (at once for a
	/// zero delay, as at genesis).
	pub fn do_activate(
		model: ModelId,
		version: Version,
		delay: BlockNumberFor<T>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Self::promote_due(model, now);
		let mut info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let registered = Versions::<T>::get(model, version).ok_or(Error::<T>::UnknownVersion)?;
		let pending = PendingActivation::<T>::get(model).map(|(v, _)| v);
		ensure!(
			info.active != Some(version) && pending != Some(version),
			Error::<T>::AlreadyActive
		);
		let from = now.saturating_add(delay);
		if delay.is_zero() {
			info.active = Some(version);
			Models::<T>::insert(model, info);
			PendingActivation::<T>::remove(model);
		} else {
			PendingActivation::<T>::insert(model, (version, from));
		}
		Self::deposit_event(Event::ModelActivated {
			model,
			version,
			sha256: registered.sha256,
			from,
		});
		Ok(())
	}

	/// Puts `model`'s announced activation in force once its block has come; the weight used.
	fn promote_due(model: ModelId, now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		match PendingActivation::<T>::get(model) {
			Some((version, from)) if from <= now => {
				Models::<T>::mutate(model, |info| {
					if let Some(info) = info {
						info.active = Some(version);
					}
				});
				PendingActivation::<T>::remove(model);
				db.reads_writes(2, 2)
			},
			_ => db.reads(1),
		}
	}

	/// The version of `model` that tasks run now, with its record: the active one, or an
	/// announced one whose block has come.
	pub fn active_version(model: ModelId) -> Option<(Version, ModelVersionOf<T>)> {
		let now = frame_system::Pallet::<T>::block_number();
		let version = match PendingActivation::<T>::get(model) {
			Some((version, from)) if from <= now => version,
			_ => Models::<T>::get(model)?.active?,
		};
		Versions::<T>::get(model, version).map(|v| (version, v))
	}

	/// Freezes as much of `who`'s balance as its largest vote; what is frozen.
	fn freeze(who: &T::AccountId, votes: &VotesOf<T>) -> Result<BalanceOf<T>, DispatchError> {
		let needed = votes.iter().map(|r| r.vote.amount).max().unwrap_or_else(Zero::zero);
		if needed.is_zero() {
			T::Currency::thaw(&FreezeReason::Vote.into(), who)?;
		} else {
			T::Currency::set_freeze(&FreezeReason::Vote.into(), who, needed)?;
		}
		Ok(needed)
	}

	/// Releases the proposer's deposit (all of it that is still held).
	fn release_deposit(referendum: &ReferendumOf<T>) {
		// Best effort: the hold can only be smaller if it was slashed, and then less is owed.
		let _ = T::Currency::release(
			&HoldReason::ReferendumDeposit.into(),
			&referendum.proposer,
			referendum.deposit,
			Precision::BestEffort,
		);
	}

	/// Decides the referenda whose voting ends in `now`; how many.
	fn decide_due(now: BlockNumberFor<T>) -> u32 {
		let due = Deadlines::<T>::take(now);
		if due.is_empty() {
			return 0;
		}
		let params = Params::<T>::get();
		let issuance = T::Currency::total_issuance();
		for index in &due {
			let Some(mut referendum) = Referenda::<T>::get(index) else { continue };
			Self::release_deposit(&referendum);
			let tally = referendum.tally;
			match tally.verdict(issuance, params.quorum, params.approval) {
				Verdict::Approved => {
					let target = now.saturating_add(params.enactment_delay);
					match Self::enactment_slot(target) {
						Some(enact_at) => {
							Enactments::<T>::mutate(enact_at, |queue| {
								// Cannot fail: the slot has room.
								let _ = queue.try_push(*index);
							});
							referendum.status = Status::Approved { enact_at };
							Referenda::<T>::insert(index, referendum);
							Self::deposit_event(Event::Approved { index: *index, tally, enact_at });
						},
						None => {
							// Unreachable while each live referendum has at most one slot and
							// the search spans as many blocks as referenda may be live.
							Referenda::<T>::remove(index);
							Self::deposit_event(Event::Failed {
								index: *index,
								call_hash: referendum.call_hash,
								error: Error::<T>::EnactmentQueueFull.into(),
							});
						},
					}
				},
				Verdict::Rejected(reason) => {
					Referenda::<T>::remove(index);
					Self::deposit_event(Event::Rejected { index: *index, tally, reason });
				},
			}
		}
		due.len() as u32
	}

	/// The first block from `target` on with room for an enactment, searching as many blocks
	/// as referenda may be live (so one always has room).
	fn enactment_slot(target: BlockNumberFor<T>) -> Option<BlockNumberFor<T>> {
		let mut block = target;
		for _ in 0..T::MaxLiveReferenda::get() {
			let queued = Enactments::<T>::decode_len(block).unwrap_or(0) as u32;
			if queued < T::MaxEnactmentsPerBlock::get() {
				return Some(block);
			}
			block = block.saturating_add(1u32.into());
		}
		None
	}

	/// Dispatches the approved calls due in `now`; how many, and the weight they used.
	fn enact_due(now: BlockNumberFor<T>) -> (u32, Weight) {
		let due = Enactments::<T>::take(now);
		let mut used = Weight::zero();
		for index in &due {
			let Some(referendum) = Referenda::<T>::take(index) else { continue };
			let call_hash = referendum.call_hash;
			let decoded = <T as Config>::RuntimeCall::decode_all_with_depth_limit(
				MAX_CALL_DEPTH,
				&mut &referendum.call[..],
			);
			let result = match decoded {
				Ok(call) => {
					let result = call.dispatch(frame_system::RawOrigin::Root.into());
					let actual = match &result {
						Ok(post) => post.actual_weight,
						Err(e) => e.post_info.actual_weight,
					};
					used.saturating_accrue(actual.unwrap_or(referendum.call_weight));
					result.map(|_| ()).map_err(|e| e.error)
				},
				Err(_) => Err(Error::<T>::CallUndecodable.into()),
			};
			Self::deposit_event(match result {
				Ok(()) => Event::Enacted { index: *index, call_hash },
				Err(error) => Event::Failed { index: *index, call_hash, error },
			});
		}
		(due.len() as u32, used)
	}

	/// Checks the pallet's invariants: every live referendum is due exactly where its status
	/// says, holds match the voting referenda's deposits, tallies match the recorded votes, and
	/// freezes match each voter's largest vote.
	pub fn do_try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		for (model, (version, _)) in PendingActivation::<T>::iter() {
			ensure!(
				Versions::<T>::contains_key(model, version),
				"an announced activation names no version"
			);
			ensure!(
				Models::<T>::get(model).and_then(|m| m.active) != Some(version),
				"an announced activation is active already"
			);
		}
		ensure!(
			Referenda::<T>::count() <= T::MaxLiveReferenda::get(),
			"more referenda live than MaxLiveReferenda"
		);
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut tallies: BTreeMap<ReferendumIndex, Tally<BalanceOf<T>>> = BTreeMap::new();
		for (index, referendum) in Referenda::<T>::iter() {
			match referendum.status {
				Status::Voting { ends } => {
					ensure!(ends >= now, "a referendum is voting past its end");
					ensure!(Deadlines::<T>::get(ends).contains(&index), "a vote has no deadline");
					let h = held.entry(referendum.proposer.clone()).or_insert_with(Zero::zero);
					*h = h.saturating_add(referendum.deposit);
					tallies.insert(index, Tally::default());
				},
				Status::Approved { enact_at } => {
					ensure!(enact_at >= now, "an approved call is past its enactment");
					ensure!(
						Enactments::<T>::get(enact_at).contains(&index),
						"an approved call is not queued"
					);
				},
			}
			ensure!(
				BlakeTwo256::hash(&referendum.call) == referendum.call_hash,
				"a call hash is off"
			);
		}
		for (who, amount) in &held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ReferendumDeposit.into(), who) == *amount,
				"a proposer's hold differs from its deposits"
			);
		}
		for (who, votes) in Votes::<T>::iter() {
			let largest = votes.iter().map(|r| r.vote.amount).max().unwrap_or_else(Zero::zero);
			ensure!(
				T::Currency::balance_frozen(&FreezeReason::Vote.into(), &who) == largest,
				"a voter's freeze differs from its largest vote"
			);
			for record in votes.iter() {
				if let Some(tally) = tallies.get_mut(&record.referendum) {
					tally.add(&record.vote);
				}
			}
		}
		for (index, tally) in tallies {
			let stored = Referenda::<T>::get(index).map(|r| r.tally);
			ensure!(stored == Some(tally), "a tally differs from the recorded votes");
		}
		for (_, due) in Enactments::<T>::iter() {
			for index in due {
				ensure!(
					matches!(
						Referenda::<T>::get(index).map(|r| r.status),
						Some(Status::Approved { .. })
					),
					"an enactment of no approved referendum"
				);
			}
		}
		Ok(())
	}
}

/// The active version of the analysis model is what inference tasks run.
impl<T: Config> ModelVersions for Pallet<T> {
	fn version_hash(model: ModelId, version: Version) -> Option<H256> {
		Versions::<T>::get(model, version).map(|v| v.sha256)
	}

	fn add_version(model: ModelId, sha256: H256, uri: Vec<u8>) -> Result<Version, DispatchError> {
		let info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let latest = Versions::<T>::get(model, info.latest).ok_or(Error::<T>::UnknownVersion)?;
		let labels = latest.labels.into_iter().map(|l| l.into_inner()).collect();
		Self::do_register(info.name.into_inner(), sha256, uri, labels, latest.input)
			.map(|(_, version)| version)
	}
}

impl<T: Config> ActiveModel for Pallet<T> {
	fn active_model() -> Option<H256> {
		Self::active_version(T::AnalysisModel::get()).map(|(_, v)| v.sha256)
	}
}
