// Unit tests of src/components/Markdown.tsx: the source is transpiled with the project's own
// `typescript` into node_modules/.cache (where `react` resolves) and rendered to static markup,
// so what is tested is what the app bundles.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

const source = readFileSync(new URL('../src/components/Markdown.tsx', import.meta.url), 'utf8');
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.ReactJSX },
});
const cache = new URL('../node_modules/.cache/daollm-test/', import.meta.url);
mkdirSync(cache, { recursive: true });
writeFileSync(new URL('Markdown.mjs', cache), outputText);
const { Markdown, safeHref } = await import(new URL('Markdown.mjs', cache));

const html = (text) => renderToStaticMarkup(createElement(Markdown, { text }));

test('raw HTML stays text, and only web and mail links are links', () => {
  const out = html('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](https://example.org/a_(b)) [z](mailto:dao@example.org)');
  assert.ok(!out.includes('<script>'), out);
  assert.ok(!out.includes('<img'), out);
  assert.ok(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!out.includes('javascript:'), out);
  assert.ok(out.includes('href="https://example.org/a_(b)"'));
  assert.ok(out.includes('href="mailto:dao@example.org"'));
  assert.equal(safeHref(' data:text/html,x'), null);
  assert.equal(safeHref('HTTPS://example.org'), 'HTTPS://example.org');
});

test('headings sit below the page\'s own, and lists, quotes, code and tables render', () => {
  const out = html('# Title\n## Summary\nThe unit asks **120,000 DAI** over *12 months* with `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n');
  assert.match(out, /<h3>Title<\/h3><h4>Summary<\/h4>/);
  assert.match(out, /<strong>120,000 DAI<\/strong> over <em>12 months<\/em> with <code>code<\/code>/);
  assert.match(out, /<ul><li>one<\/li><li>two<\/li><\/ul><ol><li>first<\/li><li>second<\/li><\/ol>/);
  assert.match(out, /<blockquote><p>quoted<\/p><\/blockquote>/);
  assert.match(out, /<pre class="code"><code>let x = 1;<\/code><\/pre>/);
  assert.match(out, /<th>a<\/th><th>b<\/th>.*<td>1<\/td><td>2<\/td>/);
  assert.match(out, /<hr\/>/);
});

test('a paragraph joins its lines, and an unclosed fence keeps the rest as code', () => {
  assert.match(html('one\ntwo\n\nthree'), /<p>one two<\/p><p>three<\/p>/);
  assert.match(html('```\nnever closed\n# not a heading'), /<code>never closed\n# not a heading<\/code>/);
});
