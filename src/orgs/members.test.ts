// The members API end to end: invitations, roles, who may change which organisation,
// the guards that keep someone in charge, voting, the directory and the audit trail.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, hours } from '../test/clock.js';
import { createTestHub, dialects, testPassword, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { createRecordingMailer } from '../test/recording-mailer.js';
import { cliActor } from './actor.js';
import { updateUser } from './users.service.js';

const joinPassword = 'my own long passphrase';

for (const dialect of dialects) {
  describe(`members [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;
    const clock = createClock();
    const mailer = createRecordingMailer();

    beforeAll(async () => {
      hub = await createTestHub(dialect, { votingRule: 'city:100000', invitationTtlHours: '72' }, { now: clock.now, mailer });
      operator = await hub.createUser({ orgId: null, isOperator: true });
    });
    afterAll(async () => hub?.close());

    const anon = (opts: InjectOptions) => hub.app.inject(opts);
    const email = (prefix: string) => `${unique(prefix)}@example.org`;
    async function invite(by: SignedInUser, orgId: string, address: string, role = 'admin', remoteAddress?: string) {
      const res = await hub.as(by, { method: 'POST', url: `/api/orgs/${orgId}/invitations`, payload: { email: address, role }, ...(remoteAddress ? { remoteAddress } : {}) });
      expect(res.statusCode, res.body).toBe(201);
      return { ...(res.json() as { invitation: { id: string }; inviteUrl: string; emailSent: boolean }), token: mailer.lastLink(address, 'invite') };
    }
    async function accept(token: string, name = 'New Person', remoteAddress = '192.0.2.10') {
      return anon({ method: 'POST', url: `/api/invitations/by-token/${token}/accept`, payload: { name, password: joinPassword }, remoteAddress });
    }
    function signedIn(res: Awaited<ReturnType<typeof accept>>, address: string): SignedInUser {
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'tocsin_session')!.value;
      return { id: res.json().user.id, email: address, password: joinPassword, cookie, csrf: res.json().csrfToken };
    }

    it('operator creates an organisation, invites its admin, who joins, is signed in, and invites an analyst', async () => {
      const created = await hub.as(operator, { method: 'POST', url: '/api/orgs', payload: { name: unique('Riverton'), kind: 'city', population: 120_000 } });
      expect(created.statusCode).toBe(201);
      const org = created.json();
      const adminEmail = email('ciso');
      const inv = await invite(operator, org.id, adminEmail);
      expect(inv.emailSent).toBe(true);
      expect(inv.inviteUrl).toBe(`http://hub.test/invite/${inv.token}`);
      expect(mailer.to(adminEmail).at(-1)!.subject).toContain(org.name);

      const preview = await anon({ method: 'GET', url: `/api/invitations/by-token/${inv.token}` });
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toEqual({ email: adminEmail, organisationName: org.name, role: 'admin', isOperator: false });
      const admin = signedIn(await accept(inv.token, 'Casey Admin'), adminEmail);
      const me = await hub.as(admin, { method: 'GET', url: '/api/me' });
      expect(me.json().user).toMatchObject({ email: adminEmail, name: 'Casey Admin', orgId: org.id, role: 'admin', isOperator: false });
      expect(me.json().organisation.id).toBe(org.id);

      for (const res of [await accept(inv.token), await anon({ method: 'GET', url: `/api/invitations/by-token/${inv.token}` })]) {
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('LINK_INVALID');
      }
      const listed = await hub.as(admin, { method: 'GET', url: `/api/orgs/${org.id}/invitations` });
      expect(listed.json().items[0]).toMatchObject({ email: adminEmail, acceptedAt: clock.now().toISOString() });

      const analystEmail = email('analyst');
      const second = await invite(admin, org.id, analystEmail, 'analyst');
      const analyst = signedIn(await accept(second.token, 'Ana Lyst'), analystEmail);
      expect((await hub.as(analyst, { method: 'GET', url: '/api/me' })).json().user).toMatchObject({ role: 'analyst', orgId: org.id });
      const users = await hub.as(admin, { method: 'GET', url: `/api/orgs/${org.id}/users` });
      expect(users.json().items.map((u: { email: string }) => u.email).sort()).toEqual([adminEmail, analystEmail].sort());
    });

    it('refuses expired, revoked and duplicate invitations, and ones for existing accounts', async () => {
      const org = await hub.createOrg();
      const late = await invite(operator, org.id, email('late'));
      clock.advance(hours(72) + 1000);
      expect((await anon({ method: 'GET', url: `/api/invitations/by-token/${late.token}` })).json().code).toBe('LINK_EXPIRED');
      const expired = await accept(late.token);
      expect(expired.statusCode).toBe(410);
      expect(expired.json().code).toBe('LINK_EXPIRED');
      operator = await hub.signIn(operator.email, testPassword);

      const address = email('twice');
      const first = await invite(operator, org.id, address, 'member');
      const dup = await hub.as(operator, { method: 'POST', url: `/api/orgs/${org.id}/invitations`, payload: { email: address.toUpperCase(), role: 'analyst' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('INVITATION_PENDING');
      expect((await hub.as(operator, { method: 'DELETE', url: `/api/invitations/${first.invitation.id}` })).statusCode).toBe(204);
      expect((await accept(first.token)).json().code).toBe('LINK_INVALID');
      const again = await invite(operator, org.id, address, 'member');
      expect(again.token).not.toBe(first.token);

      const existing = await hub.createUser({ orgId: org.id, role: 'member' });
      const taken = await hub.as(operator, { method: 'POST', url: `/api/orgs/${org.id}/invitations`, payload: { email: existing.email, role: 'member' } });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().code).toBe('EMAIL_TAKEN');
    });

    it('an org admin changes roles and disables people in their organisation', async () => {
      const org = await hub.createOrg();
      const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
      const person = await hub.createUser({ orgId: org.id, role: 'analyst' });
      const patch = (payload: Record<string, unknown>) => hub.as(admin, { method: 'PATCH', url: `/api/users/${person.id}`, payload });
      expect((await patch({ role: 'member' })).json()).toMatchObject({ role: 'member', disabled: false });
      expect((await patch({ role: 'boss' })).json().code).toBe('VALIDATION_FAILED');
      expect((await patch({ disabled: true })).json().disabled).toBe(true);
      expect((await hub.as(person, { method: 'GET', url: '/api/me' })).statusCode).toBe(401);
      expect((await patch({ disabled: false })).json().disabled).toBe(false);
      expect((await hub.signIn(person.email, testPassword)).id).toBe(person.id);
      // a member cannot do any of this
      const peer = await hub.signIn(person.email, testPassword);
      expect((await hub.as(peer, { method: 'PATCH', url: `/api/users/${admin.id}`, payload: { role: 'member' } })).statusCode).toBe(403);
      expect((await hub.as(peer, { method: 'GET', url: `/api/orgs/${org.id}/users` })).statusCode).toBe(403);
    });

    it("an admin of organisation A cannot see or change organisation B's people or profile", async () => {
      const a = await hub.createOrg();
      const b = await hub.createOrg({ contact: { name: 'B contact' } });
      const adminA = await hub.createUser({ orgId: a.id, role: 'admin' });
      const userB = await hub.createUser({ orgId: b.id, role: 'analyst' });
      const checks: Array<[InjectOptions, number]> = [
        [{ method: 'GET', url: `/api/orgs/${b.id}/users` }, 403],
        [{ method: 'GET', url: `/api/orgs/${b.id}/invitations` }, 403],
        [{ method: 'POST', url: `/api/orgs/${b.id}/invitations`, payload: { email: email('intruder'), role: 'admin' } }, 403],
        [{ method: 'GET', url: `/api/users/${userB.id}` }, 404],
        [{ method: 'PATCH', url: `/api/users/${userB.id}`, payload: { role: 'admin' } }, 403],
        [{ method: 'PATCH', url: `/api/orgs/${b.id}`, payload: { contact: { name: 'Hijacked' } } }, 403],
        [{ method: 'GET', url: '/api/users' }, 403],
      ];
      for (const [opts, status] of checks) expect((await hub.as(adminA, opts)).statusCode, `${opts.method} ${opts.url}`).toBe(status);
      expect((await hub.as(operator, { method: 'GET', url: `/api/users/${userB.id}` })).json().role).toBe('analyst');
      expect((await hub.as(operator, { method: 'GET', url: `/api/orgs/${b.id}` })).json().contact.name).toBe('B contact');
    });

    it('an org admin may edit contact and assets of their organisation, but not name, kind, population or observer', async () => {
      const org = await hub.createOrg({ name: unique('Lakeside'), population: 40_000 });
      const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
      const ok = await hub.as(admin, {
        method: 'PATCH',
        url: `/api/orgs/${org.id}`,
        payload: { contact: { name: 'SOC', email: 'SOC@Lakeside.gov', phone: '+1 555 0100' }, domains: ['Lakeside.GOV'], ipRanges: ['192.0.2.0/25'], asns: ['AS64511'] },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ contact: { name: 'SOC', email: 'soc@lakeside.gov', phone: '+1 555 0100' }, domains: ['lakeside.gov'], ipRanges: ['192.0.2.0/25'], asns: [64511] });
      for (const payload of [{ name: 'Renamed' }, { kind: 'county' }, { population: 9_000_000 }, { observer: true }, { contact: { name: 'x' }, population: 1 }]) {
        const res = await hub.as(admin, { method: 'PATCH', url: `/api/orgs/${org.id}`, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      const now = (await hub.as(admin, { method: 'GET', url: `/api/orgs/${org.id}` })).json();
      expect(now).toMatchObject({ name: org.name, kind: 'city', population: 40_000, observer: false, contact: { name: 'SOC' } });
    });

    it('keeps at least one admin per organisation and one operator per hub', async () => {
      const org = await hub.createOrg();
      const first = await hub.createUser({ orgId: org.id, role: 'admin' });
      const second = await hub.createUser({ orgId: org.id, role: 'admin' });
      expect((await hub.as(first, { method: 'PATCH', url: `/api/users/${second.id}`, payload: { role: 'analyst' } })).statusCode).toBe(200);
      const last = await hub.as(first, { method: 'PATCH', url: `/api/users/${first.id}`, payload: { role: 'member' } });
      expect(last.statusCode).toBe(409);
      expect(last.json().code).toBe('LAST_ADMIN');
      expect((await hub.as(first, { method: 'PATCH', url: `/api/users/${first.id}`, payload: { disabled: true } })).statusCode).toBe(403);
      expect((await hub.as(operator, { method: 'GET', url: `/api/users/${first.id}` })).json()).toMatchObject({ role: 'admin', disabled: false });
      const lastDisable = await hub.as(operator, { method: 'PATCH', url: `/api/users/${first.id}`, payload: { disabled: true } });
      expect(lastDisable.json().code).toBe('LAST_ADMIN');

      // An operator who belongs to an organisation is not its admin's to disable.
      const orgOperator = await hub.createUser({ orgId: org.id, role: 'member', isOperator: true });
      expect((await hub.as(first, { method: 'PATCH', url: `/api/users/${orgOperator.id}`, payload: { disabled: true } })).statusCode).toBe(403);

      // On a hub of its own, disabling the only operator (possible only from the CLI) is refused.
      const lone = await createTestHub(dialect);
      try {
        const only = await lone.createUser({ orgId: null, isOperator: true });
        const other = await lone.createUser({ orgId: null, isOperator: true });
        expect((await lone.as(only, { method: 'PATCH', url: `/api/users/${other.id}`, payload: { disabled: true } })).statusCode).toBe(200);
        await expect(updateUser(lone.app.ctx, cliActor(), only.id, { disabled: true })).rejects.toMatchObject({ code: 'LAST_OPERATOR' });
        expect((await lone.as(only, { method: 'GET', url: '/api/me' })).json().user.disabled).toBe(false);
      } finally {
        await lone.close();
      }
    });

    it('computes voting from the configured rule; observers never vote', async () => {
      const create = async (payload: Record<string, unknown>) =>
        (await hub.as(operator, { method: 'POST', url: '/api/orgs', payload: { name: unique('Vote'), ...payload } })).json();
      expect((await create({ kind: 'city', population: 100_000 })).votingEligible).toBe(true);
      const small = await create({ kind: 'city', population: 99_999 });
      expect(small.votingEligible).toBe(false);
      expect((await create({ kind: 'city', population: null })).votingEligible).toBe(false);
      expect((await create({ kind: 'county', population: 5_000_000 })).votingEligible).toBe(false);
      expect((await create({ kind: 'city', population: 800_000, observer: true })).votingEligible).toBe(false);
      const grown = await hub.as(operator, { method: 'PATCH', url: `/api/orgs/${small.id}`, payload: { population: 150_000 } });
      expect(grown.json().votingEligible).toBe(true);
      const observed = await hub.as(operator, { method: 'PATCH', url: `/api/orgs/${small.id}`, payload: { observer: true } });
      expect(observed.json().votingEligible).toBe(false);
    });

    it('searches the directory by name, kind and region, and stores names verbatim', async () => {
      const tag = unique('dir').replace(/-/g, '');
      const north = await hub.createOrg({ name: `Northfield ${tag}`, kind: 'city', region: `North ${tag}` });
      const county = await hub.createOrg({ name: `Northfield County ${tag}`, kind: 'county', region: `North ${tag}` });
      const south = await hub.createOrg({ name: `Southport ${tag}`, kind: 'city', region: `South ${tag}` });
      const xss = await hub.createOrg({ name: `<script>alert(1)</script> ${tag}`, kind: 'nonprofit' });
      const member = await hub.createUser({ orgId: south.id, role: 'member' });
      const search = async (query: Record<string, string>) => {
        const res = await hub.as(member, { method: 'GET', url: '/api/orgs', query });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().items.map((o: { id: string }) => o.id);
      };
      // Order is by name; how punctuation sorts depends on the database collation, so compare as sets here.
      expect((await search({ q: tag })).sort()).toEqual([xss.id, county.id, north.id, south.id].sort());
      expect(await search({ q: `NORTHFIELD ${tag}` })).toEqual([north.id]);
      expect(await search({ q: `northfield c` })).toContain(county.id);
      expect(await search({ q: `%${tag}` })).toEqual([]);
      expect(await search({ kind: 'county', q: tag })).toEqual([county.id]);
      expect(await search({ region: `North ${tag}` })).toEqual([county.id, north.id]);
      expect((await hub.as(member, { method: 'GET', url: '/api/orgs', query: { kind: 'village' } })).statusCode).toBe(400);

      const stored = (await hub.as(member, { method: 'GET', url: `/api/orgs/${xss.id}` })).json();
      expect(stored.name).toBe(`<script>alert(1)</script> ${tag}`);
      expect((await hub.as(member, { method: 'GET', url: '/api/orgs', query: { q: tag } })).body).toContain('<script>alert(1)</script>');
    });

    it('keeps an audit trail with actor and address: org admins see their own, the operator everything', async () => {
      const a = await hub.createOrg();
      const b = await hub.createOrg();
      const adminB = await hub.createUser({ orgId: b.id, role: 'admin' });
      const joinEmail = email('audited');
      const inv = await invite(operator, a.id, joinEmail, 'admin', '198.51.100.1');
      const adminA = signedIn(await accept(inv.token, 'Audited Admin', '198.51.100.2'), joinEmail);
      const analyst = await hub.createUser({ orgId: a.id, role: 'analyst' });
      await hub.as(adminA, { method: 'PATCH', url: `/api/users/${analyst.id}`, payload: { role: 'member' }, remoteAddress: '198.51.100.3' });
      const token = (await hub.as(adminA, { method: 'POST', url: '/api/tokens', payload: { name: 'siem', scopes: ['read'] }, remoteAddress: '198.51.100.4' })).json().token;

      const trail = async (who: SignedInUser, query: Record<string, string> = {}) => hub.as(who, { method: 'GET', url: '/api/audit', query: { limit: '500', ...query } });
      const own = (await trail(adminA)).json().items as Array<Record<string, unknown>>;
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((e) => e.orgId === a.id)).toBe(true);
      const find = (action: string, targetId: string) => own.find((e) => e.action === action && e.targetId === targetId);
      expect(find('invitation.create', inv.invitation.id)).toMatchObject({ actorUserId: operator.id, actorLabel: operator.email, ip: '198.51.100.1' });
      expect(find('invitation.accept', adminA.id)).toMatchObject({ actorUserId: adminA.id, ip: '198.51.100.2' });
      expect(find('auth.login', adminA.id)).toMatchObject({ actorUserId: adminA.id, actorKind: 'user', ip: '198.51.100.2' });
      expect(find('user.role_change', analyst.id)).toMatchObject({ actorUserId: adminA.id, ip: '198.51.100.3', details: { from: 'analyst', to: 'member' } });
      expect(find('token.create', token.id)).toMatchObject({ actorUserId: adminA.id, ip: '198.51.100.4', details: { name: 'siem', scopes: ['read'] } });
      expect((await trail(adminA, { orgId: b.id })).statusCode).toBe(403);
      expect((await trail(adminB)).json().items.some((e: { orgId: string }) => e.orgId === a.id)).toBe(false);
      expect((await trail(analyst)).statusCode).toBe(403);
    });

    it('lets the operator read every trail, filter by action prefix, and page with before', async () => {
      const a = await hub.createOrg();
      const b = await hub.createOrg();
      await hub.createUser({ orgId: a.id, role: 'admin' });
      await hub.createUser({ orgId: b.id, role: 'admin' });
      const read = async (query: Record<string, string>) => {
        const res = await hub.as(operator, { method: 'GET', url: '/api/audit', query });
        expect(res.statusCode, res.body).toBe(200);
        return res.json() as { items: Array<{ id: number; action: string; orgId: string | null }>; nextBefore: number | null };
      };
      const all = (await read({ limit: '500' })).items;
      for (const orgId of [a.id, b.id, null]) expect(all.some((e) => e.orgId === orgId), String(orgId)).toBe(true);
      expect((await read({ orgId: a.id })).items.every((e) => e.orgId === a.id)).toBe(true);

      const auth = (await read({ action: 'auth', limit: '500' })).items.map((e) => e.action);
      expect(auth).toContain('auth.login');
      expect(auth.every((action) => action.startsWith('auth.'))).toBe(true);
      const logins = (await read({ action: 'auth.login', limit: '500' })).items.map((e) => e.action);
      expect(new Set(logins)).toEqual(new Set(['auth.login']));
      expect((await read({ action: 'auth.log' })).items).toEqual([]);

      const six = (await read({ limit: '6' })).items.map((e) => e.id);
      expect(six).toEqual([...six].sort((x, y) => y - x));
      const page1 = await read({ limit: '3' });
      expect(page1.nextBefore).toBe(page1.items[2]!.id);
      const page2 = await read({ limit: '3', before: String(page1.nextBefore) });
      expect([...page1.items, ...page2.items].map((e) => e.id)).toEqual(six);
    });
  });
}
