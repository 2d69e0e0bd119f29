// Before dave goes down: records a finalised block with the chain's proposal count and the
// balances of the validators, for catch-up.js to compare with what dave has after its restart.
const fs = require('node:fs');
const lib = require('./lib.js');

async function run(_nodeName, networkInfo) {
  const api = await lib.connect(networkInfo, 'alice');
  try {
    const hash = await api.rpc.chain.getFinalizedHead();
    const at = await api.at(hash);
    const accounts = lib.NODES.map((n) => lib.devKey(n).address);
    const balances = {};
    for (const who of accounts) balances[who] = (await at.query.system.account(who)).data.toJSON();
    const snapshot = {
      hash: hash.toHex(),
      number: (await api.rpc.chain.getHeader(hash)).number.toNumber(),
      proposals: (await at.query.proposals.nextProposalId()).toNumber(),
      balances,
    };
    fs.writeFileSync(lib.stateFile('snapshot.json'), JSON.stringify(snapshot));
    console.log(`snapshot at finalised #${snapshot.number}: ${snapshot.proposals} proposals`);
    return 1;
  } finally {
    await api.disconnect();
  }
}

module.exports = { run };
