// Sending transactions from the JS tests: one way to sign and wait for a block, one way to name
// a dispatch error. Shared by the polkadot.js client tests (ESM) and the zombienet scripts
// (CommonJS), hence `.cjs`.

/** `section.Name` of a module error (from the metadata), or the error's text. */
function describeError(api, dispatchError) {
  if (!dispatchError.isModule) return dispatchError.toString();
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}`;
}

/** Signs and sends `tx` with `signer` (the pool's next nonce for it unless `nonce` is given);
 * resolves to its block hash and events once it is in a block, rejects with the dispatch
 * error's name. */
function sendInBlock(api, tx, signer, nonce = -1) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, { nonce }, ({ status, events, dispatchError }) => {
      if (dispatchError) reject(new Error(describeError(api, dispatchError)));
      else if (status.isInBlock) resolve({ blockHash: status.asInBlock, events });
    }).catch(reject);
  });
}

/** Sends `txs` signed by `signer` with consecutive nonces, all at once; resolves once every one
 * is in a block (to their results, in order). */
async function sendAll(api, txs, signer) {
  const first = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  return Promise.all(txs.map((tx, i) => sendInBlock(api, tx, signer, first + i)));
}

module.exports = { describeError, sendInBlock, sendAll };
