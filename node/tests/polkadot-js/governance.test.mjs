// Model governance and rewards on the real node, through the real client: two referenda on the
// OpenGov `models` track (preimage noted, submitted, decision deposit placed, a conviction vote)
// register a new version of the analysis model and activate it; the scheduler enacts both; the
// next inference task runs the new version (its file is a different ONNX file, so a different
// sha256, which the node holds and verifies); the agreeing node's reward points show in
// the `Rewards.pending` view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sendAndFinalize, sendInBlock, startDevNode, view, waitForBlock, waitForEvent } from './node.mjs';
import { backReferendum, isEnactment, submitReferendum } from './referendum.cjs';
import { submittedProposal, taskOpened } from './tasks.cjs';

const UNIT = 10n ** 12n;
const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
const SHIPPED = readFileSync(new URL(MANIFEST.file, MODEL_DIR));
// Version 2: the shipped graph with ONNX `model_version` set to 2 (protobuf field 5, a varint,
// appended; the last value of a field wins). Same weights and answers, a different file.
const V2 = Buffer.concat([SHIPPED, Buffer.from([0x28, 0x02])]);
const V2_HASH = `0x${createHash('sha256').update(V2).digest('hex')}`;

let dir;
let node;
let api;
let alice;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daollm-models-'));
  const v2Path = join(dir, 'proposal-classifier-v2.onnx');
  writeFileSync(v2Path, V2);
  node = await startDevNode([
    '--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname,
    '--inference-model', v2Path,
  ]);
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the shipped classifier is the analysis model\'s active version from genesis', async () => {
  const model = (await api.query.modelRegistry.models(0)).unwrap();
  assert.equal(model.name.toUtf8(), 'proposal-classifier');
  assert.equal(model.active.unwrap().toNumber(), 1);
  const v1 = (await api.query.modelRegistry.versions(0, 1)).unwrap();
  assert.equal(v1.sha256.toHex(), `0x${MANIFEST.sha256}`);
  assert.deepEqual(v1.labels.map((l) => l.toUtf8()), MANIFEST.labels);
});

test('the chain has the OpenGov pallets polkadot.js apps and Polkassembly read, under their usual names', async () => {
  for (const pallet of ['referenda', 'convictionVoting', 'scheduler', 'preimage', 'technicalCommittee', 'whitelist']) {
    assert.ok(api.query[pallet], `${pallet} is in the metadata`);
  }
  const tracks = api.consts.referenda.tracks.map(([id, info]) =>
    [id.toNumber(), Buffer.from(info.name.toU8a(true)).toString('utf8').replace(/\0+$/, '')]);
  assert.deepEqual(tracks, [[0, 'root'], [1, 'whitelisted_caller'], [2, 'models'], [3, 'parameters'], [4, 'spam']]);
  const members = (await api.query.technicalCommittee.members()).map((m) => m.toString()).sort();
  const keyring = new Keyring({ type: 'sr25519' });
  assert.deepEqual(members, ['//Alice', '//Bob', '//Charlie'].map((u) => keyring.addFromUri(u).address).sort());
});

test('a models-track referendum activates a new model version, records it, and the next task runs it', async () => {
  const register = api.tx.modelRegistry.registerModel('proposal-classifier', V2_HASH,
    'repo:proposal-classifier-v2.onnx', MANIFEST.labels, { NormalisedText: { maxChars: 8000 } },
    MANIFEST.layer.features);
  // Alice votes 900,000 PROPOSAL with 1× conviction: about 7% of the issuance, over the dev
  // tracks' 5% support.
  const amount = 900_000n * UNIT;
  const started = Date.now();
  const first = await submitReferendum(api, { call: register, track: 'models', signer: alice, balance: amount });
  const locks = await api.query.balances.locks(alice.address);
  assert.ok(locks.some((l) => l.id.toUtf8() === 'pyconvot' && l.amount.toBigInt() === amount),
    'the voted amount is locked by conviction voting');
  const registered = await waitForEvent(api, (e) => isEnactment(api, e, first.enactment), 30);
  assert.ok(registered.data.result.isOk, `registration enacted: ${registered.data.result}`);

  // Once version 2 is registered (voters read it before they vote), the registry opens the
  // referendum that activates it (its call names the referendum itself), and remembers it.
  const second = await backReferendum(api, {
    opening: [api.tx.modelRegistry.proposeActivation(0, 2)], signer: alice, balance: amount });
  assert.deepEqual((await api.query.modelRegistry.activationReferenda(second.index)).unwrap().map((i) => i.toNumber()),
    [0, 2]);
  // Announced: tasks run version 2 from `from`, two blocks later on the dev chain, so that
  // nodes have time to install the file.
  const announced = waitForEvent(api, (e) => api.events.modelRegistry.ModelActivated.is(e)
    && e.data.version.toNumber() === 2, 30);
  const enacted = await waitForEvent(api, (e) => isEnactment(api, e, second.enactment), 30);
  assert.ok(enacted.data.result.isOk, `activation enacted: ${enacted.data.result}`);
  console.log(`two models-track referenda enacted ${((Date.now() - started) / 1000).toFixed(1)} s after the first submission`);
  const activation = (await announced).data;
  assert.equal(activation.referendum.unwrap().toNumber(), second.index, 'the event names the referendum');
  assert.equal((await api.query.modelRegistry.activatedBy(0, 2)).unwrap().toNumber(), second.index,
    'the version records the referendum that activated it');
  const from = activation.from.toNumber();
  await waitForBlock(api, from);
  const model = (await api.query.modelRegistry.models(0)).unwrap();
  assert.equal(model.active.unwrap().toNumber(), 2, 'version 2 is active');
  for (const { index } of [first, second]) {
    const info = (await api.query.referenda.referendumInfoFor(index)).unwrap();
    assert.ok(info.isApproved, `referendum ${index} approved`);
  }
  // Decided referenda give their deposits back.
  await sendInBlock(api, api.tx.referenda.refundDecisionDeposit(first.index), alice);
  await sendInBlock(api, api.tx.referenda.refundSubmissionDeposit(first.index), alice);

  // The next proposal is analysed with version 2, by the node's offchain worker.
  const label = MANIFEST.labels.indexOf('parameter-change');
  const example = FIXTURES.dev.find((f) => f.label === label);
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal(
    'Change a parameter', u8aToHex(new TextEncoder().encode(example.text))), alice);
  const opened = await taskOpened(api, submittedProposal(api, events));
  assert.equal(opened.event.data.model.toHex(), V2_HASH, 'the task records version 2');
  const finalized = await waitForEvent(api, (e) => api.events.inference.TaskFinalized.is(e)
    && e.data.task.eq(opened.event.data.task), 20);
  assert.equal(finalized.data.label.toNumber(), label);
  assert.deepEqual(finalized.data.scores.map((s) => s.toNumber()), example.scores);

  // Alice's agreeing answer earned inference points in the running epoch.
  const pending = await view(api, 'Rewards', 'pending', [alice.address]);
  assert.equal(pending.currentEpoch, 0);
  assert.equal(BigInt(pending.claimable), 0n);
  assert.deepEqual(pending.epochs.map((e) => [e.epoch, e.points.inference > 0, e.amount]),
    [[0, true, null]]);
});
