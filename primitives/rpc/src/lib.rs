//! What the DAOLLM pallets' JSON-RPC crates share: how they report errors, which block they
//! read when the caller names none, and the analysis brief as JSON ([`brief`]).

pub mod brief;

use jsonrpsee::types::error::{ErrorObject, ErrorObjectOwned};
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

/// Error code of a failed runtime-API call.
pub const RUNTIME_ERROR: i32 = 1;
/// Error code of an invalid parameter (JSON-RPC 2.0).
pub const INVALID_PARAMS: i32 = -32602;

/// A runtime-API call failed.
pub fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(e.to_string()))
}

/// A parameter is out of range: `message` says which and why.
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(INVALID_PARAMS, message.into(), None::<()>)
}

/// `limit`, or `max` when omitted; an error unless it is between 1 and `max`.
pub fn page_limit(limit: Option<u32>, max: u32) -> Result<u32, ErrorObjectOwned> {
	match limit.unwrap_or(max) {
		n if n == 0 || n > max => Err(invalid_params(format!("limit must be between 1 and {max}"))),
		n => Ok(n),
	}
}

/// The block to read: `at`, or the client's best block.
pub fn block_or_best<Block: BlockT>(
	client: &impl HeaderBackend<Block>,
	at: Option<Block::Hash>,
) -> Block::Hash {
	at.unwrap_or_else(|| client.info().best_hash)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn page_limits_default_to_the_maximum_and_stay_within_it() {
		assert_eq!(page_limit(None, 100), Ok(100));
		assert_eq!(page_limit(Some(7), 100), Ok(7));
		assert_eq!(page_limit(Some(0), 100).unwrap_err().code(), INVALID_PARAMS);
		assert_eq!(page_limit(Some(101), 100).unwrap_err().code(), INVALID_PARAMS);
	}
}
