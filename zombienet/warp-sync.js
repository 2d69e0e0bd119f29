// A fresh node warp-syncs to the BABE chain: started with `--sync warp` and the four validators
// as bootnodes (warp sync starts once it has three peers), it downloads GRANDPA's finality
// proof and the finalised state instead of every block, then follows the chain's head. Shown by
// its log ("Warp sync is complete"), by its finalised head reaching alice's, by state it can
// read at that head, and by the state of block 1, which it never had.
//
// The node runs on loopback on free ports, in the network's temporary directory, and is stopped
// when the script ends, whatever happens.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const lib = require('./lib.js');

/** A TCP port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The node's loopback p2p address, with its peer id. */
async function loopbackAddress(api) {
  const addresses = (await api.rpc.system.localListenAddresses()).map((a) => a.toString());
  const address = addresses.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/'));
  lib.assert(address, `a loopback listen address among ${addresses.join(', ')}`);
  return address;
}

/** `numberOf(api)`, or -1 while a syncing node cannot answer it yet (its finalised head moves
 * to the warp target before that block's header is stored). */
async function settled(numberOf, api) {
  try {
    return await numberOf(api);
  } catch (_) {
    return -1;
  }
}

async function run(_nodeName, networkInfo) {
  const apis = await lib.connectAll(networkInfo);
  let node;
  let fresh;
  try {
    const bootnodes = await Promise.all(lib.NODES.map((name) => loopbackAddress(apis[name])));
    const target = await lib.finalizedNumber(apis.alice);
    const [rpcPort, p2pPort] = [await freePort(), await freePort()];
    const base = path.join(networkInfo.tmpDir, 'warp');
    const logFile = path.join(networkInfo.tmpDir, 'warp.log');
    const log = fs.openSync(logFile, 'w');
    const args = [
      '--chain', networkInfo.chainSpecPath, '--base-path', base, '--name', 'warp',
      '--sync', 'warp', '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}/ws`,
      '--rpc-port', String(rpcPort), '--no-prometheus', '--no-telemetry', '--no-mdns',
      '--bootnodes', ...bootnodes,
    ];
    const started = Date.now();
    node = spawn(process.env.DAOLLM_NODE, args, { stdio: ['ignore', log, log] });
    const exited = new Promise((resolve) => node.on('exit', (code) => resolve(code)));

    // Its RPC server is up once a plain HTTP request answers (a WebSocket provider that tried
    // too early would keep waiting).
    const url = `127.0.0.1:${rpcPort}`;
    await lib.until(async () => {
      try {
        const res = await fetch(`http://${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
        });
        return res.ok;
      } catch (_) {
        return false;
      }
    }, 60, 'the fresh node answers RPC');
    fresh = await zombie.ApiPromise.create({ provider: new zombie.WsProvider(`ws://${url}`), noInitWarn: true });
    await lib.until(async () => (await settled(lib.finalizedNumber, fresh)) >= target, 240,
      `the fresh node finalises #${target}`);
    const synced = (Date.now() - started) / 1000;
    const tip = await lib.bestNumber(apis.alice);
    await lib.until(async () => (await settled(lib.bestNumber, fresh)) >= tip, 120,
      `the fresh node imports new blocks to #${tip}`);

    const text = fs.readFileSync(logFile, 'utf8');
    lib.assert(/Warp sync is complete/.test(text), `the node warp-synced (see ${logFile})`);
    const head = await fresh.rpc.chain.getFinalizedHead();
    const mine = await (await fresh.at(head)).query.computeNodes.nodes.entries();
    const alices = await (await apis.alice.at(head)).query.computeNodes.nodes.entries();
    lib.assertEqual(mine.length, alices.length, 'the compute-node registry at the finalised head');
    // It never executed block 1: that block's state is not in its database.
    const one = await fresh.rpc.chain.getBlockHash(1);
    let oldState = 'readable';
    try {
      await (await fresh.at(one)).query.system.number();
    } catch (_) {
      oldState = 'unavailable';
    }
    lib.assertEqual(oldState, 'unavailable', 'block 1 state on the warp-synced node');
    console.log(`a fresh node warp-synced to #${target} (finalised) in ${synced.toFixed(1)} s and `
      + `followed the chain to #${tip}; block 1's state is not in its database`);
    const code = await Promise.race([exited, Promise.resolve('running')]);
    lib.assertEqual(code, 'running', 'the fresh node is still running');
    return 1;
  } finally {
    if (fresh) await fresh.disconnect();
    await lib.disconnectAll(apis);
    if (node && node.exitCode === null) {
      node.kill('SIGTERM');
      await new Promise((resolve) => { node.on('exit', resolve); setTimeout(resolve, 10000); });
      if (node.exitCode === null) node.kill('SIGKILL');
    }
  }
}

module.exports = { run };
