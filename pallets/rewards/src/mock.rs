//! The smallest runtime that exercises the pallet: System, Balances and Rewards.

use crate as pallet_rewards;
use crate::{Parameters, RewardSplit};
use frame_support::{derive_impl, parameter_types, PalletId};
use frame_system::EnsureRoot;
use sp_runtime::{BuildStorage, Perbill};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// An account that does not exist until it is paid.
pub const NOBODY: AccountId = 99;
pub const EPOCH_LENGTH: u64 = 10;
pub const EMISSION: Balance = 1_000;
pub const ED: Balance = 1;
/// Closed epochs stay claimable this long: longer than any test but the expiry one runs.
pub const CLAIM_PERIOD: u32 = 10;

daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: Rewards = pallet_rewards }

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = frame_support::traits::ConstU64<ED>;
}

parameter_types! {
	pub const RewardsPalletId: PalletId = PalletId(*b"dl/rewrd");
	pub DefaultParameters: Parameters<Balance> = Parameters {
		emission: EMISSION,
		split: RewardSplit {
			annotation: Perbill::from_percent(20),
			inference: Perbill::from_percent(50),
			training: Perbill::from_percent(30),
		},
		// Uncapped, so that the split's arithmetic shows plainly; the cap has its own test.
		annotation_point_cap: Balance::MAX,
		claim_period: CLAIM_PERIOD,
	};
}

impl pallet_rewards::Config for Test {
	type Currency = Balances;
	type PalletId = RewardsPalletId;
	type EpochLength = frame_support::traits::ConstU64<EPOCH_LENGTH>;
	type MaxClaimEpochs = frame_support::traits::ConstU32<4>;
	type MaxHistory = frame_support::traits::ConstU32<3>;
	type MaxPendingReport = frame_support::traits::ConstU32<8>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
}

/// Builds test externalities with funded accounts and the pot at its existential deposit.
#[derive(Default)]
pub struct ExtBuilder {
	parameters: Option<Parameters<Balance>>,
}

impl ExtBuilder {
	/// Genesis parameters other than the defaults.
	pub fn parameters(mut self, parameters: Parameters<Balance>) -> Self {
		self.parameters = Some(parameters);
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: [ALICE, BOB, CHARLIE].map(|who| (who, 100)).to_vec(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_rewards::GenesisConfig::<Test> { parameters: self.parameters }
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
	Rewards::do_try_state().expect("invariants hold");
}

/// Advances past the end of the current epoch.
pub fn end_epoch() {
	let now = System::block_number();
	run_to_block((now / EPOCH_LENGTH + 1) * EPOCH_LENGTH);
}
