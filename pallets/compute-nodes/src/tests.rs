//! Unit tests of every call and error path, and of how reported outcomes move reputation and
//! stake: the offence window, exclusion, and re-registration that resets nothing.

use crate::{mock::*, *};
use codec::Encode;
use daollm_primitives::{traits::ComputeNodes as _, Seat};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{DispatchError, Perbill};

fn events() -> Vec<Event<Test>> {
	System::read_events_for_pallet()
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::NodeStake.into(), &who)
}

/// `register_node` with the key's proof of possession for the origin's account.
fn register_node(
	origin: RuntimeOrigin,
	stake: Balance,
	key: sp_runtime::testing::UintAuthorityId,
) -> sp_runtime::DispatchResult {
	let who = frame_system::ensure_signed(origin.clone()).unwrap_or_default();
	let proof = proof_of(who, &key);
	ComputeNodes::register_node(origin, stake, key, proof)
}

/// Reports `outcome` for `node` in task `task`.
fn report(node: AccountId, task: u32, outcome: MemberOutcome) {
	ComputeNodes::record(&node, Work::Task(task), outcome);
}

mod registration {
	use super::*;

	#[test]
	fn a_node_registers_with_stake_and_key() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(register_node(RuntimeOrigin::signed(ALICE), 2_000, key_of(ALICE)));
			assert_eq!(held(ALICE), 2_000);
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.stake, 2_000);
			assert_eq!(node.status, NodeStatus::Active);
			assert_eq!(node.reputation, Perbill::from_percent(50));
			assert_eq!(KeyOwner::<Test>::get(signer_of(ALICE)), Some(ALICE));
			assert_eq!(Candidates::<Test>::get().into_inner(), vec![(ALICE, 1_000)]);
			assert_eq!(
				events(),
				vec![Event::NodeRegistered { node: ALICE, key: key_of(ALICE), stake: 2_000 }]
			);
		});
	}

	#[test]
	fn registration_errors_change_nothing() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let origin = |who| RuntimeOrigin::signed(who);
			assert_noop!(
				register_node(origin(EVE), MIN_STAKE - 1, key_of(EVE)),
				Error::<Test>::StakeTooLow
			);
			assert_noop!(
				register_node(origin(POOR), MIN_STAKE, key_of(POOR)),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(
				register_node(origin(ALICE), MIN_STAKE, key_of(EVE)),
				Error::<Test>::AlreadyRegistered
			);
			assert_noop!(
				register_node(origin(EVE), MIN_STAKE, key_of(ALICE)),
				Error::<Test>::KeyInUse
			);
			assert_noop!(
				register_node(RuntimeOrigin::none(), MIN_STAKE, key_of(EVE)),
				DispatchError::BadOrigin
			);
		});
	}

	/// Binding a key needs the key's proof of possession for this operator and this
	/// chain. An attacker who saw a victim's key (and even the victim's proof) cannot squat it,
	/// so the victim's worker never serves the attacker's node.
	#[test]
	fn nobody_binds_a_key_they_do_not_hold() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let victims_key = key_of(EVE);
			let victims_proof = proof_of(EVE, &victims_key);
			// The victim's own proof names the victim, not the attacker.
			assert_noop!(
				ComputeNodes::register_node(
					RuntimeOrigin::signed(FERDIE),
					MIN_STAKE,
					victims_key.clone(),
					victims_proof.clone()
				),
				Error::<Test>::InvalidProof
			);
			// A statement for the attacker signed by the attacker's own key is no proof either.
			assert_noop!(
				ComputeNodes::register_node(
					RuntimeOrigin::signed(FERDIE),
					MIN_STAKE,
					victims_key.clone(),
					proof_of(FERDIE, &key_of(FERDIE))
				),
				Error::<Test>::InvalidProof
			);
			// A proof made on another chain (another genesis hash) is refused too.
			let elsewhere = (EVE, H256::repeat_byte(7)).encode();
			assert_noop!(
				ComputeNodes::register_node(
					RuntimeOrigin::signed(EVE),
					MIN_STAKE,
					victims_key.clone(),
					sp_runtime::testing::TestSignature(victims_key.0, elsewhere)
				),
				Error::<Test>::InvalidProof
			);
			assert_ok!(ComputeNodes::register_node(
				RuntimeOrigin::signed(EVE),
				MIN_STAKE,
				victims_key,
				victims_proof
			));
			assert_eq!(KeyOwner::<Test>::get(signer_of(EVE)), Some(EVE));
		});
	}

	#[test]
	fn registrations_stop_at_max_nodes() {
		let nodes = (10..10 + MAX_NODES as u64).map(|who| (who, MIN_STAKE)).collect::<Vec<_>>();
		let mut ext = ExtBuilder::default().nodes(vec![]).build();
		ext.execute_with(|| {
			for (who, stake) in &nodes {
				let _ = <Balances as frame_support::traits::fungible::Mutate<_>>::mint_into(
					who,
					INITIAL_BALANCE,
				);
				assert_ok!(register_node(RuntimeOrigin::signed(*who), *stake, key_of(*who)));
			}
			assert_noop!(
				register_node(RuntimeOrigin::signed(EVE), MIN_STAKE, key_of(EVE)),
				Error::<Test>::TooManyNodes
			);
			ComputeNodes::do_try_state().unwrap();
		});
	}

	#[test]
	fn stake_is_added() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			assert_ok!(ComputeNodes::add_stake(RuntimeOrigin::signed(ALICE), 500));
			assert_eq!(held(ALICE), MIN_STAKE + 500);
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stake, MIN_STAKE + 500);
			assert_noop!(
				ComputeNodes::add_stake(RuntimeOrigin::signed(ALICE), 0),
				Error::<Test>::ZeroAmount
			);
			assert_noop!(
				ComputeNodes::add_stake(RuntimeOrigin::signed(EVE), 500),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				ComputeNodes::add_stake(RuntimeOrigin::signed(ALICE), INITIAL_BALANCE),
				Error::<Test>::InsufficientBalance
			);
		});
	}

	#[test]
	fn unbonding_keeps_stake_held_until_the_period_ends() {
		ExtBuilder::default().nodes(vec![(ALICE, 3_000)]).build_and_execute(|| {
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), 1_000));
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.stake, 2_000);
			assert_eq!(
				node.unbonding.to_vec(),
				vec![UnbondingChunk { amount: 1_000, unlocks_at: 21 }]
			);
			assert_eq!(held(ALICE), 3_000, "unbonding stake stays held");
			assert_noop!(
				ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
				Error::<Test>::NothingToWithdraw
			);
			run_to_block(21);
			assert_ok!(ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert_eq!(held(ALICE), 2_000);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - 2_000);
			assert!(events().contains(&Event::Withdrawn { node: ALICE, amount: 1_000 }));
		});
	}

	#[test]
	fn unbonding_everything_leaves_and_withdrawing_it_removes_the_node() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), MIN_STAKE));
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().status, NodeStatus::Leaving);
			assert!(!Candidates::<Test>::get().iter().any(|(who, _)| *who == ALICE));
			run_to_block(21);
			assert_ok!(ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(Nodes::<Test>::get(ALICE).is_none());
			assert!(KeyOwner::<Test>::get(signer_of(ALICE)).is_none());
			assert_eq!(held(ALICE), 0);
			assert!(events().contains(&Event::NodeRemoved { node: ALICE }));
			// The key is free for someone else now.
			assert_ok!(register_node(RuntimeOrigin::signed(EVE), MIN_STAKE, key_of(ALICE)));
		});
	}

	#[test]
	fn unbonding_errors_change_nothing() {
		ExtBuilder::default().nodes(vec![(ALICE, 2_000)]).build_and_execute(|| {
			let alice = || RuntimeOrigin::signed(ALICE);
			assert_noop!(ComputeNodes::unbond(alice(), 0), Error::<Test>::ZeroAmount);
			assert_noop!(ComputeNodes::unbond(alice(), 2_001), Error::<Test>::NotEnoughStake);
			assert_noop!(ComputeNodes::unbond(alice(), 1_500), Error::<Test>::StakeTooLow);
			assert_noop!(
				ComputeNodes::unbond(RuntimeOrigin::signed(EVE), 1),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(EVE)),
				Error::<Test>::NotRegistered
			);
			for _ in 0..3 {
				assert_ok!(ComputeNodes::unbond(alice(), 100));
			}
			assert_noop!(ComputeNodes::unbond(alice(), 100), Error::<Test>::TooManyUnbondingChunks);
		});
	}
}

mod outcomes {
	use super::*;

	#[test]
	fn agreement_raises_reputation_and_records_history() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			report(ALICE, 7, MemberOutcome::Agreed);
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.reputation, Perbill::from_percent(60));
			assert_eq!((node.stats.tasks, node.stats.agreed), (1, 1));
			assert_eq!(
				History::<Test>::get(ALICE).into_inner(),
				vec![HistoryEntry { work: Work::Task(7), outcome: MemberOutcome::Agreed, at: 1 }]
			);
			// Stake × reputation: the draw weight follows.
			assert!(Candidates::<Test>::get().contains(&(ALICE, 600)));
			// An inconclusive piece of work is counted and changes nothing else.
			report(ALICE, 8, MemberOutcome::Inconclusive);
			let after = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!((after.stats.tasks, after.reputation), (2, Perbill::from_percent(60)));
			assert_eq!(held(ALICE), MIN_STAKE);
		});
	}

	#[test]
	fn disagreement_and_silence_cost_reputation_and_their_slash() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let issuance = Balances::total_issuance();
			report(ALICE, 1, MemberOutcome::Disagreed);
			report(BOB, 1, MemberOutcome::Missed);
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stake, MIN_STAKE - 20, "2 %");
			assert_eq!(Nodes::<Test>::get(BOB).unwrap().stake, MIN_STAKE - 100, "10 %");
			for who in [ALICE, BOB] {
				assert_eq!(Nodes::<Test>::get(who).unwrap().reputation, Perbill::from_percent(40));
			}
			assert_eq!(Slashed::get(), 120);
			assert_eq!(Balances::total_issuance(), issuance - 120);
			assert!(events().contains(&Event::NodeSlashed {
				node: BOB,
				work: Work::Task(1),
				amount: 100
			}));
			// Below `min_node_stake` after the slash: out of the draws until topped up.
			assert!(!Candidates::<Test>::get().iter().any(|(who, _)| *who == BOB));
			assert_ok!(ComputeNodes::add_stake(RuntimeOrigin::signed(BOB), 100));
			assert!(Candidates::<Test>::get().iter().any(|(who, _)| *who == BOB));
		});
	}

	/// One outage is one offence, however many seats it missed in the window.
	#[test]
	fn one_slash_per_offence_window() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			for task in 0..3 {
				report(ALICE, task, MemberOutcome::Missed);
			}
			assert_eq!(held(ALICE), 3_600);
			run_to_block(1 + OFFENCE_WINDOW);
			report(ALICE, 3, MemberOutcome::Disagreed);
			assert_eq!(held(ALICE), 3_600 - 72, "a new window, a new offence");
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stats.missed, 3);
		});
	}

	/// A node that answers in agreement between two failures ends its outage: the second
	/// failure is a new offence, slashed although it falls in the first one's window.
	#[test]
	fn an_answer_ends_an_outage_so_the_next_failure_is_slashed() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			report(ALICE, 0, MemberOutcome::Missed);
			assert_eq!(held(ALICE), 3_600);
			report(ALICE, 1, MemberOutcome::Agreed);
			report(ALICE, 2, MemberOutcome::Missed);
			assert_eq!(held(ALICE), 3_240, "idling between answers is slashed each time");
			report(ALICE, 3, MemberOutcome::Agreed);
			report(ALICE, 4, MemberOutcome::Disagreed);
			assert_eq!(held(ALICE), 3_240 - 64, "a disagreement after an answer too");
		});
	}

	/// Excuses within the budget cost reputation only; past it, each excuse in the window is a
	/// miss, slashed; a new window brings a new budget.
	#[test]
	fn excuses_past_the_budget_are_judged_as_misses() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			let budget = default_node_parameters().excuse_budget;
			for task in 0..budget {
				report(ALICE, task, MemberOutcome::Excused);
			}
			assert_eq!(held(ALICE), 4_000, "within the budget: no slash");
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stats.excused, budget);
			report(ALICE, budget, MemberOutcome::Excused);
			assert_eq!(held(ALICE), 3_600, "past the budget an excuse is a miss");
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stats.missed, 1);
			run_to_block(1 + OFFENCE_WINDOW);
			report(ALICE, budget + 1, MemberOutcome::Excused);
			assert_eq!(held(ALICE), 3_600, "a new window, a new budget");
		});
	}

	/// Silence in work that reached no consensus costs reputation, never stake.
	#[test]
	fn silence_without_consensus_costs_reputation_only() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			let before = Nodes::<Test>::get(ALICE).unwrap().reputation;
			report(ALICE, 0, MemberOutcome::Silent);
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(held(ALICE), 4_000);
			assert!(node.reputation < before);
			assert_eq!(node.stats.missed, 1);
		});
	}

	#[test]
	fn unbonding_stake_is_slashed_too() {
		ExtBuilder::default().nodes(vec![(ALICE, 3_000)]).build_and_execute(|| {
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), 2_000));
			report(ALICE, 1, MemberOutcome::Missed);
			// 10 % of the 3 000 held: all from the bonded 1 000 first.
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!((node.stake, node.total_held()), (700, 2_700));
			assert_eq!(held(ALICE), 2_700);
		});
	}

	/// Misses until Alice is excluded: 50 % → 40 % → 32 % → 25.6 % → 20.48 % → 16.4 %, one
	/// offence window apart so that each is slashed. The block of her exclusion.
	fn exclude_alice() -> u64 {
		for task in 0..5 {
			run_to_block(1 + task as u64 * OFFENCE_WINDOW);
			report(ALICE, task, MemberOutcome::Missed);
		}
		Nodes::<Test>::get(ALICE).and_then(|n| n.excluded_at).expect("Alice is excluded")
	}

	/// An excluded node registers again neither early nor with a reset reputation.
	#[test]
	fn an_excluded_node_cannot_reset_its_reputation() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			let excluded_at = exclude_alice();
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.status, NodeStatus::Excluded);
			assert_eq!(History::<Test>::get(ALICE).len(), 4, "history keeps MaxHistory entries");
			assert!(Candidates::<Test>::get().is_empty());
			assert!(events().iter().any(|e| matches!(e, Event::NodeExcluded { node: ALICE, .. })));
			assert_noop!(
				register_node(RuntimeOrigin::signed(ALICE), 0, key_of(ALICE)),
				Error::<Test>::RejoinTooEarly
			);
			run_to_block(excluded_at + REJOIN_COOLDOWN);
			let held_before = held(ALICE);
			assert_ok!(register_node(RuntimeOrigin::signed(ALICE), 0, key_of(ALICE)));
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.status, NodeStatus::Active);
			assert_eq!(node.reputation, Perbill::from_percent(20), "back at the minimum only");
			assert_eq!(held(ALICE), held_before);
		});
	}

	/// Leaving altogether and registering again resumes the old standing too.
	#[test]
	fn leaving_and_registering_again_resets_nothing() {
		ExtBuilder::default().nodes(vec![(ALICE, 4 * MIN_STAKE)]).build_and_execute(|| {
			let excluded_at = exclude_alice();
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), node.stake));
			run_to_block(System::block_number() + UNBONDING_PERIOD);
			assert_ok!(ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(Nodes::<Test>::get(ALICE).is_none());
			assert_eq!(
				FormerNodes::<Test>::get(ALICE),
				Some(Standing { reputation: node.reputation, excluded_at: Some(excluded_at) })
			);
			run_to_block(excluded_at + REJOIN_COOLDOWN);
			assert_ok!(register_node(RuntimeOrigin::signed(ALICE), MIN_STAKE, key_of(ALICE)));
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().reputation, Perbill::from_percent(20));
			assert!(FormerNodes::<Test>::get(ALICE).is_none());
		});
	}

	/// A node that left before its work was judged gets no history and no record back.
	#[test]
	fn no_history_is_written_for_removed_nodes() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), MIN_STAKE));
			run_to_block(1 + UNBONDING_PERIOD);
			assert_ok!(ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			report(ALICE, 1, MemberOutcome::Missed);
			assert!(Nodes::<Test>::get(ALICE).is_none());
			assert!(History::<Test>::get(ALICE).is_empty());
		});
	}

	#[test]
	fn draws_are_weighted_distinct_and_carry_stake() {
		ExtBuilder::default()
			.nodes(vec![(ALICE, 1_000), (BOB, 2_000), (CHARLIE, 3_000)])
			.build_and_execute(|| {
				let seed = sp_core::H256::repeat_byte(9);
				let drawn = ComputeNodes::draw(&seed, 5);
				assert_eq!(drawn, ComputeNodes::draw(&seed, 5), "deterministic per seed");
				let mut who: Vec<_> = drawn.iter().map(|seat| seat.node).collect();
				who.sort();
				assert_eq!(who, vec![ALICE, BOB, CHARLIE]);
				assert!(drawn.contains(&Seat { node: BOB, stake: 2_000, seats: 1 }));
				assert_eq!(ComputeNodes::candidates(), 3);
				assert_eq!(ComputeNodes::node_of_key(&signer_of(BOB)), Some(BOB));
				assert_eq!(ComputeNodes::node_of_key(&BOB), None);
			});
	}
}

mod governance {
	use super::*;

	#[test]
	fn governance_sets_parameters_within_bounds() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let new = Parameters { min_node_stake: 2_000, ..default_node_parameters() };
			assert_ok!(ComputeNodes::set_parameters(RuntimeOrigin::root(), new.clone()));
			assert_eq!(Params::<Test>::get(), new);
			// Nobody holds 2 000 any more: no candidates.
			assert!(Candidates::<Test>::get().is_empty());
			assert!(events().contains(&Event::ParametersSet { parameters: new }));
			assert_ok!(ComputeNodes::set_parameters(
				RuntimeOrigin::root(),
				default_node_parameters()
			));
			assert_eq!(Candidates::<Test>::get().len(), 4);
		});
	}

	#[test]
	fn invalid_parameters_are_refused() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let set = |p| ComputeNodes::set_parameters(RuntimeOrigin::root(), p);
			let d = default_node_parameters;
			assert_noop!(
				ComputeNodes::set_parameters(RuntimeOrigin::signed(ALICE), d()),
				DispatchError::BadOrigin
			);
			let cases = [
				(
					Parameters { reputation_step: Perbill::zero(), ..d() },
					Error::<Test>::InvalidReputation,
				),
				(
					Parameters { min_reputation: Perbill::from_percent(50), ..d() },
					Error::<Test>::InvalidReputation,
				),
				(Parameters { min_node_stake: 0, ..d() }, Error::<Test>::InvalidMinStake),
				(Parameters { unbonding_period: 11, ..d() }, Error::<Test>::InvalidUnbondingPeriod),
				(Parameters { offence_window: 0, ..d() }, Error::<Test>::InvalidOffenceWindow),
			];
			for (params, error) in cases {
				assert_noop!(set(params), error);
			}
		});
	}
}
