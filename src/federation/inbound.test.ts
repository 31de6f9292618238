// A peer hub's own account here: once the operator links a peer to the API token it calls this
// hub with, that token reads only what may leave to the peer — the rule of pushing to it: CLEAR,
// and GREEN shared with all members when the peer is of the same community; never AMBER or RED,
// whatever its user may see — and what it posts is the peer's (CLEAR and GREEN only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type SignedInUser } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';

const tokenId = (secret: string) => secret.split('_')[1]!;

for (const dialect of dialects) {
  describe(`a peer hub's token [${dialect}]`, () => {
    let w: TaxiiWorld;
    let operator: SignedInUser;
    let peerId: string;
    const objectsUrl = `${root}/collections/${membersCollectionId}/objects/`;
    const ids: Record<'clear' | 'green' | 'amber', string> = { clear: '', green: '', amber: '' };
    const ips = { clear: '45.33.10.1', green: '45.33.10.2', amber: '45.33.10.3' };
    const known = async (token: string, ip: string) => (await w.hub.withToken(token, { method: 'GET', url: `/api/intel/lookup?value=${ip}` })).json().found as boolean;

    beforeAll(async () => {
      w = await createTaxiiWorld(dialect, { outboundAllow: '127.0.0.1' });
      operator = await w.hub.createUser({ orgId: null, isOperator: true });
      for (const tlp of ['clear', 'green', 'amber'] as const) {
        const object = indicator({ tlp, ip: ips[tlp] });
        ids[tlp] = object.id as string;
        const res = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl, payload: envelope([object]) });
        expect(res.json().success_count, res.body).toBe(1);
      }
    });
    afterAll(async () => w?.hub.close());

    const seen = async (token: string) => {
      const res = await taxii(w.hub, token, { url: `${objectsUrl}?match[type]=indicator` });
      expect(res.statusCode, res.body).toBe(200);
      const objects = (res.json().objects ?? []) as Array<{ id: string }>;
      return (Object.keys(ids) as Array<keyof typeof ids>).filter((tlp) => objects.some((o) => o.id === ids[tlp]));
    };
    const peer = (payload: Record<string, unknown>) => w.hub.as(operator, { method: 'POST', url: '/api/peers', payload: { url: 'http://127.0.0.1:9/taxii2/', direction: 'push', authKind: 'none', pushCollection: publicCollectionId, ...payload } });

    it('reads only what may leave to the peer, following its community at once', async () => {
      // Its user's own view first: every level shared with all members.
      expect(await seen(w.tokenC)).toEqual(['clear', 'green', 'amber']);
      expect(await known(w.tokenC, ips.amber)).toBe(true);

      const made = await peer({ name: 'Neighbouring state hub', inboundTokenId: tokenId(w.tokenC) });
      expect(made.statusCode, made.body).toBe(201);
      peerId = made.json().id as string;
      expect(made.json().inboundTokenId).toBe(tokenId(w.tokenC));
      expect(await seen(w.tokenC)).toEqual(['clear']);
      // The same limit everywhere the token reads, not only over TAXII: the intel lookup too.
      expect(await known(w.tokenC, ips.amber)).toBe(false);
      expect(await known(w.tokenC, ips.clear)).toBe(true);

      const same = await w.hub.as(operator, { method: 'PATCH', url: `/api/peers/${peerId}`, payload: { sameCommunity: true } });
      expect(same.statusCode, same.body).toBe(200);
      expect(await seen(w.tokenC)).toEqual(['clear', 'green']);
      // Other tokens of the same organisation are not the peer.
      expect(await seen(w.tokenB)).toEqual(['clear', 'green', 'amber']);
    });

    it("records what the peer posts as the peer's, and refuses what a peer may not send", async () => {
      const clear = indicator({ tlp: 'clear' });
      const amber = indicator({ tlp: 'amber' });
      const res = await taxii(w.hub, w.tokenC, { method: 'POST', url: objectsUrl, payload: envelope([clear, amber]) });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ success_count: 1, failure_count: 1 });
      const stored = await w.hub.app.ctx.db.selectFrom('stix_versions').select(['id', 'origin_peer_id']).where('id', 'in', [clear.id as string, amber.id as string]).execute();
      expect(stored).toEqual([{ id: clear.id, origin_peer_id: peerId }]);
      // No loop by pulling either: the peer never reads back what it sent; everyone else does.
      const ids = async (token: string, endpoint: 'objects' | 'manifest') =>
        ((await taxii(w.hub, token, { url: `${root}/collections/${membersCollectionId}/${endpoint}/?match[id]=${String(clear.id)}` })).json().objects ?? []).map((o: { id: string }) => o.id);
      for (const endpoint of ['objects', 'manifest'] as const) {
        expect(await ids(w.tokenB, endpoint), endpoint).toEqual([clear.id]);
        expect(await ids(w.tokenC, endpoint), endpoint).toEqual([]);
      }
    });

    it('takes only a working token without the admin scope, one peer per token, and lets go when unlinked', async () => {
      const admin = await w.hub.as(operator, { method: 'POST', url: '/api/tokens', payload: { name: 'too much', scopes: ['admin'] } });
      expect(admin.statusCode, admin.body).toBe(201);
      const refused = await peer({ name: 'Admin peer', inboundTokenId: tokenId(admin.json().secret as string) });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().code).toBe('VALIDATION_FAILED');
      expect((await peer({ name: 'Nobody', inboundTokenId: 'tk000000000000000000' })).statusCode).toBe(400);
      const twice = await peer({ name: 'Second peer', inboundTokenId: tokenId(w.tokenC) });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('PEER_TOKEN_TAKEN');

      const unlinked = await w.hub.as(operator, { method: 'PATCH', url: `/api/peers/${peerId}`, payload: { inboundTokenId: null } });
      expect(unlinked.statusCode, unlinked.body).toBe(200);
      expect(await seen(w.tokenC)).toEqual(['clear', 'green', 'amber']);
    });
  });
}
