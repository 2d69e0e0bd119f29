//! The smallest runtime that exercises the registry: System, Balances and ComputeNodes, with
//! test keys that sign as their own number (the registry as `daollm_test_support::mock_registry!`
//! writes it for every mock that runs it).

use crate as pallet_compute_nodes;
use sp_runtime::BuildStorage;

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: ComputeNodes = pallet_compute_nodes }

daollm_test_support::mock_balances!();

daollm_test_support::mock_registry! { randomness: (), max_nodes: 8, min_unbonding_period: 12 }

/// Builds test externalities with funded operators and, by default, no node.
#[derive(Default)]
pub struct ExtBuilder {
	nodes: Vec<(AccountId, Balance)>,
}

impl ExtBuilder {
	/// Alice, Bob, Charlie and Dave registered at genesis with `MIN_STAKE` each.
	pub fn four_nodes(self) -> Self {
		self.nodes([ALICE, BOB, CHARLIE, DAVE].map(|n| (n, MIN_STAKE)).to_vec())
	}

	/// The given operators registered at genesis with the given stakes.
	pub fn nodes(mut self, nodes: Vec<(AccountId, Balance)>) -> Self {
		self.nodes = nodes;
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		registry_genesis(&mut storage, &self.nodes);
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
	ComputeNodes::do_try_state().expect("invariants hold");
}
