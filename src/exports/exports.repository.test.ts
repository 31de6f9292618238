// Walking the exportable observables on both dialects: every qualifying value exactly once, in
// id order, however the qualifying ones are spread among the rest and wherever a window or the
// caller's limit ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMentions } from '../intel/ingest.repository.js';
import { loadWarningListMatcher, seedWarningLists } from '../intel/warning-lists.js';
import { insertShare } from '../sharing/shares.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { exportWindow, maxObservableId, type ItemFilter } from './exports.repository.js';
import { exportPages } from './items.js';

const now = '2026-12-01T00:00:00.000Z';

describe.each(dialects)('exportable pages (%s)', (dialect) => {
  let t: TestStore;
  const expected: string[] = [];

  beforeAll(async () => {
    t = await createTestStore(dialect);
    const db = t.store.db;
    await seedWarningLists(db, now);
    const matcher = await loadWarningListMatcher(db);
    const rule = (tlp: 'green' | 'amber') => ({ tlp, audienceKind: 'members' as const, producerOrgId: null, audienceOrgIds: [], audienceGroupIds: [], anonymous: false });
    const green = (await insertShare(db, rule('green'), { userId: null, publicLabel: null }, now)).id;
    const amber = (await insertShare(db, rule('amber'), { userId: null, publicLabel: null }, now)).id;
    // 5,000 addresses in id order; one in seven qualifies (green), the rest only through amber,
    // which the filter below leaves out: more than two candidate batches of 2,000.
    const inputs = Array.from({ length: 5000 }, (_, i) => ({ type: 'ipv4' as const, value: `45.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, shareId: i % 7 === 3 ? green : amber }));
    for (let i = 0; i < inputs.length; i += 1000) {
      await db.transaction().execute((trx) => ingestMentions(trx, inputs.slice(i, i + 1000), { sourceKind: 'feed', sourceId: 'feed-paging', now, matcher, correlationLimit: 50 }));
    }
    const rows = await db.selectFrom('observables').select(['id', 'value']).orderBy('id').execute();
    const greenValues = new Set(inputs.filter((x) => x.shareId === green).map((x) => x.value));
    for (const r of rows) if (greenValues.has(r.value)) expected.push(r.value);
  });
  afterAll(() => t.cleanup());

  it('returns every qualifying value once, in id order, in pages of any size', async () => {
    const filter: ItemFilter = {
      reader: { orgId: 'org-reader', groupIds: new Set(), isOperator: false, anonymous: false },
      now,
      types: ['ipv4'],
      tlps: ['clear', 'green'],
      minConfidence: 0,
      seenSince: null,
      createdSince: null,
      sourceKinds: null,
      feedIds: null,
      groupIds: null,
      sightedOnly: false,
    };
    expect(expected.length).toBe(714);
    // The windows the exporter walks: whole, and cut short by a limit.
    const walk = async (limit?: number) => {
      const seen: string[] = [];
      let lastId = -1;
      for await (const page of exportPages(t.store.db, filter, { hubUrl: 'https://hub.example', ...(limit !== undefined ? { limit } : {}) })) {
        for (const item of page) {
          expect(item.id).toBeGreaterThan(lastId);
          lastId = item.id;
          seen.push(item.value);
        }
      }
      return seen;
    };
    expect(await walk()).toEqual(expected);
    expect(await walk(97)).toEqual(expected.slice(0, 97));
    // Arbitrary windows agree with the walk: a value is in the window of its id, once per qualifying mention.
    const top = await maxObservableId(t.store.db);
    const odd: string[] = [];
    for (let after = 0; after < top; after += 333) for (const r of await exportWindow(t.store.db, filter, after, after + 333)) odd.push(r.value);
    expect(odd).toEqual(expected);
    // Nothing qualifies for another type: empty windows, not an endless walk.
    expect(await exportWindow(t.store.db, { ...filter, types: ['domain'] }, 0, top)).toEqual([]);
  });
});
