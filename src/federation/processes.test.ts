// Two hubs as two real `tocsin serve` processes, each with its own database, hub A set up
// with hub B as a peer (pull and push, not the same community). A CLEAR object created on A
// reaches B; GREEN, AMBER and RED ones do not; an object pulled from B is never pushed back
// to B; after A restarts its cursors hold, so nothing is sent or stored twice.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { cliActor } from '../orgs/actor.js';
import { createOrganisation } from '../orgs/organisations.service.js';
import { createUser } from '../orgs/users.service.js';
import type { DialectName } from '../store/dialect.js';
import { createTestStore, dialects, testConfig, testPassword, type TestStore } from '../test/harness.js';
import { indicator } from '../test/taxii.js';
import { startHubProcess, stopHubProcess, type HubProcess } from '../test/hub-process.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import { taxiiMediaType } from '../taxii/media.js';
import { createPeer } from './peers.service.js';

type Process = HubProcess;

function envFor(dialect: DialectName, store: TestStore): Record<string, string> {
  return { TOCSIN_OUTBOUND_ALLOW: '127.0.0.1', ...(dialect === 'postgres' ? { TOCSIN_DATABASE_URL: store.databaseUrl! } : { TOCSIN_DATA_DIR: store.dataDir }) };
}

const start = startHubProcess;
const stop = (p: Process | undefined) => stopHubProcess(p);

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Users and tokens on a hub's database, made before its process starts. */
async function seedHub(store: TestStore, prefix: string, extra?: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>) {
  const app = await buildApp(testConfig(store.dataDir, { outboundAllow: '127.0.0.1' }, store.databaseUrl), { store: store.store, logger: pino({ level: 'silent' }), webRoot: null, workers: false });
  try {
    const ctx = app.ctx;
    const org = await createOrganisation(ctx, cliActor(), { name: `${prefix} City`, kind: 'city' });
    const peerOrg = await createOrganisation(ctx, cliActor(), { name: `${prefix} partner hub`, kind: 'city' });
    const tokenFor = async (email: string, orgId: string | null, isOperator = false) => {
      await createUser(ctx, cliActor(), { email, name: email, orgId, role: orgId ? 'analyst' : null, isOperator, password: testPassword });
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: testPassword } });
      const cookie = `tocsin_session=${login.cookies.find((c) => c.name === 'tocsin_session')!.value}`;
      const csrf = login.json().csrfToken as string;
      const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'hub', scopes: isOperator ? ['admin'] : ['read', 'write'] } });
      if (res.statusCode !== 201) throw new Error(`token for ${email}: ${res.body}`);
      return res.json().secret as string;
    };
    const seeded = {
      orgId: org.id,
      peerOrgId: peerOrg.id,
      analystToken: await tokenFor(`analyst@${prefix}.example`, org.id),
      peerToken: await tokenFor(`hub@${prefix}.example`, peerOrg.id),
      operatorToken: await tokenFor(`operator@${prefix}.example`, null, true),
    };
    await extra?.(app);
    return seeded;
  } finally {
    await app.close();
  }
}

for (const dialect of dialects) {
  describe(`two hubs federating as two processes [${dialect}]`, () => {
    let storeA: TestStore;
    let storeB: TestStore;
    let hubA: Process | undefined;
    let hubB: Process | undefined;

    beforeAll(async () => {
      [storeA, storeB] = await Promise.all([createTestStore(dialect), createTestStore(dialect)]);
    });
    afterAll(async () => {
      await Promise.all([stop(hubA), stop(hubB)]);
      await storeA?.cleanup();
      await storeB?.cleanup();
    });

    it('pushes CLEAR only, pulls with provenance, never loops, and keeps its cursors across a restart', { timeout: 180_000 }, async () => {
      const b = await seedHub(storeB, 'b');
      hubB = await start(envFor(dialect, storeB));
      let peerId = '';
      const a = await seedHub(storeA, 'a', async (app) => {
        const peer = await createPeer(app.ctx, cliActor(), {
          name: 'Hub B',
          url: `${hubB!.url}/taxii2/tocsin/`,
          direction: 'both',
          authKind: 'bearer',
          secret: b.peerToken,
          pullCollections: [publicCollectionId],
          localCollection: 'public',
          pushCollection: publicCollectionId,
          intervalSeconds: 3600,
          sameCommunity: false,
        });
        peerId = peer.id;
      });
      hubA = await start(envFor(dialect, storeA));

      const post = async (base: string, token: string, collection: string, objects: object[]) => {
        const res = await fetch(`${base}/taxii2/tocsin/collections/${collection}/objects/`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, accept: taxiiMediaType, 'content-type': taxiiMediaType },
          body: JSON.stringify({ objects }),
        });
        const body = (await res.json()) as { failure_count: number };
        expect(res.status, JSON.stringify(body)).toBe(202);
        expect(body.failure_count, JSON.stringify(body)).toBe(0);
      };
      const runNow = async (what: 'pull' | 'push') =>
        waitFor(`a ${what} on A`, async () => {
          const res = await fetch(`${hubA!.url}/api/peers/${peerId}/run?what=${what}`, { method: 'POST', headers: { authorization: `Bearer ${a.operatorToken}` } });
          if (res.status === 409) return null; // the pump holds the peer right now
          const body = await res.json();
          expect(res.status, JSON.stringify(body)).toBe(200);
          return body as { ok: boolean; error: string | null; pulls: Array<{ received: number; added: number }> };
        });
      const dbA = storeA.store.db;
      const dbB = storeB.store.db;
      const rowsOn = (db: typeof dbA, id: string) => db.selectFrom('stix_versions').select(['id', 'origin_peer_id', 'date_added']).where('id', '=', id).execute();
      // What A posted to B: the status resources of B's account for hub A.
      const postedToB = async () =>
        (await dbB.selectFrom('taxii_status').select('details').where('org_id', '=', b.peerOrgId).execute()).flatMap((r) => {
          const d = JSON.parse(r.details) as { successes?: Array<{ id: string }>; failures?: Array<{ id: string }> };
          return [...(d.successes ?? []), ...(d.failures ?? [])].map((s) => s.id);
        });
      const pushCursor = async () => Number((await dbA.selectFrom('peers').select('push_cursor').where('id', '=', peerId).executeTakeFirstOrThrow()).push_cursor);

      // Created on A: GREEN for all members, AMBER and RED for A's own organisation, then CLEAR.
      const green = indicator({ tlp: 'green' });
      const amber = indicator({ tlp: 'amber' });
      const red = indicator({ tlp: 'red' });
      const clear = indicator({ tlp: 'clear' });
      await post(hubA.url, a.analystToken, membersCollectionId, [green]);
      await post(hubA.url, a.analystToken, a.orgId, [amber, red]);
      await post(hubA.url, a.analystToken, publicCollectionId, [clear]);

      // Pushed as it was created (the pump wakes on the event).
      await waitFor('the CLEAR object on B', async () => (await rowsOn(dbB, String(clear.id))).length === 1);
      const clearOnA = (await rowsOn(dbA, String(clear.id)))[0]!;
      expect(await pushCursor()).toBeGreaterThanOrEqual(Number(clearOnA.date_added));
      for (const o of [green, amber, red]) {
        expect(await rowsOn(dbB, String(o.id)), `TLP ${String(o.name)}`).toEqual([]);
        expect(await postedToB()).not.toContain(o.id);
      }

      // Created on B, pulled into A with B as its origin.
      const fromB = indicator({ tlp: 'clear' });
      await post(hubB.url, b.analystToken, publicCollectionId, [fromB]);
      const pulled = await runNow('pull');
      expect(pulled.ok, pulled.error ?? '').toBe(true);
      const fromBOnA = await rowsOn(dbA, String(fromB.id));
      expect(fromBOnA).toMatchObject([{ origin_peer_id: peerId }]);

      // A's pusher has gone past it (it woke on the pull's event) without sending it back.
      await waitFor('the push cursor past the pulled object', async () => (await pushCursor()) >= Number(fromBOnA[0]!.date_added));
      await runNow('push');
      expect(await postedToB()).not.toContain(fromB.id);
      expect(await rowsOn(dbB, String(fromB.id))).toMatchObject([{ origin_peer_id: null }]);

      // Restart A: cursors hold, nothing is pushed or stored twice.
      const countA = async () => Number((await dbA.selectFrom('stix_versions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = { stored: await countA(), sent: (await postedToB()).filter((id) => id === clear.id).length };
      expect(before.sent).toBe(1);
      await stop(hubA);
      hubA = await start(envFor(dialect, storeA));
      const again = await runNow('pull');
      expect(again.ok, again.error ?? '').toBe(true);
      expect(again.pulls[0]!.received).toBe(0);
      await runNow('push');
      expect(await countA()).toBe(before.stored);
      expect((await postedToB()).filter((id) => id === clear.id).length).toBe(1);

      // And a new CLEAR object after the restart still goes out.
      const afterRestart = indicator({ tlp: 'clear' });
      await post(hubA.url, a.analystToken, publicCollectionId, [afterRestart]);
      await waitFor('the new CLEAR object on B', async () => (await rowsOn(dbB, String(afterRestart.id))).length === 1);
    });
  });
}
