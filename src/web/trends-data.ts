// The trend charts' tables (GET /api/intel/trends, src/intel/trends.service.ts) turned into what
// the bar charts draw: time buckets with every day or week present, the biggest series (the
// rest as "Other"), rankings, and the summary in words that names each chart for screen readers.
import type { Cell, ChartCategory, ChartSeries } from './components/chart.tsx';
import { formatNumber } from './format.ts';

export const trendChartIds = ['new-indicators', 'warnings-per-week', 'activity', 'most-sighted', 'feed-health'] as const;
export type TrendChartId = (typeof trendChartIds)[number];

export interface TrendTable {
  chart: TrendChartId;
  from: string;
  to: string;
  columns: string[];
  rows: Cell[][];
}

export const rangeChoices = [7, 30, 90, 365] as const;
export type RangeDays = (typeof rangeChoices)[number];

const dayMs = 86_400_000;

/** 'YYYY-MM-DD' of a time, in UTC (the hub counts days in UTC). */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The last `days` whole days, today included: the query the charts and the CSV links send. */
export function rangeQuery(days: number, now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - (days - 1) * dayMs), to: isoDay(now) };
}

/** The Monday (UTC) of the ISO week a day is in, as the hub groups weeks. */
export function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return isoDay(t - weekday * dayMs);
}

const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function dateOf(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** Every day (or week) from the table's start to its end, so quiet days show as gaps. */
export function timeBuckets(fromIso: string, toIso: string, bucket: 'day' | 'week'): ChartCategory[] {
  const out: ChartCategory[] = [];
  const end = Date.parse(toIso);
  let day = fromIso.slice(0, 10);
  if (bucket === 'week') day = weekOf(day);
  const step = bucket === 'week' ? 7 * dayMs : dayMs;
  for (let t = Date.parse(`${day}T00:00:00.000Z`); t < end; t += step) {
    const d = isoDay(t);
    out.push({ key: d, label: shortDate.format(dateOf(d)), title: bucket === 'week' ? `Week of ${longDate.format(dateOf(d))}` : longDate.format(dateOf(d)) });
  }
  return out;
}

export interface Pivot {
  categories: ChartCategory[];
  series: ChartSeries[];
  /** values[category][series] */
  values: number[][];
  seriesTotals: number[];
  total: number;
}

/** The column's index by name; -1 when the hub did not send it. */
export function col(table: TrendTable, name: string): number {
  return table.columns.indexOf(name);
}

function num(cell: Cell | undefined): number {
  return typeof cell === 'number' ? cell : Number(cell ?? 0) || 0;
}

const maxSeries = 7;

/** Counts over time, one series per group: the biggest seven and "Other". */
export function pivotTime(
  table: TrendTable,
  opts: { time: string; count: string; bucket: 'day' | 'week'; group(row: Cell[]): ChartSeries },
): Pivot {
  const categories = timeBuckets(table.from, table.to, opts.bucket);
  const at = new Map(categories.map((c, i) => [c.key, i]));
  const ti = col(table, opts.time);
  const ni = col(table, opts.count);
  const bySeries = new Map<string, { series: ChartSeries; total: number; cells: Map<number, number> }>();
  for (const row of table.rows) {
    const day = String(row[ti] ?? '').slice(0, 10);
    const index = at.get(opts.bucket === 'week' ? weekOf(day) : day);
    if (index === undefined) continue;
    const s = opts.group(row);
    let entry = bySeries.get(s.key);
    if (!entry) bySeries.set(s.key, (entry = { series: s, total: 0, cells: new Map() }));
    const n = num(row[ni]);
    entry.total += n;
    entry.cells.set(index, (entry.cells.get(index) ?? 0) + n);
  }
  let ranked = [...bySeries.values()].sort((a, b) => b.total - a.total || a.series.label.localeCompare(b.series.label));
  if (ranked.length > maxSeries) {
    const rest = ranked.slice(maxSeries - 1);
    const other = { series: { key: '\u0000other', label: 'Other' }, total: 0, cells: new Map<number, number>() };
    for (const r of rest) {
      other.total += r.total;
      for (const [i, n] of r.cells) other.cells.set(i, (other.cells.get(i) ?? 0) + n);
    }
    ranked = [...ranked.slice(0, maxSeries - 1), other];
  }
  const values = categories.map((_, ci) => ranked.map((r) => r.cells.get(ci) ?? 0));
  const seriesTotals = ranked.map((r) => r.total);
  return { categories, series: ranked.map((r) => r.series), values, seriesTotals, total: seriesTotals.reduce((a, b) => a + b, 0) };
}

/** A ranking: one row per category, its measures as series, biggest first, at most `limit`. */
export function pivotRank(
  table: TrendTable,
  opts: { category(row: Cell[]): ChartCategory; measures: ReadonlyArray<{ key: string; label: string; value(row: Cell[]): number }>; limit: number },
): Pivot {
  const rows = table.rows.map((row) => ({ c: opts.category(row), v: opts.measures.map((m) => m.value(row)) }));
  rows.sort((a, b) => b.v.reduce((x, y) => x + y, 0) - a.v.reduce((x, y) => x + y, 0) || a.c.label.localeCompare(b.c.label));
  const shown = rows.slice(0, opts.limit).filter((r) => r.v.some((v) => v > 0));
  const seriesTotals = opts.measures.map((_, i) => rows.reduce((n, r) => n + (r.v[i] ?? 0), 0));
  return {
    categories: shown.map((r) => r.c),
    series: opts.measures.map((m) => ({ key: m.key, label: m.label })),
    values: shown.map((r) => r.v),
    seriesTotals,
    total: seriesTotals.reduce((a, b) => a + b, 0),
  };
}

export function cellNumber(row: Cell[], index: number): number {
  return index < 0 ? 0 : num(row[index]);
}

export function cellText(row: Cell[], index: number): string | null {
  const v = index < 0 ? null : row[index];
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** "from 5 Jan 2026 to 11 Jan 2026" for the table's range (its end is exclusive). */
export function rangeText(table: TrendTable): string {
  const from = longDate.format(new Date(table.from));
  const last = longDate.format(new Date(Date.parse(table.to) - 1));
  return from === last ? `on ${from}` : `from ${from} to ${last}`;
}

/**
 * A time chart in words: "New indicators per day from … to …: 150,000 in total; the most on
 * Sat, 10 January 2026 (150,000). IPv4 address 150,000."
 */
export function timeSummary(title: string, table: TrendTable, p: Pivot, unit: string): string {
  if (p.total === 0) return `${title} ${rangeText(table)}: none.`;
  let peak = 0;
  const totals = p.values.map((row) => row.reduce((a, b) => a + b, 0));
  totals.forEach((t, i) => {
    if (t > (totals[peak] ?? 0)) peak = i;
  });
  const c = p.categories[peak];
  const when = !c ? '' : c.title?.startsWith('Week of ') ? ` in the week of ${c.title.slice(8)}` : ` on ${c.title ?? c.label}`;
  const parts = p.series.map((s, i) => `${s.label} ${formatNumber(p.seriesTotals[i] ?? 0)}`).join(', ');
  return `${title} ${rangeText(table)}: ${formatNumber(p.total)} ${unit} in total, the most${when} (${formatNumber(totals[peak] ?? 0)}). ${parts}.`;
}

/** A ranking in words: "Most-sighted indicators …: 203.0.113.7 12 sightings, …". */
export function rankSummary(title: string, table: TrendTable, p: Pivot, top = 5): string {
  if (p.categories.length === 0) return `${title} ${rangeText(table)}: none.`;
  const items = p.categories.slice(0, top).map((c, i) => `${c.title ?? c.label}: ${p.series.map((s, j) => `${formatNumber(p.values[i]?.[j] ?? 0)} ${s.label.toLowerCase()}`).join(', ')}`);
  const more = p.categories.length > top ? `; and ${p.categories.length - top} more` : '';
  return `${title} ${rangeText(table)}. ${items.join('; ')}${more}.`;
}
