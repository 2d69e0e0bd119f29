//! Content addressing: how a proposal body is named on chain, in the offchain index and over
//! Bitswap.
//!
//! A body's name is its blake2b-256 digest. As an IPFS content identifier it is a CIDv1 with the
//! `raw` codec (0x55) and a blake2b-256 multihash (0xb220), which is exactly what a node started
//! with `--ipfs-server` serves for an indexed transaction.

use alloc::{string::String, vec::Vec};

/// Length of a binary CIDv1 (raw, blake2b-256): version, codec, multihash code (3-byte varint),
/// digest length, 32-byte digest.
pub const CID_LEN: usize = 38;

/// A binary CIDv1.
pub type Cid = [u8; CID_LEN];

/// Multicodec `raw`.
const RAW_CODEC: u8 = 0x55;
/// Multihash code 0xb220 (blake2b-256) as an unsigned varint.
const BLAKE2B_256_VARINT: [u8; 3] = [0xa0, 0xe4, 0x02];

/// The CIDv1 (raw codec, blake2b-256) of content whose blake2b-256 digest is `digest`.
pub fn cid_v1_raw_blake2b_256(digest: &[u8; 32]) -> Cid {
	let mut cid = [0u8; CID_LEN];
	cid[0] = 0x01;
	cid[1] = RAW_CODEC;
	cid[2..5].copy_from_slice(&BLAKE2B_256_VARINT);
	cid[5] = 32;
	cid[6..].copy_from_slice(digest);
	cid
}

/// The CID's usual text form: multibase base32, lower case, no padding (`b…`), as IPFS prints
/// CIDv1.
pub fn cid_to_string(cid: &[u8]) -> String {
	const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
	let mut out = Vec::with_capacity(1 + cid.len() * 8 / 5 + 1);
	out.push(b'b');
	let (mut buffer, mut bits) = (0u32, 0u32);
	for &byte in cid {
		buffer = (buffer << 8) | byte as u32;
		bits += 8;
		while bits >= 5 {
			bits -= 5;
			out.push(ALPHABET[((buffer >> bits) & 31) as usize]);
		}
	}
	if bits > 0 {
		out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize]);
	}
	String::from_utf8(out).unwrap_or_default()
}

/// The longest body the inference engine reads, in bytes; no chain may accept a longer one.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a body is not text the inference engine can read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnreadableBody {
	/// The body is empty.
	Empty,
	/// The body is longer than [`MAX_BODY_BYTES`].
	TooLong,
	/// The body is not UTF-8 text.
	NotUtf8,
}

/// The one rule for which proposal bodies the network can analyse: non-empty UTF-8 of at most
/// [`MAX_BODY_BYTES`] bytes. The proposals pallet refuses every other body, and the engine
/// applies the same function before it runs a model, so that no body reaches a committee that
/// no member could read.
pub fn readable_body(body: &[u8]) -> Result<&str, UnreadableBody> {
	if body.is_empty() {
		return Err(UnreadableBody::Empty);
	}
	if body.len() > MAX_BODY_BYTES {
		return Err(UnreadableBody::TooLong);
	}
	core::str::from_utf8(body).map_err(|_| UnreadableBody::NotUtf8)
}

/// The offchain-index key under which a proposal body with digest `digest` is stored, so that
/// offchain workers can read it (`sp_io::offchain::local_storage_get(PERSISTENT, key)`).
pub fn offchain_body_key(digest: &[u8; 32]) -> Vec<u8> {
	[&b"daollm/proposal-body/"[..], &digest[..]].concat()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_non_empty_utf8_within_the_limit_is_readable() {
		assert_eq!(readable_body(b""), Err(UnreadableBody::Empty));
		assert_eq!(readable_body(&[0xff]), Err(UnreadableBody::NotUtf8));
		assert_eq!(readable_body(&[b'a', 0xc3]), Err(UnreadableBody::NotUtf8));
		assert_eq!(readable_body(&vec![b'a'; MAX_BODY_BYTES + 1]), Err(UnreadableBody::TooLong));
		assert_eq!(readable_body(&vec![b'a'; MAX_BODY_BYTES]).map(str::len), Ok(MAX_BODY_BYTES));
		assert_eq!(readable_body("Grant 5 DAI to ÄBC".as_bytes()), Ok("Grant 5 DAI to ÄBC"));
	}

	#[test]
	fn cid_layout_is_v1_raw_blake2b_256() {
		let cid = cid_v1_raw_blake2b_256(&[7u8; 32]);
		assert_eq!(&cid[..6], &[0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20]);
		assert_eq!(&cid[6..], &[7u8; 32]);
	}

	#[test]
	fn cid_text_form_is_multibase_base32() {
		// RFC 4648 test vectors, lower case and unpadded, behind the `b` multibase prefix.
		assert_eq!(cid_to_string(b""), "b");
		assert_eq!(cid_to_string(b"f"), "bmy");
		assert_eq!(cid_to_string(b"fo"), "bmzxq");
		assert_eq!(cid_to_string(b"foobar"), "bmzxw6ytboi");
		// Every CIDv1 raw/blake2b-256 starts the same way in text.
		assert!(cid_to_string(&cid_v1_raw_blake2b_256(&[0u8; 32])).starts_with("bafk2bza"));
	}
}
