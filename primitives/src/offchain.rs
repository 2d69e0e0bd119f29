//! Signed transactions from offchain workers, with nonces that several workers share.
//!
//! A node's `infr` key signs for the inference and the training workers alike, often several
//! transactions in one block. [`submit_signed`] gives each the next nonce this node has not used
//! (taken with a compare-and-set on the node's offchain storage, so overlapping workers never
//! share one, and kept there for [`NONCE_MEMORY`] blocks, after which the chain's nonce rules
//! again, so a dropped transaction does not block the key's later ones forever), where
//! `Signer::send_signed_transaction` would give them all the chain's nonce and each would
//! replace the one before.

use codec::{Codec, Encode};
use frame_system::{
	offchain::{
		Account, AppCrypto, CreateSignedTransaction, CreateTransactionBase, SubmitTransaction,
	},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{
	offchain::storage::StorageValueRef,
	traits::{One, Saturating},
};

/// Blocks a nonce this node used is remembered for.
pub const NONCE_MEMORY: u32 = 3;

/// Where the next nonce of `account` is kept (the key the inference worker always used).
fn nonce_key<AccountId: Encode>(account: &AccountId) -> alloc::vec::Vec<u8> {
	[&b"daollm/inference-ocw/nonce/"[..], &account.encode()[..]].concat()
}

/// How often [`reserve_nonce`] retries when another worker took a nonce at the same moment.
const RESERVE_ATTEMPTS: u32 = 8;

/// Takes the next nonce no worker of this node has used, atomically (compare-and-set on the
/// node's offchain storage), so that workers of overlapping blocks never sign two transactions
/// with one nonce: the one kept in `store` if it is ahead of `chain_nonce` and younger than
/// [`NONCE_MEMORY`] blocks, else `chain_nonce`. `None` if the storage stayed contended.
fn reserve_nonce<Nonce, BlockNumber>(
	store: &StorageValueRef<'_>,
	chain_nonce: Nonce,
	now: BlockNumber,
) -> Option<Nonce>
where
	Nonce: Codec + Copy + Ord + Saturating + One,
	BlockNumber: Codec + Copy + PartialOrd + Saturating + From<u32>,
{
	for _ in 0..RESERVE_ATTEMPTS {
		let reserved = store.mutate::<(Nonce, BlockNumber), (), _>(|stored| {
			let next = match stored {
				Ok(Some((next, at)))
					if next > chain_nonce && now < at.saturating_add(NONCE_MEMORY.into()) =>
				{
					next
				},
				_ => chain_nonce,
			};
			Ok((next.saturating_add(One::one()), now))
		});
		if let Ok((next, _)) = reserved {
			return Some(next.saturating_sub(One::one()));
		}
	}
	None
}

/// Signs `call` with `account`'s key and submits it to the node's transaction pool with the next
/// nonce no worker of this node has used. Whether the pool took it.
pub fn submit_signed<T, C, A>(now: BlockNumberFor<T>, account: &Account<T>, call: C) -> bool
where
	T: CreateSignedTransaction<C>,
	A: AppCrypto<T::Public, T::Signature>,
{
	let chain_nonce = frame_system::Pallet::<T>::account_nonce(&account.id);
	let key = nonce_key(&account.id);
	let store = StorageValueRef::persistent(&key);
	let Some(nonce) = reserve_nonce(&store, chain_nonce, now) else { return false };
	let sent = T::create_signed_transaction::<A>(
		<T as CreateTransactionBase<C>>::RuntimeCall::from(call),
		account.public.clone(),
		account.id.clone(),
		nonce,
	)
	.ok_or(())
	.and_then(SubmitTransaction::<T, C>::submit_transaction);
	if sent.is_err() {
		// Give the nonce back unless another worker has taken a later one since.
		let _ = store.mutate::<(T::Nonce, BlockNumberFor<T>), (), _>(|stored| match stored {
			Ok(Some((next, at))) if next == nonce.saturating_add(One::one()) => Ok((nonce, at)),
			_ => Err(()),
		});
	}
	sent.is_ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::offchain::{testing::TestOffchainExt, OffchainDbExt, OffchainWorkerExt};

	fn with_offchain_storage(test: impl FnOnce()) {
		let (offchain, _) = TestOffchainExt::new();
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.execute_with(test);
	}

	/// L-3: workers of overlapping blocks each reserve a nonce before signing: they never get
	/// the same one (on e9f7082 both read the stored nonce before either wrote it).
	#[test]
	fn l3_overlapping_workers_never_share_a_nonce() {
		with_offchain_storage(|| {
			let store = StorageValueRef::persistent(b"test/nonce");
			let first = reserve_nonce(&store, 7u32, 10u32);
			let second = reserve_nonce(&store, 7u32, 11u32);
			let third = reserve_nonce(&store, 7u32, 11u32);
			assert_eq!((first, second, third), (Some(7), Some(8), Some(9)));
			// A chain nonce that overtook the store wins; an old reservation is forgotten.
			assert_eq!(reserve_nonce(&store, 20u32, 12u32), Some(20));
			assert_eq!(reserve_nonce(&store, 5u32, 12u32 + NONCE_MEMORY), Some(5));
		});
	}
}
