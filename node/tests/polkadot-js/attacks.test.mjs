// Attacks on reading, flooding, annotating, key binding and records, performed as an attacker
// would: on the real node, through the real client, with the dev validator as the
// inference network (its offchain worker runs the shipped ONNX model). Each test asserts the
// honest outcome: the attack is refused or costs the attacker more than it earns, and the
// validator's stake is whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '@polkadot/util';
import {
  connect, FIXTURES, nextBlocks, owned, sendAndFinalize, startDevNode, view, waitForEvent,
  WITH_SHIPPED_MODEL,
} from './node.mjs';

const UNIT = 10n ** 12n;

let node;
let api;
let keyring;
let alice;

before(async () => {
  node = await startDevNode(WITH_SHIPPED_MODEL);
  ({ api, keyring } = await connect(node));
  alice = keyring.addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});


/** The validator's inference node, as the `ComputeNodes.node` view reports it. */
const validator = () => view(api, 'ComputeNodes', 'node', [alice.address]);

/** Waits, block by block, until `check` holds; fails after `blocks` blocks. */
async function untilBlock(check, blocks, what) {
  for (let seen = 0; seen <= blocks; seen++) {
    if (await check()) return;
    await nextBlocks(api);
  }
  throw new Error(`not within ${blocks} blocks: ${what}`);
}

test('a body no inference node can read is refused and holds nothing', async () => {
  const bob = keyring.addFromUri('//Bob');
  const next = (await api.query.proposals.nextProposalId()).toNumber();
  const stake = BigInt((await validator()).stake);
  for (const body of ['0xff', '0x436166e9206772616e74']) {
    await assert.rejects(
      sendAndFinalize(api, api.tx.proposals.submitProposal('junk', body), bob),
      /proposals\.BodyNotText/);
  }
  assert.equal((await api.query.proposals.nextProposalId()).toNumber(), next, 'no proposal exists');
  const holds = await api.query.balances.holds(bob.address);
  assert.ok(!holds.some((h) => h.id.toString().includes('ProposalDeposit')), 'no deposit is held');
  assert.equal(BigInt((await validator()).stake), stake, 'nobody was slashed');
});

test('a flood of 48 proposals in one block is analysed in full; the validator keeps its stake', async () => {
  const flooder = keyring.addFromUri('//Bob');
  const before = await validator();
  const first = (await api.query.proposals.nextProposalId()).toNumber();
  const count = 48;
  const nonce = (await api.rpc.system.accountNextIndex(flooder.address)).toNumber();
  const blocks = await Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve, reject) => {
    const row = FIXTURES.dev[i % FIXTURES.dev.length];
    const body = u8aToHex(new TextEncoder().encode(`${row.text}\n\nFlood copy ${i}.`));
    api.tx.proposals.submitProposal(`Flood ${i}`, body)
      .signAndSend(flooder, { nonce: nonce + i }, ({ status, dispatchError }) => {
        if (dispatchError) reject(new Error(dispatchError.toString()));
        else if (status.isInBlock) resolve(status.asInBlock.toHex());
      }).catch(reject);
  })));
  const landed = new Set(blocks);
  console.log(`# ${count} proposals landed in ${landed.size} block(s)`);
  assert.ok(landed.size <= 2, 'the flood arrived at once');

  const analysed = async () => {
    const records = await api.query.proposals.proposals.multi(
      Array.from({ length: count }, (_, i) => first + i));
    return records.filter((r) => r.unwrap().analysis.isAnalysed).length;
  };
  const started = (await api.rpc.chain.getHeader()).number.toNumber();
  await untilBlock(async () => (await analysed()) === count, 80, 'every flooded proposal analysed');
  const done = (await api.rpc.chain.getHeader()).number.toNumber();
  console.log(`# all ${count} analysed within ${done - started} blocks`);

  const after = await validator();
  assert.equal(after.stake, before.stake, 'the validator\'s stake is unchanged');
  assert.equal(after.stats.slashed, before.stats.slashed);
  assert.equal(after.stats.missed, before.stats.missed);
});

test('a sybil cycle (submit, "correct" one\'s own proposal with fresh accounts) earns less than it costs', async () => {
  const funder = keyring.addFromUri('//Ferdie');
  const [author, ...sybils] = [0, 1, 2, 3].map((i) => keyring.addFromUri(`//Sybil${i}`));
  for (const account of [author, ...sybils]) {
    await sendAndFinalize(api, api.tx.balances.transferKeepAlive(account.address, 3n * UNIT), funder);
  }
  const attacker = [author, ...sybils].map((a) => a.address);
  const total = async () => (await Promise.all(attacker.map((a) => owned(api, a))))
    .reduce((a, b) => a + b, 0n);
  const start = await total();

  const row = FIXTURES.dev[0];
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal('Mine',
    u8aToHex(new TextEncoder().encode(row.text))), author);
  const id = events.find(({ event }) => api.events.proposals.ProposalSubmitted.is(event))
    .event.data.id.toNumber();
  const bond = (await api.query.proposals.params()).minAnnotationBond.toBigInt();
  // Points are paid only for correcting the network: the sybils wait for its label and bond on
  // another one, the most a self-dealer can earn.
  await untilBlock(async () => (await api.query.proposals.proposals(id)).unwrap().analysis.isAnalysed,
    30, 'the proposal analysed');
  const network = (await api.query.proposals.proposals(id)).unwrap().analysis.asAnalysed.label.toNumber();
  const wrong = (network + 1) % 5;
  const verified = waitForEvent(api, (e) => api.events.proposals.LabelVerified.is(e)
    && e.data.id.toNumber() === id, 30);
  await Promise.all(sybils.map((s) => sendAndFinalize(api,
    api.tx.proposals.annotate(id, wrong, bond, null), s)));
  await verified;
  await untilBlock(async () => (await api.query.proposals.proposals(id)).unwrap().deposit.isZero(),
    30, 'the deposit released after analysis and settlement');

  const end = await total();
  const cap = (await api.query.rewards.params()).annotationPointCap.toBigInt();
  let points = 0n;
  for (const who of attacker) {
    const pending = await view(api, 'Rewards', 'pending', [who]);
    points += pending.epochs.reduce((sum, e) => sum + BigInt(e.points.annotation), 0n);
  }
  const earned = points * cap;
  const cost = start - end;
  console.log(`# sybil cycle: cost ${cost} planck (fees and the proposal fee), points ${points} worth at most ${earned}`);
  assert.ok(points > 0n, 'the "correction" earned its points');
  assert.ok(earned < cost, 'the cycle earns less than it costs');
});

test('binding an infr key needs its proof of possession; squatting a published key fails', async () => {
  const { stringToU8a, u8aConcat } = await import('@polkadot/util');
  const victim = keyring.addFromUri('//Charlie');
  const squatter = keyring.addFromUri('//Dave');
  const infr = keyring.addFromUri('//Charlie//infr');
  const genesis = api.genesisHash.toU8a();
  const proofFor = (operator) => u8aToHex(infr.sign(u8aConcat(stringToU8a('POP_'),
    operator.publicKey, genesis)));
  const stake = 1_000n * UNIT;
  // The squatter saw the victim's key and even the victim's proof: neither binds it.
  await assert.rejects(sendAndFinalize(api,
    api.tx.computeNodes.registerNode(stake, infr.publicKey, proofFor(victim)), squatter),
  /computeNodes\.InvalidProof/);
  assert.ok((await api.query.computeNodes.nodes(squatter.address)).isNone);
  const { events } = await sendAndFinalize(api,
    api.tx.computeNodes.registerNode(stake, infr.publicKey, proofFor(victim)), victim);
  assert.ok(events.some(({ event }) => api.events.computeNodes.NodeRegistered.is(event)));
  assert.equal((await api.query.computeNodes.keyOwner(infr.address)).unwrap().toString(),
    victim.address, 'the key is the victim\'s');
});

test('a finished proposal keeps a record deposit until its author removes it', async () => {
  const eve = keyring.addFromUri('//Eve');
  const held = async () => {
    const holds = await api.query.balances.holds(eve.address);
    const hold = holds.find((h) => h.id.toString().includes('ProposalDeposit'));
    return hold ? hold.amount.toBigInt() : 0n;
  };
  const { events } = await sendAndFinalize(api, api.tx.proposals.submitProposal('Fund the audit',
    u8aToHex(new TextEncoder().encode('Fund the audit of the bridge contracts: 50,000 DAI.'))), eve);
  const id = events.find(({ event }) => api.events.proposals.ProposalSubmitted.is(event))
    .event.data.id.toNumber();
  // Analysed within a few blocks on dev, possibly before the submission is final: read the state.
  for (let i = 0; i < 30; i += 1) {
    if ((await api.query.proposals.proposals(id)).unwrap().deposit.isZero()) break;
    await nextBlocks(api, 1);
  }
  assert.ok((await api.query.proposals.proposals(id)).unwrap().deposit.isZero(), 'the deposit is released');
  const record = (await api.query.proposals.params()).recordDeposit.toBigInt();
  assert.equal(await held(), record, 'the record deposit stays held while the record exists');
  const details = await view(api, 'Proposals', 'proposal', [id]);
  assert.equal(BigInt(details.recordDeposit), record);
  const task = await view(api, 'Inference', 'proposal_task', [id]);
  assert.ok(task.status.judged, 'judged');

  const { events: removed } = await sendAndFinalize(api, api.tx.proposals.removeProposal(id), eve);
  assert.ok(removed.some(({ event }) => api.events.proposals.ProposalRemoved.is(event)));
  assert.equal(await held(), 0n, 'the author has its record deposit back');
  assert.ok((await api.query.proposals.proposals(id)).isNone);
  assert.equal(await view(api, 'Inference', 'proposal_task', [id]), null, 'the result went with it');
});
