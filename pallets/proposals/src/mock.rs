//! The smallest runtime that exercises the pallet: System, Balances, Spaces (the DAO spaces
//! proposals are filed under) and Proposals, with recording stand-ins for the inference network
//! and the rewards pallet.

use crate as pallet_proposals;
use crate::{Parameters, ParametersOf};
use daollm_primitives::{
	traits::{Contribution, InferenceTasks, RewardPoints},
	ProposalId,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU8},
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, Perbill, Weight};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const DAVE: AccountId = 4;
pub const EVE: AccountId = 5;
pub const POOR: AccountId = 6;
/// Where slashed deposits go.
pub const SPAM_POT: AccountId = 99;
pub const INITIAL_BALANCE: Balance = 1_000_000;

pub const DEPOSIT_BASE: Balance = 100;
pub const DEPOSIT_PER_BYTE: Balance = 1;
pub const MAX_TITLE_LEN: u32 = 64;
pub const MAX_BODY_LEN: u32 = 64 * 1024;
pub const MAX_ORIGIN_LEN: u32 = 96;
/// What a space costs its admin.
pub const SPACE_DEPOSIT: Balance = 500;
pub const LABELS: u8 = 5;
/// The least bond an annotation holds.
pub const MIN_BOND: Balance = 10;
/// The bonded weight a label needs: three minimal bonds.
pub const VERIFICATION_BOND: Balance = 30;
pub const CHALLENGE_PERIOD: u64 = 5;
/// How long a window runs on after its leader changes near its end: half the period, rounded up.
pub const CHALLENGE_EXTENSION: u64 = 3;
/// Kept from each released deposit.
pub const FEE: Balance = 20;
/// Where proposal fees go.
pub const FEE_POT: AccountId = 98;
/// What the rewards pallet pays at most per annotation point (its cap), for the economics
/// tests: `POINTS × POINT_VALUE_CAP < FEE`.
pub const POINT_VALUE_CAP: Balance = 1;
pub const MAX_ANNOTATIONS: u32 = 5;
pub const POINTS: u32 = 10;

daollm_test_support::mock_runtime! {
	1: Balances = pallet_balances,
	2: Proposals = pallet_proposals,
	3: Spaces = pallet_spaces,
}

daollm_test_support::mock_balances!();

parameter_types! {
	pub const SpamPot: AccountId = SPAM_POT;
	pub const FeePot: AccountId = FEE_POT;
	pub DefaultParameters: ParametersOf<Test> = default_parameters();
	pub SpaceParameters: pallet_spaces::ParametersOf<Test> =
		pallet_spaces::Parameters { deposit_base: SPACE_DEPOSIT, deposit_per_byte: 0 };
	/// Reward points credited, in order: (account, contribution, points).
	pub static Rewarded: Vec<(AccountId, Contribution, u32)> = vec![];
	/// Analysis tasks opened, in order.
	pub static OpenedTasks: Vec<(ProposalId, H256)> = vec![];
	/// Analysis tasks cancelled, in order.
	pub static CancelledTasks: Vec<ProposalId> = vec![];
	/// Makes the next `open_task` fail, as an inference pallet with no nodes might.
	pub static RefuseTasks: bool = false;
	/// Proposals whose committee the mock inference network has drawn.
	pub static Drawn: Vec<ProposalId> = vec![];
}

/// The mock's parameters: half the deposit for a redraw, a fifth of a losing bond, half a
/// period of extension; no record deposit, so that the tests' balances read as deposit less
/// fee (the record tests set one).
pub fn default_parameters() -> ParametersOf<Test> {
	Parameters {
		deposit_base: DEPOSIT_BASE,
		deposit_per_byte: DEPOSIT_PER_BYTE,
		proposal_fee: FEE,
		record_deposit: 0,
		redraw_penalty: Perbill::from_percent(50),
		min_annotation_bond: MIN_BOND,
		verification_bond: VERIFICATION_BOND,
		challenge_period: CHALLENGE_PERIOD,
		challenge_extension: Perbill::from_percent(50),
		disagreement_slash: Perbill::from_percent(20),
		correction_points: POINTS,
	}
}

/// Records rewards so that tests can see who earned what.
pub struct RecordRewards;
impl RewardPoints<AccountId> for RecordRewards {
	fn reward(who: &AccountId, contribution: Contribution, points: u32) {
		Rewarded::mutate(|r| r.push((*who, contribution, points)));
	}
}

/// Records task openings and cancellations.
pub struct RecordTasks;
impl InferenceTasks for RecordTasks {
	fn open_task(proposal: ProposalId, content_hash: H256) -> Result<Weight, DispatchError> {
		if RefuseTasks::get() {
			return Err(DispatchError::Other("no inference nodes"));
		}
		OpenedTasks::mutate(|t| t.push((proposal, content_hash)));
		Ok(Weight::zero())
	}
	fn open_task_weight() -> Weight {
		Weight::zero()
	}
	fn cancel_task(proposal: ProposalId) -> Weight {
		CancelledTasks::mutate(|t| t.push(proposal));
		Weight::zero()
	}
	fn cancel_task_weight() -> Weight {
		Weight::zero()
	}
	fn committee_drawn(proposal: ProposalId) -> bool {
		Drawn::get().contains(&proposal)
	}
}

impl pallet_proposals::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type InferenceTasks = RecordTasks;
	type RewardPoints = RecordRewards;
	type Spaces = Spaces;
	type Slash = ResolveTo<SpamPot, Balances>;
	type Fees = ResolveTo<FeePot, Balances>;
	type SpamOrigin = EnsureRoot<AccountId>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxTitleLen = ConstU32<MAX_TITLE_LEN>;
	type MaxBodyLen = ConstU32<MAX_BODY_LEN>;
	type MaxOriginLen = ConstU32<MAX_ORIGIN_LEN>;
	type LabelCount = ConstU8<LABELS>;
	type MaxAnnotations = ConstU32<MAX_ANNOTATIONS>;
	type MaxSettlementsPerBlock = ConstU32<2>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SpaceHelper;
}

impl pallet_spaces::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxNameLen = ConstU32<32>;
	type MaxDescriptionLen = ConstU32<64>;
	type MaxLinkLen = ConstU32<64>;
	type DefaultParameters = SpaceParameters;
	type WeightInfo = ();
}

/// Registers the benchmarks' space with the real spaces pallet.
#[cfg(feature = "runtime-benchmarks")]
pub struct SpaceHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for SpaceHelper {
	fn space(admin: &AccountId) -> daollm_primitives::SpaceId {
		let id = pallet_spaces::NextSpaceId::<Test>::get();
		pallet_spaces::Pallet::<Test>::register_space(
			RuntimeOrigin::signed(*admin),
			b"Benchmark DAO".to_vec(),
			vec![],
			vec![],
		)
		.expect("a funded admin registers");
		id
	}
}

/// Registers a space administered by `admin`; its id.
pub fn register_space(admin: AccountId, name: &str) -> daollm_primitives::SpaceId {
	let id = pallet_spaces::NextSpaceId::<Test>::get();
	frame_support::assert_ok!(pallet_spaces::Pallet::<Test>::register_space(
		RuntimeOrigin::signed(admin),
		name.into(),
		vec![],
		b"https://example.org".to_vec(),
	));
	id
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
				(DAVE, INITIAL_BALANCE),
				(EVE, INITIAL_BALANCE),
				(POOR, 50),
				(SPAM_POT, 1),
				(FEE_POT, 1),
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Rewarded::take();
			OpenedTasks::take();
			CancelledTasks::take();
			RefuseTasks::set(false);
		});
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
	Proposals::do_try_state().expect("invariants hold");
	Spaces::do_try_state().expect("invariants hold");
}
