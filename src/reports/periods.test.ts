// Report periods in the hub's time zone: named and bounded as the schedule says, across clock
// changes, week-year edges and month ends, with keys that name no real period refused.
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { latestEnded, periodForDate, periodOf, previousPeriod, scheduleOf, type Schedule } from './periods.js';

const la: Schedule = scheduleOf({ reportTime: '07:00', reportTimeZone: 'America/Los_Angeles', reportWeekday: 'monday' });
const utc: Schedule = scheduleOf({ reportTime: '06:30', reportTimeZone: 'UTC', reportWeekday: 'friday' });

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('report periods', () => {
  it('names a daily report after the morning it is issued and covers the 24 hours before', () => {
    expect(periodOf('daily', '2026-12-07', la)).toEqual({ kind: 'daily', key: '2026-12-07', from: '2026-12-06T15:00:00.000Z', to: '2026-12-07T15:00:00.000Z' });
    expect(periodOf('daily', '2026-03-01', utc)).toEqual({ kind: 'daily', key: '2026-03-01', from: '2026-02-28T06:30:00.000Z', to: '2026-03-01T06:30:00.000Z' });
  });

  it('keeps the report time local across a clock change (a 23-hour and a 25-hour day)', () => {
    // Clocks in Los Angeles go forward on 8 March 2026 and back on 1 November 2026.
    const spring = periodOf('daily', '2026-03-08', la);
    expect(spring).toMatchObject({ from: '2026-03-07T15:00:00.000Z', to: '2026-03-08T14:00:00.000Z' });
    expect(periodOf('daily', '2026-03-09', la)).toMatchObject({ from: '2026-03-08T14:00:00.000Z', to: '2026-03-09T14:00:00.000Z' });
    const autumn = periodOf('daily', '2026-11-01', la);
    expect(Date.parse(autumn.to) - Date.parse(autumn.from)).toBe(25 * 3_600_000);
  });

  it('names weeks after the ISO week they start in, on the configured weekday', () => {
    expect(periodOf('weekly', '2026-W49', la)).toEqual({ kind: 'weekly', key: '2026-W49', from: '2026-11-30T15:00:00.000Z', to: '2026-12-07T15:00:00.000Z' });
    expect(periodOf('weekly', '2026-W49', utc)).toMatchObject({ from: '2026-12-04T06:30:00.000Z', to: '2026-12-11T06:30:00.000Z' });
    // ISO week 1 of 2027 starts on Monday 4 January; 2026 has 53 weeks.
    expect(periodOf('weekly', '2027-W01', la).from).toBe('2027-01-04T15:00:00.000Z');
    expect(periodOf('weekly', '2026-W53', la).from).toBe('2026-12-28T15:00:00.000Z');
    expect(code(() => periodOf('weekly', '2027-W53', la))).toBe('REPORT_PERIOD_INVALID');
  });

  it('names months after the month they cover', () => {
    expect(periodOf('monthly', '2026-02', la)).toEqual({ kind: 'monthly', key: '2026-02', from: '2026-02-01T15:00:00.000Z', to: '2026-03-01T15:00:00.000Z' });
    expect(periodOf('monthly', '2026-12', utc)).toMatchObject({ to: '2027-01-01T06:30:00.000Z' });
  });

  it('refuses keys that name no period', () => {
    for (const [kind, key] of [
      ['daily', '2026-02-30'],
      ['daily', '2026-13-01'],
      ['daily', '26-12-07'],
      ['daily', '2026-12-07T00:00'],
      ['weekly', '2026-W00'],
      ['weekly', '2026-49'],
      ['monthly', '2026-00'],
      ['monthly', '2026-12-01'],
    ] as const) {
      expect(code(() => periodOf(kind, key, la)), `${kind} ${key}`).toBe('REPORT_PERIOD_INVALID');
    }
    expect(code(() => periodForDate('daily', 'yesterday', la))).toBe('REPORT_PERIOD_INVALID');
  });

  it('finds the latest period that has ended, and the ones before', () => {
    // 06:59 in Los Angeles on 7 December: that morning's report is not due yet.
    expect(latestEnded('daily', new Date('2026-12-07T14:59:00.000Z'), la).key).toBe('2026-12-06');
    expect(latestEnded('daily', new Date('2026-12-07T15:00:00.000Z'), la).key).toBe('2026-12-07');
    // Monday 7 December before 07:00 local: the week that ends then has not ended.
    expect(latestEnded('weekly', new Date('2026-12-07T14:00:00.000Z'), la).key).toBe('2026-W48');
    expect(latestEnded('weekly', new Date('2026-12-07T16:00:00.000Z'), la).key).toBe('2026-W49');
    expect(latestEnded('weekly', new Date('2026-12-09T16:00:00.000Z'), la).key).toBe('2026-W49');
    expect(latestEnded('monthly', new Date('2026-12-01T14:00:00.000Z'), la).key).toBe('2026-10');
    expect(latestEnded('monthly', new Date('2026-12-01T16:00:00.000Z'), la).key).toBe('2026-11');
    const p = periodOf('daily', '2026-03-09', la);
    expect(previousPeriod(p, la)).toEqual(periodOf('daily', '2026-03-08', la));
    expect(previousPeriod(periodOf('weekly', '2027-W01', la), la).key).toBe('2026-W53');
    expect(previousPeriod(periodOf('monthly', '2026-01', la), la).key).toBe('2025-12');
  });

  it('maps a date to the period of each kind that holds its report', () => {
    expect(periodForDate('daily', '2026-12-07', la).key).toBe('2026-12-07');
    expect(periodForDate('weekly', '2026-12-09', la).key).toBe('2026-W50');
    expect(periodForDate('monthly', '2026-12-09', la).key).toBe('2026-12');
  });
});
