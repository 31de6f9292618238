// SQL for sightings: source-less observables for values sighted before any source named them,
// the sighting rows, and the false-positive tally (distinct organisations) that suppresses.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { observableKey } from './ingest.repository.js';
import { chunks } from './intel.repository.js';
import { ipRangeOf } from './ip-range.js';
import { addTo } from '../collections.js';

export interface NewObservable {
  type: string;
  value: string;
  warningList: string | null;
}

/**
 * The ids of these observables, creating the missing ones without a mention (mention_count 0),
 * so a source that names the value later correlates with what members already saw.
 */
export async function ensureObservables(db: Kysely<Database>, wanted: readonly NewObservable[], now: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Map(wanted.map((w) => [observableKey(w.type, w.value), w])).values()];
  for (const part of chunks(unique, 200)) {
    await db
      .insertInto('observables')
      .values(
        part.map((w) => {
          const range = ipRangeOf(w.type, w.value);
          return { type: w.type, value: w.value, ip_from: range?.from ?? null, ip_to: range?.to ?? null, first_seen: now, last_seen: now, warning_list: w.warningList, created_at: now };
        }),
      )
      .onConflict((oc) => oc.columns(['type', 'value']).doNothing())
      .execute();
  }
  const byType = new Map<string, string[]>();
  for (const w of unique) addTo(byType, w.type, w.value);
  for (const [type, values] of byType) {
    for (const part of chunks(values)) {
      const rows = await db.selectFrom('observables').select(['id', 'type', 'value']).where('type', '=', type).where('value', 'in', part).execute();
      for (const r of rows) out.set(observableKey(r.type, r.value), Number(r.id));
    }
  }
  return out;
}

export interface NewSighting {
  id: string;
  observable_id: number;
  org_id: string | null;
  user_id: string | null;
  anonymous: number;
  false_positive: number;
  count: number;
  source: string;
  note: string | null;
  seen_at: string;
  created_at: string;
}

export async function insertSightings(db: Kysely<Database>, rows: readonly NewSighting[]): Promise<void> {
  for (const part of chunks(rows, 200)) await db.insertInto('sightings').values(part).execute();
}

/**
 * Recount the distinct organisations that reported each observable a false positive, and
 * suppress those at or past the threshold. Returns the ids suppressed by this call.
 */
export async function tallyFalsePositives(db: Kysely<Database>, observableIds: readonly number[], threshold: number, now: string): Promise<number[]> {
  const suppressed: number[] = [];
  for (const part of chunks([...new Set(observableIds)])) {
    const counts = await db
      .selectFrom('sightings')
      .select(['observable_id', (eb) => eb.fn.count<number>('org_id').distinct().as('orgs')])
      .where('observable_id', 'in', part)
      .where('false_positive', '=', 1)
      .groupBy('observable_id')
      .execute();
    const current = new Map((await db.selectFrom('observables').select(['id', 'suppressed_at']).where('id', 'in', part).execute()).map((r) => [Number(r.id), r.suppressed_at]));
    for (const c of counts) {
      const id = Number(c.observable_id);
      const orgs = Number(c.orgs);
      const suppress = orgs >= threshold && current.get(id) === null;
      await db
        .updateTable('observables')
        .set(suppress ? { false_positives: orgs, suppressed_at: now } : { false_positives: orgs })
        .where('id', '=', id)
        .execute();
      if (suppress) suppressed.push(id);
    }
  }
  return suppressed;
}
