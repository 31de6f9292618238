// Sightings on both dialects: batch and one-click reports, who may report, anonymous ones
// counted but not attributed, and false positives — confidence lowered for everyone, and
// suppression once three distinct organisations say so (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organisation } from '../orgs/organisations.service.js';
import { insertShare } from '../sharing/shares.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { ingestMentions } from './ingest.repository.js';
import { warningListMatcher } from './warning-lists.js';

describe.each(dialects)('intel sightings (%s)', (dialect) => {
  let hub: TestHub;
  let orgs: Organisation[];
  let analysts: SignedInUser[];
  let member: SignedInUser;
  let operator: SignedInUser;

  beforeAll(async () => {
    hub = await createTestHub(dialect);
    orgs = [
      await hub.createOrg({ name: unique('Springfield'), kind: 'city', region: 'Region 3' }),
      await hub.createOrg({ name: unique('Shelby County'), kind: 'county', region: 'Region 5' }),
      await hub.createOrg({ name: unique('Ogdenville'), kind: 'city', region: 'Region 3' }),
      await hub.createOrg({ name: unique('North Haverbrook'), kind: 'city', region: 'Region 1' }),
    ];
    analysts = [];
    for (const o of orgs) analysts.push(await hub.createUser({ orgId: o.id, role: 'analyst' }));
    member = await hub.createUser({ orgId: orgs[0]!.id, role: 'member' });
    operator = await hub.createUser({ orgId: null, isOperator: true });
    const ctx = hub.app.ctx;
    const s = await insertShare(ctx.db, { tlp: 'green', audienceKind: 'members', producerOrgId: null, audienceOrgIds: [], audienceGroupIds: [], anonymous: false }, { userId: null, publicLabel: null }, ctx.now().toISOString());
    const matcher = await warningListMatcher(ctx.db);
    await ingestMentions(ctx.db, [{ type: 'ipv4', value: '45.77.1.1', shareId: s.id, confidence: 90 }], { sourceKind: 'feed', sourceId: 'feed-sightings', now: ctx.now().toISOString(), matcher, correlationLimit: 500 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  const report = (user: SignedInUser, sightings: unknown[]) => hub.as(user, { method: 'POST', url: '/api/intel/sightings', payload: { sightings } });
  const lookup = async (user: SignedInUser, value: string) => (await hub.as(user, { method: 'GET', url: `/api/intel/lookup?value=${encodeURIComponent(value)}` })).json();

  it('records a batch, creating source-less observables, and answers item by item', async () => {
    const res = await report(analysts[0]!, [
      { value: '45.77.1.1', count: 5 },
      { value: 'hxxp://fresh-phish[.]example.com/login', note: 'from the mail gateway' },
      { value: 'not a value at all' },
      { value: '45.77.1.2', seenAt: '2999-01-01T00:00:00Z' },
      { value: '45.77.1.3', type: 'domain' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ recorded: 2, rejected: 3, suppressed: [] });
    expect(body.results.map((r: { index: number; error?: string }) => [r.index, Boolean(r.error)])).toEqual([
      [0, false],
      [1, false],
      [2, true],
      [3, true],
      [4, true],
    ]);
    expect(body.results[1]).toMatchObject({ type: 'url', value: 'http://fresh-phish.example.com/login', observableId: expect.any(Number) });
    // sighted only: found for everyone, counted, with no source
    expect(await lookup(analysts[1]!, 'http://fresh-phish.example.com/login')).toMatchObject({ found: true, sourceCount: 0, sightings: { total: 1, last7Days: 1 } });
    expect(await lookup(analysts[1]!, '45.77.1.1')).toMatchObject({ found: true, sightings: { total: 5, last7Days: 5 } });
    const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['action', 'org_id']).where('action', '=', 'intel.sightings.reported').execute();
    expect(audit).toContainEqual({ action: 'intel.sightings.reported', org_id: orgs[0]!.id });
  });

  it('refuses more than 1000 sightings, members without the analyst role, and operators without an organisation', async () => {
    const many = Array.from({ length: 1001 }, () => ({ value: '45.77.1.1' }));
    const over = await report(analysts[0]!, many);
    expect(over.statusCode).toBe(413);
    expect(over.json().code).toBe('SIGHTINGS_TOO_MANY');
    expect((await report(member, [{ value: '45.77.1.1' }])).statusCode).toBe(403);
    expect((await report(operator, [{ value: '45.77.1.1' }])).json().code).toBe('SIGHTING_NEEDS_ORG');
    expect((await report(analysts[0]!, [{ value: 42, count: 0 }])).json().code).toBe('VALIDATION_FAILED');
    expect((await report(analysts[0]!, [{ value: '45.77.1.1', type: 'sha512' }])).json().code).toBe('VALIDATION_FAILED');
  });

  it('one click on an observable; anonymous sightings are counted, not attributed', async () => {
    const id = (await lookup(analysts[0]!, '45.77.1.1')).observableId as number;
    const click = await hub.as(analysts[1]!, { method: 'POST', url: `/api/intel/observables/${id}/sightings`, payload: { count: 2 } });
    expect(click.statusCode, click.body).toBe(201);
    const anon = await hub.as(analysts[3]!, { method: 'POST', url: `/api/intel/observables/${id}/sightings`, payload: { count: 3, anonymous: true } });
    expect(anon.statusCode, anon.body).toBe(201);
    expect((await hub.as(analysts[1]!, { method: 'POST', url: '/api/intel/observables/999999999/sightings', payload: {} })).statusCode).toBe(404);
    const pivot = (await hub.as(analysts[2]!, { method: 'GET', url: `/api/intel/observables/${id}` })).json();
    expect(pivot.sightings).toMatchObject({ total: 10, last7Days: 10, last30Days: 10, anonymous: 3, yours: 0 });
    expect(pivot.sightings.byOrgKind).toEqual([
      { key: 'city', count: 5 },
      { key: 'county', count: 2 },
    ]);
    expect(pivot.sightings.byRegion.find((r: { key: string }) => r.key === 'Region 1')).toBeUndefined();
    expect(pivot.summary).toBe('in 1 feed, sighted 10 times this week');
    // the anonymous reporter sees its own sightings attributed to itself
    const own = (await hub.as(analysts[3]!, { method: 'GET', url: `/api/intel/observables/${id}` })).json();
    expect(own.sightings).toMatchObject({ yours: 3, anonymous: 0 });
  });

  it('false positives lower confidence for everyone; three organisations suppress the value', async () => {
    const fp = (i: number) => report(analysts[i]!, [{ value: '45.77.1.1', falsePositive: true }]);
    expect((await fp(0)).json().suppressed).toEqual([]);
    expect(await lookup(analysts[3]!, '45.77.1.1')).toMatchObject({ confidence: 60, falsePositives: 1, suppressed: false });
    await fp(0); // the same organisation twice counts once
    expect(await lookup(analysts[3]!, '45.77.1.1')).toMatchObject({ confidence: 60, falsePositives: 1 });
    await fp(1);
    expect(await lookup(analysts[3]!, '45.77.1.1')).toMatchObject({ confidence: 30, falsePositives: 2, suppressed: false });
    const third = (await fp(2)).json();
    expect(third.suppressed).toHaveLength(1);
    const after = await lookup(analysts[3]!, '45.77.1.1');
    expect(after).toMatchObject({ found: true, confidence: 0, falsePositives: 3, suppressed: true });
    // false positives are not sightings
    expect(after.sightings.total).toBe(10);
    const row = await hub.app.ctx.db.selectFrom('observables').select(['suppressed_at', 'false_positives']).where('value', '=', '45.77.1.1').executeTakeFirstOrThrow();
    expect(row.suppressed_at).not.toBeNull();
    const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['target_id']).where('action', '=', 'intel.observable.suppressed').execute();
    expect(audit).toEqual([{ target_id: String(third.suppressed[0]) }]);
    // still searchable
    const search = (await hub.as(analysts[3]!, { method: 'GET', url: '/api/intel/search?q=45.77.1.1' })).json();
    expect(search.observables[0]).toMatchObject({ value: '45.77.1.1', suppressed: true });
  });
});
