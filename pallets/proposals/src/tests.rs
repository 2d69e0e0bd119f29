//! Tests of every call, its errors, and the verification and deposit rules.

use crate::{
	mock::*, AnalysisStatus, Annotations, ContributionsOf, Error, Event, HoldReason, LabelSet,
	Parameters, Params, Provisional,
};
use daollm_primitives::{
	content::{cid_to_string, cid_v1_raw_blake2b_256},
	traits::ProposalAnalysed,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_core::H256;
use sp_runtime::{DispatchError, Perbill};

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

fn bonded(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::AnnotationBond.into(), &who)
}

/// Everything `who` owns: free and held.
fn owned(who: AccountId) -> Balance {
	Balances::total_balance(&who)
}

/// Annotates with the least bond.
fn annotate(who: AccountId, id: u32, label: u8) {
	annotate_with(who, id, label, MIN_BOND);
}

fn annotate_with(who: AccountId, id: u32, label: u8, bond: Balance) {
	assert_ok!(Proposals::annotate(RuntimeOrigin::signed(who), id, label, bond, None));
}

/// Runs to the end of every challenge window opened so far.
fn settle_all() {
	// Two labels settle per block in the mock: a few blocks more than the window.
	run_to_block(System::block_number() + CHALLENGE_PERIOD + 4);
}

/// Gives `who` the initial balance.
fn fund(who: AccountId) {
	use frame_support::traits::fungible::Mutate;
	Balances::set_balance(&who, INITIAL_BALANCE);
}

/// The points credited to `who`.
fn points_of(who: AccountId) -> u32 {
	Rewarded::get().iter().filter(|(w, ..)| *w == who).map(|(.., p)| p).sum()
}

mod submit_proposal {
	use super::*;

	#[test]
	fn stores_the_record_holds_the_deposit_and_opens_a_task() {
		ExtBuilder.build_and_execute(|| {
			let body = b"Increase the block gas limit to 36 million.".to_vec();
			let id = submit(ALICE, &body);

			let hash = H256(sp_io::hashing::blake2_256(&body));
			let deposit = DEPOSIT_BASE + DEPOSIT_PER_BYTE * body.len() as Balance;
			let proposal = crate::Proposals::<Test>::get(id).expect("stored");
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
			// What clients read names the body by its CID's text form, what Bitswap takes.
			let details = Proposals::proposal(id).expect("readable");
			assert_eq!(details.cid, cid_to_string(&proposal.cid).into_bytes());
			assert_eq!(details.tally, proposal.tally.to_vec());
			assert_eq!(Proposals::proposal(99), None);
			assert_eq!(submit(BOB, b"second"), 1, "ids are sequential");
		});
	}

	#[test]
	fn puts_the_body_in_the_offchain_index_under_its_digest() {
		let mut ext = ExtBuilder.build();
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
		ExtBuilder.build_and_execute(|| {
			let body = vec![b'x'; MAX_BODY_LEN as usize];
			let id = submit(ALICE, &body);
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().body_len, MAX_BODY_LEN);
		});
	}

	/// A body no inference node can read (not UTF-8, here Latin-1 and a lone 0xFF) is
	/// refused before it holds a deposit or opens a task, so it can never reach a committee.
	#[test]
	fn a_body_the_engine_cannot_read_is_refused() {
		ExtBuilder.build_and_execute(|| {
			for body in [vec![0xff], b"Caf\xe9 grant".to_vec(), vec![b'a', 0xc3]] {
				assert_noop!(
					Proposals::submit_proposal(RuntimeOrigin::signed(ALICE), b"t".to_vec(), body),
					Error::<Test>::BodyNotText
				);
			}
			// The same text in UTF-8 is fine.
			assert_ok!(Proposals::submit_proposal(
				RuntimeOrigin::signed(ALICE),
				b"t".to_vec(),
				"Caf\u{e9} grant".as_bytes().to_vec()
			));
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder.build_and_execute(|| {
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
		ExtBuilder.build_and_execute(|| {
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
	fn returns_the_deposit_and_the_bonds_and_removes_everything() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"a proposal body");
			annotate(BOB, id, 1);
			assert_eq!(bonded(BOB), MIN_BOND);
			assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), id));

			assert!(crate::Proposals::<Test>::get(id).is_none());
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(
				Balances::balance(&ALICE),
				INITIAL_BALANCE - FEE,
				"the proposal fee is kept"
			);
			assert_eq!((bonded(BOB), Balances::balance(&BOB)), (0, INITIAL_BALANCE));
			assert_eq!(CancelledTasks::get(), vec![id]);
			System::assert_last_event(
				Event::ProposalWithdrawn { id, deposit: DEPOSIT_BASE + 15 - FEE, forfeited: FEE }
					.into(),
			);
		});
	}

	/// Once the committee is drawn, withdrawing and resubmitting costs half the deposit each
	/// time, paid to the treasury, besides the proposal fee; before the draw nobody knows the
	/// committee and the withdrawal costs the fee alone (the test above).
	#[test]
	fn after_the_committee_draw_a_withdrawal_forfeits_half_the_deposit() {
		ExtBuilder.build_and_execute(|| {
			let body = b"a proposal body";
			let deposit = DEPOSIT_BASE + 15;
			let before = Balances::balance(&ALICE);
			let pot = Balances::balance(&SPAM_POT);
			let mut forfeited_total = 0;
			for _ in 0..3 {
				let id = submit(ALICE, body);
				Drawn::mutate(|d| d.push(id));
				assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), id));
				let forfeited = deposit / 2 + FEE;
				System::assert_last_event(
					Event::ProposalWithdrawn { id, deposit: deposit - forfeited, forfeited }.into(),
				);
				forfeited_total += forfeited;
			}
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), before - forfeited_total);
			assert_eq!(
				Balances::balance(&SPAM_POT) - pot,
				forfeited_total - 3 * FEE,
				"the treasury gets what re-rolls cost"
			);
		});
	}

	/// Submitting and withdrawing in a loop costs the cycler the proposal fee each time, paid
	/// to the fee pot that pays the network: queue entries are never free to churn.
	#[test]
	fn a_submit_and_withdraw_cycle_costs_the_proposal_fee() {
		ExtBuilder.build_and_execute(|| {
			let before = Balances::balance(&ALICE);
			let pot = Balances::balance(&FEE_POT);
			for _ in 0..10 {
				let id = submit(ALICE, b"x");
				assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), id));
			}
			assert_eq!(before - Balances::balance(&ALICE), 10 * FEE);
			assert_eq!(Balances::balance(&FEE_POT) - pot, 10 * FEE);
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"a proposal body");
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), 42),
				Error::<Test>::UnknownProposal
			);
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(BOB), id),
				Error::<Test>::NotAuthor
			);

			let challenged = submit(ALICE, b"another body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, challenged, 2);
			}
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), challenged),
				Error::<Test>::LabelUnderChallenge
			);
			settle_all();
			assert_noop!(
				Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), challenged),
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
	fn records_the_annotation_and_holds_its_bond() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let note = H256::repeat_byte(9);
			assert_ok!(Proposals::annotate(RuntimeOrigin::signed(BOB), id, 3, 15, Some(note)));

			let annotation = Annotations::<Test>::get(id, BOB).expect("stored");
			assert_eq!(
				(annotation.label(), annotation.bond, annotation.note_hash),
				(Some(3), 15, Some(note))
			);
			assert_eq!(annotation.public, LabelSet::default(), "nothing was public before it");
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!(proposal.tally.to_vec(), vec![0, 0, 0, 1, 0]);
			assert_eq!(proposal.bonded.to_vec(), vec![0, 0, 0, 15, 0]);
			assert_eq!(bonded(BOB), 15);
			assert_eq!(ContributionsOf::<Test>::get(BOB).annotations, 1);
			System::assert_last_event(
				Event::ProposalAnnotated { id, annotator: BOB, label: 3, bond: 15 }.into(),
			);
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let annotate = |who, id, label, bond| {
				Proposals::annotate(RuntimeOrigin::signed(who), id, label, bond, None)
			};
			assert_noop!(annotate(BOB, 7, 0, MIN_BOND), Error::<Test>::UnknownProposal);
			assert_noop!(annotate(BOB, id, LABELS, MIN_BOND), Error::<Test>::InvalidLabel);
			assert_noop!(annotate(ALICE, id, 0, MIN_BOND), Error::<Test>::AuthorCannotAnnotate);
			assert_noop!(annotate(BOB, id, 0, MIN_BOND - 1), Error::<Test>::BondTooLow);
			assert_noop!(annotate(POOR, id, 0, 1_000), Error::<Test>::InsufficientBalance);
			assert_ok!(annotate(BOB, id, 0, MIN_BOND));
			assert_noop!(annotate(BOB, id, 1, MIN_BOND), Error::<Test>::AlreadyAnnotated);
		});
	}

	#[test]
	fn a_settled_label_takes_no_more_annotations() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 4);
			}
			// In the window, another annotation is a challenge and is taken.
			annotate(EVE, id, 4);
			settle_all();
			assert_noop!(
				Proposals::annotate(RuntimeOrigin::signed(POOR), id, 4, MIN_BOND, None),
				Error::<Test>::AlreadyVerified
			);
		});
	}

	/// Five small bonds fill the mock's five places; a bond no larger than the smallest is
	/// refused, a larger one displaces the latest of the smallest, whose bond comes back whole.
	#[test]
	fn a_full_proposal_takes_a_larger_bond_by_displacing_the_smallest() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for (who, label) in [(BOB, 0), (CHARLIE, 1), (DAVE, 2), (EVE, 3), (POOR, 4)] {
				annotate(who, id, label);
			}
			let newcomer = 7;
			fund(newcomer);
			assert_noop!(
				Proposals::annotate(RuntimeOrigin::signed(newcomer), id, 0, MIN_BOND, None),
				Error::<Test>::TooManyAnnotations
			);
			annotate_with(newcomer, id, 0, MIN_BOND + 1);
			assert!(!Annotations::<Test>::contains_key(id, POOR), "the latest smallest went");
			assert_eq!((bonded(POOR), owned(POOR)), (0, 50));
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!(proposal.tally.to_vec(), vec![2, 1, 1, 1, 0]);
			assert_eq!(proposal.bonded.to_vec(), vec![2 * MIN_BOND + 1, 10, 10, 10, 0]);
			System::assert_has_event(
				Event::AnnotationDisplaced { id, annotator: POOR, bond: MIN_BOND }.into(),
			);
		});
	}
}

/// Sealed annotations: committed blind before the network's label is public, revealed later.
mod sealed {
	use super::*;

	const SALT: [u8; 32] = [7; 32];

	fn seal(who: AccountId, id: u32, label: u8, bond: Balance) {
		let commitment = Proposals::commitment(id, label, &SALT, &who);
		assert_ok!(Proposals::seal_annotation(
			RuntimeOrigin::signed(who),
			id,
			commitment,
			bond,
			None
		));
	}

	fn reveal(who: AccountId, id: u32, label: u8) -> sp_runtime::DispatchResult {
		Proposals::reveal_annotation(RuntimeOrigin::signed(who), id, label, SALT)
	}

	#[test]
	fn a_sealed_label_counts_for_nothing_until_revealed() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			seal(BOB, id, 3, VERIFICATION_BOND);
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!((proposal.sealed, proposal.bonded.to_vec()), (1, vec![0; 5]));
			assert_eq!(proposal.provisional, None, "a sealed bond opens no window");
			assert_eq!(bonded(BOB), VERIFICATION_BOND);

			assert_noop!(reveal(BOB, id, 2), Error::<Test>::CommitmentMismatch);
			assert_noop!(reveal(CHARLIE, id, 3), Error::<Test>::NothingToReveal);
			assert_ok!(reveal(BOB, id, 3));
			assert_noop!(reveal(BOB, id, 3), Error::<Test>::NothingToReveal);
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!((proposal.sealed, proposal.bonded[3]), (0, VERIFICATION_BOND));
			assert_eq!(proposal.provisional.map(|p| p.label), Some(3));
		});
	}

	#[test]
	fn sealing_is_refused_once_the_network_has_published() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			<Proposals as ProposalAnalysed>::on_analysed(id, 1);
			let commitment = Proposals::commitment(id, 3, &SALT, &BOB);
			assert_noop!(
				Proposals::seal_annotation(RuntimeOrigin::signed(BOB), id, commitment, 10, None),
				Error::<Test>::AnalysisPublished
			);
		});
	}

	#[test]
	fn a_seal_never_revealed_loses_its_slash_to_the_verified_side() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			seal(EVE, id, 4, MIN_BOND);
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 2);
			}
			settle_all();
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(2));
			assert_eq!(owned(EVE), INITIAL_BALANCE - MIN_BOND / 5);
			assert_eq!(bonded(EVE), 0);
		});
	}

	/// Eve seals the right label before the analysis; the network then publishes another.
	/// Bob copies the network's label, Charlie copies Eve's once revealed: the correction is
	/// verified, Eve alone is paid its points, Charlie shares only Bob's slashed bond.
	#[test]
	fn a_correction_named_first_earns_the_points_and_its_copies_earn_none() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"Fund the audit: 50,000 DAI.");
			seal(EVE, id, 4, MIN_BOND);
			<Proposals as ProposalAnalysed>::on_analysed(id, 2);
			annotate(BOB, id, 2);
			assert_ok!(reveal(EVE, id, 4));
			annotate_with(CHARLIE, id, 4, 3 * MIN_BOND);
			settle_all();

			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(4));
			assert_eq!((points_of(EVE), points_of(CHARLIE), points_of(BOB)), (POINTS, 0, 0));
			assert_eq!(ContributionsOf::<Test>::get(EVE).corrections, 1);
			assert_eq!(ContributionsOf::<Test>::get(CHARLIE).corrections, 0);
			let example = &Proposals::training_page(None, 1)[0];
			assert!(example.corrects_network(), "an error report");
			System::assert_has_event(
				Event::LabelVerified {
					id,
					label: 4,
					agreeing: 2,
					disagreeing: 1,
					slashed: MIN_BOND / 5,
					correction: true,
				}
				.into(),
			);
		});
	}
}

mod verification {
	use super::*;

	#[test]
	fn a_bonded_quorum_opens_a_window_and_the_label_settles_after_it() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 2);
			annotate(CHARLIE, id, 2);
			assert_eq!(
				crate::Proposals::<Test>::get(id).unwrap().provisional,
				None,
				"below the quorum"
			);
			annotate(DAVE, id, 2);
			let settles_at = 1 + CHALLENGE_PERIOD;
			assert_eq!(
				crate::Proposals::<Test>::get(id).unwrap().provisional,
				Some(Provisional { label: 2, settles_at, ticket: 0 })
			);
			System::assert_last_event(Event::LabelProvisional { id, label: 2, settles_at }.into());
			assert!(Proposals::training_page(None, 10).is_empty(), "not before it settles");
			run_to_block(settles_at - 1);
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, None);

			run_to_block(settles_at);
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!((proposal.verified_label, proposal.provisional), (Some(2), None));
			// Bonds back; no points: the network had not answered, so nothing was corrected.
			for who in [BOB, CHARLIE, DAVE] {
				assert_eq!((bonded(who), Balances::balance(&who)), (0, INITIAL_BALANCE));
			}
			assert!(Rewarded::get().is_empty());
			// The deposit is released, less the proposal fee.
			assert_eq!(proposal.deposit, 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - FEE);
			assert_eq!(Balances::balance(&FEE_POT), 1 + FEE);
			assert_eq!(
				Proposals::training_page(None, 10),
				vec![crate::TrainingExample {
					proposal: id,
					content_hash: proposal.content_hash,
					label: 2,
					analysis: AnalysisStatus::Pending,
					space: None,
				}]
			);
			System::assert_has_event(
				Event::LabelVerified {
					id,
					label: 2,
					agreeing: 3,
					disagreeing: 0,
					slashed: 0,
					correction: false,
				}
				.into(),
			);
			System::assert_last_event(
				Event::DepositReleased {
					id,
					author: ALICE,
					amount: DEPOSIT_BASE + 4 - FEE,
					fee: FEE,
				}
				.into(),
			);
		});
	}

	#[test]
	fn disagreeing_bonds_pay_the_agreeing_ones() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 1);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 1);
			settle_all();

			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(1));
			// Charlie loses a fifth of its bond; Bob and Dave share it.
			let lost = MIN_BOND / 5;
			assert_eq!(owned(CHARLIE), INITIAL_BALANCE - lost);
			assert_eq!(owned(BOB), INITIAL_BALANCE + lost / 2);
			assert_eq!(owned(DAVE), INITIAL_BALANCE + lost / 2);
			assert!(Rewarded::get().is_empty(), "no analysis was corrected");
			assert_eq!(ContributionsOf::<Test>::get(BOB).agreed, 1);
			assert_eq!(ContributionsOf::<Test>::get(CHARLIE).disagreed, 1);
			System::assert_has_event(
				Event::LabelVerified {
					id,
					label: 1,
					agreeing: 2,
					disagreeing: 1,
					slashed: lost,
					correction: false,
				}
				.into(),
			);
		});
	}

	#[test]
	fn a_tie_opens_no_window_until_one_label_leads() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 1);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 3);
			// The quorum is bonded, but three labels tie.
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().provisional, None);
			settle_all();
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, None);
			annotate(EVE, id, 1);
			assert_eq!(
				crate::Proposals::<Test>::get(id).unwrap().provisional.map(|p| p.label),
				Some(1)
			);
			settle_all();
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(1));
		});
	}

	/// Three sybils front-run a proposal with a wrong label and reach the quorum.
	/// Within the window, two honest annotators challenge with more bonded weight: the label
	/// settles on theirs, the training set gets the right label, and the sybils pay the honest
	/// side.
	#[test]
	fn a_front_run_wrong_label_is_challenged_and_pays_the_honest_side() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"Fund the security audit: 50,000 DAI.");
			for sybil in [BOB, CHARLIE, DAVE] {
				annotate(sybil, id, 0);
			}
			assert_eq!(
				crate::Proposals::<Test>::get(id).unwrap().provisional.map(|p| p.label),
				Some(0)
			);
			let honest_bond = 4 * MIN_BOND;
			annotate_with(EVE, id, 4, honest_bond);
			annotate_with(POOR, id, 4, honest_bond);
			settle_all();

			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(4));
			assert_eq!(Proposals::training_page(None, 10)[0].label, 4);
			let lost = MIN_BOND / 5;
			for sybil in [BOB, CHARLIE, DAVE] {
				assert_eq!(owned(sybil), INITIAL_BALANCE - lost);
				assert_eq!(points_of(sybil), 0);
			}
			assert_eq!(owned(EVE), INITIAL_BALANCE + 3 * lost / 2);
			assert_eq!(owned(POOR), 50 + 3 * lost / 2);
		});
	}

	/// A challenge that does not outbond the leader is no dispute: the leader settles and the
	/// challenger pays it. Matching the leader exactly is not enough either.
	#[test]
	fn a_challenge_that_does_not_outbond_the_leader_pays_it() {
		for challenge in [2 * MIN_BOND, 3 * MIN_BOND] {
			ExtBuilder.build_and_execute(|| {
				let id = submit(ALICE, b"body");
				for who in [BOB, CHARLIE, DAVE] {
					annotate(who, id, 0);
				}
				annotate_with(EVE, id, 3, challenge);
				settle_all();
				assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(0));
				assert_eq!(owned(EVE), INITIAL_BALANCE - challenge / 5);
				for who in [BOB, CHARLIE, DAVE] {
					assert!(owned(who) > INITIAL_BALANCE, "the leader's side gains");
				}
			});
		}
	}

	/// The window opens in block 1 and would settle in block 6. In block 5 an attacker bonds
	/// more on another label: the window runs on three blocks from then, the honest side
	/// answers in block 6, runs on again, and its label is verified.
	#[test]
	fn a_last_block_lead_extends_the_window_so_it_can_be_answered() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 0);
			}
			let settles_at = 1 + CHALLENGE_PERIOD;
			run_to_block(settles_at - 1);
			annotate_with(EVE, id, 4, 4 * MIN_BOND);
			let window = crate::Proposals::<Test>::get(id).unwrap().provisional.unwrap();
			assert_eq!(
				(window.label, window.settles_at),
				(4, settles_at - 1 + CHALLENGE_EXTENSION)
			);
			run_to_block(settles_at);
			assert_eq!(
				crate::Proposals::<Test>::get(id).unwrap().verified_label,
				None,
				"still open"
			);
			let answer = 12;
			fund(answer);
			annotate_with(answer, id, 0, 2 * MIN_BOND);
			let window = crate::Proposals::<Test>::get(id).unwrap().provisional.unwrap();
			assert_eq!((window.label, window.settles_at), (0, settles_at + CHALLENGE_EXTENSION));
			settle_all();
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(0));
			assert_eq!(owned(EVE), INITIAL_BALANCE - 4 * MIN_BOND / 5);
			for who in [BOB, CHARLIE, DAVE] {
				assert!(owned(who) > INITIAL_BALANCE);
			}
		});
	}

	/// Five sybils fill the mock's five places with the least bond on a wrong label; a larger
	/// honest bond still gets in, displacing one, and settles the right label.
	#[test]
	fn no_number_of_accounts_locks_a_label() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let sybils: Vec<AccountId> = (20..25).collect();
			for sybil in &sybils {
				fund(*sybil);
				annotate(*sybil, id, 4);
			}
			annotate_with(DAVE, id, 2, 10 * MIN_BOND);
			settle_all();
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(2));
			assert_eq!(owned(DAVE), INITIAL_BALANCE + 4 * (MIN_BOND / 5));
			assert_eq!(Proposals::training_page(None, 1)[0].label, 2);
		});
	}

	#[test]
	fn the_training_set_pages() {
		ExtBuilder.build_and_execute(|| {
			for n in 0..4u8 {
				let id = submit(ALICE, &[b'p', n]);
				for who in [BOB, CHARLIE, DAVE] {
					annotate(who, id, n);
				}
			}
			settle_all();
			let first = Proposals::training_page(None, 3);
			assert_eq!(first.len(), 3);
			let rest = Proposals::training_page(Some(first[2].proposal), 3);
			assert_eq!(rest.len(), 1);
			let mut all: Vec<_> = first.iter().chain(rest.iter()).map(|e| e.proposal).collect();
			all.sort();
			assert_eq!(all, vec![0, 1, 2, 3]);
		});
	}
}

/// What a sybil cycle earns against what it costs, for every number of accounts.
mod economics {
	use super::*;
	use proptest::prelude::*;

	/// Accounts the attacker controls besides the author (who is Alice).
	const SYBILS: [AccountId; 4] = [BOB, CHARLIE, DAVE, EVE];

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		/// An attacker that is a proposal's author and all of its k annotators, bonding any
		/// amounts on any label, whatever the network answered, ends the cycle (submit,
		/// annotate, analysis, settlement) with less than it started with, even valuing every
		/// point it earned (a "correction" of its own proposal) at the rewards pallet's cap; k
		/// changes nothing but the split.
		#[test]
		fn a_sybil_cycle_earns_less_than_it_costs(
			k in 1usize..=SYBILS.len(),
			bonds in proptest::collection::vec(MIN_BOND..10 * VERIFICATION_BOND, SYBILS.len()),
			label in 0u8..LABELS,
			network in 0u8..LABELS,
		) {
			ExtBuilder.build_and_execute(|| {
				let attacker = [&[ALICE][..], &SYBILS[..k]].concat();
				let before: Balance = attacker.iter().map(|w| owned(*w)).sum();
				let id = submit(ALICE, b"x");
				<Proposals as ProposalAnalysed>::on_analysed(id, network);
				for (i, who) in SYBILS[..k].iter().enumerate() {
					// The first bond alone reaches the quorum, so every k verifies.
					let bond = if i == 0 { bonds[i].max(VERIFICATION_BOND) } else { bonds[i] };
					annotate_with(*who, id, label, bond);
				}
				settle_all();

				let after: Balance = attacker.iter().map(|w| owned(*w)).sum();
				let points: u32 = attacker.iter().map(|w| points_of(*w)).sum();
				let earned = points as Balance * POINT_VALUE_CAP;
				assert!(points <= POINTS, "one proposal's points, however many accounts");
				assert!(
					after + earned < before,
					"the cycle paid off: {before} → {after} plus {earned} in points"
				);
			});
		}

		/// A farm of k accounts copying the network's published label onto m proposals earns
		/// no points at all: what it pays in transaction fees is pure loss.
		#[test]
		fn copying_the_network_earns_nothing(
			k in 1usize..=SYBILS.len(),
			m in 1u32..4,
			network in 0u8..LABELS,
		) {
			ExtBuilder.build_and_execute(|| {
				let before: Vec<Balance> = SYBILS.iter().map(|w| owned(*w)).collect();
				for n in 0..m {
					let id = submit(ALICE, &[b'p', n as u8]);
					<Proposals as ProposalAnalysed>::on_analysed(id, network);
					for who in &SYBILS[..k] {
						annotate_with(*who, id, network, VERIFICATION_BOND);
					}
				}
				settle_all();
				assert!(Rewarded::get().is_empty(), "a copy earned points");
				let after: Vec<Balance> = SYBILS.iter().map(|w| owned(*w)).collect();
				assert_eq!(after, before, "bonds back, nothing gained");
			});
		}

		/// Honest annotators open a window on the right label; any number of attacker accounts
		/// (more than a proposal keeps) bond on a wrong one, in any order and any block of the
		/// window, the last one included; the honest side answers once, in the next block, with
		/// one bond larger than all the attacker's together. The attacker never verifies its
		/// label, no honest annotator loses bond, and the attacker ends poorer.
		#[test]
		fn an_outbonded_attacker_never_verifies_its_label(
			bonds in proptest::collection::vec(MIN_BOND..4 * MIN_BOND, 1..12),
			blocks in proptest::collection::vec(0u64..CHALLENGE_PERIOD, 12),
			wrong in 1u8..LABELS,
		) {
			ExtBuilder.build_and_execute(|| {
				let id = submit(ALICE, b"Raise the gas limit to 36 million.");
				for who in [BOB, CHARLIE, DAVE] {
					annotate(who, id, 0);
				}
				let mut plan: Vec<(u64, usize)> =
					bonds.iter().enumerate().map(|(i, _)| (1 + blocks[i], i)).collect();
				plan.sort();
				let attackers: Vec<AccountId> = (0..bonds.len() as u64).map(|i| 100 + i).collect();
				// The honest side answers in the block after the attacker first takes the lead.
				let total: Balance = bonds.iter().sum();
				let answer = |at: u64| {
					run_to_block(at);
					annotate_with(EVE, id, 0, total + 1);
				};
				let mut due: Option<u64> = None;
				let mut answered = false;
				for (block, i) in plan {
					if let Some(at) = due.filter(|at| *at <= block) {
						answer(at);
						(due, answered) = (None, true);
					}
					run_to_block(block);
					fund(attackers[i]);
					// A full proposal may refuse a small bond: the attacker's loss, not ours.
					let _ = Proposals::annotate(
						RuntimeOrigin::signed(attackers[i]), id, wrong, bonds[i], None,
					);
					let leader = crate::Proposals::<Test>::get(id).unwrap().provisional.map(|p| p.label);
					if !answered && due.is_none() && leader != Some(0) {
						due = Some(block + 1);
					}
				}
				if let Some(at) = due {
					answer(at);
				}
				settle_all();

				assert_eq!(crate::Proposals::<Test>::get(id).unwrap().verified_label, Some(0));
				for who in [BOB, CHARLIE, DAVE, EVE] {
					assert!(owned(who) >= INITIAL_BALANCE, "an honest annotator lost bond");
				}
				let left: Balance = attackers.iter().map(|w| owned(*w)).sum();
				assert!(left < INITIAL_BALANCE * attackers.len() as Balance);
			});
		}
	}
}

mod analysis {
	use super::*;

	/// Runs blocks until proposal `id`'s spam window has ended.
	pub(super) fn end_spam_window(id: daollm_primitives::ProposalId) {
		let until = crate::Proposals::<Test>::get(id).map(|p| p.deposit_held_until).unwrap_or(0);
		run_to_block(until.max(System::block_number()));
	}

	#[test]
	fn an_analysed_proposal_gets_its_label_and_its_deposit_back_less_the_fee() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);

			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!(proposal.analysis, AnalysisStatus::Analysed { label: 3 });
			assert_eq!(held(ALICE), DEPOSIT_BASE + 4, "held through the spam window");
			end_spam_window(id);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - FEE);
			System::assert_has_event(Event::ProposalAnalysed { id, label: 3 }.into());

			// Verification later releases nothing twice.
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 3);
			}
			settle_all();
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - FEE);
		});
	}

	#[test]
	fn the_deposit_waits_out_a_challenge_window() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 3);
			}
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);
			assert_eq!(held(ALICE), DEPOSIT_BASE + 4, "held while the label may be challenged");
			settle_all();
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - FEE);
		});
	}

	#[test]
	fn an_unknown_proposal_is_ignored() {
		ExtBuilder.build_and_execute(|| {
			<Proposals as ProposalAnalysed>::on_analysed(9, 3);
			assert!(System::events().is_empty());
		});
	}
}

/// State that anyone creates carries a deposit while it exists, and goes when it is done.
mod records {
	use super::{analysis::end_spam_window, *};
	use crate::TrainingSet;

	const RECORD: Balance = 5;

	#[test]
	fn a_finished_record_keeps_a_deposit_until_its_author_removes_it() {
		ExtBuilder.build_and_execute(|| {
			Params::<Test>::mutate(|p| p.record_deposit = RECORD);
			let id = submit(ALICE, b"body");
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);
			end_spam_window(id);
			assert_eq!(held(ALICE), RECORD, "the record deposit stays while the record exists");
			assert_eq!(owned(ALICE), INITIAL_BALANCE - FEE);
			System::assert_has_event(
				Event::DepositReleased {
					id,
					author: ALICE,
					amount: DEPOSIT_BASE + 4 - FEE - RECORD,
					fee: FEE,
				}
				.into(),
			);

			assert_noop!(
				Proposals::remove_proposal(RuntimeOrigin::signed(BOB), id),
				Error::<Test>::NotAuthor
			);
			assert_ok!(Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), id));
			assert!(crate::Proposals::<Test>::get(id).is_none());
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - FEE, "the author is whole");
			assert_eq!(CancelledTasks::get(), vec![id], "the analysis result goes too");
			System::assert_has_event(Event::ProposalRemoved { id, deposit: RECORD }.into());
		});
	}

	#[test]
	fn an_unfinished_proposal_cannot_be_removed() {
		ExtBuilder.build_and_execute(|| {
			Params::<Test>::mutate(|p| p.record_deposit = RECORD);
			let id = submit(ALICE, b"body");
			assert_noop!(
				Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::NotFinished
			);
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 3);
			}
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);
			assert_noop!(
				Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), id),
				Error::<Test>::LabelUnderChallenge
			);
			assert_noop!(
				Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), 9),
				Error::<Test>::UnknownProposal
			);
		});
	}

	/// Verified annotations leave no records behind once their bonds are settled, and removing
	/// the proposal keeps the training example (the annotators' work is the DAO's data).
	#[test]
	fn verification_clears_annotations_and_removal_keeps_the_training_example() {
		ExtBuilder.build_and_execute(|| {
			Params::<Test>::mutate(|p| p.record_deposit = RECORD);
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 3);
			}
			settle_all();
			let proposal = crate::Proposals::<Test>::get(id).unwrap();
			assert_eq!(proposal.verified_label, Some(3));
			assert_eq!(proposal.annotation_count(), 3, "the tally stays");
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
			for who in [BOB, CHARLIE, DAVE] {
				assert_eq!(bonded(who), 0);
			}
			assert_ok!(Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), id));
			assert_eq!(TrainingSet::<Test>::get(id).map(|e| e.label), Some(3));
			assert_eq!(held(ALICE), 0);
		});
	}

	/// Annotations of an analysed proposal that never reached a verified label get their bonds
	/// back when the author removes it: the annotators did nothing wrong.
	#[test]
	fn removal_returns_unsettled_bonds() {
		ExtBuilder.build_and_execute(|| {
			Params::<Test>::mutate(|p| p.record_deposit = RECORD);
			let id = submit(ALICE, b"body");
			annotate(BOB, id, 2);
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);
			end_spam_window(id);
			assert_eq!(bonded(BOB), MIN_BOND);
			assert_ok!(Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), id));
			assert_eq!(bonded(BOB), 0);
			assert_eq!(owned(BOB), INITIAL_BALANCE);
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
		});
	}

	#[test]
	fn spam_takes_the_record_deposit_too() {
		ExtBuilder.build_and_execute(|| {
			Params::<Test>::mutate(|p| p.record_deposit = RECORD);
			let id = submit(ALICE, b"body");
			<Proposals as ProposalAnalysed>::on_analysed(id, 3);
			end_spam_window(id);
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			assert_eq!(held(ALICE), 0);
			System::assert_has_event(Event::ProposalMarkedSpam { id, slashed: RECORD }.into());
		});
	}
}

mod mark_spam {
	use super::*;

	/// The deposit of an analysed proposal is still held when the committee or a spam
	/// referendum acts, so marking it spam slashes all of it, not zero.
	#[test]
	fn spam_marked_after_analysis_but_within_the_window_loses_the_whole_deposit() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"buy my token");
			<Proposals as ProposalAnalysed>::on_analysed(id, 0);
			// Most of the window passes: a committee motion or a spam referendum takes time.
			run_to_block(System::block_number() + CHALLENGE_PERIOD - 1);
			let deposit = DEPOSIT_BASE + 12;
			assert_eq!(held(ALICE), deposit);
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			System::assert_has_event(Event::ProposalMarkedSpam { id, slashed: deposit }.into());
			assert_eq!(owned(ALICE), INITIAL_BALANCE - deposit);
		});
	}

	/// The window ends in submission order, the cursor passes withdrawn gaps, and a proposal
	/// still being analysed when its window ends is released when its analysis lands.
	#[test]
	fn deposits_are_released_as_their_windows_end() {
		ExtBuilder.build_and_execute(|| {
			let first = submit(ALICE, b"one");
			let gone = submit(BOB, b"two");
			assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(BOB), gone));
			let pending = submit(CHARLIE, b"three");
			<Proposals as ProposalAnalysed>::on_analysed(first, 1);
			run_to_block(1 + CHALLENGE_PERIOD);
			assert_eq!(held(ALICE), 0, "released when its window ended");
			// The mock looks at two proposals a block: the third waits a block.
			assert_eq!(crate::NextRelease::<Test>::get(), 2);
			run_to_block(2 + CHALLENGE_PERIOD);
			assert_eq!(crate::NextRelease::<Test>::get(), 3, "past the gap and the pending one");
			assert!(held(CHARLIE) > 0, "still being analysed");
			<Proposals as ProposalAnalysed>::on_analysed(pending, 1);
			assert_eq!(held(CHARLIE), 0, "released when its analysis landed");
		});
	}

	#[test]
	fn slashes_the_deposit_returns_the_bonds_and_removes_the_proposal() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"buy my token");
			annotate(BOB, id, 0);
			let deposit = DEPOSIT_BASE + 12;
			let issuance = Balances::total_issuance();
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));

			assert!(crate::Proposals::<Test>::get(id).is_none());
			assert_eq!(Annotations::<Test>::iter_prefix(id).count(), 0);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), INITIAL_BALANCE - deposit);
			assert_eq!(Balances::balance(&SPAM_POT), 1 + deposit);
			assert_eq!((bonded(BOB), Balances::balance(&BOB)), (0, INITIAL_BALANCE));
			assert_eq!(Balances::total_issuance(), issuance, "the slash moved, not burnt");
			assert_eq!(CancelledTasks::get(), vec![id]);
			System::assert_last_event(Event::ProposalMarkedSpam { id, slashed: deposit }.into());
		});
	}

	#[test]
	fn a_proposal_in_its_window_leaves_the_settlement_queue() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 1);
			}
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			assert_eq!(crate::Settlements::<Test>::iter().count(), 0);
			settle_all();
			assert!(Proposals::training_page(None, 10).is_empty());
			for who in [BOB, CHARLIE, DAVE] {
				assert_eq!(owned(who), INITIAL_BALANCE);
			}
		});
	}

	/// After its spam window, a ruling that a proposal is spam removes the proposal but not
	/// the label its annotators verified.
	#[test]
	fn a_training_example_outlives_a_late_spam_ruling() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 1);
			}
			settle_all();
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			assert_eq!(Proposals::training_page(None, 10).len(), 1);
			System::assert_last_event(Event::ProposalMarkedSpam { id, slashed: 0 }.into());
		});
	}

	#[test]
	fn governance_sets_parameters_that_pass_their_check_and_nothing_else() {
		ExtBuilder.build_and_execute(|| {
			let cheaper = Parameters { deposit_base: DEPOSIT_BASE / 2, ..default_parameters() };
			assert_noop!(
				Proposals::set_parameters(RuntimeOrigin::signed(ALICE), cheaper.clone()),
				DispatchError::BadOrigin
			);
			let invalid = [
				(
					Parameters { min_annotation_bond: 0, ..default_parameters() },
					Error::<Test>::InvalidAnnotationBond,
				),
				(
					Parameters { verification_bond: MIN_BOND - 1, ..default_parameters() },
					Error::<Test>::InvalidVerificationBond,
				),
				(
					Parameters { challenge_period: 0, ..default_parameters() },
					Error::<Test>::InvalidChallengePeriod,
				),
				(
					Parameters { challenge_extension: Perbill::zero(), ..default_parameters() },
					Error::<Test>::InvalidChallengeExtension,
				),
				(
					Parameters { record_deposit: DEPOSIT_BASE, ..default_parameters() },
					Error::<Test>::InvalidFee,
				),
			];
			for (parameters, error) in invalid {
				assert_noop!(Proposals::set_parameters(RuntimeOrigin::root(), parameters), error);
			}
			assert_ok!(Proposals::set_parameters(RuntimeOrigin::root(), cheaper.clone()));
			assert_eq!(Params::<Test>::get(), cheaper);
			System::assert_last_event(Event::ParametersSet { parameters: cheaper }.into());
			// A proposal submitted now holds the new deposit.
			let id = submit(ALICE, b"body");
			let expected = DEPOSIT_BASE / 2 + DEPOSIT_PER_BYTE * 4;
			assert_eq!(crate::Proposals::<Test>::get(id).unwrap().deposit, expected);
		});
	}

	/// Within its spam window (a label verified early, after governance shortened the
	/// challenge period), spam takes the training example with it.
	#[test]
	fn spam_within_its_window_takes_the_training_example_with_it() {
		ExtBuilder.build_and_execute(|| {
			let id = submit(ALICE, b"body");
			let short = Parameters { challenge_period: 1, ..default_parameters() };
			assert_ok!(Proposals::set_parameters(RuntimeOrigin::root(), short));
			for who in [BOB, CHARLIE, DAVE] {
				annotate(who, id, 1);
			}
			run_to_block(3);
			assert_eq!(Proposals::training_page(None, 10).len(), 1);
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), id));
			assert!(Proposals::training_page(None, 10).is_empty());
		});
	}

	#[test]
	fn rejects_bad_input_and_changes_nothing() {
		ExtBuilder.build_and_execute(|| {
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
	ExtBuilder.build_and_execute(|| {
		let a = submit(ALICE, b"one");
		let b = submit(ALICE, b"two");
		for id in [a, b] {
			annotate(BOB, id, 0);
			annotate(CHARLIE, id, 0);
			annotate(DAVE, id, 1);
		}
		settle_all();
		let bob = Proposals::contributions(BOB);
		assert_eq!((bob.annotations, bob.agreed, bob.disagreed), (2, 2, 0));
		let dave = Proposals::contributions(DAVE);
		assert_eq!((dave.annotations, dave.agreed, dave.disagreed), (2, 0, 2));
		assert_eq!(Proposals::contributions(ALICE).proposals, 2);
	});
}

mod spaces {
	use super::*;
	use crate::{ContentIndex, Filings};
	use daollm_primitives::traits::TrainingData;

	const ORIGIN: &[u8] = b"https://snapshot.box/#/s:example.eth/proposal/0x7a16";

	fn file(author: AccountId, space: Option<u32>, body: &[u8]) -> u32 {
		let id = crate::NextProposalId::<Test>::get();
		assert_ok!(Proposals::file_proposal(
			RuntimeOrigin::signed(author),
			space,
			ORIGIN.to_vec(),
			b"Fund the grants round".to_vec(),
			body.to_vec()
		));
		id
	}

	fn stats(space: u32) -> pallet_spaces::SpaceStats {
		pallet_spaces::Spaces::<Test>::get(space).expect("the space exists").stats
	}

	#[test]
	fn a_filed_proposal_is_listed_under_its_space_and_links_back() {
		ExtBuilder.build_and_execute(|| {
			let space = register_space(CHARLIE, "Example DAO");
			let body = b"Grant 25,000 USDC to the tooling team.";
			let id = file(ALICE, Some(space), body);
			let details = Proposals::proposal(id).expect("exists");
			assert_eq!((details.space, details.origin), (Some(space), ORIGIN.to_vec()));
			assert_eq!(Spaces::proposals(space, None, 10), vec![id]);
			assert_eq!(stats(space).filed, 1);
			// The origin's bytes are priced like the body's.
			let bytes = (body.len() + ORIGIN.len()) as Balance;
			assert_eq!(held(ALICE), DEPOSIT_BASE + DEPOSIT_PER_BYTE * bytes);
			// A proposal of no space may still say where it came from.
			let loose = file(BOB, None, b"A proposal of no DAO here.");
			assert_eq!(Proposals::proposal(loose).map(|d| d.space), Some(None));
			assert_eq!(Proposals::proposal(loose).map(|d| d.origin), Some(ORIGIN.to_vec()));
		});
	}

	#[test]
	fn a_bad_filing_is_refused_and_changes_nothing() {
		ExtBuilder.build_and_execute(|| {
			let filed = |space, origin: Vec<u8>| {
				Proposals::file_proposal(
					RuntimeOrigin::signed(ALICE),
					space,
					origin,
					b"t".to_vec(),
					b"body".to_vec(),
				)
			};
			assert_noop!(filed(Some(7), vec![]), pallet_spaces::Error::<Test>::UnknownSpace);
			assert_noop!(
				filed(None, vec![b'x'; MAX_ORIGIN_LEN as usize + 1]),
				Error::<Test>::OriginTooLong
			);
			assert_noop!(filed(None, vec![0xc3, 0x28]), Error::<Test>::OriginNotText);
			assert_eq!(held(ALICE), 0);
		});
	}

	#[test]
	fn the_space_counts_what_became_of_its_proposals_and_the_network_record() {
		ExtBuilder.build_and_execute(|| {
			let space = register_space(CHARLIE, "Example DAO");
			let agreed = file(ALICE, Some(space), b"Set the fee to 0.3%.");
			let corrected = file(ALICE, Some(space), b"Fund the audit.");
			let unverified = file(ALICE, Some(space), b"Rename the forum.");
			// The network labels all three: 2, 2, 1.
			<Proposals as ProposalAnalysed>::on_analysed(agreed, 2);
			<Proposals as ProposalAnalysed>::on_analysed(corrected, 2);
			<Proposals as ProposalAnalysed>::on_analysed(unverified, 1);
			assert_eq!(stats(space).analysed, 3);
			// Annotators verify 2 on the first (matching the network) and 4 on the second.
			for who in [BOB, DAVE, EVE] {
				annotate(who, agreed, 2);
				annotate(who, corrected, 4);
			}
			annotate(BOB, unverified, 1);
			assert_eq!(stats(space).annotated, 3);
			settle_all();
			let stats = stats(space);
			assert_eq!((stats.verified, stats.compared, stats.matched), (2, 2, 1));
			assert_eq!(
				Spaces::space(space).and_then(|d| d.record),
				Some(Perbill::from_percent(50))
			);
			// A verified example names its space, for rounds scoped to one DAO.
			assert_eq!(
				<Proposals as TrainingData>::example(agreed).map(|e| e.space),
				Some(Some(space))
			);
		});
	}

	#[test]
	fn a_label_verified_before_the_analysis_is_compared_when_the_analysis_lands() {
		ExtBuilder.build_and_execute(|| {
			let space = register_space(CHARLIE, "Example DAO");
			let id = file(ALICE, Some(space), b"Set the fee to 0.3%.");
			for who in [BOB, DAVE, EVE] {
				annotate(who, id, 2);
			}
			settle_all();
			assert_eq!((stats(space).verified, stats(space).compared), (1, 0));
			<Proposals as ProposalAnalysed>::on_analysed(id, 2);
			assert_eq!((stats(space).compared, stats(space).matched), (1, 1));
		});
	}

	#[test]
	fn a_proposal_whose_record_goes_leaves_its_space_list_and_the_content_index() {
		ExtBuilder.build_and_execute(|| {
			let space = register_space(CHARLIE, "Example DAO");
			let withdrawn = file(ALICE, Some(space), b"Withdrawn text.");
			let spam = file(BOB, Some(space), b"Spam text.");
			let kept = file(ALICE, Some(space), b"Kept text.");
			assert_eq!(Spaces::proposals(space, None, 10), vec![kept, spam, withdrawn]);
			assert_ok!(Proposals::withdraw_proposal(RuntimeOrigin::signed(ALICE), withdrawn));
			assert_ok!(Proposals::mark_spam(RuntimeOrigin::root(), spam));
			assert_eq!(Spaces::proposals(space, None, 10), vec![kept]);
			let stats = stats(space);
			assert_eq!((stats.filed, stats.listed), (3, 1));
			assert!(Filings::<Test>::get(withdrawn).is_none());
			let hash = |body: &[u8]| H256(sp_io::hashing::blake2_256(body));
			assert_eq!(Proposals::with_content(hash(b"Withdrawn text.")), Vec::<u32>::new());
			assert_eq!(Proposals::with_content(hash(b"Kept text.")), vec![kept]);
			// The space closes once the last record is gone.
			assert_noop!(
				Spaces::close_space(RuntimeOrigin::signed(CHARLIE), space),
				pallet_spaces::Error::<Test>::SpaceInUse
			);
			<Proposals as ProposalAnalysed>::on_analysed(kept, 1);
			run_to_block(System::block_number() + CHALLENGE_PERIOD + 1);
			assert_ok!(Proposals::remove_proposal(RuntimeOrigin::signed(ALICE), kept));
			assert_eq!(ContentIndex::<Test>::iter().count(), 0);
			assert_ok!(Spaces::close_space(RuntimeOrigin::signed(CHARLIE), space));
		});
	}

	#[test]
	fn the_chain_tells_which_proposals_carry_a_text() {
		ExtBuilder.build_and_execute(|| {
			let body = b"The same text, twice.";
			let first = submit(ALICE, body);
			let second = file(BOB, None, body);
			let hash = H256(sp_io::hashing::blake2_256(body));
			assert_eq!(Proposals::with_content(hash), vec![first, second]);
			assert_eq!(Proposals::with_content(H256::zero()), Vec::<u32>::new());
		});
	}
}
