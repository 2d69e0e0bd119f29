//! Storage migrations of the inference pallet.

/// Version 1: a judged task keeps the seats of the committee that judged it
/// ([`crate::TaskResult::committee`]), so that clients read who judged a task with its result,
/// and a brief keeps its key sentences as byte ranges of the body, as it keeps its figures, so
/// that a client holding the body reads them without splitting it.
pub mod v1 {
	use crate::{Config, Outcome, Pallet, Results, TaskResult};
	use codec::Decode;
	use daollm_primitives::{
		inference::{Brief, Figures, Scores, Signature},
		LabelIndex, ProposalId,
	};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_core::H256;
	use sp_runtime::Perbill;

	/// A brief as version 0 stored it: key sentences by their index among the body's sentences.
	#[derive(Decode)]
	pub struct BriefV0 {
		/// The key sentences' indices.
		pub sentences: alloc::vec::Vec<u16>,
		/// The key figures.
		pub figures: Figures,
		/// The similarity signature.
		pub signature: Signature,
	}

	/// An outcome as version 0 stored it.
	#[derive(Decode)]
	pub enum OutcomeV0 {
		/// The committee agreed.
		Consensus {
			/// The label.
			label: LabelIndex,
			/// Each class's score.
			scores: Scores,
			/// The readable share.
			readable: u16,
			/// The brief.
			brief: BriefV0,
		},
		/// No label held the threshold.
		NoConsensus,
		/// Too few seats revealed.
		Inconclusive,
	}

	impl From<OutcomeV0> for Outcome {
		/// The same outcome; a brief's key sentences are left out, since an index cannot become
		/// a byte range without the body, which the chain does not hold.
		fn from(old: OutcomeV0) -> Self {
			match old {
				OutcomeV0::Consensus { label, scores, readable, brief } => Outcome::Consensus {
					label,
					scores,
					readable,
					brief: Brief {
						sentences: Default::default(),
						figures: brief.figures,
						signature: brief.signature,
					},
				},
				OutcomeV0::NoConsensus => Outcome::NoConsensus,
				OutcomeV0::Inconclusive => Outcome::Inconclusive,
			}
		}
	}

	/// A judged task as version 0 stored it: the committee's size and seats, not its members.
	#[derive(Decode)]
	pub struct TaskResultV0<BlockNumber> {
		/// The proposal analysed.
		pub proposal: ProposalId,
		/// blake2b-256 of the body analysed.
		pub content_hash: H256,
		/// The model it ran with.
		pub model: H256,
		/// What the committee agreed on.
		pub outcome: OutcomeV0,
		/// The share of the committee's seats that revealed.
		pub participation: Perbill,
		/// How many members the committee had.
		pub committee_size: u32,
		/// The committee's seats.
		pub seats: u32,
		/// How many rounds of the proposal failed before this one.
		pub round: u32,
		/// The block it was judged in.
		pub finalized_at: BlockNumber,
	}

	/// Rewrites every stored result in the version 1 layout. The members of a committee that
	/// judged before the upgrade were never stored: such a result keeps an empty committee, and
	/// its brief keeps its figures and signature without key sentences (an index cannot become
	/// a byte range without the body). Label, scores, participation and round are kept.
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut translated = 0u64;
			Results::<T>::translate::<TaskResultV0<BlockNumberFor<T>>, _>(|_, old| {
				translated = translated.saturating_add(1);
				Some(TaskResult {
					proposal: old.proposal,
					content_hash: old.content_hash,
					model: old.model,
					outcome: old.outcome.into(),
					participation: old.participation,
					committee: BoundedVec::default(),
					round: old.round,
					finalized_at: old.finalized_at,
				})
			});
			T::DbWeight::get().reads_writes(translated, translated)
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
	use super::v1::MigrateToV1;
	use crate::{mock::*, Outcome, Pallet, Results, TaskOfProposal};
	use codec::Encode;
	use daollm_primitives::{
		inference::{Figure, FigureKind, Span, Term},
		LabelIndex,
	};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use sp_core::H256;
	use sp_runtime::Perbill;

	#[test]
	fn results_of_version_0_keep_their_outcome_with_an_empty_committee() {
		ExtBuilder::default().build_and_execute(|| {
			StorageVersion::new(0).put::<Pallet<Test>>();
			// A version 0 result, as raw bytes under its key: a consensus whose brief names
			// sentences 0 and 2 and one figure.
			let figure = Figure { span: Span { start: 4, end: 9 }, kind: FigureKind::Amount };
			let old_outcome = (
				0u8, // Consensus
				1 as LabelIndex,
				vec![2_000u16, 8_000],
				9_000u16,
				(vec![0u16, 2], vec![figure], vec![Term { hash: 5, weight: 2 }]),
			);
			let old = (
				3u32,
				H256::repeat_byte(1),
				H256::repeat_byte(2),
				old_outcome,
				Perbill::from_percent(80),
				5u32,
				7u32,
				1u32,
				42u64,
			);
			frame_support::storage::unhashed::put_raw(
				&Results::<Test>::hashed_key_for(9),
				&old.encode(),
			);
			TaskOfProposal::<Test>::insert(3, 9);

			MigrateToV1::<Test>::on_runtime_upgrade();

			let result = Results::<Test>::get(9).expect("translated");
			assert_eq!(result.proposal, 3);
			let Outcome::Consensus { label, scores, readable, brief } = result.outcome else {
				panic!("still a consensus");
			};
			assert_eq!((label, scores.into_inner(), readable), (1, vec![2_000, 8_000], 9_000));
			assert!(brief.sentences.is_empty(), "indices without the body are left out");
			assert_eq!(brief.figures.into_inner(), vec![figure]);
			assert_eq!(brief.signature.into_inner(), vec![Term { hash: 5, weight: 2 }]);
			assert_eq!(result.participation, Perbill::from_percent(80));
			assert!(result.committee.is_empty());
			assert_eq!((result.round, result.finalized_at), (1, 42));
			assert_eq!(Pallet::<Test>::on_chain_storage_version(), 1);
		});
	}
}
