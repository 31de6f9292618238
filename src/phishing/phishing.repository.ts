// SQL for phishing checks: the stored verdicts, their campaign keys, the optional raw
// message, and the retention sweep.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database, PhishingCheckRow } from '../store/schema.js';

export interface CampaignKey {
  kind: string;
  value: string;
}

export async function insertCheck(db: Kysely<Database>, row: PhishingCheckRow, keys: CampaignKey[], raw: { data: Buffer; expiresAt: string } | null): Promise<void> {
  await db.insertInto('phishing_checks').values(row).execute();
  for (let i = 0; i < keys.length; i += 300) {
    await db
      .insertInto('phishing_check_keys')
      .values(keys.slice(i, i + 300).map((k) => ({ check_id: row.id, kind: k.kind, value: k.value, created_at: row.created_at })))
      .execute();
  }
  if (raw) await db.insertInto('phishing_raw').values({ check_id: row.id, data: raw.data, expires_at: raw.expiresAt }).execute();
}

export async function findCheckByReceiptHash(db: Kysely<Database>, hash: string): Promise<PhishingCheckRow | undefined> {
  return db.selectFrom('phishing_checks').selectAll().where('receipt_hash', '=', hash).executeTakeFirst();
}

export async function findCheckById(db: Kysely<Database>, id: string): Promise<PhishingCheckRow | undefined> {
  return db.selectFrom('phishing_checks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Claim a check for sharing: false when someone already did (two clicks, two tabs). */
export async function claimShare(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('phishing_checks').set({ shared_at: at }).where('id', '=', id).where('shared_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setSharedWarning(db: Kysely<Database>, id: string, warningId: string | null, at: string | null): Promise<void> {
  await db.updateTable('phishing_checks').set({ shared_warning_id: warningId, shared_at: at }).where('id', '=', id).execute();
}

export interface CheckQuery {
  verdict?: string | undefined;
  channel?: string | undefined;
  /** created before this ISO time (paging, newest first) */
  before?: string | undefined;
  since?: string | undefined;
  limit: number;
}

export async function listChecks(db: Kysely<Database>, q: CheckQuery): Promise<PhishingCheckRow[]> {
  let query = db.selectFrom('phishing_checks').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.verdict) query = query.where('verdict', '=', q.verdict);
  if (q.channel) query = query.where('channel', '=', q.channel);
  if (q.before) query = query.where('created_at', '<', q.before);
  if (q.since) query = query.where('created_at', '>=', q.since);
  return query.execute();
}

export async function countChecks(db: Kysely<Database>, q: Omit<CheckQuery, 'limit' | 'before'>): Promise<number> {
  let query = db.selectFrom('phishing_checks').select((eb) => eb.fn.countAll<number>().as('n'));
  if (q.verdict) query = query.where('verdict', '=', q.verdict);
  if (q.channel) query = query.where('channel', '=', q.channel);
  if (q.since) query = query.where('created_at', '>=', q.since);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function checksWithRaw(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('phishing_raw').select('check_id').where('check_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.check_id));
}

export async function loadRaw(db: Kysely<Database>, id: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('phishing_raw').select('data').where('check_id', '=', id).executeTakeFirst();
  return row ? Buffer.from(row.data) : undefined;
}

// --- campaigns ---------------------------------------------------------------------------

export interface CampaignRow extends CampaignKey {
  reports: number;
  firstSeen: string;
  lastSeen: string;
}

/** Keys shared by at least `minReports` checks since `since`, the most reported first. */
export async function topCampaignKeys(db: Kysely<Database>, q: { since: string; kind?: string | undefined; minReports: number; limit: number }): Promise<CampaignRow[]> {
  let query = db
    .selectFrom('phishing_check_keys')
    .select((eb) => [
      'kind',
      'value',
      eb.fn.count<number>('check_id').distinct().as('reports'),
      eb.fn.min<string>('created_at').as('first_seen'),
      eb.fn.max<string>('created_at').as('last_seen'),
    ])
    .where('created_at', '>=', q.since)
    .groupBy(['kind', 'value'])
    .having((eb) => eb.fn.count('check_id').distinct(), '>=', q.minReports)
    .orderBy('reports', 'desc')
    .orderBy('last_seen', 'desc')
    .orderBy('value')
    .limit(q.limit);
  if (q.kind) query = query.where('kind', '=', q.kind);
  const rows = await query.execute();
  return rows.map((r) => ({ kind: r.kind, value: r.value, reports: Number(r.reports), firstSeen: r.first_seen, lastSeen: r.last_seen }));
}

function keyFilter(keys: CampaignKey[]) {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => eb.or(keys.map((k) => eb.and([eb('k.kind', '=', k.kind), eb('k.value', '=', k.value)])));
}

/** Reports per UTC day for each key. */
export async function campaignDaily(db: Kysely<Database>, keys: CampaignKey[], since: string): Promise<Array<CampaignKey & { day: string; reports: number }>> {
  if (keys.length === 0) return [];
  const day = sql<string>`substr(k.created_at, 1, 10)`;
  const rows = await db
    .selectFrom('phishing_check_keys as k')
    .select((eb) => ['k.kind', 'k.value', day.as('day'), eb.fn.count<number>('k.check_id').distinct().as('reports')])
    .where('k.created_at', '>=', since)
    .where(keyFilter(keys))
    .groupBy(['k.kind', 'k.value', day])
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ kind: r.kind, value: r.value, day: r.day, reports: Number(r.reports) }));
}

/** Reports per verdict for each key. */
export async function campaignVerdicts(db: Kysely<Database>, keys: CampaignKey[], since: string): Promise<Array<CampaignKey & { verdict: string; reports: number }>> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('phishing_check_keys as k')
    .innerJoin('phishing_checks as c', 'c.id', 'k.check_id')
    .select((eb) => ['k.kind', 'k.value', 'c.verdict', eb.fn.count<number>('k.check_id').distinct().as('reports')])
    .where('k.created_at', '>=', since)
    .where(keyFilter(keys))
    .groupBy(['k.kind', 'k.value', 'c.verdict'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, value: r.value, verdict: r.verdict, reports: Number(r.reports) }));
}

export interface CampaignSample extends CampaignKey {
  checkId: string;
  subject: string;
  sharedWarningId: string | null;
}

/** The newest `perKey` checks behind each key (subjects to show, warnings made from them). */
export async function campaignSamples(db: Kysely<Database>, keys: CampaignKey[], since: string, perKey: number): Promise<CampaignSample[]> {
  if (keys.length === 0) return [];
  const ranked = db
    .selectFrom('phishing_check_keys as k')
    .innerJoin('phishing_checks as c', 'c.id', 'k.check_id')
    .select([
      'k.kind',
      'k.value',
      'c.id',
      'c.subject',
      'c.shared_warning_id',
      sql<number>`row_number() over (partition by k.kind, k.value order by c.created_at desc, c.id desc)`.as('rn'),
    ])
    .where('k.created_at', '>=', since)
    .where(keyFilter(keys))
    .as('ranked');
  const rows = await db.selectFrom(ranked).selectAll().where('rn', '<=', perKey).execute();
  return rows.map((r) => ({ kind: r.kind, value: r.value, checkId: r.id, subject: r.subject, sharedWarningId: r.shared_warning_id }));
}

/** The checks behind one key, newest first (to promote a campaign into a warning). */
export async function checksForKey(db: Kysely<Database>, key: CampaignKey, since: string, limit: number): Promise<PhishingCheckRow[]> {
  return db
    .selectFrom('phishing_check_keys as k')
    .innerJoin('phishing_checks as c', 'c.id', 'k.check_id')
    .selectAll('c')
    .where('k.kind', '=', key.kind)
    .where('k.value', '=', key.value)
    .where('k.created_at', '>=', since)
    .orderBy('c.created_at', 'desc')
    .limit(limit)
    .execute();
}

// --- retention ---------------------------------------------------------------------------

export async function deleteExpired(db: Kysely<Database>, cutoff: string, now: string): Promise<{ checks: number; raw: number }> {
  const raw = await db.deleteFrom('phishing_raw').where('expires_at', '<', now).executeTakeFirst();
  const old = db.selectFrom('phishing_checks').select('id').where('created_at', '<', cutoff);
  // Children first: no reliance on cascading deletes.
  const rawOfOld = await db.deleteFrom('phishing_raw').where('check_id', 'in', old).executeTakeFirst();
  await db.deleteFrom('phishing_check_keys').where('check_id', 'in', old).execute();
  const checks = await db.deleteFrom('phishing_checks').where('created_at', '<', cutoff).executeTakeFirst();
  return { checks: Number(checks.numDeletedRows), raw: Number(raw.numDeletedRows) + Number(rawOfOld.numDeletedRows) };
}
