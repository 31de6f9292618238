// The HTML rendering of a report copy: the email's HTML part and the public edition's page.
// Inline styles and tables only (mail clients ignore style sheets); every text a user or a feed
// wrote is escaped, and indicator values are defanged in the view so nothing is a live link.
import { escapeHtml as esc } from '../mail/mailer.js';
import type { ReportCount, ReportView } from './report-view.js';
import { formatWhen, oneLine, pct, periodLine } from './report.text.js';

const cell = 'padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top';
const head = `${cell};background:#f3f3f3`;
// TLP 2.0 colours, on white (the standard's own contrast advice).
const tlpColour: Record<string, string> = { red: '#cc0033', 'amber+strict': '#b36b00', amber: '#b36b00', green: '#2f7d32', clear: '#000000' };
const severityColour: Record<string, string> = { critical: '#8b0000', high: '#b34700', medium: '#7a6000', low: '#35613a' };

function table(headers: string[], rows: string[][]): string {
  return `<table style="border-collapse:collapse;width:100%;font-size:14px"><thead><tr>${headers.map((h) => `<th style="${head}">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td style="${cell}">${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A bar chart as a table of widths: it survives every mail client, and the numbers stay text. */
function bars(items: ReportCount[], caption: string): string {
  if (items.length === 0) return '';
  const max = Math.max(...items.map((i) => i.count), 1);
  const rows = items
    .slice(0, 12)
    .map(
      (i) =>
        `<tr><td style="padding:2px 8px;width:40%">${esc(oneLine(i.label, 80))}</td><td style="padding:2px 8px"><span style="display:inline-block;background:#3a6ea5;height:12px;width:${Math.max(2, Math.round((i.count / max) * 200))}px"></span> ${i.count}</td></tr>`,
    )
    .join('');
  return `<table style="border-collapse:collapse;width:100%;font-size:13px" aria-label="${esc(caption)}"><caption style="text-align:left;font-weight:bold;padding:4px 0">${esc(caption)}</caption>${rows}</table>`;
}

function section(title: string, body: string): string {
  return `<h2 style="font-size:18px;margin:24px 0 8px;border-bottom:2px solid #3a6ea5">${esc(title)}</h2>${body}`;
}

const none = '<p>None in this period.</p>';

export function reportBodyHtml(v: ReportView): string {
  const parts: string[] = [];
  parts.push(`<p style="margin:0 0 8px;font-weight:bold;color:${tlpColour[v.tlp] ?? '#000'}">TLP:${esc(v.tlp.toUpperCase())}</p>`);
  parts.push(`<h1 style="font-size:22px;margin:0 0 4px">${esc(v.title)}</h1>`);
  parts.push(`<p style="margin:0;color:#555">${esc(v.hubName)} · For: ${esc(v.readerLabel)} · ${esc(periodLine(v))}</p>`);
  parts.push(v.narrative.map((s) => `<p>${esc(s)}</p>`).join(''));
  const summary: Array<[string, number]> = [
    ['Warnings', v.summary.warnings],
    ['New indicators', v.summary.indicators],
    ['Sightings', v.summary.sightings],
  ];
  if (v.summary.watchlistHits !== null) summary.push(['Watchlist hits', v.summary.watchlistHits]);
  parts.push(
    `<table style="border-collapse:collapse;margin:8px 0"><tr>${summary
      .map(([label, n]) => `<td style="padding:8px 16px;border:1px solid #ddd;text-align:center"><div style="font-size:22px;font-weight:bold">${n}</div><div style="font-size:12px;color:#555">${esc(label)}</div></td>`)
      .join('')}</tr></table>`,
  );
  for (const s of v.sections) {
    if (s === 'warnings' && v.warnings) {
      const rows = v.warnings.items.map((w) => [
        `<strong>${esc(oneLine(w.title))}</strong>${w.status !== 'active' ? ` <em>(${esc(w.status)})</em>` : ''}`,
        esc(w.kindLabel),
        `<span style="color:${severityColour[w.severity] ?? '#000'};font-weight:bold">${esc(w.severity)}</span>`,
        `TLP:${esc(w.tlp.toUpperCase())}`,
        esc(w.audience),
        esc(oneLine(w.producer, 80)),
      ]);
      const more = v.warnings.total > v.warnings.items.length ? `<p>… and ${v.warnings.total - v.warnings.items.length} more in the web app.</p>` : '';
      parts.push(section('Warnings', v.warnings.items.length === 0 ? none : table(['Warning', 'Kind', 'Severity', 'TLP', 'Audience', 'From'], rows) + more + bars(v.warnings.byKind, 'Warnings by kind')));
    }
    if (s === 'indicators' && v.indicators) {
      parts.push(section('New indicators', `<p>${v.indicators.total} new indicators.</p>${bars(v.indicators.byType, 'By type')}${bars(v.indicators.bySource, 'By source')}`));
    }
    if (s === 'most-sighted' && v.mostSighted) {
      const rows = v.mostSighted.items.map((x) => [esc(x.type), `<code>${esc(oneLine(x.value))}</code>`, String(x.sightings), String(x.organisations)]);
      parts.push(section('Most sighted', rows.length === 0 ? none : table(['Type', 'Value', 'Sightings', 'Organisations'], rows)));
    }
    if (s === 'changes' && v.changes) {
      const rows = v.changes.rows.map((r) => [esc(r.label), String(r.current), String(r.average), esc(pct(r.changePct))]);
      parts.push(section(`Compared with the ${v.changes.comparedDays} days before`, table(['Measure', 'This period', 'Average', 'Change'], rows)));
    }
    if (s === 'feed-health' && v.feedHealth) {
      const rows = v.feedHealth.items.map((f) => [
        esc(oneLine(f.name, 80)),
        `<span style="color:${f.healthy ? '#35613a' : '#8b0000'};font-weight:bold">${esc(f.status)}</span>`,
        String(f.runs),
        String(f.failedRuns),
        f.lastSuccessAt ? esc(formatWhen(f.lastSuccessAt, v.timeZone)) : '—',
      ]);
      parts.push(section('Feed health', rows.length === 0 ? none : table(['Feed', 'Status', 'Runs', 'Failed', 'Last success'], rows)));
    }
    if (s === 'watchlist' && v.watchlist) {
      const rows = v.watchlist.items.map((h) => [`${esc(h.assetKind)}: ${esc(oneLine(h.assetValue, 80))}`, `${esc(h.type)} <code>${esc(oneLine(h.value))}</code>`, esc(oneLine(h.source, 80)), esc(formatWhen(h.matchedAt, v.timeZone))]);
      const more = v.watchlist.total > v.watchlist.items.length ? `<p>… and ${v.watchlist.total - v.watchlist.items.length} more in the web app.</p>` : '';
      parts.push(section('Your watchlist', rows.length === 0 ? none : table(['Your asset', 'Indicator', 'Source', 'Matched'], rows) + more));
    }
  }
  if (v.advice && v.advice.length > 0) {
    parts.push(section('What you can do', v.advice.map((a) => `<h3 style="font-size:15px;margin:12px 0 4px">${esc(a.label)}</h3><ul>${a.steps.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`).join('')));
  }
  const links = [`<a href="${esc(v.links.page)}">Read it online</a>`];
  if (v.links.pdf) links.push(`<a href="${esc(v.links.pdf)}">PDF</a>`);
  if (v.links.csv) links.push(`<a href="${esc(v.links.csv)}">Indicators (CSV)</a>`);
  if (v.links.stix) links.push(`<a href="${esc(v.links.stix)}">Indicators (STIX 2.1)</a>`);
  parts.push(`<p style="margin-top:24px">${links.join(' · ')}</p>`);
  return parts.join('\n');
}

/** A whole HTML document: the mail's HTML part (with its unsubscribe footer) or a page. */
export function renderReportHtml(v: ReportView, opts: { unsubscribeUrl?: string | undefined; settingsUrl?: string | undefined; extraHead?: string; nav?: string } = {}): string {
  const footer: string[] = [];
  if (opts.settingsUrl) footer.push(`<a href="${esc(opts.settingsUrl)}">Choose what you receive</a>`);
  if (opts.unsubscribeUrl) footer.push(`<a href="${esc(opts.unsubscribeUrl)}">Unsubscribe</a>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(v.hubName)}: ${esc(v.title)}</title>${opts.extraHead ?? ''}</head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#111;max-width:860px;margin:0 auto;padding:16px;line-height:1.45">
${opts.nav ?? ''}<main>
${reportBodyHtml(v)}
</main>
${footer.length ? `<footer style="margin-top:24px;font-size:12px;color:#555">${footer.join(' · ')}</footer>` : ''}
</body></html>
`;
}
