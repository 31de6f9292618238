// Seeding for the fan-out benchmark (bench/fanout.mjs), through the built services in dist/
// as the CLI would, and the statements one warning POST costs (a Kysely plugin counts them).
import { randomBytes } from 'node:crypto';

/** The body of every benchmark warning; @TITLE@ and @GROUP@ are filled in per post. */
export const warningBody = JSON.stringify({
  title: '@TITLE@',
  kind: 'ddos',
  severity: 'high',
  details:
    'Since 06:40 our 311 portal and the permit system have been hit by an HTTP flood (about 40k requests per second at peak) ' +
    'from a few hundred residential addresses, most of them in two ASNs. The attackers rotate user agents and hit /search with ' +
    'random query strings to miss the cache. Rate limiting at the edge and a challenge page for /search brought it under control. ' +
    'Check your own portals for the same pattern.',
  affectedServices: ['311 portal', 'permits'],
  indicators: [
    { type: 'ipv4', value: '203.0.113.45' },
    { type: 'domain', value: 'flood-c2.example.net' },
    { type: 'url', value: 'hxxp://flood-c2.example[.]net/panel/login' },
  ],
  tlp: 'amber',
  audience: { kind: 'groups', groupIds: ['@GROUP@'] },
});

/**
 * Through the built services, as the CLI would: `orgCount` member cities, each with an analyst
 * and a read token; a sender city with a write token; one sharing group (owned by the sender)
 * holding all of them; one webhook per receiver URL, in the first member cities.
 */
export async function seed({ dataDir, databaseUrl, receiverUrls, orgCount }) {
  const { default: pino } = await import('pino');
  const { buildApp } = await import('../dist/app.js');
  const { loadConfig } = await import('../dist/config/config.js');
  const { openStore } = await import('../dist/store/database.js');
  const { cliActor } = await import('../dist/orgs/actor.js');
  const { actorForUser } = await import('../dist/orgs/auth.service.js');
  const { createOrganisation } = await import('../dist/orgs/organisations.service.js');
  const { createUser } = await import('../dist/orgs/users.service.js');
  const { findUserByEmail } = await import('../dist/orgs/users.repository.js');
  const { createToken } = await import('../dist/orgs/tokens.service.js');
  const { createGroup, addGroupMember } = await import('../dist/orgs/groups.service.js');
  const { createWebhook } = await import('../dist/push/webhooks.service.js');

  const config = loadConfig({}, { dataDir, outboundAllow: '127.0.0.1', logLevel: 'silent', ...(databaseUrl ? { databaseUrl } : {}) });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: 5 });
  const statements = [];
  let counting = false;
  const countingPlugin = {
    transformQuery({ node }) {
      if (counting) statements.push(statementOf(node));
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
  const app = await buildApp(config, { store: { ...store, db: store.db.withPlugin(countingPlugin) }, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
  try {
    const ctx = app.ctx;
    const op = cliActor();
    const password = `fan-out ${randomBytes(8).toString('hex')}`;
    const tokenFor = async (orgId, email, scopes) => {
      await createUser(ctx, op, { email, name: email.split('@')[0], orgId, role: 'analyst', isOperator: false, password });
      const row = await findUserByEmail(ctx.db, email);
      const actor = { ...actorForUser(row, false, { ip: null, userAgent: 'tocsin-bench' }, 'session', null), kind: 'user' };
      return (await createToken(ctx, actor, { name: 'fan-out bench', scopes })).secret;
    };
    const sender = await createOrganisation(ctx, op, { name: 'Fanout Sender City', kind: 'city', population: 400_000, region: 'Region 3' });
    const members = [];
    for (let i = 0; i < orgCount; i++) {
      members.push(await createOrganisation(ctx, op, { name: `Fanout Town ${String(i + 1).padStart(2, '0')}`, kind: 'city', population: 20_000 + i * 1000, region: 'Region 3' }));
    }
    const group = await createGroup(ctx, op, { name: 'Fan-out region', ownerOrgId: sender.id });
    for (const m of members) await addGroupMember(ctx, op, group.id, m.id);
    // Users and their tokens: one scrypt hash each, a few at a time.
    const senderToken = await tokenFor(sender.id, 'sender@fanout.example', ['write']);
    const readTokens = new Array(orgCount);
    for (let i = 0; i < orgCount; i += 8) {
      await Promise.all(members.slice(i, i + 8).map(async (m, j) => (readTokens[i + j] = await tokenFor(m.id, `reader${i + j}@fanout.example`, ['read']))));
    }
    for (let i = 0; i < receiverUrls.length; i++) {
      await createWebhook(ctx, op, members[i % orgCount].id, { name: `SOAR ${i + 1}`, url: receiverUrls[i], format: 'json' });
    }
    // One warning like the measured ones, its statements counted (it reaches nobody: no stream is open yet).
    counting = true;
    const res = await app.inject({
      method: 'POST',
      url: '/api/warnings',
      headers: { authorization: `Bearer ${senderToken}`, 'content-type': 'application/json' },
      payload: warningBody.replace('@GROUP@', group.id).replace('@TITLE@', 'Fan-out bench statement count #0'),
    });
    counting = false;
    if (res.statusCode !== 201) throw new Error(`counting the statements of one warning: ${res.statusCode} ${res.body}`);
    return { senderToken, readTokens, groupId: group.id, queries: describeStatements(statements) };
  } finally {
    await app.close();
    await store.close();
  }
}

function statementOf(node) {
  const kind = node.kind.replace('QueryNode', '').toLowerCase();
  if (node.kind === 'RawNode') {
    const text = (node.sqlFragments ?? []).join('?').trim().toLowerCase();
    return /^(begin|commit|rollback|savepoint)/.test(text) ? text.split(/\s/)[0] : `raw ${text.slice(0, 40)}`;
  }
  const t = node.from?.froms?.[0] ?? node.into ?? node.table ?? node.from;
  const table = t?.table?.identifier?.name ?? t?.identifier?.name ?? '?';
  return `${kind} ${table}`;
}

/**
 * The statements of one warning POST, in order: how many in all, and how many from the event
 * insert (PostgreSQL: from the advisory lock) to the last outbox insert, the stretch during
 * which no other warning's event can be recorded.
 */
function describeStatements(list) {
  const from = Math.max(0, list.findIndex((x) => x.startsWith('raw select pg_advisory_xact_lock')) >= 0 ? list.findIndex((x) => x.startsWith('raw select pg_advisory_xact_lock')) : list.indexOf('insert events'));
  let to = -1;
  list.forEach((x, i) => {
    if (x === 'insert mail_outbox' || x === 'insert webhook_deliveries') to = i;
  });
  const serialised = to >= from ? list.slice(from, to + 1) : [];
  const tally = (xs) => {
    const m = new Map();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `\`${k}\` ×${n}`);
  };
  return { total: list.length, serialised: serialised.length, serialisedBy: tally(serialised), allBy: tally(list) };
}

