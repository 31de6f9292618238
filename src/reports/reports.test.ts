// The daily report end to end, on both dialects: made once when its time comes, each reader's
// copy holding only what that reader may see (golden files for two organisations), the public
// edition CLEAR only with its feeds and attachments, the PDF saying what the page says, mail
// through a real SMTP server with per-recipient retries and working unsubscribe links, missed
// reports made after downtime, and bad input refused with stable codes.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../orgs/actor.js';
import { addGroupMember, createGroup } from '../orgs/groups.service.js';
import type { Organisation } from '../orgs/organisations.service.js';
import { createClock, days, hours, minutes, type TestClock } from '../test/clock.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { pdfText } from '../test/pdf-text.js';
import { startSmtp, type LoopbackSmtp } from '../test/smtp.js';
import { createReportDeliverer, type ReportDeliverer } from './reports.deliverer.js';
import { renderReportText } from './report.text.js';
import type { ReportView } from './report-view.js';

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const golden = (text: string) => text.replace(uuid, '<id>');
/** The header as sent (mailparser turns List-Unsubscribe into an object). */
const unsubscribeHeader = (mail: ParsedMail) => mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/^List-Unsubscribe:\s*/i, '') ?? '';

for (const dialect of dialects) {
  describe(`daily report [${dialect}]`, () => {
    let hub: TestHub;
    let clock: TestClock;
    let smtp: LoopbackSmtp;
    let reports: ReportDeliverer;
    let springfield: Organisation;
    let shelbyville: Organisation;
    let ogdenville: Organisation;
    let operator: SignedInUser;
    let springAdmin: SignedInUser;
    let shelbyAdmin: SignedInUser;
    let ogdenAdmin: SignedInUser;
    let reportId: string;

    const warn = async (user: SignedInUser, body: Record<string, unknown>) => {
      const res = await hub.as(user, { method: 'POST', url: '/api/warnings', payload: { details: 'Seen this morning.', ...body } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const copy = async (user: SignedInUser, id = reportId, query = '') => {
      const res = await hub.as(user, { method: 'GET', url: `/api/reports/${id}${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ReportView>();
    };
    const titles = (v: ReportView) => (v.warnings?.items ?? []).map((w) => w.title).sort();

    beforeAll(async () => {
      smtp = await startSmtp();
      // Tuesday 3 March 2026, 08:00 in Los Angeles: the morning's report (07:00) was before the hub existed.
      clock = createClock('2026-03-03T16:00:00.000Z');
      hub = await createTestHub(
        dialect,
        { smtpUrl: smtp.url, reportTimeZone: 'America/Los_Angeles', reportTime: '07:00', hubName: 'Tri-County Cyber Hub', reportCatchUpDays: '7', sessionTtlHours: '720' },
        { now: clock.now, workers: false },
      );
      reports = createReportDeliverer(hub.app.ctx, { scheduleEveryMs: 0, retryBaseMs: 60_000 });
      operator = await hub.createUser({ orgId: null, isOperator: true });
      springfield = await hub.createOrg({ name: 'Springfield', domains: ['springfield.gov'] });
      shelbyville = await hub.createOrg({ name: 'Shelbyville', ipRanges: ['67.205.10.0/25'] });
      ogdenville = await hub.createOrg({ name: 'Ogdenville' });
      springAdmin = await hub.createUser({ orgId: springfield.id, email: `${unique('spring')}@springfield.gov` });
      shelbyAdmin = await hub.createUser({ orgId: shelbyville.id });
      ogdenAdmin = await hub.createUser({ orgId: ogdenville.id });
      const water = await createGroup(hub.app.ctx, cliActor(), { name: 'Water utilities', ownerOrgId: springfield.id });
      await addGroupMember(hub.app.ctx, cliActor(), water.id, ogdenville.id);

      clock.advance(hours(2));
      await warn(springAdmin, {
        title: 'AMBER water plant ransomware',
        kind: 'ransomware',
        severity: 'critical',
        tlp: 'AMBER',
        audience: { kind: 'groups', groupIds: [water.id] },
        indicators: [{ type: 'domain', value: 'amber-only-c2.example' }],
      });
      clock.advance(minutes(5));
      await warn(shelbyAdmin, {
        title: 'Green invoice phishing',
        kind: 'phishing',
        severity: 'medium',
        tlp: 'GREEN',
        audience: { kind: 'members' },
        anonymous: true,
        indicators: [{ type: 'email', value: 'billing@green-invoices.example' }],
      });
      clock.advance(minutes(5));
      await warn(ogdenAdmin, {
        title: 'Clear phishing wave <script>alert(1)</script>',
        kind: 'phishing',
        severity: 'high',
        tlp: 'CLEAR',
        audience: { kind: 'public' },
        indicators: [
          { type: 'url', value: 'http://clear-wave.example/login' },
          { type: 'ipv4', value: '67.205.10.7' },
        ],
      });
      clock.advance(minutes(5));
      await warn(shelbyAdmin, { title: 'RED tip for Springfield only', kind: 'fraud-bec', severity: 'high', tlp: 'RED', audience: { kind: 'orgs', orgIds: [springfield.id] } });
      // Springfield sights the AMBER domain twice: only those who may see the domain see it in "most sighted".
      const s = await hub.as(springAdmin, { method: 'POST', url: '/api/intel/sightings', payload: { sightings: [{ value: 'amber-only-c2.example', count: 2 }] } });
      expect(s.statusCode, s.body).toBe(201);
      // Subscriptions: Shelbyville's admin wants warnings only; Ogdenville's wants no mail at all.
      expect((await hub.as(shelbyAdmin, { method: 'PUT', url: '/api/reports/subscription', payload: { kinds: ['daily', 'weekly'], sections: ['warnings'] } })).statusCode).toBe(200);
      expect((await hub.as(ogdenAdmin, { method: 'PUT', url: '/api/reports/subscription', payload: { kinds: [], sections: [] } })).statusCode).toBe(200);
      // Outside recipients of the public edition: a shop, and a mailbox that refuses mail.
      for (const email of ['shop@main-street.example', 'bounce@main-street.example']) {
        const r = await hub.as(operator, { method: 'POST', url: '/api/reports/recipients', payload: { email, name: 'Main Street' } });
        expect(r.statusCode, r.body).toBe(201);
      }
      smtp.rejecting.add('bounce@main-street.example');
    });
    afterAll(async () => {
      await hub?.close();
      await smtp?.close();
    });

    it('is not made before its time, then made exactly once when it falls due', async () => {
      expect(await reports.runOnce()).toBe(0);
      expect(await hub.app.ctx.db.selectFrom('reports').selectAll().execute()).toHaveLength(0);
      // Wednesday 07:00 in Los Angeles (15:00 UTC): the daily report of 4 March.
      clock.advance(Date.parse('2026-03-04T15:00:30.000Z') - clock.now().getTime());
      const [a, b] = await Promise.all([createReportDeliverer(hub.app.ctx, { scheduleEveryMs: 0 }).runOnce(), createReportDeliverer(hub.app.ctx, { scheduleEveryMs: 0 }).runOnce()]);
      expect(a + b).toBeGreaterThan(0);
      const rows = await hub.app.ctx.db.selectFrom('reports').select(['id', 'kind', 'period', 'period_from', 'period_to']).execute();
      expect(rows).toEqual([{ id: expect.any(String), kind: 'daily', period: '2026-03-04', period_from: '2026-03-03T15:00:00.000Z', period_to: '2026-03-04T15:00:00.000Z' }]);
      reportId = rows[0]!.id;
      const list = await hub.as(shelbyAdmin, { method: 'GET', url: '/api/reports?from=2026-03-04&to=2026-03-04' });
      expect(list.json().items).toEqual([expect.objectContaining({ id: reportId, kind: 'daily', period: '2026-03-04', title: 'Daily threat report, Wednesday 4 March 2026' })]);
      expect((await hub.as(shelbyAdmin, { method: 'GET', url: '/api/reports?from=2026-03-05' })).json().items).toEqual([]);
    });

    it("gives each reader only what they may see: one organisation's AMBER never in another's copy, counts included", async () => {
      const spring = await copy(springAdmin);
      const shelby = await copy(shelbyAdmin);
      const ogden = await copy(ogdenAdmin);
      const op = await copy(operator);
      expect(titles(spring)).toEqual(['AMBER water plant ransomware', 'Clear phishing wave <script>alert(1)</script>', 'Green invoice phishing', 'RED tip for Springfield only']);
      expect(titles(shelby)).toEqual(['Clear phishing wave <script>alert(1)</script>', 'Green invoice phishing', 'RED tip for Springfield only']);
      expect(titles(ogden)).toEqual(['AMBER water plant ransomware', 'Clear phishing wave <script>alert(1)</script>', 'Green invoice phishing']);
      expect(titles(op)).toEqual(['Clear phishing wave <script>alert(1)</script>', 'Green invoice phishing']);
      expect([spring.summary.warnings, shelby.summary.warnings, ogden.summary.warnings, op.summary.warnings]).toEqual([4, 3, 3, 2]);
      // Indicators counted per reader: the AMBER domain only for the water group.
      expect(spring.indicators!.total).toBe(4);
      expect(shelby.indicators!.total).toBe(3);
      expect(shelby.indicators!.byType.map((t) => t.key).sort()).toEqual(['email', 'ipv4', 'url']);
      expect(JSON.stringify(shelby)).not.toContain('amber-only');
      expect(JSON.stringify(shelby)).not.toContain('AMBER water');
      expect(spring.mostSighted!.items).toEqual([{ type: 'domain', value: 'amber-only-c2[.]example', sightings: 2, organisations: 1 }]);
      expect(shelby.mostSighted!.items).toEqual([]);
      expect(shelby.summary.sightings).toBe(0);
      // The anonymous producer is hidden from others, known to its own organisation.
      expect(spring.warnings!.items.find((w) => w.title === 'Green invoice phishing')!.producer).not.toContain('Shelbyville');
      expect(shelby.warnings!.items.find((w) => w.title === 'Green invoice phishing')!.producer).toBe('Shelbyville');
      // Shelbyville's watchlist caught the CLEAR warning's address in its range.
      expect(shelby.watchlist!.items).toEqual([expect.objectContaining({ assetKind: 'ip_range', value: '67[.]205[.]10[.]7' })]);
      expect(shelby.summary.watchlistHits).toBe(1);
      expect(op.summary.watchlistHits).toBeNull();
      expect(op.watchlist).toBeUndefined();
      // The copy is marked with the most restrictive TLP it names.
      expect([spring.tlp, shelby.tlp, op.tlp]).toEqual(['red', 'red', 'green']);
    });

    it('renders the copies as the golden files say', async () => {
      await expect(golden(renderReportText(await copy(springAdmin)))).toMatchFileSnapshot('./__golden__/daily-springfield.txt');
      await expect(golden(renderReportText(await copy(shelbyAdmin)))).toMatchFileSnapshot('./__golden__/daily-shelbyville.txt');
      const pub = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04.json' });
      await expect(golden(renderReportText(pub.json<ReportView>()))).toMatchFileSnapshot('./__golden__/daily-public.txt');
    });

    it('serves the PDF of a copy, saying what the page says', async () => {
      const view = await copy(springAdmin);
      const res = await hub.as(springAdmin, { method: 'GET', url: `/api/reports/${reportId}/pdf` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const { text } = await pdfText(res.rawPayload);
      for (const w of view.warnings!.items) expect(text).toContain(w.title.slice(0, 20));
      expect(text).toContain(`Warnings: ${view.summary.warnings}`);
      expect(text).toContain(`Indicators: ${view.summary.indicators}`);
      expect(text).toContain(view.narrative[0]!);
      expect(text).toContain('TLP:RED');
      const other = await pdfText((await hub.as(shelbyAdmin, { method: 'GET', url: `/api/reports/${reportId}/pdf` })).rawPayload);
      expect(other.text).not.toContain('AMBER water');
      expect(other.text).not.toContain('amber-only');
    });

    it('publishes a CLEAR-only public edition with a page, feeds, PDF, CSV and STIX', async () => {
      const page = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Clear phishing wave &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.body).not.toContain('<script>');
      for (const hidden of ['Green invoice', 'AMBER water', 'RED tip', 'amber-only', 'green-invoices']) expect(page.body).not.toContain(hidden);
      expect(page.body).toContain('What you can do');
      expect(page.body).toContain('Do not click links');

      const csv = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04.csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.body.split('\r\n').filter(Boolean).sort()).toEqual(
        ['type,value,first_seen,source,tlp', 'ipv4,67.205.10.7,2026-03-03T18:10:00.000Z,Warning: Clear phishing wave <script>alert(1)</script>,clear', 'url,http://clear-wave.example/login,2026-03-03T18:10:00.000Z,Warning: Clear phishing wave <script>alert(1)</script>,clear'].sort(),
      );
      const stix = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04.stix.json' });
      const bundle = stix.json<{ type: string; objects: Array<{ type: string; pattern?: string; object_marking_refs?: string[] }> }>();
      expect(bundle.type).toBe('bundle');
      const indicators = bundle.objects.filter((o) => o.type === 'indicator');
      expect(indicators.map((o) => o.pattern).sort()).toEqual(["[ipv4-addr:value = '67.205.10.7']", "[url:value = 'http://clear-wave.example/login']"]);
      for (const o of indicators) expect(o.object_marking_refs).toEqual(['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487']);

      const pdf = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04.pdf' });
      const { text } = await pdfText(pdf.rawPayload);
      expect(text).toContain('Clear phishing wave');
      expect(text).toContain('TLP:CLEAR');
      expect(text).not.toContain('Green invoice');
      // The PDF and the page state the same facts: the narrative, the numbers, the advice.
      const view = (await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04.json' })).json<ReportView>();
      for (const sentence of view.narrative) {
        expect(page.body).toContain(sentence);
        expect(text).toContain(sentence);
      }
      expect(text).toContain(`Warnings: ${view.summary.warnings}`);
      expect(page.body).toContain(`<div style="font-size:22px;font-weight:bold">${view.summary.warnings}</div><div style="font-size:12px;color:#555">Warnings</div>`);
      for (const step of view.advice!.flatMap((a) => a.steps)) {
        expect(page.body).toContain(step);
        expect(text.replace(/\s+/g, ' ')).toContain(step.slice(0, 40));
      }

      const atom = await hub.app.inject({ method: 'GET', url: '/public/reports/feed.atom' });
      expect(atom.headers['content-type']).toContain('application/atom+xml');
      expect(atom.body).toContain('<title>Daily threat report, Wednesday 4 March 2026</title>');
      expect(atom.body).toContain('href="http://hub.test/public/reports/daily/2026-03-04"');
      expect(atom.body).not.toContain('Green invoice');
      expect(atom.body).not.toContain('<script>');
      const rss = await hub.app.inject({ method: 'GET', url: '/public/reports/feed.rss' });
      expect(rss.body).toContain('<link>http://hub.test/public/reports/daily/2026-03-04</link>');

      const index = await hub.app.inject({ method: 'GET', url: '/public/reports' });
      expect(index.body).toContain('href="/public/reports/daily/2026-03-04"');
      const search = await hub.app.inject({ method: 'GET', url: '/public/reports?date=2026-03-04' });
      expect(search.statusCode).toBe(303);
      expect(search.headers.location).toBe('/public/reports/daily/2026-03-04');
      expect((await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-05' })).statusCode).toBe(404);
      expect((await hub.app.inject({ method: 'GET', url: '/public/reports/yearly/2026' })).statusCode).toBe(404);
      const again = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-04', headers: { 'if-none-match': page.headers.etag as string } });
      expect(again.statusCode).toBe(304);
    });

    it('mails each subscriber their own copy through SMTP; a refusing mailbox is retried alone', async () => {
      await reports.runOnce();
      const spring = smtp.to(springAdmin.email);
      expect(spring).toHaveLength(1);
      expect(spring[0]!.subject).toBe('[TLP:RED] Tri-County Cyber Hub: Daily threat report, Wednesday 4 March 2026');
      expect(spring[0]!.text).toContain('AMBER water plant ransomware');
      expect(spring[0]!.html).toContain('Clear phishing wave &lt;script&gt;');
      expect(unsubscribeHeader(spring[0]!)).toMatch(/^<http:\/\/hub\.test\/public\/reports\/unsubscribe\?token=[\w-]+>$/);
      expect(spring[0]!.attachments).toEqual([]);
      expect(spring[0]!.text).toContain(`PDF: http://hub.test/api/reports/${reportId}/pdf`);
      const shelby = smtp.to(shelbyAdmin.email);
      expect(shelby).toHaveLength(1);
      expect(shelby[0]!.text).not.toContain('AMBER water');
      expect(shelby[0]!.text).toContain('WARNINGS');
      expect(shelby[0]!.text).not.toContain('NEW INDICATORS');
      expect(smtp.to(ogdenAdmin.email)).toHaveLength(0);
      expect(smtp.to(operator.email)).toHaveLength(1);
      const shop = smtp.to('shop@main-street.example');
      expect(shop).toHaveLength(1);
      expect(shop[0]!.subject).toBe('[TLP:CLEAR] Tri-County Cyber Hub: Daily threat report, Wednesday 4 March 2026');
      expect(shop[0]!.text).not.toContain('Green invoice');
      expect(shop[0]!.attachments
        .map((a) => a.filename ?? '')
        .sort()).toEqual(['daily-2026-03-04.pdf', 'indicators-2026-03-04.csv', 'indicators-2026-03-04.stix.json']);
      expect(shop[0]!.attachments.find((a) => a.filename?.endsWith('.csv'))!.content.toString()).toContain('http://clear-wave.example/login');
      // The refused one waits for its retry; the rest are sent.
      const rows = await hub.app.ctx.db.selectFrom('report_deliveries').innerJoin('report_recipients', 'report_recipients.id', 'report_deliveries.recipient_id').select(['report_recipients.email', 'report_deliveries.status', 'report_deliveries.attempts', 'report_deliveries.last_error']).execute();
      expect(rows.find((r) => r.email === 'bounce@main-street.example')).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('550') });
      expect(rows.find((r) => r.email === 'shop@main-street.example')).toMatchObject({ status: 'sent' });
      // Once the mailbox accepts mail again, the retry delivers it; nobody gets a second copy.
      smtp.rejecting.clear();
      clock.advance(minutes(2));
      await reports.runOnce();
      expect(smtp.to('bounce@main-street.example')).toHaveLength(1);
      expect(smtp.to(springAdmin.email)).toHaveLength(1);
    });

    it('unsubscribes from the link in the mail, without signing in', async () => {
      const link = /<([^>]+)>/.exec(unsubscribeHeader(smtp.to('shop@main-street.example')[0]!))![1]!;
      const path = link.replace('http://hub.test', '');
      const form = await hub.app.inject({ method: 'GET', url: path });
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('<form method="post"');
      // Following the link alone (a mail scanner) changes nothing.
      expect((await hub.app.ctx.db.selectFrom('report_recipients').select('unsubscribed_at').where('email', '=', 'shop@main-street.example').executeTakeFirstOrThrow()).unsubscribed_at).toBeNull();
      // RFC 8058 one-click, as a mail client sends it.
      const done = await hub.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.body).toContain('You will no longer receive the public edition');
      expect((await hub.app.ctx.db.selectFrom('report_recipients').select('unsubscribed_at').where('email', '=', 'shop@main-street.example').executeTakeFirstOrThrow()).unsubscribed_at).not.toBeNull();
      // A member's link stops that kind of report only.
      const memberLink = /<([^>]+)>/.exec(unsubscribeHeader(smtp.to(shelbyAdmin.email)[0]!))![1]!.replace('http://hub.test', '');
      expect((await hub.app.inject({ method: 'POST', url: memberLink })).statusCode).toBe(200);
      expect((await hub.as(shelbyAdmin, { method: 'GET', url: '/api/reports/subscription' })).json()).toEqual({ kinds: ['weekly'], sections: ['warnings'] });
      const bad = await hub.app.inject({ method: 'POST', url: '/public/reports/unsubscribe?token=not-a-real-token-000000000' });
      expect(bad.statusCode).toBe(400);
    });

    it('says the same when made again later, whatever changed since', async () => {
      const before = await copy(ogdenAdmin);
      // Ogdenville leaves the water group after the report was made.
      await hub.app.ctx.db.deleteFrom('sharing_group_members').where('org_id', '=', ogdenville.id).execute();
      const again = await hub.as(operator, { method: 'POST', url: '/api/reports/generate', payload: { kind: 'daily', period: '2026-03-04' } });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ created: false, report: { id: reportId } });
      expect(await copy(ogdenAdmin)).toEqual(before);
      // Sections narrow a copy; an unknown one is refused.
      expect((await copy(springAdmin, reportId, '?sections=warnings')).sections).toEqual(['warnings']);
      const bad = await hub.as(springAdmin, { method: 'GET', url: `/api/reports/${reportId}?sections=warnings,horoscope` });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('REPORT_SECTION_UNKNOWN');
    });

    it('makes the reports it missed while it was down, once each', async () => {
      const sentBefore = smtp.to(springAdmin.email).length;
      await warn(ogdenAdmin, { title: '=HYPERLINK("http://evil.example")', kind: 'other', severity: 'low', tlp: 'CLEAR', audience: { kind: 'public' }, indicators: [{ type: 'domain', value: 'formula-test.example' }] });
      clock.advance(days(3));
      await reports.runOnce();
      const periods = (await hub.app.ctx.db.selectFrom('reports').select('period').where('kind', '=', 'daily').orderBy('period').execute()).map((r) => r.period);
      expect(periods).toEqual(['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07']);
      expect(smtp.to(springAdmin.email).length - sentBefore).toBe(3);
      await reports.runOnce();
      expect(smtp.to(springAdmin.email).length - sentBefore).toBe(3);
      // The archive pages through them with the cursor, newest first, none twice.
      const seen: string[] = [];
      let before = '';
      for (let page = 0; page < 5; page++) {
        const res = await hub.as(springAdmin, { method: 'GET', url: `/api/reports?kind=daily&limit=2${before ? `&before=${encodeURIComponent(before)}` : ''}` });
        const items = res.json<{ items: Array<{ period: string; cursor: string }> }>().items;
        if (items.length === 0) break;
        seen.push(...items.map((i) => i.period));
        before = items[items.length - 1]!.cursor;
      }
      expect(seen).toEqual(['2026-03-07', '2026-03-06', '2026-03-05', '2026-03-04']);
      const bad = await hub.as(springAdmin, { method: 'GET', url: '/api/reports?before=yesterday' });
      expect(bad.json().code).toBe('REPORT_PERIOD_INVALID');
    });

    it('answers hostile public requests without leaking or breaking', async () => {
      for (const url of [
        '/public/reports/daily/..%2F..%2Fetc%2Fpasswd',
        '/public/reports/daily/2026-03-04.exe',
        `/public/reports/daily/${'9'.repeat(150)}`,
        '/public/reports/daily/2026-03-04%00.pdf',
        '/public/reports/%F0%9F%92%A3/2026-03-04',
      ]) {
        const res = await hub.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json().code, url).toMatch(/NOT_FOUND/);
      }
      const date = await hub.app.inject({ method: 'GET', url: '/public/reports?date=%3Cscript%3E' });
      expect(date.statusCode).toBe(400);
      expect(date.body).not.toContain('<script>');
      for (const token of ['', 'x', '<script>alert(1)</script>', 'a'.repeat(5000)]) {
        const res = await hub.app.inject({ method: 'POST', url: `/public/reports/unsubscribe?token=${encodeURIComponent(token)}` });
        expect(res.statusCode, token.slice(0, 20)).toBe(400);
        expect(res.body).not.toContain('<script>');
      }
      const page = await hub.app.inject({ method: 'GET', url: `/public/reports/unsubscribe?token=${encodeURIComponent('"><script>alert(1)</script>')}` });
      expect(page.body).not.toContain('<script>');
      // A CLEAR title that looks like a spreadsheet formula is neutralised in the CSV.
      const csv = await hub.app.inject({ method: 'GET', url: '/public/reports/daily/2026-03-05.csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toContain('"Warning: =HYPERLINK(""http://evil.example"")"');
      for (const line of csv.body.split('\r\n')) expect(line.split(',').filter((cell) => /^[=+\-@]/.test(cell)), line).toEqual([]);
    });

    it('refuses bad input with clear errors', async () => {
      const gen = (payload: Record<string, unknown>) => hub.as(operator, { method: 'POST', url: '/api/reports/generate', payload });
      const future = await gen({ kind: 'daily', date: '2026-12-31' });
      expect([future.statusCode, future.json().code]).toEqual([400, 'REPORT_IN_FUTURE']);
      const past = await gen({ kind: 'daily', date: '2025-01-01' });
      expect([past.statusCode, past.json().code]).toEqual([400, 'REPORT_BEFORE_HUB']);
      const invalid = await gen({ kind: 'daily', period: '2026-02-30' });
      expect([invalid.statusCode, invalid.json().code]).toEqual([400, 'REPORT_PERIOD_INVALID']);
      const week = await gen({ kind: 'weekly', period: '2026-W99' });
      expect(week.json().code).toBe('REPORT_PERIOD_INVALID');
      expect((await gen({ kind: 'yearly' })).json().code).toBe('VALIDATION_FAILED');
      expect((await hub.as(springAdmin, { method: 'POST', url: '/api/reports/generate', payload: { kind: 'daily' } })).statusCode).toBe(403);
      const email = await hub.as(operator, { method: 'POST', url: '/api/reports/recipients', payload: { email: 'not an address' } });
      expect([email.statusCode, email.json().code]).toEqual([400, 'REPORT_RECIPIENT_INVALID']);
      const injected = await hub.as(operator, { method: 'POST', url: '/api/reports/recipients', payload: { email: 'a@b.example\r\nBcc: everyone@b.example' } });
      expect(injected.json().code).toBe('REPORT_RECIPIENT_INVALID');
      const twice = await hub.as(operator, { method: 'POST', url: '/api/reports/recipients', payload: { email: 'BOUNCE@main-street.example' } });
      expect([twice.statusCode, twice.json().code]).toEqual([409, 'REPORT_RECIPIENT_EXISTS']);
      // The shop unsubscribed: the operator cannot put it back on the list.
      const back = await hub.as(operator, { method: 'POST', url: '/api/reports/recipients', payload: { email: 'shop@main-street.example' } });
      expect([back.statusCode, back.json().code]).toEqual([409, 'REPORT_RECIPIENT_UNSUBSCRIBED']);
      const both = await hub.as(operator, { method: 'POST', url: '/api/reports/generate', payload: { kind: 'daily', period: '2026-03-04', date: '2026-03-04' } });
      expect(both.json().code).toBe('REPORT_PERIOD_INVALID');
      const sub = await hub.as(springAdmin, { method: 'PUT', url: '/api/reports/subscription', payload: { kinds: ['hourly'], sections: [] } });
      expect(sub.statusCode).toBe(400);
      expect((await hub.as(springAdmin, { method: 'GET', url: '/api/reports/recipients' })).statusCode).toBe(403);
      expect((await hub.as(springAdmin, { method: 'GET', url: `/api/reports/${crypto.randomUUID()}` })).statusCode).toBe(404);
    });
  });
}
