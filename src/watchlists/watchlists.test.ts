// Watchlists end to end on both dialects: intel stored with ingestMentions and announced with
// intelArrived matches the organisations whose own assets it touches, and only those that may
// read it; each gets one targeted alert per arrival on its stream, its webhook (a real HTTP
// receiver on 127.0.0.1) and by email; duplicates never alert twice; asset changes apply at
// once; and the watchlist API shows, pages and acknowledges matches for the organisation only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { domainToASCII } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intelArrived, publishArrival, type ArrivalSource } from '../intel/arrivals.js';
import { ingestMentions, type MentionInput } from '../intel/ingest.repository.js';
import { warningListMatcher } from '../intel/warning-lists.js';
import type { Organisation } from '../orgs/organisations.service.js';
import { insertShare } from '../sharing/shares.js';
import type { Tlp } from '../stix/tlp.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { createRecordingMailer, type RecordingMailer } from '../test/recording-mailer.js';
import { openSse, type SseClient } from '../test/sse.js';

interface Receiver {
  url: string;
  bodies: Array<Record<string, any>>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const bodies: Array<Record<string, any>> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(dialects)('watchlists (%s)', (dialect) => {
  let hub: TestHub;
  let mailer: RecordingMailer;
  let base: string;
  let city: Organisation;
  let shelby: Organisation;
  let capital: Organisation;
  let cityAdmin: SignedInUser;
  let cityMember: SignedInUser;
  let shelbyAdmin: SignedInUser;
  let capitalAdmin: SignedInUser;
  let operator: SignedInUser;
  let cityHook: Receiver;
  let shelbyHook: Receiver;
  const streams: SseClient[] = [];
  let cityStream: SseClient;
  let shelbyStream: SseClient;

  beforeAll(async () => {
    mailer = createRecordingMailer();
    hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1', webhookTimeoutMs: '2000' }, { mailer });
    city = await hub.createOrg({ name: unique('Springfield'), domains: ['springfield.gov'], emailDomains: ['springfield.gov'], ipRanges: ['64.112.50.0/24'], brands: ['Springfield'] });
    shelby = await hub.createOrg({ name: unique('Shelbyville'), domains: ['shelbyville.gov'], ipRanges: ['67.205.10.0/25'] });
    capital = await hub.createOrg({ name: unique('Capital County') });
    cityAdmin = await hub.createUser({ orgId: city.id, role: 'admin' });
    cityMember = await hub.createUser({ orgId: city.id, role: 'member' });
    shelbyAdmin = await hub.createUser({ orgId: shelby.id, role: 'admin' });
    capitalAdmin = await hub.createUser({ orgId: capital.id, role: 'admin' });
    operator = await hub.createUser({ orgId: null, isOperator: true });
    [cityHook, shelbyHook] = await Promise.all([startReceiver(), startReceiver()]);
    // The city's SOC hook only wants high-severity phishing warnings: a watchlist match still reaches it.
    const a = await hub.as(cityAdmin, { method: 'POST', url: `/api/orgs/${city.id}/webhooks`, payload: { name: 'City SOC', url: cityHook.url, format: 'json', filter: { kinds: ['phishing'], minSeverity: 'high', tlps: ['amber', 'red'] } } });
    expect(a.statusCode, a.body).toBe(201);
    const b = await hub.as(shelbyAdmin, { method: 'POST', url: `/api/orgs/${shelby.id}/webhooks`, payload: { name: 'Shelby SOC', url: shelbyHook.url, format: 'slack' } });
    expect(b.statusCode, b.body).toBe(201);
    base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
    cityStream = await openSse(`${base}/api/stream`, { cookie: `tocsin_session=${cityAdmin.cookie}` });
    shelbyStream = await openSse(`${base}/api/stream`, { cookie: `tocsin_session=${shelbyAdmin.cookie}` });
    streams.push(cityStream, shelbyStream);
  });
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await Promise.all([cityHook?.close(), shelbyHook?.close()]);
    await hub?.close();
  });

  /** A share as a feed or warning would have it. */
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

  /** Store values from a source and announce them, as feeds and warnings do; publish after the commit. */
  async function arrive(source: ArrivalSource, shareId: string, values: Array<[MentionInput['type'], string]>, comment?: string) {
    const ctx = hub.app.ctx;
    const matcher = await warningListMatcher(ctx.db);
    const now = ctx.now().toISOString();
    const arrived = await ctx.db.transaction().execute(async (trx) => {
      const stored = await ingestMentions(
        trx,
        values.map(([type, value]) => ({ type, value, shareId, comment: comment ?? null })),
        { sourceKind: source.kind, sourceId: source.id, now, matcher, correlationLimit: 1000 },
      );
      return intelArrived(ctx, trx, source, stored.touched);
    });
    await publishArrival(ctx, arrived);
    return arrived;
  }

  const matchesOf = (orgId: string, sourceId: string) =>
    hub.app.ctx.db.selectFrom('watch_matches').innerJoin('observables', 'observables.id', 'watch_matches.observable_id').select(['observables.value', 'watch_matches.asset_kind', 'watch_matches.asset_value', 'watch_matches.reason', 'watch_matches.event_id']).where('org_id', '=', orgId).where('source_id', '=', sourceId).orderBy('observables.value').execute();

  const watchEvents = (s: SseClient) => s.events.filter((e) => e.event === 'watchlist.match').map((e) => JSON.parse(e.data) as { id: number; data: { watchlist: any } });

  it('alerts the city whose range a botnet feed hits — stream, webhook and mail — and nobody else', async () => {
    const feed = { kind: 'feed' as const, id: unique('feed-botnet'), label: 'Botnet C2 tracker' };
    const arrived = await arrive(feed, await share('green', { kind: 'members' }), [
      ['ipv4', '64.112.50.7'],
      ['ipv4', '45.9.20.1'],
      ['ipv4', '10.1.2.3'], // private: on a shared warning list, never alerts
      ['ipv4', '67.205.10.200'], // just outside Shelbyville's /25
    ]);
    expect(arrived.matches).toBe(1);
    expect(arrived.eventIds).toHaveLength(1);
    const [eventId] = arrived.eventIds;
    expect(await matchesOf(city.id, feed.id)).toEqual([{ value: '64.112.50.7', asset_kind: 'ip_range', asset_value: '64.112.50.0/24', reason: 'in-range', event_id: eventId }]);
    expect(await matchesOf(shelby.id, feed.id)).toEqual([]);
    // The member-assets warning list marks it (never exported to blocklists) without silencing the owner.
    const obs = await hub.app.ctx.db.selectFrom('observables').select('warning_list').where('value', '=', '64.112.50.7').executeTakeFirstOrThrow();
    expect(obs.warning_list).toBe('member-assets');

    // Stream: the city sees it within moments.
    await cityStream.waitFor((e) => e.some((x) => x.event === 'watchlist.match'));
    const streamed = watchEvents(cityStream)[0]!;
    expect(streamed.id).toBe(eventId);
    expect(streamed.data).toMatchObject({
      type: 'watchlist.match',
      watchlist: {
        orgId: city.id,
        tlp: 'amber',
        source: { kind: 'feed', id: feed.id, label: 'Botnet C2 tracker' },
        matchCount: 1,
        matches: [{ type: 'ipv4', value: '64.112.50.7', asset: { kind: 'ip_range', value: '64.112.50.0/24' }, reason: 'in-range', explanation: '64.112.50.7 is in your IP range 64.112.50.0/24', tlp: 'green' }],
        link: 'http://hub.test/watchlist',
      },
    });

    // Webhook: the city's receiver, despite its kinds filter; the event is addressed to the city only.
    const body = await until('the city webhook', () => cityHook.bodies.find((b) => b.type === 'watchlist.match'));
    expect(body).toMatchObject({ id: eventId, type: 'watchlist.match', data: { watchlist: { matches: [{ value: '64.112.50.7' }] } } });
    const hooks = await hub.app.ctx.db.selectFrom('webhook_deliveries').innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id').select(['webhooks.org_id']).where('event_id', '=', eventId!).execute();
    expect(hooks.map((h) => h.org_id)).toEqual([city.id]);

    // Email: the city's users, nobody else's; the value defanged.
    const outbox = await hub.app.ctx.db.selectFrom('mail_outbox').innerJoin('users', 'users.id', 'mail_outbox.user_id').select(['users.email', 'users.org_id']).where('event_id', '=', eventId!).execute();
    expect(new Set(outbox.map((o) => o.org_id))).toEqual(new Set([city.id]));
    expect(outbox.map((o) => o.email).sort()).toEqual([cityAdmin.email, cityMember.email].sort());
    const mail = await until('the alert mail', () => mailer.to(cityAdmin.email).find((m) => m.subject.includes('Watchlist')));
    expect(mail.subject).toBe('[TLP:AMBER] Watchlist: 1 new match on your watchlist — from Botnet C2 tracker');
    expect(mail.text).toContain('64[.]112[.]50[.]7 is in your IP range 64.112.50.0/24');
    expect(mail.text).toContain('http://hub.test/watchlist');
    expect(mail.html).toContain('Review the matches');

    // Nothing reached Shelbyville on any channel.
    await new Promise((r) => setTimeout(r, 300));
    expect(watchEvents(shelbyStream)).toEqual([]);
    expect(shelbyHook.bodies).toEqual([]);
    expect(mailer.to(shelbyAdmin.email).filter((m) => m.subject.includes('Watchlist'))).toEqual([]);
  });

  it('matches a city address in a credential leak, and lookalikes of its domain in one event', async () => {
    const leak = { kind: 'feed' as const, id: unique('feed-leak'), label: 'Credential leak' };
    const shareId = await share('amber', { kind: 'members' });
    expect((await arrive(leak, shareId, [['email', 'jdoe@springfield.gov'], ['email', 'someone@example.org']])).matches).toBe(1);
    expect(await matchesOf(city.id, leak.id)).toMatchObject([{ value: 'jdoe@springfield.gov', asset_kind: 'email_domain', asset_value: 'springfield.gov', reason: 'email-address' }]);

    const phish = { kind: 'feed' as const, id: unique('feed-phish'), label: 'Phishing domains' };
    const cyrillic = domainToASCII('sprіngfield.gov'); // U+0456 instead of i
    const arrived = await arrive(phish, shareId, [['domain', 'spr1ngfield.gov'], ['domain', cyrillic], ['url', 'https://springfield-payments.com/login'], ['domain', 'example.net']]);
    expect(arrived).toMatchObject({ matches: 3, eventIds: [expect.any(Number)] });
    expect((await matchesOf(city.id, phish.id)).map((m) => [m.value, m.asset_kind, m.reason])).toEqual(
      [
        ['https://springfield-payments.com/login', 'domain', 'embedded'],
        ['spr1ngfield.gov', 'domain', 'typo'],
        [cyrillic, 'domain', 'homoglyph'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    await cityStream.waitFor((e) => e.some((x) => x.event === 'watchlist.match' && JSON.parse(x.data).id === arrived.eventIds[0]));
    const ev = watchEvents(cityStream).find((e) => e.id === arrived.eventIds[0])!;
    expect(ev.data.watchlist.matchCount).toBe(3);
    expect(ev.data.watchlist.matches.map((m: { reason: string }) => m.reason).sort()).toEqual(['embedded', 'homoglyph', 'typo']);
  });

  it('never tells an organisation about intel it may not read, and seals TLP:RED in mail', async () => {
    // Capital County's RED warning to itself names a city address: the city does not see it, so no match.
    const hidden = { kind: 'warning' as const, id: unique('warning'), label: 'Intrusion at the county' };
    const redToCapital = await share('red', { kind: 'orgs', orgIds: [capital.id] }, capital.id);
    expect(await arrive(hidden, redToCapital, [['ipv4', '64.112.50.99']])).toEqual({ matches: 0, eventIds: [] });
    expect(await matchesOf(city.id, hidden.id)).toEqual([]);

    // The same kind of warning sent RED to the city itself does match, as a RED alert whose mail says only that.
    const told = { kind: 'warning' as const, id: unique('warning'), label: 'Your VPN appliance is beaconing' };
    const arrived = await arrive(told, await share('red', { kind: 'orgs', orgIds: [city.id] }, capital.id), [['ipv4', '64.112.50.98']]);
    expect(arrived.matches).toBe(1);
    const mail = await until('the sealed mail', () => mailer.to(cityAdmin.email).find((m) => m.subject.startsWith('[TLP:RED] Watchlist')));
    expect(mail.subject).toBe('[TLP:RED] Watchlist: 1 new match on your watchlist');
    expect(mail.text).not.toContain('64[.]112[.]50[.]98');
    expect(mail.text).not.toContain('beaconing');
    // Capital County's admin was not told about the city's asset.
    expect(mailer.to(capitalAdmin.email).filter((m) => m.subject.includes('Watchlist'))).toEqual([]);
  });

  it('does not alert twice for the same value from the same source', async () => {
    const feed = { kind: 'feed' as const, id: unique('feed-repeat'), label: 'Repeating feed' };
    const shareId = await share('green', { kind: 'members' });
    expect((await arrive(feed, shareId, [['ipv4', '64.112.50.50']])).matches).toBe(1);
    // The same value again, with a changed comment (a touched, changed mention): no second alert.
    const again = await arrive(feed, shareId, [['ipv4', '64.112.50.50']], 'seen again');
    expect(again).toEqual({ matches: 0, eventIds: [] });
    expect(await matchesOf(city.id, feed.id)).toHaveLength(1);
    // Another source reporting it is news.
    const other = { kind: 'feed' as const, id: unique('feed-other'), label: 'Another feed' };
    expect((await arrive(other, shareId, [['ipv4', '64.112.50.50']])).matches).toBe(1);
  });

  it('applies an asset change at once, edited by the org admin through the organisation API', async () => {
    const feed = { kind: 'feed' as const, id: unique('feed-assets'), label: 'Scanner list' };
    const shareId = await share('green', { kind: 'members' });
    expect((await arrive(feed, shareId, [['ipv4', '161.97.3.5']])).matches).toBe(0);
    const patched = await hub.as(cityAdmin, {
      method: 'PATCH',
      url: `/api/orgs/${city.id}`,
      payload: { ipRanges: ['64.112.50.0/24', '161.97.3.0/24'], emailDomains: ['Springfield.GOV', 'mail.springfield.gov'], brands: ['  Springfield   Water '], lookalikePatterns: ['spfld-*.com'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ ipRanges: ['161.97.3.0/24', '64.112.50.0/24'], emailDomains: ['mail.springfield.gov', 'springfield.gov'], brands: ['springfield water'], lookalikePatterns: ['spfld-*.com'] });
    const arrived = await arrive(feed, shareId, [['ipv4', '161.97.3.6'], ['domain', 'spfld-tax.com'], ['domain', 'springfieldwater-billing.net']]);
    expect((await matchesOf(city.id, feed.id)).map((m) => [m.value, m.asset_kind, m.reason])).toEqual([
      ['161.97.3.6', 'ip_range', 'in-range'],
      ['spfld-tax.com', 'lookalike', 'pattern'],
      ['springfieldwater-billing.net', 'brand', 'embedded'],
    ]);
    expect(arrived.matches).toBe(3);
    // And the new range is a member asset on the warning list at once.
    const obs = await hub.app.ctx.db.selectFrom('observables').select('warning_list').where('value', '=', '161.97.3.6').executeTakeFirstOrThrow();
    expect(obs.warning_list).toBe('member-assets');

    // Removing it stops the matches.
    expect((await hub.as(cityAdmin, { method: 'PATCH', url: `/api/orgs/${city.id}`, payload: { ipRanges: ['64.112.50.0/24'] } })).statusCode).toBe(200);
    expect((await arrive(feed, shareId, [['ipv4', '161.97.3.7']])).matches).toBe(0);

    // Bad assets are refused with a stable code; a member cannot edit them.
    for (const payload of [{ brands: ['abc'] }, { lookalikePatterns: ['*.*'] }, { emailDomains: ['not a domain'] }]) {
      const res = await hub.as(cityAdmin, { method: 'PATCH', url: `/api/orgs/${city.id}`, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('ASSET_INVALID');
    }
    const tooMany = await hub.as(cityAdmin, { method: 'PATCH', url: `/api/orgs/${city.id}`, payload: { brands: Array.from({ length: 51 }, (_, i) => `brand${i}`) } });
    expect(tooMany.statusCode).toBe(400);
    expect((await hub.as(cityMember, { method: 'PATCH', url: `/api/orgs/${city.id}`, payload: { brands: [] } })).statusCode).toBe(403);
  });

  it('shows, pages and acknowledges the organisation’s own matches only', async () => {
    const summary = await hub.as(cityMember, { method: 'GET', url: '/api/watchlist' });
    expect(summary.statusCode, summary.body).toBe(200);
    const s = summary.json();
    expect(s).toMatchObject({ orgId: city.id, assets: { domains: ['springfield.gov'], ipRanges: ['64.112.50.0/24'], brands: ['springfield water'] } });
    expect(s.matches.total).toBeGreaterThanOrEqual(10);
    expect(s.matches.unacknowledged).toBe(s.matches.total);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await hub.as(cityMember, { method: 'GET', url: `/api/watchlist/matches?acknowledged=false&limit=3${cursor ? `&cursor=${cursor}` : ''}` });
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json();
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((m: { id: string }) => m.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(s.matches.total);
    const first = (await hub.as(cityMember, { method: 'GET', url: '/api/watchlist/matches?limit=1' })).json().items[0];
    expect(Object.keys(first).sort()).toEqual(['acknowledgedAt', 'acknowledgedBy', 'asset', 'eventId', 'explanation', 'id', 'matchedAt', 'observable', 'reason', 'source', 'tlp']);

    // Members read; analysts and admins acknowledge; another organisation cannot even see it.
    const ack = (user: SignedInUser) => hub.as(user, { method: 'POST', url: `/api/watchlist/matches/${first.id}/acknowledge` });
    expect((await ack(cityMember)).statusCode).toBe(403);
    const other = await ack(shelbyAdmin);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('NOT_FOUND');
    const done = await ack(cityAdmin);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: first.id, acknowledgedBy: cityAdmin.id });
    expect((await ack(cityAdmin)).json().acknowledgedAt).toBe(done.json().acknowledgedAt);
    const acked = (await hub.as(cityMember, { method: 'GET', url: '/api/watchlist/matches?acknowledged=true' })).json();
    expect(acked.items.map((m: { id: string }) => m.id)).toEqual([first.id]);
    expect((await hub.as(cityMember, { method: 'GET', url: '/api/watchlist' })).json().matches.unacknowledged).toBe(s.matches.total - 1);

    expect((await hub.as(shelbyAdmin, { method: 'GET', url: '/api/watchlist/matches' })).json().items).toEqual([]);
    expect((await hub.as(operator, { method: 'GET', url: '/api/watchlist' })).statusCode).toBe(403);
    expect((await hub.as(cityMember, { method: 'GET', url: '/api/watchlist/matches?cursor=bogus' })).json().code).toBe('VALIDATION_FAILED');
    expect((await hub.app.inject({ method: 'GET', url: '/api/watchlist' })).statusCode).toBe(401);
  });
});
