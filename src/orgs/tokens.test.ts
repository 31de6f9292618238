// API tokens through the HTTP API: shown once and stored hashed, Bearer and Basic, scopes
// bounded by role, revocation, expiry, usage tracking, and who may list or revoke whose.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, days } from '../test/clock.js';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import type { Role } from './actor.js';

const tokenShape = /^tcs_(tk[0-9a-f]{18})_([A-Za-z0-9_-]{43})$/;

interface Created {
  id: string;
  secret: string;
  secretPart: string;
  scopes: string[];
}

for (const dialect of dialects) {
  describe(`API tokens [${dialect}]`, () => {
    let hub: TestHub;
    const clock = createClock();

    beforeAll(async () => {
      hub = await createTestHub(dialect, {}, { now: clock.now });
    });
    afterAll(async () => hub?.close());

    const person = async (role: Role, orgInput: { observer?: boolean } = {}) => hub.createUser({ orgId: (await hub.createOrg(orgInput)).id, role });
    async function createToken(user: SignedInUser, scopes: string[], extra: Record<string, unknown> = {}): Promise<Created> {
      const res = await hub.as(user, { method: 'POST', url: '/api/tokens', payload: { name: 'script', scopes, ...extra } });
      expect(res.statusCode, res.body).toBe(201);
      const { token, secret } = res.json();
      const m = tokenShape.exec(secret)!;
      expect(m, secret).not.toBeNull();
      expect(m[1]).toBe(token.id);
      return { id: token.id, secret, secretPart: m[2]!, scopes: token.scopes };
    }
    const use = (token: string, opts: Partial<InjectOptions> = {}) => hub.withToken(token, { method: 'GET', url: '/api/me', ...opts });
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const code = async (p: Promise<{ json(): { code?: string } }>) => (await p).json().code;

    it('shows the secret once, lists the token without it, and stores only a hash', async () => {
      const analyst = await person('analyst');
      const t = await createToken(analyst, ['write'], { expiresInDays: 30 });
      expect(t.scopes).toEqual(['read', 'write']);
      const list = await hub.as(analyst, { method: 'GET', url: '/api/tokens' });
      expect(list.json().items).toEqual([
        expect.objectContaining({ id: t.id, name: 'script', userId: analyst.id, status: 'active', scopes: ['read', 'write'], expiresAt: new Date(clock.now().getTime() + days(30)).toISOString() }),
      ]);
      expect(list.body).not.toContain(t.secretPart);
      const row = await hub.app.ctx.db.selectFrom('api_tokens').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
      expect(row.secret_hash).not.toBe(t.secretPart);
      expect(JSON.stringify(row)).not.toContain(t.secretPart);
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('authenticates by Bearer, and by Basic as (token id, secret) or (anything, whole token)', async () => {
      const analyst = await person('analyst');
      const t = await createToken(analyst, ['read']);
      for (const authorization of [`Bearer ${t.secret}`, `bearer ${t.secret}`, basic(t.id, t.secretPart), basic('stix-client', t.secret), basic('', t.secret)]) {
        const res = await hub.app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
        expect(res.statusCode, authorization.slice(0, 12)).toBe(200);
        expect(res.json().user.email).toBe(analyst.email);
        expect(res.json().csrfToken).toBeNull();
      }
    });

    it('refuses a garbage, forged or unknown token with AUTH_TOKEN_INVALID', async () => {
      const analyst = await person('analyst');
      const t = await createToken(analyst, ['read']);
      const forged = `tcs_${t.id}_${'A'.repeat(43)}`;
      const unknown = `tcs_tk${'0'.repeat(18)}_${t.secretPart}`;
      for (const authorization of ['Bearer nonsense', `Bearer ${forged}`, `Bearer ${unknown}`, basic(t.id, 'A'.repeat(43)), 'Basic !!!', `Digest ${t.secret}`, 'Bearer']) {
        const res = await hub.app.inject({ method: 'GET', url: '/api/orgs', headers: { authorization } });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.json().code, authorization).toBe('AUTH_TOKEN_INVALID');
      }
    });

    it('a read token cannot change anything nor act as admin', async () => {
      const admin = await person('admin');
      const t = await createToken(admin, ['read']);
      expect(t.scopes).toEqual(['read']);
      expect((await use(t.secret, { url: '/api/orgs' })).statusCode).toBe(200);
      const post = await use(t.secret, { method: 'POST', url: '/api/tokens', payload: { name: 'more', scopes: ['read'] } });
      expect(post.statusCode).toBe(403);
      expect(post.json().code).toBe('SCOPE_INSUFFICIENT');
      const me = (await use(t.secret)).json().user;
      expect(await code(use(t.secret, { method: 'POST', url: `/api/orgs/${me.orgId}/invitations`, payload: { email: 'x@example.org', role: 'member' } }))).toBe('SCOPE_INSUFFICIENT');
      expect(await code(use(t.secret, { url: `/api/orgs/${me.orgId}/users` }))).toBe('SCOPE_INSUFFICIENT');
      expect(await code(use(t.secret, { url: '/api/audit' }))).toBe('SCOPE_INSUFFICIENT');
      expect(await code(use(t.secret, { method: 'DELETE', url: `/api/tokens/${t.id}` }))).toBe('SCOPE_INSUFFICIENT');
    });

    it("a token never exceeds its owner's role; an observer admin's token never writes", async () => {
      const member = await person('member');
      for (const scopes of [['write'], ['admin'], ['read', 'write']]) {
        const res = await hub.as(member, { method: 'POST', url: '/api/tokens', payload: { name: 'x', scopes } });
        expect(res.statusCode, JSON.stringify(scopes)).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      expect((await createToken(member, ['read'])).scopes).toEqual(['read']);
      const analyst = await person('analyst');
      expect((await hub.as(analyst, { method: 'POST', url: '/api/tokens', payload: { name: 'x', scopes: ['admin'] } })).statusCode).toBe(403);
      expect((await createToken(analyst, ['write'])).scopes).toEqual(['read', 'write']);

      const observer = await person('admin', { observer: true });
      expect((await hub.as(observer, { method: 'POST', url: '/api/tokens', payload: { name: 'x', scopes: ['write'] } })).statusCode).toBe(403);
      const t = await createToken(observer, ['admin']);
      expect(t.scopes).toEqual(['read', 'admin']);
      // It still manages its organisation: admin actions that change state are allowed.
      const orgId = (await use(t.secret)).json().user.orgId;
      const invite = await use(t.secret, { method: 'POST', url: `/api/orgs/${orgId}/invitations`, payload: { email: `obs-${t.id}@example.org`, role: 'member' } });
      expect(invite.statusCode, invite.body).toBe(201);
      expect((await use(t.secret, { url: `/api/orgs/${orgId}/users` })).statusCode).toBe(200);
    });

    it('a revoked or expired token stops working with its own code', async () => {
      const analyst = await person('analyst');
      const revoked = await createToken(analyst, ['read']);
      expect((await use(revoked.secret)).statusCode).toBe(200);
      expect((await hub.as(analyst, { method: 'DELETE', url: `/api/tokens/${revoked.id}` })).statusCode).toBe(204);
      const r = await use(revoked.secret);
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('AUTH_TOKEN_REVOKED');

      const short = await createToken(analyst, ['read'], { expiresInDays: 1 });
      const forever = await createToken(analyst, ['read'], { expiresInDays: null });
      clock.advance(days(1) - 1000);
      expect((await use(short.secret)).statusCode).toBe(200);
      clock.advance(2000);
      const e = await use(short.secret);
      expect(e.statusCode).toBe(401);
      expect(e.json().code).toBe('AUTH_TOKEN_EXPIRED');
      expect((await use(forever.secret)).statusCode).toBe(200);
      const fresh = await hub.signIn(analyst.email, analyst.password);
      const statuses = Object.fromEntries((await hub.as(fresh, { method: 'GET', url: '/api/tokens' })).json().items.map((i: { id: string; status: string }) => [i.id, i.status]));
      expect(statuses).toEqual({ [revoked.id]: 'revoked', [short.id]: 'expired', [forever.id]: 'active' });
    });

    it('stops working when its owner is disabled', async () => {
      const org = await hub.createOrg();
      const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
      const analyst = await hub.createUser({ orgId: org.id, role: 'analyst' });
      const t = await createToken(analyst, ['write']);
      expect((await use(t.secret)).statusCode).toBe(200);
      expect((await hub.as(admin, { method: 'PATCH', url: `/api/users/${analyst.id}`, payload: { disabled: true } })).statusCode).toBe(200);
      const res = await use(t.secret);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('AUTH_TOKEN_INVALID');
    });

    it('cannot use browser-only routes such as changing the password', async () => {
      const analyst = await person('analyst');
      const t = await createToken(analyst, ['write']);
      for (const url of ['/api/me/password', '/api/me/totp/setup']) {
        const res = await use(t.secret, { method: 'POST', url, payload: url.endsWith('password') ? { currentPassword: analyst.password, newPassword: 'another long passphrase' } : undefined });
        expect(res.statusCode, url).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      // the password is unchanged
      expect((await hub.signIn(analyst.email, analyst.password)).id).toBe(analyst.id);
    });

    it('records last use, and audits the first use from each new address only', async () => {
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      const analyst = await person('analyst');
      const t = await createToken(analyst, ['read']);
      const newAddressEntries = async () =>
        (await hub.as(operator, { method: 'GET', url: '/api/audit?action=token.new_address&limit=500' })).json().items.filter((e: { targetId: string }) => e.targetId === t.id);

      expect((await use(t.secret, { remoteAddress: '198.51.100.23' })).statusCode).toBe(200);
      const listed = (await hub.as(analyst, { method: 'GET', url: '/api/tokens' })).json().items[0];
      expect(listed).toMatchObject({ lastUsedAt: clock.now().toISOString(), lastUsedIp: '198.51.100.23' });
      const first = await newAddressEntries();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ ip: '198.51.100.23', actorKind: 'token', actorTokenId: t.id, actorUserId: analyst.id, details: { ip: '198.51.100.23', name: 'script' } });

      await use(t.secret, { remoteAddress: '198.51.100.23' });
      expect(await newAddressEntries()).toHaveLength(1);
      await use(t.secret, { remoteAddress: '198.51.100.99' });
      expect((await newAddressEntries()).map((e: { ip: string }) => e.ip).sort()).toEqual(['198.51.100.23', '198.51.100.99']);
    });

    it("an org admin lists and revokes the organisation's tokens; another org's admin cannot", async () => {
      const admin = await person('admin');
      const orgId = (await hub.as(admin, { method: 'GET', url: '/api/me' })).json().user.orgId as string;
      const analyst = await hub.createUser({ orgId, role: 'analyst' });
      const t = await createToken(analyst, ['write']);
      const stranger = await person('admin');

      const own = await hub.as(admin, { method: 'GET', url: `/api/tokens?orgId=${orgId}` });
      expect(own.json().items.map((i: { id: string }) => i.id)).toEqual([t.id]);
      expect(own.json().items[0].userEmail).toBe(analyst.email);
      const theirs = await hub.as(stranger, { method: 'GET', url: `/api/tokens?orgId=${orgId}` });
      expect(theirs.statusCode).toBe(403);
      expect((await hub.as(analyst, { method: 'GET', url: `/api/tokens?orgId=${orgId}` })).statusCode).toBe(403);
      const notYours = await hub.as(stranger, { method: 'DELETE', url: `/api/tokens/${t.id}` });
      expect(notYours.statusCode).toBe(404);
      expect(notYours.json().code).toBe('NOT_FOUND');
      expect((await use(t.secret)).statusCode).toBe(200);

      expect((await hub.as(admin, { method: 'DELETE', url: `/api/tokens/${t.id}` })).statusCode).toBe(204);
      expect((await use(t.secret)).json().code).toBe('AUTH_TOKEN_REVOKED');
      const audit = await hub.as(admin, { method: 'GET', url: '/api/audit?action=token' });
      expect(audit.json().items.map((e: { action: string; targetId: string }) => `${e.action} ${e.targetId}`)).toEqual(expect.arrayContaining([`token.create ${t.id}`, `token.revoke ${t.id}`]));
    });
  });
}
