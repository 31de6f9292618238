// Warnings and STIX objects reach the intel store, on both dialects: a warning's indicators
// become its mentions (withdrawn when edited out, revoked on retraction); indicators posted over
// TAXII become mentions of each indicator (a new version replaces what the old one named, a
// revoked one revokes), two indicators naming one value count twice; and a warning naming an
// address in another organisation's range raises that organisation's watchlist match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membersCollectionId } from '../taxii/collections.js';
import { dialects } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';

for (const dialect of dialects) {
  describe(`intel from warnings and STIX [${dialect}]`, () => {
    let w: TaxiiWorld;
    const objectsUrl = `${root}/collections/${membersCollectionId}/objects/`;

    beforeAll(async () => {
      w = await createTaxiiWorld(dialect);
    });
    afterAll(async () => w?.hub.close());

    const mentionsOf = (sourceId: string) =>
      w.hub.app.ctx.db
        .selectFrom('mentions')
        .innerJoin('observables', 'observables.id', 'mentions.observable_id')
        .select(['observables.type', 'observables.value', 'mentions.status', 'mentions.source_kind', 'observables.mention_count'])
        .where('mentions.source_id', '=', sourceId)
        .orderBy('observables.value')
        .execute();

    const post = async (objects: unknown[]) => {
      const res = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl, payload: envelope(objects) });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().failure_count, res.body).toBe(0);
    };

    it("keeps a warning's indicators as its mentions: edited out is withdrawn, retracted is revoked", async () => {
      const created = await w.hub.as(w.analystA, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title: 'Password spraying on VPN', details: 'Thousands of attempts overnight.', kind: 'account-compromise', severity: 'high', tlp: 'green', audience: { kind: 'members' }, indicators: [{ type: 'ipv4', value: '203.0.113.77' }, { type: 'domain', value: 'Login-Springfield.EXAMPLE' }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      expect(await mentionsOf(id)).toEqual([
        { type: 'ipv4', value: '203.0.113.77', status: 'active', source_kind: 'warning', mention_count: 1 },
        { type: 'domain', value: 'login-springfield.example', status: 'active', source_kind: 'warning', mention_count: 1 },
      ].sort((a, b) => (a.value < b.value ? -1 : 1)));

      const edited = await w.hub.as(w.analystA, { method: 'PATCH', url: `/api/warnings/${id}`, payload: { indicators: [{ type: 'ipv4', value: '203.0.113.77' }] } });
      expect(edited.statusCode, edited.body).toBe(200);
      const afterEdit = new Map((await mentionsOf(id)).map((m) => [m.value, m.status]));
      expect(afterEdit.get('203.0.113.77')).toBe('active');
      expect(afterEdit.get('login-springfield.example')).toBe('withdrawn');

      const retracted = await w.hub.as(w.analystA, { method: 'POST', url: `/api/warnings/${id}/retract`, payload: { reason: 'A penetration test we forgot about.' } });
      expect(retracted.statusCode, retracted.body).toBe(200);
      // Already withdrawn stays withdrawn; what was in force is revoked.
      expect((await mentionsOf(id)).map((m) => m.status)).toEqual(['revoked', 'withdrawn']);
    });

    it('keeps TAXII indicators as mentions of each object: versions replace, revocation revokes', async () => {
      const first = indicator({ ip: '192.0.2.201' });
      const second = indicator({ ip: '192.0.2.201' });
      await post([first, second]);
      // Two objects naming one value in one request: two mentions, counted twice.
      const a = await mentionsOf(String(first.id));
      expect(a).toEqual([{ type: 'ipv4', value: '192.0.2.201', status: 'active', source_kind: 'stix', mention_count: 2 }]);
      expect(await mentionsOf(String(second.id))).toHaveLength(1);

      // A new version that names another address withdraws the old one.
      await post([{ ...first, modified: '2026-11-21T10:00:00.000Z', pattern: "[ipv4-addr:value = '192.0.2.202']" }]);
      expect((await mentionsOf(String(first.id))).map((m) => [m.value, m.status])).toEqual([
        ['192.0.2.201', 'withdrawn'],
        ['192.0.2.202', 'active'],
      ]);

      await post([{ ...second, modified: '2026-11-22T10:00:00.000Z', revoked: true }]);
      expect((await mentionsOf(String(second.id))).map((m) => m.status)).toEqual(['revoked']);
    });

    it("does not count a report's indicators twice: they arrive as the report's warning", async () => {
      const ind = indicator({ ip: '192.0.2.210' });
      const report = {
        type: 'report',
        spec_version: '2.1',
        id: 'report--6f2f1a3e-8d0b-4f4e-9b7a-1c2d3e4f5a6b',
        created: '2026-11-20T10:00:00.000Z',
        modified: '2026-11-20T10:00:00.000Z',
        name: 'Scanning of city gateways',
        published: '2026-11-20T10:00:00.000Z',
        object_refs: [ind.id],
      };
      await post([ind, report]);
      expect(await mentionsOf(String(ind.id))).toEqual([]);
      const rows = await w.hub.app.ctx.db
        .selectFrom('mentions')
        .innerJoin('observables', 'observables.id', 'mentions.observable_id')
        .select(['mentions.source_kind', 'observables.mention_count'])
        .where('observables.value', '=', '192.0.2.210')
        .execute();
      expect(rows).toEqual([{ source_kind: 'warning', mention_count: 1 }]);
    });

    it("raises a watchlist match for the organisation whose range a warning names, not for the sender", async () => {
      const patched = await w.hub.as(w.analystB, { method: 'GET', url: '/api/watchlist' });
      expect(patched.statusCode, patched.body).toBe(200);
      // Shelbyville (B) lists its range through the operator-free self-service path.
      const admin = await w.hub.createUser({ orgId: w.orgB.id, role: 'admin' });
      const set = await w.hub.as(admin, { method: 'PATCH', url: `/api/orgs/${w.orgB.id}`, payload: { ipRanges: ['64.112.51.0/24'] } });
      expect(set.statusCode, set.body).toBe(200);
      const created = await w.hub.as(w.analystA, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title: 'Botnet controller traffic', details: 'Beaconing every 60 seconds.', kind: 'ransomware', severity: 'high', tlp: 'green', audience: { kind: 'members' }, indicators: [{ type: 'ipv4', value: '64.112.51.9' }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const matches = await w.hub.as(w.analystB, { method: 'GET', url: '/api/watchlist/matches' });
      expect(matches.statusCode, matches.body).toBe(200);
      expect(matches.json().items).toEqual([expect.objectContaining({ observable: expect.objectContaining({ value: '64.112.51.9' }), source: expect.objectContaining({ kind: 'warning', id: created.json().id }) })]);
      const none = await w.hub.as(w.analystA, { method: 'GET', url: '/api/watchlist/matches' });
      expect(none.json().items).toEqual([]);
    });
  });
}
