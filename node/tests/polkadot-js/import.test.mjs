// A DAO brings its proposals in one command: `scripts/import/import.mjs` against a real node,
// from a folder of Markdown files (with files the chain would refuse among them) and from a
// Snapshot export, twice — the second run submits nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, startDevNode, view } from './node.mjs';

const IMPORT = fileURLToPath(new URL('../../../scripts/import/import.mjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../scripts/import/fixtures/', import.meta.url));

let node;
let api;
let folder;

before(async () => {
  node = await startDevNode();
  ({ api } = await connect(node));
  // The fixture folder, and three files the chain would refuse.
  folder = mkdtempSync(join(tmpdir(), 'daollm-import-'));
  cpSync(join(FIXTURES, 'synthetix-sccp'), folder, { recursive: true });
  writeFileSync(join(folder, 'empty.md'), '---\ntitle: Nothing\n---\n\n');
  writeFileSync(join(folder, 'latin1.md'), Buffer.from('Caf\xe9 au lait', 'latin1'));
  writeFileSync(join(folder, 'huge.md'), `# Huge\n${'x'.repeat(70 * 1024)}\n`);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Runs the import command; resolves to `{ code, stdout, stderr }`. */
function importer(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [IMPORT, '--url', node.wsUrl, '--key', '//Alice', ...args],
      { timeout: 300_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? error.code : 0, stdout, stderr });
      });
  });
}

const text = (bytes) => Buffer.from(bytes).toString('utf8');

test('a folder is imported into a new space once, with each refusal named', async () => {
  const first = await importer(['--new-space', 'Synthetix', '--link', 'https://sips.synthetix.io',
    '--link-base', 'https://sips.synthetix.io/sccp/', '--from', folder]);
  assert.equal(first.code, 1, `three files fail: ${first.stdout}${first.stderr}`);
  assert.match(first.stdout, /registered space "Synthetix" as #0/);
  assert.match(first.stdout, /error empty\.md: empty body/);
  assert.match(first.stdout, /error latin1\.md: not UTF-8 text/);
  assert.match(first.stdout, /error huge\.md: body too long: \d+ bytes, the chain takes 65536/);
  assert.match(first.stdout, /5 \/ 5 {2}#\d+ sccp-\d+\.md {2}\(ETA 0 s\)/);
  assert.match(first.stdout, /summary: 5 submitted, 0 skipped \(already on chain\), 3 failed, into space #0/);

  const listed = await view(api, 'Spaces', 'proposals', [0, null, 100]);
  assert.equal(listed.length, 5);
  assert.deepEqual([...listed].sort((a, b) => b - a), listed, 'newest first');
  const space = await view(api, 'Spaces', 'space', [0]);
  assert.equal(text(space.name), 'Synthetix');
  assert.equal(space.stats.filed, 5);
  const proposal = await view(api, 'Proposals', 'proposal', [listed[0]]);
  assert.equal(proposal.space, 0);
  assert.match(text(proposal.origin), /^https:\/\/sips\.synthetix\.io\/sccp\/sccp-\d+\.md$/);
  assert.match(text(proposal.title), /\S/);

  const second = await importer(['--space', '0', '--from', folder]);
  assert.equal(second.code, 1, 'the same three files fail again');
  assert.match(second.stdout, /summary: 0 submitted, 5 skipped \(already on chain\), 3 failed/);
  assert.match(second.stdout, /skip sccp-10\.md: already on chain as #\d+/);
  assert.equal((await view(api, 'Spaces', 'proposals', [0, null, 100])).length, 5);
});

test('a Snapshot export is imported with its links, and a second run submits nothing', async () => {
  const { code: registered } = await importer(['--new-space', 'Synthetix Snapshot', '--from',
    join(FIXTURES, 'snapshot-synthetix.json'), '--dry-run']);
  assert.equal(registered, 0, 'a dry run changes nothing and succeeds');
  const before = (await api.query.spaces.nextSpaceId()).toNumber();

  const first = await importer(['--new-space', 'Synthetix Snapshot', '--from',
    join(FIXTURES, 'snapshot-synthetix.json')]);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /summary: 3 submitted, 0 skipped/);
  const listed = await view(api, 'Spaces', 'proposals', [before, null, 100]);
  assert.equal(listed.length, 3);
  const proposal = await view(api, 'Proposals', 'proposal', [listed[0]]);
  assert.match(text(proposal.origin), /^https:\/\/snapshot\.box\/#\/s:synthetix\.eth\/proposal\/0x/);

  const again = await importer(['--space', String(before), '--from',
    join(FIXTURES, 'snapshot-synthetix.json')]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /summary: 0 submitted, 3 skipped/);
});

test('bad usage is refused with the usage line and exit status 2', async () => {
  const { code, stderr } = await importer(['--from', folder]);
  assert.equal(code, 2);
  assert.match(stderr, /give one of --space and --new-space\nusage: import\.mjs/);
  const unknown = await importer(['--space', '9', '--from', folder]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /import failed: space #9 does not exist/);
});
