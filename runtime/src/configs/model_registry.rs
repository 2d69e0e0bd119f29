//! `pallet_model_registry`: the analysis model's versions and the one tasks run.

use frame_support::{
	parameter_types,
	traits::{schedule::DispatchTime, ConstU32, Get, StorePreimage},
	weights::Weight,
};
use pallet_referenda::{ReferendumInfo, WeightInfo as _};
use sp_runtime::DispatchError;

use crate::{
	configs::{
		governance::{origins, ModelsOrigin, ParametersOrigin},
		proposals::LabelCount,
	},
	AccountId, BlockNumber, OriginCaller, Preimage, Referenda, Runtime, RuntimeCall, RuntimeOrigin,
	DAYS,
};

/// The model whose active version analyses proposals: the first model registered at genesis,
/// `proposal-classifier`.
pub const ANALYSIS_MODEL: pallet_model_registry::ModelId = 0;

parameter_types! {
	/// A day's notice before tasks run a newly activated model: time for every operator to
	/// fetch and install the file.
	pub DefaultRegistryParameters: pallet_model_registry::Parameters<BlockNumber> =
		pallet_model_registry::Parameters { activation_delay: DAYS };
	pub const AnalysisModel: pallet_model_registry::ModelId = ANALYSIS_MODEL;
}

/// The analysis model's versions have the label set annotations and results share.
pub struct AnalysisLabels;
impl Get<u32> for AnalysisLabels {
	fn get() -> u32 {
		u32::from(<LabelCount as Get<u8>>::get())
	}
}

/// The registry's activation referenda are `pallet-referenda`'s on the `models` track: the
/// proposer holds the usual submission deposit, and the activation is enacted after the
/// track's minimum enactment period once the referendum is approved.
pub struct ModelsReferenda;
impl pallet_model_registry::OpenReferenda<AccountId, pallet_model_registry::Call<Runtime>>
	for ModelsReferenda
{
	fn next_index() -> pallet_model_registry::ReferendumIndex {
		pallet_referenda::ReferendumCount::<Runtime>::get()
	}

	fn submit(
		who: &AccountId,
		call: pallet_model_registry::Call<Runtime>,
	) -> Result<pallet_model_registry::ReferendumIndex, DispatchError> {
		let index = Self::next_index();
		let proposal = <Preimage as StorePreimage>::bound(RuntimeCall::from(call))?;
		Referenda::submit(
			RuntimeOrigin::signed(who.clone()),
			alloc::boxed::Box::new(OriginCaller::Origins(origins::Origin::ModelRegistrar)),
			proposal,
			DispatchTime::After(0),
		)?;
		Ok(index)
	}

	fn approved(index: pallet_model_registry::ReferendumIndex) -> bool {
		matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Approved(..))
		)
	}

	fn submit_weight() -> Weight {
		<Runtime as pallet_referenda::Config>::WeightInfo::submit()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn fund(who: &AccountId) {
		use frame_support::traits::fungible::Mutate;
		let _ = crate::Balances::set_balance(who, 1_000 * crate::UNIT);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn approve(index: pallet_model_registry::ReferendumIndex) {
		pallet_referenda::ReferendumInfoFor::<Runtime>::insert(
			index,
			ReferendumInfo::Approved(crate::System::block_number(), None, None),
		);
	}
}

impl pallet_model_registry::Config for Runtime {
	/// The `models` track.
	type RegistrarOrigin = ModelsOrigin;
	/// The `parameters` track.
	type ParametersOrigin = ParametersOrigin;
	type AnalysisModel = AnalysisModel;
	type AnalysisLabels = AnalysisLabels;
	/// A month: an activation must come into force while the DAO still remembers voting for it.
	type MaxActivationDelay = ConstU32<{ 28 * DAYS }>;
	type MaxNameLen = ConstU32<64>;
	type MaxUriLen = ConstU32<256>;
	type MaxLabels = ConstU32<{ daollm_primitives::MAX_LABELS }>;
	type MaxLabelLen = ConstU32<64>;
	type DefaultParameters = DefaultRegistryParameters;
	type Referenda = ModelsReferenda;
	type WeightInfo = pallet_model_registry::weights::SubstrateWeight<Runtime>;
}
