// How fast honest tasks are analysed under a flood: submits `--proposals` dev-set proposals at
// `--per-block` a block to a fresh `daollm-node --dev` running the shipped model, and prints, in
// blocks from each proposal's inclusion to its `TaskFinalized`, the median, p90 and maximum, and
// how many were analysed; and the node's resident memory (RSS, and its peak) when the first
// proposal is sent and after every hundred analyses.
//
//   DAOLLM_NODE=… node flood.mjs --proposals 300 --per-block 10 [--node-arg=--trie-cache-size=…]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { nextBlocks, sendAll, startDevNode } from './node.mjs';

const { values } = parseArgs({ options: {
  proposals: { type: 'string', default: '300' },
  'per-block': { type: 'string', default: '10' },
  'node-arg': { type: 'string', multiple: true, default: [] },
} });
const total = Number(values.proposals);
const perBlock = Number(values['per-block']);
const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));

const node = await startDevNode(['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname,
  ...values['node-arg']]);

/** The node's resident memory now and at its peak, in MiB (Linux `/proc`): anonymous memory (the
 * heap) apart from file pages (the binary, ONNX Runtime, the database's memory-mapped tables, which
 * the kernel takes back under pressure). */
function memory() {
  const status = readFileSync(`/proc/${node.pid}/status`, 'utf8');
  const mib = (key) => Math.round(Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))[1]) / 1024);
  return `RSS ${mib('VmRSS')} MiB (peak ${mib('VmHWM')} MiB; anonymous ${mib('RssAnon')}, files ${mib('RssFile')})`;
}
try {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  const authors = ['//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'].map((u) => keyring.addFromUri(u));
  const included = new Map();
  const finalised = new Map();
  const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
    const events = await api.query.system.events.at(header.hash).catch(() => []);
    for (const { event } of events) {
      if (api.events.inference.TaskFinalized.is(event)) {
        finalised.set(event.data.proposal.toNumber(), header.number.toNumber());
        if (finalised.size % 100 === 0) console.log(`# ${finalised.size} analysed: ${memory()}`);
      }
    }
  });
  console.log(`# before the flood: ${memory()}`);
  const texts = FIXTURES.dev.map((f) => f.text);
  for (let sent = 0; sent < total; sent += perBlock) {
    const batch = Array.from({ length: Math.min(perBlock, total - sent) }, (_, i) =>
      api.tx.proposals.submitProposal(`Flood ${sent + i}`,
        u8aToHex(new TextEncoder().encode(`${texts[(sent + i) % texts.length]}\n\n#${sent + i}`))));
    const author = authors[(sent / perBlock) % authors.length];
    sendAll(api, batch, author).then(async (results) => {
      for (const { blockHash, events } of results) {
        const number = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
        for (const { event } of events) {
          if (api.events.proposals.ProposalSubmitted.is(event)) included.set(event.data.id.toNumber(), number);
        }
      }
    });
    await nextBlocks(api);
  }
  for (let waited = 0; waited < 120 && finalised.size < total; waited += 1) {
    await nextBlocks(api);
  }
  const delays = [...included].filter(([id]) => finalised.get(id) != null)
    .map(([id, at]) => finalised.get(id) - at).sort((a, b) => a - b);
  const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
  console.log(`${delays.length}/${total} analysed; blocks from inclusion to TaskFinalized: p50 ${at(0.5)}, p90 ${at(0.9)}, max ${delays[delays.length - 1]}`);
  console.log(`# after the flood: ${memory()}`);
  unsubscribe();
  await api.disconnect();
} finally {
  await node.stop();
}
