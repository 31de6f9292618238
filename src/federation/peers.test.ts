// The peer-hubs API: only the operator manages peers; the credential goes in but never comes
// out (not in answers, not in the audit trail); every bad setting is a 400 with a reason;
// changing the address forgets the old positions; turning pushing on starts from now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import { lastDateAdded, savePullCursor } from './peers.repository.js';
import type { Peer } from './peers.view.js';

const token = 'tcs_tk0123456789abcdef01_' + 'S'.repeat(39) + 'WXYZ';

for (const dialect of dialects) {
  describe(`peer hubs API [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;
    let orgAdmin: SignedInUser;

    beforeAll(async () => {
      hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1' }, { workers: false });
      const org = await hub.createOrg();
      operator = await hub.createUser({ orgId: null, isOperator: true });
      orgAdmin = await hub.createUser({ orgId: org.id, role: 'admin' });
    });
    afterAll(async () => hub?.close());

    const valid = (over: Record<string, unknown> = {}) => ({
      name: 'State fusion centre',
      url: 'http://127.0.0.1:9/taxii2/',
      direction: 'both',
      authKind: 'bearer',
      secret: token,
      pullCollections: [publicCollectionId],
      localCollection: 'members',
      pushCollection: publicCollectionId,
      ...over,
    });
    const create = (payload: Record<string, unknown>, user = operator) => hub.as(user, { method: 'POST', url: '/api/peers', payload });

    it('lets the operator add, read, change and remove a peer, never showing or auditing its secret', async () => {
      const res = await create(valid({ name: 'State  fusion centre ', sameCommunity: true, intervalSeconds: 600 }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).not.toContain(token);
      const peer = res.json<Peer>();
      expect(peer).toMatchObject({
        name: 'State fusion centre',
        direction: 'both',
        authKind: 'bearer',
        username: null,
        secretHint: '…WXYZ',
        pullCollections: [publicCollectionId],
        localCollection: 'members',
        pushCollection: publicCollectionId,
        intervalSeconds: 600,
        sameCommunity: true,
        enabled: true,
        egress: ['clear', 'green'],
        apiRoot: null,
        objectsPushed: 0,
        pullCursors: [],
        health: { status: 'unknown', consecutiveFailures: 0, lastError: null, running: false },
      });

      const list = await hub.as(operator, { method: 'GET', url: '/api/peers' });
      expect(list.json().items.map((p: Peer) => p.id)).toEqual([peer.id]);
      expect(list.body).not.toContain(token);

      // A change without a secret keeps the stored one.
      const renamed = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { name: 'State hub', sameCommunity: false } });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'State hub', secretHint: '…WXYZ', egress: ['clear'] });
      const stored = await hub.app.ctx.db.selectFrom('peers').select('auth_secret').where('id', '=', peer.id).executeTakeFirstOrThrow();
      expect(stored.auth_secret).toBe(token);

      // Switching to HTTP Basic needs the user name and password.
      const noPassword = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { authKind: 'basic', username: 'tocsin' } });
      expect(noPassword.statusCode).toBe(400);
      const basic = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { authKind: 'basic', username: 'tocsin', secret: 'a long password, 2026' } });
      expect(basic.json()).toMatchObject({ authKind: 'basic', username: 'tocsin', secretHint: '…2026' });

      const del = await hub.as(operator, { method: 'DELETE', url: `/api/peers/${peer.id}` });
      expect(del.statusCode).toBe(204);
      expect((await hub.as(operator, { method: 'GET', url: `/api/peers/${peer.id}` })).statusCode).toBe(404);

      const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', peer.id).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['peer.create', 'peer.update', 'peer.update', 'peer.delete']);
      expect(JSON.parse(audit[0]!.details!)).toMatchObject({ destination: 'http://127.0.0.1:9', direction: 'both', sameCommunity: true });
      expect(JSON.parse(audit[2]!.details!).fields).toEqual(expect.arrayContaining(['auth_kind', 'auth_username', 'secret']));
      const trail = JSON.stringify(audit);
      expect(trail).not.toContain(token);
      expect(trail).not.toContain('a long password');
    });

    it('is for operators only', async () => {
      for (const [method, url] of [
        ['GET', '/api/peers'],
        ['POST', '/api/peers'],
      ] as const) {
        const res = await hub.as(orgAdmin, { method, url, ...(method === 'POST' ? { payload: valid({ name: 'Not mine' }) } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().code).toBe('FORBIDDEN');
      }
      expect(await hub.app.ctx.db.selectFrom('peers').select('id').execute()).toEqual([]);
    });

    it('refuses bad settings with a reason, and writes nothing', async () => {
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ direction: 'push', pushCollection: null }, 'VALIDATION_FAILED', /collection of the peer to push to/],
        [{ direction: 'pull', pullCollections: [] }, 'VALIDATION_FAILED', /at least one collection/],
        [{ pullCollections: ['../../api/me'] }, 'VALIDATION_FAILED', /not a TAXII collection id/],
        [{ pushCollection: 'a b' }, 'VALIDATION_FAILED', /not a TAXII collection id/],
        [{ secret: null }, 'VALIDATION_FAILED', /token \(secret\) is needed/],
        [{ secret: 'two words' }, 'VALIDATION_FAILED', /printable ASCII without spaces/],
        [{ authKind: 'basic', username: 'a:b', secret: 'pw' }, 'VALIDATION_FAILED', /without ":"/],
        [{ authKind: 'basic', secret: 'pw' }, 'VALIDATION_FAILED', /user name is needed/],
        [{ authKind: 'basic', username: 'hub', secret: 'line\r\nX-Injected: 1' }, 'VALIDATION_FAILED', /control characters/],
        [{ authKind: 'none' }, 'VALIDATION_FAILED', /only with bearer or basic/],
        [{ name: ' \u202e ' }, 'VALIDATION_FAILED', /name/],
        [{ intervalSeconds: 5 }, 'VALIDATION_FAILED', /intervalSeconds/],
        [{ direction: 'sideways' }, 'VALIDATION_FAILED', /direction/],
        [{ extra: 1 }, 'VALIDATION_FAILED', /extra|additional/],
        [{ url: 'ftp://127.0.0.1/taxii2/' }, 'URL_REFUSED', /only http/],
        [{ url: 'http://hub:secret@127.0.0.1/taxii2/' }, 'URL_REFUSED', /user name or password/],
        [{ url: 'http://10.1.2.3/taxii2/' }, 'URL_REFUSED', /private address/],
        [{ url: 'http://169.254.169.254/latest/' }, 'URL_REFUSED', /metadata/],
        [{ url: 'not a url' }, 'URL_REFUSED', /not a valid URL/],
      ];
      for (const [over, code, message] of cases) {
        const res = await create(valid({ name: `Case ${JSON.stringify(over)}`, ...over }));
        expect(res.statusCode, JSON.stringify(over)).toBe(400);
        expect(res.json().code, JSON.stringify(over)).toBe(code);
        expect(res.json().message, JSON.stringify(over)).toMatch(message);
      }
      expect(await hub.app.ctx.db.selectFrom('peers').select('id').execute()).toEqual([]);

      const first = await create(valid({ name: 'Capital Hub' }));
      expect(first.statusCode).toBe(201);
      const again = await create(valid({ name: 'capital  hub' }));
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('PEER_NAME_TAKEN');
      expect((await hub.as(operator, { method: 'GET', url: '/api/peers/not-a-uuid' })).statusCode).toBe(400);
      expect((await hub.as(operator, { method: 'PATCH', url: `/api/peers/${first.json().id}`, payload: {} })).statusCode).toBe(400);
      await hub.as(operator, { method: 'DELETE', url: `/api/peers/${first.json().id}` });
    });

    it('forgets positions when the address changes, pushes only new objects once pushing is turned on, and will not run a disabled peer', async () => {
      const ctx = hub.app.ctx;
      const peer = (await create(valid({ name: 'Moving hub', direction: 'pull', pushCollection: null, pullCollections: [publicCollectionId, membersCollectionId] }))).json<Peer>();
      const at = ctx.now().toISOString();
      for (const collectionId of [publicCollectionId, membersCollectionId]) {
        await savePullCursor(ctx.db, { peerId: peer.id, collectionId, addedAfter: '2026-01-01T00:00:00.000000Z', next: null, lastSeen: null, received: 5, at });
      }
      await ctx.db.updateTable('peers').set({ api_root: 'http://127.0.0.1:9/taxii2/tocsin/', push_cursor: 0 }).where('id', '=', peer.id).execute();
      expect((await hub.as(operator, { method: 'GET', url: `/api/peers/${peer.id}` })).json().pullCursors).toHaveLength(2);

      // Dropping a collection drops its cursor only.
      const fewer = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { pullCollections: [publicCollectionId] } });
      expect(fewer.json().pullCursors).toMatchObject([{ collectionId: publicCollectionId, objectsReceived: 5, addedAfter: '2026-01-01T00:00:00.000000Z' }]);

      const moved = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { url: 'http://127.0.0.1:10/taxii2/' } });
      expect(moved.json()).toMatchObject({ url: 'http://127.0.0.1:10/taxii2/', apiRoot: null, pullCursors: [] });

      const pushing = await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { direction: 'both', pushCollection: publicCollectionId } });
      expect(pushing.statusCode, pushing.body).toBe(200);
      const row = await ctx.db.selectFrom('peers').select('push_cursor').where('id', '=', peer.id).executeTakeFirstOrThrow();
      expect(Number(row.push_cursor)).toBe(await lastDateAdded(ctx.db));

      await hub.as(operator, { method: 'PATCH', url: `/api/peers/${peer.id}`, payload: { enabled: false } });
      const run = await hub.as(operator, { method: 'POST', url: `/api/peers/${peer.id}/run` });
      expect(run.statusCode).toBe(409);
      expect(run.json().code).toBe('PEER_DISABLED');
      expect((await hub.as(operator, { method: 'GET', url: `/api/peers/${peer.id}` })).json().health.status).toBe('disabled');
      await hub.as(operator, { method: 'DELETE', url: `/api/peers/${peer.id}` });
    });
  });
}
