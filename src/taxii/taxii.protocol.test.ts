// TAXII 2.1 conformance, part 1: discovery, API root, collections, media types, auth and the
// error shape — every point of section 1 of the STIX/TAXII checklist that is not about objects.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../test/harness.js';
import { createTaxiiWorld, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from './collections.js';

const exactType = 'application/taxii+json;version=2.1';

for (const dialect of dialects) {
  describe(`TAXII protocol [${dialect}]`, () => {
    let w: TaxiiWorld;
    beforeAll(async () => {
      w = await createTaxiiWorld(dialect, { taxiiMaxContentLength: '4096' });
    });
    afterAll(async () => w?.hub.close());

    it('serves discovery with the media type written exactly as clients compare it', async () => {
      const res = await taxii(w.hub, w.tokenA, { url: '/taxii2/' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(exactType);
      const body = res.json();
      expect(body.title).toBeTruthy();
      expect(body.api_roots).toEqual(['http://hub.test/taxii2/tocsin/']);
      expect(body.api_roots).toContain(body.default);
    });

    it('asks for credentials on every endpoint, discovery included, with WWW-Authenticate: Basic', async () => {
      for (const url of ['/taxii2/', `${root}/`, `${root}/collections/`, `${root}/collections/${membersCollectionId}/objects/`]) {
        const res = await taxii(w.hub, null, { url });
        expect(res.statusCode, url).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
        expect(res.headers['content-type']).toBe(exactType);
        expect(res.json()).toMatchObject({ title: 'Authentication required', http_status: '401', error_code: 'AUTH_REQUIRED' });
        expect(res.json().error_id).toBeTruthy();
      }
    });

    it('accepts HTTP Basic with the token id as user name and the secret as password, or the whole token as password', async () => {
      const [, id, secret] = /^tcs_([^_]+)_(.+)$/.exec(w.tokenA)!;
      const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      for (const authorization of [basic(id!, secret!), basic('anything', w.tokenA)]) {
        const res = await taxii(w.hub, null, { url: `${root}/collections/`, headers: { authorization } });
        expect(res.statusCode, res.body).toBe(200);
      }
      const wrong = await taxii(w.hub, null, { url: `${root}/collections/`, headers: { authorization: basic(id!, 'x'.repeat(43)) } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('answers 406 unless Accept allows TAXII 2.1', async () => {
      for (const accept of [undefined, 'application/json', '*/*', 'application/taxii+json;version=2.0', 'application/stix+json;version=2.1']) {
        const res = await w.hub.app.inject({ method: 'GET', url: '/taxii2/', headers: { authorization: `Bearer ${w.tokenA}`, ...(accept ? { accept } : {}) } });
        expect(res.statusCode, String(accept)).toBe(406);
        expect(res.headers['content-type']).toBe(exactType);
        expect(res.json()).toMatchObject({ http_status: '406', error_code: 'TAXII_NOT_ACCEPTABLE' });
      }
      for (const accept of ['application/taxii+json', 'application/taxii+json;version=2.1', 'application/json, application/taxii+json; version=2.1', 'application/taxii+json;version="2.1";q=0.9']) {
        const res = await w.hub.app.inject({ method: 'GET', url: '/taxii2/', headers: { authorization: `Bearer ${w.tokenA}`, accept } });
        expect(res.statusCode, accept).toBe(200);
      }
    });

    it('describes the API root with its versions and max_content_length', async () => {
      const res = await taxii(w.hub, w.tokenA, { url: `${root}/` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ title: 'Tocsin', versions: [exactType], max_content_length: w.hub.config.taxiiMaxContentLength });
    });

    it('lists one collection per audience the caller belongs to, readable and writable by it', async () => {
      const list = async (token: string) => (await taxii(w.hub, token, { url: `${root}/collections/` })).json().collections as Array<Record<string, unknown>>;
      const a = await list(w.tokenA);
      expect(a.map((c) => c.id).sort()).toEqual([publicCollectionId, membersCollectionId, w.groupId, w.orgA.id].sort());
      for (const c of a) {
        expect(c).toMatchObject({ can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] });
        expect(c.title).toBeTruthy();
      }
      // C is in no group: no group collection, its own inbox instead of A's
      const c = await list(w.tokenC);
      expect(c.map((x) => x.id).sort()).toEqual([publicCollectionId, membersCollectionId, w.orgC.id].sort());
      // a read-only token and an observer organisation cannot write
      for (const token of [w.readOnlyA, w.observerToken]) expect((await list(token)).every((x) => x.can_write === false && x.can_read === true)).toBe(true);
    });

    it('answers each collection at a URL whose last segment is its id, and 404 for collections the caller does not have', async () => {
      const one = await taxii(w.hub, w.tokenA, { url: `${root}/collections/${w.groupId}/` });
      expect(one.statusCode).toBe(200);
      expect(one.json().id).toBe(w.groupId);
      for (const id of [w.groupId, w.orgA.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const res = await taxii(w.hub, w.tokenC, { url: `${root}/collections/${id}/` });
        expect(res.statusCode, id).toBe(404);
        expect(res.json()).toMatchObject({ http_status: '404', error_code: 'NOT_FOUND' });
      }
    });

    it('answers unknown TAXII paths with a TAXII 404, and a path without its trailing slash is not served', async () => {
      for (const url of [`${root}/nothing/`, `${root}/collections`, '/taxii2/other/']) {
        const res = await taxii(w.hub, w.tokenA, { url });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type']).toBe(exactType);
        expect(res.json().http_status).toBe('404');
      }
    });

    it('keeps the exact media type on the wire through a real HTTP connection', async () => {
      const address = await w.hub.app.listen({ port: 0, host: '127.0.0.1' });
      {
        const res = await fetch(`${address}/taxii2/tocsin/collections/`, { headers: { accept: exactType, authorization: `Bearer ${w.tokenA}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(exactType);
        // Over-size bodies are refused on the bytes read, even without a Content-Length (the
        // world's limit is 4 KiB; 100 KiB go chunked, in one write the socket can buffer).
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request(`${address}/taxii2/tocsin/collections/${membersCollectionId}/objects/`, {
            method: 'POST',
            headers: { accept: exactType, 'content-type': exactType, authorization: `Bearer ${w.tokenA}`, 'transfer-encoding': 'chunked' },
          });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end(`{"objects":[${' '.repeat(100 * 1024)}]}`);
        });
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body).http_status).toBe('413');
      }
    });
  });
}
