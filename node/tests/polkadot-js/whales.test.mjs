// Large nodes attacked on the real node with the real client: one that stays silent and one that
// lies, each holding more stake than the honest nodes together. Each test asserts the honest
// outcome: the proposal gets the model's label, the honest nodes keep their stake, the attacker
// is judged and slashed (the chain: `committee.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE, LIE, UNIT, committeeChainForTests } from './committee.mjs';

const chain = committeeChainForTests();

test('a large node that stays silent is judged missed and slashed; the proposal is analysed', async () => {
  const { api, keyring, alice, charlie, register, record, submit, analysis, seatsOf } = chain;
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
  const { keyring, alice, charlie, register, record, submit, analysis, seatsOf, lie } = chain;
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
