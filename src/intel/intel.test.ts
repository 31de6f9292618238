// The intel API on both dialects: bulk and single lookup, search and pivot — each only from what
// the caller may see (a TLP:AMBER share to one organisation is invisible and uncounted for
// another) — CIDR containment, lifecycle, warning lists, and hostile input with stable codes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organisation } from '../orgs/organisations.service.js';
import { insertShare } from '../sharing/shares.js';
import type { IndicatorType } from '../stix/observables.js';
import type { Tlp } from '../stix/tlp.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { ingestMentions, type MentionInput } from './ingest.repository.js';
import { warningListMatcher } from './warning-lists.js';
import { warningListsSettled } from './warning-list-remark.js';

describe.each(dialects)('intel lookup, search and pivot (%s)', (dialect) => {
  let hub: TestHub;
  let cityA: Organisation;
  let countyB: Organisation;
  let townC: Organisation;
  let a: SignedInUser;
  let b: SignedInUser;
  let bMember: SignedInUser;
  let operator: SignedInUser;
  let amberFeed: string;
  let greenFeed: string;

  async function share(tlp: Tlp, audience: { kind: 'members' } | { kind: 'orgs'; orgIds: string[] }, producerOrgId: string | null = null): Promise<string> {
    const ctx = hub.app.ctx;
    const s = await insertShare(
      ctx.db,
      { tlp, audienceKind: audience.kind, producerOrgId, audienceOrgIds: audience.kind === 'orgs' ? audience.orgIds : [], audienceGroupIds: [], anonymous: false },
      { userId: null, publicLabel: null },
      ctx.now().toISOString(),
    );
    return s.id;
  }

  async function feed(name: string, orgId: string | null = null): Promise<string> {
    const id = randomUUID();
    const now = new Date().toISOString();
    await hub.app.ctx.db
      .insertInto('feeds')
      .values({ id, name, name_key: `${name.toLowerCase()}-${id}`, kind: 'list', url: 'https://feeds.example.org/list.txt', file_path: null, options: '{}', filter: '{}', org_id: orgId, default_tlp: 'green', audience_kind: orgId ? 'orgs' : 'members', confidence: 50, expiry_days: null, on_vanish: 'expire', interval_minutes: 60, enabled: 1, etag: null, last_modified: null, cursor: null, next_run_at: now, last_run_at: now, last_success_at: now, last_status: 'complete', last_error: null, locked_until: null, created_by: null, created_at: now, updated_at: now })
      .execute();
    return id;
  }

  async function ingest(sourceId: string, shareId: string, values: Array<[IndicatorType, string, Partial<MentionInput>?]>, kind: 'feed' | 'stix' = 'feed') {
    const ctx = hub.app.ctx;
    const matcher = await warningListMatcher(ctx.db);
    await ctx.db.transaction().execute((trx) =>
      ingestMentions(
        trx,
        values.map(([type, value, extra]) => ({ type, value, shareId, ...(extra ?? {}) })),
        { sourceKind: kind, sourceId, now: ctx.now().toISOString(), matcher, correlationLimit: ctx.config.intelCorrelationLimit },
      ),
    );
  }

  const lookup = (user: SignedInUser, values: unknown) => hub.as(user, { method: 'POST', url: '/api/intel/lookup', payload: { values } });
  const one = async (user: SignedInUser, value: string) => {
    const res = await lookup(user, [value]);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().results[0];
  };

  beforeAll(async () => {
    hub = await createTestHub(dialect);
    cityA = await hub.createOrg({ name: unique('Springfield') });
    countyB = await hub.createOrg({ name: unique('Shelby County'), kind: 'county', region: 'Region 5' });
    townC = await hub.createOrg({ name: unique('Capital City') });
    a = await hub.createUser({ orgId: cityA.id, role: 'analyst' });
    b = await hub.createUser({ orgId: countyB.id, role: 'admin' });
    bMember = await hub.createUser({ orgId: countyB.id, role: 'member' });
    operator = await hub.createUser({ orgId: null, isOperator: true });
    amberFeed = await feed('City A private blocklist', cityA.id);
    greenFeed = await feed('Community botnet feed');
    const amber = await share('amber', { kind: 'orgs', orgIds: [cityA.id] }, cityA.id);
    const green = await share('green', { kind: 'members' });
    await ingest(amberFeed, amber, [
      ['ipv4', '45.1.1.1', { confidence: 90 }],
      ['ipv4', '45.1.1.3', { confidence: 90 }],
    ]);
    await ingest(greenFeed, green, [
      ['ipv4', '45.1.1.3', { confidence: 40 }],
      ['cidr', '91.200.0.0/16', { confidence: 70 }],
      ['ipv4', '91.200.7.7', { confidence: 60 }],
      ['ipv4', '45.1.1.9', { confidence: 80, validUntil: '2020-01-01T00:00:00.000Z' }],
      ['domain', 'evil-example.net', { confidence: 50 }],
      ['domain', 'login.evil-example.net', { confidence: 50 }],
      ['url', 'http://cdn.evil-example.net/x.exe', { confidence: 50 }],
    ]);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('refuses lookups over the limit, empty ones and non-string values with stable codes', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const over = await lookup(a, many);
    expect(over.statusCode).toBe(413);
    expect(over.json().code).toBe('LOOKUP_TOO_MANY');
    expect((await lookup(a, [])).json().code).toBe('LOOKUP_EMPTY');
    const bad = await lookup(a, ['1.2.3.4', 5]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'LOOKUP_VALUE_INVALID', message: expect.stringContaining('number 2') });
    expect((await lookup(a, ['1.2.3.4', { x: 1 }])).json().code).toBe('LOOKUP_VALUE_INVALID');
    expect((await lookup(a, { not: 'a list' })).statusCode).toBe(400);
    const noAuth = await hub.app.inject({ method: 'POST', url: '/api/intel/lookup', payload: { values: ['1.2.3.4'] } });
    expect(noAuth.json().code).toBe('AUTH_REQUIRED');
  });

  it('answers 10,000 values in one request, unrecognised ones without failing the rest', async () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 0 ? '45.1.1.3' : i === 1 ? 'not an indicator!' : i === 2 ? '10.0.0.0/33' : `77.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    const res = await lookup(b, values);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.results).toHaveLength(10_000);
    expect(body.counts).toEqual({ values: 10_000, recognised: 9_998, found: 1 });
    expect(body.results[0]).toMatchObject({ input: '45.1.1.3', type: 'ipv4', found: true });
    expect(body.results[1]).toMatchObject({ input: 'not an indicator!', error: 'unrecognised' });
    expect(body.results[2]).toMatchObject({ error: 'unrecognised', reason: expect.stringContaining('/33') });
    expect(body.results[3]).toMatchObject({ found: false, sources: [], tlp: null });
  });

  it('takes a bulk lookup from a read-only token (a SIEM enrichment key), which still cannot write', async () => {
    const token = (await hub.as(b, { method: 'POST', url: '/api/tokens', payload: { name: 'siem enrichment', scopes: ['read'] } })).json().secret as string;
    const headers = { authorization: `Bearer ${token}` };
    const res = await hub.app.inject({ method: 'POST', url: '/api/intel/lookup', headers, payload: { values: ['45.1.1.3', '77.0.0.9'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().counts).toEqual({ values: 2, recognised: 2, found: 1 });
    const write = await hub.app.inject({ method: 'POST', url: '/api/warnings', headers, payload: { title: 'x' } });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'SCOPE_INSUFFICIENT' });
  });

  it('counts only the sources the caller may see: a TLP:AMBER share to city A is invisible to county B', async () => {
    const forA = await one(a, '45.1.1.3');
    expect(forA).toMatchObject({ found: true, tlp: 'amber', confidence: 90, sourceCount: 2, inForce: true });
    expect(forA.sources.map((s: { label: string }) => s.label).sort()).toEqual(['City A private blocklist', 'Community botnet feed']);
    const forB = await one(b, '45.1.1.3');
    expect(forB).toMatchObject({ found: true, tlp: 'green', confidence: 40, sourceCount: 1, sources: [{ kind: 'feed', id: greenFeed, label: 'Community botnet feed' }] });
    expect(await one(a, '45.1.1.1')).toMatchObject({ found: true, tlp: 'amber' });
    const hidden = await one(b, '45.1.1.1');
    expect(hidden).toMatchObject({ found: false, observableId: null, sources: [], sourceCount: 0, tlp: null, confidence: null });
  });

  it('finds a value shared with a sharing group for its members only', async () => {
    const db = hub.app.ctx.db;
    const now = new Date().toISOString();
    const groupId = randomUUID();
    await db.insertInto('sharing_groups').values({ id: groupId, name: 'Region 5 water utilities', name_key: `region 5 water ${groupId}`, description: null, owner_org_id: cityA.id, created_at: now, updated_at: now }).execute();
    await db
      .insertInto('sharing_group_members')
      .values([cityA.id, countyB.id].map((org_id) => ({ group_id: groupId, org_id, added_at: now, added_by: null })))
      .execute();
    const ctx = hub.app.ctx;
    const grouped = await insertShare(
      ctx.db,
      { tlp: 'amber', audienceKind: 'groups', producerOrgId: cityA.id, audienceOrgIds: [], audienceGroupIds: [groupId], anonymous: false },
      { userId: null, publicLabel: null },
      now,
    );
    const groupFeed = await feed('Region 5 water utilities feed', cityA.id);
    await ingest(groupFeed, grouped.id, [['ipv4', '45.1.1.77', { confidence: 70 }]]);
    const townUser = await hub.createUser({ orgId: townC.id, role: 'analyst' });
    expect(await one(b, '45.1.1.77')).toMatchObject({ found: true, tlp: 'amber' });
    expect(await one(townUser, '45.1.1.77')).toMatchObject({ found: false, tlp: null, sources: [] });
    // The same shape of query for two readers: each gets its own answer, not the other's.
    expect(await one(b, '45.1.1.77')).toMatchObject({ found: true });
  });

  it('matches addresses inside stored ranges', async () => {
    const inside = await one(b, '91.200.5.5');
    expect(inside).toMatchObject({ found: true, observableId: null, tlp: 'green', confidence: 70, ranges: [{ value: '91.200.0.0/16' }] });
    const both = await one(b, '91.200.7.7');
    expect(both).toMatchObject({ found: true, confidence: 70, sourceCount: 1, ranges: [{ value: '91.200.0.0/16' }] });
    expect(both.observableId).toBeTypeOf('number');
    expect(await one(b, '91.201.0.1')).toMatchObject({ found: false, ranges: [] });
    // an IPv4-mapped IPv6 address is the same address
    expect(await one(b, '::ffff:91.200.1.2')).toMatchObject({ found: true, ranges: [{ value: '91.200.0.0/16' }] });
  });

  it('still finds an expired value, not in force', async () => {
    expect(await one(b, '45.1.1.9')).toMatchObject({ found: true, inForce: false, confidence: 80 });
  });

  it('flags values on warning lists, found or not', async () => {
    expect(await one(b, '8.8.8.8')).toMatchObject({ found: false, onWarningList: true, warningList: 'public-resolvers' });
    expect(await one(b, '10.20.30.40')).toMatchObject({ onWarningList: true, warningList: 'special-ranges' });
    expect(await one(b, '45.1.1.3')).toMatchObject({ onWarningList: false, warningList: null });
  });

  it('answers one value by GET, and refuses a broken one with a clear 400', async () => {
    const res = await hub.as(b, { method: 'GET', url: '/api/intel/lookup?value=91.200.9.9' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ input: '91.200.9.9', found: true });
    for (const bad of ['10.0.0.0/33', '300.1.1.1/8', 'xn--a.com', 'a..b.com']) {
      const r = await hub.as(b, { method: 'GET', url: `/api/intel/lookup?value=${encodeURIComponent(bad)}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().code).toBe('INTEL_VALUE_INVALID');
    }
    const idn = await hub.as(b, { method: 'GET', url: `/api/intel/lookup?value=${encodeURIComponent('bücher.example')}` });
    expect(idn.json()).toMatchObject({ type: 'domain', value: 'xn--bcher-kva.example', found: false });
    expect((await hub.as(b, { method: 'GET', url: '/api/intel/lookup' })).json().code).toBe('VALIDATION_FAILED');
  });

  it('search detects the type: a range finds what is inside, a domain its sub-domains and URLs', async () => {
    const cidr = await hub.as(b, { method: 'GET', url: `/api/intel/search?q=${encodeURIComponent('91.200.0.0/16')}` });
    expect(cidr.statusCode, cidr.body).toBe(200);
    expect(cidr.json().detected).toEqual({ type: 'cidr', value: '91.200.0.0/16' });
    expect(cidr.json().observables.map((o: { value: string; relation: string }) => [o.value, o.relation])).toEqual([
      ['91.200.0.0/16', 'exact'],
      ['91.200.7.7', 'inside'],
    ]);
    const ip = (await hub.as(b, { method: 'GET', url: '/api/intel/search?q=91.200.7.7' })).json();
    expect(ip.observables.map((o: { value: string; relation: string }) => [o.value, o.relation])).toEqual([
      ['91.200.7.7', 'exact'],
      ['91.200.0.0/16', 'contains'],
    ]);
    const domain = (await hub.as(b, { method: 'GET', url: '/api/intel/search?q=EVIL-example.net' })).json();
    expect(domain.detected).toEqual({ type: 'domain', value: 'evil-example.net' });
    expect(domain.observables.map((o: { value: string }) => o.value).sort()).toEqual(['evil-example.net', 'http://cdn.evil-example.net/x.exe', 'login.evil-example.net']);
    const hidden = (await hub.as(b, { method: 'GET', url: '/api/intel/search?q=45.1.1.1' })).json();
    expect(hidden.observables).toEqual([]);
    const broken = await hub.as(b, { method: 'GET', url: `/api/intel/search?q=${encodeURIComponent('10.0.0.0/33')}` });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('INTEL_VALUE_INVALID');
  });

  it('search finds warnings by indicator and by free text, only those the caller may see', async () => {
    const mk = async (user: SignedInUser, title: string, tlp: string, audience: Record<string, unknown>, indicators: Array<{ type: string; value: string }>) => {
      const res = await hub.as(user, { method: 'POST', url: '/api/warnings', payload: { title, kind: 'ransomware', severity: 'high', details: 'Seen hitting town halls.', tlp, audience, indicators } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const open = await mk(a, 'Qakbot loader wave', 'GREEN', { kind: 'members' }, [{ type: 'ipv4', value: '45.1.1.3' }]);
    const secret = await mk(a, 'Qakbot at the water plant', 'AMBER', { kind: 'orgs', orgIds: [townC.id] }, [{ type: 'ipv4', value: '45.1.1.3' }]);
    const byIp = (await hub.as(b, { method: 'GET', url: '/api/intel/search?q=45.1.1.3' })).json();
    expect(byIp.warnings.map((w: { id: string }) => w.id)).toEqual([open]);
    const text = (await hub.as(b, { method: 'GET', url: `/api/intel/search?q=${encodeURIComponent('qakbot')}` })).json();
    expect(text.detected).toEqual({ type: 'text', value: null });
    expect(text.warnings.map((w: { id: string }) => w.id)).toEqual([open]);
    const textA = (await hub.as(a, { method: 'GET', url: `/api/intel/search?q=${encodeURIComponent('QAKBOT loader')}` })).json();
    expect(textA.warnings.map((w: { id: string }) => w.id)).toEqual([open]);
    const allA = (await hub.as(a, { method: 'GET', url: '/api/intel/search?q=qakbot' })).json();
    expect(allA.warnings.map((w: { id: string }) => w.id).sort()).toEqual([open, secret].sort());
  });

  it('pivots from an observable, counting only what the caller may see', async () => {
    const id = (await one(a, '45.1.1.3')).observableId as number;
    const forA = await hub.as(a, { method: 'GET', url: `/api/intel/observables/${id}` });
    expect(forA.statusCode, forA.body).toBe(200);
    const pa = forA.json();
    expect(pa.sources.feeds).toHaveLength(2);
    expect(pa.sources.warnings.map((w: { label: string }) => w.label).sort()).toEqual(['Qakbot at the water plant', 'Qakbot loader wave']);
    expect(pa.summary).toBe('reported by 1 member, in 2 feeds');
    const pb = (await hub.as(b, { method: 'GET', url: `/api/intel/observables/${id}` })).json();
    expect(pb.sources.feeds.map((f: { label: string }) => f.label)).toEqual(['Community botnet feed']);
    expect(pb.sources.warnings.map((w: { label: string }) => w.label)).toEqual(['Qakbot loader wave']);
    expect(pb.observable).toMatchObject({ tlp: 'green', confidence: 40, sourceCount: 2 });
    expect(pb.summary).toBe('reported by 1 member, in 1 feed');
    const hiddenId = (await one(a, '45.1.1.1')).observableId as number;
    const hidden = await hub.as(b, { method: 'GET', url: `/api/intel/observables/${hiddenId}` });
    expect(hidden.statusCode).toBe(404);
    expect((await hub.as(b, { method: 'GET', url: '/api/intel/observables/999999999' })).statusCode).toBe(404);
    expect((await hub.as(b, { method: 'GET', url: '/api/intel/observables/abc' })).json().code).toBe('VALIDATION_FAILED');
    const ip = (await one(b, '91.200.7.7')).observableId as number;
    expect((await hub.as(b, { method: 'GET', url: `/api/intel/observables/${ip}` })).json().containingRanges).toEqual([{ id: expect.any(Number), value: '91.200.0.0/16' }]);
  });

  it('relates values co-mentioned by visible warnings and STIX objects, not through hidden ones', async () => {
    const shared = await share('green', { kind: 'members' }, cityA.id);
    const hiddenShare = await share('amber', { kind: 'orgs', orgIds: [cityA.id] }, cityA.id);
    await ingest('indicator--11111111-1111-4111-8111-111111111111', shared, [
      ['domain', 'c2-one.example.org'],
      ['ipv4', '46.2.2.2'],
    ], 'stix');
    await ingest('indicator--22222222-2222-4222-8222-222222222222', hiddenShare, [
      ['domain', 'c2-one.example.org'],
      ['ipv4', '46.3.3.3'],
    ], 'stix');
    const id = (await one(b, 'c2-one.example.org')).observableId as number;
    const forB = (await hub.as(b, { method: 'GET', url: `/api/intel/observables/${id}` })).json();
    expect(forB.related).toEqual({ ubiquitous: false, items: [{ id: expect.any(Number), type: 'ipv4', value: '46.2.2.2', sharedSources: 1 }] });
    const forA = (await hub.as(a, { method: 'GET', url: `/api/intel/observables/${id}` })).json();
    expect(forA.related.items.map((r: { value: string }) => r.value).sort()).toEqual(['46.2.2.2', '46.3.3.3']);
    expect(forA.sources.stix).toHaveLength(2);
  });

  it('a sighting never reveals a value only hidden sources name', async () => {
    // 45.1.1.1 is named only by city A's AMBER feed; county B reports seeing it.
    const seen = await hub.as(b, { method: 'POST', url: '/api/intel/sightings', payload: { sightings: [{ value: '45.1.1.1' }] } });
    expect(seen.statusCode, seen.body).toBe(201);
    const id = seen.json().results[0].observableId as number;
    expect(await one(b, '45.1.1.1')).toMatchObject({ found: false, sources: [] });
    const range = (await hub.as(b, { method: 'GET', url: `/api/intel/search?q=${encodeURIComponent('45.1.1.0/24')}` })).json();
    expect(range.observables.map((o: { value: string }) => o.value)).not.toContain('45.1.1.1');
    expect((await hub.as(b, { method: 'GET', url: `/api/intel/observables/${id}` })).statusCode).toBe(404);
    // Still the same for city A, which may see its own feed.
    expect(await one(a, '45.1.1.1')).toMatchObject({ found: true });
  });

  it('lets operators switch warning lists and keep custom ones; others only read them', async () => {
    const lists = await hub.as(b, { method: 'GET', url: '/api/intel/warning-lists' });
    expect(lists.statusCode, lists.body).toBe(200);
    const resolvers = lists.json().items.find((l: { id: string }) => l.id === 'public-resolvers');
    expect(resolvers).toMatchObject({ origin: 'shipped', enabled: true, entryCount: expect.any(Number) });
    expect((await hub.as(b, { method: 'PATCH', url: '/api/intel/warning-lists/public-resolvers', payload: { enabled: false } })).statusCode).toBe(403);
    const off = await hub.as(operator, { method: 'PATCH', url: '/api/intel/warning-lists/public-resolvers', payload: { enabled: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().enabled).toBe(false);
    expect(await one(b, '8.8.8.8')).toMatchObject({ onWarningList: false });
    await hub.as(operator, { method: 'PATCH', url: '/api/intel/warning-lists/public-resolvers', payload: { enabled: true } });
    expect(await one(b, '8.8.8.8')).toMatchObject({ onWarningList: true });
    expect((await hub.as(operator, { method: 'PATCH', url: '/api/intel/warning-lists/public-resolvers', payload: { name: 'Mine now' } })).json().code).toBe('WARNING_LIST_SHIPPED');
    expect((await hub.as(operator, { method: 'POST', url: '/api/intel/warning-lists/public-resolvers/entries', payload: { entries: [{ type: 'ipv4', value: '9.9.9.8' }] } })).json().code).toBe('WARNING_LIST_SHIPPED');

    const created = await hub.as(operator, { method: 'POST', url: '/api/intel/warning-lists', payload: { name: 'Regional partners', description: 'Partner services we must never block' } });
    expect(created.statusCode, created.body).toBe(201);
    const listId = created.json().id as string;
    expect((await hub.as(operator, { method: 'POST', url: '/api/intel/warning-lists', payload: { name: 'regional PARTNERS' } })).json().code).toBe('WARNING_LIST_NAME_TAKEN');
    const added = await hub.as(operator, { method: 'POST', url: `/api/intel/warning-lists/${listId}/entries`, payload: { entries: [{ type: 'domain', value: 'Partner.Example.org' }, { type: 'cidr', value: '45.1.1.0/24' }] } });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().entryCount).toBe(2);
    expect(await one(b, 'portal.partner.example.org')).toMatchObject({ onWarningList: true, warningList: listId });
    expect(await one(b, '45.1.1.3')).toMatchObject({ onWarningList: true, warningList: listId });
    // The stored mark (what exports and alerts read) follows the list, for values already stored.
    const mark = async (value: string) => {
      await warningListsSettled(hub.app.ctx);
      return (await hub.app.ctx.db.selectFrom('observables').select('warning_list').where('value', '=', value).executeTakeFirstOrThrow()).warning_list;
    };
    expect(await mark('45.1.1.3')).toBe(listId);
    expect(await mark('45.1.1.1')).toBe(listId);
    expect(await mark('91.200.7.7')).toBeNull();
    const bad = await hub.as(operator, { method: 'POST', url: `/api/intel/warning-lists/${listId}/entries`, payload: { entries: [{ type: 'cidr', value: '45.1.1.0/33' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('WARNING_LIST_ENTRY_INVALID');
    const page = (await hub.as(b, { method: 'GET', url: `/api/intel/warning-lists/${listId}/entries?limit=1` })).json();
    expect(page.items).toHaveLength(1);
    expect((await hub.as(b, { method: 'GET', url: `/api/intel/warning-lists/${listId}/entries?cursor=${page.nextCursor}` })).json().items).toHaveLength(1);
    const removed = await hub.as(operator, { method: 'POST', url: `/api/intel/warning-lists/${listId}/entries/remove`, payload: { entries: [{ type: 'cidr', value: '45.1.1.0/24' }] } });
    expect(removed.json().entryCount).toBe(1);
    expect(await one(b, '45.1.1.3')).toMatchObject({ onWarningList: false });
    expect(await mark('45.1.1.3')).toBeNull();
    expect((await hub.as(operator, { method: 'DELETE', url: `/api/intel/warning-lists/${listId}` })).statusCode).toBe(204);
    expect(await one(b, 'portal.partner.example.org')).toMatchObject({ onWarningList: false });
    expect(bMember).toBeDefined();
  });
});
