// The values an export carries, as ExportItems in id order, one window of observable ids at a
// time: memory stays flat however large the export, and the caller turns each window into text
// in one go (one await a window, not one a value). Each item's TLP is the least restrictive of
// the qualifying mentions the reader may see (the value is known at that level), its confidence
// the highest, its sources the feeds' names and the warnings' titles, newest first (visible to
// the reader by the same policy, since only qualifying mentions are read).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import { tlpRank, type Tlp } from '../stix/tlp.js';
import { exportValueWindow, exportWindow, maxObservableId, sightingCounts, sourceLabels, type ExportValueRow, type ExportWindowRow, type ItemFilter } from './exports.repository.js';
import type { ExportItem } from './formats/types.js';

/**
 * Observable ids per statement. Lists take bigger windows (on PostgreSQL each statement is
 * planned anew, which is most of a small window's cost); items with their sources take smaller
 * ones, because a bigger window of them outlives the young generation and costs more in GC.
 */
export const windowSizes = { values: 4000, items: 1000 };
/** Labels kept between windows (sources repeat: one feed names a million values). */
const labelCacheMax = 10_000;
const maxSources = 5;

export interface PageOptions {
  hubUrl: string;
  limit?: number;
  /**
   * The writer prints the value alone (valuesOnly in format-registry.ts): items carry id, type,
   * value and url; no sources, no sightings, confidence 0 and TLP:RED (the most restrictive, so
   * a writer that read them by mistake would over-mark, never under-mark).
   */
  valuesOnly?: boolean;
}

export async function* exportPages(db: Kysely<Database>, filter: ItemFilter, opts: PageOptions): AsyncGenerator<ExportItem[]> {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const top = await maxObservableId(db);
  const labels = new Map<string, string>();
  let emitted = 0;
  const windowSize = opts.valuesOnly ? windowSizes.values : windowSizes.items;
  for (let after = 0; after < top && emitted < limit; after += windowSize) {
    const through = Math.min(after + windowSize, top);
    if (opts.valuesOnly) {
      const page = valueItems(await exportValueWindow(db, filter, after, through), opts.hubUrl, limit - emitted);
      emitted += page.length;
      if (page.length) yield page;
      continue;
    }
    const rows = await exportWindow(db, filter, after, through);
    if (rows.length === 0) continue;
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i++) if (i === 0 || rows[i]!.id !== rows[i - 1]!.id) ids.push(rows[i]!.id);
    const [sightings] = await Promise.all([sightingCounts(db, ids), loadLabels(db, rows, labels)]);
    const page: ExportItem[] = [];
    for (let i = 0; i < rows.length && emitted < limit; ) {
      let j = i + 1;
      while (j < rows.length && rows[j]!.id === rows[i]!.id) j++;
      page.push(itemOf(rows.slice(i, j), labels, sightings, opts.hubUrl));
      emitted++;
      i = j;
    }
    yield page;
  }
}

/** One item at a time (for writers that interleave their own reads, as the MISP feed does). */
export async function* exportItems(db: Kysely<Database>, filter: ItemFilter, opts: PageOptions): AsyncGenerator<ExportItem> {
  for await (const page of exportPages(db, filter, opts)) yield* page;
}

function valueItems(rows: readonly ExportValueRow[], hubUrl: string, max: number): ExportItem[] {
  const page: ExportItem[] = [];
  for (let i = 0; i < rows.length && page.length < max; i++) {
    const r = rows[i]!;
    // One row per qualifying mention: a value named twice comes twice, next to each other.
    if (i > 0 && r.id === rows[i - 1]!.id) continue;
    page.push({ id: r.id, type: r.type as IndicatorType, value: r.value, confidence: 0, tlp: 'red', firstSeen: '', lastSeen: '', validUntil: null, sources: [], url: `${hubUrl}/intel/${r.id}`, sightings: 0 });
  }
  return page;
}

async function loadLabels(db: Kysely<Database>, rows: readonly ExportWindowRow[], labels: Map<string, string>): Promise<void> {
  const feeds = new Set<string>();
  const warnings = new Set<string>();
  for (const r of rows) {
    if (r.source_kind === 'feed' && !labels.has(`feed:${r.source_id}`)) feeds.add(r.source_id);
    else if (r.source_kind === 'warning' && !labels.has(`warning:${r.source_id}`)) warnings.add(r.source_id);
  }
  if (feeds.size === 0 && warnings.size === 0) return;
  if (labels.size > labelCacheMax) labels.clear();
  const found = await sourceLabels(db, [...feeds], [...warnings]);
  for (const [k, v] of found) labels.set(k, v);
}

function itemOf(ms: ExportWindowRow[], labels: ReadonlyMap<string, string>, sightings: ReadonlyMap<number, number>, hubUrl: string): ExportItem {
  const row = ms[0]!;
  if (ms.length > 1) ms.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  let tlp = ms[0]!.tlp as Tlp;
  let confidence = 0;
  let validUntil: string | null = null;
  let forever = false;
  for (const m of ms) {
    if (tlpRank(m.tlp as Tlp) < tlpRank(tlp)) tlp = m.tlp as Tlp;
    confidence = Math.max(confidence, m.confidence ?? 50);
    if (m.valid_until === null) forever = true;
    else if (validUntil === null || m.valid_until > validUntil) validUntil = m.valid_until;
  }
  const sources: ExportItem['sources'] = [];
  for (const m of ms) {
    if (sources.length >= maxSources) break;
    sources.push({ kind: m.source_kind as 'warning' | 'feed' | 'stix', id: m.source_id, title: labels.get(`${m.source_kind}:${m.source_id}`) ?? m.source_kind });
  }
  return {
    id: row.id,
    type: row.type as IndicatorType,
    value: row.value,
    confidence,
    tlp,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    validUntil: forever ? null : validUntil,
    sources,
    url: `${hubUrl}/intel/${row.id}`,
    sightings: sightings.get(row.id) ?? 0,
  };
}
