// SQL for users, sessions, password-reset links and hub settings.
import type { Kysely } from 'kysely';
import type { Database, SessionRow, UserRow } from '../store/schema.js';

export type NewUser = Omit<UserRow, 'failed_logins' | 'locked_until' | 'last_login_at' | 'disabled_at' | 'totp_secret' | 'totp_enabled' | 'totp_last_step'>;

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  await db.insertInto('users').values({ ...user, failed_logins: 0, totp_enabled: 0 }).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>, filter: { orgId?: string | undefined; operators?: boolean | undefined }): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll().orderBy('email');
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.operators) q = q.where('is_operator', '=', 1);
  return q.execute();
}

export async function updateUser(db: Kysely<Database>, id: string, update: Partial<UserRow>): Promise<void> {
  await db.updateTable('users').set(update).where('id', '=', id).execute();
}

export async function countActiveUsers(db: Kysely<Database>, filter: { orgId?: string; role?: string; operators?: boolean }): Promise<number> {
  let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('disabled_at', 'is', null);
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.operators) q = q.where('is_operator', '=', 1);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSession(db: Kysely<Database>, session: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export interface SessionWithUser {
  session: SessionRow;
  user: UserRow;
  orgObserver: number | null;
}

export async function findSessionWithUser(db: Kysely<Database>, idHash: string): Promise<SessionWithUser | undefined> {
  const session = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!session) return undefined;
  const user = await findUserById(db, session.user_id);
  if (!user) return undefined;
  const org = user.org_id
    ? await db.selectFrom('organisations').select('observer').where('id', '=', user.org_id).executeTakeFirst()
    : undefined;
  return { session, user, orgObserver: org?.observer ?? null };
}

export async function touchSession(db: Kysely<Database>, idHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Kysely<Database>, userId: string, exceptIdHash?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
  await q.execute();
}

export async function getSetting(db: Kysely<Database>, key: string): Promise<unknown> {
  const row = await db.selectFrom('hub_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

export async function putSetting(db: Kysely<Database>, key: string, value: unknown, at: string): Promise<void> {
  await db
    .insertInto('hub_settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
    .execute();
}

/** Accept a TOTP time step once: false when this step (or a later one) was already used. */
export async function claimTotpStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
