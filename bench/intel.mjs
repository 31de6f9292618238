// The analyst-workspace benchmark (`npm run bench:intel`, issue 5): feeds and lookup.
//
// 1. Ingest: a generated 1,000,000-line IPv4 list and a 1,000,000-row CSV (SHA-1, first seen,
//    reason), each a file feed (TOCSIN_FEED_FILE_ROOT) added with createFeed and run with
//    runFeedNow as `tocsin feed add` / `tocsin feed run` do (the CLI's context, an operator
//    actor), each import in a fresh process (its peak RSS is the process's). Then the unchanged
//    feed again with force (a full re-read, not a 304). Next to the raw floor in the same run:
//    the same number of rows of the same shape inserted straight into scratch copies of the
//    observables and mentions tables (same columns and indexes) in one transaction.
// 2. Bulk lookup: POST /api/intel/lookup, 10,000 values a request (half of them stored), API
//    token, against the store of 1,000,000 indicators the IPv4 import left; next to the raw
//    floor: a prepared SELECT by (type, value) on observables, the same values in a loop.
// 3. Single lookup: GET /api/intel/lookup?value=… req/s next to a hello-world route in the same
//    process (autocannon, as bench/foundation.mjs).
//
// On SQLite and on PostgreSQL (TOCSIN_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// Writes the `## Analyst workspace (feeds and lookup)` section of docs/BENCHMARKS.md.
//
//   node bench/intel.mjs [--lines 1000000] [--requests 10] [--duration 8] [--connections 50]
//                        [--sqlite-only | --postgres-only] [--no-write] [--keep] [--cpu-prof <dir>]
//
// --cpu-prof <dir> runs the import processes under `node --cpu-prof` (profiles in <dir>).
import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, ensureBuilt, fmt, machineTable, mb, ms, quantile, root, writeSection, pgDatabase as pgDatabaseIn } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '10' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    'sqlite-only': { type: 'boolean', default: false },
    'postgres-only': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // for development: the IPv4 import always runs; add lookup (sections 2–3) and/or csv. No report unless both.
    only: { type: 'string', default: 'lookup,csv' },
    'cpu-prof': { type: 'string' },
    child: { type: 'string' },
    spec: { type: 'string' },
  },
});
const N = Number(args.lines);
const lookupBatch = 10_000;
const requests = Number(args.requests);
const warmupRequests = 2;
const duration = Number(args.duration);
const connections = Number(args.connections);
const pgAdminUrl = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dialects = args['sqlite-only'] ? ['sqlite'] : args['postgres-only'] ? ['postgres'] : ['sqlite', 'postgres'];
const only = new Set(args.only.split(','));
const goals = { ingest: 0.5, reimport: 2, rssMb: 500, bulk: 0.35, single: 1 / 3 };
const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- the inputs (deterministic)

/** A small deterministic generator: its states do not repeat within 2^32 draws, so neither do the values. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}
const ipOf = (v) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
const hexOf = (rnd, len) => {
  let s = '';
  while (s.length < len) s += rnd().toString(16).padStart(8, '0');
  return s.slice(0, len);
};
const reasons = ['AsyncRAT C&C', 'QuasarRAT C&C', 'DCRat C&C, variant b', 'Dridex C&C'];
const csvDate = (i) => `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 06:52:51`;
const isoDate = (i) => `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T06:52:51.000Z`;

/** Line i of each input, as the generator writes it and as the floor stores it. */
function* ipValues(n) {
  const rnd = lcg(7);
  for (let i = 0; i < n; i++) yield ipOf(rnd());
}
function* csvRows(n) {
  const rnd = lcg(42);
  for (let i = 0; i < n; i++) yield { i, sha1: hexOf(rnd, 40), reason: reasons[i % reasons.length] };
}

async function writeLines(file, header, lines) {
  const out = createWriteStream(file);
  const write = (text) => (out.write(text) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(`${header.join('\n')}\n`);
  let parts = [];
  for (const line of lines) {
    parts.push(line);
    if (parts.length === 10_000) {
      await write(`${parts.join('\n')}\n`);
      parts = [];
    }
  }
  if (parts.length) await write(`${parts.join('\n')}\n`);
  await new Promise((r, e) => out.end((err) => (err ? e(err) : r())));
}

/** The lookup lists: each 10,000 values, every other one stored (a line of the IPv4 list), the rest never stored. */
function lookupLists(count) {
  const pool = lookupBatch / 2;
  const stride = Math.max(1, Math.floor(N / (pool * count)));
  const hits = [];
  const rnd = lcg(7);
  for (let i = 0; i < N; i++) {
    const v = rnd();
    if (i % stride === 0 && hits.length < pool * count) hits.push(ipOf(v));
  }
  // Draws after the N-th: distinct from every stored value.
  const lists = [];
  for (let l = 0; l < count; l++) {
    const list = [];
    for (let j = 0; j < pool; j++) {
      list.push(hits[(l * pool + j) % hits.length]);
      list.push(ipOf(rnd()));
    }
    lists.push(list);
  }
  return lists;
}

// ---------------------------------------------------------------- children

const dist = (p) => path.join(root, 'dist', p);
/** CPU time of this process so far (user + system), ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function childConfig(spec) {
  return import(dist('config/config.js')).then(({ loadConfig }) =>
    loadConfig({}, { dataDir: spec.dataDir, logLevel: 'warn', feedFileRoot: spec.fileRoot, ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}) }),
  );
}

/** One organisation (with a domain and a range of its own, so watchlists have something to match), an analyst, a read token. */
async function childSetup(spec) {
  const { withContext } = await import(dist('cli/context.js'));
  const { cliActor } = await import(dist('orgs/actor.js'));
  const { actorForUser } = await import(dist('orgs/auth.service.js'));
  const { createOrganisation } = await import(dist('orgs/organisations.service.js'));
  const { createUser } = await import(dist('orgs/users.service.js'));
  const { findUserByEmail } = await import(dist('orgs/users.repository.js'));
  const { createToken } = await import(dist('orgs/tokens.service.js'));
  return withContext(await childConfig(spec), async (ctx) => {
    const org = await createOrganisation(ctx, cliActor(), { name: 'Bench City', kind: 'city', population: 400_000, region: 'Region 3', domains: ['benchcity.gov'], ipRanges: ['198.51.100.0/24'] });
    const email = 'soc@benchcity.gov';
    await createUser(ctx, cliActor(), { email, name: 'SOC', orgId: org.id, role: 'analyst', isOperator: false, password: `bench ${randomBytes(8).toString('hex')}` });
    const row = await findUserByEmail(ctx.db, email);
    const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
    return { token: (await createToken(ctx, actor, { name: 'siem', scopes: ['read'] })).secret };
  });
}

/** Add the file feed (first time) and run it, as `tocsin feed run [--force]` does. */
async function childIngest(spec) {
  const { withContext } = await import(dist('cli/context.js'));
  const { cliActor } = await import(dist('orgs/actor.js'));
  const { createFeed, resolveFeed, runFeedNow } = await import(dist('feeds/feeds.service.js'));
  return withContext(await childConfig(spec), async (ctx) => {
    let id;
    if (spec.force) id = await resolveFeed(ctx, spec.name);
    else {
      const input =
        spec.kind === 'csv'
          ? { name: spec.name, kind: 'csv', file: spec.file, options: { columns: { value: 'sha1', firstSeen: 'first_seen', comment: 'reason' } } }
          : { name: spec.name, kind: 'list', file: spec.file, options: { type: 'ip' } };
      id = (await createFeed(ctx, cliActor(), input)).id;
    }
    const cpu0 = cpuMs();
    const start = performance.now();
    const started = await runFeedNow(ctx, cliActor(), id, 'cli', { force: spec.force });
    const run = await started.done;
    const t = performance.now() - start;
    if (run.status !== 'complete') throw new Error(`the run ended ${run.status}: ${run.error}`);
    return { ms: t, cpuMs: cpuMs() - cpu0, counts: run.counts, maxRss: process.resourceUsage().maxRSS * 1024 };
  });
}

/** Rows as the feed path writes them for line i of the input (observables row, mentions row). */
function floorRows(kind, n, now) {
  const rows = [];
  if (kind === 'csv') {
    for (const r of csvRows(n)) {
      const fs = isoDate(r.i);
      rows.push({ type: 'sha1', value: r.sha1, ipFrom: null, firstSeen: fs < now ? fs : now, mentionFirst: fs, comment: r.reason });
    }
  } else {
    for (const value of ipValues(n)) {
      const hex = `00000000000000000000ffff${value
        .split('.')
        .map((o) => Number(o).toString(16).padStart(2, '0'))
        .join('')}`;
      rows.push({ type: 'ipv4', value, ipFrom: hex, firstSeen: now, mentionFirst: now, comment: null });
    }
  }
  return rows;
}

/**
 * The ingest floor: the same rows into scratch copies of observables and mentions (same
 * columns, same primary keys, unique and secondary indexes; no foreign keys), in one
 * transaction. SQLite: one prepared INSERT per table, run per row. PostgreSQL: multi-row
 * INSERTs of 1,000 rows (observables RETURNING id, then their mentions).
 */
async function childFloorIngest(spec) {
  const now = new Date().toISOString();
  const rows = floorRows(spec.kind, spec.n, now);
  const feedId = randomUUID();
  const shareId = randomUUID();
  const obsCols = ['type', 'value', 'ip_from', 'ip_to', 'first_seen', 'last_seen', 'mention_count', 'ubiquitous', 'warning_list', 'created_at'];
  const menCols = ['source_id', 'observable_id', 'source_kind', 'share_id', 'first_seen', 'last_seen', 'valid_until', 'confidence', 'comment', 'status', 'created_at'];
  const obsValues = (r) => [r.type, r.value, r.ipFrom, r.ipFrom, r.firstSeen, now, 1, 0, null, now];
  const menValues = (r, id) => [feedId, id, 'feed', shareId, r.mentionFirst, null, null, 50, r.comment, 'active', now];
  if (!spec.databaseUrl) {
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(path.join(spec.dataDir, 'tocsin.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`drop table if exists bench_mentions; drop table if exists bench_observables;
      create table bench_observables (id integer primary key autoincrement, type text not null, value text not null, ip_from text, ip_to text,
        first_seen text not null, last_seen text not null, mention_count integer default 0 not null, ubiquitous integer default 0 not null,
        warning_list text, false_positives integer default 0 not null, suppressed_at text, created_at text not null);
      create unique index bench_observables_value_uq on bench_observables (type, value);
      create index bench_observables_ip_idx on bench_observables (ip_from, ip_to) where ip_from is not null;
      create index bench_observables_created_idx on bench_observables (created_at);
      create table bench_mentions (source_id text not null, observable_id bigint not null, source_kind text not null, share_id text not null,
        first_seen text not null, last_seen text, valid_until text, confidence integer, comment text, status text not null, created_at text not null,
        constraint bench_mentions_pk primary key (source_id, observable_id));
      create index bench_mentions_observable_idx on bench_mentions (observable_id);`);
    const insObs = db.prepare(`insert into bench_observables (${obsCols.join(', ')}) values (${obsCols.map(() => '?').join(', ')})`);
    const insMen = db.prepare(`insert into bench_mentions (${menCols.join(', ')}) values (${menCols.map(() => '?').join(', ')})`);
    const cpu0 = cpuMs();
    const start = performance.now();
    db.transaction(() => {
      for (const r of rows) insMen.run(menValues(r, insObs.run(obsValues(r)).lastInsertRowid));
    })();
    const t = performance.now() - start;
    const cpu = cpuMs() - cpu0;
    db.exec('drop table bench_mentions; drop table bench_observables;');
    db.close();
    return { ms: t, cpuMs: cpu, rows: rows.length };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: spec.databaseUrl });
  await client.connect();
  try {
    await client.query('drop table if exists bench_mentions; drop table if exists bench_observables');
    await client.query('create table bench_observables (like observables including all); create table bench_mentions (like mentions including all)');
    const placeholders = (rowCount, cols) => Array.from({ length: rowCount }, (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(', ')})`).join(', ');
    const start = performance.now();
    await client.query('begin');
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      const ids = await client.query(`insert into bench_observables (${obsCols.join(', ')}) values ${placeholders(part.length, obsCols.length)} returning id`, part.flatMap(obsValues));
      await client.query(`insert into bench_mentions (${menCols.join(', ')}) values ${placeholders(part.length, menCols.length)}`, part.flatMap((r, k) => menValues(r, ids.rows[k].id)));
    }
    await client.query('commit');
    const t = performance.now() - start;
    await client.query('drop table bench_mentions; drop table bench_observables');
    return { ms: t, rows: rows.length };
  } finally {
    await client.end();
  }
}

/** The lookup floor: a prepared SELECT by normalised key on observables, the same values one at a time. */
async function childFloorLookup(spec) {
  const lists = lookupLists(spec.lists);
  let found = 0;
  let values = 0;
  if (!spec.databaseUrl) {
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(path.join(spec.dataDir, 'tocsin.db'), { readonly: true });
    const stmt = db.prepare('select * from observables where type = ? and value = ?');
    for (const v of lists[0]) stmt.get('ipv4', v);
    const start = performance.now();
    for (const list of lists) {
      for (const v of list) {
        values += 1;
        if (stmt.get('ipv4', v)) found += 1;
      }
    }
    const t = performance.now() - start;
    db.close();
    return { ms: t, values, found };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: spec.databaseUrl });
  await client.connect();
  try {
    const q = (v) => client.query({ name: 'lookup', text: 'select * from observables where type = $1 and value = $2', values: ['ipv4', v] });
    for (const v of lists[0].slice(0, 1000)) await q(v);
    const start = performance.now();
    for (const list of lists) {
      for (const v of list) {
        values += 1;
        if ((await q(v)).rows.length) found += 1;
      }
    }
    return { ms: performance.now() - start, values, found };
  } finally {
    await client.end();
  }
}

async function childMain() {
  const spec = JSON.parse(args.spec);
  const fn = { setup: childSetup, ingest: childIngest, 'floor-ingest': childFloorIngest, 'floor-lookup': childFloorLookup }[args.child];
  const out = await fn(spec);
  process.stdout.write(JSON.stringify(out));
  // The CLI context closes what it opened; do not wait for stray timers.
  process.exit(0);
}

// ---------------------------------------------------------------- parent

function runChild(name, spec, { profile = false } = {}) {
  const nodeArgs = profile && args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(args['cpu-prof'])] : [];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_')));
  const res = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--child', name, '--spec', JSON.stringify(spec)], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`child ${name} exited with ${res.status ?? res.signal}`);
  return JSON.parse(res.stdout);
}

const pgDatabase = (label) => pgDatabaseIn(pgAdminUrl, `intel_${label}`);

const clockTicks = 100;
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / clockTicks;
}

function startServer(target) {
  const child = fork(path.join(root, 'bench/intel-server.mjs'), [], {
    cwd: root,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_'))), TOCSIN_BENCH_SERVER: JSON.stringify({ dataDir: target.dataDir, databaseUrl: target.databaseUrl }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    child.once('message', (msg) => resolve({ child, base: `http://127.0.0.1:${msg.port}` }));
  });
}

async function stopServer(child) {
  child.send({ cmd: 'close' });
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** POST /api/intel/lookup with 10,000 values a request, one request at a time. */
async function bulkLookups(base, token, pid) {
  const lists = lookupLists(warmupRequests + requests);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' };
  const post = async (list) => {
    const t = performance.now();
    const res = await fetch(`${base}/api/intel/lookup`, { method: 'POST', headers, body: JSON.stringify({ values: list }) });
    const text = await res.text();
    const took = performance.now() - t;
    if (res.status !== 200) throw new Error(`POST /api/intel/lookup: HTTP ${res.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    return { took, found: body.counts.found, bytes: text.length };
  };
  for (const list of lists.slice(0, warmupRequests)) await post(list);
  const cpu0 = cpuSeconds(pid);
  const start = performance.now();
  const times = [];
  let found = 0;
  let bytes = 0;
  for (const list of lists.slice(warmupRequests)) {
    const r = await post(list);
    times.push(r.took);
    found += r.found;
    bytes += r.bytes;
  }
  const s = (performance.now() - start) / 1000;
  const values = requests * lookupBatch;
  return { values, found, s, rate: values / s, p50: quantile([...times].sort((a, b) => a - b), 0.5), max: Math.max(...times), bytes: bytes / requests, cpuPerRequest: (cpuSeconds(pid) - cpu0) / requests };
}

function autocannon(url, headers) {
  const bin = realpathSync(path.join(root, 'node_modules/.bin/autocannon'));
  const acArgs = ['-c', String(connections), '-d', String(duration), '--warmup', '[', '-c', String(connections), '-d', '1', ']', '-j', '-n'];
  for (const [k, v] of Object.entries(headers)) acArgs.push('-H', `${k}=${v}`);
  acArgs.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...acArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('exit', (code) => {
      const results = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      if (code !== 0 || results.length === 0) return reject(new Error(`autocannon exited with ${code}: ${err.slice(-2000)}`));
      resolve(results.at(-1));
    });
  });
}

/** hello / single lookup in rotation, 3 runs each; req/s medians and server CPU per request. */
async function singleLookups(base, token, pid, value) {
  const routes = {
    hello: { url: `${base}/bench/hello`, headers: {} },
    lookup: { url: `${base}/api/intel/lookup?value=${encodeURIComponent(value)}`, headers: { authorization: `Bearer ${token}` } },
  };
  const check = await fetch(routes.lookup.url, { headers: routes.lookup.headers });
  const body = await check.json();
  if (check.status !== 200 || body.found !== true) throw new Error(`GET /api/intel/lookup: HTTP ${check.status} ${JSON.stringify(body).slice(0, 300)}`);
  const runs = { hello: [], lookup: [] };
  for (let i = 0; i < 3; i++) {
    for (const kind of ['hello', 'lookup']) {
      const cpu0 = cpuSeconds(pid);
      const r = await autocannon(routes[kind].url, routes[kind].headers);
      const cpu = cpuSeconds(pid) - cpu0;
      const bad = r.errors + r.timeouts + (r.non2xx ?? 0);
      runs[kind].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad, cpuUs: (cpu / Math.max(1, r.requests.total)) * 1e6 });
      log(`  ${kind}: ${fmt(r.requests.average)} req/s${bad ? `, ${bad} errors/non-2xx` : ''}`);
    }
  }
  return runs;
}

function vmHwm(pid) {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

async function runDialect(dialect, files) {
  const stores = [];
  const target = async (label) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `tocsin-bench-intel-${dialect}-${label}-`));
    const pg = dialect === 'postgres' ? await pgDatabase(label) : null;
    const t = { dataDir, databaseUrl: pg?.url, fileRoot: files.dir, pg };
    stores.push(t);
    return t;
  };
  const drop = async (t) => {
    rmSync(t.dataDir, { recursive: true, force: true });
    await t.pg?.drop();
  };
  const out = { dialect };
  try {
    // The IPv4 list: its store is the one the lookups run against.
    const a = await target('ips');
    out.pgVersion = a.pg?.version;
    const base = { dataDir: a.dataDir, databaseUrl: a.databaseUrl, fileRoot: a.fileRoot };
    const { token } = runChild('setup', base);
    log(`[${dialect}] IPv4 list: first import`);
    out.ipFirst = runChild('ingest', { ...base, kind: 'list', name: 'IPv4 list', file: files.ips, force: false }, { profile: true });
    log(`[${dialect}]   ${fmt(out.ipFirst.counts.records / (out.ipFirst.ms / 1000))} records/s, ${mb(out.ipFirst.maxRss)}`);
    log(`[${dialect}] IPv4 list: forced re-import`);
    out.ipAgain = runChild('ingest', { ...base, kind: 'list', name: 'IPv4 list', force: true }, { profile: true });
    log(`[${dialect}]   ${fmt(out.ipAgain.counts.records / (out.ipAgain.ms / 1000))} records/s, ${mb(out.ipAgain.maxRss)}`);
    log(`[${dialect}] IPv4 floor`);
    out.ipFloor = runChild('floor-ingest', { ...base, kind: 'list', n: N });
    log(`[${dialect}]   ${fmt(out.ipFloor.rows / (out.ipFloor.ms / 1000))} rows/s`);
    log(`[${dialect}] lookup floor`);
    out.lookupFloor = runChild('floor-lookup', { ...base, lists: requests });
    log(`[${dialect}]   ${fmt(out.lookupFloor.values / (out.lookupFloor.ms / 1000))} values/s`);
    if (only.has('lookup')) {
    const { child, base: url } = await startServer(a);
    try {
      log(`[${dialect}] bulk lookup over HTTP`);
      out.bulk = await bulkLookups(url, token, child.pid);
      log(`[${dialect}]   ${fmt(out.bulk.rate)} values/s`);
      log(`[${dialect}] single lookup vs hello`);
      out.single = await singleLookups(url, token, child.pid, lookupLists(1)[0][0]);
      out.serverRss = vmHwm(child.pid);
    } finally {
      await stopServer(child);
    }
    }
    await drop(a);
    if (!only.has('csv')) return out;
    stores.splice(stores.indexOf(a), 1);

    // The CSV, in a store of its own (so both imports start from an empty intel store).
    const b = await target('csv');
    const cbase = { dataDir: b.dataDir, databaseUrl: b.databaseUrl, fileRoot: b.fileRoot };
    runChild('setup', cbase);
    log(`[${dialect}] CSV: first import`);
    out.csvFirst = runChild('ingest', { ...cbase, kind: 'csv', name: 'SSL blocklist', file: files.csv, force: false }, { profile: true });
    log(`[${dialect}]   ${fmt(out.csvFirst.counts.records / (out.csvFirst.ms / 1000))} records/s, ${mb(out.csvFirst.maxRss)}`);
    log(`[${dialect}] CSV: forced re-import`);
    out.csvAgain = runChild('ingest', { ...cbase, kind: 'csv', name: 'SSL blocklist', force: true }, { profile: true });
    log(`[${dialect}]   ${fmt(out.csvAgain.counts.records / (out.csvAgain.ms / 1000))} records/s, ${mb(out.csvAgain.maxRss)}`);
    log(`[${dialect}] CSV floor`);
    out.csvFloor = runChild('floor-ingest', { ...cbase, kind: 'csv', n: N });
    log(`[${dialect}]   ${fmt(out.csvFloor.rows / (out.csvFloor.ms / 1000))} rows/s`);
    return out;
  } finally {
    for (const t of stores) await drop(t);
  }
}

// ---------------------------------------------------------------- report

const met = (ok) => (ok ? '**met**' : '**not met**');
const pct = (x) => `${fmt(100 * x)}%`;

function report(machine, buildNote, results, files, elapsed) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  const cols = results.map((r) => (r.dialect === 'postgres' ? `PostgreSQL ${r.pgVersion?.split(' ')[0] ?? ''}` : 'SQLite'));
  const row = (label, f) => p(`| ${label} | ${results.map(f).join(' | ')} |`);
  const rate = (x) => x.counts.records / (x.ms / 1000);
  const floorRate = (x) => x.rows / (x.ms / 1000);
  p('## Analyst workspace (feeds and lookup)');
  p();
  p(`\`npm run bench:intel\` (\`node bench/intel.mjs --lines ${N}\`): feed imports of a ${fmt(N)}-line IPv4 list (${mb(files.ipsBytes)}) and a`);
  p(`${fmt(N)}-row CSV (${mb(files.csvBytes)}), bulk and single lookups against the ${fmt(N)} indicators of the first, each next to its floor measured in the same run.`);
  p();
  p(machineTable(machine, [...(results.find((r) => r.pgVersion) ? [['PostgreSQL', `${results.find((r) => r.pgVersion).pgVersion}, same machine (127.0.0.1:5432)`]] : []), ...(buildNote ? [['build', buildNote]] : []), ['run time', `${fmt(elapsed)} s`]]));
  p();
  p('### 1. Feed import');
  p();
  p('Each import is a fresh `node` process doing what `tocsin feed add` and `tocsin feed run` do: the CLI context (store, bus,');
  p('warning lists), `createFeed` with a file source under `TOCSIN_FEED_FILE_ROOT`, `runFeedNow` as the operator, timed from the');
  p('call to the recorded end of the run (parse, filter, envelope, observables upsert, mentions, watchlist hook, progress, vanish');
  p('handling). The store holds one organisation with a domain and a range of its own. The re-import is the same feed run again');
  p('with `--force` (file unchanged; a full re-read, not a 304). Peak RSS is the process maximum (`getrusage`), node included.');
  p('The floor inserts the same rows (same values, same row shape) into scratch copies of `observables` and `mentions` with the');
  p('same columns and indexes (no foreign keys), in one transaction, from memory: SQLite one prepared INSERT per table and row;');
  p('PostgreSQL multi-row INSERTs of 1,000 rows (observables `RETURNING id`, then their mentions).');
  p();
  p(`| | ${cols.join(' | ')} |`);
  p(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const [label, first, again, floor] of [
    ['IPv4 list', 'ipFirst', 'ipAgain', 'ipFloor'],
    ['CSV', 'csvFirst', 'csvAgain', 'csvFloor'],
  ]) {
    row(`**${label}**: floor, rows/s`, (r) => fmt(floorRate(r[floor])));
    row(`${label}: first import, records/s (time)`, (r) => `${fmt(rate(r[first]))} (${fmt(r[first].ms / 1000, 1)} s)`);
    row(`${label}: new / unchanged / skipped`, (r) => `${fmt(r[first].counts.new)} / ${fmt(r[first].counts.unchanged)} / ${fmt(r[first].counts.skipped)}`);
    row(`${label}: **first import / floor** (goal ≥ 50% on SQLite)`, (r) => `**${pct(rate(r[first]) / floorRate(r[floor]))}** ${r.dialect === 'sqlite' ? met(rate(r[first]) / floorRate(r[floor]) >= goals.ingest) : '(for information)'}`);
    row(`${label}: first import, peak RSS (goal < ${goals.rssMb} MB)`, (r) => `${mb(r[first].maxRss)} ${met(r[first].maxRss < goals.rssMb * 2 ** 20)}`);
    row(`${label}: forced re-import, records/s (time)`, (r) => `${fmt(rate(r[again]))} (${fmt(r[again].ms / 1000, 1)} s)`);
    row(`${label}: **re-import / first import** (goal ≥ 2×)`, (r) => `**${fmt(rate(r[again]) / rate(r[first]), 1)}×** ${met(rate(r[again]) / rate(r[first]) >= goals.reimport)}`);
    row(`${label}: re-import, peak RSS (goal < ${goals.rssMb} MB)`, (r) => `${mb(r[again].maxRss)} ${met(r[again].maxRss < goals.rssMb * 2 ** 20)}`);
  }
  p();
  p('### 2. Bulk lookup');
  p();
  p(`\`POST /api/intel/lookup\`, ${fmt(lookupBatch)} values a request (half of them stored by the IPv4 import, the rest never stored),`);
  p(`\`Authorization: Bearer\` with a \`read\` token of an analyst; ${warmupRequests} warm-up requests, then ${requests} timed, one at a time, each with`);
  p('different values, from Node’s fetch in the benchmark process (the request body built and the answer read and parsed). The');
  p('server: `buildApp` from `dist/`, default configuration (request logs to /dev/null), its own process. The floor, in a');
  p('process of its own against the same store: `select * from observables where type = ? and value = ?` prepared once and run');
  p('for the same values one after another (better-sqlite3; on PostgreSQL a named prepared statement over one connection).');
  p();
  p(`| | ${cols.join(' | ')} |`);
  p(`|---|${cols.map(() => '---:').join('|')}|`);
  row('floor: point lookups, values/s', (r) => fmt(r.lookupFloor.values / (r.lookupFloor.ms / 1000)));
  row('floor: found', (r) => `${fmt(r.lookupFloor.found)} of ${fmt(r.lookupFloor.values)}`);
  row('HTTP bulk lookup, values/s', (r) => fmt(r.bulk.rate));
  row('HTTP: found', (r) => `${fmt(r.bulk.found)} of ${fmt(r.bulk.values)}`);
  row('**HTTP / floor** (goal ≥ 35%)', (r) => {
    const x = r.bulk.rate / (r.lookupFloor.values / (r.lookupFloor.ms / 1000));
    return `**${pct(x)}** ${met(x >= goals.bulk)}`;
  });
  row('request time p50 / max', (r) => `${ms(r.bulk.p50)} / ${ms(r.bulk.max)}`);
  row('server CPU per request', (r) => ms(r.bulk.cpuPerRequest * 1000));
  row('answer size', (r) => mb(r.bulk.bytes));
  p();
  p('### 3. Single lookup vs hello world, same process');
  p();
  p(`\`GET /api/intel/lookup?value=<a stored address>\` with the token, and \`GET /bench/hello\` (public, no credentials, returns`);
  p(`\`{hello:'world'}\`) registered on the same app; \`autocannon -c ${connections} -d ${duration} --warmup [ -c ${connections} -d 1 ]\` from a separate`);
  p('process, the two routes in rotation, 3 runs each; medians. The load generator shares the cores with the server.');
  p();
  p(`| | ${cols.join(' | ')} |`);
  p(`|---|${cols.map(() => '---:').join('|')}|`);
  const m = (r, kind, f) => median(r.single[kind].map(f));
  row('hello, req/s (min–max)', (r) => `${fmt(m(r, 'hello', (x) => x.rps))} (${fmt(Math.min(...r.single.hello.map((x) => x.rps)))}–${fmt(Math.max(...r.single.hello.map((x) => x.rps)))})`);
  row('single lookup, req/s (min–max)', (r) => `${fmt(m(r, 'lookup', (x) => x.rps))} (${fmt(Math.min(...r.single.lookup.map((x) => x.rps)))}–${fmt(Math.max(...r.single.lookup.map((x) => x.rps)))})`);
  row('**lookup / hello** (goal ≥ 1/3)', (r) => {
    const x = m(r, 'lookup', (y) => y.rps) / m(r, 'hello', (y) => y.rps);
    return `**${fmt(x, 2)}** ${met(x >= goals.single)}`;
  });
  row('p50 / p99, hello', (r) => `${ms(m(r, 'hello', (x) => x.p50))} / ${ms(m(r, 'hello', (x) => x.p99))}`);
  row('p50 / p99, lookup', (r) => `${ms(m(r, 'lookup', (x) => x.p50))} / ${ms(m(r, 'lookup', (x) => x.p99))}`);
  row('server CPU per request, hello / lookup', (r) => `${fmt(m(r, 'hello', (x) => x.cpuUs))} µs / ${fmt(m(r, 'lookup', (x) => x.cpuUs))} µs`);
  row('errors or non-2xx', (r) => fmt([...r.single.hello, ...r.single.lookup].reduce((n, x) => n + x.bad, 0)));
  row('server peak RSS (VmHWM), sections 2–3', (r) => mb(r.serverRss));
  p();
  return lines.join('\n');
}

async function main() {
  const buildNote = await ensureBuilt();
  if (buildNote) log(`note: ${buildNote}`);
  const machine = describeMachine();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-intel-feeds-'));
  if (args['cpu-prof']) mkdirSync(path.resolve(args['cpu-prof']), { recursive: true });
  const t0 = performance.now();
  try {
    log(`generating the ${fmt(N)}-line inputs in ${dir}…`);
    const files = { dir, ips: path.join(dir, 'ips.txt'), csv: path.join(dir, 'sslbl.csv') };
    await writeLines(files.ips, ['# generated IPv4 block list', '#'], ipValues(N));
    await writeLines(files.csv, ['# generated SSLBL-style list', 'first_seen,sha1,reason'], (function* () {
      for (const r of csvRows(N)) yield `${csvDate(r.i)},${r.sha1},${r.reason.includes(',') ? `"${r.reason}"` : r.reason}`;
    })());
    files.ipsBytes = statSync(files.ips).size;
    files.csvBytes = statSync(files.csv).size;
    const results = [];
    for (const d of dialects) results.push(await runDialect(d, files));
    if (!only.has('lookup') || !only.has('csv')) {
      log('partial run (--only): no report');
      return;
    }
    const markdown = report(machine, buildNote, results, files, (performance.now() - t0) / 1000);
    process.stdout.write(`${markdown}\n`);
    if (!args['no-write']) {
      writeSection('Analyst workspace (feeds and lookup)', markdown);
      log('wrote the "## Analyst workspace (feeds and lookup)" section of docs/BENCHMARKS.md');
    }
  } finally {
    if (args.keep) log(`inputs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (args.child) await childMain();
else await main();
