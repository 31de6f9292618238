// Shared by the benchmarks written after the first two: the machine description, building
// dist/ when stale, formatting, and rewriting one `## Section` of docs/BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
export const ms = (n) => (Number.isFinite(n) ? (n < 10 ? `${fmt(n, 1)} ms` : `${fmt(n)} ms`) : '–');
export const mb = (bytes) => `${fmt(bytes / 2 ** 20)} MB`;

export function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function describeMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mem = sh('free', ['-h']).split('\n').find((l) => l.startsWith('Mem:'))?.split(/\s+/) ?? [];
  const commit = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', root, 'status', '--porcelain']).split('\n').filter(Boolean).length;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: model,
    nproc: sh('nproc', []) || String(os.availableParallelism()),
    memory: mem.length ? `${mem[1]} total, ${mem[6]} available (free -h)` : `${fmt(os.totalmem() / 2 ** 30, 1)} GiB`,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    commit: commit ? `${commit}${dirty ? ` + ${dirty} uncommitted change(s)` : ''}` : 'unknown',
  };
}

/** The machine table every section starts with. */
export function machineTable(machine, extra = []) {
  return [
    '| | |',
    '|---|---|',
    `| date | ${machine.date} |`,
    `| CPU | ${machine.cpu}, \`nproc\` = ${machine.nproc} |`,
    `| memory | ${machine.memory} |`,
    `| OS | ${machine.kernel} |`,
    `| Node.js | ${machine.node} |`,
    `| commit | ${machine.commit} |`,
    ...extra.map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
}

export async function ensureBuilt() {
  const { buildIfStale } = await import('../scripts/build-if-stale.mjs');
  try {
    buildIfStale({ server: true, web: false });
    return null;
  } catch (err) {
    if (!existsSync(path.join(root, 'dist/cli/bin.js'))) throw new Error(`the server did not build: ${err.message}`);
    return 'tsc reported errors; the JavaScript it emitted was benchmarked';
  }
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Replace (or add) `## {title}` in docs/BENCHMARKS.md, leaving every other section as it is. */
export function writeSection(title, markdown, file = path.join(root, 'docs/BENCHMARKS.md')) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
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

/**
 * A fresh PostgreSQL database for one benchmark run, on the server `adminUrl` points at
 * (named tocsin_bench_<name>_<random>): its URL, the server version, and drop().
 */
export async function pgDatabase(adminUrl, name) {
  const { default: pg } = await import('pg');
  const { randomBytes } = await import('node:crypto');
  const db = `tocsin_bench_${name}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query('show server_version')).rows[0].server_version;
  await admin.query(`create database ${db}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    version,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${db} with (force)`);
      await c.end();
    },
  };
}
