// SQL for stored reports, their delivery outbox, members' subscriptions and the outside
// recipients of the public edition.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../store/dialect.js';
import type { Database, ReportRecipientsTable, ReportsTable } from '../store/schema.js';

export type ReportRow = ReportsTable;

export async function findReport(db: Kysely<Database>, id: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findReportByPeriod(db: Kysely<Database>, kind: string, period: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('kind', '=', kind).where('period', '=', period).executeTakeFirst();
}

export async function existingPeriods(db: Kysely<Database>, kind: string, periods: string[]): Promise<Set<string>> {
  if (periods.length === 0) return new Set();
  const rows = await db.selectFrom('reports').select('period').where('kind', '=', kind).where('period', 'in', periods).execute();
  return new Set(rows.map((r) => r.period));
}

export type ReportSummaryRow = Omit<ReportRow, 'facts'>;

/**
 * Reports issued (ended) in [issuedFrom, issuedTo), newest first; `after` continues a page: the
 * last item's end and kind (a daily report ends when the weekly and monthly ones do).
 */
export async function listReports(
  db: Kysely<Database>,
  q: { kind?: string | undefined; issuedFrom?: string | undefined; issuedTo?: string | undefined; limit: number; after?: { to: string; kind: string } | undefined },
): Promise<ReportSummaryRow[]> {
  const after = q.after;
  return db
    .selectFrom('reports')
    .select(['id', 'kind', 'period', 'period_from', 'period_to', 'time_zone', 'generated_at'])
    .$if(q.kind !== undefined, (b) => b.where('kind', '=', q.kind!))
    .$if(q.issuedFrom !== undefined, (b) => b.where('period_to', '>=', q.issuedFrom!))
    .$if(q.issuedTo !== undefined, (b) => b.where('period_to', '<', q.issuedTo!))
    .$if(after !== undefined, (b) => b.where((eb) => eb.or([eb('period_to', '<', after!.to), eb.and([eb('period_to', '=', after!.to), eb('kind', '>', after!.kind)])])))
    .orderBy('period_to', 'desc')
    .orderBy('kind')
    .limit(q.limit)
    .execute();
}

/** Insert the report unless another process made it first; true when this call made it. */
export async function insertReport(db: Kysely<Database>, row: ReportRow): Promise<boolean> {
  const inserted = await db
    .insertInto('reports')
    .values(row)
    .onConflict((oc) => oc.columns(['kind', 'period']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface Addressee {
  addressee: string;
  userId: string | null;
  recipientId: string | null;
}

/** Members who want this kind of report (no subscription row: the daily report) and enabled outside recipients. */
export async function addresseesFor(db: Kysely<Database>, kind: string): Promise<Addressee[]> {
  const [users, recipients] = await Promise.all([
    db
      .selectFrom('users')
      .leftJoin('report_subscriptions as s', 's.user_id', 'users.id')
      .select(['users.id', 's.kinds'])
      .where('users.disabled_at', 'is', null)
      .orderBy('users.id')
      .execute(),
    db.selectFrom('report_recipients').select(['id', 'kinds']).where('unsubscribed_at', 'is', null).orderBy('id').execute(),
  ]);
  const wants = (kinds: string | null, fallback: string[]) => (kinds ? (JSON.parse(kinds) as string[]) : fallback).includes(kind);
  return [
    ...users.filter((u) => wants(u.kinds, ['daily'])).map((u) => ({ addressee: `u:${u.id}`, userId: u.id, recipientId: null })),
    ...recipients.filter((r) => wants(r.kinds, ['daily'])).map((r) => ({ addressee: `r:${r.id}`, userId: null, recipientId: r.id })),
  ];
}

/** Queue one delivery per addressee; ones already queued for this report are left alone. Resolves to how many were added. */
export async function queueDeliveries(db: Kysely<Database>, reportId: string, addressees: Addressee[], at: string): Promise<number> {
  let added = 0;
  for (let i = 0; i < addressees.length; i += 500) {
    const rows = addressees.slice(i, i + 500).map((a) => ({
      report_id: reportId,
      addressee: a.addressee,
      user_id: a.userId,
      recipient_id: a.recipientId,
      status: 'pending',
      attempts: 0,
      next_attempt_at: at,
      created_at: at,
    }));
    const result = await db
      .insertInto('report_deliveries')
      .values(rows)
      .onConflict((oc) => oc.columns(['report_id', 'addressee']).doNothing())
      .returning('id')
      .execute();
    added += result.length;
  }
  return added;
}

export interface ClaimedDelivery {
  id: number;
  report_id: string;
  user_id: string | null;
  recipient_id: string | null;
  attempts: number;
  created_at: string;
}

export async function claimDueDeliveries(db: Kysely<Database>, dialect: DialectName, opts: { now: string; leaseUntil: string; limit: number }): Promise<ClaimedDelivery[]> {
  const due = db
    .selectFrom('report_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', opts.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.now)]))
    .orderBy('id')
    .limit(opts.limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('report_deliveries')
    .set({ locked_until: opts.leaseUntil })
    .where('id', 'in', due)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.now)]))
    .returning(['id', 'report_id', 'user_id', 'recipient_id', 'attempts', 'created_at'])
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) })).sort((a, b) => a.id - b.id);
}

export async function markDelivery(
  db: Kysely<Database>,
  id: number,
  lease: string,
  outcome: { status: 'sent'; at: string; unsubscribeHash: string | null } | { status: 'failed'; error: string; attempted: boolean } | { status: 'pending'; nextAttemptAt: string; error: string },
): Promise<void> {
  const base = db.updateTable('report_deliveries').where('id', '=', id).where('locked_until', '=', lease);
  const attempts = sql<number>`attempts + 1`;
  if (outcome.status === 'sent') await base.set({ status: 'sent', sent_at: outcome.at, attempts, locked_until: null, last_error: null, unsubscribe_hash: outcome.unsubscribeHash }).execute();
  else if (outcome.status === 'failed') await base.set({ status: 'failed', locked_until: null, last_error: outcome.error.slice(0, 500), ...(outcome.attempted ? { attempts } : {}) }).execute();
  else await base.set({ attempts, next_attempt_at: outcome.nextAttemptAt, locked_until: null, last_error: outcome.error.slice(0, 500) }).execute();
}

export async function deliveryStats(db: Kysely<Database>, reportId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('report_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('report_id', '=', reportId).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function findDeliveryByUnsubscribe(db: Kysely<Database>, hash: string) {
  return db.selectFrom('report_deliveries').innerJoin('reports', 'reports.id', 'report_deliveries.report_id').select(['report_deliveries.user_id', 'report_deliveries.recipient_id', 'reports.kind']).where('unsubscribe_hash', '=', hash).executeTakeFirst();
}

/** The addressee of a member's delivery, as they are now. */
export async function findReportUser(db: Kysely<Database>, userId: string) {
  return db.selectFrom('users').select(['id', 'email', 'org_id', 'is_operator', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}

/** The latest reports, whole (the public feeds render each). */
export async function recentReports(db: Kysely<Database>, limit: number): Promise<ReportRow[]> {
  return db.selectFrom('reports').selectAll().orderBy('period_to', 'desc').orderBy('kind').limit(limit).execute();
}

// Subscriptions

export async function findSubscription(db: Kysely<Database>, userId: string) {
  return db.selectFrom('report_subscriptions').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function saveSubscription(db: Kysely<Database>, userId: string, kinds: string[], sections: string[], at: string): Promise<void> {
  const values = { kinds: JSON.stringify(kinds), sections: JSON.stringify(sections), updated_at: at };
  await db
    .insertInto('report_subscriptions')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

// Outside recipients

export async function listRecipients(db: Kysely<Database>) {
  return db.selectFrom('report_recipients').selectAll().orderBy('email_key').execute();
}

export async function findRecipient(db: Kysely<Database>, id: string) {
  return db.selectFrom('report_recipients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRecipientByEmail(db: Kysely<Database>, emailKey: string) {
  return db.selectFrom('report_recipients').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
}

export async function insertRecipient(db: Kysely<Database>, row: ReportRecipientsTable): Promise<void> {
  await db.insertInto('report_recipients').values(row).execute();
}

export async function deleteRecipient(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db.deleteFrom('report_recipients').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function unsubscribeRecipient(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('report_recipients').set({ unsubscribed_at: at }).where('id', '=', id).where('unsubscribed_at', 'is', null).execute();
}
