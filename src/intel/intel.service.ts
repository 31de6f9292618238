// Bulk lookup and search over the intel store, for SIEM/SOAR enrichment and the one search box.
// Everything is answered from what the caller may see: the sharing policy filters each mention.
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { classifyValue } from '../feeds/parsers/values.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { readerFor, sqlReaderFor, type Reader } from '../sharing/policy.js';
import type { IndicatorType } from '../stix/observables.js';
import {
  findObservablesForLookup,
  findRangesStartingAt,
  listVisibleMentions,
  searchInsideRange,
  searchUnderDomain,
  sightedObservables,
  sightingTotals,
  storedRangePrefixes,
  warningsContaining,
  warningsMentioning,
  type ObservableRecord,
  type VisibleMention,
  type WarningHit,
} from './intel.repository.js';
import { assess, byObservable, summarise, type Assessment, type ObservableSummary } from './intel.view.js';
import { ipRangeOf } from './ip-range.js';
import { warningListMatcher } from './warning-lists.js';
import { observableKey } from './ingest.repository.js';
import { addTo } from '../collections.js';

const weekMs = 7 * 86_400_000;

export interface LookupHit extends Assessment {
  input: string;
  type: IndicatorType;
  value: string;
  found: boolean;
  observableId: number | null;
  note?: string;
  onWarningList: boolean;
  warningList: string | null;
  suppressed: boolean;
  ubiquitous: boolean;
  falsePositives: number;
  sightings: { total: number; last7Days: number };
  /** stored ranges that contain this address and that the caller may see */
  ranges: Array<{ id: number; value: string }>;
}

export interface LookupMiss {
  input: string;
  error: 'unrecognised';
  reason: string;
}

export type LookupResult = LookupHit | LookupMiss;

/** The addresses' containing networks at each stored prefix length, as range start → addresses. */
function candidateNetworks(addresses: readonly string[], prefixes: { v4: number[]; v6: number[] }): Map<string, string[]> {
  const bits = [...new Set([...prefixes.v4.map((p) => 96 + p), ...prefixes.v6])].filter((b) => b >= 0 && b < 128);
  const all = (1n << 128n) - 1n;
  const masks = bits.map((b) => all ^ ((1n << BigInt(128 - b)) - 1n));
  const out = new Map<string, string[]>();
  for (const hex of new Set(addresses)) {
    const n = BigInt(`0x${hex}`);
    for (const mask of masks) {
      const from = (n & mask).toString(16).padStart(32, '0');
      const list = out.get(from);
      if (list) list.push(hex);
      else out.set(from, [hex]);
    }
  }
  return out;
}

interface Matched {
  exact: Map<string, ObservableRecord>;
  /** address hex → containing ranges */
  ranges: Map<string, ObservableRecord[]>;
  mentions: Map<number, VisibleMention[]>;
  sightings: Map<number, { total: number; since: number }>;
  sighted: Set<number>;
}

/** Exact observables, containing ranges, their visible mentions and sightings: a fixed number of batched queries. */
async function matchValues(ctx: AppContext, reader: Reader, wanted: ReadonlyArray<{ type: IndicatorType; value: string }>, now: string): Promise<Matched> {
  const db = ctx.db;
  const since = new Date(Date.parse(now) - weekMs).toISOString();
  const exactRows = await findObservablesForLookup(db, wanted, since);
  const exact = new Map<string, ObservableRecord>(exactRows.map((o) => [observableKey(o.type, o.value), o]));
  const sightings = new Map<number, { total: number; since: number }>();
  const sighted = new Set<number>();
  for (const o of exactRows) {
    if (o.sighting_total !== null) sightings.set(Number(o.id), { total: Number(o.sighting_total), since: Number(o.sighting_since ?? 0) });
    if (Number(o.sighted_only) === 1) sighted.add(Number(o.id));
  }
  const ranges = new Map<string, ObservableRecord[]>();
  const isAddress = (w: { type: IndicatorType }) => w.type === 'ipv4' || w.type === 'ipv6';
  const prefixes = wanted.some(isAddress) ? await storedRangePrefixes(db) : { v4: [], v6: [] };
  // Address numbers are worked out only when some range is stored to hold them.
  if (prefixes.v4.length || prefixes.v6.length) {
    const addresses = wanted
      .filter(isAddress)
      .map((w) => ipRangeOf(w.type, w.value)?.from)
      .filter((h): h is string => Boolean(h));
    const candidates = candidateNetworks(addresses, prefixes);
    for (const r of await findRangesStartingAt(db, [...candidates.keys()])) {
      for (const hex of candidates.get(r.ip_from!) ?? []) {
        if (r.ip_from! <= hex && hex <= r.ip_to!) addTo(ranges, hex, r);
      }
    }
  }
  const ids = [...exactRows.map((o) => Number(o.id)), ...[...ranges.values()].flat().map((r) => Number(r.id))];
  const byId = byObservable(await listVisibleMentions(db, reader, ids));
  return { exact, ranges, mentions: byId, sightings, sighted };
}

function checkValues(values: readonly unknown[], max: number): string[] {
  if (values.length === 0) throw new AppError('LOOKUP_EMPTY');
  if (values.length > max) throw new AppError('LOOKUP_TOO_MANY', { limit: max, count: values.length });
  const bad = values.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw new AppError('LOOKUP_VALUE_INVALID', { index: bad + 1 });
  return values as string[];
}

/** Look up many values at once (10,000 by default, TOCSIN_INTEL_LOOKUP_MAX_VALUES). Values that are not indicators are answered with an error, never failing the rest. */
export async function lookupValues(ctx: AppContext, actor: Actor, values: readonly unknown[]): Promise<{ results: LookupResult[]; counts: { values: number; recognised: number; found: number } }> {
  requireScope(actor, 'read');
  const inputs = checkValues(values, ctx.config.intelLookupMaxValues);
  // Lookups only filter in SQL (matchValues): no need to load the organisation's groups.
  const reader = sqlReaderFor(actor);
  const now = ctx.now().toISOString();
  const classified = inputs.map((input) => ({ input, c: classifyValue(input.trim()) }));
  const wanted = new Map<string, { type: IndicatorType; value: string }>();
  for (const { c } of classified) if (c.ok) wanted.set(observableKey(c.type, c.value), { type: c.type, value: c.value });
  const matched = await matchValues(ctx, reader, [...wanted.values()], now);
  const matcher = await warningListMatcher(ctx.db);
  const threshold = ctx.config.intelFalsePositiveThreshold;

  let found = 0;
  let recognised = 0;
  const results = classified.map(({ input, c }): LookupResult => {
    if (!c.ok) return { input, error: 'unrecognised', reason: c.reason };
    recognised += 1;
    const o = matched.exact.get(observableKey(c.type, c.value));
    const own = o ? (matched.mentions.get(Number(o.id)) ?? []) : [];
    // Only addresses inside some stored range need their number again.
    const hex = matched.ranges.size > 0 && (c.type === 'ipv4' || c.type === 'ipv6') ? ipRangeOf(c.type, c.value)?.from : undefined;
    const ranges = (hex ? (matched.ranges.get(hex) ?? []) : []).filter((r) => matched.mentions.has(Number(r.id)));
    const all = ranges.length ? [...own, ...ranges.flatMap((r) => matched.mentions.get(Number(r.id))!)] : own;
    const flags = o ?? ranges[0];
    const falsePositives = Number(flags?.false_positives ?? 0);
    const sightings = o ? matched.sightings.get(Number(o.id)) : undefined;
    const isFound = all.length > 0 || (o !== undefined && matched.sighted.has(Number(o.id)));
    if (isFound) found += 1;
    const warningList = matcher.match(c.type, c.value);
    // Written out rather than spread: 10,000 of these make one bulk answer.
    const a = assess(all, now, { falsePositives, threshold });
    const hit: LookupHit = {
      input,
      type: c.type,
      value: c.value,
      found: isFound,
      observableId: isFound && o ? Number(o.id) : null,
      tlp: a.tlp,
      confidence: a.confidence,
      firstSeen: a.firstSeen,
      lastSeen: a.lastSeen,
      inForce: a.inForce,
      sources: a.sources,
      sourceCount: a.sourceCount,
      onWarningList: warningList !== null,
      warningList,
      suppressed: isFound && flags !== undefined && flags.suppressed_at !== null,
      ubiquitous: isFound && Number(flags?.ubiquitous ?? 0) === 1,
      falsePositives: isFound ? falsePositives : 0,
      sightings: { total: sightings?.total ?? 0, last7Days: sightings?.since ?? 0 },
      ranges: ranges.map((r) => ({ id: Number(r.id), value: r.value })),
    };
    if (c.note) hit.note = c.note;
    return hit;
  });
  return { results, counts: { values: inputs.length, recognised, found } };
}

/** One value, for ad-hoc use: a value that is not an indicator is a 400 here. */
export async function lookupValue(ctx: AppContext, actor: Actor, value: string): Promise<LookupHit> {
  requireScope(actor, 'read');
  const c = classifyValue(value.trim());
  if (!c.ok) throw new AppError('INTEL_VALUE_INVALID', { value: value.slice(0, 80), reason: c.reason });
  const { results } = await lookupValues(ctx, actor, [value]);
  return results[0] as LookupHit;
}

// ---------------------------------------------------------------------------------------
// Search

export type Relation = 'exact' | 'contains' | 'inside' | 'under';

export interface SearchWarning {
  id: string;
  title: string;
  kind: string;
  severity: string;
  status: string;
  createdAt: string;
  tlp: string;
}

function toSearchWarning(w: WarningHit): SearchWarning {
  return { id: w.id, title: w.title, kind: w.kind, severity: w.severity, status: w.status, createdAt: w.created_at, tlp: w.tlp };
}
export type DetectedType = IndicatorType | 'text';

export interface SearchAnswer {
  query: string;
  detected: { type: DetectedType; value: string | null; note?: string };
  observables: Array<ObservableSummary & { relation: Relation }>;
  warnings: SearchWarning[];
  truncated: { observables: boolean; warnings: boolean };
}

/** What was pasted: an indicator (canonical), or free text. A broken indicator is a 400. */
export function detectQuery(q: string): { type: DetectedType; value: string | null; note?: string } {
  const s = q.trim();
  if (/\s/.test(s)) return { type: 'text', value: null };
  const c = classifyValue(s);
  if (c.ok) return c.note ? { type: c.type, value: c.value, note: c.note } : { type: c.type, value: c.value };
  if (c.kind === 'invalid-value') throw new AppError('INTEL_VALUE_INVALID', { value: s.slice(0, 80), reason: c.reason });
  return { type: 'text', value: null };
}

export async function searchIntel(ctx: AppContext, actor: Actor, query: { q: string; limit?: number | undefined }): Promise<SearchAnswer> {
  requireScope(actor, 'read');
  const q = query.q.trim();
  if (!q) throw new AppError('VALIDATION_FAILED', { detail: 'q: type something to search for' });
  const limit = query.limit ?? 50;
  const detected = detectQuery(q);
  const reader = await readerFor(ctx.db, actor);
  const now = ctx.now().toISOString();

  if (detected.type === 'text') {
    const warnings = await warningsContaining(ctx.db, reader, q, limit + 1);
    return { query: q, detected, observables: [], warnings: warnings.slice(0, limit).map(toSearchWarning), truncated: { observables: false, warnings: warnings.length > limit } };
  }

  const type = detected.type;
  const value = detected.value!;
  const matched = await matchValues(ctx, reader, [{ type, value }], now);
  const candidates: Array<{ o: ObservableRecord; relation: Relation }> = [];
  const exact = matched.exact.get(observableKey(type, value));
  if (exact) candidates.push({ o: exact, relation: 'exact' });
  const hex = type === 'ipv4' || type === 'ipv6' ? ipRangeOf(type, value)?.from : undefined;
  for (const r of hex ? (matched.ranges.get(hex) ?? []) : []) candidates.push({ o: r, relation: 'contains' });
  let more = false;
  if (type === 'cidr') {
    const range = ipRangeOf('cidr', value)!;
    const inside = (await searchInsideRange(ctx.db, reader, range, limit + 2)).filter((o) => o.id !== exact?.id);
    more = inside.length > limit;
    candidates.push(...inside.slice(0, limit).map((o) => ({ o, relation: 'inside' as const })));
  } else if (type === 'domain') {
    const under = await searchUnderDomain(ctx.db, reader, value, limit + 1);
    more = under.length > limit;
    candidates.push(...under.slice(0, limit).map((o) => ({ o, relation: 'under' as const })));
  }
  const extraIds = candidates.filter((c) => c.relation === 'inside' || c.relation === 'under').map((c) => Number(c.o.id));
  const since = new Date(Date.parse(now) - weekMs).toISOString();
  const [extraMentions, extraSightings, extraSighted] = await Promise.all([
    listVisibleMentions(ctx.db, reader, extraIds),
    sightingTotals(ctx.db, [...extraIds, ...(exact ? [Number(exact.id)] : [])], since),
    sightedObservables(ctx.db, extraIds),
  ]);
  const mentions = new Map([...matched.mentions, ...byObservable(extraMentions)]);
  const sighted = new Set([...matched.sighted, ...extraSighted]);
  const matcher = await warningListMatcher(ctx.db);
  const observables = candidates
    .filter(({ o }) => mentions.has(Number(o.id)) || sighted.has(Number(o.id)))
    .slice(0, limit)
    .map(({ o, relation }) => ({
      ...summarise(o, mentions.get(Number(o.id)) ?? [], extraSightings.get(Number(o.id)), { now, threshold: ctx.config.intelFalsePositiveThreshold, warningList: matcher.match(o.type, o.value) }),
      relation,
    }));

  const ids = observables.filter((o) => o.relation === 'exact' || o.relation === 'contains').map((o) => o.id);
  const [byMention, byText] = await Promise.all([warningsMentioning(ctx.db, reader, ids, limit + 1), warningsContaining(ctx.db, reader, value, limit + 1)]);
  const warnings = [...new Map([...byMention, ...byText].map((w) => [w.id, w])).values()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return {
    query: q,
    detected,
    observables,
    warnings: warnings.slice(0, limit).map(toSearchWarning),
    truncated: { observables: more || candidates.length > limit, warnings: warnings.length > limit },
  };
}
