// TAXII 2.1 conformance, part 2: posting objects, status resources, paging, filters,
// versions, manifests, deletes — and that every read obeys the sharing policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../test/taxii.js';
import { membersCollectionId, publicCollectionId } from './collections.js';
import { markingIdFor, tlp2ExtensionDefinition, tlp2ExtensionId } from '../stix/tlp.js';
import { removeExpired } from '../push/retention.js';

const dateAddedShape = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

for (const dialect of dialects) {
  describe(`TAXII objects [${dialect}]`, () => {
    let w: TaxiiWorld;
    const objectsUrl = (cid: string) => `${root}/collections/${cid}/objects/`;
    beforeAll(async () => {
      w = await createTaxiiWorld(dialect);
    });
    afterAll(async () => w?.hub.close());

    const post = (token: string, cid: string, objects: unknown[]) => taxii(w.hub, token, { method: 'POST', url: objectsUrl(cid), payload: envelope(objects) });

    it('accepts an envelope with 202 and a complete status that lists each object, readable at /status/{id}/ by the poster only', async () => {
      const good = [indicator(), indicator()];
      const res = await post(w.tokenA, membersCollectionId, good);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.headers['content-type']).toBe('application/taxii+json;version=2.1');
      const status = res.json();
      expect(status).toMatchObject({ status: 'complete', total_count: 2, success_count: 2, failure_count: 0, pending_count: 0 });
      expect(status.successes.map((s: { id: string }) => s.id).sort()).toEqual(good.map((o) => o.id).sort());
      expect(status.failures).toBeUndefined();
      const again = await taxii(w.hub, w.tokenA, { url: `${root}/status/${status.id}/` });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(status);
      expect((await taxii(w.hub, w.tokenB, { url: `${root}/status/${status.id}/` })).statusCode).toBe(404);
      expect((await taxii(w.hub, w.tokenA, { url: `${root}/status/nope/` })).statusCode).toBe(404);
    });

    it('serves objects exactly as posted, non-ASCII text included, with a Content-Length that counts bytes', async () => {
      const object: Record<string, unknown> = { ...indicator(), name: 'Hôtel de Ville — phishing 東京 🚨', description: 'Guillemets « », a quote \\" and an emoji 🛡️' };
      expect((await post(w.tokenA, membersCollectionId, [object])).json().success_count).toBe(1);
      const res = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}?match[id]=${String(object.id)}` });
      expect(res.statusCode).toBe(200);
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(res.json()).toEqual({ more: false, objects: [object] });
      const one = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}${String(object.id)}/` });
      expect(one.json().objects).toEqual([object]);
    });

    it('keeps status resources for a week, then removes them in the housekeeping sweep', async () => {
      const status = (await post(w.tokenA, membersCollectionId, [indicator()])).json();
      const db = w.hub.app.ctx.db;
      await db.updateTable('taxii_status').set({ created_at: new Date(Date.now() - 6 * 86_400_000).toISOString() }).where('id', '=', status.id).execute();
      await removeExpired(w.hub.app.ctx);
      expect((await taxii(w.hub, w.tokenA, { url: `${root}/status/${status.id}/` })).statusCode).toBe(200);
      await db.updateTable('taxii_status').set({ created_at: new Date(Date.now() - 8 * 86_400_000).toISOString() }).where('id', '=', status.id).execute();
      await removeExpired(w.hub.app.ctx);
      expect((await taxii(w.hub, w.tokenA, { url: `${root}/status/${status.id}/` })).statusCode).toBe(404);
    });

    it('accepts a STIX bundle as the body, as python-stix2 posts it', async () => {
      const res = await post(w.tokenA, membersCollectionId, []);
      expect(res.json().total_count).toBe(0);
      const bundle = { type: 'bundle', id: 'bundle--8d8b1f1e-3a5c-4b8e-9f39-2c1a5b7d9e00', objects: [indicator()] };
      const b = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl(membersCollectionId), payload: bundle });
      expect(b.statusCode, b.body).toBe(202);
      expect(b.json().success_count).toBe(1);
    });

    it('lists invalid objects as failures with the reason and still accepts the valid ones', async () => {
      const valid = indicator();
      const noCreated: Record<string, unknown> = { ...indicator(), created: undefined };
      const backwards = indicator({ created: '2026-11-20T10:00:00.000Z', modified: '2026-11-19T10:00:00.000Z' });
      const res = await post(w.tokenA, membersCollectionId, [valid, noCreated, backwards, 'not an object', { type: 'indicator' }]);
      expect(res.statusCode).toBe(202);
      const status = res.json();
      expect(status).toMatchObject({ total_count: 5, success_count: 1, failure_count: 4 });
      expect(status.successes).toEqual([{ id: valid.id, version: '2026-11-20T10:00:00.000Z' }]);
      const byId = new Map(status.failures.map((f: { id: string; message: string }) => [f.id, f.message]));
      expect(byId.get(noCreated.id as string)).toMatch(/created/);
      expect(byId.get(backwards.id as string)).toMatch(/modified/);
      const listed = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}?match[id]=${noCreated.id},${backwards.id}` });
      expect(listed.json()).toEqual({ more: false });
    });

    it('treats a re-post of the same id and modified as already added, not a duplicate', async () => {
      const o = indicator();
      await post(w.tokenA, membersCollectionId, [o]);
      const res = await post(w.tokenA, membersCollectionId, [o]);
      expect(res.json()).toMatchObject({ success_count: 1, failure_count: 0 });
      expect(res.json().successes[0].message).toMatch(/already added/);
      const versions = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(membersCollectionId)}${o.id}/versions/` });
      expect(versions.json()).toEqual({ more: false, versions: ['2026-11-20T10:00:00.000Z'] });
    });

    it('refuses bad requests with the right TAXII error: 415, 400 malformed JSON, 422 not an envelope, 403 read-only', async () => {
      const wrongType = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl(membersCollectionId), payload: JSON.stringify(envelope([])), headers: { 'content-type': 'application/json' } });
      expect(wrongType.statusCode).toBe(415);
      expect(wrongType.json()).toMatchObject({ http_status: '415', error_code: 'TAXII_UNSUPPORTED_MEDIA_TYPE' });
      const v20 = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl(membersCollectionId), payload: '{}', headers: { 'content-type': 'application/taxii+json;version=2.0' } });
      expect(v20.statusCode).toBe(415);
      const malformed = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl(membersCollectionId), payload: '{"objects": [' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().http_status).toBe('400');
      for (const body of ['[]', '"x"', '{"type":"indicator"}', '{"objects": {}}']) {
        const res = await taxii(w.hub, w.tokenA, { method: 'POST', url: objectsUrl(membersCollectionId), payload: body });
        expect(res.statusCode, body).toBe(422);
        expect(res.json().error_code).toBe('TAXII_UNPROCESSABLE');
      }
      const readOnly = await post(w.readOnlyA, membersCollectionId, [indicator()]);
      expect(readOnly.statusCode).toBe(403);
      const observer = await post(w.observerToken, membersCollectionId, [indicator()]);
      expect(observer.statusCode).toBe(403);
      const notMine = await post(w.tokenC, w.groupId, [indicator()]);
      expect(notMine.statusCode).toBe(404);
    });

    it('gives posted objects the TLP of their marking or the collection default, and refuses a TLP the collection cannot carry', async () => {
      const green = indicator({ tlp: 'green' });
      const clear = indicator({ tlp: 'clear' });
      const unmarked = indicator();
      const res = await post(w.tokenA, publicCollectionId, [green, clear, unmarked]);
      const status = res.json();
      expect(status).toMatchObject({ success_count: 2, failure_count: 1 });
      expect(status.failures[0]).toMatchObject({ id: green.id });
      expect(status.failures[0].message).toMatch(/TLP:GREEN is not allowed/);
      // a TLP on one property (granular marking) counts for the whole object
      const granular = { ...indicator(), granular_markings: [{ selectors: ['description'], marking_ref: markingIdFor('amber') }] };
      const partly = await post(w.tokenA, publicCollectionId, [granular]);
      expect(partly.json().failures?.[0]?.message).toMatch(/TLP:AMBER is not allowed/);
      const red = await post(w.tokenA, membersCollectionId, [indicator({ tlp: 'red' })]);
      expect(red.json().failure_count).toBe(1);
      expect(red.json().failures[0].message).toMatch(/RED/);
      // unmarked objects in the public collection are CLEAR: everyone reads them there
      const seen = await taxii(w.hub, w.tokenC, { url: `${objectsUrl(publicCollectionId)}?match[id]=${unmarked.id},${clear.id}` });
      expect(seen.json().objects.map((o: { id: string }) => o.id).sort()).toEqual([unmarked.id, clear.id].sort());
    });

    it("keeps the hub's own copy of well-known definitions, never the poster's, and no collection's copy", async () => {
      const clearId = markingIdFor('clear');
      // The real id, other words: a marking that would tell readers TLP:CLEAR means something else.
      const forged = { type: 'marking-definition', spec_version: '2.1', id: clearId, created: '2030-01-01T00:00:00.000Z', name: 'TLP:RED', extensions: { [tlp2ExtensionId]: { extension_type: 'property-extension', tlp_2_0: 'red' } } };
      const extension = { type: 'extension-definition', spec_version: '2.1', id: tlp2ExtensionId, created: '2022-07-27T00:00:00.000Z', modified: '2022-07-27T00:00:00.000Z', created_by_ref: 'identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01', name: 'TLP 2.0', schema: 'https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/tlp-2.0', version: '1.0.0', extension_types: ['property-extension'] };
      const res = await post(w.tokenA, membersCollectionId, [forged, extension]);
      expect(res.json()).toMatchObject({ success_count: 2, failure_count: 0 });
      for (const cid of [publicCollectionId, membersCollectionId]) {
        const versions = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(cid)}?match[id]=${clearId}&match[version]=all` });
        for (const o of (versions.json().objects ?? []) as Array<{ name: string; created: string }>) expect(o).toMatchObject({ name: 'TLP:CLEAR', created: '2022-10-01T00:00:00.000Z' });
        // The extension definition as FIRST published it (description, created), not the poster's.
        const copy = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(cid)}?match[id]=${tlp2ExtensionId}&match[version]=all` });
        expect(copy.json().objects ?? []).toEqual(cid === publicCollectionId ? [tlp2ExtensionDefinition] : []);
      }
    });

    it('shows each audience only what it may read: group AMBER to the group, inbox RED to the named organisation', async () => {
      const amber = indicator();
      expect((await post(w.tokenA, w.groupId, [amber])).json().success_count).toBe(1);
      const inboxRed = indicator({ tlp: 'red' });
      expect((await post(w.tokenA, w.orgA.id, [inboxRed])).json()).toMatchObject({ success_count: 1 });
      const find = async (token: string, cid: string, id: string) => {
        const res = await taxii(w.hub, token, { url: `${objectsUrl(cid)}?match[id]=${id}` });
        return res.statusCode === 200 ? (res.json().objects ?? []).length : -res.statusCode;
      };
      expect(await find(w.tokenB, w.groupId, amber.id as string)).toBe(1);
      expect(await find(w.tokenC, w.groupId, amber.id as string)).toBe(-404);
      for (const cid of [publicCollectionId, membersCollectionId]) {
        expect(await find(w.tokenC, cid, amber.id as string)).toBe(0);
        expect(await find(w.tokenB, cid, inboxRed.id as string)).toBe(0);
      }
      expect(await find(w.tokenA, w.orgA.id, inboxRed.id as string)).toBe(1);
      // One object read: 404 for those outside the audience, as for an unknown id
      expect((await taxii(w.hub, w.tokenC, { url: `${objectsUrl(membersCollectionId)}${amber.id}/` })).statusCode).toBe(404);
      expect((await taxii(w.hub, w.tokenB, { url: `${objectsUrl(w.groupId)}${amber.id}/` })).json().objects[0].id).toBe(amber.id);
    });

    it('refuses a new version of an id another producer shared', async () => {
      const o = indicator();
      await post(w.tokenA, membersCollectionId, [o]);
      const hijack = { ...o, modified: '2026-11-21T00:00:00.000Z', revoked: true };
      const res = await post(w.tokenB, membersCollectionId, [hijack]);
      expect(res.json()).toMatchObject({ success_count: 0, failure_count: 1 });
      expect(res.json().failures[0].message).toMatch(/another producer/);
    });

    it('pages with limit: more and next always together, unique increasing date_added, headers on every page', async () => {
      const cid = w.groupId;
      const batch = Array.from({ length: 7 }, () => indicator());
      await post(w.tokenB, cid, batch);
      const seen: string[] = [];
      const stamps: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const res = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?limit=3${next ? `&next=${encodeURIComponent(next)}` : ''}` });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        expect(Boolean(body.next)).toBe(body.more);
        expect(res.headers['x-taxii-date-added-first']).toMatch(dateAddedShape);
        expect(res.headers['x-taxii-date-added-last']).toMatch(dateAddedShape);
        stamps.push(String(res.headers['x-taxii-date-added-first']), String(res.headers['x-taxii-date-added-last']));
        seen.push(...body.objects.map((o: { id: string }) => o.id));
        next = body.next;
        pages += 1;
      } while (next && pages < 20);
      expect(new Set(seen).size).toBe(seen.length);
      for (const o of batch) expect(seen).toContain(o.id);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]! >= stamps[i - 1]!).toBe(true);
      const manifest = await taxii(w.hub, w.tokenA, { url: `${root}/collections/${cid}/manifest/` });
      const records = manifest.json().objects as Array<{ id: string; date_added: string; version: string; media_type: string }>;
      const added = records.map((r) => r.date_added);
      expect(new Set(added).size).toBe(added.length);
      expect([...added].sort()).toEqual(added);
      for (const r of records) {
        expect(r.date_added).toMatch(dateAddedShape);
        expect(r.media_type).toBe('application/stix+json;version=2.1');
      }
    });

    it('filters strictly after added_after, and by match[id], match[type] and match[spec_version]', async () => {
      const cid = w.groupId;
      const all = (await taxii(w.hub, w.tokenA, { url: `${root}/collections/${cid}/manifest/` })).json().objects as Array<{ id: string; date_added: string }>;
      const pivot = all[2]!;
      const after = await taxii(w.hub, w.tokenA, { url: `${root}/collections/${cid}/manifest/?added_after=${pivot.date_added}` });
      expect(after.json().objects.map((o: { id: string }) => o.id)).toEqual(all.slice(3).map((o) => o.id));
      const byType = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?match[type]=malware,report` });
      expect(byType.json()).toEqual({ more: false });
      const ids = all.slice(0, 2).map((o) => o.id);
      const byId = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?match[id]=${ids.join(',')}` });
      expect(byId.json().objects.map((o: { id: string }) => o.id)).toEqual(ids);
      expect((await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?match[spec_version]=2.0` })).json()).toEqual({ more: false });
      expect((await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?match[spec_version]=2.1&limit=1` })).json().objects).toHaveLength(1);
    });

    it('answers bad parameters with 400 and what is wrong', async () => {
      const cid = membersCollectionId;
      for (const q of ['limit=0', 'limit=-1', 'limit=abc', 'added_after=yesterday', 'next=garbage!!', 'match[version]=newest', 'match[id]=not-an-id', 'next=MS4xMjMuYWJj']) {
        const res = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?${q}` });
        expect(res.statusCode, q).toBe(400);
        expect(res.json().http_status).toBe('400');
        expect(res.json().description).toBeTruthy();
      }
      // a next from one query does not continue another
      const first = (await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?limit=1` })).json();
      expect(first.more).toBe(true);
      const other = await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?limit=1&match[type]=indicator&next=${first.next}` });
      expect(other.statusCode).toBe(400);
      expect(other.json().error_code).toBe('TAXII_BAD_CURSOR');
      // limit above the maximum is capped, not refused
      expect((await taxii(w.hub, w.tokenA, { url: `${objectsUrl(cid)}?limit=999999999` })).statusCode).toBe(200);
    });

    it('keeps every version, serving the last by default and first, all or exact versions on request', async () => {
      const v1 = indicator({ created: '2026-11-01T00:00:00.000Z' });
      const v2 = { ...v1, modified: '2026-11-02T00:00:00.123456Z', name: 'second' };
      const v3 = { ...v1, modified: '2026-11-03T00:00:00.000Z', name: 'third' };
      await post(w.tokenA, membersCollectionId, [v1, v3]);
      await post(w.tokenA, membersCollectionId, [v2]); // an older version arriving late stays non-latest
      const one = (q = '') => taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}${v1.id}/${q}` });
      expect((await one()).json().objects.map((o: { name: string }) => o.name)).toEqual(['third']);
      expect((await one('?match[version]=first')).json().objects.map((o: { modified: string }) => o.modified)).toEqual(['2026-11-01T00:00:00.000Z']);
      expect((await one('?match[version]=all')).json().objects).toHaveLength(3);
      expect((await one('?match[version]=first,last')).json().objects).toHaveLength(2);
      const exact = await one('?match[version]=2026-11-02T00:00:00.123456Z');
      expect(exact.json().objects.map((o: { name: string }) => o.name)).toEqual(['second']);
      const versions = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}${v1.id}/versions/` });
      expect(versions.json().versions.sort()).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.123456Z', '2026-11-03T00:00:00.000Z']);
      expect(versions.headers['x-taxii-date-added-last']).toMatch(dateAddedShape);
      const unknown = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}indicator--00000000-0000-4000-8000-000000000000/` });
      expect(unknown.statusCode).toBe(404);
      const unknownVersions = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}indicator--00000000-0000-4000-8000-000000000000/versions/` });
      expect(unknownVersions.statusCode).toBe(404);
      // the id is known but the filter excludes every version: an empty envelope, not a 404
      expect((await one('?added_after=2099-01-01T00:00:00Z')).json()).toEqual({ more: false });
    });

    it('lets the producer delete an object (the next newest version becomes the latest), nobody else', async () => {
      const v1 = indicator({ created: '2026-11-01T00:00:00.000Z' });
      const v2 = { ...v1, modified: '2026-11-05T00:00:00.000Z', name: 'newer' };
      await post(w.tokenA, membersCollectionId, [v1, v2]);
      const url = `${objectsUrl(membersCollectionId)}${v1.id}/`;
      expect((await taxii(w.hub, w.tokenB, { method: 'DELETE', url })).statusCode).toBe(403);
      const del = await taxii(w.hub, w.tokenA, { method: 'DELETE', url: `${url}?match[version]=2026-11-05T00:00:00.000Z` });
      expect(del.statusCode, del.body).toBe(200);
      expect(del.body).toBe('');
      expect((await taxii(w.hub, w.tokenB, { url })).json().objects[0].modified).toBe('2026-11-01T00:00:00.000Z');
      expect((await taxii(w.hub, w.tokenA, { method: 'DELETE', url })).statusCode).toBe(200);
      expect((await taxii(w.hub, w.tokenB, { url })).statusCode).toBe(404);
      expect((await taxii(w.hub, w.tokenA, { method: 'DELETE', url })).statusCode).toBe(404);
    });

    it('serves warnings sent in the web app as STIX in their audience collection, and refuses to delete them', async () => {
      const res = await w.hub.as(w.analystA, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title: 'Fake invoice mails', kind: 'phishing', severity: 'high', details: 'Invoices from a lookalike domain.', indicators: [{ type: 'domain', value: 'springfie1d.example' }], tlp: 'AMBER', audience: { kind: 'groups', groupIds: [w.groupId] } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const reportId = res.json().reportId as string;
      const report = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(w.groupId)}${reportId}/` });
      expect(report.statusCode, report.body).toBe(200);
      const r = report.json().objects[0];
      expect(r).toMatchObject({ type: 'report', name: 'Fake invoice mails', object_marking_refs: expect.arrayContaining([markingIdFor('amber')]) });
      const refs = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(w.groupId)}?match[type]=indicator&match[id]=${(r.object_refs as string[]).filter((x) => x.startsWith('indicator--')).join(',')}` });
      expect(refs.json().objects[0].pattern).toBe("[domain-name:value = 'springfie1d.example']");
      // the producer's identity is in the members collection
      const identity = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(membersCollectionId)}${r.created_by_ref}/` });
      expect(identity.json().objects[0].name).toBe('Springfield');
      expect((await taxii(w.hub, w.tokenC, { url: `${objectsUrl(membersCollectionId)}${reportId}/` })).statusCode).toBe(404);
      const del = await taxii(w.hub, w.tokenA, { method: 'DELETE', url: `${objectsUrl(w.groupId)}${reportId}/` });
      expect(del.statusCode).toBe(409);
      expect(del.json().error_code).toBe('TAXII_OBJECT_IN_WARNING');
      // retracting publishes a revoked version
      await w.hub.as(w.analystA, { method: 'POST', url: `/api/warnings/${res.json().id}/retract`, payload: { reason: 'false alarm' } });
      const revoked = await taxii(w.hub, w.tokenB, { url: `${objectsUrl(w.groupId)}${reportId}/` });
      expect(revoked.json().objects[0].revoked).toBe(true);
    });

    it('announces posted objects to their audience as a live event, and audits the post', async () => {
      const before = await w.hub.app.ctx.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      const o = indicator();
      await post(w.tokenA, w.groupId, [o]);
      const events = await w.hub.app.ctx.db.selectFrom('events').selectAll().where('id', '>', Number(before?.id ?? 0)).execute();
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe('stix.added');
      const data = JSON.parse(events[0]!.data);
      expect(data.others).toMatchObject({ type: 'stix.added', count: 1, tlp: 'amber', types: { indicator: 1 }, producer: 'Springfield' });
      const audit = await w.hub.app.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'taxii.post').orderBy('id', 'desc').executeTakeFirst();
      expect(audit?.target_id).toBe(w.groupId);
    });
  });
}
