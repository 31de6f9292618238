// TAXII status resources: the outcome of a POST, per object, kept for a week (the
// specification asks for at least 24 hours) and readable by whoever posted.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

export interface StatusResource {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: StatusDetail[];
  failures?: StatusDetail[];
  pendings?: StatusDetail[];
}

export interface StatusOwner {
  orgId: string | null;
  userId: string | null;
  tokenId: string | null;
}

export const statusRetentionDays = 7;

export async function saveStatus(db: Kysely<Database>, status: StatusResource, owner: StatusOwner, createdAt: string): Promise<void> {
  await db
    .insertInto('taxii_status')
    .values({
      id: status.id,
      org_id: owner.orgId,
      user_id: owner.userId,
      token_id: owner.tokenId,
      request_timestamp: status.request_timestamp,
      status: status.status,
      total_count: status.total_count,
      success_count: status.success_count,
      failure_count: status.failure_count,
      pending_count: status.pending_count,
      details: JSON.stringify({ successes: status.successes, failures: status.failures, pendings: status.pendings }),
      created_at: createdAt,
    })
    .execute();
}

export async function findStatus(db: Kysely<Database>, id: string): Promise<(StatusResource & { owner: StatusOwner }) | undefined> {
  const row = await db.selectFrom('taxii_status').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const details = JSON.parse(row.details) as Pick<StatusResource, 'successes' | 'failures' | 'pendings'>;
  return {
    id: row.id,
    status: row.status as StatusResource['status'],
    request_timestamp: row.request_timestamp,
    total_count: Number(row.total_count),
    success_count: Number(row.success_count),
    failure_count: Number(row.failure_count),
    pending_count: Number(row.pending_count),
    ...(details.successes?.length ? { successes: details.successes } : {}),
    ...(details.failures?.length ? { failures: details.failures } : {}),
    ...(details.pendings?.length ? { pendings: details.pendings } : {}),
    owner: { orgId: row.org_id, userId: row.user_id, tokenId: row.token_id },
  };
}

export async function removeOldStatuses(db: Kysely<Database>, before: string): Promise<number> {
  const r = await db.deleteFrom('taxii_status').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
