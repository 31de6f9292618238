// SQL of exports: definitions, device tokens, the fetch history, and the one query that
// decides which values an export carries. That query reads mentions through the sharing
// policy (visibleTo) and drops what must never reach a blocklist: expired, withdrawn or revoked
// mentions, suppressed values and values on a warning list.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { visibleTo, type Reader } from '../sharing/policy.js';
import type { Database, ExportFetchRow, ExportRow, ExportTokenRow } from '../store/schema.js';
import type { Insertable, Updateable } from 'kysely';
import type { ExportFetchesTable, ExportsTable, ExportTokensTable } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import type { Tlp } from '../stix/tlp.js';
import type { ExportSourceKind } from './export-options.js';
import { chunks } from '../intel/intel.repository.js';

export async function insertExport(db: Kysely<Database>, row: Insertable<ExportsTable>): Promise<void> {
  await db.insertInto('exports').values(row).execute();
}

export async function updateExportRow(db: Kysely<Database>, id: string, set: Updateable<ExportsTable>): Promise<void> {
  await db.updateTable('exports').set(set).where('id', '=', id).execute();
}

export async function deleteExportRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('exports').where('id', '=', id).execute();
}

export async function findExportById(db: Kysely<Database>, id: string): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findExportByName(db: Kysely<Database>, orgId: string, nameKey: string): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('org_id', '=', orgId).where('name_key', '=', nameKey).executeTakeFirst();
}

export async function findExportsByName(db: Kysely<Database>, nameKey: string): Promise<ExportRow[]> {
  return db.selectFrom('exports').selectAll().where('name_key', '=', nameKey).execute();
}

export async function listExportRows(db: Kysely<Database>, orgId: string | 'all'): Promise<ExportRow[]> {
  let q = db.selectFrom('exports').selectAll().orderBy('name_key');
  if (orgId !== 'all') q = q.where('org_id', '=', orgId);
  return q.execute();
}

export async function insertExportToken(db: Kysely<Database>, row: Insertable<ExportTokensTable>): Promise<void> {
  await db.insertInto('export_tokens').values(row).execute();
}

export async function findExportToken(db: Kysely<Database>, id: string): Promise<ExportTokenRow | undefined> {
  return db.selectFrom('export_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listExportTokens(db: Kysely<Database>, exportIds: readonly string[]): Promise<ExportTokenRow[]> {
  if (exportIds.length === 0) return [];
  return db.selectFrom('export_tokens').selectAll().where('export_id', 'in', [...exportIds]).orderBy('created_at').execute();
}

export async function revokeExportToken(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('export_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function recordFetch(db: Kysely<Database>, row: Insertable<ExportFetchesTable>): Promise<void> {
  await db.insertInto('export_fetches').values(row).execute();
  if (row.token_id) {
    await db
      .updateTable('export_tokens')
      .set({ last_fetch_at: row.at, last_fetch_ip: row.ip ?? null, fetch_count: sql<number>`fetch_count + 1` })
      .where('id', '=', row.token_id)
      .execute();
  }
}

export async function listFetches(db: Kysely<Database>, exportId: string, limit: number): Promise<ExportFetchRow[]> {
  return db.selectFrom('export_fetches').selectAll().where('export_id', '=', exportId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** One export's fetch history older than `before` goes (the audit log keeps its own record). */
export async function pruneFetches(db: Kysely<Database>, exportId: string, before: string): Promise<number> {
  const r = await db.deleteFrom('export_fetches').where('export_id', '=', exportId).where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}

// ---------------------------------------------------------------------------------------

/** What an export carries, as SQL conditions. */
export interface ItemFilter {
  reader: Reader;
  now: string;
  types: readonly IndicatorType[];
  tlps: readonly Tlp[];
  minConfidence: number;
  /** mentions last seen at or after this */
  seenSince: string | null;
  /** mentions first stored at or after this (`?since=`) */
  createdSince: string | null;
  sourceKinds: readonly ExportSourceKind[] | null;
  feedIds: readonly string[] | null;
  groupIds: readonly string[] | null;
  sightedOnly: boolean;
  /** values first seen in [from, before) (a MISP feed's event of one day) */
  firstSeenFrom?: string | undefined;
  firstSeenBefore?: string | undefined;
}

/** A mention qualifies: in force, visible, inside the filter. `m` and `s` are mentions and shares. */
function qualifying(f: ItemFilter) {
  return (eb: ExpressionBuilder<any, any>) => {
    const conds = [
      eb('m.status', '=', 'active'),
      eb.or([eb('m.valid_until', 'is', null), eb('m.valid_until', '>', f.now)]),
      eb('s.tlp', 'in', [...f.tlps]),
      visibleTo(f.reader, 's')(eb),
    ];
    if (f.minConfidence > 0) conds.push(eb(sql`coalesce(m.confidence, 50)`, '>=', f.minConfidence));
    if (f.seenSince) conds.push(eb(sql`coalesce(m.last_seen, m.first_seen)`, '>=', f.seenSince));
    if (f.createdSince) conds.push(eb('m.created_at', '>=', f.createdSince));
    if (f.sourceKinds) conds.push(eb('m.source_kind', 'in', [...f.sourceKinds]));
    if (f.feedIds) conds.push(eb.and([eb('m.source_kind', '=', 'feed'), eb('m.source_id', 'in', [...f.feedIds])]));
    if (f.groupIds) {
      conds.push(
        eb.exists(
          eb
            .selectFrom('share_audience as xa')
            .select(sql`1`.as('one'))
            .whereRef('xa.share_id', '=', 's.id')
            .where('xa.kind', '=', 'group')
            .where('xa.ref_id', 'in', [...f.groupIds]),
        ),
      );
    }
    return eb.and(conds);
  };
}

/** An exportable observable's id, type and value (once per qualifying mention). */
export interface ExportValueRow {
  id: number;
  type: string;
  value: string;
}

/** One qualifying mention of an exportable observable, with the observable's own columns. */
export interface ExportWindowRow extends ExportValueRow {
  first_seen: string;
  last_seen: string;
  source_kind: string;
  source_id: string;
  confidence: number | null;
  valid_until: string | null;
  created_at: string;
  tlp: string;
}

/** The highest observable id now: an export walks the ids up to it (later values wait for the next fetch). */
export async function maxObservableId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('observables').select((eb) => eb.fn.max('id').as('top')).executeTakeFirst();
  return Number(row?.top ?? 0);
}

/**
 * The qualifying mentions of the exportable observables with ids in (afterId, throughId], in
 * observable id order, one statement a window.
 *
 * A window of ids, not a LIMIT: each statement is bounded by the window whatever the store
 * holds, and both planners walk the primary key range and look each observable's mentions up by
 * their observable index. (As a LIMITed statement with EXISTS, SQLite chose the (type, value)
 * index and sorted every remaining row for each page, and PostgreSQL, misjudging the ORed
 * policy filter, scanned all mentions for each page: a 1,000,000-value export took hours.)
 */
export async function exportWindow(db: Kysely<Database>, f: ItemFilter, afterId: number, throughId: number): Promise<ExportWindowRow[]> {
  const rows = await windowQuery(db, f, afterId, throughId)
    .select(['o.first_seen', 'o.last_seen', 'm.source_kind', 'm.source_id', 'm.confidence', 'm.valid_until', 'm.created_at', 's.tlp'])
    .execute();
  for (const r of rows) r.id = Number(r.id);
  return rows;
}

/**
 * exportWindow for writers that print the value alone (lists, zones, hosts files): the same
 * rows, without the columns they never read — which is half the cost of the statement.
 */
export async function exportValueWindow(db: Kysely<Database>, f: ItemFilter, afterId: number, throughId: number): Promise<ExportValueRow[]> {
  const rows = await windowQuery(db, f, afterId, throughId).execute();
  for (const r of rows) r.id = Number(r.id);
  return rows;
}

function windowQuery(db: Kysely<Database>, f: ItemFilter, afterId: number, throughId: number) {
  let q = db
    .selectFrom('observables as o')
    .innerJoin('mentions as m', 'm.observable_id', 'o.id')
    .innerJoin('shares as s', 's.id', 'm.share_id')
    .select(['o.id', 'o.type', 'o.value'])
    .where('o.id', '>', afterId)
    .where('o.id', '<=', throughId)
    // An expression, not the column: the (type, value) index must not be chosen over the id range.
    .where(sql`o.type || ''`, 'in', [...f.types])
    .where('o.suppressed_at', 'is', null)
    .where('o.warning_list', 'is', null)
    .where(qualifying(f));
  if (f.firstSeenFrom) q = q.where('o.first_seen', '>=', f.firstSeenFrom);
  if (f.firstSeenBefore) q = q.where('o.first_seen', '<', f.firstSeenBefore);
  if (f.sightedOnly) {
    q = q.where((eb) => eb.exists(eb.selectFrom('sightings as g').select(sql`1`.as('one')).whereRef('g.observable_id', '=', 'o.id').where('g.false_positive', '=', 0)));
  }
  return q.orderBy('o.id');
}

/** The names of feeds and the titles of warnings, by id (what an export's msg and desc fields quote). */
export async function sourceLabels(db: Kysely<Database>, feedIds: readonly string[], warningIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(feedIds)) {
    for (const r of await db.selectFrom('feeds').select(['id', 'name']).where('id', 'in', part).execute()) out.set(`feed:${r.id}`, r.name);
  }
  for (const part of chunks(warningIds)) {
    for (const r of await db.selectFrom('warnings').select(['id', 'title']).where('id', 'in', part).execute()) out.set(`warning:${r.id}`, r.title);
  }
  return out;
}

/** The first day (YYYY-MM-DD) any stored value was first seen, or null for an empty store. */
export async function earliestFirstSeen(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('observables').select((eb) => eb.fn.min('first_seen').as('first')).executeTakeFirst();
  return row?.first ? String(row.first).slice(0, 10) : null;
}

/** Sightings (false positives apart) per observable. */
export async function sightingCounts(db: Kysely<Database>, observableIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (observableIds.length === 0) return out;
  const rows = await db
    .selectFrom('sightings')
    .select(['observable_id', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('observable_id', 'in', [...observableIds])
    .where('false_positive', '=', 0)
    .groupBy('observable_id')
    .execute();
  for (const r of rows) out.set(Number(r.observable_id), Number(r.n ?? 0));
  return out;
}
