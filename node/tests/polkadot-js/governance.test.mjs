// Model governance and rewards on the real node, through the real client: a token-holder
// referendum registers a new version of the analysis model and a second one activates it; both
// pass with a frozen, conviction-weighted vote, wait out the timelock and are enacted; the next
// inference task runs the new version (its file is a different ONNX file, so a different sha256,
// which the node holds and verifies); the agreeing node's reward points show in `rewards_pending`.
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
import { sendAndFinalize, sendInBlock, startDevNode, waitForBlock, waitForEvent } from './node.mjs';

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
let provider;
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
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const index = (events) => events.find(({ event }) => api.events.modelGovernance.Submitted.is(event))
  .event.data.index.toNumber();

test('the shipped classifier is the analysis model\'s active version from genesis', async () => {
  const model = (await api.query.modelGovernance.models(0)).unwrap();
  assert.equal(model.name.toUtf8(), 'proposal-classifier');
  assert.equal(model.active.unwrap().toNumber(), 1);
  const v1 = (await api.query.modelGovernance.versions(0, 1)).unwrap();
  assert.equal(v1.sha256.toHex(), `0x${MANIFEST.sha256}`);
  assert.deepEqual(v1.labels.map((l) => l.toUtf8()), MANIFEST.labels);
});

test('a referendum activates a new model version and the next task runs it', async () => {
  const deposit = 10n * UNIT;
  const register = api.tx.modelGovernance.registerModel('proposal-classifier', V2_HASH,
    'repo:proposal-classifier-v2.onnx', MANIFEST.labels, { NormalisedText: { maxChars: 8000 } });
  const activate = api.tx.modelGovernance.activateModel(0, 2);
  const first = index(await sendInBlock(api, api.tx.modelGovernance.propose(register, deposit), alice));
  const second = index(await sendInBlock(api, api.tx.modelGovernance.propose(activate, deposit), alice));
  // Alice votes 900,000 PROPOSAL with 1× conviction: about 7% of the issuance, over the dev
  // chain's 5% quorum.
  const amount = 900_000n * UNIT;
  for (const ref of [first, second]) {
    await sendInBlock(api, api.tx.modelGovernance.vote(ref, true, amount, 'Locked1x'), alice);
  }
  const freezes = await api.query.balances.freezes(alice.address);
  assert.ok(freezes.some((f) => f.id.toString().includes('Vote') && f.amount.toBigInt() === amount),
    'the voted amount is frozen');
  await assert.rejects(sendInBlock(api, api.tx.modelGovernance.unlock(), alice),
    /modelGovernance\.NothingToUnlock/, 'votes stay frozen while their lock runs');

  // Ten blocks of voting, two of timelock; the activation is enacted last, and announced (M-8):
  // tasks run version 2 from `from`, two blocks later on the dev chain, so that nodes have time
  // to install the file.
  const announced = waitForEvent(api, (e) => api.events.modelGovernance.ModelActivated.is(e)
    && e.data.version.toNumber() === 2, 20);
  const enacted = await waitForEvent(api, (e) => api.events.modelGovernance.Enacted.is(e)
    && e.data.index.toNumber() === second, 20);
  assert.ok(enacted);
  const from = (await announced).data.from.toNumber();
  await waitForBlock(api, from);
  const model = (await api.query.modelGovernance.models(0)).unwrap();
  assert.equal(model.active.unwrap().toNumber(), 2, 'version 2 is active');
  assert.equal((await api.query.modelGovernance.referenda.entries()).length, 0, 'none left live');

  // The next proposal is analysed with version 2, by the node's offchain worker.
  const label = MANIFEST.labels.indexOf('parameter-change');
  const example = FIXTURES.dev.find((f) => f.label === label);
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal(
    'Change a parameter', u8aToHex(new TextEncoder().encode(example.text))), alice);
  const opened = events.find(({ event }) => api.events.inference.TaskOpened.is(event));
  assert.equal(opened.event.data.model.toHex(), V2_HASH, 'the task records version 2');
  const finalized = await waitForEvent(api, (e) => api.events.inference.TaskFinalized.is(e)
    && e.data.task.eq(opened.event.data.task), 20);
  assert.equal(finalized.data.label.toNumber(), label);
  assert.deepEqual(finalized.data.scores.map((s) => s.toNumber()), example.scores);

  // Alice's agreeing answer earned inference points in the running epoch.
  const pending = await provider.send('rewards_pending', [alice.address]);
  assert.equal(pending.currentEpoch, 0);
  assert.equal(pending.claimable, '0');
  assert.deepEqual(pending.epochs.map((e) => [e.epoch, e.inferencePoints > 0, e.amount]),
    [[0, true, null]]);
});
