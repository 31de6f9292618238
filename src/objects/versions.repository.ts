// SQL for the version log of STIX objects (table stix_versions): every version of every
// object the hub holds, with a date_added in microseconds that is unique and strictly
// increasing, so TAXII clients paging with added_after never skip or repeat an object.
import { sql, type Kysely } from 'kysely';
import { isPostgres as isPostgresDb, type DialectName } from '../store/dialect.js';
import type { Database, StixVersionsTable } from '../store/schema.js';
import { parseTimestampMicros as parseMicros } from '../stix/time.js';

/** Serialises date_added allocation on PostgreSQL until commit (see allocateDateAdded). */
const dateAddedLock = 7421002;

export type VersionRow = StixVersionsTable;

export interface LatestVersion {
  id: string;
  version: number;
  shareId: string;
  producerOrgId: string | null;
  originPeerId: string | null;
}

/**
 * The first date_added of this transaction (take consecutive values after it). On PostgreSQL a
 * transaction-scoped advisory lock is held until commit, so a transaction that allocates
 * later also commits later: a reader that has seen date_added D never later finds a new
 * object below D. SQLite has one writer, which gives the same order.
 */
export async function allocateDateAdded(trx: Kysely<Database>, dialect: DialectName, nowUs: number): Promise<number> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${dateAddedLock})`.execute(trx);
  const row = await trx.selectFrom('stix_versions').select((eb) => eb.fn.max('date_added').as('last')).executeTakeFirst();
  const last = row?.last == null ? 0 : Number(row.last);
  return Math.max(nowUs, last + 1);
}

/** The current latest version of each id, with who produced it. */
export async function latestVersions(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, LatestVersion>> {
  const result = new Map<string, LatestVersion>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('stix_versions as v')
      .innerJoin('shares as s', 's.id', 'v.share_id')
      .select(['v.id', 'v.version', 'v.share_id', 'v.origin_peer_id', 's.producer_org_id'])
      .where('v.id', 'in', unique.slice(i, i + 500))
      .where('v.is_latest', '=', 1)
      .execute();
    for (const r of rows) result.set(r.id, { id: r.id, version: Number(r.version), shareId: r.share_id, producerOrgId: r.producer_org_id, originPeerId: r.origin_peer_id });
  }
  return result;
}

/** Which of these (id, version) pairs are already stored. Keys are `${id}|${version}`. */
export async function existingVersions(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  const result = new Set<string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('stix_versions').select(['id', 'version']).where('id', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) result.add(`${r.id}|${Number(r.version)}`);
  }
  return result;
}

/** Rows must already carry their date_added and is_latest; ids made latest here demote their older rows first. */
export async function insertVersions(db: Kysely<Database>, rows: readonly VersionRow[]): Promise<void> {
  const newLatest = rows.filter((r) => r.is_latest === 1).map((r) => r.id);
  for (let i = 0; i < newLatest.length; i += 500) {
    await db.updateTable('stix_versions').set({ is_latest: 0 }).where('id', 'in', newLatest.slice(i, i + 500)).where('is_latest', '=', 1).execute();
  }
  await insertRows(db, rows);
}

const columns = ['date_added', 'id', 'type', 'version', 'spec_version', 'share_id', 'is_latest', 'revoked', 'origin_peer_id', 'data'] as const;

/**
 * Bulk insert without building a query per row (Kysely's compile of multi-row VALUES costs
 * more than the insert): on PostgreSQL one statement per 5,000 rows over unnest() of column
 * arrays; on SQLite one small prepared statement per row, which better-sqlite3 runs in
 * microseconds inside the transaction.
 */
async function insertRows(db: Kysely<Database>, rows: readonly VersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (isPostgresDb(db)) {
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const col = <K extends (typeof columns)[number]>(k: K) => chunk.map((r) => r[k]);
      await sql`insert into stix_versions (date_added, id, type, version, spec_version, share_id, is_latest, revoked, origin_peer_id, data)
        select * from unnest(${col('date_added')}::bigint[], ${col('id')}::text[], ${col('type')}::text[], ${col('version')}::bigint[], ${col('spec_version')}::text[],
          ${col('share_id')}::text[], ${col('is_latest')}::int[], ${col('revoked')}::int[], ${col('origin_peer_id')}::text[], ${col('data')}::text[])`.execute(db);
    }
    return;
  }
  for (const r of rows) {
    await sql`insert into stix_versions (date_added, id, type, version, spec_version, share_id, is_latest, revoked, origin_peer_id, data)
      values (${r.date_added}, ${r.id}, ${r.type}, ${r.version}, ${r.spec_version}, ${r.share_id}, ${r.is_latest}, ${r.revoked}, ${r.origin_peer_id}, ${r.data})`.execute(db);
  }
}

/**
 * Append versions without checks (the hub's own objects: warnings). A version already
 * stored is left as it is.
 */
export async function appendOwnVersions(
  trx: Kysely<Database>,
  dialect: DialectName,
  entries: ReadonlyArray<{ object: Record<string, unknown>; shareId: string }>,
  nowUs: number,
): Promise<void> {
  if (entries.length === 0) return;
  const ids = entries.map((e) => String(e.object.id));
  const [existing, latest] = await Promise.all([existingVersions(trx, ids), latestVersions(trx, ids)]);
  let next = await allocateDateAdded(trx, dialect, nowUs);
  const rows: VersionRow[] = [];
  for (const { object, shareId } of entries) {
    const id = String(object.id);
    const version = versionMicros(object, next);
    if (existing.has(`${id}|${version}`)) continue;
    existing.add(`${id}|${version}`);
    const current = latest.get(id);
    const isLatest = !current || version > current.version;
    if (isLatest) latest.set(id, { id, version, shareId, producerOrgId: null, originPeerId: null });
    rows.push(toRow(object, { dateAdded: next++, version, shareId, isLatest, originPeerId: null }));
  }
  // Two rows for one id in the same batch: only the newest stays latest.
  const newest = new Map<string, VersionRow>();
  for (const r of rows) if (r.is_latest && (newest.get(r.id)?.version ?? -1) < r.version) newest.set(r.id, r);
  for (const r of rows) if (r.is_latest && newest.get(r.id) !== r) r.is_latest = 0;
  await insertVersions(trx, rows);
}

export function toRow(object: Record<string, unknown>, at: { dateAdded: number; version: number; shareId: string; isLatest: boolean; originPeerId: string | null }): VersionRow {
  return {
    date_added: at.dateAdded,
    id: String(object.id),
    type: String(object.type),
    version: at.version,
    spec_version: typeof object.spec_version === 'string' ? object.spec_version : '2.1',
    share_id: at.shareId,
    is_latest: at.isLatest ? 1 : 0,
    revoked: object.revoked === true ? 1 : 0,
    origin_peer_id: at.originPeerId,
    data: JSON.stringify(object),
  };
}

/** An object's version in microseconds: modified, else created, else the time it was added. */
export function versionMicros(object: Record<string, unknown>, dateAdded: number): number {
  for (const key of ['modified', 'created'] as const) {
    const value = object[key];
    if (typeof value === 'string') {
      const us = parseMicros(value);
      if (us !== null) return us;
    }
  }
  return dateAdded;
}
