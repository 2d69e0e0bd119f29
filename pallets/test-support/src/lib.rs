//! # DAOLLM test support
//!
//! What the pallets' mock runtimes share, for their tests only (a dev-dependency, never built
//! into the runtime). The inference and training pallets both have offchain workers that sign
//! transactions with a node's `infr` key; their mocks sign with [`UintAuthorityId`] instead
//! (key `n` is account `n`) and read what the worker sent from a test transaction pool:
//!
//! - [`mock_runtime!`] declares the mock runtime `Test`: `frame_system` and the pallets named,
//!   with the aggregate types every mock derives; [`mock_balances!`] configures `frame_system`
//!   and `pallet_balances` for the mocks with balances;
//! - [`impl_offchain_signing!`] implements `frame_system`'s signing traits for a mock runtime,
//!   with [`TestXt`] extrinsics signed by the account itself;
//! - [`TestAuthorityId`] is the mock's `AuthorityId`;
//! - [`with_offchain_worker`] gives test externalities an offchain database, an offchain-worker
//!   context and a transaction pool, and this node's keys;
//! - [`drain_signed`] takes the pool's transactions as (signer, call), the way a block author
//!   would find them;
//! - [`seat_validity`] asks a pallet's seat extension what the pool makes of a call;
//! - [`mock_registry!`] writes the compute-node registry as the compute-nodes and inference
//!   mocks share it: operators, keys, parameters, slashes, its `Config` and genesis.
//!
//! Every mock has the same shape: an `ExtBuilder` with `Default` and knobs, `build`, and
//! `build_and_execute`, which runs the test and then every mocked pallet's `try_state`; blocks
//! advance with [`run_to_block`] (`frame_system`'s `run_to_block_with`: the pallets' hooks, then
//! their `try_state` in every block), and events are read with `System::read_events_for_pallet`.

#![deny(missing_docs)]

mod registry;

use codec::{Decode, DecodeWithMemTracking};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use std::sync::Arc;

pub use frame_system;
pub use sp_runtime::testing::{TestSignature, TestXt, UintAuthorityId};

/// Implements `frame_system::Config` (accounts of type `AccountId`, holding
/// `pallet_balances::AccountData<Balance>`) and `pallet_balances::Config` (balances of type
/// `Balance`, with the runtime's hold reasons) for the mock runtime `Test`, as every mock with
/// balances has them:
///
/// ```ignore
/// pub type AccountId = u64;
/// pub type Balance = u64;
/// type Block = frame_system::mocking::MockBlock<Test>;
/// daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: Spaces = pallet_spaces }
/// daollm_test_support::mock_balances!();
/// ```
#[macro_export]
macro_rules! mock_balances {
	() => {
		use frame_support::derive_impl;

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
	};
}

/// Declares the mock runtime `Test` with `System` (`frame_system`) at index 0 and the pallets
/// named at theirs, deriving the aggregate enums every mock needs:
///
/// ```ignore
/// daollm_test_support::mock_runtime! { 1: Balances = pallet_balances, 2: Rewards = pallet_rewards }
/// ```
///
/// The calling crate depends on `frame-support` and `frame-system`; each pallet is named as a
/// crate or an alias in scope (`use crate as pallet_rewards;`).
#[macro_export]
macro_rules! mock_runtime {
	($($index:literal: $name:ident = $pallet:ident),+ $(,)?) => {
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
			$(
				#[runtime::pallet_index($index)]
				pub type $name = $pallet;
			)+
		}
	};
}

/// The `AuthorityId` of a mock runtime: keys sign as themselves, `UintAuthorityId(n)` is
/// account `n`.
pub struct TestAuthorityId;
impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestAuthorityId {
	type RuntimeAppPublic = UintAuthorityId;
	type GenericPublic = UintAuthorityId;
	type GenericSignature = TestSignature;
}

/// Implements `SigningTypes`, `CreateTransactionBase` and `CreateSignedTransaction` for the
/// mock runtime `$runtime` (whose accounts are `u64`) with call type `$call`: a worker's
/// transaction is a [`TestXt`] signed by its account, with no extension data.
#[macro_export]
macro_rules! impl_offchain_signing {
	($runtime:ty, $call:ty) => {
		impl $crate::frame_system::offchain::SigningTypes for $runtime {
			type Public = $crate::UintAuthorityId;
			type Signature = $crate::TestSignature;
		}

		impl<LocalCall> $crate::frame_system::offchain::CreateTransactionBase<LocalCall>
			for $runtime
		where
			$call: From<LocalCall>,
		{
			type Extrinsic = $crate::TestXt<$call, ()>;
			type RuntimeCall = $call;
		}

		impl<LocalCall> $crate::frame_system::offchain::CreateSignedTransaction<LocalCall>
			for $runtime
		where
			$call: From<LocalCall>,
		{
			fn create_signed_transaction<
				C: $crate::frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
			>(
				call: $call,
				_public: $crate::UintAuthorityId,
				account: u64,
				_nonce: <$runtime as $crate::frame_system::Config>::Nonce,
			) -> Option<$crate::TestXt<$call, ()>> {
				Some($crate::TestXt::new_signed(call, account, (), ()))
			}
		}
	};
}

/// Advances the mock runtime `T` to block `n`: every pallet's hooks (`AllPallets`, the mock's
/// `AllPalletsWithSystem`) in each block, then `try_state`, the mock's check of every mocked
/// pallet's invariants.
pub fn run_to_block<T, AllPallets>(
	n: frame_system::pallet_prelude::BlockNumberFor<T>,
	try_state: fn(),
) where
	T: frame_system::Config,
	AllPallets: frame_support::traits::OnInitialize<frame_system::pallet_prelude::BlockNumberFor<T>>
		+ frame_support::traits::OnFinalize<frame_system::pallet_prelude::BlockNumberFor<T>>,
{
	frame_system::Pallet::<T>::run_to_block_with::<AllPallets>(
		n,
		frame_system::RunToBlockHooks::default().after_initialize(move |_| try_state()),
	);
}

/// A test transaction pool, as the offchain worker's transactions reach it.
pub type Pool = Arc<parking_lot::RwLock<PoolState>>;

/// Registers an offchain database, an offchain-worker context and a transaction pool with
/// `ext`, and makes `keys` this node's local keys: the pool.
pub fn with_offchain_worker(
	ext: &mut sp_io::TestExternalities,
	keys: impl IntoIterator<Item = u64>,
) -> Pool {
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	UintAuthorityId::set_all_keys(keys.into_iter().collect::<Vec<_>>());
	pool_state
}

/// Takes the pool's transactions, decoded as signed [`TestXt`]s of `Call`: (signer, call), in
/// the order they were sent.
///
/// # Panics
/// On a transaction that is not a signed `TestXt<Call, ()>`: the mocks' workers send nothing
/// else.
pub fn drain_signed<Call: Decode + DecodeWithMemTracking>(pool: &Pool) -> Vec<(u64, Call)> {
	std::mem::take(&mut pool.write().transactions)
		.into_iter()
		.map(|bytes| {
			let xt = TestXt::<Call, ()>::decode(&mut &bytes[..]).expect("a mock extrinsic");
			match xt.preamble {
				sp_runtime::generic::Preamble::Signed(signer, ..) => (signer, xt.function),
				_ => panic!("the worker sends signed transactions"),
			}
		})
		.collect()
}

/// What the transaction pool makes of `call` signed by `signer`, under the seat extension of the
/// pallet `S` ([`daollm_primitives::seats::CheckSeat`]).
pub fn seat_validity<T, S>(
	signer: T::AccountId,
	call: T::RuntimeCall,
) -> sp_runtime::transaction_validity::TransactionValidity
where
	T: frame_system::Config + Send + Sync,
	S: daollm_primitives::seats::SeatCalls<T> + Send + Sync + 'static,
	T::RuntimeCall: sp_runtime::traits::Dispatchable<Info = frame_support::dispatch::DispatchInfo>
		+ frame_support::dispatch::GetDispatchInfo,
	<T::RuntimeCall as sp_runtime::traits::Dispatchable>::RuntimeOrigin:
		sp_runtime::traits::AsSystemOriginSigner<T::AccountId>
			+ Clone
			+ From<frame_system::RawOrigin<T::AccountId>>,
{
	use frame_support::dispatch::GetDispatchInfo;
	use sp_runtime::traits::DispatchTransaction;
	let info = call.get_dispatch_info();
	daollm_primitives::seats::CheckSeat::<T, S>::new()
		.validate_only(
			frame_system::RawOrigin::Signed(signer).into(),
			&call,
			&info,
			0,
			frame_support::pallet_prelude::TransactionSource::External,
			0,
		)
		.map(|(valid, ..)| valid)
}
