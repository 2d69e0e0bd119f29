import { startDevNode, connect } from '/work/main/node/tests/polkadot-js/node.mjs';
import views from '/work/main/node/tests/polkadot-js/views.cjs';
const node = await startDevNode();
const { api, keyring } = await connect(node);
const alice = keyring.addFromUri('//Alice');
try {
  console.log(JSON.stringify(await views.view(api, 'ComputeNodes', 'node', [alice.address])).slice(0, 600));
  console.log(JSON.stringify(await views.view(api, 'ComputeNodes', 'leaderboard', [3])).slice(0, 200));
  console.log(JSON.stringify(await views.view(api, 'Rewards', 'pending', [alice.address])));
  console.log(JSON.stringify(await views.view(api, 'Rewards', 'current_epoch_end', [])));
  console.log(JSON.stringify(await views.view(api, 'Proposals', 'proposal', [0])));
  console.log(JSON.stringify(await views.view(api, 'Proposals', 'contributions', [alice.address])));
  console.log(JSON.stringify(await views.view(api, 'Inference', 'proposal_task', [0])));
  const h = await api.rpc.chain.getBlockHash(1);
  console.log(JSON.stringify(await views.view(api, 'Rewards', 'current_epoch_end', [], h)));
} finally { await api.disconnect(); await node.stop(); }
