//! The smallest runtime that exercises the pallet: System and ModelRegistry, with Root as the
//! registrar and a signed account as the parameters origin (two origins, as the runtime's
//! `models` and `parameters` tracks are).

use crate as pallet_model_registry;
use crate::{pallet::GenesisModel, InputSpec, Parameters};
use frame_support::{derive_impl, ord_parameter_types, parameter_types, traits::Hooks};
use frame_system::{EnsureRoot, EnsureSignedBy};
use sp_core::{ConstU32, H256};
use sp_runtime::BuildStorage;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
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
	type WeightInfo = ();
}

/// Builds test externalities with the analysis model `proposal-classifier` registered and
/// active at version 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
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

/// Runs `test`, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ModelRegistry::do_try_state().expect("invariants hold");
	});
}

/// Advances to block `n`, running the pallet's `on_initialize` and checking invariants in each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		ModelRegistry::on_initialize(next);
		ModelRegistry::do_try_state().expect("invariants hold in every block");
	}
}
