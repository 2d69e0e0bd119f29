//! The smallest runtime that exercises the pallet: System, Balances and Spaces, with Root as the
//! governance origin. The tests file proposals through [`ProposalSpaces`] as the proposals
//! pallet does.
//!
//! [`ProposalSpaces`]: daollm_primitives::traits::ProposalSpaces

use crate as pallet_spaces;
use crate::{Parameters, ParametersOf};
use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// An account that cannot hold a space's deposit.
pub const POOR: AccountId = 6;
pub const INITIAL_BALANCE: Balance = 1_000_000;

pub const DEPOSIT_BASE: Balance = 1_000;
pub const DEPOSIT_PER_BYTE: Balance = 10;
pub const MAX_NAME_LEN: u32 = 32;
pub const MAX_DESCRIPTION_LEN: u32 = 128;
pub const MAX_LINK_LEN: u32 = 64;

daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: Spaces = pallet_spaces }

daollm_test_support::mock_balances!();

parameter_types! {
	pub DefaultParameters: ParametersOf<Test> =
		Parameters { deposit_base: DEPOSIT_BASE, deposit_per_byte: DEPOSIT_PER_BYTE };
}

impl pallet_spaces::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxNameLen = ConstU32<MAX_NAME_LEN>;
	type MaxDescriptionLen = ConstU32<MAX_DESCRIPTION_LEN>;
	type MaxLinkLen = ConstU32<MAX_LINK_LEN>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
}

/// Builds test externalities with funded accounts.
///
/// It has no knobs: tests write `ExtBuilder.build_and_execute(…)`.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: vec![
				(ALICE, INITIAL_BALANCE),
				(BOB, INITIAL_BALANCE),
				(CHARLIE, INITIAL_BALANCE),
				(POOR, 500),
			],
			..Default::default()
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

/// Every mocked pallet's invariants.
pub fn try_state() {
	Spaces::do_try_state().expect("invariants hold");
}
