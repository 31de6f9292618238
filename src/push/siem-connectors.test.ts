// SIEM connectors end to end on both dialects: a fake Splunk HTTP Event Collector and a fake
// Elasticsearch _bulk endpoint on 127.0.0.1 (src/test/siem-fakes.ts) check the wire format as
// strictly as the vendors document it (auth, path, content type, HEC event keys and types,
// NDJSON action/document pairs, ECS field names) and answer like the vendors do, partial
// failures included. Warnings are posted through the API; the webhook pump is driven by
// calling it, under a test clock. Then the answer readers and credential rules, pure.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Organisation } from '../orgs/organisations.service.js';
import type { WebhookDeliveryRow } from '../store/schema.js';
import { createClock, type TestClock } from '../test/clock.js';
import { createTestHub, dialects, unique, type SignedInUser, type TestHub } from '../test/harness.js';
import { closeSiemFakes, startElastic, startHec } from '../test/siem-fakes.js';
import { authorizationHeader, cleanCredential, credentialHint, elasticDefaultIndex } from './siem-connectors.js';
import { bulkUrl, readBulkAnswer } from './siem-elastic.js';
import { hecUrl, readHecAnswer } from './siem-splunk.js';
import { deliverDueWebhooks, type DelivererOptions } from './webhooks.deliverer.js';
import type { Webhook } from './webhooks.service.js';

const noJitter: DelivererOptions = { random: () => 0.5 };
const hecToken = 'c0ffee00-1234-4bcd-8def-0123456789ab';
const apiKeyId = 'VuaCfGcBCdbkQm-e5aOx';
const apiKeySecret = 'ui2lp2axTNmsyakw9tvNnw';
const encodedKey = Buffer.from(`${apiKeyId}:${apiKeySecret}`).toString('base64');
const hostileTitle = 'Fake "invoice" \\ {"create":{"_index":"evil"}} <b>pay</b> 🎣 Zürich – 请付款 \u2028 end';

for (const dialect of dialects) {
  describe(`SIEM connectors [${dialect}]`, () => {
    let hub: TestHub;
    let clock: TestClock;
    let orgA: Organisation;
    let orgB: Organisation;
    let analystA: SignedInUser;
    let adminB: SignedInUser;
    let groupG: string;

    beforeAll(async () => {
      clock = createClock();
      hub = await createTestHub(dialect, { outboundAllow: '127.0.0.1', webhookTimeoutMs: '2000' }, { now: clock.now, workers: false });
      orgA = await hub.createOrg();
      orgB = await hub.createOrg({ domains: ['shelbyville.example'] });
      const operator = await hub.createUser({ orgId: null, isOperator: true });
      analystA = await hub.createUser({ orgId: orgA.id, role: 'analyst' });
      adminB = await hub.createUser({ orgId: orgB.id, role: 'admin' });
      const g = await hub.as(operator, { method: 'POST', url: '/api/groups', payload: { name: unique('Region 3'), ownerOrgId: orgA.id } });
      groupG = g.json().id;
      expect((await hub.as(operator, { method: 'PUT', url: `/api/groups/${groupG}/members/${orgB.id}` })).statusCode).toBe(204);
    });
    afterEach(async () => {
      await hub.app.ctx.db.deleteFrom('webhook_deliveries').execute();
      await hub.app.ctx.db.deleteFrom('webhooks').execute();
      await closeSiemFakes();
    });
    afterAll(async () => hub?.close());

    const run = () => deliverDueWebhooks(hub.app.ctx, noJitter);

    async function connector(payload: Record<string, unknown>, user = adminB, orgId = orgB.id): Promise<Webhook> {
      const res = await hub.as(user, { method: 'POST', url: `/api/orgs/${orgId}/webhooks`, payload: { name: unique('SIEM'), ...payload } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ webhook: Webhook }>().webhook;
    }

    async function deliveries(webhookId: string): Promise<WebhookDeliveryRow[]> {
      return hub.app.ctx.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('event_id').execute();
    }

    const indicators = [
      { type: 'ipv4', value: '198.51.100.7' },
      { type: 'ipv6', value: '2001:db8::7' },
      { type: 'domain', value: 'bücher-login.example' },
      { type: 'url', value: 'https://login.example.net/owa?next="a\'b"&q=ü' },
      { type: 'email', value: 'payroll@phish.example' },
      { type: 'sha256', value: 'a'.repeat(64) },
      { type: 'cidr', value: '203.0.113.0/24' },
      { type: 'cve', value: 'CVE-2026-12345' },
    ];

    /** A warning from A to group G, posted through the API; returns it as A's analyst sees it. */
    async function postWarning(extra: Record<string, unknown> = {}): Promise<{ id: string; title: string; indicators: Array<{ type: string; value: string }> }> {
      const res = await hub.as(analystA, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title: hostileTitle, kind: 'phishing', severity: 'high', details: 'Line one "quoted"\nLine two\t{"index":{}}', tlp: 'AMBER', audience: { kind: 'groups', groupIds: [groupG] }, indicators, ...extra },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    }

    // --- managing connectors ---------------------------------------------------------------

    it('keeps the credential out of every answer and the audit trail, keeps it on PATCH and replaces it only when given', async () => {
      const hec = await startHec(hecToken);
      const created = await hub.as(adminB, {
        method: 'POST',
        url: `/api/orgs/${orgB.id}/webhooks`,
        payload: { name: 'Splunk', url: hec.url, format: 'splunk-hec', credential: `Splunk ${hecToken}`, options: { index: 'threat_intel' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { webhook } = created.json<{ webhook: Webhook }>();
      expect(webhook).toMatchObject({ format: 'splunk-hec', options: { index: 'threat_intel', sourcetype: 'tocsin:intel', source: 'tocsin' }, credentialHint: `…${hecToken.slice(-4)}` });
      const secretPart = hecToken.slice(0, 28);

      const got = await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${webhook.id}` });
      const list = await hub.as(adminB, { method: 'GET', url: `/api/orgs/${orgB.id}/webhooks` });
      const renamed = await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { name: 'Splunk (prod)', options: { sourcetype: 'tocsin:warnings' } } });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'Splunk (prod)', options: { sourcetype: 'tocsin:warnings', source: 'tocsin' }, credentialHint: webhook.credentialHint });
      // Options are replaced as a whole: the index set at creation is gone.
      expect(renamed.json().options.index).toBeUndefined();
      for (const res of [created, got, list, renamed]) {
        expect(res.body).not.toContain(secretPart);
        expect(res.body).not.toContain('"credential"');
      }
      // Kept on PATCH: the ping still authenticates.
      const ping = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${webhook.id}/test` });
      expect(ping.json(), ping.body).toMatchObject({ delivered: true, status: 200, error: null });
      expect(hec.requests[0]!.headers.authorization).toBe(`Splunk ${hecToken}`);
      expect(hec.requests[0]!.events[0]).toMatchObject({ sourcetype: 'tocsin:warnings', event: { record: 'ping', action: 'ping' } });

      const replaced = await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { credential: 'feedface-0000-4000-8000-00000000beef' } });
      expect(replaced.json().credentialHint).toBe('…beef');
      expect(replaced.body).not.toContain('feedface');

      // Another vendor needs its own credential; a chat format has none.
      const noKey = await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { format: 'elastic-bulk' } });
      expect(noKey.statusCode).toBe(400);
      expect(noKey.json().message).toContain('credential is required for elastic-bulk');
      const toJson = await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${webhook.id}`, payload: { format: 'json' } });
      expect(toJson.statusCode, toJson.body).toBe(200);
      expect(toJson.json().options).toBeUndefined();
      expect(toJson.json().credentialHint).toBeUndefined();
      const row = await hub.app.ctx.db.selectFrom('webhooks').select(['credential', 'options']).where('id', '=', webhook.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ credential: null, options: '{}' });

      const audit = await hub.app.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', webhook.id).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['webhook.create', 'webhook.update', 'webhook.update', 'webhook.update']);
      expect(JSON.parse(audit[2]!.details!)).toMatchObject({ fields: ['credential'] });
      const trail = JSON.stringify(audit);
      expect(trail).not.toContain(secretPart);
      expect(trail).not.toContain('feedface');
    });

    it('refuses connector settings that cannot work (400 VALIDATION_FAILED)', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ format: 'splunk-hec' }, /credential is required for splunk-hec/],
        [{ format: 'json', credential: 'x' }, /only by the splunk-hec and elastic-bulk formats/],
        [{ format: 'slack', options: { index: 'x' } }, /only by the splunk-hec and elastic-bulk formats/],
        [{ format: 'splunk-hec', credential: hecToken, options: { auth: 'basic' } }, /options.auth is not an option of splunk-hec/],
        [{ format: 'splunk-hec', credential: hecToken, options: { index: '_internal' } }, /Splunk index name/],
        [{ format: 'splunk-hec', credential: 'two words', options: {} }, /HEC token/],
        [{ format: 'splunk-hec', credential: hecToken, url: 'http://127.0.0.1:9/services/collector/raw' }, /not \/raw/],
        [{ format: 'elastic-bulk', credential: 'not-base64!' }, /API key/],
        [{ format: 'elastic-bulk', credential: encodedKey, options: { index: 'Logs Tocsin' } }, /Elasticsearch index/],
        [{ format: 'elastic-bulk', credential: 'pw', options: { auth: 'basic' } }, /username is needed/],
        [{ format: 'elastic-bulk', credential: encodedKey, options: { sourcetype: 'x' } }, /not an option of elastic-bulk/],
      ];
      for (const [payload, message] of cases) {
        const res = await hub.as(adminB, { method: 'POST', url: `/api/orgs/${orgB.id}/webhooks`, payload: { name: 'x', url: 'http://127.0.0.1:9/', ...payload } });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
        expect(res.json().message, JSON.stringify(payload)).toMatch(message);
      }
      expect(await hub.app.ctx.db.selectFrom('webhooks').select('id').execute()).toEqual([]);
    });

    // --- Splunk HEC ------------------------------------------------------------------------

    it('sends a warning to Splunk HEC as one event for the warning and one per indicator', async () => {
      const hec = await startHec(hecToken);
      const hook = await connector({ url: hec.url.replace('/services/collector/event', ''), format: 'splunk-hec', credential: hecToken, options: { index: 'threat_intel', source: 'tocsin:region3' } });
      const warning = await postWarning();
      expect(await run()).toBe(1);
      expect(hec.violations).toEqual([]);
      expect(hec.requests).toHaveLength(1);
      const req = hec.requests[0]!;
      // The collector's address alone is completed with the event endpoint.
      expect(req.path).toBe('/services/collector/event');
      expect(req.headers.authorization).toBe(`Splunk ${hecToken}`);
      expect(req.headers['x-splunk-request-channel']).toBe(hook.id);
      expect(req.body).not.toContain('\u2028');

      const [row] = await deliveries(hook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200, last_error: null });
      const at = (await hub.app.ctx.db.selectFrom('events').select('at').where('id', '=', row!.event_id).executeTakeFirstOrThrow()).at;
      for (const e of req.events) {
        expect(e).toMatchObject({ time: Date.parse(at) / 1000, host: 'hub.test', source: 'tocsin:region3', sourcetype: 'tocsin:intel', index: 'threat_intel' });
      }
      const [head, ...rest] = req.events.map((e) => e.event);
      const title = hostileTitle.replace(/\s+/g, ' ');
      expect(head).toMatchObject({
        record: 'warning',
        action: 'created',
        tocsin_event: 'warning.created',
        event_id: row!.event_id,
        warning_id: warning.id,
        warning_version: 1,
        warning_url: `http://hub.test/warnings/${warning.id}`,
        title,
        tlp: 'TLP:AMBER',
        severity: 'high',
        kind: 'phishing',
        reported_by: orgA.name,
        indicator_count: warning.indicators.length,
        details: 'Line one "quoted" Line two {"index":{}}',
      });
      expect(rest.map((e) => [e.indicator_type, e.indicator])).toEqual(warning.indicators.map((i) => [i.type, i.value]));
      const byType = new Map(rest.map((e) => [e.indicator_type as string, e]));
      const value = (t: string) => warning.indicators.find((i) => i.type === t)!.value;
      // The field names of Splunk ES's ip_intel, http_intel, email_intel and file_intel.
      expect(byType.get('ipv4')).toMatchObject({ record: 'indicator', ip: '198.51.100.7', es_intel: 'ip_intel', description: title, tlp: 'TLP:AMBER', warning_id: warning.id });
      expect(byType.get('cidr')).toMatchObject({ ip: '203.0.113.0/24', es_intel: 'ip_intel' });
      expect(byType.get('domain')).toMatchObject({ domain: value('domain'), es_intel: 'ip_intel' });
      expect(byType.get('url')).toMatchObject({ url: value('url'), es_intel: 'http_intel' });
      expect(byType.get('email')).toMatchObject({ src_user: 'payroll@phish.example', es_intel: 'email_intel' });
      expect(byType.get('sha256')).toMatchObject({ file_hash: 'a'.repeat(64), es_intel: 'file_intel' });
      expect(byType.get('cve')!.es_intel).toBeUndefined();

      // A retraction tells Splunk too: every record again, with action "retracted" and the reason.
      const retract = await hub.as(analystA, { method: 'POST', url: `/api/warnings/${warning.id}/retract`, payload: { reason: 'False positive: the "invoice" was real\nsorry' } });
      expect(retract.statusCode, retract.body).toBe(200);
      expect(await run()).toBe(1);
      expect(hec.violations).toEqual([]);
      const retracted = hec.requests[1]!.events.map((e) => e.event);
      expect(retracted).toHaveLength(req.events.length);
      for (const e of retracted) expect(e).toMatchObject({ action: 'retracted', tocsin_event: 'warning.retracted', warning_status: 'retracted', warning_version: 2, retraction_reason: 'False positive: the "invoice" was real sorry' });
    });

    it('records HEC failures with Splunk’s words: an invalid token (code 4), and a 200 that is not from HEC', async () => {
      const hec = await startHec(hecToken);
      const wrong = await connector({ url: hec.url, format: 'splunk-hec', credential: 'deadbeef-dead-4eef-8eef-deadbeefdead' });
      await postWarning({ indicators: [{ type: 'ipv4', value: '198.51.100.8' }] });
      expect(await run()).toBe(1);
      const [row] = await deliveries(wrong.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: 403, last_error: 'HTTP 403: Splunk HEC code 4: Invalid token' });
      const ping = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${wrong.id}/test` });
      expect(ping.json()).toMatchObject({ delivered: false, status: 403, error: 'HTTP 403: Splunk HEC code 4: Invalid token' });

      // HEC busy (code 9) is retried; a web server answering 200 is not a delivery.
      const busy = await startHec(hecToken, (n) => (n === 1 ? { status: 503, body: '{"text":"Server is busy","code":9}' } : { status: 200, body: '<html>Splunk Web</html>' }));
      const other = await connector({ url: busy.url, format: 'splunk-hec', credential: hecToken });
      await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${wrong.id}`, payload: { enabled: false } });
      await postWarning({ indicators: [{ type: 'ipv4', value: '198.51.100.9' }] });
      await run();
      expect((await deliveries(other.id))[0]).toMatchObject({ status: 'pending', last_status: 503, last_error: 'HTTP 503: Splunk HEC code 9: Server is busy' });
      clock.advance(10_000);
      await run();
      expect((await deliveries(other.id))[0]).toMatchObject({ status: 'pending', attempts: 2, last_status: 200, last_error: 'HTTP 200, but not an answer from Splunk HEC: <html>Splunk Web</html>; check the URL (…/services/collector/event)' });
    });

    it('sends watchlist matches to Splunk and Elastic, one record per match', async () => {
      const hec = await startHec(hecToken);
      const es = await startElastic(`ApiKey ${encodedKey}`);
      const splunk = await connector({ url: hec.url, format: 'splunk-hec', credential: hecToken });
      const elastic = await connector({ url: es.url, format: 'elastic-bulk', credential: encodedKey });
      await postWarning({ indicators: [{ type: 'domain', value: 'login.shelbyville.example' }] });
      while ((await run()) > 0) {}
      expect(hec.violations).toEqual([]);
      expect(es.violations).toEqual([]);
      const match = hec.requests.flatMap((r) => r.events.map((e) => e.event)).find((e) => e.record === 'watchlist_match');
      expect(match).toMatchObject({
        action: 'matched',
        tocsin_event: 'watchlist.match',
        indicator_type: 'domain',
        indicator: 'login.shelbyville.example',
        domain: 'login.shelbyville.example',
        es_intel: 'ip_intel',
        asset_kind: 'domain',
        asset: 'shelbyville.example',
        reason: 'sub-domain',
        tlp: 'TLP:AMBER',
      });
      const alert = es.requests.flatMap((r) => r.pairs.map((p) => p.doc)).find((d) => d.event.action === 'watchlist-match');
      expect(alert).toMatchObject({
        event: { kind: 'alert', category: ['threat'], type: ['indicator'], module: 'ti_tocsin' },
        threat: { indicator: { type: 'domain-name', url: { domain: 'login.shelbyville.example' }, marking: { tlp: 'AMBER' } } },
        tocsin: { watchlist: { asset: { kind: 'domain', value: 'shelbyville.example' }, reason: 'sub-domain' } },
      });
      for (const id of [splunk.id, elastic.id]) expect((await deliveries(id)).every((d) => d.status === 'delivered')).toBe(true);
    });

    // --- Elastic _bulk ---------------------------------------------------------------------

    it('sends each indicator to Elastic _bulk as an ECS threat indicator document', async () => {
      const es = await startElastic(`ApiKey ${encodedKey}`);
      // id:api_key is encoded by the hub; the answer names the key by its id only.
      const hook = await connector({ url: `${es.url}/`, format: 'elastic-bulk', credential: `${apiKeyId}:${apiKeySecret}` });
      expect(hook).toMatchObject({ options: { index: elasticDefaultIndex, auth: 'api-key' }, credentialHint: `API key ${apiKeyId}` });
      const listed = await hub.as(adminB, { method: 'GET', url: `/api/orgs/${orgB.id}/webhooks` });
      for (const text of [JSON.stringify(hook), listed.body]) {
        expect(text).not.toContain(apiKeySecret);
        expect(text).not.toContain(encodedKey);
      }
      const warning = await postWarning();
      expect(await run()).toBe(1);
      expect(es.violations).toEqual([]);
      const req = es.requests[0]!;
      expect(req.path).toBe('/_bulk');
      expect(req.headers.accept).toBe('application/json');
      expect(req.query.get('filter_path')).toBe('errors,items.*.status,items.*.error.type,items.*.error.reason');
      expect(req.body.endsWith('}\n')).toBe(true);
      expect(req.body).not.toContain('\u2028');
      const [row] = await deliveries(hook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200, last_error: null });

      // CVE has no ECS indicator type and threat.indicator.ip cannot hold a /24: those two stay out.
      const sent = warning.indicators.filter((i) => i.type !== 'cve' && i.type !== 'cidr');
      expect(req.pairs).toHaveLength(sent.length);
      expect(new Set(req.pairs.map((p) => p.action.create._id)).size).toBe(sent.length);
      for (const p of req.pairs) expect(p.action.create._index).toBe(elasticDefaultIndex);
      const docs = req.pairs.map((p) => p.doc);
      const title = hostileTitle.replace(/\s+/g, ' ');
      const at = (await hub.app.ctx.db.selectFrom('events').select('at').where('id', '=', row!.event_id).executeTakeFirstOrThrow()).at;
      for (const d of docs) {
        expect(d).toMatchObject({
          '@timestamp': at,
          data_stream: { type: 'logs', dataset: 'ti_tocsin.indicator', namespace: 'default' },
          event: { kind: 'enrichment', category: ['threat'], type: ['indicator'], action: 'created', module: 'ti_tocsin', dataset: 'ti_tocsin.indicator', reference: `http://hub.test/warnings/${warning.id}` },
          threat: {
            indicator: { description: title, provider: orgA.name, reference: `http://hub.test/warnings/${warning.id}`, marking: { tlp: 'AMBER', tlp_version: '2.0' } },
            feed: { name: 'Tocsin hub.test', reference: 'http://hub.test' },
          },
          tags: ['tocsin', 'phishing', 'severity:high', 'TLP:AMBER'],
          tocsin: { warning: { id: warning.id, version: 1, status: 'active', kind: 'phishing', severity: 'high' } },
        });
        expect(typeof d.threat.indicator.first_seen).toBe('string');
      }
      const ind = (type: string) => docs.find((d) => d.threat.indicator.type === type)!.threat.indicator;
      const value = (t: string) => warning.indicators.find((i) => i.type === t)!.value;
      expect(ind('ipv4-addr')).toMatchObject({ ip: '198.51.100.7', name: '198.51.100.7' });
      expect(ind('ipv6-addr').ip).toBe('2001:db8::7');
      expect(ind('domain-name').url).toEqual({ domain: value('domain') });
      expect(ind('url').url).toMatchObject({ full: value('url'), original: value('url'), scheme: 'https', domain: 'login.example.net', path: '/owa' });
      expect(ind('email-addr').email).toEqual({ address: 'payroll@phish.example' });
      expect(ind('file').file).toEqual({ hash: { sha256: 'a'.repeat(64) } });

      // Retraction: the same indicators, marking unchanged, as events that indicator match rules skip.
      expect((await hub.as(analystA, { method: 'POST', url: `/api/warnings/${warning.id}/retract`, payload: { reason: 'Sender was legitimate' } })).statusCode).toBe(200);
      expect(await run()).toBe(1);
      expect(es.violations).toEqual([]);
      const retracted = es.requests[1]!.pairs.map((p) => p.doc);
      expect(retracted).toHaveLength(sent.length);
      for (const d of retracted) {
        expect(d).toMatchObject({
          event: { kind: 'event', category: ['threat'], type: ['deletion'], action: 'retracted' },
          threat: { indicator: { marking: { tlp: 'AMBER', tlp_version: '2.0' } } },
          tocsin: { warning: { id: warning.id, status: 'retracted', version: 2, retraction_reason: 'Sender was legitimate' } },
        });
      }
      expect(retracted.map((d) => d.threat.indicator.name).sort()).toEqual(docs.map((d) => d.threat.indicator.name).sort());
    });

    it('retries the whole bulk after a 429 item, without duplicating what was created', async () => {
      let rejectOnce = true;
      const es = await startElastic(`ApiKey ${encodedKey}`, (pair) => {
        if (rejectOnce && pair.doc.threat.indicator.type === 'url') {
          rejectOnce = false;
          return 429;
        }
        return 201;
      });
      const hook = await connector({ url: `${es.url}/_bulk`, format: 'elastic-bulk', credential: encodedKey, options: { index: 'logs-ti_tocsin.indicator-city' } });
      await postWarning({ indicators: indicators.slice(0, 4) });
      expect(await run()).toBe(1);
      let [row] = await deliveries(hook.id);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: 200 });
      expect(row!.last_error).toBe(
        'Elasticsearch did not take 1 of 4 documents yet: 429 es_rejected_execution_exception: rejected execution of coordinating operation [shard_detail=[logs][0][P]]',
      );
      expect(es.stored.size).toBe(3);

      clock.advance(10_000);
      expect(await run()).toBe(1);
      [row] = await deliveries(hook.id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_status: 200, last_error: null });
      expect(es.violations).toEqual([]);
      // The same ids again: three answered 409 (already there), the fourth was created.
      expect(es.requests[1]!.pairs.map((p) => p.action.create._id)).toEqual(es.requests[0]!.pairs.map((p) => p.action.create._id));
      expect(es.stored.size).toBe(4);
      for (const p of es.requests[1]!.pairs) expect(p.action.create._index).toBe('logs-ti_tocsin.indicator-city');
      expect(es.requests[1]!.pairs[0]!.doc.data_stream).toEqual({ type: 'logs', dataset: 'ti_tocsin.indicator', namespace: 'city' });
    });

    it('records a 400 mapping error without retrying it; fails at once when every document is refused', async () => {
      const es = await startElastic(`ApiKey ${encodedKey}`, (pair) => (pair.doc.threat.indicator.type === 'ipv6-addr' ? 400 : 201));
      const hook = await connector({ url: es.url, format: 'elastic-bulk', credential: encodedKey });
      await postWarning({ indicators: indicators.slice(0, 3) });
      expect(await run()).toBe(1);
      let rows = await deliveries(hook.id);
      expect(rows[0]).toMatchObject({ status: 'delivered', attempts: 1, last_status: 200 });
      expect(rows[0]!.last_error).toBe(
        'Elasticsearch refused 1 of 3 documents: 400 document_parsing_exception: [1:412] failed to parse field [threat.indicator.ip] of type [ip] in document (not retried)',
      );
      const log = await hub.as(adminB, { method: 'GET', url: `/api/webhooks/${hook.id}/deliveries` });
      expect(log.json().items[0]).toMatchObject({ status: 'delivered', lastError: expect.stringContaining('refused 1 of 3 documents') });

      await postWarning({ indicators: [{ type: 'ipv6', value: '2001:db8::99' }] });
      expect(await run()).toBe(1);
      rows = await deliveries(hook.id);
      expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1, last_status: 200 });
      expect(rows[1]!.last_error).toMatch(/^Elasticsearch refused the document: 400 document_parsing_exception: .* \(not retried: fix the mapping or the index\)$/);
      clock.advance(3_600_000);
      expect(await run()).toBe(0);
      expect(es.requests).toHaveLength(2);
    });

    it('authenticates with Basic when asked, reports Elasticsearch’s own errors, and pings with a non-indicator document', async () => {
      const es = await startElastic(`Basic ${Buffer.from('tocsin_writer:pä ss:wörd').toString('base64')}`);
      const hook = await connector({ url: es.url, format: 'elastic-bulk', credential: 'wrong', options: { auth: 'basic', username: 'tocsin_writer' } });
      expect(hook.credentialHint).toBe('password for tocsin_writer');
      const bad = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${hook.id}/test` });
      expect(bad.json()).toMatchObject({
        delivered: false,
        status: 401,
        error: 'HTTP 401: security_exception: unable to authenticate with provided credentials and anonymous access is not allowed for this request',
      });
      // Changing the authentication kind needs the matching credential.
      for (const options of [{}, { auth: 'basic', username: 'someone_else' }]) {
        const switched = await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${hook.id}`, payload: { options } });
        expect(switched.statusCode).toBe(400);
        expect(switched.json().message).toContain('credential is required when options.auth or options.username changes');
      }
      expect((await hub.as(adminB, { method: 'PATCH', url: `/api/webhooks/${hook.id}`, payload: { credential: 'pä ss:wörd' } })).statusCode).toBe(200);
      const ok = await hub.as(adminB, { method: 'POST', url: `/api/webhooks/${hook.id}/test` });
      expect(ok.json(), ok.body).toMatchObject({ delivered: true, status: 200, error: null });
      expect(es.violations).toEqual([]);
      expect(es.requests[1]!.pairs[0]!.doc).toMatchObject({ event: { kind: 'event', category: ['configuration'], type: ['info'], action: 'ping' }, message: 'Test delivery from Tocsin' });
      expect(es.requests[1]!.pairs[0]!.doc.threat).toBeUndefined();

      // A warning without indicators has nothing for Elastic: delivered without a request.
      await postWarning({ indicators: [] });
      expect(await run()).toBe(1);
      expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'delivered', last_status: null, last_error: 'nothing to send: the event has no indicators Elastic can hold' });
      expect(es.requests).toHaveLength(2);
    });
  });
}

describe('SIEM answers and credentials', () => {
  const answer = (status: number, body: unknown, complete = true) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), complete });

  it('reads _bulk answers item by item', () => {
    const item = (status: number, type?: string) => ({ create: { status, ...(type ? { error: { type, reason: 'why' } } : {}) } });
    expect(readBulkAnswer(answer(200, { errors: false, items: [item(201)] }), 1)).toEqual({ delivered: true, error: null });
    // 409: written by an earlier attempt.
    expect(readBulkAnswer(answer(200, { errors: true, items: [item(201), item(409, 'version_conflict_engine_exception')] }), 2)).toEqual({ delivered: true, error: null });
    expect(readBulkAnswer(answer(200, { errors: true, items: [item(201), item(503, 'unavailable_shards_exception'), item(400, 'mapper_parsing_exception')] }), 3)).toEqual({
      delivered: false,
      error: 'Elasticsearch did not take 1 of 3 documents yet: 503 unavailable_shards_exception: why; Elasticsearch refused 1 of 3 documents: 400 mapper_parsing_exception: why',
    });
    expect(readBulkAnswer(answer(200, { errors: true, items: [item(403, 'security_exception')] }), 1)).toMatchObject({ delivered: false });
    expect(readBulkAnswer(answer(200, { errors: true, items: [item(400, 'x'), item(400, 'x')] }), 2)).toEqual({ delivered: false, final: true, error: 'Elasticsearch refused all 2 documents: 400 x: why (not retried: fix the mapping or the index)' });
    expect(readBulkAnswer(answer(200, { errors: true, items: [item(201)] }), 2)).toMatchObject({ delivered: false, error: 'Elasticsearch answered for 1 of 2 documents; trying again' });
    expect(readBulkAnswer(answer(200, '{"errors":false,"ite', false), 1)).toMatchObject({ delivered: false, error: expect.stringContaining('too long to read') });
    expect(readBulkAnswer(answer(200, '<html>\nKibana</html>'), 1)).toEqual({ delivered: false, error: 'HTTP 200, but not an answer from Elasticsearch _bulk: <html> Kibana</html>; check the URL' });
    expect(readBulkAnswer(answer(413, 'Request Entity Too Large'), 1)).toBeNull();
    expect(readBulkAnswer(answer(301, ''), 1)).toBeNull();
  });

  it('reads HEC answers', () => {
    expect(readHecAnswer(answer(200, { text: 'Success', code: 0, ackId: 7 }))).toEqual({ delivered: true, error: null });
    expect(readHecAnswer(answer(400, { text: 'Incorrect index', code: 7, 'invalid-event-number': 1 }))).toEqual({ delivered: false, error: 'HTTP 400: Splunk HEC code 7: Incorrect index' });
    expect(readHecAnswer(answer(200, { text: 'Odd', code: 3 }))).toEqual({ delivered: false, error: 'Splunk HEC code 3: Odd' });
    expect(readHecAnswer(answer(502, 'Bad gateway'))).toBeNull();
  });

  it('builds the request URLs', () => {
    expect(hecUrl('https://splunk.example:8088/')).toBe('https://splunk.example:8088/services/collector/event');
    expect(hecUrl('https://http-inputs-acme.splunkcloud.com/services/collector/event?x=1')).toBe('https://http-inputs-acme.splunkcloud.com/services/collector/event?x=1');
    expect(bulkUrl('https://es.example:9200/')).toBe('https://es.example:9200/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason');
    expect(bulkUrl('https://es.example/proxy/_bulk?pipeline=ti')).toBe('https://es.example/proxy/_bulk?pipeline=ti&filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason');
  });

  it('keeps credentials exact, sends them as the vendor wants, and hints at them without revealing them', () => {
    expect(cleanCredential('splunk-hec', {}, ' Splunk abcd-1234 ')).toBe('abcd-1234');
    const encoded = cleanCredential('elastic-bulk', {}, 'ApiKey id1:secret');
    expect(encoded).toBe(Buffer.from('id1:secret').toString('base64'));
    expect(cleanCredential('elastic-bulk', {}, encoded)).toBe(encoded);
    expect(authorizationHeader('elastic-bulk', {}, encoded)).toBe(`ApiKey ${encoded}`);
    expect(credentialHint('elastic-bulk', {}, encoded)).toBe('API key id1');
    // Passwords keep their spaces; a short token shows nothing of itself.
    const basic = { auth: 'basic' as const, username: 'w' };
    expect(cleanCredential('elastic-bulk', basic, ' p w ')).toBe(' p w ');
    expect(authorizationHeader('elastic-bulk', basic, ' p w ')).toBe(`Basic ${Buffer.from('w: p w ').toString('base64')}`);
    expect(credentialHint('splunk-hec', {}, 'short')).toBe('…');
    expect(() => cleanCredential('elastic-bulk', basic, 'line\nbreak')).toThrow(/no control characters/);
    expect(() => cleanCredential('splunk-hec', {}, 'tok\r\nX-Injected: 1')).toThrow(/HEC token/);
  });
});
