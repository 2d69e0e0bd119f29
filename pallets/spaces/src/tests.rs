//! The pallet's behaviour: registering, updating, handing over and closing spaces, what their
//! deposits cost, their lists of proposals and their record.

use crate::{
	mock::*, Error, Event, HoldReason, Listings, NextSpaceId, Offers, Parameters, Params,
	SpaceStats,
};
use daollm_primitives::traits::SpaceActivity;
use daollm_primitives::{traits::ProposalSpaces, ProposalId, SpaceId};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, tokens::fungible::Inspect},
};
use sp_runtime::Perbill;

fn register(admin: AccountId, name: &str) -> SpaceId {
	let id = NextSpaceId::<Test>::get();
	assert_ok!(Spaces::register_space(
		RuntimeOrigin::signed(admin),
		name.into(),
		b"A DAO".to_vec(),
		b"https://snapshot.box/#/s:example.eth".to_vec(),
	));
	id
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::SpaceDeposit.into(), &who)
}

fn events() -> Vec<Event<Test>> {
	System::read_events_for_pallet::<Event<Test>>()
}

fn expected_deposit(name: &str) -> Balance {
	let len = name.len() + "A DAO".len() + "https://snapshot.box/#/s:example.eth".len();
	DEPOSIT_BASE + DEPOSIT_PER_BYTE * len as Balance
}

#[test]
fn registering_a_space_holds_its_priced_deposit_and_makes_the_caller_admin() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let deposit = expected_deposit("Example DAO");
		let record = crate::Spaces::<Test>::get(space).expect("registered");
		assert_eq!(record.admin, ALICE);
		assert_eq!(record.deposit, deposit);
		assert_eq!(record.stats, SpaceStats::default());
		assert_eq!(held(ALICE), deposit);
		assert_eq!(events(), vec![Event::SpaceRegistered { space, admin: ALICE, deposit }]);
		assert_eq!(Spaces::space(space).map(|d| d.name), Some(b"Example DAO".to_vec()));
	});
}

#[test]
fn bad_text_and_an_empty_purse_are_refused_and_change_nothing() {
	ExtBuilder.build_and_execute(|| {
		let long = |n: u32| vec![b'x'; n as usize + 1];
		let origin = || RuntimeOrigin::signed(ALICE);
		assert_noop!(
			Spaces::register_space(origin(), vec![], vec![], vec![]),
			Error::<Test>::EmptyName
		);
		assert_noop!(
			Spaces::register_space(origin(), long(MAX_NAME_LEN), vec![], vec![]),
			Error::<Test>::NameTooLong
		);
		assert_noop!(
			Spaces::register_space(origin(), b"a".to_vec(), long(MAX_DESCRIPTION_LEN), vec![]),
			Error::<Test>::DescriptionTooLong
		);
		assert_noop!(
			Spaces::register_space(origin(), b"a".to_vec(), vec![], long(MAX_LINK_LEN)),
			Error::<Test>::LinkTooLong
		);
		assert_noop!(
			Spaces::register_space(origin(), vec![0xff, 0xfe], vec![], vec![]),
			Error::<Test>::NotText
		);
		assert_noop!(
			Spaces::register_space(RuntimeOrigin::signed(POOR), b"a".to_vec(), vec![], vec![]),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(crate::Spaces::<Test>::count(), 0);
	});
}

#[test]
fn an_update_reprices_the_deposit_both_ways() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let before = held(ALICE);
		let longer = b"a longer description of what the DAO governs".to_vec();
		assert_ok!(Spaces::update_space(
			RuntimeOrigin::signed(ALICE),
			space,
			b"Example DAO".to_vec(),
			longer.clone(),
			vec![],
		));
		let after = DEPOSIT_BASE + DEPOSIT_PER_BYTE * (11 + longer.len() as Balance);
		assert_eq!(held(ALICE), after);
		assert!(after != before);
		assert_ok!(Spaces::update_space(
			RuntimeOrigin::signed(ALICE),
			space,
			b"E".to_vec(),
			vec![],
			vec![],
		));
		assert_eq!(held(ALICE), DEPOSIT_BASE + DEPOSIT_PER_BYTE);
		assert_eq!(crate::Spaces::<Test>::get(space).map(|s| s.deposit), Some(held(ALICE)));
	});
}

#[test]
fn only_the_admin_updates_offers_or_closes_a_space() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let bob = || RuntimeOrigin::signed(BOB);
		assert_noop!(
			Spaces::update_space(bob(), space, b"Mine".to_vec(), vec![], vec![]),
			Error::<Test>::NotAdmin
		);
		assert_noop!(Spaces::offer_space(bob(), space, Some(BOB)), Error::<Test>::NotAdmin);
		assert_noop!(Spaces::close_space(bob(), space), Error::<Test>::NotAdmin);
		assert_noop!(Spaces::close_space(bob(), 7), Error::<Test>::UnknownSpace);
		assert_noop!(
			Spaces::offer_space(RuntimeOrigin::signed(ALICE), space, Some(ALICE)),
			Error::<Test>::AlreadyAdmin
		);
	});
}

#[test]
fn a_hand_over_takes_two_steps_and_moves_the_deposit() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let deposit = held(ALICE);
		assert_noop!(
			Spaces::accept_space(RuntimeOrigin::signed(BOB), space),
			Error::<Test>::NotOffered
		);
		assert_ok!(Spaces::offer_space(RuntimeOrigin::signed(ALICE), space, Some(BOB)));
		assert_eq!(Spaces::space(space).and_then(|d| d.offered_to), Some(BOB));
		assert_noop!(
			Spaces::accept_space(RuntimeOrigin::signed(CHARLIE), space),
			Error::<Test>::NotOffered
		);
		assert_ok!(Spaces::accept_space(RuntimeOrigin::signed(BOB), space));
		assert_eq!(crate::Spaces::<Test>::get(space).map(|s| s.admin), Some(BOB));
		assert_eq!((held(ALICE), held(BOB)), (0, deposit));
		assert_eq!(Offers::<Test>::get(space), None);
		assert!(events().contains(&Event::SpaceHandedOver {
			space,
			from: ALICE,
			to: BOB,
			deposit
		}));
		// The old admin has no say any more.
		assert_noop!(
			Spaces::close_space(RuntimeOrigin::signed(ALICE), space),
			Error::<Test>::NotAdmin
		);
	});
}

#[test]
fn a_withdrawn_offer_cannot_be_accepted() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		assert_ok!(Spaces::offer_space(RuntimeOrigin::signed(ALICE), space, Some(BOB)));
		assert_ok!(Spaces::offer_space(RuntimeOrigin::signed(ALICE), space, None));
		assert_noop!(
			Spaces::accept_space(RuntimeOrigin::signed(BOB), space),
			Error::<Test>::NotOffered
		);
	});
}

#[test]
fn an_account_that_cannot_hold_the_deposit_cannot_accept() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		assert_ok!(Spaces::offer_space(RuntimeOrigin::signed(ALICE), space, Some(POOR)));
		assert_noop!(
			Spaces::accept_space(RuntimeOrigin::signed(POOR), space),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn a_space_lists_its_proposals_newest_first_in_pages() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let other = register(BOB, "Other DAO");
		for id in [3, 10, 256, 257, 70_000] {
			assert_ok!(Spaces::file(space, id));
		}
		assert_ok!(Spaces::file(other, 11));
		assert_eq!(Spaces::proposals(space, None, 10), vec![70_000, 257, 256, 10, 3]);
		assert_eq!(Spaces::proposals(space, None, 2), vec![70_000, 257]);
		assert_eq!(Spaces::proposals(space, Some(257), 2), vec![256, 10]);
		assert_eq!(Spaces::proposals(space, Some(3), 2), Vec::<ProposalId>::new());
		assert_eq!(Spaces::proposals(other, None, 10), vec![11]);
		Spaces::unfile(space, 256);
		assert_eq!(Spaces::proposals(space, None, 10), vec![70_000, 257, 10, 3]);
		let stats = crate::Spaces::<Test>::get(space).expect("exists").stats;
		assert_eq!((stats.filed, stats.listed), (5, 4));
	});
}

#[test]
fn filing_under_a_space_that_does_not_exist_is_refused() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(Spaces::file(0, 1), Error::<Test>::UnknownSpace);
	});
}

#[test]
fn the_record_is_the_share_of_verified_labels_the_network_matched() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		assert_eq!(Spaces::space(space).and_then(|d| d.record), None);
		for id in 0..4 {
			assert_ok!(Spaces::file(space, id));
			Spaces::note(space, SpaceActivity::Analysed);
			Spaces::note(space, SpaceActivity::Annotated);
		}
		// A label verified before the network answered is not compared yet.
		Spaces::note(space, SpaceActivity::Verified);
		assert_eq!(Spaces::space(space).and_then(|d| d.record), None);
		Spaces::note(space, SpaceActivity::Compared { matched: true });
		assert_eq!(Spaces::space(space).and_then(|d| d.record), Some(Perbill::one()));
		for matched in [true, true, false] {
			Spaces::note(space, SpaceActivity::Verified);
			Spaces::note(space, SpaceActivity::Compared { matched });
		}
		let details = Spaces::space(space).expect("exists");
		assert_eq!(
			details.stats,
			SpaceStats {
				filed: 4,
				listed: 4,
				analysed: 4,
				annotated: 4,
				verified: 4,
				compared: 4,
				matched: 3
			}
		);
		assert_eq!(details.record, Some(Perbill::from_percent(75)));
		// Activity of a space that is gone is not counted anywhere.
		Spaces::note(9, SpaceActivity::Analysed);
	});
}

#[test]
fn a_space_closes_only_once_its_list_is_empty_and_returns_the_deposit() {
	ExtBuilder.build_and_execute(|| {
		let space = register(ALICE, "Example DAO");
		let free = Balances::balance(&ALICE);
		let deposit = held(ALICE);
		assert_ok!(Spaces::file(space, 0));
		assert_noop!(
			Spaces::close_space(RuntimeOrigin::signed(ALICE), space),
			Error::<Test>::SpaceInUse
		);
		Spaces::unfile(space, 0);
		assert_ok!(Spaces::close_space(RuntimeOrigin::signed(ALICE), space));
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), free + deposit);
		assert_eq!(Spaces::space(space), None);
		assert_eq!(Listings::<Test>::iter_prefix(space).count(), 0);
	});
}

#[test]
fn the_directory_reads_every_space_in_pages() {
	ExtBuilder.build_and_execute(|| {
		for n in 0..5 {
			register(ALICE, &format!("DAO {n}"));
		}
		let first = Spaces::spaces(None, 3);
		assert_eq!(first.len(), 3);
		let rest = Spaces::spaces(first.last().map(|d| d.id), 3);
		assert_eq!(rest.len(), 2);
		let mut ids: Vec<_> = first.iter().chain(&rest).map(|d| d.id).collect();
		ids.sort();
		assert_eq!(ids, vec![0, 1, 2, 3, 4]);
	});
}

#[test]
fn governance_sets_the_parameters_within_the_check() {
	ExtBuilder.build_and_execute(|| {
		let cheaper = Parameters { deposit_base: 10, deposit_per_byte: 0 };
		assert_noop!(
			Spaces::set_parameters(RuntimeOrigin::signed(ALICE), cheaper.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Spaces::set_parameters(
				RuntimeOrigin::root(),
				Parameters { deposit_base: 0, deposit_per_byte: 1 }
			),
			Error::<Test>::InvalidDeposit
		);
		assert_ok!(Spaces::set_parameters(RuntimeOrigin::root(), cheaper.clone()));
		assert_eq!(Params::<Test>::get(), cheaper);
		register(BOB, "Example DAO");
		assert_eq!(held(BOB), 10);
	});
}

/// Who pays for a space and who gains: the admin holds its deposit, nobody is paid, and every
/// unit comes back on closing, however many accounts register however many spaces.
#[test]
fn spaces_mint_and_burn_nothing_whatever_the_number_of_accounts() {
	ExtBuilder.build_and_execute(|| {
		let issuance = Balances::total_issuance();
		let accounts = [ALICE, BOB, CHARLIE];
		let free: Vec<_> = accounts.iter().map(Balances::balance).collect();
		let mut spaces = vec![];
		for (n, who) in accounts.iter().cycle().take(9).enumerate() {
			spaces.push((*who, register(*who, &format!("DAO {n}"))));
		}
		for who in accounts {
			assert_eq!(Balances::balance(&who) + held(who), free[(who - 1) as usize]);
		}
		for (who, space) in spaces {
			assert_ok!(Spaces::close_space(RuntimeOrigin::signed(who), space));
		}
		for who in accounts {
			assert_eq!(Balances::balance(&who), free[(who - 1) as usize]);
		}
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

/// Whatever admins do with their spaces — register, update, offer, accept, close, in any order
/// and over any number of accounts — nothing is minted or burned and nobody gains: every account
/// owns what it started with, free or held, and holds exactly the deposits of the spaces it
/// administers.
mod economics {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Step {
		Register(usize, usize),
		Update(usize, usize),
		Offer(usize, usize),
		Accept(usize),
		Close(usize),
	}

	const ACCOUNTS: [AccountId; 3] = [ALICE, BOB, CHARLIE];

	fn step() -> impl Strategy<Value = Step> {
		prop_oneof![
			(0..3usize, 0..40usize).prop_map(|(a, n)| Step::Register(a, n)),
			(0..6usize, 0..40usize).prop_map(|(s, n)| Step::Update(s, n)),
			(0..6usize, 0..3usize).prop_map(|(s, a)| Step::Offer(s, a)),
			(0..6usize).prop_map(Step::Accept),
			(0..6usize).prop_map(Step::Close),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		#[test]
		fn no_sequence_of_space_calls_moves_value_between_accounts(
			steps in proptest::collection::vec(step(), 1..30),
		) {
			ExtBuilder.build_and_execute(|| {
				let issuance = Balances::total_issuance();
				let owned = |who: AccountId| Balances::balance(&who) + held(who);
				let start: Vec<_> = ACCOUNTS.iter().map(|a| owned(*a)).collect();
				for step in steps {
					let admin_of = |space: usize| {
						crate::Spaces::<Test>::get(space as SpaceId).map(|s| s.admin).unwrap_or(ALICE)
					};
					// Each call either succeeds or changes nothing; which is not the point here.
					let _ = match step {
						Step::Register(a, n) => Spaces::register_space(
							RuntimeOrigin::signed(ACCOUNTS[a]),
							vec![b'n'; n % MAX_NAME_LEN as usize + 1],
							vec![b'd'; n],
							vec![],
						),
						Step::Update(s, n) => Spaces::update_space(
							RuntimeOrigin::signed(admin_of(s)),
							s as SpaceId,
							vec![b'n'; n % MAX_NAME_LEN as usize + 1],
							vec![],
							vec![b'l'; n],
						),
						Step::Offer(s, a) => Spaces::offer_space(
							RuntimeOrigin::signed(admin_of(s)),
							s as SpaceId,
							Some(ACCOUNTS[a]),
						),
						Step::Accept(s) => match Offers::<Test>::get(s as SpaceId) {
							Some(to) => Spaces::accept_space(RuntimeOrigin::signed(to), s as SpaceId),
							None => Ok(()),
						},
						Step::Close(s) =>
							Spaces::close_space(RuntimeOrigin::signed(admin_of(s)), s as SpaceId),
					};
					try_state();
				}
				assert_eq!(Balances::total_issuance(), issuance);
				for (i, who) in ACCOUNTS.iter().enumerate() {
					assert_eq!(owned(*who), start[i], "account {who} owns what it started with");
				}
			});
		}
	}
}
