//! Storage migrations of the proposals pallet.

/// Version 1: the economics of proposals and annotations are governable [`crate::Parameters`]
/// in [`crate::Params`]; version 0 stored only the challenge period, in `ChallengePeriod`.
pub mod v1 {
	use crate::{Config, Pallet, Params};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::ValueQuery,
		storage_alias,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use frame_system::pallet_prelude::BlockNumberFor;

	/// Version 0's challenge period, in blocks.
	#[storage_alias]
	pub(crate) type ChallengePeriod<T: Config> =
		StorageValue<Pallet<T>, BlockNumberFor<T>, ValueQuery>;

	/// Moves a challenge period set in version 0 (at genesis or by governance) into the
	/// parameters, which otherwise start at `DefaultParameters`, and removes the old value.
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			if ChallengePeriod::<T>::exists() {
				let period = ChallengePeriod::<T>::take();
				let mut parameters = Params::<T>::get();
				parameters.challenge_period = period;
				if parameters.check().is_ok() {
					Params::<T>::put(parameters);
				}
			}
			T::DbWeight::get().reads_writes(2, 2)
		}
	}

	/// [`UncheckedMigrateToV1`], run once: only while the pallet's storage version is 0, which
	/// it then sets to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

#[cfg(test)]
mod tests {
	use super::v1::{ChallengePeriod, MigrateToV1};
	use crate::{mock::*, Pallet, Params};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	#[test]
	fn a_version_0_challenge_period_becomes_the_parameters_one() {
		ExtBuilder.build_and_execute(|| {
			StorageVersion::new(0).put::<Pallet<Test>>();
			ChallengePeriod::<Test>::put(3);

			MigrateToV1::<Test>::on_runtime_upgrade();

			assert_eq!(Params::<Test>::get().challenge_period, 3);
			assert_eq!(Params::<Test>::get().deposit_base, default_parameters().deposit_base);
			assert!(!ChallengePeriod::<Test>::exists(), "the old value is gone");
			assert_eq!(Pallet::<Test>::on_chain_storage_version(), 1);
		});
	}
}
