//! Runtime tests on the native runtime: genesis presets, issuance, fees, and rejected extrinsics;
//! governance in [`governance`]; BABE, draws and equivocation in [`consensus`].

mod consensus;
mod governance;

use codec::Encode;
use frame_support::traits::fungible::Inspect;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::Era,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	BuildStorage, MultiAddress, MultiSignature,
};

use crate::{
	configs::{tx_extension, TreasuryAccount},
	genesis_config_presets::{ENDOWMENT, NODE_STAKE},
	AccountId, Balance, Balances, BalancesCall, Executive, Nonce, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SignedPayload, System, UncheckedExtrinsic, EXISTENTIAL_DEPOSIT, UNIT,
};

/// Applies `patch` on top of `base`, as the node does with a preset.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (k, v) in patch {
				merge(base.entry(k).or_insert(serde_json::Value::Null), v);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The state a chain built from preset `id` starts with.
fn preset_ext(id: &str) -> sp_io::TestExternalities {
	let patch = crate::genesis_config_presets::get_preset(&id.into()).expect("preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("preset is valid");
	sp_io::TestExternalities::new(config.build_storage().expect("genesis builds"))
}

fn account(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

fn free(who: &AccountId) -> Balance {
	Balances::balance(who)
}

/// `call` signed by `signer` with the given nonce, as a wallet would sign it.
fn signed(call: RuntimeCall, signer: Sr25519Keyring, nonce: Nonce) -> UncheckedExtrinsic {
	let extension = tx_extension(nonce, Era::Immortal);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("payload builds");
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(account(signer)),
		MultiSignature::Sr25519(signature),
		extension,
	)
}

fn transfer(to: Sr25519Keyring, amount: Balance) -> RuntimeCall {
	RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: MultiAddress::Id(account(to)),
		value: amount,
	})
}

/// Starts block 1, authored by Alice with a real BABE pre-digest.
fn start_block() {
	consensus::babe_block(1, Sr25519Keyring::Alice, 100);
}

#[test]
fn presets_build_with_their_validators() {
	for (id, validators) in [(DEV_RUNTIME_PRESET, 1), (LOCAL_TESTNET_RUNTIME_PRESET, 4)] {
		preset_ext(id).execute_with(|| {
			assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), validators, "{id}");
			assert_eq!(pallet_session::Validators::<Runtime>::get().len(), validators, "{id}");
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), validators);
			// Only the dev chain has a superuser; elsewhere governance is root.
			let sudo = (id == DEV_RUNTIME_PRESET).then(|| account(Sr25519Keyring::Alice));
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), sudo, "{id}");
			// The shipped classifier is the analysis model's active version 1.
			let (version, model) =
				crate::ModelRegistry::active_version(crate::configs::ANALYSIS_MODEL)
					.expect("an active analysis model");
			assert_eq!((version, model.sha256), (1, crate::configs::SHIPPED_MODEL_SHA256));
			assert_eq!(
				pallet_model_registry::Params::<Runtime>::get(),
				crate::genesis_config_presets::fast_registry()
			);
			// Alice, Bob and Charlie are the technical committee; the tracks run fast.
			assert_eq!(
				pallet_collective::Members::<
					Runtime,
					crate::configs::governance::TechnicalCollective,
				>::get(),
				{
					let mut members = crate::genesis_config_presets::technical_committee();
					members.sort();
					members
				}
			);
			assert_eq!(
				crate::configs::governance::origins::Timing::<Runtime>::get(),
				crate::configs::governance::origins::TrackTiming::Fast
			);
			// Every validator is an inference node, staked and eligible for committees.
			assert_eq!(pallet_compute_nodes::Nodes::<Runtime>::count() as usize, validators);
			assert_eq!(pallet_compute_nodes::Candidates::<Runtime>::get().len(), validators);
			let alice = pallet_compute_nodes::Nodes::<Runtime>::get(account(Sr25519Keyring::Alice))
				.expect("Alice runs an inference node");
			assert_eq!(alice.stake, NODE_STAKE);
			assert_eq!(alice.key_account, account(Sr25519Keyring::Alice));
		});
	}
	assert_eq!(
		crate::genesis_config_presets::preset_names(),
		vec![
			sp_genesis_builder::PresetId::from(DEV_RUNTIME_PRESET),
			sp_genesis_builder::PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)
		]
	);
	assert!(crate::genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn total_issuance_matches_the_preset() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let endowed = Sr25519Keyring::well_known().count() as Balance;
		// The treasury and the rewards pot start with the existential deposit.
		assert_eq!(Balances::total_issuance(), endowed * ENDOWMENT + 2 * EXISTENTIAL_DEPOSIT);
		assert_eq!(free(&crate::Rewards::pot()), EXISTENTIAL_DEPOSIT);
		assert_eq!(free(&account(Sr25519Keyring::Bob)), ENDOWMENT);
		assert_eq!(free(&TreasuryAccount::get()), EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn a_transfer_moves_the_amount_and_pays_its_fee_into_the_treasury() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		let treasury = TreasuryAccount::get();
		let issuance = Balances::total_issuance();
		start_block();

		let amount = 10 * UNIT;
		let xt = signed(transfer(Sr25519Keyring::Bob, amount), Sr25519Keyring::Alice, 0);
		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));

		let fee = ENDOWMENT - NODE_STAKE - amount - free(&alice);
		assert!(fee > 0, "a transfer pays a fee");
		assert!(fee < UNIT / 100, "a transfer costs less than 0.01 PROPOSAL, paid {fee}");
		assert_eq!(free(&bob), ENDOWMENT + amount);
		assert_eq!(free(&treasury), EXISTENTIAL_DEPOSIT + fee);
		assert_eq!(Balances::total_issuance(), issuance, "fees are not burnt");
		assert_eq!(System::account_nonce(&alice), 1);
	});
}

/// What an annotation costs its annotator in fees, against what the points of one correction
/// pay at most: a correction is worth tens of annotation fees, so a correction that survives its
/// window ends richer, while a copy of the network's label earns no points and pays the fee. The
/// points of one correction stay below the proposal fee, so "correcting" one's own proposal loses.
#[test]
fn a_correction_pays_tens_of_annotation_fees_and_less_than_a_proposal_fee() {
	use frame_support::dispatch::GetDispatchInfo;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let call = RuntimeCall::Proposals(pallet_proposals::Call::annotate {
			id: 0,
			label: 2,
			bond: UNIT / 10,
			note_hash: None,
		});
		let len = signed(call.clone(), Sr25519Keyring::Bob, 0).encoded_size() as u32;
		let fee = pallet_transaction_payment::Pallet::<Runtime>::compute_fee(
			len,
			&call.get_dispatch_info(),
			0,
		);
		let proposals = pallet_proposals::Params::<Runtime>::get();
		let points: u32 = proposals.correction_points;
		let cap = pallet_rewards::Params::<Runtime>::get().annotation_point_cap;
		let correction = Balance::from(points) * cap;
		assert!(correction > 20 * fee, "a correction pays {correction}, an annotation costs {fee}");
		assert!(correction < proposals.proposal_fee);
	});
}

#[test]
fn an_unsigned_transfer_is_rejected_and_changes_nothing() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		start_block();
		let bare = UncheckedExtrinsic::new_bare(transfer(Sr25519Keyring::Bob, UNIT));
		let parent = System::block_hash(0);
		assert!(Executive::validate_transaction(TransactionSource::External, bare.clone(), parent)
			.is_err());
		// Were a block author to include it anyway, the call dispatches with no origin and fails.
		assert_eq!(Executive::apply_extrinsic(bare), Ok(Err(sp_runtime::DispatchError::BadOrigin)),);
		assert_eq!(free(&alice), ENDOWMENT - NODE_STAKE, "Alice holds her inference stake");
	});
}

#[test]
fn a_badly_signed_transfer_is_rejected_and_changes_nothing() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		start_block();
		// Signed by Bob's key but claiming to come from Alice.
		let genuine = signed(transfer(Sr25519Keyring::Charlie, UNIT), Sr25519Keyring::Bob, 0);
		let forged = UncheckedExtrinsic::new_signed(
			transfer(Sr25519Keyring::Charlie, UNIT),
			MultiAddress::Id(alice.clone()),
			match genuine.preamble {
				sp_runtime::generic::Preamble::Signed(_, signature, _) => signature,
				_ => unreachable!("built signed"),
			},
			tx_extension(0, Era::Immortal),
		);
		assert_eq!(
			Executive::apply_extrinsic(forged),
			Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
		);
		assert_eq!(free(&alice), ENDOWMENT - NODE_STAKE, "Alice holds her inference stake");
		assert_eq!(System::account_nonce(&alice), 0);
	});
}

#[test]
fn a_transfer_with_a_stale_nonce_is_rejected() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		start_block();
		let first = signed(transfer(Sr25519Keyring::Bob, UNIT), Sr25519Keyring::Alice, 0);
		assert_eq!(Executive::apply_extrinsic(first.clone()), Ok(Ok(())));
		assert_eq!(
			Executive::apply_extrinsic(first),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
		);
	});
}

#[test]
fn the_runtime_version_names_the_chain() {
	assert_eq!(crate::VERSION.spec_name, "daollm");
	// The metadata is what polkadot.js reads: it must encode and list the token pallet.
	// Within externalities, as a node computes it: `Rewards::EpochLength` is read from storage.
	let metadata =
		sp_io::TestExternalities::default().execute_with(|| Runtime::metadata().encode());
	assert!(metadata.windows(8).any(|w| w == b"Balances"));
}

#[test]
fn the_shipped_model_is_the_committed_file_and_its_manifest() {
	// Read at run time, not compile time: the build may be shared by clones at other paths.
	let dir = std::path::PathBuf::from(
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
	)
	.join("../offchain-workers/model");
	let file = std::fs::read(dir.join("proposal-classifier.onnx")).expect("committed model");
	assert_eq!(sp_io::hashing::sha2_256(&file), crate::configs::SHIPPED_MODEL_SHA256.0);
	let manifest: serde_json::Value =
		serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
	let labels: Vec<&str> =
		manifest["labels"].as_array().expect("labels").iter().filter_map(|l| l.as_str()).collect();
	assert_eq!(labels, crate::genesis_config_presets::SHIPPED_MODEL_LABELS);
	assert_eq!(manifest["layer"]["labels"].as_u64(), Some(labels.len() as u64));
	assert_eq!(
		manifest["layer"]["features"].as_u64(),
		Some(u64::from(crate::configs::SHIPPED_MODEL_FEATURES))
	);
	assert_eq!(
		manifest["sha256"].as_str(),
		Some(format!("{:x}", crate::configs::SHIPPED_MODEL_SHA256).as_str())
	);
	assert_eq!(
		labels.len(),
		<crate::configs::LabelCount as frame_support::traits::Get<u8>>::get() as usize
	);
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(
			<<Runtime as pallet_inference::Config>::ActiveModel as daollm_primitives::traits::ActiveModel>::active_model(),
			Some(crate::configs::SHIPPED_MODEL_SHA256)
		);
	});
}

#[test]
fn every_proposal_body_fits_the_inference_engine() {
	let max_body =
		<<Runtime as pallet_proposals::Config>::MaxBodyLen as frame_support::traits::Get<u32>>::get(
		) as usize;
	assert!(max_body <= daollm_inference_interface::MAX_INPUT_BYTES);
}

#[test]
fn an_epoch_mints_its_emission_into_the_rewards_pot() {
	use frame_support::traits::{Get, Hooks};
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let issuance = Balances::total_issuance();
		let emission = pallet_rewards::Params::<Runtime>::get().emission;
		let end = <Runtime as pallet_rewards::Config>::EpochLength::get();
		System::set_block_number(end);
		crate::Rewards::on_initialize(end);
		assert_eq!(Balances::total_issuance(), issuance + emission);
		assert_eq!(free(&crate::Rewards::pot()), EXISTENTIAL_DEPOSIT + emission);
		assert_eq!(pallet_rewards::CurrentEpoch::<Runtime>::get(), 1);
	});
}

/// An idle chain's block (nothing due, nothing waiting) costs DAOLLM's pallets' hooks no write:
/// each reads the few values that say there is nothing to do (proposals: the settlement queue's
/// bounds, the next deposit to release and the next proposal id; inference: the tasks due now
/// and the backlog; the others one each), and the state root they leave is the one they found.
#[test]
fn an_idle_block_costs_our_hooks_no_write() {
	use frame_support::traits::Hooks;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let now = 2;
		System::set_block_number(now);
		let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
		let reads = |n| <Runtime as frame_system::Config>::DbWeight::get().reads(n);
		for (pallet, weight, most) in [
			("proposals", crate::Proposals::on_initialize(now), reads(3)),
			("inference", crate::Inference::on_initialize(now), reads(2)),
			("model-registry", crate::ModelRegistry::on_initialize(now), reads(1)),
			("rewards", crate::Rewards::on_initialize(now), reads(1)),
			("training", crate::Training::on_initialize(now), reads(1)),
		] {
			assert!(weight.all_lte(most), "{pallet}'s idle hook weighs {weight:?}");
		}
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
	});
}

/// A development chain shortens the rewards epoch by writing `:EpochBlocks:` (the app's
/// end-to-end test does, through sudo); no value makes it shorter than `MIN_EPOCH_LENGTH`, so a
/// zero cannot halt the chain with a division by zero.
#[test]
fn the_epoch_length_is_read_from_storage_and_never_below_its_floor() {
	use crate::configs::rewards::{EpochBlocks, EpochLength, MIN_EPOCH_LENGTH};
	use frame_support::traits::{Get, Hooks};
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(EpochLength::get(), crate::HOURS);
		let key = sp_io::hashing::twox_128(b":EpochBlocks:");
		assert_eq!(EpochBlocks::key(), key);
		sp_io::storage::set(&key, &20u32.encode());
		assert_eq!(EpochLength::get(), 20);
		System::set_block_number(20);
		crate::Rewards::on_initialize(20);
		assert_eq!(pallet_rewards::CurrentEpoch::<Runtime>::get(), 1);
		sp_io::storage::set(&key, &0u32.encode());
		assert_eq!(EpochLength::get(), MIN_EPOCH_LENGTH);
	});
}

/// `call` signed by the key `pair` with the given nonce.
fn signed_by(call: RuntimeCall, pair: &sp_core::sr25519::Pair, nonce: Nonce) -> UncheckedExtrinsic {
	use sp_core::Pair as _;
	let extension = tx_extension(nonce, Era::Immortal);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("payload builds");
	let signature = payload.using_encoded(|bytes| pair.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(pair.public().into()),
		MultiSignature::Sr25519(signature),
		extension,
	)
}

/// An `infr` key account holding only the existential deposit commits (on
/// e9f7082 the upfront fee made every such commit `InvalidTransaction::Payment`), pays nothing,
/// and its commit outranks a transfer with a large tip in the pool.
#[test]
fn an_infr_key_at_the_existential_deposit_serves_with_priority() {
	use frame_support::traits::fungible::Mutate;
	use sp_core::Pair as _;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		start_block();
		let infr = sp_core::sr25519::Pair::from_string("//Dave//infr", None).expect("a key");
		let key_account: AccountId = infr.public().into();
		let dave = account(Sr25519Keyring::Dave);
		crate::ComputeNodes::do_register(&dave, NODE_STAKE, infr.public().into())
			.expect("Dave registers");
		Balances::set_balance(&key_account, EXISTENTIAL_DEPOSIT);
		let params = pallet_inference::Params::<Runtime>::get();
		pallet_inference::Params::<Runtime>::put(pallet_inference::Parameters {
			committee_size: 2,
			..params
		});
		crate::Proposals::submit_proposal(
			crate::RuntimeOrigin::signed(account(Sr25519Keyring::Bob)),
			b"Fund the audit".to_vec(),
			b"Fund the audit of the bridge: 50,000 DAI.".to_vec(),
		)
		.expect("submits");
		// The next block draws the committee (Alice is the dev chain's only authority).
		consensus::babe_block(2, Sr25519Keyring::Alice, 101);
		let task = pallet_inference::TaskOfProposal::<Runtime>::get(0).expect("a task");
		let committee = pallet_inference::Tasks::<Runtime>::get(task).expect("open").committee;
		assert!(committee.iter().any(|seat| seat.node == dave), "Dave holds a seat");

		let commit = RuntimeCall::Inference(pallet_inference::Call::commit {
			task,
			commitment: sp_core::H256::repeat_byte(1),
		});
		let xt = signed_by(commit, &infr, 0);
		let parent = System::parent_hash();
		let valid =
			Executive::validate_transaction(TransactionSource::External, xt.clone(), parent)
				.expect("the pool takes the commit");
		let tipped = {
			let mut extension = tx_extension(0, Era::Immortal);
			extension.8 = pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
				pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(1_000 * UNIT),
			)
			.into();
			let call = transfer(Sr25519Keyring::Bob, UNIT);
			let payload = SignedPayload::new(call.clone(), extension.clone()).expect("payload");
			let signature = payload.using_encoded(|bytes| Sr25519Keyring::Charlie.sign(bytes));
			UncheckedExtrinsic::new_signed(
				call,
				MultiAddress::Id(account(Sr25519Keyring::Charlie)),
				MultiSignature::Sr25519(signature),
				extension,
			)
		};
		let rich = Executive::validate_transaction(TransactionSource::External, tipped, parent)
			.expect("a tipped transfer is valid");
		assert!(valid.priority > rich.priority, "{} ≤ {}", valid.priority, rich.priority);

		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));
		assert_eq!(free(&key_account), EXISTENTIAL_DEPOSIT, "the commit cost nothing");
		assert!(pallet_inference::Commitments::<Runtime>::contains_key(task, &dave));
		// Anything else from that account still pays, and it cannot.
		let other = signed_by(transfer(Sr25519Keyring::Bob, 1), &infr, 1);
		assert_eq!(
			Executive::validate_transaction(TransactionSource::External, other, parent),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
		);
	});
}

/// An offchain worker's transaction lives [`LIFETIME`] blocks: signed in block `n`, it is valid
/// for blocks `n + 1` and `n + 2` and refused from `n + 3` on, so that a transaction its peers
/// dropped cannot keep its nonce in its own node's pool while the worker resends (a transaction
/// that lived 1 024 blocks had an honest validator's resends all refused as replacements of its
/// own lost commits).
///
/// [`LIFETIME`]: daollm_primitives::offchain::LIFETIME
#[test]
fn a_workers_transaction_dies_lifetime_blocks_after_it_was_signed() {
	use daollm_primitives::offchain::LIFETIME;
	use frame_support::traits::fungible::Mutate;
	use frame_system::offchain::CreateSignedTransaction;
	use sp_core::Pair as _;
	use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};

	let keystore = MemoryKeystore::new();
	let public = keystore
		.sr25519_generate_new(daollm_primitives::inference::KEY_TYPE, Some("//Dave//infr"))
		.expect("a key");
	let mut ext = preset_ext(DEV_RUNTIME_PRESET);
	ext.register_extension(KeystoreExt::new(keystore));
	ext.execute_with(|| {
		start_block();
		let key_account: AccountId = sp_core::sr25519::Pair::from_string("//Dave//infr", None)
			.expect("a key")
			.public()
			.into();
		Balances::set_balance(&key_account, 10 * UNIT);
		let signed_in = 2u32;
		consensus::babe_block(signed_in, Sr25519Keyring::Alice, 101);
		let xt = <Runtime as CreateSignedTransaction<RuntimeCall>>::create_signed_transaction::<
			<Runtime as pallet_inference::Config>::AuthorityId,
		>(transfer(Sr25519Keyring::Bob, UNIT), public.into(), key_account.clone(), 0)
		.expect("the worker signs");
		// The pool validates on a block's state, for the next block; nothing of it is kept.
		let validate = |xt: UncheckedExtrinsic| {
			frame_support::storage::with_transaction(|| {
				let validity = Executive::validate_transaction(
					TransactionSource::Local,
					xt,
					System::parent_hash(),
				);
				sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(
					validity,
				))
			})
			.expect("rolled back")
		};
		for parent in signed_in..signed_in + LIFETIME - 1 {
			if parent > signed_in {
				consensus::babe_block(parent, Sr25519Keyring::Alice, 100 + u64::from(parent));
			}
			let valid = validate(xt.clone()).expect("valid for the next two blocks");
			assert_eq!(valid.longevity, u64::from(signed_in + LIFETIME - 1 - parent));
		}
		let dead = signed_in + LIFETIME;
		consensus::babe_block(dead - 1, Sr25519Keyring::Alice, 100 + u64::from(dead - 1));
		let at_death = validate(xt.clone());
		assert!(at_death.is_err(), "refused for block {dead}: {at_death:?}");
		consensus::babe_block(dead, Sr25519Keyring::Alice, 100 + u64::from(dead));
		let later = validate(xt);
		assert!(later.is_err(), "and later: {later:?}");
	});
}

/// What `try-runtime` checks on a live chain, on the presets' states: every pallet's
/// `try_state` invariants hold at genesis, in the first block and after the first rewards epoch
/// closes, and the runtime upgrade's pre- and post-upgrade checks pass (this runtime has no
/// pending migration, so they check that none is needed). CI runs it with
/// `--features try-runtime`.
#[cfg(feature = "try-runtime")]
#[test]
fn try_runtime_checks_hold_on_every_preset() {
	use frame_support::traits::{Get, Hooks, TryState, TryStateSelect, UpgradeCheckSelect};
	let check = |what: &str| {
		let now = System::block_number();
		<crate::AllPalletsWithSystem as TryState<crate::BlockNumber>>::try_state(
			now,
			TryStateSelect::All,
		)
		.unwrap_or_else(|e| panic!("{what}: try_state fails at block {now}: {e:?}"));
	};
	for id in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		preset_ext(id).execute_with(|| {
			check(id);
			start_block();
			check(id);
			Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
				.unwrap_or_else(|e| panic!("{id}: the upgrade checks fail: {e:?}"));
			let end = <Runtime as pallet_rewards::Config>::EpochLength::get();
			System::set_block_number(end);
			crate::Rewards::on_initialize(end);
			check(id);
		});
	}
}
