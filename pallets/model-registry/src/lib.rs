//! # Model Registry Pallet
//!
//! Which model analyses the DAO's proposals: every version the DAO has registered, with the
//! sha256 of its ONNX file, and the one version inference tasks run.
//!
//! ## Overview
//!
//! A **model** is a line of versions under one name ([`Models`]). Each registered
//! [`ModelVersionInfo`] names the sha256 of its ONNX file, where nodes fetch it (an IPFS CID or a
//! URL), its label names, how it reads its input and, for a version training may train, the
//! width of its trainable linear layer (the shape every trainer's update must have, read through
//! [`ModelVersions::layer_shape`]). A model has no active version until one is
//! activated, and exactly one from then on. Inference tasks run the active version of the model
//! [`Config::AnalysisModel`] names: the pallet is the runtime's [`ActiveModel`], which gives the
//! inference pallet that version's sha256, and tasks record it; a node only runs a local file
//! with that hash. The training pallet registers the candidates its rounds produce through
//! [`ModelVersions`], each with its round's [`CandidateEvaluation`] (the candidate's and its
//! base's accuracy on the round's held-back examples and on the base's reference examples) and
//! whether it **forgets** (loses on the reference set beyond the training pallet's tolerance):
//! voters read both in [`Versions`] before a referendum activates it.
//!
//! The pallet decides nothing itself: registering and activating are [`Config::RegistrarOrigin`]
//! calls, in the runtime the origin of OpenGov's `models` track, and its one parameter is set by
//! [`Config::ParametersOrigin`] (the `parameters` track). Referenda, votes, deposits and
//! enactment belong to `pallet-referenda`, `pallet-conviction-voting` and `pallet-scheduler`.
//!
//! Which referendum activated a version is on chain too. Anyone may open the referendum that
//! activates a version with [`Pallet::propose_activation`], paying its submission deposit as
//! for any referendum; the pallet opens it through [`Config::Referenda`] (in the runtime,
//! `pallet-referenda` on the `models` track) with a call that names the referendum itself,
//! [`Pallet::activate_proposed`], and remembers which version it proposes
//! ([`ActivationReferenda`]). When that call is enacted, the version is activated and the
//! referendum recorded as its [`ActivatedBy`] and named in [`Event::ModelActivated`]. A
//! referendum cannot claim another's activation: the call must name a referendum this pallet
//! opened, for that very version, and approved; each is used once. Each referendum is one entry
//! paid for by its own submission deposit, so no number of proposals for a version stops another
//! from being recorded. An activation by any other path (Root, or a referendum on
//! [`Pallet::activate_model`] submitted directly to `pallet-referenda`) records none.
//!
//! ## Terminology
//!
//! - **Version**: one ONNX file of a model, numbered 1, 2, … per model; a file hash is one
//!   version only ([`VersionOfHash`]).
//! - **Active version**: the version tasks run.
//! - **Announced activation**: an activation that waits `activation_delay` blocks before it is in
//!   force ([`PendingActivation`]), the operators' notice to install the file.
//!
//! ## Lifecycle
//!
//! ```text
//! register_model ─▶ version n (inactive) ─ activate_model ─▶ announced (from = now + delay)
//!     ─ block `from` ─▶ active (the version before stops being run)
//! ```
//!
//! ## Calls
//!
//! - [`Pallet::register_model`]: register a new version of a model. Weight: O(1).
//! - [`Pallet::activate_model`]: announce a version's activation. Weight: O(1).
//! - [`Pallet::propose_activation`]: open the referendum that activates a version. Weight:
//!   O(1) plus the referendum's submission.
//! - [`Pallet::activate_proposed`]: the activation such a referendum enacts. Weight: O(1).
//! - [`Pallet::set_parameters`]: set `activation_delay`. Weight: O(1).
//!
//! ## Hooks
//!
//! - `on_initialize`: puts the analysis model's announced activation in force when its block
//!   comes; one read when none is due.
//!
//! ## Cross-pallet contract
//!
//! - Upward: [`ActiveModel`] (the inference pallet reads the version tasks run) and
//!   [`ModelVersions`] (the training pallet reads versions and registers candidates).
//! - Origins: [`Config::RegistrarOrigin`] and [`Config::ParametersOrigin`], the runtime's
//!   governance tracks.
//! - Downward: [`Config::Referenda`] ([`OpenReferenda`]) opens the activation referenda and
//!   says which were approved.

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
use daollm_primitives::{
	training::LayerShape,
	traits::{ActiveModel, ModelVersions},
};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::traits::{Saturating, Zero};

/// The parameters as this runtime stores them.
pub type ParametersOf<T> = Parameters<BlockNumberFor<T>>;

/// A model version as this runtime stores it.
pub type ModelVersionInfoOf<T> = ModelVersionInfo<
	BlockNumberFor<T>,
	<T as Config>::MaxUriLen,
	<T as Config>::MaxLabels,
	<T as Config>::MaxLabelLen,
>;

/// A model as this runtime stores it.
pub type ModelInfoOf<T> = ModelInfo<<T as Config>::MaxNameLen>;

/// A model's name.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;

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

		/// The model whose active version inference tasks run.
		#[pallet::constant]
		type AnalysisModel: Get<ModelId>;

		// Other pallets.

		/// Opens the referenda [`Pallet::propose_activation`] asks for, dispatching a call as
		/// `RegistrarOrigin`, and says which were approved: in the runtime, `pallet-referenda`
		/// on the `models` track.
		type Referenda: OpenReferenda<Self::AccountId, Call<Self>>;

		// Origins.

		/// The origin that registers and activates model versions: in the runtime, the
		/// `models` track's.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The origin that sets the registry's parameters: in the runtime, the `parameters`
		/// track's.
		type ParametersOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		// Bounds: what storage, weights and the engine depend on.

		/// How many labels the analysis model must have (the inference pallet's label set).
		#[pallet::constant]
		type AnalysisLabels: Get<u32>;

		/// The longest `activation_delay` the parameters may ask for.
		#[pallet::constant]
		type MaxActivationDelay: Get<BlockNumberFor<Self>>;

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

		// Governable parameters.

		/// The parameters until genesis or governance sets them.
		type DefaultParameters: Get<ParametersOf<Self>>;

		// Weights.

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The registry's parameters.
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
	pub type Versions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ModelId,
		Twox64Concat,
		ModelVersion,
		ModelVersionInfoOf<T>,
	>;

	/// Activations announced and not yet in force: the version and the first block whose tasks
	/// run it.
	#[pallet::storage]
	pub type PendingActivation<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, (ModelVersion, BlockNumberFor<T>)>;

	/// The version each referendum [`Pallet::propose_activation`] opened would activate, until
	/// it does ([`Pallet::activate_proposed`]).
	#[pallet::storage]
	pub type ActivationReferenda<T: Config> =
		StorageMap<_, Twox64Concat, ReferendumIndex, (ModelId, ModelVersion)>;

	/// The referendum whose enactment activated each version, for the versions activated by one
	/// that [`Pallet::propose_activation`] opened.
	#[pallet::storage]
	pub type ActivatedBy<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ModelId, Twox64Concat, ModelVersion, ReferendumIndex>;

	/// The model version each ONNX file hash was registered as (a file is one version only).
	/// Hashed again: a candidate's hash is chosen by its aggregators.
	#[pallet::storage]
	pub type VersionOfHash<T: Config> =
		StorageMap<_, Blake2_128Concat, H256, (ModelId, ModelVersion)>;

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
		/// The width of its trainable linear layer, if training may train it.
		#[serde(default)]
		pub layer_features: Option<u32>,
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
				if let Err(e) = params.check(T::MaxActivationDelay::get()) {
					panic!("invalid model registry parameters in the genesis config: {e:?}");
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
					model.layer_features,
					None,
				)
				.and_then(|(id, version)| {
					if model.active {
						Pallet::<T>::do_activate(id, version, Zero::zero(), None)?;
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
			version: ModelVersion,
			/// sha256 of its ONNX file.
			sha256: H256,
		},
		/// A model version's activation was announced: it becomes the model's active one at
		/// `from`.
		ModelActivated {
			/// The model.
			model: ModelId,
			/// The version that becomes active.
			version: ModelVersion,
			/// sha256 of its ONNX file.
			sha256: H256,
			/// The first block whose tasks run it (`activation_delay` after the activation):
			/// the operators' notice to install the file.
			from: BlockNumberFor<T>,
			/// The referendum that enacted it, if [`Pallet::propose_activation`] opened it.
			referendum: Option<ReferendumIndex>,
		},
		/// A referendum to activate a version was opened.
		ActivationProposed {
			/// The model.
			model: ModelId,
			/// The version it would activate.
			version: ModelVersion,
			/// The referendum (in the runtime, `pallet-referenda`'s index).
			referendum: ReferendumIndex,
			/// Who opened it and paid its submission deposit.
			who: T::AccountId,
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
		/// That version is already the active one (or the one announced).
		AlreadyActive,
		/// The activation delay is longer than `MaxActivationDelay`.
		InvalidActivationDelay,
		/// Every model id is taken (ids are never reused).
		TooManyModels,
		/// The model has every version number taken.
		TooManyVersions,
		/// A trainable layer of zero features.
		EmptyLayer,
		/// The referendum was not opened by [`Pallet::propose_activation`] for this version, or
		/// has activated it already.
		NotProposed,
		/// The referendum has not been approved.
		NotApproved,
		/// The referenda did not give the new referendum the index they announced.
		UnexpectedReferendum,
	}

	impl<T> From<InvalidParameter> for Error<T> {
		fn from(e: InvalidParameter) -> Self {
			match e {
				InvalidParameter::ActivationDelay => Error::InvalidActivationDelay,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::promote_due(T::AnalysisModel::get(), now)
		}

		fn integrity_test() {
			assert!(
				T::DefaultParameters::get().check(T::MaxActivationDelay::get()).is_ok(),
				"the default registry parameters are out of bounds"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a new version of model `name` (a new name makes a new model): its ONNX
		/// file's sha256, where nodes fetch it, its label names, its input format and, for a
		/// model training rounds may train, the width of its trainable linear layer (the shape
		/// of every trainer's update: one row of `layer_features` weights per label). The
		/// version is not active until [`Pallet::activate_model`].
		///
		/// The origin must be `RegistrarOrigin`. The hash must be new; versions of the analysis
		/// model must have the inference network's label count.
		///
		/// Emits [`Event::ModelRegistered`]. Weight: O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			name: Vec<u8>,
			sha256: H256,
			uri: Vec<u8>,
			labels: Vec<Vec<u8>>,
			input: InputSpec,
			layer_features: Option<u32>,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_register(name, sha256, uri, labels, input, layer_features, None).map(|_| ())
		}

		/// Makes `version` of `model` the version tasks run, from `activation_delay` blocks on:
		/// until then tasks keep the version before, so that operators have time to install the
		/// file and nobody is slashed for lacking it. A later activation replaces one not yet in
		/// force. A candidate its round registered as forgetting ([`ModelVersionInfo::forgets`]) may
		/// be activated too: the referendum decides, with the round's evaluation in front of it.
		///
		/// The origin must be `RegistrarOrigin`.
		///
		/// Emits [`Event::ModelActivated`], which says from which block. Weight: O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::activate_model())]
		pub fn activate_model(
			origin: OriginFor<T>,
			model: ModelId,
			version: ModelVersion,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Self::do_activate(model, version, Params::<T>::get().activation_delay, None)
		}

		/// Opens a referendum that activates `version` of `model` when it is enacted: its call
		/// is [`Pallet::activate_proposed`] naming this very referendum. The caller pays its
		/// submission deposit; its decision deposit and votes are `pallet-referenda`'s and
		/// `pallet-conviction-voting`'s as for any referendum. The pallet remembers the
		/// version it proposes ([`ActivationReferenda`]).
		///
		/// The origin must be signed. The version must exist and be neither active nor
		/// announced.
		///
		/// Emits [`Event::ActivationProposed`]. Weight: O(1), plus
		/// [`OpenReferenda::submit_weight`]: the benchmark runs the runtime's submission once,
		/// at an empty scheduler agenda, so the submission's own worst case is added on top
		/// (the submission is charged twice rather than too little).
		#[pallet::call_index(3)]
		#[pallet::weight(
			T::WeightInfo::propose_activation().saturating_add(T::Referenda::submit_weight())
		)]
		pub fn propose_activation(
			origin: OriginFor<T>,
			model: ModelId,
			version: ModelVersion,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::inactive_version(model, version)?;
			let referendum = T::Referenda::next_index();
			let call = Call::<T>::activate_proposed { model, version, referendum };
			let opened = T::Referenda::submit(&who, call)?;
			ensure!(opened == referendum, Error::<T>::UnexpectedReferendum);
			ActivationReferenda::<T>::insert(referendum, (model, version));
			Self::deposit_event(Event::ActivationProposed { model, version, referendum, who });
			Ok(())
		}

		/// Activates `version` of `model` as [`Pallet::activate_model`] does, as the
		/// enactment of `referendum`, which [`Pallet::propose_activation`] opened for it:
		/// records the referendum as the version's [`ActivatedBy`].
		///
		/// The origin must be `RegistrarOrigin`; `referendum` must have been opened for this
		/// version and approved, and not have activated it already.
		///
		/// Emits [`Event::ModelActivated`] with the referendum. Weight: O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::activate_proposed())]
		pub fn activate_proposed(
			origin: OriginFor<T>,
			model: ModelId,
			version: ModelVersion,
			referendum: ReferendumIndex,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(
				ActivationReferenda::<T>::get(referendum) == Some((model, version)),
				Error::<T>::NotProposed
			);
			ensure!(T::Referenda::approved(referendum), Error::<T>::NotApproved);
			let delay = Params::<T>::get().activation_delay;
			Self::do_activate(model, version, delay, Some(referendum))?;
			ActivationReferenda::<T>::remove(referendum);
			ActivatedBy::<T>::insert(model, version, referendum);
			Ok(())
		}

		/// Sets the registry's parameters.
		///
		/// The origin must be `ParametersOrigin`; the parameters must pass
		/// [`Parameters::check`].
		///
		/// Emits [`Event::ParametersSet`]. Weight: O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: ParametersOf<T>) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			parameters.check(T::MaxActivationDelay::get()).map_err(Error::<T>::from)?;
			Params::<T>::put(&parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Registers a version (with its round's evaluation and whether it forgets, for a
	/// candidate); its model and version number.
	pub fn do_register(
		name: Vec<u8>,
		sha256: H256,
		uri: Vec<u8>,
		labels: Vec<Vec<u8>>,
		input: InputSpec,
		layer_features: Option<u32>,
		evaluated: Option<(CandidateEvaluation, bool)>,
	) -> Result<(ModelId, ModelVersion), DispatchError> {
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
		ensure!(layer_features != Some(0), Error::<T>::EmptyLayer);

		let id = match ModelIds::<T>::get(&name) {
			Some(id) => id,
			None => {
				let id = NextModelId::<T>::get();
				let next = id.checked_add(1).ok_or(Error::<T>::TooManyModels)?;
				NextModelId::<T>::put(next);
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
		info.latest = info.latest.checked_add(1).ok_or(Error::<T>::TooManyVersions)?;
		let version = info.latest;
		Models::<T>::insert(id, info);
		let registered_at = frame_system::Pallet::<T>::block_number();
		let (evaluation, forgets) = match evaluated {
			Some((evaluation, forgets)) => (Some(evaluation), forgets),
			None => (None, false),
		};
		Versions::<T>::insert(
			id,
			version,
			ModelVersionInfo {
				sha256,
				uri,
				labels,
				input,
				layer_features,
				evaluation,
				forgets,
				registered_at,
			},
		);
		VersionOfHash::<T>::insert(sha256, (id, version));
		Self::deposit_event(Event::ModelRegistered { model: id, name, version, sha256 });
		Ok((id, version))
	}

	/// Makes `version` the active version of `model` `delay` blocks from now (at once for a
	/// zero delay, as at genesis), as the enactment of `referendum` if one is named.
	pub fn do_activate(
		model: ModelId,
		version: ModelVersion,
		delay: BlockNumberFor<T>,
		referendum: Option<ReferendumIndex>,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		Self::promote_due(model, now);
		let sha256 = Self::inactive_version(model, version)?.sha256;
		let from = now.saturating_add(delay);
		if delay.is_zero() {
			Models::<T>::mutate(model, |info| {
				if let Some(info) = info {
					info.active = Some(version);
				}
			});
			PendingActivation::<T>::remove(model);
		} else {
			PendingActivation::<T>::insert(model, (version, from));
		}
		Self::deposit_event(Event::ModelActivated { model, version, sha256, from, referendum });
		Ok(())
	}

	/// The record of `version` of `model`, which must exist and be neither active nor
	/// announced.
	fn inactive_version(
		model: ModelId,
		version: ModelVersion,
	) -> Result<ModelVersionInfoOf<T>, DispatchError> {
		let info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let record = Versions::<T>::get(model, version).ok_or(Error::<T>::UnknownVersion)?;
		let pending = PendingActivation::<T>::get(model).map(|(v, _)| v);
		ensure!(
			info.active != Some(version) && pending != Some(version),
			Error::<T>::AlreadyActive
		);
		Ok(record)
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
	pub fn active_version(model: ModelId) -> Option<(ModelVersion, ModelVersionInfoOf<T>)> {
		let now = frame_system::Pallet::<T>::block_number();
		let version = match PendingActivation::<T>::get(model) {
			Some((version, from)) if from <= now => version,
			_ => Models::<T>::get(model)?.active?,
		};
		Versions::<T>::get(model, version).map(|v| (version, v))
	}

	/// Checks the pallet's invariants: announced activations name registered versions that are
	/// not active yet, every active version exists, activation referenda name registered
	/// versions, and the hash index matches the versions.
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
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
		for (model, info) in Models::<T>::iter() {
			ensure!(ModelIds::<T>::get(&info.name) == Some(model), "a model's name is not indexed");
			if let Some(active) = info.active {
				ensure!(active <= info.latest, "an active version beyond the latest");
				ensure!(Versions::<T>::contains_key(model, active), "an active version is missing");
			}
		}
		for (model, version, _) in ActivatedBy::<T>::iter() {
			ensure!(
				Versions::<T>::contains_key(model, version),
				"an activating referendum names no version"
			);
		}
		for (_, (model, version)) in ActivationReferenda::<T>::iter() {
			ensure!(
				Versions::<T>::contains_key(model, version),
				"an activation referendum names no version"
			);
		}
		for (model, version, record) in Versions::<T>::iter() {
			ensure!(
				VersionOfHash::<T>::get(record.sha256) == Some((model, version)),
				"a version's hash is not indexed"
			);
		}
		Ok(())
	}
}

/// A referendum's index (in the runtime, `pallet-referenda`'s).
pub type ReferendumIndex = u32;

/// The referenda that activate model versions, as the registry sees them: in the runtime,
/// `pallet-referenda` on the `models` track.
pub trait OpenReferenda<AccountId, Call> {
	/// The index the next referendum opened gets.
	fn next_index() -> ReferendumIndex;

	/// Opens a referendum that dispatches `call` as the registrar origin when it is enacted,
	/// `who` paying its submission deposit; its index.
	fn submit(who: &AccountId, call: Call) -> Result<ReferendumIndex, DispatchError>;

	/// Whether referendum `index` was approved.
	fn approved(index: ReferendumIndex) -> bool;

	/// The most weight [`OpenReferenda::submit`] takes.
	fn submit_weight() -> Weight;

	/// Makes `who` able to pay a submission deposit (for the benchmarks).
	#[cfg(feature = "runtime-benchmarks")]
	fn fund(who: &AccountId);

	/// Marks referendum `index` approved (for the benchmarks).
	#[cfg(feature = "runtime-benchmarks")]
	fn approve(index: ReferendumIndex);
}

/// The active version of the analysis model is what inference tasks run.
impl<T: Config> ModelVersions for Pallet<T> {
	fn version_hash(model: ModelId, version: ModelVersion) -> Option<H256> {
		Versions::<T>::get(model, version).map(|v| v.sha256)
	}

	fn add_candidate(
		model: ModelId,
		sha256: H256,
		uri: Vec<u8>,
		evaluation: CandidateEvaluation,
		forgets: bool,
	) -> Result<ModelVersion, DispatchError> {
		let info = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
		let latest = Versions::<T>::get(model, info.latest).ok_or(Error::<T>::UnknownVersion)?;
		let labels = latest.labels.into_iter().map(|l| l.into_inner()).collect();
		Self::do_register(
			info.name.into_inner(),
			sha256,
			uri,
			labels,
			latest.input,
			latest.layer_features,
			Some((evaluation, forgets)),
		)
		.map(|(_, version)| version)
	}

	fn layer_shape(model: ModelId, version: ModelVersion) -> Option<LayerShape> {
		let registered = Versions::<T>::get(model, version)?;
		Some(LayerShape {
			labels: registered.labels.len() as u32,
			features: registered.layer_features?,
		})
	}
}

impl<T: Config> ActiveModel for Pallet<T> {
	fn active_model() -> Option<H256> {
		Self::active_version(T::AnalysisModel::get()).map(|(_, v)| v.sha256)
	}
}
