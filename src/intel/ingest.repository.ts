// Writing observables and their mentions. An observable is stored once per (type, value);
// each source that mentions it has one mention row with its own envelope and lifecycle.
// Built for bulk: one statement per batch for observables, one for new mentions, and — when
// the caller knows the source's current state (a feed re-import) — nothing at all for
// values that did not change.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { IndicatorType } from '../stix/observables.js';
import { ipRangeOf } from './ip-range.js';
import type { WarningListMatcher } from './warning-lists.js';
import { addTo } from '../collections.js';
import { chunks } from './intel.repository.js';

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
   * loads it once per run): a key absent here is a new mention. Updated in place, and every
   * input (new, changed or unchanged) is marked listed in it.
   */
  known?: KnownMentions | undefined;
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

/**
 * A map key for one (type, value). A feed run holds one per value of the feed, so the common
 * fixed-shape types are packed: an IPv4 address into its four bytes, a hash into its bytes
 * (a one-byte string of half the hex length), behind a type code below any type name's first
 * letter. Only canonical values are packed (dotted decimal without leading zeros, lower-case
 * hex of the type's length), so the packing is one-to-one; anything else keeps `type NUL value`.
 * A 1,000,000-line list's keys took ~40 bytes a value instead of ~56, a SHA-1 list's ~40
 * instead of ~64, and the importing process's peak memory (a multiple of what is live) with it.
 */
export function observableKey(type: string, value: string): string {
  const packed = type === 'ipv4' ? packIpv4(value) : type === 'md5' ? packHex(2, value, 32) : type === 'sha1' ? packHex(3, value, 40) : type === 'sha256' ? packHex(4, value, 64) : null;
  if (packed !== null) return packed;
  const key = `${type}\u0000${value}`;
  // V8 builds the concatenation as a rope (a pair of pointers to both parts); reading one
  // character flattens it, and the collector then drops the rope.
  key.charCodeAt(0);
  return key;
}

const bytes: number[] = [];

function packIpv4(value: string): string | null {
  bytes.length = 0;
  bytes.push(1);
  let octet = -1;
  let digits = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || octet > 255 || bytes.length > 4) return null;
      bytes.push(octet);
      octet = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // A leading zero ("01") is not canonical.
      if (octet === 0) return null;
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      digits += 1;
      if (digits > 3) return null;
    } else return null;
  }
  return bytes.length === 5 ? String.fromCharCode(...bytes) : null;
}

function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
}

function packHex(code: number, value: string, length: number): string | null {
  if (value.length !== length) return null;
  bytes.length = 0;
  bytes.push(code);
  for (let i = 0; i < length; i += 2) {
    const hi = hexDigit(value.charCodeAt(i));
    const lo = hexDigit(value.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return null;
    bytes.push(hi * 16 + lo);
  }
  return String.fromCharCode(...bytes);
}

export function mentionSignature(m: { share_id: string; valid_until: string | null; confidence: number | null; comment: string | null; status: string }): string {
  return `${m.share_id}|${m.valid_until ?? ''}|${m.confidence ?? ''}|${m.comment ?? ''}|${m.status}`;
}

/** Distinct signatures a KnownMentions packs into its entries; past that, entries are objects. */
const signatureSlots = 64;

interface Unpacked {
  observableId: number;
  signature: string;
  listed: boolean;
}

/**
 * The complete current state of one source's mentions, by observableKey, and which of them the
 * source listed in this run. A feed run holds one entry per value of the feed, so it is packed:
 * a source's mentions mostly share a handful of signatures (one share, one confidence, a few
 * comments), and an entry is then one number (observable id, signature number, listed bit)
 * instead of an object with its own signature string. With packed keys (observableKey) that
 * took a 1,000,000-value feed's state from ~240 to ~60 bytes a value, and the importing
 * process's peak memory (the heap grows to a multiple of what is live) with it.
 */
export class KnownMentions {
  private readonly entries = new Map<string, number | Unpacked>();
  private readonly signatures: string[] = [];
  private readonly signatureIndex = new Map<string, number>();
  private listedEntries = 0;

  get size(): number {
    return this.entries.size;
  }

  /** How many entries the source listed in this run. */
  get listedCount(): number {
    return this.listedEntries;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): KnownMention | undefined {
    const e = this.unpack(this.entries.get(key));
    return e && { observableId: e.observableId, signature: e.signature };
  }

  /** Record a mention's state; `listed` when the source listed it in this run. */
  set(key: string, mention: KnownMention, listed = false): this {
    const was = this.unpack(this.entries.get(key));
    const isListed = listed || (was?.listed ?? false);
    if (isListed && !was?.listed) this.listedEntries += 1;
    let i = this.signatureIndex.get(mention.signature);
    if (i === undefined && this.signatures.length < signatureSlots) {
      i = this.signatures.push(mention.signature) - 1;
      this.signatureIndex.set(mention.signature, i);
    }
    this.entries.set(key, i === undefined ? { ...mention, listed: isListed } : (mention.observableId * signatureSlots + i) * 2 + (isListed ? 1 : 0));
    return this;
  }

  /** The source listed this value in this run. */
  markListed(key: string): void {
    const e = this.unpack(this.entries.get(key));
    if (e && !e.listed) this.set(key, e, true);
  }

  isListed(key: string): boolean {
    return this.unpack(this.entries.get(key))?.listed ?? false;
  }

  /** The observable ids of the entries the source did not list in this run (they vanished). */
  unlistedIds(): number[] {
    const out: number[] = [];
    for (const e of this.entries.values()) {
      const u = this.unpack(e)!;
      if (!u.listed) out.push(u.observableId);
    }
    return out;
  }

  private unpack(e: number | Unpacked | undefined): Unpacked | undefined {
    if (typeof e !== 'number') return e;
    const slot = Math.floor(e / 2);
    return { observableId: Math.floor(slot / signatureSlots), signature: this.signatures[slot % signatureSlots]!, listed: e % 2 === 1 };
  }
}

const batchSize = 400;

/** Write a batch of mentions from one source. Run inside the caller's transaction. */
export async function ingestMentions(db: Kysely<Database>, inputs: readonly MentionInput[], opts: IngestOptions): Promise<IngestResult> {
  const result: IngestResult = { created: 0, updated: 0, unchanged: 0, touched: [] };
  // The last word on a value within one batch wins; PostgreSQL refuses to upsert a key twice.
  if (opts.known && inputs.some((m) => m.sourceId !== undefined && m.sourceId !== opts.sourceId)) throw new RangeError('a known map describes one source');
  const byKey = new Map<string, MentionInput>();
  for (const m of inputs) byKey.set(`${m.sourceId ?? opts.sourceId}\u0001${observableKey(m.type, m.value)}`, m);
  // In key order: (source, type, value), for hashes and most names the order of the
  // observables' unique index, for packed addresses their numeric order (the range index's).
  // Consecutive rows then land on neighbouring index pages; in input order each row of a large
  // store touched a page of its own, and the database took about a third longer. (Sorting the
  // bare keys uses the engine's own string comparison, with no comparator call per pair.)
  const all = [...byKey.keys()].sort().map((k): [string, MentionInput] => [k, byKey.get(k)!]);
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
      else {
        result.unchanged += 1;
        opts.known.markListed(p.key);
      }
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
    const params: unknown[] = [];
    for (const p of fresh) {
      const r = p.row;
      params.push(p.sourceId, ids.get(p.key)!.id, opts.sourceKind, r.share_id, r.valid_until, r.confidence, r.comment, r.status, p.input.firstSeen ?? opts.now, p.input.lastSeen === undefined ? opts.now : p.input.lastSeen, opts.now);
    }
    await db.executeQuery(CompiledQuery.raw(insertText(db, 'mentions', mentionColumns, fresh.length, ''), params));
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
      opts.known?.set(p.key, { observableId: o.id, signature: p.signature }, true);
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
  // One row per observable (several sources in one batch may name it); each new mention counts.
  const mentionsOf = new Map<string, number>();
  const unique: Prepared[] = [];
  for (const p of rows) {
    const n = mentionsOf.get(p.key);
    if (n === undefined) unique.push(p);
    mentionsOf.set(p.key, (n ?? 0) + 1);
  }
  const limit = opts.correlationLimit;
  const params: unknown[] = [];
  for (const p of unique) {
    const range = ipRangeOf(p.input.type, p.input.value);
    const seen = p.input.lastSeen ?? opts.now;
    const count = countNew ? mentionsOf.get(p.key)! : 0;
    params.push(
      p.input.type,
      p.input.value,
      range?.from ?? null,
      range?.to ?? null,
      p.input.firstSeen && p.input.firstSeen < seen ? p.input.firstSeen : seen,
      seen,
      count,
      countNew && count > limit ? 1 : 0,
      opts.matcher.match(p.input.type, p.input.value, range),
      opts.now,
    );
  }
  // On a clash the observable is refreshed: latest sighting, current warning-list mark, and (new mentions) the count.
  const later = dialectOf(db) === 'postgres' ? 'greatest(observables.last_seen, excluded.last_seen)' : 'max(observables.last_seen, excluded.last_seen)';
  const counting = countNew
    ? ', "mention_count" = observables.mention_count + excluded.mention_count, "ubiquitous" = case when observables.mention_count + excluded.mention_count > ? then 1 else observables.ubiquitous end'
    : '';
  if (countNew) params.push(limit);
  const tail = ` on conflict ("type", "value") do update set "last_seen" = ${later}, "warning_list" = excluded.warning_list${counting} returning "id", "type", "value", "warning_list"`;
  const returned = await db.executeQuery<{ id: number; type: string; value: string; warning_list: string | null }>(CompiledQuery.raw(insertText(db, 'observables', observableColumns, unique.length, tail), params));
  for (const r of returned.rows) out.set(observableKey(r.type, r.value), { id: Number(r.id), warningList: r.warning_list });
  return out;
}

const observableColumns = ['type', 'value', 'ip_from', 'ip_to', 'first_seen', 'last_seen', 'mention_count', 'ubiquitous', 'warning_list', 'created_at'] as const;
const mentionColumns = ['source_id', 'observable_id', 'source_kind', 'share_id', 'valid_until', 'confidence', 'comment', 'status', 'first_seen', 'last_seen', 'created_at'] as const;
/** Full batches' statements, by dialect, table and tail (a handful: partial batches are built each time). */
const insertTexts = new Map<string, string>();

/**
 * A multi-row INSERT of `rows` rows as SQL text (`?` in `tail` are parameters after the rows').
 * The two bulk statements of a batch are written here rather than with Kysely's builder:
 * building 400 rows of values node by node, then compiling them, cost a fifth of a feed
 * import's time, and the identical text of every full batch finds its prepared statement at once.
 */
function insertText(db: Kysely<Database>, table: string, columns: readonly string[], rows: number, tail: string): string {
  const pg = dialectOf(db) === 'postgres';
  const key = `${pg ? 'pg' : 'sqlite'}|${table}|${tail}`;
  const cached = rows === batchSize ? insertTexts.get(key) : undefined;
  if (cached !== undefined) return cached;
  let n = 0;
  const param = () => (pg ? `$${++n}` : '?');
  const tuples: string[] = [];
  for (let i = 0; i < rows; i++) tuples.push(`(${columns.map(param).join(', ')})`);
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}${tail.replace(/\?/g, param)}`;
  if (rows === batchSize) insertTexts.set(key, text);
  return text;
}

/** One more mention for each id (an id listed twice, by two sources of one batch, gets two). */
async function countMentions(db: Kysely<Database>, ids: number[], limit: number): Promise<void> {
  const times = new Map<number, number>();
  for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
  const byCount = new Map<number, number[]>();
  for (const [id, n] of times) addTo(byCount, n, id);
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

/** Rows read at a time when going through all of one source's mentions. */
const pageSize = 10_000;

/**
 * The current mentions of one source, for a feed run's change detection. Read in pages along
 * the primary key (source_id, observable_id): all at once, a 1,000,000-value feed's rows held
 * about 500 MB before they were folded into the map.
 */
export async function loadKnownMentions(db: Kysely<Database>, sourceId: string): Promise<KnownMentions> {
  const known = new KnownMentions();
  for (let after = -1; ; ) {
    // The page of mentions first (a range of the primary key), then their observables by id:
    // joined before the limit, PostgreSQL planned a scan of all observables for every page.
    const page = db
      .selectFrom('mentions')
      .select(['observable_id', 'share_id', 'valid_until', 'confidence', 'comment', 'status'])
      .where('source_id', '=', sourceId)
      .where('observable_id', '>', after)
      .orderBy('observable_id')
      .limit(pageSize)
      .as('m');
    const rows = await db
      .selectFrom(page)
      .innerJoin('observables', 'observables.id', 'm.observable_id')
      .select(['observables.type', 'observables.value', 'm.observable_id', 'm.share_id', 'm.valid_until', 'm.confidence', 'm.comment', 'm.status'])
      .orderBy('m.observable_id')
      .execute();
    for (const r of rows) known.set(observableKey(r.type, r.value), { observableId: r.observable_id, signature: mentionSignature(r) });
    if (rows.length < pageSize) return known;
    after = Number(rows[rows.length - 1]!.observable_id);
  }
}

/**
 * Retire a source's active mentions that are not in `keep` (observable ids): a feed's values
 * that vanished, a warning's indicators after an edit. Returns how many were retired.
 */
export async function retireMentions(
  db: Kysely<Database>,
  sourceId: string,
  opts: { keep?: ReadonlySet<number>; only?: readonly number[]; status: Exclude<MentionStatus, 'active'>; at: string },
): Promise<number[]> {
  const gone: number[] = [];
  if (opts.only) {
    // The candidates are known (a feed run's unlisted values): only those still active.
    for (const part of chunks(opts.only, 500)) {
      const rows = await db.selectFrom('mentions').select('observable_id').where('source_id', '=', sourceId).where('status', '=', 'active').where('observable_id', 'in', part).execute();
      for (const r of rows) if (!opts.keep?.has(r.observable_id)) gone.push(r.observable_id);
    }
  }
  // In pages, as loadKnownMentions: a large feed's active mentions are not all held at once.
  for (let after = -1; !opts.only; ) {
    const page = await db.selectFrom('mentions').select('observable_id').where('source_id', '=', sourceId).where('status', '=', 'active').where('observable_id', '>', after).orderBy('observable_id').limit(pageSize).execute();
    for (const r of page) if (!opts.keep?.has(r.observable_id)) gone.push(r.observable_id);
    if (page.length < pageSize) break;
    after = Number(page[page.length - 1]!.observable_id);
  }
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
    for (const r of active) if (!keep.get(r.source_id)?.has(observableKey(r.type, r.value))) addTo(gone, r.source_id, r.observable_id);
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
