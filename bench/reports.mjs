// The report benchmark (`npm run bench:reports`), for the issue "The daily threat report":
// the daily report for 300 member organisations over a day with 5,000 new indicators and 50
// warnings — made (facts gathered and stored, deliveries queued) and mailed, each copy
// rendered for its reader as text and HTML (the public edition also as a PDF) and sent through a real SMTP server on
// loopback. Reports total time, time per recipient and peak RSS, on SQLite and PostgreSQL,
// and the same with 100 organisations to show whether memory grows with recipients. Goal: the
// whole run under a minute, memory flat in the number of recipients. Each run is its own
// process (bench/reports-run.mjs) so its peak RSS is its own. Writes the `## Daily report`
// section of docs/BENCHMARKS.md unless --no-write.
//
//   node bench/reports.mjs [--orgs 300] [--small 100] [--sqlite-only] [--no-write]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, ensureBuilt, fmt, machineTable, ms, pgDatabase, root, writeSection } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    orgs: { type: 'string', default: '300' },
    small: { type: 'string', default: '100' },
    warnings: { type: 'string', default: '50' },
    indicators: { type: 'string', default: '5000' },
    'sqlite-only': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const pgAdmin = process.env.TOCSIN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const buildNote = await ensureBuilt();
const machine = describeMachine();

function run(orgs, databaseUrl) {
  const argv = [path.join(root, 'bench/reports-run.mjs'), '--orgs', String(orgs), '--warnings', args.warnings, '--indicators', args.indicators];
  if (databaseUrl) argv.push('--database-url', databaseUrl);
  const out = execFileSync(process.execPath, argv, { encoding: 'utf8', timeout: 540_000, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const results = [];
for (const orgs of [Number(args.small), Number(args.orgs)]) {
  results.push(run(orgs));
  console.error(`sqlite ${orgs}: ${JSON.stringify(results.at(-1))}`);
  if (!args['sqlite-only']) {
    const pg = await pgDatabase(pgAdmin, 'reports');
    try {
      results.push({ ...run(orgs, pg.url), pgVersion: pg.version });
      console.error(`postgres ${orgs}: ${JSON.stringify(results.at(-1))}`);
    } finally {
      await pg.drop();
    }
  }
}

const rows = results.map((r) => {
  const total = r.makeMs + r.deliverMs;
  const recipients = r.received;
  return `| ${r.dialect} | ${fmt(r.orgs)} | ${fmt(r.indicators)} / ${fmt(r.warnings)} | ${ms(r.makeMs)} | ${ms(r.deliverMs)} | **${fmt(total / 1000, 1)} s** | ${fmt(recipients)} | ${ms(r.deliverMs / Math.max(1, recipients))} | ${fmt(r.rssBeforeMb)} → ${fmt(r.phasePeakRssMb)} MB | ${fmt(r.peakRssMb)} MB | ${fmt(r.factsBytes / 1024)} KiB | ${ms(r.pdfMs)} (${fmt(r.pdfBytes / 1024)} KiB) |`;
});
const big = results.filter((r) => r.orgs === Number(args.orgs));
const small = results.filter((r) => r.orgs === Number(args.small));
const worst = Math.max(...big.map((r) => (r.makeMs + r.deliverMs) / 1000));
const growth = big.map((b) => {
  const s = small.find((x) => x.dialect === b.dialect);
  return s ? `${b.dialect}: ${fmt(s.phasePeakRssMb - s.rssBeforeMb)} MB over the seeded process with ${fmt(s.orgs)} recipients, ${fmt(b.phasePeakRssMb - b.rssBeforeMb)} MB with ${fmt(b.orgs)}` : '';
});

const markdown = `## Daily report

\`npm run bench:reports\` (bench/reports.mjs): the daily report for ${fmt(Number(args.orgs))} member organisations (one subscriber each, ten sharing groups of thirty) over a day with ${fmt(Number(args.indicators))} new indicators in ${fmt(Number(args.warnings))} warnings at CLEAR, GREEN, AMBER (groups) and RED (named towns), sightings of 2,000 values by 100 towns, and a watched domain per town. *Make* gathers the period's facts, stores them and queues one delivery per subscriber; *mail* renders each subscriber's own copy (policy-filtered) as text and HTML (with a link to its PDF, made on demand) and sends it through a real SMTP server on loopback (smtp-server), four at a time. Each run is its own process; RSS is sampled every 50 ms while the report is made and mailed. The same with ${fmt(Number(args.small))} organisations shows whether memory grows with the number of recipients.

${machineTable(machine, buildNote ? [['note', buildNote]] : [])}

| store | organisations | indicators / warnings | make | mail | total | mails | per recipient | RSS during report (before → peak) | peak RSS of the process | stored facts | a member's PDF (on demand) |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Goals: the whole run under a minute — **${worst < 60 ? 'met' : 'not met'}** (slowest store: ${fmt(worst, 1)} s); memory flat in the number of recipients — ${growth.filter(Boolean).join('; ')}.
`;

console.log(markdown);
if (!args['no-write']) writeSection('Daily report', markdown);
