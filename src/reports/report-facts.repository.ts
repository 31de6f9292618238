// SQL that gathers a period's facts (report-facts.ts): aggregates of shared objects grouped by
// the share they came from, so the per-reader filter can run later on the stored facts.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { FeedFact, IndicatorFact, RuleFact, SightedFact, WarningFact, WatchFact } from './report-facts.js';

export interface Window {
  from: string;
  to: string;
}

export async function warningFacts(db: Kysely<Database>, w: Window): Promise<WarningFact[]> {
  const rows = await db
    .selectFrom('warnings')
    .select(['id', 'title', 'kind', 'severity', 'status', 'created_at', 'share_id'])
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, kind: r.kind, severity: r.severity, status: r.status, createdAt: r.created_at, share: r.share_id }));
}

export async function indicatorFacts(db: Kysely<Database>, w: Window): Promise<IndicatorFact[]> {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('observables', 'observables.id', 'mentions.observable_id')
    .leftJoin('feeds', (j) => j.onRef('feeds.id', '=', 'mentions.source_id').on('mentions.source_kind', '=', 'feed'))
    .select(['mentions.share_id', 'observables.type', 'mentions.source_kind', 'feeds.name as feed_name', (eb) => eb.fn.countAll<number>().as('n')])
    .where('mentions.created_at', '>=', w.from)
    .where('mentions.created_at', '<', w.to)
    .groupBy(['mentions.share_id', 'observables.type', 'mentions.source_kind', 'feeds.name'])
    .execute();
  return rows.map((r) => ({ share: r.share_id, type: r.type, sourceKind: r.source_kind, source: r.feed_name ?? r.source_kind, count: Number(r.n) }));
}

export async function baselineWarnings(db: Kysely<Database>, w: Window): Promise<Array<{ share: string; kind: string; count: number }>> {
  const rows = await db
    .selectFrom('warnings')
    .select(['share_id', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .groupBy(['share_id', 'kind'])
    .execute();
  return rows.map((r) => ({ share: r.share_id, kind: r.kind, count: Number(r.n) }));
}

export async function baselineIndicators(db: Kysely<Database>, w: Window): Promise<Array<{ share: string; count: number }>> {
  const rows = await db
    .selectFrom('mentions')
    .select(['share_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .groupBy('share_id')
    .execute();
  return rows.map((r) => ({ share: r.share_id, count: Number(r.n) }));
}

/**
 * The most-sighted observables of the period (false positives and suppressed values left out),
 * each with the shares of the objects that mention it: a reader may see the value when one of
 * those is readable to them.
 */
export async function sightedFacts(db: Kysely<Database>, w: Window, limit: number): Promise<SightedFact[]> {
  const total = sql<number>`sum(sightings.count)`;
  const rows = await db
    .selectFrom('sightings')
    .innerJoin('observables', 'observables.id', 'sightings.observable_id')
    .select(['observables.id', 'observables.type', 'observables.value', total.as('n'), (eb) => eb.fn.count<number>('sightings.org_id').distinct().as('orgs')])
    .where('sightings.seen_at', '>=', w.from)
    .where('sightings.seen_at', '<', w.to)
    .where('sightings.false_positive', '=', 0)
    .where('observables.suppressed_at', 'is', null)
    .groupBy(['observables.id', 'observables.type', 'observables.value'])
    .orderBy(total, 'desc')
    .orderBy('observables.value')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const sharesOf = new Map<number, string[]>();
  const ids = rows.map((r) => Number(r.id));
  for (let i = 0; i < ids.length; i += 500) {
    const mentions = await db
      .selectFrom('mentions')
      .select(['observable_id', 'share_id'])
      .distinct()
      .where('observable_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const m of mentions) {
      const list = sharesOf.get(Number(m.observable_id)) ?? [];
      list.push(m.share_id);
      sharesOf.set(Number(m.observable_id), list);
    }
  }
  return rows.map((r) => ({
    type: r.type,
    value: r.value,
    sightings: Number(r.n),
    organisations: Number(r.orgs),
    shares: (sharesOf.get(Number(r.id)) ?? []).sort(),
  }));
}

export async function feedFacts(db: Kysely<Database>, w: Window): Promise<FeedFact[]> {
  const [feeds, runs] = await Promise.all([
    db
      .selectFrom('feeds')
      .select(['id', 'name', 'org_id', 'audience_kind', 'enabled', 'last_status', 'consecutive_failures', 'last_success_at'])
      .orderBy('name')
      .execute(),
    db
      .selectFrom('feed_runs')
      .select(['feed_id', (eb) => eb.fn.countAll<number>().as('runs'), sql<number>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed')])
      .where('started_at', '>=', w.from)
      .where('started_at', '<', w.to)
      .groupBy('feed_id')
      .execute(),
  ]);
  const runsOf = new Map(runs.map((r) => [r.feed_id, r]));
  return feeds.map((f) => {
    const r = runsOf.get(f.id);
    return {
      name: f.name,
      orgId: f.org_id,
      audienceKind: f.audience_kind,
      enabled: Number(f.enabled) === 1,
      lastStatus: f.last_status,
      consecutiveFailures: Number(f.consecutive_failures),
      runs: r ? Number(r.runs) : 0,
      failedRuns: r ? Number(r.failed ?? 0) : 0,
      lastSuccessAt: f.last_success_at,
    };
  });
}

/** Each organisation's watchlist hits in the period: how many, and the newest `keep`. */
export async function watchFacts(db: Kysely<Database>, w: Window, keep: number): Promise<Record<string, { total: number; items: WatchFact[] }>> {
  const [totals, rows] = await Promise.all([
    db
      .selectFrom('watch_matches')
      .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('matched_at', '>=', w.from)
      .where('matched_at', '<', w.to)
      .groupBy('org_id')
      .execute(),
    db
      .selectFrom('watch_matches')
      .innerJoin('observables', 'observables.id', 'watch_matches.observable_id')
      .select([
        'watch_matches.org_id',
        'watch_matches.asset_kind',
        'watch_matches.asset_value',
        'watch_matches.source_kind',
        'watch_matches.source_label',
        'watch_matches.share_id',
        'watch_matches.matched_at',
        'observables.type',
        'observables.value',
        sql<number>`row_number() over (partition by watch_matches.org_id order by watch_matches.matched_at desc, watch_matches.id)`.as('rank'),
      ])
      .where('watch_matches.matched_at', '>=', w.from)
      .where('watch_matches.matched_at', '<', w.to)
      .execute(),
  ]);
  const out: Record<string, { total: number; items: WatchFact[] }> = {};
  for (const t of totals) out[t.org_id] = { total: Number(t.n), items: [] };
  for (const r of rows.filter((x) => Number(x.rank) <= keep).sort((a, b) => Number(a.rank) - Number(b.rank))) {
    out[r.org_id]?.items.push({
      assetKind: r.asset_kind,
      assetValue: r.asset_value,
      type: r.type,
      value: r.value,
      source: r.source_label ?? r.source_kind,
      share: r.share_id,
      matchedAt: r.matched_at,
    });
  }
  return out;
}

/** The sharing rules of the given shares, as they are now (the report keeps them). */
export async function ruleFacts(db: Kysely<Database>, shareIds: Iterable<string>): Promise<Record<string, RuleFact>> {
  const ids = [...new Set(shareIds)].sort();
  const out: Record<string, RuleFact> = {};
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    const [shares, audience] = await Promise.all([
      db.selectFrom('shares').select(['id', 'tlp', 'audience_kind', 'producer_org_id', 'anonymous', 'public_label']).where('id', 'in', slice).execute(),
      db.selectFrom('share_audience').select(['share_id', 'kind', 'ref_id']).where('share_id', 'in', slice).orderBy('ref_id').execute(),
    ]);
    for (const s of shares) {
      out[s.id] = { tlp: s.tlp, audienceKind: s.audience_kind, producerOrgId: s.producer_org_id, audienceOrgIds: [], audienceGroupIds: [], anonymous: Number(s.anonymous) === 1, publicLabel: s.public_label };
    }
    for (const a of audience) {
      const rule = out[a.share_id];
      if (rule) (a.kind === 'org' ? rule.audienceOrgIds : rule.audienceGroupIds).push(a.ref_id);
    }
  }
  return out;
}

export async function directoryFacts(db: Kysely<Database>): Promise<{ memberships: Record<string, string[]>; orgNames: Record<string, string>; groupNames: Record<string, string> }> {
  const [members, orgs, groups] = await Promise.all([
    db.selectFrom('sharing_group_members').select(['org_id', 'group_id']).orderBy('org_id').orderBy('group_id').execute(),
    db.selectFrom('organisations').select(['id', 'name']).execute(),
    db.selectFrom('sharing_groups').select(['id', 'name']).execute(),
  ]);
  const memberships: Record<string, string[]> = {};
  for (const m of members) (memberships[m.org_id] ??= []).push(m.group_id);
  return { memberships, orgNames: Object.fromEntries(orgs.map((o) => [o.id, o.name])), groupNames: Object.fromEntries(groups.map((g) => [g.id, g.name])) };
}

/** When the hub started: its first account (the operator, made on first start). */
export async function hubStartedAt(db: Kysely<Database>): Promise<string | null> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.min('created_at').as('at')).executeTakeFirst();
  return row?.at ? String(row.at) : null;
}
