// Webhooks end to end: managing them through the API (and who may not), the SSRF guard, and
// delivery to REAL HTTP receivers on 127.0.0.1 — signed, retried with the same idempotency
// key, in event order, never redirected, and re-checked against the audience at send time.
// Time is a test clock; the deliverer is driven by calling it, never by waiting for a timer.
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Organisation } from '../orgs/organisations.service.js';
import { insertShare } from '../sharing/shares.js';
import type { WebhookDeliveryRow } from '../store/schema.js';
import { createClock, hours, type TestClock } from '../test/clock.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { recordEvent } from './outbox.js';
import type { Resolver } from './ssrf.js';
import { claimDueDeliveries } from './webhooks.repository.js';
import { backoffMs, deliverDueWebhooks, verifySignature, webhookUserAgent, type DelivererOptions } from './webhooks.deliverer.js';
import type { Webhook } from './webhooks.service.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, any>;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** answer only after this long */
  delayMs?: number;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

/** A real HTTP server on 127.0.0.1; `respond` sees the request number (1, 2, …). */
async function startReceiver(respond: (n: number) => Reply = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body || 'null') as Record<string, any> });
      const reply = respond(received.length);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  receivers.push(receiver);
  return receiver;
}

const noJitter: DelivererOptions = { random: () => 0.5 };

for (const dialect of dialects) {
  describe(`webhooks [${dialect}]`, () => {
    let hub: TestHub;
    let clock: TestClock;
    let orgA: Organisation;
    let orgB: Organisation;
    let orgC: Organisation;
    let operator: SignedInUser;
    let adminA: SignedInUser;
    let analystA: SignedInUser;
    let memberA: SignedInUser;
    let adminB: SignedInUser;
    let adminC: SignedInUser;
    /** owned by A, with B as a member; C is outside */
    let groupG: string;

    beforeAll(async () => {
      clock = createClock();
      // Loopback is allowed only because the receivers live there; workers off: tests drive the deliverer.
      hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1', webhookTimeoutMs: '500' }, { now: clock.now, workers: false });
      [orgA, orgB, orgC] = await Promise.all([hub.createOrg(), hub.createOrg(), hub.createOrg()]);
      operator = await hub.createUser({ orgId: null, isOperator: true });
      adminA = await hub.createUser({ orgId: orgA.id, role: 'admin' });
      analystA = await hub.createUser({ orgId: orgA.id, role: 'analyst' });
      memberA = await hub.createUser({ orgId: orgA.id, role: 'member' });
      adminB = await hub.createUser({ orgId: orgB.id, role: 'admin' });
      adminC = await hub.createUser({ orgId: orgC.id, role: 'admin' });
      const g = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: unique('Region 3'), ownerOrgId: orgA.id } });
      groupG = g.json().id;
      expect((await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupG}/members/${orgB.id}` })).statusCode).toBe(204);
    });

    afterEach(async () => {
      // Every test starts with an empty outbox: no retries of an earlier test's rows.
      await hub.app.ctx.db.deleteFrom('webhook_deliveries').execute();
      await hub.app.ctx.db.deleteFrom('webhooks').execute();
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    });
    afterAll(async () => hub?.close());

    const run = (options: DelivererOptions = {}) => deliverDueWebhooks(hub.app.ctx, { ...noJitter, ...options });
    const nowSec = () => Math.floor(clock.now().getTime() / 1000);

    async function createHook(user: SignedInUser, orgId: string, payload: Record<string, unknown>): Promise<{ webhook: Webhook; secret: string }> {
      const res = await hub.as(user, { method: 'POST', url: `/api/orgs/${orgId}/webhooks`, payload: { name: unique('SOAR'), format: 'json', ...payload } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    async function deliveries(webhookId: string): Promise<WebhookDeliveryRow[]> {
      return hub.app.ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('event_id').execute();
    }

    /**
     * A warning event as the warnings module records it, written straight to the outbox: a share
     * from A to group G (or other audiences), with what the producer and the others see.
     */
    async function recordWarningEvent(opts: { title?: string; type?: string; audience?: { kind: 'groups' | 'orgs' | 'members'; ids?: string[] }; anonymous?: boolean; severity?: 'low' | 'medium' | 'high' | 'critical'; retractionReason?: string } = {}) {
      const ctx = hub.app.ctx;
      const title = opts.title ?? unique('Phishing against city staff');
      const type = opts.type ?? 'warning.created';
      const audience = opts.audience ?? { kind: 'groups', ids: [groupG] };
      const severity = opts.severity ?? 'high';
      const warningId = randomUUID();
      const view = (isOwn: boolean) => ({
        id: warningId,
        title,
        kind: 'phishing',
        severity,
        tlp: 'amber',
        source: opts.anonymous && !isOwn ? { anonymous: true, label: 'A member city in Region 3', orgId: null } : { anonymous: Boolean(opts.anonymous), label: orgA.name, orgId: orgA.id },
        isOwn,
        status: type === 'warning.retracted' ? 'retracted' : 'active',
        retractionReason: opts.retractionReason ?? null,
      });
      const eventId = await ctx.db.transaction().execute(async (trx) => {
        const rule = {
          tlp: 'amber' as const,
          audienceKind: audience.kind,
          producerOrgId: orgA.id,
          audienceOrgIds: audience.kind === 'orgs' ? (audience.ids ?? []) : [],
          audienceGroupIds: audience.kind === 'groups' ? (audience.ids ?? []) : [],
          anonymous: Boolean(opts.anonymous),
        };
        const share = await insertShare(trx, rule, { userId: null, publicLabel: opts.anonymous ? 'A member city in Region 3' : null }, clock.now().toISOString());
        return recordEvent(ctx, trx, {
          type,
          shareId: share.id,
          subjectId: warningId,
          rule: share,
          meta: { tlp: 'amber', kind: 'phishing', severity, groupIds: share.audienceGroupIds },
          full: { type, warning: view(true) },
          others: { type, warning: view(false) },
          actorUserId: null,
        });
      });
      return { eventId, warningId, title };
    }

    // --- managing webhooks -------------------------------------------------------------

    it('lets an org admin add a webhook, shows the signing secret once, and audits every change', async () => {
      const receiver = await startReceiver();
      const res = await hub.as(adminA, {
        method: 'POST',
        url: `/api/orgs/${orgA.id}/webhooks`,
        payload: { name: '  City   SOAR ', url: `${receiver.url}?team=soc#ignored`, format: 'json', filter: { tlps: ['amber', 'red'], minSeverity: 'high', kinds: [] } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { webhook, secret } = res.json<{ webhook: Webhook; secret: string }>();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(webhook).toMatchObject({
        orgId: orgA.id,
        name: 'City SOAR',
        url: `${receiver.url}?team=soc`,
        format: 'json',
        filter: { tlps: ['amber', 'red'], minSeverity: 'high' },
        enabled: true,
        secretHint: `whsec_…${secret.slice(-4)}`,
        createdBy: adminA.id,
      });
      expect(Object.keys(webhook).sort()).toEqual(['createdAt', 'createdBy', 'enabled', 'filter', 'format', 'id', 'name', 'orgId', 'secretHint', 'updatedAt', 'url']);

      // The secret never comes back.
      const got = await hub.as(adminA, { method: 'GET', url: `/api/webhooks/${webhook.id}` });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(webhook);
      const list = await hub.as(adminA, { method: 'GET', url: `/api/orgs/${orgA.id}/webhooks` });
      expect(list.json().items).toEqual([webhook]);
      for (const body of [got.body, list.body]) expect(body).not.toContain(secret.slice(6));

      const patched = await hub.as(adminA, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { name: 'SOAR (prod)', format: 'slack', enabled: false, filter: {} } });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ name: 'SOAR (prod)', format: 'slack', enabled: false, filter: {}, url: webhook.url });
      // Sending what is already there changes nothing and is not audited.
      expect((await hub.as(adminA, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { name: 'SOAR (prod)' } })).statusCode).toBe(200);

      const rotated = await hub.as(adminA, { method: 'POST', url: `/api/webhooks/${webhook.id}/rotate-secret` });
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().secret).toMatch(/^whsec_/);
      expect(rotated.json().secret).not.toBe(secret);

      const del = await hub.as(adminA, { method: 'DELETE', url: `/api/webhooks/${webhook.id}` });
      expect(del.statusCode).toBe(204);
      expect((await hub.as(adminA, { method: 'GET', url: `/api/webhooks/${webhook.id}` })).statusCode).toBe(404);

      const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['action', 'org_id', 'actor_user_id', 'details']).where('target_id', '=', webhook.id).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.rotate_secret', 'webhook.delete']);
      expect(audit.every((a) => a.org_id === orgA.id && a.actor_user_id === adminA.id)).toBe(true);
      expect(JSON.parse(audit[0]!.details!)).toMatchObject({ name: 'City SOAR', format: 'json', destination: new URL(receiver.url).origin });
      expect(JSON.parse(audit[1]!.details!)).toMatchObject({ fields: ['name', 'format', 'filter', 'enabled'], enabled: false });
      // Neither the secrets nor the full URL (which may itself be a credential) reach the audit trail.
      const trail = JSON.stringify(audit);
      expect(trail).not.toContain(secret.slice(6));
      expect(trail).not.toContain(rotated.json().secret.slice(6));
      expect(trail).not.toContain('team=soc');
    });

    it('lets the operator manage any organisation’s webhooks', async () => {
      const receiver = await startReceiver();
      const { webhook } = await createHook(operator, orgB.id, { url: receiver.url });
      expect(webhook.orgId).toBe(orgB.id);
      expect((await hub.as(adminB, { method: 'GET', url: `/api/orgs/${orgB.id}/webhooks` })).json().items.map((w: Webhook) => w.id)).toEqual([webhook.id]);
      expect((await hub.as(operator, { method: 'GET', url: `/api/webhooks/${webhook.id}` })).statusCode).toBe(200);
      const unknown = await hub.as(operator, { method: 'GET', url: `/api/orgs/${randomUUID()}/webhooks` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().message).toBe('No such organisation.');
    });

    it("hides A's webhooks from B's admin on every route (404), and leaves them unchanged", async () => {
      const receiver = await startReceiver();
      const { webhook } = await createHook(adminA, orgA.id, { url: receiver.url });
      const requests = [
        { method: 'GET' as const, url: `/api/webhooks/${webhook.id}` },
        { method: 'PATCH' as const, url: `/api/webhooks/${webhook.id}`, payload: { url: 'https://attacker.example/hook' } },
        { method: 'DELETE' as const, url: `/api/webhooks/${webhook.id}` },
        { method: 'POST' as const, url: `/api/webhooks/${webhook.id}/rotate-secret` },
        { method: 'POST' as const, url: `/api/webhooks/${webhook.id}/test` },
        { method: 'GET' as const, url: `/api/webhooks/${webhook.id}/deliveries` },
      ];
      for (const r of requests) {
        const res = await hub.as(adminB, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
        expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such webhook.' });
      }
      // The same answer as for a webhook that does not exist.
      expect((await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${randomUUID()}` })).json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such webhook.' });
      for (const r of [
        { method: 'GET' as const, url: `/api/orgs/${orgA.id}/webhooks` },
        { method: 'POST' as const, url: `/api/orgs/${orgA.id}/webhooks`, payload: { name: 'Mine now', url: 'https://attacker.example/hook', format: 'json' } },
      ]) {
        const res = await hub.as(adminB, r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
      }
      expect(receiver.received).toHaveLength(0);
      const after = await hub.as(adminA, { method: 'GET', url: `/api/webhooks/${webhook.id}` });
      expect(after.json()).toEqual(webhook);
      expect((await hub.as(adminA, { method: 'GET', url: `/api/orgs/${orgA.id}/webhooks` })).json().items).toHaveLength(1);
    });

    it('lets neither analysts nor members create, read or change webhooks (403)', async () => {
      const receiver = await startReceiver();
      const { webhook } = await createHook(adminA, orgA.id, { url: receiver.url });
      for (const user of [analystA, memberA]) {
        const create = await hub.as(user, { method: 'POST', url: `/api/orgs/${orgA.id}/webhooks`, payload: { name: 'Mine', url: receiver.url, format: 'json' } });
        expect(create.statusCode).toBe(403);
        expect(create.json().code).toBe('FORBIDDEN');
        for (const r of [
          { method: 'GET' as const, url: `/api/orgs/${orgA.id}/webhooks` },
          { method: 'GET' as const, url: `/api/webhooks/${webhook.id}` },
          { method: 'PATCH' as const, url: `/api/webhooks/${webhook.id}`, payload: { enabled: false } },
          { method: 'DELETE' as const, url: `/api/webhooks/${webhook.id}` },
          { method: 'POST' as const, url: `/api/webhooks/${webhook.id}/rotate-secret` },
        ]) {
          const res = await hub.as(user, r);
          expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
          expect(res.json().code).toBe('FORBIDDEN');
        }
      }
      expect((await hub.as(adminA, { method: 'GET', url: `/api/webhooks/${webhook.id}` })).json()).toEqual(webhook);
    });

    it('refuses bodies that do not fit the schema', async () => {
      for (const payload of [
        { name: 'x', url: 'https://hooks.example.org/', format: 'xml' },
        { name: '', url: 'https://hooks.example.org/', format: 'json' },
        { name: 'x', url: 'https://hooks.example.org/', format: 'json', filter: { tlps: ['purple'] } },
        { name: 'x', url: 'https://hooks.example.org/', format: 'json', secret: 'mine' },
      ]) {
        const res = await hub.as(adminA, { method: 'POST', url: `/api/orgs/${orgA.id}/webhooks`, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
    });

    // --- the SSRF guard -------------------------------------------------------------------

    it('refuses internal, credentialed and non-http URLs on create and update (400 URL_REFUSED)', async () => {
      const cases: Array<[string, RegExp]> = [
        ['http://127.0.0.2:8080/hook', /127\.0\.0\.2 is a loopback address/],
        ['http://10.1.2.3/hook', /10\.1\.2\.3 is a private address/],
        ['http://192.168.1.10/hook', /private address/],
        ['http://[::1]:8080/hook', /::1 is a loopback address/],
        ['http://[::ffff:10.0.0.1]/hook', /private address \(IPv4-mapped\)/],
        ['http://169.254.10.1/hook', /link-local address/],
        ['http://[fe80::1]/hook', /link-local address/],
        ['http://100.64.0.9/hook', /carrier-grade NAT/],
        ['http://169.254.169.254/latest/meta-data/iam', /cloud metadata endpoint/],
        ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata endpoint/],
        ['http://user:pass@127.0.0.1/hook', /user name or password/],
        ['ftp://127.0.0.1/hook', /only http:\/\/ and https:\/\//],
      ];
      for (const [url, reason] of cases) {
        const res = await hub.as(adminA, { method: 'POST', url: `/api/orgs/${orgA.id}/webhooks`, payload: { name: 'x', url, format: 'json' } });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().code, url).toBe('URL_REFUSED');
        expect(res.json().message, url).toMatch(reason);
      }
      expect(await hub.app.ctx.db.selectFrom('webhooks').select('id').execute()).toEqual([]);

      const receiver = await startReceiver();
      const { webhook } = await createHook(adminA, orgA.id, { url: receiver.url });
      const patch = await hub.as(adminA, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { url: 'http://10.0.0.5/hook' } });
      expect(patch.statusCode).toBe(400);
      expect(patch.json().code).toBe('URL_REFUSED');
      expect((await hub.as(adminA, { method: 'GET', url: `/api/webhooks/${webhook.id}` })).json().url).toBe(receiver.url);
    });

    it('refuses loopback too when the operator has not allowed it', async () => {
      const strict = await createTestHub(dialect, {}, { workers: false });
      try {
        const org = await strict.createOrg();
        const admin = await strict.createUser({ orgId: org.id, role: 'admin' });
        for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]:8080/hook', 'http://10.0.0.1/', 'http://169.254.169.254/']) {
          const res = await strict.as(admin, { method: 'POST', url: `/api/orgs/${org.id}/webhooks`, payload: { name: 'x', url, format: 'json' } });
          expect(res.statusCode, url).toBe(400);
          expect(res.json().code).toBe('URL_REFUSED');
        }
      } finally {
        await strict.close();
      }
    });

    it('checks every address again when connecting: a name that now resolves to an internal address is refused', async () => {
      const receiver = await startReceiver();
      // A webhook saved while its host resolved to a public address (written directly: no DNS in tests).
      const { webhook, secret } = await createHook(adminB, orgB.id, { url: receiver.url });
      const port = new URL(receiver.url).port;
      await hub.app.ctx.db.updateTable('webhooks').set({ url: `http://rebind.test:${port}/hook` }).where('id', '=', webhook.id).execute();
      const { eventId } = await recordWarningEvent();

      const toPrivate: Resolver = async () => [{ address: '10.0.0.7', family: 4 }];
      expect(await run({ resolver: toPrivate })).toBe(1);
      let [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ event_id: eventId, status: 'pending', attempts: 1, last_status: null });
      expect(row!.last_error).toBe('refused at connect time: rebind.test resolves to 10.0.0.7, a private address; the operator can allow it with TOCSIN_OUTBOUND_ALLOW');
      expect(receiver.received).toHaveLength(0);

      // The same lookup is what the connection uses: resolving to the (allowed) receiver delivers.
      clock.advance(backoffMs(1, () => 0.5));
      const toReceiver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      expect(await run({ resolver: toReceiver })).toBe(1);
      [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.headers.host).toBe(`rebind.test:${port}`);
      expect(verifySignature(secret, String(receiver.received[0]!.headers['tocsin-signature']), receiver.received[0]!.body, 300, nowSec())).toBe(true);
    });

    it('checks a literal address again before sending, and counts a broken stored event as a failed attempt', async () => {
      const receiver = await startReceiver();
      const refused = await createHook(adminB, orgB.id, { url: receiver.url });
      const broken = await createHook(adminC, orgC.id, { url: receiver.url });
      // Allowed when saved, refused now (as after the operator narrows TOCSIN_OUTBOUND_ALLOW).
      await hub.app.ctx.db.updateTable('webhooks').set({ url: 'http://10.0.0.1:9000/hook' }).where('id', '=', refused.webhook.id).execute();
      await recordWarningEvent();
      const { eventId } = await recordWarningEvent({ audience: { kind: 'orgs', ids: [orgC.id] } });
      await hub.app.ctx.db.updateTable('events').set({ data: '{not json' }).where('id', '=', eventId).execute();

      expect(await run()).toBe(2);
      expect((await deliveries(refused.webhook.id))[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: 'The URL http://10.0.0.1:9000 is refused: 10.0.0.1 is a private address; the operator can allow it with TOCSIN_OUTBOUND_ALLOW.',
      });
      expect((await deliveries(broken.webhook.id))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'internal error in the hub; see its log', locked_until: null });
      expect(receiver.received).toHaveLength(0);
    });

    // --- delivery -------------------------------------------------------------------------

    it('delivers a signed event to the audience only, within one run', async () => {
      const [recvA, recvB, recvC] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
      const hookA = await createHook(adminA, orgA.id, { url: recvA.url });
      const hookB = await createHook(adminB, orgB.id, { url: recvB.url });
      const hookC = await createHook(adminC, orgC.id, { url: recvC.url });
      const { eventId, warningId, title } = await recordWarningEvent({ anonymous: true });

      expect(await run()).toBe(2);
      expect(await run()).toBe(0);
      expect(recvC.received).toHaveLength(0);
      expect(await deliveries(hookC.webhook.id)).toEqual([]);

      const [got] = recvB.received;
      expect(recvB.received).toHaveLength(1);
      expect(got!.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': webhookUserAgent,
        'tocsin-event-id': String(eventId),
        'tocsin-event-type': 'warning.created',
        'idempotency-key': `evt_${eventId}`,
      });
      const signature = String(got!.headers['tocsin-signature']);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(signature.startsWith(`t=${nowSec()},`)).toBe(true);
      expect(verifySignature(hookB.secret, signature, got!.body, 300, nowSec())).toBe(true);
      expect(verifySignature(hookA.secret, signature, got!.body, 300, nowSec())).toBe(false);
      expect(verifySignature(hookB.secret, signature, got!.body.replace('high', 'low'), 300, nowSec())).toBe(false);
      expect(verifySignature(hookB.secret, signature, got!.body, 300, nowSec() + 301)).toBe(false);

      // B sees what recipients see (the anonymous producer hidden); A, the producer, sees itself.
      expect(got!.json).toEqual({
        id: eventId,
        type: 'warning.created',
        occurredAt: clock.now().toISOString(),
        data: { type: 'warning.created', warning: expect.objectContaining({ id: warningId, title, isOwn: false, source: { anonymous: true, label: 'A member city in Region 3', orgId: null } }) },
      });
      expect(recvA.received[0]!.json.data.warning).toMatchObject({ isOwn: true, source: { orgId: orgA.id, label: orgA.name } });

      const [row] = await deliveries(hookB.webhook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200, last_error: null, delivered_at: clock.now().toISOString(), locked_until: null });
      expect(row!.duration_ms).toBeGreaterThanOrEqual(0);
    });

    it('retries a failing receiver with growing pauses and the same Idempotency-Key until it answers', async () => {
      const receiver = await startReceiver((n) => (n <= 2 ? { status: 503, body: 'maintenance\u0007 window' } : { status: 204 }));
      const { webhook, secret } = await createHook(adminB, orgB.id, { url: receiver.url });
      const { eventId } = await recordWarningEvent();
      const created = clock.now().toISOString();

      expect(await run()).toBe(1);
      let [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: 503, last_error: 'HTTP 503: maintenance window', created_at: created });
      expect(row!.next_attempt_at).toBe(new Date(clock.now().getTime() + 10_000).toISOString());
      // Not due yet: nothing happens.
      clock.advance(9_000);
      expect(await run()).toBe(0);

      clock.advance(1_000);
      expect(await run()).toBe(1);
      [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 2, last_status: 503 });
      expect(row!.next_attempt_at).toBe(new Date(clock.now().getTime() + 20_000).toISOString());

      clock.advance(20_000);
      expect(await run()).toBe(1);
      [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204, last_error: null, delivered_at: clock.now().toISOString() });

      expect(receiver.received).toHaveLength(3);
      expect(new Set(receiver.received.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`evt_${eventId}`]));
      expect(new Set(receiver.received.map((r) => r.headers['tocsin-event-id']))).toEqual(new Set([String(eventId)]));
      for (const r of receiver.received) expect(verifySignature(secret, String(r.headers['tocsin-signature']), r.body, 300, nowSec())).toBe(true);
    });

    it('keeps event order per webhook: a later event waits while an earlier one is retried', async () => {
      let up = false;
      const receiver = await startReceiver(() => (up ? { status: 200 } : { status: 500 }));
      const other = await startReceiver();
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      const otherHook = await createHook(adminA, orgA.id, { url: other.url });
      const first = await recordWarningEvent({ title: 'first' });
      const second = await recordWarningEvent({ title: 'second' });
      const third = await recordWarningEvent({ title: 'third' });

      // B's receiver is down: only its first event is tried; A's receiver gets all three meanwhile.
      while ((await run()) > 0) {}
      expect(receiver.received.map((r) => r.json.id)).toEqual([first.eventId]);
      expect(other.received.map((r) => r.json.id)).toEqual([first.eventId, second.eventId, third.eventId]);

      up = true;
      clock.advance(11_000);
      while ((await run()) > 0) {}
      expect(receiver.received.map((r) => r.json.id)).toEqual([first.eventId, first.eventId, second.eventId, third.eventId]);
      expect((await deliveries(webhook.id)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect((await deliveries(otherHook.webhook.id)).map((d) => d.attempts)).toEqual([1, 1, 1]);
    });

    it('does not follow redirects: a 3xx is a failed attempt that says so', async () => {
      const target = await startReceiver();
      const receiver = await startReceiver(() => ({ status: 302, headers: { location: target.url } }));
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      await recordWarningEvent();
      expect(await run()).toBe(1);
      const [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: 302 });
      expect(row!.last_error).toBe(`HTTP 302: redirect to ${target.url} not followed; set the webhook URL to the final address`);
      expect(receiver.received).toHaveLength(1);
      expect(target.received).toHaveLength(0);
    });

    it('gives up on a receiver that does not answer within TOCSIN_WEBHOOK_TIMEOUT_MS', async () => {
      const receiver = await startReceiver(() => ({ status: 200, delayMs: 3_000 }));
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      await recordWarningEvent();
      const started = Date.now();
      expect(await run()).toBe(1);
      expect(Date.now() - started).toBeLessThan(2_500);
      const [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: null, last_error: 'no answer within 500 ms' });
      expect(row!.duration_ms).toBeGreaterThanOrEqual(450);
      expect(row!.duration_ms).toBeLessThan(2_500);
    });

    it('re-checks the audience at send time: an organisation removed from the group gets nothing', async () => {
      const receiver = await startReceiver();
      const orgD = await hub.createOrg();
      const adminD = await hub.createUser({ orgId: orgD.id, role: 'admin' });
      expect((await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupG}/members/${orgD.id}` })).statusCode).toBe(204);
      const { webhook } = await createHook(adminD, orgD.id, { url: receiver.url });
      await recordWarningEvent();
      expect(await deliveries(webhook.id)).toHaveLength(1);

      expect((await hub.as(operator, { method: 'DELETE', url: `/api/groups/${groupG}/members/${orgD.id}` })).statusCode).toBe(204);
      expect(await run()).toBe(1);
      const [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'failed', attempts: 0, last_error: 'no longer in the audience' });
      expect(receiver.received).toHaveLength(0);
    });

    it('fails what is pending for a disabled webhook instead of sending it', async () => {
      const receiver = await startReceiver();
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      await recordWarningEvent();
      expect((await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { enabled: false } })).statusCode).toBe(200);
      await recordWarningEvent(); // no delivery at all for a disabled webhook
      expect(await run()).toBe(1);
      expect(await deliveries(webhook.id)).toEqual([expect.objectContaining({ status: 'failed', last_error: 'the webhook is disabled' })]);
      expect(receiver.received).toHaveLength(0);
    });

    it('builds Slack and Teams messages with their required fields and a link to the warning', async () => {
      const [slack, teams] = await Promise.all([startReceiver(), startReceiver()]);
      await createHook(adminB, orgB.id, { url: slack.url, format: 'slack' });
      await createHook(adminB, orgB.id, { url: teams.url, format: 'teams' });
      const { warningId } = await recordWarningEvent({ title: 'Fake <invoice> & payroll mail', severity: 'critical' });
      expect(await run()).toBe(2);
      const link = `http://hub.test/warnings/${warningId}`;

      const s = slack.received[0]!.json;
      expect(typeof s.text).toBe('string');
      expect(s.text).toContain('CRITICAL');
      expect(s.text).toContain('TLP:AMBER');
      expect(s.text).toContain('Fake &lt;invoice&gt; &amp; payroll mail');
      expect(s.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'New warning: Fake <invoice> & payroll mail', emoji: false } });
      const fields = s.blocks[1].fields.map((f: { text: string }) => f.text);
      expect(fields).toEqual(['*Severity*\nCRITICAL', '*TLP*\nTLP:AMBER', '*Kind*\nPhishing', `*Source*\n${orgA.name}`]);
      expect(s.blocks.find((b: { type: string }) => b.type === 'actions').elements[0]).toMatchObject({ type: 'button', url: link });

      const t = teams.received[0]!.json;
      expect(t).toMatchObject({
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: 'New warning: Fake <invoice> & payroll mail',
        title: 'New warning: Fake <invoice> & payroll mail',
        themeColor: 'C50F1F',
        potentialAction: [{ '@type': 'OpenUri', name: 'Open in Tocsin', targets: [{ os: 'default', uri: link }] }],
      });
      expect(typeof t.text).toBe('string');
      expect(t.sections[0].facts).toEqual(expect.arrayContaining([{ name: 'TLP', value: 'TLP:AMBER' }, { name: 'Severity', value: 'CRITICAL' }, { name: 'Kind', value: 'Phishing' }]));
      // Both are signed like any other format.
      for (const r of [slack, teams]) expect(r.received[0]!.headers['tocsin-signature']).toMatch(/^t=\d+,v1=/);
    });

    it('rotating the secret invalidates the old one at once', async () => {
      const receiver = await startReceiver();
      const { webhook, secret } = await createHook(adminB, orgB.id, { url: receiver.url });
      await recordWarningEvent();
      await run();
      const rotated = (await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${webhook.id}/rotate-secret` })).json<{ secret: string }>().secret;
      await recordWarningEvent();
      await run();
      const [before, after] = receiver.received;
      const check = (s: string, r: Received) => verifySignature(s, String(r.headers['tocsin-signature']), r.body, 300, nowSec());
      expect(check(secret, before!)).toBe(true);
      expect(check(secret, after!)).toBe(false);
      expect(check(rotated, after!)).toBe(true);
      expect((await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}` })).json().secretHint).toBe(`whsec_…${rotated.slice(-4)}`);
    });

    it('sends a signed ping on demand and reports the answer, storing nothing', async () => {
      const ok = await startReceiver();
      const failing = await startReceiver(() => ({ status: 401, body: 'bad signature' }));
      const good = await createHook(adminB, orgB.id, { url: ok.url, format: 'json' });
      const bad = await createHook(adminB, orgB.id, { url: failing.url, format: 'teams' });

      const res = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${good.webhook.id}/test` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ delivered: true, status: 200, error: null, durationMs: expect.any(Number) });
      const ping = ok.received[0]!;
      expect(ping.json).toMatchObject({ id: 0, type: 'ping', data: { webhookId: good.webhook.id } });
      expect(ping.headers['tocsin-event-type']).toBe('ping');
      expect(ping.headers['idempotency-key']).toBe(ping.headers['tocsin-event-id']);
      expect(verifySignature(good.secret, String(ping.headers['tocsin-signature']), ping.body, 300, nowSec())).toBe(true);

      const res2 = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${bad.webhook.id}/test` });
      expect(res2.json()).toMatchObject({ delivered: false, status: 401, error: 'HTTP 401: bad signature' });
      expect(failing.received[0]!.json).toMatchObject({ '@type': 'MessageCard', potentialAction: expect.any(Array) });
      expect(await hub.app.ctx.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
    });

    it('shows the delivery log, newest first, filtered and paged', async () => {
      let calls = 0;
      const receiver = await startReceiver(() => (++calls === 2 ? { status: 500, body: 'boom' } : { status: 200 }));
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      const e1 = await recordWarningEvent();
      await run();
      const e2 = await recordWarningEvent({ type: 'warning.updated' });
      await run();
      const createdAt = clock.now().toISOString();

      const res = await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}/deliveries` });
      expect(res.statusCode, res.body).toBe(200);
      const { items, nextBefore } = res.json<{ items: Array<Record<string, unknown>>; nextBefore: number | null }>();
      expect(nextBefore).toBeNull();
      expect(items).toEqual([
        {
          id: expect.any(Number),
          eventId: e2.eventId,
          eventType: 'warning.updated',
          status: 'pending',
          attempts: 1,
          lastStatus: 500,
          lastError: 'HTTP 500: boom',
          durationMs: expect.any(Number),
          createdAt,
          deliveredAt: null,
          nextAttemptAt: new Date(clock.now().getTime() + 10_000).toISOString(),
        },
        {
          id: expect.any(Number),
          eventId: e1.eventId,
          eventType: 'warning.created',
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          durationMs: expect.any(Number),
          createdAt,
          deliveredAt: createdAt,
          nextAttemptAt: null,
        },
      ]);
      const delivered = await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}/deliveries?status=delivered` });
      expect(delivered.json().items.map((d: { eventId: number }) => d.eventId)).toEqual([e1.eventId]);
      const page1 = (await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}/deliveries?limit=1` })).json();
      expect(page1.items.map((d: { eventId: number }) => d.eventId)).toEqual([e2.eventId]);
      const page2 = (await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}/deliveries?limit=1&before=${page1.nextBefore}` })).json();
      expect(page2.items.map((d: { eventId: number }) => d.eventId)).toEqual([e1.eventId]);
      expect(page2.nextBefore).toBeNull();
      const bad = await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}/deliveries?status=lost` });
      expect(bad.statusCode).toBe(400);
    });

    if (dialect === 'postgres') {
      it('never lets two concurrent claims take the same delivery (SKIP LOCKED)', async () => {
        const ctx = hub.app.ctx;
        const hooks = [];
        for (let i = 0; i < 6; i++) hooks.push((await createHook(adminB, orgB.id, { url: `http://127.0.0.1:9/hook-${i}` })).webhook);
        await recordWarningEvent();
        await recordWarningEvent();
        const now = clock.now().toISOString();
        const lockedUntil = new Date(clock.now().getTime() + 60_000).toISOString();
        const claims = await Promise.all([1, 2, 3, 4].map(() => claimDueDeliveries(ctx.db, ctx.dialect, { now, lockedUntil, limit: 4 })));
        const ids = claims.flat().map((d) => d.id);
        expect(new Set(ids).size).toBe(ids.length);
        // Only the oldest event of each webhook is due: six rows, never the second event's.
        expect(ids).toHaveLength(6);
        expect(new Set(claims.flat().map((d) => d.webhook_id))).toEqual(new Set(hooks.map((h) => h.id)));
      });
    }

    // --- with the warnings module -------------------------------------------------------

    it('delivers a warning posted through the API to the group, and nothing outside it', async () => {
      const [recvB, recvC] = await Promise.all([startReceiver(), startReceiver()]);
      const hookB = await createHook(adminB, orgB.id, { url: recvB.url });
      const hookC = await createHook(adminC, orgC.id, { url: recvC.url });
      const res = await hub.as(analystA, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title: 'Ransomware at the water utility', kind: 'ransomware', severity: 'critical', details: 'File shares encrypted overnight.', tlp: 'AMBER', audience: { kind: 'groups', groupIds: [groupG] } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const warning = res.json<{ id: string }>();
      expect(await run()).toBe(1);
      expect(recvB.received).toHaveLength(1);
      expect(recvB.received[0]!.json).toMatchObject({ type: 'warning.created', data: { warning: { id: warning.id, title: 'Ransomware at the water utility', tlp: 'amber', isOwn: false } } });
      expect(verifySignature(hookB.secret, String(recvB.received[0]!.headers['tocsin-signature']), recvB.received[0]!.body, 300, nowSec())).toBe(true);
      expect(recvC.received).toHaveLength(0);
      expect(await deliveries(hookC.webhook.id)).toEqual([]);
    });

    // Last: it moves the clock past every session's lifetime.
    it('marks a delivery failed once the retry window has passed, retrying at most an hour apart until then', async () => {
      const receiver = await startReceiver(() => ({ status: 500 }));
      const { webhook } = await createHook(adminB, orgB.id, { url: receiver.url });
      await recordWarningEvent();
      const created = clock.now().getTime();
      const attemptTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const [row] = await deliveries(webhook.id);
        if (row!.status !== 'pending') break;
        clock.advance(Math.max(0, Date.parse(row!.next_attempt_at) - clock.now().getTime()));
        attemptTimes.push(clock.now().getTime());
        expect(await run()).toBe(1);
      }
      const [row] = await deliveries(webhook.id);
      expect(row).toMatchObject({ status: 'failed', last_status: 500, last_error: 'HTTP 500' });
      expect(row!.attempts).toBe(attemptTimes.length);
      expect(receiver.received).toHaveLength(attemptTimes.length);
      // The last attempt falls on the end of the 24-hour window, none after it.
      expect(attemptTimes.at(-1)! - created).toBe(hours(24));
      const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!);
      expect(gaps.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(hours(1));
      expect(attemptTimes.length).toBeGreaterThan(25);
      expect(attemptTimes.length).toBeLessThan(40);
      expect(new Set(receiver.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      // Nothing more happens to it.
      clock.advance(hours(2));
      expect(await run()).toBe(0);
    });
  });
}
