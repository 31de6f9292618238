// SQL for the trend charts: each returns the rows of one chart over [from, to), filtered by the
// sharing policy where the rows come from shared objects (mentions, warnings).
import { sql, type Kysely } from 'kysely';
import { visibleTo, type Reader } from '../sharing/policy.js';
import type { Database } from '../store/schema.js';

export interface Range {
  from: string;
  to: string;
}

const dayOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`;

export async function newIndicatorRows(db: Kysely<Database>, reader: Reader, r: Range) {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('shares', 'shares.id', 'mentions.share_id')
    .innerJoin('observables', 'observables.id', 'mentions.observable_id')
    .leftJoin('feeds', (j) => j.onRef('feeds.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'feed'))
    .select([
      dayOf('mentions.created_at').as('day'),
      'observables.type',
      'mentions.source_kind',
      'feeds.id as feed_id',
      'feeds.name as feed_name',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('mentions.created_at', '>=', r.from)
    .where('mentions.created_at', '<', r.to)
    .where(visibleTo(reader, 'shares'))
    .groupBy([dayOf('mentions.created_at'), 'observables.type', 'mentions.source_kind', 'feeds.id', 'feeds.name'])
    .execute();
  return rows.map((x) => ({ ...x, n: Number(x.n) }));
}

export async function warningDayRows(db: Kysely<Database>, reader: Reader, r: Range) {
  const rows = await db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .select([dayOf('warnings.created_at').as('day'), 'warnings.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('warnings.created_at', '>=', r.from)
    .where('warnings.created_at', '<', r.to)
    .where(visibleTo(reader, 'shares'))
    .groupBy([dayOf('warnings.created_at'), 'warnings.kind'])
    .execute();
  return rows.map((x) => ({ ...x, n: Number(x.n) }));
}

/** Warnings by the producer's region and kind (anonymous producers in one bucket). */
export async function warningActivityRows(db: Kysely<Database>, reader: Reader, r: Range) {
  const rows = await db
    .selectFrom('warnings')
    .innerJoin('shares', 'shares.id', 'warnings.share_id')
    .leftJoin('organisations', (j) => j.onRef('organisations.id', '=', 'shares.producer_org_id').on('shares.anonymous', '=', 0))
    .select(['organisations.region', 'organisations.kind', 'shares.anonymous', (eb) => eb.fn.countAll<number>().as('n')])
    .where('warnings.created_at', '>=', r.from)
    .where('warnings.created_at', '<', r.to)
    .where(visibleTo(reader, 'shares'))
    .groupBy(['organisations.region', 'organisations.kind', 'shares.anonymous'])
    .execute();
  return rows.map((x) => ({ region: x.region, kind: x.kind, anonymous: Number(x.anonymous), n: Number(x.n) }));
}

/** Sightings (not false positives) by the reporter's region and kind; anonymous ones unattributed. */
export async function sightingActivityRows(db: Kysely<Database>, r: Range) {
  const rows = await db
    .selectFrom('sightings')
    .leftJoin('organisations', (j) => j.onRef('organisations.id', '=', 'sightings.org_id').on('sightings.anonymous', '=', 0))
    .select(['organisations.region', 'organisations.kind', 'sightings.anonymous', (eb) => eb.fn.sum<number>('sightings.count').as('n'), (eb) => eb.fn.countAll<number>().as('reports')])
    .where('sightings.seen_at', '>=', r.from)
    .where('sightings.seen_at', '<', r.to)
    .where('sightings.false_positive', '=', 0)
    .groupBy(['organisations.region', 'organisations.kind', 'sightings.anonymous'])
    .execute();
  return rows.map((x) => ({ region: x.region, kind: x.kind, anonymous: Number(x.anonymous), n: Number(x.n ?? 0), reports: Number(x.reports) }));
}

export async function mostSightedRows(db: Kysely<Database>, r: Range, limit: number) {
  const total = sql<number>`sum(sightings.count)`;
  const rows = await db
    .selectFrom('sightings')
    .innerJoin('observables', 'observables.id', 'sightings.observable_id')
    .select([
      'observables.id',
      'observables.type',
      'observables.value',
      total.as('n'),
      (eb) => eb.fn.count<number>('sightings.org_id').distinct().as('orgs'),
      (eb) => eb.fn.max('sightings.seen_at').as('last'),
    ])
    .where('sightings.seen_at', '>=', r.from)
    .where('sightings.seen_at', '<', r.to)
    .where('sightings.false_positive', '=', 0)
    .groupBy(['observables.id', 'observables.type', 'observables.value'])
    .orderBy(total, 'desc')
    .orderBy('observables.value')
    .limit(limit)
    .execute();
  return rows.map((x) => ({ id: Number(x.id), type: x.type, value: x.value, n: Number(x.n), orgs: Number(x.orgs), last: String(x.last) }));
}

/** Feeds the reader may know of: the operator all; others the shared ones and their own. */
export async function feedHealthRows(db: Kysely<Database>, reader: Reader, r: Range) {
  let q = db
    .selectFrom('feeds')
    .select(['id', 'name', 'kind', 'enabled', 'last_status', 'last_run_at', 'last_success_at', 'consecutive_failures'])
    .orderBy('name');
  if (!reader.isOperator) {
    q = q.where((eb) => (reader.orgId ? eb.or([eb('audience_kind', '=', 'members'), eb('org_id', '=', reader.orgId)]) : eb('audience_kind', '=', 'members')));
  }
  const feeds = await q.execute();
  if (feeds.length === 0) return [];
  const ids = feeds.map((f) => f.id).slice(0, 500);
  const [runs, latest] = await Promise.all([
    db
      .selectFrom('feed_runs')
      .select(['feed_id', (eb) => eb.fn.countAll<number>().as('runs'), sql<number>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed')])
      .where('feed_id', 'in', ids)
      .where('started_at', '>=', r.from)
      .where('started_at', '<', r.to)
      .groupBy('feed_id')
      .execute(),
    db
      .selectFrom('feed_runs as fr')
      .select(['fr.feed_id', 'fr.status', 'fr.started_at', 'fr.duration_ms', 'fr.new_count', 'fr.updated_count', 'fr.unchanged_count', 'fr.rejected_count'])
      .where('fr.feed_id', 'in', ids)
      .where('fr.started_at', '=', (eb) => eb.selectFrom('feed_runs as l').select((e) => e.fn.max('l.started_at').as('m')).whereRef('l.feed_id', '=', 'fr.feed_id'))
      .execute(),
  ]);
  const runsOf = new Map(runs.map((x) => [x.feed_id, { runs: Number(x.runs), failed: Number(x.failed ?? 0) }]));
  const latestOf = new Map(latest.map((x) => [x.feed_id, x]));
  return feeds.map((f) => ({ feed: f, runs: runsOf.get(f.id) ?? { runs: 0, failed: 0 }, last: latestOf.get(f.id) }));
}
