// The app end to end: the production build (app/dist) served on loopback, driven in Debian's
// headless Chromium (playwright-core, no browser download) against a real `daollm-node --dev`
// whose validator analyses proposals with the shipped model. What the page shows is checked
// against what the chain finalised, read with the same client library in Node.
//
// Each step saves a screenshot of its view in app/test-results/ (the closing note's pictures);
// a failing step saves `failure-<step>.png` there too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createClient } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { getPolkadotSigner } from 'polkadot-api/signer';
import { Binary, Twox128 } from '@polkadot-api/substrate-bindings';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy } from '@polkadot-labs/hdkd-helpers';
import { daollm } from '@polkadot-api/descriptors';
import { getMetadataFromRuntime } from '@polkadot-api/wasm-executor/node';
import { freePort, startDevNode } from '../../node/tests/polkadot-js/node.mjs';

const APP = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(APP, 'dist');
const RESULTS = join(APP, 'test-results');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MODEL_DIR = new URL('../../offchain-workers/model/', import.meta.url);
const MANIFEST = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR)));
const FIXTURES = JSON.parse(readFileSync(new URL('fixtures.json', MODEL_DIR)));
const FIXTURE = JSON.parse(readFileSync(new URL('../../primitives/brief/tests/fixtures/figures.json', import.meta.url)))
  .proposals.find((p) => p.id === 'makerdao:MIP40c3-SP53');
const UNIT = 10n ** 12n;
// The rewards epoch of this chain, shortened through sudo (runtime `:EpochBlocks:`).
const EPOCH_BLOCKS = 10;

const derive = sr25519CreateDerive(entropyToMiniSecret(mnemonicToEntropy(DEV_PHRASE)));
const dev = (name) => {
  const pair = derive(`//${name}`);
  return { publicKey: pair.publicKey, signer: getPolkadotSigner(pair.publicKey, 'Sr25519', pair.sign) };
};
const alice = dev('Alice');
const bob = dev('Bob');

let node;
let server;
let appUrl;
let browser;
let page;
let client;
let api;
let proposalId;
let addresses;

/** Serves app/dist, as any static web server would. */
function serve(root) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };
  const s = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

/** Runs `body`; on failure saves a screenshot of the page, then fails. */
async function step(name, body) {
  try {
    await body();
    await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
  } catch (e) {
    await page?.screenshot({ path: join(RESULTS, `failure-${name}.png`), fullPage: true }).catch(() => undefined);
    throw e;
  }
}

/** Opens the app at `route` (`#/…`) against the test node. */
async function open(route) {
  await page.goto(`${appUrl}/?rpc=${encodeURIComponent(node.wsUrl)}#/${route}`);
  await page.getByTestId('finalized').waitFor({ timeout: 60_000 });
}

/** Chooses a dev account in the picker by its name. */
async function chooseAccount(name) {
  const picker = page.getByTestId('account');
  await picker.waitFor();
  const value = await picker.locator('option', { hasText: `${name} (dev)` }).getAttribute('value');
  await picker.selectOption(value);
}

/** Waits for the transaction progress shown in `scope` to reach "finalised" (or fails with its words). */
async function finalised(scope = page) {
  const done = scope.locator('[data-testid=tx-progress][data-stage=finalized], [data-testid=tx-error]').first();
  await done.waitFor({ timeout: 120_000 });
  if ((await done.getAttribute('data-testid')) === 'tx-error') assert.fail(`the transaction failed: ${await done.textContent()}`);
}

/**
 * Shortens the rewards epoch of the test chain to `EPOCH_BLOCKS` (runtime `:EpochBlocks:`, through
 * sudo): the running epoch then ends within a minute.
 */
/** What the committee agreed on for proposal `id`, read through the typed view functions. */
async function consensusOf(id) {
  const task = await api.view.Inference.proposal_task(id);
  assert.equal(task?.status.type, 'Judged', `proposal ${id} is judged`);
  assert.equal(task.status.value.outcome.type, 'Consensus');
  return task.status.value.outcome.value;
}

async function shortenEpochs() {
  const key = Binary.fromText(':EpochBlocks:');
  const value = new Uint8Array(new Uint32Array([EPOCH_BLOCKS]).buffer);
  const setStorage = api.tx.System.set_storage({ items: [[Twox128(key), value]] });
  const sudo = await api.tx.Sudo.sudo({ call: setStorage.decodedCall }).signAndSubmit(alice.signer);
  assert.ok(sudo.ok, 'sudo set :EpochBlocks:');
  // Read at the finalised block: the best block may be a few ahead, past a multiple of ten.
  const { number, hash } = await client.getFinalizedBlock();
  const end = await api.view.Rewards.current_epoch_end({ at: hash });
  assert.ok(end - number <= EPOCH_BLOCKS, `the epoch ends at #${end}, now #${number}`);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/env.sh setup installs Debian's chromium`);
  assert.ok(existsSync(join(DIST, 'index.html')), 'app/dist is missing: run `npm run build` in app/ first');
  mkdirSync(RESULTS, { recursive: true });
  node = await startDevNode(['--inference-model', new URL(MANIFEST.file, MODEL_DIR).pathname]);
  server = await serve(DIST);
  appUrl = `http://127.0.0.1:${server.address().port}`;
  client = createClient(getWsProvider(node.wsUrl));
  api = client.getTypedApi(daollm);
  const { AccountId } = await import('@polkadot-api/substrate-bindings');
  const encode = AccountId(42).dec;
  addresses = { alice: encode(alice.publicKey), bob: encode(bob.publicKey), charlie: encode(dev('Charlie').publicKey) };

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  client?.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  await node?.stop();
});

test('the committed descriptors were generated from this runtime (regenerate with `npm run metadata`)', async () => {
  // The metadata of the node's runtime Wasm (`:code`), computed as `papi add --wasm` computes
  // it: constants at their defaults, not at this chain's (a dev chain's timings differ).
  const response = await fetch(node.wsUrl.replace(/^ws/, 'http'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'state_getStorage', params: ['0x3a636f6465'] }),
  });
  const code = (await response.json()).result;
  const metadata = getMetadataFromRuntime(code);
  const committed = readFileSync(join(APP, '.papi/metadata/daollm.scale')).toString('hex');
  assert.ok(metadata.endsWith(committed),
    'app/.papi/metadata/daollm.scale is not this runtime\'s metadata: run `npm run metadata` in app/');
});

test('first load: what the proposals view downloads and how soon it shows final state', async () => {
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const started = Date.now();
    await fresh.goto(`${appUrl}/?rpc=${encodeURIComponent(node.wsUrl)}#/proposals`);
    await fresh.getByTestId('finalized').waitFor({ timeout: 60_000 });
    const shown = Date.now() - started;
    const { loaded, files } = await fresh.evaluate(() => ({
      loaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      files: performance.getEntriesByType('resource').filter((r) => /\.(js|css)$/.test(r.name))
        .map((r) => ({ name: r.name.replace(/.*\//, ''), bytes: r.encodedBodySize })),
    }));
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`first load of #/proposals: DOMContentLoaded ${loaded.toFixed(0)} ms, first finalised block shown ${shown} ms, `
      + `${files.length} files, ${(total / 1024).toFixed(0)} KiB uncompressed: ${files.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(1)}`).join(', ')}`);
    // A view downloads what it shows: no chart library, no other view's code.
    for (const other of ['TimeChart', 'Governance', 'Nodes', 'Rewards', 'Contribute', 'Submit', 'ProposalDetail']) {
      assert.ok(!files.some((f) => f.name.startsWith(`${other}-`)), `#/proposals fetched ${other}`);
    }
  } finally {
    await fresh.close();
  }
});

test('a member submits a proposal through the form and watches its card reach "analysed"', async () => {
  await step('submit', async () => {
    await open('submit');
    await chooseAccount('Alice');
    await page.locator('input[name=title]').fill('TechOps Core Unit DAI Budget');
    await page.locator('textarea[name=body]').fill(FIXTURE.text);
    await assert.doesNotReject(page.getByTestId('deposit').waitFor());
    assert.match(await page.getByTestId('deposit').textContent(), /Deposit held: .+ PROPOSAL/);
    await page.getByRole('button', { name: /Sign and submit/ }).click();
    await finalised();
    const submitted = await page.getByTestId('submitted').textContent();
    proposalId = Number(/#(\d+)/.exec(submitted)[1]);
    assert.ok(Number.isInteger(proposalId));
    // The form starts empty again, its button disarmed: a second click cannot send it twice.
    assert.equal(await page.locator('input[name=title]').inputValue(), '');
    assert.equal(await page.locator('textarea[name=body]').inputValue(), '');
    assert.ok(await page.getByRole('button', { name: /Sign and submit/ }).isDisabled());
  });

  await step('proposal', async () => {
    const started = Date.now();
    await page.getByRole('link', { name: /Follow its analysis/ }).click();
    await page.locator('[data-testid=proposal-card][data-stage=analysed]').waitFor({ timeout: 300_000 });
    console.log(`the card reached "analysed" ${((Date.now() - started) / 1000).toFixed(0)} s after finalisation`);
    const agreed = await consensusOf(proposalId);
    const labels = MANIFEST.labels;
    assert.equal(await page.getByTestId('agreed-label').textContent(), labels[agreed.label]);
    const shown = await page.locator('[data-testid=score-bars] .bar-value').allTextContents();
    assert.equal(shown.length, agreed.scores.length);
    shown.forEach((text, i) => assert.ok(Math.abs(parseFloat(text) * 100 - agreed.scores[i]) <= 5,
      `label ${i}: the chart shows ${text}, the chain finalised ${agreed.scores[i]} bps`));
    // The key sentences are the agreed byte ranges of the body.
    const sentences = await page.getByTestId('key-sentences').locator('li').allTextContents();
    const body = new TextEncoder().encode(FIXTURE.text);
    assert.deepEqual(sentences, agreed.brief.sentences.map((s) => new TextDecoder().decode(body.subarray(s.start, s.end))));
    // The brief: key sentences, and the hand-checked figures among the key figures.
    assert.ok((await page.getByTestId('key-sentences').locator('li').count()) > 0);
    const figures = await page.getByTestId('key-figures').textContent();
    for (const f of FIXTURE.figures.slice(0, 3)) assert.ok(figures.includes(FIXTURE.text.slice(f.start, f.end)), f.text);
    // The committee: the validator's seat, agreed; the body fetched by CID and hash-checked.
    assert.match(await page.getByTestId('committee').textContent(), /agreed/);
    // The body is rendered as Markdown: its headings are headings, its text is text.
    const rendered = page.getByTestId('body');
    assert.equal(await rendered.locator('h4').first().textContent(), 'Sentence Summary');
    assert.match(await rendered.locator('p').first().textContent(), /^The TechOps Core Unit is requesting an annual budget cap of 2,566,200 DAI\./);
    assert.match(await page.getByTestId('model').textContent(), new RegExp(MANIFEST.sha256));
  });
});

test('a proposal in Chinese is shown as one the model cannot read, not with a label', async () => {
  const chinese = FIXTURES.readable.find((c) => c.text.includes('资助申请'));
  let id;
  await step('submit-unreadable', async () => {
    await open('submit');
    await chooseAccount('Charlie');
    await page.locator('input[name=title]').fill('资助申请');
    await page.locator('textarea[name=body]').fill(chinese.text);
    await page.getByRole('button', { name: /Sign and submit/ }).click();
    await finalised();
    id = Number(/#(\d+)/.exec(await page.getByTestId('submitted').textContent())[1]);
  });
  await step('unreadable', async () => {
    await page.getByRole('link', { name: /Follow its analysis/ }).click();
    await page.locator('[data-testid=proposal-card][data-stage=analysed]').waitFor({ timeout: 300_000 });
    const agreed = await consensusOf(id);
    assert.equal(agreed.readable, chinese.readable, 'the share Python measured for the same text');
    assert.match(await page.getByTestId('unreadable').textContent(), /cannot read this proposal's language/);
    assert.equal(await page.getByTestId('agreed-label').count(), 0, 'no label is shown');
    assert.equal(await page.getByTestId('score-bars').count(), 0, 'nor scores');
    await open('proposals');
    await page.getByTestId(`proposal-row-${id}`).getByTestId('unreadable').waitFor();
  });
});

test('a DAO registers its space; a proposal filed under it links back, renders safely and is listed', async () => {
  let spaceId;
  let filedId;
  const origin = 'https://forum.makerdao.com/t/mip40c3-sp99-tooling-budget';
  const text = '## Sentence Summary\n\nThe Tooling Core Unit requests **120,000 DAI** over 12 months.\n\n'
    + '- Tranche one: 40,000 DAI\n- Tranche two: 80,000 DAI\n\n<script>window.injected = true</script>\n\n'
    + '[a trap](javascript:alert(1)) and [the forum](https://forum.makerdao.com/)\n';
  await step('dao-register', async () => {
    await open('daos');
    await chooseAccount('Alice');
    const form = page.getByTestId('register-space');
    await form.locator('input[name=name]').fill('MakerDAO');
    await form.locator('textarea[name=description]').fill('The Maker Protocol and its core units.');
    await form.locator('input[name=link]').fill('https://vote.makerdao.com');
    assert.match(await page.getByTestId('space-deposit').textContent(), /Deposit held while the space exists: .+ PROPOSAL/);
    await form.getByRole('button', { name: /Register/ }).click();
    await finalised();
    spaceId = Number(/#(\d+)/.exec(await page.getByTestId('registered').textContent())[1]);
    assert.equal((await form.locator('input[name=name]').inputValue()), '', 'the form is reset');
    await page.getByTestId(`space-row-${spaceId}`).waitFor({ timeout: 30_000 });
  });

  await step('dao-submit', async () => {
    await open('submit');
    await chooseAccount('Alice');
    await page.locator('select[name=space]').selectOption({ label: 'MakerDAO' });
    await page.locator('input[name=origin]').fill(origin);
    await page.locator('input[name=title]').fill('Tooling Core Unit budget');
    await page.locator('textarea[name=body]').fill(text);
    await page.getByTestId('deposit').waitFor();
    assert.equal(await page.getByTestId('already-submitted').count(), 0, 'a new text is not flagged');
    await page.getByRole('button', { name: /Sign and submit/ }).click();
    await finalised();
    filedId = Number(/#(\d+)/.exec(await page.getByTestId('submitted').textContent())[1]);
    const filed = await api.view.Proposals.proposal(filedId);
    assert.equal(filed?.space, spaceId);
    assert.equal(new TextDecoder().decode(filed?.origin), origin);
  });

  await step('dao-proposal', async () => {
    await open(`proposals/${filedId}`);
    await page.getByTestId('proposal-space').waitFor();
    assert.match(await page.getByTestId('proposal-space').textContent(), /MakerDAO · filed by its admin/);
    assert.equal(await page.getByTestId('origin').locator('a').getAttribute('href'), origin);
    const body = page.getByTestId('body');
    await body.waitFor({ timeout: 30_000 });
    assert.equal(await body.locator('strong').first().textContent(), '120,000 DAI');
    assert.equal(await body.locator('li').count(), 2);
    // Raw HTML stays text, and only web links are links.
    assert.equal(await body.locator('script').count(), 0);
    assert.match(await body.textContent(), /<script>window\.injected = true<\/script>/);
    assert.match(await body.textContent(), /a trap and the forum/, 'a link to a script is its text');
    assert.equal(await page.evaluate(() => window.injected), undefined);
    assert.deepEqual(await body.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['https://forum.makerdao.com/']);
  });

  await step('dao-page', async () => {
    await open(`daos/${spaceId}`);
    await page.getByTestId('space-page').waitFor();
    assert.match(await page.getByTestId('space-progress').textContent(), /^1 filed/);
    assert.match(await page.getByTestId('space-record').textContent(), /No verified label has met an analysis yet/);
    assert.match(await page.getByTestId('space-proposals').textContent(), /Tooling Core Unit budget/);
  });

  await step('dao-in-list', async () => {
    await open('proposals');
    await page.getByTestId(`proposal-row-${filedId}`).getByText('MakerDAO').waitFor();
    // Filtered by DAO, then searched by title words.
    await page.locator('select[name=dao]').selectOption({ label: 'MakerDAO' });
    assert.equal(await page.locator('[data-testid^=proposal-row-]').count(), 1);
    await page.locator('select[name=dao]').selectOption({ label: 'all' });
    await page.locator('input[name=search]').fill('tooling budget');
    assert.deepEqual(await page.locator('[data-testid^=proposal-row-]').evaluateAll((rows) => rows.map((r) => r.dataset.testid)), [`proposal-row-${filedId}`]);
    // Words only the body holds find it too (bodies are fetched by CID for the search).
    await page.locator('input[name=search]').fill('tranche two');
    await page.getByTestId(`proposal-row-${filedId}`).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid^=proposal-row-]').count(), 1);
    await page.locator('input[name=search]').fill('no such words');
    assert.match(await page.getByTestId('filtered').textContent(), /^0 of the \d+ newest proposals match/);
  });

  await step('dao-duplicate', async () => {
    await open('submit');
    await page.locator('textarea[name=body]').fill(text);
    await page.getByTestId('already-submitted').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('already-submitted').textContent(), new RegExp(`already submitted as #${filedId}`));
  });

  await step('dao-remove', async () => {
    // Once analysed and past its spam window, the author takes back the record deposit.
    await open(`proposals/${filedId}`);
    await chooseAccount('Alice');
    const remove = page.getByRole('button', { name: 'Remove the finished record' });
    await remove.waitFor({ timeout: 300_000 });
    await remove.click();
    // Once the removal is final the record, and the actions with it, are gone from the page.
    const outcome = page.getByTestId('record-gone').or(page.getByTestId('tx-error')).first();
    await outcome.waitFor({ timeout: 120_000 });
    assert.equal(await outcome.getAttribute('data-testid'), 'record-gone', await outcome.textContent());
    await open(`daos/${spaceId}`);
    await page.getByTestId('space-page').waitFor();
    assert.match(await page.getByTestId('space-progress').textContent(), /^1 filed · 1 analysed/);
    assert.equal(await page.getByTestId('space-proposals').count(), 0, 'the DAO lists no proposal now');
    // The text is no longer on chain: submitting it again is not flagged.
    await open('submit');
    await page.locator('textarea[name=body]').fill(text);
    await page.getByTestId('deposit').waitFor();
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('already-submitted').count(), 0);
  });
});

test('a proposal that never existed is "no such proposal", and every view has its own title', async () => {
  await step('no-such-proposal', async () => {
    await open('proposals/9999');
    await page.getByTestId('no-such-proposal').waitFor();
    assert.match(await page.getByTestId('no-such-proposal').textContent(), /There is no proposal #9999/);
    assert.equal(await page.title(), 'Proposal #9999 · DAOLLM');
    for (const [route, title] of [['proposals', 'Proposals · DAOLLM'], ['daos', 'DAOs · DAOLLM'], ['governance', 'Governance · DAOLLM']]) {
      await open(route);
      assert.equal(await page.title(), title);
    }
  });
});

test('another member annotates the proposal with a bond', async () => {
  await step('contribute', async () => {
    await open('contribute');
    await chooseAccount('Bob');
    await page.getByTestId(`annotate-${proposalId}`).click();
    const form = page.getByTestId('annotate-form');
    await form.locator('select[name=label]').selectOption({ index: 0 });
    await form.getByRole('button', { name: /Sign and annotate/ }).click();
    await finalised(form);
    const annotation = await api.query.Proposals.Annotations.getValue(proposalId, addresses.bob);
    assert.deepEqual(annotation?.choice, { type: 'Label', value: 0 }, 'the chain holds Bob\'s annotation');
    await page.getByTestId('my-annotations').getByText('bond held, awaiting verification').or(page.getByTestId('my-annotations').getByText(/verified|leading/)).first().waitFor({ timeout: 30_000 });
  });
});

test('a member seals a label before the network answers, then reveals it', async () => {
  // A fresh proposal: the network has not published its label for several blocks.
  const submitted = await api.tx.Proposals.submit_proposal({
    title: Binary.fromText('Seal me'),
    body: Binary.fromText(FIXTURES.dev[3].text),
  }).signAndSubmit(bob.signer);
  assert.ok(submitted.ok, 'submitted');
  const id = submitted.events.find((e) => e.type === 'Proposals' && e.value.type === 'ProposalSubmitted').value.value.id;
  await step('contribute-seal', async () => {
    await open('contribute');
    await chooseAccount('Charlie');
    await page.getByTestId(`annotate-${id}`).click();
    const form = page.getByTestId('annotate-form');
    await form.locator('select[name=label]').selectOption({ index: 2 });
    await form.locator('input[name=sealed]').check();
    await form.getByRole('button', { name: /Sign and seal/ }).click();
    await finalised(form);
    const sealed = await api.query.Proposals.Annotations.getValue(id, addresses.charlie);
    assert.equal(sealed?.choice.type, 'Sealed', 'the chain holds a commitment, not a label');
    const reveal = page.getByTestId(`reveal-${id}`);
    await reveal.waitFor({ timeout: 30_000 });
    await reveal.click();
    await page.getByTestId('annotate-form').waitFor({ state: 'detached' });
    await finalised();
    const revealed = await api.query.Proposals.Annotations.getValue(id, addresses.charlie);
    assert.deepEqual(revealed?.choice, { type: 'Label', value: 2 }, 'the revealed label matches the commitment');
  });
});

test('a member votes on a referendum with conviction', async () => {
  // A `parameters`-track referendum: a week longer to claim rewards.
  const parameters = await api.query.Rewards.Params.getValue();
  const call = api.tx.Rewards.set_parameters({ parameters: { ...parameters, claim_period: parameters.claim_period + 7 * 24 } });
  const submitted = await api.tx.Referenda.submit({
    proposal_origin: { type: 'Origins', value: { type: 'ParameterSetter', value: undefined } },
    proposal: { type: 'Inline', value: await call.getEncodedData() },
    enactment_moment: { type: 'After', value: 10 },
  }).signAndSubmit(bob.signer);
  assert.ok(submitted.ok, `referendum submitted: ${JSON.stringify(submitted.dispatchError)}`);
  const index = submitted.events.find((e) => e.type === 'Referenda' && e.value.type === 'Submitted').value.value.index;

  await step('governance', async () => {
    await open('governance');
    await chooseAccount('Alice');
    const card = page.getByTestId(`referendum-${index}`);
    await card.waitFor({ timeout: 30_000 });
    // The call in words, against the parameters in force: a week of hourly epochs more.
    assert.equal(await card.getByTestId('call-words').textContent(),
      `Set Rewards parameters: claim period ${parameters.claim_period} epochs → ${parameters.claim_period + 7 * 24} epochs`);
    assert.match(await card.locator('select[name=conviction] option').nth(2).textContent(), /^2×, locked \d+ (d|h|min)/, 'lock periods in time');
    const form = page.getByTestId(`vote-${index}`);
    await form.locator('select[name=direction]').selectOption('aye');
    await form.locator('select[name=conviction]').selectOption('2');
    await form.locator('input[name=amount]').fill('100');
    await form.getByRole('button', { name: 'Vote' }).click();
    await finalised(form);
    const info = await api.query.Referenda.ReferendumInfoFor.getValue(index);
    assert.equal(info.type, 'Ongoing');
    assert.equal(info.value.tally.ayes, 200n * UNIT, '100 PROPOSAL at 2× conviction');
    await page.getByTestId(`referendum-${index}`).getByTestId('ayes').getByText('200 PROPOSAL').waitFor({ timeout: 30_000 });
    assert.match(await card.getByTestId('my-vote').textContent(), /^Your vote: Aye with 100 PROPOSAL, 2×, locked /);
  });
});

test('a member proposes activating a registered model version, and the registry shows its referendum', async () => {
  const text = (t) => new TextEncoder().encode(t);
  // Version 2 of the analysis model, registered through sudo (the registrar origin) to skip the
  // registration's own referendum.
  const register = api.tx.ModelRegistry.register_model({
    name: text('proposal-classifier'),
    sha256: `0x${'22'.repeat(32)}`,
    uri: text('repo:proposal-classifier-v2.onnx'),
    labels: MANIFEST.labels.map(text),
    input: { type: 'NormalisedText', value: { max_chars: 8000 } },
    layer_features: MANIFEST.layer.features,
  });
  const sudo = await api.tx.Sudo.sudo({ call: register.decodedCall }).signAndSubmit(alice.signer);
  assert.ok(sudo.ok, 'sudo registered version 2');

  await step('model-registry', async () => {
    await open('governance');
    await chooseAccount('Bob');
    const row = page.getByTestId('model-0-2');
    await row.waitFor({ timeout: 30_000 });
    await row.getByTestId('propose-0-2').click();
    await finalised(row);
    const proposed = await api.query.ModelRegistry.ActivationReferenda.getEntries();
    assert.equal(proposed.length, 1, 'the registry remembers the referendum it opened');
    const [{ keyArgs: [index], value }] = proposed;
    assert.deepEqual(value, [0, 2], 'for version 2');
    const info = await api.query.Referenda.ReferendumInfoFor.getValue(index);
    assert.equal(info.type, 'Ongoing');
    assert.equal(info.value.track, 2, 'on the models track');
    await page.getByTestId('activated-by-0-2').getByText(`proposed in #${index}`).waitFor({ timeout: 30_000 });
    const card = page.getByTestId(`referendum-${index}`);
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.textContent(), /ModelRegistry\.activate_proposed/, 'the card shows the activation it enacts');
  });
});

test('the validator claims its inference rewards once the epoch has ended', async () => {
  await shortenEpochs();
  await step('rewards', async () => {
    await open('rewards');
    await chooseAccount('Alice');
    const claim = page.getByTestId('claim');
    // The analysis earned points in a running epoch; the button turns on when it ends.
    await page.waitForFunction(() => {
      const button = document.querySelector('[data-testid=claim]');
      return button !== null && !button.hasAttribute('disabled');
    }, null, { timeout: 180_000 });
    const before = await api.query.Rewards.History.getValue(addresses.alice);
    await claim.click();
    await finalised();
    const history = await api.query.Rewards.History.getValue(addresses.alice);
    assert.ok(history.length > before.length, 'a payment was recorded');
    assert.ok(history.at(-1).amount > 0n);
    await page.getByTestId('payment-list').waitFor({ timeout: 30_000 });
    await page.getByTestId('payments').waitFor();
  });
});

test('the node leaderboard shows the validator, and its page its history', async () => {
  await step('nodes', async () => {
    await open('nodes');
    const row = page.locator(`[data-testid=leaderboard] tr[data-operator="${addresses.alice}"]`);
    await row.waitFor({ timeout: 30_000 });
    const node = await api.view.ComputeNodes.node(addresses.alice);
    assert.ok(node.stats.agreed >= 1, 'the validator agreed at least once');
    assert.match(await row.textContent(), /Active/i);
  });
  await step('node', async () => {
    await page.locator(`[data-testid=leaderboard] tr[data-operator="${addresses.alice}"] a`).click();
    await page.getByTestId('node-page').waitFor();
    await page.getByTestId('node-history').waitFor({ timeout: 30_000 });
    await page.getByTestId('manage-node').waitFor();
  });
  await step('proposals', async () => {
    await open('proposals');
    await page.getByTestId(`proposal-row-${proposalId}`).getByText('analysed').waitFor({ timeout: 30_000 });
  });
});

test('the wallet extension is asked for its accounts only when the member clicks Connect wallet', async () => {
  const context = await browser.newContext();
  // A stand-in extension that counts how often the page asks it.
  await context.addInitScript(() => {
    window.enables = 0;
    window.injectedWeb3 = {
      'fake-wallet': {
        version: '0.0.1',
        enable: async () => {
          window.enables += 1;
          return {
            accounts: { get: async () => [], subscribe: (cb) => { cb([]); return () => undefined; } },
            signer: {},
          };
        },
      },
    };
  });
  const tab = await context.newPage();
  try {
    await tab.goto(`${appUrl}/?rpc=${encodeURIComponent(node.wsUrl)}#/proposals`);
    await tab.getByTestId('finalized').waitFor({ timeout: 60_000 });
    await tab.waitForTimeout(2000);
    assert.equal(await tab.evaluate(() => window.enables), 0, 'nothing is asked at load');
    await tab.getByTestId('connect-wallet').click();
    await tab.getByTestId('disconnect-wallet').waitFor();
    await tab.waitForFunction(() => window.enables === 1);
    await tab.reload();
    await tab.getByTestId('disconnect-wallet').waitFor({ timeout: 60_000 });
    await tab.getByTestId('disconnect-wallet').click();
    await tab.getByTestId('connect-wallet').waitFor();
  } finally {
    await context.close();
  }
});

/** The serious and critical accessibility violations axe-core finds on `tab`'s page, in words. */
async function accessibilityViolations(tab) {
  await tab.addScriptTag({ path: join(APP, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await tab.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

test('no view has a serious or critical accessibility violation (axe-core)', async () => {
  const routes = ['proposals', `proposals/${proposalId}`, 'daos', 'daos/0', 'submit', 'contribute', 'nodes',
    `nodes/${addresses.alice}`, 'governance', 'rewards'];
  const found = [];
  for (const route of routes) {
    await open(route);
    await page.waitForTimeout(1500);
    for (const v of await accessibilityViolations(page)) found.push(`#/${route}: ${v}`);
  }
  assert.deepEqual(found, []);
});

test('every view fits a phone 390 px wide: no sideways scrolling, tables as cards', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const routes = ['proposals', `proposals/${proposalId}`, 'daos', 'daos/0', 'submit', 'contribute', 'nodes',
      `nodes/${addresses.alice}`, 'governance', 'rewards'];
    for (const route of routes) {
      await phone.goto(`${appUrl}/?rpc=${encodeURIComponent(node.wsUrl)}#/${route}`);
      await phone.getByTestId('finalized').waitFor({ timeout: 60_000 });
      await phone.waitForTimeout(1500);
      const name = `phone-${route.split('/')[0]}${route.includes('/') ? '-one' : ''}`;
      await phone.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `#/${route} is ${width} px wide on a 390 px phone`);
      // A list table's cells name their columns (those with a heading), for the cards.
      const unlabelled = await phone.evaluate(() => Array.from(document.querySelectorAll('table.list')).flatMap((table) => {
        const heads = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent.trim());
        return Array.from(table.querySelectorAll('tbody tr')).flatMap((row) => Array.from(row.children)
          .filter((cell, i) => heads[i] && !cell.getAttribute('data-label')));
      }).length);
      assert.equal(unlabelled, 0, `#/${route}: every card cell names its column`);
    }
  } finally {
    await phone.close();
  }
});

test('a node that stops mid-session: stale state is said, a transaction gives up, the restart resumes', async () => {
  // A second node on a kept base path and a fixed port: stopped and started again, it is the
  // same chain at the same address, as a member's browser sees a node restart.
  const base = mkdtempSync(join(tmpdir(), 'daollm-restart-'));
  const rpcPort = await freePort();
  let restartable = await startDevNode([], { base, rpcPort });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await tab.goto(`${appUrl}/?rpc=${encodeURIComponent(restartable.wsUrl)}#/submit`);
    await tab.getByTestId('finalized').waitFor({ timeout: 60_000 });
    await tab.getByTestId('account').waitFor();
    await tab.locator('input[name=title]').fill('Sent while the node is down');
    await tab.locator('textarea[name=body]').fill('A body the node never receives.');
    await tab.getByTestId('deposit').waitFor();

    await restartable.stop();
    const lost = Date.now();
    await tab.getByTestId('stale').waitFor({ timeout: 15_000 });
    console.log(`the page said the connection was lost ${((Date.now() - lost) / 1000).toFixed(1)} s after the node stopped`);
    assert.match(await tab.getByTestId('stale').textContent(), /Connection lost: the last finalised block, #\d+, arrived .+ ago/);
    assert.equal(await tab.getByTestId('finalized').count(), 0, 'nothing claims to be final');
    assert.equal(await tab.locator('input[name=title]').inputValue(), 'Sent while the node is down', 'the form keeps what was typed');
    await tab.screenshot({ path: join(RESULTS, 'node-stopped.png'), fullPage: true });

    await tab.getByRole('button', { name: /Sign and submit/ }).click();
    const error = tab.getByTestId('tx-error');
    await error.waitFor({ timeout: 150_000 });
    assert.match(await error.textContent(), /No answer for \d+ s while/);
    await tab.screenshot({ path: join(RESULTS, 'tx-timeout.png'), fullPage: true });

    restartable = await startDevNode([], { base, rpcPort });
    await tab.getByTestId('finalized').waitFor({ timeout: 90_000 });
    assert.equal(await tab.getByTestId('stale').count(), 0, 'fresh again, without a reload');
  } finally {
    await tab.close();
    await restartable.stop();
    rmSync(base, { recursive: true, force: true });
  }
});

test('a node that is down and a wrong address are explained in words', async () => {
  const port = await freePort();
  await step('node-down', async () => {
    await page.goto(`${appUrl}/?rpc=${encodeURIComponent(`ws://127.0.0.1:${port}`)}#/proposals`);
    await page.getByTestId('node-down').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('node-down').textContent(), /does not answer/);
  });
  await page.goto(`${appUrl}/?rpc=http://example#/proposals`);
  await page.getByText('?rpc= must be a ws:// or wss:// address').waitFor({ timeout: 10_000 });
});
