// The operator's scripted path: organisation, user and token in three commands, each read
// back as JSON, and the token then works against the API on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../app.js';
import { createTestStore, dialects, testConfig, type TestStore } from '../test/harness.js';
import { runCli } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

for (const dialect of dialects) {
  describe(`tocsin member commands [${dialect}]`, () => {
    let testStore: TestStore;
    let env: Record<string, string>;

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      env = { TOCSIN_DATA_DIR: testStore.dataDir, TOCSIN_LOG_LEVEL: 'silent', ...(testStore.databaseUrl ? { TOCSIN_DATABASE_URL: testStore.databaseUrl } : {}) };
    });
    afterAll(async () => testStore?.cleanup());

    const cli = async (...args: string[]) => {
      const c = capture();
      const code = await runCli(args, c.io, env);
      return { code, out: c.out.join('\n'), err: c.err.join('\n') };
    };

    it('creates an organisation, a user and a token in three commands, and the token works', async () => {
      const org = await cli('org', 'create', '--name', 'Lakeside', '--kind', 'city', '--population', '260000', '--domain', 'lakeside.example', '--ip-range', '203.0.113.9/24', '--json');
      expect(org.code, org.err).toBe(0);
      const orgJson = JSON.parse(org.out);
      expect(orgJson).toMatchObject({ name: 'Lakeside', votingEligible: true, ipRanges: ['203.0.113.0/24'] });

      const user = await cli('user', 'create', '--email', 'Admin@Lakeside.example', '--org', 'Lakeside', '--role', 'admin', '--json');
      expect(user.code, user.err).toBe(0);
      const userJson = JSON.parse(user.out);
      expect(userJson.user).toMatchObject({ email: 'admin@lakeside.example', role: 'admin', orgId: orgJson.id });
      expect(userJson.password).toMatch(/^.{20}$/);

      const token = await cli('token', 'create', '--user', 'admin@lakeside.example', '--name', 'firewall', '--scope', 'read', '--json');
      expect(token.code, token.err).toBe(0);
      const tokenJson = JSON.parse(token.out);
      expect(tokenJson.secret).toMatch(/^tcs_tk[0-9a-f]{18}_/);
      expect(tokenJson.token.scopes).toEqual(['read']);

      const app = await buildApp(testConfig(testStore.dataDir, {}, testStore.databaseUrl), { logger: pino({ level: 'silent' }), webRoot: null });
      try {
        const res = await app.inject({ method: 'GET', url: `/api/orgs/${orgJson.id}`, headers: { authorization: `Bearer ${tokenJson.secret}` } });
        expect(res.statusCode).toBe(200);
        expect(res.json().name).toBe('Lakeside');
      } finally {
        await app.close();
      }

      const listed = await cli('token', 'list', '--user', 'admin@lakeside.example', '--json');
      expect(JSON.parse(listed.out)).toHaveLength(1);
      // The secret part: everything after `tcs_<id>_` (it may itself hold an underscore).
      expect(listed.out).not.toContain(tokenJson.secret.split('_').slice(2).join('_'));
      const revoked = await cli('token', 'revoke', tokenJson.token.id, '--json');
      expect(revoked.code).toBe(0);
      const audit = await cli('audit', '--action', 'token', '--json');
      expect(JSON.parse(audit.out).items.map((e: { action: string }) => e.action)).toEqual(['token.revoke', 'token.new_address', 'token.create']);
    });

    it('reports mistakes as one clear line with a stable code and a non-zero exit', async () => {
      const badKind = await cli('org', 'create', '--name', 'Nowhere', '--kind', 'village');
      expect(badKind.code).toBe(1);
      expect(badKind.err).toMatch(/^error VALIDATION_FAILED: .*kind "village" is not one of city/);
      const unknownOrg = await cli('user', 'create', '--email', 'x@y.example', '--org', 'No Such Town');
      expect(unknownOrg.code).toBe(1);
      expect(unknownOrg.err).toContain('NOT_FOUND');
      const missing = await cli('org', 'create', '--kind', 'city');
      expect(missing.code).toBe(2);
      expect(missing.err).toContain("required option '--name <name>'");
      const badConfig = await runCli(['org', 'list'], capture().io, { ...env, TOCSIN_PORT: 'eighty' });
      expect(badConfig).toBe(2);
      const list = await cli('org', 'list', '--json');
      expect(JSON.parse(list.out).map((o: { name: string }) => o.name)).not.toContain('Nowhere');
    });

    it('prints the configuration with secrets redacted', async () => {
      const c = capture();
      const code = await runCli(['config', '--json'], c.io, { ...env, TOCSIN_SMTP_URL: 'smtp://user:hunter2@mail.example:587', TOCSIN_METRICS_TOKEN: 's3cret-metrics' });
      expect(code).toBe(0);
      const printed = c.out.join('\n');
      expect(printed).not.toContain('hunter2');
      expect(printed).not.toContain('s3cret-metrics');
      expect(JSON.parse(printed).smtpUrl).toBe('[redacted]');
    });
  });
}
