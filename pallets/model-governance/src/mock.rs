//! The smallest runtime that exercises the pallet: System, Balances and ModelGovernance, with a
//! whitelist of the pallet's own setters and `System::remark`.

use crate as pallet_model_governance;
use crate::{pallet::GenesisModel, CreditOf, InputSpec, Parameters};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Contains, Hooks, Imbalance, OnUnbalanced, VariantCountOf},
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill, Weight};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const DAVE: AccountId = 4;
/// An account with little money.
pub const POOR: AccountId = 9;
pub const BALANCE: Balance = 1_000;
pub const DEPOSIT: Balance = 10;
pub const VOTING_PERIOD: u64 = 5;
pub const ENACTMENT_DELAY: u64 = 2;
pub const LOCK_PERIOD: u64 = 3;
pub const ACTIVATION_DELAY: u64 = 4;
pub const MAX_LIVE: u32 = 4;
pub const MAX_VOTES: u32 = 3;
pub const LABELS: [&str; 5] =
	["protocol-upgrade", "standard-interface", "parameter-change", "process-meta", "treasury"];

/// The analysis model's genesis file hash.
pub fn shipped() -> H256 {
	H256::repeat_byte(0x11)
}

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type ModelGovernance = pallet_model_governance;
}

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
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

parameter_types! {
	/// The heaviest call a referendum may carry; tests lower it.
	pub static MaxCallWeight: Weight = Weight::from_parts(u64::MAX / 4, u64::MAX / 4);
	/// Deposits slashed (and burnt) so far.
	pub static Slashed: Balance = 0;
	pub DefaultParameters: Parameters<Balance, u64> = default_parameters();
}

/// The mock's parameters: five blocks of voting, a two-block timelock, 10% quorum, 60% approval.
pub fn default_parameters() -> Parameters<Balance, u64> {
	Parameters {
		voting_period: VOTING_PERIOD,
		enactment_delay: ENACTMENT_DELAY,
		quorum: Perbill::from_percent(10),
		approval: Perbill::from_percent(60),
		min_deposit: DEPOSIT,
		vote_lock_period: LOCK_PERIOD,
		activation_delay: ACTIVATION_DELAY,
	}
}

/// Referenda may propose the pallet's own calls and remarks; nothing else.
pub struct Whitelist;
impl Contains<RuntimeCall> for Whitelist {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(
			call,
			RuntimeCall::ModelGovernance(
				crate::Call::register_model { .. }
					| crate::Call::activate_model { .. }
					| crate::Call::set_parameters { .. }
			) | RuntimeCall::System(frame_system::Call::remark { .. })
		)
	}
}

pub struct BurnSlashes;
impl OnUnbalanced<CreditOf<Test>> for BurnSlashes {
	fn on_nonzero_unbalanced(credit: CreditOf<Test>) {
		Slashed::mutate(|s| *s += credit.peek());
	}
}

impl pallet_model_governance::Config for Test {
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type CallFilter = Whitelist;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type VetoOrigin = EnsureRoot<AccountId>;
	type Slash = BurnSlashes;
	type AnalysisModel = ConstU32<0>;
	type AnalysisLabels = ConstU32<5>;
	type MaxLiveReferenda = ConstU32<MAX_LIVE>;
	type MaxVotes = ConstU32<MAX_VOTES>;
	type MaxEnactmentsPerBlock = ConstU32<2>;
	type MaxCallLen = ConstU32<512>;
	type MaxCallWeight = MaxCallWeight;
	type MaxVotingPeriod = sp_core::ConstU64<100>;
	type MaxNameLen = ConstU32<24>;
	type MaxUriLen = ConstU32<64>;
	type MaxLabels = ConstU32<8>;
	type MaxLabelLen = ConstU32<24>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
}

/// Builds test externalities: four funded voters, a poor one, and the analysis model
/// `proposal-classifier` registered and active at version 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<_> = [ALICE, BOB, CHARLIE, DAVE].map(|who| (who, BALANCE)).to_vec();
	balances.push((POOR, 5));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_model_governance::GenesisConfig::<Test> {
		parameters: None,
		models: vec![GenesisModel {
			name: "proposal-classifier".into(),
			sha256: shipped(),
			uri: "ipfs://bafkshipped".into(),
			labels: LABELS.iter().map(|l| l.to_string()).collect(),
			input: InputSpec::NormalisedText { max_chars: 8_000 },
			active: true,
		}],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		MaxCallWeight::set(Weight::from_parts(u64::MAX / 4, u64::MAX / 4));
		Slashed::set(0);
	});
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ModelGovernance::do_try_state(System::block_number()).expect("invariants hold");
	});
}

/// Advances to block `n`, running the pallet's `on_initialize` and checking invariants in each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		ModelGovernance::on_initialize(next);
		ModelGovernance::do_try_state(next).expect("invariants hold in every block");
	}
}
