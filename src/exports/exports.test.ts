// Exports on both dialects, through the real routes: an organisation's export carries exactly
// what that organisation may see and nothing that must never be blocked (retracted, warning-
// listed, another organisation's AMBER); devices authenticate with their own tokens (Bearer,
// Basic, ?token=), get 304 until something changes, gzip when they ask, and every fetch is
// recorded; the console writes the same body.
import { readdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import type { Organisation } from '../orgs/organisations.service.js';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import { bodyCacheDir } from './body-cache.js';
import type { ExportView } from './exports.view.js';

for (const dialect of dialects) {
  describe(`exports [${dialect}]`, () => {
    let hub: TestHub;
    let cityA: Organisation;
    let adminA: SignedInUser;
    let memberA: SignedInUser;
    let analystB: SignedInUser;
    let adminB: SignedInUser;
    let townC: Organisation;

    const warn = async (user: SignedInUser, title: string, tlp: string, audience: Record<string, unknown>, indicators: Array<{ type: string; value: string }>) => {
      const res = await hub.as(user, { method: 'POST', url: '/api/warnings', payload: { title, details: 'Seen at the edge.', kind: 'other', severity: 'medium', tlp, audience, indicators } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const fetch = (url: string, headers: Record<string, string> = {}) => hub.app.inject({ method: 'GET', url, headers });
    const patterns = (body: string) =>
      (JSON.parse(body) as { objects: Array<{ type: string; pattern?: string }> }).objects
        .filter((o) => o.type === 'indicator')
        .map((o) => o.pattern!)
        .sort();

    beforeAll(async () => {
      hub = await createTestHub(dialect, { publicUrl: 'https://hub.example.org' }, { workers: false });
      cityA = await hub.createOrg({ name: 'City of Alderton' });
      const countyB = await hub.createOrg({ name: 'Brook County', kind: 'county' });
      townC = await hub.createOrg({ name: 'Town of Cresswell' });
      adminA = await hub.createUser({ orgId: cityA.id, role: 'admin' });
      memberA = await hub.createUser({ orgId: cityA.id, role: 'member' });
      analystB = await hub.createUser({ orgId: countyB.id, role: 'analyst' });
      adminB = await hub.createUser({ orgId: countyB.id, role: 'admin' });
      await warn(analystB, 'Scanner wave', 'green', { kind: 'members' }, [
        { type: 'ipv4', value: '45.155.205.5' },
        { type: 'domain', value: 'bad-portal.example' },
        // a public resolver: on the shipped warning list, never blocked
        { type: 'ipv4', value: '8.8.8.8' },
      ]);
      await warn(analystB, 'For Alderton only', 'amber', { kind: 'orgs', orgIds: [cityA.id] }, [{ type: 'ipv4', value: '45.155.205.6' }]);
      await warn(analystB, 'For Cresswell only', 'amber', { kind: 'orgs', orgIds: [townC.id] }, [{ type: 'ipv4', value: '45.155.205.7' }]);
      const retracted = await warn(analystB, 'A mistake', 'green', { kind: 'members' }, [{ type: 'ipv4', value: '45.155.205.8' }]);
      const r = await hub.as(analystB, { method: 'POST', url: `/api/warnings/${retracted}/retract`, payload: { reason: 'Our own scanner.' } });
      expect(r.statusCode, r.body).toBe(200);
    });
    afterAll(async () => {
      await hub?.close();
    });

    let exp: ExportView;
    let secret: string;

    it('lets organisation admins save an export; members see it; other organisations do not', async () => {
      const created = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'City Hall IDS', format: 'stix' } });
      expect(created.statusCode, created.body).toBe(201);
      exp = created.json<ExportView>();
      expect(exp).toMatchObject({ orgId: cityA.id, format: 'stix', manageable: true, tokens: [] });
      expect(exp.url).toBe(`https://hub.example.org/exports/${exp.id}/city-hall-ids.json`);
      const seen = await hub.as(memberA, { method: 'GET', url: `/api/exports/${exp.id}` });
      expect(seen.statusCode).toBe(200);
      expect(seen.json().manageable).toBe(false);
      expect((await hub.as(memberA, { method: 'POST', url: '/api/exports', payload: { name: 'Mine', format: 'stix' } })).statusCode).toBe(403);
      expect((await hub.as(adminB, { method: 'GET', url: `/api/exports/${exp.id}` })).statusCode).toBe(404);
      expect((await hub.as(adminB, { method: 'GET', url: '/api/exports' })).json().items).toEqual([]);
      const taken = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'city hall ids', format: 'stix' } });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().code).toBe('EXPORT_NAME_TAKEN');
    });

    it('refuses unknown formats and options with the allowed values', async () => {
      const unknown = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'X', format: 'pdf' } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().code).toBe('EXPORT_FORMAT_UNKNOWN');
      expect(unknown.json().message).toContain('stix');
      const badOption = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'X', format: 'stix', options: { tlpCeiling: 'purple' } } });
      expect(badOption.json()).toMatchObject({ statusCode: 400, code: 'EXPORT_OPTIONS_INVALID' });
      const badType = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'X', format: 'stix', options: { types: ['cve'] } } });
      expect(badType.json().code).toBe('EXPORT_OPTIONS_INVALID');
      const typo = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'X', format: 'stix', options: { minConfidance: 50 } } });
      expect(typo.json().code).toBe('EXPORT_OPTIONS_INVALID');
      expect((await hub.as(adminA, { method: 'GET', url: '/api/exports' })).json().items).toHaveLength(1);
    });

    it("serves what the organisation may see, to its device's token only", async () => {
      expect((await fetch(`/exports/${exp.id}/city-hall-ids.json`)).statusCode).toBe(401);
      const made = await hub.as(adminA, { method: 'POST', url: `/api/exports/${exp.id}/tokens`, payload: { name: 'Suricata at City Hall' } });
      expect(made.statusCode, made.body).toBe(201);
      secret = made.json().secret;
      expect(secret).toMatch(/^tcx_xt[0-9a-f]{18}_/);
      expect((await hub.as(memberA, { method: 'POST', url: `/api/exports/${exp.id}/tokens`, payload: { name: 'Mine' } })).statusCode).toBe(403);

      const res = await fetch(`/exports/${exp.id}/city-hall-ids.json`, { authorization: `Bearer ${secret}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('application/stix+json');
      expect(res.headers.etag).toMatch(/^"/);
      expect(patterns(res.body)).toEqual(["[domain-name:value = 'bad-portal.example']", "[ipv4-addr:value = '45.155.205.5']", "[ipv4-addr:value = '45.155.205.6']"]);
      // Not another organisation's AMBER, not the retracted warning's value, not a public resolver.
      expect(res.body).not.toContain('45.155.205.7');
      expect(res.body).not.toContain('45.155.205.8');
      expect(res.body).not.toContain('8.8.8.8');

      const [id, key] = secret.slice(4).split(/_(.*)/s);
      const basic = await fetch(`/exports/${exp.id}`, { authorization: `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}` });
      expect(basic.statusCode).toBe(200);
      const inUrl = await fetch(`/exports/${exp.id}/x.json?token=${encodeURIComponent(secret)}`);
      expect(inUrl.statusCode).toBe(200);
      const wrong = await fetch(`/exports/${exp.id}`, { authorization: `Bearer ${secret.slice(0, -2)}xx` });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().code).toBe('EXPORT_TOKEN_INVALID');
      // A signed-in member of the organisation may download it from the web app.
      expect((await hub.as(memberA, { method: 'GET', url: `/exports/${exp.id}` })).statusCode).toBe(200);
      expect((await hub.as(adminB, { method: 'GET', url: `/exports/${exp.id}` })).statusCode).toBe(404);
    });

    it('answers 304 until something changes, and gzip when asked', async () => {
      const auth = { authorization: `Bearer ${secret}` };
      const first = await fetch(`/exports/${exp.id}`, auth);
      const again = await fetch(`/exports/${exp.id}`, { ...auth, 'if-none-match': first.headers.etag as string });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const byDate = await fetch(`/exports/${exp.id}`, { ...auth, 'if-modified-since': first.headers['last-modified'] as string });
      expect(byDate.statusCode).toBe(304);

      await warn(analystB, 'New scanner', 'green', { kind: 'members' }, [{ type: 'ipv4', value: '45.155.205.9' }]);
      const changed = await fetch(`/exports/${exp.id}`, { ...auth, 'if-none-match': first.headers.etag as string });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      expect(patterns(changed.body)).toContain("[ipv4-addr:value = '45.155.205.9']");

      const zipped = await hub.app.inject({ method: 'GET', url: `/exports/${exp.id}`, headers: { ...auth, 'accept-encoding': 'gzip' } });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(patterns(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(patterns(changed.body));
    });

    it('filters by TLP ceiling and by ?since=', async () => {
      const green = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'Green only', format: 'stix', options: { tlpCeiling: 'green', types: ['ipv4'] } } });
      expect(green.statusCode, green.body).toBe(201);
      const id = green.json().id as string;
      const all = await hub.as(adminA, { method: 'GET', url: `/exports/${id}` });
      expect(patterns(all.body)).toEqual(["[ipv4-addr:value = '45.155.205.5']", "[ipv4-addr:value = '45.155.205.9']"]);
      const future = await hub.as(adminA, { method: 'GET', url: `/exports/${id}?since=2999-01-01T00:00:00Z` });
      expect(future.statusCode).toBe(400);
      expect(future.json().code).toBe('EXPORT_SINCE_INVALID');
      const recent = await hub.as(adminA, { method: 'GET', url: `/exports/${id}?since=${new Date(Date.now() - 3_600_000).toISOString()}` });
      expect(recent.statusCode).toBe(200);
      const preview = await hub.as(memberA, { method: 'GET', url: `/api/exports/${id}/preview` });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json().counts).toMatchObject({ values: 2, byType: { ipv4: 2 } });
    });

    it('records each fetch: the history, the device, the audit log; revoked tokens stop working', async () => {
      const fetches = await hub.as(adminA, { method: 'GET', url: `/api/exports/${exp.id}/fetches` });
      expect(fetches.statusCode).toBe(200);
      const items = fetches.json().items as Array<{ device: string | null; status: number; values: number }>;
      expect(items.some((f) => f.device === 'Suricata at City Hall' && f.status === 304)).toBe(true);
      expect(items.some((f) => f.device === 'Suricata at City Hall' && f.status === 200 && f.values === 4)).toBe(true);
      const shown = (await hub.as(adminA, { method: 'GET', url: `/api/exports/${exp.id}` })).json<ExportView>();
      expect(shown.tokens[0]).toMatchObject({ name: 'Suricata at City Hall', status: 'fetching' });
      expect(shown.tokens[0]!.fetchCount).toBeGreaterThanOrEqual(5);
      const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['details']).where('action', '=', 'export.fetch').where('target_id', '=', exp.id).execute();
      expect(audit.length).toBeGreaterThanOrEqual(5);

      const revoked = await hub.as(adminA, { method: 'DELETE', url: `/api/exports/${exp.id}/tokens/${shown.tokens[0]!.id}` });
      expect(revoked.statusCode).toBe(204);
      expect((await fetch(`/exports/${exp.id}`, { authorization: `Bearer ${secret}` })).statusCode).toBe(401);
    });

    it('serves every format, each carrying what it can express and no hidden value', async () => {
      const formats = (await hub.as(memberA, { method: 'GET', url: '/api/exports/formats' })).json().items as Array<{ id: string; types: string[] }>;
      expect(formats.map((f) => f.id)).toEqual(expect.arrayContaining(['edl-ip', 'edl-domain', 'edl-url', 'edl-hash', 'suricata', 'zeek', 'rpz', 'csv', 'splunk-csv', 'ecs-ndjson', 'hosts', 'stix']));
      for (const f of formats.filter((x) => x.id !== 'misp')) {
        const made = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: `Every format ${f.id}`, format: f.id } });
        expect(made.statusCode, `${f.id}: ${made.body}`).toBe(201);
        const res = await hub.as(adminA, { method: 'GET', url: `/exports/${made.json().id}` });
        expect(res.statusCode, `${f.id}: ${res.body}`).toBe(200);
        // RPZ writes addresses reversed (5.205.155.45.rpz-ip), every other format writes them as they are.
        const ip = f.id === 'rpz' ? '32.5.205.155.45.rpz-ip' : '45.155.205.5';
        if (f.types.includes('ipv4')) expect(res.body, f.id).toContain(ip);
        if (f.types.includes('domain')) expect(res.body, f.id).toContain('bad-portal.example');
        for (const hidden of ['45.155.205.7', '7.205.155.45', '45.155.205.8', '8.205.155.45', '8.8.8.8']) expect(res.body, `${f.id} carries ${hidden}`).not.toContain(hidden);
      }
    });

    it('serves a MISP feed directory a MISP instance can subscribe to', async () => {
      const made = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'For our MISP', format: 'misp' } });
      expect(made.statusCode, made.body).toBe(201);
      const base = `/exports/${made.json().id}`;
      expect(made.json().url).toBe(`https://hub.example.org${base}`);
      const manifest = await hub.as(adminA, { method: 'GET', url: `${base}/manifest.json` });
      expect(manifest.statusCode, manifest.body).toBe(200);
      const entries = manifest.json() as Record<string, { info: string; date: string; timestamp: string; Tag: Array<{ name: string }> }>;
      const uuids = Object.keys(entries);
      expect(uuids.length).toBeGreaterThanOrEqual(1);
      const values: string[] = [];
      for (const uuid of uuids) {
        expect(entries[uuid]!.Tag.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^tlp:/)]));
        const event = await hub.as(adminA, { method: 'GET', url: `${base}/${uuid}.json` });
        expect(event.statusCode, event.body).toBe(200);
        const e = event.json().Event as { uuid: string; timestamp: string; Attribute: Array<{ type: string; value: string }> };
        expect(e.uuid).toBe(uuid);
        expect(e.timestamp).toBe(entries[uuid]!.timestamp);
        values.push(...e.Attribute.map((x) => `${x.type} ${x.value}`));
      }
      expect(values).toEqual(expect.arrayContaining(['ip-dst 45.155.205.5', 'ip-dst 45.155.205.6', 'domain bad-portal.example']));
      expect(values.join(' ')).not.toMatch(/45\.155\.205\.[78]|8\.8\.8\.8/);
      const hashes = await hub.as(adminA, { method: 'GET', url: `${base}/hashes.csv` });
      const { createHash } = await import('node:crypto');
      expect(hashes.body).toContain(`${createHash('md5').update('45.155.205.5').digest('hex')},`);
      expect(hashes.body.trim().split('\n').every((l) => /^[0-9a-f]{32},[0-9a-f-]{36}$/.test(l))).toBe(true);
      expect((await hub.as(adminA, { method: 'GET', url: `${base}/00000000-0000-4000-8000-000000000000.json` })).statusCode).toBe(404);
      expect((await hub.as(adminA, { method: 'GET', url: `${base}/passwd` })).statusCode).toBe(404);
    });

    it('`tocsin export NAME` writes the same body', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const env = {
        TOCSIN_DATA_DIR: hub.app.ctx.config.dataDir,
        TOCSIN_LOG_LEVEL: 'silent',
        TOCSIN_PUBLIC_URL: 'https://hub.example.org',
        ...(dialect === 'postgres' ? { TOCSIN_DATABASE_URL: hub.app.ctx.config.databaseUrl! } : {}),
      };
      const code = await runCli(['export', 'City Hall IDS', '--org', cityA.id], { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
      expect(code, err.join('\n')).toBe(0);
      expect(patterns(out.join(''))).toEqual(["[domain-name:value = 'bad-portal.example']", "[ipv4-addr:value = '45.155.205.5']", "[ipv4-addr:value = '45.155.205.6']", "[ipv4-addr:value = '45.155.205.9']"]);
      expect(err.join('\n')).toContain('4 values written');
      const missing = await runCli(['export', 'No such export'], { out: () => {}, err: (t) => err.push(t) }, env);
      expect(missing).not.toBe(0);
    });

    it('keeps the rendered body for the next device until something changes', async () => {
      // Last in this file: the warning it sends would change what the tests above count.
      const made = await hub.as(adminA, { method: 'POST', url: '/api/exports', payload: { name: 'Branch firewall', format: 'edl-ip' } });
      expect(made.statusCode, made.body).toBe(201);
      const branch = made.json<ExportView>();
      const token = await hub.as(adminA, { method: 'POST', url: `/api/exports/${branch.id}/tokens`, payload: { name: 'Branch PA-440' } });
      const auth = { authorization: `Bearer ${token.json().secret as string}` };
      const dir = bodyCacheDir(hub.app.ctx.config.dataDir);
      const bodies = async () => (await readdir(dir)).filter((f) => f.startsWith(`${branch.id}.`) && f.endsWith('.body')).sort();
      const first = await fetch(`/exports/${branch.id}`, auth);
      const second = await fetch(`/exports/${branch.id}`, auth);
      expect(second.headers['x-export-cache']).toBe('hit');
      expect(second.body).toBe(first.body);
      expect(second.headers.etag).toBe(first.headers.etag);
      const zipped = () => hub.app.inject({ method: 'GET', url: `/exports/${branch.id}`, headers: { ...auth, 'accept-encoding': 'gzip' } });
      await zipped();
      const zippedHit = await zipped();
      expect(zippedHit.headers['x-export-cache']).toBe('hit');
      expect(zippedHit.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zippedHit.rawPayload).toString('utf8')).toBe(first.body);
      expect(await bodies()).toHaveLength(2);
      // A hit is a fetch like any other: recorded with the counts the body was made with.
      const last = (await hub.as(adminA, { method: 'GET', url: `/api/exports/${branch.id}/fetches` })).json().items[0] as { status: number; values: number };
      expect(last).toMatchObject({ status: 200, values: first.body.trim().split('\n').length });

      await warn(analystB, 'Another scanner', 'green', { kind: 'members' }, [{ type: 'ipv4', value: '45.155.205.10' }]);
      const changed = await fetch(`/exports/${branch.id}`, auth);
      expect(changed.headers['x-export-cache']).toBe('miss');
      expect(changed.body.split('\n')).toContain('45.155.205.10');
      // The bodies of the old ETag are gone with it.
      expect(await bodies()).toHaveLength(1);
      expect((await fetch(`/exports/${branch.id}`, auth)).body).toBe(changed.body);
      // Incremental fetches differ from device to device: never kept.
      const since = await fetch(`/exports/${branch.id}?since=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`, auth);
      expect(since.statusCode).toBe(200);
      expect(since.headers['x-export-cache']).toBeUndefined();
      // A removed export takes its bodies with it.
      expect((await hub.as(adminA, { method: 'DELETE', url: `/api/exports/${branch.id}` })).statusCode).toBe(204);
      expect(await bodies()).toHaveLength(0);
    });
  });
}

describe('export URLs in the request log', () => {
  it('hide a device token passed as ?token=', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../app.js');
    const { testConfig } = await import('../test/harness.js');
    const log = createLogger({ ...testConfig('/tmp'), logLevel: 'info' }, { write: (line: string) => void lines.push(line) });
    const hub = await createTestHub('sqlite', {}, { workers: false, logger: log });
    try {
      await hub.app.inject({ method: 'GET', url: '/exports/00000000-0000-4000-8000-000000000000/list.txt?token=tcx_xt0123456789abcdef01_SECRETSECRET' });
      const text = lines.join('');
      expect(text).toContain('/exports/00000000-0000-4000-8000-000000000000/list.txt?token=[redacted]');
      expect(text).not.toContain('SECRETSECRET');
    } finally {
      await hub.close();
    }
  });
});
