// Watchlists: new intel that touches an organisation's own assets becomes watch matches and one
// targeted alert per organisation (stream, webhooks, email), in the transaction that stored
// the intel; and the organisation's view of its matches.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { addMs, type AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { ArrivalSource } from '../intel/arrivals.js';
import type { TouchedObservable } from '../intel/ingest.repository.js';
import { memberAssetsList } from '../intel/warning-lists.js';
import { requireContributor, requireScope, type Actor } from '../orgs/actor.js';
import { loadAssets, readAssetsVersion, type OrgAssets } from '../orgs/organisations.repository.js';
import { recordEvent } from '../push/outbox.js';
import { canRead, loadShareRules, readerFor, type Reader, type ShareRule } from '../sharing/policy.js';
import { insertShare } from '../sharing/shares.js';
import type { Database } from '../store/schema.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import { WatchIndex, type MatchReason, type WatchAssetKind, type WatchHit } from './matching.js';
import { explainMatch, maxListedMatches, watchlistEventType, watchlistLink, type WatchlistAlert, type WatchlistEventMatch } from './watchlist-event.js';
import {
  acknowledgeWatchMatch,
  countWatchMatches,
  loadGroupIds,
  findSuppressed,
  findWatchMatch,
  insertWatchMatches,
  listWatchMatches,
  loadAllWatchAssets,
  setWatchMatchEvent,
  type NewWatchMatch,
  type WatchMatchRow,
} from './watchlists.repository.js';

/** What intelArrived reports back: publish `eventIds` on the bus after the commit. */
export interface ArrivalResult {
  /** watch matches written (new ones only: a value already matched for that source is not again) */
  matches: number;
  /** one event per organisation alerted */
  eventIds: number[];
}

/** Nothing matched (a fresh object each time: callers may merge into it). */
export function noArrival(): ArrivalResult {
  return { matches: 0, eventIds: [] };
}

// ---------------------------------------------------------------------------------------
// The index, per process and store

const indexes = new WeakMap<object, { version: string; index: Promise<WatchIndex> }>();

/**
 * The matcher over every organisation's assets. The assets version (bumped in the transaction
 * that changes any organisation's assets) is read on each call, one primary-key read, so every
 * process sees an asset change with its commit. Reads go through `db` (the caller's transaction).
 */
export async function watchIndex(ctx: Pick<AppContext, 'db'>, db: Kysely<Database>): Promise<WatchIndex> {
  const version = await readAssetsVersion(db);
  const hit = indexes.get(ctx.db);
  if (hit && hit.version === version) return hit.index;
  const index = loadAllWatchAssets(db).then((assets) => new WatchIndex(assets));
  indexes.set(ctx.db, { version, index });
  index.catch(() => {
    if (indexes.get(ctx.db)?.index === index) indexes.delete(ctx.db);
  });
  return index;
}

/** Forget this process's index (tests; the version check makes it unnecessary otherwise). */
export function invalidateWatchIndex(db: Kysely<Database>): void {
  indexes.delete(db);
}

// ---------------------------------------------------------------------------------------
// Arrivals

interface Candidate {
  touched: TouchedObservable;
  hit: WatchHit;
  rule: ShareRule;
}

/** The body of intelArrived: see arrivals.ts for the contract. */
export async function recordArrival(ctx: AppContext, trx: Kysely<Database>, source: ArrivalSource, touched: readonly TouchedObservable[]): Promise<ArrivalResult> {
  // Values on a shared warning list (private ranges, resolvers, popular sites) never alert;
  // those on the members' own assets list are exactly what watchlists are about.
  const fresh = touched.filter((t) => t.warningList === null || t.warningList === memberAssetsList);
  if (fresh.length === 0) return noArrival();
  const index = await watchIndex(ctx, trx);
  if (index.orgCount === 0) return noArrival();
  const hits: Array<{ touched: TouchedObservable; hit: WatchHit }> = [];
  for (const t of fresh) for (const hit of index.match(t.type, t.value)) hits.push({ touched: t, hit });
  if (hits.length === 0) return noArrival();

  const orgIds = [...new Set(hits.map((h) => h.hit.orgId))];
  const [rules, groups, suppressed] = await Promise.all([
    loadShareRules(trx, [...new Set(hits.map((h) => h.touched.shareId))]),
    loadGroupIds(trx, orgIds),
    findSuppressed(trx, [...new Set(hits.map((h) => h.touched.observableId))]),
  ]);
  const readers = new Map<string, Reader>(orgIds.map((orgId) => [orgId, { orgId, groupIds: groups.get(orgId) ?? new Set(), isOperator: false, anonymous: false }]));
  const allowed: Candidate[] = [];
  for (const h of hits) {
    const rule = rules.get(h.touched.shareId);
    if (!rule || suppressed.has(h.touched.observableId)) continue;
    // The organisation hears only of what it may read: a RED warning to A never tells B about B's asset.
    if (!canRead(readers.get(h.hit.orgId)!, rule)) continue;
    // Its own warning naming its own assets tells it nothing new.
    if (source.kind === 'warning' && rule.producerOrgId === h.hit.orgId) continue;
    allowed.push({ ...h, rule });
  }
  if (allowed.length === 0) return noArrival();

  const now = ctx.now().toISOString();
  const rows: Array<NewWatchMatch & { candidate: Candidate }> = allowed.map((c) => ({
    id: randomUUID(),
    org_id: c.hit.orgId,
    observable_id: c.touched.observableId,
    source_kind: source.kind,
    source_id: source.id,
    share_id: c.touched.shareId,
    asset_kind: c.hit.assetKind,
    asset_value: c.hit.assetValue,
    reason: c.hit.reason,
    source_label: source.label.slice(0, 500),
    matched_at: now,
    candidate: c,
  }));
  const written = await insertWatchMatches(
    trx,
    rows.map(({ candidate: _c, ...row }) => row),
  );
  const byOrg = new Map<string, Array<(typeof rows)[number]>>();
  for (const r of rows) {
    if (!written.has(r.id)) continue;
    const list = byOrg.get(r.org_id);
    if (list) list.push(r);
    else byOrg.set(r.org_id, [r]);
  }

  const eventIds: number[] = [];
  for (const [orgId, matches] of byOrg) {
    const tlp = strictest(['amber', ...matches.map((m) => m.candidate.rule.tlp)]);
    // Addressed to this organisation only, from the hub itself (no producer).
    const share = await insertShare(trx, { tlp, audienceKind: 'orgs', producerOrgId: null, audienceOrgIds: [orgId], audienceGroupIds: [], anonymous: false }, { userId: null, publicLabel: null }, now);
    const payload = eventPayload(ctx, orgId, tlp, source, matches);
    const eventId = await recordEvent(ctx, trx, {
      type: watchlistEventType,
      shareId: share.id,
      subjectId: source.id,
      rule: share,
      // Filters: see docs/WATCHLISTS.md — kinds and groups do not apply, TLP and severity do.
      meta: { tlp, kind: 'watchlist', severity: 'high', groupIds: [], targeted: true },
      full: payload,
      others: payload,
      actorUserId: null,
    });
    await setWatchMatchEvent(
      trx,
      matches.map((m) => m.id),
      eventId,
    );
    eventIds.push(eventId);
  }
  return { matches: written.size, eventIds };
}

function eventPayload(ctx: AppContext, orgId: string, tlp: Tlp, source: ArrivalSource, rows: ReadonlyArray<NewWatchMatch & { candidate: Candidate }>): WatchlistAlert {
  const matches: WatchlistEventMatch[] = rows.slice(0, maxListedMatches).map((r) => {
    const m = { value: r.candidate.touched.value, asset: { kind: r.asset_kind as WatchAssetKind, value: r.asset_value }, reason: r.reason as MatchReason };
    return { id: r.id, type: r.candidate.touched.type, ...m, explanation: explainMatch(m), tlp: r.candidate.rule.tlp };
  });
  return {
    type: watchlistEventType,
    watchlist: {
      orgId,
      tlp,
      source: { kind: source.kind, id: source.id, label: source.label, link: source.kind === 'warning' ? `${ctx.config.publicUrl}/warnings/${encodeURIComponent(source.id)}` : null },
      matchCount: rows.length,
      matches,
      link: watchlistLink(ctx.config.publicUrl),
    },
  };
}

function strictest(tlps: readonly Tlp[]): Tlp {
  return tlps.reduce<Tlp>((a, b) => (tlpLevels.indexOf(b) > tlpLevels.indexOf(a) ? b : a), 'clear');
}

// ---------------------------------------------------------------------------------------
// The organisation's view

export interface WatchMatch {
  id: string;
  observable: { id: number; type: string; value: string };
  source: { kind: string; id: string; label: string | null };
  asset: { kind: string; value: string };
  reason: string;
  explanation: string;
  tlp: string;
  eventId: number | null;
  matchedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface Watchlist {
  orgId: string;
  assets: OrgAssets;
  assetCount: number;
  matches: { total: number; unacknowledged: number; last7Days: number; lastMatchAt: string | null };
}

export interface WatchMatchPage {
  items: WatchMatch[];
  /** pass as `cursor` for the next page; null on the last */
  nextCursor: string | null;
}

function ownOrg(actor: Actor): string {
  requireScope(actor, 'read');
  // A watchlist belongs to an organisation: an operator reads what it may see, not an org's matches.
  if (!actor.orgId) throw forbidden('read a watchlist without an organisation');
  return actor.orgId;
}

export async function getWatchlist(ctx: AppContext, actor: Actor): Promise<Watchlist> {
  const orgId = ownOrg(actor);
  const reader = await readerFor(ctx.db, actor);
  const [assets, counts] = await Promise.all([loadAssets(ctx.db, [orgId]), countWatchMatches(ctx.db, orgId, reader, addMs(ctx.now().toISOString(), -7 * 86_400_000))]);
  const a = assets.get(orgId)!;
  const assetCount = a.domains.length + a.ipRanges.length + a.asns.length + a.emailDomains.length + a.brands.length + a.lookalikePatterns.length;
  return { orgId, assets: a, assetCount, matches: { total: counts.total, unacknowledged: counts.unacknowledged, last7Days: counts.since, lastMatchAt: counts.lastMatchAt } };
}

export async function listMatches(ctx: AppContext, actor: Actor, query: { acknowledged?: boolean | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<WatchMatchPage> {
  const orgId = ownOrg(actor);
  const reader = await readerFor(ctx.db, actor);
  const limit = query.limit ?? 50;
  const rows = await listWatchMatches(ctx.db, orgId, reader, { acknowledged: query.acknowledged, after: query.cursor ? decodeCursor(query.cursor) : undefined, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toWatchMatch), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function acknowledgeMatch(ctx: AppContext, actor: Actor, id: string): Promise<WatchMatch> {
  requireContributor(actor, 'acknowledge watchlist matches');
  const orgId = ownOrg(actor);
  const reader = await readerFor(ctx.db, actor);
  const found = await ctx.db.transaction().execute(async (trx) => {
    const row = await findWatchMatch(trx, orgId, reader, id);
    // Another organisation's match and no match look the same.
    if (!row) throw notFound('watchlist match');
    if (row.acknowledged_at === null) {
      await acknowledgeWatchMatch(trx, orgId, id, actor.userId, ctx.now().toISOString());
      await recordAudit(ctx, trx, actor, { action: 'watchlist.acknowledge', orgId, targetType: 'watch_match', targetId: id, details: { value: row.value, asset: row.asset_value } });
    }
    return findWatchMatch(trx, orgId, reader, id);
  });
  return toWatchMatch(found!);
}

function toWatchMatch(r: WatchMatchRow): WatchMatch {
  const asset = { kind: r.asset_kind, value: r.asset_value };
  return {
    id: r.id,
    observable: { id: r.observable_id, type: r.type, value: r.value },
    source: { kind: r.source_kind, id: r.source_id, label: r.source_label },
    asset,
    reason: r.reason,
    explanation: explainMatch({ value: r.value, asset: { kind: r.asset_kind as WatchAssetKind, value: r.asset_value }, reason: r.reason as MatchReason }),
    tlp: r.tlp,
    eventId: r.event_id,
    matchedAt: r.matched_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
  };
}

function encodeCursor(r: WatchMatchRow): string {
  return Buffer.from(JSON.stringify([r.matched_at, r.id])).toString('base64url');
}

function decodeCursor(cursor: string): { matchedAt: string; id: string } {
  try {
    const [matchedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof matchedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(matchedAt))) return { matchedAt, id };
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { detail: 'cursor is not one this hub gave out; start again without it' });
}
