// One run of the report benchmark, in its own process so its peak RSS is its own (forked by
// bench/reports.mjs). Seeds a hub (SQLite in a temporary folder, or the PostgreSQL database
// it is given) with ORGS member organisations (one subscriber each, some in sharing groups,
// each with a watched domain), WARNINGS warnings carrying INDICATORS indicators in all at mixed
// TLPs and audiences, and a few sightings; then, at the report time: makes the daily report
// (gathers the facts, stores them, queues one delivery per subscriber) and mails every copy —
// each rendered for its reader as text and HTML — through a real SMTP server on loopback.
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { root } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    orgs: { type: 'string', default: '300' },
    warnings: { type: 'string', default: '50' },
    indicators: { type: 'string', default: '5000' },
    'database-url': { type: 'string' },
    // write a CPU profile of making and mailing the report (not of seeding) to this file
    profile: { type: 'string' },
  },
});
const orgCount = Number(args.orgs);
const warningCount = Number(args.warnings);
const indicatorCount = Number(args.indicators);
const dist = (p) => import(path.join(root, 'dist', p));

const { buildApp } = await dist('app.js');
const { loadConfig } = await dist('config/config.js');
const { cliActor } = await dist('orgs/actor.js');
const { createOrganisation } = await dist('orgs/organisations.service.js');
const { createUser } = await dist('orgs/users.service.js');
const { createGroup, addGroupMember } = await dist('orgs/groups.service.js');
const { createWarning } = await dist('warnings/warnings.service.js');
const { reportSightings } = await dist('intel/sightings.service.js');
const { latestEnded, scheduleOf } = await dist('reports/periods.js');
const { makeReport } = await dist('reports/reports.service.js');
const { createReportDeliverer } = await dist('reports/reports.deliverer.js');

// A real SMTP server that counts what it accepts.
let received = 0;
let receivedBytes = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', (c) => (receivedBytes += c.length));
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}`;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tocsin-bench-reports-'));
// The clock: seeding happens on the day before the report, the report is made at 07:00 UTC.
let now = Date.parse('2026-06-01T12:00:00.000Z');
const config = loadConfig(
  {},
  {
    dataDir,
    logLevel: 'silent',
    publicUrl: 'http://hub.bench',
    smtpUrl,
    passwordScryptCost: '10',
    reportsEnabled: 'false',
    feedsEnabled: 'false',
    ...(args['database-url'] ? { databaseUrl: args['database-url'] } : {}),
  },
);
const app = await buildApp(config, { logger: pino({ level: 'silent' }), webRoot: null, workers: false, now: () => new Date(now) });
await app.ready();
const ctx = app.ctx;

const t0 = performance.now();
const orgs = [];
const actors = [];
for (let i = 0; i < orgCount; i++) {
  const org = await createOrganisation(ctx, cliActor(), { name: `Town ${i}`, kind: 'city', population: 20_000 + i, region: `Region ${i % 10}`, domains: [`town${i}.gov`] });
  const email = `it${i}@town${i}.gov`;
  await createUser(ctx, cliActor(), { email, name: `IT ${i}`, orgId: org.id, role: 'admin', isOperator: false, password: 'correct horse battery staple' });
  const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  orgs.push(org);
  actors.push({ ...cliActor(), kind: 'user', via: 'session', userId: user.id, email, orgId: org.id, role: 'admin', isOperator: false });
}
// Ten sharing groups of thirty towns each.
const groups = [];
for (let g = 0; g < 10; g++) {
  const group = await createGroup(ctx, cliActor(), { name: `Group ${g}`, ownerOrgId: orgs[(g * 30) % orgCount].id });
  for (let i = g * 30 + 1; i < Math.min(orgCount, g * 30 + 30); i++) await addGroupMember(ctx, cliActor(), group.id, orgs[i].id);
  groups.push(group);
}
const seedOrgsMs = performance.now() - t0;

const t1 = performance.now();
const tlps = ['CLEAR', 'GREEN', 'AMBER', 'AMBER', 'RED'];
const kinds = ['phishing', 'ransomware', 'credential-leak', 'ddos', 'vulnerability-exploitation', 'account-compromise', 'fraud-bec'];
const perWarning = Math.ceil(indicatorCount / warningCount);
let made = 0;
for (let w = 0; w < warningCount; w++) {
  const tlp = tlps[w % tlps.length];
  // An AMBER warning goes to a group its producer is in: the group's owner sends it.
  const producer = tlp === 'AMBER' ? actors[((w % groups.length) * 30) % orgCount] : actors[(w * 7) % orgCount];
  const audience =
    tlp === 'RED' ? { kind: 'orgs', orgIds: [orgs[(w * 7 + 1) % orgCount].id, orgs[(w * 7 + 2) % orgCount].id] } : tlp === 'AMBER' ? { kind: 'groups', groupIds: [groups[w % groups.length].id] } : { kind: tlp === 'CLEAR' ? 'public' : 'members' };
  const indicators = [];
  for (let k = 0; k < perWarning && made < indicatorCount; k++, made++) {
    const n = made;
    // A few indicators touch a town's own domain, so watchlists match.
    if (n % 250 === 0) indicators.push({ type: 'domain', value: `login.town${n % orgCount}.gov` });
    else if (n % 3 === 0) indicators.push({ type: 'ipv4', value: `45.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` });
    else if (n % 3 === 1) indicators.push({ type: 'domain', value: `bad-${n}.example` });
    else indicators.push({ type: 'url', value: `http://bad-${n}.example/login?id=${n}` });
  }
  now += 60_000;
  await createWarning(ctx, producer, { title: `Warning ${w}: ${kinds[w % kinds.length]} campaign`, kind: kinds[w % kinds.length], severity: ['low', 'medium', 'high', 'critical'][w % 4], details: 'Seen across the region.', indicators, tlp, audience });
}
// Sightings of a few hundred values by many towns.
for (let i = 0; i < Math.min(orgCount, 100); i++) {
  const values = [];
  for (let k = 0; k < 20; k++) values.push({ value: `bad-${((i * 13 + k * 31) % Math.floor(indicatorCount / 3)) * 3 + 1}.example`, count: 1 + (k % 4) });
  await reportSightings(ctx, actors[i], values);
}
const seedIntelMs = performance.now() - t1;

// 07:00 UTC the next morning: the report falls due.
now = Date.parse('2026-06-02T07:00:30.000Z');
const period = latestEnded('daily', new Date(now), scheduleOf(config));
let session = null;
if (args.profile) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const rssBefore = process.memoryUsage().rss;
// Peak RSS while the report is made and mailed (seeding's own peak is not the report's).
let phasePeak = rssBefore;
const sampler = setInterval(() => (phasePeak = Math.max(phasePeak, process.memoryUsage().rss)), 50);
const t2 = performance.now();
const result = await makeReport(ctx, period, { queue: true });
const makeMs = performance.now() - t2;

const deliverer = createReportDeliverer(ctx, { batchSize: 50, concurrency: 4 });
const t3 = performance.now();
let sent = 0;
for (;;) {
  const n = await deliverer.deliverDue();
  if (n === 0) break;
  sent += n;
}
const deliverMs = performance.now() - t3;
clearInterval(sampler);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(args.profile, JSON.stringify(profile));
}
// A member's PDF is made on demand (GET /api/reports/:id/pdf): the time of one, over 20 readers.
const { buildView } = await dist('reports/report-build.js');
const { renderReportPdf } = await dist('reports/report.pdf.js');
const { copyOptionsFor, factsOf, hubInfo, metaOf } = await dist('reports/reports.service.js');
const facts = factsOf(result.report);
const t4 = performance.now();
let pdfBytes = 0;
for (let i = 0; i < 20; i++) {
  const view = buildView(metaOf(result.report), facts, copyOptionsFor({ orgId: orgs[i % orgCount].id, isOperator: false }, facts), hubInfo(ctx));
  pdfBytes += (await renderReportPdf(view)).length;
}
const pdfMs = (performance.now() - t4) / 20;
const stats = await ctx.db.selectFrom('report_deliveries').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute();
const usage = process.resourceUsage();

await app.close();
await new Promise((resolve) => smtp.close(resolve));
rmSync(dataDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    dialect: args['database-url'] ? 'postgres' : 'sqlite',
    orgs: orgCount,
    warnings: warningCount,
    indicators: made,
    seedOrgsMs,
    seedIntelMs,
    factsBytes: result.report.facts.length,
    queued: result.queued,
    makeMs,
    deliverMs,
    claimed: sent,
    received,
    receivedBytes,
    statuses: Object.fromEntries(stats.map((s) => [s.status, Number(s.n)])),
    pdfMs,
    pdfBytes: pdfBytes / 20,
    rssBeforeMb: rssBefore / 2 ** 20,
    phasePeakRssMb: phasePeak / 2 ** 20,
    peakRssMb: usage.maxRSS / 1024,
  }),
);
process.exit(0);
