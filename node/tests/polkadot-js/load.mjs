// The block-execution load of issue 21, against a real `daollm-node --dev` (the `scripts/dev.sh`
// configuration: the shipped model, Alice's offchain workers): 100 funded accounts each pre-sign
// 100 `balances.transferKeepAlive`, all 10 000 are submitted at once, and every block the node
// authors is reported with its transfers and its authoring time (the proposer's "Prepared block
// for proposing … (N ms)"). A full block is one the proposer closed on its length or weight
// limit; the summary gives their authoring times and transfers per block.
//
//   DAOLLM_NODE=<daollm-node> node load.mjs [--accounts 100] [--per-account 100] [node args…]
//
// With `LOAD_NODE_LOG=<file>` the node's whole log is kept in that file (for `-ltxpool=debug`).
//
// `scripts/load.sh` runs it with the freshly built node.
import { appendFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { sendAll, startDevNode } from './node.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return Number(value);
};
const ACCOUNTS = option('--accounts', 100);
const PER_ACCOUNT = option('--per-account', 100);
const TOTAL = ACCOUNTS * PER_ACCOUNT;
const model = process.env.DAOLLM_MODEL;
const ort = process.env.ORT_DYLIB_PATH;
const nodeArgs = [
  ...(model && ort ? ['--inference-model', model, '--onnxruntime', ort] : []),
  // The proposer's debug lines say when it began to pull transactions from the pool.
  '-lbasic-authorship=debug',
  // Room for every transaction in the pool at once, in its ready queue and also in its future
  // queue (a tenth of these limits): a new block's view re-validates the pool in no particular
  // order, so a later nonce can wait in the future queue for its predecessor.
  '--pool-limit', String(10 * (TOTAL + 1000)),
  '--pool-kbytes', String(10 * (Math.ceil(TOTAL * 0.3) + 20000)),
  ...args,
];

/** Proposer timings by block number, from the node's log. */
const prepared = new Map();
/** When the proposer started on each block, and when it began to pull from the pool. */
const started = new Map();
const pulling = new Map();
let proposing = null;
const at = (line) => {
  const m = line.match(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})/);
  return m ? Date.parse(`${m[1].replace(' ', 'T')}Z`) : NaN;
};
let pending = '';
const logFile = process.env.LOAD_NODE_LOG;
const onLog = (chunk) => {
  if (logFile) appendFileSync(logFile, chunk);
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) {
    // "🙌 Starting consensus session on top of parent 0x… (#11)"
    let m = line.match(/Starting consensus session on top of parent \S+ \(#(\d+)\)/);
    if (m) {
      proposing = Number(m[1]) + 1;
      started.set(proposing, at(line));
    }
    // (debug) "Attempting to push transactions from the pool at 0x…": the pool's ready set is in
    // hand; the time before it is the proposer waiting for the pool's view of the parent.
    if (line.includes('Attempting to push transactions from the pool') && proposing !== null) {
      pulling.set(proposing, at(line));
    }
    // "🎁 Prepared block for proposing at 12 (498 ms) hash: 0x…; parent_hash: 0x…; end: …;
    // extrinsics_count: 1976"
    m = line.match(/Prepared block for proposing at (\d+) \((\d+) ms\).*end: ([A-Za-z]+)/);
    if (m) {
      const number = Number(m[1]);
      const waited = pulling.get(number) - started.get(number);
      prepared.set(number, { ms: Number(m[2]), waited: Number.isNaN(waited) ? 0 : waited, end: m[3] });
    }
  }
};

await cryptoWaitReady();
const node = await startDevNode(nodeArgs, { onLog });
const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
try {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const senders = Array.from({ length: ACCOUNTS }, (_, i) => keyring.addFromUri(`//Load//${i}`));
  const unit = 10n ** 12n;

  console.log(`funding ${ACCOUNTS} accounts from Alice`);
  await sendAll(api, senders.map((s) => api.tx.balances.transferKeepAlive(s.address, 1000n * unit)), alice);

  console.log(`signing ${TOTAL} transfers (${PER_ACCOUNT} per account)`);
  const signed = [];
  for (let n = 0; n < PER_ACCOUNT; n += 1) {
    for (const sender of senders) {
      const tx = api.tx.balances.transferKeepAlive(bob.address, unit);
      signed.push((await tx.signAsync(sender, { nonce: n, era: 0 })).toHex());
    }
  }

  const first = (await api.rpc.chain.getHeader()).number.toNumber() + 1;
  console.log(`submitting ${TOTAL} transfers from block #${first} on`);
  // In waves of one nonce: a transfer whose predecessor the pool has not validated yet waits in
  // its future queue, which holds a tenth of `--pool-limit`; sent all at once, most of 10 000
  // would overflow it and be dropped.
  const submittedAt = Date.now();
  const results = [];
  for (let n = 0; n < PER_ACCOUNT; n += 1) {
    const wave = signed.slice(n * ACCOUNTS, (n + 1) * ACCOUNTS);
    results.push(...await Promise.allSettled(wave.map((hex) => api.rpc.author.submitExtrinsic(hex))));
  }
  const refused = results.filter((r) => r.status === 'rejected');
  console.log(`submitted in ${((Date.now() - submittedAt) / 1000).toFixed(1)} s; the pool refused ${refused.length}`
    + (refused.length ? ` (${refused[0].reason.message})` : ''));

  // Follow the chain until every transfer landed (or 20 blocks passed with none).
  const rows = [];
  let landed = 0;
  let idle = 0;
  for (let number = first; landed < TOTAL - refused.length && idle < 20; number += 1) {
    while ((await api.rpc.chain.getHeader()).number.toNumber() < number) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const hash = await api.rpc.chain.getBlockHash(number);
    const block = await api.rpc.chain.getBlock(hash);
    const transfers = block.block.extrinsics
      .filter((x) => x.method.section === 'balances' && x.method.method === 'transferKeepAlive').length;
    landed += transfers;
    idle = transfers ? 0 : idle + 1;
    // The proposer's log line may come a moment after the block is imported.
    for (let wait = 0; !prepared.has(number) && wait < 20; wait += 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const timing = prepared.get(number) ?? { ms: NaN, waited: NaN, end: '?' };
    rows.push({ number, transfers, ...timing });
    console.log(`#${number}: ${transfers} transfers, authored in ${timing.ms} ms`
      + ` (${timing.waited} ms of it waiting for the pool; ${timing.end})`);
  }

  const full = rows.filter((r) => r.transfers > 0 && r.end !== 'NoMoreTransactions');
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
  if (full.length) {
    const ms = full.map((r) => r.ms);
    const perBlock = full.map((r) => r.transfers);
    console.log(`\nfull blocks: ${full.length}; transfers per full block: ${sorted(perBlock).join(', ')}`);
    console.log(`full-block authoring time: min ${Math.min(...ms)} ms, median ${median(ms)} ms, max ${Math.max(...ms)} ms`);
    const built = full.map((r) => r.ms - r.waited);
    console.log(`of which building (not waiting for the pool): min ${Math.min(...built)} ms, median ${median(built)} ms, max ${Math.max(...built)} ms`);
    console.log(`per transfer: ${(median(ms) * 1000 / median(perBlock)).toFixed(0)} µs (median block)`);
  } else {
    console.log('\nno block was filled: send more transfers (--per-account)');
  }
  console.log(`landed ${landed} of ${TOTAL} transfers in ${rows.filter((r) => r.transfers).length} blocks`);
} finally {
  await api.disconnect();
  await node.stop();
}
