// The foundation benchmark (`npm run bench`): how fast the built hub starts, how much memory
// it holds idle, and what an authenticated API read costs next to a hello-world route in
// the same process. Prints Markdown and writes it as the `## Foundation` section of
// docs/BENCHMARKS.md (other sections are kept).
//
// Plain Node ESM on purpose: it measures the built program (dist/), exactly what `npm start`
// runs, and needs no TypeScript loader that would add its own start-up cost.
//
//   node bench/foundation.mjs [--duration 8] [--connections 50] [--warm-starts 5]
//                             [--sqlite-only] [--breakdown] [--no-write] [--wait-quiet <s>]
//
// --breakdown adds two diagnostic routes to the rotation: the token path alone
// (GET /bench/whoami) and the org read alone (GET /bench/org/:id, public); use it with
// --sqlite-only to stay within the time bound.
//
// --wait-quiet 120 first waits (up to 120 s) until other processes use less than a tenth of
// a core: the machine may be shared.
//
// Bounded: once dist/ is built (and the wait is over), a watchdog ends the run and everything
// it started after 175 s (longer only with --breakdown, by its extra runs). Traffic goes only to 127.0.0.1. Temporary folders and
// the temporary PostgreSQL database are removed at the end.
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    'warm-starts': { type: 'string', default: '5' },
    'sqlite-only': { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const warmStarts = Number(args['warm-starts']);
const pgAdminUrl = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dialects = args['sqlite-only'] ? ['sqlite'] : ['sqlite', 'postgres'];
const kinds = args.breakdown ? ['hello', 'auth', 'orgNoAuth', 'org'] : ['hello', 'org'];
// Each load run: autocannon start-up, 1 s warm-up, the measured seconds.
const plannedS = (warmStarts + 1) * 3.5 + dialects.length * (kinds.length * 3 * (duration + 1.6) + 6) + 10;
const waitQuietS = Number(args['wait-quiet']);
const deadlineMs = Math.max(175_000, Math.ceil(plannedS + 15) * 1000);
const goals = { startMs: 2000, rssMb: 150, ratio: 1 / 3 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- bookkeeping and cleanup
const children = new Set();
const tempDirs = new Set();
const cleanups = [];
let t0 = performance.now();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function tempDir(label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tocsin-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

let cleaningUp = false;
async function cleanUp() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const child of children) child.kill('SIGKILL');
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

async function abort(reason) {
  log(`\nbench: ${reason}; stopping`);
  await cleanUp();
  process.exit(1);
}

let watchdog;
function startWatchdog() {
  t0 = performance.now();
  watchdog = setTimeout(() => void abort(`still running after ${deadlineMs / 1000} s`), deadlineMs);
  watchdog.unref();
}
process.on('SIGINT', () => void abort('interrupted'));
process.on('SIGTERM', () => void abort('terminated'));

/** User + system CPU ticks in a /proc/<pid>/stat line; with children, also its reaped children's. */
function statTicks(stat, withChildren) {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
}

/**
 * CPU ticks so far, to tell what else loaded the machine during a phase: the whole machine,
 * this benchmark with its reaped children (servers, autocannon) and the live `livePids`, and
 * PostgreSQL's processes (the postmaster's children count includes its exited backends).
 */
function cpuSnapshot(livePids = []) {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  let ours = statTicks(readFileSync('/proc/self/stat', 'utf8'), true);
  for (const pid of livePids) ours += statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'), false);
  let pg = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) pg += statTicks(stat, true);
    } catch {
      // the process ended meanwhile
    }
  }
  return { total, busy: total - f[3] - f[4], ours, pg };
}

/** Average cores used between two snapshots by other processes, and by PostgreSQL. */
function otherLoad(a, b) {
  const cores = os.availableParallelism();
  const wall = Math.max(1, (b.total - a.total) / cores);
  const pg = Math.max(0, b.pg - a.pg) / wall;
  const others = Math.max(0, b.busy - a.busy - (b.ours - a.ours) - (b.pg - a.pg)) / wall;
  return { others, pg };
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------- small helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pass = (ok) => (ok ? '**pass**' : '**FAIL**');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function get(url, headers = {}, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function sh(cmd, cmdArgs) {
  try {
    return execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------- the machine
function describeMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(cpuinfo)?.[1];
  const mem = sh('free', ['-h']).split('\n').find((l) => l.startsWith('Mem:'))?.split(/\s+/) ?? [];
  const commit = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', root, 'status', '--porcelain']).split('\n').filter(Boolean).length;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${model}${mhz ? ` (${Math.round(Number(mhz))} MHz)` : ''}`,
    nproc: sh('nproc', []) || String(os.availableParallelism()),
    memory: mem.length ? `${mem[1]} total, ${mem[6]} available (free -h)` : `${fmt(os.totalmem() / 2 ** 30, 1)} GiB`,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    commit: commit ? `${commit}${dirty ? ` + ${dirty} uncommitted change(s) in the working tree` : ''}` : 'unknown',
  };
}

// ---------------------------------------------------------------- build
async function ensureBuilt() {
  const { buildIfStale } = await import('../scripts/build-if-stale.mjs');
  try {
    // The server only: the benchmark never loads the web app's sources.
    buildIfStale({ server: true, web: false });
    return null;
  } catch (err) {
    // tsc still emits on type errors, so dist/ can be current even when the build "fails".
    if (!existsSync(path.join(root, 'dist/cli/bin.js'))) throw new Error(`the server did not build: ${err.message}`);
    return 'tsc reported errors (see above); the JavaScript it emitted was benchmarked';
  }
}

// ---------------------------------------------------------------- 1 and 2: start-up and idle RSS
async function startOnce(dataDir) {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_')));
  const start = performance.now();
  const child = track(
    spawn(process.execPath, [path.join(root, 'bin/tocsin.js'), 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const keep = (c) => (output = (output + c).slice(-4000));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);

  let readyMs = null;
  while (readyMs === null) {
    if (child.exitCode !== null) throw new Error(`tocsin serve exited with ${child.exitCode} before it was ready:\n${output}`);
    if (performance.now() - start > 30_000) throw new Error(`tocsin serve was not ready after 30 s:\n${output}`);
    const res = await get(`http://127.0.0.1:${port}/readyz`, {}, 500).catch(() => null);
    if (res?.status === 200) readyMs = performance.now() - start;
    else await sleep(10);
  }
  await sleep(2000);
  const rss = rssKb(child.pid);
  const stopStart = performance.now();
  child.kill('SIGTERM');
  const stopped = await waitForExit(child, 5000);
  if (!stopped) child.kill('SIGKILL');
  return { readyMs, rssMb: rss / 1024, stopMs: stopped ? performance.now() - stopStart : null, firstOperator: output.includes('operator account was created') };
}

async function measureStartup() {
  const dataDir = tempDir('start');
  const runs = [];
  for (let i = 0; i <= warmStarts; i++) {
    const run = await startOnce(dataDir);
    runs.push(run);
    log(`  start ${i === 0 ? 'fresh' : `warm ${i}`}: ready in ${fmt(run.readyMs)} ms, idle RSS ${fmt(run.rssMb, 1)} MB`);
  }
  removeTempDir(dataDir);
  if (!runs[0].firstOperator) throw new Error('the first start did not create the operator account: was the data folder not empty?');
  return { fresh: runs[0], warm: runs.slice(1) };
}

// ---------------------------------------------------------------- 3: hello vs authenticated org read
function autocannon(url, headers) {
  const bin = realpathSync(path.join(root, 'node_modules/.bin/autocannon'));
  const acArgs = ['-c', String(connections), '-d', String(duration), '--warmup', '[', '-c', String(connections), '-d', '1', ']', '-j', '-n'];
  for (const [k, v] of Object.entries(headers)) acArgs.push('-H', `${k}=${v}`);
  acArgs.push(url);
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [bin, ...acArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('exit', (code) => {
      // One JSON line for the warm-up, one for the measured run: the last one counts.
      const results = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      if (code !== 0 || results.length === 0) return reject(new Error(`autocannon exited with ${code}: ${err.slice(-2000)}`));
      const measured = results.at(-1);
      const all = results.reduce((n, r) => n + r.requests.total, 0);
      const wall = results.reduce((n, r) => n + r.duration, 0);
      resolve({ ...measured, allRequests: all, allDuration: wall });
    });
  });
}

function ipc(child, cmd) {
  return new Promise((resolve, reject) => {
    const onMessage = (msg) => {
      if (msg.cmd !== cmd) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(msg);
    };
    const onExit = (code) => reject(new Error(`bench server exited with ${code} while waiting for ${cmd}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (cmd !== 'ready') child.send({ cmd });
  });
}

async function createPgDatabase() {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (err) {
    return { skipped: `PostgreSQL not reachable at ${pgAdminUrl} (${err.code ?? err.message})` };
  }
  const version = (await admin.query('show server_version')).rows[0].server_version;
  const name = `tocsin_bench_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const drop = async () => {
    const c = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  cleanups.push(drop);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), version, drop };
}

async function countQueries(server, url, headers, n) {
  await ipc(server, 'count-start');
  for (let i = 0; i < n; i++) await get(url, headers);
  const { total, byStatement } = await ipc(server, 'count-stop');
  return { perRequest: total / n, byStatement: Object.fromEntries(Object.entries(byStatement).map(([k, v]) => [k, v / n])) };
}

async function measureThroughput(dialect) {
  let pgDb = null;
  if (dialect === 'postgres') {
    pgDb = await createPgDatabase();
    if (pgDb.skipped) return { dialect, skipped: pgDb.skipped };
  }
  const dataDir = tempDir(`load-${dialect}`);
  const server = track(
    fork(path.join(root, 'bench/foundation-server.mjs'), [], {
      cwd: root,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_'))), TOCSIN_BENCH_SERVER: JSON.stringify({ dataDir, databaseUrl: pgDb?.url, breakdown: args.breakdown }) },
      // Request logs (level info, the default) go where a quiet production log would: nowhere slow.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    }),
  );
  let serverErr = '';
  server.stderr.setEncoding('utf8').on('data', (c) => (serverErr = (serverErr + c).slice(-4000)));
  try {
    const ready = await Promise.race([ipc(server, 'ready'), sleep(30_000).then(() => Promise.reject(new Error('bench server not ready after 30 s')))]).catch((err) => {
      throw new Error(`${err.message}\n${serverErr}`);
    });
    const base = `http://127.0.0.1:${ready.port}`;
    const bearer = { authorization: `Bearer ${ready.token}` };
    const targets = {
      hello: { url: `${base}/bench/hello`, headers: {} },
      auth: { url: `${base}/bench/whoami`, headers: bearer },
      orgNoAuth: { url: `${base}/bench/org/${ready.orgId}`, headers: {} },
      org: { url: `${base}/api/orgs/${ready.orgId}`, headers: bearer },
    };
    // Sanity: both answer 200 with the expected body (this also records the token's address once).
    const h = await get(targets.hello.url);
    const o = await get(targets.org.url, targets.org.headers);
    if (h.status !== 200 || JSON.parse(h.body).hello !== 'world') throw new Error(`hello answered ${h.status}: ${h.body}`);
    if (o.status !== 200 || JSON.parse(o.body).id !== ready.orgId) throw new Error(`org answered ${o.status}: ${o.body}`);
    const queries = {};
    for (const kind of kinds) {
      const probe = await get(targets[kind].url, targets[kind].headers);
      if (probe.status !== 200) throw new Error(`${targets[kind].url} answered ${probe.status}: ${probe.body}`);
      queries[kind] = await countQueries(server, targets[kind].url, targets[kind].headers, 20);
    }

    const before = cpuSnapshot([server.pid]);
    const runs = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < 3; i++) {
      for (const kind of kinds) {
        const cpuBefore = cpuSeconds(server.pid);
        const r = await autocannon(targets[kind].url, targets[kind].headers);
        const cpu = cpuSeconds(server.pid) - cpuBefore;
        const ok = r.statusCodeStats?.['200']?.count ?? 0;
        const run = {
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          total: r.requests.total,
          bad: r.non2xx + r.errors + r.timeouts,
          ok,
          // Server CPU over warm-up and measured run, per request answered in them.
          cpuUsPerReq: (cpu / Math.max(1, r.allRequests)) * 1e6,
          serverCpuPct: (cpu / r.allDuration) * 100,
        };
        runs[kind].push(run);
        log(`  ${dialect} ${kind.padEnd(9)} run ${i + 1}: ${fmt(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms${run.bad ? `, ${run.bad} errors/non-2xx` : ''}`);
      }
    }
    const load = otherLoad(before, cpuSnapshot([server.pid]));
    return { dialect, runs, queries, pgVersion: pgDb?.version, load };
  } finally {
    if (server.connected) server.send({ cmd: 'close' });
    if (!(await waitForExit(server, 5000))) server.kill('SIGKILL');
    if (pgDb?.drop) {
      await pgDb.drop();
      cleanups.splice(cleanups.indexOf(pgDb.drop), 1);
    }
    removeTempDir(dataDir);
  }
}

// ---------------------------------------------------------------- the report
const routeLabels = {
  hello: '`GET /bench/hello` (no credentials)',
  auth: '`GET /bench/whoami` (token; the auth path alone)',
  orgNoAuth: '`GET /bench/org/:id` (public; the org read alone)',
  org: '`GET /api/orgs/:id` (token)',
};

function report({ machine, buildNote, startup, loads, sqliteVersion, elapsedS }) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  p('## Foundation');
  p();
  p('Generated by `npm run bench` (`node bench/foundation.mjs`); do not edit by hand, run it again.');
  p();
  p('| | |');
  p('|---|---|');
  p(`| date | ${machine.date} |`);
  p(`| CPU | ${machine.cpu}, \`nproc\` = ${machine.nproc} |`);
  p(`| memory | ${machine.memory} |`);
  p(`| OS | ${machine.kernel} |`);
  p(`| Node.js | ${machine.node} |`);
  p(`| SQLite | ${sqliteVersion} (better-sqlite3) |`);
  const pg = loads.find((l) => l.dialect === 'postgres');
  p(`| PostgreSQL | ${pg?.pgVersion ? `${pg.pgVersion}, same machine (127.0.0.1:5432)` : pg?.skipped ?? 'not measured (--sqlite-only)'} |`);
  p(`| code | ${machine.commit} |`);
  if (buildNote) p(`| build | ${buildNote} |`);
  const phases = [['start-up runs', startup.load], ...loads.filter((l) => !l.skipped).map((l) => [`${l.dialect} load runs`, l.load])];
  const described = phases.map(([when, l]) => `${when} ${fmt(l.others, 2)}${l.pg >= 0.01 ? ` (PostgreSQL: ${fmt(l.pg, 2)})` : ''}`);
  p(`| CPU used by other processes, in cores (of ${machine.nproc}) | ${described.join('; ')} |`);
  p(`| run time (after build and wait) | ${fmt(elapsedS)} s |`);
  p();
  if (phases.some(([, l]) => l.others > 0.2)) {
    p('> **Other work was running on the machine** (see "CPU used by other processes" above): expect slower starts,');
    p('> fewer requests per second and a wider spread between runs. Server CPU per request is the figure least affected.');
    p();
  }
  p('To reproduce: `npm install && npm run bench` (builds the server if `dist/` is stale; PostgreSQL is used when');
  p('`postgres://postgres@127.0.0.1:5432` answers, or `TOCSIN_BENCH_PG_URL`; `-- --sqlite-only` skips it).');
  p('Options: `npm run bench -- --duration 8 --connections 50 --warm-starts 5 --no-write`; `-- --sqlite-only --breakdown`');
  p('adds the token path alone and the org read alone to the rotation; `-- --wait-quiet 120` first waits for a quiet machine.');
  p();

  const all = [startup.fresh, ...startup.warm];
  const warmReady = startup.warm.map((r) => r.readyMs);
  p('### 1. Start to ready (SQLite, built)');
  p();
  p('`node bin/tocsin.js serve --port <free> --host 127.0.0.1 --data-dir <tmp>`, timed from `spawn()` to the first');
  p('`200` from `GET /readyz` (polled every 10 ms). The fresh start runs the migrations and creates the first');
  p(`operator (one scrypt hash); the warm restarts (${startup.warm.length}) reuse the same data folder.`);
  p();
  p('| start | runs | median | max | goal | result |');
  p('|---|---:|---:|---:|---|---|');
  p(`| fresh database | 1 | ${fmt(startup.fresh.readyMs)} ms | ${fmt(startup.fresh.readyMs)} ms | < ${fmt(goals.startMs)} ms | ${pass(startup.fresh.readyMs < goals.startMs)} |`);
  p(`| warm restart | ${warmReady.length} | ${fmt(median(warmReady))} ms | ${fmt(Math.max(...warmReady))} ms | < ${fmt(goals.startMs)} ms | ${pass(Math.max(...warmReady) < goals.startMs)} |`);
  p();
  p(`Every start, in order: ${all.map((r) => fmt(r.readyMs)).join(', ')} ms.`);
  const stops = all.map((r) => r.stopMs).filter((x) => x !== null);
  if (stops.length) p(`Shutdown on SIGTERM (for information): median ${fmt(median(stops))} ms.`);
  p();
  p('### 2. Idle memory after start');
  p();
  p('`VmRSS` of the server process from `/proc/<pid>/status`, 2 s after ready, no traffic.');
  p();
  p('| start | runs | median | max | goal | result |');
  p('|---|---:|---:|---:|---|---|');
  p(`| fresh database | 1 | ${fmt(startup.fresh.rssMb, 1)} MB | ${fmt(startup.fresh.rssMb, 1)} MB | < ${goals.rssMb} MB | ${pass(startup.fresh.rssMb < goals.rssMb)} |`);
  const warmRss = startup.warm.map((r) => r.rssMb);
  p(`| warm restart | ${warmRss.length} | ${fmt(median(warmRss), 1)} MB | ${fmt(Math.max(...warmRss), 1)} MB | < ${goals.rssMb} MB | ${pass(median(warmRss) < goals.rssMb)} |`);
  p();
  p('(MB here is MiB: kB from `/proc` divided by 1024. The goal is checked against the median.)');
  p();
  p('### 3. Authenticated `GET /api/orgs/:id` by API token vs hello world, same process');
  p();
  p('One server process (`bench/foundation-server.mjs`): `buildApp(config)` from `dist/` with the default configuration');
  p('(log level `info`, request logs to `/dev/null`), plus `GET /bench/hello` (`config: { public: true }`, returns');
  p("`{hello:'world'}`, no schema) registered before listen. Seeded through the services: one organisation, one analyst,");
  p('one `read` token. The org request sends `Authorization: Bearer tcs_…`; the hello request sends no credentials (with');
  p('them, the auth hook would resolve the token even on a public route). Load from a separate process:');
  p(`\`autocannon -c ${connections} -d ${duration} --warmup [ -c ${connections} -d 1 ]\`, the routes in rotation`);
  p(`(${kinds.join(' / ')}), 3 runs each; figures are medians of the 3 runs. The load generator shares the`);
  p(`${machine.nproc} cores with the server (and with PostgreSQL), so the server gets roughly one core: server CPU per`);
  p('request (from `/proc/<pid>/stat`, warm-up included) is the steadier figure.');
  p();
  p('| database | route | req/s (median) | req/s (min–max) | p50 | p99 | server CPU per request | queries per request |');
  p('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const l of loads) {
    if (l.skipped) continue;
    for (const kind of kinds) {
      const rs = l.runs[kind];
      const rps = rs.map((r) => r.rps);
      p(
        `| ${l.dialect} | ${routeLabels[kind]} | ${fmt(median(rps))} | ${fmt(Math.min(...rps))}–${fmt(Math.max(...rps))} | ${fmt(median(rs.map((r) => r.p50)), 1)} ms | ${fmt(median(rs.map((r) => r.p99)), 1)} ms | ${fmt(median(rs.map((r) => r.cpuUsPerReq)))} µs | ${fmt(l.queries[kind].perRequest, 1)} |`,
      );
    }
  }
  p();
  p('| database | org / hello, req/s (medians) | goal | result | for information: hello / org, server CPU per request |');
  p('|---|---:|---|---|---:|');
  for (const l of loads) {
    if (l.skipped) {
      p(`| postgres | — | ≥ 1/3 | not measured: ${l.skipped} | — |`);
      continue;
    }
    const m = (kind, f) => median(l.runs[kind].map(f));
    const ratio = m('org', (r) => r.rps) / m('hello', (r) => r.rps);
    const cpuRatio = m('hello', (r) => r.cpuUsPerReq) / m('org', (r) => r.cpuUsPerReq);
    p(`| ${l.dialect} | ${fmt(ratio, 2)} | ≥ ${fmt(goals.ratio, 2)} | ${pass(ratio >= goals.ratio)} | ${fmt(cpuRatio, 2)} |`);
  }
  p();
  p('Every run, in order (req/s):');
  p();
  for (const l of loads) {
    if (l.skipped) continue;
    const seq = [0, 1, 2].flatMap((i) => kinds.map((k) => `${k} ${fmt(l.runs[k][i].rps)}`));
    const bad = kinds.flatMap((k) => l.runs[k]).reduce((n, r) => n + r.bad, 0);
    p(`- ${l.dialect}: ${seq.join(' · ')}${bad ? ` — **${bad} errors or non-2xx responses**` : ' — all responses 200'}`);
  }
  p();
  p('Queries per token-authenticated org request, by statement (a Kysely plugin counting over 20 sequential requests):');
  p();
  for (const l of loads) {
    if (l.skipped) continue;
    const parts = Object.entries(l.queries.org.byStatement).map(([k, v]) => `\`${k}\` ×${fmt(v, v % 1 ? 2 : 0)}`);
    p(`- ${l.dialect}: ${parts.join(', ')}`);
  }
  p();
  return lines.join('\n');
}

/** Replace (or add) the `## Foundation` section of docs/BENCHMARKS.md, keeping every other section. */
function writeSection(markdown) {
  const file = path.join(root, 'docs/BENCHMARKS.md');
  const preamble = 'Each section is written by the benchmark script it names; do not edit by hand, run the script again.';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${preamble}\n`;
  // Earlier versions wrote this line above the section; it now lives inside it.
  const lines = current.split('\n').map((l) => (l.startsWith('Generated by `npm run bench` (`node bench/foundation.mjs`)') && !current.includes(preamble) ? preamble : l));
  const start = lines.findIndex((l) => l.trim() === '## Foundation');
  let next;
  if (start < 0) {
    next = `${lines.join('\n').replace(/\s*$/, '')}\n\n${markdown.trim()}\n`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').replace(/\s*$/, '');
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${markdown.trim()}\n${after ? `\n${after}\n` : ''}`;
  }
  writeFileSync(file, next);
}

// ---------------------------------------------------------------- main
async function sqliteVersion() {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(':memory:');
  const v = db.prepare('select sqlite_version() as v').get().v;
  db.close();
  return v;
}

let buildNote = null;
try {
  const machine = describeMachine();
  log(`bench: ${machine.cpu}, ${machine.nproc} cores, Node ${machine.node}; planned ~${fmt(plannedS)} s, stops after ${deadlineMs / 1000} s`);
  buildNote = await ensureBuilt();
  if (waitQuietS > 0) {
    const until = performance.now() + waitQuietS * 1000;
    let load;
    do {
      const a = cpuSnapshot();
      await sleep(2000);
      load = otherLoad(a, cpuSnapshot());
    } while (load.others + load.pg > 0.1 && performance.now() < until);
    log(`bench: other processes use ${fmt(load.others + load.pg, 2)} cores${load.others + load.pg > 0.1 ? `; still busy after ${waitQuietS} s, going ahead` : ''}`);
  }
  startWatchdog();
  log('bench: start to ready and idle RSS');
  const before = cpuSnapshot();
  const startup = await measureStartup();
  startup.load = otherLoad(before, cpuSnapshot());
  const loads = [];
  for (const dialect of dialects) {
    log(`bench: hello vs token-authenticated org read on ${dialect}`);
    const result = await measureThroughput(dialect);
    if (result.skipped) log(`  skipped: ${result.skipped}`);
    loads.push(result);
  }
  const markdown = report({ machine, buildNote, startup, loads, sqliteVersion: await sqliteVersion(), elapsedS: (performance.now() - t0) / 1000 });
  process.stdout.write(`${markdown}\n`);
  if (!args['no-write']) {
    writeSection(markdown);
    log('bench: wrote the "## Foundation" section of docs/BENCHMARKS.md');
  }
  await cleanUp();
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  log(`bench: ${err.stack ?? err}`);
  if (buildNote) log('bench: the server did not type-check (above); if src/ is being edited, wait until it builds and run again');
  await cleanUp();
  process.exit(1);
}
