// Pulling from a peer that misbehaves: a fake TAXII server on 127.0.0.1 sends AMBER and RED
// objects (which a peer may never give us), garbage, and refuses the `next` it handed out.
// What is allowed lands with provenance; the rest is refused; the listing resumes from
// added_after; a page that never ends is cut off rather than looped over.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { indicator } from '../test/taxii.js';
import { taxiiMediaType } from '../taxii/media.js';
import type { Peer } from './peers.view.js';
import type { RunOutcome } from './runner.js';

for (const dialect of dialects) {
  describe(`pulling from a misbehaving peer [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;
    let server: Server;
    let base: string;
    const requests: string[] = [];
    const clear = indicator({ tlp: 'clear' });
    const green = indicator({ tlp: 'green' });
    const amber = indicator({ tlp: 'amber' });
    const red = indicator({ tlp: 'red' });
    const t1 = '2026-11-01T00:00:00.000001Z';
    const t2 = '2026-11-02T00:00:00.000002Z';

    beforeAll(async () => {
      server = createServer((req, res) => {
        requests.push(req.url!);
        const url = new URL(req.url!, 'http://x');
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': taxiiMediaType, ...headers }).end(JSON.stringify(body));
        if (url.pathname === '/root/') return send(200, { title: 'Fake', versions: [taxiiMediaType], max_content_length: 100000 });
        if (url.pathname === '/root/collections/c1/objects/') {
          const next = url.searchParams.get('next');
          const after = url.searchParams.get('added_after');
          if (next === 'p2') return send(400, { title: 'Bad request', description: 'that next has expired' });
          if (after === t1) return send(200, { more: false, objects: [red, green] }, { 'x-taxii-date-added-last': t2 });
          if (after === t2) return send(200, { more: false });
          return send(200, { more: true, next: 'p2', objects: [clear, amber, { type: 'indicator', id: 'nonsense' }, 42] }, { 'x-taxii-date-added-last': t1 });
        }
        // A collection that always says there is more, with the same `next`.
        if (url.pathname === '/root/collections/endless/objects/') return send(200, { more: true, next: 'again', objects: [] });
        return send(404, { title: 'Not found' });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1' }, { workers: false });
      operator = await hub.createUser({ orgId: null, isOperator: true });
    });
    afterAll(async () => {
      await hub?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    async function addPeer(name: string, collections: string[]): Promise<Peer> {
      const res = await hub.as(operator, {
        method: 'POST',
        url: '/api/peers',
        payload: { name, url: `${base}/root/`, direction: 'pull', authKind: 'none', pullCollections: collections, localCollection: 'members' },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }
    const runNow = async (peer: Peer) => (await hub.as(operator, { method: 'POST', url: `/api/peers/${peer.id}/run?what=pull` })).json<RunOutcome & { peer: Peer }>();

    it('keeps CLEAR and GREEN, refuses AMBER, RED and garbage, and resumes from added_after when `next` is refused', async () => {
      const peer = await addPeer('Fake hub', ['c1']);
      const outcome = await runNow(peer);
      expect(outcome.ok, outcome.error ?? '').toBe(true);
      expect(outcome.pulls).toEqual([{ collectionId: 'c1', pages: 2, received: 6, added: 2, alreadyHad: 0, refused: 4, complete: true }]);
      // First page, then `next` (refused with 400), then added_after the last date seen.
      expect(requests.filter((r) => r.startsWith('/root/collections/c1/'))).toEqual([
        '/root/collections/c1/objects/',
        '/root/collections/c1/objects/?next=p2',
        `/root/collections/c1/objects/?added_after=${encodeURIComponent(t1)}`,
      ]);
      const stored = await hub.app.ctx.db
        .selectFrom('stix_versions as v')
        .innerJoin('shares as s', 's.id', 'v.share_id')
        .select(['v.id', 's.tlp', 'v.origin_peer_id'])
        .where('v.id', 'in', [clear.id, green.id, amber.id, red.id] as string[])
        .orderBy('s.tlp')
        .execute();
      expect(stored).toEqual([
        { id: clear.id, tlp: 'clear', origin_peer_id: peer.id },
        { id: green.id, tlp: 'green', origin_peer_id: peer.id },
      ]);
      expect(outcome.peer.pullCursors).toMatchObject([{ collectionId: 'c1', addedAfter: t2, inProgress: false, objectsReceived: 6 }]);

      const again = await runNow(peer);
      expect(again.pulls[0]).toMatchObject({ received: 0, added: 0 });
      expect(requests[requests.length - 1]).toBe(`/root/collections/c1/objects/?added_after=${encodeURIComponent(t2)}`);
    });

    it('stops a listing that never advances and marks the peer failing', async () => {
      const peer = await addPeer('Endless hub', ['endless']);
      const outcome = await runNow(peer);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toContain('answered the same page twice');
      expect(outcome.peer.health).toMatchObject({ status: 'failing', consecutiveFailures: 1 });
      expect(requests.filter((r) => r.startsWith('/root/collections/endless/')).length).toBe(2);
    });
  });
}
