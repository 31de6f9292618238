// Report an attack through the API: what is stored, who sees it, and what is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';

for (const dialect of dialects) {
  describe(`warnings [${dialect}]`, () => {
    let hub: TestHub;
    let cityA: { id: string };
    let cityB: { id: string };
    let cityC: { id: string };
    let federal: { id: string };
    let analystA: SignedInUser;
    let memberA: SignedInUser;
    let analystB: SignedInUser;
    let analystC: SignedInUser;
    let observer: SignedInUser;
    let groupG: string;

    beforeAll(async () => {
      hub = await createTestHub(dialect, {}, { workers: false });
      cityA = await hub.createOrg({ name: 'Springfield', region: 'Region 3', domains: ['springfield.example'], ipRanges: ['10.20.0.0/16'] });
      cityB = await hub.createOrg({ name: 'Shelbyville' });
      cityC = await hub.createOrg({ name: 'Capital City' });
      federal = await hub.createOrg({ name: 'Federal Partner', kind: 'federal', observer: true });
      analystA = await hub.createUser({ orgId: cityA.id, role: 'analyst' });
      memberA = await hub.createUser({ orgId: cityA.id, role: 'member' });
      analystB = await hub.createUser({ orgId: cityB.id, role: 'analyst' });
      analystC = await hub.createUser({ orgId: cityC.id, role: 'analyst' });
      observer = await hub.createUser({ orgId: federal.id, role: 'admin' });
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      const g = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: 'Region 3 cities', ownerOrgId: cityA.id } });
      groupG = g.json().id;
      await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupG}/members/${cityB.id}` });
    });
    afterAll(async () => hub?.close());

    const base = () => ({
      title: 'Credential phishing against city staff',
      kind: 'phishing',
      severity: 'high',
      startedAt: '2026-11-21T08:30:00Z',
      affectedServices: ['email'],
      details: 'Staff received a fake Microsoft 365 login page.',
      indicators: [
        { type: 'url', value: 'hxxps://login-springfield[.]example.net/owa' },
        { type: 'ipv4', value: '203.0.113.7' },
        { type: 'sha256', value: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' },
        { type: 'cve', value: 'cve-2024-3400' },
      ],
      tlp: 'AMBER',
      audience: { kind: 'groups', groupIds: [groupG] },
    });

    it('stores a warning with normalised indicators and a STIX report under the TLP marking', async () => {
      const res = await hub.as(analystA, { method: 'POST', url: '/api/warnings', payload: base() });
      expect(res.statusCode, res.body).toBe(201);
      const w = res.json();
      expect(w).toMatchObject({ tlp: 'amber', status: 'active', version: 1, isOwn: true, source: { anonymous: false, label: 'Springfield', orgId: cityA.id } });
      expect(w.indicators.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort()).toEqual(
        ['cve:CVE-2024-3400', 'ipv4:203.0.113.7', 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'url:https://login-springfield.example.net/owa'].sort(),
      );
      const stix = await hub.as(analystA, { method: 'GET', url: `/api/warnings/${w.id}/stix` });
      expect(stix.statusCode).toBe(200);
      const objects = stix.json().objects as Array<Record<string, any>>;
      const report = objects.find((o) => o.type === 'report')!;
      expect(report.id).toBe(w.reportId);
      expect(report.object_marking_refs).toEqual(['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421']);
      expect(objects.filter((o) => o.type === 'indicator')).toHaveLength(3);
      expect(objects.some((o) => o.type === 'vulnerability' && o.name === 'CVE-2024-3400')).toBe(true);
      expect(objects.some((o) => o.id === 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421')).toBe(true);
    });

    it('shows the warning to the audience and to nobody else, not even that it exists', async () => {
      const w = (await hub.as(analystA, { method: 'POST', url: '/api/warnings', payload: { ...base(), title: 'Only for Region 3' } })).json();
      const asB = await hub.as(analystB, { method: 'GET', url: `/api/warnings/${w.id}` });
      expect(asB.statusCode).toBe(200);
      expect(asB.json()).toMatchObject({ isOwn: false, audience: { kind: 'groups', orgs: [] } });
      const asC = await hub.as(analystC, { method: 'GET', url: `/api/warnings/${w.id}` });
      const missing = await hub.as(analystC, { method: 'GET', url: '/api/warnings/6f1c2c8e-0000-4000-8000-000000000000' });
      expect(asC.statusCode).toBe(404);
      expect({ ...asC.json(), requestId: '' }).toEqual({ ...missing.json(), requestId: '' });
      const listC = await hub.as(analystC, { method: 'GET', url: '/api/warnings' });
      expect(listC.body).not.toContain('Only for Region 3');
      expect(listC.json().total).toBe(0);
      // Every bundle is complete, though markings and identities are stored once for all warnings.
      const stixB = (await hub.as(analystB, { method: 'GET', url: `/api/warnings/${w.id}/stix` })).json().objects as Array<{ id: string; type: string }>;
      expect(stixB.map((o) => o.id)).toContain('marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421');
      expect(stixB.some((o) => o.type === 'identity' && o.id === `identity--${cityA.id}`)).toBe(true);
      expect(stixB.filter((o) => o.type === 'report')).toHaveLength(1);
      const stixC = await hub.as(analystC, { method: 'GET', url: `/api/warnings/${w.id}/stix` });
      expect(stixC.statusCode).toBe(404);
      // Reading another organisation's AMBER warning is audited.
      const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'warning.read').where('actor_user_id', '=', analystB.id).execute();
      expect(audit.length).toBeGreaterThan(0);
    });

    it('hides the producer of an anonymous warning from everyone but its own organisation', async () => {
      const res = await hub.as(analystA, { method: 'POST', url: '/api/warnings', payload: { ...base(), title: 'Anonymous report', anonymous: true, tlp: 'GREEN', audience: { kind: 'members' } } });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      expect(res.json().source).toEqual({ anonymous: true, label: 'Springfield', orgId: cityA.id });
      const asC = await hub.as(analystC, { method: 'GET', url: `/api/warnings/${id}` });
      expect(asC.json().source).toEqual({ anonymous: true, label: 'A member city in Region 3', orgId: null });
      expect(asC.body).not.toContain(cityA.id);
      expect(asC.body).not.toContain('Springfield');
      const stix = await hub.as(analystC, { method: 'GET', url: `/api/warnings/${id}/stix` });
      expect(stix.body).not.toContain('Springfield');
      expect(stix.body).not.toContain(cityA.id);
      // The hub keeps the true source for its audit.
      const audit = await hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'warning.create').where('target_id', '=', id).executeTakeFirstOrThrow();
      expect(audit.org_id).toBe(cityA.id);
    });

    it('refuses what the sharing rules forbid, with stable codes and nothing written', async () => {
      const before = await hub.app.ctx.db.selectFrom('warnings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const cases: Array<[unknown, number, string]> = [
        [{ ...base(), tlp: 'ORANGE' }, 400, 'TLP_UNKNOWN'],
        [{ ...base(), tlp: 'RED' }, 400, 'RED_NEEDS_RECIPIENTS'],
        [{ ...base(), tlp: 'RED', audience: { kind: 'orgs', orgIds: [] } }, 400, 'RED_NEEDS_RECIPIENTS'],
        [{ ...base(), tlp: 'GREEN', audience: { kind: 'public' } }, 400, 'PUBLIC_NEEDS_CLEAR'],
        [{ ...base(), kind: 'earthquake' }, 400, 'VALIDATION_FAILED'],
        [{ ...base(), indicators: [{ type: 'ipv4', value: '999.1.1.1' }] }, 400, 'INDICATOR_INVALID'],
        [{ ...base(), audience: { kind: 'groups', groupIds: [] } }, 400, 'AUDIENCE_EMPTY'],
        [{ ...base(), title: 'x'.repeat(300) }, 413, 'TEXT_TOO_LARGE'],
        [{ ...base(), title: 'bad\u0000title' }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await hub.as(analystA, { method: 'POST', url: '/api/warnings', payload: payload as object });
        expect(res.statusCode, `${code}: ${res.body}`).toBe(status);
        expect(res.json().code).toBe(code);
      }
      // A group the sender's organisation is not in.
      const notMine = await hub.as(analystC, { method: 'POST', url: '/api/warnings', payload: base() });
      expect(notMine.statusCode).toBe(403);
      expect(notMine.json().code).toBe('AUDIENCE_NOT_ALLOWED');
      // Members (read-only role) and observer organisations cannot send.
      expect((await hub.as(memberA, { method: 'POST', url: '/api/warnings', payload: base() })).statusCode).toBe(403);
      const obs = await hub.as(observer, { method: 'POST', url: '/api/warnings', payload: { ...base(), audience: { kind: 'members' } } });
      expect(obs.statusCode).toBe(403);
      expect(obs.json().code).toBe('OBSERVER_READ_ONLY');
      const after = await hub.app.ctx.db.selectFrom('warnings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('updates and retracts as events; only the sender can, and a retraction is final', async () => {
      const w = (await hub.as(analystA, { method: 'POST', url: '/api/warnings', payload: { ...base(), title: 'To be corrected' } })).json();
      const byB = await hub.as(analystB, { method: 'PATCH', url: `/api/warnings/${w.id}`, payload: { severity: 'low' } });
      expect(byB.statusCode).toBe(403);
      expect(byB.json().code).toBe('WARNING_NOT_YOURS');
      const byC = await hub.as(analystC, { method: 'PATCH', url: `/api/warnings/${w.id}`, payload: { severity: 'low' } });
      expect(byC.statusCode).toBe(404);
      const updated = await hub.as(analystA, { method: 'PATCH', url: `/api/warnings/${w.id}`, payload: { severity: 'critical', indicators: [{ type: 'domain', value: 'evil[.]example' }], version: 1 } });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({ severity: 'critical', version: 2, indicators: [{ type: 'domain', value: 'evil.example' }] });
      const stale = await hub.as(analystA, { method: 'PATCH', url: `/api/warnings/${w.id}`, payload: { severity: 'low', version: 1 } });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().code).toBe('VERSION_CONFLICT');
      const retracted = await hub.as(analystA, { method: 'POST', url: `/api/warnings/${w.id}/retract`, payload: { reason: 'False positive: our own test.' } });
      expect(retracted.statusCode).toBe(200);
      expect(retracted.json()).toMatchObject({ status: 'retracted', retractionReason: 'False positive: our own test.', version: 3 });
      const again = await hub.as(analystA, { method: 'PATCH', url: `/api/warnings/${w.id}`, payload: { severity: 'low' } });
      expect(again.json().code).toBe('WARNING_RETRACTED');
      // Still readable by its audience, marked retracted; the STIX objects are revoked.
      expect((await hub.as(analystB, { method: 'GET', url: `/api/warnings/${w.id}` })).json().status).toBe('retracted');
      const stix = (await hub.as(analystB, { method: 'GET', url: `/api/warnings/${w.id}/stix` })).json();
      expect(stix.objects.find((o: { type: string }) => o.type === 'report').revoked).toBe(true);
      const events = await hub.app.ctx.db.selectFrom('events').select('type').where('subject_id', '=', w.id).orderBy('id').execute();
      expect(events.map((e) => e.type)).toEqual(['warning.created', 'warning.updated', 'warning.retracted']);
    });

    it('previews pasted text: indicators refanged and typed, personal data flagged for redaction', async () => {
      const res = await hub.as(analystA, {
        method: 'POST',
        url: '/api/warnings/preview',
        payload: {
          text: 'Seen: hxxp://bad-site[.]example/payload.exe from 198.51.100[.]23 and fs01.springfield.example (10.20.3.4)',
          details: 'Reported by Jane Doe (jane.doe@springfield.example, 555-123-4567).',
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const values = body.indicators.map((i: { type: string; value: string }) => `${i.type}:${i.value}`);
      expect(values).toContain('url:http://bad-site.example/payload.exe');
      expect(values).toContain('ipv4:198.51.100.23');
      const kinds = body.personalData.map((p: { kind: string }) => p.kind);
      expect(kinds).toEqual(expect.arrayContaining(['email', 'phone', 'internal-hostname', 'private-ip']));
      expect(body.redacted.details).not.toContain('jane.doe@springfield.example');
      expect(body.redacted.details).not.toContain('555-123-4567');
    });
  });
}
