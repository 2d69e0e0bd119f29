//! How the proposals pallet files proposals under spaces ([`ProposalSpaces`]).

use super::*;
use daollm_primitives::traits::SpaceActivity;

impl<T: Config> ProposalSpaces for Pallet<T> {
	fn file(space: SpaceId, proposal: ProposalId) -> Result<(), DispatchError> {
		Spaces::<T>::try_mutate(space, |record| -> DispatchResult {
			let record = record.as_mut().ok_or(Error::<T>::UnknownSpace)?;
			record.stats.filed.saturating_inc();
			record.stats.listed.saturating_inc();
			Ok(())
		})?;
		Listings::<T>::insert(space, listing_key(proposal), proposal);
		Ok(())
	}

	fn unfile(space: SpaceId, proposal: ProposalId) {
		if Listings::<T>::take(space, listing_key(proposal)).is_some() {
			Spaces::<T>::mutate(space, |record| {
				if let Some(record) = record {
					record.stats.listed.saturating_dec();
				}
			});
		}
	}

	fn note(space: SpaceId, activity: SpaceActivity) {
		Spaces::<T>::mutate(space, |record| {
			let Some(record) = record else { return };
			let stats = &mut record.stats;
			match activity {
				SpaceActivity::Analysed => stats.analysed.saturating_inc(),
				SpaceActivity::Annotated => stats.annotated.saturating_inc(),
				SpaceActivity::Verified => stats.verified.saturating_inc(),
				SpaceActivity::Compared { matched } => {
					stats.compared.saturating_inc();
					if matched {
						stats.matched.saturating_inc();
					}
				},
			}
		});
	}
}
