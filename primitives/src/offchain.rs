//! Signed transactions from offchain workers, with nonces that several workers share.
//!
//! A node's `infr` key signs for the inference and the training workers alike, often several
//! transactions in one block. [`submit_signed`] gives each the next nonce this node has not used
//! (taken with a compare-and-set on the node's offchain storage, so overlapping workers never
//! share one), where `Signer::send_signed_transaction` would give them all the chain's nonce and
//! each would replace the one before.
//!
//! A nonce this node used can be lost: its transaction dropped as invalid (it lost a race, or
//! its block was reorganised away), leaving a hole that keeps every later transaction of the key
//! waiting in the pool. So the reservations are trusted only while the chain's nonce for the key
//! keeps moving: once it has stood still for [`NONCE_MEMORY`] blocks with reservations ahead of
//! it, the chain's nonce rules again and the hole is filled by the next transaction. (Resending,
//! which every worker does, must not keep a hole alive: a reservation refreshes nothing.)

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

/// Blocks the chain's nonce may stand still behind this node's reservations before they are
/// forgotten.
pub const NONCE_MEMORY: u32 = 3;

/// Where the next nonce of `account` is kept (the key the inference worker always used).
fn nonce_key<AccountId: Encode>(account: &AccountId) -> alloc::vec::Vec<u8> {
	[&b"daollm/inference-ocw/nonces/"[..], &account.encode()[..]].concat()
}

/// How often [`reserve_nonce`] retries when another worker took a nonce at the same moment.
const RESERVE_ATTEMPTS: u32 = 8;

/// What the store keeps per key: the next nonce to hand out, the chain's nonce when it was last
/// seen to move, and the block it was seen at.
type Reservations<Nonce, BlockNumber> = (Nonce, Nonce, BlockNumber);

/// Takes the next nonce no worker of this node has used, atomically (compare-and-set on the
/// node's offchain storage), so that workers of overlapping blocks never sign two transactions
/// with one nonce: the one kept in `store` if it is ahead of `chain_nonce` and the chain's nonce
/// moved less than [`NONCE_MEMORY`] blocks ago, else `chain_nonce`. `None` if the storage stayed
/// contended.
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
		let reserved = store.mutate::<Reservations<Nonce, BlockNumber>, (), _>(|stored| {
			let (next, seen, since) = match stored {
				// The chain moved since: the reservations ahead of it still stand.
				Ok(Some((next, seen, _))) if next > chain_nonce && chain_nonce > seen => {
					(next, chain_nonce, now)
				},
				// The chain stood still, but not for long: they still stand.
				Ok(Some((next, seen, since)))
					if next > chain_nonce &&
						chain_nonce == seen && now < since.saturating_add(NONCE_MEMORY.into()) =>
				{
					(next, seen, since)
				},
				// Nothing ahead of the chain, or a hole kept it still: the chain's nonce.
				_ => (chain_nonce, chain_nonce, now),
			};
			Ok((next.saturating_add(One::one()), seen, since))
		});
		if let Ok((next, _, _)) = reserved {
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
		let _ = store.mutate::<Reservations<T::Nonce, BlockNumberFor<T>>, (), _>(
			|stored| match stored {
				Ok(Some((next, seen, since))) if next == nonce.saturating_add(One::one()) => {
					Ok((nonce, seen, since))
				},
				_ => Err(()),
			},
		);
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
			// A chain nonce that overtook the store wins.
			assert_eq!(reserve_nonce(&store, 20u32, 12u32), Some(20));
		});
	}

	/// A lost transaction (dropped as invalid, or reorganised away) leaves a hole below the
	/// reservations: the chain's nonce stops. Resending every few blocks must not keep the hole
	/// alive (on 991d4bb every reservation refreshed the memory, so a busy worker's later
	/// transactions waited in the pool for ever and its node was judged silent): after
	/// `NONCE_MEMORY` blocks without the chain's nonce moving, the chain's nonce is handed out
	/// again and fills the hole. While the chain moves, reservations ahead of it stand.
	#[test]
	fn a_hole_below_the_reservations_is_filled_once_the_chain_stands_still() {
		with_offchain_storage(|| {
			let store = StorageValueRef::persistent(b"test/nonce");
			// Block 10: nonces 0 to 3 go out; 0 is lost, so the chain's nonce stays 0.
			for expected in 0..4u32 {
				assert_eq!(reserve_nonce(&store, 0u32, 10u32), Some(expected));
			}
			// Resends in blocks 11 and 12 still take nonces ahead: the chain may just be slow.
			assert_eq!(reserve_nonce(&store, 0u32, 11u32), Some(4));
			assert_eq!(reserve_nonce(&store, 0u32, 12u32), Some(5));
			// Block 13: three blocks without the chain moving: the hole is filled.
			assert_eq!(reserve_nonce(&store, 0u32, 10u32 + NONCE_MEMORY), Some(0));
			assert_eq!(reserve_nonce(&store, 0u32, 10u32 + NONCE_MEMORY), Some(1));
			// The chain moves (the hole's transactions landed): reservations ahead of it stand.
			assert_eq!(reserve_nonce(&store, 2u32, 14u32), Some(2));
			assert_eq!(reserve_nonce(&store, 2u32, 15u32), Some(3));
			assert_eq!(reserve_nonce(&store, 3u32, 20u32), Some(4));
		});
	}
}
