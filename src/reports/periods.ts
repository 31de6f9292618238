// Report periods in the hub's time zone. A daily report is named after the morning it is
// issued and covers the 24 hours before the report time (23 or 25 across a clock change); a
// weekly digest is named after the ISO week in which it starts, on the configured weekday; a
// monthly digest after the calendar month it covers. Periods are computed, never stored as a
// schedule, so a hub that was down finds the ones it missed by counting back from now.
import { DateTime, type WeekdayNumbers } from 'luxon';
import type { Config, ReportWeekday } from '../config/config.js';
import { AppError } from '../errors.js';
import type { ReportKind } from './report-view.js';

export interface Schedule {
  hour: number;
  minute: number;
  zone: string;
  /** ISO weekday of the weekly digest: 1 = Monday … 7 = Sunday */
  weekday: number;
}

export interface Period {
  kind: ReportKind;
  key: string;
  /** ISO-8601 UTC, [from, to) */
  from: string;
  to: string;
}

const weekdays: readonly ReportWeekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function scheduleOf(config: Pick<Config, 'reportTime' | 'reportTimeZone' | 'reportWeekday'>): Schedule {
  const [hour, minute] = config.reportTime.split(':').map(Number) as [number, number];
  return { hour, minute, zone: config.reportTimeZone, weekday: weekdays.indexOf(config.reportWeekday) + 1 };
}

const keyPatterns: Record<ReportKind, RegExp> = {
  daily: /^(\d{4})-(\d{2})-(\d{2})$/,
  weekly: /^(\d{4})-W(\d{2})$/,
  monthly: /^(\d{4})-(\d{2})$/,
};

const keyExamples: Record<ReportKind, string> = { daily: '2026-12-07', weekly: '2026-W49', monthly: '2026-11' };

/** The start of a period as a local date-time, or null when the key names no real day, week or month. */
function startOf(kind: ReportKind, key: string, s: Schedule): DateTime | null {
  const m = keyPatterns[kind].exec(key);
  if (!m) return null;
  const at = { hour: s.hour, minute: s.minute, second: 0, millisecond: 0 };
  let start: DateTime;
  if (kind === 'daily') {
    const issued = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), ...at }, { zone: s.zone });
    if (!issued.isValid || issued.toISODate() !== key) return null;
    start = issued.minus({ days: 1 });
  } else if (kind === 'weekly') {
    start = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: s.weekday as WeekdayNumbers, ...at }, { zone: s.zone });
    if (!start.isValid || start.weekNumber !== Number(m[2])) return null;
  } else {
    start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1, ...at }, { zone: s.zone });
    if (!start.isValid) return null;
  }
  return start;
}

function endOf(kind: ReportKind, start: DateTime, s: Schedule): DateTime {
  const next = kind === 'daily' ? start.plus({ days: 1 }) : kind === 'weekly' ? start.plus({ weeks: 1 }) : start.plus({ months: 1 });
  // Wall-clock arithmetic: across a clock change the report time stays 07:00 local.
  return next.set({ hour: s.hour, minute: s.minute });
}

function keyOf(kind: ReportKind, start: DateTime): string {
  if (kind === 'daily') return start.plus({ days: 1 }).toISODate()!;
  if (kind === 'weekly') return `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
  return start.toFormat('yyyy-MM');
}

function toPeriod(kind: ReportKind, start: DateTime, s: Schedule): Period {
  return { kind, key: keyOf(kind, start), from: start.toUTC().toISO()!, to: endOf(kind, start, s).toUTC().toISO()! };
}

/** The period a key names; REPORT_PERIOD_INVALID when it names none. */
export function periodOf(kind: ReportKind, key: string, s: Schedule): Period {
  const start = startOf(kind, key, s);
  if (!start) throw new AppError('REPORT_PERIOD_INVALID', { detail: `"${key.slice(0, 40)}" is not a ${kind} period (e.g. ${keyExamples[kind]})` });
  return toPeriod(kind, start, s);
}

/** The period of a kind that a local date falls in the report of: daily → that morning's report, weekly → its ISO week, monthly → its month. */
export function periodForDate(kind: ReportKind, date: string, s: Schedule): Period {
  const day = DateTime.fromISO(date, { zone: s.zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) throw new AppError('REPORT_PERIOD_INVALID', { detail: `"${date.slice(0, 40)}" is not a date (YYYY-MM-DD)` });
  if (kind === 'daily') return periodOf('daily', date, s);
  if (kind === 'weekly') return periodOf('weekly', `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`, s);
  return periodOf('monthly', day.toFormat('yyyy-MM'), s);
}

/** The most recent period of a kind that has ended by `now`. */
export function latestEnded(kind: ReportKind, now: Date, s: Schedule): Period {
  const local = DateTime.fromJSDate(now, { zone: s.zone });
  const at = { hour: s.hour, minute: s.minute, second: 0, millisecond: 0 };
  let start: DateTime;
  if (kind === 'daily') start = local.set(at).minus({ days: 1 });
  else if (kind === 'weekly') start = local.set({ weekday: s.weekday as WeekdayNumbers, ...at }).minus({ weeks: 1 });
  else start = local.set({ day: 1, ...at }).minus({ months: 1 });
  // Before today's (this week's, this month's) report time, the period ending then has not ended.
  while (endOf(kind, start, s).toMillis() > now.getTime()) start = previousStart(kind, start, s);
  return toPeriod(kind, start, s);
}

function previousStart(kind: ReportKind, start: DateTime, s: Schedule): DateTime {
  const prev = kind === 'daily' ? start.minus({ days: 1 }) : kind === 'weekly' ? start.minus({ weeks: 1 }) : start.minus({ months: 1 });
  return prev.set({ hour: s.hour, minute: s.minute });
}

/** The period just before this one. */
export function previousPeriod(p: Period, s: Schedule): Period {
  const start = DateTime.fromISO(p.from, { zone: s.zone });
  return toPeriod(p.kind, previousStart(p.kind, start, s), s);
}

/** The local date of an instant, in the schedule's zone: 2026-12-07. */
export function localDate(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toISODate()!;
}
