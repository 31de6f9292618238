// SQL for feed sources: the feeds table, their run history, the lease that keeps two processes
// from running one feed at once, and the mention updates a feed run makes besides ingesting.
import { sql, type Insertable, type Kysely } from 'kysely';
import type { DialectName } from '../store/dialect.js';
import type { Database, FeedRow, FeedRunRow, FeedRunsTable, FeedsTable } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import { addTo } from '../collections.js';

export type FeedRowUpdate = Partial<Omit<FeedRow, 'id' | 'created_at' | 'created_by'>>;
export type FeedRunUpdate = Partial<Omit<FeedRunRow, 'id' | 'feed_id' | 'trigger' | 'started_at'>>;

export async function insertFeed(db: Kysely<Database>, row: Insertable<FeedsTable>): Promise<void> {
  await db.insertInto('feeds').values(row).execute();
}

export async function findFeedById(db: Kysely<Database>, id: string): Promise<FeedRow | undefined> {
  const row = await db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
  return row && normaliseFeed(row);
}

export async function findFeedByNameKey(db: Kysely<Database>, key: string): Promise<FeedRow | undefined> {
  const row = await db.selectFrom('feeds').selectAll().where('name_key', '=', key).executeTakeFirst();
  return row && normaliseFeed(row);
}

/** Every feed, or only those an organisation's members may see: shared with all members, or the org's own. */
export async function listFeedRows(db: Kysely<Database>, scope: { orgId: string | null } | 'all'): Promise<FeedRow[]> {
  let q = db.selectFrom('feeds').selectAll().orderBy('name_key');
  if (scope !== 'all') {
    const orgId = scope.orgId;
    // The same rule as the feed-health trend: a feed whose values every member sees is no secret.
    q = orgId === null ? q.where('audience_kind', '=', 'members') : q.where((eb) => eb.or([eb('audience_kind', '=', 'members'), eb('org_id', '=', orgId)]));
  }
  return (await q.execute()).map(normaliseFeed);
}

export async function updateFeedRow(db: Kysely<Database>, id: string, update: FeedRowUpdate): Promise<void> {
  await db.updateTable('feeds').set(update).where('id', '=', id).execute();
}

export async function deleteFeedRow(db: Kysely<Database>, id: string): Promise<void> {
  // Explicitly, so the result does not hinge on foreign-key cascades being on in SQLite.
  await db.deleteFrom('feed_runs').where('feed_id', '=', id).execute();
  await db.deleteFrom('feeds').where('id', '=', id).execute();
}

/**
 * Claim enabled feeds whose time has come by setting their lease. PostgreSQL: SKIP LOCKED
 * keeps concurrent processes from claiming the same feed; SQLite has one writer.
 */
export async function claimDueFeeds(db: Kysely<Database>, dialect: DialectName, q: { now: string; lockedUntil: string; limit: number }): Promise<FeedRow[]> {
  let due = db
    .selectFrom('feeds as f')
    .select('f.id')
    .where('f.enabled', '=', 1)
    .where('f.next_run_at', '<=', q.now)
    .where((eb) => eb.or([eb('f.locked_until', 'is', null), eb('f.locked_until', '<', q.now)]))
    .orderBy('f.next_run_at')
    .limit(q.limit);
  if (dialect === 'postgres') due = due.forUpdate(['f']).skipLocked();
  const rows = await db.updateTable('feeds').set({ locked_until: q.lockedUntil }).where('id', 'in', due).returningAll().execute();
  return rows.map(normaliseFeed);
}

/** Take one feed's lease now (run now, CLI), if no one holds it. */
export async function claimFeed(db: Kysely<Database>, id: string, q: { now: string; lockedUntil: string }): Promise<FeedRow | undefined> {
  const rows = await db
    .updateTable('feeds')
    .set({ locked_until: q.lockedUntil })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', q.now)]))
    .returningAll()
    .execute();
  return rows[0] && normaliseFeed(rows[0]);
}

/** Write while our lease holds (extend it, record the outcome); false when it no longer does. */
export async function updateLeasedFeed(db: Kysely<Database>, id: string, lease: string, update: FeedRowUpdate): Promise<boolean> {
  const r = await db.updateTable('feeds').set(update).where('id', '=', id).where('locked_until', '=', lease).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function insertRun(db: Kysely<Database>, row: Insertable<FeedRunsTable>): Promise<void> {
  await db.insertInto('feed_runs').values(row).execute();
}

export async function updateRunRow(db: Kysely<Database>, id: string, update: FeedRunUpdate): Promise<void> {
  await db.updateTable('feed_runs').set(update).where('id', '=', id).execute();
}

export async function findRunById(db: Kysely<Database>, id: string): Promise<FeedRunRow | undefined> {
  const row = await db.selectFrom('feed_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && normaliseRun(row);
}

export async function listRunRows(db: Kysely<Database>, feedId: string, limit: number): Promise<FeedRunRow[]> {
  const rows = await db.selectFrom('feed_runs').selectAll().where('feed_id', '=', feedId).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(normaliseRun);
}

/** Runs left 'running' by a process that died (its lease ran out long ago): marked failed. */
export async function failAbandonedRuns(db: Kysely<Database>, feedId: string, at: string): Promise<void> {
  await db
    .updateTable('feed_runs')
    .set({ status: 'failed', finished_at: at, error: 'The run stopped without finishing (the process ended); the previous data was kept.' })
    .where('feed_id', '=', feedId)
    .where('status', '=', 'running')
    .execute();
}

/** The observable ids of `type` among a feed's mentions, as a sub-query. */
function ofType(db: Kysely<Database>, type: IndicatorType) {
  return db.selectFrom('observables').select('observables.id').where('observables.type', '=', type);
}

/**
 * Vanished values with on_vanish 'keep': still active, but from now on they age out like any
 * value last seen now (their valid_until is set). Returns how many were touched.
 */
export async function ageOutMentions(db: Kysely<Database>, feedId: string, ids: readonly number[], opts: { at: string; validUntil: (type: IndicatorType) => string | null }): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    const rows = await db
      .selectFrom('mentions')
      .innerJoin('observables', 'observables.id', 'mentions.observable_id')
      .select(['mentions.observable_id', 'observables.type'])
      .where('mentions.source_id', '=', feedId)
      .where('mentions.observable_id', 'in', slice)
      .where('mentions.status', '=', 'active')
      .where('mentions.last_seen', 'is', null)
      .execute();
    const byType = new Map<string, number[]>();
    for (const r of rows) addTo(byType, r.type, r.observable_id);
    for (const [type, group] of byType) {
      await db
        .updateTable('mentions')
        .set({ last_seen: opts.at, valid_until: sql`coalesce(valid_until, ${opts.validUntil(type as IndicatorType)})` })
        .where('source_id', '=', feedId)
        .where('observable_id', 'in', group)
        .execute();
      n += group.length;
    }
  }
  return n;
}

/**
 * A feed that has not succeeded for longer than a type's validity can no longer vouch for its
 * values of that type: they expire as of their last listing (last success + validity).
 */
export async function expireUnvouched(db: Kysely<Database>, feedId: string, opts: { lastSuccessAt: string; now: string; days: ReadonlyMap<IndicatorType, number> }): Promise<number> {
  let n = 0;
  for (const [type, days] of opts.days) {
    const until = new Date(Date.parse(opts.lastSuccessAt) + days * 86_400_000).toISOString();
    if (until > opts.now) continue;
    const r = await db
      .updateTable('mentions')
      .set({ status: 'expired', last_seen: opts.lastSuccessAt, valid_until: until })
      .where('source_id', '=', feedId)
      .where('status', '=', 'active')
      .where('last_seen', 'is', null)
      .where('observable_id', 'in', ofType(db, type))
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

/** PostgreSQL returns bigint columns as text. */
function normaliseFeed(row: FeedRow): FeedRow {
  return {
    ...row,
    confidence: Number(row.confidence),
    expiry_days: row.expiry_days == null ? null : Number(row.expiry_days),
    interval_minutes: Number(row.interval_minutes),
    enabled: Number(row.enabled),
    consecutive_failures: Number(row.consecutive_failures),
  };
}

function normaliseRun(row: FeedRunRow): FeedRunRow {
  const n = (v: unknown) => Number(v ?? 0);
  return {
    ...row,
    duration_ms: row.duration_ms == null ? null : Number(row.duration_ms),
    bytes_read: n(row.bytes_read),
    total_bytes: row.total_bytes == null ? null : Number(row.total_bytes),
    records: n(row.records),
    new_count: n(row.new_count),
    updated_count: n(row.updated_count),
    unchanged_count: n(row.unchanged_count),
    rejected_count: n(row.rejected_count),
    skipped_count: n(row.skipped_count),
    filtered_count: n(row.filtered_count),
    expired_count: n(row.expired_count),
  };
}
