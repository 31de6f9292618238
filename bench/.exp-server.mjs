// temporary experiment server, deleted after use
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { buildApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/config.js';
import { actorForUser } from '../dist/orgs/auth.service.js';
import { cliActor } from '../dist/orgs/actor.js';
import { createOrganisation, getOrganisation } from '../dist/orgs/organisations.service.js';
import { createToken } from '../dist/orgs/tokens.service.js';
import { createUser } from '../dist/orgs/users.service.js';
import { findUserByEmail } from '../dist/orgs/users.repository.js';
import { openStore } from '../dist/store/database.js';
import { migrateToLatest } from '../dist/store/migrate.js';
import { actorOf } from '../dist/http/auth.plugin.js';
import { Type } from '@sinclair/typebox';

const { dataDir, databaseUrl, stmtCache, logLevel } = JSON.parse(process.env.EXP ?? '{}');
const config = loadConfig({}, { dataDir, host: '127.0.0.1', port: '0', ...(logLevel ? { logLevel } : {}), ...(databaseUrl ? { databaseUrl } : {}) });
let store;
if (stmtCache) {
  const raw = new SQLite(dataDir + '/tocsin.db');
  raw.pragma('journal_mode = WAL'); raw.pragma('synchronous = NORMAL'); raw.pragma('foreign_keys = ON'); raw.pragma('busy_timeout = 5000');
  const cache = new Map();
  const wrapped = { prepare(sql) { let s = cache.get(sql); if (!s) { s = raw.prepare(sql); cache.set(sql, s); } return s; }, close() { raw.close(); } };
  const db = new Kysely({ dialect: new SqliteDialect({ database: wrapped }) });
  await migrateToLatest(db);
  store = { db, dialect: 'sqlite', location: 'x', close: () => db.destroy() };
} else {
  store = await openStore({ databaseUrl: config.databaseUrl, dataDir, pgPoolSize: config.pgPoolSize });
}
const app = await buildApp(config, { store });
app.get('/bench/hello', { config: { public: true } }, async () => ({ hello: 'world' }));
app.get('/bench/whoami', {}, async (req) => ({ user: actorOf(req).userId }));
let benchActor;
app.get('/bench/org-public/:id', { config: { public: true }, schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: Type.Ref('Organisation') } } }, async (req) => getOrganisation(app.ctx, benchActor, req.params.id));
const ctx = app.ctx;
const org = await createOrganisation(ctx, cliActor(), { name: 'Benchville', kind: 'city', population: 120_000, region: 'Region 3', domains: ['benchville.gov'] });
await createUser(ctx, cliActor(), { email: 'a@b.gov', name: 'A', orgId: org.id, role: 'analyst', isOperator: false, password: 'correct horse battery staple' });
const row = await findUserByEmail(ctx.db, 'a@b.gov');
benchActor = { ...actorForUser(row, false, { ip: null, userAgent: 'x' }, 'token', null, new Set(['read'])), kind: 'user' };
const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'x' }, 'session', null), kind: 'user' };
const { secret: token } = await createToken(ctx, actor, { name: 'bench', scopes: ['read'] });
await app.listen({ host: '127.0.0.1', port: 0 });
process.on('message', async (m) => { if (m.cmd === 'close') { await app.close(); await store.close(); process.exit(0); } });
process.on('disconnect', () => process.exit(0));
process.send({ cmd: 'ready', port: app.server.address().port, token, orgId: org.id });
