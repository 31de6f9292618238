// For member analysts: reports grouped into campaigns (shared link, domain, sender domain,
// attachment) with reports per day, promoting a campaign into a warning, the kept raw
// message when the operator turned that on, and retention of both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, days, hours, type TestClock } from '../test/clock.js';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { letter, lure } from '../test/phishing-emails.js';
import { removeExpiredChecks } from './retention.js';

interface CampaignOut {
  kind: string;
  value: string;
  defanged: string;
  reports: number;
  daily: Array<{ day: string; reports: number }>;
  verdicts: Record<string, number>;
  subjects: string[];
  warningIds: string[];
}

for (const dialect of dialects) {
  describe(`phishing campaigns [${dialect}]`, () => {
    let hub: TestHub;
    let clock: TestClock;
    let analyst: SignedInUser;
    let member: SignedInUser;
    let city: { id: string };
    const ids: string[] = [];
    const receipts: string[] = [];

    const submit = async (email: string) => {
      const res = await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'message/rfc822' }, payload: email });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().check.id);
      receipts.push(res.json().receipt);
    };
    const campaigns = async (query = '') => {
      const res = await hub.as(analyst, { method: 'GET', url: `/api/phishing/campaigns${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as CampaignOut[];
    };

    beforeAll(async () => {
      clock = createClock('2026-11-20T09:00:00.000Z');
      hub = await createTestHub(dialect, { phishingRateLimit: '1000', phishingKeepRawDays: '3', phishingRetentionDays: '30', sessionTtlHours: '720' }, { workers: false, now: clock.now });
      city = await hub.createOrg({ name: 'Springfield' });
      analyst = await hub.createUser({ orgId: city.id, role: 'analyst' });
      member = await hub.createUser({ orgId: city.id, role: 'member' });
      // Day one: two lures to the same site, and an ordinary letter.
      await submit(lure({ host: 'campaign-one.top', salt: 'a', subject: 'Your parcel is waiting' }));
      clock.advance(hours(2));
      await submit(lure({ host: 'campaign-one.top', salt: 'b', subject: 'Your parcel is waiting' }));
      await submit(letter());
      // Day two: one more of the same, and an unrelated lure.
      clock.advance(days(1));
      await submit(lure({ host: 'campaign-one.top', salt: 'c', subject: 'Second notice: parcel' }));
      await submit(lure({ host: 'other-lure.top', salt: 'd' }));
    });
    afterAll(async () => hub?.close());

    it('groups reports that share a domain, a link or the sender’s domain, with reports per day', async () => {
      const items = await campaigns();
      const domain = items.find((c) => c.kind === 'domain' && c.value === 'campaign-one.top');
      expect(domain).toMatchObject({
        defanged: 'campaign-one[.]top',
        reports: 3,
        daily: [
          { day: '2026-11-20', reports: 2 },
          { day: '2026-11-21', reports: 1 },
        ],
        warningIds: [],
      });
      expect(domain!.verdicts).toMatchObject({ 'likely-phishing': 3, suspicious: 0, 'no-known-signs': 0, unreadable: 0 });
      expect(domain!.subjects.sort()).toEqual(['Second notice: parcel', 'Your parcel is waiting']);
      // All four lures claim to be from paypal.com.
      expect(items.find((c) => c.kind === 'sender-domain' && c.value === 'paypal.com')).toMatchObject({ reports: 4 });
      // A key seen once is no campaign; the most reported come first.
      expect(items.find((c) => c.value === 'other-lure.top')).toBeUndefined();
      expect(items.map((c) => c.reports)).toEqual([...items.map((c) => c.reports)].sort((a, b) => b - a));

      expect((await campaigns('?kind=url')).every((c) => c.kind === 'url')).toBe(true);
      expect((await campaigns('?minReports=4')).every((c) => c.reports >= 4)).toBe(true);
      expect((await campaigns('?minReports=1')).find((c) => c.value === 'other-lure.top')).toBeDefined();
      expect((await hub.as(analyst, { method: 'GET', url: '/api/phishing/campaigns?kind=nonsense' })).statusCode).toBe(400);
    });

    it('is for analysts and administrators only', async () => {
      expect((await hub.as(member, { method: 'GET', url: '/api/phishing/campaigns' })).statusCode).toBe(403);
      expect((await hub.app.inject({ method: 'GET', url: '/api/phishing/campaigns' })).statusCode).toBe(401);
      const promote = { kind: 'domain', value: 'campaign-one.top', tlp: 'amber', audience: { kind: 'members' } };
      expect((await hub.as(member, { method: 'POST', url: '/api/phishing/campaigns/warning', payload: promote })).statusCode).toBe(403);
    });

    it('promotes a campaign into a warning from the analyst’s organisation, with the campaign’s value as indicator', async () => {
      const res = await hub.as(analyst, {
        method: 'POST',
        url: '/api/phishing/campaigns/warning',
        payload: { kind: 'domain', value: 'campaign-one.top', tlp: 'amber', audience: { kind: 'members' }, indicators: [{ type: 'url', value: 'hxxp://campaign-one[.]top/signin' }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const w = res.json();
      expect(w).toMatchObject({ kind: 'phishing', tlp: 'amber', severity: 'medium', source: { orgId: city.id, anonymous: false }, title: 'Phishing campaign: campaign-one[.]top (3 reports)' });
      expect(w.indicators.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort()).toEqual(['domain:campaign-one.top', 'url:http://campaign-one.top/signin']);
      expect(w.details).toContain('3 report(s)');
      expect(w.details).toContain('Your parcel is waiting');
      expect(w.details).not.toContain('jane.resident');

      const unknown = await hub.as(analyst, { method: 'POST', url: '/api/phishing/campaigns/warning', payload: { kind: 'domain', value: 'never-reported.top', tlp: 'amber', audience: { kind: 'members' } } });
      expect(unknown.statusCode).toBe(404);
      const badTlp = await hub.as(analyst, { method: 'POST', url: '/api/phishing/campaigns/warning', payload: { kind: 'domain', value: 'campaign-one.top', tlp: 'purple', audience: { kind: 'members' } } });
      expect(badTlp.json().code).toBe('TLP_UNKNOWN');
    });

    it('keeps the raw message for analysts when configured (every download audited), then lets retention remove it', async () => {
      const list = (await hub.as(analyst, { method: 'GET', url: '/api/phishing/checks' })).json();
      expect(list.items.every((i: { rawKept: boolean }) => i.rawKept)).toBe(true);
      const raw = await hub.as(analyst, { method: 'GET', url: `/api/phishing/raw/${ids[2]}` });
      expect(raw.statusCode).toBe(200);
      expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
      expect(raw.body).toBe(letter());
      const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'phishing.raw.read').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ target_id: ids[2], actor_user_id: analyst.id });
      expect((await hub.as(member, { method: 'GET', url: `/api/phishing/raw/${ids[2]}` })).statusCode).toBe(403);

      // Past the raw window: the message goes, the result stays.
      clock.advance(days(3) + hours(1));
      expect(await removeExpiredChecks(hub.app.ctx)).toEqual({ checks: 0, raw: 5 });
      expect((await hub.as(analyst, { method: 'GET', url: `/api/phishing/raw/${ids[2]}` })).statusCode).toBe(404);
      expect((await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipts[2]}` })).statusCode).toBe(200);

      // Past the retention window: results and their campaign keys go too.
      clock.advance(days(28));
      expect(await removeExpiredChecks(hub.app.ctx)).toEqual({ checks: 5, raw: 0 });
      expect((await hub.app.inject({ method: 'GET', url: `/api/phishing/checks/${receipts[2]}` })).statusCode).toBe(404);
      expect(await hub.app.ctx.db.selectFrom('phishing_check_keys').selectAll().execute()).toEqual([]);
      analyst = await hub.signIn(analyst.email, analyst.password);
      expect(await campaigns('?days=3650')).toEqual([]);
    });
  });
}
