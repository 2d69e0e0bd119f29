// Federated training on the real dev chain, through the real client: proposals from the
// governance-proposal dataset are submitted and annotated until their labels are verified; a
// training round over them has the dev validator's offchain worker train the shipped classifier's
// linear layer (a native host function), commit its update, aggregate, commit and reveal the new
// model's hash; the agreed model becomes version 2 of the analysis model. Its dev-set macro-F1 is
// reported next to the base model's (`daollm-node evaluate-model`); a referendum activates it, and
// the next task runs it.
//
// The dataset is `../shared/data/proposals` beside the repository (`DAOLLM_DATA` overrides it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import {
  NODE_BINARY, nextBlocks, sendAndFinalize, sendInBlock, startDevNode, waitForBlock, waitForEvent,
} from './node.mjs';
import { isEnactment, submitReferendum } from './referendum.cjs';
import { submittedProposal, taskOpened } from './tasks.cjs';

const UNIT = 10n ** 12n;
const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const SHIPPED = fileURLToPath(new URL(MANIFEST.file, MODEL_DIR));
const DATA = process.env.DAOLLM_DATA
  ?? fileURLToPath(new URL('../../../../shared/data/proposals/', import.meta.url));
/** Verified examples the round trains on: every 15th proposal of the training split. */
const EXAMPLES = 144;

const readJsonl = (file) => readFileSync(join(DATA, file), 'utf8').split('\n')
  .filter((line) => line.trim()).map((line) => JSON.parse(line));

let node;
let provider;
let api;
let alice;
let author;
let annotators;
let firstId;
let candidate;

before(async () => {
  assert.ok(existsSync(join(DATA, 'train.jsonl')),
    `the proposal dataset is not at ${DATA} (set DAOLLM_DATA)`);
  node = await startDevNode(['--inference-model', SHIPPED]);
  await cryptoWaitReady();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  // Alice runs the dev chain's only node, whose offchain worker signs with her key: the test's
  // own transactions come from other accounts, so that their nonces never race the worker's.
  alice = keyring.addFromUri('//Alice');
  author = keyring.addFromUri('//Eve');
  annotators = ['//Bob', '//Charlie', '//Dave'].map((uri) => keyring.addFromUri(uri));
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** Sends `txs` from `signer` with consecutive nonces, all at once; resolves when all are in. */
async function sendAll(txs, signer) {
  const first = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  await Promise.all(txs.map((tx, i) => new Promise((resolve, reject) => {
    tx.signAndSend(signer, { nonce: first + i }, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      else if (status.isInBlock) resolve();
    }).catch(reject);
  })));
}

test('annotators verify the labels of real proposals: the training set', async () => {
  const rows = readJsonl('train.jsonl').filter((_, i) => i % 15 === 0).slice(0, EXAMPLES);
  firstId = (await api.query.proposals.nextProposalId()).toNumber();
  await sendAll(rows.map((row, i) => api.tx.proposals.submitProposal(
    `Training example ${i}`, u8aToHex(new TextEncoder().encode(row.text)))), author);
  // Three annotators bond on each proposal's dataset label: it is provisional, and verified
  // when its challenge window (three blocks on the dev chain) closes.
  const bond = api.consts.proposals.minAnnotationBond.toBigInt();
  await Promise.all(annotators.map((annotator) => sendAll(rows.map((row, i) => api.tx.proposals
    .annotate(firstId + i, MANIFEST.labels.indexOf(row.label), bond, null)), annotator)));
  // Sixteen labels settle per block, oldest first.
  for (let blocks = 0; blocks < 30; blocks++) {
    if ((await api.query.proposals.counterForTrainingSet()).toNumber() === EXAMPLES) break;
    await nextBlocks(api);
  }
  const verified = (await api.query.proposals.counterForTrainingSet()).toNumber();
  assert.equal(verified, EXAMPLES);
});

/** Proposes `call` in a referendum on the `models` track and votes it through with `voter`'s
 * 900,000 PROPOSAL (over the dev tracks' 5% support); resolves once the scheduler has enacted it
 * (about eight blocks). */
async function referendum(call, voter) {
  const { enactment } = await submitReferendum(api, {
    call, track: 'models', signer: voter, balance: 900_000n * UNIT,
  });
  const enacted = await waitForEvent(api, (e) => isEnactment(api, e, enactment), 30);
  assert.ok(enacted.data.result.isOk, `enacted: ${enacted.data.result}`);
}

test('a training round turns the verified annotations into a candidate model', async () => {
  // The round opens when the referendum is enacted, about eight blocks from now; its trainers
  // have the rest of the 24.
  const now = (await api.query.system.number()).toNumber();
  const open = api.tx.training.openRound(0, 1,
    { Range: { from: firstId, to: firstId + EXAMPLES } }, now + 24, 1_000);
  const openedEvent = waitForEvent(api, (e) => api.events.training.RoundOpened.is(e), 20);
  await referendum(open, annotators[0]);
  const opened = await openedEvent;
  assert.equal(opened.data.examples.toNumber(), EXAMPLES);
  const round = opened.data.round.toNumber();

  // Alice's node trains, commits its update, aggregates and reveals: the round's outcome.
  const registered = await waitForEvent(api, (e) => (api.events.training.CandidateRegistered.is(e)
    || api.events.training.RoundFailed.is(e)) && e.data.round.toNumber() === round, 40);
  assert.ok(api.events.training.CandidateRegistered.is(registered),
    `the round failed: ${registered.data.toString()}\n${node.log()}`);
  candidate = {
    version: registered.data.version.toNumber(),
    sha256: registered.data.sha256.toHex(),
  };
  assert.equal(candidate.version, 2);
  assert.deepEqual(registered.data.kept.map((a) => a.toString()), [alice.address]);
  const update = (await api.query.training.updates(round, alice.address)).unwrap();
  assert.equal(update.samples.toNumber(), EXAMPLES, 'the trainer used every example');
  const version = (await api.query.modelRegistry.versions(0, 2)).unwrap();
  assert.equal(version.sha256.toHex(), candidate.sha256);
  assert.equal((await api.query.modelRegistry.models(0)).unwrap().active.unwrap().toNumber(), 1,
    'a candidate, not yet active');

  // The node kept the file it built; score it against the base on the dev split.
  const built = join(node.base, 'models', `${candidate.sha256.slice(2)}.onnx`);
  assert.ok(existsSync(built), `${built} was written`);
  const [base, trained] = execFileSync(NODE_BINARY, ['evaluate-model', '--model', SHIPPED,
    '--model', built, '--data', join(DATA, 'dev.jsonl')], { encoding: 'utf8' })
    .trim().split('\n').map((line) => JSON.parse(line));
  console.log(`dev split (${base.examples} proposals): base macro-F1 ${base.macroF1.toFixed(4)}`
    + ` accuracy ${base.accuracy.toFixed(4)}; round ${round}'s model macro-F1`
    + ` ${trained.macroF1.toFixed(4)} accuracy ${trained.accuracy.toFixed(4)}`);
  assert.equal(`0x${trained.sha256}`, candidate.sha256);
  assert.equal(base.macroF1.toFixed(4), MANIFEST.dev.macro_f1.toFixed(4), 'the manifest\'s figure');
  assert.ok(trained.macroF1 >= base.macroF1 - 0.02, 'training did not wreck the model');

  // Alice earned training points (trainer and aggregator).
  const pending = await provider.send('rewards_pending', [alice.address]);
  assert.ok(pending.epochs.some((e) => e.trainingPoints > 0), JSON.stringify(pending));
});

test('governance activates the candidate and the next task runs it', async () => {
  assert.ok(candidate, 'the round produced a candidate');
  const announced = waitForEvent(api, (e) => api.events.modelRegistry.ModelActivated.is(e)
    && e.data.version.toNumber() === candidate.version, 40);
  await referendum(api.tx.modelRegistry.activateModel(0, candidate.version), annotators[1]);
  // In force from the announced block (M-8).
  const from = (await announced).data.from.toNumber();
  await waitForBlock(api, from);
  assert.equal((await api.query.modelRegistry.models(0)).unwrap().active.unwrap().toNumber(),
    candidate.version);

  const dev = readJsonl('dev.jsonl')[0];
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal(
    'After training', u8aToHex(new TextEncoder().encode(dev.text))), author);
  const opened = (await taskOpened(api, submittedProposal(api, events))).event;
  assert.equal(opened.data.model.toHex(), candidate.sha256, 'the task runs the trained model');
  const finalized = await waitForEvent(api, (e) => api.events.inference.TaskFinalized.is(e)
    && e.data.task.eq(opened.data.task), 20);
  assert.ok(finalized.data.label.toNumber() < MANIFEST.labels.length);
});
