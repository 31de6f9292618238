// The few sentences at the top of a report, written from its numbers (no outside service):
// what happened, what stands out against the weeks before, and what concerns this reader.
import type { ReportView } from './report-view.js';

type Parts = Pick<ReportView, 'kind' | 'edition' | 'summary' | 'warnings' | 'indicators' | 'changes' | 'mostSighted' | 'feedHealth' | 'watchlist'>;

const periodWords = { daily: 'day', weekly: 'week', monthly: 'month' } as const;
const whenWords = { daily: 'in the past 24 hours', weekly: 'in the past week', monthly: 'last month' } as const;
const averageWords = { daily: 'daily', weekly: 'weekly', monthly: 'monthly' } as const;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function list(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function narrativeOf(v: Parts): string[] {
  const out: string[] = [];
  const who = v.edition === 'public' ? 'Publicly shared' : 'Members shared';
  const { warnings, indicators } = v.summary;
  if (warnings === 0 && indicators === 0) {
    out.push(`A quiet ${periodWords[v.kind]}: no new warnings or indicators${v.edition === 'public' ? ' were published' : ' that you may see were shared'}.`);
  } else {
    out.push(`${who} ${plural(warnings, 'warning')} and ${plural(indicators, 'new indicator')} ${whenWords[v.kind]}.`);
  }
  const byKind = v.warnings?.byKind ?? [];
  if (byKind.length > 0) {
    const top = byKind[0]!;
    const row = v.changes?.rows.find((r) => r.label === `${top.label} warnings`);
    const trend = row && row.changePct !== null && Math.abs(row.changePct) >= 25 ? `, ${row.changePct > 0 ? 'up' : 'down'} ${Math.abs(row.changePct)}% on the ${averageWords[v.kind]} average` : '';
    out.push(`${top.label} was the most reported kind of attack (${plural(top.count, 'warning')}${trend}).`);
  }
  const severe = (v.warnings?.items ?? []).filter((w) => w.severity === 'critical' || w.severity === 'high');
  if (severe.length > 0) {
    const critical = severe.filter((w) => w.severity === 'critical').length;
    out.push(critical > 0 ? `${plural(critical, 'warning was', 'warnings were')} rated critical.` : `${plural(severe.length, 'warning was', 'warnings were')} rated high.`);
  }
  const all = v.changes?.rows.find((r) => r.label === 'New indicators');
  if (all && all.changePct !== null && Math.abs(all.changePct) >= 50 && all.current > 0) {
    out.push(`New indicators were ${all.changePct > 0 ? 'up' : 'down'} ${Math.abs(all.changePct)}% on the ${averageWords[v.kind]} average of the ${v.changes!.comparedDays} days before.`);
  }
  const top = v.mostSighted?.items[0];
  if (top) out.push(`The most-sighted indicator was ${shortValue(top.value)} (${plural(top.sightings, 'sighting')} by ${plural(top.organisations, 'organisation')}).`);
  if (v.watchlist && v.watchlist.total > 0) out.push(`Your watchlist caught ${plural(v.watchlist.total, 'new indicator')} touching your organisation's assets.`);
  const failing = (v.feedHealth?.items ?? []).filter((f) => !f.healthy && f.status !== 'disabled');
  if (failing.length > 0) out.push(`${plural(failing.length, 'feed is', 'feeds are')} failing: ${list(failing.slice(0, 3).map((f) => f.name))}${failing.length > 3 ? ' and others' : ''}.`);
  return out;
}

/** A value as it reads in a sentence: long URLs cut. */
function shortValue(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
