// Recording an event and its deliveries in the caller's transaction (the durable outbox):
// once the warning commits, the webhook calls and mails it implies are committed too, and
// survive a crash. Deliverers pick them up after the bus wakes them.
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { isRecipient, type Reader, type ShareRule } from '../sharing/policy.js';
import type { Database } from '../store/schema.js';
import { matchesFilter, parseFilter, type AlertFilter, type EventMeta } from './filters.js';

export interface PushEvent {
  type: string;
  shareId: string;
  subjectId: string;
  rule: ShareRule;
  meta: EventMeta;
  /** what the producing organisation sees */
  full: unknown;
  /** what every other recipient sees (the producer hidden when shared anonymously) */
  others: unknown;
  /** the user who caused it is not mailed about their own action */
  actorUserId: string | null;
  /** false: stream and webhooks only (bulk machine-to-machine objects are not mailed) */
  mail?: boolean;
}

export interface StoredEventData {
  producerOrgId: string | null;
  full: unknown;
  others: unknown;
}

/** Per-event fan-out is bounded by members, not by events: a region has hundreds of orgs. */
export async function recordEvent(ctx: AppContext, trx: Kysely<Database>, event: PushEvent): Promise<number> {
  const at = ctx.now().toISOString();
  // Who is owed a delivery, read before the lock below so the serialised part stays short.
  const [memberships, webhooks, users] = await Promise.all([
    trx.selectFrom('sharing_group_members').select(['org_id', 'group_id']).execute(),
    trx.selectFrom('webhooks').select(['id', 'org_id', 'filter']).where('enabled', '=', 1).execute(),
    trx
      .selectFrom('users')
      .leftJoin('alert_prefs', 'alert_prefs.user_id', 'users.id')
      .select(['users.id', 'users.org_id', 'users.is_operator', 'alert_prefs.mode', 'alert_prefs.filter'])
      .where('users.disabled_at', 'is', null)
      .execute(),
  ]);
  const groupsOf = new Map<string, Set<string>>();
  for (const m of memberships) {
    let set = groupsOf.get(m.org_id);
    if (!set) groupsOf.set(m.org_id, (set = new Set()));
    set.add(m.group_id);
  }
  const readerOf = (orgId: string): Reader => ({ orgId, groupIds: groupsOf.get(orgId) ?? new Set(), isOperator: false, anonymous: false });
  const hooks = webhooks.filter((h) => isRecipient(readerOf(h.org_id), event.rule) && matchesFilter(parseFilter(h.filter), event.meta));
  const mailTo: Array<{ userId: string; kind: 'alert' | 'digest' }> = [];
  for (const user of event.mail === false ? [] : users) {
    if (user.id === event.actorUserId) continue;
    const mode = user.mode ?? 'immediate';
    if (mode === 'none') continue;
    const reader: Reader = user.org_id ? readerOf(user.org_id) : { orgId: null, groupIds: new Set(), isOperator: user.is_operator === 1, anonymous: false };
    if (!isRecipient(reader, event.rule)) continue;
    const filter: AlertFilter = user.filter ? parseFilter(user.filter) : {};
    if (!matchesFilter(filter, event.meta)) continue;
    mailTo.push({ userId: user.id, kind: mode === 'hourly' ? 'digest' : 'alert' });
  }

  if (ctx.dialect === 'postgres') {
    // Serialise event inserts until commit, so ids become visible in increasing order and a
    // stream reading "id > last" never skips one committed late.
    await sql`select pg_advisory_xact_lock(7421001)`.execute(trx);
  }
  const data: StoredEventData = { producerOrgId: event.rule.producerOrgId, full: event.full, others: event.others };
  const inserted = await trx
    .insertInto('events')
    .values({ at, type: event.type, share_id: event.shareId, subject_id: event.subjectId, data: JSON.stringify(data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const eventId = Number(inserted.id);
  const deliveries = hooks.map((h) => ({ webhook_id: h.id, event_id: eventId, status: 'pending', attempts: 0, next_attempt_at: at, created_at: at }));
  for (let i = 0; i < deliveries.length; i += 500) await trx.insertInto('webhook_deliveries').values(deliveries.slice(i, i + 500)).execute();
  const mails = mailTo.map((m) => ({ user_id: m.userId, event_id: eventId, kind: m.kind, status: 'pending', attempts: 0, next_attempt_at: at, created_at: at }));
  for (let i = 0; i < mails.length; i += 500) await trx.insertInto('mail_outbox').values(mails.slice(i, i + 500)).execute();
  return eventId;
}

/** The payload a given reader gets: the producer's own organisation sees who sent it. */
export function payloadFor(reader: Reader, data: StoredEventData): unknown {
  return reader.orgId !== null && reader.orgId === data.producerOrgId ? data.full : data.others;
}
