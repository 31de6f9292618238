// Running feeds: a run leases its feed (no two processes run one feed at once), records itself
// in feed_runs (live progress about every second), streams the source through the sink, and
// only after a complete run that saw the whole source retires the values that vanished. A
// failed run keeps the previous data. The pump starts feeds whose time has come.
import { intelChanged } from '../intel/intel-version.js';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { AppError } from '../errors.js';
import { PeerCallError } from '../federation/taxii-client.js';
import { loadKnownMentions, retireMentions } from '../intel/ingest.repository.js';
import { defaultValidityDays, validUntilFor } from '../intel/lifecycle.js';
import { warningListMatcher } from '../intel/warning-lists.js';
import { createPump, type Pump } from '../push/pump.js';
import { describeUrl, type Resolver } from '../push/ssrf.js';
import type { FeedRow, FeedRunRow } from '../store/schema.js';
import { indicatorTypes, type IndicatorType } from '../stix/observables.js';
import { readCursor, readFilter, readOptions, type FeedKind, type VanishAction } from './feed-options.js';
import { ageOutMentions, claimDueFeeds, claimFeed, expireUnvouched, failAbandonedRuns, findRunById, insertRun, updateLeasedFeed, updateRunRow, type FeedRowUpdate, type FeedRunUpdate } from './feeds.repository.js';
import { toRun, type FeedRunView, type RunStatus, type RunTrigger } from './feeds.view.js';
import { FeedFetchError } from './fetch.js';
import { FeedSink } from './sink.js';
import { readSource, type SourceIO, type SourceOutcome } from './sources.js';
import { addReport, addWarning, emptyTally, type Tally } from './tally.js';
import { afterBulkWrite } from '../store/statistics.js';

const pumpIntervalMs = 15_000;
const claimBatch = 2;
const progressEveryMs = 1_000;
const firstRetryMs = 60_000;

export interface FeedRunOptions {
  /** DNS for the connect-time guard; tests substitute a fake */
  resolver?: Resolver;
  /** ignore ETag/Last-Modified and cursors: read the whole source again */
  force?: boolean;
  /** told after each batch (at most every ~200 ms) and once at the end */
  onProgress?: (run: FeedRunView) => void;
}

export interface StartedRun {
  runId: string;
  /** settles when the run has finished (never rejects: a failure is a failed run) */
  done: Promise<FeedRunView>;
}

class LeaseLostError extends Error {
  constructor() {
    super('another process took the feed over (its lease ran out); this run stopped');
  }
}

class StoppedError extends Error {
  constructor() {
    super('the run was stopped (the hub is shutting down); the previous data was kept');
  }
}

/** Runs of this process, so shutdown can stop them and tests can wait for them. */
const active = new WeakMap<object, Set<{ controller: AbortController; done: Promise<unknown> }>>();

function registry(ctx: AppContext) {
  let set = active.get(ctx.db);
  if (!set) active.set(ctx.db, (set = new Set()));
  return set;
}

/** Stores whose process is shutting down: no new runs start there. */
const stopping = new WeakSet<object>();

/** Stop this process's feed runs (on shutdown) and wait for them to record their end. */
export async function stopFeedRuns(ctx: AppContext): Promise<void> {
  stopping.add(ctx.db);
  const set = registry(ctx);
  for (const r of set) r.controller.abort();
  await Promise.all([...set].map((r) => r.done));
}

/** Wait until this process's feed runs have finished (tests, the CLI). */
export async function feedRunsSettled(ctx: AppContext): Promise<void> {
  await Promise.all([...registry(ctx)].map((r) => r.done));
}

/** How long a run holds its feed before another process may take it over (renewed as it goes). */
function leaseMs(ctx: AppContext): number {
  return ctx.config.feedTimeoutMs + 60_000;
}

/** Pause before retrying a failing feed: a minute doubling, never longer than its interval. */
export function retryDelayMs(failures: number, intervalMinutes: number): number {
  return Math.min(firstRetryMs * 2 ** Math.min(Math.max(0, failures - 1), 20), intervalMinutes * 60_000);
}

export function createFeedPump(ctx: AppContext, options: FeedRunOptions = {}): Pump {
  return createPump({
    name: 'feeds',
    bus: ctx.bus,
    log: ctx.log,
    intervalMs: pumpIntervalMs,
    // A feed created or changed wakes it (first run at once).
    wakesOn: (m) => m.kind === 'wake',
    runOnce: () => runDueFeeds(ctx, options),
  });
}

/** One pass: claim feeds whose time has come and run them. Resolves to how many ran. */
export async function runDueFeeds(ctx: AppContext, options: FeedRunOptions = {}): Promise<number> {
  if (stopping.has(ctx.db)) return 0;
  const now = ctx.now().toISOString();
  const lease = addMs(now, leaseMs(ctx));
  const claimed = await claimDueFeeds(ctx.db, ctx.dialect, { now, lockedUntil: lease, limit: claimBatch });
  await Promise.all(claimed.map(async (feed) => (await begin(ctx, feed, lease, 'schedule', options)).done));
  return claimed.length;
}

/** Start a run of one feed now, whatever its schedule; null when a run already holds it. */
export async function startFeedRun(ctx: AppContext, feedId: string, trigger: RunTrigger, options: FeedRunOptions = {}): Promise<StartedRun | null> {
  if (stopping.has(ctx.db)) return null;
  const now = ctx.now().toISOString();
  const lease = addMs(now, leaseMs(ctx));
  const feed = await claimFeed(ctx.db, feedId, { now, lockedUntil: lease });
  if (!feed) return null;
  return begin(ctx, feed, lease, trigger, options);
}

/**
 * Run one feed now and wait for the end: the run's final record, or null when another run
 * holds the feed. `onProgress` sees the live counts.
 */
export async function runFeed(ctx: AppContext, feedId: string, trigger: RunTrigger, onProgress?: (run: FeedRunView) => void, options: Omit<FeedRunOptions, 'onProgress'> = {}): Promise<FeedRunView | null> {
  const started = await startFeedRun(ctx, feedId, trigger, { ...options, ...(onProgress ? { onProgress } : {}) });
  return started ? started.done : null;
}

async function begin(ctx: AppContext, feed: FeedRow, lease: string, trigger: RunTrigger, options: FeedRunOptions): Promise<StartedRun> {
  const runId = randomUUID();
  const startedAt = ctx.now().toISOString();
  try {
    await failAbandonedRuns(ctx.db, feed.id, startedAt);
    await insertRun(ctx.db, { id: runId, feed_id: feed.id, trigger, status: 'running', started_at: startedAt });
  } catch (err) {
    await updateLeasedFeed(ctx.db, feed.id, lease, { locked_until: null }).catch(() => false);
    throw err;
  }
  const controller = new AbortController();
  const set = registry(ctx);
  const entry = { controller, done: Promise.resolve() as Promise<unknown> };
  const done = execute(ctx, feed, { runId, trigger, lease, startedAt, controller, options }).finally(() => set.delete(entry));
  entry.done = done;
  set.add(entry);
  return { runId, done };
}

interface RunState {
  runId: string;
  trigger: RunTrigger;
  lease: string;
  startedAt: string;
  controller: AbortController;
  options: FeedRunOptions;
}

async function execute(ctx: AppContext, feed: FeedRow, state: RunState): Promise<FeedRunView> {
  const started = Date.now();
  const now = state.startedAt;
  const log = ctx.log.child({ feedId: feed.id, feed: feed.name, runId: state.runId, ...(feed.url ? { source: describeUrl(feed.url) } : {}) });
  const cursor = readCursor(feed.cursor);
  const tally: Tally = emptyTally();
  let lease = state.lease;
  let sink: FeedSink | null = null;
  let expired = 0;
  let lastFlush = Date.now();
  let lastTold = 0;
  const live: SourceIO['live'] = { report: null, bytes: () => 0, totalBytes: null };

  const snapshot = (status: RunStatus, extra: FeedRunUpdate = {}): FeedRunUpdate => {
    const t = live.report ? addReport(tally, live.report) : tally;
    const c = sink?.counts;
    return {
      status,
      bytes_read: tally.bytesRead + (live.report ? live.bytes() : 0),
      total_bytes: live.totalBytes,
      records: c?.records ?? 0,
      new_count: c?.created ?? 0,
      updated_count: c?.updated ?? 0,
      unchanged_count: c?.unchanged ?? 0,
      rejected_count: t.rejected,
      skipped_count: t.skipped + (c?.skipped ?? 0),
      filtered_count: c?.filtered ?? 0,
      expired_count: expired,
      ...extra,
    };
  };
  const tell = (update: FeedRunUpdate, force = false) => {
    const onProgress = state.options.onProgress;
    if (!onProgress || (!force && Date.now() - lastTold < 200)) return;
    lastTold = Date.now();
    try {
      onProgress(toRun(rowOf(state, feed, update)));
    } catch {
      // a progress display must not break the run
    }
  };
  const tick = async () => {
    if (state.controller.signal.aborted) throw new StoppedError();
    const update = snapshot('running');
    tell(update);
    if (Date.now() - lastFlush < progressEveryMs) return;
    lastFlush = Date.now();
    const next = addMs(ctx.now().toISOString(), leaseMs(ctx));
    if (!(await updateLeasedFeed(ctx.db, feed.id, lease, { locked_until: next }))) throw new LeaseLostError();
    lease = next;
    await updateRunRow(ctx.db, state.runId, update);
    // What this run stored so far is exportable now; so say exports (their ETags move).
    await intelChanged(ctx);
  };

  let outcome: SourceOutcome;
  let internal = false;
  try {
    const known = await loadKnownMentions(ctx.db, feed.id);
    const matcher = await warningListMatcher(ctx.db);
    const kind = feed.kind as FeedKind;
    sink = new FeedSink(ctx, feed, { known, matcher, filter: readFilter(feed.filter), cursor, mode: kind === 'taxii' ? 'stream' : 'snapshot', now });
    const io: SourceIO = {
      feed,
      options: readOptions(feed.options),
      cursor,
      sink,
      force: state.options.force === true,
      now,
      config: { allow: ctx.config.outboundAllow, timeoutMs: ctx.config.feedTimeoutMs, maxBytes: ctx.config.feedMaxBytes, fileRoot: ctx.config.feedFileRoot },
      resolver: state.options.resolver,
      signal: state.controller.signal,
      tally,
      live,
      tick,
    };
    outcome = await readSource(io);
    if (state.controller.signal.aborted) throw new StoppedError();
    if (outcome.status === 'complete' && outcome.fullListing) {
      if (known.listedCount === 0 && known.size > 0) {
        addWarning(tally, 'The source listed nothing this time; its previous values were kept (they are retired only after a listing that is not empty).');
      } else {
        expired += await retireVanished(ctx, feed, known.unlistedIds(), now);
      }
    }
  } catch (err) {
    if (err instanceof LeaseLostError) {
      log.warn('feed run stopped: another process took the feed over');
      return finishRun(ctx, feed, state, { ...snapshot('failed'), error: err.message }, tally, sink, started, null);
    }
    const expected = err instanceof FeedFetchError || err instanceof PeerCallError || err instanceof StoppedError || err instanceof AppError || err instanceof RangeError;
    if (!expected) {
      internal = true;
      log.error({ err }, 'feed run failed unexpectedly');
    }
    outcome = { status: 'failed', error: internal ? 'internal error in the hub; see its log' : (err as Error).message, fullListing: false };
  }

  // A feed that cannot vouch for its values any more: they expire as of their last listing.
  const lastSuccessAt = outcome.status === 'failed' ? feed.last_success_at : now;
  if (lastSuccessAt && feed.kind !== 'taxii') {
    try {
      expired += await expireUnvouched(ctx.db, feed.id, { lastSuccessAt, now, days: validityDays(feed) });
    } catch (err) {
      log.error({ err }, 'expiring values of a silent feed failed');
    }
  }

  const at = ctx.now().toISOString();
  let feedUpdate: FeedRowUpdate;
  if (outcome.status === 'failed') {
    const failures = feed.consecutive_failures + 1;
    if (!internal) log.warn({ err: outcome.error }, 'feed run failed; previous data kept');
    // The MISP position of this run is not kept (its events are read again); shares and TAXII progress are.
    const { misp: _drop, ...keep } = cursor;
    const previous = readCursor(feed.cursor);
    feedUpdate = {
      last_run_at: at,
      last_status: 'failed',
      last_error: (outcome.error ?? 'failed').slice(0, 1000),
      consecutive_failures: failures,
      next_run_at: addMs(at, retryDelayMs(failures, feed.interval_minutes)),
      cursor: JSON.stringify({ ...keep, ...(previous.misp ? { misp: previous.misp } : {}) }),
    };
  } else {
    feedUpdate = {
      last_run_at: at,
      last_success_at: at,
      last_status: outcome.status,
      last_error: null,
      consecutive_failures: 0,
      next_run_at: outcome.more ? at : addMs(at, feed.interval_minutes * 60_000),
      cursor: JSON.stringify(cursor),
      ...(outcome.etag !== undefined ? { etag: outcome.etag } : {}),
      ...(outcome.lastModified !== undefined ? { last_modified: outcome.lastModified } : {}),
    };
  }
  const final = snapshot(outcome.status, { error: outcome.status === 'failed' ? (outcome.error ?? 'failed') : null });
  return finishRun(ctx, feed, state, final, tally, sink, started, { lease: () => lease, update: feedUpdate });
}

/** A run row as it would read now (for progress, and when the store could not be read back). */
function rowOf(state: RunState, feed: FeedRow, update: FeedRunUpdate): FeedRunRow {
  return {
    id: state.runId,
    feed_id: feed.id,
    trigger: state.trigger,
    status: 'running',
    started_at: state.startedAt,
    finished_at: null,
    duration_ms: null,
    bytes_read: 0,
    total_bytes: null,
    records: 0,
    new_count: 0,
    updated_count: 0,
    unchanged_count: 0,
    rejected_count: 0,
    skipped_count: 0,
    filtered_count: 0,
    expired_count: 0,
    report: null,
    error: null,
    ...update,
  };
}

async function finishRun(
  ctx: AppContext,
  feed: FeedRow,
  state: RunState,
  update: FeedRunUpdate,
  tally: Tally,
  sink: FeedSink | null,
  started: number,
  feedWrite: { lease: () => string; update: FeedRowUpdate } | null,
): Promise<FeedRunView> {
  const finishedAt = ctx.now().toISOString();
  const report = {
    ...tally,
    skippedByKind: mergeCounts(tally.skippedByKind, sink?.counts.skippedByKind ?? {}),
    watchMatches: sink?.counts.watchMatches ?? 0,
  };
  const row: FeedRunUpdate = { ...update, finished_at: finishedAt, duration_ms: Date.now() - started, report: JSON.stringify(report) };
  try {
    await updateRunRow(ctx.db, state.runId, row);
    if (feedWrite) await updateLeasedFeed(ctx.db, feed.id, feedWrite.lease(), { ...feedWrite.update, locked_until: null });
    await intelChanged(ctx);
    await afterBulkWrite(ctx, (sink?.counts.created ?? 0) + (sink?.counts.updated ?? 0), ['observables', 'mentions']);
  } catch (err) {
    // The lease runs out and the feed is tried again; the run row says 'running' until then.
    ctx.log.error({ err, feedId: feed.id }, 'recording a feed run failed');
  }
  const stored = await findRunById(ctx.db, state.runId).catch(() => undefined);
  const view = toRun(stored ?? rowOf(state, feed, row));
  try {
    state.options.onProgress?.(view);
  } catch {
    // a progress display must not break the run
  }
  return view;
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function validityDays(feed: FeedRow): Map<IndicatorType, number> {
  const days = new Map<IndicatorType, number>();
  for (const t of indicatorTypes) {
    const d = feed.expiry_days ?? defaultValidityDays[t];
    if (d !== null && d !== undefined) days.set(t, d);
  }
  return days;
}

/** What the feed's on_vanish setting says to do with values it no longer lists. Returns how many. */
async function retireVanished(ctx: AppContext, feed: FeedRow, unlisted: readonly number[], now: string): Promise<number> {
  if (unlisted.length === 0) return 0;
  const action = feed.on_vanish as VanishAction;
  return ctx.db.transaction().execute(async (trx) => {
    if (action === 'keep') {
      return ageOutMentions(trx, feed.id, unlisted, { at: now, validUntil: (type) => validUntilFor(type, now, { expiryDays: feed.expiry_days }) });
    }
    const gone = await retireMentions(trx, feed.id, { only: unlisted, status: action === 'withdraw' ? 'withdrawn' : 'expired', at: now });
    return gone.length;
  });
}
