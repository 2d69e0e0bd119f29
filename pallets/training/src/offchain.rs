//! # The training offchain worker
//!
//! Runs in every node after each imported block. For each live round in which one of the node's
//! local `infr` keys serves:
//!
//! - a **trainer** seat, before the round's `commit_deadline`: reads the round's verified
//!   examples but the held-back ones (labels from the chain, bodies from the offchain index),
//!   trains the base model's linear layer on them with the node's engine, the round's seed and
//!   plan ([`training::train`]), keeps the update in offchain storage and submits
//!   [`Call::commit_update`] with its commitment; a node that lacks a body submits
//!   [`Call::excuse`] instead. After the commitments close, it submits [`Call::publish_update`]
//!   with the kept bytes;
//! - an **aggregator** seat, in the commit window: reads the published updates from the
//!   offchain index by their hashes (and checks the bytes against them), builds the new model
//!   ([`training::aggregate`]: an update that does not fit the layer is set aside, not kept),
//!   scores it and the base on the round's held-back examples and the base's reference examples
//!   ([`training::evaluate`]), keeps the answer (model, kept flags, contributions, evaluation)
//!   and a salt in offchain storage and submits [`Call::commit_aggregate`]; in the reveal
//!   window, submits
//!   [`Call::reveal_aggregate`] with the kept answer.
//!
//! And for each recent round whose outcome is a candidate model, a node with an engine that has
//! not built it yet builds it from the same updates, so that it can run the model once
//! governance activates it (the build is deterministic: the same file, the same sha256).
//!
//! Each step is claimed in offchain storage before it is taken, so overlapping workers do not
//! repeat it; a sent transaction is resent after [`Config::ResendAfter`]
//! blocks if it did not land ([`daollm_primitives::offchain::Kept`], shared with the inference
//! worker).
//! Each is taken from the block after the one that made it possible (the draw, the deadline, the
//! last aggregate commitment), so that no peer still on that block's parent drops the
//! transaction ([`daollm_primitives::offchain`]).

use crate::{
	update_key, AggregateAnswer, AggregateCommitments, AggregateReveals, AnswerOf, Call, Config,
	Excuses, NextRoundId, Outcome, Outcomes, Pallet, Phase, RoundId, RoundOf, Rounds, SeatStep,
	Updates,
};
use alloc::vec::Vec;
use codec::Encode;
use daollm_inference_interface::{training, BuiltModel, Example, TrainingError, TrainingPlan};
use daollm_primitives::{
	content::offchain_body_key,
	offchain::{claim, may_send, possible_before, submit_logged, Kept, Step},
	training::{aggregate_commitment, update_commitment, CandidateEvaluation, ModelUpdate},
	traits::{ComputeNodes, TrainingData},
};
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{Account, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_core::{offchain::StorageKind, H256};
use sp_runtime::{
	offchain::storage::StorageValueRef,
	traits::{One, Saturating},
};

const LOG_TARGET: &str = "runtime::training::ocw";

/// How many of the latest rounds a node checks for candidates to build.
const RECENT_ROUNDS: u32 = 4;

const STORE_PREFIX: &[u8] = b"daollm/training-ocw/";

/// What an aggregator keeps between its commit and its reveal: its answer (model, kept flags,
/// contributions, evaluation), the commitment's salt, and when each step was last sent.
pub type KeptAnswer<T> = Kept<AnswerOf<T>, BlockNumberFor<T>>;

fn store_key(kind: &[u8], what: impl Encode) -> Vec<u8> {
	[STORE_PREFIX, kind, &what.encode()[..]].concat()
}

impl<T: Config> Pallet<T> {
	/// The offchain worker's entry point.
	pub(crate) fn run_offchain_worker(now: BlockNumberFor<T>) {
		Self::build_candidates();
		let live = crate::LiveRounds::<T>::get();
		if live.is_empty() {
			return;
		}
		let seats: Vec<(Account<T>, T::AccountId)> =
			Signer::<T, T::AuthorityId>::keystore_accounts()
				.filter_map(|account| T::Nodes::node_of_key(&account.id).map(|n| (account, n)))
				.collect();
		for round in live {
			let Some(record) = Rounds::<T>::get(round) else { continue };
			for (account, node) in &seats {
				match record.phase {
					// Publishing from the block after the commitments closed, so that no peer
					// still on the last committing block drops the publication.
					Phase::Training if now > record.commit_deadline => {
						Self::publish(now, round, &record, account, node)
					},
					Phase::Training => Self::train(now, round, &record, account, node),
					Phase::Aggregating { commit_end, reveal_end } => {
						Self::aggregate(now, round, &record, account, node, commit_end, reveal_end)
					},
					Phase::Drawing | Phase::Closed => {},
				}
			}
		}
	}

	/// A trainer's first step: train, keep the update in this node's offchain storage, and
	/// commit to it, once.
	fn train(
		now: BlockNumberFor<T>,
		round: RoundId,
		record: &RoundOf<T>,
		account: &Account<T>,
		node: &T::AccountId,
	) {
		if record.trainer(node).is_none() {
			return;
		}
		if now.saturating_add(One::one()) > record.commit_deadline
			|| Updates::<T>::contains_key(round, node)
			|| Excuses::<T>::contains_key(round, (node, SeatStep::Update))
			|| !possible_before(&store_key(b"training-open/", (round, node)), now)
		{
			return;
		}
		// Training on fewer examples than the others would send an update theirs outvote: a
		// node that lacks a body says so instead.
		let (examples, missing) = Self::examples(round, record, false);
		if missing > 0 {
			log::warn!(
				target: LOG_TARGET,
				"round {round}: {missing} example bodies are not in this node's offchain index; \
				 excusing this trainer"
			);
			Self::send_excuse(now, round, account, node, SeatStep::Update);
			return;
		}
		// Claim the step for this block: training takes a while, and the next block's worker
		// must not start it again while this one runs.
		if !Self::claim_step(&store_key(b"trained/", (round, node)), now) {
			return;
		}

		let plan = TrainingPlan {
			epochs: record.plan.epochs,
			learning_rate_ppm: record.plan.learning_rate_ppm,
			seed: record.training_seed(round),
			max_value: record.plan.max_value,
			replay: record.plan.replay,
			round_weight: record.plan.round_weight,
			balance_labels: record.plan.balance_labels,
		};
		let trained = match training::train(&record.base.0, examples, plan) {
			Ok(trained) => trained,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "round {round}: not trained: {}", why(e));
				return;
			},
		};
		let Ok(update) = BoundedVec::<u8, T::MaxUpdateLen>::try_from(trained.update) else {
			log::error!(target: LOG_TARGET, "round {round}: the update exceeds MaxUpdateLen");
			return;
		};
		log::info!(
			target: LOG_TARGET,
			"round {round}: trained on {} example(s); committing to the update ({} bytes)",
			trained.samples,
			update.len()
		);
		let commitment = update_commitment(&ModelUpdate::hash_of(&update), node);
		StorageValueRef::persistent(&store_key(b"own-update/", (round, node))).set(&update);
		Self::send(
			now,
			account,
			Call::commit_update { round, commitment, samples: trained.samples },
		);
	}

	/// A trainer's second step, once the commitments closed: publish the update it committed
	/// to, from this node's offchain storage (again after `ResendAfter` blocks if it has not
	/// landed).
	fn publish(
		now: BlockNumberFor<T>,
		round: RoundId,
		record: &RoundOf<T>,
		account: &Account<T>,
		node: &T::AccountId,
	) {
		let Some(committed) = Updates::<T>::get(round, node) else { return };
		if committed.hash.is_some() || now.saturating_add(One::one()) > record.deadline {
			return;
		}
		let kept_key = store_key(b"own-update/", (round, node));
		let kept = StorageValueRef::persistent(&kept_key);
		let Ok(Some(bytes)) = kept.get::<Vec<u8>>() else {
			log::error!(
				target: LOG_TARGET,
				"round {round}: committed, but this node's offchain storage lost the update"
			);
			return;
		};
		if update_commitment(&ModelUpdate::hash_of(&bytes), node) != committed.commitment {
			log::error!(
				target: LOG_TARGET,
				"round {round}: the kept update does not match the commitment on chain"
			);
			return;
		}
		let Ok(update) = BoundedVec::<u8, T::MaxUpdateLen>::try_from(bytes) else { return };
		if Self::claim_step(&store_key(b"published/", (round, node)), now) {
			Self::send(now, account, Call::publish_update { round, update });
		}
	}

	/// Round `round`'s verified examples whose bodies this node has: those its trainers train on,
	/// or with `held_back` those held back to validate the candidate on; and how many bodies it
	/// lacks.
	fn examples(round: RoundId, record: &RoundOf<T>, held_back: bool) -> (Vec<Example>, u32) {
		let mut examples = Vec::new();
		let mut missing = 0u32;
		for (&proposal, held) in record.examples.iter().zip(record.held_back(round)) {
			if held != held_back {
				continue;
			}
			let Some(example) = T::TrainingData::example(proposal) else {
				continue;
			};
			let body_key = offchain_body_key(&example.content_hash.0);
			let label = example.label;
			match sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, &body_key) {
				Some(text) => {
					examples.push(Example { label, text, error_report: example.error_report })
				},
				None => {
					missing.saturating_inc();
					log::warn!(
						target: LOG_TARGET,
						"round {round}: proposal {proposal}'s body is not in this node's offchain \
						 index"
					)
				},
			}
		}
		(examples, missing)
	}

	/// Whether this node has every input of `round`'s aggregation: each committed update's
	/// bytes, and each held-back example's body.
	fn has_aggregation_inputs(round: RoundId, record: &RoundOf<T>) -> bool {
		let updates = Self::published_updates(round, record).into_iter().all(|(_, hash, _)| {
			sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, &update_key(&hash))
				.is_some()
		});
		updates && Self::examples(round, record, true).1 == 0
	}

	/// Claims the step kept under `key` for block `now`: whether it was never taken, or taken
	/// `ResendAfter` blocks ago or more (its transaction did not land). Overlapping workers
	/// never both take it.
	fn claim_step(key: &[u8], now: BlockNumberFor<T>) -> bool {
		StorageValueRef::persistent(key)
			.mutate::<BlockNumberFor<T>, (), _>(|sent| match sent {
				Ok(sent) if !may_send(now, sent, T::ResendAfter::get()) => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}

	/// Sends an excuse from `step` of `round`, once (again after `ResendAfter` blocks if it has
	/// not landed).
	fn send_excuse(
		now: BlockNumberFor<T>,
		round: RoundId,
		account: &Account<T>,
		node: &T::AccountId,
		step: SeatStep,
	) {
		if Self::claim_step(&store_key(b"excused/", (round, node, step)), now) {
			Self::send(now, account, Call::excuse { round });
		}
	}

	/// An aggregator's steps: build, evaluate and commit, then reveal.
	#[allow(clippy::too_many_arguments)]
	fn aggregate(
		now: BlockNumberFor<T>,
		round: RoundId,
		record: &RoundOf<T>,
		account: &Account<T>,
		node: &T::AccountId,
		commit_end: BlockNumberFor<T>,
		reveal_end: BlockNumberFor<T>,
	) {
		if record.aggregator(node).is_none()
			|| AggregateReveals::<T>::contains_key(round, node)
			|| Excuses::<T>::contains_key(round, (node, SeatStep::Aggregate))
		{
			return;
		}
		let lands = now.saturating_add(One::one());
		let step = if !AggregateCommitments::<T>::contains_key(round, node) {
			if lands > commit_end
				|| !possible_before(&store_key(b"aggregating/", (round, node)), now)
			{
				return;
			}
			Step::Commit
		} else {
			// Reveals open after the commit window, or once every aggregator has committed.
			let all_committed = record.commits as usize == record.aggregators.len();
			let open = now > commit_end
				|| (all_committed
					&& possible_before(&store_key(b"reveals-open/", (round, node)), now));
			if lands > reveal_end || !open {
				return;
			}
			Step::Reveal
		};
		let key = store_key(b"answer/", (round, node));
		let store = StorageValueRef::persistent(&key);
		let Ok(kept) = store.get::<KeptAnswer<T>>() else {
			log::error!(target: LOG_TARGET, "round {round}: undecodable kept answer");
			return;
		};
		let resend_after = T::ResendAfter::get();
		let answer = match (step, kept.clone()) {
			(_, Some(answer)) if !answer.may_send(step, now, resend_after) => return,
			(Step::Commit, Some(answer)) => answer,
			(Step::Commit, None) => {
				if !Self::has_aggregation_inputs(round, record) {
					log::warn!(
						target: LOG_TARGET,
						"round {round}: this node lacks an update or a held-back body; excusing \
						 this aggregator"
					);
					Self::send_excuse(now, round, account, node, SeatStep::Aggregate);
					return;
				}
				let Some(built) = Self::build(round, record) else { return };
				let Some(evaluation) = Self::evaluate(round, record, &built) else { return };
				let answer = AggregateAnswer {
					model: H256(built.sha256),
					kept: BoundedVec::truncate_from(built.kept),
					contributions: BoundedVec::truncate_from(built.contributions),
					evaluation,
				};
				Kept::new(answer, sp_io::offchain::random_seed())
			},
			(Step::Reveal, None) => {
				log::error!(
					target: LOG_TARGET,
					"round {round}: committed, but this node's offchain storage lost the answer"
				);
				return;
			},
			(Step::Reveal, Some(answer)) => answer,
		}
		.sent(step, now);
		let Kept {
			answer: AggregateAnswer { model, kept: flags, contributions, evaluation },
			salt,
			..
		} = answer.clone();
		let call = match step {
			Step::Commit => Call::commit_aggregate {
				round,
				commitment: aggregate_commitment(
					&model,
					&flags,
					&contributions,
					&evaluation,
					&salt,
					node,
				),
			},
			Step::Reveal => Call::reveal_aggregate {
				round,
				model,
				kept: flags,
				contributions,
				evaluation,
				salt,
			},
		};
		if claim(&store, &kept, &answer) {
			Self::send(now, account, call);
		}
	}

	/// Builds `round`'s model from its committed updates: its sha256, the kept flags and the
	/// contributions.
	pub(crate) fn build(round: RoundId, record: &RoundOf<T>) -> Option<BuiltModel> {
		let mut updates = Vec::new();
		for (_, hash, samples) in Self::published_updates(round, record) {
			let key = update_key(&hash);
			match sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, &key) {
				Some(bytes) if ModelUpdate::hash_of(&bytes) == hash => {
					updates.push((samples, bytes))
				},
				Some(_) => {
					// A damaged database: building without it would give another model than the
					// other aggregators', so this node does not answer.
					log::error!(
						target: LOG_TARGET,
						"round {round}: the offchain index holds bytes for update {:?} that do not \
						 hash to it; not aggregating",
						hash
					);
					return None;
				},
				None => {
					log::warn!(
						target: LOG_TARGET,
						"round {round}: an update is not in this node's offchain index (run the \
						 node with offchain indexing, synced from before the round)"
					);
					return None;
				},
			}
		}
		let drawn = record.trainers.len() as u32;
		match training::aggregate(&record.base.0, record.plan.rule, drawn, updates) {
			Ok(built) => {
				log::info!(
					target: LOG_TARGET,
					"round {round}: built model {:?} ({} of {} updates kept)",
					H256(built.sha256),
					built.kept.iter().filter(|k| **k).count(),
					built.kept.len()
				);
				Some(built)
			},
			Err(e) => {
				log::warn!(target: LOG_TARGET, "round {round}: not aggregated: {}", why(e));
				None
			},
		}
	}

	/// Scores the model `built` from `round`'s updates and the round's base on the examples the
	/// round held back and on the base's reference examples.
	fn evaluate(
		round: RoundId,
		record: &RoundOf<T>,
		built: &BuiltModel,
	) -> Option<CandidateEvaluation> {
		let (validation, _) = Self::examples(round, record, true);
		match training::evaluate(&record.base.0, &built.sha256, validation) {
			Ok(evaluation) => {
				log::info!(
					target: LOG_TARGET,
					"round {round}: held back {}/{} right (base {}), reference {}/{} (base {})",
					evaluation.validation.candidate,
					evaluation.validation.examples,
					evaluation.validation.base,
					evaluation.reference.candidate,
					evaluation.reference.examples,
					evaluation.reference.base,
				);
				Some(evaluation)
			},
			Err(e) => {
				log::warn!(target: LOG_TARGET, "round {round}: not evaluated: {}", why(e));
				None
			},
		}
	}

	/// Builds the candidates of recent rounds this node has not built, so it can run them.
	fn build_candidates() {
		let next = NextRoundId::<T>::get();
		for round in next.saturating_sub(RECENT_ROUNDS)..next {
			let Some(Outcome::Candidate { sha256, .. }) = Outcomes::<T>::get(round) else {
				continue;
			};
			let key = store_key(b"built/", round);
			let store = StorageValueRef::persistent(&key);
			if store.get::<H256>().ok().flatten().is_some() {
				continue;
			}
			let Some(record) = Rounds::<T>::get(round) else { continue };
			// Claim it; whatever happens, it is tried once.
			store.set(&sha256);
			match Self::build(round, &record).map(|built| H256(built.sha256)) {
				Some(built) if built == sha256 => log::info!(
					target: LOG_TARGET,
					"round {round}: candidate {sha256:?} built; this node can run it"
				),
				Some(built) => log::error!(
					target: LOG_TARGET,
					"round {round}: this node built {built:?}, not the agreed {sha256:?}"
				),
				None => {},
			}
		}
	}

	/// Signs `call` with `account`'s key and submits it to the transaction pool, with the next
	/// nonce this node's workers have not used.
	fn send(now: BlockNumberFor<T>, account: &Account<T>, call: Call<T>) {
		let (step, round) = match &call {
			Call::commit_update { round, .. } => ("update commitment", *round),
			Call::publish_update { round, .. } => ("update", *round),
			Call::commit_aggregate { round, .. } => ("aggregate commitment", *round),
			Call::reveal_aggregate { round, .. } => ("aggregate reveal", *round),
			Call::excuse { round } => ("excuse", *round),
			_ => ("call", 0),
		};
		let subject = alloc::format!("round {round}");
		submit_logged::<T, Call<T>, T::AuthorityId>(LOG_TARGET, subject, step, now, account, call);
	}
}

/// Why the engine could not do a step, for the log.
fn why(e: TrainingError) -> &'static str {
	match e {
		TrainingError::Unavailable => "this node runs no engine (start it with --inference-model)",
		TrainingError::ModelNotFound => "this node has no model file with the base model's sha256",
		TrainingError::NotTrainable => "the base model has no trainable linear layer",
		TrainingError::NoExamples => "none of the round's examples could be read",
		TrainingError::BadUpdate => "an update is malformed",
		TrainingError::Aggregation(_) => "the updates could not be aggregated",
		TrainingError::Failed => "the engine failed (see the node's log)",
	}
}
