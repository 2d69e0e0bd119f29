//! Signed transactions from offchain workers, with nonces that several workers share.
//!
//! A node's `infr` key signs for the inference and the training workers alike, often several
//! transactions in one block. [`submit_signed`] gives each the next nonce this node has not used
//! (kept in the node's offchain storage for [`NONCE_MEMORY`] blocks, after which the chain's nonce
//! rules again, so a dropped transaction does not block the key's later ones forever), where
//! `Signer::send_signed_transaction` would give them all the chain's nonce and each would
//! replace the one before.

use codec::Encode;
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
	let nonce = match store.get::<(T::Nonce, BlockNumberFor<T>)>() {
		Ok(Some((next, at)))
			if next > chain_nonce && now < at.saturating_add(NONCE_MEMORY.into()) =>
		{
			next
		},
		_ => chain_nonce,
	};
	let sent = T::create_signed_transaction::<A>(
		<T as CreateTransactionBase<C>>::RuntimeCall::from(call),
		account.public.clone(),
		account.id.clone(),
		nonce,
	)
	.ok_or(())
	.and_then(SubmitTransaction::<T, C>::submit_transaction);
	if sent.is_ok() {
		store.set(&(nonce.saturating_add(One::one()), now));
	}
	sent.is_ok()
}
