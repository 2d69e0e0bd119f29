//! # DAOLLM primitives
//!
//! The vocabulary that the runtime, its pallets and the node agree on: the chain's core types
//! (accounts, balances, blocks), the PROPOSAL token's denominations, the opaque block type the
//! node handles without knowing the runtime's calls, how proposal bodies are content-addressed
//! ([`content`]), and the small traits that join the pallets ([`traits`]).
//!
//! Keeping these here, rather than in the runtime, lets the node and every pallet name them
//! without depending on the runtime crate (the way `sp-staking` serves the staking pallets).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod content;
pub mod inference;
pub mod offchain;
pub mod seats;
pub mod threshold;
pub mod training;
pub mod traits;

use sp_runtime::{
	generic,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiSignature,
};

/// A transaction signature: sr25519, ed25519 or ecdsa, as polkadot.js and the keyring sign.
pub type Signature = MultiSignature;

/// An account on the chain: the public key of the account's signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// An amount of the PROPOSAL token, in its smallest unit (planck).
pub type Balance = u128;

/// A transaction index of an account.
pub type Nonce = u32;

/// A block number.
pub type BlockNumber = u32;

/// A hash of some data: blocks, extrinsics, proposal bodies.
pub type Hash = sp_core::H256;

/// Identifies a proposal: sequential from zero.
pub type ProposalId = u32;

/// Identifies a DAO's space: sequential from zero.
pub type SpaceId = u32;

/// Identifies a model in the registry: sequential from zero.
pub type ModelId = u32;

/// A version of a registered model: sequential from one.
pub type ModelVersion = u32;

/// A label of the analysis model's label set, by index (`protocol-upgrade` is 0, …).
pub type LabelIndex = u8;

/// A node's place on a committee (an inference task's, a training round's trainers or
/// aggregators): the node's operator account, its stake when drawn (what a slash for its answer
/// takes from), and how many of the committee's seats it won. Each seat is one vote: stake buys
/// seats in the draw, never a heavier vote.
#[derive(
	Clone,
	PartialEq,
	Eq,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	Debug,
	scale_info::TypeInfo,
	codec::MaxEncodedLen,
)]
pub struct Seat<AccountId, Balance> {
	/// The node's operator account.
	pub node: AccountId,
	/// Its stake when it was drawn.
	pub stake: Balance,
	/// How many seats it holds: its answer counts once for each.
	pub seats: u32,
}

/// The largest label set any model may have; bounds per-label tallies in storage.
pub const MAX_LABELS: u32 = 16;

/// The PROPOSAL token's denominations.
///
/// PROPOSAL has 12 decimals (`tokenDecimals` in every chain spec), as DOT-like chains do: small
/// enough amounts for per-byte fees and reward points, large enough a range in `u128`.
pub mod currency {
	use super::Balance;

	/// Decimal places of the PROPOSAL token.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// The token's symbol, as polkadot.js apps shows it.
	pub const TOKEN_SYMBOL: &str = "PROPOSAL";
	/// One PROPOSAL.
	pub const UNIT: Balance = 10u128.pow(TOKEN_DECIMALS as u32);
	/// One thousandth of a PROPOSAL.
	pub const MILLI_UNIT: Balance = UNIT / 1_000;
	/// One millionth of a PROPOSAL.
	pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
}

/// Block time and the block counts derived from it.
pub mod time {
	use super::BlockNumber;

	/// Target block time. BABE's slot has this length; it cannot change once a chain runs.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// BABE slot duration.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;
	/// BABE's epoch, and the session's, in slots: ten minutes. Short enough that a key rotation
	/// or a validator disabled for an equivocation takes effect within twenty minutes, long
	/// enough (a hundred slots) that each epoch's randomness mixes many VRF outputs. It cannot
	/// change once a chain runs.
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 10 * MINUTES as u64;
	/// BABE's `c`: the chance that a slot has at least one primary (VRF-won) author is 1/4; the
	/// other slots go to their secondary author, who also proves a VRF output.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
}

/// The address format shared by every chain spec (`ss58Format`).
///
/// 42 is the generic Substrate prefix: the development keys (`//Alice`, …) keep the addresses
/// that every Substrate tool and tutorial shows, and polkadot.js apps formats them without a
/// registry entry. A production network would register its own prefix and change it here.
pub const SS58_PREFIX: u16 = 42;

/// Types the node uses without knowing the runtime's calls.
pub mod opaque {
	use super::*;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Block with opaque extrinsics.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

#[cfg(test)]
mod tests {
	use super::currency::*;

	#[test]
	fn denominations_follow_the_decimals() {
		assert_eq!(UNIT, 1_000_000_000_000);
		assert_eq!(MILLI_UNIT * 1_000, UNIT);
		assert_eq!(MICRO_UNIT * 1_000_000, UNIT);
	}
}
