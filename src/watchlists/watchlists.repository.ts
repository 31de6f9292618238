// SQL for watchlists: every organisation's assets (to build the matcher), watch matches
// (written once per organisation, observable and source), and the list an organisation reads.
import { sql, type Kysely } from 'kysely';
import type { Reader } from '../sharing/policy.js';
import { visibleTo } from '../sharing/policy.js';
import type { Database } from '../store/schema.js';
import type { OrgWatchAssets } from './matching.js';

type MutableAssets = { -readonly [K in keyof OrgWatchAssets]: OrgWatchAssets[K] extends readonly (infer T)[] ? T[] : OrgWatchAssets[K] };

export async function loadAllWatchAssets(db: Kysely<Database>): Promise<OrgWatchAssets[]> {
  const rows = await db.selectFrom('org_assets').select(['org_id', 'kind', 'value']).orderBy('org_id').orderBy('kind').orderBy('value').execute();
  const byOrg = new Map<string, MutableAssets>();
  for (const r of rows) {
    let a = byOrg.get(r.org_id);
    if (!a) byOrg.set(r.org_id, (a = { orgId: r.org_id, domains: [], ipRanges: [], asns: [], emailDomains: [], brands: [], lookalikePatterns: [] }));
    if (r.kind === 'domain') a.domains.push(r.value);
    else if (r.kind === 'ip_range') a.ipRanges.push(r.value);
    else if (r.kind === 'asn') a.asns.push(Number(r.value));
    else if (r.kind === 'email_domain') a.emailDomains.push(r.value);
    else if (r.kind === 'brand') a.brands.push(r.value);
    else if (r.kind === 'lookalike') a.lookalikePatterns.push(r.value);
  }
  return [...byOrg.values()];
}

export interface NewWatchMatch {
  id: string;
  org_id: string;
  observable_id: number;
  source_kind: string;
  source_id: string;
  share_id: string;
  asset_kind: string;
  asset_value: string;
  reason: string;
  source_label: string;
  matched_at: string;
}

/** Insert matches; an (org, observable, source) already matched is skipped. Returns the ids written. */
export async function insertWatchMatches(db: Kysely<Database>, rows: readonly NewWatchMatch[]): Promise<Set<string>> {
  const written = new Set<string>();
  for (let i = 0; i < rows.length; i += 200) {
    const inserted = await db
      .insertInto('watch_matches')
      .values(rows.slice(i, i + 200).map((r) => ({ ...r, event_id: null, acknowledged_at: null, acknowledged_by: null })))
      .onConflict((oc) => oc.columns(['org_id', 'observable_id', 'source_id']).doNothing())
      .returning('id')
      .execute();
    for (const r of inserted) written.add(r.id);
  }
  return written;
}

export async function setWatchMatchEvent(db: Kysely<Database>, ids: readonly string[], eventId: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await db.updateTable('watch_matches').set({ event_id: eventId }).where('id', 'in', ids.slice(i, i + 500)).execute();
}

/** Group memberships of some organisations, for their readers. */
export async function loadGroupIds(db: Kysely<Database>, orgIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>(orgIds.map((id) => [id, new Set<string>()]));
  if (orgIds.length === 0) return out;
  const rows = await db.selectFrom('sharing_group_members').select(['org_id', 'group_id']).where('org_id', 'in', [...orgIds]).execute();
  for (const r of rows) out.get(r.org_id)?.add(r.group_id);
  return out;
}

/** Observables suppressed as false positives (they never alert). */
export async function findSuppressed(db: Kysely<Database>, observableIds: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < observableIds.length; i += 500) {
    const rows = await db.selectFrom('observables').select('id').where('id', 'in', observableIds.slice(i, i + 500)).where('suppressed_at', 'is not', null).execute();
    for (const r of rows) out.add(Number(r.id));
  }
  return out;
}

export interface WatchMatchRow {
  id: string;
  observable_id: number;
  type: string;
  value: string;
  source_kind: string;
  source_id: string;
  source_label: string | null;
  tlp: string;
  asset_kind: string;
  asset_value: string;
  reason: string;
  event_id: number | null;
  matched_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export interface WatchMatchQuery {
  acknowledged?: boolean | undefined;
  /** after this (matched_at, id), newest first */
  after?: { matchedAt: string; id: string } | undefined;
  limit: number;
}

const matchColumns = [
  'watch_matches.id',
  'watch_matches.observable_id',
  'observables.type',
  'observables.value',
  'watch_matches.source_kind',
  'watch_matches.source_id',
  'watch_matches.source_label',
  'shares.tlp',
  'watch_matches.asset_kind',
  'watch_matches.asset_value',
  'watch_matches.reason',
  'watch_matches.event_id',
  'watch_matches.matched_at',
  'watch_matches.acknowledged_at',
  'watch_matches.acknowledged_by',
] as const;

/** PostgreSQL returns bigint columns as text. */
function toRow<R extends { observable_id: number | string; event_id: number | string | null }>(r: R): R & { observable_id: number; event_id: number | null } {
  return { ...r, observable_id: Number(r.observable_id), event_id: r.event_id === null ? null : Number(r.event_id) };
}

/**
 * One organisation's matches whose source the reader may still read (a share narrowed or an
 * organisation that left a group takes them out of the list, as everywhere else).
 */
function visibleMatches(db: Kysely<Database>, orgId: string, reader: Reader) {
  return db
    .selectFrom('watch_matches')
    .innerJoin('shares', 'shares.id', 'watch_matches.share_id')
    .innerJoin('observables', 'observables.id', 'watch_matches.observable_id')
    .where('watch_matches.org_id', '=', orgId)
    .where(visibleTo(reader, 'shares'));
}

export async function listWatchMatches(db: Kysely<Database>, orgId: string, reader: Reader, q: WatchMatchQuery): Promise<WatchMatchRow[]> {
  let query = visibleMatches(db, orgId, reader).select(matchColumns);
  if (q.acknowledged !== undefined) query = query.where('watch_matches.acknowledged_at', q.acknowledged ? 'is not' : 'is', null);
  if (q.after) {
    const { matchedAt, id } = q.after;
    query = query.where((eb) => eb.or([eb('watch_matches.matched_at', '<', matchedAt), eb.and([eb('watch_matches.matched_at', '=', matchedAt), eb('watch_matches.id', '<', id)])]));
  }
  const rows = await query.orderBy('watch_matches.matched_at', 'desc').orderBy('watch_matches.id', 'desc').limit(q.limit).execute();
  return rows.map(toRow);
}

export interface WatchMatchCounts {
  total: number;
  unacknowledged: number;
  since: number;
  lastMatchAt: string | null;
}

export async function countWatchMatches(db: Kysely<Database>, orgId: string, reader: Reader, since: string): Promise<WatchMatchCounts> {
  const row = await visibleMatches(db, orgId, reader)
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      sql<number>`sum(case when watch_matches.acknowledged_at is null then 1 else 0 end)`.as('unacknowledged'),
      sql<number>`sum(case when watch_matches.matched_at >= ${since} then 1 else 0 end)`.as('since'),
      eb.fn.max('watch_matches.matched_at').as('last'),
    ])
    .executeTakeFirst();
  return { total: Number(row?.total ?? 0), unacknowledged: Number(row?.unacknowledged ?? 0), since: Number(row?.since ?? 0), lastMatchAt: (row?.last as string | null | undefined) ?? null };
}

export async function findWatchMatch(db: Kysely<Database>, orgId: string, reader: Reader, id: string): Promise<WatchMatchRow | undefined> {
  const r = await visibleMatches(db, orgId, reader).select(matchColumns).where('watch_matches.id', '=', id).executeTakeFirst();
  return r && toRow(r);
}

/** Acknowledge once: a second acknowledgement keeps the first time and person. */
export async function acknowledgeWatchMatch(db: Kysely<Database>, orgId: string, id: string, userId: string | null, at: string): Promise<void> {
  await db.updateTable('watch_matches').set({ acknowledged_at: at, acknowledged_by: userId }).where('id', '=', id).where('org_id', '=', orgId).where('acknowledged_at', 'is', null).execute();
}
