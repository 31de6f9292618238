import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';

for (const dialect of dialects) {
  describe(`organisations [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;

    beforeAll(async () => {
      hub = await createTestHub(dialect);
      operator = await hub.createUser({ orgId: null, isOperator: true });
    });
    afterAll(async () => hub?.close());

    it('lets the operator create an organisation with normalised assets and computes voting', async () => {
      const res = await hub.as(operator, {
        method: 'POST',
        url: '/api/orgs',
        payload: {
          name: '  Springfield   City ',
          kind: 'city',
          population: 300_000,
          region: 'Region 3',
          contact: { name: 'Pat', email: 'CISO@Springfield.gov' },
          domains: ['Springfield.GOV.', 'bücher.example'],
          ipRanges: ['198.51.100.7/24', '2001:DB8::1/48'],
          asns: ['AS64500', 64501],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const org = res.json();
      expect(org).toMatchObject({
        name: 'Springfield City',
        votingEligible: true,
        observer: false,
        contact: { name: 'Pat', email: 'ciso@springfield.gov', phone: null },
        domains: ['springfield.gov', 'xn--bcher-kva.example'],
        ipRanges: ['198.51.100.0/24', '2001:db8::/48'],
        asns: [64500, 64501],
      });
      const dup = await hub.as(operator, { method: 'POST', url: '/api/orgs', payload: { name: 'springfield city', kind: 'city' } });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('ORG_NAME_TAKEN');
    });

    it('refuses bad input with a stable code and writes nothing', async () => {
      const cases = [
        { payload: { name: 'X', kind: 'village' }, code: 'VALIDATION_FAILED' },
        { payload: { name: 'Y', kind: 'city', population: 'many' }, code: 'VALIDATION_FAILED' },
        { payload: { name: 'Z', kind: 'city', ipRanges: ['10.0.0.0/33'] }, code: 'ASSET_INVALID' },
        { payload: { name: 'W', kind: 'city', extra: 1 }, code: 'VALIDATION_FAILED' },
      ];
      for (const c of cases) {
        const res = await hub.as(operator, { method: 'POST', url: '/api/orgs', payload: c.payload });
        expect(res.statusCode, JSON.stringify(c)).toBe(400);
        expect(res.json().code).toBe(c.code);
      }
      const malformed = await hub.as(operator, { method: 'POST', url: '/api/orgs', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().code).toBe('MALFORMED_JSON');
      const list = await hub.as(operator, { method: 'GET', url: '/api/orgs?q=z' });
      expect(list.json().items.map((o: { name: string }) => o.name)).not.toContain('Z');
    });
  });
}
