// While dave is down, alice, bob and charlie (three of four GRANDPA voters, over two thirds)
// keep producing and finalising blocks: eight more finalised blocks, which dave will have to
// catch up on.
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo, ['alice', 'bob', 'charlie']);
  try {
    const start = { best: await lib.bestNumber(apis.alice), finalized: await lib.finalizedNumber(apis.alice) };
    const started = Date.now();
    for (const name of Object.keys(apis)) {
      await lib.until(async () => (await lib.finalizedNumber(apis[name])) >= start.finalized + 8, 150,
        `${name} finalises eight more blocks without dave`);
    }
    const best = await lib.bestNumber(apis.alice);
    console.log(`without dave: best #${start.best} → #${best}, finalised #${start.finalized} → #${await lib.finalizedNumber(apis.alice)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
