// Reports posted over TAXII become warnings: the same dashboard, alerts and retraction as a
// warning sent from the web form.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { warningExtensionId } from '../stix/report.js';
import { markingIdFor } from '../stix/tlp.js';

for (const dialect of dialects) {
  describe(`TAXII reports become warnings [${dialect}]`, () => {
    let w: TaxiiWorld;
    beforeAll(async () => {
      w = await createTaxiiWorld(dialect);
    });
    afterAll(async () => w?.hub.close());

    const report = (refs: string[], extra: Record<string, unknown> = {}) => ({
      type: 'report',
      spec_version: '2.1',
      id: `report--${randomUUID()}`,
      created: '2026-11-21T08:00:00.000Z',
      modified: '2026-11-21T08:00:00.000Z',
      name: 'Ransomware staging\u0007 seen on county VPN',
      description: 'Our SIEM flagged the addresses below.',
      published: '2026-11-21T08:00:00.000Z',
      report_types: ['threat-report'],
      object_refs: refs,
      object_marking_refs: [markingIdFor('amber')],
      extensions: { [warningExtensionId]: { extension_type: 'property-extension', kind: 'ransomware', severity: 'critical', affected_services: ['VPN'] } },
      ...extra,
    });

    it('turns a posted report and its indicators into a warning the audience is alerted to', async () => {
      const ind = { ...indicator({ tlp: 'amber', ip: '203.0.113.99' }) };
      const r = report([ind.id as string]);
      const before = Number((await w.hub.app.ctx.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0);
      const res = await taxii(w.hub, w.tokenA, { method: 'POST', url: `${root}/collections/${w.groupId}/objects/`, payload: envelope([r, ind]) });
      expect(res.json()).toMatchObject({ success_count: 2, failure_count: 0 });

      const list = await w.hub.as(w.analystB, { method: 'GET', url: '/api/warnings' });
      const found = list.json().items.find((x: { reportId: string }) => x.reportId === r.id);
      expect(found).toMatchObject({ title: 'Ransomware staging seen on county VPN', kind: 'ransomware', severity: 'critical', tlp: 'amber', affectedServices: ['VPN'], source: { label: 'Springfield' } });
      expect(found.indicators).toEqual([{ type: 'ipv4', value: '203.0.113.99', defanged: '203[.]0[.]113[.]99' }]);
      const types = (await w.hub.app.ctx.db.selectFrom('events').select('type').where('id', '>', before).execute()).map((e) => e.type).sort();
      expect(types).toEqual(['stix.added', 'warning.created']);
      // outside the group: not visible
      const other = await w.hub.as(w.analystC, { method: 'GET', url: '/api/warnings' });
      expect(other.json().items.some((x: { reportId: string }) => x.reportId === r.id)).toBe(false);

      // a newer version updates the warning; a revoked one retracts it
      await taxii(w.hub, w.tokenA, { method: 'POST', url: `${root}/collections/${w.groupId}/objects/`, payload: envelope([{ ...r, modified: '2026-11-21T09:00:00.000Z', name: 'Ransomware staging confirmed' }]) });
      const updated = await w.hub.as(w.analystB, { method: 'GET', url: `/api/warnings/${found.id}` });
      expect(updated.json()).toMatchObject({ title: 'Ransomware staging confirmed', version: 2, status: 'active' });
      expect(updated.json().indicators).toHaveLength(1);
      await taxii(w.hub, w.tokenA, { method: 'POST', url: `${root}/collections/${w.groupId}/objects/`, payload: envelope([{ ...r, modified: '2026-11-21T10:00:00.000Z', revoked: true }]) });
      expect((await w.hub.as(w.analystB, { method: 'GET', url: `/api/warnings/${found.id}` })).json().status).toBe('retracted');
    });

    it('gives a report without Tocsin properties the kind "other" and severity "medium"', async () => {
      const r = report([], { extensions: undefined, object_refs: ['indicator--00000000-0000-4000-8000-000000000001'] });
      delete (r as Record<string, unknown>).extensions;
      await taxii(w.hub, w.tokenA, { method: 'POST', url: `${root}/collections/${w.groupId}/objects/`, payload: envelope([r]) });
      const list = await w.hub.as(w.analystA, { method: 'GET', url: '/api/warnings' });
      expect(list.json().items.find((x: { reportId: string }) => x.reportId === r.id)).toMatchObject({ kind: 'other', severity: 'medium', indicators: [] });
    });
  });
}
