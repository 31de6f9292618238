// Trend charts on both dialects: policy-filtered rows, the time range rules, feed health, and
// CSV that a spreadsheet shows but never runs (formula-like cells quoted and prefixed).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organisation } from '../orgs/organisations.service.js';
import { insertShare } from '../sharing/shares.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { ingestMentions } from './ingest.repository.js';
import { csvCell, toCsv } from './trends.csv.js';
import { rangeOf, weekOf } from './trends.service.js';
import { warningListMatcher } from './warning-lists.js';

describe('trend CSV and ranges', () => {
  it('defuses formula-like cells and doubles quotes', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1`)).toBe(`"'${lead}1"`);
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [['x', 1]])).toBe('a,b\r\nx,1\r\n');
  });

  it('reads ranges: 30 days by default, whole days, at most 366', () => {
    const now = new Date('2026-12-10T12:00:00.000Z');
    expect(rangeOf({}, now)).toEqual({ from: '2026-11-10T12:00:00.000Z', to: '2026-12-10T12:00:00.000Z' });
    expect(rangeOf({ from: '2026-12-01', to: '2026-12-01' }, now)).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' });
    expect(() => rangeOf({ from: '2025-01-01', to: '2026-12-01' }, now)).toThrow(/366/);
    expect(() => rangeOf({ from: 'yesterday' }, now)).toThrow(/not a date/);
    expect(() => rangeOf({ from: '2026-12-05', to: '2026-12-01' }, now)).toThrow(/before/);
    expect(weekOf('2026-12-10')).toBe('2026-12-07');
    expect(weekOf('2026-12-07')).toBe('2026-12-07');
  });
});

describe.each(dialects)('intel trends (%s)', (dialect) => {
  let hub: TestHub;
  let cityA: Organisation;
  let countyB: Organisation;
  let a: SignedInUser;
  let b: SignedInUser;
  let operator: SignedInUser;
  const evilFeed = '=HYPERLINK("http://evil.example","click")';
  let ownFeedId: string;

  async function feed(name: string, orgId: string | null, failures = 0): Promise<string> {
    const id = randomUUID();
    const now = new Date().toISOString();
    await hub.app.ctx.db
      .insertInto('feeds')
      .values({ id, name, name_key: `${name.toLowerCase()}-${id}`, kind: 'list', url: 'https://feeds.example.org/x', file_path: null, options: '{}', filter: '{}', org_id: orgId, default_tlp: 'green', audience_kind: orgId ? 'orgs' : 'members', confidence: 50, expiry_days: null, on_vanish: 'expire', interval_minutes: 60, enabled: 1, etag: null, last_modified: null, cursor: null, next_run_at: now, last_run_at: now, last_success_at: now, last_status: failures ? 'failed' : 'complete', last_error: null, consecutive_failures: failures, locked_until: null, created_by: null, created_at: now, updated_at: now })
      .execute();
    await hub.app.ctx.db
      .insertInto('feed_runs')
      .values({ id: randomUUID(), feed_id: id, trigger: 'schedule', status: failures ? 'failed' : 'complete', started_at: now, finished_at: now, duration_ms: 1200, total_bytes: null, new_count: 7, updated_count: 1, unchanged_count: 2, rejected_count: 3, report: null, error: null })
      .execute();
    return id;
  }

  beforeAll(async () => {
    hub = await createTestHub(dialect);
    cityA = await hub.createOrg({ name: unique('Springfield'), kind: 'city', region: 'Region 3' });
    countyB = await hub.createOrg({ name: unique('Shelby County'), kind: 'county', region: 'Region 5' });
    a = await hub.createUser({ orgId: cityA.id, role: 'analyst' });
    b = await hub.createUser({ orgId: countyB.id, role: 'analyst' });
    operator = await hub.createUser({ orgId: null, isOperator: true });
    const ctx = hub.app.ctx;
    const now = ctx.now().toISOString();
    const mk = (tlp: 'green' | 'amber', orgIds: string[]) =>
      insertShare(ctx.db, { tlp, audienceKind: orgIds.length ? 'orgs' : 'members', producerOrgId: orgIds.length ? cityA.id : null, audienceOrgIds: orgIds, audienceGroupIds: [], anonymous: false }, { userId: null, publicLabel: null }, now);
    const green = await mk('green', []);
    const other = await hub.createOrg({ name: unique('Ogdenville') });
    const amber = await mk('amber', [other.id]);
    const evil = await feed(evilFeed, null);
    ownFeedId = await feed('City A own list', cityA.id, 2);
    const matcher = await warningListMatcher(ctx.db);
    const opts = (sourceId: string) => ({ sourceKind: 'feed' as const, sourceId, now, matcher, correlationLimit: 500 });
    await ingestMentions(ctx.db, [{ type: 'ipv4', value: '45.8.8.1', shareId: green.id }, { type: 'domain', value: 'bad-trend.example.net', shareId: green.id }], opts(evil));
    await ingestMentions(ctx.db, [{ type: 'ipv4', value: '45.8.8.2', shareId: amber.id }], opts(ownFeedId));
    const w = await hub.as(a, { method: 'POST', url: '/api/warnings', payload: { title: 'Ransomware at the library', kind: 'ransomware', severity: 'high', details: 'Encrypted shares.', tlp: 'GREEN', audience: { kind: 'members' } } });
    expect(w.statusCode, w.body).toBe(201);
    const s = await hub.as(a, { method: 'POST', url: '/api/intel/sightings', payload: { sightings: [{ value: '45.8.8.1', count: 4 }, { value: '45.8.8.1', count: 2, anonymous: true }] } });
    expect(s.statusCode, s.body).toBe(201);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const chart = (user: SignedInUser, query: string) => hub.as(user, { method: 'GET', url: `/api/intel/trends?${query}` });

  it('new indicators per day by type and source, only from visible mentions', async () => {
    const res = await chart(b, 'chart=new-indicators');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.columns).toEqual(['day', 'type', 'sourceKind', 'feedId', 'feed', 'count']);
    const feeds = body.rows.filter((r: unknown[]) => r[2] === 'feed').map((r: unknown[]) => [r[1], r[4], r[5]]);
    expect(feeds.sort()).toEqual([
      ['domain', evilFeed, 1],
      ['ipv4', evilFeed, 1],
    ]);
    const forA = (await chart(a, 'chart=new-indicators')).json();
    expect(forA.rows.some((r: unknown[]) => r[4] === 'City A own list')).toBe(true);
  });

  it('serves CSV that never runs formulas', async () => {
    const res = await chart(b, 'chart=new-indicators&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="tocsin-new-indicators-/);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('day,type,sourceKind,feedId,feed,count');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('warnings per week, activity by region and kind, most-sighted', async () => {
    const weeks = (await chart(b, 'chart=warnings-per-week')).json();
    expect(weeks.rows).toEqual([[weekOf(new Date().toISOString().slice(0, 10)), 'ransomware', 1]]);
    const activity = (await chart(b, 'chart=activity')).json();
    expect(activity.columns).toEqual(['region', 'orgKind', 'warnings', 'sightings', 'sightingReports']);
    expect(activity.rows).toContainEqual(['Region 3', 'city', 1, 4, 1]);
    expect(activity.rows).toContainEqual([null, 'anonymous', 0, 2, 1]);
    const top = (await chart(b, 'chart=most-sighted')).json();
    expect(top.rows[0]).toEqual([expect.any(Number), 'ipv4', '45.8.8.1', 6, 1, expect.any(String)]);
  });

  it('feed health shows shared feeds to all, own feeds to their organisation, everything to the operator', async () => {
    const names = async (user: SignedInUser) => (await chart(user, 'chart=feed-health')).json().rows.map((r: unknown[]) => r[1]).sort();
    expect(await names(b)).toEqual([evilFeed]);
    expect(await names(a)).toEqual(['City A own list', evilFeed].sort());
    expect(await names(operator)).toEqual(['City A own list', evilFeed].sort());
    const own = (await chart(a, 'chart=feed-health')).json().rows.find((r: unknown[]) => r[0] === ownFeedId);
    expect(own).toEqual([ownFeedId, 'City A own list', 'list', true, 'failed', expect.any(String), expect.any(String), 2, 1, 1, 7, 1, 2, 3, 1200]);
  });

  it('refuses bad ranges and charts with stable codes', async () => {
    const long = await chart(b, 'chart=activity&from=2024-01-01&to=2026-01-01');
    expect(long.statusCode).toBe(400);
    expect(long.json().code).toBe('TRENDS_RANGE_INVALID');
    expect((await chart(b, 'chart=activity&from=soon')).json().code).toBe('TRENDS_RANGE_INVALID');
    expect((await chart(b, 'chart=pie')).json().code).toBe('VALIDATION_FAILED');
  });
});
