// The real polkadot.js client against the real node: what polkadot.js apps users do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sendAndFinalize, startDevNode } from './node.mjs';

let node;
let api;

before(async () => {
  node = await startDevNode();
  await cryptoWaitReady();
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('metadata and properties describe the PROPOSAL token', async () => {
  assert.ok(api.runtimeMetadata.version >= 14, 'metadata v14 or later');
  assert.equal(api.runtimeVersion.specName.toString(), 'daollm');
  assert.deepEqual(api.registry.chainTokens, ['PROPOSAL']);
  assert.deepEqual(api.registry.chainDecimals, [12]);
  assert.equal(api.registry.chainSS58, 42);
  assert.ok(api.tx.balances.transferKeepAlive, 'balances.transferKeepAlive is in the metadata');
  const docs = api.tx.balances.transferKeepAlive.meta.docs.map((d) => d.toString()).join(' ');
  assert.ok(docs.length > 0, 'calls carry their documentation');
});

test('a transfer signed by //Alice is finalized and moves the balance', async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const recipient = keyring.addFromUri('//DaollmJsTestRecipient');
  const amount = 5n * 10n ** 12n; // 5 PROPOSAL

  const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const recipientBefore = (await api.query.system.account(recipient.address)).data.free.toBigInt();
  assert.equal(recipientBefore, 0n);

  const { blockHash, events } = await sendAndFinalize(
    api, api.tx.balances.transferKeepAlive(recipient.address, amount), alice);
  const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  const fee = paid.event.data.actualFee.toBigInt();

  const at = await api.at(blockHash);
  const aliceAfter = (await at.query.system.account(alice.address)).data.free.toBigInt();
  const recipientAfter = (await at.query.system.account(recipient.address)).data.free.toBigInt();
  assert.equal(recipientAfter, amount);
  assert.ok(fee > 0n, 'the transfer paid a fee');
  assert.equal(aliceAfter, aliceBefore - amount - fee);
});

test('blocks come from BABE with a VRF output, and babe_epochAuthorship lists the node\'s slots', async () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const header = await api.rpc.chain.getHeader();
  const log = header.digest.logs.find((item) => item.isPreRuntime
    && item.asPreRuntime[0].toString() === 'BABE');
  assert.ok(log, 'the head carries a BABE pre-digest');
  const digest = api.createType('RawBabePreDigest', log.asPreRuntime[1]);
  assert.ok(digest.isPrimary || digest.isSecondaryVRF, 'every slot proves a VRF output');
  assert.equal(api.consts.babe.epochDuration.toNumber(), 100, 'ten-minute epochs');

  const authorship = await api.rpc.babe.epochAuthorship();
  const entry = [...authorship.entries()].find(([key]) => key.toString() === alice.address);
  assert.ok(entry, `the dev validator's key is an authority: ${JSON.stringify(authorship.toJSON())}`);
  const slots = entry[1];
  const claimed = slots.primary.length + slots.secondary_vrf.length;
  assert.ok(claimed > 0, 'it may author slots of this epoch');
});
