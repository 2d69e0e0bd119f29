//! `pallet_transaction_payment`: fees, paid in PROPOSAL into the treasury account.
//!
//! A fee is `weight fee + length fee`:
//! - the weight fee is one planck per picosecond of reference time (`IdentityFee`): a transfer
//!   costs about 0.0002 PROPOSAL of weight;
//! - the length fee is one micro-PROPOSAL per byte (`TransactionByteFee`): a 64 KiB proposal
//!   body costs about 0.066 PROPOSAL to carry, which is what makes large spam expensive.
//!
//! Fees are not burnt: they are paid into [`TreasuryAccount`], so that total issuance changes
//! only by emission and slashing (see DESIGN.md) and governance can spend what fees collect.

use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU8},
	weights::IdentityFee,
	PalletId,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::traits::AccountIdConversion;

use crate::{AccountId, Balance, Balances, Runtime, RuntimeEvent, MICRO_UNIT};

parameter_types! {
	/// The fee per byte of an extrinsic.
	pub const TransactionByteFee: Balance = MICRO_UNIT;
	/// Fees do not scale with congestion yet: a constant multiplier of one.
	pub FeeMultiplier: Multiplier = Multiplier::from_u32(1);
	/// Where fees are paid: the treasury's account, derived from its pallet id.
	pub TreasuryAccount: AccountId = PalletId(*b"daol/trs").into_account_truncating();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ResolveTo<TreasuryAccount, Balances>>;
	/// Operational extrinsics pay five times the tip's priority boost.
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = frame_support::weights::ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// Committee members' commits and reveals whose `feeless_if` holds skip payment altogether
/// (`SkipCheckIfFeeless` in the runtime's `TxExtension`); the pallet only reports them.
impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}
