//! # The inference offchain worker
//!
//! Runs in every node after each imported block (never in block execution). For each open task
//! in which one of the node's local `infr` keys serves a committee member, it:
//!
//! 1. reads the proposal body from the offchain index (the proposals pallet put it there under
//!    [`offchain_body_key`]), runs the task's model on it through the node's native engine
//!    ([`inference::classify`], a host function the node provides to offchain workers only),
//!    computes the proposal's brief from its title and body ([`inference::brief`]), draws
//!    a salt, **keeps answer and salt in the node's persistent offchain storage**, and submits a
//!    signed [`Call::commit`];
//! 2. once the reveal window opens, submits [`Call::reveal`] with the kept answer and salt.
//!
//! A member whose node has no body for the task (a warp-synced or restored database lacks the
//! bodies of proposals submitted before it caught up) waits for it until the last block a commit
//! can land in, then sends [`Call::excuse`] instead of falling silent: its seat is excused, not
//! slashed.
//!
//! It is idempotent across blocks and restarts: the chain's `Commitments`, `Reveals` and
//! `Excuses` say what is done, the kept answer is never recomputed once committed (a new salt
//! would not match the commitment), and a transaction sent is not sent again for
//! [`Config::ResendAfter`] blocks. A node
//! without a registered key, or without the task's model, does nothing and logs why.
//!
//! Every step is taken from the block after the one that made it possible (a commit from the
//! block after the task opened, an early reveal from the block after the last commit landed),
//! so that no peer still on the parent of that block drops the transaction; transactions die
//! [`LIFETIME`](daollm_primitives::offchain::LIFETIME) blocks after they are signed; and several transactions from one key in one block
//! (this worker's and the training worker's) get consecutive nonces: see
//! [`daollm_primitives::offchain`].

use crate::{Call, Commitments, Config, Excuses, Pallet, Reveals, TaskId, TaskOf, Tasks};
use alloc::vec::Vec;
use codec::Encode;
use daollm_inference_interface::{inference, InferenceError};
use daollm_primitives::{
	content::offchain_body_key,
	inference::{commitment, InferenceResult},
	offchain::{claim, may_send, possible_before, submit_logged, Kept, Step},
	traits::{ComputeNodes, ProposalTitle},
};
use frame_support::traits::Get;
use frame_system::{
	offchain::{Account, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{
	offchain::storage::{StorageRetrievalError, StorageValueRef},
	traits::{One, Saturating},
};

const LOG_TARGET: &str = "runtime::inference::ocw";

/// The offchain storage prefix of this worker's records.
const STORE_PREFIX: &[u8] = b"daollm/inference-ocw/";

/// What the worker keeps about one member's work on one task: the model's answer, the
/// commitment's salt, and when each step was last sent.
pub type Answer<BlockNumber> = Kept<InferenceResult, BlockNumber>;

/// Where the worker keeps `node`'s answer to `task`.
pub fn answer_key<AccountId: Encode>(task: TaskId, node: &AccountId) -> Vec<u8> {
	[STORE_PREFIX, b"answer/", &(task, node).encode()[..]].concat()
}

/// Where the worker keeps the first block it saw `task`'s reveals open early (every member
/// committed) in.
fn reveals_open_key<AccountId: Encode>(task: TaskId, node: &AccountId) -> Vec<u8> {
	[STORE_PREFIX, b"reveals-open/", &(task, node).encode()[..]].concat()
}

/// Where the worker keeps when it last sent `node`'s excuse for `task`.
pub fn excuse_key<AccountId: Encode>(task: TaskId, node: &AccountId) -> Vec<u8> {
	[STORE_PREFIX, b"excuse/", &(task, node).encode()[..]].concat()
}

/// Why the worker cannot answer a task.
enum Unanswerable {
	/// The proposal body is not in this node's offchain index: the seat is excused.
	NoInput,
	/// Anything else (no engine, no model file, a model failure): logged, nothing sent.
	Other,
}

impl<T: Config> Pallet<T> {
	/// The offchain worker's entry point: serve every open task a local key is a member of.
	pub(crate) fn run_offchain_worker(now: BlockNumberFor<T>) {
		let tasks = Tasks::<T>::count();
		if tasks == 0 {
			return;
		}
		let members: Vec<(Account<T>, T::AccountId)> =
			Signer::<T, T::AuthorityId>::keystore_accounts()
				.filter_map(|account| {
					T::Nodes::node_of_key(&account.id).map(|node| (account, node))
				})
				.collect();
		if members.is_empty() {
			// Debug, not info: most full nodes are no inference node, and every block would say so.
			log::debug!(
				target: LOG_TARGET,
				"{tasks} open task(s), but no local `infr` key belongs to a registered node \
				 (`key insert --key-type infr`, then `computeNodes.registerNode`)"
			);
			return;
		}
		for (task_id, task) in Tasks::<T>::iter() {
			for (account, node) in &members {
				if task.member(node).is_some() {
					Self::serve(now, task_id, &task, account, node);
				}
			}
		}
	}

	/// Takes the next step, if any, for `node`'s seat in `task`.
	fn serve(
		now: BlockNumberFor<T>,
		task_id: TaskId,
		task: &TaskOf<T>,
		account: &Account<T>,
		node: &T::AccountId,
	) {
		// A transaction sent now lands in the next block at the earliest. And it is sent from
		// the block after the one that made it valid: peers that have not imported that block
		// yet would drop it (rule 1 of `daollm_primitives::offchain`).
		let lands = now.saturating_add(One::one());
		let step = if Reveals::<T>::contains_key(task_id, node)
			|| Excuses::<T>::contains_key(task_id, node)
		{
			return;
		} else if Commitments::<T>::contains_key(task_id, node) {
			// Reveals open after the commit window, or once every member has committed.
			let open = now > task.commit_end
				|| (task.all_committed() && possible_before(&reveals_open_key(task_id, node), now));
			if lands > task.reveal_end || !open {
				return;
			}
			Step::Reveal
		} else if lands <= task.commit_end && now > task.opened_at {
			Step::Commit
		} else {
			return;
		};

		let store_key = answer_key(task_id, node);
		let store = StorageValueRef::persistent(&store_key);
		let kept = match store.get::<Answer<BlockNumberFor<T>>>() {
			Ok(kept) => kept,
			Err(StorageRetrievalError::Undecodable) => {
				log::error!(target: LOG_TARGET, "task {task_id}: undecodable kept answer");
				return;
			},
		};
		let resend_after = T::ResendAfter::get();
		let answer = match (step, kept.clone()) {
			(_, Some(answer)) if !answer.may_send(step, now, resend_after) => return,
			(Step::Commit, Some(answer)) => answer,
			(Step::Commit, None) => match Self::analyse(task_id, task) {
				Ok(result) => Answer::new(result, sp_io::offchain::random_seed()),
				// The body may still arrive (a block imported late): wait for the last block a
				// commit can land in, then excuse the seat rather than fall silent.
				Err(Unanswerable::NoInput) if lands < task.commit_end => return,
				Err(Unanswerable::NoInput) => {
					return Self::send_excuse(now, task_id, account, node)
				},
				Err(Unanswerable::Other) => return,
			},
			(Step::Reveal, None) => {
				log::error!(
					target: LOG_TARGET,
					"task {task_id}: committed, but this node's offchain storage lost the answer \
					 and salt; the reveal cannot be made"
				);
				return;
			},
			(Step::Reveal, Some(answer)) => answer,
		}
		.sent(step, now);
		let call = match step {
			Step::Commit => Call::commit {
				task: task_id,
				commitment: commitment(&answer.answer, &answer.salt, node),
			},
			Step::Reveal => {
				Call::reveal { task: task_id, result: answer.answer.clone(), salt: answer.salt }
			},
		};
		// Keep the answer before anything is sent, atomically: a worker for another block that
		// raced this one to the same step leaves it to the first.
		if !claim(&store, &kept, &answer) {
			log::debug!(target: LOG_TARGET, "task {task_id}: another worker took this step");
			return;
		}
		Self::send(now, account, call);
	}

	/// Sends `node`'s excuse for `task`, unless one was sent less than
	/// [`Config::ResendAfter`] blocks ago.
	fn send_excuse(
		now: BlockNumberFor<T>,
		task_id: TaskId,
		account: &Account<T>,
		node: &T::AccountId,
	) {
		let key = excuse_key(task_id, node);
		let store = StorageValueRef::persistent(&key);
		let claimed = store.mutate::<BlockNumberFor<T>, (), _>(|sent| match sent {
			Ok(sent) if !may_send(now, sent, T::ResendAfter::get()) => Err(()),
			_ => Ok(now),
		});
		if claimed.is_ok() {
			Self::send(now, account, Call::excuse { task: task_id });
		}
	}

	/// Runs the task's model on the proposal body; why not (logged) if this node cannot.
	fn analyse(task_id: TaskId, task: &TaskOf<T>) -> Result<InferenceResult, Unanswerable> {
		let key = offchain_body_key(&task.content_hash.0);
		let Some(body) =
			sp_io::offchain::local_storage_get(sp_core::offchain::StorageKind::PERSISTENT, &key)
		else {
			log::warn!(
				target: LOG_TARGET,
				"task {task_id}: proposal {} body not in this node's offchain index (run the node \
				 with offchain indexing, synced from before the proposal); excusing the seat",
				task.proposal
			);
			return Err(Unanswerable::NoInput);
		};
		let classification = match inference::classify(&task.model.0, &body) {
			Ok(classification) => classification,
			Err(e) => {
				let why = match e {
					InferenceError::Unavailable => {
						"this node runs no inference engine (start it with --inference-model)"
					},
					InferenceError::ModelNotFound => {
						"this node has no model file with the task's sha256 (--inference-model)"
					},
					InferenceError::EmptyInput
					| InferenceError::InputTooLarge
					| InferenceError::NotUtf8 => "the proposal body is not text the model accepts",
					InferenceError::ModelFailed => "the model failed (see the node's log)",
				};
				log::warn!(
					target: LOG_TARGET,
					"task {task_id}: not analysed: {why} ({e:?}; model sha256 {:?})",
					task.model
				);
				return Err(Unanswerable::Other);
			},
		};
		let title = T::Titles::title(task.proposal).unwrap_or_default();
		let brief = match inference::brief(&title, &body) {
			Ok(brief) => brief,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "task {task_id}: no brief: {e:?}");
				return Err(Unanswerable::Other);
			},
		};
		let labels = T::LabelCount::get() as usize;
		let result = InferenceResult {
			label: classification.label,
			scores: classification.scores.try_into().unwrap_or_default(),
			readable: classification.readable,
			model: task.model,
			brief,
		};
		if result.scores.len() != labels || !result.is_well_formed(T::LabelCount::get()) {
			log::error!(
				target: LOG_TARGET,
				"task {task_id}: the model's output does not fit the chain's {labels} labels"
			);
			return Err(Unanswerable::Other);
		}
		log::info!(
			target: LOG_TARGET,
			"task {task_id}: proposal {} analysed: label {} (scores {:?}, {} bp readable); brief: \
			 {} key sentences, {} figures, {} signature terms",
			task.proposal,
			result.label,
			result.scores.as_slice(),
			result.readable,
			result.brief.sentences.len(),
			result.brief.figures.len(),
			result.brief.signature.len()
		);
		Ok(result)
	}

	/// Signs `call` with `account`'s key and submits it to the node's transaction pool, with the
	/// next nonce this node's workers have not used
	/// ([`daollm_primitives::offchain::submit_signed`]).
	fn send(now: BlockNumberFor<T>, account: &Account<T>, call: Call<T>) {
		let (step, task) = match &call {
			Call::commit { task, .. } => ("commit", *task),
			Call::reveal { task, .. } => ("reveal", *task),
			Call::excuse { task } => ("excuse", *task),
			_ => ("call", 0),
		};
		let subject = alloc::format!("task {task}");
		submit_logged::<T, Call<T>, T::AuthorityId>(LOG_TARGET, subject, step, now, account, call);
	}
}
