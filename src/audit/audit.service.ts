// The audit trail: who did what, when, from where. Org admins read their organisation's
// trail; the operator reads everything. Entries are written in the caller's transaction.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { forbidden } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import type { AuditLogRow, Database } from '../store/schema.js';
import { insertAuditEntry, listAuditEntries } from './audit.repository.js';

export interface AuditEvent {
  action: string;
  /** whose trail: the organisation concerned (null = hub-wide) */
  orgId: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(
  ctx: Pick<AppContext, 'now'>,
  db: Kysely<Database>,
  actor: Actor | null,
  event: AuditEvent,
): Promise<void> {
  await insertAuditEntry(db, {
    at: ctx.now().toISOString(),
    action: event.action,
    actor_user_id: actor?.userId ?? null,
    actor_token_id: actor?.tokenId ?? null,
    actor_kind: actor ? (actor.via === 'token' ? 'token' : actor.kind) : 'anonymous',
    actor_label: actor ? (actor.email ?? actor.kind) : null,
    org_id: event.orgId,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    ip: actor?.ip ?? null,
    user_agent: actor?.userAgent?.slice(0, 300) ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
  });
}

export interface AuditEntry {
  id: number;
  at: string;
  action: string;
  actorKind: string;
  actorLabel: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  orgId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export async function listAudit(
  ctx: AppContext,
  actor: Actor,
  q: { orgId?: string | undefined; action?: string | undefined; before?: number | undefined; limit?: number | undefined },
): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  requireScope(actor, 'admin');
  let orgIds: string[] | undefined;
  if (actor.isOperator) {
    orgIds = q.orgId ? [q.orgId] : undefined;
  } else {
    if (actor.role !== 'admin' || !actor.orgId) throw forbidden("read the organisation's audit trail");
    if (q.orgId && q.orgId !== actor.orgId) throw forbidden("read another organisation's audit trail");
    orgIds = [actor.orgId];
  }
  const limit = q.limit ?? 50;
  const rows = await listAuditEntries(ctx.db, { orgIds, action: q.action, before: q.before, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { items: page.map(toAuditEntry), nextBefore: rows.length > limit ? page[page.length - 1]!.id : null };
}

function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    actorKind: row.actor_kind,
    actorLabel: row.actor_label,
    actorUserId: row.actor_user_id,
    actorTokenId: row.actor_token_id,
    orgId: row.org_id,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
  };
}
