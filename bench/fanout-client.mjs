// The load generator of the fan-out benchmark: holds the SSE subscribers and the webhook
// receivers, posts the warnings on a fixed schedule and times every delivery. Forked by
// bench/fanout.mjs and driven over IPC; never run it by hand.
//
// Sender and receivers live in this one process so that every latency is a difference of two
// performance.now() readings on the same clock: receipt − the moment the POST was started.
// It runs apart from the hub so the hub's CPU and memory are its own.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

if (!process.send) {
  process.stderr.write('bench/fanout-client.mjs is started by bench/fanout.mjs\n');
  process.exit(2);
}

const marker = 'Fan-out bench ';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the phase being measured
/**
 * One measured phase: `count` messages to `n` subscribers and `hooks` webhook receivers.
 * Receipts of other tags (a late warm-up delivery) are counted as strays, not measured.
 */
let phase = null;

function newPhase(tag, count, n, hooks) {
  return {
    tag,
    count,
    n,
    hooks,
    sentAt: new Float64Array(count).fill(NaN),
    sseLat: new Float64Array(count * n).fill(NaN),
    sseCount: new Uint8Array(count * n),
    sseUnique: 0,
    sseDupes: 0,
    hookLat: new Float64Array(count * hooks).fill(NaN),
    hookCount: new Uint8Array(count * hooks),
    hookUnique: 0,
    hookDupes: 0,
    /** first frame seen (its text is the floor's template) */
    firstFrame: null,
  };
}

const strays = { sse: 0, hooks: 0 };

/** `Fan-out bench <tag> #<seq>` → { tag, seq }, or null. */
function parseTitle(text, from = 0) {
  const at = text.indexOf(marker, from);
  if (at < 0) return null;
  const hash = text.indexOf(' #', at + marker.length);
  if (hash < 0) return null;
  const tag = text.slice(at + marker.length, hash);
  let seq = 0;
  let i = hash + 2;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    seq = seq * 10 + c;
  }
  return i === hash + 2 ? null : { tag, seq };
}

function recordSse(client, frame, t) {
  const m = parseTitle(frame);
  if (!m) return;
  const p = phase;
  if (!p || m.tag !== p.tag || m.seq >= p.count) {
    strays.sse += 1;
    return;
  }
  if (p.firstFrame === null) p.firstFrame = frame;
  const k = m.seq * p.n + client.index;
  if (p.sseCount[k]++ === 0) {
    p.sseLat[k] = t - p.sentAt[m.seq];
    p.sseUnique += 1;
  } else {
    p.sseDupes += 1;
    if (p.sseCount[k] === 255) p.sseCount[k] = 254;
  }
}

// ---------------------------------------------------------------- SSE subscribers
/** @type {Array<{index:number, req:http.ClientRequest, res:http.IncomingMessage|null, buf:string, open:boolean, frames:number, other:Map<string,number>}>} */
let clients = [];
const streamTrouble = { dropped: 0, resets: 0, ends: 0 };

function openStream(index, url, headers) {
  return new Promise((resolve, reject) => {
    const client = { index, req: null, res: null, buf: '', open: false, frames: 0 };
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', agent: false, headers: { accept: 'text/event-stream', ...headers } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`stream ${index}: HTTP ${res.statusCode}`));
          return;
        }
        client.res = res;
        client.open = true;
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const t = performance.now();
          client.buf += chunk;
          let end;
          while ((end = client.buf.indexOf('\n\n')) >= 0) {
            const frame = client.buf.slice(0, end);
            client.buf = client.buf.slice(end + 2);
            client.frames += 1;
            if (frame.charCodeAt(0) === 58 /* ':' */ || frame.startsWith('retry:')) continue;
            if (frame.includes('\nevent: reset\n')) streamTrouble.resets += 1;
            if (frame.includes('\nevent: end\n') || frame.startsWith('event: end')) streamTrouble.ends += 1;
            recordSse(client, frame, t);
          }
        });
        const gone = () => {
          if (client.open && !closing) streamTrouble.dropped += 1;
          client.open = false;
        };
        res.on('close', gone);
        res.on('error', gone);
        resolve(client);
      },
    );
    client.req = req;
    req.on('error', (err) => {
      if (!client.open) reject(err);
    });
    req.end();
  });
}

let closing = false;

async function connect({ urls, headers, n, concurrency }) {
  closing = false;
  streamTrouble.dropped = streamTrouble.resets = streamTrouble.ends = 0;
  clients = new Array(n);
  const times = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      clients[i] = await openStream(i, urls[i % urls.length], headers[i]);
      times.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: clients.filter((c) => c.open).length, totalMs: performance.now() - t0, ...summarise(Float64Array.from(times)) };
}

async function disconnect() {
  closing = true;
  for (const c of clients) c?.req.destroy();
  clients = [];
  await sleep(200);
}

// ---------------------------------------------------------------- webhook receivers
const receivers = [];
const hookKeys = new Map(); // idempotency key → receipts, per receiver
let hookErrors = 0;

async function startReceivers(count) {
  for (let i = 0; i < count; i++) {
    const index = i;
    const seen = new Map();
    hookKeys.set(index, seen);
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const t = performance.now();
        res.writeHead(204).end();
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          const key = String(req.headers['idempotency-key']);
          seen.set(key, (seen.get(key) ?? 0) + 1);
          recordHook(index, String(body?.data?.warning?.title ?? ''), t);
        } catch {
          hookErrors += 1;
        }
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    receivers.push(server);
  }
  return receivers.map((s) => `http://127.0.0.1:${s.address().port}/hook/${receivers.indexOf(s)}`);
}

function recordHook(index, title, t) {
  const m = parseTitle(title);
  const p = phase;
  if (!m || !p || m.tag !== p.tag || m.seq >= p.count || p.hooks === 0) {
    strays.hooks += 1;
    return;
  }
  const k = m.seq * p.hooks + index;
  if (p.hookCount[k]++ === 0) {
    p.hookLat[k] = t - p.sentAt[m.seq];
    p.hookUnique += 1;
  } else {
    p.hookDupes += 1;
    if (p.hookCount[k] === 255) p.hookCount[k] = 254;
  }
}

// ---------------------------------------------------------------- sending
const sendAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function post(url, headers, body) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: sendAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body);
  });
}

/**
 * Post `count` messages at `rate` per second on a fixed schedule (message i is due at
 * t0 + i/rate, whether or not earlier ones were answered), alternating over `postUrls`.
 * Then wait until every subscriber and receiver has every message, or the drain time ends.
 */
async function run({ tag, count, rate, postUrls, postHeaders, bodyTemplate, n, hooks, drainMs, hookDrainMs }) {
  const p = (phase = newPhase(tag, count, n, hooks));
  const interval = 1000 / rate;
  const postMs = new Float64Array(count).fill(NaN);
  const failures = [];
  const pending = [];
  const startHr = process.hrtime.bigint();
  const t0 = performance.now() + 20;
  let next = 0;
  let lateMax = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < count && now >= t0 + next * interval) {
        const seq = next++;
        const body = bodyTemplate.replace('@TITLE@', `${marker}${tag} #${seq}`);
        const started = performance.now();
        lateMax = Math.max(lateMax, started - (t0 + seq * interval));
        p.sentAt[seq] = started;
        pending.push(
          post(postUrls[seq % postUrls.length], postHeaders, body).then((r) => {
            postMs[seq] = performance.now() - started;
            if (r.status !== 201) failures.push(`#${seq}: ${r.status} ${r.text.slice(0, 200)}`);
          }),
        );
      }
      if (next >= count) resolve();
      else setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  const sendEnd = performance.now();
  const sendEndHr = process.hrtime.bigint();
  await Promise.all(pending);
  const sseWant = count * n;
  const hookWant = count * hooks;
  const drainStart = performance.now();
  while (p.sseUnique < sseWant && performance.now() - drainStart < drainMs) await sleep(50);
  const sseDoneMs = performance.now() - sendEnd;
  const sseDoneHr = process.hrtime.bigint();
  while (p.hookUnique < hookWant && performance.now() - drainStart < hookDrainMs) await sleep(100);
  const hookDoneMs = performance.now() - sendEnd;
  // Time for a repeated delivery to show up before counting duplicates.
  await sleep(1000);
  const endHr = process.hrtime.bigint();
  phase = null;

  const perWarningMax = new Float64Array(count);
  const perWarningMedian = new Float64Array(count);
  const row = new Float64Array(n);
  for (let s = 0; s < count; s++) {
    let m = 0;
    let k = 0;
    for (let c = 0; c < n; c++) {
      const v = p.sseLat[s * n + c];
      if (!Number.isNaN(v)) {
        row[k++] = v;
        if (v > m) m = v;
      }
    }
    perWarningMax[s] = k === n ? m : NaN;
    perWarningMedian[s] = k ? quantileSorted(row.subarray(0, k).sort(), 0.5) : NaN;
  }
  // The slowest warnings, by median over subscribers, with when they were sent.
  const worst = [...perWarningMedian.keys()]
    .filter((s) => !Number.isNaN(perWarningMedian[s]))
    .sort((a, b) => perWarningMedian[b] - perWarningMedian[a])
    .slice(0, 8)
    .map((s) => ({ seq: s, atS: (p.sentAt[s] - t0) / 1000, medianMs: perWarningMedian[s], maxMs: perWarningMax[s] }));
  // Latency over time: median per 5-second window of sending.
  const windows = [];
  const perWindow = Math.max(1, Math.round(5 * rate));
  for (let s = 0; s < count; s += perWindow) {
    const meds = Float64Array.from(perWarningMedian.subarray(s, s + perWindow)).filter((v) => !Number.isNaN(v)).sort();
    const maxes = Float64Array.from(perWarningMax.subarray(s, s + perWindow)).filter((v) => !Number.isNaN(v)).sort();
    windows.push({ fromS: s / rate, medianMs: meds.length ? quantileSorted(meds, 0.5) : NaN, maxMs: maxes.length ? maxes[maxes.length - 1] : NaN });
  }

  const sseMissing = sseWant - p.sseUnique;
  const hookMissing = hookWant - p.hookUnique;
  let hookKeyDupes = 0;
  for (const seen of hookKeys.values()) {
    for (const v of seen.values()) if (v > 1) hookKeyDupes += v - 1;
    seen.clear();
  }
  return {
    tag,
    sent: count,
    scheduleLateMaxMs: lateMax,
    sendSeconds: (sendEnd - t0) / 1000,
    postFailures: failures.length,
    postFailureSamples: failures.slice(0, 5),
    post: summarise(postMs.filter((v) => !Number.isNaN(v))),
    sse: { want: sseWant, got: p.sseUnique, dupes: p.sseDupes, subscribersMissingSome: countSubscribersMissing(p), doneAfterLastSendMs: sseDoneMs, ...summarise(p.sseLat.filter((v) => !Number.isNaN(v)), sseMissing) },
    fullFanout: summarise(perWarningMax.filter((v) => !Number.isNaN(v)), perWarningMax.filter((v) => Number.isNaN(v)).length),
    hooks: { want: hookWant, got: p.hookUnique, dupes: p.hookDupes, keyDupes: hookKeyDupes, doneAfterLastSendMs: hookDoneMs, ...summarise(p.hookLat.filter((v) => !Number.isNaN(v)), hookMissing) },
    frameBytes: p.firstFrame === null ? null : Buffer.byteLength(p.firstFrame) + 2,
    firstFrame: p.firstFrame,
    worst,
    windows,
    streams: { ...streamTrouble, open: clients.filter((c) => c.open).length },
    strays: { ...strays },
    hookErrors,
    window: { startUs: Number(startHr / 1000n), sendEndUs: Number(sendEndHr / 1000n), sseDoneUs: Number(sseDoneHr / 1000n), endUs: Number(endHr / 1000n) },
  };
}

function countSubscribersMissing(p) {
  let missing = 0;
  for (let c = 0; c < p.n; c++) {
    for (let s = 0; s < p.count; s++) {
      if (p.sseCount[s * p.n + c] === 0) {
        missing += 1;
        break;
      }
    }
  }
  return missing;
}

function quantileSorted(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Quantiles over every wanted delivery: the `missing` ones count as never arriving (Infinity),
 * so a percentile that falls among them says so instead of looking fast. The mean is over those
 * that arrived.
 */
function summarise(values, missing = 0) {
  const s = Float64Array.from(values).sort();
  const total = s.length + missing;
  if (total === 0) return { n: 0, missing, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const q = (x) => {
    const i = Math.min(total - 1, Math.max(0, Math.ceil(x * total) - 1));
    return i < s.length ? s[i] : Infinity;
  };
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, missing, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: missing ? Infinity : s[s.length - 1], mean: s.length ? sum / s.length : NaN };
}

// ---------------------------------------------------------------- IPC
const commands = {
  receivers: ({ count }) => startReceivers(count),
  connect,
  disconnect,
  run,
  async stop() {
    await disconnect();
    for (const s of receivers) {
      s.closeAllConnections();
      s.close();
    }
    setTimeout(() => process.exit(0), 50);
    return true;
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {});
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: err.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
