//! The smallest runtime that exercises the registry: System, Balances and ComputeNodes, with
//! test keys that sign as their own number.

use crate as pallet_compute_nodes;
use crate::{CreditOf, Parameters};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Imbalance, OnUnbalanced},
};
use frame_system::EnsureRoot;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	traits::Convert,
	BuildStorage, Perbill,
};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

/// Operators; each signs with the key `UintAuthorityId(operator + KEY_OFFSET)`.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const DAVE: AccountId = 4;
pub const EVE: AccountId = 5;
pub const FERDIE: AccountId = 6;
/// An account with little money.
pub const POOR: AccountId = 9;
pub const KEY_OFFSET: u64 = 100;
pub const INITIAL_BALANCE: Balance = 1_000_000;
pub const MIN_STAKE: Balance = 1_000;
pub const MAX_NODES: u32 = 8;
pub const OFFENCE_WINDOW: u64 = 10;
pub const REJOIN_COOLDOWN: u64 = 30;
pub const UNBONDING_PERIOD: u64 = 20;

/// The key operator `who` binds.
pub fn key_of(who: AccountId) -> UintAuthorityId {
	UintAuthorityId(who + KEY_OFFSET)
}

/// The account operator `who`'s key signs as.
pub fn signer_of(who: AccountId) -> AccountId {
	who + KEY_OFFSET
}

daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: ComputeNodes = pallet_compute_nodes }

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
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	/// Stake slashed (and burnt) so far.
	pub static Slashed: Balance = 0;
	pub DefaultParameters: Parameters<Balance, u64> = default_parameters();
}

/// The mock's parameters: 10 % for a miss, 2 % for a disagreement, 20 % steps.
pub fn default_parameters() -> Parameters<Balance, u64> {
	Parameters {
		min_node_stake: MIN_STAKE,
		unbonding_period: UNBONDING_PERIOD,
		reputation_step: Perbill::from_percent(20),
		initial_reputation: Perbill::from_percent(50),
		min_reputation: Perbill::from_percent(20),
		miss_slash: Perbill::from_percent(10),
		disagreement_slash: Perbill::from_percent(2),
		offence_window: OFFENCE_WINDOW,
		excuse_budget: 2,
		rejoin_cooldown: REJOIN_COOLDOWN,
	}
}

/// Operator `who`'s proof that it holds `key`: the test key's signature over the pallet's
/// statement.
pub fn proof_of(who: AccountId, key: &UintAuthorityId) -> TestSignature {
	TestSignature(key.0, ComputeNodes::possession_statement(&who))
}

/// Burns slashed stake, counting it: total issuance falls by exactly what was slashed.
pub struct BurnSlashes;
impl OnUnbalanced<CreditOf<Test>> for BurnSlashes {
	fn on_nonzero_unbalanced(credit: CreditOf<Test>) {
		Slashed::mutate(|s| *s += credit.peek());
	}
}

pub struct KeyAccount;
impl Convert<UintAuthorityId, AccountId> for KeyAccount {
	fn convert(key: UintAuthorityId) -> AccountId {
		key.0
	}
}

impl pallet_compute_nodes::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type NodeKey = UintAuthorityId;
	type KeyAccount = KeyAccount;
	type Slash = BurnSlashes;
	type Randomness = ();
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxNodes = ConstU32<MAX_NODES>;
	type MaxUnbondingChunks = ConstU32<3>;
	type MaxHistory = ConstU32<4>;
	type MinUnbondingPeriod = sp_core::ConstU64<12>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<UintAuthorityId> for MockBenchmarkHelper {
	fn key(seed: u32) -> UintAuthorityId {
		UintAuthorityId(1_000_000 + seed as u64)
	}
}

/// Builds test externalities with funded accounts and the given nodes.
pub struct ExtBuilder {
	nodes: Vec<(AccountId, Balance)>,
}

impl ExtBuilder {
	/// No nodes registered.
	pub fn empty() -> Self {
		Self { nodes: vec![] }
	}

	/// Alice, Bob, Charlie and Dave registered at genesis with `MIN_STAKE` each.
	pub fn four_nodes() -> Self {
		Self { nodes: [ALICE, BOB, CHARLIE, DAVE].map(|n| (n, MIN_STAKE)).to_vec() }
	}

	/// The given operators registered at genesis with the given stakes.
	pub fn nodes(nodes: Vec<(AccountId, Balance)>) -> Self {
		Self { nodes }
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<(AccountId, Balance)> =
			(ALICE..=FERDIE).map(|who| (who, INITIAL_BALANCE)).collect();
		balances.push((POOR, 500));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_compute_nodes::GenesisConfig::<Test> {
			parameters: None,
			nodes: self.nodes.iter().map(|(who, stake)| (*who, *stake, key_of(*who))).collect(),
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Slashed::set(0);
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			ComputeNodes::do_try_state().expect("invariants hold");
		});
	}
}

/// Moves to block `n`.
pub fn run_to_block(n: u64) {
	System::set_block_number(n);
}
