// dave's node holds only a different model file, so it cannot answer a task naming the active
// model: the three honest nodes' answers still carry the consensus, and dave is slashed and
// marked as having missed the task, as pallet-inference judges and the compute-node registry
// records.
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  try {
    const { label, text, scores } = lib.example('protocol-upgrade');
    const submitted = await lib.submitProposal(apis.alice, lib.devKey('alice'), 'Upgrade the protocol', text);
    lib.assertEqual(submitted.committee.length, 4, 'all four nodes sit on the committee');
    const dave = lib.devKey('dave').address;
    const params = (await apis.alice.query.computeNodes.params()).toJSON();
    const stakeBefore = BigInt((await lib.rpc(apis.alice, 'inference_node', dave)).stake);

    const { event, number } = await lib.waitForFinalizedEvent(apis.alice,
      (e) => apis.alice.events.inference.TaskFinalized.is(e) && e.data.task.toNumber() === submitted.task, 40);
    lib.assertEqual(event.data.label.toNumber(), label, 'consensus lands on the honest label');
    lib.assertEqual(event.data.scores.map((s) => s.toNumber()), scores, 'with the honest scores');
    lib.assertEqual(event.data.participation.toNumber(), 750_000_000, 'three of four equal stakes revealed');
    console.log(`blocks from submission (#${submitted.submittedAt}) to finalised result (#${number}) with one node wrong: ${number - submitted.submittedAt}`);

    const hash = (await apis.alice.rpc.chain.getBlockHash(number)).toHex();
    const events = await (await apis.alice.at(hash)).query.system.events();
    const slashed = events.find(({ event: e }) => apis.alice.events.computeNodes.NodeSlashed.is(e));
    lib.assert(slashed && slashed.event.data.node.toString() === dave, 'dave is slashed');
    const expected = stakeBefore * BigInt(params.missSlash) / 1_000_000_000n;
    lib.assertEqual(slashed.event.data.amount.toBigInt().toString(), expected.toString(),
      'by the miss slash of its stake');
    for (const name of lib.NODES) {
      await lib.until(async () => (await lib.finalizedNumber(apis[name])) >= number, 60, `${name} finalises #${number}`);
      const record = await lib.rpc(apis[name], 'inference_node', dave, hash);
      lib.assertEqual(record.history.map((h) => h.outcome), ['missed'], `${name} sees dave miss`);
      lib.assertEqual(record.slashed, expected.toString(), `${name} sees dave's slash`);
      const honest = await lib.rpc(apis[name], 'inference_node', lib.devKey('alice').address, hash);
      lib.assertEqual(honest.history.map((h) => h.outcome), ['agreed'], `${name} sees alice agree`);
    }
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
