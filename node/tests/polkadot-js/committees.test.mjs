// Committees that an honest majority decides, attacked on the real node with the real client as
// `shared/reviews/security-d63c7af.md` describes: a large node that stays silent, a large node
// that lies, a submit-and-withdraw churn of the backlog, a flood of free seat transactions. The
// dev validator (//Alice) and a second honest node (//Charlie, whose `infr` key the test puts
// into the dev node's keystore, so the same offchain worker answers for both) run the shipped
// model; the attackers' nodes sign their own transactions from this script. Each test asserts
// the honest outcome: the proposal gets the model's label, the honest nodes keep their stake,
// the attacker pays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, randomAsU8a } from '@polkadot/util-crypto';
import { sendAll, sendInBlock, startDevNode } from './node.mjs';
import { submittedProposal, taskOpened } from './tasks.cjs';

const UNIT = 10n ** 12n;
const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
/** A treasury-funding proposal of the dev set, and the label the model gives it. */
const EXAMPLE = FIXTURES.dev.find((f) => f.label === MANIFEST.labels.indexOf('treasury-funding'));
/** The label the liar reveals instead. */
const LIE = MANIFEST.labels.indexOf('protocol-upgrade');

let node;
let provider;
let api;
let keyring;
let alice;
let charlie;

before(async () => {
  node = await startDevNode(['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname]);
  await cryptoWaitReady();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
  keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  charlie = keyring.addFromUri('//Charlie');
  // A second honest node served by the dev node's own worker.
  const infr = keyring.addFromUri('//Charlie//infr');
  await provider.send('author_insertKey', ['infr', '//Charlie//infr', u8aToHex(infr.publicKey)]);
  await register(charlie, infr, 10_000n * UNIT);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** Registers `operator`'s node with `stake`, bound to `infr`, whose account gets 1 PROPOSAL. */
async function register(operator, infr, stake) {
  const proof = u8aToHex(infr.sign(u8aConcat(stringToU8a('POP_'), operator.publicKey,
    api.genesisHash.toU8a())));
  await sendAll(api, [
    api.tx.computeNodes.registerNode(stake, infr.publicKey, proof),
    api.tx.balances.transferKeepAlive(infr.address, UNIT),
  ], operator);
}

/** A node's record, as the RPC reports it. */
const record = (who) => provider.send('inference_node', [who.address]);

/** Submits the example proposal from `author`; its id and its `TaskOpened` event. */
async function submit(author) {
  const { events } = await sendInBlock(api, api.tx.proposals.submitProposal('Budget request',
    u8aToHex(new TextEncoder().encode(EXAMPLE.text))), author);
  const proposal = submittedProposal(api, events);
  return { proposal, opened: (await taskOpened(api, proposal)).event };
}

/** Follows `proposal`'s analysis from its first round's `TaskOpened` (`first`) to its end,
 * calling `onRound` on every round's `TaskOpened`; resolves to the agreed label (null if it
 * ended unanswered) and the rounds. */
function analysis(proposal, first, onRound = async () => {}) {
  return new Promise((resolve, reject) => {
    const rounds = [first];
    onRound(first).catch(reject);
    let seen = 0;
    let unsubscribe = () => {};
    const end = (value) => { unsubscribe(); resolve(value); };
    api.query.system.events((events) => {
      for (const { event } of events) {
        const { inference } = api.events;
        if (inference.TaskOpened.is(event) && event.data.proposal.eq(proposal)
          && !rounds.some((r) => r.data.task.eq(event.data.task))) {
          rounds.push(event);
          onRound(event).catch(reject);
        } else if (inference.TaskFinalized.is(event) && event.data.proposal.eq(proposal)) {
          return end({ label: event.data.label.toNumber(), rounds });
        } else if (inference.AnalysisUnanswered.is(event) && event.data.proposal.eq(proposal)) {
          return end({ label: null, rounds });
        }
      }
      if (++seen > 80) { unsubscribe(); reject(new Error(`proposal ${proposal}: no end in 80 blocks`)); }
      return undefined;
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

/** The seats `who` holds in the committee of `opened`. */
function seatsOf(opened, who) {
  const i = opened.data.committee.findIndex((a) => a.toString() === who.address);
  return i < 0 ? 0 : opened.data.seats[i].toNumber();
}

/** The liar's script for one round: commits to `label` with the task's model, then reveals it
 * once every member has committed or the commit window has passed. */
async function lie(opened, operator, infr, label) {
  const { task, model } = opened.data;
  if (seatsOf(opened, operator) === 0) return;
  const scores = MANIFEST.labels.map((_, i) => (i === label ? 10_000 : 0));
  const result = { label, scores, model, brief: { sentences: [], figures: [], signature: [] } };
  const salt = randomAsU8a(32);
  const commitment = blake2AsU8a(api.createType(
    '(DaollmPrimitivesInferenceInferenceResult, [u8; 32], AccountId32)',
    [result, salt, operator.address]).toU8a());
  await sendInBlock(api, api.tx.inference.commit(task, commitment), infr);
  for (;;) {
    const open = await api.query.inference.tasks(task);
    if (open.isNone) return;
    const t = open.unwrap();
    const now = (await api.rpc.chain.getHeader()).number.toNumber();
    if (now > t.commitEnd.toNumber() || t.commits.toNumber() + t.excused.toNumber() >= t.committee.length) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await sendInBlock(api, api.tx.inference.reveal(task, result, salt), infr);
}

test('a large node that stays silent is judged missed and slashed; the proposal is analysed', async () => {
  const bob = keyring.addFromUri('//Bob');
  // Bob's key is in no keystore: his node never answers.
  await register(bob, keyring.addFromUri('//Bob//infr'), 20_000n * UNIT);
  const { proposal, opened } = await submit(keyring.addFromUri('//Eve'));
  const { label, rounds } = await analysis(proposal, opened);
  assert.equal(label, EXAMPLE.label, 'the honest label, whatever Bob held');
  assert.ok(rounds.some((r) => seatsOf(r, bob) > 0), 'Bob sat on a committee');
  assert.ok(rounds.every((r) => seatsOf(r, bob) <= 8), 'no node holds more than 8 of 25 seats');
  const judged = await record(bob);
  console.log(`# silent whale: ${rounds.length} round(s), Bob held ${rounds.map((r) => seatsOf(r, bob)).join(', ')} seats, slashed ${BigInt(judged.slashed) / UNIT} PROPOSAL`);
  assert.ok(judged.missed >= 1, 'silence is judged');
  assert.ok(BigInt(judged.slashed) > 0n, 'and slashed');
  for (const honest of [alice, charlie]) {
    const r = await record(honest);
    assert.equal(BigInt(r.slashed), 0n);
    assert.equal(r.missed + r.disagreed, 0);
  }
  assert.equal((await api.query.proposals.proposals(proposal)).unwrap().analysis.toJSON().analysed.label,
    EXAMPLE.label);
});

test('a large node that lies never decides a label; it is judged disagreed and slashed', async () => {
  const dave = keyring.addFromUri('//Dave');
  const infr = keyring.addFromUri('//Dave//infr');
  await register(dave, infr, 30_000n * UNIT);
  const aliceBefore = await record(alice);
  for (let i = 0; i < 2; i += 1) {
    const { proposal, opened } = await submit(keyring.addFromUri('//Ferdie'));
    const { label, rounds } = await analysis(proposal, opened, (o) => lie(o, dave, infr, LIE));
    assert.equal(label, EXAMPLE.label, `proposal ${proposal}: the honest label`);
    console.log(`# proposal ${proposal}: Dave held ${rounds.map((r) => seatsOf(r, dave)).join(', ')} seats in ${rounds.length} round(s)`);
  }
  const liar = await record(dave);
  console.log(`# lying whale: Dave slashed ${BigInt(liar.slashed) / UNIT} PROPOSAL, reputation ${liar.reputation / 1e7} %`);
  assert.ok(liar.disagreed >= 1, 'the lie is judged');
  assert.ok(BigInt(liar.slashed) > 0n, 'and slashed');
  assert.equal(liar.agreed, 0);
  const aliceAfter = await record(alice);
  assert.equal(BigInt(aliceAfter.stake), BigInt(aliceBefore.stake), 'the validator is whole');
  assert.equal(BigInt(aliceAfter.slashed), 0n);
  assert.equal(BigInt((await record(charlie)).slashed), 0n);
});

test('submitting and withdrawing in a loop leaves the backlog open and costs the cycler the fee', async () => {
  const eve = keyring.addFromUri('//Eve');
  const next = (await api.query.proposals.nextProposalId()).toNumber();
  const fee = api.consts.proposals.proposalFee.toBigInt();
  const { data: before } = await api.query.system.account(eve.address);
  const pairs = 20;
  const txs = [];
  for (let i = 0; i < pairs; i += 1) {
    txs.push(api.tx.proposals.submitProposal('x', '0x78'), api.tx.proposals.withdrawProposal(next + i));
  }
  const results = await sendAll(api, txs, eve);
  let forfeited = 0n;
  for (const { events } of results) {
    for (const { event } of events) {
      if (api.events.proposals.ProposalWithdrawn.is(event)) forfeited += event.data.forfeited.toBigInt();
    }
  }
  assert.ok(forfeited >= BigInt(pairs) * fee, 'each withdrawal keeps the proposal fee');
  assert.equal((await api.query.inference.backlogLen()).toNumber(), 0, 'no hole counts');
  const { data: afterCycles } = await api.query.system.account(eve.address);
  assert.ok(before.free.toBigInt() - afterCycles.free.toBigInt() > BigInt(pairs) * fee,
    'the cycler paid the fees and the transaction fees');
  // An honest proposal still gets in and is analysed.
  const { proposal, opened } = await submit(keyring.addFromUri('//Bob'));
  assert.equal((await analysis(proposal, opened)).label, EXAMPLE.label);
});

test('a seated node cannot flood the pools with free copies of its commit', async () => {
  const ferdie = keyring.addFromUri('//Ferdie');
  const infr = keyring.addFromUri('//Ferdie//infr');
  await register(ferdie, infr, 30_000n * UNIT);
  // Wait for a committee Ferdie sits on.
  let opened;
  for (let i = 0; i < 5 && !opened; i += 1) {
    const { opened: o } = await submit(keyring.addFromUri('//Eve'));
    if (seatsOf(o, ferdie) > 0) opened = o;
  }
  assert.ok(opened, 'Ferdie was drawn');
  const task = opened.data.task;
  const first = (await api.rpc.system.accountNextIndex(infr.address)).toNumber();
  const copies = 64;
  const outcomes = await Promise.allSettled(Array.from({ length: copies }, (_, i) =>
    api.tx.inference.commit(task, randomAsU8a(32)).signAndSend(infr, { nonce: first + i })));
  const refused = outcomes.filter((o) => o.status === 'rejected').length;
  const pending = await api.rpc.author.pendingExtrinsics();
  const inPool = pending.filter((x) => x.signer.toString() === infr.address).length;
  console.log(`# ${copies} copies of one commit: ${refused} refused at once, ${inPool} in the pool`);
  assert.ok(inPool <= 1, `one pool entry per seat and step, found ${inPool}`);
  // A user's transfer is not crowded out.
  const { events } = await sendInBlock(api, api.tx.balances.transferKeepAlive(alice.address, UNIT),
    keyring.addFromUri('//Bob'));
  assert.ok(events.some(({ event }) => api.events.balances.Transfer.is(event)));
});

test('a node that excuses its seats instead of answering is judged missed past its budget', async () => {
  const eve = keyring.addFromUri('//Eve');
  const infr = keyring.addFromUri('//Eve//infr');
  await register(eve, infr, 30_000n * UNIT);
  const budget = (await api.query.computeNodes.params()).toJSON().excuseBudget;
  // More tasks at once than the budget allows excuses; Eve excuses every seat she holds.
  const count = budget + 2;
  const first = (await api.query.proposals.nextProposalId()).toNumber();
  const author = keyring.addFromUri('//Bob');
  await sendAll(api, Array.from({ length: count }, (_, i) => api.tx.proposals.submitProposal(
    `Budget request ${i}`, u8aToHex(new TextEncoder().encode(`${EXAMPLE.text}\n\nRequest ${i}.`)))), author);
  let excused = 0;
  const ends = [];
  // Eve's excuses go out together, each at its own nonce.
  let nonce = (await api.rpc.system.accountNextIndex(infr.address)).toNumber();
  for (let proposal = first; proposal < first + count; proposal += 1) {
    const opened = (await taskOpened(api, proposal)).event;
    ends.push(analysis(proposal, opened, async (o) => {
      if (seatsOf(o, eve) === 0) return;
      const mine = nonce;
      nonce += 1;
      await sendInBlock(api, api.tx.inference.excuse(o.data.task), infr, mine);
      excused += 1;
    }));
  }
  const labels = (await Promise.all(ends)).map((e) => e.label);
  assert.ok(labels.every((l) => l === EXAMPLE.label), `every proposal analysed: ${labels}`);
  const judged = await record(eve);
  console.log(`# Eve excused ${excused} seats: judged excused ${judged.excused}, missed ${judged.missed}, slashed ${judged.slashed}`);
  assert.ok(excused > budget, 'Eve excused more seats than the budget');
  assert.equal(judged.excused, budget, 'excuses within the budget cost reputation only');
  assert.ok(judged.missed >= 1, 'past the budget an excuse is a miss');
  assert.ok(BigInt(judged.slashed) > 0n, 'and slashed');
});
