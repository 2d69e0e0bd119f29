//! The seed of committee, trainer and aggregator draws: the VRF outputs of the current block
//! and of its parent, by two different BABE authorities.
//!
//! A block's BABE pre-digest carries its author's VRF output for the slot (primary and, with
//! `PrimaryAndSecondaryVRFSlots`, secondary slots alike), verified by every node at import. It
//! is a function of the author's secret key, the slot and the epoch's randomness: nobody else
//! can compute it before the block is published, and its author cannot choose it. The
//! compute-node registry keeps each block's author and output for one block
//! ([`pallet_compute_nodes::LastVrf`]); the seed is `blake2_256(subject ‖ parent's pre-output
//! digest ‖ VRF pre-output)`. The VRF proof, which an author could re-randomise, is not part of
//! it.
//!
//! A block draws only if its author differs from its parent's and from the author that fixed
//! what is drawn for ([`DrawRandomness::seed`]). So no single author knows a seed before the
//! parent block is published: the parent's author does not know the child's output, and the
//! child's author learns the parent's output only when the parent is out — too late to move any
//! stake, since a stake moved in its own block counts only from the next block's draws (the
//! registry's candidates are read in `on_initialize`, before the block's transactions). An
//! author that knows its slot's output an epoch ahead can no longer grind its draws by moving
//! dust stake in the block before.
//!
//! What an author can still bias, in numbers: it can *withhold* its block, and the slot's draw
//! then comes from a later pair of blocks. For a committee outcome of probability `p` (say, that
//! the author's own nodes hold ⅔ of the seats), withholding turns one draw into the better of
//! two: at most `1 − (1 − p)²`, under `2p`, and it costs the withheld block. Only when the
//! drawing block is its own, which happens with its share `s` of the slots, so overall
//! `p + s·p·(1 − p)`. For example, an operator with a third of the draw weight over many nodes
//! and a third of the slots, wanting 17 of 25 seats: `p` = 4.2 × 10⁻⁴
//! (`pallet_compute_nodes::sortition`), withholding raises it to 5.6 × 10⁻⁴. Two colluding
//! authors in consecutive slots know a seed one block early and can move stake in between:
//! the draw is as strong as "no two consecutive authors collude". An author cannot include,
//! exclude or reorder what the draw is for: the queue, the task id and the round's updates are
//! fixed before the drawing block.

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

	fn vrf() -> Option<(u32, H256)> {
		let digest = Self::pre_digest()?;
		let vrf = digest.vrf_signature()?;
		Some((digest.authority_index(), BlakeTwo256::hash_of(&vrf.pre_output.encode())))
	}

	fn seed(subject: &[u8], fixed_by: Option<u32>) -> Option<H256> {
		let (author, output) = Self::vrf()?;
		let alone = pallet_babe::Authorities::<Runtime>::decode_len().unwrap_or(0) <= 1;
		let parent = pallet_compute_nodes::LastVrf::<Runtime>::get();
		if !alone {
			let (parent_author, _) = parent?;
			if fixed_by == Some(author) || parent_author == author {
				return None;
			}
		}
		let parent_output = parent.map(|(_, output)| output).unwrap_or_default();
		Some(BlakeTwo256::hash_of(&(subject, parent_output, output)))
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
