// The plain-text rendering of a report copy: the email's text part and `tocsin report generate`.
import { DateTime } from 'luxon';
import { plural } from './narrative.js';
import type { ReportView } from './report-view.js';

export function formatWhen(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).setLocale('en-GB').toFormat('d LLL yyyy, HH:mm');
}

export function periodLine(v: Pick<ReportView, 'from' | 'to' | 'timeZone'>): string {
  return `${formatWhen(v.from, v.timeZone)} to ${formatWhen(v.to, v.timeZone)} (${v.timeZone})`;
}

export function pct(n: number | null): string {
  if (n === null) return 'new';
  return `${n > 0 ? '+' : ''}${n}%`;
}

/** One line, no control characters: what users typed cannot break the layout of the mail. */
export function oneLine(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderReportText(v: ReportView, opts: { unsubscribeUrl?: string | undefined; settingsUrl?: string | undefined } = {}): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const heading = (s: string) => {
    line();
    line(s.toUpperCase());
    line('-'.repeat(s.length));
  };
  line(`TLP:${v.tlp.toUpperCase()}`);
  line(`${v.hubName}: ${v.title}`);
  line(`For: ${v.readerLabel}`);
  line(`Period: ${periodLine(v)}`);
  line();
  for (const s of v.narrative) line(s);
  line();
  const summary = [`Warnings: ${v.summary.warnings}`, `New indicators: ${v.summary.indicators}`, `Sightings: ${v.summary.sightings}`];
  if (v.summary.watchlistHits !== null) summary.push(`Watchlist hits: ${v.summary.watchlistHits}`);
  line(summary.join(' | '));

  for (const section of v.sections) {
    if (section === 'warnings' && v.warnings) {
      heading('Warnings');
      if (v.warnings.items.length === 0) line('None in this period.');
      for (const w of v.warnings.items) {
        line(`* [${w.severity.toUpperCase()}] ${oneLine(w.title)}`);
        line(`  ${w.kindLabel} | TLP:${w.tlp.toUpperCase()} | ${w.audience} | from ${oneLine(w.producer, 80)}${w.status !== 'active' ? ` | ${w.status}` : ''}`);
      }
      if (v.warnings.total > v.warnings.items.length) line(`… and ${v.warnings.total - v.warnings.items.length} more in the web app.`);
      if (v.warnings.byKind.length > 0) line(`By kind: ${v.warnings.byKind.map((k) => `${k.label} ${k.count}`).join(', ')}`);
    }
    if (section === 'indicators' && v.indicators) {
      heading('New indicators');
      line(`Total: ${v.indicators.total}`);
      if (v.indicators.byType.length > 0) line(`By type: ${v.indicators.byType.map((k) => `${k.label} ${k.count}`).join(', ')}`);
      if (v.indicators.bySource.length > 0) line(`By source: ${v.indicators.bySource.map((k) => `${oneLine(k.label, 80)} ${k.count}`).join(', ')}`);
    }
    if (section === 'most-sighted' && v.mostSighted) {
      heading('Most sighted');
      if (v.mostSighted.items.length === 0) line('None in this period.');
      for (const s of v.mostSighted.items) line(`* ${s.type} ${oneLine(s.value)}: ${plural(s.sightings, 'sighting')}, ${plural(s.organisations, 'organisation')}`);
    }
    if (section === 'changes' && v.changes) {
      heading(`Compared with the ${v.changes.comparedDays} days before`);
      for (const r of v.changes.rows) line(`* ${r.label}: ${r.current} (average ${r.average}, ${pct(r.changePct)})`);
    }
    if (section === 'feed-health' && v.feedHealth) {
      heading('Feed health');
      if (v.feedHealth.items.length === 0) line('None in this period.');
      for (const f of v.feedHealth.items) line(`* ${f.healthy ? 'OK  ' : 'FAIL'} ${oneLine(f.name, 80)}: ${f.status}, ${plural(f.runs, 'run')}, ${f.failedRuns} failed${f.lastSuccessAt ? `, last success ${formatWhen(f.lastSuccessAt, v.timeZone)}` : ''}`);
    }
    if (section === 'watchlist' && v.watchlist) {
      heading('Your watchlist');
      if (v.watchlist.items.length === 0) line('None in this period.');
      for (const h of v.watchlist.items) line(`* ${h.assetKind} ${oneLine(h.assetValue, 80)}: ${h.type} ${oneLine(h.value)} (${oneLine(h.source, 80)}, ${formatWhen(h.matchedAt, v.timeZone)})`);
      if (v.watchlist.total > v.watchlist.items.length) line(`… and ${v.watchlist.total - v.watchlist.items.length} more in the web app.`);
    }
  }
  if (v.advice && v.advice.length > 0) {
    heading('What you can do');
    for (const a of v.advice) {
      line(`${a.label}:`);
      for (const s of a.steps) line(`  - ${s}`);
    }
  }
  line();
  line(`Read it online: ${v.links.page}`);
  if (v.links.pdf) line(`PDF: ${v.links.pdf}`);
  if (v.links.csv) line(`Indicators (CSV): ${v.links.csv}`);
  if (v.links.stix) line(`Indicators (STIX 2.1): ${v.links.stix}`);
  if (opts.settingsUrl) line(`Choose what you receive: ${opts.settingsUrl}`);
  if (opts.unsubscribeUrl) line(`Unsubscribe: ${opts.unsubscribeUrl}`);
  return `${out.join('\n')}\n`;
}
