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
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summariseProfile } from './fanout-profile.mjs';

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
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? `${fmt(n, 1)} ms` : `${fmt(n)} ms`) : '–');
const pass = (ok) => (ok ? '**pass**' : '**FAIL**');

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
  client = track(fork(path.join(root, 'bench/fanout-client.mjs'), [], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
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

/**
 * Through the built services, as the CLI would: `orgCount` member cities, each with an analyst
 * and a read token; a sender city with a write token; one sharing group (owned by the sender)
 * holding all of them; webhooks in the first `hookCount` member cities, one per receiver.
 */
async function seed(dataDir, databaseUrl, receiverUrls) {
  const { default: pino } = await import('pino');
  const { buildApp } = await import('../dist/app.js');
  const { loadConfig } = await import('../dist/config/config.js');
  const { openStore } = await import('../dist/store/database.js');
  const { cliActor } = await import('../dist/orgs/actor.js');
  const { actorForUser } = await import('../dist/orgs/auth.service.js');
  const { createOrganisation } = await import('../dist/orgs/organisations.service.js');
  const { createUser } = await import('../dist/orgs/users.service.js');
  const { findUserByEmail } = await import('../dist/orgs/users.repository.js');
  const { createToken } = await import('../dist/orgs/tokens.service.js');
  const { createGroup, addGroupMember } = await import('../dist/orgs/groups.service.js');
  const { createWebhook } = await import('../dist/push/webhooks.service.js');

  const config = loadConfig({}, { dataDir, outboundAllow: '127.0.0.1', logLevel: 'silent', ...(databaseUrl ? { databaseUrl } : {}) });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: 5 });
  const app = await buildApp(config, { store, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
  try {
    const ctx = app.ctx;
    const op = cliActor();
    const password = `fan-out ${randomBytes(8).toString('hex')}`;
    const tokenFor = async (orgId, email, scopes) => {
      await createUser(ctx, op, { email, name: email.split('@')[0], orgId, role: 'analyst', isOperator: false, password });
      const row = await findUserByEmail(ctx.db, email);
      const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
      return (await createToken(ctx, actor, { name: 'fan-out bench', scopes })).secret;
    };
    const sender = await createOrganisation(ctx, op, { name: 'Fanout Sender City', kind: 'city', population: 400_000, region: 'Region 3' });
    const members = [];
    for (let i = 0; i < orgCount; i++) {
      members.push(await createOrganisation(ctx, op, { name: `Fanout Town ${String(i + 1).padStart(2, '0')}`, kind: 'city', population: 20_000 + i * 1000, region: 'Region 3' }));
    }
    const group = await createGroup(ctx, op, { name: 'Fan-out region', ownerOrgId: sender.id });
    for (const m of members) await addGroupMember(ctx, op, group.id, m.id);
    // Users and their tokens: one scrypt hash each, a few at a time.
    const senderToken = await tokenFor(sender.id, 'sender@fanout.example', ['write']);
    const readTokens = new Array(orgCount);
    for (let i = 0; i < orgCount; i += 8) {
      await Promise.all(members.slice(i, i + 8).map(async (m, j) => (readTokens[i + j] = await tokenFor(m.id, `reader${i + j}@fanout.example`, ['read']))));
    }
    for (let i = 0; i < receiverUrls.length; i++) {
      await createWebhook(ctx, op, members[i % orgCount].id, { name: `SOAR ${i + 1}`, url: receiverUrls[i], format: 'json' });
    }
    return { senderToken, readTokens, groupId: group.id };
  } finally {
    await app.close();
    await store.close();
  }
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

/** VmRSS of `pids` every 250 ms, with a time stamp, until stopped. */
function sampleRss(pids) {
  const samples = pids.map(() => []);
  const timer = setInterval(() => {
    const now = performance.now();
    pids.forEach((pid, i) => samples[i].push({ t: now, kb: rssKb(pid) }));
  }, 250);
  return {
    stop: () => clearInterval(timer),
    /** per process, between two instants */
    between(from, to) {
      return samples.map((s) => {
        const kbs = s.filter((x) => x.t >= from && x.t <= to && Number.isFinite(x.kb)).map((x) => x.kb);
        return { n: kbs.length, peakMb: Math.max(...kbs) / 1024, meanMb: kbs.reduce((a, b) => a + b, 0) / Math.max(1, kbs.length) / 1024 };
      });
    },
  };
}

// ---------------------------------------------------------------- one dialect
const warningBody = JSON.stringify({
  title: '@TITLE@',
  kind: 'ddos',
  severity: 'high',
  details:
    'Since 06:40 our 311 portal and the permit system have been hit by an HTTP flood (about 40k requests per second at peak) ' +
    'from a few hundred residential addresses, most of them in two ASNs. The attackers rotate user agents and hit /search with ' +
    'random query strings to miss the cache. Rate limiting at the edge and a challenge page for /search brought it under control. ' +
    'Check your own portals for the same pattern.',
  affectedServices: ['311 portal', 'permits'],
  indicators: [
    { type: 'ipv4', value: '203.0.113.45' },
    { type: 'domain', value: 'flood-c2.example.net' },
    { type: 'url', value: 'hxxp://flood-c2.example[.]net/panel/login' },
  ],
  tlp: 'amber',
  audience: { kind: 'groups', groupIds: ['@GROUP@'] },
});

async function runDialect(dialect, receiverUrls) {
  let pgDb = null;
  if (dialect === 'postgres') {
    pgDb = await createPgDatabase();
    if (pgDb.skipped) return { dialect, skipped: pgDb.skipped };
  }
  const dataDirs = [tempDir(`${dialect}-1`), tempDir(`${dialect}-2`)];
  const processes = dialect === 'postgres' ? 2 : 1;
  log(`bench: ${dialect}: seeding ${orgCount + 1} organisations, ${orgCount + 1} users and tokens, ${receiverUrls.length} webhooks`);
  const seedStart = performance.now();
  const seeded = await seed(dataDirs[0], pgDb?.url, receiverUrls);
  const seedS = (performance.now() - seedStart) / 1000;

  const profileDir = args.profile ? mkdtempSync(path.join(os.tmpdir(), `tocsin-fanout-profile-${dialect}-`)) : null;
  const hubs = [];
  for (let i = 0; i < processes; i++) {
    const env = pgDb ? { TOCSIN_DATABASE_URL: pgDb.url, TOCSIN_DATA_DIR: dataDirs[i] } : { TOCSIN_DATA_DIR: dataDirs[0] };
    hubs.push(await startHub(env, `hub ${i + 1}`, profileDir));
  }
  const pids = hubs.map((h) => h.child.pid);
  const rss = sampleRss([...pids, client.pid]);
  await sleep(1500);
  const idleRss = pids.map((pid) => rssKb(pid) / 1024);

  log(`bench: ${dialect}: ${processes} hub process(es); opening ${N} streams`);
  const phaseStart = performance.now();
  const headers = Array.from({ length: N }, (_, i) => ({ authorization: `Bearer ${seeded.readTokens[i % orgCount]}` }));
  // Subscriber i uses its organisation's token and hub i mod processes: each process holds its share.
  const connect = await ask('connect', { urls: hubs.map((h) => `${h.url}/api/stream`), headers, n: N, concurrency: 50 });
  if (connect.connected !== N) throw new Error(`only ${connect.connected} of ${N} streams opened`);
  const body = warningBody.replace('@GROUP@', seeded.groupId);
  const common = { postUrls: hubs.map((h) => `${h.url}/api/warnings`), postHeaders: { authorization: `Bearer ${seeded.senderToken}` }, bodyTemplate: body, n: N, hooks: receiverUrls.length };

  log(`bench: ${dialect}: warm-up, ${warmups} warnings`);
  const warm = await ask('run', { ...common, tag: `${dialect}-warmup`, count: warmups, rate, drainMs: 20_000, hookDrainMs: 60_000 });
  if (warm.sse.missing || warm.postFailures) throw new Error(`warm-up incomplete: ${JSON.stringify({ sse: warm.sse, postFailures: warm.postFailureSamples })}`);

  const busyBefore = await machineBusy();
  log(`bench: ${dialect}: ${W} warnings at ${rate}/s (machine ${fmt(busyBefore * 100)} % busy just before)`);
  const cpuStart = { hubs: pids.map(cpuSeconds), client: cpuSeconds(client.pid), pg: pgDb ? postgresCpuSeconds() : NaN, machine: machineCpu(), t: performance.now() };
  const result = await ask('run', { ...common, tag: `${dialect}-run`, count: W, rate, drainMs: 30_000, hookDrainMs: 120_000 });
  const wall = (performance.now() - cpuStart.t) / 1000;
  const m1 = machineCpu();
  const cpu = {
    hubs: pids.map((pid, i) => (cpuSeconds(pid) - cpuStart.hubs[i]) / wall),
    client: (cpuSeconds(client.pid) - cpuStart.client) / wall,
    pg: pgDb ? (postgresCpuSeconds() - cpuStart.pg) / wall : NaN,
    machine: 1 - (m1.idle - cpuStart.machine.idle) / Math.max(1, m1.total - cpuStart.machine.total),
    wall,
  };
  const phaseEnd = performance.now();
  rss.stop();
  const rssRun = rss.between(phaseStart, phaseEnd);
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
  const floorCpu0 = cpuSeconds(floorProc.pid);
  const floorT0 = performance.now();
  const floorRss = sampleRss([floorProc.pid]);
  const floor = await ask('run', { ...common, postUrls: [`${floorUrl}/publish`], postHeaders: {}, tag: `floor-${dialect}`, count: W, rate, hooks: 0, drainMs: 30_000, hookDrainMs: 0 });
  floorRss.stop();
  const floorCpu = (cpuSeconds(floorProc.pid) - floorCpu0) / ((performance.now() - floorT0) / 1000);
  const floorRssPeak = floorRss.between(0, Infinity)[0].peakMb;
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
    floorRssPeak,
    frameBytes: Buffer.byteLength(frame),
    templateBytes: Buffer.byteLength(template),
    hubLog: [...hubLog].map(([msg, n]) => `${msg} ×${n}`),
    profile,
    profileDir,
  };
}

// ---------------------------------------------------------------- the report
function report({ machine, buildNote, runs, sqliteVersion, elapsedS }) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  p('## Fan-out');
  p();
  p('Generated by `npm run bench:fanout` (`node bench/fanout.mjs`); do not edit by hand, run it again. The other');
  p('sections of this file are left as they are.');
  p();
  p('| | |');
  p('|---|---|');
  p(`| date | ${machine.date} |`);
  p(`| CPU | ${machine.cpu}, \`nproc\` = ${machine.nproc} |`);
  p(`| memory | ${machine.memory} |`);
  p(`| OS | ${machine.kernel}; \`ulimit -n\` = ${machine.nofile} |`);
  p(`| Node.js | ${machine.node} |`);
  p(`| SQLite | ${sqliteVersion} (better-sqlite3) |`);
  const pg = runs.find((r) => r.pgVersion);
  if (pg) p(`| PostgreSQL | ${pg.pgVersion}, same machine (127.0.0.1:5432) |`);
  p(`| code | ${machine.commit}${buildNote ? ` (${buildNote})` : ''} |`);
  p(`| machine busy (all cores, 1 s sample before each measured run) | ${runs.filter((r) => !r.skipped).map((r) => `${r.dialect} ${fmt(r.busyBefore * 100)} %`).join('; ')} |`);
  p(`| run time | ${fmt(elapsedS)} s |`);
  if (args.profile) p('| profiled | yes: hub processes ran under `--cpu-prof` (slower than an unprofiled run) |');
  p();
  p('**Set-up.** Seeded through the built services (`buildApp` with `workers: false`, closed before the hub starts):');
  p(`${orgCount} member cities, each with one analyst and one \`read\` token; a sender city with an analyst and a \`write\``);
  p(`token; one sharing group, owned by the sender, holding all ${orgCount + 1}; ${hookCount} webhooks (format \`json\`), one in`);
  p(`each of the first ${hookCount} member cities, to ${hookCount} receivers on 127.0.0.1. Every warning is TLP:AMBER to that`);
  p('group (audience `groups`), so each one is addressed to every subscriber and every webhook; the sender city has');
  p(`no subscribers, so all get the same frame. ${N} subscribers: subscriber *i* uses the token of city *i* mod ${orgCount}`);
  p(`(${N / orgCount} streams per token). Each warning has a 430-character description, 2 affected services and 3`);
  p('indicators; users keep the default alert mode (immediate email), so each warning also queues one mail row per');
  p(`member user (${orgCount}); no SMTP server is configured, so the mail worker leaves them pending (as a hub without mail would).`);
  p();
  p('**Processes.** Hub: `node bin/tocsin.js serve --port 0 --host 127.0.0.1` from `dist/`, with');
  p('`TOCSIN_OUTBOUND_ALLOW=127.0.0.1`, `TOCSIN_LOG_LEVEL=warn`, and the data folder (SQLite) or `TOCSIN_DATABASE_URL`');
  p('(PostgreSQL: two processes on one temporary database; subscriber *i* on process *i* mod 2, warnings posted to the two');
  p('in turn, so half of the deliveries cross processes through LISTEN/NOTIFY). Load generator: a separate Node process');
  p('(`bench/fanout-client.mjs`) holding the subscribers (raw `http.request`, no agent, frames parsed as they arrive),');
  p('the webhook receivers (answer 204) and the sender, so both ends of every latency are `performance.now()` in one');
  p(`process. ${W} warnings at ${rate}/s on a fixed schedule (warning *k* is posted at *k*/${rate} s whether or not earlier`);
  p(`posts were answered), after a warm-up of ${warmups}. Latency = receipt (SSE: the chunk holding the frame arrives; webhook:`);
  p(`the request body has arrived) − the start of the POST, for every (warning, subscriber) pair (${fmt(W * N)} samples)`);
  p(`and every (warning, webhook) pair (${fmt(W * hookCount)}). Every pair must arrive exactly once.`);
  p();
  p('**Floor.** In the same run, right after each hub run: `bench/fanout-floor.mjs`, a bare `node:http` server (one process)');
  p(`that writes each published message to every open stream. The same generator opens ${N} streams to it and posts the`);
  p('same bodies on the same schedule; each post makes the floor write the exact frame the hub sent (captured in the');
  p('warm-up, with the id and title swapped) to every client. Memory: `VmRSS` of each hub process from');
  p('`/proc/<pid>/status` every 250 ms, from the first stream opening to the end of the measured run.');
  p();
  p(`| database | hub processes | SSE p50 | SSE p90 | SSE p99 | SSE max | floor p50 | floor p99 | SSE p99 / floor p99 | goal ≤ ${goals.ratio} | webhook p50 | webhook p99 | webhook max | missing / duplicate (SSE; webhooks) | RSS peak per process | goal < ${goals.rssMb} MB |`);
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---|');
  for (const r of runs) {
    if (r.skipped) {
      p(`| ${r.dialect} | – | skipped: ${r.skipped} |||||||||||||`);
      continue;
    }
    const s = r.result.sse;
    const h = r.result.hooks;
    const ratio = s.p99 / r.floor.sse.p99;
    const peaks = r.rssRun.slice(0, r.processes).map((x) => x.peakMb);
    const complete = s.missing === 0 && s.dupes === 0 && h.missing === 0 && h.dupes === 0 && r.floor.sse.missing === 0;
    p(
      `| ${r.dialect} | ${r.processes} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} | ${ms(r.floor.sse.p50)} | ${ms(r.floor.sse.p99)} | ${fmt(ratio, 1)} | ${pass(ratio <= goals.ratio && complete)} | ${ms(h.p50)} | ${ms(h.p99)} | ${ms(h.max)} | ${s.missing} / ${s.dupes}; ${h.missing} / ${h.dupes}${complete ? '' : ' **incomplete**'} | ${peaks.map((x) => `${fmt(x)} MB`).join(' / ')} | ${pass(Math.max(...peaks) < goals.rssMb)} |`,
    );
  }
  p();
  p('(MB here is MiB. The ratio goal also requires every delivery to arrive exactly once.)');
  p();
  p('Details per run:');
  p();
  p('| database | POST p50 / p99 | full fan-out (last subscriber) p50 / p99 | webhooks all in, after the last post | RSS idle → mean / peak per process | hub CPU (cores) | generator CPU | PostgreSQL CPU | floor CPU / RSS peak | frame | streams opened in (p50 / max per stream) |');
  p('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    if (r.skipped) continue;
    const res = r.result;
    const rssText = r.rssRun
      .slice(0, r.processes)
      .map((x, i) => `${fmt(r.idleRss[i])} → ${fmt(x.meanMb)} / ${fmt(x.peakMb)} MB`)
      .join('; ');
    p(
      `| ${r.dialect} | ${ms(res.post.p50)} / ${ms(res.post.p99)} | ${ms(res.fullFanout.p50)} / ${ms(res.fullFanout.p99)} | ${res.hooks.missing ? `not within the drain time (${fmt(res.hooks.missing)} missing)` : fmt(res.hooks.doneAfterLastSendMs / 1000, 1) + ' s'} | ${rssText} | ${r.cpu.hubs.map((c) => fmt(c, 2)).join(' + ')} | ${fmt(r.cpu.client, 2)} | ${Number.isFinite(r.cpu.pg) ? fmt(r.cpu.pg, 2) : '–'} | ${fmt(r.floorCpu, 2)} / ${fmt(r.floorRssPeak)} MB | ${fmt(r.frameBytes)} B | ${fmt(r.connect.totalMs / 1000, 1)} s (${ms(r.connect.p50)} / ${ms(r.connect.max)}) |`,
    );
  }
  p();
  p(`CPU is per second of the measured run (${fmt(W / rate)} s of posting plus the drain); 1.00 = one core busy. Median and`);
  p('slowest SSE latency per 5 s of sending (the slowest warnings, by their median over subscribers, show when stalls happened):');
  p();
  for (const r of runs) {
    if (r.skipped) continue;
    p(`- ${r.dialect}: ${r.result.windows.map((w) => `${fmt(w.fromS)} s ${ms(w.medianMs)}/${ms(w.maxMs)}`).join(' · ')}`);
    p(`  - slowest warnings: ${r.result.worst.map((w) => `#${w.seq} at ${fmt(w.atS, 1)} s (median ${ms(w.medianMs)}, last ${ms(w.maxMs)})`).join(', ')}`);
    p(`  - floor: ${r.floor.windows.map((w) => `${fmt(w.fromS)} s ${ms(w.medianMs)}/${ms(w.maxMs)}`).join(' · ')}`);
    const trouble = r.result.streams;
    if (trouble.dropped || trouble.resets || trouble.ends || r.result.postFailures) {
      p(`  - **trouble**: ${trouble.dropped} streams dropped, ${trouble.resets} resets, ${trouble.ends} ends, ${r.result.postFailures} failed posts ${r.result.postFailureSamples.join('; ')}`);
    }
    if (r.hubLog.length) p(`  - hub log at warn and above, by message: ${r.hubLog.map((x) => `"${x.slice(0, 200)}"`).join(', ')}`);
  }
  p();
  if (runs.some((r) => r.profile)) {
    p('### Where the hub spent its CPU (profiled run)');
    p();
    for (const r of runs) {
      if (!r.profile) continue;
      r.profile.forEach((prof, i) => {
        if (!prof.file) return;
        p(`${r.dialect}, hub ${i + 1} (\`${prof.file}\`), ${fmt(prof.totalMs)} ms sampled in the measured window, ${fmt(prof.busyMs)} ms not idle:`);
        p();
        p(`- by package: ${prof.byCategory.map((c) => `${c.name} ${fmt(c.pct, 1)} %`).join(', ')}`);
        p(`- self time: ${prof.bySelf.map((c) => `\`${c.name}\` ${fmt(c.pct, 1)} %`).join(', ')}`);
        p(`- inclusive, Tocsin code: ${prof.byInclusive.map((c) => `\`${c.name}\` ${fmt(c.pct, 1)} %`).join(', ')}`);
        p();
      });
    }
  }
  p('To reproduce: `npm install && npm run bench:fanout` (builds the server if `dist/` is stale; PostgreSQL is used when');
  p('`postgres://postgres@127.0.0.1:5432` answers, or `TOCSIN_BENCH_PG_URL`; `-- --sqlite-only` skips it). It needs');
  p(`about ${N + 100} file descriptors in each of the hub and the generator: \`ulimit -n\` must be at least 2048 (raise it with`);
  p('`ulimit -n 65535` in the shell first if not). `-- --profile` adds a CPU profile of the hub processes (not written here).');
  p();
  return lines.join('\n');
}

/** Replace (or add) the `## Fan-out` section, leaving every other section as it is. */
function writeSection(markdown) {
  const file = path.join(root, 'docs/BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Fan-out');
  let next;
  if (start < 0) {
    next = `${current.replace(/\s*$/, '')}\n\n${markdown.trim()}\n`;
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
    const r = await runDialect(dialect, receiverUrls);
    if (r.skipped) log(`bench: ${dialect} skipped: ${r.skipped}`);
    runs.push(r);
  }
  await ask('stop').catch(() => {});
  const markdown = report({ machine, buildNote, runs, sqliteVersion: await sqliteVersion(), elapsedS: (performance.now() - t0) / 1000 });
  process.stdout.write(`${markdown}\n`);
  if (!args['no-write'] && !args.profile) {
    writeSection(markdown);
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
