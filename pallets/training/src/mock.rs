//! The smallest runtime that exercises the pallet: System and Training, with stand-ins for the
//! inference network's nodes, the model registry, the verified annotations and rewards.

use crate as pallet_training;
use crate::{Parameters, TrainingPlan};
use daollm_primitives::{
	training::{CandidateEvaluation, LayerShape, RobustRule},
	traits::{
		ComputeNodes, Contribution, MemberOutcome, ModelVersions, RewardPoints, TrainingData,
		VerifiedExample, Work,
	},
	LabelIndex, ModelId, ModelVersion, ProposalId, Seat,
};
use daollm_test_support::TestAuthorityId;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, Perbill, Percent};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

/// Node operators 1..=6; operator `n` signs with key account `n + KEY_OFFSET`.
pub const KEY_OFFSET: u64 = 100;
/// The model and its base version.
pub const MODEL: ModelId = 0;
pub const BASE: ModelVersion = 1;
pub const REWARD: u32 = 1_000;

/// The base model's file hash.
pub fn base_hash() -> H256 {
	H256::repeat_byte(0xBA)
}

/// The key account operator `who` signs with.
pub fn signer_of(who: AccountId) -> AccountId {
	who + KEY_OFFSET
}

daollm_test_support::mock_runtime! { 1: Training = pallet_training }

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
}

parameter_types! {
	/// The staked nodes, in the order the stand-in draws them, with their stakes.
	pub static Nodes: Vec<(AccountId, Balance)> =
		vec![(1, 100), (2, 100), (3, 100), (4, 100), (5, 100), (6, 100)];
	/// Verified examples: proposal id → label.
	pub static Verified: Vec<(ProposalId, LabelIndex)> = (0..20).map(|id| (id, (id % 5) as u8)).collect();
	/// Registered versions of `MODEL`: (version, sha256).
	pub static Versions: Vec<(ModelVersion, H256)> = vec![(BASE, base_hash())];
	/// What the registry was told of each candidate: (version, evaluation, forgets).
	pub static Evaluated: Vec<(ModelVersion, CandidateEvaluation, bool)> = vec![];
	/// The layer shape of every registered version (`None`: not trainable).
	pub static Shape: Option<LayerShape> = Some(LayerShape { labels: 1, features: 2 });
	/// Reward points credited, in order.
	pub static Rewarded: Vec<(AccountId, Contribution, u32)> = vec![];
	/// What the pallet told the registry about each seat, in order.
	pub static Recorded: Vec<(AccountId, Work, MemberOutcome)> = vec![];
	pub DefaultParameters: Parameters<u64> = default_parameters();
	/// 1% of the reference examples, as the runtime.
	pub const ForgettingTolerance: Perbill = Perbill::from_percent(1);
}

/// The largest update value the mock's rounds accept: 4.0 in fixed point.
pub const MAX_VALUE: u32 = 4 << 16;

/// Three trainers, two aggregators (both must reveal: two thirds of their stake), two-block
/// windows, a trimmed mean, one update enough.
pub fn default_parameters() -> Parameters<u64> {
	Parameters {
		trainers: 3,
		aggregators: 2,
		commit_window: 2,
		reveal_window: 2,
		agreement: Perbill::from_rational(2u32, 3u32),
		min_participation: Perbill::from_rational(2u32, 3u32),
		min_updates: 1,
		aggregator_points: 7,
		plan: TrainingPlan {
			epochs: 3,
			learning_rate_ppm: 500_000,
			rule: RobustRule::TrimmedMean { trim: Percent::from_percent(20) },
			max_value: MAX_VALUE,
			replay: true,
			round_weight: 4,
			balance_labels: true,
			validation_percent: 20,
		},
	}
}

/// Draws the first `count` nodes, rotated by the seed's first byte: deterministic per seed.
pub struct MockNodes;
impl ComputeNodes<AccountId, Balance> for MockNodes {
	fn draw(seed: &H256, count: u32) -> Vec<Seat<AccountId, Balance>> {
		let mut nodes = Nodes::get();
		if !nodes.is_empty() {
			let shift = seed.0[0] as usize % nodes.len();
			nodes.rotate_left(shift);
		}
		nodes
			.into_iter()
			.take(count as usize)
			.map(|(node, stake)| Seat { node, stake, seats: 1 })
			.collect()
	}
	/// One seat to each of the first `seats` nodes the plain draw gives, and the rest, if any,
	/// to the first of them (so that a test can give one node several seats by asking for more
	/// seats than there are nodes).
	fn draw_seats(
		seed: &H256,
		seats: u32,
		excluded: &[AccountId],
	) -> Vec<Seat<AccountId, Balance>> {
		let mut drawn: Vec<_> =
			Self::draw(seed, seats).into_iter().filter(|s| !excluded.contains(&s.node)).collect();
		let given = drawn.len() as u32;
		if let Some(first) = drawn.first_mut() {
			first.seats += seats.saturating_sub(given);
		}
		drawn
	}
	fn candidates() -> u32 {
		Nodes::get().len() as u32
	}
	fn max_candidates() -> u32 {
		16
	}
	fn node_of_key(key: &AccountId) -> Option<AccountId> {
		let node = key.checked_sub(KEY_OFFSET)?;
		Nodes::get().iter().any(|(n, _)| *n == node).then_some(node)
	}
	fn record(node: &AccountId, work: Work, outcome: MemberOutcome) {
		Recorded::mutate(|r| r.push((*node, work, outcome)));
	}
	/// Training never reports offences.
	fn slash_offence(_: &AccountId, _: Work, _: sp_runtime::Perbill) -> Balance {
		0
	}
}

pub struct MockModels;
impl ModelVersions for MockModels {
	fn version_hash(model: ModelId, version: ModelVersion) -> Option<H256> {
		(model == MODEL)
			.then(|| Versions::get().into_iter().find(|(v, _)| *v == version).map(|(_, h)| h))
			.flatten()
	}
	fn layer_shape(model: ModelId, version: ModelVersion) -> Option<LayerShape> {
		Self::version_hash(model, version).and(Shape::get())
	}
	fn add_candidate(
		model: ModelId,
		sha256: H256,
		_: Vec<u8>,
		evaluation: CandidateEvaluation,
		forgets: bool,
	) -> Result<ModelVersion, DispatchError> {
		// Refuses the base model's file, as the registry refuses any file it holds (that check
		// is the governance pallet's, tested there; the benchmarks' repeated runs in one thread
		// would trip over a duplicate check on this thread-local list).
		if model != MODEL || sha256 == base_hash() {
			return Err(DispatchError::Other("duplicate model"));
		}
		let version = Versions::get().len() as ModelVersion + 1;
		Versions::mutate(|v| v.push((version, sha256)));
		Evaluated::mutate(|e| e.push((version, evaluation, forgets)));
		Ok(version)
	}
}

/// The mock's verified examples are filed under this many DAO spaces: proposal `id` under space
/// `id % SPACES`.
pub const SPACES: u32 = 2;

pub struct MockData;
impl TrainingData for MockData {
	fn example(proposal: ProposalId) -> Option<VerifiedExample> {
		Verified::get().into_iter().find(|(id, _)| *id == proposal).map(|(id, label)| {
			VerifiedExample {
				content_hash: H256::repeat_byte(id as u8),
				label,
				error_report: false,
				space: Some(id % SPACES),
			}
		})
	}
}

pub struct RecordRewards;
impl RewardPoints<AccountId> for RecordRewards {
	fn reward(who: &AccountId, contribution: Contribution, points: u32) {
		Rewarded::mutate(|r| r.push((*who, contribution, points)));
	}
}

parameter_types! {
	/// How many authorities take turns authoring the mock's blocks (block `n` is authored by
	/// `n % Authorities`): with one, every block may draw.
	pub static Authorities: u32 = 4;
}

/// The mock's VRF: blake2(subject ‖ …) per block, unknown before the block, refused to the
/// author who fixed what is drawn for, as the runtime's BABE source is.
pub struct MockDraws;
impl daollm_primitives::traits::DrawRandomness for MockDraws {
	fn author() -> Option<u32> {
		Some((System::block_number() % u64::from(Authorities::get())) as u32)
	}
	fn seed(subject: &[u8], fixed_by: Option<u32>) -> Option<H256> {
		if Authorities::get() > 1 && fixed_by == Self::author() {
			return None;
		}
		let block = System::block_number();
		Some(H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(subject, block)))))
	}
}

daollm_test_support::impl_offchain_signing!(Test, RuntimeCall);

impl pallet_training::Config for Test {
	type Balance = Balance;
	type Nodes = MockNodes;
	type AuthorityId = TestAuthorityId;
	type Models = MockModels;
	type TrainingData = MockData;
	type RewardPoints = RecordRewards;
	type Randomness = MockDraws;
	type RoundOrigin = EnsureRoot<AccountId>;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type MaxExamples = ConstU32<64>;
	type MaxTrainers = ConstU32<8>;
	type MaxAggregators = ConstU32<4>;
	type MaxUpdateLen = ConstU32<4096>;
	type MaxLiveRounds = ConstU32<2>;
	type MaxTrainingPeriod = sp_core::ConstU64<100>;
	type MaxAggregationWindow = sp_core::ConstU64<50>;
	type SeatPriority = sp_core::ConstU64<{ u64::MAX / 2 }>;
	type ForgettingTolerance = ForgettingTolerance;
	type ResendAfter = ConstU32<5>;
	type DefaultParameters = DefaultParameters;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn nodes(count: u32) {
		if Nodes::get().len() < count as usize {
			Nodes::set((1..=count as u64).map(|n| (n, 100)).collect());
		}
	}
	fn signer(node: &AccountId) -> AccountId {
		signer_of(*node)
	}
	fn base_model() -> (ModelId, ModelVersion) {
		(MODEL, BASE)
	}
	fn examples(count: u32) {
		Verified::set((0..count).map(|id| (id, (id % 5) as u8)).collect());
	}
	/// Every mock block has a seed.
	fn fresh_seed() {}
}

/// Builds test externalities at block 1, with no round.
///
/// It has no knobs: tests write `ExtBuilder.build_and_execute(…)`.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = frame_system::GenesisConfig::<Test>::default()
			.build_storage()
			.expect("the mock's genesis builds");
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
	Training::do_try_state().expect("invariants hold");
}
