// The inference network on the real node, through the real client: the dev validator is an
// inference node from genesis; a proposal opens a task with a committee; a committee that does not
// answer is judged, slashed and reported by the `inference_*` RPC methods.
//
// The dev node has no model and no offchain worker answering yet, so this proves the pallet's
// on-chain side end to end: what the offchain worker will feed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, xxhashAsHex } from '@polkadot/util-crypto';
import { sendAndFinalize, startDevNode } from './node.mjs';

const UNIT = 10n ** 12n;
let node;
let provider;
let api;
let alice;

before(async () => {
  node = await startDevNode();
  await cryptoWaitReady();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** Waits until `predicate(events)` holds for the events of a new block; at most `blocks` blocks. */
function waitForEvent(predicate, blocks = 20) {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let unsubscribe = () => {};
    api.query.system.events((events) => {
      const found = events.find(({ event }) => predicate(event));
      if (found) { unsubscribe(); resolve(found.event); }
      else if (++seen > blocks) { unsubscribe(); reject(new Error(`no such event in ${blocks} blocks`)); }
    }).then((u) => { unsubscribe = u; });
  });
}

test('the dev validator is an inference node from genesis', async () => {
  const node = await provider.send('inference_node', [alice.address]);
  assert.equal(node.status, 'active');
  assert.equal(BigInt(node.stake), 10_000n * UNIT);
  assert.equal(node.keyAccount, alice.address, 'its infr key is //Alice');
  assert.equal(node.reputation, 500_000_000, 'reputation starts at one half');
  const board = await provider.send('inference_leaderboard', [10]);
  assert.deepEqual(board.map((n) => n.operator), [alice.address]);
  await assert.rejects(provider.send('inference_leaderboard', [0]), /limit must be between 1 and 100/);
  const holds = await api.query.balances.holds(alice.address);
  assert.ok(holds.some((h) => h.id.toString().includes('NodeStake')), 'the stake is a NodeStake hold');
});

test('without an active model a proposal gets no task and says why', async () => {
  const { events } = await sendAndFinalize(
    api, api.tx.proposals.submitProposal('No model yet', u8aToHex(new TextEncoder().encode('body'))), alice);
  const unavailable = events.find(({ event }) => api.events.inference.AnalysisUnavailable.is(event));
  assert.ok(unavailable, 'AnalysisUnavailable was emitted');
  assert.equal(unavailable.event.data.reason.toString(), 'NoActiveModel');
});

test('a task draws its committee, and silence is judged and slashed', async () => {
  // Root activates a model and shortens the windows to one block each.
  const modelKey = xxhashAsHex(':ActiveModelHash:', 128);
  const model = `0x${'ab'.repeat(32)}`;
  const params = (await api.query.inference.params()).toJSON();
  await sendAndFinalize(
    api, api.tx.sudo.sudo(api.tx.system.setStorage([[modelKey, `0x01${model.slice(2)}`]])), alice);
  await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.inference.setParameters({
    ...params, commitWindow: 1, revealWindow: 1,
  })), alice);

  const { events } = await sendAndFinalize(
    api, api.tx.proposals.submitProposal('Analyse me', u8aToHex(new TextEncoder().encode('a body'))), alice);
  const opened = events.find(({ event }) => api.events.inference.TaskOpened.is(event));
  assert.ok(opened, 'TaskOpened was emitted');
  const { task, proposal, committee } = opened.event.data;
  assert.equal(opened.event.data.model.toHex(), model);
  assert.deepEqual(committee.map((a) => a.toString()), [alice.address]);

  const open = await provider.send('inference_proposalTask', [proposal.toNumber()]);
  assert.equal(open.status, 'open');
  assert.equal(open.id, task.toNumber());
  assert.deepEqual(open.committee.map((m) => m.node), [alice.address]);

  // Nobody commits: the task is judged after its reveal window, and Alice is slashed 5%.
  const slashed = await waitForEvent((e) => api.events.inference.NodeSlashed.is(e));
  assert.equal(slashed.data.amount.toBigInt(), 500n * UNIT);
  const judged = await provider.send('inference_task', [task.toNumber()]);
  assert.equal(judged.status, 'judged');
  assert.equal(judged.outcome, 'noConsensus');
  assert.equal(judged.participation, 0);
  const after = await provider.send('inference_node', [alice.address]);
  assert.equal(after.missed, 1);
  assert.equal(BigInt(after.slashed), 500n * UNIT);
  assert.deepEqual(after.history.map((h) => h.outcome), ['missed']);
});
