//! # Spaces Pallet
//!
//! A DAO's place on the chain: its name, a short description and a link to where it lives (a
//! Snapshot space, a Tally organisation, a forum, a governance repository), the proposals filed
//! under it newest first, and the inference network's record on them.
//!
//! ## Overview
//!
//! Anyone may register a space ([`Pallet::register_space`]); the registering account becomes its
//! **admin** and holds a **deposit** ([`Parameters::deposit_base`] plus
//! [`Parameters::deposit_per_byte`] per byte of name, description and link,
//! [`HoldReason::SpaceDeposit`]) for as long as the space exists. The admin may update the
//! space's text ([`Pallet::update_space`], re-priced at the parameters of the day), hand it over in
//! two steps ([`Pallet::offer_space`], then [`Pallet::accept_space`] by the account offered it,
//! which takes over the deposit) and close it once no proposal filed under it has a record left
//! ([`Pallet::close_space`], which returns the deposit).
//!
//! Proposals are filed under a space by the proposals pallet, through [`ProposalSpaces`]: a
//! proposal names its space when it is submitted, and the proposals pallet tells the space what
//! became of it. Each space keeps [`SpaceStats`]: how many proposals were filed, analysed by the
//! inference network, annotated and verified, and how many verified labels the network's
//! analysis had matched — **the network's record for that DAO** ([`SpaceStats::record`]).
//! Spaces are open: any account may file a proposal under any space, paying the proposal's own
//! deposit; clients tell a proposal the space's admin filed from one a member filed by its
//! author.
//!
//! ## Economics
//!
//! - A space is state and a line in the directory: the admin pays for it with the deposit, held
//!   while the space exists and returned whole on closing. Nobody else pays for it and nobody
//!   gains from it: no fee is kept, nothing is slashed. An account that registers a thousand
//!   spaces holds a thousand deposits.
//! - Proposals filed under a space pay their own deposits to the proposals pallet: a space costs
//!   the same whatever number of proposals it lists, and the list costs its admin nothing.
//! - A hand-over moves the deposit: the account that accepts holds it (priced anew), the old admin
//!   gets its deposit back. Offering costs nothing and binds nobody until accepted.
//!
//! ## Calls
//!
//! - [`Pallet::register_space`]: register a space, holding its deposit. Weight: O(1) (bounded
//!   text).
//! - [`Pallet::update_space`]: the admin rewrites the name, description and link. Weight: O(1).
//! - [`Pallet::offer_space`]: the admin offers the space to another account, or withdraws the
//!   offer. Weight: O(1).
//! - [`Pallet::accept_space`]: the account offered a space becomes its admin. Weight: O(1).
//! - [`Pallet::close_space`]: the admin closes a space without listed proposals. Weight: O(1).
//! - [`Pallet::set_parameters`]: governance sets the deposits ([`Parameters`]). Weight: O(1).
//!
//! ## Cross-pallet contract
//!
//! - Upward: the pallet implements [`ProposalSpaces`], through which the proposals pallet files
//!   proposals under spaces, takes them out when their record goes, and counts what became of
//!   them.
//! - Downward: [`Config::Currency`] holds the deposits.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
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
use daollm_primitives::{traits::ProposalSpaces, ProposalId, SpaceId};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, MutateHold},
		tokens::Precision,
	},
};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::{Saturating, Zero};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A space as this runtime stores it.
pub type SpaceOf<T> = Space<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxNameLen,
	<T as Config>::MaxDescriptionLen,
	<T as Config>::MaxLinkLen,
>;

/// A space as this runtime's clients read it.
pub type SpaceDetailsOf<T> =
	SpaceDetails<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BalanceOf<T>>;

/// The largest page [`Pallet::spaces`] and [`Pallet::proposals`] return.
pub const MAX_PAGE: u32 = 100;

/// The key under which a space lists a proposal: its id's complement, big-endian, so that the
/// list iterates newest first.
pub fn listing_key(proposal: ProposalId) -> [u8; 4] {
	(!proposal).to_be_bytes()
}

impl<T: Config> From<InvalidParameter> for Error<T> {
	fn from(invalid: InvalidParameter) -> Self {
		match invalid {
			InvalidParameter::Deposit => Error::InvalidDeposit,
		}
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a registered space, held from its admin.
		SpaceDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		// Runtime types.

		/// The currency deposits are held in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's are a part.
		type RuntimeHoldReason: From<HoldReason>;

		// Origins.

		/// The origin that sets the [`Parameters`]: in the runtime, the `parameters` track's.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// The longest name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// The longest description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;

		/// The longest link, in bytes.
		#[pallet::constant]
		type MaxLinkLen: Get<u32>;

		// Governable parameters.

		/// The [`Parameters`] until genesis or governance sets others.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next space gets.
	#[pallet::storage]
	pub type NextSpaceId<T> = StorageValue<_, SpaceId, ValueQuery>;

	/// Spaces that exist, by id.
	#[pallet::storage]
	pub type Spaces<T: Config> = CountedStorageMap<_, Twox64Concat, SpaceId, SpaceOf<T>>;

	/// The account each space's admin offered it to, until that account accepts.
	#[pallet::storage]
	pub type Offers<T: Config> = StorageMap<_, Twox64Concat, SpaceId, T::AccountId>;

	/// The proposals filed under each space whose record exists, newest first: keyed by
	/// [`listing_key`] of the proposal's id.
	#[pallet::storage]
	pub type Listings<T> =
		StorageDoubleMap<_, Twox64Concat, SpaceId, Identity, [u8; 4], ProposalId>;

	/// What spaces cost: the deposit per space and per byte of its text.
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
				assert!(parameters.check().is_ok(), "the genesis space parameters are invalid");
				Params::<T>::put(parameters);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A space was registered.
		SpaceRegistered {
			/// The new space's id.
			space: SpaceId,
			/// Its admin.
			admin: T::AccountId,
			/// The deposit held.
			deposit: BalanceOf<T>,
		},
		/// A space's name, description or link changed.
		SpaceUpdated {
			/// The space.
			space: SpaceId,
			/// The deposit now held.
			deposit: BalanceOf<T>,
		},
		/// A space's admin offered it to another account (or withdrew the offer: `to` is
		/// `None`).
		SpaceOffered {
			/// The space.
			space: SpaceId,
			/// The account offered it.
			to: Option<T::AccountId>,
		},
		/// A space changed hands: `to` holds its deposit now, `from` got its deposit back.
		SpaceHandedOver {
			/// The space.
			space: SpaceId,
			/// The previous admin.
			from: T::AccountId,
			/// The new admin.
			to: T::AccountId,
			/// The deposit the new admin holds.
			deposit: BalanceOf<T>,
		},
		/// A space was closed and its deposit returned.
		SpaceClosed {
			/// The space.
			space: SpaceId,
			/// The deposit returned.
			deposit: BalanceOf<T>,
		},
		/// Governance set new parameters.
		ParametersSet {
			/// The new parameters.
			parameters: ParametersOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The name is empty.
		EmptyName,
		/// The name is longer than `MaxNameLen`.
		NameTooLong,
		/// The description is longer than `MaxDescriptionLen`.
		DescriptionTooLong,
		/// The link is longer than `MaxLinkLen`.
		LinkTooLong,
		/// The name, description or link is not UTF-8 text.
		NotText,
		/// No space has this id.
		UnknownSpace,
		/// Only the space's admin may do this.
		NotAdmin,
		/// The space is not offered to this account.
		NotOffered,
		/// The admin cannot offer a space to itself.
		AlreadyAdmin,
		/// The account cannot pay the space's deposit.
		InsufficientBalance,
		/// Proposals filed under the space still have records; a space closes once its list is
		/// empty.
		SpaceInUse,
		/// Space ids are exhausted.
		SpaceIdOverflow,
		/// The base deposit must be more than nothing.
		InvalidDeposit,
	}

	/// Reads for clients, typed by the runtime's metadata (the `RuntimeViewFunction` runtime
	/// API runs them; never called in a block).
	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Space `id`: its admin and the account it is offered to, name, description, link,
		/// deposit, what became of its proposals, and the network's record (the share of its
		/// verified labels the network's analysis matched); `None` if no such space exists.
		pub fn space(id: SpaceId) -> Option<SpaceDetailsOf<T>> {
			Spaces::<T>::get(id).map(|space| Self::details(id, space))
		}

		/// The directory: up to `limit` (at most [`MAX_PAGE`]) spaces, continuing after space
		/// `start_after` (in storage order, stable between calls): pass the last space's id to
		/// read the next page.
		pub fn spaces(start_after: Option<SpaceId>, limit: u32) -> Vec<SpaceDetailsOf<T>> {
			Self::directory_page(start_after, limit.min(MAX_PAGE))
		}

		/// Up to `limit` (at most [`MAX_PAGE`]) proposals filed under `space` whose record
		/// exists, newest first, continuing after proposal `before`: pass the last id of a page
		/// to read the next.
		pub fn proposals(
			space: SpaceId,
			before: Option<ProposalId>,
			limit: u32,
		) -> Vec<ProposalId> {
			Self::listing_page(space, before, limit.min(MAX_PAGE))
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxNameLen::get() > 0, "MaxNameLen must allow a name");
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
		/// Register a DAO's space.
		///
		/// The origin must be _Signed_ and able to hold the deposit, `deposit_base` plus
		/// `deposit_per_byte` for each byte of `name`, `description` and `link`; it becomes the
		/// space's admin. `name` (1 to `MaxNameLen` bytes), `description` (up to
		/// `MaxDescriptionLen`) and `link` (up to `MaxLinkLen`) are UTF-8 text.
		///
		/// Emits `SpaceRegistered`. Weight: O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_space())]
		pub fn register_space(
			origin: OriginFor<T>,
			name: Vec<u8>,
			description: Vec<u8>,
			link: Vec<u8>,
		) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			let (name, description, link) = Self::text(name, description, link)?;
			let space = NextSpaceId::<T>::get();
			let next = space.checked_add(1).ok_or(Error::<T>::SpaceIdOverflow)?;
			let deposit = deposit_for(&Params::<T>::get(), text_len(&name, &description, &link));
			T::Currency::hold(&HoldReason::SpaceDeposit.into(), &admin, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;

			Spaces::<T>::insert(
				space,
				Space {
					admin: admin.clone(),
					name,
					description,
					link,
					deposit,
					registered_at: frame_system::Pallet::<T>::block_number(),
					stats: SpaceStats::default(),
				},
			);
			NextSpaceId::<T>::put(next);
			Self::deposit_event(Event::SpaceRegistered { space, admin, deposit });
			Ok(())
		}

		/// Rewrite a space's name, description and link.
		///
		/// The origin must be _Signed_ by the space's admin, with the rules of `register_space`
		/// for the text. The deposit is priced anew at today's parameters: the admin holds more
		/// or gets the difference back.
		///
		/// Emits `SpaceUpdated`. Weight: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_space())]
		pub fn update_space(
			origin: OriginFor<T>,
			space: SpaceId,
			name: Vec<u8>,
			description: Vec<u8>,
			link: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Self::administered(space, &who)?;
			let (name, description, link) = Self::text(name, description, link)?;
			let deposit = deposit_for(&Params::<T>::get(), text_len(&name, &description, &link));
			Self::reprice(&who, record.deposit, deposit)?;
			record.name = name;
			record.description = description;
			record.link = link;
			record.deposit = deposit;
			Spaces::<T>::insert(space, record);
			Self::deposit_event(Event::SpaceUpdated { space, deposit });
			Ok(())
		}

		/// Offer a space to another account, which becomes its admin when it accepts
		/// ([`Pallet::accept_space`]); `None` withdraws the offer.
		///
		/// The origin must be _Signed_ by the space's admin. A new offer replaces the last one.
		///
		/// Emits `SpaceOffered`. Weight: O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::offer_space())]
		pub fn offer_space(
			origin: OriginFor<T>,
			space: SpaceId,
			to: Option<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::administered(space, &who)?;
			match &to {
				Some(account) => {
					ensure!(*account != who, Error::<T>::AlreadyAdmin);
					Offers::<T>::insert(space, account);
				},
				None => Offers::<T>::remove(space),
			}
			Self::deposit_event(Event::SpaceOffered { space, to });
			Ok(())
		}

		/// Accept a space offered to the origin, becoming its admin.
		///
		/// The origin must be _Signed_ by the account the space is offered to and able to hold
		/// its deposit, priced at today's parameters; the previous admin gets its deposit back.
		///
		/// Emits `SpaceHandedOver`. Weight: O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::accept_space())]
		pub fn accept_space(origin: OriginFor<T>, space: SpaceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Spaces::<T>::get(space).ok_or(Error::<T>::UnknownSpace)?;
			ensure!(Offers::<T>::get(space).as_ref() == Some(&who), Error::<T>::NotOffered);
			let deposit = deposit_for(&Params::<T>::get(), record.text_len());
			T::Currency::hold(&HoldReason::SpaceDeposit.into(), &who, deposit)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Self::release(&record.admin, record.deposit);

			let from = core::mem::replace(&mut record.admin, who.clone());
			record.deposit = deposit;
			Spaces::<T>::insert(space, record);
			Offers::<T>::remove(space);
			Self::deposit_event(Event::SpaceHandedOver { space, from, to: who, deposit });
			Ok(())
		}

		/// Close a space and take back its deposit.
		///
		/// The origin must be _Signed_ by the space's admin, and no proposal filed under the
		/// space may still have a record (its list is empty: their authors withdrew or removed
		/// them, or governance marked them as spam).
		///
		/// Emits `SpaceClosed`. Weight: O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::close_space())]
		pub fn close_space(origin: OriginFor<T>, space: SpaceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Self::administered(space, &who)?;
			ensure!(record.stats.listed == 0, Error::<T>::SpaceInUse);
			let deposit = Self::release(&who, record.deposit);
			Spaces::<T>::remove(space);
			Offers::<T>::remove(space);
			Self::deposit_event(Event::SpaceClosed { space, deposit });
			Ok(())
		}

		/// Set what spaces cost ([`Parameters`]).
		///
		/// The origin must be `GovernanceOrigin`; the parameters must pass
		/// [`Parameters::check`]. Spaces keep the deposit they hold until their admin updates
		/// or hands them over.
		///
		/// Emits `ParametersSet`. Weight: O(1).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			parameters.check().map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Space `space`, if `who` is its admin.
	fn administered(space: SpaceId, who: &T::AccountId) -> Result<SpaceOf<T>, DispatchError> {
		let record = Spaces::<T>::get(space).ok_or(Error::<T>::UnknownSpace)?;
		ensure!(record.admin == *who, Error::<T>::NotAdmin);
		Ok(record)
	}

	/// A space's text, checked and bounded.
	#[allow(clippy::type_complexity)]
	fn text(
		name: Vec<u8>,
		description: Vec<u8>,
		link: Vec<u8>,
	) -> Result<
		(
			BoundedVec<u8, T::MaxNameLen>,
			BoundedVec<u8, T::MaxDescriptionLen>,
			BoundedVec<u8, T::MaxLinkLen>,
		),
		DispatchError,
	> {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		let name: BoundedVec<_, _> = name.try_into().map_err(|_| Error::<T>::NameTooLong)?;
		let description: BoundedVec<_, _> =
			description.try_into().map_err(|_| Error::<T>::DescriptionTooLong)?;
		let link: BoundedVec<_, _> = link.try_into().map_err(|_| Error::<T>::LinkTooLong)?;
		for text in [&name[..], &description[..], &link[..]] {
			ensure!(core::str::from_utf8(text).is_ok(), Error::<T>::NotText);
		}
		Ok((name, description, link))
	}

	/// Moves `admin`'s held deposit from `held` to `deposit`.
	fn reprice(admin: &T::AccountId, held: BalanceOf<T>, deposit: BalanceOf<T>) -> DispatchResult {
		if deposit > held {
			T::Currency::hold(
				&HoldReason::SpaceDeposit.into(),
				admin,
				deposit.saturating_sub(held),
			)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		} else {
			Self::release(admin, held.saturating_sub(deposit));
		}
		Ok(())
	}

	/// Releases up to `amount` of `who`'s space deposits; returns what was released.
	fn release(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		T::Currency::release(&HoldReason::SpaceDeposit.into(), who, amount, Precision::BestEffort)
			.unwrap_or_default()
	}

	/// What clients read of space `id`.
	fn details(id: SpaceId, space: SpaceOf<T>) -> SpaceDetailsOf<T> {
		SpaceDetails {
			id,
			offered_to: Offers::<T>::get(id),
			record: space.stats.record(),
			admin: space.admin,
			name: space.name.into_inner(),
			description: space.description.into_inner(),
			link: space.link.into_inner(),
			deposit: space.deposit,
			registered_at: space.registered_at,
			stats: space.stats,
		}
	}

	/// A page of the directory, continuing after `start_after`.
	fn directory_page(start_after: Option<SpaceId>, limit: u32) -> Vec<SpaceDetailsOf<T>> {
		let iter = match start_after {
			Some(id) => Spaces::<T>::iter_from(Spaces::<T>::hashed_key_for(id)),
			None => Spaces::<T>::iter(),
		};
		iter.take(limit as usize).map(|(id, space)| Self::details(id, space)).collect()
	}

	/// A page of `space`'s list, newest first, continuing after `before`.
	fn listing_page(space: SpaceId, before: Option<ProposalId>, limit: u32) -> Vec<ProposalId> {
		let iter = match before {
			Some(id) => Listings::<T>::iter_prefix_from(
				space,
				Listings::<T>::hashed_key_for(space, listing_key(id)),
			),
			None => Listings::<T>::iter_prefix(space),
		};
		iter.take(limit as usize).map(|(_, proposal)| proposal).collect()
	}

	/// The pallet's invariants: every space's counts are consistent and its list holds exactly
	/// `listed` proposals, each under its own key; every offer is for a space that exists; ids
	/// are below `NextSpaceId`; and each admin holds exactly the deposits of its spaces.
	///
	/// Also built with `std`, so that the mock of the proposals pallet, which files proposals
	/// under spaces, checks it in its tests.
	#[cfg(any(feature = "try-runtime", feature = "std", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		let next = NextSpaceId::<T>::get();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, space) in Spaces::<T>::iter() {
			ensure!(id < next, "a space's id is not below NextSpaceId");
			ensure!(space.stats.consistent(), "a space's counts are inconsistent");
			let mut listed = 0u32;
			for (key, proposal) in Listings::<T>::iter_prefix(id) {
				ensure!(key == listing_key(proposal), "a proposal is listed under another key");
				listed.saturating_inc();
			}
			ensure!(listed == space.stats.listed, "a space lists another number of proposals");
			let entry = held.entry(space.admin).or_default();
			*entry = entry.saturating_add(space.deposit);
		}
		for (id, _) in Offers::<T>::iter() {
			ensure!(Spaces::<T>::contains_key(id), "an offer is for a space that does not exist");
		}
		for (id, _) in Listings::<T>::iter_keys() {
			ensure!(Spaces::<T>::contains_key(id), "a list is of a space that does not exist");
		}
		for (admin, deposit) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::SpaceDeposit.into(), &admin) == deposit,
				"an admin holds another amount than its spaces' deposits"
			);
		}
		Ok(())
	}
}
