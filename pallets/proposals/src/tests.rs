//! Tests of every call, its errors, and the verification and deposit rules.

use crate::{mock::*, AnalysisStatus, Annotations, ContributionsOf, Error, Event, HoldReason};
use daollm_primitives::{
	content::cid_v1_raw_blake2b_256,
	traits::{Contribution, ProposalAnalysed},
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_core::H256;
use sp_runtime::DispatchError;

fn submit(author: AccountId, body: &[u8]) -> u32 {
	let id = crate::NextProposalId::<Test>::get();
	assert_ok!(Proposals::submit_proposal(
		RuntimeOrigin::signed(author),
		b"Raise the gas limit".to_vec(),
		body.to_vec()
	));
	id
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &who)
}

fn annotate(who: AccountId, id: u32, label: u8) {
	assert_ok!(Proposals::annotate(RuntimeOrigin::signed(who), id, label, None));
}

mod submit_proposal {
	use super::*;

	#[test]
	fn stores_the_record_holds_the_deposit_and_opens_a_task() {
		ExtBuilder::build_and_execute(|| {
			let body = b"Increase the block gas limit to 36 million.".to_vec();
			let id = submit(ALICE, &body);

			let hash = H256(sp_io::hashing::blake2_256(&body));
			let deposit = DEPOSIT_BASE + DEPOSIT_PER_BYTE * body.len() as Balance;
			let proposal = Proposals::proposal(id).expect("stored");
			assert_eq!(id, 0);
			assert_eq!(proposal.author, ALICE);
			assert_eq!(proposal.submitted_at, 1);
			assert_eq!(proposal.title.to_vec(), b"Raise the gas limit".to_vec());
			assert_eq!(proposal.body_len, body.len() as u32);
			assert_eq!(proposal.content_hash, hash);
			assert_eq!(proposal.cid, cid_v1_raw_blake2b_256(&hash.0));
			assert_eq!(proposal.deposit, deposit);
			assert_eq!(proposal.analysis, AnalysisStatus::Pending);
			assert_eq!(proposal.tally.to_vec(), vec![0; LABELS as usize]);
			assert_eq!(held(ALICE), deposit);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - deposit);
			assert_eq!(OpenedTasks::get(), vec![(id, hash)]);
			assert_eq!(ContributionsOf::<Test>::get(ALICE).proposals, 1);
			System::assert_last_event(
				Event::ProposalSubmitted {
					id,
					author: ALICE,
					cid: proposal.cid,
					content_hash: hash,
					deposit,
				}
				.into(),
			);
			assert_eq!(submit(BOB, b"second"), 1, "ids are sequential");
		});
	}

	#[test]
	fn puts_the_body_in_the_offchain_index_under_its_digest() {
		let mut ext = ExtBuilder::build();
		let body = b"Fund the audit of the bridge contracts.".to_vec();
		ext.execute_with(|| {
			submit(ALICE, &body);
		});
		ext.persist_offchain_overlay();
		let digest = sp_io::hashing::blake2_256(&body);
		let key = daollm_primitives::content::offchain_body_key(&digest);
		assert_eq!(ext.offchain_db().get(&key), Some(body));
	}

	#[test]
	fn accepts_a_body_of_the_maximum_length() {
		ExtBuilder::build_and_execute(|| {
			let body = vec![b'x'; MAX_BODY_LEN as usize];
			let id = submit(ALICE, &body);
			assert_eq!(Proposals::proposal(id).unwrap().body_len, MAX_BODY_LEN);
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder::build_and_execute(|| {
			let origin = || RuntimeOrigin::signed(ALICE);
			assert_noop!(
				Proposals::submit_proposal(origin(), vec![], b"body".to_vec()),
				Error::<Test>::EmptyTitle
			);
			assert_noop!(
				Proposals::submit_proposal(
					origin(),
					vec![b't'; MAX_TITLE_LEN as usize + 1],
					b"body".to_vec()
				),
				Error::<Test>::TitleTooLong
			);
			assert_noop!(
				Proposals::submit_proposal(origin(), b"title".to_vec(), vec![]),
				Error::<Test>::EmptyBody
			);
			assert_noop!(
				Proposals::submit_proposal(
					origin(),
					b"title".to_vec(),
					vec![b'x'; MAX_BODY_LEN as usize + 1]
				),
				Error::<Test>::BodyTooLong
			);
			assert_noop!(
				Proposals::submit_proposal(
					RuntimeOrigin::signed(POOR),
					b"title".to_vec(),
					b"body".to_vec()
				),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(
				Proposals::submit_proposal(RuntimeOrigin::none(), b"t".to_vec(), b"b".to_vec()),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn fails_whole_when_no_task_can_be_opened() {
		ExtBuilder::build_and_execute(|| {
			RefuseTasks::set(true);
			assert_noop!(
				Proposals::submit_proposal(
					RuntimeOrigin::signed(ALICE),
					b"title".to_vec(),
					b"body".to_vec()
				),
				DispatchError::Other("no inference nodes")
			);
		});
	}
}

mod withdraw_proposal {
	use super::*;

	#[test]
	fn returns_the_deposit_and_removes_everything() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"a proposal body");
			annotate(BOB, id, 1);
			assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), id));

			assert!(Proposals::proposal(id).is_none());
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE);
			assert_eq!(CancelledTasks::get(), vec![id]);
			System::assert_last_event(
				Event::ProposalWithdrawn { id, deposit: DEPOSIT_BASE + 15 }.into(),
			);
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"a proposal body");
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), 42),
				Error::<Test>::UnknownProposal
			);
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(BOB), id),
				Error::<Test>::NotAuthor
			);

			let verified = submit(ALICE, b"another body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, verified, 2);
			}
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), verified),
				Error::<Test>::AlreadyVerified
			);

			<Proposals as ProposalAnalysed>::on_analysed(id, 0);
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::AlreadyAnalysed
			);
		});
	}
}

mod annotate {
	use super::*;

	#[test]
	fn records_the_annotation() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let note = H256::repeat_byte(9);
			assert_ok!(Proposals::annotate(RuntimeOrigin::signed(BOB), id, 3, Some(note)));

			let annotation = Annotations::<Test>::get(id, BOB).expect("stored");
			assert_eq!((annotation.label, annotation.note_hash), (3, Some(note)));
			assert_eq!(Proposals::proposal(id).unwrap().tally.to_vec(), vec![0, 0, 0, 1, 0]);
			assert_eq!(ContributionsOf::<Test>::get(BOB).annotations, 1);
			System::assert_last_event(
				Event::ProposalAnnotated { id, annotator: BOB, label: 3 }.into(),
			);
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let annotate =
				|who, id, label| Proposals::annotate(RuntimeOrigin::signed(who), id, label, None);
			assert_noop!(annotate(BOB, 7, 0), Error::<Test>::UnknownProposal);
			assert_noop!(annotate(BOB, id, LABELS), Error::<Test>::InvalidLabel);
			assert_noop!(annotate(ALICE, id, 0), Error::<Test>::AuthorCannotAnnotate);
			assert_ok!(annotate(BOB, id, 0));
			assert_noop!(annotate(BOB, id, 1), Error::<Test>::AlreadyAnnotated);
		});
	}

	#[test]
	fn a_verified_label_takes_no_more_annotations() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 4);
			}
			assert_noop!(
				Proposals::annotate(RuntimeOrigin::signed(EVE), id, 4, None),
				Error::<Test>::AlreadyVerified
			);
		});
	}

	#[test]
	fn a_full_proposal_takes_no_more_annotations() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			// Five annotators, five different labels: no agreement, and no room left.
			for (who, label) in [(BOB, 0), (CHARLIE, 1), (DAVE, 2), (EVE, 3), (POOR, 4)] {
				annotate(who, id, label);
			}
			assert_eq!(Proposals::proposal(id).unwrap().verified_label, None);
			assert_noop!(
				Proposals::annotate(RuntimeOrigin::signed(SPAM_POT), id, 0, None),
				Error::<Test>::TooManyAnnotations
			);
		});
	}
}

mod verification {
	use super::*;

	#[test]
	fn unanimous_quorum_verifies_rewards_and_releases_the_deposit() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 2);
			annotate(CHARLIE, id, 2);
			assert_eq!(Proposals::proposal(id).unwrap().verified_label, None, "below quorum");
			assert_eq!(held(ALICE), DEPOSIT_BASE + 4);
			annotate(DAVE, id, 2);

			let proposal = Proposals::proposal(id).unwrap();
			assert_eq!(proposal.verified_label, Some(2));
			assert_eq!(proposal.deposit, 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE);
			let mut rewarded = Rewarded::get();
			rewarded.sort();
			assert_eq!(
				rewarded,
				vec![
					(BOB, Contribution::Annotation, POINTS),
					(CHARLIE, Contribution::Annotation, POINTS),
					(DAVE, Contribution::Annotation, POINTS),
				]
			);
			assert_eq!(
				Proposals::training_set(None, 10),
				vec![crate::TrainingExample {
					proposal: id,
					content_hash: proposal.content_hash,
					label: 2
				}]
			);
			System::assert_has_event(
				Event::LabelVerified { id, label: 2, agreeing: 3, disagreeing: 0 }.into(),
			);
			System::assert_last_event(
				Event::DepositReleased { id, author: ALICE, amount: DEPOSIT_BASE + 4 }.into(),
			);
		});
	}

	#[test]
	fn a_two_thirds_majority_verifies_and_records_the_disagreement() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 1);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 1);

			assert_eq!(Proposals::proposal(id).unwrap().verified_label, Some(1));
			assert_eq!(Rewarded::get().len(), 2);
			assert_eq!(ContributionsOf::<Test>::get(BOB).agreed, 1);
			assert_eq!(ContributionsOf::<Test>::get(CHARLIE).disagreed, 1);
			assert_eq!(ContributionsOf::<Test>::get(CHARLIE).agreed, 0);
			System::assert_has_event(
				Event::LabelVerified { id, label: 1, agreeing: 2, disagreeing: 1 }.into(),
			);
		});
	}

	#[test]
	fn a_split_waits_for_more_annotations() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 1);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 3);
			assert_eq!(Proposals::proposal(id).unwrap().verified_label, None);
			annotate(EVE, id, 1);
			// 2 of 4 is below two thirds.
			assert_eq!(Proposals::proposal(id).unwrap().verified_label, None);
			assert!(Rewarded::get().is_empty());
		});
	}

	#[test]
	fn the_training_set_pages() {
		ExtBuilder::build_and_execute(|| {
			for n in 0..4u8 {
				let id = submit(ALICE, &[b'p', n]);
				for who in [BOB, CHARLIE, DAVE] {
					annotate(who, id, n);
				}
			}
			let first = Proposals::training_set(None, 3);
			assert_eq!(first.len(), 3);
			let rest = Proposals::training_set(Some(first[2].proposal), 3);
			assert_eq!(rest.len(), 1);
			let mut all: Vec<_> = first.iter().chain(rest.iter()).map(|e| e.proposal).collect();
			all.sort();
			assert_eq!(all, vec![0, 1, 2, 3]);
		});
	}
}

mod analysis {
	use super::*;

	#[test]
	fn an_analysed_proposal_gets_its_label_and_its_deposit_back() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);

			let proposal = Proposals::proposal(id).unwrap();
			assert_eq!(proposal.analysis, AnalysisStatus::Analysed { label: 3 });
			assert_eq!(held(ALICE), 0);
			System::assert_has_event(Event::ProposalAnalysed { id, label: 3 }.into());

			// Verification later releases nothing twice.
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 3);
			}
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE);
		});
	}

	#[test]
	fn an_unknown_proposal_is_ignored() {
		ExtBuilder::build_and_execute(|| {
			<Proposals as ProposalAnalysed>::on_analysed(9, 3);
			assert!(System::events().is_empty());
		});
	}
}

mod mark_spam {
	use super::*;

	#[test]
	fn slashes_the_deposit_and_removes_the_proposal() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"buy my token");
			annotate(BOB, id, 0);
			let deposit = DEPOSIT_BASE + 12;
			let issuance = Balances::total_issuance();
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));

			assert!(Proposals::proposal(id).is_none());
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - deposit);
			assert_eq!(Balances::balance(&SPAM_POT), 1 + deposit);
			assert_eq!(Balances::total_issuance(), issuance, "the slash moved, not burnt");
			assert_eq!(CancelledTasks::get(), vec![id]);
			System::assert_last_event(Event::ProposalMarkedSpam { id, slashed: deposit }.into());
		});
	}

	#[test]
	fn a_verified_proposal_leaves_the_training_set() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 1);
			}
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			assert!(Proposals::training_set(None, 10).is_empty());
			System::assert_last_event(Event::ProposalMarkedSpam { id, slashed: 0 }.into());
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder::build_and_execute(|| {
			let id = submit(ALICE, b"body");
			assert_noop!(
				Proposals::mark_spam(RuntimeOrigin::signed(BOB), id),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Proposals::mark_spam(RuntimeOrigin::root(), 5),
				Error::<Test>::UnknownProposal
			);
		});
	}
}

#[test]
fn contributions_accumulate_per_account() {
	ExtBuilder::build_and_execute(|| {
		let a = submit(ALICE, b"one");
		let b = submit(ALICE, b"two");
		for id in [a, b] {
			annotate(BOB, id, 0);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 1);
		}
		let bob = Proposals::contributions(&BOB);
		assert_eq!((bob.annotations, bob.agreed, bob.disagreed), (2, 2, 0));
		let dave = Proposals::contributions(&DAVE);
		assert_eq!((dave.annotations, dave.agreed, dave.disagreed), (2, 0, 2));
		assert_eq!(Proposals::contributions(&ALICE).proposals, 2);
	});
}
