// The TAXII benchmark (`npm run bench:taxii`), for the issue "Speak STIX 2.1 and TAXII 2.1":
// a collection of 1,000,000 indicators paged through with limit=1000 over HTTP by a client
// as a SIEM would (fetch, parse, follow `next`), next to the raw floor measured in the same
// run — the same rows read from the store in pages of 1,000 and their JSON concatenated,
// with no HTTP and no policy. Then POST ingest of 10,000-object envelopes. On SQLite (one
// `tocsin serve`) and on PostgreSQL. Writes the `## TAXII` section of docs/BENCHMARKS.md.
//
//   node bench/taxii.mjs [--objects 1000000] [--envelopes 5] [--sqlite-only | --postgres-only] [--no-write]
//   BENCH_CPU_PROF=<dir> also writes the server's CPU profile there (node --cpu-prof).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { describeMachine, ensureBuilt, fmt, machineTable, mb, ms, quantile, root, writeSection, pgDatabase as pgDatabaseIn } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000000' },
    envelopes: { type: 'string', default: '5' },
    'sqlite-only': { type: 'boolean', default: false },
    'postgres-only': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const N = Number(args.objects);
const envelopes = Number(args.envelopes);
const envelopeSize = 10_000;
const pageSize = 1000;
const pgAdminUrl = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dialects = args['sqlite-only'] ? ['sqlite'] : args['postgres-only'] ? ['postgres'] : ['sqlite', 'postgres'];
const log = (line) => process.stderr.write(`${line}\n`);
const taxiiType = 'application/taxii+json;version=2.1';
const membersCollection = '8f3c2d1e-6b7a-4c59-8e0d-2a1b3c4d5e6f';

function indicatorJson(i, created) {
  const ip = `${10 + ((i >> 24) & 0x7f)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created,
    modified: created,
    name: `Botnet controller ${ip}`,
    description: 'Command-and-control address from the regional honeypot network.',
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: created,
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  };
}

const pgDatabase = () => pgDatabaseIn(pgAdminUrl, 'taxii');

/** Through the built services: an organisation, an analyst and a token; then N indicators in the members collection. */
async function seed({ dataDir, databaseUrl }) {
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
  const { insertShare } = await import('../dist/sharing/shares.js');
  const { toRow } = await import('../dist/objects/versions.repository.js');
  const { sql } = await import('kysely');
  const config = loadConfig({}, { dataDir, logLevel: 'silent', ...(databaseUrl ? { databaseUrl } : {}) });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: 5 });
  const app = await buildApp(config, { store, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
  try {
    const ctx = app.ctx;
    const org = await createOrganisation(ctx, cliActor(), { name: 'Bench City', kind: 'city', population: 400_000, region: 'Region 3' });
    const email = 'soc@bench.example';
    await createUser(ctx, cliActor(), { email, name: 'soc', orgId: org.id, role: 'analyst', isOperator: false, password: `bench ${randomBytes(8).toString('hex')}` });
    const row = await findUserByEmail(ctx.db, email);
    const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
    const token = (await createToken(ctx, actor, { name: 'siem', scopes: ['read', 'write'] })).secret;
    const now = new Date().toISOString();
    const share = await insertShare(ctx.db, { tlp: 'green', audienceKind: 'members', producerOrgId: org.id, audienceOrgIds: [], audienceGroupIds: [], anonymous: false }, { userId: row.id, publicLabel: null }, now);
    const start = performance.now();
    let dateAdded = Date.now() * 1000 - N - 10;
    const createdUs = Date.parse('2026-11-01T00:00:00.000Z') * 1000;
    for (let done = 0; done < N; ) {
      const n = Math.min(10_000, N - done);
      await ctx.db.transaction().execute(async (trx) => {
        const rows = [];
        for (let i = 0; i < n; i++) {
          const o = indicatorJson(done + i, '2026-11-01T00:00:00.000Z');
          rows.push(toRow(o, { dateAdded: dateAdded++, version: createdUs, shareId: share.id, isLatest: true, originPeerId: null }));
        }
        // New ids only: insert directly (insertVersions would first look for older versions).
        for (let i = 0; i < rows.length; i += 500) await trx.insertInto('stix_versions').values(rows.slice(i, i + 500)).execute();
      });
      done += n;
      if (done % 100_000 === 0) log(`  seeded ${fmt(done)} objects (${fmt((performance.now() - start) / 1000, 1)} s)`);
    }
    await sql`analyze`.execute(ctx.db);
    return { token, seedS: (performance.now() - start) / 1000 };
  } finally {
    await app.close();
  }
}

/**
 * The floor: the same rows, pages of 1,000 by date_added, JSON concatenated. No HTTP, no policy.
 * With `asBytes` (SQLite, for information) the JSON is read as UTF-8 bytes and the pages are
 * byte buffers, as the hub itself serves pages on SQLite.
 */
async function floor({ dataDir, databaseUrl }, asBytes = false) {
  const { openStore } = await import('../dist/store/database.js');
  const store = await openStore({ databaseUrl, dataDir, pgPoolSize: 2 });
  try {
    let after = -1;
    let count = 0;
    let bytes = 0;
    const data = asBytes ? sql`cast(data as blob)`.as('data') : 'data';
    const start = performance.now();
    for (;;) {
      const rows = await store.db.selectFrom('stix_versions').select(['date_added', data]).where('date_added', '>', after).orderBy('date_added').limit(pageSize).execute();
      if (rows.length === 0) break;
      const body = asBytes ? Buffer.concat([open, ...rows.flatMap((r, i) => (i ? [comma, r.data] : [r.data])), close]) : `{"more":true,"objects":[${rows.map((r) => r.data).join(',')}]}`;
      bytes += body.length;
      count += rows.length;
      after = Number(rows[rows.length - 1].date_added);
    }
    const s = (performance.now() - start) / 1000;
    return { count, s, rate: count / s, bytes };
  } finally {
    await store.close();
  }
}

const open = Buffer.from('{"more":true,"objects":[');
const comma = Buffer.from(',');
const close = Buffer.from(']}');

async function startServer({ dataDir, databaseUrl }) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOCSIN_')));
  const argv = [...(process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), path.join(root, 'bin/tocsin.js'), 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'];
  if (databaseUrl) argv.push('--database-url', databaseUrl);
  const child = spawn(process.execPath, argv, { cwd: root, env: { ...env, TOCSIN_TAXII_MAX_CONTENT_LENGTH: String(64 * 2 ** 20) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { child, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the hub did not become ready');
}

async function pageThrough(base, token) {
  const headers = { accept: taxiiType, authorization: `Bearer ${token}` };
  const latencies = [];
  let next = null;
  let count = 0;
  const start = performance.now();
  do {
    const t = performance.now();
    const res = await fetch(`${base}/taxii2/tocsin/collections/${membersCollection}/objects/?limit=${pageSize}${next ? `&next=${next}` : ''}`, { headers });
    if (res.status !== 200) throw new Error(`page ${latencies.length + 1}: HTTP ${res.status} ${await res.text()}`);
    const body = await res.json();
    latencies.push(performance.now() - t);
    count += body.objects?.length ?? 0;
    next = body.more ? body.next : null;
  } while (next);
  const s = (performance.now() - start) / 1000;
  const tenth = Math.max(1, Math.floor(latencies.length / 10));
  const sortedAll = [...latencies].sort((a, b) => a - b);
  const firstTenth = latencies.slice(0, tenth).sort((a, b) => a - b);
  const lastTenth = latencies.slice(-tenth).sort((a, b) => a - b);
  return {
    count,
    pages: latencies.length,
    s,
    rate: count / s,
    p50: quantile(sortedAll, 0.5),
    p99: quantile(sortedAll, 0.99),
    firstP99: quantile(firstTenth, 0.99),
    lastP99: quantile(lastTenth, 0.99),
  };
}

async function ingest(base, token) {
  const headers = { accept: taxiiType, 'content-type': taxiiType, authorization: `Bearer ${token}` };
  const times = [];
  let added = 0;
  for (let e = 0; e < envelopes; e++) {
    const created = new Date(Date.UTC(2026, 10, 2, 0, 0, e)).toISOString();
    const body = JSON.stringify({ objects: Array.from({ length: envelopeSize }, (_, i) => indicatorJson(N + e * envelopeSize + i, created)) });
    const t = performance.now();
    const res = await fetch(`${base}/taxii2/tocsin/collections/${membersCollection}/objects/`, { method: 'POST', headers, body });
    const status = await res.json();
    times.push(performance.now() - t);
    if (res.status !== 202) throw new Error(`POST: HTTP ${res.status} ${JSON.stringify(status).slice(0, 300)}`);
    added += status.success_count;
  }
  const total = times.reduce((a, b) => a + b, 0) / 1000;
  return { added, rate: added / total, perEnvelope: [...times].sort((a, b) => a - b) };
}

async function runDialect(dialect) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tocsin-taxii-${dialect}-`));
  const pg = dialect === 'postgres' ? await pgDatabase() : null;
  const target = { dataDir, databaseUrl: pg?.url };
  try {
    log(`[${dialect}] seeding ${fmt(N)} indicators`);
    const { token, seedS } = await seed(target);
    log(`[${dialect}] raw floor`);
    const raw = await floor(target);
    log(`[${dialect}]   ${fmt(raw.rate)} objects/s`);
    const rawBytes = dialect === 'sqlite' ? await floor(target, true) : null;
    if (rawBytes) log(`[${dialect}]   JSON as bytes: ${fmt(rawBytes.rate)} objects/s`);
    const { child, base } = await startServer(target);
    try {
      log(`[${dialect}] paging over HTTP`);
      const http = await pageThrough(base, token);
      log(`[${dialect}]   ${fmt(http.rate)} objects/s, p50 ${ms(http.p50)}, p99 ${ms(http.p99)}`);
      log(`[${dialect}] POST ${envelopes} envelopes of ${fmt(envelopeSize)}`);
      const post = await ingest(base, token);
      log(`[${dialect}]   ${fmt(post.rate)} objects/s`);
      const rssKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
      return { dialect, seedS, raw, rawBytes, http, post, rssBytes: rssKb * 1024, pgVersion: pg?.version };
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await pg?.drop();
  }
}

const buildNote = await ensureBuilt();
const machine = describeMachine();
const t0 = performance.now();
const runs = [];
for (const d of dialects) runs.push(await runDialect(d));
const elapsed = (performance.now() - t0) / 1000;

const lines = [];
const p = (s = '') => lines.push(s);
p('## TAXII');
p();
p(`Serving a collection of ${fmt(N)} STIX indicators to a TAXII client, and ingesting ${fmt(envelopeSize)}-object envelopes (\`npm run bench:taxii\`).`);
p();
p(machineTable(machine, [...(runs.find((r) => r.pgVersion) ? [['PostgreSQL', `${runs.find((r) => r.pgVersion).pgVersion}, same machine`]] : []), ...(buildNote ? [['build', buildNote]] : []), ['run time', `${fmt(elapsed)} s`]]));
p();
p('| | ' + runs.map((r) => r.dialect).join(' | ') + ' |');
p('|---|' + runs.map(() => '---:').join('|') + '|');
const row = (label, f) => p(`| ${label} | ${runs.map(f).join(' | ')} |`);
row('raw floor: rows read + JSON concatenated, objects/s', (r) => fmt(r.raw.rate));
row(`HTTP paging, limit=${pageSize}, objects/s`, (r) => fmt(r.http.rate));
row('**ratio to the floor** (goal ≥ 25%)', (r) => `**${fmt((100 * r.http.rate) / r.raw.rate)}%** ${r.http.rate / r.raw.rate >= 0.25 ? '(met)' : '(not met)'}`);
row('floor with the JSON read as bytes (SQLite; for information), objects/s', (r) => (r.rawBytes ? fmt(r.rawBytes.rate) : '–'));
row('ratio to that floor (for information)', (r) => (r.rawBytes ? `${fmt((100 * r.http.rate) / r.rawBytes.rate)}%` : '–'));
row('pages', (r) => fmt(r.http.pages));
row('page latency p50 / p99', (r) => `${ms(r.http.p50)} / ${ms(r.http.p99)}`);
row('p99, first tenth of pages → last tenth (flat?)', (r) => `${ms(r.http.firstP99)} → ${ms(r.http.lastP99)}`);
row(`POST ingest, ${fmt(envelopeSize)}-object envelopes, objects/s`, (r) => fmt(r.post.rate));
row('POST envelope time, median', (r) => ms(quantile(r.post.perEnvelope, 0.5)));
row('hub peak RSS (VmHWM)', (r) => mb(r.rssBytes));
row('seeding (direct inserts, not measured above)', (r) => `${fmt(r.seedS)} s`);
p();
p('The client is Node’s fetch, one request at a time, parsing every page and following `next`, as a SIEM connector does.');
p('The floor reads the same rows from the same store in keyset pages of 1,000 (`date_added > last`) and joins their stored JSON');
p('into an envelope string: what serving costs without HTTP, authentication, the collection and sharing-policy filters.');
p('On SQLite the hub reads each page’s JSON as UTF-8 bytes and writes those bytes as they are (never decoded into strings and');
p('encoded back). The second floor reads the same way, for information: its ratio is the one that does not credit the hub for that.');
p('Ingest goes through the whole path: validation of every object (pattern parsed), TLP, sharing rule, version log, event and audit.');
p();
const markdown = lines.join('\n');
process.stdout.write(`${markdown}\n`);
if (!args['no-write']) writeSection('TAXII', markdown);
