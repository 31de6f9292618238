// The server half of the throughput benchmark: the real app from dist/ plus a hello-world
// route, seeded with one organisation, one analyst and a read-scoped token. Forked by
// bench/foundation.mjs and driven over IPC; never run it by hand.
//
// Everything is production-like on purpose: default config (log level info, to stdout,
// which the parent points at /dev/null), the same buildApp, the same plugins and hooks.
// The one addition is a Kysely plugin that counts queries (an increment per query), so the
// parent can report queries per request.
import { Type } from '@sinclair/typebox';
import { buildApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/config.js';
import { actorOf } from '../dist/http/auth.plugin.js';
import { errorResponses, IdParams } from '../dist/http/schemas.js';
import { actorForUser } from '../dist/orgs/auth.service.js';
import { cliActor } from '../dist/orgs/actor.js';
import { createOrganisation, getOrganisation } from '../dist/orgs/organisations.service.js';
import { createToken } from '../dist/orgs/tokens.service.js';
import { createUser } from '../dist/orgs/users.service.js';
import { findUserByEmail } from '../dist/orgs/users.repository.js';
import { openStore } from '../dist/store/database.js';

const { dataDir, databaseUrl, breakdown } = JSON.parse(process.env.TOCSIN_BENCH_SERVER ?? '{}');
if (!dataDir || !process.send) {
  process.stderr.write('bench/foundation-server.mjs is started by bench/foundation.mjs\n');
  process.exit(2);
}

// Counts every query Kysely compiles, by statement kind and first table, while counting is on.
const counter = { on: false, total: 0, byStatement: new Map() };
const countingPlugin = {
  transformQuery({ node }) {
    if (counter.on) {
      counter.total += 1;
      const key = `${node.kind.replace('QueryNode', '').toLowerCase()} ${firstTable(node)}`;
      counter.byStatement.set(key, (counter.byStatement.get(key) ?? 0) + 1);
    }
    return node;
  },
  async transformResult({ result }) {
    return result;
  },
};

function firstTable(node) {
  const t = node.from?.froms?.[0] ?? node.into ?? node.table ?? node.from;
  return t?.table?.identifier?.name ?? t?.identifier?.name ?? t?.kind ?? '?';
}

const flags = { dataDir, host: '127.0.0.1', port: '0', ...(databaseUrl ? { databaseUrl } : {}) };
// An empty environment: the benchmark must not pick up TOCSIN_* settings from the shell.
const config = loadConfig({}, flags);
const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize });
const counted = { ...store, db: store.db.withPlugin(countingPlugin) };

const app = await buildApp(config, { store: counted });
// Same stack as every other route (hooks, helmet, metrics, auth hook with no credentials).
app.get('/bench/hello', { config: { public: true } }, async () => ({ hello: 'world' }));
// --breakdown splits the org read in two: the token path alone, and the org read alone.
let readActor = null;
if (breakdown) {
  app.get('/bench/whoami', {}, async (request) => ({ userId: actorOf(request).userId }));
  app.get(
    '/bench/org/:id',
    { config: { public: true }, schema: { params: IdParams, response: { 200: Type.Ref('Organisation'), ...errorResponses } } },
    async (request) => getOrganisation(app.ctx, readActor, request.params.id),
  );
}

const ctx = app.ctx;
const org = await createOrganisation(ctx, cliActor(), { name: 'Benchville', kind: 'city', population: 120_000, region: 'Region 3', domains: ['benchville.gov'] });
const email = 'analyst@benchville.gov';
await createUser(ctx, cliActor(), { email, name: 'Bench Analyst', orgId: org.id, role: 'analyst', isOperator: false, password: 'correct horse battery staple' });
const row = await findUserByEmail(ctx.db, email);
// As `tocsin token create --user` does: act as the user to create their token.
const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
const { secret: token } = await createToken(ctx, actor, { name: 'bench', scopes: ['read'] });
// What the token resolves to, built without a query, for /bench/org/:id.
readActor = { ...actorForUser(row, false, { ip: '127.0.0.1', userAgent: null }, 'token', null, new Set(['read'])), kind: 'user' };

await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address();

async function shutdown(code) {
  try {
    await app.close();
    await store.close();
  } finally {
    process.exit(code);
  }
}

process.on('message', (msg) => {
  if (msg.cmd === 'count-start') {
    counter.on = true;
    counter.total = 0;
    counter.byStatement.clear();
    process.send({ cmd: 'count-start' });
  } else if (msg.cmd === 'count-stop') {
    counter.on = false;
    process.send({ cmd: 'count-stop', total: counter.total, byStatement: Object.fromEntries(counter.byStatement) });
  } else if (msg.cmd === 'close') {
    void shutdown(0);
  }
});
// The parent died or let go: do not linger.
process.on('disconnect', () => void shutdown(0));

process.send({ cmd: 'ready', port, token, orgId: org.id, dialect: ctx.dialect });
