//! JSON-RPC methods of the proposals pallet: what a dApp needs in one call.
//!
//! - `proposals_get(id, at?)`: a proposal with its analysis (the committee's label and, once
//!   agreed, its brief: key sentences and figures with their text), verified label, CID (text
//!   form, the one `bitswap_v1_get` takes) and content hash; `null` if it does not exist.
//! - `proposals_trainingSet(startAfter?, limit?, at?)`: a page of the verified training set.
//! - `proposals_contributions(account, at?)`: an account's contributions.

use std::{marker::PhantomData, sync::Arc};

use codec::Codec;
use daollm_primitives::{content::cid_to_string, LabelIndex, ProposalId};
use daollm_rpc_primitives::{
	block_or_best,
	brief::{BriefJson, Briefs},
	page_limit, runtime_error,
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
pub use pallet_proposals_runtime_api::ProposalsApi as ProposalsRuntimeApi;
use pallet_proposals_runtime_api::{AnalysisStatus, ProposalDetails};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;

/// The largest page `proposals_trainingSet` returns.
pub const MAX_PAGE: u32 = 256;

/// A proposal, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalJson<AccountId, BlockNumber> {
	/// The proposal's id.
	pub id: ProposalId,
	/// Its author.
	pub author: AccountId,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// The end of its spam window, until which the whole deposit stays held.
	pub deposit_held_until: BlockNumber,
	/// Its title, as UTF-8 (invalid bytes replaced).
	pub title: String,
	/// The body's length in bytes.
	pub body_len: u32,
	/// blake2b-256 of the body.
	pub content_hash: H256,
	/// The body's CIDv1, base32: what `bitswap_v1_get` takes.
	pub cid: String,
	/// The deposit still held, in planck, as a decimal string.
	pub deposit: String,
	/// The record deposit held until the author removes the finished record, likewise.
	pub record_deposit: String,
	/// `pending`, `analysed` or `unanswered`.
	pub analysis: &'static str,
	/// The inference network's label, once analysed.
	pub analysed_label: Option<LabelIndex>,
	/// The committee's brief, once agreed: key sentences and figures, with their text where this
	/// node holds the body (the same as `inference_task`'s).
	pub brief: Option<BriefJson>,
	/// The annotators' verified label, if any.
	pub verified_label: Option<LabelIndex>,
	/// Revealed annotations per label.
	pub tally: Vec<u32>,
	/// Revealed bonds per label, in planck, as decimal strings.
	pub bonded: Vec<String>,
	/// Sealed annotations not revealed yet.
	pub sealed: u32,
	/// A label in its challenge window: the label holding the most bond.
	pub provisional_label: Option<LabelIndex>,
	/// A label in its challenge window: the first block it may settle in.
	pub settles_at: Option<BlockNumber>,
}

impl<AccountId, Balance: ToString, BlockNumber>
	From<ProposalDetails<AccountId, Balance, BlockNumber>> for ProposalJson<AccountId, BlockNumber>
{
	fn from(p: ProposalDetails<AccountId, Balance, BlockNumber>) -> Self {
		let (analysis, analysed_label) = match p.analysis {
			AnalysisStatus::Pending => ("pending", None),
			AnalysisStatus::Analysed { label } => ("analysed", Some(label)),
			AnalysisStatus::Unanswered => ("unanswered", None),
		};
		ProposalJson {
			id: p.id,
			author: p.author,
			submitted_at: p.submitted_at,
			deposit_held_until: p.deposit_held_until,
			title: String::from_utf8_lossy(&p.title).into_owned(),
			body_len: p.body_len,
			content_hash: p.content_hash,
			cid: cid_to_string(&p.cid),
			deposit: p.deposit.to_string(),
			record_deposit: p.record_deposit.to_string(),
			analysis,
			analysed_label,
			brief: None,
			verified_label: p.verified_label,
			tally: p.tally,
			bonded: p.bonded.iter().map(ToString::to_string).collect(),
			sealed: p.sealed,
			provisional_label: p.provisional.as_ref().map(|v| v.label),
			settles_at: p.provisional.map(|v| v.settles_at),
		}
	}
}

/// A verified training example, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainingExampleJson {
	/// The proposal.
	pub proposal: ProposalId,
	/// blake2b-256 of its body.
	pub content_hash: H256,
	/// The body's CIDv1, base32.
	pub cid: String,
	/// The verified label.
	pub label: LabelIndex,
	/// Whether the label corrects the inference network's: an error report, which training
	/// weighs twice.
	pub error_report: bool,
}

/// An account's contributions, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionsJson {
	/// Proposals submitted.
	pub proposals: u32,
	/// Annotations made.
	pub annotations: u32,
	/// Annotations that matched the verified label.
	pub agreed: u32,
	/// Annotations that did not.
	pub disagreed: u32,
	/// Verified corrections of the network's label this account named first.
	pub corrections: u32,
}

/// The `proposals_*` methods.
#[rpc(server)]
pub trait ProposalsApi<BlockHash, AccountId, BlockNumber> {
	/// Proposal `id` at block `at` (best block if omitted), or `null`.
	#[method(name = "proposals_get")]
	fn proposal(
		&self,
		id: ProposalId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<ProposalJson<AccountId, BlockNumber>>>;

	/// Up to `limit` (default and at most 256) verified training examples after `start_after`.
	#[method(name = "proposals_trainingSet")]
	fn training_set(
		&self,
		start_after: Option<ProposalId>,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<TrainingExampleJson>>;

	/// What `who` has contributed.
	#[method(name = "proposals_contributions")]
	fn contributions(&self, who: AccountId, at: Option<BlockHash>) -> RpcResult<ContributionsJson>;
}

/// Serves the `proposals_*` methods from a client's runtime API.
pub struct Proposals<C, Block: BlockT, Balance> {
	client: Arc<C>,
	briefs: Option<Briefs<Block::Hash>>,
	_marker: PhantomData<(Block, Balance)>,
}

impl<C, Block: BlockT, Balance> Proposals<C, Block, Balance> {
	/// Serves from `client`, with analysed proposals' briefs from `briefs` (if any).
	pub fn new(client: Arc<C>, briefs: Option<Briefs<Block::Hash>>) -> Self {
		Self { client, briefs, _marker: PhantomData }
	}
}

impl<C, Block, AccountId, Balance, BlockNumber>
	ProposalsApiServer<<Block as BlockT>::Hash, AccountId, BlockNumber>
	for Proposals<C, Block, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ProposalsRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + Clone + Send + Sync + Serialize + for<'de> serde::Deserialize<'de> + 'static,
	Balance: Codec + ToString + Send + Sync + 'static,
	BlockNumber: Codec + Send + Sync + Serialize + 'static,
{
	fn proposal(
		&self,
		id: ProposalId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<ProposalJson<AccountId, BlockNumber>>> {
		let at = block_or_best(&*self.client, at);
		let Some(details) = self.client.runtime_api().proposal(at, id).map_err(runtime_error)?
		else {
			return Ok(None);
		};
		let mut json = ProposalJson::from(details);
		if let (Some(_), Some(briefs)) = (json.analysed_label, &self.briefs) {
			json.brief = briefs(at, id)?;
		}
		Ok(Some(json))
	}

	fn training_set(
		&self,
		start_after: Option<ProposalId>,
		limit: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<Vec<TrainingExampleJson>> {
		let limit = page_limit(limit, MAX_PAGE)?;
		let at = block_or_best(&*self.client, at);
		let examples = self
			.client
			.runtime_api()
			.training_set(at, start_after, limit)
			.map_err(runtime_error)?;
		Ok(examples
			.into_iter()
			.map(|e| TrainingExampleJson {
				proposal: e.proposal,
				content_hash: e.content_hash,
				cid: cid_to_string(&daollm_primitives::content::cid_v1_raw_blake2b_256(
					&e.content_hash.0,
				)),
				label: e.label,
				error_report: e.corrects_network(),
			})
			.collect())
	}

	fn contributions(
		&self,
		who: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<ContributionsJson> {
		let at = block_or_best(&*self.client, at);
		let c = self.client.runtime_api().contributions(at, who).map_err(runtime_error)?;
		Ok(ContributionsJson {
			proposals: c.proposals,
			annotations: c.annotations,
			agreed: c.agreed,
			disagreed: c.disagreed,
			corrections: c.corrections,
		})
	}
}
