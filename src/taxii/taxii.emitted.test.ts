// Everything the hub serves over TAXII is valid STIX 2.1: the hub's own objects (warnings as
// reports, indicators, vulnerabilities, identities, markings, the extension definition — in
// every version, updated and revoked) pass the validator's MUST checks without a SHOULD
// warning and the official JSON schemas; objects received from partners pass the MUST checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../test/harness.js';
import { haveSchemas, schemaErrors, warnIfNoSchemas } from '../test/stix-schemas.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { validateStixObject } from '../stix/validate.js';
import { membersCollectionId } from './collections.js';

warnIfNoSchemas('the JSON-schema check of objects served over TAXII');

for (const dialect of dialects) {
  describe(`objects served over TAXII are valid STIX 2.1 [${dialect}]`, () => {
    let w: TaxiiWorld;
    beforeAll(async () => {
      w = await createTaxiiWorld(dialect);
      const send = async (payload: Record<string, unknown>) => {
        const res = await w.hub.as(w.analystA, { method: 'POST', url: '/api/warnings', payload });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      const indicators = [
        { type: 'url', value: "hxxp://evil[.]example/it's\\here?a=1" },
        { type: 'ipv4', value: '203.0.113.7' },
        { type: 'ipv6', value: '2001:db8::1' },
        { type: 'cidr', value: '198.51.100.0/24' },
        { type: 'domain', value: 'xn--80ak6aa92e.example' },
        { type: 'email', value: 'ceo@evil.example' },
        { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
        { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
        { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        { type: 'cve', value: 'CVE-2024-3400' },
      ];
      const base = { title: 'Everything at once', kind: 'phishing', severity: 'high', details: 'All kinds of indicators.', indicators, startedAt: '2026-11-20T06:00:00Z', affectedServices: ['email'] };
      const a = await send({ ...base, tlp: 'green', audience: { kind: 'members' } });
      await send({ ...base, title: 'Anonymous one', tlp: 'amber', audience: { kind: 'groups', groupIds: [w.groupId] }, anonymous: true });
      const c = await send({ ...base, title: 'Public one', tlp: 'clear', audience: { kind: 'public' }, indicators: indicators.slice(0, 2) });
      await w.hub.as(w.analystA, { method: 'PATCH', url: `/api/warnings/${a}`, payload: { title: 'Everything, updated', severity: 'critical' } });
      await w.hub.as(w.analystA, { method: 'POST', url: `/api/warnings/${c}/retract`, payload: { reason: 'Mistaken' } });
      const partner = { ...indicator(), extensions: undefined, x_partner_score: 7 } as Record<string, unknown>;
      delete partner.extensions;
      await taxii(w.hub, w.tokenB, { method: 'POST', url: `${root}/collections/${membersCollectionId}/objects/`, payload: envelope([partner]) });
    });
    afterAll(async () => w?.hub.close());

    it('passes the MUST checks, the SHOULD checks for the hub’s own objects, and the JSON schemas', async () => {
      const collections = (await taxii(w.hub, w.tokenA, { url: `${root}/collections/` })).json().collections as Array<{ id: string }>;
      const seen = new Map<string, Record<string, unknown>>();
      for (const c of collections) {
        let next: string | undefined;
        do {
          const res = await taxii(w.hub, w.tokenA, { url: `${root}/collections/${c.id}/objects/?match[version]=all&limit=50${next ? `&next=${next}` : ''}` });
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json();
          for (const o of body.objects ?? []) seen.set(`${o.id}|${o.modified ?? ''}`, o);
          next = body.next;
        } while (next);
      }
      const types = new Set([...seen.values()].map((o) => String(o.type)));
      for (const t of ['report', 'indicator', 'vulnerability', 'identity', 'marking-definition', 'extension-definition']) expect(types, t).toContain(t);
      expect([...seen.values()].some((o) => o.revoked === true)).toBe(true);
      for (const o of seen.values()) {
        const checked = validateStixObject(o);
        expect(checked.ok ? [] : checked.errors, String(o.id)).toEqual([]);
        const own = o.x_partner_score === undefined;
        if (own) {
          expect(checked.warnings, String(o.id)).toEqual([]);
          if (haveSchemas) expect(schemaErrors(o), String(o.id)).toEqual([]);
        }
      }
    });
  });
}
