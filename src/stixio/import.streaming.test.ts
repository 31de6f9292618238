// A 20 MB bundle imports as a stream: batches commit while most of the file is still unread,
// progress climbs steadily, and every object arrives — on both dialects.
import { createReadStream, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../orgs/actor.js';
import { createTestHub, dialects, type TestHub } from '../test/harness.js';
import { writeBundle, type GeneratedBundle } from '../test/stix-bundles.js';
import { importBundle, type ImportProgress } from './import.service.js';
import { resolveCollection } from './target.js';
import { exportBundle } from './export.service.js';

for (const dialect of dialects) {
  describe(`streaming import of a 20 MB bundle [${dialect}]`, () => {
    let hub: TestHub;
    let big: GeneratedBundle;
    beforeAll(async () => {
      hub = await createTestHub(dialect, {}, { workers: false });
      // 8,000 objects of about 2.6 KB each, one in 400 invalid
      big = await writeBundle({ count: 8000, invalidEvery: 400, padding: 2500 });
    });
    afterAll(async () => {
      await hub?.close();
      if (big) rmSync(path.dirname(big.file), { recursive: true, force: true });
    });

    it('commits batch after batch while reading, and imports every valid object', async () => {
      expect(big.bytes).toBeGreaterThan(20 * 1024 * 1024);
      const ctx = hub.app.ctx;
      const actor = cliActor();
      const collection = await resolveCollection(ctx, actor, 'members');
      const atBatch: ImportProgress[] = [];
      const outcome = await importBundle(ctx, actor, {
        source: createReadStream(big.file, { highWaterMark: 1 << 20 }),
        collection,
        onProgress: (p, phase) => {
          if (phase === 'batch') atBatch.push(p);
        },
      });
      expect(outcome.error).toBeNull();
      expect(outcome).toMatchObject({ complete: true, bytes: big.bytes, objects: 8000, successes: 8000 - 20, failures: 20, batches: 8 });
      // Streaming: the first batch was stored when only a small part of the file had been read.
      expect(atBatch).toHaveLength(8);
      expect(atBatch[0]!.bytes).toBeLessThan(big.bytes / 4);
      for (let i = 1; i < atBatch.length; i++) expect(atBatch[i]!.bytes).toBeGreaterThanOrEqual(atBatch[i - 1]!.bytes);
      // The import keeps its own record: no TAXII status resources listing 8,000 objects.
      expect(await ctx.db.selectFrom('taxii_status').select('id').execute()).toEqual([]);

      // Everything valid is there, exported as a stream too.
      const counter = { objects: 0 };
      const seen = new Set<string>();
      let text = '';
      for await (const chunk of exportBundle(ctx, actor, { collection, types: ['indicator'] }, counter)) {
        text += chunk;
        for (const m of chunk.matchAll(/"id":"(indicator--[0-9a-f-]{36})"/g)) seen.add(m[1]!);
      }
      const wanted = big.valid.filter((id) => id.startsWith('indicator--'));
      expect(wanted.every((id) => seen.has(id))).toBe(true);
      expect(counter.objects).toBe(wanted.length);
      expect((JSON.parse(text) as { objects: unknown[] }).objects).toHaveLength(wanted.length);
    });
  });
}
