// Proposals through the real client: a 60 KiB body submitted as an extrinsic comes back,
// byte for byte, from the node's Bitswap store under the CID the chain recorded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sendAndFinalize, startDevNode, view } from './node.mjs';

const UNIT = 10n ** 12n;
let node;
let provider;
let api;

before(async () => {
  node = await startDevNode(['--ipfs-server']);
  await cryptoWaitReady();
  provider = new WsProvider(node.wsUrl);
  api = await ApiPromise.create({ provider, noInitWarn: true });
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** RFC 4648 base32, lower case, unpadded, behind the multibase prefix `b`. */
function cidText(bytes) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = 'b';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

test('a 60 KiB proposal is served back over Bitswap under its CID', async () => {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  // Random text (bodies are UTF-8): base64 of 45 KiB of random bytes is 60 KiB of ASCII.
  const body = new TextEncoder().encode(randomBytes(45 * 1024).toString('base64'));

  const { events } = await sendAndFinalize(
    api, api.tx.proposals.submitProposal('Bitswap round trip', u8aToHex(body)), alice);
  const submitted = events.find(({ event }) => api.events.proposals.ProposalSubmitted.is(event));
  assert.ok(submitted, 'ProposalSubmitted was emitted');
  const { id, cid, deposit } = submitted.event.data;

  // The deposit is the base plus ten micro-PROPOSAL per byte, held under the pallet's reason.
  const expected = UNIT + 10n * 10n ** 6n * BigInt(body.length);
  assert.equal(deposit.toBigInt(), expected);
  const holds = await api.query.balances.holds(alice.address);
  const hold = holds.find((h) => h.id.toString().includes('ProposalDeposit'));
  assert.equal(hold?.amount.toBigInt(), expected);

  // The pallet's view names the same CID, in the text form Bitswap takes.
  const proposal = await view(api, 'Proposals', 'proposal', [id.toNumber()]);
  assert.equal(proposal.cid, cidText(cid.toU8a()));
  assert.equal(proposal.bodyLen, body.length);
  assert.deepEqual(proposal.analysis, { pending: null });
  assert.equal(await view(api, 'Proposals', 'proposal', [id.toNumber() + 1]), null, 'no such proposal');

  const served = await provider.send('bitswap_v1_get', [proposal.cid]);
  assert.equal(served, u8aToHex(body), 'Bitswap serves the exact body');
});

test('bad input is refused with a typed error and changes nothing', async () => {
  const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
  const next = (await api.query.proposals.nextProposalId()).toNumber();
  await assert.rejects(
    sendAndFinalize(api, api.tx.proposals.submitProposal('Empty', '0x'), bob),
    /proposals\.EmptyBody/);
  await assert.rejects(
    sendAndFinalize(api, api.tx.proposals.annotate(next + 100, 0, 10n ** 11n, null), bob),
    /proposals\.UnknownProposal/);
  // A body no inference node could read never reaches a committee.
  await assert.rejects(
    sendAndFinalize(api, api.tx.proposals.submitProposal('Latin-1', '0x436166e9'), bob),
    /proposals\.BodyNotText/);
  assert.equal((await api.query.proposals.nextProposalId()).toNumber(), next);
});
