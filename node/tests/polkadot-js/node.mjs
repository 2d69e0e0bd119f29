// Starts a real `daollm-node --dev` on free loopback ports for a test, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import tx from './tx.cjs';
import views from './views.cjs';

const { describeError } = tx;
/** Signing and sending, shared with the zombienet scripts (`tx.cjs`). */
export const { sendInBlock, sendAll } = tx;
/** The runtime's view functions, shared with the zombienet scripts (`views.cjs`). */
export const { view } = views;

/** The node binary: `DAOLLM_NODE`, set by scripts/test.sh to the one cargo just built. */
export const NODE_BINARY = process.env.DAOLLM_NODE;

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The address a log line reports a server listening on, e.g. `addr=127.0.0.1:40123`. */
function listening(log, pattern) {
  const match = log.match(pattern);
  return match ? match[1] : null;
}

/**
 * Starts `daollm-node --dev` with `extraArgs`; resolves to `{ wsUrl, metricsUrl, base, stop, log }`
 * (`base`: the node's base path, removed when it stops). `onLog`, if given, sees every chunk of
 * the node's log as it comes. To stop a node and start it again on the same chain and address
 * (a restart, as a client sees it), pass the same `base` (then kept when it stops: the caller
 * removes it) and `rpcPort` both times.
 *
 * The node binds port 0 for RPC, Prometheus and p2p, and the test reads the ports it got from the
 * node's own log: no port is chosen before the node binds it, so nodes started side by side (the
 * client and app tests run in parallel) never race for one.
 */
export async function startDevNode(extraArgs = [], { onLog, base: keptBase, rpcPort = 0 } = {}) {
  if (!NODE_BINARY) throw new Error('set DAOLLM_NODE to the daollm-node binary');
  const base = keptBase ?? mkdtempSync(join(tmpdir(), 'daollm-js-'));
  const removeBase = () => { if (!keptBase) rmSync(base, { recursive: true, force: true }); };
  const child = spawn(NODE_BINARY, [
    '--dev', '--no-telemetry', '--no-mdns', '--base-path', base,
    '--rpc-port', String(rpcPort), '--prometheus-port', '0',
    '--listen-addr', '/ip4/127.0.0.1/tcp/0', ...extraArgs,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let head = '';
  child.stderr.on('data', (chunk) => {
    const text = chunk.toString();
    if (head.length < 20000) head = (head + text).slice(0, 20000);
    log = (log + text).slice(-20000);
    onLog?.(text);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
    removeBase();
  };
  // Why the node is gone or not serving: the end of its log, where the reason is, first.
  const failure = (what) => {
    const tail = log.trimEnd().split('\n').slice(-30).join('\n');
    return new Error(`${what}; the last lines of its log:\n${tail}`);
  };

  // Wait until the node reports its RPC and Prometheus addresses and the RPC answers.
  const deadline = Date.now() + 120000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      removeBase();
      throw failure(`daollm-node exited early (exit code ${child.exitCode}, signal ${child.signalCode})`);
    }
    const rpc = listening(head, /Running JSON-RPC server: addr=([0-9.]+:[0-9]+)/);
    const metrics = listening(head, /Prometheus exporter started at ([0-9.]+:[0-9]+)/);
    const ok = rpc && metrics && await fetch(`http://${rpc}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
    }).then((r) => r.ok, () => false);
    if (ok) {
      return {
        wsUrl: `ws://${rpc}`,
        metricsUrl: `http://${metrics}/metrics`,
        base,
        pid: child.pid,
        stop,
        log: () => log,
      };
    }
    if (Date.now() > deadline) { await stop(); throw failure('the node\'s RPC did not come up in 120 s'); }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Connects `@polkadot/api` to a started node: `{ provider, api, keyring }` (an sr25519 keyring). */
export async function connect(node) {
  await cryptoWaitReady();
  const provider = new WsProvider(node.wsUrl);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  return { provider, api, keyring: new Keyring({ type: 'sr25519' }) };
}

/** Resolves to the first event `predicate` accepts in a new block; fails after `blocks` blocks. */
export function waitForEvent(api, predicate, blocks = 20) {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let unsubscribe = () => {};
    api.query.system.events((events) => {
      const found = events.find(({ event }) => predicate(event));
      if (found) { unsubscribe(); resolve(found.event); }
      else if (++seen > blocks) { unsubscribe(); reject(new Error(`no such event in ${blocks} blocks`)); }
    }).then((u) => { unsubscribe = u; });
  });
}

/** Resolves once the best block is at least `number`. */
export function waitForBlock(api, number) {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe = null;
    api.rpc.chain.subscribeNewHeads((header) => {
      if (done || header.number.toNumber() < number) return;
      done = true;
      unsubscribe?.();
      resolve();
    }).then((u) => { unsubscribe = u; if (done) u(); }, reject);
  });
}

/** Resolves once `count` more blocks are in (after the best block now). */
export async function nextBlocks(api, count = 1) {
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitForBlock(api, now + count);
}

/** Signs and sends `tx` with `signer`; resolves to its finalized block hash and events. */
export function sendAndFinalize(api, tx, signer, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not finalized within ${timeoutMs} ms`)), timeoutMs);
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        clearTimeout(timer);
        reject(new Error(describeError(api, dispatchError)));
      }
      if (status.isFinalized) {
        clearTimeout(timer);
        resolve({ blockHash: status.asFinalized, events });
      }
    }).catch((e) => { clearTimeout(timer); reject(e); });
  });
}

/** The shipped analysis model's folder, its manifest and its fixtures. */
export const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
export const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
export const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
/** The node arguments that load the shipped model: the dev validator then analyses proposals. */
export const WITH_SHIPPED_MODEL = ['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname];

/** Everything `address` owns, free and held, in planck. */
export async function owned(api, address) {
  const { data } = await api.query.system.account(address);
  return data.free.toBigInt() + data.reserved.toBigInt();
}
