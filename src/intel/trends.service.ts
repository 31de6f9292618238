// Trend charts over a time range (30 days by default, at most 366): new indicators per day,
// warnings per week by attack kind, activity by region and organisation kind, the most-sighted
// indicators and feed health. Each chart is a table (columns + rows), also served as CSV.
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { readerFor } from '../sharing/policy.js';
import type { Cell } from './trends.csv.js';
import { feedHealthRows, mostSightedRows, newIndicatorRows, sightingActivityRows, warningActivityRows, warningDayRows, type Range } from './trends.repository.js';

export const trendCharts = ['new-indicators', 'warnings-per-week', 'activity', 'most-sighted', 'feed-health'] as const;
export type TrendChart = (typeof trendCharts)[number];

const dayMs = 86_400_000;
export const defaultRangeDays = 30;
export const maxRangeDays = 366;
const mostSightedLimit = 50;

export interface TrendTable {
  chart: TrendChart;
  from: string;
  to: string;
  columns: string[];
  rows: Cell[][];
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** A bound: a date means its midnight (UTC) — for `to`, the midnight after it, so the day counts. */
function parseBound(text: string, name: string, end: boolean): number {
  const t = Date.parse(dateOnly.test(text) ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(t)) throw new AppError('TRENDS_RANGE_INVALID', { detail: `${name} "${text.slice(0, 40)}" is not a date (YYYY-MM-DD) or a date and time` });
  return end && dateOnly.test(text) ? t + dayMs : t;
}

export function rangeOf(q: { from?: string | undefined; to?: string | undefined }, now: Date): Range {
  const to = q.to ? parseBound(q.to, 'to', true) : now.getTime();
  const from = q.from ? parseBound(q.from, 'from', false) : to - defaultRangeDays * dayMs;
  if (from >= to) throw new AppError('TRENDS_RANGE_INVALID', { detail: '"from" must be before "to"' });
  if (to - from > maxRangeDays * dayMs) throw new AppError('TRENDS_RANGE_INVALID', { detail: `the range is longer than ${maxRangeDays} days` });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The Monday (UTC) of the ISO week a day is in. */
export function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * dayMs).toISOString().slice(0, 10);
}

const byText = (a: Cell[], b: Cell[]) => {
  for (let i = 0; i < a.length; i++) {
    const x = String(a[i] ?? '');
    const y = String(b[i] ?? '');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

export async function trend(ctx: AppContext, actor: Actor, q: { chart: TrendChart; from?: string | undefined; to?: string | undefined }): Promise<TrendTable> {
  requireScope(actor, 'read');
  const range = rangeOf(q, ctx.now());
  const reader = await readerFor(ctx.db, actor);
  const table = (columns: string[], rows: Cell[][]): TrendTable => ({ chart: q.chart, from: range.from, to: range.to, columns, rows });
  switch (q.chart) {
    case 'new-indicators': {
      const rows = await newIndicatorRows(ctx.db, reader, range);
      return table(
        ['day', 'type', 'sourceKind', 'feedId', 'feed', 'count'],
        rows.map((r): Cell[] => [r.day, r.type, r.source_kind, r.feed_id, r.feed_name, r.n]).sort(byText),
      );
    }
    case 'warnings-per-week': {
      const weeks = new Map<string, number>();
      for (const r of await warningDayRows(ctx.db, reader, range)) {
        const key = `${weekOf(r.day)}\u0000${r.kind}`;
        weeks.set(key, (weeks.get(key) ?? 0) + r.n);
      }
      const rows = [...weeks.entries()].map(([k, n]): Cell[] => [...k.split('\u0000'), n]).sort(byText);
      return table(['week', 'kind', 'count'], rows);
    }
    case 'activity': {
      const [warnings, sightings] = await Promise.all([warningActivityRows(ctx.db, reader, range), sightingActivityRows(ctx.db, range)]);
      const cells = new Map<string, { region: string | null; kind: string | null; warnings: number; sightings: number; reports: number }>();
      const at = (anonymous: number, region: string | null, kind: string | null) => {
        const r = anonymous ? null : region;
        const k = anonymous ? 'anonymous' : (kind ?? 'hub');
        const key = `${r ?? ''}\u0000${k}`;
        let c = cells.get(key);
        if (!c) cells.set(key, (c = { region: r, kind: k, warnings: 0, sightings: 0, reports: 0 }));
        return c;
      };
      for (const w of warnings) at(w.anonymous, w.region, w.kind).warnings += w.n;
      for (const s of sightings) {
        const c = at(s.anonymous, s.region, s.kind);
        c.sightings += s.n;
        c.reports += s.reports;
      }
      const rows = [...cells.values()].map((c): Cell[] => [c.region, c.kind, c.warnings, c.sightings, c.reports]).sort(byText);
      return table(['region', 'orgKind', 'warnings', 'sightings', 'sightingReports'], rows);
    }
    case 'most-sighted': {
      const rows = await mostSightedRows(ctx.db, range, mostSightedLimit);
      return table(
        ['observableId', 'type', 'value', 'sightings', 'organisations', 'lastSightedAt'],
        rows.map((r) => [r.id, r.type, r.value, r.n, r.orgs, r.last]),
      );
    }
    case 'feed-health': {
      const rows = await feedHealthRows(ctx.db, reader, range);
      return table(
        ['feedId', 'feed', 'kind', 'enabled', 'lastStatus', 'lastRunAt', 'lastSuccessAt', 'consecutiveFailures', 'runs', 'failedRuns', 'lastNew', 'lastUpdated', 'lastUnchanged', 'lastRejected', 'lastDurationMs'],
        rows.map(({ feed: f, runs, last }) => [
          f.id,
          f.name,
          f.kind,
          Number(f.enabled) === 1,
          f.last_status,
          f.last_run_at,
          f.last_success_at,
          Number(f.consecutive_failures),
          runs.runs,
          runs.failed,
          last ? Number(last.new_count) : null,
          last ? Number(last.updated_count) : null,
          last ? Number(last.unchanged_count) : null,
          last ? Number(last.rejected_count) : null,
          last?.duration_ms === null || last?.duration_ms === undefined ? null : Number(last.duration_ms),
        ]),
      );
    }
  }
}
