// The pivot from one observable: who mentions it (feeds, warnings, STIX objects the caller may
// see), its sightings over the last 30 days, related observables, containing ranges, and a
// one-line summary. A hidden object is never listed nor counted.
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { readerFor } from '../sharing/policy.js';
import { coMentioned, findObservableById, findRangesStartingAt, listSightingsSince, listVisibleMentions, sightedObservables, sightingTotals, storedRangePrefixes, type VisibleMention } from './intel.repository.js';
import { summarise, oneLine, type ObservableSummary } from './intel.view.js';
import { ipRangeOf } from './ip-range.js';
import { isInForce } from './lifecycle.js';
import { warningListMatcher } from './warning-lists.js';

const dayMs = 86_400_000;
/** Related observables listed at most. */
const maxRelated = 25;

export interface PivotSource {
  kind: string;
  id: string;
  label: string | null;
  tlp: string;
  confidence: number | null;
  firstSeen: string;
  lastSeen: string;
  validUntil: string | null;
  status: string;
  inForce: boolean;
}

export interface CountBy {
  key: string;
  count: number;
}

export interface Pivot {
  observable: ObservableSummary & { suppressedAt: string | null };
  summary: string;
  sources: { feeds: PivotSource[]; warnings: PivotSource[]; stix: PivotSource[] };
  sightings: {
    total: number;
    last7Days: number;
    last30Days: number;
    /** reported by the caller's own organisation in the last 30 days */
    yours: number;
    /** anonymous reports in the last 30 days: counted, not attributed */
    anonymous: number;
    falsePositiveOrgs: number;
    byOrgKind: CountBy[];
    byRegion: CountBy[];
    byDay: CountBy[];
  };
  related: { ubiquitous: boolean; items: Array<{ id: number; type: string; value: string; sharedSources: number }> };
  containingRanges: Array<{ id: number; value: string }>;
}

function toSource(m: VisibleMention, now: string): PivotSource {
  return { kind: m.source_kind, id: m.source_id, label: m.label, tlp: m.tlp, confidence: m.confidence, firstSeen: m.first_seen, lastSeen: m.last_seen, validUntil: m.valid_until, status: m.status, inForce: isInForce(m, now) };
}

function counted(map: Map<string, number>): CountBy[] {
  return [...map.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

const bump = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);

export async function pivotObservable(ctx: AppContext, actor: Actor, id: number): Promise<Pivot> {
  requireScope(actor, 'read');
  const db = ctx.db;
  const o = await findObservableById(db, id);
  if (!o) throw notFound('observable');
  const reader = await readerFor(db, actor);
  const now = ctx.now().toISOString();
  const [mentions, sighted] = await Promise.all([listVisibleMentions(db, reader, [id]), sightedObservables(db, [id])]);
  // Knowing that a value exists is itself information: not even a 403 for a hidden one.
  if (mentions.length === 0 && !sighted.has(id)) throw notFound('observable');

  const since30 = new Date(Date.parse(now) - 30 * dayMs).toISOString();
  const since7 = new Date(Date.parse(now) - 7 * dayMs).toISOString();
  const [totals, recent, matcher] = await Promise.all([sightingTotals(db, [id], since7), listSightingsSince(db, id, since30), warningListMatcher(db)]);

  const byOrgKind = new Map<string, number>();
  const byRegion = new Map<string, number>();
  const byDay = new Map<string, number>();
  let last30 = 0;
  let yours = 0;
  let anonymous = 0;
  for (const s of recent) {
    if (s.false_positive) continue;
    last30 += s.count;
    bump(byDay, s.seen_at.slice(0, 10), s.count);
    if (reader.orgId !== null && s.org_id === reader.orgId) yours += s.count;
    if (s.anonymous && s.org_id !== reader.orgId) {
      anonymous += s.count;
      continue;
    }
    bump(byOrgKind, s.org_kind ?? 'hub', s.count);
    bump(byRegion, s.org_region ?? 'unknown', s.count);
  }

  const sources = { feeds: [] as PivotSource[], warnings: [] as PivotSource[], stix: [] as PivotSource[] };
  for (const m of [...mentions].sort((a, b) => (a.last_seen < b.last_seen ? 1 : -1))) {
    const list = m.source_kind === 'feed' ? sources.feeds : m.source_kind === 'warning' ? sources.warnings : sources.stix;
    list.push(toSource(m, now));
  }

  const ubiquitous = Number(o.ubiquitous) === 1;
  const curated = mentions.filter((m) => m.source_kind !== 'feed').map((m) => m.source_id);
  const related = ubiquitous ? [] : await coMentioned(db, reader, id, curated, maxRelated);

  let containingRanges: Array<{ id: number; value: string }> = [];
  const hex = o.type === 'ipv4' || o.type === 'ipv6' || o.type === 'cidr' ? ipRangeOf(o.type, o.value) : null;
  if (hex) {
    const prefixes = await storedRangePrefixes(db);
    const all = (1n << 128n) - 1n;
    const n = BigInt(`0x${hex.from}`);
    const froms = [...new Set([...prefixes.v4.map((p) => 96 + p), ...prefixes.v6])]
      .filter((b) => b >= 0 && b < 128)
      .map((b) => (n & (all ^ ((1n << BigInt(128 - b)) - 1n))).toString(16).padStart(32, '0'));
    const ranges = (await findRangesStartingAt(db, froms)).filter((r) => r.id !== o.id && r.ip_from! <= hex.from && hex.to <= r.ip_to!);
    const visible = new Set((await listVisibleMentions(db, reader, ranges.map((r) => Number(r.id)))).map((m) => m.observable_id));
    containingRanges = ranges.filter((r) => visible.has(Number(r.id))).map((r) => ({ id: Number(r.id), value: r.value }));
  }

  const summaryOf = summarise(o, mentions, totals.get(id), { now, threshold: ctx.config.intelFalsePositiveThreshold, warningList: matcher.match(o.type, o.value) });
  // An anonymous report counts as a member of its own: folding it into its producer's count
  // would let a reader tell which named member sent it.
  const members = new Set(mentions.filter((m) => m.source_kind !== 'feed' && m.producer_org_id !== null).map((m) => (m.anonymous === 1 ? `anonymous:${m.source_kind}:${m.source_id}` : m.producer_org_id)));
  return {
    observable: { ...summaryOf, suppressedAt: o.suppressed_at },
    summary: oneLine({ members: members.size, feeds: sources.feeds.length, stix: sources.stix.length, sightedThisWeek: summaryOf.sightings.last7Days, sightedTotal: summaryOf.sightings.total }),
    sources,
    sightings: {
      total: summaryOf.sightings.total,
      last7Days: summaryOf.sightings.last7Days,
      last30Days: last30,
      yours,
      anonymous,
      falsePositiveOrgs: Number(o.false_positives),
      byOrgKind: counted(byOrgKind),
      byRegion: counted(byRegion),
      byDay: [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => ({ key, count })),
    },
    related: { ubiquitous, items: related.map((r) => ({ id: r.id, type: r.type, value: r.value, sharedSources: r.shared })) },
    containingRanges,
  };
}
