//! [`mock_registry!`](crate::mock_registry): the compute-node registry as every mock that runs it
//! writes it.

/// Declares, in a mock runtime `Test` that has `System`, `Balances` (`pallet_balances`, `u64`
/// balances) and `ComputeNodes` (`pallet_compute_nodes`) with `u64` accounts and blocks, the
/// registry as the compute-nodes and inference mocks share it:
///
/// - the operators `ALICE`..`FERDIE` (1..=6), `POOR` (9, with little money), `INITIAL_BALANCE`,
///   `MIN_STAKE`, `MAX_NODES` and the registry's windows (`OFFENCE_WINDOW`, `REJOIN_COOLDOWN`,
///   `UNBONDING_PERIOD`);
/// - `key_of(who)` (operator `who` binds `UintAuthorityId(who + KEY_OFFSET)`), `signer_of(who)`
///   (the account that key signs as) and `proof_of(who, key)` (its proof of possession);
/// - `default_node_parameters()`: 10 % for a miss, 2 % for a disagreement, 20 % reputation
///   steps, an excuse budget of two;
/// - `Slashed`, the stake slashed so far, which `BurnSlashes` burns and counts;
/// - `impl pallet_compute_nodes::Config for Test` with the given draw source, node bound and
///   least unbonding period (and `MockBenchmarkHelper` with `runtime-benchmarks`);
/// - `registry_genesis(storage, nodes)`: the operators (and any other node operator) funded,
///   `POOR` given 500, `nodes` registered at genesis with their stakes.
///
/// ```ignore
/// daollm_test_support::mock_registry! {
///     randomness: MockDraws, max_nodes: 64, min_unbonding_period: 12,
/// }
/// ```
#[macro_export]
macro_rules! mock_registry {
	(
		randomness: $randomness:ty,
		max_nodes: $max_nodes:expr,
		min_unbonding_period: $min_unbonding:expr $(,)?
	) => {
		/// A node operator (the six are funded at genesis).
		pub const ALICE: u64 = 1;
		/// A node operator.
		pub const BOB: u64 = 2;
		/// A node operator.
		pub const CHARLIE: u64 = 3;
		/// A node operator.
		pub const DAVE: u64 = 4;
		/// A node operator.
		pub const EVE: u64 = 5;
		/// A node operator.
		pub const FERDIE: u64 = 6;
		/// An account with little money.
		pub const POOR: u64 = 9;
		/// Operator `n` signs with the key (and as the account) `n + KEY_OFFSET`.
		pub const KEY_OFFSET: u64 = 100;
		/// What each operator holds at genesis.
		pub const INITIAL_BALANCE: u64 = 1_000_000;
		/// The least stake a node registers with.
		pub const MIN_STAKE: u64 = 1_000;
		/// The most nodes the registry holds.
		pub const MAX_NODES: u32 = $max_nodes;
		/// Blocks within which a node's repeated failures are one offence.
		pub const OFFENCE_WINDOW: u64 = 10;
		/// Blocks an excluded node waits before it may rejoin.
		pub const REJOIN_COOLDOWN: u64 = 30;
		/// Blocks unbonded stake waits.
		pub const UNBONDING_PERIOD: u64 = 20;

		/// The key operator `who` binds.
		pub fn key_of(who: u64) -> $crate::UintAuthorityId {
			$crate::UintAuthorityId(who + KEY_OFFSET)
		}

		/// The account operator `who`'s key signs as.
		pub fn signer_of(who: u64) -> u64 {
			who + KEY_OFFSET
		}

		/// Operator `who`'s proof that it holds `key`: the test key's signature over the
		/// registry's statement.
		pub fn proof_of(who: u64, key: &$crate::UintAuthorityId) -> $crate::TestSignature {
			$crate::TestSignature(key.0, ComputeNodes::possession_statement(&who))
		}

		/// The registry's parameters: 10 % for a miss, 2 % for a disagreement, 20 % steps.
		pub fn default_node_parameters() -> pallet_compute_nodes::Parameters<u64, u64> {
			pallet_compute_nodes::Parameters {
				min_node_stake: MIN_STAKE,
				unbonding_period: UNBONDING_PERIOD,
				reputation_step: sp_runtime::Perbill::from_percent(20),
				initial_reputation: sp_runtime::Perbill::from_percent(50),
				min_reputation: sp_runtime::Perbill::from_percent(20),
				miss_slash: sp_runtime::Perbill::from_percent(10),
				disagreement_slash: sp_runtime::Perbill::from_percent(2),
				offence_window: OFFENCE_WINDOW,
				excuse_budget: 2,
				rejoin_cooldown: REJOIN_COOLDOWN,
			}
		}

		frame_support::parameter_types! {
			/// Stake slashed (and burnt) so far.
			pub static Slashed: u64 = 0;
			pub DefaultNodeParameters: pallet_compute_nodes::Parameters<u64, u64> =
				default_node_parameters();
		}

		/// Burns slashed stake, counting it: total issuance falls by exactly what was slashed.
		pub struct BurnSlashes;
		impl frame_support::traits::OnUnbalanced<pallet_compute_nodes::CreditOf<Test>>
			for BurnSlashes
		{
			fn on_nonzero_unbalanced(credit: pallet_compute_nodes::CreditOf<Test>) {
				use frame_support::traits::Imbalance;
				Slashed::mutate(|s| *s += credit.peek());
			}
		}

		/// A test key signs as the account of its number.
		pub struct KeyAccount;
		impl sp_runtime::traits::Convert<$crate::UintAuthorityId, u64> for KeyAccount {
			fn convert(key: $crate::UintAuthorityId) -> u64 {
				key.0
			}
		}

		impl pallet_compute_nodes::Config for Test {
			type Currency = Balances;
			type RuntimeHoldReason = RuntimeHoldReason;
			type NodeKey = $crate::UintAuthorityId;
			type KeyAccount = KeyAccount;
			type Slash = BurnSlashes;
			type Randomness = $randomness;
			type GovernanceOrigin = frame_system::EnsureRoot<u64>;
			type MaxNodes = frame_support::traits::ConstU32<MAX_NODES>;
			type MaxUnbondingChunks = frame_support::traits::ConstU32<3>;
			type MaxHistory = frame_support::traits::ConstU32<4>;
			type MinUnbondingPeriod = frame_support::traits::ConstU64<{ $min_unbonding }>;
			type DefaultParameters = DefaultNodeParameters;
			type WeightInfo = ();
			#[cfg(feature = "runtime-benchmarks")]
			type BenchmarkHelper = MockBenchmarkHelper;
		}

		/// Benchmark keys beyond the operators'.
		#[cfg(feature = "runtime-benchmarks")]
		pub struct MockBenchmarkHelper;
		#[cfg(feature = "runtime-benchmarks")]
		impl pallet_compute_nodes::benchmarking::BenchmarkHelper<$crate::UintAuthorityId>
			for MockBenchmarkHelper
		{
			fn key(seed: u32) -> $crate::UintAuthorityId {
				$crate::UintAuthorityId(1_000_000 + seed as u64)
			}
		}

		/// The registry's genesis into `storage`: the six operators and any other operator of
		/// `nodes` funded with `INITIAL_BALANCE`, `POOR` with 500, and `nodes` registered with
		/// their stakes; no stake slashed yet.
		pub fn registry_genesis(storage: &mut sp_runtime::Storage, nodes: &[(u64, u64)]) {
			use sp_runtime::BuildStorage;
			let mut balances: Vec<(u64, u64)> =
				(ALICE..=FERDIE).map(|who| (who, INITIAL_BALANCE)).collect();
			for (who, _) in nodes.iter().filter(|(who, _)| !(ALICE..=FERDIE).contains(who)) {
				balances.push((*who, INITIAL_BALANCE));
			}
			balances.push((POOR, 500));
			pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
				.assimilate_storage(storage)
				.expect("the balances' genesis builds");
			pallet_compute_nodes::GenesisConfig::<Test> {
				parameters: None,
				nodes: nodes.iter().map(|(who, stake)| (*who, *stake, key_of(*who))).collect(),
			}
			.assimilate_storage(storage)
			.expect("the registry's genesis builds");
			Slashed::set(0);
		}
	};
}
