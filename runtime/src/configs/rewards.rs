//! `pallet_rewards`: per-epoch emission, split between annotators, inference nodes and
//! trainers, claimed by the earners.

use frame_support::{parameter_types, traits::ConstU32, PalletId};
use sp_runtime::Perbill;

use sp_runtime::traits::AccountIdConversion;

use crate::{AccountId, Balance, Balances, Runtime, HOURS, MILLI_UNIT, UNIT};

parameter_types! {
	pub const RewardsPalletId: PalletId = PalletId(*b"daol/rwd");
	/// An hour per epoch: points turn into claimable rewards within the hour they are earned.
	///
	/// Kept in storage under `:EpochBlocks:` so that a development chain can shorten it with
	/// `sudo(system.set_storage)` (the app's end-to-end test closes an epoch in a minute); on a
	/// live chain only Root can write it, as it can any key. Read through [`EpochLength`].
	pub storage EpochBlocks: crate::BlockNumber = HOURS;
	/// A thousand PROPOSAL an hour (about 8.8 million a year), half of it for inference.
	pub DefaultRewardParameters: pallet_rewards::Parameters<Balance> = pallet_rewards::Parameters {
		emission: 1_000 * UNIT,
		split: pallet_rewards::RewardSplit {
			annotation: Perbill::from_percent(30),
			inference: Perbill::from_percent(50),
			training: Perbill::from_percent(20),
		},
		// Five milli-PROPOSAL per point: a verified label's ten points pay at most 0.05, half
		// the 0.1 fee its author paid (`ProposalFee`), so annotating one's own proposals with
		// any number of accounts loses money, while three honest annotators of someone else's
		// proposal earn about 0.017 each for a transaction fee of about 0.001.
		annotation_point_cap: 5 * MILLI_UNIT,
		// Rewards stay claimable for a week of hourly epochs; then the pot takes them back.
		claim_period: 7 * 24,
	};
	/// The pot's account, where proposal fees go to pay the work they caused.
	pub RewardsPot: AccountId = RewardsPalletId::get().into_account_truncating();
}

/// The shortest epoch [`EpochLength`] yields, whatever `:EpochBlocks:` holds: a zero would make
/// every block's `now % EpochLength` divide by zero, and an epoch must outlast the reveal window
/// of the work it pays for.
pub const MIN_EPOCH_LENGTH: crate::BlockNumber = 10;

/// Blocks per rewards epoch: [`EpochBlocks`], never below [`MIN_EPOCH_LENGTH`].
pub struct EpochLength;

impl frame_support::traits::Get<crate::BlockNumber> for EpochLength {
	fn get() -> crate::BlockNumber {
		EpochBlocks::get().max(MIN_EPOCH_LENGTH)
	}
}

impl pallet_rewards::Config for Runtime {
	type Currency = Balances;
	type PalletId = RewardsPalletId;
	type EpochLength = EpochLength;
	/// A day of epochs in one claim.
	type MaxClaimEpochs = ConstU32<24>;
	type MaxHistory = ConstU32<32>;
	type MaxPendingReport = ConstU32<256>;
	/// The `parameters` track.
	type GovernanceOrigin = super::governance::ParametersOrigin;
	type DefaultParameters = DefaultRewardParameters;
	type WeightInfo = pallet_rewards::weights::SubstrateWeight<Runtime>;
}
