// The intel store on both dialects: one observable however many sources mention it, change
// detection with and without a source's known state, retirement of vanished values,
// ubiquity past the correlation limit, and warning-list marking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceShares } from '../sharing/reference-shares.js';
import { createTestStore, dialects, type TestStore } from '../test/harness.js';
import { ingestMentions, KnownMentions, loadKnownMentions, observableKey, retireMentions, type MentionInput } from './ingest.repository.js';
import { loadWarningListMatcher, seedWarningLists, type WarningListMatcher } from './warning-lists.js';

const now = '2026-12-01T00:00:00.000Z';

describe.each(dialects)('intel ingest (%s)', (dialect) => {
  let t: TestStore;
  let matcher: WarningListMatcher;
  const opts = (sourceId: string, extra = {}) => ({ sourceKind: 'feed' as const, sourceId, now, matcher, correlationLimit: 2, ...extra });
  const m = (value: string, extra: Partial<MentionInput> = {}): MentionInput => ({ type: 'ipv4', value, shareId: referenceShares.members, ...extra });

  beforeAll(async () => {
    t = await createTestStore(dialect);
    await seedWarningLists(t.store.db, now);
    matcher = await loadWarningListMatcher(t.store.db);
  });
  afterAll(() => t.cleanup());

  it('stores a value once across sources and counts its mentions', async () => {
    const db = t.store.db;
    const a = await db.transaction().execute((trx) => ingestMentions(trx, [m('45.9.20.1'), m('45.9.20.2'), m('45.9.20.1', { comment: 'dup' })], opts('src-a')));
    expect(a).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const b = await db.transaction().execute((trx) => ingestMentions(trx, [m('45.9.20.1')], opts('src-b')));
    expect(b.created).toBe(1);
    const rows = await db.selectFrom('observables').selectAll().where('value', 'like', '45.9.20.%').orderBy('value').execute();
    expect(rows.map((r) => [r.value, r.mention_count, r.ubiquitous])).toEqual([
      ['45.9.20.1', 2, 0],
      ['45.9.20.2', 1, 0],
    ]);
    expect(rows[0]!.ip_from).toBe('00000000000000000000ffff2d091401');
    // the batch's last word on a duplicate value wins
    const mention = await db.selectFrom('mentions').selectAll().where('source_id', '=', 'src-a').where('observable_id', '=', rows[0]!.id).executeTakeFirstOrThrow();
    expect(mention.comment).toBe('dup');
  });

  it('tells new, changed and unchanged apart, with or without the known state', async () => {
    const db = t.store.db;
    const again = await ingestMentions(db, [m('45.9.20.1', { comment: 'dup' }), m('45.9.20.2', { confidence: 80 }), m('45.9.20.3')], opts('src-a'));
    expect(again).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    const known = await loadKnownMentions(db, 'src-a');
    expect(known.size).toBe(3);
    const fast = await ingestMentions(db, [m('45.9.20.1', { comment: 'dup' }), m('45.9.20.2', { confidence: 90 }), m('45.9.20.4')], opts('src-a', { known }));
    expect(fast).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(known.has(observableKey('ipv4', '45.9.20.4'))).toBe(true);
    const third = await db.selectFrom('observables').select(['mention_count', 'ubiquitous']).where('value', '=', '45.9.20.1').executeTakeFirstOrThrow();
    expect(third.mention_count).toBe(2);
  });

  it('flags a value ubiquitous past the correlation limit', async () => {
    const db = t.store.db;
    await ingestMentions(db, [m('45.9.20.1')], opts('src-c'));
    const row = await db.selectFrom('observables').select(['mention_count', 'ubiquitous']).where('value', '=', '45.9.20.1').executeTakeFirstOrThrow();
    expect(row).toEqual({ mention_count: 3, ubiquitous: 1 });
  });

  it('retires what a source no longer lists, and revives it when it returns', async () => {
    const db = t.store.db;
    const keep = await db.selectFrom('observables').select('id').where('value', 'in', ['45.9.20.1', '45.9.20.2']).execute();
    const gone = await retireMentions(db, 'src-a', { keep: new Set(keep.map((k) => k.id)), status: 'expired', at: now });
    expect(gone).toHaveLength(2);
    const statuses = await db.selectFrom('mentions').innerJoin('observables', 'observables.id', 'mentions.observable_id').select(['value', 'status']).where('source_id', '=', 'src-a').orderBy('value').execute();
    expect(statuses.map((s) => s.status)).toEqual(['active', 'active', 'expired', 'expired']);
    const back = await ingestMentions(db, [m('45.9.20.3')], opts('src-a'));
    expect(back.updated).toBe(1);
  });

  it('marks values on warning lists, and members’ own assets', async () => {
    const db = t.store.db;
    await ingestMentions(db, [m('10.1.2.3'), m('8.8.8.8'), m('104.16.1.1'), m('google.com', { type: 'domain' }), m('docs.google.com', { type: 'domain' }), m('8.8.8.0/24', { type: 'cidr' })], opts('src-w'));
    const rows = await db.selectFrom('observables').select(['value', 'warning_list']).where('value', 'in', ['10.1.2.3', '8.8.8.8', '104.16.1.1', 'google.com', 'docs.google.com', '8.8.8.0/24']).execute();
    expect(Object.fromEntries(rows.map((r) => [r.value, r.warning_list]))).toEqual({
      '10.1.2.3': 'special-ranges',
      '8.8.8.8': 'public-resolvers',
      '104.16.1.1': 'cdn-ranges',
      'google.com': 'popular-domains',
      'docs.google.com': null,
      '8.8.8.0/24': 'public-resolvers',
    });
  });
});

describe('observableKey', () => {
  it('gives every (type, value) a key of its own, packed or not', () => {
    const pairs: Array<[string, string]> = [
      ['ipv4', '1.2.3.4'],
      ['ipv4', '1.2.3.40'],
      ['ipv4', '0.0.0.0'],
      ['ipv4', '255.255.255.255'],
      // not canonical: never packed, so never the same key as the canonical form
      ['ipv4', '01.2.3.4'],
      ['ipv4', '1.2.3.4.5'],
      ['ipv4', '256.1.1.1'],
      ['ipv4', '1.2.3'],
      ['ipv4', '1..2.3'],
      ['ipv6', '1.2.3.4'],
      ['domain', '1.2.3.4'],
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['md5', 'D41D8CD98F00B204E9800998ECF8427E'],
      ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
      ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd8070'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['sha256', 'zzb0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['url', 'http://1.2.3.4/'],
    ];
    const keys = pairs.map(([t, v]) => observableKey(t, v));
    expect(new Set(keys).size).toBe(pairs.length);
    // Stable: the same pair, the same key.
    expect(pairs.map(([t, v]) => observableKey(t, v))).toEqual(keys);
    // Packed forms are short: four bytes of address, half the hex of a hash (plus a type code).
    expect(observableKey('ipv4', '255.255.255.255')).toHaveLength(5);
    expect(observableKey('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toHaveLength(21);
    expect(observableKey('ipv4', '01.2.3.4')).toBe('ipv4\u000001.2.3.4');
  });

  it('never packs two different addresses into one key (every octet, every position)', () => {
    const values = new Set<string>();
    for (let o = 0; o < 256; o++) for (const v of [`${o}.0.0.1`, `1.${o}.0.0`, `1.0.${o}.0`, `1.0.0.${o}`]) values.add(v);
    const keys = new Set([...values].map((v) => observableKey('ipv4', v)));
    expect(keys.size).toBe(values.size);
    expect([...keys].every((k) => k.length === 5)).toBe(true);
  });
});

describe('KnownMentions', () => {
  it('keeps id, signature and the listed mark exactly, past the packed signatures and for large ids', () => {
    const known = new KnownMentions();
    const want = new Map<string, { observableId: number; signature: string; listed: boolean }>();
    for (let i = 0; i < 300; i++) {
      // 100 signatures (more than are packed), ids up to past 2^40
      const m = { observableId: i % 3 === 0 ? 2 ** 40 + i : i + 1, signature: `share|${i % 100}` };
      const listed = i % 2 === 0;
      known.set(observableKey('ipv4', `10.0.${i >> 8}.${i & 255}`), m, listed);
      want.set(observableKey('ipv4', `10.0.${i >> 8}.${i & 255}`), { ...m, listed });
    }
    expect(known.size).toBe(300);
    expect(known.listedCount).toBe(150);
    for (const [key, w] of want) {
      expect(known.get(key)).toEqual({ observableId: w.observableId, signature: w.signature });
      expect(known.isListed(key)).toBe(w.listed);
    }
    const unlisted = [...want.values()].filter((w) => !w.listed).map((w) => w.observableId);
    expect(known.unlistedIds().sort()).toEqual(unlisted.sort());
    // Marking is idempotent and survives a change of signature.
    const first = [...want.keys()][1]!;
    known.markListed(first);
    known.markListed(first);
    known.set(first, { observableId: 7, signature: 'changed' });
    expect(known.isListed(first)).toBe(true);
    expect(known.listedCount).toBe(151);
    expect(known.get(first)).toEqual({ observableId: 7, signature: 'changed' });
    expect(known.isListed(observableKey('ipv4', '192.0.2.1'))).toBe(false);
  });
});
