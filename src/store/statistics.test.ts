// Planner statistics after bulk writes: refreshed on PostgreSQL when a write is large both in
// rows and against the table as last counted, never on SQLite, and never for a small write.
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { afterBulkWrite } from './statistics.js';

const log = pino({ level: 'silent' });

for (const dialect of dialects) {
  describe(`afterBulkWrite [${dialect}]`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await createTestStore(dialect);
    });
    afterAll(async () => store?.cleanup());

    const reltuples = async () => Number((await sql<{ n: number }>`select reltuples as n from pg_class where relname = 'hub_settings'`.execute(store.store.db)).rows[0]!.n);
    const insert = (from: number, to: number) =>
      dialect === 'postgres'
        ? sql`insert into hub_settings (key, value, updated_at) select 'k' || g, 'v', '2026-01-01T00:00:00.000Z' from generate_series(${from}::int, ${to}::int) g`.execute(store.store.db)
        : sql`with recursive g(n) as (select ${from} union all select n + 1 from g where n < ${to}) insert into hub_settings (key, value, updated_at) select 'k' || n, 'v', '2026-01-01T00:00:00.000Z' from g`.execute(store.store.db);

    it('leaves small writes, and SQLite, alone; refreshes a large write into a small table', async () => {
      const ctx = { db: store.store.db, log };
      await insert(1, 20_000);
      expect(await afterBulkWrite(ctx, 9_999, ['hub_settings'])).toBe(false);
      if (dialect === 'sqlite') {
        expect(await afterBulkWrite(ctx, 20_000, ['hub_settings'])).toBe(false);
        return;
      }
      expect(await reltuples()).toBeLessThanOrEqual(0);
      expect(await afterBulkWrite(ctx, 20_000, ['hub_settings'])).toBe(true);
      expect(await reltuples()).toBeGreaterThan(15_000);
    });

    it.runIf(dialect === 'postgres')('skips a write that is a small part of a large table, as autovacuum would', async () => {
      const ctx = { db: store.store.db, log };
      await insert(20_001, 220_000);
      expect(await afterBulkWrite(ctx, 200_000, ['hub_settings'])).toBe(true);
      expect(await reltuples()).toBeGreaterThan(180_000);
      // 10,000 more rows into ~220,000: under a tenth, the statistics still hold.
      expect(await afterBulkWrite(ctx, 10_000, ['hub_settings'])).toBe(false);
      expect(await afterBulkWrite(ctx, 30_000, ['hub_settings'])).toBe(true);
    });
  });
}
