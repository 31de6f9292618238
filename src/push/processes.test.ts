// The hub as several real processes. On PostgreSQL two `tocsin serve` processes share one
// database: a warning posted to one reaches a stream attached to the other, and each
// webhook event is delivered once although both claim from the outbox. On either dialect,
// a process killed with SIGKILL in the middle of deliveries loses nothing: after a restart
// every acknowledged warning reaches the webhook.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createTestStore, dialects, testConfig, testPassword, type TestStore } from '../test/harness.js';
import { openSse } from '../test/sse.js';
import { startHubProcess, stopHubProcess, type HubProcess } from '../test/hub-process.js';
import { cliActor } from '../orgs/actor.js';
import { createOrganisation } from '../orgs/organisations.service.js';
import { createUser } from '../orgs/users.service.js';
import type { DialectName } from '../store/dialect.js';

type Hub = HubProcess;
const startHub = startHubProcess;
const stopHub = stopHubProcess;

/** A webhook receiver on loopback that records what arrives and can be told to hang. */
class Receiver {
  server: Server;
  url = '';
  received: Array<{ key: string; type: string; title: string | undefined }> = [];
  hang = false;
  private hanging: IncomingMessage[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.hang) {
          // Never answer: the delivery stays in flight until the hub dies.
          this.hanging.push(req);
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data?: { warning?: { title?: string } } };
        this.received.push({ key: String(req.headers['idempotency-key']), type: body.type, title: body.data?.warning?.title });
        res.writeHead(204).end();
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`;
  }

  async waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) throw new Error(`receiver timed out; got ${JSON.stringify(this.received)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): Promise<void> {
    for (const req of this.hanging) req.socket.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Seeded {
  senderToken: string;
  peerToken: string;
  groupId: string;
}

/** Two member cities in one group, tokens for each, and a webhook of the peer to `hookUrl`. */
async function seed(testStore: TestStore, hookUrl: string): Promise<Seeded> {
  const config = testConfig(testStore.dataDir, { outboundAllow: '127.0.0.1' }, testStore.databaseUrl);
  const app = await buildApp(config, { store: testStore.store, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
  try {
    const ctx = app.ctx;
    const a = await createOrganisation(ctx, cliActor(), { name: 'Process City A', kind: 'city' });
    const b = await createOrganisation(ctx, cliActor(), { name: 'Process City B', kind: 'city' });
    for (const [email, orgId] of [['a@process.example', a.id], ['b@process.example', b.id]] as const) {
      await createUser(ctx, cliActor(), { email, name: email, orgId, role: 'admin', isOperator: false, password: testPassword });
    }
    const login = async (email: string) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: testPassword } });
      return { cookie: `tocsin_session=${res.cookies.find((c) => c.name === 'tocsin_session')!.value}`, csrf: res.json().csrfToken as string };
    };
    const call = async (who: { cookie: string; csrf: string }, method: 'POST' | 'PUT', url: string, payload?: object) => {
      const res = await app.inject({ method, url, payload, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.statusCode === 204 ? null : res.json();
    };
    const sa = await login('a@process.example');
    const sb = await login('b@process.example');
    const group = await call(sa, 'POST', '/api/groups', { name: 'Process pair' });
    await call(sa, 'PUT', `/api/groups/${group.id}/members/${b.id}`);
    await call(sb, 'POST', `/api/orgs/${b.id}/webhooks`, { name: 'SOAR', url: hookUrl, format: 'json' });
    const senderToken = (await call(sa, 'POST', '/api/tokens', { name: 'script', scopes: ['write'] })).secret as string;
    const peerToken = (await call(sb, 'POST', '/api/tokens', { name: 'stream', scopes: ['read'] })).secret as string;
    return { senderToken, peerToken, groupId: group.id };
  } finally {
    await app.close();
  }
}

async function postWarning(hub: Hub, seeded: Seeded, title: string): Promise<void> {
  const res = await fetch(`${hub.url}/api/warnings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${seeded.senderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, kind: 'ddos', severity: 'high', details: 'Traffic flood on the 311 portal.', tlp: 'amber', audience: { kind: 'groups', groupIds: [seeded.groupId] } }),
  });
  if (res.status !== 201) throw new Error(`posting ${title}: ${res.status} ${await res.text()}`);
}

function hubEnv(dialect: DialectName, testStore: TestStore): Record<string, string> {
  return {
    TOCSIN_OUTBOUND_ALLOW: '127.0.0.1',
    TOCSIN_WEBHOOK_TIMEOUT_MS: '1000',
    ...(dialect === 'postgres' ? { TOCSIN_DATABASE_URL: testStore.databaseUrl! } : { TOCSIN_DATA_DIR: testStore.dataDir }),
  };
}

describe.runIf(dialects.includes('postgres'))('two processes on one PostgreSQL database', () => {
  let testStore: TestStore;
  const receiver = new Receiver();
  const hubs: Hub[] = [];

  beforeAll(async () => {
    testStore = await createTestStore('postgres');
    await receiver.start();
  });
  afterAll(async () => {
    await Promise.all(hubs.map((h) => stopHub(h, 'SIGKILL')));
    await receiver.close();
    await testStore?.cleanup();
  });

  it('streams a warning posted to one process to a subscriber of the other, and delivers each webhook event once', async () => {
    const seeded = await seed(testStore, receiver.url);
    const [p1, p2] = await Promise.all([startHub(hubEnv('postgres', testStore)), startHub(hubEnv('postgres', testStore))]);
    hubs.push(p1!, p2!);
    const stream = await openSse(`${p2!.url}/api/stream`, { authorization: `Bearer ${seeded.peerToken}` });
    try {
      const titles = Array.from({ length: 12 }, (_, i) => `Flood ${i}`);
      // Half to each process: every event must reach the stream on p2 and the webhook once.
      for (const [i, title] of titles.entries()) await postWarning(i % 2 === 0 ? p1! : p2!, seeded, title);
      await stream.waitFor((e) => e.filter((x) => x.event === 'warning.created').length === titles.length, 15_000);
      expect(stream.events.map((e) => JSON.parse(e.data).data.warning.title)).toEqual(titles);
      await receiver.waitFor(() => receiver.received.length >= titles.length);
      // Give a double delivery time to show up before counting.
      await new Promise((r) => setTimeout(r, 1500));
      const keys = receiver.received.map((r) => r.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(receiver.received.map((r) => r.title).sort()).toEqual([...titles].sort());
    } finally {
      stream.close();
    }
  });
});

for (const dialect of dialects) {
  describe(`a process killed mid-delivery [${dialect}]`, () => {
    let testStore: TestStore;
    const receiver = new Receiver();
    const hubs: Hub[] = [];

    beforeAll(async () => {
      testStore = await createTestStore(dialect);
      await receiver.start();
    });
    afterAll(async () => {
      await Promise.all(hubs.map((h) => stopHub(h, 'SIGKILL')));
      await receiver.close();
      await testStore?.cleanup();
    });

    it('loses nothing: after a restart every acknowledged warning is delivered', async () => {
      const seeded = await seed(testStore, receiver.url);
      // Release the seeding app's hold on the SQLite file before a process takes over.
      const env = hubEnv(dialect, testStore);
      const first = await startHub(env);
      hubs.push(first);
      receiver.hang = true;
      const titles = ['Kill 1', 'Kill 2', 'Kill 3'];
      for (const title of titles) await postWarning(first, seeded, title); // 201: acknowledged
      // Deliveries are now claimed and in flight, waiting on a receiver that never answers.
      await new Promise((r) => setTimeout(r, 500));
      await stopHub(first, 'SIGKILL');

      receiver.hang = false;
      const second = await startHub(env);
      hubs.push(second);
      await receiver.waitFor(() => new Set(receiver.received.map((r) => r.title)).size === titles.length, 45_000);
      expect([...new Set(receiver.received.map((r) => r.title))].sort()).toEqual(titles);
      // Redelivery after a crash keeps the event's idempotency key.
      const keysByTitle = new Map<string, Set<string>>();
      for (const r of receiver.received) keysByTitle.set(r.title!, (keysByTitle.get(r.title!) ?? new Set()).add(r.key));
      for (const keys of keysByTitle.values()) expect(keys.size).toBe(1);
    });
  });
}
