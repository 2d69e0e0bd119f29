//! The custom origins of the governance tracks other than `root`, as Polkadot's runtime has
//! them: each track's referenda dispatch as their own origin, and each pallet accepts the
//! narrowest one that fits its call (with `Root` above all of them).
//!
//! The pallet also keeps which timing the tracks run on ([`TrackTiming`]): a public network's,
//! or the seconds-long one of development and test networks, chosen at genesis.

pub use pallet_custom_origins::*;

/// The timing in force: the genesis choice, or [`TrackTiming::Public`] where there is no state
/// to read it from (a native metadata query outside any block).
pub fn timing() -> TrackTiming {
	#[cfg(feature = "std")]
	if sp_externalities::with_externalities(|_| ()).is_none() {
		return TrackTiming::Public;
	}
	Timing::<crate::Runtime>::get()
}

#[frame_support::pallet]
pub mod pallet_custom_origins {
	use frame_support::pallet_prelude::*;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins of the non-root tracks.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// The `models` track: registers and activates model versions, opens training rounds.
		ModelRegistrar,
		/// The `parameters` track: every pallet's parameter setter.
		ParameterSetter,
		/// The `spam` track: marks proposals as spam, slashing their deposits.
		SpamRemover,
		/// The `whitelisted_caller` track: dispatches calls the technical committee whitelisted,
		/// as `Root`.
		WhitelistedCaller,
	}

	/// Which periods the governance tracks run on.
	#[derive(
		PartialEq,
		Eq,
		Clone,
		Copy,
		Default,
		MaxEncodedLen,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		Debug,
		serde::Serialize,
		serde::Deserialize,
	)]
	#[serde(rename_all = "camelCase")]
	pub enum TrackTiming {
		/// Hours to days, for networks with real stake: the runtime's default.
		#[default]
		Public,
		/// A few blocks per stage, for development and test networks.
		Fast,
	}

	/// The timing the governance tracks, conviction locks and committee motions use; set at
	/// genesis.
	#[pallet::storage]
	pub type Timing<T> = StorageValue<_, TrackTiming, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The timing; `public` if omitted.
		pub timing: TrackTiming,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Timing::<T>::put(self.timing);
		}
	}

	macro_rules! decl_unit_ensures {
		($($name:ident),* $(,)?) => {$(
			#[doc = concat!("Ensures the origin is [`Origin::", stringify!($name), "`].")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					match o.caller().try_into() {
						Ok(Origin::$name) => return Ok(()),
						_ => (),
					}
					Err(o)
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		)*};
	}
	decl_unit_ensures!(ModelRegistrar, ParameterSetter, SpamRemover, WhitelistedCaller);
}
