// The fan-out benchmark (`npm run bench:fanout`), for the issue "Warnings pushed to peers in
// real time": 1,000 SSE subscribers in 50 organisations and 20 webhook receivers, 1,000
// warnings posted at 20/s, submit-to-receipt latency of every delivery, next to a bare Node
// SSE broadcast of the same frames to the same 1,000 clients (the floor), and the hub's memory.
// On SQLite (one `tocsin serve`) and PostgreSQL (two, sharing the database). Prints Markdown
// and writes it as the `## Fan-out` section of docs/BENCHMARKS.md (other sections are kept).
//
//   node bench/fanout.mjs [--warnings 1000] [--rate 20] [--subscribers 1000] [--orgs 50]
//                         [--webhooks 20] [--sqlite-only | --postgres-only] [--profile] [--no-write]
//
// --profile runs the hub processes under --cpu-prof, summarises where their CPU went during
// the measured phase and keeps the .cpuprofile files (the report says where); a profiled run
// is not written to docs/BENCHMARKS.md.
//
// Processes: this one seeds the store and watches; bench/fanout-client.mjs (forked) holds the
// subscribers, the webhook receivers and the sender, so latencies are read on one clock and
// the hub's CPU is its own; bench/fanout-floor.mjs is the bare broadcaster. Bounded: a
// watchdog ends everything after 9 minutes. Traffic goes only to 127.0.0.1. The temporary
// folders and the temporary PostgreSQL database are removed at the end.
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summariseProfile } from './fanout-profile.mjs';
import { fmt, ms, report, writeSection } from './fanout-report.mjs';
import { seed, warningBody } from './fanout-seed.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    warnings: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    subscribers: { type: 'string', default: '1000' },
    orgs: { type: 'string', default: '50' },
    webhooks: { type: 'string', default: '20' },
    'sqlite-only': { type: 'boolean', default: false },
    'postgres-only': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const W = Number(args.warnings);
const rate = Number(args.rate);
const N = Number(args.subscribers);
const orgCount = Number(args.orgs);
const hookCount = Number(args.webhooks);
const warmups = 20;
const pgAdminUrl = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dialects = args['sqlite-only'] ? ['sqlite'] : args['postgres-only'] ? ['postgres'] : ['sqlite', 'postgres'];
const goals = { ratio: 3, rssMb: 300 };
const deadlineMs = 540_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------- bookkeeping and cleanup
const children = new Set();
const tempDirs = new Set();
const cleanups = [];
const t0 = performance.now();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function tempDir(label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tocsin-fanout-${label}-`));
  tempDirs.add(dir);
  return dir;
}

let cleaningUp = false;
async function cleanUp() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const child of children) child.kill('SIGKILL');
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

async function abort(reason) {
  log(`\nbench: ${reason}; stopping`);
  await cleanUp();
  process.exit(1);
}

const watchdog = setTimeout(() => void abort(`still running after ${deadlineMs / 1000} s`), deadlineMs);
watchdog.unref();
process.on('SIGINT', () => void abort('interrupted'));
process.on('SIGTERM', () => void abort('terminated'));

// ---------------------------------------------------------------- small helpers

function sh(cmd, cmdArgs) {
  try {
    return execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const clockTicks = Number(sh('getconf', ['CLK_TCK'])) || 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

/** CPU seconds of every PostgreSQL server process on the machine (other databases' too). */
function postgresCpuSeconds() {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / clockTicks;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

async function machineBusy(sampleMs = 1000) {
  const a = machineCpu();
  await sleep(sampleMs);
  const b = machineCpu();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/** Wait (at most `maxMs`) for the machine to be below `threshold` busy; other work skews a latency run. */
async function waitForQuiet(maxMs = 20_000, threshold = 0.3) {
  const start = performance.now();
  let busy = await machineBusy(1000);
  while (busy > threshold && performance.now() - start < maxMs) busy = await machineBusy(1000);
  return { busy, waitedS: (performance.now() - start) / 1000 };
}

function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

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
    nofile: sh('sh', ['-c', 'ulimit -n']),
  };
}

// ---------------------------------------------------------------- the load generator (IPC)
let client = null;
let nextId = 1;
const waiting = new Map();

function startClient() {
  client = track(fork(path.join(root, 'bench/fanout-client.mjs'), [], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }));
  client.on('message', (m) => {
    if (m.ready) return waiting.get('ready')?.resolve();
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(`load generator: ${m.error}`));
  });
  client.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the load generator exited (${code})`));
    waiting.clear();
  });
  return new Promise((resolve, reject) => waiting.set('ready', { resolve, reject }));
}

function ask(cmd, cmdArgs) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    client.send({ id, cmd, args: cmdArgs });
  });
}

// ---------------------------------------------------------------- stores and seeding
async function createPgDatabase() {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (err) {
    return { skipped: `PostgreSQL not reachable at ${pgAdminUrl} (${err.code ?? err.message})` };
  }
  const version = (await admin.query('show server_version')).rows[0].server_version;
  const name = `tocsin_fanout_${randomBytes(6).toString('hex')}`;
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

// ---------------------------------------------------------------- hub processes
async function startHub(env, label, profileDir) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_')));
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = track(
    spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/tocsin.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], {
      cwd: root,
      env: { ...base, TOCSIN_OUTBOUND_ALLOW: '127.0.0.1', TOCSIN_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  let partial = '';
  // Log lines at warn and above, counted by message (pino JSON on stdout).
  const messages = new Map();
  const keep = (c) => {
    output = (output + c).slice(-8000);
    const lines = (partial + c).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.level >= 40) messages.set(entry.msg, (messages.get(entry.msg) ?? 0) + 1);
      } catch {
        // not a log line
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const started = performance.now();
  for (;;) {
    const m = /listening on (http:\/\/[^\s,]+)/.exec(output);
    if (m) return { child, url: m[1], label, output: () => output, messages };
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode} before it was ready:\n${output}`);
    if (performance.now() - started > 30_000) throw new Error(`${label} was not ready after 30 s:\n${output}`);
    await sleep(20);
  }
}

async function stopProcess(child) {
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 15_000))) child.kill('SIGKILL');
}

const hrUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Every 250 ms: VmRSS and CPU seconds of `pids`, CPU of the PostgreSQL server processes (when
 * asked) and of the whole machine, stamped with the monotonic clock the generator also reports
 * its phases in (process.hrtime, shared by all processes), until stopped.
 */
function sampleProcesses(pids, { postgres = false } = {}) {
  const samples = [];
  const take = () => {
    const m = machineCpu();
    samples.push({ us: hrUs(), kb: pids.map(rssKb), cpu: pids.map(cpuSeconds), pg: postgres ? postgresCpuSeconds() : NaN, idle: m.idle, total: m.total });
  };
  take();
  const timer = setInterval(take, 250);
  const within = (from, to) => samples.filter((x) => x.us >= from && x.us <= to);
  return {
    stop() {
      clearInterval(timer);
      take();
    },
    /** RSS per process between two instants (µs) */
    rss(from, to) {
      const xs = within(from, to);
      return pids.map((_, i) => {
        const kbs = xs.map((x) => x.kb[i]).filter(Number.isFinite);
        return { n: kbs.length, peakMb: Math.max(...kbs) / 1024, meanMb: kbs.reduce((a, b) => a + b, 0) / Math.max(1, kbs.length) / 1024 };
      });
    },
    /** cores used per process, by PostgreSQL and by the machine (share of all cores) between two instants */
    cpu(from, to) {
      const xs = within(from, to);
      const a = xs[0];
      const b = xs[xs.length - 1];
      if (!a || a === b) return null;
      const s = (b.us - a.us) / 1e6;
      return { seconds: s, procs: pids.map((_, i) => (b.cpu[i] - a.cpu[i]) / s), pg: (b.pg - a.pg) / s, machine: 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total) };
    },
  };
}

/** What the PostgreSQL connections of one database are doing, sampled every 250 ms (--profile). */
async function sampleActivity(url) {
  const { default: pg } = await import('pg');
  const dbName = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: pgAdminUrl });
  await c.connect();
  const counts = new Map();
  let samples = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const { rows } = await c.query(
        `select state, coalesce(wait_event_type || ':' || wait_event, 'running') as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query
           from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state <> 'idle'`,
        [dbName],
      );
      samples += 1;
      for (const r of rows) {
        const k = `${r.state} | ${r.wait} | ${r.query}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    } catch {
      // the database is going away
    }
    busy = false;
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await c.end().catch(() => {});
      return { samples, top: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => ({ what: k, avgConnections: n / Math.max(1, samples) })) };
    },
  };
}

/**
 * The hub's own view, from GET /metrics (prom-client's default metrics; loopback needs no
 * token) once a second: the longest event-loop delay since the previous scrape (prom-client
 * resets that histogram on every collect), the V8 heap and memory outside it.
 */
function scrapeMetrics(url) {
  const samples = [];
  const wanted = {
    lagMax: 'tocsin_nodejs_eventloop_lag_max_seconds',
    heapUsed: 'tocsin_nodejs_heap_size_used_bytes',
    heapTotal: 'tocsin_nodejs_heap_size_total_bytes',
    external: 'tocsin_nodejs_external_memory_bytes',
  };
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      const sample = { us: hrUs() };
      for (const [key, name] of Object.entries(wanted)) {
        const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
        sample[key] = m ? Number(m[1]) : NaN;
      }
      samples.push(sample);
    } catch {
      // a stalled hub shows up as a gap; the next scrape's lag covers it
    }
    busy = false;
  }, 1000);
  return {
    stop: () => clearInterval(timer),
    between(from, to) {
      const xs = samples.filter((x) => x.us >= from && x.us <= to);
      const peak = (k) => Math.max(...xs.map((x) => x[k]).filter(Number.isFinite));
      const lags = xs.map((x) => x.lagMax * 1000).filter(Number.isFinite);
      return {
        n: xs.length,
        lagMaxMs: Math.max(...lags),
        secondsOver100ms: lags.filter((l) => l > 100).length,
        secondsOver500ms: lags.filter((l) => l > 500).length,
        heapUsedMb: peak('heapUsed') / 2 ** 20,
        heapTotalMb: peak('heapTotal') / 2 ** 20,
        externalMb: peak('external') / 2 ** 20,
      };
    },
  };
}

// ---------------------------------------------------------------- one dialect
async function runDialect(dialect, receiverUrls, machine) {
  let pgDb = null;
  if (dialect === 'postgres') {
    pgDb = await createPgDatabase();
    if (pgDb.skipped) return { dialect, skipped: pgDb.skipped };
  }
  const dataDirs = [tempDir(`${dialect}-1`), tempDir(`${dialect}-2`)];
  const processes = dialect === 'postgres' ? 2 : 1;
  log(`bench: ${dialect}: seeding ${orgCount + 1} organisations, ${orgCount + 1} users and tokens, ${receiverUrls.length} webhooks`);
  const seedStart = performance.now();
  const seeded = await seed({ dataDir: dataDirs[0], databaseUrl: pgDb?.url, receiverUrls, orgCount });
  const seedS = (performance.now() - seedStart) / 1000;

  const profileDir = args.profile ? mkdtempSync(path.join(os.tmpdir(), `tocsin-fanout-profile-${dialect}-`)) : null;
  const hubs = [];
  for (let i = 0; i < processes; i++) {
    const env = pgDb ? { TOCSIN_DATABASE_URL: pgDb.url, TOCSIN_DATA_DIR: dataDirs[i] } : { TOCSIN_DATA_DIR: dataDirs[0] };
    hubs.push(await startHub(env, `hub ${i + 1}`, profileDir));
  }
  const pids = hubs.map((h) => h.child.pid);
  const sampler = sampleProcesses([...pids, client.pid], { postgres: Boolean(pgDb) });
  const scrapers = hubs.map((h) => scrapeMetrics(h.url));
  await sleep(1500);
  const idleRss = pids.map((pid) => rssKb(pid) / 1024);

  log(`bench: ${dialect}: ${processes} hub process(es); opening ${N} streams`);
  const phaseStartUs = hrUs();
  const headers = Array.from({ length: N }, (_, i) => ({ authorization: `Bearer ${seeded.readTokens[i % orgCount]}` }));
  // Subscriber i uses its organisation's token and hub i mod processes: each process holds its share.
  const connect = await ask('connect', { urls: hubs.map((h) => `${h.url}/api/stream`), headers, n: N, concurrency: 50 });
  if (connect.connected !== N) throw new Error(`only ${connect.connected} of ${N} streams opened`);
  const body = warningBody.replace('@GROUP@', seeded.groupId);
  const common = { postUrls: hubs.map((h) => `${h.url}/api/warnings`), postHeaders: { authorization: `Bearer ${seeded.senderToken}` }, bodyTemplate: body, n: N, hooks: receiverUrls.length };

  log(`bench: ${dialect}: warm-up, ${warmups} warnings`);
  const warm = await ask('run', { ...common, tag: `${dialect}-warmup`, count: warmups, rate, drainMs: 20_000, hookDrainMs: 60_000 });
  if (warm.sse.missing || warm.postFailures) throw new Error(`warm-up incomplete: ${JSON.stringify({ sse: warm.sse, postFailures: warm.postFailureSamples })}`);

  const quiet = await waitForQuiet();
  const busyBefore = quiet.busy;
  log(`bench: ${dialect}: ${W} warnings at ${rate}/s (machine ${fmt(busyBefore * 100)} % busy just before, after waiting ${fmt(quiet.waitedS)} s for it to calm down)`);
  const activity = args.profile && pgDb ? await sampleActivity(pgDb.url) : null;
  const result = await ask('run', { ...common, tag: `${dialect}-run`, count: W, rate, drainMs: 30_000, hookDrainMs: 30_000 });
  sampler.stop();
  for (const x of scrapers) x.stop();
  const pgActivity = activity ? await activity.stop() : null;
  // CPU while posting and until every SSE delivery was in (the webhook drain can run longer).
  const c = sampler.cpu(result.window.startUs, result.window.sseDoneUs + 250_000);
  const cores = Number(machine.nproc) || os.availableParallelism();
  const ours = c.procs.reduce((a, b) => a + b, 0) + (Number.isFinite(c.pg) ? c.pg : 0);
  const cpu = { hubs: c.procs.slice(0, processes), client: c.procs[processes], pg: c.pg, machine: c.machine, others: Math.max(0, c.machine * cores - ours), seconds: c.seconds };
  const rssRun = sampler.rss(phaseStartUs, result.window.endUs + 250_000);
  const hubMetrics = scrapers.map((x) => x.between(result.window.startUs, result.window.endUs + 1_000_000));
  log(`  SSE p50 ${ms(result.sse.p50)} p99 ${ms(result.sse.p99)} max ${ms(result.sse.max)}; webhooks p50 ${ms(result.hooks.p50)} p99 ${ms(result.hooks.p99)}; missing ${result.sse.missing}/${result.hooks.missing}; RSS peak ${rssRun.slice(0, processes).map((r) => fmt(r.peakMb)).join(' / ')} MB`);
  await ask('disconnect');

  // The template for the floor: the exact frame subscribers got, with its id and title as slots.
  const frame = `${warm.firstFrame}\n\n`;
  const eventId = /^id: (\d+)/.exec(frame)?.[1];
  const titleNow = /Fan-out bench [^"#]+ #\d+/.exec(frame)?.[0];
  const template = frame.replace(`id: ${eventId}\n`, 'id: @ID@\n').replace(`"id":${eventId},`, '"id":@ID@,').replaceAll(titleNow, '@TITLE@');

  for (const h of hubs) await stopProcess(h.child);
  const hubLog = new Map();
  for (const h of hubs) for (const [msg, n] of h.messages) hubLog.set(msg, (hubLog.get(msg) ?? 0) + n);
  let profile = null;
  if (profileDir) {
    profile = pids.map((pid) => {
      const file = readdirSync(profileDir).find((f) => f.includes(`.${pid}.`) && f.endsWith('.cpuprofile'));
      return file ? { file: path.join(profileDir, file), ...summariseProfile(path.join(profileDir, file), result.window) } : { file: null };
    });
  }

  log(`bench: ${dialect}: floor (bare Node SSE broadcast, same frame, ${N} clients)`);
  const floorProc = track(fork(path.join(root, 'bench/fanout-floor.mjs'), [], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const floorUrl = await new Promise((resolve) => floorProc.once('message', (m) => resolve(m.url)));
  floorProc.send({ template });
  const floorConnect = await ask('connect', { urls: [`${floorUrl}/stream`], headers: Array.from({ length: N }, () => ({})), n: N, concurrency: 50 });
  const floorQuiet = await waitForQuiet();
  const floorSampler = sampleProcesses([floorProc.pid, client.pid]);
  const floor = await ask('run', { ...common, postUrls: [`${floorUrl}/publish`], postHeaders: {}, tag: `floor-${dialect}`, count: W, rate, hooks: 0, drainMs: 30_000, hookDrainMs: 0 });
  floorSampler.stop();
  const fc = floorSampler.cpu(floor.window.startUs, floor.window.sseDoneUs + 250_000);
  const floorCpu = fc.procs[0];
  const floorClientCpu = fc.procs[1];
  const floorOthers = Math.max(0, fc.machine * cores - fc.procs[0] - fc.procs[1]);
  const floorRssPeak = floorSampler.rss(0, Infinity)[0].peakMb;
  log(`  floor p50 ${ms(floor.sse.p50)} p99 ${ms(floor.sse.p99)} max ${ms(floor.sse.max)}; missing ${floor.sse.missing}`);
  await ask('disconnect');
  await stopProcess(floorProc);

  if (pgDb) {
    await pgDb.drop();
    cleanups.splice(cleanups.indexOf(pgDb.drop), 1);
  }
  return {
    dialect,
    processes,
    pgVersion: pgDb?.version,
    seedS,
    connect,
    floorConnect,
    idleRss,
    rssRun,
    cpu,
    busyBefore,
    result,
    floor,
    floorCpu,
    floorClientCpu,
    floorOthers,
    floorBusyBefore: floorQuiet.busy,
    floorRssPeak,
    pgActivity,
    hubMetrics,
    queries: seeded.queries,
    frameBytes: Buffer.byteLength(frame),
    templateBytes: Buffer.byteLength(template),
    hubLog: [...hubLog].map(([msg, n]) => `${msg} ×${n}`),
    profile,
    profileDir,
  };
}

// ---------------------------------------------------------------- main
async function ensureBuilt() {
  const { buildIfStale } = await import('../scripts/build-if-stale.mjs');
  try {
    buildIfStale({ server: true, web: false });
    return null;
  } catch (err) {
    if (!existsSync(path.join(root, 'dist/cli/bin.js'))) throw new Error(`the server did not build: ${err.message}`);
    return 'tsc reported errors; the JavaScript it emitted was benchmarked';
  }
}

async function sqliteVersion() {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(':memory:');
  const v = db.prepare('select sqlite_version() as v').get().v;
  db.close();
  return v;
}

try {
  const machine = describeMachine();
  const nofile = machine.nofile === 'unlimited' ? Infinity : Number(machine.nofile);
  if (!(nofile >= Math.max(2048, N + 200))) {
    throw new Error(`\`ulimit -n\` is ${machine.nofile}: ${N} streams need more file descriptors on each side. Run \`ulimit -n 65535\` in this shell and start again.`);
  }
  log(`bench: ${machine.cpu}, ${machine.nproc} cores, Node ${machine.node}, ulimit -n ${machine.nofile}; stops after ${deadlineMs / 1000} s`);
  const buildNote = await ensureBuilt();
  await startClient();
  const receiverUrls = await ask('receivers', { count: hookCount });
  const runs = [];
  for (const dialect of dialects) {
    const r = await runDialect(dialect, receiverUrls, machine);
    if (r.skipped) log(`bench: ${dialect} skipped: ${r.skipped}`);
    runs.push(r);
  }
  await ask('stop').catch(() => {});
  const markdown = report({ machine, buildNote, runs, sqliteVersion: await sqliteVersion(), elapsedS: (performance.now() - t0) / 1000, settings: { W, rate, N, orgCount, hookCount, warmups, goals, profile: args.profile } });
  process.stdout.write(`${markdown}\n`);
  if (!args['no-write'] && !args.profile) {
    writeSection(path.join(root, 'docs/BENCHMARKS.md'), markdown);
    log('bench: wrote the "## Fan-out" section of docs/BENCHMARKS.md');
  }
  await cleanUp();
  clearTimeout(watchdog);
  process.exit(0);
} catch (err) {
  log(`bench: ${err.stack ?? err}`);
  await cleanUp();
  process.exit(1);
}
