//! Tests of the registry, every call and error, and the referendum lifecycle, in the mock
//! runtime.

use crate::{mock::*, *};
use daollm_primitives::traits::ActiveModel;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectFreeze, InspectHold, Mutate},
		tokens::Preservation,
	},
};
use sp_runtime::{DispatchError, Perbill, TokenError};

type GovError = crate::Error<Test>;

fn labels(n: usize) -> Vec<Vec<u8>> {
	LABELS.iter().cycle().take(n).map(|l| l.as_bytes().to_vec()).collect()
}

fn register(name: &str, hash: u8, n_labels: usize) -> DispatchResult {
	ModelGovernance::register_model(
		RuntimeOrigin::root(),
		name.as_bytes().to_vec(),
		H256::repeat_byte(hash),
		b"ipfs://bafk".to_vec(),
		labels(n_labels),
		InputSpec::NormalisedText { max_chars: 8_000 },
	)
}

fn register_call(hash: u8) -> RuntimeCall {
	RuntimeCall::ModelGovernance(crate::Call::register_model {
		name: b"proposal-classifier".to_vec(),
		sha256: H256::repeat_byte(hash),
		uri: b"ipfs://bafk2".to_vec(),
		labels: labels(5),
		input: InputSpec::NormalisedText { max_chars: 8_000 },
	})
}

fn activate_call(version: Version) -> RuntimeCall {
	RuntimeCall::ModelGovernance(crate::Call::activate_model { model: 0, version })
}

fn propose(who: AccountId, call: RuntimeCall) -> DispatchResult {
	ModelGovernance::propose(RuntimeOrigin::signed(who), Box::new(call), DEPOSIT)
}

fn vote(who: AccountId, index: ReferendumIndex, aye: bool, amount: Balance) -> DispatchResult {
	ModelGovernance::vote(RuntimeOrigin::signed(who), index, aye, amount, Conviction::Locked1x)
}

fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ModelGovernance(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ReferendumDeposit.into(), &who)
}

fn frozen(who: AccountId) -> Balance {
	Balances::balance_frozen(&FreezeReason::Vote.into(), &who)
}

/// Registers version 2 of the analysis model (hash 0x22) directly.
fn version_two() {
	assert_ok!(register("proposal-classifier", 0x22, 5));
}

#[test]
fn genesis_registers_and_activates_the_analysis_model() {
	build_and_execute(|| {
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(shipped()));
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
	build_and_execute(|| {
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
			<ModelGovernance as ActiveModel>::active_model(),
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

		assert_ok!(ModelGovernance::activate_model(RuntimeOrigin::root(), 0, 2));
		let from = System::block_number() + ACTIVATION_DELAY;
		assert_eq!(
			events().last(),
			Some(&crate::Event::ModelActivated {
				model: 0,
				version: 2,
				sha256: H256::repeat_byte(0x22),
				from,
			})
		);
		// M-8: tasks keep the old version until the announced block, so that no node is
		// slashed for lacking a file it could not have yet.
		run_to_block(from - 1);
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(shipped()));
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(1));
		run_to_block(from);
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(H256::repeat_byte(0x22)));
		assert_eq!(Models::<Test>::get(0).and_then(|m| m.active), Some(2));
		assert!(crate::PendingActivation::<Test>::get(0).is_none());
	});
}

#[test]
fn the_registry_refuses_bad_versions_and_changes_nothing() {
	build_and_execute(|| {
		assert_noop!(register("", 0x22, 5), GovError::BadName);
		assert_noop!(register(&"x".repeat(25), 0x22, 5), GovError::BadName);
		assert_noop!(register("proposal-classifier", 0x22, 0), GovError::BadLabels);
		assert_noop!(register("other", 0x22, 9), GovError::BadLabels);
		assert_noop!(register("proposal-classifier", 0x22, 4), GovError::LabelCountMismatch);
		assert_noop!(register("other", 0x11, 3), GovError::DuplicateModel);
		assert_noop!(
			ModelGovernance::register_model(
				RuntimeOrigin::root(),
				b"other".to_vec(),
				H256::repeat_byte(0x22),
				vec![b'u'; 65],
				labels(2),
				InputSpec::NormalisedText { max_chars: 1 },
			),
			GovError::UriTooLong
		);
		assert_noop!(
			ModelGovernance::register_model(
				RuntimeOrigin::root(),
				b"other".to_vec(),
				H256::repeat_byte(0x22),
				vec![],
				vec![b"ok".to_vec(), vec![]],
				InputSpec::NormalisedText { max_chars: 1 },
			),
			GovError::BadLabels
		);
		assert_noop!(
			ModelGovernance::register_model(
				RuntimeOrigin::signed(ALICE),
				b"other".to_vec(),
				H256::repeat_byte(0x22),
				vec![],
				labels(2),
				InputSpec::NormalisedText { max_chars: 1 },
			),
			DispatchError::BadOrigin
		);
		let activate =
			|model, version| ModelGovernance::activate_model(RuntimeOrigin::root(), model, version);
		assert_noop!(activate(7, 1), GovError::UnknownModel);
		assert_noop!(activate(0, 2), GovError::UnknownVersion);
		assert_noop!(activate(0, 1), GovError::AlreadyActive);
		assert_ok!(register("proposal-classifier", 0x44, 5));
		assert_ok!(activate(0, 2));
		// Announced already.
		assert_noop!(activate(0, 2), GovError::AlreadyActive);
		assert_noop!(
			ModelGovernance::activate_model(RuntimeOrigin::signed(ALICE), 0, 1),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_referendum_runs_from_submission_to_enactment() {
	build_and_execute(|| {
		version_two();
		assert_ok!(propose(ALICE, activate_call(2)));
		let ends = 1 + VOTING_PERIOD;
		assert_eq!(held(ALICE), DEPOSIT);
		assert!(matches!(
			events().last(),
			Some(crate::Event::Submitted { index: 0, proposer: ALICE, deposit: DEPOSIT, ends: e, .. })
				if *e == ends
		));
		// Issuance 4_005: 500 voted is over the 10% quorum; 400 of 500 ayes over 60%.
		assert_ok!(vote(BOB, 0, true, 400));
		assert_ok!(vote(CHARLIE, 0, false, 100));
		assert_eq!(frozen(BOB), 400);
		// Frozen balance cannot be spent, only what is free beyond it.
		assert_noop!(
			<Balances as Mutate<_>>::transfer(&BOB, &DAVE, 800, Preservation::Expendable),
			TokenError::Frozen
		);

		run_to_block(ends - 1);
		assert!(matches!(Referenda::<Test>::get(0).map(|r| r.status), Some(Status::Voting { .. })));
		run_to_block(ends);
		let enact_at = ends + ENACTMENT_DELAY;
		let tally = Tally { ayes: 400, nays: 100, turnout: 500, voters: 2 };
		assert_eq!(events().last(), Some(&crate::Event::Approved { index: 0, tally, enact_at }));
		assert_eq!(held(ALICE), 0, "the deposit is released on approval");
		assert_noop!(vote(DAVE, 0, true, 10), GovError::NotVoting);
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(shipped()), "timelock");

		run_to_block(enact_at);
		let call_hash = BlakeTwo256::hash(&activate_call(2).encode());
		assert_eq!(
			events().iter().rev().find(|e| matches!(e, crate::Event::Enacted { .. })),
			Some(&crate::Event::Enacted { index: 0, call_hash })
		);
		assert!(Referenda::<Test>::get(0).is_none());
		// The activation is announced; tasks run version 2 after the activation delay.
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(shipped()));
		run_to_block(enact_at + ACTIVATION_DELAY);
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(H256::repeat_byte(0x22)));
	});
}

#[test]
fn without_quorum_or_approval_a_referendum_is_rejected() {
	build_and_execute(|| {
		// Issuance 4_005: the quorum is 401 voted.
		assert_ok!(propose(ALICE, register_call(0x22)));
		assert_ok!(vote(BOB, 0, true, 400));
		assert_ok!(propose(ALICE, register_call(0x23)));
		assert_ok!(vote(BOB, 1, true, 300));
		assert_ok!(vote(CHARLIE, 1, false, 300));
		run_to_block(1 + VOTING_PERIOD);
		let rejected: Vec<_> = events()
			.into_iter()
			.filter_map(|e| match e {
				crate::Event::Rejected { index, reason, .. } => Some((index, reason)),
				_ => None,
			})
			.collect();
		assert_eq!(rejected, vec![(0, Rejection::QuorumNotMet), (1, Rejection::ThresholdNotMet)]);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Referenda::<Test>::count(), 0);
		run_to_block(20);
		assert_eq!(VersionOfHash::<Test>::get(H256::repeat_byte(0x22)), None, "never enacted");
	});
}

#[test]
fn a_failing_call_is_reported_and_the_chain_goes_on() {
	build_and_execute(|| {
		assert_ok!(propose(ALICE, activate_call(9)));
		assert_ok!(vote(BOB, 0, true, 500));
		run_to_block(1 + VOTING_PERIOD + ENACTMENT_DELAY);
		let call_hash = BlakeTwo256::hash(&activate_call(9).encode());
		assert_eq!(
			events().last(),
			Some(&crate::Event::Failed {
				index: 0,
				call_hash,
				error: GovError::UnknownVersion.into()
			})
		);
		assert_eq!(Referenda::<Test>::count(), 0);
	});
}

#[test]
fn enacted_calls_run_as_the_governance_origin() {
	build_and_execute(|| {
		let mut parameters = default_parameters();
		parameters.voting_period = 7;
		let call = RuntimeCall::ModelGovernance(crate::Call::set_parameters {
			parameters: parameters.clone(),
		});
		assert_ok!(propose(ALICE, call));
		assert_ok!(vote(BOB, 0, true, 500));
		run_to_block(1 + VOTING_PERIOD + ENACTMENT_DELAY);
		assert_eq!(Params::<Test>::get(), parameters);
	});
}

#[test]
fn proposals_must_be_whitelisted_small_light_and_paid_for() {
	build_and_execute(|| {
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
			dest: BOB,
			value: 1,
		});
		assert_noop!(propose(ALICE, transfer), GovError::CallNotAllowed);
		let big = RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 600] });
		assert_noop!(propose(ALICE, big), GovError::CallTooLarge);
		assert_noop!(
			ModelGovernance::propose(
				RuntimeOrigin::signed(ALICE),
				Box::new(activate_call(1)),
				DEPOSIT - 1
			),
			GovError::DepositTooLow
		);
		assert_noop!(propose(POOR, activate_call(1)), TokenError::FundsUnavailable);
		assert_noop!(
			ModelGovernance::propose(RuntimeOrigin::none(), Box::new(activate_call(1)), DEPOSIT),
			DispatchError::BadOrigin
		);
		MaxCallWeight::set(Weight::zero());
		assert_noop!(propose(ALICE, activate_call(1)), GovError::CallTooHeavy);
		MaxCallWeight::set(Weight::from_parts(u64::MAX / 4, u64::MAX / 4));
		for _ in 0..MAX_LIVE {
			assert_ok!(propose(ALICE, activate_call(1)));
		}
		assert_noop!(propose(BOB, activate_call(1)), GovError::TooManyReferenda);
	});
}

#[test]
fn votes_are_checked_replaced_and_bounded() {
	build_and_execute(|| {
		for _ in 0..MAX_LIVE {
			assert_ok!(propose(ALICE, activate_call(1)));
		}
		assert_noop!(vote(BOB, 0, true, 0), GovError::ZeroVote);
		assert_noop!(vote(BOB, 0, true, BALANCE + 1), GovError::InsufficientFunds);
		assert_noop!(vote(BOB, 9, true, 1), GovError::UnknownReferendum);
		assert_noop!(
			ModelGovernance::vote(RuntimeOrigin::none(), 0, true, 1, Conviction::None),
			DispatchError::BadOrigin
		);
		// Voting again replaces the vote.
		assert_ok!(vote(BOB, 0, true, 100));
		assert_ok!(ModelGovernance::vote(
			RuntimeOrigin::signed(BOB),
			0,
			false,
			50,
			Conviction::Locked3x
		));
		assert_eq!(
			Referenda::<Test>::get(0).map(|r| r.tally),
			Some(Tally { ayes: 0, nays: 150, turnout: 50, voters: 1 })
		);
		assert_eq!(frozen(BOB), 50);
		// The freeze is the largest vote, not the sum.
		assert_ok!(vote(BOB, 1, true, 200));
		assert_ok!(vote(BOB, 2, true, 20));
		assert_eq!(frozen(BOB), 200);
		assert_noop!(vote(BOB, 3, true, 1), GovError::TooManyVotes);
	});
}

#[test]
fn unlock_releases_votes_after_their_conviction_lock() {
	build_and_execute(|| {
		assert_ok!(propose(ALICE, activate_call(1)));
		assert_ok!(ModelGovernance::vote(
			RuntimeOrigin::signed(BOB),
			0,
			true,
			100,
			Conviction::None
		));
		assert_ok!(ModelGovernance::vote(
			RuntimeOrigin::signed(CHARLIE),
			0,
			true,
			100,
			Conviction::Locked2x
		));
		assert_noop!(
			ModelGovernance::unlock(RuntimeOrigin::signed(BOB)),
			GovError::NothingToUnlock
		);
		let ends = 1 + VOTING_PERIOD;
		run_to_block(ends);
		assert_ok!(ModelGovernance::unlock(RuntimeOrigin::signed(BOB)));
		assert_eq!(frozen(BOB), 0);
		assert_eq!(events().last(), Some(&crate::Event::Unlocked { who: BOB, frozen: 0 }));
		assert!(Votes::<Test>::get(BOB).is_empty());
		// Two locking periods past the end for 2× conviction.
		run_to_block(ends + 2 * LOCK_PERIOD - 1);
		assert_noop!(
			ModelGovernance::unlock(RuntimeOrigin::signed(CHARLIE)),
			GovError::NothingToUnlock
		);
		run_to_block(ends + 2 * LOCK_PERIOD);
		assert_ok!(ModelGovernance::unlock(RuntimeOrigin::signed(CHARLIE)));
		assert_eq!(frozen(CHARLIE), 0);
	});
}

#[test]
fn only_the_proposer_cancels_and_only_before_votes() {
	build_and_execute(|| {
		assert_ok!(propose(ALICE, activate_call(1)));
		assert_ok!(propose(ALICE, activate_call(1)));
		let cancel = |who, index| ModelGovernance::cancel(RuntimeOrigin::signed(who), index);
		assert_noop!(cancel(BOB, 0), GovError::NotProposer);
		assert_noop!(cancel(ALICE, 7), GovError::UnknownReferendum);
		assert_ok!(vote(BOB, 1, true, 1));
		assert_noop!(cancel(ALICE, 1), GovError::HasVotes);
		assert_ok!(cancel(ALICE, 0));
		assert_eq!(events().last(), Some(&crate::Event::Cancelled { index: 0 }));
		assert_eq!(held(ALICE), DEPOSIT, "the other referendum's deposit stays");
		assert!(Deadlines::<Test>::get(1 + VOTING_PERIOD).iter().all(|i| *i != 0));
	});
}

#[test]
fn a_veto_stops_a_referendum_and_slashes_a_voting_deposit() {
	build_and_execute(|| {
		version_two();
		assert_ok!(propose(ALICE, activate_call(2)));
		assert_ok!(propose(BOB, activate_call(2)));
		assert_ok!(vote(CHARLIE, 1, true, 500));
		assert_noop!(
			ModelGovernance::veto(RuntimeOrigin::signed(ALICE), 0),
			DispatchError::BadOrigin
		);
		assert_ok!(ModelGovernance::veto(RuntimeOrigin::root(), 0));
		assert_eq!(events().last(), Some(&crate::Event::Vetoed { index: 0, slashed: DEPOSIT }));
		assert_eq!((held(ALICE), Slashed::get()), (0, DEPOSIT));
		assert_eq!(Balances::balance(&ALICE), BALANCE - DEPOSIT);
		// Vetoed after approval, during the timelock: never enacted.
		run_to_block(1 + VOTING_PERIOD);
		assert!(matches!(
			Referenda::<Test>::get(1).map(|r| r.status),
			Some(Status::Approved { .. })
		));
		assert_ok!(ModelGovernance::veto(RuntimeOrigin::root(), 1));
		run_to_block(20);
		assert_eq!(<ModelGovernance as ActiveModel>::active_model(), Some(shipped()));
		assert!(!events().iter().any(|e| matches!(e, crate::Event::Enacted { .. })));
		assert_noop!(ModelGovernance::veto(RuntimeOrigin::root(), 1), GovError::UnknownReferendum);
	});
}

#[test]
fn enactments_beyond_a_blocks_capacity_move_to_the_next_block() {
	build_and_execute(|| {
		for hash in [0x22, 0x23, 0x24] {
			assert_ok!(propose(ALICE, register_call(hash)));
		}
		for index in 0..3 {
			assert_ok!(vote(BOB, index, true, 500));
		}
		let enact_at = 1 + VOTING_PERIOD + ENACTMENT_DELAY;
		run_to_block(1 + VOTING_PERIOD);
		assert_eq!(Enactments::<Test>::get(enact_at).into_inner(), vec![0, 1]);
		assert_eq!(Enactments::<Test>::get(enact_at + 1).into_inner(), vec![2]);
		run_to_block(enact_at);
		assert_eq!(Models::<Test>::get(0).map(|m| m.latest), Some(3));
		run_to_block(enact_at + 1);
		assert_eq!(Models::<Test>::get(0).map(|m| m.latest), Some(4));
	});
}

#[test]
fn governance_sets_its_parameters_within_bounds() {
	build_and_execute(|| {
		let set = |p: ParametersOf<Test>| ModelGovernance::set_parameters(RuntimeOrigin::root(), p);
		let ok = default_parameters();
		assert_noop!(
			set(Parameters { voting_period: 0, ..ok.clone() }),
			GovError::InvalidVotingPeriod
		);
		assert_noop!(
			set(Parameters { enactment_delay: 0, ..ok.clone() }),
			GovError::InvalidEnactmentDelay
		);
		assert_noop!(
			set(Parameters { approval: Perbill::from_percent(50), ..ok.clone() }),
			GovError::InvalidApproval
		);
		assert_noop!(set(Parameters { min_deposit: 0, ..ok.clone() }), GovError::InvalidMinDeposit);
		assert_noop!(
			ModelGovernance::set_parameters(RuntimeOrigin::signed(ALICE), ok.clone()),
			DispatchError::BadOrigin
		);
		let longer = Parameters { voting_period: 50, ..ok };
		assert_ok!(set(longer.clone()));
		assert_eq!(events().last(), Some(&crate::Event::ParametersSet { parameters: longer }));
	});
}

#[test]
fn a_call_that_no_longer_decodes_fails_at_enactment() {
	build_and_execute(|| {
		assert_ok!(propose(ALICE, activate_call(1)));
		assert_ok!(vote(BOB, 0, true, 500));
		// As if a runtime upgrade had removed the call: the stored bytes no longer decode.
		let garbage = vec![0xff, 0xff, 0xff];
		Referenda::<Test>::mutate(0, |r| {
			let r = r.as_mut().unwrap();
			r.call = garbage.clone().try_into().unwrap();
			r.call_hash = BlakeTwo256::hash(&garbage);
		});
		run_to_block(1 + VOTING_PERIOD + ENACTMENT_DELAY);
		assert_eq!(
			events().last(),
			Some(&crate::Event::Failed {
				index: 0,
				call_hash: BlakeTwo256::hash(&garbage),
				error: GovError::CallUndecodable.into()
			})
		);
	});
}

#[test]
fn an_approved_referendum_can_no_longer_be_cancelled() {
	build_and_execute(|| {
		assert_ok!(propose(ALICE, activate_call(1)));
		assert_ok!(vote(BOB, 0, true, 500));
		run_to_block(1 + VOTING_PERIOD);
		assert_noop!(ModelGovernance::cancel(RuntimeOrigin::signed(ALICE), 0), GovError::NotVoting);
	});
}
