// What a reader is told about an observable, folded from the mentions it may see: the strictest
// TLP, the best confidence (lowered by false-positive reports), first and last seen, whether
// any mention is still in force, and its sources. Pure functions: no SQL, no HTTP.
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import type { ObservableRecord, SightingTotals, VisibleMention } from './intel.repository.js';
import { isInForce } from './lifecycle.js';

/** Sources listed per value; the count says how many there are in all. */
export const maxSourcesListed = 25;

export interface SourceRef {
  kind: string;
  id: string;
  label: string | null;
}

export interface Assessment {
  tlp: Tlp | null;
  confidence: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
  inForce: boolean;
  sources: SourceRef[];
  sourceCount: number;
}

export interface ObservableSummary extends Assessment {
  id: number;
  type: string;
  value: string;
  onWarningList: boolean;
  warningList: string | null;
  suppressed: boolean;
  ubiquitous: boolean;
  falsePositives: number;
  sightings: { total: number; last7Days: number };
}

export function stricterTlp(a: Tlp | null, b: string): Tlp {
  const rank = (t: string) => tlpLevels.indexOf(t as Tlp);
  return a === null || rank(b) > rank(a) ? (b as Tlp) : a;
}

/**
 * Each false-positive report by a distinct organisation takes an equal share off the
 * confidence; at the suppression threshold nothing is left.
 */
export function lowerConfidence(confidence: number | null, falsePositives: number, threshold: number): number | null {
  if (confidence === null) return null;
  const factor = Math.max(0, 1 - falsePositives / Math.max(1, threshold));
  return Math.round(confidence * factor);
}

/** Fold the visible mentions of one value (and of the ranges that contain it). */
export function assess(mentions: readonly VisibleMention[], now: string, opts: { falsePositives: number; threshold: number }): Assessment {
  let tlp: Tlp | null = null;
  let confidence: number | null = null;
  let firstSeen: string | null = null;
  let lastSeen: string | null = null;
  let inForce = false;
  const sources = new Map<string, SourceRef & { last: string }>();
  for (const m of mentions) {
    tlp = stricterTlp(tlp, m.tlp);
    if (m.confidence !== null && (confidence === null || m.confidence > confidence)) confidence = m.confidence;
    if (firstSeen === null || m.first_seen < firstSeen) firstSeen = m.first_seen;
    if (lastSeen === null || m.last_seen > lastSeen) lastSeen = m.last_seen;
    if (isInForce(m, now)) inForce = true;
    const key = `${m.source_kind}\u0000${m.source_id}`;
    const had = sources.get(key);
    if (!had || had.last < m.last_seen) sources.set(key, { kind: m.source_kind, id: m.source_id, label: m.label, last: m.last_seen });
  }
  const listed = [...sources.values()].sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : 0)).slice(0, maxSourcesListed);
  return {
    tlp,
    confidence: lowerConfidence(confidence, opts.falsePositives, opts.threshold),
    firstSeen,
    lastSeen,
    inForce,
    sources: listed.map(({ kind, id, label }) => ({ kind, id, label })),
    sourceCount: sources.size,
  };
}

export function summarise(
  o: ObservableRecord,
  mentions: readonly VisibleMention[],
  sightings: SightingTotals | undefined,
  opts: { now: string; threshold: number; warningList: string | null },
): ObservableSummary {
  return {
    id: Number(o.id),
    type: o.type,
    value: o.value,
    ...assess(mentions, opts.now, { falsePositives: Number(o.false_positives), threshold: opts.threshold }),
    onWarningList: opts.warningList !== null,
    warningList: opts.warningList,
    suppressed: o.suppressed_at !== null,
    ubiquitous: Number(o.ubiquitous) === 1,
    falsePositives: Number(o.false_positives),
    sightings: { total: sightings?.total ?? 0, last7Days: sightings?.since ?? 0 },
  };
}

/** Mentions grouped by observable id. */
export function byObservable(mentions: readonly VisibleMention[]): Map<number, VisibleMention[]> {
  const out = new Map<number, VisibleMention[]>();
  for (const m of mentions) {
    const list = out.get(m.observable_id);
    if (list) list.push(m);
    else out.set(m.observable_id, [m]);
  }
  return out;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "reported by 3 members, in 2 feeds, sighted 41 times this week" */
export function oneLine(parts: { members: number; feeds: number; stix: number; sightedThisWeek: number; sightedTotal: number }): string {
  const out: string[] = [];
  if (parts.members) out.push(`reported by ${plural(parts.members, 'member', 'members')}`);
  if (parts.feeds) out.push(`in ${plural(parts.feeds, 'feed', 'feeds')}`);
  if (parts.stix) out.push(`in ${plural(parts.stix, 'STIX indicator', 'STIX indicators')}`);
  if (parts.sightedThisWeek) out.push(`sighted ${plural(parts.sightedThisWeek, 'time', 'times')} this week`);
  else if (parts.sightedTotal) out.push(`sighted ${plural(parts.sightedTotal, 'time', 'times')}, none this week`);
  return out.length ? out.join(', ') : 'nothing you can see reports it';
}
