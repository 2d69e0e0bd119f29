// What the zombienet test scripts share: connecting to the network's nodes, signing, waiting for
// events, the shipped model's fixtures, and the state file the outage scripts hand over.
const fs = require('node:fs');
const path = require('node:path');
const { submittedProposal, taskOpened } = require('../node/tests/polkadot-js/tasks.cjs');
const { sendInBlock, sendAll } = require('../node/tests/polkadot-js/tx.cjs');

const UNIT = 10n ** 12n;
const MODEL_DIR = path.join(__dirname, '..', 'offchain-workers', 'model');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'manifest.json')));
const FIXTURES = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'fixtures.json')));
const NODES = ['alice', 'bob', 'charlie', 'dave'];

/** An API connected to node `name` of the network. */
async function connect(networkInfo, name) {
  const provider = new zombie.WsProvider(networkInfo.nodesByName[name].wsUri);
  return zombie.ApiPromise.create({ provider, noInitWarn: true });
}

// zombienet's own @polkadot/api predates metadata v16 and its view functions: the scripts read
// the same facts from storage.

/** The state at block `at` (a hash), or the best block's. */
const stateAt = async (api, at) => (at ? api.at(at) : api);

/** `who`'s node as the registry stores it, with its recent history (oldest first); `null` if
 * it runs none. */
async function nodeRecord(api, who, at) {
  const state = await stateAt(api, at);
  const [node, history] = await Promise.all([
    state.query.computeNodes.nodes(who), state.query.computeNodes.history(who)]);
  return node.isSome ? { ...node.unwrap().toPrimitive(), history: history.toPrimitive() } : null;
}

/** The result of judged task `task` (its outcome and the committee that judged it); `null`
 * while it is open. */
async function taskResult(api, task, at) {
  const result = await (await stateAt(api, at)).query.inference.results(task);
  return result.isSome ? result.unwrap().toPrimitive() : null;
}

/** The node's finalised block number. */
async function finalizedNumber(api) {
  const head = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(head)).number.toNumber();
}

/** The node's best block number. */
async function bestNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

/** APIs for every node, by name. */
async function connectAll(networkInfo, names = NODES) {
  const apis = {};
  for (const name of names) apis[name] = await connect(networkInfo, name);
  return apis;
}

async function disconnectAll(apis) {
  await Promise.all(Object.values(apis).map((api) => api.disconnect()));
}

/** The well-known development key `//Name`. */
function devKey(name) {
  return new zombie.Keyring({ type: 'sr25519' }).addFromUri(`//${name[0].toUpperCase()}${name.slice(1)}`);
}

/** Resolves to the first event `predicate` accepts in a new finalised block; fails after `blocks`. */
function waitForFinalizedEvent(api, predicate, blocks) {
  return waitForHeadEvent(api, predicate, blocks, 'subscribeFinalizedHeads');
}

/** Resolves to the first event `predicate` accepts in a new best block (which a fork may still
 * replace); fails after `blocks`. */
function waitForBestEvent(api, predicate, blocks) {
  return waitForHeadEvent(api, predicate, blocks, 'subscribeNewHeads');
}

/** Checks every block the subscription's heads lead through, oldest first: a head notification
 * names only the newest block, and GRANDPA finalises several at once, as a fork choice replaces
 * the best block's ancestors, so the blocks between two notified heads are walked back to by
 * parent hash (back to the first head's height, never twice the same block). */
function waitForHeadEvent(api, predicate, blocks, subscription) {
  const kind = subscription === 'subscribeFinalizedHeads' ? 'finalised' : 'best';
  return new Promise((resolve, reject) => {
    const checked = new Set();
    let from = null;
    let seen = 0;
    let done = false;
    let queue = Promise.resolve();
    let unsubscribe = () => {};
    const finish = (settle, value) => {
      done = true;
      unsubscribe();
      settle(value);
    };
    const check = async (head) => {
      from ??= head.number.toNumber();
      const path = [head];
      while (path[0].number.toNumber() > from && !checked.has(path[0].parentHash.toHex())) {
        path.unshift(await api.rpc.chain.getHeader(path[0].parentHash));
      }
      for (const header of path) {
        if (done || checked.has(header.hash.toHex())) continue;
        checked.add(header.hash.toHex());
        const events = await (await api.at(header.hash)).query.system.events();
        const found = events.find(({ event }) => predicate(event));
        if (found) {
          finish(resolve, { event: found.event, number: header.number.toNumber(), hash: header.hash });
        } else if (++seen > blocks) {
          finish(reject, new Error(`no such event in ${blocks} ${kind} blocks`));
        }
      }
    };
    api.rpc.chain[subscription]((head) => {
      queue = queue.then(() => (done ? undefined : check(head))).catch((e) => finish(reject, e));
    }).then((u) => {
      unsubscribe = u;
      if (done) u();
    });
  });
}

/** Resolves once `check()` is true, polling every second; fails after `seconds`. */
async function until(check, seconds, what) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s: ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A proposal of the dev set whose label the model gets right, with that label and its scores. */
function example(labelName) {
  const label = MANIFEST.labels.indexOf(labelName);
  const row = FIXTURES.dev.find((f) => f.label === label);
  if (!row) throw new Error(`no fixture labelled ${labelName}`);
  return { label, text: row.text, scores: row.scores };
}

/** Submits `text` as a proposal through `api`; resolves to its task, the block number it was
 * included in, and the committee. */
async function submitProposal(api, signer, title, text) {
  const body = `0x${Buffer.from(text, 'utf8').toString('hex')}`;
  const { blockHash, events } = await sendInBlock(api, api.tx.proposals.submitProposal(title, body), signer);
  const opened = await taskOpened(api, submittedProposal(api, events));
  const number = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return {
    task: opened.event.data.task.toNumber(),
    model: opened.event.data.model.toHex(),
    committee: opened.event.data.committee.map((a) => a.toString()),
    submittedAt: number,
  };
}

/** Where the outage scripts keep what they hand over (ZOMBIE_STATE_DIR, from scripts/zombienet.sh). */
function stateFile(name) {
  const dir = process.env.ZOMBIE_STATE_DIR;
  if (!dir) throw new Error('ZOMBIE_STATE_DIR is not set');
  return path.join(dir, name);
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function assertEqual(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`assertion failed: ${message}: ${a} !== ${e}`);
}

module.exports = {
  UNIT, MANIFEST, FIXTURES, NODES, connect, nodeRecord, taskResult, finalizedNumber, bestNumber, connectAll, disconnectAll, devKey,
  sendInBlock, sendAll, waitForFinalizedEvent, waitForBestEvent, until, example, submitProposal, stateFile, assert, assertEqual,
};
