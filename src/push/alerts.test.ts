// Email alerts end to end: preferences over the API, and mails received by a real SMTP
// server on loopback — immediate alerts, hourly digests, retries after a refusal, and the
// sharing policy checked again at send time. Time moves only when a test moves the clock.
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../orgs/actor.js';
import { addGroupMember, createGroup, removeGroupMember } from '../orgs/groups.service.js';
import type { Organisation } from '../orgs/organisations.service.js';
import { updateUser } from '../orgs/users.service.js';
import type { AudienceInput } from '../sharing/shares.js';
import { insertShare } from '../sharing/shares.js';
import type { Severity, WarningKind } from '../stix/vocab.js';
import type { Tlp } from '../stix/tlp.js';
import { createClock, hours, minutes, type TestClock } from '../test/clock.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import type { Warning } from '../warnings/warnings.view.js';
import { createMailDeliverer, createMailPump, type MailDeliverer } from './alerts.deliverer.js';
import { recordEvent } from './outbox.js';

// ---------------------------------------------------------------------------------------
// A real SMTP server, and just enough MIME to read what it received.

interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** recipients the server refuses with 550 */
  rejecting: Set<string>;
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const rejecting = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejecting.has(address.address.toLowerCase())) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), ...parseMail(Buffer.concat(chunks).toString('utf8')) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejecting,
    to: (address) => received.filter((m) => m.to.includes(address.toLowerCase())),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function parseMail(raw: string): Omit<ReceivedMail, 'to'> {
  const { headers, body } = splitEntity(raw);
  const subject = decodeWords(headers.get('subject') ?? '');
  const parts: Array<{ type: string; content: string }> = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  const entities = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const entity of entities) {
    const part = splitEntity(entity.replace(/^\r?\n/, ''));
    const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
    const content = encoding === 'quoted-printable' ? decodeQp(part.body) : encoding === 'base64' ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8') : part.body;
    parts.push({ type: (part.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(), content });
  }
  return { subject, text: parts.find((p) => p.type === 'text/plain')?.content ?? '', html: parts.find((p) => p.type === 'text/html')?.content ?? '', raw };
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at === -1 ? raw : raw.slice(0, at);
  const body = at === -1 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Quoted-printable to text: soft line breaks out, =XX bytes decoded as UTF-8. */
function decodeQp(s: string): string {
  return Buffer.from(qpBytes(s.replace(/=\r?\n/g, ''))).toString('utf8');
}

function qpBytes(s: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return bytes;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?=, =?UTF-8?B?…?=): adjacent words form one byte run, the space between them dropped. */
function decodeWords(header: string): string {
  let out = '';
  let bytes: number[] = [];
  let last = 0;
  const flush = () => {
    out += Buffer.from(bytes).toString('utf8');
    bytes = [];
  };
  for (const m of header.matchAll(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi)) {
    const between = header.slice(last, m.index);
    if (between.trim() !== '') {
      flush();
      out += between;
    } else if (bytes.length === 0) out += between;
    const data = m[2] ?? '';
    bytes.push(...(m[1]!.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' '))));
    last = m.index + m[0].length;
  }
  flush();
  return out + header.slice(last);
}

// ---------------------------------------------------------------------------------------

for (const dialect of dialects) {
  describe(`email alerts [${dialect}]`, () => {
    let smtp: TestSmtp;
    let hub: TestHub;
    let clock: TestClock;
    let mail: MailDeliverer;
    let operator: SignedInUser;

    beforeAll(async () => {
      smtp = await startSmtp();
      clock = createClock();
      hub = await createTestHub(dialect, { smtpUrl: smtp.url, smtpFrom: 'Tocsin Hub <hub@hub.test>', sessionTtlHours: '720' }, { now: clock.now, workers: false });
      mail = createMailDeliverer(hub.app.ctx);
      operator = await hub.createUser({ orgId: null, isOperator: true });
    });
    afterAll(async () => {
      await hub?.close();
      await smtp?.close();
    });

    /** A warning event as the warnings module records it: share, event and outbox rows in one transaction. */
    async function emitWarning(o: {
      producer: Organisation;
      audience: AudienceInput;
      tlp?: Tlp;
      kind?: WarningKind;
      severity?: Severity;
      title?: string;
      details?: string;
      type?: 'warning.created' | 'warning.updated' | 'warning.retracted';
      warningId?: string;
      retractionReason?: string;
    }): Promise<{ eventId: number; warningId: string }> {
      const ctx = hub.app.ctx;
      const now = ctx.now().toISOString();
      const tlp = o.tlp ?? 'amber';
      const kind = o.kind ?? 'phishing';
      const severity = o.severity ?? 'high';
      const type = o.type ?? 'warning.created';
      const warningId = o.warningId ?? randomUUID();
      return ctx.db.transaction().execute(async (trx) => {
        const rule = { tlp, audienceKind: o.audience.kind, producerOrgId: o.producer.id, audienceOrgIds: o.audience.orgIds ?? [], audienceGroupIds: o.audience.groupIds ?? [], anonymous: false };
        const share = await insertShare(trx, rule, { userId: null, publicLabel: null }, now);
        const warning: Warning = {
          id: warningId,
          reportId: `report--${randomUUID()}`,
          title: o.title ?? 'Fake invoices from billing@evil.example.net',
          kind,
          severity,
          startedAt: null,
          affectedServices: [],
          details: o.details ?? 'Staff got mails asking to pay at https://pay.evil.example.net/now.',
          indicators: [{ type: 'domain', value: 'evil.example.net', defanged: 'evil[.]example[.]net' }],
          tlp,
          audience: { kind: o.audience.kind, orgs: [], groups: [] },
          source: { anonymous: false, label: o.producer.name, orgId: o.producer.id },
          isOwn: false,
          status: type === 'warning.retracted' ? 'retracted' : 'active',
          version: type === 'warning.created' ? 1 : 2,
          createdAt: now,
          updatedAt: now,
          retractedAt: type === 'warning.retracted' ? now : null,
          retractionReason: o.retractionReason ?? null,
        };
        const eventId = await recordEvent(ctx, trx, {
          type,
          shareId: share.id,
          subjectId: warningId,
          rule: share,
          meta: { tlp, kind, severity, groupIds: rule.audienceGroupIds },
          full: { type, warning: { ...warning, isOwn: true } },
          others: { type, warning },
          actorUserId: null,
        });
        return { eventId, warningId };
      });
    }

    const outbox = (userId: string) => hub.app.ctx.db.selectFrom('mail_outbox').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    const groupOf = async (owner: Organisation, members: Organisation[]) => {
      const group = await createGroup(hub.app.ctx, cliActor(), { name: unique('Group'), ownerOrgId: owner.id });
      for (const m of members) await addGroupMember(hub.app.ctx, cliActor(), group.id, m.id);
      return group.id;
    };
    const setPrefs = async (user: SignedInUser, payload: object) => {
      const res = await hub.as(user, { method: 'PUT', url: '/api/me/alerts', payload });
      expect(res.statusCode, res.body).toBe(200);
    };

    describe('preferences', () => {
      it('defaults to immediate alerts for everything, and stores what the user sets', async () => {
        const org = await hub.createOrg();
        const user = await hub.createUser({ orgId: org.id, role: 'member' });
        const initial = await hub.as(user, { method: 'GET', url: '/api/me/alerts' });
        expect(initial.statusCode).toBe(200);
        expect(initial.json()).toEqual({ mode: 'immediate', filter: {} });

        const prefs = { mode: 'hourly', filter: { tlps: ['amber', 'red'], kinds: ['phishing'], minSeverity: 'high' } };
        const put = await hub.as(user, { method: 'PUT', url: '/api/me/alerts', payload: prefs });
        expect(put.statusCode, put.body).toBe(200);
        expect(put.json()).toEqual(prefs);
        expect((await hub.as(user, { method: 'GET', url: '/api/me/alerts' })).json()).toEqual(prefs);
        // Without a filter, the filter is cleared; empty lists mean "any" and are not kept.
        await setPrefs(user, { mode: 'none', filter: { kinds: [] } });
        expect((await hub.as(user, { method: 'GET', url: '/api/me/alerts' })).json()).toEqual({ mode: 'none', filter: {} });

        const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'alert_prefs.update').where('target_id', '=', user.id).orderBy('id').execute();
        expect(audit).toHaveLength(2);
        expect(audit[0]).toMatchObject({ org_id: org.id, actor_user_id: user.id });
        expect(JSON.parse(audit[0]!.details!)).toMatchObject({ mode: 'hourly', previousMode: 'immediate' });
        // Saving the same settings again changes nothing and audits nothing.
        await setPrefs(user, { mode: 'none' });
        expect(await hub.app.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'alert_prefs.update').where('target_id', '=', user.id).execute()).toHaveLength(2);
      });

      it('refuses bad settings with a 400 that says what is wrong', async () => {
        const org = await hub.createOrg();
        const other = await hub.createOrg();
        const user = await hub.createUser({ orgId: org.id, role: 'analyst' });
        const ownGroup = await groupOf(org, []);
        const foreignGroup = await groupOf(other, []);
        const cases: Array<[object, string]> = [
          [{ mode: 'weekly' }, 'VALIDATION_FAILED'],
          [{ mode: 'hourly', filter: { minSeverity: 'apocalyptic' } }, 'VALIDATION_FAILED'],
          [{ mode: 'hourly', filter: { colour: 'blue' } }, 'VALIDATION_FAILED'],
          [{ mode: 'hourly', filter: { groupIds: [foreignGroup] } }, 'ALERT_GROUP_NOT_ALLOWED'],
          [{ mode: 'hourly', filter: { groupIds: [randomUUID()] } }, 'ALERT_GROUP_NOT_ALLOWED'],
        ];
        for (const [payload, code] of cases) {
          const res = await hub.as(user, { method: 'PUT', url: '/api/me/alerts', payload });
          expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
          expect(res.json().code).toBe(code);
        }
        const bad = await hub.as(user, { method: 'PUT', url: '/api/me/alerts', payload: { mode: 'hourly', filter: { groupIds: [foreignGroup] } } });
        expect(bad.json().message).toContain(foreignGroup);
        expect(bad.json().message).toContain('your organisation');
        await setPrefs(user, { mode: 'immediate', filter: { groupIds: [ownGroup] } });
        expect((await hub.as(user, { method: 'GET', url: '/api/me/alerts' })).json().filter).toEqual({ groupIds: [ownGroup] });
      });

      it("lets an org admin and the operator read and set their users' alerts, and nobody else", async () => {
        const org = await hub.createOrg();
        const otherOrg = await hub.createOrg();
        const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
        const colleague = await hub.createUser({ orgId: org.id, role: 'analyst' });
        const member = await hub.createUser({ orgId: org.id, role: 'member' });
        const foreignAdmin = await hub.createUser({ orgId: otherOrg.id, role: 'admin' });
        const url = `/api/users/${member.id}/alerts`;

        const byAdmin = await hub.as(admin, { method: 'PUT', url, payload: { mode: 'hourly', filter: { minSeverity: 'critical' } } });
        expect(byAdmin.statusCode, byAdmin.body).toBe(200);
        expect((await hub.as(member, { method: 'GET', url: '/api/me/alerts' })).json()).toEqual({ mode: 'hourly', filter: { minSeverity: 'critical' } });
        expect((await hub.as(admin, { method: 'GET', url })).json()).toEqual({ mode: 'hourly', filter: { minSeverity: 'critical' } });
        expect((await hub.as(operator, { method: 'PUT', url, payload: { mode: 'none' } })).statusCode).toBe(200);
        expect((await hub.as(operator, { method: 'GET', url })).json().mode).toBe('none');
        // One's own settings by id work too.
        expect((await hub.as(member, { method: 'GET', url })).statusCode).toBe(200);

        for (const stranger of [colleague, foreignAdmin]) {
          for (const method of ['GET', 'PUT'] as const) {
            const res = await hub.as(stranger, { method, url, ...(method === 'PUT' ? { payload: { mode: 'immediate' } } : {}) });
            expect(res.statusCode, `${method} by ${stranger.email}`).toBe(404);
            expect(res.json().code).toBe('NOT_FOUND');
          }
        }
        // An org admin cannot reach the operator's settings either.
        expect((await hub.as(admin, { method: 'GET', url: `/api/users/${operator.id}/alerts` })).statusCode).toBe(404);
        expect((await hub.as(member, { method: 'GET', url: '/api/me/alerts' })).json().mode).toBe('none');

        const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'alert_prefs.update').where('target_id', '=', member.id).orderBy('id').execute();
        expect(audit.map((a) => a.actor_user_id)).toEqual([admin.id, operator.id]);
        expect(JSON.parse(audit[0]!.details!)).toMatchObject({ onBehalf: true, mode: 'hourly' });
      });

      it('refuses anonymous callers', async () => {
        expect((await hub.app.inject({ method: 'GET', url: '/api/me/alerts' })).statusCode).toBe(401);
      });
    });

    describe('delivery', () => {
      it('mails an immediate alert with a text and an HTML part, everything typed escaped', async () => {
        const producer = await hub.createOrg({ name: 'Springfield <b>City</b>' });
        const recipientOrg = await hub.createOrg({ name: 'Shelbyville' });
        const user = await hub.createUser({ orgId: recipientOrg.id, role: 'member' });
        const title = '<script>alert("x")</script> Invoice scam';
        const { warningId } = await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [recipientOrg.id] }, title, details: 'Line one <img src=x onerror=alert(1)>\nLine two' });

        expect(await mail.runOnce()).toBeGreaterThan(0);
        const got = smtp.to(user.email);
        expect(got).toHaveLength(1);
        const m = got[0]!;
        expect(m.raw).toContain('Content-Type: text/plain');
        expect(m.raw).toContain('Content-Type: text/html');
        expect(m.raw).toMatch(/^From: Tocsin Hub <hub@hub\.test>/m);
        expect(m.subject).toBe(`[TLP:AMBER] High: Phishing — ${title}`);
        expect(m.text).toContain(title);
        expect(m.text).toContain('Line two');
        expect(m.html).not.toContain('<script');
        expect(m.html).not.toContain('<img');
        expect(m.html).not.toContain('<b>City');
        expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Invoice scam');
        expect(m.html).toContain('Springfield &lt;b&gt;City&lt;/b&gt;');
        expect(m.html).toContain('evil[.]example[.]net');
        expect(m.html).toMatch(/background:#000000;color:#FFC000[^>]*>TLP:AMBER</);
        for (const part of [m.text, m.html]) {
          expect(part).toContain(`http://hub.test/warnings/${warningId}`);
          expect(part).toContain('http://hub.test/account');
          expect(part).toContain('Shelbyville');
        }
        expect(await outbox(user.id)).toMatchObject([{ kind: 'alert', status: 'sent', attempts: 1, sent_at: clock.now().toISOString() }]);
        // Nothing is sent twice.
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(1);
      });

      it('mails nobody whose alerts are off or whose filter excludes the warning', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const off = await hub.createUser({ orgId: org.id, role: 'member' });
        const highOnly = await hub.createUser({ orgId: org.id, role: 'member' });
        const ransomwareOnly = await hub.createUser({ orgId: org.id, role: 'member' });
        const redOnly = await hub.createUser({ orgId: org.id, role: 'member' });
        const amberPhishing = await hub.createUser({ orgId: org.id, role: 'member' });
        await setPrefs(off, { mode: 'none' });
        await setPrefs(highOnly, { mode: 'immediate', filter: { minSeverity: 'high' } });
        await setPrefs(ransomwareOnly, { mode: 'immediate', filter: { kinds: ['ransomware'] } });
        await setPrefs(redOnly, { mode: 'immediate', filter: { tlps: ['red'] } });
        await setPrefs(amberPhishing, { mode: 'immediate', filter: { tlps: ['amber'], kinds: ['phishing'], minSeverity: 'medium' } });

        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] }, severity: 'medium', kind: 'phishing', tlp: 'amber', title: 'Medium phishing' });
        await mail.runOnce();
        for (const u of [off, highOnly, ransomwareOnly, redOnly]) {
          expect(smtp.to(u.email), u.email).toHaveLength(0);
          expect(await outbox(u.id)).toHaveLength(0);
        }
        expect(smtp.to(amberPhishing.email).map((m) => m.subject)).toEqual(['[TLP:AMBER] Medium: Phishing — Medium phishing']);

        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] }, severity: 'critical', kind: 'ransomware', tlp: 'amber', title: 'Critical ransomware' });
        await mail.runOnce();
        expect(smtp.to(highOnly.email)).toHaveLength(1);
        expect(smtp.to(ransomwareOnly.email)).toHaveLength(1);
        expect(smtp.to(off.email)).toHaveLength(0);
        expect(smtp.to(redOnly.email)).toHaveLength(0);
        expect(smtp.to(amberPhishing.email)).toHaveLength(1);
      });

      it('sends an hourly digest once it is due: one mail with every warning, newest first', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const user = await hub.createUser({ orgId: org.id, role: 'member' });
        const immediate = await hub.createUser({ orgId: org.id, role: 'member' });
        await setPrefs(user, { mode: 'hourly' });
        const audience: AudienceInput = { kind: 'orgs', orgIds: [org.id] };

        const first = await emitWarning({ producer, audience, title: 'First wave', severity: 'medium' });
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(0);
        expect(smtp.to(immediate.email)).toHaveLength(1);
        clock.advance(minutes(30));
        await emitWarning({ producer, audience, title: 'Second wave', severity: 'critical', tlp: 'amber+strict' });
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(0);
        clock.advance(minutes(29));
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(0);
        expect((await outbox(user.id)).map((r) => [r.kind, r.status])).toEqual([
          ['digest', 'pending'],
          ['digest', 'pending'],
        ]);

        clock.advance(minutes(2));
        await mail.runOnce();
        const digests = smtp.to(user.email);
        expect(digests).toHaveLength(1);
        const d = digests[0]!;
        expect(d.subject).toBe('[TLP:AMBER+STRICT] Hourly digest: 2 warnings (highest: Critical)');
        for (const part of [d.text, d.html]) {
          expect(part.indexOf('Second wave')).toBeGreaterThan(-1);
          expect(part.indexOf('Second wave')).toBeLessThan(part.indexOf('First wave'));
          expect(part).toContain('http://hub.test/account');
        }
        expect(d.text).toContain('hourly digest');
        expect((await outbox(user.id)).every((r) => r.status === 'sent')).toBe(true);
        const prefs = await hub.app.ctx.db.selectFrom('alert_prefs').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
        expect(prefs.last_digest_at).toBe(clock.now().toISOString());

        // The next hour: a retraction arrives; it waits for its hour too, and is marked as one.
        await emitWarning({ producer, audience, type: 'warning.retracted', warningId: first.warningId, title: 'First wave', retractionReason: 'It was a drill' });
        clock.advance(minutes(10));
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(1);
        clock.advance(minutes(51));
        await mail.runOnce();
        const next = smtp.to(user.email);
        expect(next).toHaveLength(2);
        expect(next[1]!.subject).toBe('[TLP:AMBER] Hourly digest: 1 warning');
        expect(next[1]!.text).toContain('Retracted: It was a drill');
        expect(next[1]!.html).toContain('<s>First wave</s>');
      });

      it('retries a recipient the SMTP server refuses, without holding up anyone else', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const refused = await hub.createUser({ orgId: org.id, role: 'member' });
        const fine = await hub.createUser({ orgId: org.id, role: 'member' });
        smtp.rejecting.add(refused.email);
        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] }, title: 'Bounce test' });

        await mail.runOnce();
        expect(smtp.to(fine.email)).toHaveLength(1);
        expect(smtp.to(refused.email)).toHaveLength(0);
        const [row] = await outbox(refused.id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1, locked_until: null, next_attempt_at: new Date(clock.now().getTime() + 30_000).toISOString() });
        expect(row!.last_error).toContain('550');

        // Not before the pause is over; then the pause doubles.
        await mail.runOnce();
        expect((await outbox(refused.id))[0]!.attempts).toBe(1);
        clock.advance(31_000);
        await mail.runOnce();
        expect((await outbox(refused.id))[0]).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: new Date(clock.now().getTime() + 60_000).toISOString() });

        smtp.rejecting.delete(refused.email);
        clock.advance(61_000);
        await mail.runOnce();
        expect(smtp.to(refused.email).map((m) => m.subject)).toEqual(['[TLP:AMBER] High: Phishing — Bounce test']);
        expect((await outbox(refused.id))[0]).toMatchObject({ status: 'sent', attempts: 3 });
        expect(smtp.to(fine.email)).toHaveLength(1);
      });

      it('gives up on a mail refused for longer than the retry window', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const gone = await hub.createUser({ orgId: org.id, role: 'member' });
        smtp.rejecting.add(gone.email);
        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] } });
        await mail.runOnce();
        for (let i = 0; i < 26; i++) {
          clock.advance(hours(1));
          await mail.runOnce();
        }
        const [row] = await outbox(gone.id);
        expect(row).toMatchObject({ status: 'failed' });
        expect(row!.last_error).toMatch(/^gave up: /);
        // Backing off caps at an hour: about 30 attempts in a day, not thousands.
        expect(row!.attempts).toBeGreaterThan(20);
        expect(row!.attempts).toBeLessThan(40);
        expect(smtp.to(gone.email)).toHaveLength(0);
      });

      it('checks the audience again at send time: an organisation that left the group, or a disabled user, gets nothing', async () => {
        const producer = await hub.createOrg();
        const leaving = await hub.createOrg();
        const staying = await hub.createOrg();
        const groupId = await groupOf(producer, [leaving, staying]);
        const leaver = await hub.createUser({ orgId: leaving.id, role: 'admin' });
        const stayer = await hub.createUser({ orgId: staying.id, role: 'admin' });
        const disabled = await hub.createUser({ orgId: staying.id, role: 'member' });
        await emitWarning({ producer, audience: { kind: 'groups', groupIds: [groupId] }, title: 'Group only' });
        expect(await outbox(leaver.id)).toHaveLength(1);

        await removeGroupMember(hub.app.ctx, cliActor(), groupId, leaving.id);
        await updateUser(hub.app.ctx, cliActor(), disabled.id, { disabled: true });
        await mail.runOnce();
        expect(smtp.to(stayer.email)).toHaveLength(1);
        expect(smtp.to(leaver.email)).toHaveLength(0);
        expect(smtp.to(disabled.email)).toHaveLength(0);
        expect(await outbox(leaver.id)).toMatchObject([{ status: 'failed', last_error: 'no longer in the audience' }]);
        expect(await outbox(disabled.id)).toMatchObject([{ status: 'failed', last_error: 'the user is disabled' }]);
      });

      it('leaves mail pending while SMTP is not configured', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const user = await hub.createUser({ orgId: org.id, role: 'member' });
        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] } });
        const unconfigured = createMailDeliverer({ ...hub.app.ctx, mailer: { configured: false, send: async () => false, close() {} } });
        expect(await unconfigured.runOnce()).toBe(0);
        expect(await unconfigured.runOnce()).toBe(0);
        expect(await outbox(user.id)).toMatchObject([{ status: 'pending', attempts: 0, locked_until: null }]);
        await mail.runOnce();
        expect(smtp.to(user.email)).toHaveLength(1);
      });

      it('never sends one mail twice when several workers run at once', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const users = await Promise.all(Array.from({ length: 8 }, () => hub.createUser({ orgId: org.id, role: 'member' })));
        await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] }, title: 'Race' });
        const workers = [createMailDeliverer(hub.app.ctx, { batchSize: 3 }), createMailDeliverer(hub.app.ctx, { batchSize: 3 }), createMailDeliverer(hub.app.ctx, { batchSize: 3 })];
        for (let round = 0; round < 4; round++) await Promise.all(workers.map((w) => w.runOnce()));
        for (const u of users) expect(smtp.to(u.email), u.email).toHaveLength(1);
      });

      it('runs as a pump that wakes when the bus announces an event', async () => {
        const producer = await hub.createOrg();
        const org = await hub.createOrg();
        const user = await hub.createUser({ orgId: org.id, role: 'member' });
        const pump = createMailPump(hub.app.ctx, { intervalMs: 60_000 });
        pump.start();
        try {
          const { eventId } = await emitWarning({ producer, audience: { kind: 'orgs', orgIds: [org.id] }, title: 'Woken' });
          await hub.app.ctx.bus.publish({ kind: 'event', id: eventId });
          await expect.poll(() => smtp.to(user.email).length, { timeout: 10_000 }).toBe(1);
        } finally {
          await pump.stop();
        }
      });

      it('mails a warning sent through the API to its sharing group, and nobody outside it', async () => {
        const orgA = await hub.createOrg({ name: 'Sender Town' });
        const orgB = await hub.createOrg({ name: 'Group Peer' });
        const orgC = await hub.createOrg({ name: 'Not In Group' });
        const groupId = await groupOf(orgA, [orgB]);
        const analyst = await hub.createUser({ orgId: orgA.id, role: 'analyst' });
        const colleague = await hub.createUser({ orgId: orgA.id, role: 'member' });
        const peer = await hub.createUser({ orgId: orgB.id, role: 'member' });
        const outsider = await hub.createUser({ orgId: orgC.id, role: 'admin' });

        const res = await hub.as(analyst, {
          method: 'POST',
          url: '/api/warnings',
          payload: { title: 'Ransom note <on> printers', kind: 'ransomware', severity: 'critical', details: 'Printers print a ransom note.', tlp: 'AMBER', audience: { kind: 'groups', groupIds: [groupId] } },
        });
        expect(res.statusCode, res.body).toBe(201);
        const warningId = res.json().id as string;
        await mail.runOnce();

        const got = smtp.to(peer.email);
        expect(got.map((m) => m.subject)).toEqual(['[TLP:AMBER] Critical: Ransomware — Ransom note <on> printers']);
        expect(got[0]!.html).toContain('Ransom note &lt;on&gt; printers');
        expect(got[0]!.text).toContain(`http://hub.test/warnings/${warningId}`);
        expect(got[0]!.text).toContain('From: Sender Town');
        expect(smtp.to(outsider.email)).toHaveLength(0);
        expect(await outbox(outsider.id)).toHaveLength(0);
        // The sender is not mailed about their own warning; their colleagues are, as its producer.
        expect(smtp.to(analyst.email)).toHaveLength(0);
        expect(smtp.to(colleague.email)).toHaveLength(1);
        expect(smtp.to(colleague.email)[0]!.text).toContain('sent this warning');
      });
    });
  });
}
