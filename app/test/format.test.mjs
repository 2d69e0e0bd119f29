// Unit tests of src/format.ts: the TypeScript source is transpiled with the project's own
// `typescript` and imported, so what is tested is what the app bundles.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const source = readFileSync(new URL('../src/format.ts', import.meta.url), 'utf8');
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
});
const f = await import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
const UNIT = 10n ** 12n;

test('balances: 12 decimals, PROPOSAL, rounded down, grouped', () => {
  assert.equal(f.formatBalance(0n), '0 PROPOSAL');
  assert.equal(f.formatBalance(UNIT), '1 PROPOSAL');
  assert.equal(f.formatBalance(1_500_000_000_000n), '1.5 PROPOSAL');
  assert.equal(f.formatBalance(1_234_567n * UNIT + 999_999_999_999n), '1,234,567.9999 PROPOSAL');
  assert.equal(f.formatBalance('1000000000000000000000'), '1,000,000,000 PROPOSAL');
  assert.equal(f.formatBalance(1n), '< 0.0001 PROPOSAL', 'dust is not shown as zero');
  assert.equal(f.formatBalance(123_456_789n, f.PROPOSAL, 12), '0.000123456789 PROPOSAL');
  assert.equal(f.formatBalance(-2n * UNIT), '-2 PROPOSAL');
  assert.equal(f.formatBalance(10n ** 10n, { decimals: 10, symbol: 'DOT' }), '1 DOT');
  // Above 2^53 planck nothing is lost (a JavaScript number would be).
  assert.equal(f.formatBalance(2n ** 64n, f.PROPOSAL, 12), '18,446,744.073709551616 PROPOSAL');
});

test('typed amounts parse exactly, or say why not', () => {
  assert.deepEqual(f.parseBalance('1.5'), { ok: true, planck: 1_500_000_000_000n });
  assert.deepEqual(f.parseBalance(' 1,000 '), { ok: true, planck: 1000n * UNIT });
  assert.deepEqual(f.parseBalance('.000000000001'), { ok: true, planck: 1n });
  assert.deepEqual(f.parseBalance('7.'), { ok: true, planck: 7n * UNIT });
  assert.equal(f.parseBalance('').ok, false);
  assert.match(f.parseBalance('0.0000000000001').error, /at most 12 decimals/);
  assert.match(f.parseBalance('1e3').error, /not an amount/);
  assert.match(f.parseBalance('-1').error, /not an amount/);
  assert.match(f.parseBalance('.').error, /not an amount/);
});

test('basis points, perbill and ppm as percentages', () => {
  assert.equal(f.formatBasisPoints(10_000), '100%');
  assert.equal(f.formatBasisPoints(2_500), '25%');
  assert.equal(f.formatBasisPoints(1), '0.01%');
  assert.equal(f.formatBasisPoints(6_667), '66.67%');
  assert.equal(f.formatPerbill(1_000_000_000), '100%');
  assert.equal(f.formatPerbill(333_333_333), '33.33%');
  assert.equal(f.formatPerbill(0), '0%');
  assert.equal(f.formatPerbill(5_000_000, 3), '0.5%');
  // No fraction to trim: whole percentages keep their zeros.
  assert.equal(f.formatPerbill(300_000_000, 0), '30%');
  assert.equal(f.formatBasisPoints(10_000, 0), '100%');
  assert.equal(f.formatPpm(912_345), '91.2%');
});

test('addresses and durations', () => {
  assert.equal(f.shortAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'), '5Grwva…utQY');
  assert.equal(f.formatBlocks(10), '1 min');
  assert.equal(f.formatBlocks(7), '42 s');
  assert.equal(f.formatBlocks(650), '1 h 5 min');
  assert.equal(f.formatBlocks(-3), '0 s');
  assert.equal(f.formatBlocks(100_800), '7 d');
  assert.equal(f.formatBlocks(15_000), '1 d 1 h');
});
