// Committees attacked on the real node with the real client: a submit-and-withdraw churn of the
// backlog, a flood of free seat transactions, excuses past the budget. Each test asserts the
// honest outcome: the proposals get the model's label, the honest nodes keep their stake, the
// attacker pays (the chain: `committee.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { u8aToHex } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { EXAMPLE, UNIT, committeeChainForTests } from './committee.mjs';
import { sendAll, sendInBlock } from './node.mjs';
import { taskOpened } from './tasks.cjs';

const chain = committeeChainForTests();

test('submitting and withdrawing in a loop leaves the backlog open and costs the cycler the fee', async () => {
  const { api, keyring, submit, analysis } = chain;
  const eve = keyring.addFromUri('//Eve');
  const next = (await api.query.proposals.nextProposalId()).toNumber();
  const fee = (await api.query.proposals.params()).proposalFee.toBigInt();
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
  const { api, keyring, alice, register, submit, seatsOf } = chain;
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
  const { api, keyring, register, record, analysis, seatsOf } = chain;
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
