// Running federation: a pump claims peers with work due (a pull whose interval has passed,
// or new objects to push), leases each so no two processes work on one peer, and records
// the outcome as the peer's health. Failures back off from 30 s doubling to an hour.
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { createPump, type Pump } from '../push/pump.js';
import { describeUrl, type Resolver } from '../push/ssrf.js';
import type { PeerRow } from '../store/schema.js';
import { claimDuePeers, claimPeer, renewLease, updateLeased, type PeerRowUpdate } from './peers.repository.js';
import { LeaseLostError, pullAll, type PullResult } from './pull.js';
import { pushPending, type PushResult } from './push.js';
import { PeerCallError, TaxiiClient, type PeerAuth } from './taxii-client.js';

const pumpIntervalMs = 5_000;
const claimBatch = 4;
const firstRetryMs = 30_000;
const maxRetryMs = 3_600_000;

export interface RunnerOptions {
  /** DNS for the connect-time guard; tests substitute a fake */
  resolver?: Resolver;
  /** jitter source in [0, 1) */
  random?: () => number;
}

export interface RunOutcome {
  ok: boolean;
  error: string | null;
  pulls: PullResult[];
  push: PushResult | null;
  durationMs: number;
}

export interface RunPlan {
  pull: boolean;
  push: boolean;
}

export function createFederationPump(ctx: AppContext, options: RunnerOptions = {}): Pump {
  return createPump({
    name: 'federation',
    bus: ctx.bus,
    log: ctx.log,
    intervalMs: pumpIntervalMs,
    // New objects are announced as events: pushes leave within a second of the commit.
    wakesOn: (m) => m.kind === 'event' || m.kind === 'wake',
    runOnce: () => runDuePeers(ctx, options),
  });
}

/** Pause before the next attempt after n failed ones in a row: 30 s doubling, at most an hour, ±10 % jitter. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(firstRetryMs * 2 ** Math.max(0, Math.min(failures - 1, 30)), maxRetryMs);
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** How long a run may hold a peer before another process may take it over (renewed between pages). */
function leaseMs(ctx: AppContext): number {
  return ctx.config.federationTimeoutMs * 2 + 30_000;
}

/** One pass: claim peers with work due and run them. Resolves to how many were run. */
export async function runDuePeers(ctx: AppContext, options: RunnerOptions = {}): Promise<number> {
  const now = ctx.now().toISOString();
  const lease = addMs(now, leaseMs(ctx));
  const claimed = await claimDuePeers(ctx.db, ctx.dialect, { now, lockedUntil: lease, limit: claimBatch });
  await Promise.all(
    claimed.map((peer) => {
      const plan: RunPlan = {
        pull: (peer.direction === 'pull' || peer.direction === 'both') && peer.next_pull_at <= now,
        push: (peer.direction === 'push' || peer.direction === 'both') && (peer.next_attempt_at === null || peer.next_attempt_at <= now),
      };
      return runPeer(ctx, peer, lease, plan, options);
    }),
  );
  return claimed.length;
}

/** Run one peer now, whatever its schedule and backoff (run now, CLI); null when another run holds it. */
export async function runPeerNow(ctx: AppContext, peerId: string, plan: RunPlan, options: RunnerOptions = {}): Promise<RunOutcome | null> {
  const now = ctx.now().toISOString();
  const lease = addMs(now, leaseMs(ctx));
  const peer = await claimPeer(ctx.db, peerId, { now, lockedUntil: lease });
  if (!peer) return null;
  return runPeer(ctx, peer, lease, plan, options);
}

export function authOf(peer: Pick<PeerRow, 'auth_kind' | 'auth_username' | 'auth_secret'>): PeerAuth {
  if (peer.auth_kind === 'bearer') return { kind: 'bearer', token: peer.auth_secret ?? '' };
  if (peer.auth_kind === 'basic') return { kind: 'basic', username: peer.auth_username ?? '', password: peer.auth_secret ?? '' };
  return { kind: 'none' };
}

export function clientFor(ctx: AppContext, peer: PeerRow, options: RunnerOptions = {}): TaxiiClient {
  return new TaxiiClient(authOf(peer), {
    timeoutMs: ctx.config.federationTimeoutMs,
    maxBytes: ctx.config.federationMaxResponseBytes,
    allow: ctx.config.outboundAllow,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
}

/** Run a leased peer: find its API root, pull, push; record the outcome and release the lease. */
async function runPeer(ctx: AppContext, peer: PeerRow, firstLease: string, plan: RunPlan, options: RunnerOptions): Promise<RunOutcome> {
  const started = Date.now();
  const outcome: RunOutcome = { ok: false, error: null, pulls: [], push: null, durationMs: 0 };
  let lease = firstLease;
  const keepLease = async () => {
    const next = addMs(ctx.now().toISOString(), leaseMs(ctx));
    if (!(await renewLease(ctx.db, peer.id, lease, next))) return false;
    lease = next;
    return true;
  };
  const client = clientFor(ctx, peer, options);
  const log = ctx.log.child({ peerId: peer.id, peer: peer.name, destination: describeUrl(peer.url) });

  let update: PeerRowUpdate;
  try {
    let apiRoot = peer.api_root;
    if (!apiRoot) {
      const found = await client.discover(peer.url);
      apiRoot = found.apiRoot;
      peer.max_content_length = found.maxContentLength;
      if (!(await updateLeased(ctx.db, peer.id, lease, { api_root: apiRoot, max_content_length: found.maxContentLength }))) throw new LeaseLostError();
    }
    const now = () => ctx.now().toISOString();
    if (plan.pull) {
      outcome.pulls = await pullAll({ ctx, peer, client, apiRoot, keepLease });
    }
    if (plan.push) {
      outcome.push = await pushPending({
        db: ctx.db,
        peer,
        client,
        apiRoot,
        log,
        keepLease,
        advance: async (cursor, sent) => {
          const done = await updateLeased(ctx.db, peer.id, lease, { push_cursor: cursor, last_push_at: now() });
          if (done && sent > 0) await ctx.db.updateTable('peers').set((eb) => ({ objects_pushed: eb('objects_pushed', '+', sent) })).where('id', '=', peer.id).execute();
          return done;
        },
      });
    }
    outcome.ok = true;
    const at = now();
    const morePull = outcome.pulls.some((r) => !r.complete);
    update = {
      last_success_at: at,
      consecutive_failures: 0,
      next_attempt_at: null,
      ...(plan.pull ? { last_pull_at: at, next_pull_at: morePull ? at : addMs(at, peer.interval_seconds * 1000) } : {}),
    };
    const pulled = outcome.pulls.reduce((n, r) => n + r.added, 0);
    if (pulled || outcome.push?.sent) log.info({ pulled, pushed: outcome.push?.sent ?? 0 }, 'federation run');
  } catch (err) {
    if (err instanceof LeaseLostError) {
      log.warn('federation run stopped: another process took the peer over');
      outcome.error = err.message;
      outcome.durationMs = Date.now() - started;
      return outcome;
    }
    const message = err instanceof PeerCallError ? err.message : 'internal error in the hub; see its log';
    if (err instanceof PeerCallError) log.warn({ err: message }, 'federation run failed');
    else log.error({ err }, 'federation run failed unexpectedly');
    outcome.error = message;
    const at = ctx.now().toISOString();
    const failures = peer.consecutive_failures + 1;
    const retryAt = addMs(at, backoffMs(failures, options.random));
    update = {
      last_error: message.slice(0, 1000),
      last_error_at: at,
      consecutive_failures: failures,
      next_attempt_at: retryAt,
      next_pull_at: peer.next_pull_at > retryAt ? peer.next_pull_at : retryAt,
    };
  }
  outcome.durationMs = Date.now() - started;
  try {
    await updateLeased(ctx.db, peer.id, lease, { ...update, locked_until: null });
  } catch (err) {
    // The lease runs out and the peer is tried again.
    log.error({ err }, 'recording a federation run failed');
  }
  return outcome;
}
