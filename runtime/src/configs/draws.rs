//! The seed of committee, trainer and aggregator draws: the current block's BABE VRF output.
//!
//! A block's BABE pre-digest carries its author's VRF output for the slot (primary and, with
//! `PrimaryAndSecondaryVRFSlots`, secondary slots alike), verified by every node at import. It
//! is a function of the author's secret key, the slot and the epoch's randomness: nobody else
//! can compute it before the block is published, and its author cannot choose it. The seed is
//! `blake2_256(subject ‖ VRF pre-output)`; the VRF proof, which an author could re-randomise,
//! is not part of it.
//!
//! What an author can still bias, in numbers: it knows the seed of its own slot in advance, so
//! it can *withhold* its block, and the slot's draw then comes from the next block's author.
//! For a committee outcome of probability `p` (say, that the author's own nodes hold ⅔ of the
//! seats), withholding turns one draw into the better of two: at most `1 − (1 − p)²`, under
//! `2p`, and it costs the withheld block. Only when the drawing block is its own, which happens
//! with its share `s` of the slots, so overall `p + s·p·(1 − p)`. For example, an operator with
//! 30 % of the stake in a network of twenty equal nodes and 30 % of the slots, wanting four of
//! the five seats: `p` = 1.39 % (hypergeometric), withholding raises it to 1.80 %, each success
//! costing it the block it withheld. It cannot include, exclude or reorder what the draw is
//! for: a proposal that lands in its block is drawn for by a block someone else authored
//! ([`DrawRandomness::seed`] refuses the author that fixed it), and the queue, the task id and
//! the round's updates are fixed before the drawing block.

use codec::{Decode, Encode};
use daollm_primitives::traits::DrawRandomness;
use sp_consensus_babe::{digests::PreDigest, BABE_ENGINE_ID};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash};

use crate::{Runtime, System};

/// [`DrawRandomness`] from the current block's BABE pre-digest.
pub struct BabeVrfDraws;

impl BabeVrfDraws {
	/// The current block's BABE pre-digest, if it has one.
	fn pre_digest() -> Option<PreDigest> {
		System::digest().logs.iter().find_map(|item| {
			let (id, mut data) = item.as_pre_runtime()?;
			(id == BABE_ENGINE_ID).then(|| PreDigest::decode(&mut data).ok()).flatten()
		})
	}
}

impl DrawRandomness for BabeVrfDraws {
	fn author() -> Option<u32> {
		Self::pre_digest().map(|digest| digest.authority_index())
	}

	fn seed(subject: &[u8], fixed_by: Option<u32>) -> Option<H256> {
		let digest = Self::pre_digest()?;
		let alone = pallet_babe::Authorities::<Runtime>::decode_len().unwrap_or(0) <= 1;
		if !alone && fixed_by == Some(digest.authority_index()) {
			return None;
		}
		let vrf = digest.vrf_signature()?;
		Some(BlakeTwo256::hash_of(&(subject, vrf.pre_output.encode())))
	}
}

/// Puts a BABE pre-digest into the current block, as a block authored by authority 0 carries,
/// for the benchmarks' draws. Its VRF output is made up (the runtime does not verify VRF proofs;
/// the node does at import): the compressed Ristretto base point, with a zero proof.
#[cfg(feature = "runtime-benchmarks")]
pub fn benchmark_pre_digest() {
	const BASE_POINT: [u8; 32] =
		sp_core::hex2array!("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
	// `PreDigest::SecondaryVRF` (index 3): authority index, slot, VRF pre-output and proof.
	let mut digest = alloc::vec![3u8];
	digest.extend(0u32.encode());
	digest.extend(0u64.encode());
	digest.extend(BASE_POINT);
	digest.extend([0u8; 64]);
	System::deposit_log(sp_runtime::DigestItem::PreRuntime(BABE_ENGINE_ID, digest));
}
