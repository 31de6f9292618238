// SQL for email alerts: the per-user preferences row and the mail outbox (claiming due rows,
// recording outcomes). Every function takes the handle or transaction to run on.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../store/dialect.js';
import type { AlertPrefsTable, Database, EventRow, UserRow } from '../store/schema.js';

export type AlertPrefsRow = AlertPrefsTable;

export interface ClaimedMail {
  id: number;
  user_id: string;
  event_id: number;
  attempts: number;
  created_at: string;
}

export type MailUser = Pick<UserRow, 'id' | 'email' | 'name' | 'org_id' | 'is_operator' | 'disabled_at'> & {
  mode: string | null;
  org_name: string | null;
};

export async function findAlertPrefs(db: Kysely<Database>, userId: string): Promise<AlertPrefsRow | undefined> {
  return db.selectFrom('alert_prefs').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Insert or replace mode and filter; last_digest_at is kept (the hourly rhythm survives an edit). */
export async function upsertAlertPrefs(db: Kysely<Database>, row: Pick<AlertPrefsRow, 'user_id' | 'mode' | 'filter' | 'updated_at'>): Promise<void> {
  await db
    .insertInto('alert_prefs')
    .values({ ...row, last_digest_at: null })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ mode: row.mode, filter: row.filter, updated_at: row.updated_at }))
    .execute();
}

/**
 * Lease up to `limit` due rows of one kind to this process. On PostgreSQL the inner select
 * skips rows another process is claiming at this moment; once that claim commits, their
 * lease keeps them out. SQLite has one writer, so the plain UPDATE … RETURNING is atomic.
 */
export async function claimDueMail(
  db: Kysely<Database>,
  dialect: DialectName,
  opts: { kind: 'alert'; now: string; leaseUntil: string; limit: number },
): Promise<ClaimedMail[]> {
  const due = db
    .selectFrom('mail_outbox')
    .select('id')
    .where('kind', '=', opts.kind)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', opts.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.now)]))
    .orderBy('id')
    .limit(opts.limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('mail_outbox')
    .set({ locked_until: opts.leaseUntil })
    .where('id', 'in', due)
    .returning(['id', 'user_id', 'event_id', 'attempts', 'created_at'])
    .execute();
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
}

/**
 * Users whose hourly digest is due: pending, unleased digest rows whose retry time has come,
 * the oldest of them at least `since` old, and no digest sent to them after `since`.
 */
export async function findDueDigestUsers(db: Kysely<Database>, opts: { now: string; since: string; limit: number }): Promise<Array<{ user_id: string; has_prefs: boolean }>> {
  const rows = await db
    .selectFrom('mail_outbox')
    .leftJoin('alert_prefs', 'alert_prefs.user_id', 'mail_outbox.user_id')
    .select(['mail_outbox.user_id', 'alert_prefs.user_id as prefs_user_id'])
    .where('mail_outbox.kind', '=', 'digest')
    .where('mail_outbox.status', '=', 'pending')
    .where('mail_outbox.next_attempt_at', '<=', opts.now)
    .where((eb) => eb.or([eb('mail_outbox.locked_until', 'is', null), eb('mail_outbox.locked_until', '<', opts.now)]))
    .where((eb) => eb.or([eb('alert_prefs.last_digest_at', 'is', null), eb('alert_prefs.last_digest_at', '<=', opts.since)]))
    .groupBy(['mail_outbox.user_id', 'alert_prefs.user_id'])
    .having((eb) => eb.fn.min('mail_outbox.created_at'), '<=', opts.since)
    .orderBy((eb) => eb.fn.min('mail_outbox.created_at'))
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({ user_id: r.user_id, has_prefs: r.prefs_user_id !== null }));
}

/** A preferences row with the default mode, so a digest always has a row to lock and stamp. */
export async function ensureAlertPrefsRow(db: Kysely<Database>, userId: string, at: string): Promise<void> {
  await db
    .insertInto('alert_prefs')
    .values({ user_id: userId, mode: 'immediate', filter: '{}', last_digest_at: null, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

/**
 * Lock one user's preferences row for the rest of the transaction; false when another
 * process holds it (PostgreSQL) — that process is sending this user's digest.
 */
export async function lockAlertPrefs(db: Kysely<Database>, dialect: DialectName, userId: string): Promise<AlertPrefsRow | undefined> {
  return db
    .selectFrom('alert_prefs')
    .selectAll()
    .where('user_id', '=', userId)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked())
    .executeTakeFirst();
}

/** When the oldest of one user's pending, due, unleased digest rows was queued (undefined: none). */
export async function findOldestDueDigest(db: Kysely<Database>, userId: string, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('user_id', '=', userId)
    .where('kind', '=', 'digest')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return row?.oldest ?? undefined;
}

/** Lease every pending, due, unleased digest row of one user (call inside the locking transaction). */
export async function claimUserDigest(db: Kysely<Database>, opts: { userId: string; now: string; leaseUntil: string }): Promise<ClaimedMail[]> {
  const rows = await db
    .updateTable('mail_outbox')
    .set({ locked_until: opts.leaseUntil })
    .where('user_id', '=', opts.userId)
    .where('kind', '=', 'digest')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', opts.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.now)]))
    .returning(['id', 'user_id', 'event_id', 'attempts', 'created_at'])
    .execute();
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
}

export async function findMailUser(db: Kysely<Database>, userId: string): Promise<MailUser | undefined> {
  return db
    .selectFrom('users')
    .leftJoin('alert_prefs', 'alert_prefs.user_id', 'users.id')
    .leftJoin('organisations', 'organisations.id', 'users.org_id')
    .select(['users.id', 'users.email', 'users.name', 'users.org_id', 'users.is_operator', 'users.disabled_at', 'alert_prefs.mode', 'organisations.name as org_name'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

export async function findEvents(db: Kysely<Database>, ids: number[]): Promise<Map<number, EventRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('events').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id) }]));
}

/**
 * The outcome of one attempt. Only the lease holder writes it: a process whose lease ran
 * out (and whose rows another process took over) cannot overwrite the newer outcome.
 */
export async function markMail(
  db: Kysely<Database>,
  ids: number[],
  leaseUntil: string,
  outcome:
    | { status: 'sent'; at: string }
    /** `attempted`: an SMTP attempt was made (and counts), rather than the mail being dropped before sending */
    | { status: 'failed'; error: string; attempted: boolean }
    | { status: 'pending'; nextAttemptAt: string; error: string },
): Promise<void> {
  if (ids.length === 0) return;
  const base = db.updateTable('mail_outbox').where('id', 'in', ids).where('locked_until', '=', leaseUntil);
  const attempts = sql<number>`attempts + 1`;
  if (outcome.status === 'sent') {
    await base.set({ status: 'sent', sent_at: outcome.at, attempts, locked_until: null, last_error: null }).execute();
  } else if (outcome.status === 'failed') {
    await base.set({ status: 'failed', locked_until: null, last_error: outcome.error.slice(0, 500), ...(outcome.attempted ? { attempts } : {}) }).execute();
  } else {
    await base.set({ attempts, next_attempt_at: outcome.nextAttemptAt, locked_until: null, last_error: outcome.error.slice(0, 500) }).execute();
  }
}

/** Give a lease back untouched (the row is retried as soon as it is due). */
export async function releaseMail(db: Kysely<Database>, ids: number[], leaseUntil: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('mail_outbox').set({ locked_until: null }).where('id', 'in', ids).where('locked_until', '=', leaseUntil).execute();
}

/** Is any mail waiting to be sent (for the "SMTP is not configured" warning)? */
export async function hasPendingMail(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').limit(1).executeTakeFirst()) !== undefined;
}

export async function stampDigestSent(db: Kysely<Database>, userId: string, at: string): Promise<void> {
  await db.updateTable('alert_prefs').set({ last_digest_at: at }).where('user_id', '=', userId).execute();
}

function toClaimed(r: { id: number | string; user_id: string; event_id: number | string; attempts: number; created_at: string }): ClaimedMail {
  return { id: Number(r.id), user_id: r.user_id, event_id: Number(r.event_id), attempts: r.attempts, created_at: r.created_at };
}
