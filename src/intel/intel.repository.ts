// SQL for reading the intel store: observables by value and by address range, the mentions a
// reader may see (with their source's label), sighting totals, search and co-mentions.
// Every query that returns or counts mentions filters them with the sharing policy.
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { readerShape, visibleTo, type Reader } from '../sharing/policy.js';
import { runTemplate } from '../store/query-template.js';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { addTo } from '../collections.js';

/** IN lists are cut to this size: SQLite limits the variables of one statement. */
export const chunkSize = 500;

export function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ObservableRecord {
  id: number;
  type: string;
  value: string;
  ip_from: string | null;
  ip_to: string | null;
  first_seen: string;
  last_seen: string;
  mention_count: number;
  ubiquitous: number;
  warning_list: string | null;
  false_positives: number;
  suppressed_at: string | null;
  created_at: string;
}

const observableColumns = [
  'observables.id',
  'observables.type',
  'observables.value',
  'observables.ip_from',
  'observables.ip_to',
  'observables.first_seen',
  'observables.last_seen',
  'observables.mention_count',
  'observables.ubiquitous',
  'observables.warning_list',
  'observables.false_positives',
  'observables.suppressed_at',
  'observables.created_at',
] as const;

/** Observables by (type, value): one statement per type and chunk, never one per value. */
export async function findObservablesByValue(db: Kysely<Database>, wanted: ReadonlyArray<{ type: string; value: string }>): Promise<ObservableRecord[]> {
  const byType = new Map<string, string[]>();
  for (const w of wanted) addTo(byType, w.type, w.value);
  const out: ObservableRecord[] = [];
  for (const [type, values] of byType) {
    for (const part of chunks([...new Set(values)])) {
      out.push(...(await runTemplate(db, 'observables by value', { type, part }, (v) => db.selectFrom('observables').select(observableColumns).where('type', '=', v.type).where('value', 'in', v.part))));
    }
  }
  return out;
}

/** An observable with what a lookup tells of its sightings, read in the same statement. */
export interface LookupObservable extends ObservableRecord {
  sighting_total: number | string | null;
  sighting_since: number | string | null;
  /** 1 when it is known from sightings alone (no source mentions it at all) */
  sighted_only: number | boolean;
}

/**
 * findObservablesByValue plus sighting totals (all time, and since `since`, false positives
 * left out) and whether only sightings know it (see sightedObservables): one statement, where
 * it took three. A SIEM's single lookups are mostly round trips, on PostgreSQL above all.
 */
export async function findObservablesForLookup(db: Kysely<Database>, wanted: ReadonlyArray<{ type: string; value: string }>, since: string): Promise<LookupObservable[]> {
  const byType = new Map<string, string[]>();
  for (const w of wanted) addTo(byType, w.type, w.value);
  const out: LookupObservable[] = [];
  for (const [type, values] of byType) {
    for (const part of chunks([...new Set(values)])) {
      const rows = await runTemplate(db, 'observables for lookup', { type, part, since }, (v) =>
        db
          .selectFrom('observables')
          .select(observableColumns)
          .select((eb) => [
            eb.selectFrom('sightings').select((sb) => sb.fn.sum<number>('count').as('n')).whereRef('sightings.observable_id', '=', 'observables.id').where('false_positive', '=', 0).as('sighting_total'),
            eb
              .selectFrom('sightings')
              .select((sb) => sb.fn.sum<number>('count').as('n'))
              .whereRef('sightings.observable_id', '=', 'observables.id')
              .where('false_positive', '=', 0)
              .where('seen_at', '>=', v.since)
              .as('sighting_since'),
            eb
              .case()
              .when(
                eb.and([
                  eb.exists(eb.selectFrom('sightings').select(sql`1`.as('one')).whereRef('sightings.observable_id', '=', 'observables.id')),
                  eb.not(eb.exists(eb.selectFrom('mentions').select(sql`1`.as('one')).whereRef('mentions.observable_id', '=', 'observables.id'))),
                ]),
              )
              .then(1)
              .else(0)
              .end()
              .as('sighted_only'),
          ])
          .where('type', '=', v.type)
          .where('value', 'in', v.part),
      );
      out.push(...(rows as LookupObservable[]));
    }
  }
  return out;
}

export async function findObservableById(db: Kysely<Database>, id: number): Promise<ObservableRecord | undefined> {
  return db.selectFrom('observables').select(observableColumns).where('id', '=', id).executeTakeFirst();
}

/** Prefix lengths of the stored ranges, by family: containment is then exact-match lookups. */
export async function storedRangePrefixes(db: Kysely<Database>): Promise<{ v4: number[]; v6: number[] }> {
  const pg = dialectOf(db) === 'postgres';
  const prefix = pg ? sql<string>`split_part(value, '/', 2)` : sql<string>`substr(value, instr(value, '/') + 1)`;
  const v6 = pg ? sql<number>`case when strpos(value, ':') > 0 then 1 else 0 end` : sql<number>`case when instr(value, ':') > 0 then 1 else 0 end`;
  const rows = await runTemplate(db, 'stored range prefixes', {}, () => db.selectFrom('observables').select([prefix.as('prefix'), v6.as('v6')]).where('type', '=', 'cidr').distinct());
  const out = { v4: [] as number[], v6: [] as number[] };
  for (const r of rows) {
    const p = Number(r.prefix);
    if (Number.isInteger(p)) (Number(r.v6) ? out.v6 : out.v4).push(p);
  }
  return out;
}

/** Range observables whose first address is one of `froms` (candidate networks of some addresses). */
export async function findRangesStartingAt(db: Kysely<Database>, froms: readonly string[]): Promise<ObservableRecord[]> {
  const out: ObservableRecord[] = [];
  for (const part of chunks([...new Set(froms)])) {
    out.push(...(await db.selectFrom('observables').select(observableColumns).where('ip_from', 'in', part).where('type', '=', 'cidr').execute()));
  }
  return out;
}

/** One mention the reader may see, with what the reader may know of its source. */
export interface VisibleMention {
  observable_id: number;
  source_kind: string;
  source_id: string;
  first_seen: string;
  /** coalesced: the mention's own, else its feed's last success, else its first sighting */
  last_seen: string;
  valid_until: string | null;
  confidence: number | null;
  status: string;
  tlp: string;
  producer_org_id: string | null;
  anonymous: number;
  label: string | null;
}

/** The visible mentions of some observables (policy inside the query). */
export async function listVisibleMentions(db: Kysely<Database>, reader: Reader, observableIds: readonly number[], opts: { sourceKinds?: readonly string[] } = {}): Promise<VisibleMention[]> {
  const pg = dialectOf(db) === 'postgres';
  const stixName = pg ? sql<string | null>`(stix_objects.data::json ->> 'name')` : sql<string | null>`json_extract(stix_objects.data, '$.name')`;
  const out: VisibleMention[] = [];
  // The policy's filter is most of the cost of building this query: a template per reader kind.
  const name = `visible mentions|${readerShape(reader)}|${opts.sourceKinds?.join(',') ?? '*'}`;
  const build = (v: { part: readonly number[]; orgId: string | null }) => {
    let q = db
      .selectFrom('mentions')
      .innerJoin('shares', 'shares.id', 'mentions.share_id')
      .leftJoin('feeds', (j) => j.onRef('feeds.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'feed'))
      .leftJoin('warnings', (j) => j.onRef('warnings.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'warning'))
      .leftJoin('stix_objects', (j) => j.onRef('stix_objects.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'stix'))
      .select([
        'mentions.observable_id',
        'mentions.source_kind',
        'mentions.source_id',
        'mentions.first_seen',
        sql<string>`coalesce(mentions.last_seen, feeds.last_success_at, mentions.first_seen)`.as('last_seen'),
        'mentions.valid_until',
        'mentions.confidence',
        'mentions.status',
        'shares.tlp',
        'shares.producer_org_id',
        'shares.anonymous',
        sql<string | null>`coalesce(feeds.name, warnings.title, ${stixName})`.as('label'),
      ])
      .where('mentions.observable_id', 'in', v.part)
      .where(visibleTo({ ...reader, orgId: v.orgId }, 'shares'));
    if (opts.sourceKinds) q = q.where('mentions.source_kind', 'in', [...opts.sourceKinds]);
    return q;
  };
  for (const part of chunks([...new Set(observableIds)])) {
    for (const r of await runTemplate(db, name, { part, orgId: reader.orgId }, build)) out.push({ ...r, observable_id: Number(r.observable_id), anonymous: Number(r.anonymous) });
  }
  return out;
}

export interface SightingTotals {
  total: number;
  since: number;
}

/** Sightings (false positives apart) of some observables: all time, and since `since`. */
export async function sightingTotals(db: Kysely<Database>, observableIds: readonly number[], since: string): Promise<Map<number, SightingTotals>> {
  const out = new Map<number, SightingTotals>();
  for (const part of chunks([...new Set(observableIds)])) {
    const rows = await runTemplate(db, 'sighting totals', { part, since }, (v) =>
      db
        .selectFrom('sightings')
        .select(['observable_id', (eb) => eb.fn.sum<number>('count').as('total'), sql<number>`sum(case when seen_at >= ${v.since} then count else 0 end)`.as('since')])
        .where('observable_id', 'in', v.part)
        .where('false_positive', '=', 0)
        .groupBy('observable_id'),
    );
    for (const r of rows) out.set(Number(r.observable_id), { total: Number(r.total ?? 0), since: Number(r.since ?? 0) });
  }
  return out;
}

/**
 * Observables known only from sightings (no source mentions them at all, false positives
 * included): these are found without a source. A value some source mentions is known to a
 * reader only through a mention that reader may see — a sighting must not reveal a value a
 * hidden TLP:AMBER warning named.
 */
export async function sightedObservables(db: Kysely<Database>, observableIds: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks([...new Set(observableIds)])) {
    const rows = await runTemplate(db, 'sighted observables', { part }, (v) =>
      db
        .selectFrom('sightings')
        .select('observable_id')
        .distinct()
        .where('observable_id', 'in', v.part)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mentions').select(sql`1`.as('one')).whereRef('mentions.observable_id', '=', 'sightings.observable_id')))),
    );
    for (const r of rows) out.add(Number(r.observable_id));
  }
  return out;
}

/**
 * The reader may learn of a value: a mention it may see exists, or the value is known only from
 * sightings (no source names it). A sighting of a value that only hidden sources name reveals nothing.
 */
function knownTo(reader: Reader) {
  return (eb: ExpressionBuilder<Database, 'observables'>) =>
    eb.or([
      eb.exists(eb.selectFrom('mentions').innerJoin('shares', 'shares.id', 'mentions.share_id').select(sql`1`.as('one')).whereRef('mentions.observable_id', '=', 'observables.id').where(visibleTo(reader, 'shares'))),
      eb.and([
        eb.not(eb.exists(eb.selectFrom('mentions').select(sql`1`.as('one')).whereRef('mentions.observable_id', '=', 'observables.id'))),
        eb.exists(eb.selectFrom('sightings').select(sql`1`.as('one')).whereRef('sightings.observable_id', '=', 'observables.id')),
      ]),
    ]);
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Addresses and smaller ranges inside [from, to], that the reader may know of. */
export async function searchInsideRange(db: Kysely<Database>, reader: Reader, range: { from: string; to: string }, limit: number): Promise<ObservableRecord[]> {
  return db
    .selectFrom('observables')
    .select(observableColumns)
    .where('ip_from', '>=', range.from)
    .where('ip_from', '<=', range.to)
    .where('ip_to', '<=', range.to)
    .where(knownTo(reader))
    .orderBy('ip_from')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Sub-domains of a domain, and URLs and email addresses on it or its sub-domains. */
export async function searchUnderDomain(db: Kysely<Database>, reader: Reader, domain: string, limit: number): Promise<ObservableRecord[]> {
  const d = likeEscape(domain);
  return db
    .selectFrom('observables')
    .select(observableColumns)
    .where((eb) =>
      eb.or([
        eb.and([eb('type', '=', 'domain'), sql<boolean>`value like ${`%.${d}`} escape '\\'`]),
        eb.and([eb('type', '=', 'email'), eb.or([sql<boolean>`value like ${`%@${d}`} escape '\\'`, sql<boolean>`value like ${`%.${d}`} escape '\\'`])]),
        eb.and([eb('type', '=', 'url'), eb.or([sql<boolean>`value like ${`%://${d}/%`} escape '\\'`, sql<boolean>`value like ${`%://${d}:%`} escape '\\'`, sql<boolean>`value like ${`%.${d}/%`} escape '\\'`])]),
      ]),
    )
    .where(knownTo(reader))
    .orderBy('value')
    .limit(limit)
    .execute();
}

export interface WarningHit {
  id: string;
  title: string;
  kind: string;
  severity: string;
  status: string;
  created_at: string;
  tlp: string;
}

const warningColumns = ['warnings.id', 'warnings.title', 'warnings.kind', 'warnings.severity', 'warnings.status', 'warnings.created_at', 'shares.tlp'] as const;

/** Visible warnings that mention any of these observables, newest first. */
export async function warningsMentioning(db: Kysely<Database>, reader: Reader, observableIds: readonly number[], limit: number): Promise<WarningHit[]> {
  if (observableIds.length === 0) return [];
  return db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .select(warningColumns)
    .where(visibleTo(reader, 'shares'))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('mentions')
          .select(sql`1`.as('one'))
          .whereRef('mentions.source_id', '=', 'warnings.id')
          .where('mentions.source_kind', '=', 'warning')
          .where('mentions.observable_id', 'in', observableIds.slice(0, chunkSize)),
      ),
    )
    .orderBy('warnings.created_at', 'desc')
    .orderBy('warnings.id', 'desc')
    .limit(limit)
    .execute();
}

/** Visible warnings whose title or details contain the text (any case), newest first. */
export async function warningsContaining(db: Kysely<Database>, reader: Reader, text: string, limit: number): Promise<WarningHit[]> {
  const pattern = `%${likeEscape(text.toLowerCase())}%`;
  return db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .select(warningColumns)
    .where(visibleTo(reader, 'shares'))
    .where((eb) => eb.or([sql<boolean>`lower(warnings.title) like ${pattern} escape '\\'`, sql<boolean>`lower(warnings.details) like ${pattern} escape '\\'`]))
    .orderBy('warnings.created_at', 'desc')
    .orderBy('warnings.id', 'desc')
    .limit(limit)
    .execute();
}

export interface RelatedRow {
  id: number;
  type: string;
  value: string;
  shared: number;
}

/**
 * Observables named by the same visible sources (warnings and STIX objects: a feed lists
 * thousands of unrelated values), most shared first; ubiquitous ones would link everything.
 */
export async function coMentioned(db: Kysely<Database>, reader: Reader, observableId: number, sourceIds: readonly string[], limit: number): Promise<RelatedRow[]> {
  if (sourceIds.length === 0) return [];
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('shares', 'shares.id', 'mentions.share_id')
    .innerJoin('observables', 'observables.id', 'mentions.observable_id')
    .select(['observables.id', 'observables.type', 'observables.value', (eb) => eb.fn.count<number>('mentions.source_id').distinct().as('shared')])
    .where('mentions.source_id', 'in', sourceIds.slice(0, chunkSize))
    .where('mentions.source_kind', 'in', ['warning', 'stix'])
    .where('mentions.observable_id', '!=', observableId)
    .where('observables.ubiquitous', '=', 0)
    .where(visibleTo(reader, 'shares'))
    .groupBy(['observables.id', 'observables.type', 'observables.value'])
    .orderBy('shared', 'desc')
    .orderBy('observables.value')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), type: r.type, value: r.value, shared: Number(r.shared) }));
}

export interface SightingDetail {
  org_id: string | null;
  anonymous: number;
  false_positive: number;
  count: number;
  seen_at: string;
  org_kind: string | null;
  org_region: string | null;
}

/** The sightings of one observable since a date, with the reporter's kind and region. */
export async function listSightingsSince(db: Kysely<Database>, observableId: number, since: string): Promise<SightingDetail[]> {
  const rows = await db
    .selectFrom('sightings')
    .leftJoin('organisations', 'organisations.id', 'sightings.org_id')
    .select(['sightings.org_id', 'sightings.anonymous', 'sightings.false_positive', 'sightings.count', 'sightings.seen_at', 'organisations.kind as org_kind', 'organisations.region as org_region'])
    .where('sightings.observable_id', '=', observableId)
    .where('sightings.seen_at', '>=', since)
    .execute();
  return rows.map((r) => ({ ...r, anonymous: Number(r.anonymous), false_positive: Number(r.false_positive), count: Number(r.count) }));
}
