//! The smallest runtime that exercises the pallet: System, Balances, the compute-node registry
//! (the real pallet: judgements move real stake and reputation) and Inference, with recording
//! stand-ins for model governance, the proposals pallet and the rewards pallet (the registry as
//! `daollm_test_support::mock_registry!` writes it for every mock that runs it).

use crate as pallet_inference;
use crate::Parameters;
use daollm_primitives::{
	traits::{ActiveModel, Contribution, ProposalAnalysed, RewardPoints},
	LabelIndex, ProposalId,
};
use daollm_test_support::TestAuthorityId;
use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU8},
};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill, Weight};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const LABELS: LabelIndex = 5;
pub const MAX_TASKS_PER_BLOCK: u32 = 2;
pub const MAX_BACKLOG: u32 = 64;
pub const COMMITTEE_PRIORITY: u64 = u64::MAX / 2;

/// The model the mock's governance has activated.
pub fn model() -> H256 {
	H256::repeat_byte(0xAA)
}

daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: ComputeNodes = pallet_compute_nodes, 3: Inference = pallet_inference }

daollm_test_support::mock_balances!();

parameter_types! {
	/// The active model; `None` to test a chain without one.
	pub static Model: Option<H256> = Some(model());
	/// Mixed into every random seed, so tests can vary committees.
	pub static Entropy: u64 = 0;
	/// Proposals reported analysed, in order.
	pub static Analysed: Vec<(ProposalId, LabelIndex)> = vec![];
	/// Proposals whose analysis ended unanswered, as the proposals pallet was told.
	pub static Unanswered: Vec<ProposalId> = vec![];
	/// Reward points credited, in order.
	pub static Rewarded: Vec<(AccountId, Contribution, u32)> = vec![];
	pub DefaultParameters: Parameters<u64> = default_parameters();
}

/// The mock's parameters: committees of three seats, two-block windows, one escalation.
pub fn default_parameters() -> Parameters<u64> {
	Parameters {
		committee_size: 3,
		commit_window: 2,
		reveal_window: 2,
		consensus_threshold: Perbill::from_rational(2u32, 3u32),
		inference_points: 5,
		min_participation: Perbill::from_percent(50),
		escalations: 1,
	}
}

pub struct MockModel;
impl ActiveModel for MockModel {
	fn active_model() -> Option<H256> {
		Model::get()
	}
}

parameter_types! {
	/// How many authorities take turns authoring the mock's blocks (block `n` is authored by
	/// `n % Authorities`): with one, every block may draw.
	pub static Authorities: u32 = 4;
	/// Who authors the current block, when a test says so.
	pub static BlockAuthor: Option<u32> = None;
}

/// The mock's VRF: blake2(subject ‖ …) per block, unknown before the block, refused to the
/// author who fixed what is drawn for, as the runtime's BABE source is.
pub struct MockDraws;
impl daollm_primitives::traits::DrawRandomness for MockDraws {
	fn author() -> Option<u32> {
		BlockAuthor::get().or(Some((System::block_number() % u64::from(Authorities::get())) as u32))
	}
	fn seed(subject: &[u8], fixed_by: Option<u32>) -> Option<H256> {
		if Authorities::get() > 1 && fixed_by == Self::author() {
			return None;
		}
		let block = System::block_number();
		Some(H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(
			subject,
			Entropy::get(),
			block,
		)))))
	}
}

pub struct RecordAnalysed;
impl ProposalAnalysed for RecordAnalysed {
	fn on_analysed(proposal: ProposalId, label: LabelIndex) {
		Analysed::mutate(|a| a.push((proposal, label)));
	}
	fn on_unanswered(proposal: ProposalId) {
		Unanswered::mutate(|u| u.push(proposal));
	}
	fn on_unanswered_weight() -> Weight {
		Weight::zero()
	}
	fn on_analysed_weight() -> Weight {
		Weight::zero()
	}
}

pub struct RecordRewards;
impl RewardPoints<AccountId> for RecordRewards {
	fn reward(who: &AccountId, contribution: Contribution, points: u32) {
		Rewarded::mutate(|r| r.push((*who, contribution, points)));
	}
}

daollm_test_support::impl_offchain_signing!(Test, RuntimeCall);

daollm_test_support::mock_registry! {
	randomness: MockDraws,
	max_nodes: 64,
	min_unbonding_period: 4 + crate::MAX_DEFERRAL as u64,
}

impl pallet_inference::Config for Test {
	type Balance = Balance;
	type Nodes = ComputeNodes;
	type AuthorityId = TestAuthorityId;
	type Randomness = MockDraws;
	type ActiveModel = MockModel;
	type OnAnalysed = RecordAnalysed;
	type Titles = ();
	type RewardPoints = RecordRewards;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type LabelCount = ConstU8<LABELS>;
	type MaxCommitteeSize = ConstU32<64>;
	type MaxEscalations = ConstU32<3>;
	type MaxTasksPerBlock = ConstU32<MAX_TASKS_PER_BLOCK>;
	type MaxTaskDuration = sp_core::ConstU64<20>;
	type MaxBacklog = ConstU32<MAX_BACKLOG>;
	type CommitteePriority = sp_core::ConstU64<COMMITTEE_PRIORITY>;
	type ResendAfter = ConstU32<{ daollm_primitives::offchain::LIFETIME }>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn nodes(count: u32) {
		pallet_compute_nodes::benchmarking::nodes::<Test>(count);
	}
	fn signer(node: &AccountId) -> AccountId {
		pallet_compute_nodes::benchmarking::signer::<Test>(node)
	}
	fn activate_model() {
		Model::set(Some(model()));
	}
	/// Every mock block has a seed.
	fn fresh_seed() {}
}

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

	/// The externalities, at block 1, with the model active.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		registry_genesis(&mut storage, &self.nodes);
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			System::set_block_number(1);
			Model::set(Some(model()));
			Entropy::set(0);
			Authorities::set(4);
			BlockAuthor::set(None);
			Analysed::take();
			Unanswered::take();
			Rewarded::take();
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

/// Every mocked pallet's invariants.
fn try_state() {
	Inference::do_try_state().expect("invariants hold");
	ComputeNodes::do_try_state().expect("the registry's invariants hold");
}

/// Advances to block `n`, running every pallet's hooks and checking the invariants in each
/// block.
pub fn run_to_block(n: u64) {
	daollm_test_support::run_to_block::<Test, AllPalletsWithSystem>(n, try_state);
}
