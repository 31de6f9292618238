// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went within a window:
// by package, by function (self time), and by Tocsin function including what it calls.
// Used by bench/fanout.mjs --profile; also by hand: node bench/fanout-profile.mjs <file> [top]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

function shortUrl(url) {
  if (!url) return '';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  return p.startsWith(root) ? path.relative(root, p) : p;
}

function category(frame) {
  const url = shortUrl(frame.url);
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('dist/')) return `tocsin ${url.slice(5).split('/')[0]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function keyOf(frame) {
  const url = shortUrl(frame.url);
  return `${frame.functionName || '(anonymous)'}${url ? ` ${url.replace(/^node_modules\//, '')}:${frame.lineNumber + 1}` : ''}`;
}

/**
 * @param {string} file a .cpuprofile
 * @param {{startUs:number, endUs:number}|undefined} window monotonic µs (process.hrtime), as V8 stamps samples
 */
export function summariseProfile(file, window, top = 15) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Self time per node inside the window.
  const selfUs = new Map();
  let t = prof.startTime;
  let inWindow = 0;
  let all = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    const d = prof.timeDeltas[i + 1] ?? 0;
    all += d;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    inWindow += d;
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + d);
  }
  const windowed = Boolean(window) && inWindow > 0;
  if (window && !windowed) {
    // The clocks did not line up: fall back to the whole profile.
    t = prof.startTime;
    for (let i = 0; i < prof.samples.length; i++) selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i + 1] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const cats = new Map();
  const selfs = new Map();
  const incl = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    cats.set(category(frame), (cats.get(category(frame)) ?? 0) + us);
    selfs.set(keyOf(frame), (selfs.get(keyOf(frame)) ?? 0) + us);
    // Inclusive: every distinct Tocsin function on the stack gets the sample once.
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n).callFrame;
      if (!shortUrl(f.url).startsWith('dist/')) continue;
      const k = keyOf(f);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (100 * us) / Math.max(1, busy) }));
  return { windowed, totalMs: total / 1000, busyMs: busy / 1000, wholeProfileMs: all / 1000, byCategory: rank(cats), bySelf: rank(selfs), byInclusive: rank(incl) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top = '30'] = process.argv.slice(2);
  const s = summariseProfile(file, undefined, Number(top));
  process.stdout.write(`${fmtSummary(s)}\n`);
}

function fmtSummary(s) {
  const list = (xs) => xs.map((x) => `  ${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`).join('\n');
  return `sampled ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms (percentages of busy)\nby package:\n${list(s.byCategory)}\nself:\n${list(s.bySelf)}\ninclusive (Tocsin code):\n${list(s.byInclusive)}`;
}
