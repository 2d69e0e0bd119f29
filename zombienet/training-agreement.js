// A federated training round on four validators: the shipped model's 20 fixture proposals are
// submitted and annotated until verified, a referendum opens a round over them, the four nodes'
// offchain workers each train on the round's examples but the fifth it holds back, and the three
// aggregators, each building the new model on its own node and scoring it beside the base on the
// held-back examples and the reference examples, reveal the same sha256 and the same scores: the
// build and the evaluation are deterministic across nodes. The agreed model becomes version 2 of
// the analysis model, recorded with its evaluation. Every trainer trains with the round's seed
// on the same examples, so the four updates are the same bytes.
//
// Trainers commit to their updates' hashes, then publish the bytes once the commitments close,
// so nobody can send another's update as its own. On the real chain: as soon as the publishing
// window opens, a drawn trainer's key (dave's, unless dave's worker was quicker) sends a
// self-consistent update of another shape (5 × 19 999, one feature short) before that trainer's
// worker publishes its own. The transaction pool refuses it (`CheckTrainingSeat` runs the
// chain's own checks, `training.WrongShape`): it never reaches a block, costs nothing and fills
// nothing, so no aggregator has to refuse the whole set, and the round goes on to the same kind
// of candidate from the four honest updates.
//
// The test's transactions come from accounts that run no node (Eve, Ferdie, their stashes),
// so their nonces never race the validators' offchain workers.
const lib = require('./lib.js');
const { submitReferendum } = require('../node/tests/polkadot-js/referendum.cjs');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  const api = apis.alice;
  try {
    const keyring = new zombie.Keyring({ type: 'sr25519' });
    const author = keyring.addFromUri('//Eve');
    // Accounts the spec endows with a million each; zombienet gives the validators' stashes
    // only a little, too little for twenty annotation bonds.
    const annotators = ['//Ferdie', '//Eve//stash', '//Ferdie//stash'].map((u) => keyring.addFromUri(u));
    const examples = lib.FIXTURES.dev;
    const started = Date.now();

    const first = (await api.query.proposals.nextProposalId()).toNumber();
    await lib.sendAll(api, examples.map((row, i) => api.tx.proposals.submitProposal(
      `Training example ${i}`, `0x${Buffer.from(row.text, 'utf8').toString('hex')}`)), author);
    // Each annotator bonds the least bond on the fixture's label; the labels settle when their
    // challenge windows (eight blocks on `local`) close.
    const bond = (await api.query.proposals.params()).minAnnotationBond.toBigInt();
    await Promise.all(annotators.map((annotator) => lib.sendAll(api,
      examples.map((row, i) => api.tx.proposals.annotate(first + i, row.label, bond, null)),
      annotator)));
    await lib.until(async () => (await api.query.proposals.counterForTrainingSet()).toNumber()
      === examples.length, 90, 'every example is verified');

    // The round opens by referendum on the `models` track (about eight blocks on `local`);
    // trainers commit until 20 blocks after that, and publish in the six after.
    const now = await lib.bestNumber(api);
    const deadline = now + 34;
    const open = api.tx.training.openRound(0, 1, { Range: { from: first, to: first + examples.length } },
      deadline, 100);
    const drawn = lib.waitForBestEvent(api, (e) => api.events.training.TrainersDrawn.is(e), 40);
    await submitReferendum(api, {
      call: open, track: 'models', signer: annotators[0], balance: 900_000n * lib.UNIT,
    });
    const refused = await sendWrongShape(api, (await drawn).event.data.round.toNumber());
    lib.assert(refused, 'a drawn trainer\'s key sent an update of another shape');

    const outcome = await lib.waitForFinalizedEvent(api, (e) =>
      api.events.training.CandidateRegistered.is(e) || api.events.training.RoundFailed.is(e),
      deadline - now + 30);
    lib.assert(api.events.training.CandidateRegistered.is(outcome.event),
      `the round failed: ${outcome.event.data.toString()}`);
    const round = outcome.event.data.round.toNumber();
    const sha256 = outcome.event.data.sha256.toHex();
    const record = (await api.query.training.rounds(round)).unwrap();
    if (record.trainers.length !== 4) {
      // Why a validator was not drawn: its status, reputation and record of judged work.
      for (const [key, node] of await api.query.computeNodes.nodes.entries()) {
        console.log(`node ${key.args[0].toString()}: ${JSON.stringify(node.unwrap().toHuman())}`);
      }
    }
    lib.assertEqual(record.trainers.length, 4, 'every validator trains');
    lib.assertEqual(record.updates.toNumber(), 4, 'every trainer committed its update');
    const attacked = (await api.query.training.updates(round, lib.devKey(refused.who).address))
      .unwrap();
    lib.assert(attacked.toJSON().hash !== refused.hash,
      `${refused.who}'s published update is its worker's`);
    const hashes = (await api.query.training.updates.entries(round))
      .map(([, update]) => update.unwrap().toJSON().hash);
    lib.assertEqual(new Set(hashes).size, 1, 'the four trainers, on four nodes, sent the same update');
    const reveals = await api.query.training.aggregateReveals.entries(round);
    lib.assertEqual(reveals.length, 3, 'three aggregators revealed');
    for (const [, answer] of reveals) {
      lib.assertEqual(answer.unwrap().model.toHex(), sha256, 'every aggregator built the same file');
      lib.assertEqual(answer.unwrap().evaluation.toHex(), outcome.event.data.evaluation.toHex(),
        'and measured the same scores');
    }
    const { kept, contributions } = reveals[0][1].unwrap();
    console.log(`kept ${kept.map((k) => k.isTrue)}; contributions `
      + `${contributions.map((c) => (c.toNumber() / 1e7).toFixed(1))} %`);
    const version = (await api.query.modelRegistry.versions(0, 2)).unwrap();
    lib.assertEqual(version.sha256.toHex(), sha256, 'the candidate is version 2');
    const { validation, reference } = version.evaluation.unwrap();
    lib.assertEqual(validation.examples.toNumber(), Math.ceil(examples.length / 5),
      'validated on the fifth held back');
    const samples = (await api.query.training.updates.entries(round))
      .map(([, update]) => update.unwrap().samples.toNumber());
    lib.assert(samples.every((n) => n === examples.length - validation.examples.toNumber()),
      `every trainer trained on the rest: ${samples}`);
    lib.assert(reference.examples.toNumber() > 0, 'scored on the reference examples');
    console.log(`evaluation: held back ${validation.candidate}/${validation.examples} (base`
      + ` ${validation.base}), reference ${reference.candidate}/${reference.examples} (base`
      + ` ${reference.base}); forgets: ${version.forgets.isTrue}`);
    console.log(`round ${round}: 4 trainers, 3 aggregators on 3 nodes built ${sha256}; candidate in`
      + ` #${outcome.number}, ${((Date.now() - started) / 1000).toFixed(1)} s after the first proposal`);
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

/** Waits for the last block of `round`'s commitments, then sends, with the `infr` key of a
 * drawn trainer that committed and has not published yet, a well-formed update of another shape
 * than the round's layer (5 × 19 999 weights and 5 biases, where the layer has 20 000 features):
 * the pool validates it for the next block, the publishing window's first, a block before the
 * trainers' workers publish (they wait for the block after the commitments closed). Resolves
 * with its hash and the trainer's name once the pool has refused it. Should every trainer have
 * published already, it tries on two later best blocks, then sends it from a drawn trainer's
 * key all the same: published or not, the pool refuses it and no block carries it. */
async function sendWrongShape(api, round) {
  const { commitDeadline } = (await api.query.training.rounds(round)).unwrap();
  await lib.until(async () => (await lib.bestNumber(api)) >= commitDeadline.toNumber(), 300,
    'the last block of the commitments');
  for (let attempt = 1; ; attempt += 1) {
    const record = (await api.query.training.rounds(round)).unwrap();
    const seated = record.trainers.map((seat) => seat.node.toString());
    const unpublished = new Set((await api.query.training.updates.entries(round))
      .filter(([, update]) => update.unwrap().toJSON().hash == null)
      .map(([key]) => key.args[1].toString()));
    const who = ['dave', 'charlie', 'bob', 'alice'].find((name) => {
      const address = lib.devKey(name).address;
      return seated.includes(address) && unpublished.has(address);
    });
    if (who) return sendMisfit(api, round, record, who);
    if (attempt >= 3) {
      // The workers published first: a trainer's key sends the misfit anyway, after its own;
      // the pool refuses it all the same (`AlreadyPublished` before the shape is looked at).
      const seatedName = ['dave', 'charlie', 'bob', 'alice']
        .find((name) => seated.includes(lib.devKey(name).address));
      return sendMisfit(api, round, record, seatedName);
    }
    console.log(`round ${round}: attempt ${attempt}: every trainer published; trying on a later block`);
    const at = await lib.bestNumber(api);
    await lib.until(async () => (await lib.bestNumber(api)) > at, 30, 'a new best block');
  }
}

/** `who`'s wrong-shape update for `round`: `{ hash, who }` once the pool refused it. */
async function sendMisfit(api, round, record, who) {
  const { labels, features } = record.shape;
  const misfit = features.toNumber() - 1;
  const values = labels.toNumber() * misfit + labels.toNumber();
  const update = api.createType('(H256, u32, u32, Vec<i32>)',
    [record.base, labels, misfit, new Array(values).fill(1)]).toU8a();
  const hash = api.registry.hash(update).toHex();
  const tx = api.tx.training.publishUpdate(round, `0x${Buffer.from(update).toString('hex')}`);
  const refusal = await new Promise((resolve, reject) => {
    tx.signAndSend(lib.devKey(who), { nonce: -1 }, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(`the wrong-shape update reached a block: ${dispatchError}`));
      else if (status.isInBlock) reject(new Error('the wrong-shape update was accepted'));
    }).catch(resolve);
  });
  lib.assert(/Invalid Transaction/i.test(String(refusal?.message ?? refusal)),
    `the pool refuses an update of another shape: ${refusal}`);
  console.log(`round ${round}: ${who}'s key sent a ${labels} × ${misfit} update; the pool refused it`);
  return { hash, who };
}

module.exports = { run };
