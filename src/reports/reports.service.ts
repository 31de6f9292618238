// Making reports and reading copies of them. A report is made once per period — whichever
// process gets there first inserts it, the others find it — and its facts are kept, so a copy
// read or rendered again later says what its reader could see when the report was made.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireOperator, requireScope, type Actor } from '../orgs/actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { latestEnded, periodForDate, periodOf, previousPeriod, scheduleOf, type Period } from './periods.js';
import { watchItemsKept, sightedKept, type ReportFacts } from './report-facts.js';
import {
  baselineIndicators,
  baselineWarnings,
  directoryFacts,
  feedFacts,
  hubStartedAt,
  indicatorFacts,
  ruleFacts,
  sightedFacts,
  warningFacts,
  watchFacts,
} from './report-facts.repository.js';
import { buildView, titleOf, type CopyOptions, type ReportMeta } from './report-build.js';
import { reportKinds, reportSections, type ReportKind, type ReportSection, type ReportView } from './report-view.js';
import { addresseesFor, existingPeriods, findReport, findReportByPeriod, insertReport, listReports, queueDeliveries, type ReportRow } from './reports.repository.js';

/** How many periods before a report its "changes" section compares against. */
const baselinePeriods: Record<ReportKind, number> = { daily: 7, weekly: 4, monthly: 3 };

export function parseKind(kind: string): ReportKind {
  if (!(reportKinds as readonly string[]).includes(kind)) throw new AppError('REPORT_KIND_UNKNOWN', { kind: kind.slice(0, 40), allowed: reportKinds.join(', ') });
  return kind as ReportKind;
}

export function parseSections(list: readonly string[]): ReportSection[] {
  for (const s of list) if (!(reportSections as readonly string[]).includes(s)) throw new AppError('REPORT_SECTION_UNKNOWN', { section: s.slice(0, 40), allowed: reportSections.join(', ') });
  return reportSections.filter((s) => list.includes(s));
}

/** The period a request names: by its key (2026-W49) or by a date inside it. */
export function resolvePeriod(ctx: AppContext, kind: ReportKind, q: { period?: string | undefined; date?: string | undefined }): Period {
  const s = scheduleOf(ctx.config);
  if (q.period && q.date) throw new AppError('REPORT_PERIOD_INVALID', { detail: 'give the period or a date in it, not both' });
  if (q.period) return periodOf(kind, q.period, s);
  if (q.date) return periodForDate(kind, q.date, s);
  return latestEnded(kind, ctx.now(), s);
}

async function checkMakeable(ctx: AppContext, p: Period): Promise<void> {
  if (Date.parse(p.to) > ctx.now().getTime()) throw new AppError('REPORT_IN_FUTURE', { kind: p.kind, period: p.key, until: p.to });
  const started = await hubStartedAt(ctx.db);
  if (started === null || p.to <= started) throw new AppError('REPORT_BEFORE_HUB', { kind: p.kind, period: p.key, since: started ?? 'never' });
}

/** Everything any copy of the report may say, with the rules that decide who sees what. */
export async function gatherFacts(ctx: AppContext, p: Period): Promise<ReportFacts> {
  const s = scheduleOf(ctx.config);
  let first = p;
  for (let i = 0; i < baselinePeriods[p.kind]; i++) first = previousPeriod(first, s);
  const window = { from: p.from, to: p.to };
  const before = { from: first.from, to: p.from };
  const [warnings, indicators, bw, bi, sighted, feeds, watch, directory] = await Promise.all([
    warningFacts(ctx.db, window),
    indicatorFacts(ctx.db, window),
    baselineWarnings(ctx.db, before),
    baselineIndicators(ctx.db, before),
    sightedFacts(ctx.db, window, sightedKept),
    feedFacts(ctx.db, window),
    watchFacts(ctx.db, window, watchItemsKept),
    directoryFacts(ctx.db),
  ]);
  const shares = new Set<string>();
  for (const list of [warnings, indicators, bw, bi]) for (const x of list) shares.add(x.share);
  for (const x of sighted) for (const sh of x.shares) shares.add(sh);
  for (const w of Object.values(watch)) for (const x of w.items) shares.add(x.share);
  return {
    version: 1,
    rules: await ruleFacts(ctx.db, shares),
    ...directory,
    warnings,
    indicators,
    baseline: { periods: baselinePeriods[p.kind], days: Math.round((Date.parse(before.to) - Date.parse(before.from)) / 86_400_000), warnings: bw, indicators: bi },
    sighted,
    feeds,
    watch,
  };
}

export interface MadeReport {
  report: ReportRow;
  /** this call made it (false: it existed, or another process made it at the same moment) */
  created: boolean;
  /** deliveries queued by this call */
  queued: number;
}

/**
 * Make the report of a period unless it exists. With `queue`, the subscribers' deliveries are
 * queued in the same transaction as the report, so each is mailed once whoever made it.
 */
export async function makeReport(ctx: AppContext, p: Period, opts: { queue: boolean }): Promise<MadeReport> {
  const existing = await findReportByPeriod(ctx.db, p.kind, p.key);
  if (existing) return { report: existing, created: false, queued: 0 };
  await checkMakeable(ctx, p);
  const facts = await gatherFacts(ctx, p);
  const row: ReportRow = {
    id: randomUUID(),
    kind: p.kind,
    period: p.key,
    period_from: p.from,
    period_to: p.to,
    time_zone: ctx.config.reportTimeZone,
    facts: JSON.stringify(facts),
    generated_at: ctx.now().toISOString(),
  };
  const made = await ctx.db.transaction().execute(async (trx) => {
    if (!(await insertReport(trx, row))) return null;
    // Without SMTP there is nobody to mail: the report is still made, read in the web app.
    const queued = opts.queue && ctx.mailer.configured ? await queueDeliveries(trx, row.id, await addresseesFor(trx, p.kind), row.generated_at) : 0;
    return { queued };
  });
  if (!made) return { report: (await findReportByPeriod(ctx.db, p.kind, p.key))!, created: false, queued: 0 };
  ctx.log.info({ reportId: row.id, kind: p.kind, period: p.key, queued: made.queued, bytes: row.facts.length }, 'report made');
  if (made.queued > 0) await ctx.bus.publish({ kind: 'wake' });
  return { report: row, created: true, queued: made.queued };
}

/**
 * The reports that fell due and are missing (the latest of each kind, and those missed while the
 * hub was down, back to reportCatchUpDays), made oldest first and queued for mailing.
 */
export async function makeDueReports(ctx: AppContext): Promise<MadeReport[]> {
  const s = scheduleOf(ctx.config);
  const now = ctx.now();
  const oldest = now.getTime() - ctx.config.reportCatchUpDays * 86_400_000;
  const started = await hubStartedAt(ctx.db);
  if (started === null) return [];
  const made: MadeReport[] = [];
  for (const kind of reportKinds) {
    // Always the latest (late rather than never); older missed ones inside the catch-up window.
    const latest = latestEnded(kind, now, s);
    if (latest.to <= started) continue;
    const due: Period[] = [latest];
    for (let p = previousPeriod(latest, s); Date.parse(p.to) > oldest && p.to > started; p = previousPeriod(p, s)) due.push(p);
    const have = await existingPeriods(ctx.db, kind, due.map((p) => p.key));
    for (const p of due.reverse()) {
      if (have.has(p.key)) continue;
      made.push(await makeReport(ctx, p, { queue: true }));
    }
  }
  return made;
}

export function metaOf(r: ReportRow): ReportMeta {
  return { id: r.id, kind: r.kind as ReportKind, period: r.period, from: r.period_from, to: r.period_to, timeZone: r.time_zone, generatedAt: r.generated_at };
}

const factsCache = new WeakMap<ReportRow, ReportFacts>();

export function factsOf(r: ReportRow): ReportFacts {
  let facts = factsCache.get(r);
  if (!facts) factsCache.set(r, (facts = JSON.parse(r.facts) as ReportFacts));
  return facts;
}

export function hubInfo(ctx: AppContext) {
  return { hubName: ctx.config.hubName, publicUrl: ctx.config.publicUrl };
}

/** The copy an actor reads: their organisation's view at the time, or the operators'. */
export function copyOptionsFor(actor: Pick<Actor, 'orgId' | 'isOperator'>, facts: ReportFacts, sections?: readonly ReportSection[]): CopyOptions {
  const label = actor.orgId ? (facts.orgNames[actor.orgId] ?? 'Your organisation') : 'Hub operators';
  return { edition: 'member', orgId: actor.orgId, isOperator: actor.isOperator, readerLabel: label, ...(sections ? { sections } : {}) };
}

export function publicCopy(ctx: AppContext, r: ReportRow): ReportView {
  return buildView(metaOf(r), factsOf(r), { edition: 'public', readerLabel: 'Public edition' }, hubInfo(ctx));
}

export async function reportForActor(ctx: AppContext, actor: Actor, id: string, sections?: readonly ReportSection[]): Promise<ReportView> {
  requireScope(actor, 'read');
  const r = await findReport(ctx.db, id);
  if (!r) throw new AppError('NOT_FOUND', { what: 'report' });
  const facts = factsOf(r);
  return buildView(metaOf(r), facts, copyOptionsFor(actor, facts, sections), hubInfo(ctx));
}

export interface ReportListItem {
  id: string;
  kind: ReportKind;
  period: string;
  from: string;
  to: string;
  timeZone: string;
  title: string;
  generatedAt: string;
  /** pass as `before` for the next page */
  cursor: string;
}

export function listItemOf(r: Omit<ReportRow, 'facts'>): ReportListItem {
  return {
    id: r.id,
    kind: r.kind as ReportKind,
    period: r.period,
    from: r.period_from,
    to: r.period_to,
    timeZone: r.time_zone,
    title: titleOf(r.kind as ReportKind, r.period_from, r.period_to, r.time_zone),
    generatedAt: r.generated_at,
    cursor: `${r.period_to}|${r.kind}`,
  };
}

/**
 * The archive: reports issued (that is, ended) on the dates from…to in the hub's time zone —
 * searching 7 December finds that morning's daily report — newest first.
 */
export async function listForActor(ctx: AppContext, actor: Actor | null, q: { kind?: string | undefined; from?: string | undefined; to?: string | undefined; limit?: number | undefined; before?: string | undefined }): Promise<ReportListItem[]> {
  if (actor) requireScope(actor, 'read');
  const kind = q.kind === undefined ? undefined : parseKind(q.kind);
  const zone = ctx.config.reportTimeZone;
  const day = (v: string | undefined, name: string, end: boolean) => {
    if (v === undefined) return undefined;
    const d = DateTime.fromISO(v, { zone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !d.isValid) throw new AppError('REPORT_PERIOD_INVALID', { detail: `${name} "${v.slice(0, 40)}" is not a date (YYYY-MM-DD)` });
    return (end ? d.plus({ days: 1 }) : d).startOf('day').toUTC().toISO()!;
  };
  let after: { to: string; kind: string } | undefined;
  if (q.before !== undefined) {
    const [to = '', k = ''] = q.before.split('|');
    if (Number.isNaN(Date.parse(to)) || (k !== '' && !(reportKinds as readonly string[]).includes(k))) throw new AppError('REPORT_PERIOD_INVALID', { detail: 'before must be the cursor of a listed report' });
    after = { to: new Date(Date.parse(to)).toISOString(), kind: k };
  }
  const rows = await listReports(ctx.db, { kind, issuedFrom: day(q.from, 'from', false), issuedTo: day(q.to, 'to', true), after, limit: Math.min(q.limit ?? 50, 500) });
  return rows.map(listItemOf);
}

/** `tocsin report generate` and the operator's button: make (or find) a period's report. */
export async function generateForOperator(ctx: AppContext, actor: Actor, kind: ReportKind, q: { period?: string | undefined; date?: string | undefined }, opts: { queue: boolean }): Promise<MadeReport> {
  requireOperator(actor, 'make reports');
  const p = resolvePeriod(ctx, kind, q);
  const made = await makeReport(ctx, p, opts);
  if (made.created) await recordAudit(ctx, ctx.db, actor, { action: 'report.generate', orgId: null, targetType: 'report', targetId: made.report.id, details: { kind, period: p.key } });
  return made;
}

/** Queue the subscribers of a report who have not had it yet (`tocsin report send`). */
export async function queueReport(ctx: AppContext, actor: Actor, r: ReportRow): Promise<number> {
  requireOperator(actor, 'send reports');
  const queued = await queueDeliveries(ctx.db, r.id, await addresseesFor(ctx.db, r.kind), ctx.now().toISOString());
  await recordAudit(ctx, ctx.db, actor, { action: 'report.send', orgId: null, targetType: 'report', targetId: r.id, details: { queued } });
  if (queued > 0) await ctx.bus.publish({ kind: 'wake' });
  return queued;
}
