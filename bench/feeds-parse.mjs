// The feed-parser benchmark (issue 5, the analyst workspace): a generated 1,000,000-line IPv4
// list (plain and gzip-compressed), a 1,000,000-line mixed list (domains, URLs, hashes,
// IP:port) and a 1,000,000-row CSV, each parsed by src/feeds/parsers in a fresh process,
// next to a floor (the same file read and its lines counted, nothing parsed). Reports lines/s
// and the peak RSS of each process. Prints only; it does not write docs/BENCHMARKS.md.
//
//   node bench/feeds-parse.mjs [--lines 1000000] [--keep]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { describeMachine, ensureBuilt, fmt, machineTable, mb, root } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});
const log = (line) => process.stderr.write(`${line}\n`);

// ---- child: parse one file, report time, counts and peak RSS as JSON on stdout ----

async function child(scenario, file) {
  const parsers = await import(pathToFileURL(path.join(root, 'dist/feeds/parsers/index.js')).href);
  const start = performance.now();
  let records = 0;
  let report = null;
  if (scenario === 'floor') {
    // Read and count line ends: the cost of getting the bytes in, nothing else.
    for await (const chunk of createReadStream(file)) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) records++;
    }
  } else if (scenario !== 'idle') {
    const run =
      scenario === 'csv'
        ? parsers.parseCsv(createReadStream(file), { columns: { value: 'sha1', firstSeen: 'first_seen', comment: 'reason' } })
        : parsers.parseList(createReadStream(file), scenario === 'mixed' ? {} : { type: 'ip' });
    for await (const batch of run) records += batch.length;
    report = run.report;
  }
  const ms = performance.now() - start;
  process.stdout.write(
    JSON.stringify({
      ms,
      records,
      lines: report?.linesRead ?? records,
      rejected: report?.rejected ?? 0,
      status: report?.status ?? 'complete',
      maxRss: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

// ---- parent: generate inputs, run each scenario in its own process, print a table ----

/** A small deterministic generator, so every run parses the same files. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

async function writeLines(file, count, line, header = []) {
  const out = createWriteStream(file);
  const write = (text) => (out.write(text) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  if (header.length) await write(`${header.join('\n')}\n`);
  const batch = 10_000;
  for (let i = 0; i < count; i += batch) {
    const parts = [];
    for (let j = i; j < Math.min(count, i + batch); j++) parts.push(line(j));
    await write(`${parts.join('\n')}\n`);
  }
  await new Promise((r, e) => out.end((err) => (err ? e(err) : r())));
}

async function generate(dir, n) {
  const rnd = lcg(42);
  const ip = () => {
    const v = rnd();
    return `${1 + (v >>> 24) % 223}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  };
  const hex = (len) => {
    let s = '';
    while (s.length < len) s += rnd().toString(16).padStart(8, '0');
    return s.slice(0, len);
  };
  const files = { ips: path.join(dir, 'ips.txt'), mixed: path.join(dir, 'mixed.txt'), csv: path.join(dir, 'rows.csv') };
  await writeLines(files.ips, n, ip, ['# generated IPv4 block list', '#']);
  await pipeline(createReadStream(files.ips), createGzip(), createWriteStream(`${files.ips}.gz`));
  const tlds = ['com', 'net', 'org', 'xyz', 'top', 'de'];
  await writeLines(files.mixed, n, (i) => {
    const name = `h${hex(8)}.example${i % 97}.${tlds[i % tlds.length]}`;
    switch (i % 5) {
      case 0:
        return name;
      case 1:
        return `https://${name}/login/${hex(6)}?id=${i}`;
      case 2:
        return hex(64);
      case 3:
        return `${ip()}:${1024 + (i % 50000)}`;
      default:
        return `${name} # seen ${i}`;
    }
  });
  const reasons = ['AsyncRAT C&C', 'QuasarRAT C&C', '"DCRat C&C, variant ""b"""', 'Dridex C&C'];
  await writeLines(files.csv, n, (i) => `2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 06:52:51,${hex(40)},${reasons[i % reasons.length]}`, ['# generated SSLBL-style list', 'first_seen,sha1,reason']);
  return files;
}

function runChild(scenario, file) {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', scenario, '--file', file ?? ''], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) throw new Error(`${scenario} failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

async function main() {
  const n = Number(args.lines);
  const built = await ensureBuilt();
  if (built) log(`note: ${built}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tocsin-feeds-bench-'));
  try {
    log(`generating ${fmt(n)}-line inputs in ${dir}…`);
    const files = await generate(dir, n);
    const scenarios = [
      ['idle (node + parser module loaded)', 'idle', null],
      ['floor: read ips.txt, count lines', 'floor', files.ips],
      ['IPv4 list, declared type ip', 'list', files.ips],
      ['IPv4 list, gzip', 'list', `${files.ips}.gz`],
      ['mixed list (domains, URLs, SHA-256, IP:port), types detected', 'mixed', files.mixed],
      ['floor: read rows.csv, count lines', 'floor', files.csv],
      ['CSV, 3 columns by header name, quoted fields', 'csv', files.csv],
    ];
    const rows = [];
    for (const [label, scenario, file] of scenarios) {
      log(`${label}…`);
      const r = runChild(scenario, file);
      const size = file ? statSync(file).size : 0;
      rows.push(
        `| ${label} | ${file ? mb(size) : '–'} | ${scenario === 'idle' ? '–' : fmt(r.lines)} | ${scenario === 'idle' || scenario === 'floor' ? '–' : `${fmt(r.records)} / ${fmt(r.rejected)}`} | ${scenario === 'idle' ? '–' : `${fmt(r.ms / 1000, 2)} s`} | ${scenario === 'idle' ? '–' : fmt((r.lines / r.ms) * 1000)} | ${mb(r.maxRss)} |`,
      );
      if (r.status !== 'complete') log(`  !! run status ${r.status}`);
    }
    const machine = describeMachine();
    process.stdout.write(
      [
        '## Feed parsing',
        '',
        machineTable(machine, [['lines per input', fmt(n)]]),
        '',
        'Each row is a fresh `node` process streaming the file through `src/feeds/parsers` (records',
        'counted, not stored). Peak RSS is the process maximum, node itself included (see the idle row).',
        '',
        '| input | size | lines | records / rejected | time | lines/s | peak RSS |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    if (args.keep) log(`inputs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (args.child) await child(args.child, args.file);
else await main();
