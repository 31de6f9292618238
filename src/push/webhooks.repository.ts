// SQL for webhooks and their delivery log. Every function takes the handle or transaction to
// run on; the service and the deliverer decide which.
import type { Insertable, Kysely } from 'kysely';
import type { DialectName } from '../store/dialect.js';
import type { Database, EventRow, WebhookDeliveryRow, WebhookRow, WebhooksTable } from '../store/schema.js';

export type WebhookRowUpdate = Partial<Pick<WebhookRow, 'name' | 'url' | 'format' | 'filter' | 'enabled' | 'secret' | 'credential' | 'options' | 'updated_at'>>;

export interface DeliveryLogRow extends WebhookDeliveryRow {
  event_type: string | null;
}

export async function insertWebhook(db: Kysely<Database>, row: Insertable<WebhooksTable>): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function findWebhookById(db: Kysely<Database>, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWebhooksByIds(db: Kysely<Database>, ids: string[]): Promise<WebhookRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}

export async function listWebhookRows(db: Kysely<Database>, orgId: string): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
}

export async function updateWebhookRow(db: Kysely<Database>, id: string, update: WebhookRowUpdate): Promise<void> {
  await db.updateTable('webhooks').set(update).where('id', '=', id).execute();
}

/** Deletes the delivery log explicitly too, so the result does not hinge on FK cascades being on. */
export async function deleteWebhookRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

/** A page of the delivery log, newest first; `before` is a delivery id from the previous page. */
export async function listDeliveryRows(
  db: Kysely<Database>,
  webhookId: string,
  q: { status?: string | undefined; before?: number | undefined; limit: number },
): Promise<DeliveryLogRow[]> {
  let query = db
    .selectFrom('webhook_deliveries')
    .leftJoin('events', 'events.id', 'webhook_deliveries.event_id')
    .selectAll('webhook_deliveries')
    .select('events.type as event_type')
    .where('webhook_deliveries.webhook_id', '=', webhookId);
  if (q.status) query = query.where('webhook_deliveries.status', '=', q.status);
  if (q.before !== undefined) query = query.where('webhook_deliveries.id', '<', q.before);
  return query.orderBy('webhook_deliveries.id', 'desc').limit(q.limit).execute();
}

/**
 * Claim up to `limit` due deliveries by setting their lease, and return them. Only the oldest
 * pending delivery of each webhook (its head) is due, so a receiver gets events in event-id
 * order even while one is being retried. The heads come from pending rows alone (the status
 * index), so the cost does not grow with the delivered history. PostgreSQL: SKIP LOCKED keeps
 * concurrent processes from claiming the same row; SQLite has one writer, so the statement
 * alone is atomic.
 */
/** Failed attempts after which a delivery no longer holds back its webhook's later events. */
export const headOfLineAttempts = 3;

export async function claimDueDeliveries(
  db: Kysely<Database>,
  dialect: DialectName,
  q: { now: string; lockedUntil: string; limit: number },
): Promise<WebhookDeliveryRow[]> {
  // In order per webhook while the receiver keeps up: a delivery waits for the webhook's oldest
  // pending one. After a few failed attempts a delivery stops holding the line, so one event a
  // receiver keeps rejecting cannot delay every later warning for the whole retry window.
  let due = db
    .selectFrom('webhook_deliveries as d')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', q.now)
    .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', q.now)]))
    .where((eb) =>
      eb.or([
        eb('d.attempts', '>=', headOfLineAttempts),
        eb(
          'd.event_id',
          '=',
          eb
            .selectFrom('webhook_deliveries as p')
            .select((e) => e.fn.min('p.event_id').as('head'))
            .whereRef('p.webhook_id', '=', 'd.webhook_id')
            .where('p.status', '=', 'pending')
            .where('p.attempts', '<', headOfLineAttempts),
        ),
      ]),
    )
    .orderBy('d.event_id')
    .orderBy('d.id')
    .limit(q.limit);
  if (dialect === 'postgres') due = due.forUpdate(['d']).skipLocked();
  const rows = await db.updateTable('webhook_deliveries').set({ locked_until: q.lockedUntil }).where('id', 'in', due).returningAll().execute();
  return rows.sort((a, b) => a.event_id - b.event_id || a.id - b.id);
}

export type DeliveryOutcome = Partial<Pick<WebhookDeliveryRow, 'status' | 'attempts' | 'next_attempt_at' | 'last_status' | 'last_error' | 'duration_ms' | 'delivered_at'>>;

/**
 * Record an attempt and release the lease. Only while our lease holds: if it ran out and another
 * process claimed the row meanwhile, that process's result wins. False when nothing was updated.
 */
export async function completeDelivery(db: Kysely<Database>, id: number, lease: string, outcome: DeliveryOutcome): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ ...outcome, locked_until: null })
    .where('id', '=', id)
    .where('locked_until', '=', lease)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findEventsByIds(db: Kysely<Database>, ids: number[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('events').selectAll().where('id', 'in', [...new Set(ids)]).execute();
}
