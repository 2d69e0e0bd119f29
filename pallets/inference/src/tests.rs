//! Unit tests of every call and error path, the task lifecycle and its economics, and property
//! tests of consensus on the pallet as a whole.

use crate::{mock::*, Event, *};
use daollm_primitives::{
	inference::{commitment, InferenceResult, Salt},
	traits::{Contribution, InferenceTasks},
};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{Pays, PostDispatchInfo},
	traits::fungible::InspectHold,
};
use pallet_compute_nodes::{
	Candidates, FormerNodes, History, HistoryEntry, NodeStatus, Nodes, Standing,
};
use sp_runtime::{DispatchError, Perbill};

fn events() -> Vec<Event<Test>> {
	System::read_events_for_pallet()
}

/// The registry's events.
fn node_events() -> Vec<pallet_compute_nodes::Event<Test>> {
	System::read_events_for_pallet()
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_compute_nodes::HoldReason::NodeStake.into(), &who)
}

/// An answer for `label`, scoring it 9 000 basis points and the rest evenly, with the brief of
/// [`BRIEFED`].
fn answer(label: LabelIndex) -> InferenceResult {
	let scores: Vec<u16> = (0..LABELS).map(|l| if l == label { 9_000 } else { 250 }).collect();
	InferenceResult {
		label,
		scores: scores.try_into().unwrap(),
		readable: 9_000,
		model: model(),
		brief: brief(),
	}
}

/// A body with a brief to agree on.
const BRIEFED: &str = "Raise the debt ceiling of the ETH-A vault from 100M DAI to 150M DAI. \
	The stability fee stays at 2%. Demand for ETH-A has grown for six months.";

/// [`BRIEFED`]'s brief, as every honest node computes it.
fn brief() -> daollm_primitives::inference::Brief {
	daollm_inference_interface::compute_brief(b"Raise the ETH-A debt ceiling", BRIEFED.as_bytes())
		.expect("a body")
}

fn salt(who: AccountId) -> Salt {
	[who as u8; 32]
}

/// Queues `proposal` and moves to the next block, whose author draws its committee; its task.
fn open(proposal: ProposalId) -> TaskId {
	assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::repeat_byte(1)));
	run_to_block(System::block_number() + 1);
	TaskOfProposal::<Test>::get(proposal).expect("a task opened")
}

fn committee(task: TaskId) -> Vec<AccountId> {
	Tasks::<Test>::get(task).unwrap().committee.iter().map(|m| m.node).collect()
}

fn commit(who: AccountId, task: TaskId, result: &InferenceResult) -> DispatchResultWithPostInfo {
	Inference::commit(
		RuntimeOrigin::signed(signer_of(who)),
		task,
		commitment(result, &salt(who), &who),
	)
}

fn reveal(who: AccountId, task: TaskId, result: &InferenceResult) -> DispatchResultWithPostInfo {
	Inference::reveal(RuntimeOrigin::signed(signer_of(who)), task, result.clone(), salt(who))
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

fn free_of_charge() -> PostDispatchInfo {
	PostDispatchInfo { actual_weight: None, pays_fee: Pays::No }
}

mod tasks {
	use super::*;

	#[test]
	fn a_task_draws_a_deterministic_committee() {
		let draw = || {
			let mut committee = vec![];
			ExtBuilder::default().four_nodes().build_and_execute(|| {
				let task = open(7);
				committee = super::committee(task);
				let record = Tasks::<Test>::get(task).unwrap();
				assert_eq!(record.proposal, 7);
				assert_eq!(record.model, model());
				// Queued in block 1, drawn in block 2 (another author's).
				assert_eq!((record.opened_at, record.commit_end, record.reveal_end), (2, 4, 6));
				assert_eq!(DueAt::<Test>::get(7).into_inner(), vec![task]);
				assert!(events().contains(&Event::TaskOpened {
					task,
					proposal: 7,
					model: model(),
					committee: committee.clone(),
					seats: vec![1; 3],
					round: 0,
					commit_end: 4,
					reveal_end: 6,
				}));
			});
			committee
		};
		let first = draw();
		assert_eq!(first.len(), 3);
		assert_eq!(first, draw(), "the same block draws the same committee");
	}

	#[test]
	fn without_a_model_or_nodes_no_task_opens() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(<Inference as InferenceTasks>::open_task(1, H256::zero()));
			assert!(TaskOfProposal::<Test>::get(1).is_none());
			assert_eq!(
				events(),
				vec![Event::AnalysisUnavailable { proposal: 1, reason: Unavailable::NoNodes }]
			);
		});
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			Model::set(None);
			assert_ok!(<Inference as InferenceTasks>::open_task(1, H256::zero()));
			assert_eq!(Tasks::<Test>::count(), 0);
			assert_eq!(
				events(),
				vec![Event::AnalysisUnavailable {
					proposal: 1,
					reason: Unavailable::NoActiveModel
				}]
			);
		});
	}

	/// A block opens at most `MaxTasksPerBlock` tasks from the queue, each block's tasks due
	/// together in their own judgement block; the rest wait, first come, first served.
	#[test]
	fn a_block_opens_at_most_a_judgement_blocks_worth_of_tasks() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let per_block = MAX_TASKS_PER_BLOCK;
			for proposal in 0..2 * per_block + 1 {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
			}
			assert_eq!(Tasks::<Test>::count(), 0, "nothing is drawn in the block it lands in");
			assert!(events().contains(&Event::TaskQueued { proposal: 0, ahead: 0 }));
			run_to_block(2);
			assert_eq!(Tasks::<Test>::count(), per_block);
			assert_eq!(DueAt::<Test>::get(7).len(), per_block as usize);
			run_to_block(3);
			assert_eq!(DueAt::<Test>::get(8).len(), per_block as usize);
			let last = TaskOfProposal::<Test>::get(2 * per_block - 1).expect("opened in block 3");
			assert_eq!(Tasks::<Test>::get(last).unwrap().opened_at, 3);
			assert!(TaskOfProposal::<Test>::get(2 * per_block).is_none(), "it waits for block 4");
			assert_eq!(Queued::<Test>::get(2 * per_block), Some(2 * per_block));
			run_to_block(4);
			assert!(TaskOfProposal::<Test>::get(2 * per_block).is_some());
		});
	}

	/// A flood of proposals in one block — three times what the judgement slots within
	/// reach hold — delays analysis but denies it to nobody: every proposal gets its task, in
	/// the order submitted, and each is judged (a task whose committee answers early may be
	/// judged before older, slower ones). None gets `NetworkBusy`.
	#[test]
	fn a_flood_leaves_no_proposal_without_analysis() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let reach = MAX_TASKS_PER_BLOCK * (MAX_DEFERRAL + 1);
			let flood = 3 * reach;
			for proposal in 0..flood {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
			}
			assert_eq!(Tasks::<Test>::count(), 0, "every proposal waits for a later block's draw");
			assert_eq!(Queued::<Test>::iter().count() as u32, flood);
			// Every committee member answers every task it sits on, block after block.
			for _ in 0..(flood / MAX_TASKS_PER_BLOCK + 20) {
				let mut open: Vec<_> = Tasks::<Test>::iter().collect();
				open.sort_by_key(|(task, _)| *task);
				for (task, record) in open {
					for seat in record.committee.iter() {
						if !Commitments::<Test>::contains_key(task, seat.node) {
							assert_ok!(commit(seat.node, task, &answer(2)));
						}
					}
					for seat in record.committee.iter() {
						if !Reveals::<Test>::contains_key(task, seat.node) {
							assert_ok!(reveal(seat.node, task, &answer(2)));
						}
					}
				}
				run_to_block(System::block_number() + 1);
			}
			let opened: Vec<ProposalId> = events()
				.into_iter()
				.filter_map(|e| match e {
					Event::TaskOpened { proposal, .. } => Some(proposal),
					_ => None,
				})
				.collect();
			assert_eq!(
				opened,
				(0..flood).collect::<Vec<_>>(),
				"tasks open first come, first served"
			);
			let mut analysed: Vec<ProposalId> = Analysed::get().iter().map(|(p, _)| *p).collect();
			analysed.sort();
			assert_eq!(analysed, (0..flood).collect::<Vec<_>>(), "every proposal is analysed");
			assert_eq!(BacklogBounds::<Test>::get().0, BacklogBounds::<Test>::get().1);
			assert_eq!(Slashed::get(), 0, "no honest node lost stake");
		});
	}

	/// A proposal withdrawn while it waits leaves the queue, and the queue moves on.
	#[test]
	fn a_waiting_proposal_can_be_withdrawn() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let reach = MAX_TASKS_PER_BLOCK * (MAX_DEFERRAL + 1);
			for proposal in 0..reach + 2 {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
			}
			<Inference as InferenceTasks>::cancel_task(reach);
			assert!(events().contains(&Event::QueuedTaskCancelled { proposal: reach }));
			assert!(Queued::<Test>::get(reach).is_none());
			// The queue moves on past the gap the withdrawn one left (every fourth block is
			// authored by the one who fixed the queue and draws nothing; tasks nobody answers
			// come back for a second round ahead of the waiting ones).
			while TaskOfProposal::<Test>::get(reach + 1).is_none() {
				assert!(System::block_number() < 80, "the queue moved on");
				run_to_block(System::block_number() + 1);
			}
			assert!(TaskOfProposal::<Test>::get(reach).is_none());
		});
	}

	/// The backlog is bounded; a proposal beyond it is refused, so its author keeps the
	/// deposit rather than waiting forever.
	#[test]
	fn a_full_backlog_refuses_new_proposals() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let reach = MAX_TASKS_PER_BLOCK * (MAX_DEFERRAL + 1);
			// Every proposal queues for its draw: the queue's bound is the backlog's.
			let _ = reach;
			for proposal in 0..MAX_BACKLOG {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
			}
			assert_noop!(
				<Inference as InferenceTasks>::open_task(10_000, H256::zero()),
				Error::<Test>::BacklogFull
			);
		});
	}

	#[test]
	fn cancelling_removes_the_task_and_its_commitments() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let member = committee(task)[0];
			assert_ok!(commit(member, task, &answer(0)));
			<Inference as InferenceTasks>::cancel_task(1);
			assert!(Tasks::<Test>::get(task).is_none());
			assert!(TaskOfProposal::<Test>::get(1).is_none());
			assert_eq!(Commitments::<Test>::iter_prefix(task).count(), 0);
			assert!(DueAt::<Test>::get(7).is_empty());
			assert!(events().contains(&Event::TaskCancelled { task, proposal: 1 }));
			// Cancelling again, or a proposal without a task, is harmless.
			<Inference as InferenceTasks>::cancel_task(1);
			<Inference as InferenceTasks>::cancel_task(42);
			run_to_block(10);
			assert!(Results::<Test>::get(task).is_none());
		});
	}

	/// A judged task's result goes when its proposal's record is removed.
	#[test]
	fn a_removed_proposal_takes_its_result_with_it() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			run_to_block(7);
			assert!(Results::<Test>::get(task).is_some());
			<Inference as InferenceTasks>::cancel_task(1);
			assert!(Results::<Test>::get(task).is_none());
			assert!(TaskOfProposal::<Test>::get(1).is_none());
		});
	}
}

mod commit_reveal {
	use super::*;

	#[test]
	fn members_commit_and_reveal_for_free() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let member = committee(task)[0];
			assert_eq!(commit(member, task, &answer(2)), Ok(free_of_charge()));
			assert_eq!(Tasks::<Test>::get(task).unwrap().commits, 1);
			run_to_block(5);
			assert_eq!(reveal(member, task, &answer(2)), Ok(free_of_charge()));
			assert_eq!(Reveals::<Test>::get(task, member), Some(answer(2)));
			assert!(events().contains(&Event::Revealed { task, node: member, label: 2 }));
		});
	}

	#[test]
	fn commit_errors_change_nothing() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let outsider =
				[ALICE, BOB, CHARLIE, DAVE].into_iter().find(|n| !members.contains(n)).unwrap();
			let member = members[0];
			let c = commitment(&answer(0), &salt(member), &member);
			assert_noop!(
				Inference::commit(RuntimeOrigin::signed(member), task, c),
				Error::<Test>::NotInferenceNode
			);
			assert_noop!(commit(member, task + 1, &answer(0)), Error::<Test>::UnknownTask);
			assert_noop!(commit(outsider, task, &answer(0)), Error::<Test>::NotCommitteeMember);
			assert_ok!(commit(member, task, &answer(0)));
			assert_noop!(commit(member, task, &answer(1)), Error::<Test>::AlreadyCommitted);
			run_to_block(5);
			assert_noop!(commit(members[1], task, &answer(0)), Error::<Test>::WindowClosed);
		});
	}

	#[test]
	fn reveal_errors_change_nothing() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let (a, b) = (members[0], members[1]);
			assert_ok!(commit(a, task, &answer(0)));
			assert_noop!(reveal(a, task, &answer(0)), Error::<Test>::RevealTooEarly);
			assert_noop!(reveal(b, task, &answer(0)), Error::<Test>::NotCommitted);
			run_to_block(5);
			assert_noop!(reveal(a, task, &answer(1)), Error::<Test>::RevealMismatch);
			let mut altered = answer(0);
			altered.scores[0] = 9_001;
			assert_noop!(reveal(a, task, &altered), Error::<Test>::RevealMismatch);
			assert_noop!(
				Inference::reveal(RuntimeOrigin::signed(signer_of(a)), task, answer(0), [0; 32]),
				Error::<Test>::RevealMismatch
			);
			assert_ok!(reveal(a, task, &answer(0)));
			assert_noop!(reveal(a, task, &answer(0)), Error::<Test>::AlreadyRevealed);
		});
	}

	#[test]
	fn malformed_results_and_late_reveals_are_refused() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let mut malformed = answer(0);
			malformed.label = LABELS;
			let mut too_sure = answer(0);
			too_sure.scores[0] = 10_001;
			assert_ok!(commit(members[0], task, &malformed));
			assert_ok!(commit(members[1], task, &too_sure));
			assert_ok!(commit(members[2], task, &answer(0)));
			// Everyone committed: reveals open before the commit window ends.
			assert_noop!(reveal(members[0], task, &malformed), Error::<Test>::InvalidResult);
			assert_noop!(reveal(members[1], task, &too_sure), Error::<Test>::InvalidResult);
			run_to_block(7);
			// Judged in block 7: the task is gone.
			assert_noop!(reveal(members[2], task, &answer(0)), Error::<Test>::UnknownTask);
		});
	}

	#[test]
	fn reveals_close_with_the_window() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let member = committee(task)[0];
			assert_ok!(commit(member, task, &answer(0)));
			// Block 6 is the last reveal block; the check runs before `on_initialize(7)`.
			System::set_block_number(7);
			assert_noop!(reveal(member, task, &answer(0)), Error::<Test>::WindowClosed);
			System::set_block_number(2);
		});
	}
}

/// The pool validates committee calls, ranks them first, and charges them nothing.
mod transaction_pool {
	use super::*;
	use sp_runtime::transaction_validity::{
		InvalidTransaction, TransactionValidity, TransactionValidityError,
	};

	/// What the pool makes of `call` signed by `who`'s key.
	fn validity(who: AccountId, call: Call<Test>) -> TransactionValidity {
		daollm_test_support::seat_validity::<Test, Inference>(
			signer_of(who),
			RuntimeCall::Inference(call),
		)
	}

	fn validate(who: AccountId, call: Call<Test>) -> Result<u64, TransactionValidityError> {
		validity(who, call).map(|valid| valid.priority)
	}

	fn commit_call(who: AccountId, task: TaskId) -> Call<Test> {
		Call::commit { task, commitment: commitment(&answer(0), &salt(who), &who) }
	}

	#[test]
	fn a_members_commit_and_reveal_outrank_any_tip_and_are_feeless() {
		use frame_support::dispatch::CheckIfFeeless;
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let member = committee(task)[0];
			assert_eq!(validate(member, commit_call(member, task)), Ok(COMMITTEE_PRIORITY));
			let call = RuntimeCall::Inference(commit_call(member, task));
			assert!(call.is_feeless(&RuntimeOrigin::signed(signer_of(member))));

			assert_ok!(commit(member, task, &answer(0)));
			let others: Vec<_> = committee(task).into_iter().skip(1).collect();
			for m in &others {
				assert_ok!(commit(*m, task, &answer(0)));
			}
			let reveal = Call::reveal { task, result: answer(0), salt: salt(member) };
			assert_eq!(validate(member, reveal.clone()), Ok(COMMITTEE_PRIORITY));
			assert!(RuntimeCall::Inference(reveal)
				.is_feeless(&RuntimeOrigin::signed(signer_of(member))));
		});
	}

	/// A member signs the same step many times at other nonces, with other commitments, or an
	/// excuse instead: every copy provides the same seat tag, so a pool keeps one of them, and
	/// none outlives the step's window.
	#[test]
	fn a_seat_gets_one_pool_entry_per_step() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let member = committee(task)[0];
			let validity = |call| validity(member, call).expect("valid");
			let copies: Vec<_> = (0u8..8)
				.map(|i| validity(Call::commit { task, commitment: H256::repeat_byte(i) }))
				.chain([validity(Call::excuse { task })])
				.collect();
			let record = Tasks::<Test>::get(task).unwrap();
			let window = record.commit_end - System::block_number() + 1;
			for copy in &copies {
				assert_eq!(copy.provides, copies[0].provides, "one tag for the seat's commit");
				assert_eq!(copy.longevity, window, "lives no longer than the commit window");
				assert_eq!(copy.priority, COMMITTEE_PRIORITY);
			}
			assert_eq!(copies[0].provides.len(), 1);

			// The reveal is another step: another tag.
			for m in committee(task) {
				assert_ok!(commit(m, task, &answer(0)));
			}
			let reveal = validity(Call::reveal { task, result: answer(0), salt: salt(member) });
			assert_ne!(reveal.provides, copies[0].provides);
		});
	}

	/// A resend of a commit that already landed, a stranger's commit, a late one and a reveal
	/// that does not match are refused at the pool's door: they neither fill blocks nor cost
	/// their sender a fee.
	#[test]
	fn committee_calls_that_would_fail_never_enter_the_pool() {
		use frame_support::dispatch::CheckIfFeeless;
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let member = members[0];
			let outsider = [ALICE, BOB, CHARLIE, DAVE]
				.into_iter()
				.find(|n| !members.contains(n))
				.expect("four nodes, three seats");
			let refused = Err(InvalidTransaction::Call.into());
			assert_eq!(validate(outsider, commit_call(outsider, task)), refused);
			assert_ok!(commit(member, task, &answer(0)));
			assert_eq!(validate(member, commit_call(member, task)), refused, "a duplicate");
			let wrong = Call::reveal { task, result: answer(1), salt: salt(member) };
			run_to_block(5);
			assert_eq!(validate(member, wrong.clone()), refused, "not what was committed");
			assert!(!RuntimeCall::Inference(wrong)
				.is_feeless(&RuntimeOrigin::signed(signer_of(member))));
			assert_eq!(validate(members[1], commit_call(members[1], task)), refused, "too late");
			// Any other call passes untouched.
			let other = Call::set_parameters { parameters: default_parameters() };
			assert_eq!(validate(member, other), Ok(0));
		});
	}
}

mod judgement {
	use super::*;

	/// Every member of `task` commits and reveals what `answer_of` says; `None` stays silent.
	fn play(task: TaskId, answer_of: impl Fn(AccountId) -> Option<InferenceResult>) {
		let members = committee(task);
		let record = Tasks::<Test>::get(task).expect("an open task");
		for m in &members {
			if let Some(a) = answer_of(*m) {
				assert_ok!(commit(*m, task, &a));
			}
		}
		run_to_block(record.commit_end + 1);
		for m in &members {
			if let Some(a) = answer_of(*m) {
				assert_ok!(reveal(*m, task, &a));
			}
		}
		run_to_block(record.reveal_end + 1);
	}

	#[test]
	fn unanimous_answers_are_final_in_the_block_after_the_last_reveal() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			for m in &members {
				assert_ok!(commit(*m, task, &answer(3)));
			}
			for m in &members {
				assert_ok!(reveal(*m, task, &answer(3)));
			}
			assert_eq!(Tasks::<Test>::get(task).unwrap().reveal_end, 2);
			run_to_block(3);
			let result = Results::<Test>::get(task).expect("judged in block 3");
			assert_eq!(
				result.outcome,
				Outcome::Consensus {
					label: 3,
					scores: answer(3).scores,
					readable: 9_000,
					brief: brief()
				}
			);
			assert!(!brief().figures.is_empty() && !brief().sentences.is_empty());

			assert_eq!(result.participation, Perbill::one());
			assert_eq!(result.finalized_at, 3);
			assert_eq!(Analysed::get(), vec![(1, 3)]);
			assert_eq!(Commitments::<Test>::iter_prefix(task).count(), 0);
			assert_eq!(Reveals::<Test>::iter_prefix(task).count(), 0);
			for m in &members {
				let node = Nodes::<Test>::get(m).unwrap();
				assert_eq!(node.reputation, Perbill::from_percent(60));
				assert_eq!(node.stats.agreed, 1);
				assert!(Rewarded::get().contains(&(*m, Contribution::Inference, 5)));
				assert_eq!(
					History::<Test>::get(m).into_inner(),
					vec![HistoryEntry {
						work: Work::Task(task),
						outcome: MemberOutcome::Agreed,
						at: 3
					}]
				);
			}
			assert!(events().contains(&Event::TaskFinalized {
				task,
				proposal: 1,
				label: 3,
				scores: answer(3).scores.to_vec(),
				readable: 9_000,
				brief: brief(),
				participation: Perbill::one(),
			}));
		});
	}

	#[test]
	fn the_majority_decides_the_dissenter_and_the_silent_one_lose_reputation_and_stake() {
		ExtBuilder::default()
			.nodes([ALICE, BOB, CHARLIE, DAVE, EVE].map(|n| (n, MIN_STAKE)).to_vec())
			.build_and_execute(|| {
				assert_ok!(Inference::set_parameters(
					RuntimeOrigin::root(),
					Parameters { committee_size: 5, ..default_parameters() }
				));
				let task = open(1);
				let members = committee(task);
				let (dissenter, silent) = (members[3], members[4]);
				let issuance = Balances::total_issuance();
				play(task, |m| match m {
					m if m == silent => None,
					m if m == dissenter => Some(answer(1)),
					_ => Some(answer(0)),
				});
				let result = Results::<Test>::get(task).unwrap();
				assert!(matches!(result.outcome, Outcome::Consensus { label: 0, .. }));
				assert_eq!(result.participation, Perbill::from_percent(80));

				let dissent = Nodes::<Test>::get(dissenter).unwrap();
				assert_eq!(dissent.reputation, Perbill::from_percent(40));
				assert_eq!(dissent.stake, MIN_STAKE - 20, "disagreeing: 2% slashed");
				let quiet = Nodes::<Test>::get(silent).unwrap();
				assert_eq!(quiet.reputation, Perbill::from_percent(40));
				assert_eq!(quiet.stake, MIN_STAKE - 100, "10% slashed");
				assert_eq!(held(silent), MIN_STAKE - 100);
				assert_eq!(Slashed::get(), 120);
				assert_eq!(Balances::total_issuance(), issuance - 120);
				let slashed = |node, amount| pallet_compute_nodes::Event::NodeSlashed {
					node,
					work: Work::Task(task),
					amount,
				};
				assert!(node_events().contains(&slashed(silent, 100)));
				assert!(node_events().contains(&slashed(dissenter, 20)));
				assert!(!Rewarded::get()
					.iter()
					.any(|(who, ..)| *who == dissenter || *who == silent));
				// Below `min_node_stake` after the slash: out of committees until topped up.
				assert!(!Candidates::<Test>::get().iter().any(|(who, _)| *who == silent));
				assert_ok!(ComputeNodes::add_stake(RuntimeOrigin::signed(silent), 100));
				assert!(Candidates::<Test>::get().iter().any(|(who, _)| *who == silent));
			});
	}

	#[test]
	fn similar_proposals_are_earlier_ones_with_the_closest_agreed_signature() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let proposals = [
				("Raise the ETH-A debt ceiling", "Raise the ETH-A debt ceiling to 150M DAI."),
				("A token standard", "An interface for fungible tokens that wallets implement."),
				("Raise the ETH-A debt ceiling again", "Raise the ETH-A debt ceiling to 200M DAI."),
				("Lower the WBTC stability fee", "Lower the stability fee of the WBTC vault."),
			];
			for (i, (title, body)) in proposals.iter().enumerate() {
				let brief =
					daollm_inference_interface::compute_brief(title.as_bytes(), body.as_bytes())
						.unwrap();
				let a = InferenceResult { brief, ..answer(0) };
				play(open(i as ProposalId + 1), |_| Some(a.clone()));
			}
			let similar = Inference::similar(3, 10);
			assert_eq!(similar.len(), 1, "only the first shares words: {similar:?}");
			assert_eq!(similar[0].0, 1);
			assert!(similar[0].1 > 500_000 && similar[0].1 < 1_000_000, "{similar:?}");
			// Only earlier proposals, at most `limit`, none without an agreed signature.
			assert!(Inference::similar(1, 10).is_empty());
			assert!(Inference::similar(3, 0).is_empty());
			assert!(Inference::similar(99, 10).is_empty());
			assert!(Inference::similar(4, 10).is_empty(), "shares no word");
		});
	}

	#[test]
	fn a_judged_task_keeps_its_committee_and_its_key_sentences_as_byte_ranges_of_the_body() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let title = "Audit grant";
			let body = "Fund the audit team for the next year. The grant is 10 ETH over 6 months. \
			            Nothing else changes in the treasury.";
			let brief =
				daollm_inference_interface::compute_brief(title.as_bytes(), body.as_bytes())
					.unwrap();
			let hash = H256(sp_io::hashing::blake2_256(body.as_bytes()));
			assert_ok!(<Inference as InferenceTasks>::open_task(7, hash));
			run_to_block(System::block_number() + 1);
			let task = TaskOfProposal::<Test>::get(7).expect("a task opened");
			let drawn = Tasks::<Test>::get(task).unwrap().committee;
			let a = InferenceResult { brief: brief.clone(), ..answer(0) };
			play(task, |_| Some(a.clone()));

			let details = Inference::proposal_task(7).expect("judged");
			assert_eq!(Inference::task(task).encode(), Some(details.clone()).encode());
			let TaskStatus::Judged(result) = details.status else { panic!("judged") };
			assert_eq!(result.committee.encode(), drawn.encode(), "the seats stay with the result");
			assert_eq!(result.seats(), drawn.iter().map(|m| m.seats).sum::<u32>());

			// The key sentences are byte ranges of the analysed body, like the figures.
			let Outcome::Consensus { brief: agreed, .. } = result.outcome else { panic!("agreed") };
			assert_eq!(agreed, brief);
			for sentence in agreed.sentences.iter() {
				assert!(
					sentence.text(body).is_some_and(|text| text.ends_with('.')),
					"{sentence:?}"
				);
			}
		});
	}

	#[test]
	fn a_split_committee_reaches_no_consensus() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			play(task, |m| {
				Some(answer(if m == members[0] {
					1
				} else if m == members[1] {
					2
				} else {
					3
				}))
			});
			// No consensus: the proposal escalates to a second round (whose opening drops the
			// first round's result), and nobody is judged before its analysis ends.
			assert!(events().contains(&Event::TaskEscalated { task, proposal: 1, round: 1 }));
			let next = TaskOfProposal::<Test>::get(1).expect("a second round");
			assert_ne!(next, task);
			assert!(Results::<Test>::get(task).is_none());
			assert_eq!(Escalations::<Test>::get(1).map(|e| e.failed), Some(1));
			assert!(Analysed::get().is_empty());
			for m in &members {
				assert_eq!(Nodes::<Test>::get(m).unwrap().reputation, Perbill::from_percent(50));
			}
			assert!(events().contains(&Event::NoConsensus {
				task,
				proposal: 1,
				participation: Perbill::one()
			}));
		});
	}

	#[test]
	fn answers_from_another_model_disagree() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let stale = InferenceResult { model: H256::repeat_byte(0xBB), ..answer(0) };
			play(task, |m| Some(if m == members[2] { stale.clone() } else { answer(0) }));
			// Two of three stake-equal members on the task's model: exactly two thirds.
			assert!(matches!(
				Results::<Test>::get(task).unwrap().outcome,
				Outcome::Consensus { label: 0, .. }
			));
			assert_eq!(Nodes::<Test>::get(members[2]).unwrap().stats.disagreed, 1);
		});
	}

	/// Runs one task with a committee of Alice, Bob and Charlie in which Bob and Charlie answer
	/// and Alice is silent (Bob and Charlie hold two of its three seats, so the
	/// task is judged); the block after its judgement.
	fn alice_silent(proposal: ProposalId) -> TaskId {
		let task = open(proposal);
		let now = System::block_number();
		for m in [BOB, CHARLIE] {
			assert_ok!(commit(m, task, &answer(0)));
		}
		run_to_block(now + 3);
		for m in [BOB, CHARLIE] {
			assert_ok!(reveal(m, task, &answer(0)));
		}
		run_to_block(now + 5);
		assert!(Results::<Test>::get(task).is_some());
		task
	}

	fn three_node_committees() {
		assert_ok!(Inference::set_parameters(
			RuntimeOrigin::root(),
			Parameters { committee_size: 3, ..default_parameters() }
		));
	}

	/// Alice, Bob and Charlie with equal stakes.
	fn three_equal_nodes() -> ExtBuilder {
		ExtBuilder::default().nodes([ALICE, BOB, CHARLIE].map(|n| (n, 2 * MIN_STAKE)).to_vec())
	}

	/// Puts all three nodes on every committee and keeps Alice silent for five tasks while the
	/// others answer: 50% → 40% → 32% → 25.6% → 20.48% → 16.4%, excluded on the fifth miss.
	/// The block of her exclusion.
	fn exclude_alice() -> u64 {
		three_node_committees();
		for proposal in 0..5 {
			alice_silent(proposal);
		}
		Nodes::<Test>::get(ALICE).and_then(|n| n.excluded_at).expect("Alice is excluded")
	}

	/// Silence while the others answer drives a node out; registering again neither comes
	/// early nor resets its reputation to the initial 50 %.
	#[test]
	fn an_excluded_node_cannot_reset_its_reputation() {
		three_equal_nodes().build_and_execute(|| {
			let excluded_at = exclude_alice();
			let node = Nodes::<Test>::get(ALICE).unwrap();
			assert_eq!(node.status, NodeStatus::Excluded);
			assert_eq!(node.stats.missed, 5);
			assert_eq!(History::<Test>::get(ALICE).len(), 4, "history keeps MaxHistory entries");
			assert!(!Candidates::<Test>::get().iter().any(|(who, _)| *who == ALICE));
			assert!(node_events().iter().any(|e| matches!(
				e,
				pallet_compute_nodes::Event::NodeExcluded { node: ALICE, .. }
			)));

			assert_noop!(
				register_node(RuntimeOrigin::signed(ALICE), 0, key_of(ALICE)),
				pallet_compute_nodes::Error::<Test>::RejoinTooEarly
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
		three_equal_nodes().build_and_execute(|| {
			let excluded_at = exclude_alice();
			let reputation = Nodes::<Test>::get(ALICE).unwrap().reputation;
			let stake = Nodes::<Test>::get(ALICE).unwrap().stake;
			assert_ok!(ComputeNodes::unbond(RuntimeOrigin::signed(ALICE), stake));
			run_to_block(System::block_number() + 20);
			assert_ok!(ComputeNodes::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(Nodes::<Test>::get(ALICE).is_none());
			assert_eq!(
				FormerNodes::<Test>::get(ALICE),
				Some(Standing { reputation, excluded_at: Some(excluded_at) })
			);
			run_to_block(excluded_at + REJOIN_COOLDOWN);
			assert_ok!(register_node(RuntimeOrigin::signed(ALICE), MIN_STAKE, key_of(ALICE)));
			assert_eq!(Nodes::<Test>::get(ALICE).unwrap().reputation, Perbill::from_percent(20));
			assert!(FormerNodes::<Test>::get(ALICE).is_none());
		});
	}

	/// One outage is one offence. A node that misses every seat for a whole offence window
	/// is slashed once, not once per seat.
	#[test]
	fn an_outage_is_slashed_once_per_offence_window() {
		let stake = 4 * MIN_STAKE;
		ExtBuilder::default()
			.nodes(vec![(ALICE, stake), (BOB, stake), (CHARLIE, stake)])
			.build_and_execute(|| {
				three_node_committees();
				// Two tasks judged in one window: one slash of 10 %.
				let first = alice_silent(0);
				alice_silent(1);
				assert_eq!(Nodes::<Test>::get(ALICE).unwrap().stats.missed, 2);
				assert_eq!(Slashed::get(), stake / 10);
				assert_eq!(held(ALICE), stake - stake / 10);
				let slashes: Vec<_> = node_events()
					.into_iter()
					.filter(|e| {
						matches!(e, pallet_compute_nodes::Event::NodeSlashed { node: ALICE, .. })
					})
					.collect();
				assert_eq!(
					slashes,
					vec![pallet_compute_nodes::Event::NodeSlashed {
						node: ALICE,
						work: Work::Task(first),
						amount: stake / 10
					}]
				);
				// The next window is a new offence.
				alice_silent(2);
				let left = stake - stake / 10;
				assert_eq!(held(ALICE), left - left / 10);
				// The honest members are whole.
				assert_eq!((held(BOB), held(CHARLIE)), (stake, stake));
			});
	}

	/// A member that excuses itself is judged `Excused`: reputation down as for a miss,
	/// no slash, while the others' answers decide the task.
	#[test]
	fn an_excused_member_is_not_slashed() {
		let stake = 4 * MIN_STAKE;
		ExtBuilder::default()
			.nodes(vec![(ALICE, stake), (BOB, stake), (CHARLIE, stake)])
			.build_and_execute(|| {
				three_node_committees();
				let task = open(0);
				assert_ok!(Inference::excuse(RuntimeOrigin::signed(signer_of(ALICE)), task));
				assert_noop!(
					Inference::excuse(RuntimeOrigin::signed(signer_of(ALICE)), task),
					Error::<Test>::AlreadyExcused
				);
				assert_noop!(commit(ALICE, task, &answer(0)), Error::<Test>::AlreadyExcused);
				for m in [BOB, CHARLIE] {
					assert_ok!(commit(m, task, &answer(0)));
				}
				// Two commits and one excuse: every seat has spoken, reveals open early.
				for m in [BOB, CHARLIE] {
					assert_ok!(reveal(m, task, &answer(0)));
				}
				run_to_block(3);
				assert!(matches!(
					Results::<Test>::get(task).unwrap().outcome,
					Outcome::Consensus { label: 0, .. }
				));
				let alice = Nodes::<Test>::get(ALICE).unwrap();
				assert_eq!(held(ALICE), stake, "not slashed");
				assert_eq!(alice.reputation, Perbill::from_percent(40));
				assert_eq!((alice.stats.excused, alice.stats.missed), (1, 0));
				assert_eq!(Slashed::get(), 0);
				assert_eq!(Excuses::<Test>::iter_prefix(task).count(), 0);
				assert!(events().contains(&Event::Excused { task, node: ALICE }));
			});
	}

	/// An excuse is a seat's answer for the pool too: feeless and first in line, and refused
	/// from anyone but a member within the commit window.
	#[test]
	fn excuses_are_checked_like_commits() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			let outsider = [ALICE, BOB, CHARLIE, DAVE]
				.into_iter()
				.find(|n| !members.contains(n))
				.expect("four nodes, three seats");
			assert_noop!(
				Inference::excuse(RuntimeOrigin::signed(signer_of(outsider)), task),
				Error::<Test>::NotCommitteeMember
			);
			assert_ok!(commit(members[0], task, &answer(0)));
			assert_noop!(
				Inference::excuse(RuntimeOrigin::signed(signer_of(members[0])), task),
				Error::<Test>::AlreadyCommitted
			);
			run_to_block(5);
			assert_noop!(
				Inference::excuse(RuntimeOrigin::signed(signer_of(members[1])), task),
				Error::<Test>::WindowClosed
			);
		});
	}

	/// One member of three answering is below the minimum participation: it does not decide
	/// the label alone; the task escalates, and nobody is slashed before the analysis ends.
	#[test]
	fn less_than_a_quorum_answering_decides_nothing_and_slashes_nobody() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let task = open(1);
			let members = committee(task);
			play(task, |m| (m == members[0]).then(|| answer(4)));
			assert!(events().iter().any(|e| matches!(
				e,
				Event::TaskInconclusive { task: t, .. } if *t == task
			)));
			assert!(events().contains(&Event::TaskEscalated { task, proposal: 1, round: 1 }));
			assert_eq!(Slashed::get(), 0);
			assert!(Analysed::get().is_empty());
		});
	}
}

mod governance {
	use super::*;

	#[test]
	fn governance_sets_parameters_within_bounds() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let new = Parameters { committee_size: 4, ..default_parameters() };
			assert_ok!(Inference::set_parameters(RuntimeOrigin::root(), new.clone()));
			assert_eq!(Params::<Test>::get(), new);
			assert!(events().contains(&Event::ParametersSet { parameters: new }));
			assert_eq!(committee(open(1)).len(), 4, "new tasks draw the new committee size");
		});
	}

	#[test]
	fn invalid_parameters_are_refused() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let set = |p| Inference::set_parameters(RuntimeOrigin::root(), p);
			let d = default_parameters;
			assert_noop!(
				Inference::set_parameters(RuntimeOrigin::signed(ALICE), d()),
				DispatchError::BadOrigin
			);
			let cases = [
				(Parameters { committee_size: 0, ..d() }, Error::<Test>::InvalidCommitteeSize),
				(Parameters { committee_size: 65, ..d() }, Error::<Test>::InvalidCommitteeSize),
				(Parameters { escalations: 4, ..d() }, Error::<Test>::InvalidEscalations),
				(Parameters { commit_window: 0, ..d() }, Error::<Test>::InvalidWindow),
				(Parameters { reveal_window: 0, ..d() }, Error::<Test>::InvalidWindow),
				(Parameters { commit_window: 19, ..d() }, Error::<Test>::InvalidWindow),
				(
					Parameters { consensus_threshold: Perbill::from_percent(50), ..d() },
					Error::<Test>::InvalidThreshold,
				),
				(
					Parameters { min_participation: Perbill::zero(), ..d() },
					Error::<Test>::InvalidParticipation,
				),
			];
			for (params, error) in cases {
				assert_noop!(set(params), error);
			}
		});
	}
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	/// What a dishonest or careless member does.
	#[derive(Clone, Debug)]
	enum Behaviour {
		Silent,
		CommitOnly,
		Lie(LabelIndex),
		OtherModel,
	}

	fn behaviour() -> impl Strategy<Value = Behaviour> {
		prop_oneof![
			Just(Behaviour::Silent),
			Just(Behaviour::CommitOnly),
			(0..LABELS).prop_map(Behaviour::Lie),
			Just(Behaviour::OtherModel),
		]
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		/// Five nodes of any stakes all on a committee of five seats (one a node); the honest
		/// ones hold at least two thirds of the seats. Whatever the others do, the honest label
		/// wins, and total issuance falls by exactly the stake slashed.
		#[test]
		fn honest_seats_above_the_threshold_decide_and_only_slashes_move_issuance(
			stakes in proptest::collection::vec(MIN_STAKE..10 * MIN_STAKE, 5),
			honest in proptest::collection::vec(any::<bool>(), 5),
			behaviours in proptest::collection::vec(behaviour(), 5),
			label in 0..LABELS,
			entropy in any::<u64>(),
		) {
			let operators = [ALICE, BOB, CHARLIE, DAVE, EVE];
			// One seat each: stake weighs the draw, not the vote.
			let honest_seats = honest.iter().filter(|h| **h).count() as u128;
			prop_assume!(daollm_primitives::threshold::reaches(
				honest_seats,
				operators.len() as u128,
				Perbill::from_rational(2u32, 3u32),
			));

			let nodes = operators.iter().copied().zip(stakes.iter().copied()).collect();
			ExtBuilder::default().nodes(nodes).build_and_execute(|| {
				Entropy::set(entropy);
				Inference::set_parameters(
					RuntimeOrigin::root(),
					Parameters { committee_size: 5, ..default_parameters() },
				)
				.unwrap();
				let issuance = Balances::total_issuance();
				let task = open(1);
				let plan = |who: AccountId| {
					let i = operators.iter().position(|o| *o == who).unwrap();
					if honest[i] { Some(answer(label)) } else {
						match behaviours[i] {
							Behaviour::Silent => None,
							Behaviour::CommitOnly => Some(answer(label)),
							Behaviour::Lie(l) => Some(answer(l)),
							Behaviour::OtherModel =>
								Some(InferenceResult { model: H256::repeat_byte(1), ..answer(label) }),
						}
					}
				};
				for who in operators {
					if let Some(a) = plan(who) {
						commit(who, task, &a).unwrap();
					}
				}
				run_to_block(5);
				for (i, who) in operators.iter().enumerate() {
					let commit_only = !honest[i] && matches!(behaviours[i], Behaviour::CommitOnly);
					if let (Some(a), false) = (plan(*who), commit_only) {
						reveal(*who, task, &a).unwrap();
					}
				}
				run_to_block(7);
				let result = Results::<Test>::get(task).unwrap();
				assert!(
					matches!(result.outcome, Outcome::Consensus { label: l, .. } if l == label),
					"honest label {label} lost: {:?}", result.outcome
				);
				assert_eq!(issuance - Balances::total_issuance(), Slashed::get());
				// The honest side comes out whole.
				for (i, who) in operators.iter().enumerate() {
					if honest[i] {
						assert_eq!(held(*who), stakes[i], "an honest member lost stake");
					}
				}
			});
		}
	}
}

mod offchain_worker {
	//! The offchain worker against the pallet: a stand-in classifier (the real engine is tested in
	//! `offchain-workers/` and end to end on the node) answers from the body's first byte.
	use super::*;
	use crate::offchain::{answer_key, Answer};
	use codec::Decode;
	use daollm_inference_interface::{Classification, Classifier, ClassifierExt, InferenceError};
	use daollm_primitives::content::offchain_body_key;
	use daollm_test_support::{drain_signed, with_offchain_worker, Pool};
	use sp_core::offchain::StorageKind;
	use std::sync::{Arc, Mutex};

	const BODY: &[u8] =
		b"\x02 A proposal body the stand-in labels 2. It pays 500 DAI to the keeper \
		over 6 months.";

	/// Label = first byte of the body, for the model `model()` only; counts its calls.
	struct StandIn {
		calls: Mutex<u32>,
	}
	impl Classifier for StandIn {
		fn classify(&self, m: &[u8; 32], text: &[u8]) -> Result<Classification, InferenceError> {
			*self.calls.lock().unwrap() += 1;
			if *m != model().0 {
				return Err(InferenceError::ModelNotFound);
			}
			let label = *text.first().ok_or(InferenceError::EmptyInput)?;
			let scores = (0..LABELS).map(|l| if l == label { 9_000 } else { 250 }).collect();
			Ok(Classification { label, scores, readable: 9_500 })
		}
	}

	struct Node {
		ext: sp_io::TestExternalities,
		pool: Pool,
		classifier: Arc<StandIn>,
	}

	/// Four registered nodes; this node holds the keys of `local`; the body is indexed when
	/// `indexed`; the engine is present when `engine`.
	fn node(local: &[AccountId], indexed: bool, engine: bool) -> Node {
		let mut ext = ExtBuilder::default().four_nodes().build();
		let pool = with_offchain_worker(&mut ext, local.iter().map(|who| signer_of(*who)));
		let classifier = Arc::new(StandIn { calls: Mutex::new(0) });
		if engine {
			ext.register_extension(ClassifierExt(classifier.clone()));
		}
		if indexed {
			ext.execute_with(|| {
				let digest = sp_io::hashing::blake2_256(BODY);
				sp_io::offchain::local_storage_set(
					StorageKind::PERSISTENT,
					&offchain_body_key(&digest),
					BODY,
				);
			});
		}
		Node { ext, pool, classifier }
	}

	fn open_task() -> TaskId {
		let digest = H256(sp_io::hashing::blake2_256(BODY));
		assert_ok!(<Inference as InferenceTasks>::open_task(7, digest));
		run_to_block(System::block_number() + 1);
		TaskOfProposal::<Test>::get(7).unwrap()
	}

	/// Takes the pool's transactions, as (signer, call).
	fn drain(pool: &Pool) -> Vec<(AccountId, Call<Test>)> {
		drain_signed::<RuntimeCall>(pool)
			.into_iter()
			.map(|(signer, call)| match call {
				RuntimeCall::Inference(call) => (signer, call),
				other => panic!("unexpected call {other:?}"),
			})
			.collect()
	}

	/// Dispatches what the worker sent, as the block author would.
	fn include(sent: Vec<(AccountId, Call<Test>)>) {
		for (signer, call) in sent {
			assert_ok!(RuntimeCall::Inference(call).dispatch(RuntimeOrigin::signed(signer)));
		}
	}

	/// The blocks the worker waits before it resends a step.
	fn resend_after() -> u64 {
		u64::from(<<Test as Config>::ResendAfter as frame_support::traits::Get<u32>>::get())
	}

	fn kept(task: TaskId, node: AccountId) -> Option<Answer<u64>> {
		sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, &answer_key(task, &node))
			.map(|bytes| Answer::decode(&mut &bytes[..]).unwrap())
	}

	fn to_block(n: u64) {
		run_to_block(n);
		Inference::offchain_worker(n);
	}

	/// Runs the worker in the drawing block, then moves to the block after it, the first a
	/// member may commit in, and runs the worker there; that block's number.
	fn to_first_chance(task: TaskId) -> u64 {
		let drawn = Tasks::<Test>::get(task).unwrap().opened_at;
		Inference::offchain_worker(drawn);
		to_block(drawn + 1);
		drawn + 1
	}

	use frame_support::traits::Hooks;
	use sp_runtime::traits::Dispatchable;

	#[test]
	fn committee_members_commit_reveal_and_the_task_is_judged_with_the_models_label() {
		let all = [ALICE, BOB, CHARLIE, DAVE];
		let Node { mut ext, pool, classifier } = node(&all, true, true);
		ext.execute_with(|| {
			let task = open_task();
			let members = committee(task);
			// Not in the block that drew the committee: peers still on its parent would drop
			// the commits.
			let drawn = Tasks::<Test>::get(task).unwrap().opened_at;
			Inference::offchain_worker(drawn);
			assert!(drain(&pool).is_empty(), "nothing sent in the drawing block");
			to_block(drawn + 1);
			let sent = drain(&pool);
			assert_eq!(sent.len(), members.len(), "one commit per member");
			for (signer, call) in &sent {
				let node = *signer - KEY_OFFSET;
				let Call::commit { task: t, commitment: c } = call else { panic!("{call:?}") };
				let answer = kept(task, node).expect("kept before sending");
				assert_eq!((*t, *c), (task, commitment(&answer.answer, &answer.salt, &node)));
				assert_eq!(answer.answer.label, 2);
				assert_eq!(answer.answer.model, model());
			}
			assert_eq!(*classifier.calls.lock().unwrap(), members.len() as u32);
			include(sent);

			// Every member committed: the reveal window is open from the next block, and the
			// worker reveals from the block after that.
			to_block(drawn + 2);
			assert!(drain(&pool).is_empty(), "not in the block the last commit landed in");
			to_block(drawn + 3);
			let sent = drain(&pool);
			assert_eq!(sent.len(), members.len(), "one reveal per member");
			assert!(sent.iter().all(|(_, c)| matches!(c, Call::reveal { .. })));
			include(sent);

			to_block(drawn + 4);
			assert!(drain(&pool).is_empty(), "nothing left to do");
			let result = Results::<Test>::get(task).expect("judged");
			// The committee agreed on the brief every worker computed from the body (the mock
			// has no titles).
			let expected = daollm_inference_interface::compute_brief(b"", BODY).unwrap();
			assert_eq!(expected.figures.len(), 2, "500 DAI and 6 months");
			assert!(
				matches!(result.outcome, Outcome::Consensus { label: 2, brief, .. } if brief == expected)
			);
			assert_eq!(Analysed::get(), vec![(7, 2)]);
		});
	}

	#[test]
	fn the_worker_never_commits_twice_and_resends_the_same_commitment_later() {
		let Node { mut ext, pool, classifier } = node(&[ALICE, BOB, CHARLIE, DAVE], true, true);
		ext.execute_with(|| {
			// Long windows, so that resending fits in the commit window.
			let mut params = default_parameters();
			params.commit_window = 10;
			assert_ok!(Inference::set_parameters(RuntimeOrigin::root(), params));
			let task = open_task();
			let member = committee(task)[0];
			let first_chance = to_first_chance(task);
			let first: Vec<_> =
				drain(&pool).into_iter().filter(|(s, _)| *s == signer_of(member)).collect();
			assert_eq!(first.len(), 1);
			let calls = *classifier.calls.lock().unwrap();

			// The same block again, and the blocks before the resend delay (while the first
			// attempt may still land): nothing is sent.
			Inference::offchain_worker(first_chance);
			for n in first_chance + 1..(first_chance + resend_after()) {
				to_block(n);
			}
			assert!(drain(&pool).is_empty());

			// The commit never landed, and it is dead: it is sent again, with the same
			// commitment, and the model is not run again.
			to_block(first_chance + resend_after());
			let again: Vec<_> =
				drain(&pool).into_iter().filter(|(s, _)| *s == signer_of(member)).collect();
			assert_eq!(again, first);
			assert_eq!(*classifier.calls.lock().unwrap(), calls);
		});
	}

	#[test]
	fn a_node_without_a_members_key_does_nothing() {
		let Node { mut ext, pool, classifier } = node(&[], true, true);
		ext.execute_with(|| {
			let task = open_task();
			to_first_chance(task);
			assert!(drain(&pool).is_empty());
			assert_eq!(*classifier.calls.lock().unwrap(), 0);
			assert!(committee(task).iter().all(|m| kept(task, *m).is_none()));
		});
	}

	#[test]
	fn a_node_without_the_engine_does_nothing() {
		let Node { mut ext, pool, classifier } = node(&[ALICE, BOB, CHARLIE, DAVE], true, false);
		ext.execute_with(|| {
			let task = open_task();
			to_first_chance(task);
			assert!(drain(&pool).is_empty());
			assert!(committee(task).iter().all(|m| kept(task, *m).is_none()));
			assert_eq!(*classifier.calls.lock().unwrap(), 0);
		});
	}

	/// A node without the body (warp-synced, restored) waits for it until its last chance
	/// to commit, then excuses its seat, once until the resend interval.
	#[test]
	fn a_node_without_the_body_excuses_its_seat() {
		let Node { mut ext, pool, classifier } = node(&[ALICE], false, true);
		ext.execute_with(|| {
			let task = open_task();
			let members = committee(task);
			assert!(members.contains(&ALICE));
			// The body may still come: nothing before the last block a commit can land in.
			Inference::offchain_worker(2);
			assert!(drain(&pool).is_empty());
			to_block(3);
			let sent = drain(&pool);
			assert_eq!(sent, vec![(signer_of(ALICE), Call::excuse { task })]);
			assert_eq!(*classifier.calls.lock().unwrap(), 0);
			// Not again before the resend interval.
			Inference::offchain_worker(3);
			assert!(drain(&pool).is_empty());
			include(sent);
			assert!(Excuses::<Test>::contains_key(task, ALICE));
			// Once excused, the worker sends nothing more for the task.
			to_block(2 + resend_after());
			assert!(drain(&pool).is_empty());
		});
	}

	#[test]
	fn a_node_without_the_tasks_model_does_nothing() {
		let Node { mut ext, pool, classifier } = node(&[ALICE, BOB, CHARLIE, DAVE], true, true);
		ext.execute_with(|| {
			Model::set(Some(H256::repeat_byte(0xBB)));
			let task = open_task();
			to_first_chance(task);
			assert!(drain(&pool).is_empty());
			assert!(*classifier.calls.lock().unwrap() > 0, "the engine was asked");
			assert!(committee(task).iter().all(|m| kept(task, *m).is_none()));
		});
	}

	#[test]
	fn the_worker_sends_nothing_once_the_commit_window_has_passed() {
		let Node { mut ext, pool, classifier } = node(&[ALICE, BOB, CHARLIE, DAVE], true, true);
		ext.execute_with(|| {
			let task = open_task();
			let commit_end = Tasks::<Test>::get(task).unwrap().commit_end;
			to_block(commit_end);
			assert!(drain(&pool).is_empty(), "a commit sent now would land too late");
			assert_eq!(*classifier.calls.lock().unwrap(), 0);
		});
	}
}

/// Committee grinding. An attacker whose two nodes hold 30 % of the draw weight wants two
/// of the three seats. Each grinding route is played many times (one seed per trial); its
/// success rate must stay within `TOLERANCE` of what the stake predicts: the share of draws
/// from seeds nobody chose that give it two seats. `TOLERANCE` is four standard deviations of
/// a rate near 0.2 over `TRIALS` trials, so an honest draw fails the check about once in
/// 15 000 runs, and a route that doubled the chance would never pass.
mod grinding {
	use super::*;
	use codec::Encode;
	use daollm_primitives::traits::{ComputeNodes as _, DrawRandomness as _};

	const TRIALS: u64 = 400;
	const TOLERANCE: f64 = 0.08;
	const ATTACKER: [AccountId; 2] = [EVE, FERDIE];

	/// Four honest nodes of 1 400 and the attacker's two of 1 200: 30 % of the weight.
	fn network() -> ExtBuilder {
		ExtBuilder::default().nodes(vec![
			(ALICE, 1_400),
			(BOB, 1_400),
			(CHARLIE, 1_400),
			(DAVE, 1_400),
			(EVE, 1_200),
			(FERDIE, 1_200),
		])
	}

	fn captured(committee: &[AccountId]) -> bool {
		committee.iter().filter(|m| ATTACKER.contains(m)).count() * 3 >= committee.len() * 2
	}

	fn captures(seed: H256) -> bool {
		// Three seats, at most one a node: three members.
		let drawn: Vec<AccountId> =
			ComputeNodes::draw_seats(&seed, 3, &[]).into_iter().map(|seat| seat.node).collect();
		captured(&drawn)
	}

	fn subject(task: TaskId) -> Vec<u8> {
		(b"daollm/committee", task).encode()
	}

	/// What the stake predicts: the share of 4 000 seeds nobody chose that the attacker captures.
	fn predicted() -> f64 {
		let mut wins = 0u32;
		network().build().execute_with(|| {
			for i in 0..4_000u32 {
				wins += u32::from(captures(H256(sp_io::hashing::blake2_256(&i.encode()))));
			}
		});
		f64::from(wins) / 4_000.0
	}

	fn rate(wins: u64) -> f64 {
		wins as f64 / TRIALS as f64
	}

	/// Filler proposals: knowing everything at block N, the attacker puts up to seven fillers
	/// ahead of its proposal to give it the task id whose committee the seed known at N (the
	/// old parent-hash seed) would capture. The draw comes from block N + 1's seed instead.
	#[test]
	fn filler_proposals_cannot_pick_a_committee() {
		let p = predicted();
		let (mut foreseen, mut wins) = (0u64, 0u64);
		for trial in 0..TRIALS {
			network().build_and_execute(|| {
				Entropy::set(trial);
				let choice = (0..8u32)
					.find(|task| MockDraws::seed(&subject(*task), None).is_some_and(captures));
				foreseen += u64::from(choice.is_some());
				let fillers = choice.unwrap_or(0);
				for filler in 0..fillers {
					assert_ok!(<Inference as InferenceTasks>::open_task(filler, H256::zero()));
				}
				assert_ok!(<Inference as InferenceTasks>::open_task(100, H256::zero()));
				while TaskOfProposal::<Test>::get(100).is_none() {
					assert!(System::block_number() < 20, "the proposal is drawn");
					run_to_block(System::block_number() + 1);
				}
				let task = TaskOfProposal::<Test>::get(100).expect("drawn");
				assert_eq!(task, fillers, "the fillers bought the task id");
				wins += u64::from(captured(&committee(task)));
			});
		}
		assert!(rate(foreseen) > 0.6, "a seed known at N would be steered: {}", rate(foreseen));
		assert!((rate(wins) - p).abs() <= TOLERANCE, "filler: {} vs {p}", rate(wins));
	}

	/// Re-roll: the attacker withdraws and resubmits until its nodes hold two seats. Every
	/// attempt is a fresh draw from a later block, so each succeeds with the predicted chance
	/// (and, in the proposals pallet, each withdrawal after a draw forfeits half the deposit:
	/// `after_the_committee_draw_a_withdrawal_forfeits_half_the_deposit`).
	#[test]
	fn a_reroll_is_a_fresh_draw_at_the_predicted_odds() {
		let p = predicted();
		let mut wins = 0u64;
		network().build_and_execute(|| {
			for attempt in 0..TRIALS as u32 {
				let task = open(attempt);
				wins += u64::from(captured(&committee(task)));
				<Inference as InferenceTasks>::cancel_task(attempt);
			}
		});
		assert!((rate(wins) - p).abs() <= TOLERANCE, "re-roll: {} vs {p}", rate(wins));
	}

	/// The author of the block a proposal lands in knows its own VRF output for every later
	/// slot it holds. If it also authors the next block, that block may not draw: the draw waits
	/// for a block by someone else.
	#[test]
	fn the_author_that_fixed_a_task_never_draws_its_committee() {
		network().build_and_execute(|| {
			BlockAuthor::set(Some(2));
			assert_ok!(<Inference as InferenceTasks>::open_task(7, H256::zero()));
			assert_eq!(Backlog::<Test>::get(0).unwrap().fixed_by, Some(2));
			run_to_block(2);
			assert!(TaskOfProposal::<Test>::get(7).is_none(), "its own block draws nothing");
			BlockAuthor::set(Some(0));
			run_to_block(3);
			let task = TaskOfProposal::<Test>::get(7).expect("another author's block draws");
			assert_eq!(Tasks::<Test>::get(task).unwrap().opened_at, 3);
		});
		// On a chain with one authority there is nobody else: its next block draws.
		network().build_and_execute(|| {
			Authorities::set(1);
			assert_ok!(<Inference as InferenceTasks>::open_task(7, H256::zero()));
			run_to_block(2);
			assert!(TaskOfProposal::<Test>::get(7).is_some());
		});
	}
}

/// Committees that an honest majority of seats decides: a large node buys seats, not a heavier
/// vote; silence and dissent are judged by the consensus that follows them; a task without
/// consensus escalates instead of stranding its proposal.
mod honest_majority {
	use super::*;

	/// The honest label and the attacker's.
	const HONEST: LabelIndex = 2;
	const LIE: LabelIndex = 4;

	/// Twenty honest operators (accounts 10 to 29) at the minimum stake.
	fn honest_nodes() -> Vec<(AccountId, Balance)> {
		(10..30).map(|who| (who, MIN_STAKE)).collect()
	}

	fn seats(size: u32) {
		assert_ok!(Inference::set_parameters(
			RuntimeOrigin::root(),
			Parameters { committee_size: size, ..default_parameters() }
		));
	}

	/// Every member of `task` answers as `answer_of` says (`None`: silent) within the windows;
	/// returns once the task is judged.
	fn play(task: TaskId, answer_of: &impl Fn(AccountId) -> Option<InferenceResult>) {
		let record = Tasks::<Test>::get(task).expect("an open task");
		for m in committee(task) {
			if let Some(a) = answer_of(m) {
				assert_ok!(commit(m, task, &a));
			}
		}
		run_to_block(record.commit_end + 1);
		for m in committee(task) {
			if let Some(a) = answer_of(m) {
				assert_ok!(reveal(m, task, &a));
			}
		}
		run_to_block(Tasks::<Test>::get(task).map_or(System::block_number(), |t| t.reveal_end) + 1);
		assert!(Results::<Test>::get(task).is_some(), "task {task} judged");
	}

	/// Analyses `proposal` to its end, every round's members answering as `answer_of` says:
	/// the rounds its analysis took.
	fn analyse(
		proposal: ProposalId,
		answer_of: impl Fn(AccountId) -> Option<InferenceResult>,
	) -> u32 {
		let mut task = open(proposal);
		let mut rounds = 1;
		loop {
			play(task, &answer_of);
			if !Queued::<Test>::contains_key(proposal) {
				return rounds;
			}
			// Escalated: the next block draws the next round's committee.
			run_to_block(System::block_number() + 1);
			let next = TaskOfProposal::<Test>::get(proposal).expect("a task");
			assert_ne!(next, task, "the next round is a new task");
			task = next;
			rounds += 1;
		}
	}

	#[test]
	fn a_node_wins_seats_by_stake_up_to_a_third_and_answers_once_for_all_of_them() {
		ExtBuilder::default()
			.nodes(vec![(ALICE, MIN_STAKE), (BOB, 8 * MIN_STAKE)])
			.build_and_execute(|| {
				seats(25);
				let task = open(1);
				let record = Tasks::<Test>::get(task).unwrap();
				assert_eq!(record.committee.len(), 2, "each node appears once, with its seats");
				// Each holds the cap, 8 of 25: the whale cannot hold more than a third.
				assert_eq!(record.member(&BOB).unwrap().seats, 8);
				assert_eq!(record.member(&ALICE).unwrap().seats, 8);
				assert_eq!(record.seats(), 16);
				assert!(events().iter().any(|e| matches!(
					e,
					Event::TaskOpened { task: t, seats, round: 0, .. }
						if *t == task && seats.iter().sum::<u32>() == 16
				)));
				// Bob answers once; a second commit is refused.
				assert_ok!(commit(BOB, task, &answer(1)));
				assert_noop!(commit(BOB, task, &answer(1)), Error::<Test>::AlreadyCommitted);
			});
	}

	/// One node with twice the stake of twenty honest nodes together reveals a wrong label on
	/// twenty proposals: it holds at most a third of the seats less one, so every proposal
	/// gets the honest label in its first round, and the whale is judged and slashed until its
	/// reputation takes it out of the draws.
	#[test]
	fn a_whale_never_decides_nor_blocks_a_committee() {
		let mut nodes = honest_nodes();
		nodes.push((BOB, 40 * MIN_STAKE));
		ExtBuilder::default().nodes(nodes).build_and_execute(|| {
			seats(25);
			let issuance = Balances::total_issuance();
			for proposal in 0..20 {
				let rounds =
					analyse(proposal, |m| Some(answer(if m == BOB { LIE } else { HONEST })));
				assert_eq!(rounds, 1);
				assert_eq!(Analysed::get().last(), Some(&(proposal, HONEST)));
			}
			let bob = Nodes::<Test>::get(BOB).unwrap();
			assert_eq!(bob.stats.agreed, 0);
			assert_eq!(bob.stats.disagreed, bob.stats.tasks, "judged on every task it sat on");
			assert!(bob.stake < 40 * MIN_STAKE, "slashed");
			assert_eq!(bob.status, NodeStatus::Excluded, "and drawn no more");
			for (who, _) in honest_nodes() {
				let node = Nodes::<Test>::get(who).unwrap();
				assert_eq!((node.stats.disagreed, node.stats.missed), (0, 0), "node {who}");
				assert_eq!(node.stake, MIN_STAKE, "node {who} is whole");
			}
			// Only the liar's stake left the system.
			assert_eq!(issuance - Balances::total_issuance(), 40 * MIN_STAKE - bob.stake);
		});
	}

	/// An operator holding a third of the draw weight over five nodes reveals a wrong label on
	/// twenty proposals: a committee it blocks escalates to one without the blocked one's
	/// members, it never decides a label, and no proposal is stranded; the judgements drive its
	/// nodes' reputation down and out of the draws.
	#[test]
	fn an_operator_with_a_third_of_the_weight_never_decides_a_label() {
		let attackers: Vec<AccountId> = (40..45).collect();
		let mut nodes = honest_nodes();
		nodes.extend(attackers.iter().map(|who| (*who, 2 * MIN_STAKE)));
		ExtBuilder::default().nodes(nodes).build_and_execute(|| {
			assert_ok!(Inference::set_parameters(
				RuntimeOrigin::root(),
				Parameters { committee_size: 25, escalations: 2, ..default_parameters() }
			));
			let lie =
				|m: AccountId| Some(answer(if attackers.contains(&m) { LIE } else { HONEST }));
			for proposal in 0..20 {
				analyse(proposal, lie);
			}
			assert!(Analysed::get().iter().all(|(_, label)| *label == HONEST), "never the lie");
			assert_eq!(Analysed::get().len() + Unanswered::get().len(), 20, "none stranded");
			let mut judged = 0;
			for who in &attackers {
				let node = Nodes::<Test>::get(who).unwrap();
				assert_eq!(node.stats.agreed, 0, "attacker {who}");
				judged += node.stats.disagreed;
			}
			assert!(judged >= 5, "the lies are judged: {judged}");
			for (who, _) in honest_nodes() {
				let node = Nodes::<Test>::get(who).unwrap();
				assert_eq!((node.stats.disagreed, node.stats.missed), (0, 0), "node {who}");
				assert_eq!(node.stake, MIN_STAKE, "node {who} is whole");
			}
		});
	}

	/// A node with most of the draw weight stays silent: the task ends without consensus, and
	/// the next round, without it, reaches one; the silent node is judged missed and slashed,
	/// the proposal is analysed, and the answering members earn their points.
	#[test]
	fn a_silent_member_is_judged_missed() {
		ExtBuilder::default()
			.nodes(vec![
				(ALICE, MIN_STAKE),
				(CHARLIE, MIN_STAKE),
				(DAVE, MIN_STAKE),
				(BOB, 10 * MIN_STAKE),
			])
			.build_and_execute(|| {
				seats(5);
				analyse(1, |m| (m != BOB).then(|| answer(HONEST)));
				assert_eq!(Analysed::get(), vec![(1, HONEST)]);
				let bob = Nodes::<Test>::get(BOB).unwrap();
				assert!(bob.stats.missed >= 1);
				assert_eq!(bob.stake, 9 * MIN_STAKE, "10 % of what it held");
				for who in [ALICE, CHARLIE, DAVE] {
					let node = Nodes::<Test>::get(who).unwrap();
					assert_eq!(node.stake, MIN_STAKE);
					assert_eq!(node.stats.missed + node.stats.disagreed, 0);
					assert!(Rewarded::get().iter().any(|(n, ..)| *n == who), "node {who} earned");
				}
				assert!(Escalations::<Test>::iter().next().is_none());
			});
	}

	/// Two of five equal members reveal another label: the first round has no consensus, the
	/// second, without them, agrees; both dissenters are judged by it.
	#[test]
	fn a_dissenting_minority_is_judged_by_the_next_rounds_consensus() {
		let mut nodes = honest_nodes();
		nodes.truncate(8);
		nodes.extend([(EVE, MIN_STAKE), (FERDIE, MIN_STAKE)]);
		ExtBuilder::default().nodes(nodes).build_and_execute(|| {
			assert_ok!(Inference::set_parameters(
				RuntimeOrigin::root(),
				Parameters { committee_size: 5, escalations: 2, ..default_parameters() }
			));
			for proposal in 0..10 {
				analyse(proposal, |m| {
					Some(answer(if [EVE, FERDIE].contains(&m) { LIE } else { HONEST }))
				});
				assert_eq!(Analysed::get().last(), Some(&(proposal, HONEST)));
			}
			for who in [EVE, FERDIE] {
				let node = Nodes::<Test>::get(who).unwrap();
				assert_eq!(node.stats.agreed, 0);
				assert_eq!(node.stats.disagreed, node.stats.tasks, "every seat it held judged");
			}
		});
	}

	/// A body nobody can answer: every round is silent, the analysis ends unanswered after the
	/// rounds the parameters allow, nobody is slashed or singled out, and the proposals pallet
	/// is told so that the author's deposit is released.
	#[test]
	fn a_task_nobody_answered_ends_unanswered_and_slashes_nobody() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			let issuance = Balances::total_issuance();
			let rounds = analyse(1, |_| None);
			assert!(rounds <= 2, "one escalation at most");
			assert_eq!(Unanswered::get(), vec![1]);
			assert!(Analysed::get().is_empty());
			assert_eq!(Balances::total_issuance(), issuance);
			for who in [ALICE, BOB, CHARLIE, DAVE] {
				let node = Nodes::<Test>::get(who).unwrap();
				assert_eq!((node.stake, node.reputation), (MIN_STAKE, Perbill::from_percent(50)));
			}
			assert!(events().contains(&Event::AnalysisUnanswered { proposal: 1, rounds }));
		});
	}

	/// After every escalation the parameters allow, a split committee ends unanswered; silent
	/// members lose reputation, nobody is slashed without a consensus.
	#[test]
	fn an_analysis_ends_unanswered_after_its_last_escalation() {
		ExtBuilder::default().nodes(vec![(ALICE, MIN_STAKE), (BOB, MIN_STAKE)]).build_and_execute(
			|| {
				seats(4);
				// Alice and Bob split; neither is excluded (both answered), so the one escalation
				// splits again.
				let rounds = analyse(1, |m| Some(answer(if m == ALICE { HONEST } else { LIE })));
				assert_eq!(rounds, 2);
				assert_eq!(Unanswered::get(), vec![1]);
				assert_eq!(Slashed::get(), 0);
				assert!(events().contains(&Event::AnalysisUnanswered { proposal: 1, rounds: 2 }));
			},
		);
	}

	/// Excused seats are not asked to answer: they count neither for nor against the minimum
	/// participation.
	#[test]
	fn excused_seats_do_not_count_against_participation() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			seats(8);
			let task = open(1);
			let members = committee(task);
			let (answering, excusing) = members.split_at(1);
			for m in excusing {
				assert_ok!(Inference::excuse(RuntimeOrigin::signed(signer_of(*m)), task));
			}
			play(task, &|m| answering.contains(&m).then(|| answer(HONEST)));
			let result = Results::<Test>::get(task).unwrap();
			assert_eq!(result.participation, Perbill::one());
			assert!(matches!(result.outcome, Outcome::Consensus { label: HONEST, .. }));
		});
	}

	/// A withdrawal leaves no hole that counts against the backlog's bound: a thousand
	/// submit-and-withdraw cycles later, a new proposal still queues.
	#[test]
	fn withdrawn_proposals_leave_no_hole_that_fills_the_backlog() {
		ExtBuilder::default().four_nodes().build_and_execute(|| {
			// Judgement slots of the next blocks full: everything queues.
			for proposal in 0..1_000 {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
				<Inference as InferenceTasks>::cancel_task(proposal);
			}
			assert_eq!(BacklogLen::<Test>::get(), 0);
			for proposal in 1_000..1_000 + MAX_BACKLOG {
				assert_ok!(<Inference as InferenceTasks>::open_task(proposal, H256::zero()));
			}
			assert_noop!(
				<Inference as InferenceTasks>::open_task(9_999, H256::zero()),
				Error::<Test>::BacklogFull
			);
			// The hook passes up to `MaxBacklog` gaps a block without spending its openings
			// (and block 17's author fixed the queue, so block 18 draws).
			run_to_block(3 + 1_000 / u64::from(MAX_BACKLOG));
			assert!(Tasks::<Test>::count() >= MAX_TASKS_PER_BLOCK);
		});
	}
}
