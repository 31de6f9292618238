// Housekeeping: events older than the replay window (unless a delivery still needs them),
// finished deliveries older than the delivery log's window, expired sessions. Runs on a
// timer in every process; the deletes are idempotent, so several processes do no harm.
import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { addMs } from '../context.js';
import { createPump, type Pump } from './pump.js';
import { removeOldStatuses, statusRetentionDays } from '../taxii/status.repository.js';

export async function removeExpired(ctx: AppContext): Promise<{ events: number; deliveries: number; mails: number; sessions: number }> {
  const now = ctx.now().toISOString();
  const eventCutoff = addMs(now, -ctx.config.eventRetentionHours * 3_600_000);
  const logCutoff = addMs(now, -ctx.config.deliveryLogDays * 86_400_000);
  const deliveries = await ctx.db
    .deleteFrom('webhook_deliveries')
    .where('status', 'in', ['delivered', 'failed'])
    .where('created_at', '<', logCutoff)
    .executeTakeFirst();
  // Mail that could not go out within its retry window (for instance because SMTP is not
  // configured) is given up, so the events it points at can expire.
  await ctx.db
    .updateTable('mail_outbox')
    .set({ status: 'failed', last_error: 'gave up: not sent within the retry window', locked_until: null })
    .where('status', '=', 'pending')
    .where('created_at', '<', addMs(now, -ctx.config.mailRetryHours * 3_600_000))
    .execute();
  const mails = await ctx.db.deleteFrom('mail_outbox').where('status', 'in', ['sent', 'failed']).where('created_at', '<', logCutoff).executeTakeFirst();
  const events = await ctx.db
    .deleteFrom('events')
    .where('at', '<', eventCutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('webhook_deliveries').select(sql`1`.as('one')).whereRef('webhook_deliveries.event_id', '=', 'events.id').where('webhook_deliveries.status', '=', 'pending'))),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('mail_outbox').select(sql`1`.as('one')).whereRef('mail_outbox.event_id', '=', 'events.id').where('mail_outbox.status', '=', 'pending'))),
    )
    .executeTakeFirst();
  const sessions = await ctx.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
  // TAXII status resources: clients may poll them for a day; they are kept a week.
  await removeOldStatuses(ctx.db, addMs(now, -statusRetentionDays * 86_400_000));
  return {
    events: Number(events.numDeletedRows),
    deliveries: Number(deliveries.numDeletedRows),
    mails: Number(mails.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
  };
}

export function createRetentionPump(ctx: AppContext): Pump {
  return createPump({
    name: 'retention',
    bus: ctx.bus,
    log: ctx.log,
    intervalMs: 10 * 60_000,
    wakesOn: () => false,
    runOnce: async () => {
      const removed = await removeExpired(ctx);
      if (removed.events + removed.deliveries + removed.mails > 0) ctx.log.info({ removed }, 'removed expired events and delivery records');
      return 0;
    },
  });
}
