// Federation between two hubs in one test process, over real HTTP: hub B listens on
// 127.0.0.1, hub A pulls from it and pushes to it. Pulls land with provenance and resume
// from the saved cursor; pushes carry only what TLP lets leave; nothing received from B goes
// back to B; a peer that is down is backed off and shown unhealthy; one run at a time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClock, type TestClock } from '../test/clock.js';
import { freePort } from '../test/free-port.js';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import { markingIdFor } from '../stix/tlp.js';
import { claimDuePeers } from './peers.repository.js';
import type { Peer } from './peers.view.js';
import { runDuePeers, type RunOutcome } from './runner.js';

for (const dialect of dialects) {
  describe(`federation between two hubs [${dialect}]`, () => {
    let b: TaxiiWorld;
    let bBase: string;
    let a: TestHub;
    let clock: TestClock;
    let operator: SignedInUser;
    let analystToken: string;
    let orgId: string;

    beforeAll(async () => {
      const port = await freePort();
      bBase = `http://127.0.0.1:${port}`;
      // B's page size is 2, so pulls page; orgC's analyst token is "hub A's account" on B.
      b = await createTaxiiWorld(dialect, { outboundAllow: '127.0.0.1', publicUrl: bBase, taxiiPageSize: '2' });
      await b.hub.app.listen({ port, host: '127.0.0.1' });
      clock = createClock(new Date().toISOString());
      a = await createTestHub(dialect, { outboundAllow: '127.0.0.1' }, { workers: false, now: clock.now });
      const org = await a.createOrg({ name: 'Ogdenville' });
      orgId = org.id;
      operator = await a.createUser({ orgId: null, isOperator: true });
      const analyst = await a.createUser({ orgId: org.id, role: 'analyst' });
      analystToken = (await a.as(analyst, { method: 'POST', url: '/api/tokens', payload: { name: 'siem', scopes: ['read', 'write'] } })).json().secret;
    });
    afterEach(async () => {
      await a.app.ctx.db.deleteFrom('peer_pull_cursors').execute();
      await a.app.ctx.db.deleteFrom('peers').execute();
    });
    afterAll(async () => {
      await a?.close();
      await b?.hub.close();
    });

    async function addPeer(over: Record<string, unknown>): Promise<Peer> {
      const res = await a.as(operator, {
        method: 'POST',
        url: '/api/peers',
        payload: { name: `Hub B ${Math.random()}`, url: `${bBase}/taxii2/`, authKind: 'bearer', secret: b.tokenC, intervalSeconds: 300, ...over },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }
    async function runNow(peer: Peer, what: 'pull' | 'push' | 'both'): Promise<RunOutcome & { peer: Peer }> {
      const res = await a.as(operator, { method: 'POST', url: `/api/peers/${peer.id}/run?what=${what}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    }
    async function postOn(hub: TestHub, token: string, collectionId: string, objects: Array<Record<string, unknown>>): Promise<void> {
      const res = await taxii(hub, token, { method: 'POST', url: `${root}/collections/${collectionId}/objects/`, payload: envelope(objects) });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().failure_count, res.body).toBe(0);
    }
    const versionsOn = (hub: TestHub, ids: string[]) =>
      hub.app.ctx.db
        .selectFrom('stix_versions as v')
        .innerJoin('shares as s', 's.id', 'v.share_id')
        .select(['v.id', 'v.origin_peer_id', 's.tlp', 's.audience_kind', 's.public_label', 's.producer_org_id'])
        .where('v.id', 'in', ids)
        .execute();
    /** Every object id hub A ever sent B (the status resources of A's account there, orgC). */
    async function idsPostedToB(): Promise<string[]> {
      const rows = await b.hub.app.ctx.db.selectFrom('taxii_status').select('details').where('org_id', '=', b.orgC.id).execute();
      return rows.flatMap((r) => {
        const d = JSON.parse(r.details) as { successes?: Array<{ id: string }>; failures?: Array<{ id: string }> };
        return [...(d.successes ?? []), ...(d.failures ?? [])].map((s) => s.id);
      });
    }

    it('pulls CLEAR and GREEN with provenance, page by page, and resumes from the saved cursor', async () => {
      const clear = [indicator({ tlp: 'clear' }), indicator({ tlp: 'clear' }), indicator({ tlp: 'clear' })];
      const green = [indicator({ tlp: 'green' }), indicator({ tlp: 'green' })];
      const amber = indicator({ tlp: 'amber' });
      await postOn(b.hub, b.tokenB, publicCollectionId, clear);
      await postOn(b.hub, b.tokenB, membersCollectionId, green);
      await postOn(b.hub, b.tokenB, b.orgB.id, [amber]);

      const peer = await addPeer({ name: 'Hub B', direction: 'pull', pullCollections: [publicCollectionId, membersCollectionId], localCollection: 'members' });
      const first = await runNow(peer, 'pull');
      expect(first.ok, first.error ?? '').toBe(true);
      const byCollection = new Map(first.pulls.map((p) => [p.collectionId, p]));
      expect(byCollection.get(publicCollectionId)).toMatchObject({ added: 3, refused: 0, complete: true });
      expect(byCollection.get(publicCollectionId)!.pages).toBeGreaterThanOrEqual(2);
      expect(byCollection.get(membersCollectionId)!.added).toBeGreaterThanOrEqual(2);

      const got = await versionsOn(a, [...clear, ...green, amber].map((o) => String(o.id)));
      expect(got).toHaveLength(5);
      // Provenance: the peer, and "Hub: …" where a member's name would be; no member produced it.
      expect(got.every((r) => r.origin_peer_id === peer.id && r.public_label === 'Hub: Hub B' && r.producer_org_id === null && r.audience_kind === 'members')).toBe(true);
      expect(got.filter((r) => r.tlp === 'clear')).toHaveLength(3);
      expect(got.filter((r) => r.tlp === 'green')).toHaveLength(2);

      expect(first.peer.health).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
      expect(first.peer.apiRoot).toBe(`${bBase}/taxii2/tocsin/`);
      expect(first.peer.pullCursors.find((c) => c.collectionId === publicCollectionId)).toMatchObject({ objectsReceived: 3, inProgress: false, addedAfter: expect.any(String) });

      // Only what was added since: the saved added_after.
      const later = indicator({ tlp: 'clear' });
      await postOn(b.hub, b.tokenB, publicCollectionId, [later]);
      const second = await runNow(peer, 'pull');
      expect(second.pulls.find((p) => p.collectionId === publicCollectionId)).toMatchObject({ received: 1, added: 1 });
      expect(second.pulls.find((p) => p.collectionId === membersCollectionId)).toMatchObject({ received: 0 });
    });

    it('pushes only what TLP lets leave: CLEAR to any peer, GREEN for all members to the same community, never AMBER or RED', async () => {
      const outsider = await addPeer({ direction: 'push', pushCollection: publicCollectionId, sameCommunity: false });
      const community = await addPeer({ direction: 'push', pushCollection: membersCollectionId, sameCommunity: true });
      const clear = indicator({ tlp: 'clear' });
      const greenAll = indicator({ tlp: 'green' });
      const greenNamed = indicator({ tlp: 'green' });
      const amber = indicator({ tlp: 'amber' });
      const red = indicator({ tlp: 'red' });
      // CLEAR on the object, with an AMBER part: AMBER as a whole, stays home.
      const clearWithAmberPart: Record<string, unknown> = { ...indicator({ tlp: 'clear' }), granular_markings: [{ selectors: ['description'], marking_ref: markingIdFor('amber') }] };
      await postOn(a, analystToken, publicCollectionId, [clear]);
      await postOn(a, analystToken, membersCollectionId, [greenAll]);
      await postOn(a, analystToken, orgId, [greenNamed, amber, red, clearWithAmberPart]);

      const out = await runNow(outsider, 'push');
      expect(out.ok, out.error ?? '').toBe(true);
      expect(out.push).toMatchObject({ sent: 1, refused: 0, complete: true });
      const com = await runNow(community, 'push');
      expect(com.push).toMatchObject({ sent: 2, refused: 0, complete: true });
      expect(com.peer.objectsPushed).toBe(2);

      const onB = await versionsOn(b.hub, [clear, greenAll, greenNamed, amber, red, clearWithAmberPart].map((o) => String(o.id)));
      expect(onB.map((r) => r.id).sort()).toEqual([clear.id, greenAll.id].sort());
      expect(onB.find((r) => r.id === greenAll.id)).toMatchObject({ tlp: 'green', audience_kind: 'members' });
      const posted = await idsPostedToB();
      for (const o of [greenNamed, amber, red, clearWithAmberPart]) expect(posted).not.toContain(o.id);

      // Nothing new: the cursor holds, nothing is sent twice.
      const again = await runNow(outsider, 'push');
      expect(again.push).toMatchObject({ scanned: 0, sent: 0 });
    });

    it('never pushes an object back to the hub it came from', async () => {
      const peer = await addPeer({ direction: 'both', pullCollections: [publicCollectionId], localCollection: 'public', pushCollection: publicCollectionId });
      const fromB = indicator({ tlp: 'clear' });
      await postOn(b.hub, b.tokenB, publicCollectionId, [fromB]);
      const mine = indicator({ tlp: 'clear' });
      const outcome = await runNow(peer, 'pull');
      expect(outcome.ok, outcome.error ?? '').toBe(true);
      expect((await versionsOn(a, [String(fromB.id)]))[0]).toMatchObject({ origin_peer_id: peer.id });
      await postOn(a, analystToken, publicCollectionId, [mine]);

      const push = await runNow(peer, 'push');
      expect(push.push!.sent).toBe(1);
      expect(push.push!.withheld).toBeGreaterThanOrEqual(1);
      const posted = await idsPostedToB();
      expect(posted).not.toContain(fromB.id);
      expect(posted).toContain(mine.id);
      // On B the object is still only its own, once.
      expect(await versionsOn(b.hub, [String(fromB.id)])).toMatchObject([{ origin_peer_id: null }]);
    });

    it('backs off from a peer that is down, shows it unhealthy, and recovers', async () => {
      const closed = await freePort();
      const peer = await addPeer({ direction: 'pull', pullCollections: [publicCollectionId], url: `http://127.0.0.1:${closed}/taxii2/` });
      const ctx = a.app.ctx;
      const noJitter = { random: () => 0.5 };
      const health = async () => (await a.as(operator, { method: 'GET', url: `/api/peers/${peer.id}` })).json<Peer>().health;

      expect(await runDuePeers(ctx, noJitter)).toBe(1);
      let h = await health();
      expect(h).toMatchObject({ status: 'failing', consecutiveFailures: 1, running: false });
      expect(h.lastError).toContain('connection refused');
      expect(Date.parse(h.nextAttemptAt!) - clock.now().getTime()).toBe(30_000);
      // Within the backoff nothing runs.
      clock.advance(29_000);
      expect(await runDuePeers(ctx, noJitter)).toBe(0);
      clock.advance(1_000);
      expect(await runDuePeers(ctx, noJitter)).toBe(1);
      h = await health();
      expect(h.consecutiveFailures).toBe(2);
      expect(Date.parse(h.nextAttemptAt!) - clock.now().getTime()).toBe(60_000);
      clock.advance(60_000);
      expect(await runDuePeers(ctx, noJitter)).toBe(1);
      expect((await health()).status).toBe('unhealthy');

      // The operator fixes the address: tried at once, and healthy again.
      await a.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { url: `${bBase}/taxii2/` } });
      expect(await runDuePeers(ctx, noJitter)).toBe(1);
      h = await health();
      expect(h).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
      expect(h.lastError).toContain('connection refused');
      // Next pull after the interval.
      expect(Date.parse(h.nextPullAt!) - clock.now().getTime()).toBe(300_000);
      expect(await runDuePeers(ctx, noJitter)).toBe(0);
    });

    it('lets one run at a time hold a peer, and tests the connection', async () => {
      const peer = await addPeer({ direction: 'both', pullCollections: [publicCollectionId], pushCollection: '00000000-0000-4000-8000-000000000000' });
      const ctx = a.app.ctx;
      const now = clock.now().toISOString();
      const lease = new Date(clock.now().getTime() + 60_000).toISOString();
      expect((await claimDuePeers(ctx.db, ctx.dialect, { now, lockedUntil: lease, limit: 10 })).map((p) => p.id)).toEqual([peer.id]);
      expect(await claimDuePeers(ctx.db, ctx.dialect, { now, lockedUntil: lease, limit: 10 })).toEqual([]);
      const busy = await a.as(operator, { method: 'POST', url: `/api/peers/${peer.id}/run` });
      expect(busy.statusCode).toBe(409);
      expect(busy.json().code).toBe('PEER_BUSY');
      expect((await a.as(operator, { method: 'GET', url: `/api/peers/${peer.id}` })).json().health.running).toBe(true);

      const test = await a.as(operator, { method: 'POST', url: `/api/peers/${peer.id}/test` });
      expect(test.statusCode, test.body).toBe(200);
      const result = test.json();
      expect(result).toMatchObject({ ok: false, apiRoot: `${bBase}/taxii2/tocsin/`, title: 'Tocsin' });
      expect(result.collections.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([publicCollectionId, membersCollectionId]));
      expect(result.checks).toEqual([
        { collectionId: publicCollectionId, purpose: 'pull', found: true, allowed: true },
        { collectionId: '00000000-0000-4000-8000-000000000000', purpose: 'push', found: false, allowed: false },
      ]);
      expect(result.error).toContain('no collection 00000000-0000-4000-8000-000000000000');
    });
  });
}
