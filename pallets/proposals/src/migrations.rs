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

/// Version 2: proposals may be filed under a DAO space (`Filings`), the chain indexes bodies by
/// digest (`ContentIndex`), and a training example names its space. Version 1's examples had
/// none, so they become examples of no space, and every existing proposal is indexed.
pub mod v2 {
	use crate::{
		AnalysisStatus, Config, ContentIndex, Pallet, Proposals, TrainingExample, TrainingSet,
	};
	use codec::{Decode, Encode};
	use daollm_primitives::{LabelIndex, ProposalId};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_core::H256;

	/// A training example as version 1 stored it.
	#[derive(Encode, Decode)]
	pub(crate) struct OldTrainingExample {
		pub proposal: ProposalId,
		pub content_hash: H256,
		pub label: LabelIndex,
		pub analysis: AnalysisStatus,
	}

	/// Gives every training example `space: None` and indexes every proposal's body digest.
	/// One pass over each map: the chain holds at most a few thousand of either before spaces
	/// exist.
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut examples = 0u64;
			TrainingSet::<T>::translate::<OldTrainingExample, _>(|_, old| {
				examples += 1;
				Some(TrainingExample {
					proposal: old.proposal,
					content_hash: old.content_hash,
					label: old.label,
					analysis: old.analysis,
					space: None,
				})
			});
			let mut proposals = 0u64;
			for (id, proposal) in Proposals::<T>::iter() {
				proposals += 1;
				ContentIndex::<T>::insert(proposal.content_hash, id, ());
			}
			T::DbWeight::get().reads_writes(examples + proposals, examples + proposals)
		}
	}

	/// [`UncheckedMigrateToV2`], run once: only while the pallet's storage version is 1, which
	/// it then sets to 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

#[cfg(test)]
mod tests {
	use super::v1::{ChallengePeriod, MigrateToV1};
	use crate::{mock::*, Pallet, Params};
	use frame_support::{
		assert_ok,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};

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
			// The next version is on the chain too.
			StorageVersion::new(2).put::<Pallet<Test>>();
		});
	}

	/// Version 1's training examples decode as examples of no space, and the proposals that
	/// existed before the index are found by their body's digest.
	#[test]
	fn version_1_examples_get_no_space_and_old_proposals_are_indexed() {
		use super::v2::{MigrateToV2, OldTrainingExample};
		use crate::{AnalysisStatus, ContentIndex, Proposals as Records, TrainingSet};
		use codec::Encode;
		ExtBuilder.build_and_execute(|| {
			assert_ok!(Proposals::submit_proposal(
				RuntimeOrigin::signed(ALICE),
				b"t".to_vec(),
				b"an old body".to_vec()
			));
			let hash = Records::<Test>::get(0).expect("submitted").content_hash;
			ContentIndex::<Test>::remove(hash, 0);
			let old = OldTrainingExample {
				proposal: 0,
				content_hash: hash,
				label: 2,
				analysis: AnalysisStatus::Analysed { label: 2 },
			};
			frame_support::storage::unhashed::put_raw(
				&TrainingSet::<Test>::hashed_key_for(0),
				&old.encode(),
			);
			StorageVersion::new(1).put::<Pallet<Test>>();

			MigrateToV2::<Test>::on_runtime_upgrade();

			let example = TrainingSet::<Test>::get(0).expect("decodes as the new type");
			assert_eq!((example.label, example.space), (2, None));
			assert_eq!(Proposals::with_content(hash), vec![0]);
			assert_eq!(Pallet::<Test>::on_chain_storage_version(), 2);
			// The example stands for proposal 0, which is not verified: take it out again so
			// that the invariants describe a chain that could exist.
			TrainingSet::<Test>::remove(0);
		});
	}
}
