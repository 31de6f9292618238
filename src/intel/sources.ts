// What warnings and STIX objects say about observables, kept in the intel store as mentions so
// lookups, search, correlation and watchlists see everything the hub holds — not only feeds.
// Each function runs in the caller's transaction; publish the returned arrival after commit.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { normaliseObservable, type IndicatorType } from '../stix/observables.js';
import { observablesOf } from '../stix/pattern/index.js';
import type { Database } from '../store/schema.js';
import { intelArrived, mergeArrivals, type ArrivalResult } from './arrivals.js';
import { watchIndex } from '../watchlists/watchlists.service.js';
import { ingestMentions, loadKnownMentions, observableKey, retireMentions, retireMentionsOf, type MentionInput, type TouchedObservable } from './ingest.repository.js';
import { validUntilFor } from './lifecycle.js';
import { warningListMatcher } from './warning-lists.js';
import { addTo } from '../collections.js';

export interface WarningSource {
  id: string;
  title: string;
  shareId: string;
  /** active | retracted */
  status: string;
}

/**
 * Bring a warning's mentions in line with its indicators: new ones recorded, removed ones
 * withdrawn, all of them revoked when the warning is retracted.
 */
export async function recordWarningMentions(ctx: AppContext, trx: Kysely<Database>, warning: WarningSource, indicators: ReadonlyArray<{ type: string; value: string }>): Promise<ArrivalResult> {
  const now = ctx.now().toISOString();
  if (warning.status !== 'active') {
    await retireMentions(trx, warning.id, { status: 'revoked', at: now });
    return mergeArrivals([]);
  }
  const inputs: MentionInput[] = indicators.map((i) => ({
    type: i.type as IndicatorType,
    value: i.value,
    shareId: warning.shareId,
    lastSeen: now,
    validUntil: validUntilFor(i.type as IndicatorType, now),
  }));
  return recordSource(ctx, trx, { kind: 'warning', id: warning.id, label: warning.title }, inputs, now);
}

/**
 * STIX indicators stored through TAXII or an import (one request's latest versions): each
 * indicator is its own source, its pattern's observables its mentions, with the producer's
 * valid_until and confidence. A new version replaces what the old one named; a revoked one
 * revokes its mentions. One batch of queries for the whole request, however many objects.
 */
export async function recordStixMentions(ctx: AppContext, trx: Kysely<Database>, objects: ReadonlyArray<{ object: Record<string, unknown>; shareId: string }>): Promise<ArrivalResult> {
  const now = ctx.now().toISOString();
  const inputs: MentionInput[] = [];
  const labels = new Map<string, string>();
  const revoked = new Map<string, ReadonlySet<string>>();
  const named = new Set<string>();
  for (const { object, shareId } of objects) {
    if (object.type !== 'indicator') continue;
    const id = String(object.id);
    if (object.revoked === true) {
      revoked.set(id, new Set());
      continue;
    }
    named.add(id);
    labels.set(id, typeof object.name === 'string' && object.name.trim() ? object.name.trim().slice(0, 200) : id);
    const validUntil = typeof object.valid_until === 'string' ? object.valid_until : undefined;
    const confidence = typeof object.confidence === 'number' && object.confidence >= 0 && object.confidence <= 100 ? Math.round(object.confidence) : null;
    const lastSeen = typeof object.modified === 'string' ? new Date(object.modified).toISOString() : now;
    for (const o of stixObservables(object)) {
      inputs.push({
        sourceId: id,
        type: o.type,
        value: o.value,
        shareId,
        firstSeen: typeof object.valid_from === 'string' ? new Date(object.valid_from).toISOString() : undefined,
        lastSeen,
        validUntil: validUntilFor(o.type, lastSeen, { validUntil }),
        confidence,
        comment: typeof object.name === 'string' ? object.name.slice(0, 500) : null,
      });
    }
  }
  if (revoked.size) await retireMentionsOf(trx, revoked, { status: 'revoked', at: now });
  if (named.size === 0) return mergeArrivals([]);
  const first = inputs[0]?.sourceId ?? [...named][0]!;
  const result = await ingestMentions(trx, inputs, {
    sourceKind: 'stix',
    sourceId: first,
    now,
    matcher: await warningListMatcher(ctx.db, trx),
    correlationLimit: ctx.config.intelCorrelationLimit,
  });
  // A new version that no longer names a value withdraws it.
  const keep = new Map<string, Set<string>>([...named].map((id) => [id, new Set<string>()]));
  for (const i of inputs) keep.get(i.sourceId!)?.add(observableKey(i.type, i.value));
  await retireMentionsOf(trx, keep, { status: 'withdrawn', at: now });
  return arrivedBySource(ctx, trx, 'stix', labels, result.touched);
}

/** The observables an indicator's pattern names (observed-data is kept as STIX only). */
function stixObservables(object: Record<string, unknown>): Array<{ type: IndicatorType; value: string }> {
  if (object.type !== 'indicator' || typeof object.pattern !== 'string' || (object.pattern_type !== undefined && object.pattern_type !== 'stix')) return [];
  const seen = new Map<string, { type: IndicatorType; value: string }>();
  let observables: ReturnType<typeof observablesOf>;
  try {
    observables = observablesOf(object.pattern);
  } catch {
    // Validation accepted it; a pattern the compiler cannot read names nothing we can match.
    return [];
  }
  for (const o of observables) {
    const value = normaliseObservable(o.type, o.value);
    if (value) seen.set(observableKey(o.type, value), { type: o.type, value });
  }
  return [...seen.values()];
}

/**
 * Watchlist matching for a batch of many sources: one look at the index for all of it, then
 * intelArrived only for the sources whose values touch someone's assets.
 */
async function arrivedBySource(ctx: AppContext, trx: Kysely<Database>, kind: 'stix', labels: ReadonlyMap<string, string>, touched: readonly TouchedObservable[]): Promise<ArrivalResult> {
  if (touched.length === 0) return mergeArrivals([]);
  const index = await watchIndex(ctx, trx);
  if (index.orgCount === 0) return mergeArrivals([]);
  const bySource = new Map<string, TouchedObservable[]>();
  for (const t of touched) if (index.match(t.type, t.value).length) addTo(bySource, t.sourceId, t);
  const results: ArrivalResult[] = [];
  for (const [id, list] of bySource) results.push(await intelArrived(ctx, trx, { kind, id, label: labels.get(id) ?? id }, list));
  return mergeArrivals(results);
}

async function recordSource(ctx: AppContext, trx: Kysely<Database>, source: { kind: 'warning' | 'stix'; id: string; label: string }, inputs: MentionInput[], now: string): Promise<ArrivalResult> {
  const known = await loadKnownMentions(trx, source.id);
  const result = await ingestMentions(trx, inputs, {
    sourceKind: source.kind,
    sourceId: source.id,
    now,
    matcher: await warningListMatcher(ctx.db, trx),
    correlationLimit: ctx.config.intelCorrelationLimit,
    known,
  });
  const keep = new Set(inputs.flatMap((i) => known.get(observableKey(i.type, i.value))?.observableId ?? []));
  await retireMentions(trx, source.id, { keep, status: 'withdrawn', at: now });
  return intelArrived(ctx, trx, source, result.touched);
}
