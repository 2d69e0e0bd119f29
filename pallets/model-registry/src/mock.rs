//! The smallest runtime that exercises the pallet: System and ModelRegistry, with Root as the
//! registrar and a signed account as the parameters origin (two origins, as the runtime's
//! `models` and `parameters` tracks are), and [`TestReferenda`], a ledger of referenda whose
//! outcome the tests decide, in place of `pallet-referenda` (whose votes and deposits the
//! runtime's tests exercise).

use crate as pallet_model_registry;
use crate::{pallet::GenesisModel, InputSpec, Parameters};
use frame_support::{derive_impl, ord_parameter_types, parameter_types};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_core::{ConstU32, H256};
use sp_runtime::{BuildStorage, DispatchError};
use std::cell::RefCell;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
/// An account [`TestReferenda`] refuses, as `pallet-referenda` refuses one that cannot pay the
/// submission deposit.
pub const PENNILESS: AccountId = 9;
/// The account the mock's parameters origin accepts.
pub const PARAMETERS_ADMIN: AccountId = 7;
pub const ACTIVATION_DELAY: u64 = 4;
pub const MAX_ACTIVATION_DELAY: u64 = 100;
pub const LABELS: [&str; 5] =
	["protocol-upgrade", "standard-interface", "parameter-change", "process-meta", "treasury"];

/// The analysis model's genesis file hash.
pub fn shipped() -> H256 {
	H256::repeat_byte(0x11)
}

daollm_test_support::mock_runtime! { 1: ModelRegistry = pallet_model_registry }

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
}

ord_parameter_types! {
	pub const ParametersAdmin: AccountId = PARAMETERS_ADMIN;
}

parameter_types! {
	pub DefaultParameters: Parameters<u64> = Parameters { activation_delay: ACTIVATION_DELAY };
}

/// How a [`TestReferenda`] referendum stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
	Ongoing,
	Approved,
	Rejected,
}

thread_local! {
	/// Every referendum opened, by index: its call and how it stands.
	static REFERENDA: RefCell<Vec<(crate::Call<Test>, Outcome)>> = const { RefCell::new(Vec::new()) };
}

/// A referendum ledger: `submit` opens an ongoing referendum, the tests decide it with
/// [`decide`] and enact it with [`enact`].
pub struct TestReferenda;
impl crate::OpenReferenda<AccountId, crate::Call<Test>> for TestReferenda {
	fn next_index() -> u32 {
		REFERENDA.with(|r| r.borrow().len() as u32)
	}
	fn submit(who: &AccountId, call: crate::Call<Test>) -> Result<u32, DispatchError> {
		if *who == PENNILESS {
			return Err(DispatchError::Other("cannot pay the submission deposit"));
		}
		Ok(REFERENDA.with(|r| {
			let mut r = r.borrow_mut();
			r.push((call, Outcome::Ongoing));
			r.len() as u32 - 1
		}))
	}
	fn approved(index: u32) -> bool {
		outcome(index) == Some(Outcome::Approved)
	}
	fn submit_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000_000, 0)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn fund(_: &AccountId) {}
	#[cfg(feature = "runtime-benchmarks")]
	fn approve(index: u32) {
		decide(index, Outcome::Approved);
	}
}

/// How referendum `index` stands.
pub fn outcome(index: u32) -> Option<Outcome> {
	REFERENDA.with(|r| r.borrow().get(index as usize).map(|(_, o)| *o))
}

/// Referendum `index`'s call.
pub fn call_of(index: u32) -> crate::Call<Test> {
	REFERENDA.with(|r| r.borrow()[index as usize].0.clone())
}

/// Decides referendum `index`.
pub fn decide(index: u32, outcome: Outcome) {
	REFERENDA.with(|r| r.borrow_mut()[index as usize].1 = outcome);
}

/// Dispatches referendum `index`'s call as the registrar origin (Root), as its enactment would.
pub fn enact(index: u32) -> frame_support::dispatch::DispatchResult {
	use frame_support::traits::UnfilteredDispatchable;
	call_of(index).dispatch_bypass_filter(RuntimeOrigin::root()).map(|_| ()).map_err(|e| e.error)
}

impl pallet_model_registry::Config for Test {
	type RegistrarOrigin = EnsureRoot<AccountId>;
	type ParametersOrigin = EnsureSignedBy<ParametersAdmin, AccountId>;
	type AnalysisModel = ConstU32<0>;
	type AnalysisLabels = ConstU32<5>;
	type MaxActivationDelay = sp_core::ConstU64<MAX_ACTIVATION_DELAY>;
	type MaxNameLen = ConstU32<24>;
	type MaxUriLen = ConstU32<64>;
	type MaxLabels = ConstU32<8>;
	type MaxLabelLen = ConstU32<24>;
	type DefaultParameters = DefaultParameters;
	type Referenda = TestReferenda;
	type WeightInfo = ();
}

/// Builds test externalities with the analysis model `proposal-classifier` registered and
/// active at version 1.
///
/// It has no knobs: tests write `ExtBuilder.build_and_execute(…)`.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		REFERENDA.with(|r| r.borrow_mut().clear());
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_model_registry::GenesisConfig::<Test> {
			parameters: None,
			models: vec![GenesisModel {
				name: "proposal-classifier".into(),
				sha256: shipped(),
				uri: "ipfs://bafkshipped".into(),
				labels: LABELS.iter().map(|l| l.to_string()).collect(),
				input: InputSpec::NormalisedText { max_chars: 8_000 },
				layer_features: Some(100),
				active: true,
			}],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks every mocked pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			try_state();
		});
	}
}

/// Advances to block `n`, running every pallet's hooks and checking the invariants in each
/// block.
pub fn run_to_block(n: u64) {
	daollm_test_support::run_to_block::<Test, AllPalletsWithSystem>(n, try_state);
}

/// Every mocked pallet's invariants.
fn try_state() {
	ModelRegistry::do_try_state().expect("invariants hold");
}
