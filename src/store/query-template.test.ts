// Query templates on both dialects: the answer is the builder's answer whatever the values,
// each list length and each null is a shape of its own, and a build that computes with a
// value (instead of passing it to the query) fails loudly rather than caching a wrong query.
// On PostgreSQL the shape is a named statement the connection keeps.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { runTemplate, templateShapeCount } from './query-template.js';

describe.each(dialects)('query templates (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
    const now = '2026-12-01T00:00:00.000Z';
    await t.store.db
      .insertInto('hub_settings')
      .values(['a', 'b', 'c', 'd'].map((k, i) => ({ key: `qt.${k}`, value: String(i), updated_at: now })))
      .execute();
  });
  afterAll(() => t.cleanup());

  const byKeys = (keys: readonly string[], min: string | null) =>
    runTemplate(t.store.db, 'test settings', { keys, min }, (v) => {
      const db = t.store.db;
      let q = db.selectFrom('hub_settings').select(['key', 'value']).where('key', 'in', v.keys).orderBy('key');
      if (v.min !== null) q = q.where('value', '>=', v.min);
      return q;
    });

  it('answers as the builder does, for new values in a shape it has seen', async () => {
    expect(await byKeys(['qt.a', 'qt.c'], null)).toEqual([
      { key: 'qt.a', value: '0' },
      { key: 'qt.c', value: '2' },
    ]);
    const shapes = templateShapeCount();
    // Same shape (two keys, no minimum), other values: no new shape, the new values bound.
    expect(await byKeys(['qt.b', 'qt.d'], null)).toEqual([
      { key: 'qt.b', value: '1' },
      { key: 'qt.d', value: '3' },
    ]);
    expect(templateShapeCount()).toBe(shapes);
  });

  it('keeps a shape per list length and per null', async () => {
    expect((await byKeys(['qt.a', 'qt.b', 'qt.c'], null)).map((r) => r.key)).toEqual(['qt.a', 'qt.b', 'qt.c']);
    expect((await byKeys(['qt.a', 'qt.b', 'qt.c'], '1')).map((r) => r.key)).toEqual(['qt.b', 'qt.c']);
    expect((await byKeys(['qt.a', 'qt.b', 'qt.c'], null)).map((r) => r.key)).toEqual(['qt.a', 'qt.b', 'qt.c']);
    expect((await byKeys(['qt.d'], '0')).map((r) => r.key)).toEqual(['qt.d']);
  });

  it.runIf(dialect === 'postgres')('has PostgreSQL keep a template prepared, planned once per connection', async () => {
    await t.store.db.transaction().execute(async (trx) => {
      const run = (key: string) => runTemplate(trx, 'test settings (prepared)', { key }, (v) => trx.selectFrom('hub_settings').select('value').where('key', '=', v.key));
      expect(await run('qt.b')).toEqual([{ value: '1' }]);
      expect(await run('qt.c')).toEqual([{ value: '2' }]);
      const held = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx);
      const mine = held.rows.filter((r) => r.name.startsWith('tocsin_t') && r.statement.includes('"hub_settings"'));
      expect(mine.length).toBeGreaterThanOrEqual(1);
    });
  });

  it('refuses a build that computes with a value', async () => {
    await expect(
      runTemplate(t.store.db, 'test settings (bad)', { prefix: 'qt.' }, (v) =>
        t.store.db
          .selectFrom('hub_settings')
          .select('key')
          .where('key', 'like', `${v.prefix}%`),
      ),
    ).rejects.toThrow(/was used while building the query/);
    // SQL fragments of the shape itself are fine.
    const rows = await runTemplate(t.store.db, 'test settings (count)', { prefix: 'qt.%' }, (v) =>
      t.store.db
        .selectFrom('hub_settings')
        .select(sql<number>`count(*)`.as('n'))
        .where('key', 'like', v.prefix),
    );
    expect(Number(rows[0]!.n)).toBe(4);
  });
});
