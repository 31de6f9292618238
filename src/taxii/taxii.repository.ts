// SQL for TAXII reads: pages of object versions in a collection, in date_added order, that
// the reader may see. One query per page whatever its size.
import { sql, type Kysely } from 'kysely';
import { visibleTo, type Reader } from '../sharing/policy.js';
import type { Database } from '../store/schema.js';
import { inCollection, type Collection } from './collections.js';
import type { ObjectFilters } from './filters.js';

export interface PageRow {
  date_added: number;
  id: string;
  version: number;
  spec_version: string;
  /** the stored JSON: text, or its UTF-8 bytes when asked for `bytes` */
  data?: string | Buffer;
}

export interface PageQuery {
  collection: Collection;
  reader: Reader;
  filters: ObjectFilters;
  /** one object's versions */
  objectId?: string;
  /** position from `next` */
  after: number | null;
  withData: boolean;
  /**
   * The JSON as UTF-8 bytes, not text (SQLite): a page that only goes on the wire is then never
   * decoded into strings, joined and encoded again — most of what serving a page costs.
   */
  bytes?: boolean;
}

export async function selectPage(db: Kysely<Database>, q: PageQuery): Promise<PageRow[]> {
  const f = q.filters;
  let query = db
    .selectFrom('stix_versions as v')
    .innerJoin('shares as s', 's.id', 'v.share_id')
    .select(['v.date_added', 'v.id', 'v.version', 'v.spec_version'])
    .where(inCollection(q.collection, 's'))
    .where(visibleTo(q.reader, 's'));
  if (q.withData) query = q.bytes ? query.select(sql<Buffer>`cast(v.data as blob)`.as('data')) : query.select('v.data');
  // A peer hub never reads back what it sent us (no loop by pulling, as none by pushing).
  const peer = q.reader.peer;
  if (peer) query = query.where((eb) => eb.or([eb('v.origin_peer_id', 'is', null), eb('v.origin_peer_id', '!=', peer.id)]));
  if (q.objectId) query = query.where('v.id', '=', q.objectId);
  if (f.ids) query = query.where('v.id', 'in', f.ids);
  if (f.types) query = query.where('v.type', 'in', f.types);
  if (f.specVersions) query = query.where('v.spec_version', 'in', f.specVersions);
  const after = Math.max(f.addedAfter ?? -1, q.after ?? -1);
  if (after >= 0) query = query.where('v.date_added', '>', after);
  const v = f.versions;
  if (!v.all) {
    query = query.where((eb) => {
      const ors = [];
      if (v.last) ors.push(eb('v.is_latest', '=', 1));
      if (v.first) {
        ors.push(
          eb.not(
            eb.exists(eb.selectFrom('stix_versions as older').select(sql`1`.as('one')).whereRef('older.id', '=', 'v.id').whereRef('older.version', '<', 'v.version')),
          ),
        );
      }
      if (v.exact.length) ors.push(eb('v.version', 'in', v.exact));
      return eb.or(ors);
    });
  }
  const rows = (await query.orderBy('v.date_added').limit(f.limit + 1).execute()) as PageRow[];
  // In place (PostgreSQL returns bigints as text): a copy of each row costs a page a millisecond.
  for (const r of rows) {
    r.date_added = Number(r.date_added);
    r.version = Number(r.version);
  }
  return rows;
}

/** The versions a DELETE would remove, with the share and warning they belong to. */
export async function selectForDelete(db: Kysely<Database>, q: Omit<PageQuery, 'after' | 'withData'> & { objectId: string }) {
  const rows = await selectPage(db, { ...q, after: null, withData: false, filters: { ...q.filters, limit: 100_000 } });
  if (rows.length === 0) return { rows, shares: [] as Array<{ id: string; producer_org_id: string | null; has_warning: number }> };
  const shareRows = await db
    .selectFrom('stix_versions as v')
    .innerJoin('shares as s', 's.id', 'v.share_id')
    .select(['s.id', 's.producer_org_id'])
    .select((eb) => eb.exists(eb.selectFrom('warnings as w').select(sql`1`.as('one')).whereRef('w.share_id', '=', 's.id')).as('has_warning'))
    .where('v.id', '=', q.objectId)
    .where('v.date_added', 'in', rows.map((r) => r.date_added))
    .groupBy(['s.id', 's.producer_org_id'])
    .execute();
  return { rows, shares: shareRows.map((s) => ({ ...s, has_warning: Number(s.has_warning) })) };
}

/** Remove versions, then make the newest remaining version of the id its latest. */
export async function deleteVersions(db: Kysely<Database>, objectId: string, dateAdded: number[]): Promise<void> {
  for (let i = 0; i < dateAdded.length; i += 500) {
    await db.deleteFrom('stix_versions').where('id', '=', objectId).where('date_added', 'in', dateAdded.slice(i, i + 500)).execute();
  }
  const newest = await db.selectFrom('stix_versions').select(['date_added', 'is_latest']).where('id', '=', objectId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (newest && Number(newest.is_latest) !== 1) {
    await db.updateTable('stix_versions').set({ is_latest: 1 }).where('id', '=', objectId).where('date_added', '=', Number(newest.date_added)).execute();
  }
}
