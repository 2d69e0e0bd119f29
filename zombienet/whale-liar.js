// A whale that lies: dave's operator adds stake until its node holds more than the three honest
// nodes together, then commits and reveals a wrong label by hand (its node holds another model
// file, so its worker stays out of the way). Stake buys seats, never a heavier vote, and no node
// holds more than 8 of a committee's 25 seats: the honest nodes' seats carry the consensus, the
// label is the model's, and dave is judged disagreed and slashed, as every node records.
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  try {
    const api = apis.alice;
    const dave = lib.devKey('dave');
    const { label, text, scores } = lib.example('protocol-upgrade');
    const lie = lib.MANIFEST.labels.indexOf('treasury-funding');
    await lib.sendInBlock(api, api.tx.computeNodes.addStake(40_000n * lib.UNIT), dave);
    const whale = await lib.nodeRecord(api, dave.address);
    const others = await Promise.all(['alice', 'bob', 'charlie'].map((n) =>
      lib.nodeRecord(api, lib.devKey(n).address)));
    const honestStake = others.reduce((sum, n) => sum + BigInt(n.stake), 0n);
    lib.assert(BigInt(whale.stake) > honestStake, `dave stakes ${whale.stake}, the others ${honestStake}`);
    const params = (await api.query.computeNodes.params()).toJSON();

    const submitted = await lib.submitProposal(api, lib.devKey('alice'), 'Upgrade the protocol', text);
    const opened = (await api.query.inference.tasks(submitted.task)).unwrap();
    const seats = Object.fromEntries(opened.committee.map((m) => [m.node.toString(), m.seats.toNumber()]));
    lib.assert((seats[dave.address] ?? 0) > 0, 'dave sits on the committee');
    lib.assert(seats[dave.address] <= 8, `dave holds at most 8 of 25 seats: ${seats[dave.address]}`);
    console.log(`seats: ${JSON.stringify(seats)}`);

    // dave commits to the wrong label with the task's model, and reveals it when the window opens.
    const result = {
      label: lie,
      scores: lib.MANIFEST.labels.map((_, i) => (i === lie ? 10_000 : 0)),
      model: submitted.model,
      brief: { sentences: [], figures: [], signature: [] },
    };
    const salt = new Uint8Array(32).fill(7);
    const commitment = zombie.util.blake2AsHex(api.createType(
      '(DaollmPrimitivesInferenceInferenceResult, [u8; 32], AccountId32)',
      [result, salt, dave.address]).toU8a(), 256);
    await lib.sendInBlock(api, api.tx.inference.commit(submitted.task, commitment), dave);
    await lib.until(async () => {
      const task = await api.query.inference.tasks(submitted.task);
      if (task.isNone) return true;
      const t = task.unwrap();
      return t.commits.toNumber() >= t.committee.length
        || (await lib.bestNumber(api)) > t.commitEnd.toNumber();
    }, 120, 'the reveal window opens');
    await lib.sendInBlock(api, api.tx.inference.reveal(submitted.task, result, salt), dave);

    const { event, number } = await lib.waitForFinalizedEvent(api,
      (e) => api.events.inference.TaskFinalized.is(e) && e.data.task.toNumber() === submitted.task, 40);
    lib.assertEqual(event.data.label.toNumber(), label, 'consensus lands on the honest label');
    lib.assertEqual(event.data.scores.map((s) => s.toNumber()), scores, 'with the honest scores');
    lib.assertEqual(event.data.participation.toNumber(), 1_000_000_000, 'every seat revealed');
    console.log(`blocks from submission (#${submitted.submittedAt}) to finalised result (#${number}) with a lying whale: ${number - submitted.submittedAt}`);

    const hash = (await api.rpc.chain.getBlockHash(number)).toHex();
    const events = await (await api.at(hash)).query.system.events();
    const slashed = events.find(({ event: e }) => api.events.computeNodes.NodeSlashed.is(e));
    lib.assert(slashed && slashed.event.data.node.toString() === dave.address, 'dave is slashed');
    const expected = BigInt(whale.stake) * BigInt(params.disagreementSlash) / 1_000_000_000n;
    lib.assertEqual(slashed.event.data.amount.toBigInt().toString(), expected.toString(),
      'by the disagreement slash of its stake');
    for (const name of lib.NODES) {
      await lib.until(async () => (await lib.finalizedNumber(apis[name])) >= number, 60, `${name} finalises #${number}`);
      const record = await lib.nodeRecord(apis[name], dave.address, hash);
      lib.assertEqual(record.history.map((h) => h.outcome), ['Disagreed'], `${name} sees dave disagree`);
      lib.assertEqual(BigInt(record.stats.slashed).toString(), expected.toString(), `${name} sees dave's slash`);
      for (const honest of ['alice', 'bob', 'charlie']) {
        const r = await lib.nodeRecord(apis[name], lib.devKey(honest).address, hash);
        lib.assertEqual(r.history.map((h) => h.outcome), ['Agreed'], `${name} sees ${honest} agree`);
        lib.assertEqual(BigInt(r.stats.slashed).toString(), '0', `${name} sees ${honest} whole`);
      }
    }
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
