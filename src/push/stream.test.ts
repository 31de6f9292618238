// The live stream over real HTTP: an audience member receives a warning within moments,
// an outsider's stream stays silent, and Last-Event-ID replays exactly what was missed —
// also after the hub restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp, type App } from '../app.js';
import { createTestHub, dialects, testConfig, type SignedInUser, type TestHub } from '../test/harness.js';
import { openSse, type SseClient } from '../test/sse.js';

for (const dialect of dialects) {
  describe(`event stream [${dialect}]`, () => {
    let hub: TestHub;
    let base: string;
    let sender: SignedInUser;
    let peer: SignedInUser;
    let outsider: SignedInUser;
    let peerToken: string;
    let groupId: string;
    const clients: SseClient[] = [];

    beforeAll(async () => {
      hub = await createTestHub(dialect);
      const a = await hub.createOrg({ name: 'Sender City' });
      const b = await hub.createOrg({ name: 'Peer City' });
      const c = await hub.createOrg({ name: 'Outside City' });
      sender = await hub.createUser({ orgId: a.id, role: 'analyst' });
      peer = await hub.createUser({ orgId: b.id, role: 'admin' });
      outsider = await hub.createUser({ orgId: c.id, role: 'admin' });
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      groupId = (await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: 'Pair', ownerOrgId: a.id } })).json().id;
      await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupId}/members/${b.id}` });
      peerToken = (await hub.as(peer, { method: 'POST', url: '/api/tokens', payload: { name: 'soar', scopes: ['read'] } })).json().secret;
      base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      clients.forEach((c) => c.close());
      await hub?.close();
    });

    const send = (title: string, extra: object = {}) =>
      hub.as(sender, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title, kind: 'ransomware', severity: 'critical', details: 'Encrypted file shares.', tlp: 'amber', audience: { kind: 'groups', groupIds: [groupId] }, ...extra },
      });

    it('pushes a warning to the audience and nothing to an outsider', async () => {
      const peerStream = await openSse(`${base}/api/stream`, { authorization: `Bearer ${peerToken}` });
      const outsiderStream = await openSse(`${base}/api/stream`, { cookie: `tocsin_session=${outsider.cookie}` });
      clients.push(peerStream, outsiderStream);
      expect(peerStream.status).toBe(200);
      const res = await send('Ransomware at city hall');
      expect(res.statusCode, res.body).toBe(201);
      const events = await peerStream.waitFor((e) => e.some((x) => x.event === 'warning.created'));
      const created = JSON.parse(events.find((x) => x.event === 'warning.created')!.data);
      expect(created.data.warning).toMatchObject({ title: 'Ransomware at city hall', tlp: 'amber', isOwn: false });
      // A CLEAR warning to everyone reaches the outsider: its stream is alive and was only filtered.
      await send('For everyone', { tlp: 'clear', audience: { kind: 'members' } });
      await outsiderStream.waitFor((e) => e.some((x) => x.event === 'warning.created'));
      expect(outsiderStream.events.map((e) => JSON.parse(e.data).data.warning.title)).toEqual(['For everyone']);
    });

    it('replays exactly the missed events with Last-Event-ID, also after a restart', async () => {
      const first = await openSse(`${base}/api/stream`, { authorization: `Bearer ${peerToken}` });
      clients.push(first);
      await send('Before the disconnect');
      await first.waitFor((e) => e.some((x) => JSON.parse(x.data).data.warning.title === 'Before the disconnect'));
      const lastId = first.events.at(-1)!.id!;
      first.close();

      await send('Missed one');
      await send('Missed two');

      // The hub restarts on the same database: the new process replays from the store.
      await hub.app.close();
      const config = testConfig(hub.testStore.dataDir, {}, hub.testStore.databaseUrl);
      const restarted: App = await buildApp(config, { store: hub.testStore.store, logger: pino({ level: 'silent' }), webRoot: null });
      const url = await restarted.listen({ port: 0, host: '127.0.0.1' });
      try {
        const resumed = await openSse(`${url}/api/stream`, { authorization: `Bearer ${peerToken}`, 'last-event-id': lastId });
        clients.push(resumed);
        await resumed.waitFor((e) => e.length >= 2);
        await new Promise((r) => setTimeout(r, 300));
        expect(resumed.events.map((e) => JSON.parse(e.data).data.warning.title)).toEqual(['Missed one', 'Missed two']);
        expect(resumed.events.every((e) => Number(e.id) > Number(lastId))).toBe(true);
        resumed.close();
      } finally {
        await restarted.close();
      }
    });
  });
}
