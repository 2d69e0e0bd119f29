//! Tests of the registry, every call and error, in the mock runtime.

use crate::{mock::*, *};
use daollm_primitives::{
	training::LayerShape,
	traits::{ActiveModel, ModelVersions},
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

type RegistryError = crate::Error<Test>;

fn labels(n: usize) -> Vec<Vec<u8>> {
	LABELS.iter().cycle().take(n).map(|l| l.as_bytes().to_vec()).collect()
}

fn register(name: &str, hash: u8, n_labels: usize) -> DispatchResult {
	ModelRegistry::register_model(
		RuntimeOrigin::root(),
		name.as_bytes().to_vec(),
		H256::repeat_byte(hash),
		b"ipfs://bafk".to_vec(),
		labels(n_labels),
		InputSpec::NormalisedText { max_chars: 8_000 },
		Some(100),
	)
}

fn events() -> Vec<crate::Event<Test>> {
	System::read_events_for_pallet()
}

/// The announcement of version 2's activation in this block, enacted by `referendum`.
fn version_two_announced(referendum: Option<u32>) -> crate::Event<Test> {
	crate::Event::ModelActivated {
		model: 0,
		version: 2,
		sha256: H256::repeat_byte(0x22),
		from: System::block_number() + ACTIVATION_DELAY,
		referendum,
	}
}

/// Registers version 2 of the analysis model (hash 0x22) directly.
fn version_two() {
	assert_ok!(register("proposal-classifier", 0x22, 5));
}

#[test]
fn genesis_registers_and_activates_the_analysis_model() {
	ExtBuilder.build_and_execute(|| {
		assert_eq!(<ModelRegistry as ActiveModel>::active_model(), Some(shipped()));
		let info = Models::<Test>::get(0).unwrap();
		assert_eq!((info.latest, info.active), (1, Some(1)));
		assert_eq!(VersionOfHash::<Test>::get(shipped()), Some((0, 1)));
		let v1 = Versions::<Test>::get(0, 1).unwrap();
		assert_eq!(v1.labels.len(), 5);
		assert_eq!(v1.input, InputSpec::NormalisedText { max_chars: 8_000 });
	});
}

#[test]
fn registering_numbers_versions_per_model_and_activation_switches_the_analysis_model() {
	ExtBuilder.build_and_execute(|| {
		version_two();
		assert_eq!(
			events().last(),
			Some(&crate::Event::ModelRegistered {
				model: 0,
				name: b"proposal-classifier".to_vec().try_into().unwrap(),
				version: 2,
				sha256: H256::repeat_byte(0x22),
			})
		);
		assert_eq!(
			<ModelRegistry as ActiveModel>::active_model(),
			Some(shipped()),
			"registering does not activate"
		);
		// Another model: its own id and numbering, any label count.
		assert_ok!(register("summariser", 0x33, 2));
		assert_eq!(
			ModelIds::<Test>::get(NameOf::<Test>::try_from(b"summariser".to_vec()).unwrap()),
			Some(1)
		);
		assert_eq!(Models::<Test>::get(1).map(|m| (m.latest, m.active)), Some((1, None)));

		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 2));
		let from = System::block_number() + ACTIVATION_DELAY;
		assert_eq!(events().last(), Some(&version_two_announced(None)));
		// Tasks keep the old version until the announced block, so that no node is
		// slashed for lacking a file it could not have yet.
		run_to_block(from - 1);
		assert_eq!(<ModelRegistry as ActiveModel>::active_model(), Some(shipped()));
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(1));
		run_to_block(from);
		assert_eq!(<ModelRegistry as ActiveModel>::active_model(), Some(H256::repeat_byte(0x22)));
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(2));
		assert!(crate::PendingActivation::<Test>::get(0).is_none());
	});
}

#[test]
fn the_registry_refuses_bad_versions_and_changes_nothing() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(register("", 0x22, 5), RegistryError::BadName);
		assert_noop!(register(&"x".repeat(25), 0x22, 5), RegistryError::BadName);
		assert_noop!(register("proposal-classifier", 0x22, 0), RegistryError::BadLabels);
		assert_noop!(register("other", 0x22, 9), RegistryError::BadLabels);
		assert_noop!(register("proposal-classifier", 0x22, 4), RegistryError::LabelCountMismatch);
		assert_noop!(register("other", 0x11, 3), RegistryError::DuplicateModel);
		// Model "other" at a new hash (0x22), from `origin`, with these fields.
		let other = |origin, uri: Vec<u8>, labels: Vec<Vec<u8>>, layer_features| {
			ModelRegistry::register_model(
				origin,
				b"other".to_vec(),
				H256::repeat_byte(0x22),
				uri,
				labels,
				InputSpec::NormalisedText { max_chars: 1 },
				layer_features,
			)
		};
		let root = RuntimeOrigin::root;
		assert_noop!(other(root(), vec![b'u'; 65], labels(2), None), RegistryError::UriTooLong);
		assert_noop!(
			other(root(), vec![], vec![b"ok".to_vec(), vec![]], None),
			RegistryError::BadLabels
		);
		assert_noop!(
			other(RuntimeOrigin::signed(ALICE), vec![], labels(2), None),
			DispatchError::BadOrigin
		);
		assert_noop!(other(root(), vec![], labels(2), Some(0)), RegistryError::EmptyLayer);
		let activate =
			|model, version| ModelRegistry::activate_model(RuntimeOrigin::root(), model, version);
		assert_noop!(activate(7, 1), RegistryError::UnknownModel);
		assert_noop!(activate(0, 2), RegistryError::UnknownVersion);
		assert_noop!(activate(0, 1), RegistryError::AlreadyActive);
		assert_ok!(register("proposal-classifier", 0x44, 5));
		assert_ok!(activate(0, 2));
		// Announced already.
		assert_noop!(activate(0, 2), RegistryError::AlreadyActive);
		assert_noop!(
			ModelRegistry::activate_model(RuntimeOrigin::signed(ALICE), 0, 1),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_parameters_origin_sets_the_activation_delay_within_bounds() {
	ExtBuilder.build_and_execute(|| {
		let set = |origin, delay| {
			ModelRegistry::set_parameters(origin, Parameters { activation_delay: delay })
		};
		assert_noop!(set(RuntimeOrigin::root(), 1), DispatchError::BadOrigin);
		assert_noop!(
			set(RuntimeOrigin::signed(PARAMETERS_ADMIN), MAX_ACTIVATION_DELAY + 1),
			RegistryError::InvalidActivationDelay
		);
		assert_ok!(set(RuntimeOrigin::signed(PARAMETERS_ADMIN), 0));
		assert_eq!(
			events().last(),
			Some(&crate::Event::ParametersSet { parameters: Parameters { activation_delay: 0 } })
		);
		// A zero delay activates at once.
		version_two();
		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 2));
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(2));
		assert!(PendingActivation::<Test>::get(0).is_none());
	});
}

#[test]
fn only_the_registrar_registers_and_activates() {
	ExtBuilder.build_and_execute(|| {
		let name = b"proposal-classifier".to_vec();
		assert_noop!(
			ModelRegistry::register_model(
				RuntimeOrigin::signed(PARAMETERS_ADMIN),
				name,
				H256::repeat_byte(0x22),
				vec![],
				labels(5),
				InputSpec::NormalisedText { max_chars: 1 },
				None,
			),
			DispatchError::BadOrigin
		);
		version_two();
		assert_noop!(
			ModelRegistry::activate_model(RuntimeOrigin::signed(PARAMETERS_ADMIN), 0, 2),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_later_activation_replaces_one_not_yet_in_force() {
	ExtBuilder.build_and_execute(|| {
		version_two();
		assert_ok!(register("proposal-classifier", 0x33, 5));
		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 2));
		run_to_block(2);
		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 3));
		let from = 2 + ACTIVATION_DELAY;
		assert_eq!(PendingActivation::<Test>::get(0), Some((3, from)));
		run_to_block(from);
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(3));
		assert_eq!(<ModelRegistry as ActiveModel>::active_model(), Some(H256::repeat_byte(0x33)));
	});
}

/// Ids are never reused: at the last id a new model is refused and nothing changes.
#[test]
fn model_ids_and_versions_are_never_reused() {
	ExtBuilder.build_and_execute(|| {
		NextModelId::<Test>::put(ModelId::MAX);
		assert_noop!(register("summariser", 0x33, 2), RegistryError::TooManyModels);
		Models::<Test>::mutate(0, |m| m.as_mut().unwrap().latest = ModelVersion::MAX);
		assert_noop!(register("proposal-classifier", 0x22, 5), RegistryError::TooManyVersions);
		Models::<Test>::mutate(0, |m| m.as_mut().unwrap().latest = 1);
	});
}

/// Training needs the shape of the layer it trains, and
/// the registry is where it reads it. A candidate a round registers keeps its base's shape.
#[test]
fn a_versions_trainable_layer_is_registered_and_inherited_by_candidates() {
	ExtBuilder.build_and_execute(|| {
		let shape = LayerShape { labels: 5, features: 100 };
		assert_eq!(ModelRegistry::layer_shape(0, 1), Some(shape));
		let evaluation = CandidateEvaluation {
			validation: Score { examples: 5, base: 1, candidate: 4 },
			reference: Score { examples: 200, base: 180, candidate: 150 },
		};
		let candidate = ModelRegistry::add_candidate(
			0,
			H256::repeat_byte(0x55),
			b"round".to_vec(),
			evaluation,
			true,
		)
		.expect("registers");
		assert_eq!(ModelRegistry::layer_shape(0, candidate), Some(shape));
		// What its round measured is recorded for voters, with the warning.
		let registered = Versions::<Test>::get(0, candidate).expect("registered");
		assert_eq!((registered.evaluation, registered.forgets), (Some(evaluation), true));
		let by_hand = Versions::<Test>::get(0, 1).expect("genesis");
		assert_eq!((by_hand.evaluation, by_hand.forgets), (None, false));
		assert_ok!(ModelRegistry::register_model(
			RuntimeOrigin::root(),
			b"untrainable".to_vec(),
			H256::repeat_byte(0x66),
			vec![],
			labels(2),
			InputSpec::NormalisedText { max_chars: 1 },
			None,
		));
		assert_eq!(ModelRegistry::layer_shape(1, 1), None);
		assert_eq!(ModelRegistry::layer_shape(0, 99), None);
	});
}

/// Issue 19: the app shows the referendum that activated a version. A referendum the registry
/// opened is recorded when it enacts the activation; many proposals for one version stop none.
#[test]
fn the_referendum_that_enacts_an_activation_is_recorded() {
	ExtBuilder.build_and_execute(|| {
		version_two();
		// Proposals are one entry each, paid for by their own deposits: ten of them (the first
		// nine by a griefer) leave the tenth as good as the first.
		for _ in 0..10 {
			assert_ok!(ModelRegistry::propose_activation(RuntimeOrigin::signed(ALICE), 0, 2));
		}
		assert_eq!(
			events().last(),
			Some(&crate::Event::ActivationProposed {
				model: 0,
				version: 2,
				referendum: 9,
				who: ALICE
			})
		);
		assert_eq!(ActivationReferenda::<Test>::get(9), Some((0, 2)));
		// The referendum's call names the referendum itself.
		assert_eq!(
			call_of(9),
			crate::Call::activate_proposed { model: 0, version: 2, referendum: 9 }
		);

		// Referendum 0 fails; 9 passes and is enacted.
		decide(0, Outcome::Rejected);
		decide(9, Outcome::Approved);
		assert_ok!(enact(9));
		let from = System::block_number() + ACTIVATION_DELAY;
		assert_eq!(events().last(), Some(&version_two_announced(Some(9))));
		assert_eq!(ActivatedBy::<Test>::get(0, 2), Some(9));
		assert_eq!(ActivationReferenda::<Test>::get(9), None, "used once");
		run_to_block(from);
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(2));
	});
}

#[test]
fn no_referendum_claims_an_activation_it_was_not_opened_and_approved_for() {
	ExtBuilder.build_and_execute(|| {
		version_two();
		assert_ok!(register("proposal-classifier", 0x33, 5));
		assert_ok!(ModelRegistry::propose_activation(RuntimeOrigin::signed(ALICE), 0, 2));
		let activate = |version, referendum| {
			ModelRegistry::activate_proposed(RuntimeOrigin::root(), 0, version, referendum)
		};
		// Not approved yet; opened for version 2, not 3; never opened.
		assert_noop!(activate(2, 0), RegistryError::NotApproved);
		decide(0, Outcome::Approved);
		assert_noop!(activate(3, 0), RegistryError::NotProposed);
		assert_noop!(activate(2, 7), RegistryError::NotProposed);
		assert_noop!(
			ModelRegistry::activate_proposed(RuntimeOrigin::signed(ALICE), 0, 2, 0),
			DispatchError::BadOrigin
		);
		// Root activates version 2 itself: that records no referendum, and the approved
		// referendum cannot record itself for an activation it did not enact.
		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 2));
		assert!(matches!(
			events().last(),
			Some(crate::Event::ModelActivated { referendum: None, .. })
		));
		assert_noop!(enact(0), RegistryError::AlreadyActive);
		assert_eq!(ActivatedBy::<Test>::get(0, 2), None);
	});
}

#[test]
fn proposing_an_activation_refuses_bad_versions_and_changes_nothing() {
	ExtBuilder.build_and_execute(|| {
		version_two();
		let propose = |who, model, version| {
			ModelRegistry::propose_activation(RuntimeOrigin::signed(who), model, version)
		};
		assert_noop!(
			ModelRegistry::propose_activation(RuntimeOrigin::root(), 0, 2),
			DispatchError::BadOrigin
		);
		assert_noop!(propose(ALICE, 7, 1), RegistryError::UnknownModel);
		assert_noop!(propose(ALICE, 0, 9), RegistryError::UnknownVersion);
		assert_noop!(propose(ALICE, 0, 1), RegistryError::AlreadyActive);
		assert_noop!(
			propose(PENNILESS, 0, 2),
			DispatchError::Other("cannot pay the submission deposit")
		);
		// An announced version cannot be proposed again.
		assert_ok!(ModelRegistry::activate_model(RuntimeOrigin::root(), 0, 2));
		assert_noop!(propose(ALICE, 0, 2), RegistryError::AlreadyActive);
	});
}
