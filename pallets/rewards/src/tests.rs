//! Tests of epochs, pools, claims and parameters, in the mock runtime.

use crate::{mock::*, *};
use daollm_primitives::traits::{Contribution::*, RewardPoints};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use proptest::prelude::*;
use sp_runtime::{DispatchError, Perbill};

type RewardsError = crate::Error<Test>;

fn claim(who: AccountId, epochs: &[EpochIndex]) -> DispatchResult {
	Rewards::claim(RuntimeOrigin::signed(who), epochs.to_vec().try_into().expect("fits"))
}

fn pot_balance() -> Balance {
	Balances::balance(&Rewards::pot())
}

fn last_event() -> crate::Event<Test> {
	System::read_events_for_pallet::<crate::Event<Test>>().pop().expect("an event of the pallet")
}

#[test]
fn genesis_opens_the_pot_with_its_existential_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(pot_balance(), ED);
		assert_eq!(CurrentEpoch::<Test>::get(), 0);
		assert_eq!(Rewards::available(), 0);
	});
}

#[test]
fn points_add_up_per_account_epoch_and_kind() {
	ExtBuilder::default().build_and_execute(|| {
		Rewards::reward(&ALICE, Inference, 10);
		Rewards::reward(&ALICE, Inference, 5);
		Rewards::reward(&ALICE, Annotation, 2);
		Rewards::reward(&BOB, Inference, 7);
		Rewards::reward(&CHARLIE, Training, 0);
		assert_eq!(
			AccountPoints::<Test>::get(ALICE, 0),
			Some(Points { annotation: 2, inference: 15, training: 0 })
		);
		assert_eq!(AccountPoints::<Test>::get(CHARLIE, 0), None, "zero points record nothing");
		assert_eq!(
			CurrentPoints::<Test>::get(),
			Points { annotation: 2, inference: 22, training: 0 }
		);
		assert_eq!(CurrentClaimants::<Test>::get(), 2);
	});
}

#[test]
fn an_epoch_mints_exactly_its_emission_and_sets_pools_by_the_split() {
	ExtBuilder::default().build_and_execute(|| {
		Rewards::reward(&ALICE, Annotation, 1);
		Rewards::reward(&BOB, Inference, 1);
		Rewards::reward(&CHARLIE, Training, 1);
		let issuance = Balances::total_issuance();
		run_to_block(EPOCH_LENGTH - 1);
		assert_eq!(CurrentEpoch::<Test>::get(), 0, "the epoch runs until its last block");
		run_to_block(EPOCH_LENGTH);
		assert_eq!(Balances::total_issuance(), issuance + EMISSION);
		assert_eq!(pot_balance(), ED + EMISSION);
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
		let pools = Points { annotation: 200, inference: 500, training: 300 };
		assert_eq!(
			last_event(),
			crate::Event::EpochClosed {
				epoch: 0,
				emission: EMISSION,
				pools,
				points: Points { annotation: 1, inference: 1, training: 1 },
				carried: 0,
			}
		);
		assert_eq!(Epochs::<Test>::get(0).map(|e| (e.unclaimed, e.claimants)), Some((1_000, 3)));
		assert_eq!(Outstanding::<Test>::get(), 1_000);
		assert_eq!(Rewards::available(), 0);
	});
}

#[test]
fn kinds_without_points_and_the_split_remainder_carry_to_the_next_epoch() {
	let parameters = Parameters {
		emission: EMISSION,
		split: RewardSplit {
			annotation: Perbill::from_percent(20),
			inference: Perbill::from_percent(50),
			training: Perbill::from_percent(20),
		},
		annotation_point_cap: Balance::MAX,
		claim_period: CLAIM_PERIOD,
	};
	ExtBuilder::default().parameters(parameters).build_and_execute(|| {
		// Only inference earned: its half is the pool; the rest stays.
		Rewards::reward(&ALICE, Inference, 3);
		end_epoch();
		assert_eq!(
			Epochs::<Test>::get(0).map(|e| e.pools),
			Some(Points { annotation: 0, inference: 500, training: 0 })
		);
		assert_eq!(Rewards::available(), 500);
		// The next epoch divides its emission plus the 500 carried.
		Rewards::reward(&BOB, Training, 1);
		end_epoch();
		assert_eq!(Epochs::<Test>::get(1).map(|e| e.pools.training), Some(300));
		assert_eq!(Rewards::available(), 1_200);
		// An epoch without points allocates nothing and keeps no record.
		end_epoch();
		assert!(!Epochs::<Test>::contains_key(2));
		assert_eq!(Rewards::available(), 2_200);
		assert_eq!(Balances::total_issuance(), 300 + ED + 3 * EMISSION);
	});
}

/// Annotation points are worth at most the cap each, however few of them the epoch has:
/// one account alone in the epoch with one proposal's points no longer takes the whole
/// annotation pool (300 PROPOSAL of an hour's pool).
#[test]
fn an_annotation_point_pays_at_most_the_cap() {
	const CAP: Balance = 10;
	let parameters = Parameters { annotation_point_cap: CAP, ..DefaultParameters::get() };
	ExtBuilder::default().parameters(parameters).build_and_execute(|| {
		Rewards::reward(&ALICE, Annotation, 3);
		end_epoch();
		let pools = Epochs::<Test>::get(0).map(|e| e.pools).unwrap();
		assert_eq!(pools.annotation, 3 * CAP);
		assert!(pools.annotation < Perbill::from_percent(20).mul_floor(EMISSION));
		// What the cap leaves stays in the pot.
		assert_eq!(Rewards::available(), EMISSION - 3 * CAP);
	});
}

/// Unclaimed rewards expire after the claim period: the pot gets them back for later
/// epochs, and the stale points go when their account next claims: an abandoned claim keeps
/// neither its record nor its share of the pot.
#[test]
fn unclaimed_rewards_return_to_the_pot_after_the_claim_period() {
	let parameters = Parameters { claim_period: 2, ..DefaultParameters::get() };
	ExtBuilder::default().parameters(parameters).build_and_execute(|| {
		Rewards::reward(&ALICE, Inference, 1);
		Rewards::reward(&BOB, Inference, 1);
		end_epoch();
		assert_ok!(claim(BOB, &[0]));
		let owed = Epochs::<Test>::get(0).unwrap().unclaimed;
		assert!(owed > 0);
		end_epoch();
		assert!(Epochs::<Test>::contains_key(0), "claimable through epoch 2");
		end_epoch();
		assert!(!Epochs::<Test>::contains_key(0));
		assert_eq!(Outstanding::<Test>::get(), 0);
		assert!(System::read_events_for_pallet::<crate::Event<Test>>()
			.contains(&crate::Event::RewardsExpired { epoch: 0, amount: owed }));
		assert!(Rewards::pending_rewards(&ALICE).is_empty(), "nothing left to report");
		let before = Balances::balance(&ALICE);
		assert_ok!(claim(ALICE, &[0]));
		assert_eq!(Balances::balance(&ALICE), before, "an expired epoch pays nothing");
		assert!(AccountPoints::<Test>::get(ALICE, 0).is_none(), "and its points are gone");
	});
}

#[test]
fn claims_pay_pro_rata_and_rounding_never_pays_more_than_the_pool() {
	ExtBuilder::default().build_and_execute(|| {
		// 500 of inference pool split 1:1:1 → 166 each, 2 dust.
		for who in [ALICE, BOB, CHARLIE] {
			Rewards::reward(&who, Inference, 1);
		}
		end_epoch();
		assert_eq!(Rewards::available(), 500, "the kinds without points carry");
		assert_ok!(claim(ALICE, &[0]));
		assert_eq!(Balances::balance(&ALICE), 100 + 166);
		assert_eq!(last_event(), crate::Event::RewardClaimed { who: ALICE, epoch: 0, amount: 166 });
		assert_ok!(claim(BOB, &[0]));
		assert_eq!(Epochs::<Test>::get(0).map(|e| (e.unclaimed, e.claimants)), Some((168, 1)));
		assert_ok!(claim(CHARLIE, &[0]));
		assert_eq!(Balances::balance(&CHARLIE), 100 + 166);
		// The last claim closed the record; its dust is available again.
		assert!(!Epochs::<Test>::contains_key(0));
		assert_eq!(Outstanding::<Test>::get(), 0);
		assert_eq!(Rewards::available(), 502);
		assert_eq!(pot_balance(), ED + 502);
	});
}

#[test]
fn a_claim_pays_several_epochs_and_keeps_history() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..4 {
			Rewards::reward(&ALICE, Annotation, 1);
			end_epoch();
		}
		assert_ok!(claim(ALICE, &[0, 1, 2, 3]));
		// Each epoch's pool is the annotation share of what the pot holds beyond what is owed:
		// 200 of 1_000, then 360 of 1_800, 488 of 2_440, 688 of 3_440.
		let history = History::<Test>::get(ALICE);
		assert_eq!(history.len(), 3, "the history keeps MaxHistory payments");
		assert_eq!(history.iter().map(|p| p.epoch).collect::<Vec<_>>(), vec![1, 2, 3]);
		assert_eq!(history[0].amount, 360, "20% of 800 carried + 1_000 emitted");
		assert!(AccountPoints::<Test>::iter_prefix(ALICE).next().is_none());
	});
}

#[test]
fn claims_refuse_bad_requests_and_change_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		Rewards::reward(&ALICE, Inference, 1);
		assert_noop!(claim(ALICE, &[0]), RewardsError::EpochNotClosed);
		end_epoch();
		Rewards::reward(&ALICE, Inference, 1);
		assert_noop!(claim(ALICE, &[]), RewardsError::NoEpochs);
		assert_noop!(claim(BOB, &[0]), RewardsError::NothingToClaim);
		assert_noop!(claim(ALICE, &[0, 0]), RewardsError::NothingToClaim);
		assert_noop!(claim(ALICE, &[0, 1]), RewardsError::EpochNotClosed);
		assert_noop!(
			Rewards::claim(RuntimeOrigin::none(), vec![0].try_into().unwrap()),
			DispatchError::BadOrigin
		);
		assert_ok!(claim(ALICE, &[0]));
		assert_noop!(claim(ALICE, &[0]), RewardsError::NothingToClaim);
	});
}

#[test]
fn rewards_reach_accounts_that_did_not_exist() {
	ExtBuilder::default().build_and_execute(|| {
		Rewards::reward(&NOBODY, Training, 4);
		end_epoch();
		assert_ok!(claim(NOBODY, &[0]));
		assert_eq!(Balances::balance(&NOBODY), 300);
	});
}

#[test]
fn a_failed_emission_is_reported_and_mints_nothing() {
	let parameters = Parameters {
		emission: Balance::MAX,
		split: RewardSplit::default(),
		annotation_point_cap: Balance::MAX,
		claim_period: CLAIM_PERIOD,
	};
	ExtBuilder::default().parameters(parameters).build_and_execute(|| {
		let issuance = Balances::total_issuance();
		end_epoch();
		assert_eq!(Balances::total_issuance(), issuance);
		assert!(System::read_events_for_pallet::<crate::Event<Test>>()
			.contains(&crate::Event::EmissionFailed { epoch: 0 }));
		assert!(matches!(last_event(), crate::Event::EpochClosed { emission: 0, .. }));
	});
}

#[test]
fn governance_sets_the_parameters_within_bounds() {
	ExtBuilder::default().build_and_execute(|| {
		let mut parameters = Params::<Test>::get();
		parameters.emission = 5;
		parameters.split.training = Perbill::from_percent(31);
		assert_noop!(
			Rewards::set_parameters(RuntimeOrigin::root(), parameters.clone()),
			RewardsError::InvalidSplit
		);
		parameters.split.training = Perbill::from_percent(10);
		assert_noop!(
			Rewards::set_parameters(RuntimeOrigin::signed(ALICE), parameters.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(Rewards::set_parameters(RuntimeOrigin::root(), parameters.clone()));
		assert_eq!(Params::<Test>::get(), parameters);
		assert_eq!(last_event(), crate::Event::ParametersSet { parameters });
		let issuance = Balances::total_issuance();
		end_epoch();
		assert_eq!(Balances::total_issuance(), issuance + 5);
	});
}

#[test]
fn pending_rewards_report_closed_epochs_with_amounts_and_the_running_one_without_and_sum_what_is_claimable(
) {
	ExtBuilder::default().build_and_execute(|| {
		Rewards::reward(&ALICE, Inference, 1);
		Rewards::reward(&BOB, Inference, 3);
		end_epoch();
		Rewards::reward(&ALICE, Annotation, 2);
		assert_eq!(
			Rewards::pending_rewards(&ALICE),
			vec![
				PendingReward {
					epoch: 0,
					points: Points { annotation: 0, inference: 1, training: 0 },
					amount: Some(125),
				},
				PendingReward {
					epoch: 1,
					points: Points { annotation: 2, inference: 0, training: 0 },
					amount: None,
				},
			]
		);
		assert!(Rewards::pending_rewards(&CHARLIE).is_empty());
		// What clients read: the same epochs, what ended epochs pay together, the running one.
		let pending = Rewards::pending(ALICE);
		assert_eq!(pending.epochs, Rewards::pending_rewards(&ALICE));
		assert_eq!(pending.claimable, 125);
		assert_eq!(pending.current_epoch, 1);
		assert_eq!(pending.current_epoch_end, Rewards::current_epoch_end());
	});
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Whatever points are earned over a few epochs, the claims of every epoch add up to at most
	/// its pools, the pot never falls below what it owes, and everything minted is either paid
	/// or still in the pot.
	#[test]
	fn claims_never_exceed_the_pot(
		earnings in prop::collection::vec(
			prop::collection::vec((1u64..=3, 0u8..3, 1u32..1_000), 0..6),
			1..4,
		),
	) {
		ExtBuilder::default().build_and_execute(|| {
			let start = Balances::total_issuance();
			let kinds = [Annotation, Inference, Training];
			for epoch in &earnings {
				for (who, kind, points) in epoch {
					Rewards::reward(who, kinds[*kind as usize], *points);
				}
				end_epoch();
			}
			let epochs = earnings.len() as u64;
			assert_eq!(Balances::total_issuance(), start + epochs * EMISSION);
			let mut paid = 0;
			for e in 0..earnings.len() as u32 {
				let pools = Epochs::<Test>::get(e).map(|r| {
					r.pools.annotation + r.pools.inference + r.pools.training
				});
				let mut epoch_paid = 0;
				for who in 1u64..=3 {
					let before = Balances::balance(&who);
					if claim(who, &[e]).is_ok() {
						epoch_paid += Balances::balance(&who) - before;
					}
				}
				assert!(epoch_paid <= pools.unwrap_or(0));
				paid += epoch_paid;
			}
			assert_eq!(Outstanding::<Test>::get(), 0);
			assert_eq!(pot_balance() + paid, ED + epochs * EMISSION);
		});
	}
}

#[test]
fn the_current_epoch_ends_at_the_next_multiple_of_the_epoch_length() {
	ExtBuilder::default().build_and_execute(|| {
		System::set_block_number(1);
		assert_eq!(Rewards::current_epoch_end(), EPOCH_LENGTH);
		System::set_block_number(EPOCH_LENGTH - 1);
		assert_eq!(Rewards::current_epoch_end(), EPOCH_LENGTH);
		// The block that ended an epoch counts towards the next, which ends a length later.
		run_to_block(EPOCH_LENGTH);
		assert!(Rewards::ends_epoch(EPOCH_LENGTH));
		assert_eq!(Rewards::current_epoch_end(), 2 * EPOCH_LENGTH);
		assert_eq!(CurrentEpoch::<Test>::get(), 1);
	});
}
