//! `pallet_model_registry`: the analysis model's versions and the one tasks run.

use frame_support::{
	parameter_types,
	traits::{ConstU32, Get},
};

use crate::{
	configs::{
		governance::{ModelsOrigin, ParametersOrigin},
		proposals::LabelCount,
	},
	BlockNumber, Runtime, DAYS,
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
	type WeightInfo = pallet_model_registry::weights::SubstrateWeight<Runtime>;
}
