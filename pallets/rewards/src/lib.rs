//! # Rewards Pallet
//!
//! Pays the people and nodes that do DAOLLM's work, out of a per-epoch emission.
//!
//! ## Overview
//!
//! The other pallets record useful work as **reward points** through
//! [`RewardPoints::reward`], which this pallet implements: verified annotations
//! ([`Contribution::Annotation`]), inference answers that agreed with the consensus
//! ([`Contribution::Inference`]) and model updates the aggregate kept
//! ([`Contribution::Training`]). At the end of each epoch the epoch's emission is divided among
//! the kinds of work, and each kind's pool among the accounts that earned its points.
//!
//! Payment is **pull-based**: an account calls [`Pallet::claim`] with the closed epochs it
//! wants paid (at most [`Config::MaxClaimEpochs`] at once), so no hook ever loops over
//! accounts. Each payment is kept in the account's [`History`] and emitted as
//! [`Event::RewardClaimed`]; the [`Pallet::pending`] view reports pending rewards, open and closed.
//!
//! ## Terminology
//!
//! - **Epoch**: a run of [`Config::EpochLength`] blocks; epoch `e` ends at the start of block
//!   `(e + 1) × EpochLength`.
//! - **Reward points**: what a piece of useful work earns in the current epoch, per kind
//!   ([`Contribution`]).
//! - **Pot** ([`Pallet::pot`]): the account that holds the emission until it is claimed.
//! - **Pool**: one kind's share of an epoch's emission, by the governance-set [`RewardSplit`].
//! - **Claim period**: `claim_period` epochs after an epoch closes in which its rewards can be
//!   claimed.
//!
//! ## Lifecycle
//!
//! At the end of an epoch (`on_initialize` of block `(e + 1) × EpochLength`, constant work):
//! 1. `emission` new tokens are minted into the pot: total issuance grows by exactly the
//!    emission;
//! 2. what the pot holds beyond the rewards still to be claimed (the emission plus anything
//!    earlier epochs left) is divided by the [`RewardSplit`]: each kind of work that earned
//!    points gets its share as the epoch's pool for that kind. The annotation pool is at most
//!    `annotation_point_cap` per annotation point: annotations need no stake, so their value
//!    per point is capped where inference and training points (earned only in committee seats
//!    drawn by stake) are not;
//! 3. a kind's pool belongs to the accounts with points of that kind, pro rata to their points,
//!    rounded down. Shares of kinds that earned nothing, the split's remainder and rounding dust
//!    stay in the pot for the next epoch.
//! 4. Accounts claim; once an epoch's claim period has passed, what is still unclaimed returns
//!    to the pot (constant work in `on_initialize`), and the expired points records go when
//!    their accounts next claim.
//!
//! ## Calls
//!
//! - `claim(epochs)`: signed by the account that earned the points. Weight: O(E) in the epochs
//!   named (at most `MaxClaimEpochs`).
//! - `set_parameters(parameters)`: [`Config::GovernanceOrigin`]. Weight: O(1).
//!
//! ## Hooks
//!
//! - `on_initialize`: in the first block of an epoch, closes the epoch before it (mints the
//!   emission, fixes the pools) and expires the epoch whose claim period ended; in every other
//!   block, one read. Weight: O(1).
//! - `integrity_test`: the default parameters pass their checks.
//! - `try_state`: the invariants below.
//!
//! ## Cross-pallet contract
//!
//! Upward: the pallet implements [`RewardPoints`] for the pallets that credit work (proposals
//! for annotations, inference for agreeing answers, training for kept updates and agreeing
//! aggregators); crediting is constant work, benchmarked inside the caller's call or hook.
//! Downward: it mints and pays through [`Config::Currency`] (`fungible::Mutate`) and reads the
//! epoch length from [`Config::EpochLength`].
//!
//! ## Economics
//!
//! Who pays: every holder, through the emission's inflation, and nobody else; a claim moves
//! tokens from the pot to the claimant, never from another account. Who gains: the accounts
//! with points, pro rata within each kind. Many accounts gain an attacker nothing: a kind's
//! pool is fixed before it is divided, so splitting the same work over more accounts splits
//! the same pool, and points are only earned for work the other pallets verified (a verified
//! annotation's bond, a drawn seat's stake).
//!
//! ## Parameters
//!
//! The emission and the split are one storage value, [`Params`], set at genesis and by
//! [`Config::GovernanceOrigin`] through [`Pallet::set_parameters`].
//!
//! ## Invariants (`try_state`)
//!
//! The pot holds at least the unclaimed rewards on top of its existential deposit;
//! [`Outstanding`] is the sum of the closed epochs' unclaimed rewards; every closed epoch's
//! claimant count matches its accounts with points, and the open epoch's totals match its
//! accounts' points.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

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

use alloc::vec::Vec;
use daollm_primitives::traits::{Contribution, RewardPoints};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Inspect, Mutate},
		tokens::{Fortitude, Preservation},
	},
	PalletId,
};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::{AccountIdConversion, Saturating, UniqueSaturatedInto, Zero};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BalanceOf<T>>;

/// An account's rewards history as this runtime stores it.
pub type HistoryOf<T> = BoundedVec<Payout<BalanceOf<T>>, <T as Config>::MaxHistory>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		// Runtime types.

		/// The currency rewards are minted and paid in.
		type Currency: fungible::Mutate<Self::AccountId>;

		/// The pot's account is derived from this id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		// Origins.

		/// The origin that sets the parameters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// Blocks per epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// The most epochs one [`Pallet::claim`] pays.
		#[pallet::constant]
		type MaxClaimEpochs: Get<u32>;

		/// How many payments each account's history keeps.
		#[pallet::constant]
		type MaxHistory: Get<u32>;

		/// The most pending epochs the [`Pallet::pending`] view reports for one account.
		#[pallet::constant]
		type MaxPendingReport: Get<u32>;

		// Governable parameters.

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The emission and the split.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ParametersOf<T>, ValueQuery, T::DefaultParameters>;

	/// The epoch points count in now.
	#[pallet::storage]
	pub type CurrentEpoch<T> = StorageValue<_, EpochIndex, ValueQuery>;

	/// Everyone's points in the current epoch, per kind of work.
	#[pallet::storage]
	pub type CurrentPoints<T> = StorageValue<_, Points<u64>, ValueQuery>;

	/// Accounts with points in the current epoch.
	#[pallet::storage]
	pub type CurrentClaimants<T> = StorageValue<_, u32, ValueQuery>;

	/// Each account's points per epoch, until it claims them.
	#[pallet::storage]
	pub type AccountPoints<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, EpochIndex, Points<u32>>;

	/// What each closed epoch pays, while some of it is unclaimed.
	#[pallet::storage]
	pub type Epochs<T: Config> =
		StorageMap<_, Twox64Concat, EpochIndex, EpochRewards<BalanceOf<T>>>;

	/// The sum of the closed epochs' unclaimed rewards: the part of the pot that is spoken for.
	#[pallet::storage]
	pub type Outstanding<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Each account's latest payments, oldest first.
	#[pallet::storage]
	pub type History<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HistoryOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; the runtime's defaults if omitted.
		pub parameters: Option<ParametersOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.parameters {
				assert!(
					params.split.is_valid(),
					"the genesis reward split adds up to more than one"
				);
				assert!(params.claim_period > 0, "the genesis claim period must be positive");
				Params::<T>::put(params);
			}
			// The pot exists from genesis with its existential deposit, so the first emission
			// is never too small to land and the last claim never has to close it.
			let pot = Pallet::<T>::pot();
			let minimum = T::Currency::minimum_balance();
			if T::Currency::balance(&pot) < minimum {
				T::Currency::set_balance(&pot, minimum);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch ended: its emission was minted and its pools set.
		EpochClosed {
			/// The epoch.
			epoch: EpochIndex,
			/// The tokens minted into the pot.
			emission: BalanceOf<T>,
			/// Each kind of work's pool.
			pools: Points<BalanceOf<T>>,
			/// Each kind of work's points, everyone's together.
			points: Points<u64>,
			/// What stays in the pot for the next epoch.
			carried: BalanceOf<T>,
		},
		/// An epoch's emission could not be minted (total issuance would overflow); its pools
		/// come from what the pot already held.
		EmissionFailed {
			/// The epoch.
			epoch: EpochIndex,
		},
		/// An account was paid its reward for an epoch.
		RewardClaimed {
			/// The account.
			who: T::AccountId,
			/// The epoch.
			epoch: EpochIndex,
			/// The amount.
			amount: BalanceOf<T>,
		},
		/// Governance set new parameters.
		ParametersSet {
			/// The parameters now in force.
			parameters: ParametersOf<T>,
		},
		/// An epoch's claim period ended: what was still unclaimed returned to the pot.
		RewardsExpired {
			/// The epoch.
			epoch: EpochIndex,
			/// The amount that returned to the pot.
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `claim` was given no epochs.
		NoEpochs,
		/// The epoch has not ended; its rewards are not known yet.
		EpochNotClosed,
		/// The account has no unclaimed points in the epoch (none earned, or already claimed).
		NothingToClaim,
		/// The split's shares add up to more than one.
		InvalidSplit,
		/// `claim_period` must be at least one epoch.
		InvalidClaimPeriod,
	}

	/// Reads for clients, typed by the runtime's metadata (the `RuntimeViewFunction` runtime
	/// API runs them; never called in a block).
	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The block whose `on_initialize` ends the running epoch: the first multiple of
		/// `EpochLength` after the current block. What a countdown to the next claim counts to.
		pub fn current_epoch_end() -> BlockNumberFor<T> {
			let now = frame_system::Pallet::<T>::block_number();
			let length = T::EpochLength::get();
			now.saturating_sub(now % length).saturating_add(length)
		}

		/// What `who` has earned and not claimed: each epoch's points and, for ended epochs,
		/// what `claim` pays for it (oldest first, the running epoch last, without an amount),
		/// their sum claimable now, and the running epoch with the block that ends it.
		pub fn pending(who: T::AccountId) -> Pending<BalanceOf<T>, BlockNumberFor<T>> {
			let epochs = Self::pending_rewards(&who);
			let claimable = epochs
				.iter()
				.filter_map(|p| p.amount)
				.fold(BalanceOf::<T>::zero(), |sum, amount| sum.saturating_add(amount));
			Pending {
				current_epoch: CurrentEpoch::<T>::get(),
				current_epoch_end: Self::current_epoch_end(),
				claimable,
				epochs,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			if Self::ends_epoch(now) {
				Self::close_epoch();
				T::WeightInfo::close_epoch()
			} else {
				Weight::zero()
			}
		}

		fn integrity_test() {
			assert!(!T::EpochLength::get().is_zero(), "EpochLength must not be zero");
			assert!(T::MaxClaimEpochs::get() > 0, "MaxClaimEpochs must not be zero");
			assert!(
				T::DefaultParameters::get().split.is_valid(),
				"the default reward split adds up to more than one"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pays the caller its rewards for `epochs`, which must have ended.
		///
		/// Each epoch pays, for each kind of work, the kind's pool times the caller's share of
		/// the kind's points, rounded down. An epoch whose claim period has passed pays nothing
		/// and its points are removed. Fails as a whole, paying nothing, if any epoch is still
		/// running or holds no unclaimed points of the caller (`NothingToClaim`, also for an
		/// epoch named twice).
		///
		/// Emits [`Event::RewardClaimed`] per epoch.
		///
		/// Weight: `O(E)` in the epochs named (at most `MaxClaimEpochs`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::claim(epochs.len() as u32))]
		pub fn claim(
			origin: OriginFor<T>,
			epochs: BoundedVec<EpochIndex, T::MaxClaimEpochs>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!epochs.is_empty(), Error::<T>::NoEpochs);
			let current = CurrentEpoch::<T>::get();
			ensure!(epochs.iter().all(|e| *e < current), Error::<T>::EpochNotClosed);
			for epoch in epochs {
				Self::pay(&who, epoch)?;
			}
			Ok(())
		}

		/// Sets the emission per epoch and the split between the kinds of work, from the next
		/// epoch's end on.
		///
		/// The origin must be `GovernanceOrigin`; the split's shares must add up to at most one.
		///
		/// Emits [`Event::ParametersSet`].
		///
		/// Weight: `O(1).`
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(parameters.split.is_valid(), Error::<T>::InvalidSplit);
			ensure!(parameters.claim_period > 0, Error::<T>::InvalidClaimPeriod);
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The pot's account: emissions are minted into it and rewards paid from it.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Whether block `now` ends an epoch.
	pub fn ends_epoch(now: BlockNumberFor<T>) -> bool {
		!now.is_zero() && (now % T::EpochLength::get()).is_zero()
	}

	/// What the pot holds that is not spoken for: the part of it the next epoch divides.
	pub fn available() -> BalanceOf<T> {
		let spendable =
			T::Currency::reducible_balance(&Self::pot(), Preservation::Preserve, Fortitude::Polite);
		spendable.saturating_sub(Outstanding::<T>::get())
	}

	/// Ends the current epoch: mints the emission, sets the pools, opens the next epoch.
	pub(crate) fn close_epoch() {
		let epoch = CurrentEpoch::<T>::get();
		let params = Params::<T>::get();
		let pot = Self::pot();
		let emission = match T::Currency::mint_into(&pot, params.emission) {
			Ok(_) => params.emission,
			Err(_) => {
				Self::deposit_event(Event::EmissionFailed { epoch });
				Zero::zero()
			},
		};
		Self::expire(epoch, params.claim_period);
		let available = Self::available();
		let points = CurrentPoints::<T>::take();
		let claimants = CurrentClaimants::<T>::take();
		let mut pools = Points::<BalanceOf<T>>::default();
		for kind in CONTRIBUTIONS {
			if points.of(kind) > 0 {
				let mut pool = params.split.share(kind).mul_floor(available);
				if kind == Contribution::Annotation {
					let cap = params
						.annotation_point_cap
						.saturating_mul(points.of(kind).unique_saturated_into());
					pool = pool.min(cap);
				}
				pools.add(kind, pool);
			}
		}
		let allocated = CONTRIBUTIONS
			.iter()
			.fold(BalanceOf::<T>::zero(), |sum, kind| sum.saturating_add(pools.of(*kind)));
		if claimants > 0 {
			Epochs::<T>::insert(
				epoch,
				EpochRewards { pools, points, unclaimed: allocated, claimants },
			);
			Outstanding::<T>::mutate(|o| o.saturating_accrue(allocated));
		}
		CurrentEpoch::<T>::put(epoch.saturating_add(1));
		Self::deposit_event(Event::EpochClosed {
			epoch,
			emission,
			pools,
			points,
			carried: available.saturating_sub(allocated),
		});
	}

	/// As epoch `closing` closes, returns to the pot what epoch `closing - claim_period` left
	/// unclaimed. O(1): the expired epoch's points records go when their accounts next claim.
	fn expire(closing: EpochIndex, claim_period: EpochIndex) {
		let Some(expired) = closing.checked_sub(claim_period) else { return };
		if let Some(record) = Epochs::<T>::take(expired) {
			Outstanding::<T>::mutate(|o| o.saturating_reduce(record.unclaimed));
			Self::deposit_event(Event::RewardsExpired { epoch: expired, amount: record.unclaimed });
		}
	}

	/// Pays `who` its reward for closed epoch `epoch` (nothing if its claim period has passed).
	fn pay(who: &T::AccountId, epoch: EpochIndex) -> DispatchResult {
		let points = AccountPoints::<T>::take(who, epoch).ok_or(Error::<T>::NothingToClaim)?;
		// A closed epoch without a record, whose points are still here, has expired (a fully
		// claimed epoch has no points left): the points are worth nothing now and their record
		// goes.
		let Some(mut record) = Epochs::<T>::get(epoch) else { return Ok(()) };
		let amount = record.reward_of(&points).min(record.unclaimed);
		record.unclaimed.saturating_reduce(amount);
		record.claimants.saturating_dec();
		let released = if record.claimants == 0 {
			Epochs::<T>::remove(epoch);
			// The dust of rounding down returns to what the next epoch divides.
			amount.saturating_add(record.unclaimed)
		} else {
			Epochs::<T>::insert(epoch, record);
			amount
		};
		Outstanding::<T>::mutate(|o| o.saturating_reduce(released));
		if !amount.is_zero() {
			T::Currency::transfer(&Self::pot(), who, amount, Preservation::Preserve)?;
		}
		History::<T>::mutate(who, |history| {
			if history.is_full() {
				history.remove(0);
			}
			// Cannot fail: there is room now.
			let _ = history.try_push(Payout { epoch, amount });
		});
		Self::deposit_event(Event::RewardClaimed { who: who.clone(), epoch, amount });
		Ok(())
	}

	/// `who`'s unclaimed rewards, oldest epoch first, the running epoch last (without an amount),
	/// at most `MaxPendingReport` of them.
	pub fn pending_rewards(who: &T::AccountId) -> Vec<PendingReward<BalanceOf<T>>> {
		let current = CurrentEpoch::<T>::get();
		let mut pending: Vec<_> = AccountPoints::<T>::iter_prefix(who)
			.filter(|(epoch, _)| *epoch >= current || Epochs::<T>::contains_key(epoch))
			.take(T::MaxPendingReport::get() as usize)
			.map(|(epoch, points)| PendingReward {
				epoch,
				points,
				amount: (epoch < current).then(|| {
					Epochs::<T>::get(epoch).map(|r| r.reward_of(&points)).unwrap_or_default()
				}),
			})
			.collect();
		pending.sort_by_key(|p| p.epoch);
		pending
	}

	/// Checks the pallet's invariants (see the module docs).
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let current = CurrentEpoch::<T>::get();
		let mut outstanding = BalanceOf::<T>::zero();
		for (epoch, record) in Epochs::<T>::iter() {
			ensure!(epoch < current, "a running epoch has a rewards record");
			ensure!(record.claimants > 0, "a fully claimed epoch kept its record");
			let allocated = CONTRIBUTIONS.iter().fold(BalanceOf::<T>::zero(), |sum, kind| {
				sum.saturating_add(record.pools.of(*kind))
			});
			ensure!(record.unclaimed <= allocated, "an epoch owes more than its pools");
			let claimants =
				AccountPoints::<T>::iter().filter(|(_, e, _)| *e == epoch).count() as u32;
			ensure!(claimants == record.claimants, "an epoch's claimant count is off");
			outstanding = outstanding.saturating_add(record.unclaimed);
		}
		ensure!(outstanding == Outstanding::<T>::get(), "Outstanding is not the epochs' sum");
		let pot = T::Currency::balance(&Self::pot());
		ensure!(
			pot >= outstanding.saturating_add(T::Currency::minimum_balance()),
			"the pot holds less than the unclaimed rewards"
		);

		let mut totals = Points::<u64>::default();
		let mut claimants = 0u32;
		for (_, epoch, points) in AccountPoints::<T>::iter() {
			ensure!(epoch <= current, "points recorded in a future epoch");
			ensure!(!points.is_zero(), "an empty points record");
			if epoch == current {
				claimants += 1;
				for kind in CONTRIBUTIONS {
					totals.add(kind, u64::from(points.of(kind)));
				}
			}
		}
		ensure!(totals == CurrentPoints::<T>::get(), "the running epoch's totals are off");
		ensure!(claimants == CurrentClaimants::<T>::get(), "the running epoch's claimants are off");
		Ok(())
	}
}

impl<T: Config> RewardPoints<T::AccountId> for Pallet<T> {
	fn reward(who: &T::AccountId, contribution: Contribution, points: u32) {
		if points == 0 {
			return;
		}
		let epoch = CurrentEpoch::<T>::get();
		AccountPoints::<T>::mutate(who, epoch, |entry| {
			if entry.is_none() {
				CurrentClaimants::<T>::mutate(|c| c.saturating_inc());
			}
			entry.get_or_insert_with(Default::default).add(contribution, points);
		});
		CurrentPoints::<T>::mutate(|totals| totals.add(contribution, u64::from(points)));
	}
}
