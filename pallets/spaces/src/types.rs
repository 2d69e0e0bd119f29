//! The pallet's data: spaces, their record, and the parameters that price them.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

/// What a space costs: set at genesis, changed by governance
/// ([`crate::Pallet::set_parameters`]) within [`Parameters::check`].
#[derive(
	Clone,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Parameters<Balance> {
	/// The deposit every space holds, whatever its size: a space is state and a name in the
	/// directory, which its admin pays for while it exists.
	pub deposit_base: Balance,
	/// The deposit held per byte of a space's name, description and link.
	pub deposit_per_byte: Balance,
}

/// Why a set of space parameters is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidParameter {
	/// `deposit_base` is zero: spaces would cost nothing, and the directory could be flooded.
	Deposit,
}

impl<Balance: Zero> Parameters<Balance> {
	/// Checks the parameters: each the rules above require.
	pub fn check(&self) -> Result<(), InvalidParameter> {
		if self.deposit_base.is_zero() {
			return Err(InvalidParameter::Deposit);
		}
		Ok(())
	}
}

/// What the chain knows of the proposals filed under a space: counts only ever grow, except
/// `listed`, which counts the proposals whose record still exists.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SpaceStats {
	/// Proposals ever filed under the space.
	pub filed: u32,
	/// Proposals filed under it whose record still exists: those its list holds.
	pub listed: u32,
	/// Filed proposals the inference network labelled.
	pub analysed: u32,
	/// Filed proposals that received an annotation.
	pub annotated: u32,
	/// Filed proposals whose annotators' label was verified.
	pub verified: u32,
	/// Verified proposals whose label was compared with the network's analysis (both exist,
	/// or the network's ended without a label).
	pub compared: u32,
	/// Compared proposals whose verified label the network had published too.
	pub matched: u32,
}

impl SpaceStats {
	/// The network's record for the DAO: the share of its verified labels the network's
	/// analysis matched; `None` before any verified label meets an analysis.
	pub fn record(&self) -> Option<Perbill> {
		(self.compared > 0).then(|| Perbill::from_rational(self.matched, self.compared))
	}

	/// Whether the counts are consistent: nothing is counted more often than proposals were
	/// filed, and only verified labels matched.
	pub fn consistent(&self) -> bool {
		self.listed <= self.filed
			&& self.analysed <= self.filed
			&& self.annotated <= self.filed
			&& self.verified <= self.annotated
			&& self.compared <= self.verified
			&& self.matched <= self.compared
	}
}

/// A DAO's space: who administers it, what it is called and where it lives, the deposit it
/// holds, and its record.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, Debug, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxNameLen, MaxDescriptionLen, MaxLinkLen))]
pub struct Space<AccountId, Balance, BlockNumber, MaxNameLen, MaxDescriptionLen, MaxLinkLen>
where
	MaxNameLen: Get<u32>,
	MaxDescriptionLen: Get<u32>,
	MaxLinkLen: Get<u32>,
{
	/// The account that may update the space, hand it over or close it, and whose deposit it
	/// holds.
	pub admin: AccountId,
	/// The DAO's name (UTF-8).
	pub name: BoundedVec<u8, MaxNameLen>,
	/// A short description of the DAO (UTF-8).
	pub description: BoundedVec<u8, MaxDescriptionLen>,
	/// Where the DAO lives: its website, Snapshot space, forum or governance repository.
	pub link: BoundedVec<u8, MaxLinkLen>,
	/// The deposit held from the admin.
	pub deposit: Balance,
	/// The block the space was registered in.
	pub registered_at: BlockNumber,
	/// What became of the proposals filed under it.
	pub stats: SpaceStats,
}

impl<AccountId, Balance, BlockNumber, N: Get<u32>, D: Get<u32>, L: Get<u32>>
	Space<AccountId, Balance, BlockNumber, N, D, L>
{
	/// The bytes of text the space stores: what its deposit is priced on.
	pub fn text_len(&self) -> u32 {
		text_len(&self.name, &self.description, &self.link)
	}
}

/// The bytes of a space's name, description and link together.
pub fn text_len(name: &[u8], description: &[u8], link: &[u8]) -> u32 {
	(name.len() as u32).saturating_add(description.len() as u32).saturating_add(link.len() as u32)
}

/// A space as clients read it: the space, the account it is offered to, and the network's
/// record.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug, TypeInfo)]
pub struct SpaceDetails<AccountId, Balance, BlockNumber> {
	/// The space's id.
	pub id: daollm_primitives::SpaceId,
	/// Its admin.
	pub admin: AccountId,
	/// The account the admin offered the space to, until it accepts.
	pub offered_to: Option<AccountId>,
	/// The DAO's name.
	pub name: alloc::vec::Vec<u8>,
	/// Its description.
	pub description: alloc::vec::Vec<u8>,
	/// Where it lives.
	pub link: alloc::vec::Vec<u8>,
	/// The deposit held.
	pub deposit: Balance,
	/// The block it was registered in.
	pub registered_at: BlockNumber,
	/// What became of its proposals.
	pub stats: SpaceStats,
	/// The share of its verified labels the network's analysis matched, once one is verified.
	pub record: Option<Perbill>,
}

/// The deposit for a space storing `len` bytes of text.
pub fn deposit_for<Balance: Saturating + Copy + From<u32>>(
	parameters: &Parameters<Balance>,
	len: u32,
) -> Balance {
	parameters.deposit_base.saturating_add(parameters.deposit_per_byte.saturating_mul(len.into()))
}
