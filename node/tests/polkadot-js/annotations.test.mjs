// Buying training labels, tried on the real node through the real client as an attacker would,
// with the dev validator as the inference network (its offchain worker runs the shipped ONNX
// model): many accounts cannot lock a label against a larger honest bond; copying the network's
// published label with many accounts over many proposals earns nothing and costs fees; one
// honest correction of a label the network got wrong ends richer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '@polkadot/util';
import { xxhashAsHex } from '@polkadot/util-crypto';
import {
  connect, FIXTURES, nextBlocks, owned, sendAll, sendAndFinalize, sendInBlock, startDevNode, view,
  waitForEvent, WITH_SHIPPED_MODEL,
} from './node.mjs';

const UNIT = 10n ** 12n;
const LABELS = 5;
/**
 * A real proposal the shipped model labels wrong: Synthetix SCCP-96 (CC0-1.0, from the
 * `synthetix-sccp` source of the shared data's dev split), a parameter change (label 2) that the
 * model reads as a protocol upgrade.
 */
const MISREAD = {
  title: 'Increase L2 Target C-Ratio To 1000%',
  label: 2,
  text: `## Simple Summary

Raise c-ratio target on Layer 2 to 1000% to keep L2 synth supply and debt risks more manageable in early stages of L2 exchanges.

## Motivation

With SIP 117 and SIP 121, we will be starting Phase 1 of L2 rollout, which includes exchanges. Currently, stakers on L2 are not exposed to any debt changes, and hence they will always have sUSD equal to their debt. After exchanges start, debt and sUSD holdings may be different.

However, in the current state, L2 sUSD is not available for purchase or for migration, which is problematic. We have various workarounds to this on the way, but in the meantime it is desirable to 1) make it less likely that anyone gets liquidated or runs so low on sUSD that they are no longer able to claim and 2) lower the total synth supply on L2 such that subsidizing losses if necessary is easier.

The c-ratio is intended to be walked down if debt increases to allow people to continue claiming in the intervening time period. Once this stage is over, we should also plan on renormalizing c-ratio.`,
};
/** Blocks per rewards epoch on this test chain (runtime `:EpochBlocks:`, set through sudo). */
const EPOCH_BLOCKS = 20;

let node;
let api;
let keyring;
let alice;
let ferdie;

before(async () => {
  node = await startDevNode(WITH_SHIPPED_MODEL);
  ({ api, keyring } = await connect(node));
  alice = keyring.addFromUri('//Alice');
  ferdie = keyring.addFromUri('//Ferdie');
  const key = xxhashAsHex(':EpochBlocks:', 128);
  const value = u8aToHex(new Uint8Array(new Uint32Array([EPOCH_BLOCKS]).buffer));
  await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.system.setStorage([[key, value]])), alice);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});


const sum = (values) => values.reduce((a, b) => a + b, 0n);

/** `count` fresh accounts `//<name><i>`, each sent `amount` by Ferdie. */
async function fundedAccounts(name, count, amount) {
  const accounts = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//${name}${i}`));
  await sendAll(api, accounts.map((a) => api.tx.balances.transferKeepAlive(a.address, amount)), ferdie);
  return accounts;
}

/** Submits proposals (title and text each) from `author`; resolves, once each is analysed, to
 * `[{ id, label }]` with the network's label. */
async function submitAnalysed(author, proposals) {
  const results = await sendAll(api, proposals.map(({ title, text }) =>
    api.tx.proposals.submitProposal(title, u8aToHex(new TextEncoder().encode(text)))), author);
  const ids = results.map(({ events }) => events
    .find(({ event }) => api.events.proposals.ProposalSubmitted.is(event)).event.data.id.toNumber());
  for (let blocks = 0; ; blocks++) {
    const records = await api.query.proposals.proposals.multi(ids);
    if (records.every((r) => r.unwrap().analysis.isAnalysed)) {
      return ids.map((id, i) => ({ id, label: records[i].unwrap().analysis.asAnalysed.label.toNumber() }));
    }
    assert.ok(blocks < 60, 'every proposal analysed within 60 blocks');
    await nextBlocks(api);
  }
}

/** Waits until each proposal in `ids` has a verified label; resolves to them, in order. */
async function verified(ids, blocks = 60) {
  for (let seen = 0; ; seen++) {
    const records = await api.query.proposals.proposals.multi(ids);
    const labels = records.map((r) => (r.isSome ? r.unwrap().verifiedLabel : null));
    if (labels.every((l) => l?.isSome)) return labels.map((l) => l.unwrap().toNumber());
    assert.ok(seen < blocks, `every label verified within ${blocks} blocks`);
    await nextBlocks(api);
  }
}

/** Claims every ended epoch in which `who` earned points; the amount paid. */
async function claimAll(who) {
  for (let blocks = 0; ; blocks++) {
    const pending = await view(api, 'Rewards', 'pending', [who.address]);
    const ended = pending.epochs.filter((e) => e.epoch < pending.currentEpoch).map((e) => e.epoch);
    const open = pending.epochs.filter((e) => e.epoch >= pending.currentEpoch);
    if (open.length === 0) {
      if (ended.length === 0) return 0n;
      const { events } = await sendAndFinalize(api, api.tx.rewards.claim(ended), who);
      return sum(events.filter(({ event }) => api.events.rewards.RewardClaimed.is(event))
        .map(({ event }) => event.data.amount.toBigInt()));
    }
    assert.ok(blocks < 2 * EPOCH_BLOCKS, 'the epoch of the points ended');
    await nextBlocks(api);
  }
}

test('32 accounts cannot lock a proposal\'s label against a later, larger honest bond', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const dave = keyring.addFromUri('//Dave');
  const row = FIXTURES.dev[1];
  const [{ id, label }] = await submitAnalysed(charlie, [{ title: 'Sybil target', text: row.text }]);
  const wrong = (label + 1) % LABELS;
  const bond = (await api.query.proposals.params()).minAnnotationBond.toBigInt();
  const places = api.consts.proposals.maxAnnotations.toNumber();
  const sybils = await fundedAccounts('Sybil', places, UNIT);
  await Promise.all(sybils.map((s) => sendInBlock(api, api.tx.proposals.annotate(id, wrong, bond, null), s)));
  const full = (await api.query.proposals.proposals(id)).unwrap();
  assert.equal(full.tally.toArray().reduce((a, n) => a + n.toNumber(), 0), places, 'every place is taken');
  assert.equal(full.provisional.unwrap().label.toNumber(), wrong, 'the sybils\' label leads');

  // The honest bond still gets in: it displaces the smallest of the sybils' bonds.
  const start = await owned(api, dave.address);
  const honest = 10n * UNIT;
  const { events } = await sendInBlock(api, api.tx.proposals.annotate(id, label, honest, null), dave);
  assert.ok(events.some(({ event }) => api.events.proposals.AnnotationDisplaced.is(event)));
  const [settled] = await verified([id]);
  assert.equal(settled, label, 'the honest label is verified');
  const example = (await api.query.proposals.trainingSet(id)).unwrap();
  assert.equal(example.label.toNumber(), label, 'the training set holds the honest label');
  assert.ok(await owned(api, dave.address) > start, 'the honest annotator gains the sybils\' slashed bonds');
  const lost = sum(await Promise.all(sybils.map((s) => owned(api, s.address))));
  assert.ok(lost < BigInt(places) * UNIT, 'the sybils end poorer');
});

test('copying the network\'s label with 10 accounts over 10 proposals ends poorer; one correction ends richer', async () => {
  const bob = keyring.addFromUri('//Bob');
  const texts = FIXTURES.dev.slice(2, 12).map((row, i) => ({ title: `Copied ${i}`, text: row.text }));
  const analysed = await submitAnalysed(bob, [...texts, { title: MISREAD.title, text: MISREAD.text }]);
  const misread = analysed.pop();
  assert.notEqual(misread.label, MISREAD.label, 'the shipped model misreads SCCP-96');

  const farm = await fundedAccounts('Copier', 10, 3n * UNIT);
  const [corrector] = await fundedAccounts('Corrector', 1, 3n * UNIT);
  const farmStart = sum(await Promise.all(farm.map((a) => owned(api, a.address))));
  const correctorStart = await owned(api, corrector.address);
  const bond = (await api.query.proposals.params()).minAnnotationBond.toBigInt();
  const quorum = (await api.query.proposals.params()).verificationBond.toBigInt();

  // Every copier annotates every proposal with the label the network published.
  await Promise.all(farm.map((copier) => sendAll(api,
    analysed.map(({ id, label }) => api.tx.proposals.annotate(id, label, bond, null)), copier)));
  // The corrector names the right label of the one the network got wrong.
  await sendInBlock(api, api.tx.proposals.annotate(misread.id, MISREAD.label, quorum, null), corrector);
  const labels = await verified([...analysed.map((a) => a.id), misread.id]);
  assert.deepEqual(labels, [...analysed.map((a) => a.label), MISREAD.label]);
  const report = (await api.query.proposals.trainingSet(misread.id)).unwrap();
  assert.equal(report.analysis.asAnalysed.label.toNumber(), misread.label, 'it keeps the network\'s label');
  assert.equal(report.label.toNumber(), MISREAD.label, 'an error report: the annotators corrected it');

  const farmPaid = sum(await Promise.all(farm.map(claimAll)));
  const correctorPaid = await claimAll(corrector);
  const farmEnd = sum(await Promise.all(farm.map((a) => owned(api, a.address))));
  const correctorEnd = await owned(api, corrector.address);
  console.log(`# copy farm: ${farmStart - farmEnd} planck poorer (paid ${farmPaid}); `
    + `corrector: ${correctorEnd - correctorStart} planck richer (paid ${correctorPaid})`);
  assert.equal(farmPaid, 0n, 'copies earn no rewards');
  assert.ok(farmEnd < farmStart, 'the farm paid its fees for nothing');
  assert.ok(correctorPaid > 0n, 'the correction was paid');
  assert.ok(correctorEnd > correctorStart, 'the corrector ends richer than it started');
  const record = await view(api, 'Proposals', 'contributions', [corrector.address]);
  assert.equal(record.corrections, 1);
});
