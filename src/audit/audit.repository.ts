// SQL for the audit trail: append-only inserts and newest-first pages.
import type { Kysely } from 'kysely';
import type { AuditLogRow, Database } from '../store/schema.js';

export interface NewAuditEntry {
  at: string;
  action: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_kind: string;
  actor_label: string | null;
  org_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export async function insertAuditEntry(db: Kysely<Database>, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(entry).execute();
}

export interface AuditQuery {
  /** restrict to these organisations' trails; undefined = all (operator) */
  orgIds?: string[];
  action?: string;
  before?: number;
  limit: number;
}

export async function listAuditEntries(db: Kysely<Database>, q: AuditQuery): Promise<AuditLogRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.orgIds) query = q.orgIds.length ? query.where('org_id', 'in', q.orgIds) : query.where('org_id', '=', '\u0000none');
  if (q.action) {
    // "auth" matches auth.login, auth.logout…; "auth.login" matches exactly.
    query = q.action.includes('.') ? query.where('action', '=', q.action) : query.where('action', 'like', `${q.action}.%`);
  }
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.execute();
}
