// Test helpers: a fresh store per test file on each dialect (a temporary SQLite file, or a
// temporary PostgreSQL database), a built app on it, and shortcuts to sign people in.
// Nothing here fakes the store: both dialects are the real thing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp, type App, type BuildOptions } from '../app.js';
import { loadConfig, type Config } from '../config/config.js';
import type { OptionKey } from '../config/options.js';
import { cliActor, type Role } from '../orgs/actor.js';
import { createOrganisation, type Organisation, type OrganisationInput } from '../orgs/organisations.service.js';
import { createUser } from '../orgs/users.service.js';
import { openStore, type Store } from '../store/database.js';
import type { DialectName } from '../store/dialect.js';

export const dialects = inject('dialects') as DialectName[];

export interface TestStore {
  store: Store;
  /** the settings a second process would need to open the same database */
  databaseUrl: string | undefined;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function createTestStore(dialect: DialectName): Promise<TestStore> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tocsin-test-'));
  if (dialect === 'sqlite') {
    const store = await openStore({ dataDir });
    return {
      store,
      databaseUrl: undefined,
      dataDir,
      async cleanup() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const baseUrl = inject('pgUrl');
  const name = `tocsin_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), dataDir, pgPoolSize: 5 });
  return {
    store,
    databaseUrl: url.toString(),
    dataDir,
    async cleanup() {
      await store.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function testConfig(dataDir: string, overrides: Partial<Record<OptionKey, string>> = {}, databaseUrl?: string): Config {
  return loadConfig(
    {},
    {
      dataDir,
      logLevel: 'silent',
      publicUrl: 'http://hub.test',
      loginRateLimit: '1000',
      // A tenth of the production hashing cost: the suite signs in thousands of times.
      passwordScryptCost: '11',
      // Reports are made on a wall-clock schedule: only the tests of reports turn them on, so a
      // suite that runs across the report time does not mail everyone else's test users.
      reportsEnabled: 'false',
      ...(databaseUrl ? { databaseUrl } : {}),
      ...overrides,
    },
  );
}

export interface SignedInUser {
  id: string;
  email: string;
  password: string;
  cookie: string;
  csrf: string;
}

export interface TestHub {
  app: App;
  dialect: DialectName;
  testStore: TestStore;
  config: Config;
  /** inject as a signed-in browser: sends the session cookie and the CSRF header */
  as(user: SignedInUser, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** inject with an API token */
  withToken(token: string, opts: InjectOptions): Promise<LightMyRequestResponse>;
  createOrg(input?: Partial<OrganisationInput>): Promise<Organisation>;
  /** create a user directly (as the CLI would) and sign them in */
  createUser(opts: { orgId: string | null; role?: Role | null; isOperator?: boolean; email?: string }): Promise<SignedInUser>;
  signIn(email: string, password: string): Promise<SignedInUser & { id: string }>;
  close(): Promise<void>;
}

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(2).toString('hex')}`;
}

export const testPassword = 'correct horse battery staple';

export async function createTestHub(
  dialect: DialectName,
  overrides: Partial<Record<OptionKey, string>> = {},
  options: Omit<BuildOptions, 'store'> = {},
): Promise<TestHub> {
  const testStore = await createTestStore(dialect);
  const config = testConfig(testStore.dataDir, overrides, testStore.databaseUrl);
  const app = await buildApp(config, { store: testStore.store, logger: pino({ level: 'silent' }), webRoot: null, ...options });
  await app.ready();

  const hub: TestHub = {
    app,
    dialect,
    testStore,
    config,
    as(user, opts) {
      const headers = { ...(opts.headers ?? {}), cookie: `tocsin_session=${user.cookie}`, 'x-csrf-token': user.csrf };
      return app.inject({ ...opts, headers });
    },
    withToken(token, opts) {
      return app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${token}` } });
    },
    async createOrg(input = {}) {
      return createOrganisation(app.ctx, cliActor(), { name: unique('Town'), kind: 'city', population: 50_000, region: 'Region 3', ...input });
    },
    async createUser({ orgId, role = 'admin', isOperator = false, email }) {
      const address = email ?? `${unique('user')}@example.org`;
      await createUser(app.ctx, cliActor(), { email: address, name: address.split('@')[0]!, orgId, role: orgId ? role : null, isOperator, password: testPassword });
      return hub.signIn(address, testPassword);
    },
    async signIn(email, password) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
      const body = res.json<{ user: { id: string }; csrfToken: string }>();
      const cookie = res.cookies.find((c) => c.name === 'tocsin_session')!.value;
      return { id: body.user.id, email, password, cookie, csrf: body.csrfToken };
    },
    async close() {
      await app.close();
      await testStore.cleanup();
    },
  };
  return hub;
}
