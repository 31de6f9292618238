// Signing in through the HTTP API: cookies, lockout, rate limit, TOTP, password change and
// reset, CSRF and session end. Every test makes its own people, because some move the clock.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, hours, minutes } from '../test/clock.js';
import { createTestHub, dialects, testPassword, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { createRecordingMailer } from '../test/recording-mailer.js';
import { cliActor } from './actor.js';
import { updateSettings } from './settings.service.js';
import { currentTotp } from './totp.js';

const newPassword = 'a much longer passphrase 2026';

/** A six-digit code that is not valid at `now` nor one step either side. */
function wrongTotp(secret: string, email: string, now: Date): string {
  const valid = [-30_000, 0, 30_000].map((d) => currentTotp(secret, email, new Date(now.getTime() + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c))!;
}

for (const dialect of dialects) {
  describe(`sign-in and sessions [${dialect}]`, () => {
    let hub: TestHub;
    const clock = createClock();
    const mailer = createRecordingMailer();

    beforeAll(async () => {
      hub = await createTestHub(dialect, { loginMaxAttempts: '3', loginLockoutMinutes: '15' }, { now: clock.now, mailer });
    });
    afterAll(async () => hub?.close());

    const login = (payload: Record<string, unknown>, opts: Partial<InjectOptions> = {}) =>
      hub.app.inject({ method: 'POST', url: '/api/auth/login', payload, ...opts });
    /** a browser that sends the cookie, and the CSRF header only when given one */
    const browser = (user: SignedInUser, opts: InjectOptions, csrf?: string) =>
      hub.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), cookie: `tocsin_session=${user.cookie}`, ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }) } });
    const member = async (role: 'admin' | 'analyst' | 'member' = 'analyst') => hub.createUser({ orgId: (await hub.createOrg()).id, role });

    it('signs in with an httpOnly SameSite session cookie and returns the CSRF token', async () => {
      const user = await member();
      const res = await login({ email: user.email.toUpperCase(), password: testPassword });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'tocsin_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie.value.length).toBeGreaterThanOrEqual(40);
      expect(new Date(cookie.expires!).getTime()).toBe(clock.now().getTime() + hours(12));
      const body = res.json();
      expect(body.user).toMatchObject({ email: user.email, role: 'analyst', totpEnabled: false, mustEnrolTotp: false });
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(res.body).not.toContain('scrypt');
      const me = await browser({ ...user, cookie: cookie.value }, { method: 'GET', url: '/api/me' });
      expect(me.statusCode).toBe(200);
      expect(me.json().csrfToken).toBe(body.csrfToken);
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const user = await member();
      const wrong = await login({ email: user.email, password: 'not the password at all' });
      const unknown = await login({ email: `${unique('nobody')}@example.org`, password: testPassword });
      for (const res of [wrong, unknown]) {
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('AUTH_INVALID_CREDENTIALS');
        expect(res.cookies).toHaveLength(0);
      }
      expect(unknown.json().message).toBe(wrong.json().message);
    });

    it('locks an account after the configured failures, even for the right password, until the lockout ends', async () => {
      const user = await member();
      // A success in between resets the count.
      for (const password of ['wrong one', 'wrong two', testPassword, 'wrong three', 'wrong four']) await login({ email: user.email, password });
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(200);

      for (let i = 0; i < 3; i++) expect((await login({ email: user.email, password: `wrong ${i}` })).json().code).toBe('AUTH_INVALID_CREDENTIALS');
      const locked = await login({ email: user.email, password: testPassword });
      expect(locked.statusCode).toBe(423);
      expect(locked.json().code).toBe('AUTH_ACCOUNT_LOCKED');
      expect(locked.json().message).toContain(new Date(clock.now().getTime() + minutes(15)).toISOString());
      clock.advance(minutes(14));
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(423);
      clock.advance(minutes(1) + 1000);
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(200);

      const audit = await hub.app.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', user.id).where('action', 'like', 'auth.%').execute();
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.account_locked', 'auth.login_refused_locked']));
    });

    it('counts wrong guesses sent in parallel, so they cannot slip past the lockout', async () => {
      const user = await member();
      const guesses = await Promise.all(Array.from({ length: 6 }, (_, i) => login({ email: user.email, password: `parallel guess ${i}` })));
      expect(guesses.map((g) => g.statusCode)).toEqual(Array(6).fill(401));
      const res = await login({ email: user.email, password: testPassword });
      expect(res.statusCode, res.body).toBe(423);
      expect(res.json().code).toBe('AUTH_ACCOUNT_LOCKED');
    });

    it('limits sign-in attempts per address', async () => {
      const limited = await createTestHub(dialect, { loginRateLimit: '5' }, { now: clock.now });
      try {
        const attempt = (remoteAddress: string) =>
          limited.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: 'someone@example.org', password: 'guess guess guess' } });
        for (let i = 0; i < 5; i++) expect((await attempt('203.0.113.7')).statusCode).toBe(401);
        const refused = await attempt('203.0.113.7');
        expect(refused.statusCode).toBe(429);
        expect(refused.json().code).toBe('RATE_LIMITED');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect((await attempt('203.0.113.8')).statusCode).toBe(401);
      } finally {
        await limited.close();
      }
    });

    it('refuses a disabled user and ends their sessions', async () => {
      const org = await hub.createOrg();
      const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
      const analyst = await hub.createUser({ orgId: org.id, role: 'analyst' });
      expect((await hub.as(admin, { method: 'PATCH', url: `/api/users/${analyst.id}`, payload: { disabled: true } })).statusCode).toBe(200);
      const res = await login({ email: analyst.email, password: testPassword });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_ACCOUNT_DISABLED');
      const old = await hub.as(analyst, { method: 'GET', url: '/api/me' });
      expect(old.statusCode).toBe(401);
      expect(old.json().code).toBe('AUTH_SESSION_EXPIRED');
    });

    it('asks for an authenticator code once TOTP is on, and checks it', async () => {
      const user = await member('member');
      const setup = await hub.as(user, { method: 'POST', url: '/api/me/totp/setup' });
      expect(setup.statusCode).toBe(200);
      const { secret, otpauthUrl, qrSvg } = setup.json();
      expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Tocsin:/);
      expect(qrSvg).toContain('<svg');
      const badEnable = await hub.as(user, { method: 'POST', url: '/api/me/totp/enable', payload: { code: wrongTotp(secret, user.email, clock.now()) } });
      expect(badEnable.json().code).toBe('AUTH_TOTP_INVALID');
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(200);
      const enable = await hub.as(user, { method: 'POST', url: '/api/me/totp/enable', payload: { code: currentTotp(secret, user.email, clock.now()) } });
      expect(enable.statusCode, enable.body).toBe(204);
      expect((await hub.as(user, { method: 'POST', url: '/api/me/totp/setup' })).json().code).toBe('TOTP_ALREADY_ENABLED');

      const noCode = await login({ email: user.email, password: testPassword });
      expect(noCode.statusCode).toBe(401);
      expect(noCode.json().code).toBe('AUTH_TOTP_REQUIRED');
      const badCode = await login({ email: user.email, password: testPassword, totp: wrongTotp(secret, user.email, clock.now()) });
      expect(badCode.statusCode).toBe(401);
      expect(badCode.json().code).toBe('AUTH_TOTP_INVALID');
      const wrongPassword = await login({ email: user.email, password: 'wrong password here', totp: currentTotp(secret, user.email, clock.now()) });
      expect(wrongPassword.json().code).toBe('AUTH_INVALID_CREDENTIALS');
      // The code that enabled TOTP was used once already; sign in with the next one.
      clock.advance(30_000);
      const code = currentTotp(secret, user.email, clock.now());
      const ok = await login({ email: user.email, password: testPassword, totp: code });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().user.totpEnabled).toBe(true);
      // A code is accepted once: replaying it fails.
      expect((await login({ email: user.email, password: testPassword, totp: code })).json().code).toBe('AUTH_TOTP_INVALID');

      expect((await hub.as(user, { method: 'POST', url: '/api/me/totp/disable', payload: { password: 'not my password' } })).json().code).toBe('PASSWORD_WRONG');
      expect((await hub.as(user, { method: 'POST', url: '/api/me/totp/disable', payload: { password: testPassword } })).statusCode).toBe(204);
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(200);
    });

    it('when the operator requires TOTP for admins, an admin must enrol before anything else; members are unaffected', async () => {
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      const org = await hub.createOrg();
      const admin = await hub.createUser({ orgId: org.id, role: 'admin' });
      const plain = await hub.createUser({ orgId: org.id, role: 'member' });
      try {
        const set = await hub.as(operator, { method: 'PATCH', url: '/api/settings', payload: { requireTotpForAdmins: true } });
        expect(set.statusCode, set.body).toBe(200);
        expect(set.json()).toEqual({ requireTotpForAdmins: true });

        const blocked = await hub.as(admin, { method: 'GET', url: '/api/orgs' });
        expect(blocked.statusCode).toBe(403);
        expect(blocked.json().code).toBe('TOTP_ENROLMENT_REQUIRED');
        const me = await hub.as(admin, { method: 'GET', url: '/api/me' });
        expect(me.statusCode).toBe(200);
        expect(me.json().user.mustEnrolTotp).toBe(true);
        expect(me.json().settings.requireTotpForAdmins).toBe(true);

        const { secret } = (await hub.as(admin, { method: 'POST', url: '/api/me/totp/setup' })).json();
        expect((await hub.as(admin, { method: 'POST', url: '/api/me/totp/enable', payload: { code: currentTotp(secret, admin.email, clock.now()) } })).statusCode).toBe(204);
        expect((await hub.as(admin, { method: 'GET', url: '/api/orgs' })).statusCode).toBe(200);
        expect((await hub.as(admin, { method: 'GET', url: '/api/me' })).json().user.mustEnrolTotp).toBe(false);

        expect((await hub.as(plain, { method: 'GET', url: '/api/orgs' })).statusCode).toBe(200);
        expect((await hub.as(plain, { method: 'GET', url: '/api/me' })).json().user.mustEnrolTotp).toBe(false);
      } finally {
        await updateSettings(hub.app.ctx, cliActor(), { requireTotpForAdmins: false });
      }
    });

    it('changing the password signs out the other browsers, not this one', async () => {
      const here = await member();
      const there = await hub.signIn(here.email, testPassword);
      const change = (currentPassword: string, password: string) =>
        hub.as(here, { method: 'POST', url: '/api/me/password', payload: { currentPassword, newPassword: password } });
      expect((await change('not my password', newPassword)).json().code).toBe('PASSWORD_WRONG');
      expect((await change(testPassword, 'short')).json().code).toBe('PASSWORD_TOO_WEAK');
      expect((await change(testPassword, 'Passw0rd1234')).json().code).toBe('PASSWORD_TOO_WEAK');
      expect((await change(testPassword, newPassword)).statusCode).toBe(204);

      expect((await hub.as(here, { method: 'GET', url: '/api/me' })).statusCode).toBe(200);
      expect((await hub.as(there, { method: 'GET', url: '/api/me' })).json().code).toBe('AUTH_SESSION_EXPIRED');
      expect((await login({ email: here.email, password: testPassword })).statusCode).toBe(401);
      expect((await login({ email: here.email, password: newPassword })).statusCode).toBe(200);
    });

    it('resets a password by a single-use, expiring link, answering 202 whoever asks', async () => {
      const user = await member();
      const sentBefore = mailer.sent.length;
      const unknownEmail = `${unique('ghost')}@example.org`;
      const unknown = await hub.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: unknownEmail } });
      const known = await hub.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: ` ${user.email.toUpperCase()} ` } });
      expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
      expect(unknown.body).toBe(known.body);
      expect(mailer.sent.length).toBe(sentBefore + 1);
      expect(mailer.to(unknownEmail)).toHaveLength(0);
      const mail = mailer.to(user.email).at(-1)!;
      expect(mail.subject).toMatch(/reset/i);
      expect(mail.text).toContain('http://hub.test/reset/');
      const token = mailer.lastLink(user.email, 'reset');

      const complete = (t: string, password: string) => hub.app.inject({ method: 'POST', url: '/api/auth/password-reset/complete', payload: { token: t, password } });
      expect((await complete(token, 'tooshort')).json().code).toBe('PASSWORD_TOO_WEAK');
      expect((await complete(token, newPassword)).statusCode).toBe(204);
      const again = await complete(token, `${newPassword} again`);
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('LINK_INVALID');
      expect((await hub.as(user, { method: 'GET', url: '/api/me' })).json().code).toBe('AUTH_SESSION_EXPIRED');
      expect((await login({ email: user.email, password: testPassword })).statusCode).toBe(401);
      expect((await login({ email: user.email, password: newPassword })).statusCode).toBe(200);
      expect((await complete('made-up-token-value', newPassword)).json().code).toBe('LINK_INVALID');

      await hub.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: user.email } });
      const late = mailer.lastLink(user.email, 'reset');
      expect(late).not.toBe(token);
      clock.advance(minutes(61));
      const expired = await complete(late, `${newPassword} late`);
      expect(expired.statusCode).toBe(410);
      expect(expired.json().code).toBe('LINK_EXPIRED');
      expect((await login({ email: user.email, password: newPassword })).statusCode).toBe(200);
    });

    it('refuses cookie-authenticated changes without the right CSRF token, and changes nothing', async () => {
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      const other = await hub.createUser({ orgId: null, isOperator: true });
      const org = await hub.createOrg({ contact: { name: 'Before' } });
      const attempts: InjectOptions[] = [
        { method: 'PATCH', url: `/api/orgs/${org.id}`, payload: { contact: { name: 'After' } } },
        { method: 'POST', url: '/api/tokens', payload: { name: 'sneaky', scopes: ['read'] } },
        { method: 'DELETE', url: `/api/orgs/${org.id}` },
        { method: 'POST', url: '/api/auth/logout' },
      ];
      for (const opts of attempts) {
        for (const csrf of [undefined, 'wrong-token', other.csrf]) {
          const res = await browser(operator, opts, csrf);
          expect(res.statusCode, `${opts.method} ${opts.url} csrf=${csrf}`).toBe(403);
          expect(res.json().code).toBe('CSRF_INVALID');
        }
      }
      const read = await browser(operator, { method: 'GET', url: `/api/orgs/${org.id}` });
      expect(read.statusCode).toBe(200);
      expect(read.json().contact.name).toBe('Before');
      expect((await browser(operator, { method: 'GET', url: '/api/tokens' })).json().items).toEqual([]);
      expect((await browser(operator, { method: 'GET', url: '/api/me' })).statusCode).toBe(200);
    });

    it('signing out ends the session', async () => {
      const user = await member();
      const out = await hub.as(user, { method: 'POST', url: '/api/auth/logout' });
      expect(out.statusCode).toBe(204);
      const cleared = out.cookies.find((c) => c.name === 'tocsin_session')!;
      expect(cleared.value).toBe('');
      const after = await hub.as(user, { method: 'GET', url: '/api/me' });
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe('AUTH_SESSION_EXPIRED');
    });

    it('a session ends after TOCSIN_SESSION_TTL_HOURS', async () => {
      const user = await member();
      clock.advance(hours(11));
      expect((await hub.as(user, { method: 'GET', url: '/api/me' })).statusCode).toBe(200);
      clock.advance(hours(1) + 1000);
      const res = await hub.as(user, { method: 'GET', url: '/api/me' });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('AUTH_SESSION_EXPIRED');
      expect(res.cookies.find((c) => c.name === 'tocsin_session')?.value).toBe('');
    });
  });
}
