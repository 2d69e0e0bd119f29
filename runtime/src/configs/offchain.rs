//! How offchain workers sign and submit transactions: the inference nodes' commits and reveals,
//! and the nodes' unsigned equivocation reports.

use codec::Encode;
use frame_system::offchain::{
	AppCrypto, CreateBare, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
};
use sp_runtime::{
	generic::Era,
	traits::{SaturatedConversion, Verify},
	MultiAddress,
};

use crate::{
	AccountId, Nonce, Runtime, RuntimeCall, Signature, SignedPayload, System, TxExtension,
	UncheckedExtrinsic, BLOCK_HASH_COUNT,
};

/// The transaction extensions of a transaction with `nonce`, valid in `era`, with no tip and no
/// metadata-hash check: what wallets and offchain workers alike attach.
pub fn tx_extension(nonce: Nonce, era: Era) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_skip_feeless_payment::SkipCheckIfFeeless::from(
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		)
		.into(),
		pallet_inference::CheckCommitteeSeat::<Runtime>::new(),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	/// Signs `call` as `account` with the local key `public`, mortal for half the block-hash
	/// window from the current block: a transaction that did not land soon expires rather than
	/// lingering in pools.
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let period = (BLOCK_HASH_COUNT / 2).next_power_of_two().saturated_into::<u64>();
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension = tx_extension(nonce, Era::mortal(period, current));
		let payload = SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), signature, extension))
	}
}

/// Unsigned transactions: BABE's and GRANDPA's equivocation reports, which their pallets
/// validate themselves.
impl<LocalCall> CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}
