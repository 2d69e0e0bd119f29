#!/usr/bin/env node
// Imports a DAO's proposals into its DAOLLM space, in one command.
//
//   node scripts/import/import.mjs --space 0 --from <folder | export.json> [options]
//
// Sources:
//   - a folder of Markdown files with front matter (`---` … `---`), the layout of governance
//     repositories (EIPs, SIPs, MIPs): the title is the front matter's `title`, else the first
//     `# heading`, else the file name; the origin is its `url`, `link` or `discussions-to`, else
//     `--link-base` followed by the file's path in the folder, else that path;
//   - a JSON export in the shape of Snapshot's GraphQL `proposals` query (`{ "data": {
//     "proposals": [ … ] } }`, or the bare list): `id`, `title`, `body`, `space` (an id or
//     `{ id }`), `link`, `created`; the origin is `link`, else `snapshot:<space>/<id>`.
//
// Options:
//   --space N          the space to file under (see --new-space)
//   --new-space NAME   register a space first (with --description, --link), and file under it
//   --key URI          the signer: a secret URI or mnemonic (`//Alice` on a development chain)
//   --key-file PATH    … or a file holding one (the safer way for a real key)
//   --url WS           the node (default ws://127.0.0.1:9944)
//   --link-base URL    prefix of Markdown files' origins
//   --dry-run          check everything, submit nothing
//   --in-flight N      transactions sent before waiting for their blocks (default 8)
//
// It is idempotent: a proposal whose body the chain already holds (the proposals pallet's
// `ContentIndex`, by blake2b-256) is skipped and reported, as is a second copy of a body within one
// import. Files the chain would refuse (empty, not UTF-8, longer than `MaxBodyLen`, an origin
// longer than `MaxOriginLen`) are reported one by one and not sent. Exit status: 0 when every
// proposal is on chain (submitted now or before), 1 when some failed, 2 on bad usage.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

const USAGE = 'usage: import.mjs (--space N | --new-space NAME [--description TEXT] [--link URL]) '
  + '--from PATH (--key URI | --key-file PATH) [--url WS] [--link-base URL] [--dry-run] '
  + '[--in-flight N]';

/** The command line as an object; throws on an unknown or incomplete option. */
export function parseArgs(argv) {
  const flags = new Set(['--dry-run']);
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (flags.has(arg)) {
      options[name] = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      options[name] = argv[i + 1];
      i += 1;
    }
  }
  const known = ['space', 'newSpace', 'description', 'link', 'from', 'key', 'keyFile', 'url',
    'linkBase', 'dryRun', 'inFlight'];
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new Error(`unknown option --${name}`);
  }
  if (!options.from) throw new Error('--from is required');
  if ((options.space === undefined) === (options.newSpace === undefined)) {
    throw new Error('give one of --space and --new-space');
  }
  if (options.space !== undefined && !/^\d+$/.test(options.space)) {
    throw new Error('--space takes a space id (a number)');
  }
  if (!options.key && !options.keyFile) throw new Error('--key or --key-file is required');
  options.url ??= 'ws://127.0.0.1:9944';
  options.inFlight = Number(options.inFlight ?? 8);
  if (!Number.isInteger(options.inFlight) || options.inFlight < 1) {
    throw new Error('--in-flight takes a positive number');
  }
  return options;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `{ fields, body }` of a Markdown text with YAML-style front matter (`key: value` lines). */
export function frontMatter(text) {
  const match = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?/);
  if (!match) return { fields: {}, body: text };
  const fields = {};
  for (const line of match[1].split(/\r?\n/)) {
    const field = line.match(/^([A-Za-z0-9_-]+):\s*(.*)$/);
    if (!field) continue;
    let value = field[2].trim();
    if (/^".*"$/.test(value)) {
      try { value = JSON.parse(value); } catch { value = value.slice(1, -1); }
    } else if (/^'.*'$/.test(value)) {
      value = value.slice(1, -1).replace(/''/g, "'");
    }
    fields[field[1].toLowerCase()] = value;
  }
  return { fields, body: text.slice(match[0].length) };
}

/** Every `.md` file under `dir`, depth first, in name order. */
function markdownFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
    else if (name.toLowerCase().endsWith('.md')) out.push(path);
  }
  return out;
}

/** The proposals of a folder of Markdown files: `{ name, title, body, origin, error }`, where
 * `body` is the bytes to submit and `error` says why a file cannot be (the rest still go). */
export function fromFolder(dir, linkBase) {
  return markdownFiles(dir).map((path) => {
    const name = relative(dir, path);
    const bytes = readFileSync(path);
    let text;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { name, error: 'not UTF-8 text' };
    }
    const { fields, body } = frontMatter(text);
    const heading = body.match(/^#\s+(.+)$/m);
    const title = fields.title || heading?.[1]?.trim() || basename(path, '.md');
    const origin = fields.url || fields.link || fields['discussions-to']
      || (linkBase ? `${linkBase}${name}` : name);
    return { name, title, body: new TextEncoder().encode(body.trim()), origin };
  });
}

/** The proposals of a Snapshot `proposals` export. */
export function fromSnapshot(path) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not a JSON export: ${e.message}`);
  }
  const list = Array.isArray(parsed) ? parsed : parsed?.data?.proposals ?? parsed?.proposals;
  if (!Array.isArray(list)) throw new Error(`${path} has no list of proposals (data.proposals)`);
  return list.map((p, i) => {
    const space = typeof p.space === 'object' ? p.space?.id : p.space;
    const name = `${basename(path)}[${i}] ${p.id ?? ''}`.trim();
    if (typeof p.body !== 'string') return { name, error: 'no body' };
    const created = Number.isFinite(p.created) ? new Date(p.created * 1000).toISOString() : null;
    return {
      name,
      title: String(p.title ?? p.id ?? `proposal ${i}`),
      body: new TextEncoder().encode(p.body.trim()),
      origin: p.link || (space && p.id ? `snapshot:${space}/${p.id}` : ''),
      created,
    };
  });
}

/** Why the chain would refuse `item`, or null: the pallet's own rules, read from its constants. */
export function refusal(item, limits) {
  if (item.error) return item.error;
  if (item.body.length === 0) return 'empty body';
  if (item.body.length > limits.maxBody) {
    return `body too long: ${item.body.length} bytes, the chain takes ${limits.maxBody}`;
  }
  const origin = new TextEncoder().encode(item.origin);
  if (origin.length > limits.maxOrigin) {
    return `origin too long: ${origin.length} bytes, the chain takes ${limits.maxOrigin}`;
  }
  return null;
}

/** The title cut at a character boundary to fit `max` bytes. */
export function fitTitle(title, max) {
  const bytes = new TextEncoder().encode(title.trim() || 'Untitled');
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return bytes.slice(0, end);
}

function describeError(api, dispatchError) {
  if (!dispatchError.isModule) return dispatchError.toString();
  const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}${docs.length ? ` (${docs.join(' ').trim()})` : ''}`;
}

/** Signs and sends `tx`; resolves to its events once in a block, rejects with its error. */
function send(api, tx, signer, nonce) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, { nonce }, ({ status, events, dispatchError }) => {
      if (dispatchError) reject(new Error(describeError(api, dispatchError)));
      else if (status.isInBlock) resolve(events);
      else if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type.toLowerCase()}`));
      }
    }).catch(reject);
  });
}

function seconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Runs the import; resolves to its summary `{ submitted, skipped, failed, space }`. */
export async function run(options, out = process.stdout) {
  const say = (line) => out.write(`${line}\n`);
  const stat = statSync(options.from, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${options.from} does not exist`);
  const items = stat.isDirectory() ? fromFolder(options.from, options.linkBase)
    : fromSnapshot(options.from);

  await cryptoWaitReady();
  const secret = options.keyFile ? readFileSync(options.keyFile, 'utf8').trim() : options.key;
  const signer = new Keyring({ type: 'sr25519' }).addFromUri(secret);
  const api = await ApiPromise.create({ provider: new WsProvider(options.url), noInitWarn: true });
  try {
    const limits = {
      maxBody: api.consts.proposals.maxBodyLen.toNumber(),
      maxTitle: api.consts.proposals.maxTitleLen.toNumber(),
      maxOrigin: api.consts.proposals.maxOriginLen.toNumber(),
    };
    let space = options.space === undefined ? undefined : Number(options.space);
    if (space === undefined) {
      space = (await api.query.spaces.nextSpaceId()).toNumber();
      if (options.dryRun) {
        say(`would register space "${options.newSpace}" as #${space}`);
      } else {
        await send(api, api.tx.spaces.registerSpace(options.newSpace, options.description ?? '',
          options.link ?? ''), signer, -1);
        say(`registered space "${options.newSpace}" as #${space}`);
      }
    } else if ((await api.query.spaces.spaces(space)).isNone) {
      throw new Error(`space #${space} does not exist`);
    }

    const failed = [];
    const skipped = [];
    const pending = [];
    const seen = new Map();
    for (const item of items) {
      const why = refusal(item, limits);
      if (why) {
        failed.push({ name: item.name, error: why });
        continue;
      }
      const hash = blake2AsHex(item.body, 256);
      if (seen.has(hash)) {
        skipped.push({ name: item.name, why: `same text as ${seen.get(hash)}` });
        continue;
      }
      seen.set(hash, item.name);
      const existing = (await api.query.proposals.contentIndex.keys(hash))
        .map((key) => key.args[1].toNumber()).sort((a, b) => a - b);
      if (existing.length > 0) {
        skipped.push({ name: item.name, why: `already on chain as #${existing.join(', #')}` });
        continue;
      }
      pending.push({ ...item, hash });
    }
    for (const { name, why } of skipped) say(`skip ${name}: ${why}`);
    for (const { name, error } of failed) say(`error ${name}: ${error}`);

    const { data: account } = await api.query.system.account(signer.address);
    const params = await api.query.proposals.params();
    const perByte = params.depositPerByte.toBigInt();
    const needed = pending.reduce((sum, item) => sum + params.depositBase.toBigInt()
      + perByte * BigInt(item.body.length + new TextEncoder().encode(item.origin).length), 0n);
    if (needed > account.free.toBigInt()) {
      throw new Error(`the deposits of ${pending.length} proposals come to ${needed} planck; `
        + `${signer.address} has ${account.free.toBigInt()} free`);
    }

    const submitted = [];
    if (options.dryRun) {
      say(`dry run: ${pending.length} to submit, ${skipped.length} already there, `
        + `${failed.length} refused`);
    } else {
      const started = Date.now();
      let nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
      let done = 0;
      for (let i = 0; i < pending.length; i += options.inFlight) {
        const batch = pending.slice(i, i + options.inFlight);
        const results = await Promise.allSettled(batch.map((item) => {
          const tx = api.tx.proposals.fileProposal(space, item.origin,
            u8aToHex(fitTitle(item.title, limits.maxTitle)), u8aToHex(item.body));
          const sent = send(api, tx, signer, nonce);
          nonce += 1;
          return sent;
        }));
        results.forEach((result, j) => {
          const item = batch[j];
          done += 1;
          if (result.status === 'rejected') {
            failed.push({ name: item.name, error: result.reason.message });
            say(`error ${item.name}: ${result.reason.message}`);
            return;
          }
          const event = result.value.find(({ event }) =>
            api.events.proposals.ProposalSubmitted.is(event));
          const id = event?.event.data.id.toNumber();
          submitted.push({ name: item.name, id });
          const elapsed = Date.now() - started;
          const eta = (elapsed / done) * (pending.length - done);
          say(`${done} / ${pending.length}  #${id} ${item.name}  (ETA ${seconds(eta)})`);
        });
        // A failed transaction leaves its nonce unused: take the pool's next one again.
        if (results.some((r) => r.status === 'rejected')) {
          nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
        }
      }
    }
    say(`summary: ${submitted.length} submitted, ${skipped.length} skipped (already on chain), `
      + `${failed.length} failed, into space #${space}`);
    return { submitted, skipped, failed, space };
  } finally {
    await api.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  run(options).then(
    ({ failed }) => process.exit(failed.length ? 1 : 0),
    (e) => {
      process.stderr.write(`import failed: ${e.message}\n`);
      process.exit(1);
    },
  );
}
