// After its restart, dave syncs to the tip and has lost nothing: at the block snapshot.js
// recorded it holds the same proposal count and balances, and at its finalised head the same
// proposal count and the balances alice has there (balances move on after the snapshot: a
// proposal's deposit is released when its spam window ends).
const fs = require('node:fs');
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const snapshot = JSON.parse(fs.readFileSync(lib.stateFile('snapshot.json')));
  const apis = await lib.connectAll(networkInfo, ['alice', 'dave']);
  try {
    const started = Date.now();
    const behind = (await lib.bestNumber(apis.alice)) - (await lib.bestNumber(apis.dave));
    const tip = await lib.bestNumber(apis.alice);
    await lib.until(async () => (await lib.bestNumber(apis.dave)) >= tip, 240, `dave reaches #${tip}`);
    const caughtUp = (Date.now() - started) / 1000;
    const finalized = await lib.finalizedNumber(apis.alice);
    await lib.until(async () => (await lib.finalizedNumber(apis.dave)) >= finalized, 240,
      `dave finalises #${finalized}`);
    console.log(`dave, ${behind} blocks behind once its RPC answered after the restart, reached the tip (#${tip}) ${caughtUp.toFixed(1)} s later and finality (#${finalized}) ${((Date.now() - started) / 1000).toFixed(1)} s later`);

    const then = await apis.dave.at(snapshot.hash);
    lib.assertEqual((await then.query.proposals.nextProposalId()).toNumber(), snapshot.proposals,
      'dave has the proposal count of the snapshot block');
    const headHash = await apis.dave.rpc.chain.getFinalizedHead();
    const head = await apis.dave.at(headHash);
    const aliceHead = await apis.alice.at(headHash);
    lib.assertEqual((await head.query.proposals.nextProposalId()).toNumber(), snapshot.proposals,
      'no proposal was lost or added');
    for (const [who, data] of Object.entries(snapshot.balances)) {
      lib.assertEqual((await then.query.system.account(who)).data.toJSON(), data, `${who} at the snapshot`);
      lib.assertEqual((await head.query.system.account(who)).data.toJSON(),
        (await aliceHead.query.system.account(who)).data.toJSON(), `${who} now, as alice has it`);
    }
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
