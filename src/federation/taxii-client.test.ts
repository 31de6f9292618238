// The TAXII client against a real listening hub (discovery, collections, paging with `next`,
// pushing, refused credentials) and against hostile servers on 127.0.0.1 that answer with
// the wrong media type, garbage, oversized or endless bodies, redirects and malformed pages.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/free-port.js';
import { dialects } from '../test/harness.js';
import { createTaxiiWorld, indicator, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import { taxiiMediaType } from '../taxii/media.js';
import { PeerCallError, TaxiiClient, type ClientOptions } from './taxii-client.js';

const loopback: ClientOptions = { timeoutMs: 5_000, maxBytes: 1_048_576, allow: ['127.0.0.1/32'] };

async function failure(promise: Promise<unknown>): Promise<PeerCallError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PeerCallError);
    return err as PeerCallError;
  }
  throw new Error('expected the call to fail');
}

for (const dialect of dialects) {
  describe(`TAXII client against a listening hub [${dialect}]`, () => {
    let world: TaxiiWorld;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      world = await createTaxiiWorld(dialect, { outboundAllow: '127.0.0.1', publicUrl: base, taxiiPageSize: '2' });
      await world.hub.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => world?.hub.close());

    it('finds the API root from discovery or directly, lists collections, pushes and pages with next', async () => {
      const client = new TaxiiClient({ kind: 'bearer', token: world.tokenA }, loopback);
      const viaDiscovery = await client.discover(`${base}/taxii2/`);
      expect(viaDiscovery).toEqual({ apiRoot: `${base}/taxii2/tocsin/`, title: 'Tocsin', maxContentLength: world.hub.config.taxiiMaxContentLength });
      expect((await client.discover(`${base}/taxii2/tocsin`)).apiRoot).toBe(`${base}/taxii2/tocsin/`);

      const collections = await client.collections(viaDiscovery.apiRoot);
      expect(collections.map((c) => c.id)).toEqual(expect.arrayContaining([publicCollectionId, membersCollectionId]));
      expect(collections.find((c) => c.id === publicCollectionId)).toMatchObject({ canRead: true, canWrite: true });

      const objects = [indicator({ tlp: 'clear' }), indicator({ tlp: 'clear' }), indicator({ tlp: 'clear' })];
      const status = await client.push(viaDiscovery.apiRoot, publicCollectionId, objects.map((o) => JSON.stringify(o)));
      expect(status).toMatchObject({ successCount: 3, failureCount: 0, failures: [] });
      expect(status.id).toMatch(/^[0-9a-f-]{36}$/);

      // Page size 2: the first page says more, with `next` and the last date_added.
      const first = await client.objects(viaDiscovery.apiRoot, publicCollectionId, { addedAfter: null, next: null });
      expect(first.more).toBe(true);
      expect(first.next).toEqual(expect.any(String));
      expect(first.dateAddedLast).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const second = await client.objects(viaDiscovery.apiRoot, publicCollectionId, { addedAfter: null, next: first.next });
      expect(second.more).toBe(false);
      const ids = [...first.objects, ...second.objects].map((o) => (o as { id: string }).id);
      expect(ids).toEqual(objects.map((o) => o.id));
      // added_after the last one: nothing new.
      const after = await client.objects(viaDiscovery.apiRoot, publicCollectionId, { addedAfter: second.dateAddedLast, next: null });
      expect(after).toMatchObject({ objects: [], more: false });
    });

    it('says so when the peer refuses the credential, the collection is unknown, or the address is not allowed', async () => {
      const wrong = new TaxiiClient({ kind: 'bearer', token: 'tcs_tk000000000000000000_' + 'A'.repeat(43) }, loopback);
      const refused = await failure(wrong.collections(`${base}/taxii2/tocsin/`));
      expect(refused.status).toBe(401);
      expect(refused.message).toContain('does not accept our credential');

      // HTTP Basic with the token as the password works as well.
      const basic = new TaxiiClient({ kind: 'basic', username: 'hub', password: world.tokenB }, loopback);
      expect((await basic.collections(`${base}/taxii2/tocsin/`)).length).toBeGreaterThan(1);

      const client = new TaxiiClient({ kind: 'bearer', token: world.tokenA }, loopback);
      const missing = await failure(client.objects(`${base}/taxii2/tocsin/`, '00000000-0000-4000-8000-000000000000', { addedAfter: null, next: null }));
      expect(missing.status).toBe(404);
      expect(missing.message).toContain('not found on the peer');

      const guarded = new TaxiiClient({ kind: 'bearer', token: world.tokenA }, { ...loopback, allow: [] });
      expect((await failure(guarded.discover(`${base}/taxii2/`))).message).toMatch(/loopback address/);
      // A collection id that would change the path is refused before any request.
      expect((await failure(client.objects(`${base}/taxii2/tocsin/`, '../../api/me', { addedAfter: null, next: null }))).message).toContain('not a collection id');
    });
  });
}

describe('TAXII client against hostile servers', () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const taxii = (res: ServerResponse, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': taxiiMediaType, ...headers });
    res.end(body);
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const handler = routes.get(req.url!.split('?')[0]!);
      if (handler) handler(req, res);
      else {
        res.writeHead(404, { 'content-type': taxiiMediaType });
        res.end('{"title":"Not found","description":"nothing here"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const root = JSON.stringify({ title: 'Hostile', versions: [taxiiMediaType], max_content_length: 1000 });
    routes.set('/html/', (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    routes.set('/badjson/', (_q, res) => taxii(res, '{"versions": [tru'));
    routes.set('/array/', (_q, res) => taxii(res, '[1,2,3]'));
    routes.set('/huge/', (_q, res) => {
      res.writeHead(200, { 'content-type': taxiiMediaType });
      // Streamed without a length: the client stops reading at its limit.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 400 && res.write(chunk)) sent += 1;
        if (sent < 400) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    routes.set('/declared/', (_q, res) => res.writeHead(200, { 'content-type': taxiiMediaType, 'content-length': '999999999' }).end());
    routes.set('/hang/', () => {});
    routes.set('/redirect/', (_q, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    routes.set('/broken/', (_q, res) => res.writeHead(500, { 'content-type': taxiiMediaType }).end('{"title":"Server error","description":"database \\u0007 down\\nnow"}'));
    routes.set('/old/', (_q, res) => taxii(res, JSON.stringify({ title: 'Old', versions: ['application/taxii+json;version=2.0'] })));
    routes.set('/neither/', (_q, res) => taxii(res, JSON.stringify({ title: 'What' })));
    routes.set('/internal-discovery/', (_q, res) => taxii(res, JSON.stringify({ title: 'D', default: 'http://10.0.0.7/taxii2/root/' })));
    routes.set('/relative-discovery/', (_q, res) => taxii(res, JSON.stringify({ title: 'D', api_roots: [42, '/root/'] })));
    routes.set('/root/', (_q, res) => taxii(res, root));
    routes.set('/root/collections/', (_q, res) =>
      taxii(res, JSON.stringify({ collections: [null, 'x', { id: '../evil' }, { id: 'good-1', title: 'Good\u202e one', can_read: true, can_write: 'yes' }] })),
    );
    routes.set('/root/collections/not-list/objects/', (_q, res) => taxii(res, '{"objects":"nope"}'));
    routes.set('/root/collections/bad-more/objects/', (_q, res) => taxii(res, '{"more":"yes"}'));
    routes.set('/root/collections/long-next/objects/', (_q, res) => taxii(res, JSON.stringify({ more: true, next: 'n'.repeat(5000) })));
    routes.set('/root/collections/odd-header/objects/', (_q, res) => taxii(res, '{"more":false,"objects":[{"x":1}]}', { 'x-taxii-date-added-last': 'yesterday' }));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (opts: Partial<ClientOptions> = {}) => new TaxiiClient({ kind: 'none' }, { ...loopback, ...opts });

  it('refuses answers that are not TAXII JSON objects', async () => {
    expect((await failure(client().discover(`${base}/html/`))).message).toContain('Content-Type text/html');
    expect((await failure(client().discover(`${base}/badjson/`))).message).toContain('not valid JSON');
    expect((await failure(client().discover(`${base}/array/`))).message).toContain('not a JSON object');
    expect((await failure(client().discover(`${base}/neither/`))).message).toContain('neither a TAXII discovery resource');
    expect((await failure(client().discover(`${base}/old/`))).message).toContain('does not offer TAXII 2.1');
  });

  it('bounds size and time, and follows no redirect', async () => {
    expect((await failure(client({ maxBytes: 65_536 }).discover(`${base}/huge/`))).message).toContain('larger than the limit of 65536 bytes');
    expect((await failure(client().discover(`${base}/declared/`))).message).toContain('(999999999 bytes) is larger than the limit');
    const started = Date.now();
    expect((await failure(client({ timeoutMs: 300 }).discover(`${base}/hang/`))).message).toContain('within 300 ms');
    expect(Date.now() - started).toBeLessThan(3_000);
    const redirect = await failure(client().discover(`${base}/redirect/`));
    expect(redirect.status).toBe(302);
    expect(redirect.message).toContain('not followed');
    const broken = await failure(client().discover(`${base}/broken/`));
    expect(broken.message).toBe('the TAXII address: HTTP 500, the peer failed: database down now');
  });

  it('checks where discovery points, and keeps only usable collections', async () => {
    expect((await failure(client().discover(`${base}/internal-discovery/`))).message).toMatch(/10\.0\.0\.7 is a private address/);
    expect(await client().discover(`${base}/relative-discovery/`)).toEqual({ apiRoot: `${base}/root/`, title: 'Hostile', maxContentLength: 1000 });
    expect(await client().collections(`${base}/root/`)).toEqual([{ id: 'good-1', title: 'Good one', canRead: true, canWrite: false }]);
  });

  it('refuses malformed pages and ignores a date header that is not a timestamp', async () => {
    const page = (id: string) => client().objects(`${base}/root/`, id, { addedAfter: null, next: null });
    expect((await failure(page('not-list'))).message).toContain('"objects" is not a list');
    expect((await failure(page('bad-more'))).message).toContain('"more" is not true or false');
    expect((await failure(page('long-next'))).message).toContain('"next" is not a usable value');
    expect(await page('odd-header')).toEqual({ objects: [{ x: 1 }], more: false, next: null, dateAddedLast: null });
  });
});
