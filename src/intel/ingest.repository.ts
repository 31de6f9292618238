// Writing observables and their mentions. An observable is stored once per (type, value);
// each source that mentions it has one mention row with its own envelope and lifecycle.
// Built for bulk: one statement per batch for observables, one for new mentions, and — when
// the caller knows the source's current state (a feed re-import) — nothing at all for
// values that did not change.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import { ipRangeOf } from './ip-range.js';
import type { WarningListMatcher } from './warning-lists.js';

export type SourceKind = 'feed' | 'warning' | 'stix';
export type MentionStatus = 'active' | 'expired' | 'withdrawn' | 'revoked';

export interface MentionInput {
  /**
   * The source, when one batch carries several (each STIX indicator is its own source);
   * defaults to the options' sourceId. Not with a `known` map, which is one source's.
   */
  sourceId?: string | undefined;
  type: IndicatorType;
  /** canonical form (normaliseObservable) */
  value: string;
  shareId: string;
  /** defaults to now */
  firstSeen?: string | undefined;
  /** null: the source is a feed that still lists it (its last success stands in) */
  lastSeen?: string | null | undefined;
  validUntil?: string | null | undefined;
  confidence?: number | null | undefined;
  comment?: string | null | undefined;
}

/** What a source already says about a value: enough to tell "unchanged" without a query. */
export interface KnownMention {
  observableId: number;
  signature: string;
}

export interface IngestOptions {
  sourceKind: SourceKind;
  sourceId: string;
  now: string;
  matcher: WarningListMatcher;
  /** mention_count above which an observable is flagged ubiquitous */
  correlationLimit: number;
  /**
   * The complete current state of this source's mentions, keyed by observableKey (a feed
   * loads it once per run): a key absent here is a new mention. Updated in place.
   */
  known?: Map<string, KnownMention> | undefined;
}

export interface TouchedObservable {
  /** the mention's source (the options' sourceId unless the input named its own) */
  sourceId: string;
  observableId: number;
  type: IndicatorType;
  value: string;
  shareId: string;
  /** first mention of this value by this source */
  isNew: boolean;
  /** on a warning list (never alerts) */
  warningList: string | null;
}

export interface IngestResult {
  created: number;
  updated: number;
  unchanged: number;
  /** new and changed mentions, for correlation and watchlists */
  touched: TouchedObservable[];
}

export function observableKey(type: string, value: string): string {
  return `${type}\u0000${value}`;
}

export function mentionSignature(m: { share_id: string; valid_until: string | null; confidence: number | null; comment: string | null; status: string }): string {
  return `${m.share_id}|${m.valid_until ?? ''}|${m.confidence ?? ''}|${m.comment ?? ''}|${m.status}`;
}

const batchSize = 400;

/** Write a batch of mentions from one source. Run inside the caller's transaction. */
export async function ingestMentions(db: Kysely<Database>, inputs: readonly MentionInput[], opts: IngestOptions): Promise<IngestResult> {
  const result: IngestResult = { created: 0, updated: 0, unchanged: 0, touched: [] };
  // The last word on a value within one batch wins; PostgreSQL refuses to upsert a key twice.
  if (opts.known && inputs.some((m) => m.sourceId !== undefined && m.sourceId !== opts.sourceId)) throw new RangeError('a known map describes one source');
  const byKey = new Map<string, MentionInput>();
  for (const m of inputs) byKey.set(`${m.sourceId ?? opts.sourceId}\u0001${observableKey(m.type, m.value)}`, m);
  const all = [...byKey.entries()];
  for (let i = 0; i < all.length; i += batchSize) await ingestBatch(db, all.slice(i, i + batchSize), opts, result);
  return result;
}

interface Prepared {
  /** observableKey */
  key: string;
  sourceId: string;
  input: MentionInput;
  row: { share_id: string; valid_until: string | null; confidence: number | null; comment: string | null; status: string };
  signature: string;
}

async function ingestBatch(db: Kysely<Database>, entries: Array<[string, MentionInput]>, opts: IngestOptions, result: IngestResult): Promise<void> {
  const prepared: Prepared[] = entries.map(([, input]) => {
    const row = { share_id: input.shareId, valid_until: input.validUntil ?? null, confidence: input.confidence ?? null, comment: input.comment ?? null, status: 'active' };
    return { key: observableKey(input.type, input.value), sourceId: input.sourceId ?? opts.sourceId, input, row, signature: mentionSignature(row) };
  });

  const ids = new Map<string, { id: number; warningList: string | null }>();
  let fresh: Prepared[];
  let changed: Prepared[];
  if (opts.known) {
    fresh = [];
    changed = [];
    for (const p of prepared) {
      const k = opts.known.get(p.key);
      if (!k) fresh.push(p);
      else if (k.signature !== p.signature) changed.push(p);
      else result.unchanged += 1;
    }
    // New mentions count towards the observable in the same statement that creates it.
    for (const [key, v] of await upsertObservables(db, fresh, opts, true)) ids.set(key, v);
    if (changed.length) for (const [key, v] of await upsertObservables(db, changed, opts, false)) ids.set(key, v);
  } else {
    for (const [key, v] of await upsertObservables(db, prepared, opts, false)) ids.set(key, v);
    const sources = [...new Set(prepared.map((p) => p.sourceId))];
    const existing = await db
      .selectFrom('mentions')
      .select(['source_id', 'observable_id', 'share_id', 'valid_until', 'confidence', 'comment', 'status'])
      .where('source_id', 'in', sources)
      .where(
        'observable_id',
        'in',
        [...ids.values()].map((v) => v.id),
      )
      .execute();
    const sigOf = new Map(existing.map((m) => [`${m.source_id}\u0001${m.observable_id}`, mentionSignature(m)]));
    fresh = [];
    changed = [];
    for (const p of prepared) {
      const sig = sigOf.get(`${p.sourceId}\u0001${ids.get(p.key)!.id}`);
      if (sig === undefined) fresh.push(p);
      else if (sig !== p.signature) changed.push(p);
      else result.unchanged += 1;
    }
    if (fresh.length) await countMentions(db, fresh.map((p) => ids.get(p.key)!.id), opts.correlationLimit);
  }

  if (fresh.length) {
    await db
      .insertInto('mentions')
      .values(
        fresh.map((p) => ({
          source_id: p.sourceId,
          observable_id: ids.get(p.key)!.id,
          source_kind: opts.sourceKind,
          ...p.row,
          first_seen: p.input.firstSeen ?? opts.now,
          last_seen: p.input.lastSeen === undefined ? opts.now : p.input.lastSeen,
          created_at: opts.now,
        })),
      )
      .execute();
  }
  for (const p of changed) {
    await db
      .updateTable('mentions')
      .set({ ...p.row, ...(p.input.lastSeen !== undefined ? { last_seen: p.input.lastSeen } : { last_seen: opts.now }) })
      .where('source_id', '=', p.sourceId)
      .where('observable_id', '=', ids.get(p.key)!.id)
      .execute();
  }
  for (const [list, isNew] of [
    [fresh, true],
    [changed, false],
  ] as const) {
    for (const p of list) {
      const o = ids.get(p.key)!;
      opts.known?.set(p.key, { observableId: o.id, signature: p.signature });
      result.touched.push({ sourceId: p.sourceId, observableId: o.id, type: p.input.type, value: p.input.value, shareId: p.input.shareId, isNew, warningList: o.warningList });
    }
  }
  result.created += fresh.length;
  result.updated += changed.length;
}

/** Insert or refresh observables; returns key → id. `countNew`: each row is a new mention. */
async function upsertObservables(db: Kysely<Database>, rows: Prepared[], opts: IngestOptions, countNew: boolean): Promise<Map<string, { id: number; warningList: string | null }>> {
  const out = new Map<string, { id: number; warningList: string | null }>();
  if (rows.length === 0) return out;
  const pg = dialectOf(db) === 'postgres';
  const later = pg ? sql<string>`greatest(observables.last_seen, excluded.last_seen)` : sql<string>`max(observables.last_seen, excluded.last_seen)`;
  // One row per observable (several sources in one batch may name it); each new mention counts.
  const mentionsOf = new Map<string, number>();
  const unique: Prepared[] = [];
  for (const p of rows) {
    const n = mentionsOf.get(p.key);
    if (n === undefined) unique.push(p);
    mentionsOf.set(p.key, (n ?? 0) + 1);
  }
  const limit = opts.correlationLimit;
  const values = unique.map((p) => {
    const range = ipRangeOf(p.input.type, p.input.value);
    const seen = p.input.lastSeen ?? opts.now;
    return {
      type: p.input.type,
      value: p.input.value,
      ip_from: range?.from ?? null,
      ip_to: range?.to ?? null,
      first_seen: p.input.firstSeen && p.input.firstSeen < seen ? p.input.firstSeen : seen,
      last_seen: seen,
      mention_count: countNew ? mentionsOf.get(p.key)! : 0,
      ubiquitous: countNew && mentionsOf.get(p.key)! > limit ? 1 : 0,
      warning_list: opts.matcher.match(p.input.type, p.input.value),
      created_at: opts.now,
    };
  });
  const returned = await db
    .insertInto('observables')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['type', 'value']).doUpdateSet((eb) => ({
        last_seen: later,
        warning_list: eb.ref('excluded.warning_list'),
        ...(countNew
          ? {
              mention_count: sql<number>`observables.mention_count + excluded.mention_count`,
              ubiquitous: sql<number>`case when observables.mention_count + excluded.mention_count > ${limit} then 1 else observables.ubiquitous end`,
            }
          : {}),
      })),
    )
    .returning(['id', 'type', 'value', 'warning_list'])
    .execute();
  for (const r of returned) out.set(observableKey(r.type, r.value), { id: r.id, warningList: r.warning_list });
  return out;
}

/** One more mention for each id (an id listed twice, by two sources of one batch, gets two). */
async function countMentions(db: Kysely<Database>, ids: number[], limit: number): Promise<void> {
  const times = new Map<number, number>();
  for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
  const byCount = new Map<number, number[]>();
  for (const [id, n] of times) byCount.set(n, [...(byCount.get(n) ?? []), id]);
  for (const [n, group] of byCount) {
    await db
      .updateTable('observables')
      .set({
        mention_count: sql<number>`mention_count + ${n}`,
        ubiquitous: sql<number>`case when mention_count + ${n} > ${limit} then 1 else ubiquitous end`,
      })
      .where('id', 'in', group)
      .execute();
  }
}

/** The current mentions of one source, for a feed run's change detection. */
export async function loadKnownMentions(db: Kysely<Database>, sourceId: string): Promise<Map<string, KnownMention>> {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('observables', 'observables.id', 'mentions.observable_id')
    .select(['observables.type', 'observables.value', 'mentions.observable_id', 'mentions.share_id', 'mentions.valid_until', 'mentions.confidence', 'mentions.comment', 'mentions.status'])
    .where('mentions.source_id', '=', sourceId)
    .execute();
  const known = new Map<string, KnownMention>();
  for (const r of rows) known.set(observableKey(r.type, r.value), { observableId: r.observable_id, signature: mentionSignature(r) });
  return known;
}

/**
 * Retire a source's active mentions that are not in `keep` (observable ids): a feed's values
 * that vanished, a warning's indicators after an edit. Returns how many were retired.
 */
export async function retireMentions(db: Kysely<Database>, sourceId: string, opts: { keep?: ReadonlySet<number>; status: Exclude<MentionStatus, 'active'>; at: string }): Promise<number[]> {
  const active = await db.selectFrom('mentions').select('observable_id').where('source_id', '=', sourceId).where('status', '=', 'active').execute();
  const gone = active.map((r) => r.observable_id).filter((id) => !opts.keep?.has(id));
  for (let i = 0; i < gone.length; i += 500) {
    await db
      .updateTable('mentions')
      .set({ status: opts.status, last_seen: sql`coalesce(last_seen, ${opts.at})` })
      .where('source_id', '=', sourceId)
      .where('observable_id', 'in', gone.slice(i, i + 500))
      .execute();
  }
  return gone;
}

/**
 * retireMentions for many sources at once (the STIX objects of one TAXII request): each
 * source's active mentions of values not in its keep set (observableKey). Returns how many.
 */
export async function retireMentionsOf(db: Kysely<Database>, keep: ReadonlyMap<string, ReadonlySet<string>>, opts: { status: Exclude<MentionStatus, 'active'>; at: string }): Promise<number> {
  const sources = [...keep.keys()];
  let retired = 0;
  for (let i = 0; i < sources.length; i += 500) {
    const active = await db
      .selectFrom('mentions')
      .innerJoin('observables', 'observables.id', 'mentions.observable_id')
      .select(['mentions.source_id', 'mentions.observable_id', 'observables.type', 'observables.value'])
      .where('mentions.source_id', 'in', sources.slice(i, i + 500))
      .where('mentions.status', '=', 'active')
      .execute();
    const gone = new Map<string, number[]>();
    for (const r of active) if (!keep.get(r.source_id)?.has(observableKey(r.type, r.value))) gone.set(r.source_id, [...(gone.get(r.source_id) ?? []), r.observable_id]);
    for (const [sourceId, ids] of gone) {
      await db
        .updateTable('mentions')
        .set({ status: opts.status, last_seen: sql`coalesce(last_seen, ${opts.at})` })
        .where('source_id', '=', sourceId)
        .where('observable_id', 'in', ids)
        .execute();
      retired += ids.length;
    }
  }
  return retired;
}
