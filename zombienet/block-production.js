// BABE on four validators: for a minute, every node's best and finalised heads are sampled; then
// the chain from block 1 is read back. Prints blocks per minute, the slots no block filled
// (missed slots), how many blocks came from primary (VRF-won) and secondary slots, and the
// finality lag; asserts that blocks keep coming (at least six a minute, of the ten slots) and
// that finality stays within five blocks of the best head.
const lib = require('./lib.js');

const SLOT_MS = 6_000;

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  const api = apis.alice;
  try {
    const lags = [];
    const from = await lib.bestNumber(api);
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      for (const name of Object.keys(apis)) {
        lags.push((await lib.bestNumber(apis[name])) - (await lib.finalizedNumber(apis[name])));
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
    const to = await lib.bestNumber(api);
    const minutes = (Date.now() - started) / 60_000;

    const slots = [];
    let primary = 0;
    for (let n = 1; n <= to; n += 1) {
      const header = await api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(n));
      const log = header.digest.logs.find((item) => item.isPreRuntime
        && item.asPreRuntime[0].toString() === 'BABE');
      lib.assert(log, `block #${n} has a BABE pre-digest`);
      const digest = api.createType('RawBabePreDigest', log.asPreRuntime[1]);
      lib.assert(digest.isPrimary || digest.isSecondaryVRF, `block #${n} carries a VRF output`);
      if (digest.isPrimary) primary += 1;
      const inner = digest.isPrimary ? digest.asPrimary : digest.asSecondaryVRF;
      slots.push(inner.slotNumber.toNumber());
    }
    const span = slots[slots.length - 1] - slots[0] + 1;
    const missed = span - slots.length;
    const perMinute = (to - from) / minutes;
    const maxLag = Math.max(...lags);
    const meanLag = lags.reduce((a, b) => a + b, 0) / lags.length;
    console.log(`BABE: ${perMinute.toFixed(1)} blocks/min over ${minutes.toFixed(2)} min (#${from} → #${to}); `
      + `blocks 1–${to}: ${slots.length} in ${span} slots, ${missed} missed `
      + `(${(100 * missed / span).toFixed(1)} %), ${primary} primary, ${slots.length - primary} secondary; `
      + `finality lag mean ${meanLag.toFixed(2)}, max ${maxLag} blocks (${lags.length} samples, ${SLOT_MS / 1000} s slots)`);
    lib.assert(perMinute >= 6, `blocks keep coming: ${perMinute.toFixed(1)} a minute`);
    lib.assert(maxLag <= 5, `finality keeps up: lag ${maxLag}`);
    return 1;
  } finally {
    await lib.disconnectAll(apis);
  }
}

module.exports = { run };
