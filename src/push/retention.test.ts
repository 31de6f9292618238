// Retention: events leave the replay window after TOCSIN_EVENT_RETENTION_HOURS unless a
// delivery still needs them; a stream resuming from before the window is told to reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { createClock, hours } from '../test/clock.js';
import { openSse } from '../test/sse.js';
import { removeExpired } from './retention.js';

for (const dialect of dialects) {
  describe(`event retention [${dialect}]`, () => {
    const clock = createClock();
    let hub: TestHub;
    let sender: SignedInUser;
    let reader: SignedInUser;

    beforeAll(async () => {
      hub = await createTestHub(dialect, { eventRetentionHours: '24', sessionTtlHours: '72', mailRetryHours: '48' }, { now: clock.now });
      const a = await hub.createOrg();
      const b = await hub.createOrg();
      sender = await hub.createUser({ orgId: a.id, role: 'analyst' });
      reader = await hub.createUser({ orgId: b.id, role: 'member' });
    });
    afterAll(async () => hub?.close());

    const send = (title: string) =>
      hub.as(sender, { method: 'POST', url: '/api/warnings', payload: { title, kind: 'other', severity: 'low', details: '', tlp: 'green', audience: { kind: 'members' } } });

    it('drops old events but keeps those a pending delivery still needs, and tells a late stream to reload', async () => {
      expect((await send('Old news')).statusCode).toBe(201);
      expect((await send('Still owed')).statusCode).toBe(201);
      const db = hub.app.ctx.db;
      const [oldEvent, owedEvent] = await db.selectFrom('events').select(['id']).orderBy('id').execute();
      // Everything about the first event has been delivered; the second still has a mail pending.
      await db.updateTable('mail_outbox').set({ status: 'sent' }).where('event_id', '=', oldEvent!.id).execute();
      await db.updateTable('mail_outbox').set({ status: 'pending' }).where('event_id', '=', owedEvent!.id).execute();

      clock.advance(hours(25));
      expect((await send('Fresh')).statusCode).toBe(201);
      const removed = await removeExpired(hub.app.ctx);
      expect(removed.events).toBe(1);
      const left = await db.selectFrom('events').select('id').orderBy('id').execute();
      expect(left.map((e) => e.id)).not.toContain(oldEvent!.id);
      expect(left.map((e) => e.id)).toContain(owedEvent!.id);

      const base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await openSse(`${base}/api/stream`, { cookie: `tocsin_session=${reader.cookie}`, 'last-event-id': String(Number(oldEvent!.id) - 1) });
      try {
        await stream.waitFor((e) => e.some((x) => x.event === 'reset') && e.filter((x) => x.event === 'warning.created').length === 2);
        expect(stream.events[0]!.event).toBe('reset');
        expect(stream.events.slice(1).map((e) => JSON.parse(e.data).data.warning.title)).toEqual(['Still owed', 'Fresh']);
      } finally {
        stream.close();
      }

      // Past the mail retry window (e.g. SMTP never configured) the owed mail is given up, and its event can go.
      clock.advance(hours(24));
      await removeExpired(hub.app.ctx);
      const mail = await db.selectFrom('mail_outbox').select(['status', 'last_error']).where('event_id', '=', owedEvent!.id).execute();
      expect(mail.every((m) => m.status === 'failed')).toBe(true);
      await removeExpired(hub.app.ctx);
      expect((await db.selectFrom('events').select('id').where('id', '=', owedEvent!.id).execute()).length).toBe(0);
    });
  });
}
