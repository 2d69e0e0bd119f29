//! BABE on the native runtime: blocks with real VRF pre-digests, committee draws that no state
//! of the block a proposal lands in decides, and equivocation reports through
//! `pallet-offences`.

use codec::Encode;
use frame_support::{storage::with_transaction, traits::KeyOwnerProofSystem};
use sp_consensus_babe::{
	digests::{CompatibleDigestItem, PreDigest, SecondaryVRFPreDigest},
	make_vrf_sign_data, AuthorityId as BabeId, Slot, BABE_ENGINE_ID,
};
use sp_core::crypto::{Pair as _, VrfSecret};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Header as _, Digest, DigestItem, TransactionOutcome};

use super::{account, preset_ext};
use crate::{
	configs::TreasuryAccount, Babe, Executive, Header, Historical, Runtime, RuntimeOrigin, System,
};
use sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// `key`'s index in BABE's authority set.
fn index_of(key: Sr25519Keyring) -> u32 {
	let id: BabeId = key.public().into();
	Babe::authorities().iter().position(|(a, _)| *a == id).expect("an authority") as u32
}

/// The BABE pre-digest `key` makes for `slot`: a secondary VRF slot with its real VRF output.
fn pre_digest(key: Sr25519Keyring, slot: u64) -> DigestItem {
	let slot = Slot::from(slot);
	let data = make_vrf_sign_data(
		&pallet_babe::Randomness::<Runtime>::get(),
		slot,
		pallet_babe::EpochIndex::<Runtime>::get(),
	);
	let digest = PreDigest::SecondaryVRF(SecondaryVRFPreDigest {
		authority_index: index_of(key),
		slot,
		vrf_signature: key.pair().vrf_sign(&data),
	});
	DigestItem::PreRuntime(BABE_ENGINE_ID, digest.encode())
}

/// Finishes the current block (if any) and starts block `number` authored by `key` in `slot`.
pub(super) fn babe_block(number: u32, key: Sr25519Keyring, slot: u64) {
	use sp_runtime::traits::Header as _;
	// The parent's real hash, so that blocks (and mortal transactions' birth blocks) differ.
	let parent = if number > 1 {
		Executive::finalize_block().hash()
	} else {
		System::block_hash(number - 1)
	};
	let digest = Digest { logs: vec![pre_digest(key, slot)] };
	Executive::initialize_block(&Header::new(
		number,
		Default::default(),
		Default::default(),
		parent,
		digest,
	));
	// The timestamp inherent, at the slot's start.
	pallet_timestamp::Pallet::<Runtime>::set_timestamp(slot * crate::SLOT_DURATION);
}

/// Block 1 by Alice, with committees of two (of four nodes) so that draws can differ, and a
/// proposal submitted in it.
fn proposal_in_block_one() {
	babe_block(1, Sr25519Keyring::Alice, 100);
	let params = pallet_inference::Params::<Runtime>::get();
	pallet_inference::Params::<Runtime>::put(pallet_inference::Parameters {
		committee_size: 2,
		..params
	});
	crate::Proposals::submit_proposal(
		RuntimeOrigin::signed(account(Sr25519Keyring::Eve)),
		b"Fund the audit".to_vec(),
		b"Fund the audit of the bridge: 50,000 DAI.".to_vec(),
	)
	.expect("submits");
}

/// The committee of a proposal that lands in block N is not computable from any state at
/// N. From the same state, block N + 1 built by different authors (different VRF outputs)
/// draws different committees; block N itself draws nothing, and a block N + 1 by N's own
/// author draws nothing either (it knew its VRF output when it included the proposal).
#[test]
fn the_committee_of_block_n_is_not_computable_at_n() {
	preset_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		proposal_in_block_one();
		assert!(pallet_inference::TaskOfProposal::<Runtime>::get(0).is_none());

		let fork = |key: Sr25519Keyring, slot: u64| {
			with_transaction(|| {
				babe_block(2, key, slot);
				let committee = pallet_inference::TaskOfProposal::<Runtime>::get(0).map(|task| {
					let mut members: Vec<_> = pallet_inference::Tasks::<Runtime>::get(task)
						.expect("open")
						.committee
						.iter()
						.map(|seat| seat.node.clone())
						.collect();
					members.sort();
					members
				});
				TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(committee))
			})
			.expect("the fork builds")
		};
		assert_eq!(fork(Sr25519Keyring::Alice, 101), None, "the fixing author never draws");
		let mut committees = Vec::new();
		for (key, slot) in [
			(Sr25519Keyring::Bob, 101),
			(Sr25519Keyring::Charlie, 101),
			(Sr25519Keyring::Dave, 101),
			(Sr25519Keyring::Bob, 102),
			(Sr25519Keyring::Charlie, 103),
			(Sr25519Keyring::Dave, 104),
		] {
			let committee = fork(key, slot).expect("another author draws");
			assert_eq!(committee.len(), 2);
			if !committees.contains(&committee) {
				committees.push(committee);
			}
		}
		assert!(committees.len() >= 2, "every fork drew the same committee: {committees:?}");
	});
}

/// A draw's seed mixes the VRF outputs of two blocks by different authors: a block whose parent
/// has the same author gives no seed (so nobody who authors two slots in a row knows a seed
/// before its parent is out), and the same child block gives a different seed after a
/// different parent.
#[test]
fn a_draw_seed_needs_two_authors_and_mixes_both_outputs() {
	use crate::configs::draws::BabeVrfDraws;
	use daollm_primitives::traits::DrawRandomness;
	preset_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let child_seed = |parent: Sr25519Keyring, child: Sr25519Keyring| {
			with_transaction(|| {
				babe_block(1, parent, 100);
				babe_block(2, child, 101);
				let seed = BabeVrfDraws::seed(b"subject", None);
				TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(seed))
			})
			.expect("the blocks build")
		};
		assert_eq!(child_seed(Sr25519Keyring::Bob, Sr25519Keyring::Bob), None, "one author twice");
		let after_alice = child_seed(Sr25519Keyring::Alice, Sr25519Keyring::Bob).expect("a seed");
		let after_charlie =
			child_seed(Sr25519Keyring::Charlie, Sr25519Keyring::Bob).expect("a seed");
		assert_ne!(after_alice, after_charlie, "Bob's own output alone does not make the seed");
	});
}

/// An author that signs two blocks for one slot is reported (an unsigned transaction any
/// node submits), disabled, and its compute node loses `(3 · 1/4)²` = 56.25 % of its stake to
/// the treasury. A second report of the same offence is refused.
#[test]
fn an_equivocating_author_is_disabled_and_slashed() {
	preset_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		babe_block(1, Sr25519Keyring::Alice, 100);
		babe_block(2, Sr25519Keyring::Bob, 101);
		let offender = Sr25519Keyring::Charlie;
		let slot = 102;
		let header = |extrinsics_root: u8| {
			let mut header = Header::new(
				3,
				sp_core::H256::repeat_byte(extrinsics_root),
				Default::default(),
				System::block_hash(2),
				Digest { logs: vec![pre_digest(offender, slot)] },
			);
			let seal = offender.pair().sign(header.hash().as_ref());
			header.digest_mut().push(<DigestItem as CompatibleDigestItem>::babe_seal(seal.into()));
			header
		};
		let proof = sp_consensus_babe::EquivocationProof {
			offender: offender.public().into(),
			slot: Slot::from(slot),
			first_header: header(1),
			second_header: header(2),
		};
		let key_owner_proof =
			Historical::prove((sp_consensus_babe::KEY_TYPE, BabeId::from(offender.public())))
				.expect("Charlie validates this session");

		let operator = account(offender);
		let stake = pallet_compute_nodes::Nodes::<Runtime>::get(&operator).expect("a node").stake;
		let treasury = pallet_balances::Pallet::<Runtime>::free_balance(TreasuryAccount::get());
		Babe::report_equivocation_unsigned(
			RuntimeOrigin::none(),
			Box::new(proof.clone()),
			key_owner_proof.clone(),
		)
		.expect("the report is accepted");

		let index = pallet_session::Pallet::<Runtime>::validator_id_to_index(&operator)
			.expect("a validator");
		assert!(pallet_session::Pallet::<Runtime>::disabled_validators().contains(&index));
		let left = pallet_compute_nodes::Nodes::<Runtime>::get(&operator).expect("a node").stake;
		let slashed = stake - left;
		assert_eq!(slashed, sp_runtime::Perbill::from_rational(5625u32, 10_000).mul_floor(stake));
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(TreasuryAccount::get()) - treasury,
			slashed,
			"the treasury gets the slash, the reporter nothing"
		);
		assert!(
			Babe::report_equivocation_unsigned(
				RuntimeOrigin::none(),
				Box::new(proof),
				key_owner_proof
			)
			.is_err(),
			"one offence, one slash"
		);
	});
}
