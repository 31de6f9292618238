// The values an export carries, as a stream of ExportItems in id order, a page at a time:
// memory stays flat however large the export. Each item's TLP is the least restrictive of the
// qualifying mentions the reader may see (the value is known at that level), its confidence
// the highest, its sources the feeds' names and the warnings' titles (visible to the reader by the same policy).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import { tlpRank, type Tlp } from '../stix/tlp.js';
import { exportablePage, qualifyingMentions, sightingCounts, type ItemFilter } from './exports.repository.js';
import type { ExportItem } from './formats/types.js';

const pageSize = 500;

export async function* exportItems(db: Kysely<Database>, filter: ItemFilter, opts: { hubUrl: string; limit?: number }): AsyncGenerator<ExportItem> {
  let after = 0;
  let emitted = 0;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const page = await exportablePage(db, filter, after, Math.min(pageSize, limit - emitted));
    if (page.length === 0) return;
    after = page[page.length - 1]!.id;
    const ids = page.map((r) => r.id);
    const [mentions, sightings] = await Promise.all([qualifyingMentions(db, filter, ids), sightingCounts(db, ids)]);
    const byObservable = new Map<number, typeof mentions>();
    for (const m of mentions) {
      const list = byObservable.get(m.observable_id);
      if (list) list.push(m);
      else byObservable.set(m.observable_id, [m]);
    }
    for (const row of page) {
      const ms = byObservable.get(row.id);
      // Between the two reads a mention may have been retired: then the value is not exported.
      if (!ms || ms.length === 0) continue;
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
        if (sources.length >= 5) break;
        sources.push({ kind: m.source_kind as 'warning' | 'feed' | 'stix', id: m.source_id, title: m.label ?? m.source_kind });
      }
      yield {
        id: row.id,
        type: row.type as IndicatorType,
        value: row.value,
        confidence,
        tlp,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        validUntil: forever ? null : validUntil,
        sources,
        url: `${opts.hubUrl}/intel/${row.id}`,
        sightings: sightings.get(row.id) ?? 0,
      };
      emitted++;
      if (emitted >= limit) return;
    }
  }
}
