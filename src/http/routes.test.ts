// The whole URL map: every route refuses anonymous callers unless it is deliberately public,
// and the HTTP basics every client relies on (headers, error shapes, limits, probes, docs).
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, dialects, type TestHub } from '../test/harness.js';

/** Routes anyone may call. Adding one here is a decision: say why in the route's config. */
const expectedPublic = [
  'GET /api/docs',
  'GET /api/docs/json',
  'GET /api/docs/static/*',
  'GET /api/docs/static/index.html',
  'GET /api/docs/static/swagger-initializer.js',
  'GET /api/docs/yaml',
  'GET /api/invitations/by-token/:token',
  'GET /api/phishing/checks/:receipt',
  'GET /api/phishing/info',
  // exports check their own device tokens (tcx_…), or a member's session
  'GET /exports/:id',
  'GET /exports/:id/:file',
  'GET /healthz',
  'GET /metrics',
  'GET /readyz',
  'POST /api/auth/login',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/complete',
  'POST /api/invitations/by-token/:token/accept',
  'POST /api/phishing/checks',
  'POST /api/phishing/checks/:receipt/share',
  // the public edition of the threat report (TLP:CLEAR only) and the unsubscribe link in report mails
  'GET /public/reports',
  'GET /public/reports/:kind/:file',
  'GET /public/reports/feed.atom',
  'GET /public/reports/feed.rss',
  'GET /public/reports/unsubscribe',
  'POST /public/reports/unsubscribe',
];

const metricsToken = 'scrape-secret-0123456789';

interface SeenRoute {
  method: string;
  url: string;
  route: RouteOptions;
}

/** A concrete URL for a route pattern: ids become a random uuid, token ids a well-formed one. */
function concrete(url: string): string {
  return url
    .replace(/^\/api\/tokens\/:id$/, '/api/tokens/tk000000000000000000')
    .replace(/:id\b/g, crypto.randomUUID())
    .replace(/:token\b/g, 'a'.repeat(43))
    .replace(/:(\w+)/g, 'x')
    .replace(/\*$/, 'anything');
}

for (const dialect of dialects) {
  describe(`HTTP surface [${dialect}]`, () => {
    let hub: TestHub;
    const seen: SeenRoute[] = [];

    beforeAll(async () => {
      hub = await createTestHub(
        dialect,
        { bodyLimit: '2048', metricsToken },
        {
          onRoute: (route) => {
            for (const method of [route.method].flat()) seen.push({ method, url: route.url, route });
          },
        },
      );
    });
    afterAll(async () => hub?.close());

    const isPublic = (r: SeenRoute) => r.route.config?.public === true;

    it('every route that is not public answers 401 AUTH_REQUIRED to an anonymous caller', async () => {
      const api = seen.filter((r) => r.url.startsWith('/api/'));
      expect(api.length).toBeGreaterThan(25);
      const private_ = seen.filter((r) => !isPublic(r));
      const failures: string[] = [];
      for (const r of private_) {
        const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
        const res = await hub.app.inject({ method: r.method as 'GET', url: concrete(r.url), ...(hasBody ? { payload: {} } : {}) });
        // TAXII answers in its own error shape (error_code), the rest of the hub in ours (code)
        const code = r.method === 'HEAD' ? 'AUTH_REQUIRED' : (res.json().code ?? res.json().error_code);
        if (res.statusCode !== 401 || code !== 'AUTH_REQUIRED') failures.push(`${r.method} ${r.url} → ${res.statusCode} ${code}`);
      }
      expect(failures).toEqual([]);
      expect(private_.length).toBeGreaterThan(40);
    });

    it('the set of public routes is exactly the expected one', () => {
      const publicRoutes = [...new Set(seen.filter((r) => isPublic(r) && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))].sort();
      expect(publicRoutes).toEqual([...expectedPublic].sort());
      // HEAD mirrors GET, never more open than it
      for (const head of seen.filter((r) => r.method === 'HEAD')) {
        const get = seen.find((r) => r.method === 'GET' && r.url === head.url);
        if (get) expect(isPublic(head), head.url).toBe(isPublic(get));
        else expect(head.url.startsWith('/api/docs'), head.url).toBe(true);
      }
    });

    it('sends a Content-Security-Policy and a request id on every response, errors included', async () => {
      for (const url of ['/healthz', '/api/orgs', '/no/such/page']) {
        const res = await hub.app.inject({ method: 'GET', url });
        expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-request-id'], url).toMatch(/^[0-9a-f-]{36}$/);
        if (res.statusCode >= 400) expect(res.json().requestId).toBe(res.headers['x-request-id']);
      }
      const a = await hub.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'attacker-chosen' } });
      expect(a.headers['x-request-id']).not.toBe('attacker-chosen');
    });

    it('answers an unknown route with 404 ROUTE_NOT_FOUND as JSON, signed in or not', async () => {
      const res = await hub.app.inject({ method: 'GET', url: '/api/no-such-thing?x=1' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'There is no GET /api/no-such-thing on this hub.' });
      const user = await hub.createUser({ orgId: null, isOperator: true });
      expect((await hub.as(user, { method: 'PUT', url: '/api/orgs' })).json().code).toBe('ROUTE_NOT_FOUND');
    });

    it('refuses a body over TOCSIN_BODY_LIMIT with 413 and a non-JSON body with 415', async () => {
      const big = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.org', password: 'x'.repeat(3000) } });
      expect(big.statusCode).toBe(413);
      expect(big.json()).toMatchObject({ code: 'BODY_TOO_LARGE', message: expect.stringContaining('2048') });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const res = await hub.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': type }, payload: 'email=a&password=b' });
        expect(res.statusCode, type).toBe(415);
        expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('reports liveness and readiness with the database in use', async () => {
      const live = await hub.app.inject({ method: 'GET', url: '/healthz' });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: 'ok' });
      const ready = await hub.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', database: dialect });
    });

    it('serves Prometheus metrics to loopback, or elsewhere only with TOCSIN_METRICS_TOKEN', async () => {
      await hub.app.inject({ method: 'GET', url: '/healthz' });
      const local = await hub.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(local.statusCode).toBe(200);
      expect(local.headers['content-type']).toMatch(/^text\/plain/);
      expect(local.body).toContain('# TYPE tocsin_http_requests_total counter');
      expect(local.body).toMatch(/tocsin_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
      const remote = { method: 'GET' as const, url: '/metrics', remoteAddress: '203.0.113.50' };
      const refused = await hub.app.inject(remote);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('FORBIDDEN');
      expect((await hub.app.inject({ ...remote, headers: { authorization: 'Bearer wrong-token' } })).statusCode).toBe(403);
      expect((await hub.app.inject({ ...remote, headers: { authorization: `Basic ${metricsToken}` } })).statusCode).toBe(403);
      const allowed = await hub.app.inject({ ...remote, headers: { authorization: `Bearer ${metricsToken}` } });
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('tocsin_http_requests_total');
    });

    it('publishes an OpenAPI 3 description of the API and its HTML viewer', async () => {
      const res = await hub.app.inject({ method: 'GET', url: '/api/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info).toMatchObject({ title: 'Tocsin API', version: expect.any(String) });
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['basic', 'bearer', 'session']);
      expect(doc.paths['/api/orgs']).toHaveProperty('get');
      expect(doc.paths['/api/orgs']).toHaveProperty('post');
      expect(doc.paths['/api/orgs/{id}'].patch.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true })]));
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses?: object }>>)) {
        expect(path.startsWith('/'), path).toBe(true);
        for (const [method, op] of Object.entries(ops)) {
          if (method === 'parameters') continue;
          expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        }
      }
      // every $ref points at something the document defines
      const refs = [...res.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
      for (const ref of new Set(refs)) expect(doc.components.schemas, ref).toHaveProperty([ref]);

      const ui = await hub.app.inject({ method: 'GET', url: '/api/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toMatch(/^text\/html/);
      expect(ui.body).toContain('<html');
    });
  });
}
