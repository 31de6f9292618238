// POST /api/stix/imports and friends on both dialects: an upload answers at once with a job
// that reports its progress to the end; hostile uploads get a clear 4xx (or a failed job
// with the reason) and leave nothing half-written beyond committed batches; exports stream.
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membersCollectionId, publicCollectionId } from '../taxii/collections.js';
import { createTestHub, dialects, type SignedInUser } from '../test/harness.js';
import { writeBundle } from '../test/stix-bundles.js';
import { createTaxiiWorld, indicator, type TaxiiWorld } from '../test/taxii.js';
import { insertImport } from './imports.repository.js';
import type { ImportJob } from './imports.service.js';
import { uploadDir } from './upload.js';

const limit = 3 * 1024 * 1024;

for (const dialect of dialects) {
  describe(`STIX import API [${dialect}]`, () => {
    let w: TaxiiWorld;
    beforeAll(async () => {
      w = await createTaxiiWorld(dialect, { stixImportMaxBytes: String(limit) });
    });
    afterAll(async () => w?.hub.close());

    const upload = (user: SignedInUser, body: string | Buffer | Readable, query: string, contentType: string | null = 'application/json') =>
      w.hub.as(user, { method: 'POST', url: `/api/stix/imports?${query}`, payload: body as string, headers: contentType ? { 'content-type': contentType } : {} });
    const job = async (user: SignedInUser, id: string) => (await w.hub.as(user, { method: 'GET', url: `/api/stix/imports/${id}` })).json<ImportJob>();
    const finished = async (user: SignedInUser, id: string): Promise<ImportJob> => {
      const end = Date.now() + 60_000;
      for (;;) {
        const j = await job(user, id);
        if (j.status === 'done' || j.status === 'failed') return j;
        if (Date.now() > end) throw new Error(`import ${id} still ${j.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const uploadsLeft = () => {
      try {
        return readdirSync(uploadDir(w.hub.config.dataDir)).length;
      } catch {
        return 0;
      }
    };
    const refused = (res: LightMyRequestResponse, status: number, code: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
    };

    it('answers 202 with a job at once, then reports progress until done, with each failure and its reason', async () => {
      const b = await writeBundle({ count: 30, invalidEvery: 10 }, w.hub.config.dataDir);
      const res = await upload(w.analystA, readFileSync(b.file), `collection=${membersCollectionId}&tlp=green&name=${encodeURIComponent('feed "30".json')}`);
      expect(res.statusCode, res.body).toBe(202);
      const started = res.json<ImportJob>();
      expect(res.headers.location).toBe(`/api/stix/imports/${started.id}`);
      expect(started).toMatchObject({ collection: { id: membersCollectionId, title: 'All members' }, defaultTlp: 'green', totalBytes: b.bytes, fileName: 'feed "30".json', error: null });
      expect(['queued', 'running', 'done']).toContain(started.status);

      const done = await finished(w.analystA, started.id);
      expect(done).toMatchObject({ status: 'done', bytesRead: b.bytes, objects: 30, successes: 27, failures: 3, failuresTruncated: false, error: null });
      expect(done.finishedAt).not.toBeNull();
      const byId = new Map(done.failureList!.map((f) => [f.id, f.message]));
      expect(byId.get(b.invalid[0]!.id)).toMatch(b.invalid[0]!.why);
      expect(byId.get(b.invalid[1]!.id)).toMatch(b.invalid[1]!.why);
      expect(uploadsLeft()).toBe(0);

      // the organisation's other people see it; other organisations do not
      const list = (await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/imports' })).json<{ items: ImportJob[] }>();
      expect(list.items[0]).toMatchObject({ id: started.id, status: 'done' });
      expect(list.items[0]!.failureList).toBeUndefined();
      expect((await w.hub.as(w.analystB, { method: 'GET', url: `/api/stix/imports/${started.id}` })).statusCode).toBe(404);
      expect((await w.hub.as(w.analystB, { method: 'GET', url: '/api/stix/imports' })).json().items).toEqual([]);

      // what was imported is there for TAXII readers of the collection
      const exported = await w.hub.as(w.analystB, { method: 'GET', url: `/api/stix/export?collection=members&type=indicator,malware,x-city-note` });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toBe('application/stix+json;version=2.1');
      expect(exported.headers['content-disposition']).toMatch(/^attachment; filename="tocsin-members-\d{4}-\d\d-\d\d\.json"$/);
      const ids = new Set((exported.json().objects as Array<{ id: string }>).map((o) => o.id));
      expect(b.valid.every((id) => ids.has(id))).toBe(true);
    });

    it('takes an API token with write scope, and refuses read-only tokens, observers, other groups and wrong TLPs before reading', async () => {
      const body = JSON.stringify({ type: 'bundle', id: 'bundle--6f1b6c3e-4f5d-4a0e-9e1c-2b3a4c5d6e7f', objects: [indicator()] });
      const viaToken = await w.hub.withToken(w.tokenA, { method: 'POST', url: `/api/stix/imports?collection=${w.groupId}`, payload: body, headers: { 'content-type': 'application/stix+json;version=2.1' } });
      expect(viaToken.statusCode, viaToken.body).toBe(202);
      expect(viaToken.json().defaultTlp).toBe('amber');
      expect((await finished(w.analystA, viaToken.json().id)).successes).toBe(1);

      refused(await w.hub.withToken(w.readOnlyA, { method: 'POST', url: `/api/stix/imports?collection=${membersCollectionId}`, payload: body, headers: { 'content-type': 'application/json' } }), 403, 'SCOPE_INSUFFICIENT');
      refused(await w.hub.withToken(w.observerToken, { method: 'POST', url: `/api/stix/imports?collection=${membersCollectionId}`, payload: body, headers: { 'content-type': 'application/json' } }), 403, 'SCOPE_INSUFFICIENT');
      refused(await upload(w.analystC, body, `collection=${w.groupId}`), 404, 'NOT_FOUND');
      refused(await upload(w.analystA, body, `collection=${membersCollectionId}&tlp=red`), 400, 'TLP_WIDER_THAN_COLLECTION');
      refused(await upload(w.analystA, body, `collection=${publicCollectionId}&tlp=green`), 400, 'TLP_WIDER_THAN_COLLECTION');
      refused(await upload(w.analystA, body, `collection=${membersCollectionId}&tlp=purple`), 400, 'TLP_UNKNOWN');
      const noCsrf = await w.hub.app.inject({ method: 'POST', url: `/api/stix/imports?collection=${membersCollectionId}`, payload: body, headers: { 'content-type': 'application/json', cookie: `tocsin_session=${w.analystA.cookie}` } });
      refused(noCsrf, 403, 'CSRF_INVALID');

      const answer = (await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/collections' })).json();
      expect(answer.maxUploadBytes).toBe(limit);
      const choices = answer.items as Array<{ id: string; canWrite: boolean; allowedTlps: string[] }>;
      expect(choices.map((c) => c.id)).toEqual([publicCollectionId, membersCollectionId, w.groupId, w.orgA.id]);
      expect(choices.every((c) => c.canWrite)).toBe(true);
      expect(choices.find((c) => c.id === publicCollectionId)!.allowedTlps).toEqual(['clear']);
      expect(choices.find((c) => c.id === w.orgA.id)!.allowedTlps).toContain('red');
      expect(uploadsLeft()).toBe(0);
    });

    it('refuses empty, wrongly typed, non-JSON and oversized uploads with a clear 4xx and keeps nothing', async () => {
      const before = (await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/imports' })).json().items.length;
      const q = `collection=${membersCollectionId}`;
      refused(await upload(w.analystA, '', q), 400, 'STIX_IMPORT_EMPTY');
      refused(await upload(w.analystA, ' \n\t ', q), 400, 'STIX_IMPORT_EMPTY');
      refused(await upload(w.analystA, '{"objects":[]}', q, 'text/plain'), 415, 'STIX_IMPORT_UNSUPPORTED_TYPE');
      refused(await upload(w.analystA, '{"objects":[]}', q, 'multipart/form-data; boundary=x'), 415, 'STIX_IMPORT_UNSUPPORTED_TYPE');
      refused(await upload(w.analystA, '{"objects":[]}', q, null), 415, 'STIX_IMPORT_UNSUPPORTED_TYPE');
      const list = await upload(w.analystA, '[{"type":"indicator"}]', q);
      refused(list, 400, 'STIX_BUNDLE_INVALID');
      expect(list.json().message).toMatch(/JSON list, not a bundle/);
      refused(await upload(w.analystA, Buffer.from('%PDF-1.7\n%âãÏÓ\n'), q), 400, 'STIX_BUNDLE_INVALID');

      // over the limit: refused on the declared length, and on the bytes when there is none
      const big = Buffer.alloc(limit + 1, 0x20);
      big[0] = 0x7b;
      const declared = await upload(w.analystA, big, q);
      refused(declared, 413, 'STIX_IMPORT_TOO_LARGE');
      expect(declared.json().message).toContain(String(limit));
      refused(await upload(w.analystA, Readable.from([big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)]), q), 413, 'STIX_IMPORT_TOO_LARGE');

      expect((await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/imports' })).json().items.length).toBe(before);
      expect(uploadsLeft()).toBe(0);
    });

    it('fails a job whose JSON breaks midway, with the reason, keeping only the batches committed before', async () => {
      // About 1.7 MB of good objects (over one 1 MB read, so one batch of 1,000 commits first), then garbage.
      const b = await writeBundle({ count: 2400, padding: 400, closing: ',\n {"type": "indicator", "id": \u0000}\n]}' }, w.hub.config.dataDir);
      const res = await upload(w.analystB, readFileSync(b.file), `collection=${membersCollectionId}`);
      expect(res.statusCode, res.body).toBe(202);
      const done = await finished(w.analystB, res.json().id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/^The file is not a usable STIX bundle: malformed JSON between bytes \d+ and \d+ .* The 1 batch committed before that stay \(1000 objects: 1000 imported, 0 failed\); the \d+ objects read after them were not imported\./);
      expect(done.successes).toBe(1000);
      expect(done.objects).toBeGreaterThan(1000);
      const exported = await w.hub.as(w.analystB, { method: 'GET', url: '/api/stix/export?collection=members&versions=all' });
      const ids = new Set((exported.json().objects as Array<{ id: string }>).map((o) => o.id));
      expect(b.valid.slice(0, 1000).every((id) => ids.has(id))).toBe(true);
      expect(b.valid.slice(1000).some((id) => ids.has(id))).toBe(false);
      expect(uploadsLeft()).toBe(0);
    });

    it('stops a running import after its batch when the hub shuts down, and says so in the job', async () => {
      const own = await createTestHub(dialect, {}, { workers: false });
      try {
        const org = await own.createOrg();
        const analyst = await own.createUser({ orgId: org.id, role: 'analyst' });
        const b = await writeBundle({ count: 6000, padding: 50 }, w.hub.config.dataDir);
        const res = await own.as(analyst, { method: 'POST', url: `/api/stix/imports?collection=${membersCollectionId}`, payload: readFileSync(b.file), headers: { 'content-type': 'application/json' } });
        expect(res.statusCode, res.body).toBe(202);
        // wait for the first committed batch, then shut down
        for (let i = 0; i < 600; i++) {
          const j = (await own.as(analyst, { method: 'GET', url: `/api/stix/imports/${res.json().id}` })).json<ImportJob>();
          if (j.successes > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await own.app.close();
        const row = await own.testStore.store.db.selectFrom('stix_imports').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
        expect(row.status).toBe('failed');
        expect(row.error).toMatch(/^The import stopped: the hub was shut down\. The \d+ batch(es)? committed before that stay/);
        expect(Number(row.successes)).toBeGreaterThan(0);
        expect(Number(row.successes)).toBeLessThan(6000);
        expect(readdirSync(uploadDir(own.config.dataDir))).toEqual([]);
      } finally {
        await own.testStore.cleanup();
      }
    });

    it('reports a job its process abandoned as failed, and refuses bad export filters before streaming', async () => {
      const old = new Date(Date.now() - 3600_000).toISOString();
      const id = '0b7f5a57-6a43-4a4f-9c7e-1f9c0f4f8a11';
      await insertImport(w.hub.app.ctx.db, { id, orgId: w.orgA.id, userId: w.analystA.id, collectionId: membersCollectionId, collectionTitle: 'All members', defaultTlp: 'green', fileName: null, totalBytes: 10, at: old });
      const j = await job(w.analystA, id);
      expect(j.status).toBe('failed');
      expect(j.error).toMatch(/hub stopped during this import/);

      refused(await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/export?collection=members&type=Bad%20Type' }), 400, 'VALIDATION_FAILED');
      refused(await w.hub.as(w.analystA, { method: 'GET', url: '/api/stix/export?collection=members&since=soon' }), 400, 'VALIDATION_FAILED');
      refused(await w.hub.as(w.analystC, { method: 'GET', url: `/api/stix/export?collection=${w.groupId}` }), 404, 'NOT_FOUND');
      refused(await w.hub.withToken(w.tokenA, { method: 'GET', url: '/api/stix/imports/not-a-uuid' }), 400, 'VALIDATION_FAILED');
    });
  });
}
