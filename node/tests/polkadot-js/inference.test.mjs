// The inference network on the real node, through the real client: the dev validator is an
// inference node from genesis; its offchain worker runs the shipped ONNX model (ONNX Runtime from
// the PyPI wheel, `ORT_DYLIB_PATH`) on a submitted proposal, commits and reveals, and the task is
// finalised with the model's label; a committee that cannot answer is judged inconclusive, slashes
// nobody, and is reported by the `inference_*` RPC methods.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sendAndFinalize, startDevNode, view, waitForBlock, waitForEvent } from './node.mjs';
import { submittedProposal, taskOpened } from './tasks.cjs';

const UNIT = 10n ** 12n;
let node;
let api;
let alice;

const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
// Proposals whose key figures were checked by hand (primitives/brief/tests/fixtures).
const BRIEF_FIXTURES = JSON.parse(readFileSync(new URL(
  '../../../primitives/brief/tests/fixtures/figures.json', import.meta.url))).proposals;

before(async () => {
  node = await startDevNode(['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname]);
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('the dev validator is an inference node from genesis', async () => {
  const node = await view(api, 'ComputeNodes', 'node', [alice.address]);
  assert.equal(node.status, 'Active');
  assert.equal(BigInt(node.stake), 10_000n * UNIT);
  assert.equal(node.keyAccount, alice.address, 'its infr key is //Alice');
  assert.equal(node.reputation, 500_000_000, 'reputation starts at one half');
  const board = await view(api, 'ComputeNodes', 'leaderboard', [10]);
  assert.deepEqual(board.map((n) => n.operator), [alice.address]);
  assert.deepEqual(await view(api, 'ComputeNodes', 'leaderboard', [0]), [], 'a limit of none lists none');
  const holds = await api.query.balances.holds(alice.address);
  assert.ok(holds.some((h) => h.id.toString().includes('NodeStake')), 'the stake is a NodeStake hold');
});

test('the dev validator\'s offchain worker analyses a proposal with the shipped model', async () => {
  // A treasury-funding proposal from the dev set, with the label and scores Python's
  // onnxruntime gave it when the model was trained.
  const label = MANIFEST.labels.indexOf('treasury-funding');
  const example = FIXTURES.dev.find((f) => f.label === label);
  assert.ok(example, 'the fixtures hold a treasury-funding proposal');
  const { blockHash, events } = await sendAndFinalize(api, api.tx.proposals.submitProposal(
    'Budget request', u8aToHex(new TextEncoder().encode(example.text))), alice);
  const submittedAt = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  const opened = await taskOpened(api, submittedProposal(api, events));
  assert.ok(opened, 'TaskOpened was emitted');
  const { task, committee, model } = opened.event.data;
  assert.equal(model.toHex(), `0x${MANIFEST.sha256}`, 'the task runs the shipped model');
  assert.deepEqual(committee.map((a) => a.toString()), [alice.address]);

  const finalized = await waitForEvent(api, (e) => api.events.inference.TaskFinalized.is(e)
    && e.data.task.eq(task), 20);
  const judgedAt = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.equal(finalized.data.label.toNumber(), label);
  assert.deepEqual(finalized.data.scores.map((s) => s.toNumber()), example.scores,
    'the chain holds the bytes Python onnxruntime gave');
  assert.equal(finalized.data.participation.toNumber(), 1_000_000_000);
  console.log(`# blocks from submission (#${submittedAt}) to finalised result (#${judgedAt}): ${judgedAt - submittedAt}`);

  const judged = await view(api, 'Inference', 'task', [task.toNumber()]);
  assert.equal(judged.status.judged?.outcome.consensus?.label, label, 'judged with consensus');
  const seats = judged.status.judged.committee;
  assert.deepEqual(seats.map((m) => m.node), [alice.address], 'the result keeps who judged it');
  assert.ok(seats[0].seats >= 1 && BigInt(seats[0].stake) === 10_000n * UNIT, JSON.stringify(seats));
  const record = await view(api, 'ComputeNodes', 'node', [alice.address]);
  assert.equal(record.stats.missed, 0);
  assert.deepEqual(record.history.map((h) => h.outcome), ['Agreed']);
  const proposal = await api.query.proposals.proposals(opened.event.data.proposal);
  assert.deepEqual(proposal.unwrap().analysis.toJSON(), { analysed: { label } },
    'the proposals pallet records the analysis');
  const metrics = await (await fetch(node.metricsUrl)).text();
  assert.match(metrics, /daollm_inference_runs_total\{[^}]*outcome="ok"[^}]*\} 1\b/, 'the run is counted');
  assert.match(metrics, /daollm_inference_seconds_count\{[^}]*outcome="ok"[^}]*\} 1\b/, 'and timed');
});

/** Submits `title` and `body` and waits for its analysis: the TaskFinalized event's data. */
async function analysed(title, body) {
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal(
    title, u8aToHex(new TextEncoder().encode(body))), alice);
  const opened = await taskOpened(api, submittedProposal(api, events));
  assert.ok(opened, 'TaskOpened was emitted');
  const { task } = opened.event.data;
  const finalized = await waitForEvent(api, (e) => api.events.inference.TaskFinalized.is(e)
    && e.data.task.eq(task), 20);
  return finalized.data;
}

test('the committee agrees on the brief: key sentences, hand-checked key figures, similar earlier proposals', async () => {
  const fixture = BRIEF_FIXTURES.find((p) => p.id === 'makerdao:MIP40c3-SP53');
  const body = fixture.text;
  const bytes = Buffer.from(body);
  const first = await analysed('TechOps Core Unit DAI Budget', body);

  // The event carries the brief; its figures are exactly the hand-checked spans.
  const kind = (name) => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  assert.deepEqual(first.brief.figures.map((f) => [f.kind.type, f.span.start.toNumber(), f.span.end.toNumber()]),
    fixture.figures.map((f) => [kind(f.kind), f.start, f.end]));
  assert.ok(first.brief.signature.length > 0, 'a similarity signature');

  // The task's view keeps the same brief; its spans are byte ranges of the body, which a client
  // that holds the body (fetched by CID) reads as text.
  const judged = await view(api, 'Inference', 'task', [first.task.toNumber()]);
  const brief = judged.status.judged.outcome.consensus.brief;
  const text = (span) => bytes.subarray(span.start, span.end).toString();
  assert.deepEqual(brief.figures.map((f) => text(f.span)), fixture.figures.map((f) => f.text));
  const sentences = brief.sentences.map(text);
  assert.ok(sentences.length >= 1 && sentences.length <= 3, `1 to 3 key sentences: ${sentences.length}`);
  assert.deepEqual(brief.sentences, first.brief.sentences.map((s) => s.toPrimitive()));
  assert.ok(sentences.some((s) => s.includes('2,566,200 DAI')),
    `the budget request is a key sentence: ${JSON.stringify(sentences)}`);
  console.log(`# key sentences: ${JSON.stringify(sentences)}`);
  const proposal = await view(api, 'Proposals', 'proposal', [first.proposal.toNumber()]);
  assert.deepEqual(proposal.analysis, { analysed: { label: judged.status.judged.outcome.consensus.label } });

  // A revision of it (the budget cut, one paragraph added) finds it first among the earlier
  // proposals, ahead of the budget request analysed before.
  const revised = body.replace('2,566,200 DAI', '2,100,000 DAI')
    + '\n\nThis revision lowers the requested budget after the forum discussion.\n';
  const second = await analysed('TechOps Core Unit DAI Budget (revised)', revised);
  const similar = await view(api, 'Inference', 'similar', [second.proposal.toNumber(), 5]);
  assert.equal(similar[0]?.[0], first.proposal.toNumber(), JSON.stringify(similar));
  assert.ok(similar[0][1] > 900_000, `nearly the same words: ${similar[0][1]}`);
  assert.ok(similar.every(([earlier]) => earlier < second.proposal.toNumber()), 'earlier proposals only');
  console.log(`# Inference.similar(${second.proposal}): ${JSON.stringify(similar)}`);
});

test('a proposal in a language the model cannot read is analysed as unreadable', async () => {
  // A grant request in Chinese (25 000 USDC in three monthly tranches to a multisig): the model
  // knows one of its words. The fixtures hold the share Python measured for the same text.
  const chinese = FIXTURES.readable.find((c) => c.text.includes('资助申请'));
  assert.ok(chinese, 'the fixtures hold the Chinese grant request');
  const result = await analysed('资助申请', chinese.text);
  assert.equal(result.readable.toNumber(), chinese.readable, 'the share Python measured');
  const judged = await view(api, 'Inference', 'task', [result.task.toNumber()]);
  const { readable } = judged.status.judged.outcome.consensus;
  const floor = api.consts.inference.readableFloor.toNumber();
  assert.equal(readable, chinese.readable);
  assert.ok(readable < floor, `${readable} basis points readable, below the floor of ${floor}`);
  console.log(`# a Chinese proposal: ${readable} of 10 000 basis points readable (floor ${floor})`);

  // An English proposal of the dev set reads well above the floor.
  const english = await analysed('Budget request', FIXTURES.dev[0].text);
  assert.equal(english.readable.toNumber(), FIXTURES.dev[0].readable);
  assert.ok(english.readable.toNumber() >= floor);
});

test('a committee without the task\'s model slashes nobody and the analysis ends unanswered', async () => {
  // Root (sudo, on the dev chain) registers and activates a model version no node has, and
  // shortens the windows to one block each.
  const model = `0x${'ab'.repeat(32)}`;
  const params = (await api.query.inference.params()).toJSON();
  const { events: registered } = await sendAndFinalize(api, api.tx.sudo.sudo(
    api.tx.modelRegistry.registerModel('proposal-classifier', model, 'ipfs://nowhere',
      MANIFEST.labels, { NormalisedText: { maxChars: 8000 } }, MANIFEST.layer.features)), alice);
  const version = registered.find(({ event }) => api.events.modelRegistry.ModelRegistered.is(event))
    .event.data.version;
  const { events: activated } = await sendAndFinalize(api,
    api.tx.sudo.sudo(api.tx.modelRegistry.activateModel(0, version)), alice);
  // Tasks run the new version from the announced block on.
  const from = activated.find(({ event }) => api.events.modelRegistry.ModelActivated.is(event))
    .event.data.from.toNumber();
  await waitForBlock(api, from);
  await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.inference.setParameters({
    ...params, commitWindow: 1, revealWindow: 1,
  })), alice);

  const { events } = await sendAndFinalize(
    api, api.tx.proposals.submitProposal('Analyse me', u8aToHex(new TextEncoder().encode('a body'))), alice);
  const opened = await taskOpened(api, submittedProposal(api, events));
  assert.ok(opened, 'TaskOpened was emitted');
  const { task, proposal, committee } = opened.event.data;
  assert.equal(opened.event.data.model.toHex(), model);
  assert.deepEqual(committee.map((a) => a.toString()), [alice.address]);

  const open = await view(api, 'Inference', 'proposal_task', [proposal.toNumber()]);
  assert.equal(open.id, task.toNumber());
  assert.deepEqual(open.status.open?.committee.map((m) => m.node), [alice.address]);

  // Alice's worker has no file with that hash, so nobody commits: after its reveal window the
  // task ends without consensus; no node is left that answered, so the analysis ends
  // unanswered, and nobody is slashed.
  const inconclusive = await waitForEvent(api, (e) => api.events.inference.TaskInconclusive.is(e)
    && e.data.task.eq(task));
  assert.equal(inconclusive.data.participation.toNumber(), 0);
  await waitForEvent(api, (e) => api.events.inference.AnalysisUnanswered.is(e)
    && e.data.proposal.eq(proposal));
  const judged = await view(api, 'Inference', 'task', [task.toNumber()]);
  assert.deepEqual(judged.status.judged?.outcome, { inconclusive: null });
  assert.equal(judged.status.judged.participation, 0);
  const after = await view(api, 'ComputeNodes', 'node', [alice.address]);
  assert.equal(after.stats.missed, 0);
  assert.equal(BigInt(after.stats.slashed), 0n);
  assert.equal(BigInt(after.stake), 10_000n * UNIT, 'the stake is whole');
  // Oldest first: the five proposals the tests above had analysed, then this one.
  assert.deepEqual(after.history.map((h) => h.outcome),
    ['Agreed', 'Agreed', 'Agreed', 'Agreed', 'Agreed', 'Inconclusive'], 'oldest first');
  const ended = await api.query.proposals.proposals(proposal);
  assert.equal(ended.unwrap().analysis.toString(), 'Unanswered',
    'the analysis is over, and the deposit is not stranded');
});
