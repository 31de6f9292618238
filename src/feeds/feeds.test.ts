// Feeds end to end on both dialects: real snapshots from ../shared/data served over a local
// HTTP server (the SSRF guard lets 127.0.0.1 through by config, as in production an operator
// would for an internal mirror), conditional fetch, each format, hostile sources that must
// fail without touching the previous data, vanish handling, and who may do what.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type SignedInUser, type TestHub } from '../test/harness.js';
import type { Organisation } from '../orgs/organisations.service.js';
import type { Feed, FeedRunView } from './feeds.view.js';
import { sharedFile } from './parsers/test-support.js';
import { indicator } from '../test/taxii.js';
import { taxiiMediaType } from '../taxii/media.js';
import { feedRunsSettled, runDueFeeds, runFeed } from './runner.js';

const netset = sharedFile('feeds/firehol_level1.netset', 'the FireHOL list feed tests');
const sslbl = sharedFile('feeds/abusech-sslbl-sslblacklist-2023-11-14.csv', 'the CSV feed test');
const mispDir = sharedFile('misp/tweetfeed-misp-feed/manifest.json', 'the MISP feed test');
const stixBundle = sharedFile('stix/misp-stix-test_events_collection_stix21.json', 'the STIX feed test');
const mispEvents = ['07124362-c14b-5868-b516-e5d8dd938050', '5022d56f-9f94-5dd8-9b99-481b0e2c4dd1', '84b0a1ba-c3ea-576a-9410-fbb7dfce7f6f'];

type Route = { status?: number; body: Buffer | string; etag?: string; lastModified?: string; type?: string; headers?: Record<string, string> };

/** A tiny file server: each path answers what the test put there, with ETag / Last-Modified when given. */
function feedServer() {
  const routes = new Map<string, Route>();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.push(url);
    const r = routes.get(url);
    if (!r) {
      res.writeHead(404).end('not found');
      return;
    }
    if ((r.etag && req.headers['if-none-match'] === r.etag) || (r.lastModified && !r.etag && req.headers['if-modified-since'] === r.lastModified)) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'text/plain', ...(r.etag ? { etag: r.etag } : {}), ...(r.lastModified ? { 'last-modified': r.lastModified } : {}), ...r.headers });
    res.end(r.body);
  });
  return {
    routes,
    hits,
    base: '',
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const dialect of dialects) {
  describe(`feeds [${dialect}]`, () => {
    let hub: TestHub;
    let operator: SignedInUser;
    let orgA: Organisation;
    let adminA: SignedInUser;
    let memberA: SignedInUser;
    let adminB: SignedInUser;
    let fileRoot: string;
    const srv = feedServer();

    beforeAll(async () => {
      fileRoot = mkdtempSync(path.join(tmpdir(), 'tocsin-feeds-'));
      await srv.start();
      hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1', feedFileRoot: fileRoot }, { workers: false });
      operator = await hub.createUser({ orgId: null, isOperator: true });
      orgA = await hub.createOrg();
      const orgB = await hub.createOrg();
      adminA = await hub.createUser({ orgId: orgA.id, role: 'admin' });
      memberA = await hub.createUser({ orgId: orgA.id, role: 'member' });
      adminB = await hub.createUser({ orgId: orgB.id, role: 'admin' });
    });
    afterAll(async () => {
      await hub?.close();
      await srv.stop();
    });

    const create = async (payload: Record<string, unknown>, user = operator) => hub.as(user, { method: 'POST', url: '/api/feeds', payload });
    const add = async (payload: Record<string, unknown>): Promise<Feed> => {
      const res = await create(payload);
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Feed>();
    };
    /** Start a run over the API (202), wait for it, and read it back. */
    const run = async (feed: Feed, query = ''): Promise<FeedRunView> => {
      const res = await hub.as(operator, { method: 'POST', url: `/api/feeds/${feed.id}/run${query}` });
      expect(res.statusCode, res.body).toBe(202);
      await feedRunsSettled(hub.app.ctx);
      const got = await hub.as(operator, { method: 'GET', url: `/api/feeds/runs/${res.json().runId}` });
      expect(got.statusCode, got.body).toBe(200);
      return got.json<FeedRunView>();
    };
    const statuses = async (feedId: string) => {
      const rows = await hub.app.ctx.db.selectFrom('mentions').select('status').where('source_id', '=', feedId).execute();
      const out: Record<string, number> = {};
      for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
      return out;
    };

    it.skipIf(!netset.present)('imports a plain IP list, answers 304 with not-modified, and re-imports as all unchanged', async () => {
      srv.routes.set('/firehol.netset', { body: readFileSync(netset.file), etag: '"v1"' });
      const feed = await add({ name: 'FireHOL level 1', kind: 'list', url: `${srv.base}/firehol.netset`, options: { type: 'ip' }, tlp: 'clear' });
      const first = await run(feed);
      expect(first.status, first.error ?? '').toBe('complete');
      expect(first.counts.new).toBeGreaterThan(2500);
      expect(first.counts).toMatchObject({ updated: 0, unchanged: 0, expired: 0 });
      expect(first.bytesRead).toBe(readFileSync(netset.file).length);
      expect(first.durationMs).toBeGreaterThanOrEqual(0);

      const second = await run(feed);
      expect(second.status).toBe('not-modified');
      const shown = (await hub.as(operator, { method: 'GET', url: `/api/feeds/${feed.id}` })).json<Feed>();
      expect(shown.health).toMatchObject({ status: 'healthy', lastStatus: 'not-modified', consecutiveFailures: 0 });

      const forced = await run(feed, '?force=true');
      expect(forced.status).toBe('complete');
      expect(forced.counts).toMatchObject({ new: 0, updated: 0, unchanged: first.counts.new, expired: 0 });

      // Last-Modified alone is used too.
      srv.routes.set('/firehol.netset', { body: readFileSync(netset.file), lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT' });
      expect((await run(feed, '?force=true')).status).toBe('complete');
      expect((await run(feed)).status).toBe('not-modified');

      const history = await hub.as(memberA, { method: 'GET', url: `/api/feeds/${feed.id}/runs` });
      expect(history.json().items.map((r: FeedRunView) => r.status)).toEqual(['not-modified', 'complete', 'complete', 'not-modified', 'complete']);
    });

    it.skipIf(!sslbl.present)('reads a CSV with a column mapping under a commented header', async () => {
      srv.routes.set('/sslbl.csv', { body: readFileSync(sslbl.file) });
      const feed = await add({ name: 'SSLBL', kind: 'csv', url: `${srv.base}/sslbl.csv`, options: { columns: { value: 'SHA1', comment: 'Listingreason', firstSeen: 'Listingdate' } } });
      const r = await run(feed);
      expect(r.status, r.error ?? '').toBe('complete');
      expect(r.counts.new).toBeGreaterThan(5000);
      const one = await hub.app.ctx.db
        .selectFrom('mentions')
        .innerJoin('observables', 'observables.id', 'mentions.observable_id')
        .select(['observables.type', 'mentions.comment', 'mentions.first_seen', 'mentions.last_seen'])
        .where('observables.value', '=', '2e3519b7cb61a3cd6167f727df993f68311085ea')
        .where('mentions.source_id', '=', feed.id)
        .executeTakeFirstOrThrow();
      expect(one).toMatchObject({ type: 'sha1', comment: 'DCRat C&C', last_seen: null });
      expect(one.first_seen.startsWith('2023-11-14')).toBe(true);
    });

    it.skipIf(!mispDir.present)('reads a MISP feed folder, and the next run is incremental', async () => {
      const dir = path.dirname(mispDir.file);
      const manifest = JSON.parse(readFileSync(mispDir.file, 'utf8')) as Record<string, unknown>;
      const shipped = Object.fromEntries(mispEvents.map((u) => [u, manifest[u]]));
      srv.routes.set('/misp/manifest.json', { body: JSON.stringify(shipped), etag: '"m1"', type: 'application/json' });
      for (const u of mispEvents) srv.routes.set(`/misp/${u}.json`, { body: readFileSync(path.join(dir, `${u}.json`)), type: 'application/json' });
      const feed = await add({ name: 'TweetFeed', kind: 'misp', url: `${srv.base}/misp/` });
      const first = await run(feed);
      expect(first.status, first.error ?? '').toBe('complete');
      expect(first.counts.new).toBeGreaterThan(200);
      expect(srv.hits.filter((h) => h.startsWith('/misp/') && h !== '/misp/manifest.json')).toHaveLength(3);

      expect((await run(feed)).status).toBe('not-modified');
      // The manifest changed (another ETag) but no event did: nothing is fetched again.
      srv.routes.set('/misp/manifest.json', { body: JSON.stringify(shipped), etag: '"m2"', type: 'application/json' });
      const before = srv.hits.length;
      const incremental = await run(feed);
      expect(incremental.status).toBe('complete');
      expect(incremental.counts).toMatchObject({ records: 0, new: 0 });
      expect(srv.hits.slice(before)).toEqual(['/misp/manifest.json']);

      // An event listed without a file: counted and sampled, the rest is read, nothing retired.
      const missing = '00000000-0000-4000-8000-000000000001';
      srv.routes.set('/misp/manifest.json', { body: JSON.stringify({ ...shipped, [missing]: { timestamp: '1790000000', info: 'gone' } }), etag: '"m3"', type: 'application/json' });
      const partial = await run(feed, '?force=true');
      expect(partial.status).toBe('complete');
      expect(partial.counts.rejected).toBeGreaterThanOrEqual(1);
      expect(partial.samples.some((s) => s.ref === missing)).toBe(true);
      expect(partial.counts.expired).toBe(0);
    });

    it.skipIf(!stixBundle.present)('reads a STIX 2.1 bundle', async () => {
      srv.routes.set('/bundle.json', { body: readFileSync(stixBundle.file), type: 'application/json' });
      const feed = await add({ name: 'MISP STIX export', kind: 'stix', url: `${srv.base}/bundle.json`, tlp: 'amber' });
      const r = await run(feed);
      expect(r.status, r.error ?? '').toBe('complete');
      expect(r.counts.new).toBeGreaterThan(0);
      const tlps = await hub.app.ctx.db.selectFrom('mentions').innerJoin('shares', 'shares.id', 'mentions.share_id').select('shares.tlp').distinct().where('mentions.source_id', '=', feed.id).execute();
      // The feed's TLP is a floor: nothing comes out less restricted than AMBER.
      for (const t of tlps) expect(['amber', 'amber+strict', 'red']).toContain(t.tlp);
    });

    it('reads a TAXII 2.1 collection page by page, then only what was added since', async () => {
      const t1 = '2026-11-01T00:00:00.000001Z';
      const t2 = '2026-11-02T00:00:00.000002Z';
      const json = (body: unknown, dateAddedLast?: string): Route => ({ body: JSON.stringify(body), type: taxiiMediaType, ...(dateAddedLast ? { headers: { 'x-taxii-date-added-last': dateAddedLast } } : {}) });
      const objects = '/taxii/root/collections/c1/objects/';
      srv.routes.set('/taxii/root/', json({ title: 'Partner hub', versions: [taxiiMediaType], max_content_length: 1_000_000 }));
      srv.routes.set(objects, json({ more: true, next: 'p2', objects: [indicator({ ip: '203.0.113.201' }), indicator({ ip: '203.0.113.202' }), { type: 'indicator', id: 'nonsense' }] }, t1));
      srv.routes.set(`${objects}?next=p2`, json({ more: false, objects: [indicator({ ip: '203.0.113.203' })] }, t2));
      srv.routes.set(`${objects}?added_after=${encodeURIComponent(t2)}`, json({ more: false, objects: [indicator({ ip: '203.0.113.204' })] }, '2026-11-03T00:00:00.000003Z'));
      const feed = await add({ name: 'Partner TAXII', kind: 'taxii', url: `${srv.base}/taxii/root/`, options: { collectionId: 'c1', authKind: 'bearer', secret: 's3cret-token' }, tlp: 'green' });
      expect(JSON.stringify(feed)).not.toContain('s3cret-token');
      const first = await run(feed);
      expect(first.status, first.error ?? '').toBe('complete');
      expect(first.counts.new).toBe(3);
      expect(first.counts.rejected).toBeGreaterThanOrEqual(1);
      const hitsBefore = srv.hits.length;
      const second = await run(feed);
      expect(second.status, second.error ?? '').toBe('complete');
      // Incremental: only what was added after the last page's date, and nothing retired (a stream is never a full listing).
      expect(srv.hits.slice(hitsBefore)).toContain(`${objects}?added_after=${encodeURIComponent(t2)}`);
      expect(second.counts).toMatchObject({ new: 1, expired: 0 });
      const values = await hub.app.ctx.db.selectFrom('mentions').innerJoin('observables', 'observables.id', 'mentions.observable_id').select(['observables.value', 'mentions.status']).where('mentions.source_id', '=', feed.id).execute();
      expect(values.map((v) => `${v.value} ${v.status}`).sort()).toEqual(['203.0.113.201 active', '203.0.113.202 active', '203.0.113.203 active', '203.0.113.204 active']);
    });

    it('fails hostile sources (truncated gzip, HTTP 500, garbage) and keeps the previous data', async () => {
      const good = Array.from({ length: 40 }, (_, i) => `45.9.${i}.7`).join('\n') + '\n';
      srv.routes.set('/hostile.txt', { body: gzipSync(good) });
      const feed = await add({ name: 'Hostile', kind: 'list', url: `${srv.base}/hostile.txt` });
      expect((await run(feed)).counts.new).toBe(40);

      const big = gzipSync(Array.from({ length: 5000 }, (_, i) => `46.${i % 250}.${Math.floor(i / 250)}.1`).join('\n'));
      srv.routes.set('/hostile.txt', { body: big.subarray(0, Math.floor(big.length / 2)) });
      const truncated = await run(feed);
      expect(truncated.status).toBe('failed');
      expect(truncated.error).toMatch(/gzip/i);

      srv.routes.set('/hostile.txt', { status: 500, body: 'oops' });
      const down = await run(feed);
      expect(down.status).toBe('failed');
      expect(down.error).toContain('HTTP 500');

      srv.routes.set('/hostile.txt', { body: '<html><body>' + '<p>Service temporarily unavailable, please come back later</p>\n'.repeat(30) + '</body></html>', type: 'text/html' });
      const garbage = await run(feed);
      expect(garbage.status).toBe('failed');
      expect(garbage.error).toContain('does not look like');
      expect(garbage.samples.length).toBeGreaterThan(0);

      expect(await statuses(feed.id)).toEqual({ active: 40 + truncated.counts.new });
      const shown = (await hub.as(operator, { method: 'GET', url: `/api/feeds/${feed.id}` })).json<Feed>();
      expect(shown.health).toMatchObject({ status: 'failing', consecutiveFailures: 3, lastStatus: 'failed' });
      expect(shown.health.lastError).toContain('does not look like');
    });

    it('expires or withdraws values that vanish, only after a complete run', async () => {
      const body = (n: number) => Array.from({ length: n }, (_, i) => `evil-${i}.example.net`).join('\n');
      srv.routes.set('/vanish.txt', { body: body(5) });
      const expire = await add({ name: 'Vanishing', kind: 'list', url: `${srv.base}/vanish.txt` });
      const withdraw = await add({ name: 'Vanishing withdrawn', kind: 'list', url: `${srv.base}/vanish.txt`, onVanish: 'withdraw' });
      const keep = await add({ name: 'Vanishing kept', kind: 'list', url: `${srv.base}/vanish.txt`, onVanish: 'keep', expiryDays: 7 });
      for (const f of [expire, withdraw, keep]) expect((await run(f)).counts.new).toBe(5);

      // A run that fails half-way retires nothing, though it listed fewer values.
      srv.routes.set('/vanish.txt', { body: gzipSync(body(3)).subarray(0, 20) });
      expect((await run(expire)).status).toBe('failed');
      expect(await statuses(expire.id)).toEqual({ active: 5 });

      srv.routes.set('/vanish.txt', { body: body(3) });
      const r = await run(expire);
      expect(r.counts).toMatchObject({ unchanged: 3, expired: 2 });
      expect(await statuses(expire.id)).toEqual({ active: 3, expired: 2 });
      expect((await run(withdraw)).counts.expired).toBe(2);
      expect(await statuses(withdraw.id)).toEqual({ active: 3, withdrawn: 2 });
      expect((await run(keep)).counts.expired).toBe(2);
      const kept = await hub.app.ctx.db.selectFrom('mentions').select(['status', 'valid_until']).where('source_id', '=', keep.id).where('valid_until', 'is not', null).execute();
      expect(kept).toHaveLength(2);
      expect(kept.every((m) => m.status === 'active')).toBe(true);

      // Back in the list: active again.
      srv.routes.set('/vanish.txt', { body: body(5) });
      expect((await run(expire)).counts.updated).toBe(2);
      expect(await statuses(expire.id)).toEqual({ active: 5 });
    });

    it('reads files only inside the feed folder', async () => {
      writeFileSync(path.join(fileRoot, 'local.txt'), '198.51.100.99\n203.0.113.77\n');
      mkdirSync(path.join(fileRoot, 'sub'), { recursive: true });
      const ok = await add({ name: 'Local list', kind: 'list', file: 'local.txt' });
      expect(ok.file).toBe(path.join(fileRoot, 'local.txt'));
      const r = await run(ok);
      expect(r.status, r.error ?? '').toBe('complete');
      expect(r.counts.new).toBe(2);
      expect((await run(ok)).status).toBe('not-modified');

      for (const file of ['../outside.txt', '/etc/passwd', 'sub']) {
        const res = await create({ name: `Bad ${file}`, kind: 'list', file });
        expect(res.statusCode, file).toBe(400);
        expect(res.json().code).toBe('FEED_FILE_REFUSED');
      }
      // Org admins never read the hub's files.
      const admin = await create({ name: 'Admin file', kind: 'list', file: 'local.txt' }, adminA);
      expect(admin.statusCode).toBe(403);
    });

    it('refuses URLs to internal addresses with URL_REFUSED, at creation and at fetch', async () => {
      for (const url of ['http://10.1.2.3/list.txt', 'http://169.254.169.254/latest/meta-data/', 'ftp://example.org/list.txt', 'http://user:pw@example.org/list.txt']) {
        const res = await create({ name: `SSRF ${url}`, kind: 'list', url });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().code, url).toBe('URL_REFUSED');
      }
      // A name that resolves inside is caught when the run connects.
      const feed = await add({ name: 'Rebinding', kind: 'list', url: 'http://inside.example.test/list.txt' });
      const started = await hub.as(operator, { method: 'POST', url: `/api/feeds/${feed.id}/run` });
      expect(started.statusCode).toBe(202);
      await feedRunsSettled(hub.app.ctx);
      const r = (await hub.as(operator, { method: 'GET', url: `/api/feeds/runs/${started.json().runId}` })).json<FeedRunView>();
      expect(r.status).toBe('failed');
    });

    it('lets members read feeds (never credentials), org admins manage only their own, and hides other orgs’ feeds', async () => {
      const member = await create({ name: 'By a member', kind: 'list', url: `${srv.base}/x.txt` }, memberA);
      expect(member.statusCode).toBe(403);
      const wide = await create({ name: 'Org wide', kind: 'list', url: `${srv.base}/x.txt`, audience: 'members' }, adminA);
      expect(wide.statusCode).toBe(403);
      const own = await create({ name: 'Town A list', kind: 'list', url: `${srv.base}/x.txt?key=s3cret`, tlp: 'red' }, adminA);
      expect(own.statusCode, own.body).toBe(201);
      expect(own.json()).toMatchObject({ orgId: orgA.id, audience: 'orgs', tlp: 'red', manageable: true });
      const redForAll = await create({ name: 'Red for all', kind: 'list', url: `${srv.base}/x.txt`, tlp: 'red' });
      expect(redForAll.json().code).toBe('RED_NEEDS_RECIPIENTS');

      const taxii = await add({ name: 'State TAXII', kind: 'taxii', url: `${srv.base}/taxii2/`, options: { collectionId: 'abc-123', authKind: 'bearer', secret: 'tcs_supersecrettoken1234' } });
      expect(JSON.stringify(taxii)).not.toContain('supersecret');
      expect(taxii.options).toMatchObject({ collectionId: 'abc-123', authKind: 'bearer', secretHint: '…1234' });

      const seen = await hub.as(memberA, { method: 'GET', url: '/api/feeds' });
      expect(seen.statusCode).toBe(200);
      expect(seen.body).not.toContain('supersecret');
      expect(seen.body).not.toContain('s3cret');
      const names = seen.json().items.map((f: Feed) => f.name);
      expect(names).toContain('State TAXII');
      expect(names).toContain('Town A list');
      expect(seen.json().items.find((f: Feed) => f.name === 'Town A list').manageable).toBe(false);

      const other = await hub.as(adminB, { method: 'GET', url: '/api/feeds' });
      expect(other.json().items.map((f: Feed) => f.name)).not.toContain('Town A list');
      const direct = await hub.as(adminB, { method: 'GET', url: `/api/feeds/${own.json().id}` });
      expect(direct.statusCode).toBe(404);
      const runB = await hub.as(adminB, { method: 'POST', url: `/api/feeds/${own.json().id}/run` });
      expect(runB.statusCode).toBe(404);
      const runMember = await hub.as(memberA, { method: 'POST', url: `/api/feeds/${own.json().id}/run` });
      expect(runMember.statusCode).toBe(403);
      const patch = await hub.as(adminA, { method: 'PATCH', url: `/api/feeds/${taxii.id}`, payload: { name: 'Mine now' } });
      expect(patch.statusCode).toBe(403);
      // An organisation's feed the operator shares with every member is every member's to see (as in the feed-health trend).
      const shared = await add({ name: 'Town A list for all', kind: 'list', url: `${srv.base}/x.txt`, orgId: orgA.id, audience: 'members' });
      expect((await hub.as(adminB, { method: 'GET', url: `/api/feeds/${shared.id}` })).statusCode).toBe(200);
      expect((await hub.as(adminB, { method: 'GET', url: '/api/feeds' })).json().items.map((f: Feed) => f.name)).toContain('Town A list for all');
      const unauth = await hub.app.inject({ method: 'GET', url: '/api/feeds' });
      expect(unauth.statusCode).toBe(401);

      // The stored secret stays when other settings change, and is still never shown.
      const renamed = await hub.as(operator, { method: 'PATCH', url: `/api/feeds/${taxii.id}`, payload: { intervalMinutes: 30, options: { collectionId: 'abc-123', authKind: 'bearer' } } });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json().options.secretHint).toBe('…1234');
      const del = await hub.as(adminA, { method: 'DELETE', url: `/api/feeds/${own.json().id}` });
      expect(del.statusCode).toBe(204);
    });

    it('tells a caller the live progress and stores it on the run row', async () => {
      srv.routes.set('/progress.txt', { body: Array.from({ length: 30_000 }, (_, i) => `47.${i % 250}.${Math.floor(i / 250)}.9`).join('\n') });
      const feed = await add({ name: 'Progress', kind: 'list', url: `${srv.base}/progress.txt` });
      const seen: FeedRunView[] = [];
      const final = await runFeed(hub.app.ctx, feed.id, 'cli', (r) => seen.push(r));
      expect(final?.status).toBe('complete');
      expect(final?.counts.new).toBe(30_000);
      expect(seen.at(-1)).toMatchObject({ status: 'complete', id: final!.id });
      expect(seen.length).toBeGreaterThanOrEqual(1);
      const stored = (await hub.as(operator, { method: 'GET', url: `/api/feeds/runs/${final!.id}` })).json<FeedRunView>();
      expect(stored).toMatchObject({ status: 'complete', trigger: 'cli', counts: { new: 30_000 } });
    });

    it('runs due feeds from the scheduler, one process at a time', async () => {
      srv.routes.set('/scheduled.txt', { body: '45.77.1.1\n45.77.1.2\n' });
      const feed = await add({ name: 'Scheduled', kind: 'list', url: `${srv.base}/scheduled.txt`, intervalMinutes: 5 });
      // Everything else created here is due too; run them all, then nothing is due.
      expect(await runDueFeeds(hub.app.ctx)).toBeGreaterThanOrEqual(1);
      while ((await runDueFeeds(hub.app.ctx)) > 0) {}
      const shown = (await hub.as(operator, { method: 'GET', url: `/api/feeds/${feed.id}` })).json<Feed>();
      expect(shown.health.lastStatus).toBe('complete');
      expect(Date.parse(shown.health.nextRunAt!)).toBeGreaterThan(Date.now() + 4 * 60_000);
      expect(await runDueFeeds(hub.app.ctx)).toBe(0);
      // A held lease keeps a second run out.
      await hub.app.ctx.db.updateTable('feeds').set({ locked_until: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', feed.id).execute();
      const busy = await hub.as(operator, { method: 'POST', url: `/api/feeds/${feed.id}/run` });
      expect(busy.statusCode).toBe(409);
      expect(busy.json().code).toBe('FEED_BUSY');
    });
  });
}
