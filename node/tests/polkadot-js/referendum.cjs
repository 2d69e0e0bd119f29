// One OpenGov referendum as a DAO member makes it in polkadot.js apps: note the call's preimage,
// submit it on the track of `origin`, place the decision deposit and vote aye with conviction,
// all in one block (consecutive nonces); then the scheduler enacts it. Shared by the
// polkadot.js tests (ESM) and the zombienet scripts (CommonJS), hence `.cjs`.

const { sendAll } = require('./tx.cjs');

/** The origins of the tracks, as polkadot.js encodes an `OriginCaller`. */
const TRACKS = {
  root: { system: 'Root' },
  whitelistedCaller: { Origins: 'WhitelistedCaller' },
  models: { Origins: 'ModelRegistrar' },
  parameters: { Origins: 'ParameterSetter' },
  spam: { Origins: 'SpamRemover' },
};

/** The scheduler's name for referendum `index`'s enactment: blake2-256 of
 * SCALE(`b"assembly"`, `"enactment"`, index), as pallet-referenda names it. */
function enactmentId(api, index) {
  const key = api.createType('([u8;8], Text, u32)', [Buffer.from('assembly'), 'enactment', index]);
  return api.registry.hash(key.toU8a()).toHex();
}

/**
 * Submits `call` as a referendum on `track` (a key of `TRACKS`) from `signer`, who places the
 * decision deposit and votes `balance` aye at `conviction`. `after` delays the enactment by
 * that many blocks past the track's minimum. Resolves to the referendum's index and the
 * scheduler id of its enactment, once all four transactions are in a block.
 */
async function submitReferendum(api, { call, track, signer, balance, conviction = 'Locked1x', after = 0 }) {
  const bytes = call.method.toU8a();
  const hash = api.registry.hash(bytes).toHex();
  return backReferendum(api, {
    // As hex: polkadot.js reads a Uint8Array argument of type `Bytes` as already length-prefixed.
    opening: [api.tx.preimage.notePreimage(call.method.toHex()),
      api.tx.referenda.submit(TRACKS[track], { Lookup: { hash, len: bytes.length } }, { After: after })],
    signer, balance, conviction,
  });
}

/**
 * Opens the next referendum with the transactions `opening` (a `referenda.submit`, or a call
 * that submits one such as `modelRegistry.proposeActivation`), then from `signer` places its
 * decision deposit and votes `balance` aye at `conviction`, all in one block. Resolves like
 * `submitReferendum`.
 */
async function backReferendum(api, { opening, signer, balance, conviction = 'Locked1x' }) {
  const index = (await api.query.referenda.referendumCount()).toNumber();
  await sendAll(api, [
    ...opening,
    api.tx.referenda.placeDecisionDeposit(index),
    api.tx.convictionVoting.vote(index, { Standard: { vote: { aye: true, conviction }, balance } }),
  ], signer);
  return { index, enactment: enactmentId(api, index) };
}

/** Whether `event` is the scheduler dispatching the enactment `id` (from `submitReferendum`). */
function isEnactment(api, event, id) {
  return api.events.scheduler.Dispatched.is(event) && event.data.id.isSome
    && event.data.id.unwrap().toHex() === id;
}

module.exports = { TRACKS, backReferendum, enactmentId, isEnactment, submitReferendum };
