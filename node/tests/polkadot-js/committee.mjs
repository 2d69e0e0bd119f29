// A dev chain with two honest inference nodes, and what the committee tests do on it: register a
// node, submit the example proposal, follow its analysis round by round, lie in a round.
// The dev validator (//Alice) and a second honest node (//Charlie, whose `infr` key is put into
// the dev node's keystore, so the same offchain worker answers for both) run the shipped model;
// an attacker's node signs its own transactions from the test script.
import { after, before } from 'node:test';
import { readFileSync } from 'node:fs';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, randomAsU8a } from '@polkadot/util-crypto';
import { connect, sendAll, sendInBlock, startDevNode, view } from './node.mjs';
import { submittedProposal, taskOpened } from './tasks.cjs';

export const UNIT = 10n ** 12n;
const MODEL_DIR = new URL('../../../offchain-workers/model/', import.meta.url);
export const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
/** A treasury-funding proposal of the dev set, and the label the model gives it. */
export const EXAMPLE = FIXTURES.dev.find((f) => f.label === MANIFEST.labels.indexOf('treasury-funding'));
/** The label a liar reveals instead. */
export const LIE = MANIFEST.labels.indexOf('protocol-upgrade');

/**
 * Starts the dev node with the shipped model, connects, and registers //Charlie's honest node
 * beside the validator's. Resolves to the chain: `{ node, provider, api, keyring, alice, charlie,
 * register, record, submit, analysis, seatsOf, lie, stop }`.
 */
export async function startCommitteeChain() {
  const node = await startDevNode(['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname]);
  const { provider, api, keyring } = await connect(node);
  const alice = keyring.addFromUri('//Alice');
  const charlie = keyring.addFromUri('//Charlie');
  /** Registers `operator`'s node with `stake`, bound to `infr`, whose account gets 1 PROPOSAL. */
  async function register(operator, infr, stake) {
    const proof = u8aToHex(infr.sign(u8aConcat(stringToU8a('POP_'), operator.publicKey,
      api.genesisHash.toU8a())));
    await sendAll(api, [
      api.tx.computeNodes.registerNode(stake, infr.publicKey, proof),
      api.tx.balances.transferKeepAlive(infr.address, UNIT),
    ], operator);
  }

  /** A node's record (`ComputeNodes.node`): its counts of outcomes and slashes beside its stake
   * and reputation. */
  const record = async (who) => {
    const node = await view(api, 'ComputeNodes', 'node', [who.address]);
    return { ...node, ...node.stats };
  };

  /** Submits the example proposal from `author`; its id and its `TaskOpened` event. */
  async function submit(author) {
    const { events } = await sendInBlock(api, api.tx.proposals.submitProposal('Budget request',
      u8aToHex(new TextEncoder().encode(EXAMPLE.text))), author);
    const proposal = submittedProposal(api, events);
    return { proposal, opened: (await taskOpened(api, proposal)).event };
  }

  /** Follows `proposal`'s analysis from its first round's `TaskOpened` (`first`) to its end,
   * calling `onRound` on every round's `TaskOpened`; resolves to the agreed label (null if it
   * ended unanswered) and the rounds. */
  function analysis(proposal, first, onRound = async () => {}) {
    return new Promise((resolve, reject) => {
      const rounds = [first];
      onRound(first).catch(reject);
      let seen = 0;
      let unsubscribe = () => {};
      const end = (value) => { unsubscribe(); resolve(value); };
      api.query.system.events((events) => {
        for (const { event } of events) {
          const { inference } = api.events;
          if (inference.TaskOpened.is(event) && event.data.proposal.eq(proposal)
            && !rounds.some((r) => r.data.task.eq(event.data.task))) {
            rounds.push(event);
            onRound(event).catch(reject);
          } else if (inference.TaskFinalized.is(event) && event.data.proposal.eq(proposal)) {
            return end({ label: event.data.label.toNumber(), rounds });
          } else if (inference.AnalysisUnanswered.is(event) && event.data.proposal.eq(proposal)) {
            return end({ label: null, rounds });
          }
        }
        if (++seen > 80) { unsubscribe(); reject(new Error(`proposal ${proposal}: no end in 80 blocks`)); }
        return undefined;
      }).then((u) => { unsubscribe = u; }, reject);
    });
  }

  /** The seats `who` holds in the committee of `opened`. */
  function seatsOf(opened, who) {
    const i = opened.data.committee.findIndex((a) => a.toString() === who.address);
    return i < 0 ? 0 : opened.data.seats[i].toNumber();
  }

  /** The liar's script for one round: commits to `label` with the task's model, then reveals it
   * once every member has committed or the commit window has passed. */
  async function lie(opened, operator, infr, label) {
    const { task, model } = opened.data;
    if (seatsOf(opened, operator) === 0) return;
    const scores = MANIFEST.labels.map((_, i) => (i === label ? 10_000 : 0));
    const result = { label, scores, model, brief: { sentences: [], figures: [], signature: [] } };
    const salt = randomAsU8a(32);
    const commitment = blake2AsU8a(api.createType(
      '(DaollmPrimitivesInferenceInferenceResult, [u8; 32], AccountId32)',
      [result, salt, operator.address]).toU8a());
    await sendInBlock(api, api.tx.inference.commit(task, commitment), infr);
    for (;;) {
      const open = await api.query.inference.tasks(task);
      if (open.isNone) return;
      const t = open.unwrap();
      const now = (await api.rpc.chain.getHeader()).number.toNumber();
      if (now > t.commitEnd.toNumber() || t.commits.toNumber() + t.excused.toNumber() >= t.committee.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await sendInBlock(api, api.tx.inference.reveal(task, result, salt), infr);
  }

  // A second honest node served by the dev node's own worker.
  const infr = keyring.addFromUri('//Charlie//infr');
  await provider.send('author_insertKey', ['infr', '//Charlie//infr', u8aToHex(infr.publicKey)]);
  await register(charlie, infr, 10_000n * UNIT);
  const stop = async () => {
    await api.disconnect();
    await node.stop();
  };
  return {
    node, provider, api, keyring, alice, charlie, register, record, submit, analysis, seatsOf, lie, stop,
  };
}

/**
 * The chain of a test file: started before its first test, stopped after its last. The object
 * returned is filled in by then with what `startCommitteeChain` resolves to.
 */
export function committeeChainForTests() {
  const chain = {};
  before(async () => {
    Object.assign(chain, await startCommitteeChain());
  });
  after(async () => {
    await chain.stop?.();
  });
  return chain;
}
