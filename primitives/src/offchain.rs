//! Signed transactions from offchain workers: when to send them, how long they live, and nonces
//! that several workers share.
//!
//! A node's `infr` key signs for the inference and the training workers alike, often several
//! transactions in one block. [`submit_signed`] gives each the next nonce this node has not used
//! (taken with a compare-and-set on the node's offchain storage, so overlapping workers never
//! share one), where `Signer::send_signed_transaction` would give them all the chain's nonce and
//! each would replace the one before.
//!
//! Three rules keep an honest node's transactions from being lost, each learnt from zombienet
//! 0004 (an honest validator judged silent on every task, its commits "sent" and never seen by
//! any block author):
//!
//! 1. **Send a step one block after it became possible** ([`possible_before`]). A transaction
//!    sent on importing the block that made it valid (the block that drew a committee, the one
//!    whose commit completed the set) reaches peers that have not imported that block yet, or
//!    that are on a sibling of it: validated there, it is invalid, so they drop it, and the
//!    network never offers them the same transaction again. From the next block on, every peer
//!    that follows the chain finds it valid.
//! 2. **Transactions die young** ([`TRANSACTION_PERIOD`]). Signed in block `n`, a worker's
//!    transaction can land in `n + 1` or `n + 2` and is dead in every pool from `n + 3` on
//!    ([`LIFETIME`]). Without that, a transaction its peers had dropped stayed valid in its own
//!    node's pool, where it kept the nonce: the resend, with the same nonce, was refused as a
//!    replacement of no higher priority, and the original was never offered to the peers again.
//! 3. **A hole in the nonces is filled once everything ahead of it is dead.** A nonce this node
//!    used can be lost (its transaction dropped, or its block reorganised away), leaving a hole
//!    that keeps every later transaction of the key waiting. So the reservations are trusted only
//!    while the chain's nonce for the key keeps moving: once it has stood still for [`LIFETIME`]
//!    blocks with reservations ahead of it, the transactions that held them are dead, and the
//!    chain's nonce is handed out again. (Resending, which every worker does, must not keep a hole
//!    alive: a reservation refreshes nothing.) A worker resends a step no sooner than
//!    [`LIFETIME`] blocks after it sent it, when the first attempt is dead everywhere.
//!
//! The commit–reveal workers (inference tasks, training aggregation) share one send state: a
//! member keeps its answer and salt with the block each step was last sent in ([`Kept`]),
//! claims a step by replacing the record it read, atomically ([`claim`]), sends it
//! ([`submit_logged`]) and sends it again once the pallet's `ResendAfter` blocks have passed
//! without it landing ([`may_send`]).

use codec::{Codec, Decode, Encode};
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

/// The era period of a worker's transaction: it is mortal from the parent of the block it is
/// signed in, so it lives [`LIFETIME`] blocks. A power of two, as eras require; the shortest
/// one.
pub const TRANSACTION_PERIOD: u32 = 4;

/// Blocks after the block a worker's transaction was signed in at which it is dead in every
/// pool: the least wait before the same step is sent again, and how long the chain's nonce may
/// stand still behind this node's reservations before they are forgotten.
pub const LIFETIME: u32 = TRANSACTION_PERIOD - 1;

/// Whether a step a worker finds possible at `now` was already possible in an earlier block:
/// records `now` under `key` the first time it is asked, and answers whether the recorded block
/// is older than `now`. See rule 1 of the [module docs](self).
pub fn possible_before<BlockNumber>(key: &[u8], now: BlockNumber) -> bool
where
	BlockNumber: Codec + Copy + PartialOrd,
{
	let store = StorageValueRef::persistent(key);
	match store.mutate::<BlockNumber, (), _>(|seen| Ok(seen.ok().flatten().unwrap_or(now))) {
		Ok(first) => first < now,
		Err(_) => false,
	}
}

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
/// moved less than [`LIFETIME`] blocks ago, else `chain_nonce`. `None` if the storage stayed
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
					if next > chain_nonce
						&& chain_nonce == seen
						&& now < since.saturating_add(LIFETIME.into()) =>
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
		let _ =
			store.mutate::<Reservations<T::Nonce, BlockNumberFor<T>>, (), _>(
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

/// Whether a step last sent in block `sent` may be sent (again) in block `now`: never sent, or
/// sent at least `resend_after` blocks ago (a pallet's `ResendAfter`, no less than
/// [`LIFETIME`], so that a resend never meets its first attempt).
pub fn may_send<BlockNumber>(now: BlockNumber, sent: Option<BlockNumber>, resend_after: u32) -> bool
where
	BlockNumber: Copy + PartialOrd + Saturating + From<u32>,
{
	sent.is_none_or(|at| now >= at.saturating_add(resend_after.into()))
}

/// The two steps of a commit–reveal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
	/// Sending the commitment to the answer.
	Commit,
	/// Sending the answer and salt.
	Reveal,
}

/// What a commit–reveal member's worker keeps in the node's persistent offchain storage between
/// its commit and its reveal: the answer, the commitment's salt (never drawn again once
/// committed: a new one would not match), and when each step was last sent.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub struct Kept<Answer, BlockNumber> {
	/// The answer committed to.
	pub answer: Answer,
	/// The commitment's salt.
	pub salt: [u8; 32],
	/// When the commit was last sent.
	pub commit_sent: Option<BlockNumber>,
	/// When the reveal was last sent.
	pub reveal_sent: Option<BlockNumber>,
}

impl<Answer, BlockNumber> Kept<Answer, BlockNumber>
where
	BlockNumber: Copy + PartialOrd + Saturating + From<u32>,
{
	/// An answer just computed, with its salt, not sent yet.
	pub fn new(answer: Answer, salt: [u8; 32]) -> Self {
		Kept { answer, salt, commit_sent: None, reveal_sent: None }
	}

	/// Whether `step` may be sent (again) in block `now` ([`may_send`]).
	pub fn may_send(&self, step: Step, now: BlockNumber, resend_after: u32) -> bool {
		let sent = match step {
			Step::Commit => self.commit_sent,
			Step::Reveal => self.reveal_sent,
		};
		may_send(now, sent, resend_after)
	}

	/// The record with `step` sent in block `now`.
	pub fn sent(mut self, step: Step, now: BlockNumber) -> Self {
		match step {
			Step::Commit => self.commit_sent = Some(now),
			Step::Reveal => self.reveal_sent = Some(now),
		}
		self
	}
}

/// Stores `next` in `store` if it still holds `previous` (what the worker read before deciding
/// to take a step), atomically: whether this worker claimed the step. A worker of another block
/// that raced it to the same step finds the record changed and leaves the step to the first.
pub fn claim<V: Codec + PartialEq + Clone>(
	store: &StorageValueRef<'_>,
	previous: &Option<V>,
	next: &V,
) -> bool {
	store
		.mutate::<V, (), _>(|current| match current {
			Ok(current) if current == *previous => Ok(next.clone()),
			_ => Err(()),
		})
		.is_ok()
}

/// [`submit_signed`], logged under `target` as "`subject`: `step` sent" or why not (the pool
/// refused it, or the key could not sign).
pub fn submit_logged<T, C, A>(
	target: &str,
	subject: impl core::fmt::Display,
	step: &str,
	now: BlockNumberFor<T>,
	account: &Account<T>,
	call: C,
) -> bool
where
	T: CreateSignedTransaction<C>,
	A: AppCrypto<T::Public, T::Signature>,
{
	let sent = submit_signed::<T, C, A>(now, account, call);
	if sent {
		log::info!(target: target, "{subject}: {step} sent");
	} else {
		log::warn!(target: target, "{subject}: {step} could not be signed or was refused by the pool");
	}
	sent
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

	/// Workers of overlapping blocks each reserve a nonce before signing: they never get
	/// the same one, even when both read the stored nonce before either writes it.
	#[test]
	fn overlapping_workers_never_share_a_nonce() {
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
	/// alive (were every reservation to refresh the memory, a busy worker's later transactions
	/// would wait in the pool for ever and its node be judged silent): after
	/// `LIFETIME` blocks without the chain's nonce moving, the chain's nonce is handed out
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
			assert_eq!(reserve_nonce(&store, 0u32, 10u32 + LIFETIME), Some(0));
			assert_eq!(reserve_nonce(&store, 0u32, 10u32 + LIFETIME), Some(1));
			// The chain moves (the hole's transactions landed): reservations ahead of it stand.
			assert_eq!(reserve_nonce(&store, 2u32, 14u32), Some(2));
			assert_eq!(reserve_nonce(&store, 2u32, 15u32), Some(3));
			assert_eq!(reserve_nonce(&store, 3u32, 20u32), Some(4));
		});
	}

	/// A step is sent once, and again only `resend_after` blocks later; the commit's record
	/// does not hold back the reveal.
	#[test]
	fn a_step_is_resent_only_after_resend_after_blocks() {
		let kept = Kept::<u8, u32>::new(7, [0; 32]);
		assert!(kept.may_send(Step::Commit, 10, LIFETIME));
		let kept = kept.sent(Step::Commit, 10);
		assert!(!kept.may_send(Step::Commit, 10 + LIFETIME - 1, LIFETIME));
		assert!(kept.may_send(Step::Commit, 10 + LIFETIME, LIFETIME));
		assert!(kept.may_send(Step::Reveal, 11, LIFETIME));
		assert_eq!(kept.commit_sent, Some(10));
		assert_eq!(kept.reveal_sent, None);
	}

	/// Two workers read the same record; the first to claim the step takes it, the second
	/// finds the record changed.
	#[test]
	fn of_two_racing_workers_one_claims_the_step() {
		with_offchain_storage(|| {
			let store = StorageValueRef::persistent(b"test/kept");
			let read: Option<Kept<u8, u32>> = None;
			let first = Kept::new(1, [1; 32]).sent(Step::Commit, 5);
			let second = Kept::new(2, [2; 32]).sent(Step::Commit, 5);
			assert!(claim(&store, &read, &first));
			assert!(!claim(&store, &read, &second));
			assert_eq!(store.get::<Kept<u8, u32>>(), Ok(Some(first.clone())));
			// A later step starts from what is stored now.
			assert!(claim(&store, &Some(first.clone()), &first.sent(Step::Reveal, 8)));
		});
	}

	/// Rule 1: a step first seen possible in block 10 waits for block 11, whichever worker asks
	/// (the same block's again, or a later one's), and never waits again.
	#[test]
	fn a_step_is_taken_from_the_block_after_it_became_possible() {
		with_offchain_storage(|| {
			assert!(!possible_before(b"test/step", 10u32));
			assert!(!possible_before(b"test/step", 10u32));
			assert!(possible_before(b"test/step", 11u32));
			assert!(possible_before(b"test/step", 30u32));
			// Another step keeps its own record.
			assert!(!possible_before(b"test/other", 30u32));
		});
	}
}
