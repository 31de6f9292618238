// The phishing-check benchmark (`npm run bench:phishing`): how many emails per second the
// analysis engine reads on one core, its peak memory, and the slowest message against the
// per-message time budget. Writes the `## Phishing check` section of docs/BENCHMARKS.md
// (other sections are kept).
//
// Plain Node ESM measuring the built engine (dist/phishing/analysis), as the hub runs it. The
// mix is the shared labelled mail (../shared/data/phish and /ham: 70 real messages, ~42 KB on
// average, some with PDF, Office, HTML and calendar attachments), analysed one after another,
// over and over, in this one process (one thread, so one core). Nothing is sent or fetched.
//
//   node bench/phishing.mjs [--seconds 10] [--no-write] [--wait-quiet <s>]
//
// --wait-quiet 120 first waits (up to 120 s) until other processes use less than a tenth of a
// core: the machine may be shared, and the figure is CPU-bound.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'no-write': { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
    data: { type: 'string', default: path.resolve(root, '../shared/data') },
  },
});
const seconds = Number(args.seconds);
const goal = { perSecond: 200 };
const log = (s) => process.stderr.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function sh(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
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
  };
}

/** Busy CPU ticks of the whole machine and of this process (user + system). */
function ticks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
  const self = readFileSync('/proc/self/stat', 'utf8');
  const s = self.slice(self.lastIndexOf(')') + 2).split(' ');
  return { busy, own: Number(s[11]) + Number(s[12]), at: performance.now() };
}

/** Cores used by other processes between two tick samples. */
function othersCores(a, b) {
  const hz = 100; // USER_HZ on Linux
  return Math.max(0, (b.busy - a.busy - (b.own - a.own)) / hz / ((b.at - a.at) / 1000));
}

async function waitQuiet(limitS) {
  const until = performance.now() + limitS * 1000;
  for (;;) {
    const a = ticks();
    await sleep(1000);
    const load = othersCores(a, ticks());
    if (load < 0.1) return `waited for a quiet machine (others ${fmt(load, 2)} cores)`;
    if (performance.now() > until) return `the machine did not become quiet within ${limitS} s (others ${fmt(load, 2)} cores)`;
  }
}

async function loadEngine() {
  const { buildIfStale } = await import('../scripts/build-if-stale.mjs');
  let note = null;
  try {
    buildIfStale({ server: true, web: false });
  } catch (err) {
    // tsc still emits on type errors elsewhere in the tree, so the engine can be current anyway.
    note = `the build reported errors (${String(err.message).split('\n')[0]}); dist/ as emitted`;
  }
  const entry = path.join(root, 'dist/phishing/analysis/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: the server did not build`);
  return { ...(await import(pathToFileURL(entry).href)), note };
}

function loadMix(dataDir) {
  const out = [];
  for (const set of ['phish', 'ham']) {
    const dir = path.join(dataDir, set);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: the benchmark needs the shared mail sets`);
    for (const f of readdirSync(dir).sort()) out.push({ name: `${set}/${f}`, bytes: readFileSync(path.join(dir, f)) });
  }
  return out;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function report({ machine, note, quietNote, mix, run, budgetMs }) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  const avgKb = mix.reduce((n, m) => n + m.bytes.length, 0) / mix.length / 1024;
  const times = [...run.times].sort((a, b) => a - b);
  const rate = run.count / (run.wallMs / 1000);
  const cpuRate = run.count / (run.cpuMs / 1000);
  p('## Phishing check');
  p();
  p('Generated by `npm run bench:phishing` (`node bench/phishing.mjs`); do not edit by hand, run it again.');
  p();
  p('| | |');
  p('|---|---|');
  p(`| date | ${machine.date} |`);
  p(`| CPU | ${machine.cpu}, \`nproc\` = ${machine.nproc} |`);
  p(`| memory | ${machine.memory} |`);
  p(`| OS | ${machine.kernel} |`);
  p(`| Node.js | ${machine.node} |`);
  p(`| code | ${machine.commit}${note ? ` (${note})` : ''} |`);
  p(`| CPU used by other processes during the run, in cores (of ${machine.nproc}) | ${fmt(run.others, 2)}${quietNote ? `; ${quietNote}` : ''} |`);
  p();
  p(`The mix: the ${mix.length} shared sample mails (${mix.filter((m) => m.name.startsWith('phish/')).length} phishing, ${mix.filter((m) => m.name.startsWith('ham/')).length} legitimate; ${fmt(avgKb, 1)} KB on average, the largest ${fmt(Math.max(...mix.map((m) => m.bytes.length)) / 1024, 0)} KB;`);
  p('PDF, Word, RTF, HTML, image and calendar attachments among them), analysed one after another with `analyseEmail()` and');
  p(`no options, in one Node.js process (one thread), after one warm-up pass, for ${seconds} s (${fmt(run.passes)} passes).`);
  p();
  p('| measure | value | goal | result |');
  p('|---|---:|---|---|');
  p(`| emails analysed per second (wall clock, one core) | ${fmt(rate)} | ≥ ${goal.perSecond} | ${rate >= goal.perSecond ? '**pass**' : '**FAIL**'} |`);
  p(`| emails per CPU second of the process (for information; includes V8's garbage-collector threads) | ${fmt(cpuRate)} | | |`);
  p(`| time per email, median / p99 | ${fmt(quantile(times, 0.5), 2)} ms / ${fmt(quantile(times, 0.99), 2)} ms | | |`);
  p(`| slowest email | ${fmt(run.slowest.ms, 1)} ms (\`${run.slowest.name}\`) | < ${fmt(budgetMs)} ms budget | ${run.slowest.ms < budgetMs ? '**pass**' : '**FAIL**'} |`);
  p(`| analyses cut short by the budget | ${run.truncated} | 0 | ${run.truncated === 0 ? '**pass**' : '**FAIL**'} |`);
  p(`| peak RSS of the process | ${fmt(run.maxRssMb, 1)} MB | | |`);
  p();
  p('(MB here is MiB: `maxRSS` from `process.resourceUsage()` divided by 1024.) The wall-clock rate includes everything the');
  p('engine does per message: MIME and charset decoding, HTML scanning, hashing of every attachment, PDF stream inflation,');
  p('look-alike domain checks and phrase matching. Other processes on a shared machine lower it; the CPU-second rate depends');
  p('on them much less. The analysis itself runs on the main thread only.');
  p();
  p('To reproduce: `npm install && npm run bench:phishing` (builds the server if `dist/` is stale; needs `../shared/data`).');
  p('Options: `npm run bench:phishing -- --seconds 10 --no-write`; `-- --wait-quiet 120` first waits for a quiet machine.');
  p();
  return lines.join('\n');
}

/** Replace (or add) the `## Phishing check` section of docs/BENCHMARKS.md, keeping every other section. */
function writeSection(markdown) {
  const file = path.join(root, 'docs/BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Phishing check');
  let next;
  if (start < 0) next = `${current.replace(/\s*$/, '')}\n\n${markdown.trim()}\n`;
  else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').replace(/\s*$/, '');
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${markdown.trim()}\n${after ? `\n${after}\n` : ''}`;
  }
  writeFileSync(file, next);
}

async function main() {
  const engine = await loadEngine();
  const mix = loadMix(path.resolve(args.data));
  const quietNote = Number(args['wait-quiet']) > 0 ? await waitQuiet(Number(args['wait-quiet'])) : null;
  const budgetMs = engine.limits?.budgetMs ?? 2000;
  for (const m of mix) await engine.analyseEmail(m.bytes); // warm-up: JIT and caches
  const run = { times: [], count: 0, passes: 0, truncated: 0, slowest: { ms: 0, name: '' } };
  const t0 = ticks();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const m of mix) {
      const s = performance.now();
      const a = await engine.analyseEmail(m.bytes);
      const ms = performance.now() - s;
      run.times.push(ms);
      run.count++;
      if (a.truncated) run.truncated++;
      if (ms > run.slowest.ms) run.slowest = { ms, name: m.name };
    }
    run.passes++;
  }
  run.wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  run.cpuMs = (cpu.user + cpu.system) / 1000;
  run.others = othersCores(t0, ticks());
  run.maxRssMb = process.resourceUsage().maxRSS / 1024;
  const markdown = report({ machine: describeMachine(), note: engine.note, quietNote, mix, run, budgetMs });
  process.stdout.write(`${markdown}\n`);
  if (!args['no-write']) {
    writeSection(markdown);
    log('bench: wrote the "## Phishing check" section of docs/BENCHMARKS.md');
  }
}

main().catch((err) => {
  log(`bench:phishing: ${err.stack ?? err}`);
  process.exit(1);
});
