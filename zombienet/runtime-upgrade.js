// A runtime upgrade through governance, on a chain with no sudo: alice proposes
// `system.authorizeUpgrade(hash)` of the bumped runtime (DAOLLM_UPGRADE_WASM, spec_version + 1),
// votes it through, and once it is enacted submits `system.applyAuthorizedUpgrade(code)`. All four
// nodes switch to the new runtime without a restart and keep producing and finalising blocks.
const fs = require('node:fs');
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  try {
    const code = fs.readFileSync(process.env.DAOLLM_UPGRADE_WASM);
    const codeHash = zombie.util.blake2AsHex(code, 256);
    const before = (await apis.alice.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    const alice = lib.devKey('alice');
    const started = Date.now();

    const params = (await apis.alice.query.modelGovernance.params()).toJSON();
    const authorize = apis.alice.tx.system.authorizeUpgrade(codeHash);
    const { events } = await lib.sendInBlock(apis.alice,
      apis.alice.tx.modelGovernance.propose(authorize, BigInt(params.minDeposit)), alice);
    const index = events.find(({ event }) => apis.alice.events.modelGovernance.Submitted.is(event))
      .event.data.index.toNumber();
    // 900,000 PROPOSAL at 1×: over the local chain's 5% quorum on its own.
    await lib.sendInBlock(apis.alice,
      apis.alice.tx.modelGovernance.vote(index, true, 900_000n * lib.UNIT, 'Locked1x'), alice);
    const window = params.votingPeriod + params.enactmentDelay + 10;
    await lib.waitForFinalizedEvent(apis.alice, (e) => apis.alice.events.modelGovernance.Enacted.is(e)
      && e.data.index.toNumber() === index, window);
    lib.assert((await apis.alice.query.system.authorizedUpgrade()).isSome, 'the upgrade is authorised');

    const applied = await lib.sendInBlock(apis.alice, apis.alice.tx.system.applyAuthorizedUpgrade(`0x${code.toString('hex')}`), alice);
    lib.assert(applied.events.some(({ event }) => apis.alice.events.system.CodeUpdated.is(event)),
      'the code was updated');
    const upgradedAt = (await apis.alice.rpc.chain.getHeader(applied.blockHash)).number.toNumber();

    for (const name of lib.NODES) {
      const api = apis[name];
      await lib.until(async () => (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber() === before + 1,
        120, `${name} runs spec_version ${before + 1}`);
      await lib.until(async () => (await lib.finalizedNumber(api)) >= upgradedAt + 3, 120,
        `${name} finalises three blocks past the upgrade`);
    }
    console.log(`runtime ${before} → ${before + 1} through referendum ${index}, applied in #${upgradedAt}, on all four nodes ${((Date.now() - started) / 1000).toFixed(1)} s after the proposal`);
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
