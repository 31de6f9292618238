// The export benchmark (`npm run bench:exports`, issue 6): what a firewall, an IDS and a SIEM
// pull from the hub.
//
// Two stores per dialect, of 100,000 and of N (default 1,000,000) public IPv4 addresses, each
// seeded as bench/intel.mjs seeds its store (a generated IPv4 list as a file feed, createFeed and
// runFeedNow, in a fresh process). In each, an organisation admin saves three exports through
// the service (EDL `edl-ip`, `suricata`, `ecs-ndjson`, default options) with a device token each.
// Then, against the real server from dist/ (a forked process, as bench/intel-server.mjs):
// GET /exports/<id>/<file> with `Authorization: Bearer tcx_…` and no Accept-Encoding (identity),
// read to the end (or cut off after --fetch-timeout seconds); 3 fetches per format in rotation,
// the first checking the value count and followed by one If-None-Match request (expect 304, for
// information); medians of lines/s, time to first byte and total time; server peak RSS (VmHWM)
// per store size, so memory flatness is the peak at N against the peak at 100,000. Next to the
// raw floor, in the same run, in a process of its own against the same store: the same rows
// read straight from the store in keyset pages of 500 (as the exporter pages), each value and
// "\n" written into a counting sink.
//
// On SQLite and on PostgreSQL (TOCSIN_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// Writes the `## Exports` section of docs/BENCHMARKS.md.
//
//   node bench/exports.mjs [--indicators 1000000] [--small 100000] [--runs 3] [--fetch-timeout 120]
//                          [--sqlite-only | --postgres-only] [--no-write] [--keep]
import { fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, ensureBuilt, fmt, machineTable, mb, ms, root, writeSection, pgDatabase as pgDatabaseIn } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    indicators: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'fetch-timeout': { type: 'string', default: '120' },
    'sqlite-only': { type: 'boolean', default: false },
    'postgres-only': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    spec: { type: 'string' },
  },
});
const N = Number(args.indicators);
// The smaller store: 100,000, or a tenth of N when N is not larger (small trial runs).
const small = Number(args.small) < N ? Number(args.small) : Math.max(1, Math.floor(N / 10));
const sizes = [small, N];
const runs = Number(args.runs);
// A fetch still running after this many seconds is cut off (the device would have given up):
// its lines/s is that of the part read, and the format is not fetched again at that size.
const fetchTimeout = Number(args['fetch-timeout']);
const pagesOf = 500;
const pgAdminUrl = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dialects = args['sqlite-only'] ? ['sqlite'] : args['postgres-only'] ? ['postgres'] : ['sqlite', 'postgres'];
const goals = { floor: 0.4, ttfbMs: 100, flat: 1.25 };
const formats = [
  { id: 'edl-ip', label: 'EDL (IP list)', name: 'Firewall EDL' },
  { id: 'suricata', label: 'Suricata rules', name: 'IDS rules' },
  { id: 'ecs-ndjson', label: 'ECS NDJSON', name: 'SIEM indicators' },
];
const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const dist = (p) => path.join(root, 'dist', p);

// ---------------------------------------------------------------- the input (deterministic)

/** A small deterministic generator: its states do not repeat within 2^32 draws, so neither do the values. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}
const ipOf = (v) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
const ipNum = (ip) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * What an export must never carry, as the hub ships it: the IPv4 ranges and addresses of the
 * warning lists (private, reserved, documentation, multicast, public resolvers, Cloudflare).
 * The setup's own range (198.51.100.0/24) is among them.
 */
async function warningListed() {
  const { shippedLists } = await import(dist('intel/warning-list-data.js'));
  const ranges = [];
  const exact = new Set();
  for (const list of shippedLists) {
    for (const [type, value] of list.entries) {
      if (type === 'cidr' && !value.includes(':')) {
        const [addr, prefix] = value.split('/');
        const start = ipNum(addr);
        ranges.push([start, start + 2 ** (32 - Number(prefix)) - 1]);
      } else if (type === 'ipv4') exact.add(ipNum(value));
    }
  }
  return (v) => exact.has(v) || ranges.some(([a, b]) => v >= a && v <= b);
}

/** The first n public addresses the generator draws (warning-listed draws are passed over). */
function* publicIps(n, excluded) {
  const rnd = lcg(7);
  for (let i = 0; i < n; ) {
    const v = rnd();
    if (excluded(v)) continue;
    i++;
    yield ipOf(v);
  }
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

// ---------------------------------------------------------------- children

function childConfig(spec) {
  return import(dist('config/config.js')).then(({ loadConfig }) =>
    loadConfig({}, { dataDir: spec.dataDir, logLevel: 'warn', feedFileRoot: spec.fileRoot, ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}) }),
  );
}

/** One organisation, its admin, and per format an export (default options) with one device token. */
async function childSetup(spec) {
  const { withContext } = await import(dist('cli/context.js'));
  const { cliActor } = await import(dist('orgs/actor.js'));
  const { actorForUser } = await import(dist('orgs/auth.service.js'));
  const { createOrganisation } = await import(dist('orgs/organisations.service.js'));
  const { createUser } = await import(dist('orgs/users.service.js'));
  const { findUserByEmail } = await import(dist('orgs/users.repository.js'));
  const { createExport, createExportToken } = await import(dist('exports/exports.service.js'));
  return withContext(await childConfig(spec), async (ctx) => {
    const org = await createOrganisation(ctx, cliActor(), { name: 'Bench City', kind: 'city', population: 400_000, region: 'Region 3', domains: ['benchcity.gov'], ipRanges: ['198.51.100.0/24'] });
    const email = 'admin@benchcity.gov';
    await createUser(ctx, cliActor(), { email, name: 'City admin', orgId: org.id, role: 'admin', isOperator: false, password: `bench ${randomBytes(8).toString('hex')}` });
    const row = await findUserByEmail(ctx.db, email);
    const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
    const exports = {};
    for (const f of formats) {
      const created = await createExport(ctx, actor, { name: f.name, format: f.id });
      const token = await createExportToken(ctx, actor, created.id, { name: `${f.label} device` });
      exports[f.id] = { id: created.id, secret: token.secret, path: new URL(token.url).pathname };
    }
    return { orgId: org.id, exports };
  });
}

/** The IPv4 list as a file feed, added and run as `tocsin feed add` / `tocsin feed run` do. */
async function childSeed(spec) {
  const { withContext } = await import(dist('cli/context.js'));
  const { cliActor } = await import(dist('orgs/actor.js'));
  const { createFeed, runFeedNow } = await import(dist('feeds/feeds.service.js'));
  return withContext(await childConfig(spec), async (ctx) => {
    const id = (await createFeed(ctx, cliActor(), { name: 'IPv4 list', kind: 'list', file: spec.file, options: { type: 'ip' } })).id;
    const start = performance.now();
    const started = await runFeedNow(ctx, cliActor(), id, 'cli', { force: false });
    const run = await started.done;
    const t = performance.now() - start;
    if (run.status !== 'complete') throw new Error(`the run ended ${run.status}: ${run.error}`);
    return { ms: t, counts: run.counts };
  });
}

/** Where the floor writes: value + "\n" joined into chunks of about 64 KiB (as the route does), counted. */
function countingSink() {
  let parts = [];
  let size = 0;
  let bytes = 0;
  let lines = 0;
  const flush = () => {
    bytes += Buffer.from(parts.join(''), 'utf8').length;
    parts = [];
    size = 0;
  };
  return {
    write(value) {
      const line = `${value}\n`;
      parts.push(line);
      size += line.length;
      lines++;
      if (size >= 65_536) flush();
    },
    end() {
      if (parts.length) flush();
      return { lines, bytes };
    },
  };
}

/**
 * The floor: the rows the exports carry, straight from the store, into a counting sink. `keyset`:
 * `select id, type, value from observables where type || '' = 'ipv4' and id > ? order by id limit 500`
 * until empty (the exporter's paging); `single`: one statement (better-sqlite3 iterate(); on
 * PostgreSQL a server-side cursor fetched 1,000 rows at a time), for information. One untimed
 * pass, then `runs` timed passes of each; medians.
 */
async function childFloor(spec) {
  const out = { keyset: [], single: [] };
  let result;
  if (!spec.databaseUrl) {
    const { default: SQLite } = await import('better-sqlite3');
    const db = new SQLite(path.join(spec.dataDir, 'tocsin.db'), { readonly: true });
    const page = db.prepare(`select id, type, value from observables where type || '' = ? and id > ? order by id limit ${pagesOf}`);
    const all = db.prepare('select type, value from observables where type = ? order by id');
    const keyset = () => {
      const sink = countingSink();
      let after = 0;
      for (;;) {
        const rows = page.all('ipv4', after);
        if (rows.length === 0) break;
        for (const r of rows) sink.write(r.value);
        after = rows[rows.length - 1].id;
      }
      return sink.end();
    };
    const single = () => {
      const sink = countingSink();
      for (const r of all.iterate('ipv4')) sink.write(r.value);
      return sink.end();
    };
    keyset();
    for (let i = 0; i < spec.runs; i++) {
      for (const [kind, fn] of [['keyset', keyset], ['single', single]]) {
        const t = performance.now();
        result = fn();
        out[kind].push({ ms: performance.now() - t, ...result });
      }
    }
    db.close();
  } else {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: spec.databaseUrl });
    await client.connect();
    try {
      const keyset = async () => {
        const sink = countingSink();
        let after = '0';
        for (;;) {
          const { rows } = await client.query({ name: 'page', text: `select id, type, value from observables where type || '' = $1 and id > $2 order by id limit ${pagesOf}`, values: ['ipv4', after] });
          if (rows.length === 0) break;
          for (const r of rows) sink.write(r.value);
          after = String(rows[rows.length - 1].id);
        }
        return sink.end();
      };
      const single = async () => {
        const sink = countingSink();
        await client.query('begin');
        await client.query("declare bench_floor no scroll cursor for select type, value from observables where type = 'ipv4' order by id");
        for (;;) {
          const { rows } = await client.query('fetch forward 1000 from bench_floor');
          if (rows.length === 0) break;
          for (const r of rows) sink.write(r.value);
        }
        await client.query('close bench_floor');
        await client.query('commit');
        return sink.end();
      };
      await keyset();
      for (let i = 0; i < spec.runs; i++) {
        for (const [kind, fn] of [['keyset', keyset], ['single', single]]) {
          const t = performance.now();
          result = await fn();
          out[kind].push({ ms: performance.now() - t, ...result });
        }
      }
    } finally {
      await client.end();
    }
  }
  const summary = (list) => ({ ms: median(list.map((x) => x.ms)), lines: list[0].lines, bytes: list[0].bytes, rate: median(list.map((x) => x.lines / (x.ms / 1000))) });
  return { keyset: summary(out.keyset), single: summary(out.single) };
}

/**
 * The server half, forked with IPC: the real app from dist/ (buildApp, default configuration
 * apart from the Suricata sid range, request logs to stdout, which the parent points at
 * /dev/null), on a store seeded above.
 */
async function childServer(spec) {
  const { buildApp } = await import(dist('app.js'));
  const { loadConfig } = await import(dist('config/config.js'));
  const { openStore } = await import(dist('store/database.js'));
  // An empty environment: the benchmark must not pick up TOCSIN_* settings from the shell.
  const config = loadConfig({}, { dataDir: spec.dataDir, host: '127.0.0.1', port: '0', ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}) });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize });
  const app = await buildApp(config, { store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();
  const shutdown = async (code) => {
    try {
      await app.close();
      await store.close();
    } finally {
      process.exit(code);
    }
  };
  process.on('message', (msg) => {
    if (msg.cmd === 'close') void shutdown(0);
  });
  process.on('disconnect', () => void shutdown(0));
  process.send({ cmd: 'ready', port });
}

async function childMain() {
  const spec = JSON.parse(args.spec);
  if (args.child === 'server') return childServer(spec);
  const fn = { setup: childSetup, seed: childSeed, floor: childFloor }[args.child];
  const out = await fn(spec);
  process.stdout.write(JSON.stringify(out));
  // The CLI context closes what it opened; do not wait for stray timers.
  process.exit(0);
}

// ---------------------------------------------------------------- parent

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_')));

function runChild(name, spec) {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, '--spec', JSON.stringify(spec)], {
    cwd: root,
    env: cleanEnv(),
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`child ${name} exited with ${res.status ?? res.signal}`);
  return JSON.parse(res.stdout);
}

const pgDatabase = (label) => pgDatabaseIn(pgAdminUrl, `exports_${label}`);

function startServer(target) {
  const spec = { dataDir: target.dataDir, databaseUrl: target.databaseUrl };
  const child = fork(fileURLToPath(import.meta.url), ['--child', 'server', '--spec', JSON.stringify(spec)], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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

const procStatus = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
const clockTicks = 100;
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / clockTicks;
}

/**
 * One GET of an export, as a device makes it: a new connection, the device token as Bearer, no
 * Accept-Encoding, the body read to the end or cut off after `fetchTimeout` s. Counts lines (and
 * the `#` comment lines among them) as they arrive; samples the server's VmRSS every 100 ms.
 */
function fetchExport(base, ex, pid, headers = {}) {
  return new Promise((resolve, reject) => {
    let rss = procStatus(pid, 'VmRSS');
    const sampler = setInterval(() => (rss = Math.max(rss, procStatus(pid, 'VmRSS'))), 100);
    const t0 = performance.now();
    let res = null;
    let ttfb = NaN;
    let bytes = 0;
    let lines = 0;
    let comments = 0;
    let lineStart = true;
    let head = '';
    let timedOut = false;
    let settled = false;
    const finish = (err) => {
      if (settled) return;
      settled = true;
      clearInterval(sampler);
      clearTimeout(timer);
      if (err && !timedOut) return reject(err);
      const total = performance.now() - t0;
      const values = lines - comments;
      resolve({ status: res?.statusCode ?? 0, etag: res?.headers.etag, cache: res?.headers['x-export-cache'], encoding: res?.headers['content-encoding'] ?? 'identity', timedOut, ttfb, ms: total, bytes, lines, values, rate: values / (total / 1000), rss, head });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
      finish();
    }, fetchTimeout * 1000);
    const req = http.get(`${base}${ex.path}`, { agent: false, headers: { authorization: `Bearer ${ex.secret}`, ...headers } }, (response) => {
      res = response;
      res.on('data', (chunk) => {
        if (Number.isNaN(ttfb)) ttfb = performance.now() - t0;
        bytes += chunk.length;
        if (head.length < 2000) head += chunk.toString('utf8', 0, Math.min(chunk.length, 2000));
        if (lineStart && chunk.length) {
          if (chunk[0] === 35) comments++;
          lineStart = false;
        }
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
          lines++;
          if (i + 1 < chunk.length) {
            if (chunk[i + 1] === 35) comments++;
          } else lineStart = true;
        }
      });
      res.on('end', () => finish());
      res.on('error', finish);
    });
    req.on('error', finish);
  });
}

/**
 * After a fetch was cut off: wait (at most 60 s) until the server has stopped rendering it — its
 * CPU idle over half a second and, on PostgreSQL, no query of the store's database still active.
 */
async function quiesce(pid, databaseUrl) {
  let client = null;
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
  }
  try {
    const start = performance.now();
    while (performance.now() - start < 60_000) {
      const cpu0 = cpuSeconds(pid);
      await sleep(500);
      const busy = cpuSeconds(pid) - cpu0 > 0.05;
      const active = client
        ? Number((await client.query("select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()")).rows[0].n)
        : 0;
      if (!busy && active === 0) return performance.now() - start;
    }
    log('WARNING: the server was still busy 60 s after a fetch was cut off');
    return NaN;
  } finally {
    await client?.end();
  }
}

/**
 * Per run and format: a cold fetch (the body cache emptied first, so the server reads and
 * writes every value) and then a warm one (the same ETag: the body the cold fetch left).
 */
async function exportRuns(base, pid, databaseUrl, dataDir, exports, expected, label) {
  const out = Object.fromEntries(formats.map((f) => [f.id, { runs: [], warm: [], notModified: null }]));
  for (let i = 0; i < runs; i++) {
    for (const f of formats) {
      const ex = exports[f.id];
      const o = out[f.id];
      if (o.runs.some((r) => r.timedOut)) continue;
      rmSync(path.join(dataDir, 'export-cache'), { recursive: true, force: true });
      const r = await fetchExport(base, ex, pid);
      if (r.status !== 200 && !(r.timedOut && r.status === 0)) throw new Error(`GET ${ex.path} (${f.id}): HTTP ${r.status} ${r.head.slice(0, 300)}`);
      if (r.encoding !== 'identity') throw new Error(`GET ${ex.path} (${f.id}): Content-Encoding ${r.encoding}`);
      if (!r.timedOut && r.cache !== 'miss') throw new Error(`GET ${ex.path} (${f.id}): a cold fetch answered from the body cache (${r.cache})`);
      delete r.head;
      o.runs.push(r);
      const cut = r.timedOut ? ` — cut off after ${fetchTimeout} s at ${fmt(r.values)} of ${fmt(expected)} lines` : '';
      log(`${label}   ${f.id} run ${i + 1}: ${fmt(r.rate)} lines/s, first byte ${ms(r.ttfb)}, ${fmt(r.ms / 1000, 2)} s, ${mb(r.bytes)}${cut}`);
      if (r.timedOut) {
        log(`${label}     server idle again after ${fmt((await quiesce(pid, databaseUrl)) / 1000, 1)} s`);
        continue;
      }
      if (i === 0 && r.values !== expected) log(`${label} WARNING: ${f.id} carried ${fmt(r.values)} values, ${fmt(expected)} expected`);
      const w = await fetchExport(base, ex, pid);
      if (w.cache !== 'hit' || w.values !== r.values) throw new Error(`GET ${ex.path} (${f.id}): the warm fetch was a ${w.cache} with ${w.values} values`);
      delete w.head;
      o.warm.push(w);
      log(`${label}   ${f.id} warm: ${fmt(w.rate)} lines/s, first byte ${ms(w.ttfb)}`);
      if (i === 0) {
        o.notModified = (await fetchExport(base, ex, pid, { 'if-none-match': r.etag })).status;
        log(`${label}     If-None-Match → ${o.notModified}`);
      }
    }
  }
  return out;
}

async function runSize(dialect, size, file, fileRoot) {
  const label = `[${dialect} ${fmt(size)}]`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tocsin-bench-exports-${dialect}-${size}-`));
  const pg = dialect === 'postgres' ? await pgDatabase(String(size)) : null;
  const base = { dataDir, databaseUrl: pg?.url, fileRoot };
  try {
    const { exports } = runChild('setup', base);
    log(`${label} seeding ${fmt(size)} addresses (IPv4 list feed)`);
    const seed = runChild('seed', { ...base, file });
    log(`${label}   ${fmt(seed.counts.new)} new in ${fmt(seed.ms / 1000, 1)} s`);
    log(`${label} floor`);
    const floor = runChild('floor', { ...base, runs });
    log(`${label}   keyset ${fmt(floor.keyset.rate)} lines/s, one statement ${fmt(floor.single.rate)} lines/s`);
    if (floor.keyset.lines !== size) log(`${label} WARNING: the floor read ${fmt(floor.keyset.lines)} rows, ${fmt(size)} expected`);
    const { child, base: url } = await startServer({ dataDir, databaseUrl: pg?.url });
    try {
      const rssStart = procStatus(child.pid, 'VmRSS');
      log(`${label} exports over HTTP`);
      const results = await exportRuns(url, child.pid, pg?.url, dataDir, exports, size, label);
      const rssPeak = procStatus(child.pid, 'VmHWM');
      log(`${label}   server RSS after start ${mb(rssStart)}, peak ${mb(rssPeak)}`);
      return { size, pgVersion: pg?.version, seed, floor, rssStart, rssPeak, formats: results };
    } finally {
      await stopServer(child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await pg?.drop();
  }
}

// ---------------------------------------------------------------- report

const met = (ok) => (ok ? '**met**' : '**not met**');
const pct = (x) => `${fmt(100 * x)}%`;

function report(machine, buildNote, results, files, elapsed) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  const columns = results.flatMap((r) => r.sizes.map((s) => ({ ...s, dialect: r.dialect })));
  const dialectName = (c) => (c.dialect === 'postgres' ? `PostgreSQL ${c.pgVersion?.split(' ')[0] ?? ''}` : 'SQLite');
  const row = (label, f) => p(`| ${label} | ${columns.map(f).join(' | ')} |`);
  const smallOf = (c) => columns.find((x) => x.dialect === c.dialect && x.size === small);
  const pgVersion = columns.find((c) => c.pgVersion)?.pgVersion;
  const m = (c, id, key) => median(c.formats[id].runs.map((r) => r[key]));
  p('## Exports');
  p();
  p(`\`npm run bench:exports\` (\`node bench/exports.mjs --indicators ${N}\`): the hub's exports of ${fmt(small)} and of ${fmt(N)} IPv4 indicators`);
  p('fetched over HTTP as a firewall (EDL), an IDS (Suricata rules) and a SIEM (ECS NDJSON) fetch them, each next to the raw floor');
  p('of reading the same rows from the store, measured in the same run.');
  p();
  p(machineTable(machine, [...(pgVersion ? [['PostgreSQL', `${pgVersion}, same machine (127.0.0.1:5432)`]] : []), ...(buildNote ? [['build', buildNote]] : []), ['run time', `${fmt(elapsed)} s`]]));
  p();
  p(`**The stores.** Per dialect two fresh stores (SQLite files; PostgreSQL databases created for the run and dropped after), of`);
  p(`${fmt(small)} and of ${fmt(N)} distinct public IPv4 addresses from a fixed generator (an LCG; draws on a shipped warning list —`);
  p('private, reserved, documentation and multicast ranges, public resolvers, Cloudflare — passed over, so every stored value is');
  p(`exportable and each export must carry exactly the store's size; each warm-up fetch checks that it does). Each is seeded as`);
  p('`bench:intel` seeds its store: the list as a file feed (operator, shared with all members, TLP:GREEN), `createFeed` and');
  p('`runFeedNow` in a fresh process. One organisation with an admin, who saves three exports through the service with default');
  p('options (every type the format carries, TLP ceiling amber+strict) — `edl-ip`, `suricata`, `ecs-ndjson` — and a device token');
  p('for each. The Suricata sid range is the default (100,000,000: room for 50,000,000 values without a sid clash).');
  p();
  p('**The fetches.** The server is `buildApp` from `dist/` in its own process, default configuration otherwise (request logs to');
  p('/dev/null), one process per store. Each fetch is `GET /exports/<id>/<file>` with `Authorization: Bearer tcx_…` on a new');
  p('connection from `node:http` in the benchmark process, with no `Accept-Encoding` (an identity body) and no `If-None-Match`, read');
  p(`to the end and its lines counted as they arrive; ${runs} rounds over the formats, no warm-up; medians. In each round, per format, a`);
  p('**cold** fetch — the body cache (`export-cache/` in the data folder) emptied first, so the server reads and writes every value:');
  p('the render the goals are about — and then a **warm** fetch, the same ETag, answered from the body the cold fetch left (what');
  p('every other device of the export gets until the content changes; it must say `x-export-cache: hit` and carry the same count).');
  p('After the first round, one request with the ETag in `If-None-Match` (for information: it should answer 304); the first cold');
  p('fetch must carry exactly the store\'s size. Lines/s counts the lines that carry a value');
  p('(Suricata: one rule per address; its 3 comment lines at the top not counted) over the whole request; time to first byte runs');
  p('from the request to the first body chunk (the route sends chunks of about 64 KiB). A fetch still running after');
  p(`${fetchTimeout} s (\`--fetch-timeout\`) is cut off, as a device would give up: its lines/s is that of the part read, that format is not`);
  p('fetched again from that store, and the benchmark waits until the server has stopped rendering it (its CPU idle and, on');
  p('PostgreSQL, no query active in the database) before the next fetch. The server’s RSS after start is `VmRSS` before the');
  p('first fetch, its peak `VmHWM` after the last (start-up included); “max during” is `VmRSS` sampled every 100 ms during that');
  p(`format’s fetches. Memory is flat when the peak with ${fmt(N)} indicators is at most ${goals.flat}× the peak with ${fmt(small)} (with`);
  p('fetches cut off, over the part rendered). The client shares the cores with the server.');
  p();
  p(`**The floor.** In a process of its own against the same store, before the server starts: \`select id, type, value from`);
  p(`observables where type || '' = 'ipv4' and id > ? order by id limit ${pagesOf}\` until empty (keyset pages of ${pagesOf} along the primary key,`);
  p('as the exporter walks it — the expression keeps SQLite off the (type, value) index, which would sort the rest for every page;');
  p('better-sqlite3, on PostgreSQL a named prepared statement over one connection), each value and "\\n" joined into chunks of');
  p(`about 64 KiB and counted, no HTTP. One untimed pass, then ${runs} timed; median. The same rows in one statement (better-sqlite3`);
  p('`iterate()`; on PostgreSQL a server-side cursor fetched 1,000 rows at a time) are shown for information. The export does');
  p('more per row than the floor by design (each value\'s qualifying mentions through the sharing policy, the sources and sightings');
  p(`a format quotes, the format itself, HTTP); the goal is ≥ ${pct(goals.floor)} of the keyset floor's lines/s, for the cold fetch.`);
  p();
  p(`| | ${columns.map((c) => `${dialectName(c)}, ${fmt(c.size)}`).join(' | ')} |`);
  p(`|---|${columns.map(() => '---:').join('|')}|`);
  row('seeding (IPv4 list feed), time', (c) => `${fmt(c.seed.ms / 1000, 1)} s`);
  row('**floor**: keyset pages of 500, lines/s', (c) => `**${fmt(c.floor.keyset.rate)}**`);
  row('floor: one statement, lines/s (for information)', (c) => fmt(c.floor.single.rate));
  const cut = (c, id) => c.formats[id].runs.find((r) => r.timedOut);
  for (const f of formats) {
    row(`**${f.label}** (\`${f.id}\`): cold fetch, lines/s`, (c) => `**${fmt(m(c, f.id, 'rate'))}**${cut(c, f.id) ? ' (part read)' : ''}`);
    row(`${f.label}: values / expected, body`, (c) => {
      const r = cut(c, f.id) ?? c.formats[f.id].runs[0];
      return `${fmt(r.values)} / ${fmt(c.size)}, ${mb(r.bytes)}${r.timedOut ? ` (cut off at ${fetchTimeout} s)` : ''}`;
    });
    row(`${f.label}: total time (min–max), fetches`, (c) => {
      const list = c.formats[f.id].runs;
      const t = list.filter((r) => !r.timedOut).map((r) => r.ms / 1000);
      const done = t.length ? `${fmt(median(t), 2)} s (${fmt(Math.min(...t), 2)}–${fmt(Math.max(...t), 2)})` : `> ${fetchTimeout} s`;
      return `${done}, ${list.length}${cut(c, f.id) ? ` (${t.length ? 'the last ' : ''}cut off)` : ''}`;
    });
    row(`${f.label}: **export / floor** (goal ≥ ${pct(goals.floor)})`, (c) => {
      const x = m(c, f.id, 'rate') / c.floor.keyset.rate;
      return `**${pct(x)}** ${met(x >= goals.floor)}`;
    });
    row(`${f.label}: time to first byte (goal < ${goals.ttfbMs} ms)`, (c) => {
      const t = c.formats[f.id].runs.map((r) => r.ttfb).filter(Number.isFinite);
      return t.length ? `${ms(median(t))} ${met(median(t) < goals.ttfbMs)}` : `> ${fetchTimeout} s ${met(false)}`;
    });
    row(`${f.label}: warm fetch (body cache), lines/s and first byte`, (c) => {
      const w = c.formats[f.id].warm;
      return w.length ? `${fmt(median(w.map((r) => r.rate)))}, ${ms(median(w.map((r) => r.ttfb)))}` : '–';
    });
    row(`${f.label}: server RSS, max during`, (c) => mb(Math.max(...[...c.formats[f.id].runs, ...c.formats[f.id].warm].map((r) => r.rss))));
    row(`${f.label}: with If-None-Match (for information)`, (c) => String(c.formats[f.id].notModified));
  }
  row('server RSS after start', (c) => mb(c.rssStart));
  row('server peak RSS (VmHWM)', (c) => mb(c.rssPeak));
  row(`**memory: peak at ${fmt(N)} / at ${fmt(small)}** (goal ≤ ${goals.flat}×)`, (c) => {
    if (c.size === small) return '–';
    const x = c.rssPeak / smallOf(c).rssPeak;
    return `**${fmt(x, 2)}×** ${met(x <= goals.flat)}`;
  });
  p();
  p(`Input files: ${fmt(small)} lines (${mb(files.smallBytes)}) and ${fmt(N)} lines (${mb(files.bigBytes)}).`);
  p();
  p('**Reading it.** A list (EDL) reads only the values, through the sharing policy: one statement per window of 1,000 ids');
  p('joining each value to its qualifying mentions and their shares. Suricata rules and ECS documents also need what the rule or');
  p('document quotes (the TLP, confidence, first and last seen, expiry, the newest sources\' titles, sightings), which doubles');
  p('the statement\'s cost, and they write about 16 (Suricata) to 43 (ECS) times the bytes of the floor\'s line per value; that is');
  p('why their cold renders stay well under the floor goal. The body cache is what a device meets in practice: the first');
  p('fetch after a change renders, and every other fetch with the same ETag (the export\'s other devices, and every poll until');
  p('something changes or the hour turns) streams the stored body, faster than the floor itself.');
  p();
  return lines.join('\n');
}

async function main() {
  const buildNote = await ensureBuilt();
  if (buildNote) log(`note: ${buildNote}`);
  const machine = describeMachine();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-exports-feeds-'));
  const t0 = performance.now();
  try {
    log(`generating the ${fmt(small)}- and ${fmt(N)}-line inputs in ${dir}…`);
    const excluded = await warningListed();
    const files = { small: path.join(dir, 'ips-small.txt'), big: path.join(dir, 'ips.txt') };
    const header = ['# generated IPv4 block list (public addresses)', '#'];
    await writeLines(files.small, header, publicIps(small, excluded));
    await writeLines(files.big, header, publicIps(N, excluded));
    files.smallBytes = statSync(files.small).size;
    files.bigBytes = statSync(files.big).size;
    const results = [];
    for (const d of dialects) {
      const out = { dialect: d, sizes: [] };
      for (const size of sizes) out.sizes.push(await runSize(d, size, size === small ? files.small : files.big, dir));
      results.push(out);
    }
    const markdown = report(machine, buildNote, results, files, (performance.now() - t0) / 1000);
    process.stdout.write(`${markdown}\n`);
    if (!args['no-write']) {
      writeSection('Exports', markdown);
      log('wrote the "## Exports" section of docs/BENCHMARKS.md');
    }
  } finally {
    if (args.keep) log(`inputs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (args.child) await childMain();
else await main();
