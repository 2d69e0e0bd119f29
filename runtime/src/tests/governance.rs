//! Governance on the real runtime (the `development` preset: fast tracks, Alice, Bob and Charlie
//! on the technical committee): each track's origin and calls, a referendum from preimage to
//! enactment, the whitelisted fast track, kill and cancel, a filled track, a spam deposit
//! that is still there to slash, no upgrade without checks, and a voter who locked
//! everything.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{
		fungible::{Inspect, InspectHold},
		Bounded, OnInitialize,
	},
};
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use pallet_referenda::ReferendumInfo;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve, Ferdie};
use sp_runtime::{
	traits::{Dispatchable, Hash},
	DispatchError,
};

use super::{account, preset_ext};
use crate::{
	configs::{
		governance::{origins::Origin, track_allows, tracks, TechnicalCollective},
		TreasuryAccount,
	},
	AllPalletsWithSystem, Balance, Balances, BlockNumber, ConvictionVoting, OriginCaller, Preimage,
	Referenda, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System, TechnicalCommittee, UNIT,
};
use sp_genesis_builder::DEV_RUNTIME_PRESET;

type ReferendumIndex = u32;

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(who))
}

/// Runs blocks up to `n`, with every pallet's `on_initialize` (the scheduler enacts there).
fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::reset_events();
		<AllPalletsWithSystem as OnInitialize<BlockNumber>>::on_initialize(next);
	}
}

fn dispatch(call: RuntimeCall, origin: RuntimeOrigin) -> sp_runtime::DispatchResult {
	call.dispatch(origin).map(|_| ()).map_err(|e| e.error)
}

/// Notes `call`'s preimage as Alice would (with its deposit) and returns the bounded call.
fn preimage(call: &RuntimeCall) -> Bounded<RuntimeCall, sp_runtime::traits::BlakeTwo256> {
	let bytes = call.encode();
	assert_ok!(Preimage::note_preimage(signed(Alice), bytes.clone()));
	Bounded::Lookup { hash: sp_io::hashing::blake2_256(&bytes).into(), len: bytes.len() as u32 }
}

/// Submits `call` on the track of `origin`, from `who`; the new referendum's index.
fn submit(
	who: Sr25519Keyring,
	origin: OriginCaller,
	call: &RuntimeCall,
) -> Result<ReferendumIndex, DispatchError> {
	let index = pallet_referenda::ReferendumCount::<Runtime>::get();
	let proposal = preimage(call);
	dispatch(
		RuntimeCall::Referenda(pallet_referenda::Call::submit {
			proposal_origin: Box::new(origin),
			proposal,
			enactment_moment: frame_support::traits::schedule::DispatchTime::After(0),
		}),
		signed(who),
	)?;
	Ok(index)
}

fn vote(who: Sr25519Keyring, index: ReferendumIndex, aye: bool, balance: Balance) {
	assert_ok!(ConvictionVoting::vote(
		signed(who),
		index,
		AccountVote::Standard { vote: Vote { aye, conviction: Conviction::Locked1x }, balance },
	));
}

/// Submits, places the decision deposit and votes 900,000 PROPOSAL aye from Alice: over the
/// fast tracks' 5 % support.
fn propose_and_back(origin: OriginCaller, call: &RuntimeCall) -> ReferendumIndex {
	let index = submit(Alice, origin, call).expect("the track carries the call");
	assert_ok!(Referenda::place_decision_deposit(signed(Alice), index));
	vote(Alice, index, true, 900_000 * UNIT);
	index
}

/// Runs blocks until referendum `index`'s call is enacted (the scheduler's named task, not an
/// alarm); how many blocks it took, and the call's result.
fn enact(index: ReferendumIndex) -> (BlockNumber, sp_runtime::DispatchResult) {
	let start = System::block_number();
	for _ in 0..40 {
		run_to(System::block_number() + 1);
		let approved = matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Approved(..))
		);
		let enacted = System::events().iter().find_map(|r| match &r.event {
			RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched {
				id: Some(_),
				result,
				..
			}) => Some(*result),
			_ => None,
		});
		if let (true, Some(result)) = (approved, enacted) {
			return (System::block_number() - start, result);
		}
	}
	panic!("referendum {index} was not enacted in 40 blocks");
}

/// A motion of the technical committee with the ayes of `ayes` (Alice first, who proposes it),
/// closed by Alice; the result of the call it executed.
fn committee(call: RuntimeCall, ayes: &[Sr25519Keyring]) -> sp_runtime::DispatchResult {
	let len = call.encoded_size() as u32;
	let weight = call.get_dispatch_info().call_weight;
	let index = pallet_collective::ProposalCount::<Runtime, TechnicalCollective>::get();
	let hash = sp_runtime::traits::BlakeTwo256::hash_of(&call);
	System::reset_events();
	assert_ok!(TechnicalCommittee::propose(signed(Alice), ayes.len() as u32, Box::new(call), len));
	if ayes.len() > 1 {
		for who in ayes {
			assert_ok!(TechnicalCommittee::vote(signed(*who), hash, index, true));
		}
		assert_ok!(TechnicalCommittee::close(signed(Alice), hash, index, weight, len));
	}
	System::events()
		.iter()
		.find_map(|r| match &r.event {
			RuntimeEvent::TechnicalCommittee(pallet_collective::Event::Executed {
				result, ..
			}) => Some(*result),
			_ => None,
		})
		.expect("the motion was executed")
}

fn register_call(hash: u8) -> RuntimeCall {
	RuntimeCall::ModelRegistry(pallet_model_registry::Call::register_model {
		name: b"proposal-classifier".to_vec(),
		sha256: [hash; 32].into(),
		uri: b"ipfs://bafk-v2".to_vec(),
		labels: crate::genesis_config_presets::SHIPPED_MODEL_LABELS
			.iter()
			.map(|l| l.as_bytes().to_vec())
			.collect(),
		input: pallet_model_registry::InputSpec::NormalisedText { max_chars: 8_000 },
		layer_features: Some(crate::configs::SHIPPED_MODEL_FEATURES),
	})
}

fn upgrade_call() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash: [7u8; 32].into() })
}

fn parameters_call() -> RuntimeCall {
	RuntimeCall::ModelRegistry(pallet_model_registry::Call::set_parameters {
		parameters: pallet_model_registry::Parameters { activation_delay: 5 },
	})
}

fn models() -> OriginCaller {
	OriginCaller::Origins(Origin::ModelRegistrar)
}

fn parameters() -> OriginCaller {
	OriginCaller::Origins(Origin::ParameterSetter)
}

fn root() -> OriginCaller {
	OriginCaller::system(frame_system::RawOrigin::Root)
}

fn dev() -> sp_io::TestExternalities {
	let mut ext = preset_ext(DEV_RUNTIME_PRESET);
	ext.execute_with(|| run_to(1));
	ext
}

#[test]
fn each_track_origin_dispatches_only_its_own_calls() {
	dev().execute_with(|| {
		let as_origin = |o: OriginCaller| RuntimeOrigin::from(o);
		// A parameters referendum cannot upgrade the runtime, nor register a model.
		assert_noop!(dispatch(upgrade_call(), as_origin(parameters())), DispatchError::BadOrigin);
		assert_noop!(dispatch(register_call(9), as_origin(parameters())), DispatchError::BadOrigin);
		assert_ok!(dispatch(parameters_call(), as_origin(parameters())));
		// The models track registers; it cannot set parameters or mark spam.
		assert_ok!(dispatch(register_call(9), as_origin(models())));
		assert_noop!(dispatch(parameters_call(), as_origin(models())), DispatchError::BadOrigin);
		let spam = RuntimeCall::Proposals(pallet_proposals::Call::mark_spam { id: 0 });
		assert_noop!(dispatch(spam.clone(), as_origin(models())), DispatchError::BadOrigin);
		// The spam track marks spam (here: no such proposal) and nothing else.
		let spam_origin = as_origin(OriginCaller::Origins(Origin::SpamRemover));
		assert_noop!(
			dispatch(spam, spam_origin.clone()),
			pallet_proposals::Error::<Runtime>::UnknownProposal
		);
		assert_noop!(dispatch(parameters_call(), spam_origin), DispatchError::BadOrigin);
		// Every track maps to its id, and a plain account has no track.
		use pallet_referenda::TracksInfo as _;
		for (origin, id) in [
			(root(), tracks::ROOT),
			(OriginCaller::Origins(Origin::WhitelistedCaller), tracks::WHITELISTED_CALLER),
			(models(), tracks::MODELS),
			(parameters(), tracks::PARAMETERS),
			(OriginCaller::Origins(Origin::SpamRemover), tracks::SPAM),
		] {
			assert_eq!(tracks::TracksInfo::track_for(&origin), Ok(id));
		}
		let plain = OriginCaller::system(frame_system::RawOrigin::Signed(account(Alice)));
		assert_eq!(tracks::TracksInfo::track_for(&plain), Err(()));
	});
}

#[test]
fn each_track_carries_only_its_calls_and_none_upgrades_without_checks() {
	dev().execute_with(|| {
		// The root track authorises upgrades; it does not register models (that is the models
		// track's), even though Root itself could.
		assert!(track_allows(&root(), &upgrade_call()));
		assert!(!track_allows(&root(), &register_call(9)));
		assert!(track_allows(&models(), &register_call(9)));
		assert!(!track_allows(&models(), &upgrade_call()));
		assert!(!track_allows(&parameters(), &upgrade_call()));
		// No track proposes an upgrade without the version check.
		let unchecked = RuntimeCall::System(frame_system::Call::authorize_upgrade_without_checks {
			code_hash: [7u8; 32].into(),
		});
		let set_code =
			RuntimeCall::System(frame_system::Call::set_code_without_checks { code: vec![] });
		for origin in
			[root(), models(), parameters(), OriginCaller::Origins(Origin::WhitelistedCaller)]
		{
			assert!(!track_allows(&origin, &unchecked));
			assert!(!track_allows(&origin, &set_code));
		}
		// Refused at submission, before any deposit is held.
		let held = Balances::total_balance_on_hold(&account(Bob));
		for (origin, call) in
			[(root(), register_call(9)), (root(), unchecked), (parameters(), upgrade_call())]
		{
			assert_eq!(
				submit(Bob, origin, &call),
				Err(frame_system::Error::<Runtime>::CallFiltered.into())
			);
		}
		assert_eq!(Balances::total_balance_on_hold(&account(Bob)), held);
		assert_eq!(pallet_referenda::ReferendumCount::<Runtime>::get(), 0);
	});
}

#[test]
fn a_models_referendum_registers_a_version_from_preimage_to_enactment() {
	dev().execute_with(|| {
		let alice = account(Alice);
		let index = propose_and_back(models(), &register_call(0x22));
		// The vote is a conviction lock on Alice's balance.
		assert_eq!(pallet_balances::Locks::<Runtime>::get(&alice)[0].amount, 900_000 * UNIT);
		let (blocks, result) = enact(index);
		assert_ok!(result);
		let info = pallet_model_registry::Models::<Runtime>::get(0).expect("the analysis model");
		assert_eq!(info.latest, 2, "version 2 registered by the referendum");
		assert_eq!(
			pallet_model_registry::VersionOfHash::<Runtime>::get(sp_core::H256::repeat_byte(0x22)),
			Some((0, 2))
		);
		// Prepare (2), confirm (2), enact (1), with a block of slack for each alarm.
		assert!(blocks <= 10, "enacted in {blocks} blocks");
		// Decided: both deposits come back.
		assert_ok!(Referenda::refund_decision_deposit(signed(Alice), index));
		assert_ok!(Referenda::refund_submission_deposit(signed(Alice), index));
	});
}

/// Issue 19: a version activated by a referendum the registry opened records that referendum,
/// the real one `pallet-referenda` decided and the scheduler enacted.
#[test]
fn a_referendum_opened_by_the_registry_activates_a_version_and_is_recorded() {
	dev().execute_with(|| {
		use pallet_model_registry::{ActivatedBy, ActivationReferenda};
		let registered = propose_and_back(models(), &register_call(0x22));
		assert_ok!(enact(registered).1);
		let held = Balances::total_balance_on_hold(&account(Bob));
		let index = pallet_referenda::ReferendumCount::<Runtime>::get();
		assert_ok!(pallet_model_registry::Pallet::<Runtime>::propose_activation(signed(Bob), 0, 2));
		// Bob holds the submission deposit, as for any referendum; it is on the models track.
		assert_eq!(
			Balances::total_balance_on_hold(&account(Bob)),
			held + crate::configs::governance::SubmissionDeposit::get()
		);
		let Some(ReferendumInfo::Ongoing(status)) =
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index)
		else {
			panic!("referendum {index} is ongoing");
		};
		assert_eq!(status.track, tracks::MODELS);
		assert_eq!(ActivationReferenda::<Runtime>::get(index), Some((0, 2)));

		assert_ok!(Referenda::place_decision_deposit(signed(Alice), index));
		vote(Alice, index, true, 900_000 * UNIT);
		assert_ok!(enact(index).1);
		assert_eq!(ActivatedBy::<Runtime>::get(0, 2), Some(index));
		assert_eq!(ActivationReferenda::<Runtime>::get(index), None);
		assert_eq!(
			pallet_model_registry::PendingActivation::<Runtime>::get(0).map(|p| p.0),
			Some(2)
		);
		// Approved: Bob's deposit comes back.
		assert_ok!(Referenda::refund_submission_deposit(signed(Bob), index));
		assert_eq!(Balances::total_balance_on_hold(&account(Bob)), held);
	});
}

#[test]
fn the_whitelisted_caller_track_dispatches_what_the_committee_whitelisted() {
	dev().execute_with(|| {
		let upgrade = upgrade_call();
		let hash = sp_runtime::traits::BlakeTwo256::hash_of(&upgrade);
		let fast = RuntimeCall::Whitelist(
			pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
				call: Box::new(upgrade.clone()),
			},
		);
		let whitelisted = OriginCaller::Origins(Origin::WhitelistedCaller);
		// A committee majority whitelists it; one member alone cannot.
		let whitelist =
			RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call { call_hash: hash });
		assert_noop!(dispatch(whitelist.clone(), signed(Alice)), DispatchError::BadOrigin);
		assert_ok!(committee(whitelist, &[Alice, Bob]));
		// A plain account cannot use the whitelisted origin: only a referendum on the track can.
		// (An account may only execute a dispatch the track deferred, and there is none.)
		assert_noop!(
			dispatch(fast.clone(), signed(Dave)),
			pallet_whitelist::Error::<Runtime>::DeferredDispatchNotFound
		);
		let index = propose_and_back(whitelisted, &fast);
		assert_ok!(enact(index).1);
		System::assert_has_event(
			frame_system::Event::UpgradeAuthorized {
				code_hash: [7u8; 32].into(),
				check_version: true,
			}
			.into(),
		);
	});
}

#[test]
fn the_committee_kills_with_slashed_deposits_and_cancels_with_refunds() {
	dev().execute_with(|| {
		let treasury = Balances::balance(&TreasuryAccount::get());
		let killed = submit(Dave, models(), &register_call(0x31)).unwrap();
		assert_ok!(Referenda::place_decision_deposit(signed(Dave), killed));
		let cancelled = submit(Eve, models(), &register_call(0x32)).unwrap();
		assert_ok!(Referenda::place_decision_deposit(signed(Eve), cancelled));
		let track = tracks::FAST[tracks::MODELS as usize].info.decision_deposit;
		let submission = crate::configs::governance::SubmissionDeposit::get();

		// One member cannot kill; two of three can, and both deposits go to the treasury.
		let kill = RuntimeCall::Referenda(pallet_referenda::Call::kill { index: killed });
		assert_eq!(committee(kill.clone(), &[Alice]), Err(DispatchError::BadOrigin));
		assert_ok!(committee(kill, &[Alice, Bob]));
		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(killed),
			Some(ReferendumInfo::Killed(..))
		));
		assert_eq!(Balances::balance(&TreasuryAccount::get()), treasury + track + submission);
		assert_eq!(Balances::reserved_balance(account(Dave)), 0, "nothing comes back");

		// A majority cancels: the deposits are refundable.
		let cancel = RuntimeCall::Referenda(pallet_referenda::Call::cancel { index: cancelled });
		assert_eq!(committee(cancel.clone(), &[Alice]), Err(DispatchError::BadOrigin));
		assert_ok!(committee(cancel, &[Alice, Bob]));
		assert_ok!(Referenda::refund_decision_deposit(signed(Eve), cancelled));
		assert_ok!(Referenda::refund_submission_deposit(signed(Eve), cancelled));
		assert_eq!(Balances::reserved_balance(account(Eve)), 0);
		assert_eq!(Balances::balance(&account(Eve)), crate::genesis_config_presets::ENDOWMENT);
	});
}

/// A spammer fills every deciding slot of a track (and floods its queue); an honest
/// referendum still passes once the committee kills the spam, and the spam pays for it.
#[test]
fn a_filled_track_still_passes_an_honest_referendum() {
	dev().execute_with(|| {
		let spammer = account(Ferdie);
		let slots = tracks::FAST[tracks::MODELS as usize].info.max_deciding;
		let spam: Vec<_> = (0..slots)
			.map(|i| {
				let index = submit(Ferdie, models(), &register_call(0x40 + i as u8)).unwrap();
				assert_ok!(Referenda::place_decision_deposit(signed(Ferdie), index));
				index
			})
			.collect();
		// And a queue flood without decision deposits.
		let flood: Vec<_> =
			(0..3).map(|i| submit(Ferdie, models(), &register_call(0x50 + i)).unwrap()).collect();
		run_to(System::block_number() + 3);
		assert_eq!(pallet_referenda::DecidingCount::<Runtime>::get(tracks::MODELS), slots);

		// The honest referendum waits in the queue.
		let honest = propose_and_back(models(), &register_call(0x22));
		run_to(System::block_number() + 3);
		assert_eq!(pallet_referenda::TrackQueue::<Runtime>::get(tracks::MODELS).len(), 1);

		let spent = Balances::balance(&spammer);
		for index in &spam {
			let kill = RuntimeCall::Referenda(pallet_referenda::Call::kill { index: *index });
			assert_ok!(committee(kill, &[Alice, Bob, Charlie]));
		}
		assert_ok!(enact(honest).1);
		assert_eq!(
			pallet_model_registry::VersionOfHash::<Runtime>::get(sp_core::H256::repeat_byte(0x22)),
			Some((0, 2)),
			"the honest referendum passed"
		);
		// The flood times out undecided and keeps its submission deposits held for good.
		run_to(System::block_number() + 60);
		for index in flood {
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
				Some(ReferendumInfo::TimedOut(..))
			));
			assert!(Referenda::refund_submission_deposit(signed(Ferdie), index).is_err());
		}
		let track = tracks::FAST[tracks::MODELS as usize].info.decision_deposit;
		let submission = crate::configs::governance::SubmissionDeposit::get();
		assert_eq!(Balances::balance(&spammer), spent, "killing takes what was reserved");
		assert_eq!(
			crate::genesis_config_presets::ENDOWMENT - Balances::total_balance(&spammer),
			slots as Balance * (track + submission),
			"each spam slot cost a decision and a submission deposit"
		);
		// The flood's submission deposits stay reserved for good (Alice noted every preimage).
		assert_eq!(Balances::reserved_balance(&spammer), 3 * submission);
	});
}

/// A proposal marked as spam by the committee after it was analysed still loses its whole
/// deposit, because it stays held through the spam window.
#[test]
fn the_committee_slashes_a_spam_proposals_whole_deposit() {
	dev().execute_with(|| {
		let eve = account(Eve);
		let body = b"Buy my token at a discount, send funds to this address".to_vec();
		assert_ok!(crate::Proposals::submit_proposal(signed(Eve), b"Free money".to_vec(), body));
		let deposit = pallet_proposals::Proposals::<Runtime>::get(0).unwrap().deposit;
		assert!(deposit > UNIT);
		// The analysis lands (as the inference pallet reports it).
		<crate::Proposals as daollm_primitives::traits::ProposalAnalysed>::on_analysed(0, 4);
		run_to(System::block_number() + 4);
		let treasury = Balances::balance(&TreasuryAccount::get());
		let mark = RuntimeCall::Proposals(pallet_proposals::Call::mark_spam { id: 0 });
		assert_noop!(dispatch(mark.clone(), signed(Alice)), DispatchError::BadOrigin);
		assert_eq!(committee(mark.clone(), &[Alice]), Err(DispatchError::BadOrigin));
		assert_ok!(committee(mark, &[Alice, Bob]));
		assert_eq!(Balances::total_balance_on_hold(&eve), 0);
		assert_eq!(Balances::balance(&TreasuryAccount::get()), treasury + deposit);
		System::assert_has_event(
			pallet_proposals::Event::ProposalMarkedSpam { id: 0, slashed: deposit }.into(),
		);
	});
}

/// A `spam` referendum nobody opposes, backed by a negligible aye, never passes: the track's
/// support keeps a floor, where every other track's falls to nothing. The same referendum with
/// real support passes.
#[test]
fn an_unopposed_spam_referendum_needs_real_support() {
	dev().execute_with(|| {
		assert_ok!(crate::Proposals::submit_proposal(
			signed(Eve),
			b"An honest proposal".to_vec(),
			b"Fund the audit with 50,000 DAI.".to_vec()
		));
		let mark = RuntimeCall::Proposals(pallet_proposals::Call::mark_spam { id: 0 });
		let origin = OriginCaller::Origins(Origin::SpamRemover);
		let index = submit(Alice, origin.clone(), &mark).expect("the spam track carries it");
		assert_ok!(Referenda::place_decision_deposit(signed(Alice), index));
		vote(Alice, index, true, UNIT);
		run_to(System::block_number() + 30);
		assert!(
			matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
				Some(ReferendumInfo::Rejected(..))
			),
			"a negligible aye passed a spam ruling"
		);
		assert!(pallet_proposals::Proposals::<Runtime>::get(0).is_some());

		// The same call, its preimage already noted, backed by real support.
		let backed = pallet_referenda::ReferendumCount::<Runtime>::get();
		let bytes = mark.encode();
		let proposal = Bounded::Lookup {
			hash: sp_io::hashing::blake2_256(&bytes).into(),
			len: bytes.len() as u32,
		};
		assert_ok!(Referenda::submit(
			signed(Alice),
			Box::new(origin),
			proposal,
			frame_support::traits::schedule::DispatchTime::After(0),
		));
		assert_ok!(Referenda::place_decision_deposit(signed(Alice), backed));
		vote(Alice, backed, true, 900_000 * UNIT);
		assert_eq!(enact(backed).1, Ok(()));
		assert!(pallet_proposals::Proposals::<Runtime>::get(0).is_none());
	});
}

/// The spam window outlasts the public `spam` track's slowest passing referendum and the
/// committee's motions.
#[test]
fn the_spam_window_outlasts_the_spam_track() {
	let spam = &tracks::PUBLIC[tracks::SPAM as usize].info;
	let slowest = spam.prepare_period
		+ spam.decision_period
		+ spam.confirm_period
		+ spam.min_enactment_period;
	let window = crate::configs::DefaultProposalParameters::get().challenge_period;
	assert!(slowest < window, "{slowest} blocks of spam referendum, {window} of window");
	let fast = &tracks::FAST[tracks::SPAM as usize].info;
	let fastest = fast.prepare_period + fast.confirm_period + fast.min_enactment_period;
	assert!(fastest < crate::genesis_config_presets::FAST_CHALLENGE_PERIOD);
	assert!(crate::configs::governance::MOTION_DURATION <= window);
}

#[test]
fn the_tracks_are_sorted_and_public_by_default() {
	use pallet_referenda::TracksInfo as _;
	assert_ok!(tracks::TracksInfo::check_integrity());
	sp_io::TestExternalities::default().execute_with(|| {
		let names: Vec<_> = tracks::TracksInfo::tracks()
			.map(|t| String::from_utf8_lossy(&t.info.name).trim_end_matches('\0').to_string())
			.collect();
		assert_eq!(names, ["root", "whitelisted_caller", "models", "parameters", "spam"]);
		assert_eq!(
			tracks::TracksInfo::info(tracks::ROOT).unwrap().decision_period,
			14 * crate::DAYS,
			"a chain without a timing in its genesis runs the public tracks"
		);
	});
}

/// A voter who locked its whole balance can still pay for the unlock once the lock ends,
/// through `Executive` like any transaction; an unlock that frees nothing still pays.
#[test]
fn a_voter_who_locked_everything_still_unlocks() {
	use super::signed as signed_xt;
	use crate::{Executive, Header};
	use sp_runtime::traits::Header as _;
	dev().execute_with(|| {
		let dave = account(Dave);
		let everything = Balances::balance(&dave);
		let index = propose_and_back(models(), &register_call(0x22));
		vote(Dave, index, true, everything);
		assert_eq!(frame_system::Account::<Runtime>::get(&dave).data.frozen, everything);
		assert_ok!(enact(index).1);
		// The 1× lock runs ten blocks (the dev voting lock period) past the referendum's end.
		run_to(System::block_number() + 12);
		assert_ok!(ConvictionVoting::remove_vote(signed(Dave), Some(tracks::MODELS), index));

		let next = System::block_number() + 1;
		Executive::initialize_block(&Header::new(
			next,
			Default::default(),
			Default::default(),
			System::parent_hash(),
			Default::default(),
		));
		let unlock = RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::unlock {
			class: tracks::MODELS,
			target: sp_runtime::MultiAddress::Id(dave.clone()),
		});
		let nonce = frame_system::Pallet::<Runtime>::account_nonce(&dave);
		// A transfer cannot pay: everything is locked.
		let transfer = super::transfer(Eve, UNIT);
		assert!(Executive::apply_extrinsic(signed_xt(transfer, Dave, nonce)).is_err());
		assert_eq!(Executive::apply_extrinsic(signed_xt(unlock.clone(), Dave, nonce)), Ok(Ok(())));
		assert_eq!(frame_system::Account::<Runtime>::get(&dave).data.frozen, 0, "unlocked");
		assert_eq!(Balances::balance(&dave), everything, "and it paid nothing");
		// Nothing left to release: the same unlock pays its fee now.
		assert_eq!(Executive::apply_extrinsic(signed_xt(unlock, Dave, nonce + 1)), Ok(Ok(())));
		assert!(Balances::balance(&dave) < everything, "a second unlock paid its fee");
	});
}
