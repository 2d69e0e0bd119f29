// A runtime upgrade through governance, on a chain with no sudo: alice submits
// `system.authorizeUpgrade(hash)` of the bumped runtime (DAOLLM_UPGRADE_WASM, spec_version + 1) as
// a referendum on the OpenGov `root` track, votes it through, and once the scheduler has enacted it
// submits `system.applyAuthorizedUpgrade(code)`. All four nodes switch to the new runtime without
// a restart and keep producing and finalising blocks.
const fs = require('node:fs');
const lib = require('./lib.js');
const { isEnactment, submitReferendum } = require('../node/tests/polkadot-js/referendum.cjs');

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  try {
    const code = fs.readFileSync(process.env.DAOLLM_UPGRADE_WASM);
    const codeHash = zombie.util.blake2AsHex(code, 256);
    const before = (await apis.alice.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    const alice = lib.devKey('alice');
    const started = Date.now();

    const authorize = apis.alice.tx.system.authorizeUpgrade(codeHash);
    // 900,000 PROPOSAL at 1×: over the local tracks' 5% support on its own.
    const { index, enactment } = await submitReferendum(apis.alice, {
      call: authorize, track: 'root', signer: alice, balance: 900_000n * lib.UNIT,
    });
    const enacted = await lib.waitForFinalizedEvent(apis.alice,
      (e) => isEnactment(apis.alice, e, enactment), 40);
    lib.assert(enacted.event.data.result.isOk, `the authorisation was enacted: ${enacted.event.data.result}`);
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
