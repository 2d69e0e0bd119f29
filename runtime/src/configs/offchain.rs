//! How offchain workers sign and submit transactions: the compute nodes' inference and training
//! seats, signed with their `infr` key ([`NodeSigner`]), and the nodes' unsigned equivocation
//! reports.

use codec::Encode;
use frame_system::offchain::{
	AppCrypto, CreateBare, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
};
use sp_runtime::{
	generic::Era,
	traits::{SaturatedConversion, Verify},
	MultiAddress, MultiSignature, MultiSigner,
};

use crate::{
	AccountId, Nonce, Runtime, RuntimeCall, Signature, SignedPayload, System, TxExtension,
	UncheckedExtrinsic,
};
use daollm_primitives::{inference::InferenceKey, offchain::TRANSACTION_PERIOD};

/// Offchain workers sign with their `infr` key as the sr25519 account of the same public key.
pub struct NodeSigner;
impl AppCrypto<MultiSigner, MultiSignature> for NodeSigner {
	type RuntimeAppPublic = InferenceKey;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

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
		(
			pallet_inference::CheckCommitteeSeat::<Runtime>::new(),
			pallet_training::CheckTrainingSeat::<Runtime>::new(),
		),
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
	/// Signs `call` as `account` with the local key `public`, mortal from the parent of the
	/// current block for [`TRANSACTION_PERIOD`] blocks: it lands in one of the next two blocks
	/// or dies everywhere, so that a transaction its peers dropped does not keep its nonce in
	/// this node's pool while the worker resends (see [`daollm_primitives::offchain`]).
	fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let era = Era::mortal(TRANSACTION_PERIOD.into(), current);
		let extension = tx_extension(nonce, era);
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
