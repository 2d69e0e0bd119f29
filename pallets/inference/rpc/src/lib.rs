//! JSON-RPC methods of the inference pallet.
//!
//! - `inference_task(id, at?)`: a task, open (committee, windows, progress) or judged (label,
//!   scores, participation); `null` if it does not exist.
//! - `inference_proposalTask(proposal, at?)`: the same, found by the proposal it analyses.
//! - `inference_node(operator, at?)`: a node's stake, reputation, record and recent history.
//! - `inference_leaderboard(limit?, at?)`: nodes by reputation, then stake.
//! - `proposals_similar(id, limit?, at?)`: the analysed proposals most similar to proposal `id`
//!   among those analysed before it (served here because the signatures are the inference
//!   committee's results).
//!
//! A judged task's brief is decoded against the proposal's body when this node's offchain index
//! holds it (every `daollm-node` indexes): key sentences and figures come with their text.
//!
//! Balances are decimal strings (JavaScript numbers lose precision above 2^53); shares
//! (reputation, participation) are parts per billion.

use std::{marker::PhantomData, sync::Arc};

use codec::Codec;
use daollm_primitives::{inference::READABLE_FLOOR, LabelIndex, ProposalId};
pub use daollm_rpc_primitives::brief::Bodies;
use daollm_rpc_primitives::{
	block_or_best,
	brief::{BriefJson, Briefs},
	page_limit, runtime_error,
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
pub use pallet_inference_runtime_api::InferenceApi as InferenceRuntimeApi;
use pallet_inference_runtime_api::{
	MemberOutcome, NodeDetails, NodeStatus, Outcome, TaskDetails, TaskId, TaskStatus, Work,
	MAX_SIMILAR,
};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::Block as BlockT;

/// The longest leaderboard `inference_leaderboard` returns.
pub const MAX_LEADERBOARD: u32 = 100;

/// A similar proposal, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimilarJson {
	/// The earlier proposal.
	pub proposal: ProposalId,
	/// Its similarity, in parts per million (the cosine of the two signatures).
	pub similarity: u32,
}

/// A committee seat, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberJson<AccountId> {
	/// The node's operator.
	pub node: AccountId,
	/// Its stake when drawn.
	pub stake: String,
	/// The seats it holds: its answer counts once for each.
	pub seats: u32,
}

/// A task, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskJson<AccountId, BlockNumber> {
	/// The task.
	pub id: TaskId,
	/// The proposal analysed.
	pub proposal: ProposalId,
	/// `open` or `judged`.
	pub status: &'static str,
	/// sha256 of the model.
	pub model: H256,
	/// Open tasks: the block it opened in.
	pub opened_at: Option<BlockNumber>,
	/// Open tasks: the last block for commits.
	pub commit_end: Option<BlockNumber>,
	/// Open tasks: the last block for reveals.
	pub reveal_end: Option<BlockNumber>,
	/// Open tasks: the members.
	pub committee: Vec<MemberJson<AccountId>>,
	/// How many rounds of the proposal failed before this one (0: its first committee).
	pub round: u32,
	/// Open tasks: commits so far.
	pub commits: Option<u32>,
	/// Open tasks: reveals so far.
	pub reveals: Option<u32>,
	/// Open tasks: members excused so far.
	pub excused: Option<u32>,
	/// Judged tasks: `consensus`, `noConsensus` or `inconclusive` (too few members revealed).
	pub outcome: Option<&'static str>,
	/// Judged with consensus: the label.
	pub label: Option<LabelIndex>,
	/// Judged with consensus: each class's score in basis points.
	pub scores: Option<Vec<u16>>,
	/// Judged with consensus: the share of the body's letters in words the model knows, in basis
	/// points; below `readableFloor` the model cannot read the proposal.
	pub readable: Option<u16>,
	/// The readable share below which the model cannot read a proposal, in basis points.
	pub readable_floor: u16,
	/// Judged with consensus: the brief, with text where this node holds the body.
	pub brief: Option<BriefJson>,
	/// Judged tasks: blake2b-256 of the body analysed.
	pub content_hash: Option<H256>,
	/// Judged tasks: the share of the committee's seats that revealed, per billion.
	pub participation: Option<u32>,
	/// Judged tasks: the block it was judged in.
	pub finalized_at: Option<BlockNumber>,
}

impl<AccountId, BlockNumber> TaskJson<AccountId, BlockNumber> {
	/// `t` as JSON, its brief decoded against the body `bodies` holds.
	pub fn new<Balance: ToString>(
		t: TaskDetails<AccountId, Balance, BlockNumber>,
		bodies: Option<&Bodies>,
	) -> Self {
		let mut json = TaskJson {
			id: t.id,
			proposal: t.proposal,
			status: "open",
			model: H256::zero(),
			opened_at: None,
			commit_end: None,
			reveal_end: None,
			committee: vec![],
			round: 0,
			commits: None,
			reveals: None,
			excused: None,
			outcome: None,
			label: None,
			scores: None,
			readable: None,
			readable_floor: READABLE_FLOOR,
			brief: None,
			content_hash: None,
			participation: None,
			finalized_at: None,
		};
		match t.status {
			TaskStatus::Open {
				model,
				opened_at,
				commit_end,
				reveal_end,
				committee,
				round,
				commits,
				reveals,
				excused,
			} => {
				json.model = model;
				json.opened_at = Some(opened_at);
				json.commit_end = Some(commit_end);
				json.reveal_end = Some(reveal_end);
				json.committee = committee
					.into_iter()
					.map(|m| MemberJson {
						node: m.node,
						stake: m.stake.to_string(),
						seats: m.seats,
					})
					.collect();
				json.round = round;
				json.commits = Some(commits);
				json.reveals = Some(reveals);
				json.excused = Some(excused);
			},
			TaskStatus::Judged(result) => {
				json.status = "judged";
				json.model = result.model;
				json.content_hash = Some(result.content_hash);
				json.participation = Some(result.participation.deconstruct());
				json.round = result.round;
				json.finalized_at = Some(result.finalized_at);
				match result.outcome {
					Outcome::Consensus { label, scores, readable, brief } => {
						json.outcome = Some("consensus");
						json.label = Some(label);
						json.scores = Some(scores.into_inner());
						json.readable = Some(readable);
						json.brief = Some(BriefJson::of_body(&brief, &result.content_hash, bodies));
					},
					Outcome::NoConsensus => json.outcome = Some("noConsensus"),
					Outcome::Inconclusive => json.outcome = Some("inconclusive"),
				}
			},
		}
		json
	}
}

/// One entry of a node's history, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryJson<BlockNumber> {
	/// The inference task, if the work was one.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub task: Option<TaskId>,
	/// The training round, if the work was one.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub round: Option<u32>,
	/// `agreed`, `disagreed`, `inconclusive`, `missed` or `excused`.
	pub outcome: &'static str,
	/// When it was judged.
	pub at: BlockNumber,
}

/// A node, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeJson<AccountId, BlockNumber> {
	/// The operator.
	pub operator: AccountId,
	/// The account its `infr` key signs as.
	pub key_account: AccountId,
	/// Bonded stake.
	pub stake: String,
	/// Unbonding stake in total.
	pub unbonding: String,
	/// Reputation, per billion.
	pub reputation: u32,
	/// `active`, `excluded` or `leaving`.
	pub status: &'static str,
	/// The block it (last) registered in.
	pub registered_at: BlockNumber,
	/// Tasks judged.
	pub tasks: u32,
	/// Answers that agreed with the consensus.
	pub agreed: u32,
	/// Answers that did not.
	pub disagreed: u32,
	/// Tasks missed.
	pub missed: u32,
	/// Tasks it was excused from.
	pub excused: u32,
	/// Stake slashed in total.
	pub slashed: String,
	/// Recent outcomes, oldest first.
	pub history: Vec<HistoryJson<BlockNumber>>,
}

impl<AccountId, Balance, BlockNumber> From<NodeDetails<AccountId, Balance, BlockNumber>>
	for NodeJson<AccountId, BlockNumber>
where
	Balance: ToString + Copy + std::iter::Sum,
{
	fn from(n: NodeDetails<AccountId, Balance, BlockNumber>) -> Self {
		NodeJson {
			operator: n.operator,
			key_account: n.key_account,
			stake: n.stake.to_string(),
			unbonding: n.unbonding.iter().map(|c| c.amount).sum::<Balance>().to_string(),
			reputation: n.reputation.deconstruct(),
			status: match n.status {
				NodeStatus::Active => "active",
				NodeStatus::Excluded => "excluded",
				NodeStatus::Leaving => "leaving",
			},
			registered_at: n.registered_at,
			tasks: n.stats.tasks,
			agreed: n.stats.agreed,
			disagreed: n.stats.disagreed,
			missed: n.stats.missed,
			excused: n.stats.excused,
			slashed: n.stats.slashed.to_string(),
			history: n
				.history
				.into_iter()
				.map(|h| HistoryJson {
					task: match h.work {
						Work::Task(task) => Some(task),
						Work::Round(_) | Work::Session(_) => None,
					},
					round: match h.work {
						Work::Round(round) => Some(round),
						Work::Task(_) | Work::Session(_) => None,
					},
					outcome: match h.outcome {
						MemberOutcome::Agreed => "agreed",
						MemberOutcome::Disagreed => "disagreed",
						MemberOutcome::Inconclusive => "inconclusive",
						MemberOutcome::Missed => "missed",
						MemberOutcome::Excused => "excused",
						MemberOutcome::Silent => "silent",
					},
					at: h.at,
				})
				.collect(),
		}
	}
}

/// The `inference_*` methods.
#[rpc(server)]
pub trait InferenceApi<BlockHash, AccountId, BlockNumber> {
	/// Task `id` at block `at` (best block if omitted), or `null`.
	#[method(name = "inference_task")]
	fn task(
		&self,
		id: TaskId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<TaskJson<AccountId, BlockNumber>>>;

	/// The task of proposal `proposal`, or `null`.
	#[method(name = "inference_proposalTask")]
	fn proposal_task(
		&self,
		proposal: ProposalId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<TaskJson<AccountId, BlockNumber>>>;

	/// The node `operator` runs, or `null`.
	#[method(name = "inference_node")]
	fn node(
		&self,
		operator: AccountId,
		at: Option<BlockHash>,
	) -> RpcResult<Option<NodeJson<AccountId, BlockNumber>>>;

	/// Up to `limit` (default and at most 100) nodes by reputation, then stake.
	#[method(name = "inference_leaderboard")]
	fn leaderboard(
		&self,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<NodeJson<AccountId, BlockNumber>>>;

	/// Up to `limit` (default and at most 20) proposals analysed before proposal `id` that are
	/// most similar to it, most similar first; empty if `id` has no agreed analysis.
	#[method(name = "proposals_similar")]
	fn similar(
		&self,
		id: ProposalId,
		limit: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<SimilarJson>>;
}

/// The agreed brief of a proposal at a block, for `proposals_get`: its task's, read through
/// the inference runtime API, decoded against `bodies`; `None` while the task is open or if the
/// committee agreed on nothing.
pub fn briefs<C, Block, AccountId, Balance, BlockNumber>(
	client: Arc<C>,
	bodies: Option<Bodies>,
) -> Briefs<Block::Hash>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + Send + Sync + 'static,
	C::Api: InferenceRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec,
	Balance: Codec,
	BlockNumber: Codec,
{
	Arc::new(move |at, proposal| {
		let api = client.runtime_api();
		let Some(task) = api.task_of_proposal(at, proposal).map_err(runtime_error)? else {
			return Ok(None);
		};
		let Some(TaskDetails { status: TaskStatus::Judged(result), .. }) =
			api.task(at, task).map_err(runtime_error)?
		else {
			return Ok(None);
		};
		Ok(match result.outcome {
			Outcome::Consensus { brief, .. } => {
				Some(BriefJson::of_body(&brief, &result.content_hash, bodies.as_ref()))
			},
			Outcome::NoConsensus | Outcome::Inconclusive => None,
		})
	})
}

/// Serves the `inference_*` methods from a client's runtime API.
pub struct Inference<C, Block, Balance> {
	client: Arc<C>,
	bodies: Option<Bodies>,
	_marker: PhantomData<(Block, Balance)>,
}

impl<C, Block, Balance> Inference<C, Block, Balance> {
	/// Serves from `client`, reading bodies from `bodies` (if any) to decode briefs.
	pub fn new(client: Arc<C>, bodies: Option<Bodies>) -> Self {
		Self { client, bodies, _marker: PhantomData }
	}
}

impl<C, Block, AccountId, Balance, BlockNumber>
	InferenceApiServer<<Block as BlockT>::Hash, AccountId, BlockNumber>
	for Inference<C, Block, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: InferenceRuntimeApi<Block, AccountId, Balance, BlockNumber>,
	AccountId: Codec + Clone + Send + Sync + Serialize + for<'de> serde::Deserialize<'de> + 'static,
	Balance: Codec + ToString + Copy + std::iter::Sum + Send + Sync + 'static,
	BlockNumber: Codec + Send + Sync + Serialize + 'static,
{
	fn task(
		&self,
		id: TaskId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<TaskJson<AccountId, BlockNumber>>> {
		let at = block_or_best(&*self.client, at);
		let task = self.client.runtime_api().task(at, id).map_err(runtime_error)?;
		Ok(task.map(|t| TaskJson::new(t, self.bodies.as_ref())))
	}

	fn proposal_task(
		&self,
		proposal: ProposalId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<TaskJson<AccountId, BlockNumber>>> {
		let at = block_or_best(&*self.client, at);
		let api = self.client.runtime_api();
		let Some(id) = api.task_of_proposal(at, proposal).map_err(runtime_error)? else {
			return Ok(None);
		};
		Ok(api.task(at, id).map_err(runtime_error)?.map(|t| TaskJson::new(t, self.bodies.as_ref())))
	}

	fn node(
		&self,
		operator: AccountId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<NodeJson<AccountId, BlockNumber>>> {
		let at = block_or_best(&*self.client, at);
		let node = self.client.runtime_api().node(at, operator).map_err(runtime_error)?;
		Ok(node.map(Into::into))
	}

	fn leaderboard(
		&self,
		limit: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<Vec<NodeJson<AccountId, BlockNumber>>> {
		let limit = page_limit(limit, MAX_LEADERBOARD)?;
		let at = block_or_best(&*self.client, at);
		let nodes = self.client.runtime_api().leaderboard(at, limit).map_err(runtime_error)?;
		Ok(nodes.into_iter().map(Into::into).collect())
	}

	fn similar(
		&self,
		id: ProposalId,
		limit: Option<u32>,
		at: Option<Block::Hash>,
	) -> RpcResult<Vec<SimilarJson>> {
		let limit = page_limit(limit, MAX_SIMILAR)?;
		let at = block_or_best(&*self.client, at);
		let similar = self.client.runtime_api().similar(at, id, limit).map_err(runtime_error)?;
		Ok(similar
			.into_iter()
			.map(|(proposal, similarity)| SimilarJson { proposal, similarity })
			.collect())
	}
}
