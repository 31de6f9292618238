// The one place new intel announces itself after it is stored: feeds, warnings, TAXII posts
// and imports call intelArrived in their transaction, with what ingestMentions touched.
// Watchlists (targeted alerts to the organisations whose assets it touches) hang off this.
//
// The contract for callers:
//   const arrived = await intelArrived(ctx, trx, source, result.touched);   // inside the transaction
//   …commit…
//   await publishArrival(ctx, arrived);                                     // after the commit
// intelArrived writes watch matches and their events (outbox rows for stream, webhooks and
// mail) in the caller's transaction, so they commit or roll back with the intel. Publishing
// after the commit is what wakes the deliverers at once ("within seconds of arrival"); a
// caller that forgets it still gets delivery from the deliverers' fallback polls (2–5 s).
// A feed run calls it once per ingest batch (~400 values) and may collect the results of
// several batches with mergeArrivals before publishing once after its commit.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';
import { noArrival, recordArrival, type ArrivalResult } from '../watchlists/watchlists.service.js';
import type { SourceKind, TouchedObservable } from './ingest.repository.js';

export type { ArrivalResult } from '../watchlists/watchlists.service.js';

export interface ArrivalSource {
  kind: SourceKind;
  /** feed id, warning id, STIX object id */
  id: string;
  /** a short human label: the feed's name, the warning's title */
  label: string;
}

/**
 * Match what was just stored against every organisation's watchlist, in `trx`. Looks only at
 * `touched` (new or changed mentions); values on a shared warning list are skipped. Cheap
 * when nothing matches: one primary-key read, then in-memory lookups.
 */
export async function intelArrived(ctx: AppContext, trx: Kysely<Database>, source: ArrivalSource, touched: readonly TouchedObservable[]): Promise<ArrivalResult> {
  if (touched.length === 0) return noArrival();
  return recordArrival(ctx, trx, source, touched);
}

/** Wake the deliverers for what intelArrived recorded. Call after the transaction committed. */
export async function publishArrival(ctx: Pick<AppContext, 'bus'>, arrived: ArrivalResult | readonly ArrivalResult[]): Promise<void> {
  for (const r of Array.isArray(arrived) ? arrived : [arrived]) for (const id of (r as ArrivalResult).eventIds) await ctx.bus.publish({ kind: 'event', id });
}

/** Several batches' results as one (a feed run publishes once after its commit). */
export function mergeArrivals(results: readonly ArrivalResult[]): ArrivalResult {
  return { matches: results.reduce((n, r) => n + r.matches, 0), eventIds: results.flatMap((r) => r.eventIds) };
}
