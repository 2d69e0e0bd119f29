// A proposal submitted to alice is analysed by the four nodes' offchain workers; the task's
// result is finalised with the model's label and an agreed brief, and every node reports the same
// result (with the committee that judged it) and the same record for every member.
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  try {
    const { label, text, scores } = lib.example('treasury-funding');
    const alice = lib.devKey('alice');
    const submitted = await lib.submitProposal(apis.alice, alice, 'Fund the audit', text);
    lib.assertEqual(submitted.committee.length, 4, 'all four nodes sit on the committee');
    lib.assertEqual(submitted.model, `0x${lib.MANIFEST.sha256}`, 'the task runs the shipped model');

    const { event, number } = await lib.waitForFinalizedEvent(apis.alice,
      (e) => apis.alice.events.inference.TaskFinalized.is(e) && e.data.task.toNumber() === submitted.task, 40);
    lib.assertEqual(event.data.label.toNumber(), label, 'the consensus label is the model\'s');
    lib.assertEqual(event.data.scores.map((s) => s.toNumber()), scores, 'the scores are Python\'s bytes');
    lib.assertEqual(event.data.participation.toNumber(), 1_000_000_000, 'every member revealed');
    // A field of the brief is agreed only if two thirds of the stake gave the same bytes.
    const { brief } = event.data;
    lib.assert(brief.sentences.length > 0 && brief.signature.length > 0,
      `the four nodes agreed on the brief: ${JSON.stringify(brief.toJSON())}`);
    console.log(`blocks from submission (#${submitted.submittedAt}) to finalised result (#${number}) across four nodes: ${number - submitted.submittedAt}`);

    // Every node reports the same judged task and the same member records.
    const reference = await lib.taskResult(apis.alice, submitted.task);
    lib.assertEqual(reference?.outcome.consensus?.label, label, 'the result holds the label');
    lib.assertEqual(reference.committee.map((m) => m.node).sort(),
      [...submitted.committee].sort(), 'and the committee that judged it');
    const body = Buffer.from(text);
    for (const span of reference.outcome.consensus.brief.sentences) {
      lib.assert(/\S/.test(body.subarray(span.start, span.end).toString()),
        `a key sentence is a byte range of the body: ${JSON.stringify(span)}`);
    }
    for (const name of lib.NODES) {
      const api = apis[name];
      await lib.until(async () => (await lib.finalizedNumber(api)) >= number, 60, `${name} finalises #${number}`);
      const hash = (await api.rpc.chain.getBlockHash(number)).toHex();
      const task = await lib.taskResult(api, submitted.task, hash);
      lib.assertEqual(task, reference, `${name} reports the same task`);
      for (const member of submitted.committee) {
        const record = await lib.nodeRecord(api, member, hash);
        lib.assertEqual(record.history.map((h) => h.outcome), ['Agreed'], `${name} sees ${member} agree`);
      }
    }
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
