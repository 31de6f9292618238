// The sections of a report page: warnings, indicators (bar charts with their numbers), the
// most-sighted values, changes against the days before, feed health and the watchlist.
import type { ReactNode } from 'react';
import { formatNumber } from '../format.ts';
import { formatInZone, type ReportChangeRow, type ReportCount, type ReportFeedItem, type ReportSighted, type ReportView } from '../report-types.ts';
import { Link } from '../router.tsx';
import { indicatorTypeLabel } from '../warning-types.ts';
import { Badge } from './bits.tsx';
import { BarChart, ChartTable } from './chart.tsx';
import { SeverityBadge, TlpBadge } from './tlp-badge.tsx';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id} data-testid={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function countsText(counts: readonly ReportCount[], label: (c: ReportCount) => string): string {
  return counts.map((c) => `${label(c)} ${formatNumber(c.count)}`).join(', ');
}

export function WarningsSection({ warnings }: { warnings: NonNullable<ReportView['warnings']> }) {
  return (
    <Section id="report-warnings" title={`New warnings (${formatNumber(warnings.total)})`}>
      {warnings.items.length === 0 ? (
        <p className="muted">No new warnings you may read in this period.</p>
      ) : (
        <>
          <p className="hint">By kind: {countsText(warnings.byKind, (c) => c.label)}.</p>
          <div className="table-wrap">
            <table className="table table-stack" data-testid="report-warning-table">
              <caption className="visually-hidden">New warnings</caption>
              <thead>
                <tr>
                  <th scope="col">Warning</th>
                  <th scope="col">Severity</th>
                  <th scope="col">TLP</th>
                  <th scope="col">Audience</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {warnings.items.map((w) => (
                  <tr key={w.id} data-testid="report-warning">
                    <th scope="row" data-label="Warning" className="break">
                      <Link to={`/warnings/${encodeURIComponent(w.id)}`}>{w.title}</Link>
                      <span className="muted block">
                        {w.kindLabel}
                        {w.status === 'retracted' ? (
                          <>
                            {' '}
                            <Badge tone="bad">Retracted</Badge>
                          </>
                        ) : null}
                      </span>
                    </th>
                    <td data-label="Severity">
                      <SeverityBadge severity={w.severity} />
                    </td>
                    <td data-label="TLP">
                      <TlpBadge tlp={w.tlp} />
                    </td>
                    <td data-label="Audience" className="break">
                      {w.audience}
                    </td>
                    <td data-label="From" className="break">
                      {w.producer}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {warnings.items.length < warnings.total ? <p className="hint">The {warnings.items.length} most severe are listed.</p> : null}
        </>
      )}
    </Section>
  );
}

const indicatorSeries = [{ key: 'count', label: 'New indicators' }];

/** One ranking as horizontal bars, with the same numbers as a table. */
function CountChart({ title, head, counts, label }: { title: string; head: string; counts: readonly ReportCount[]; label(c: ReportCount): string }) {
  const categories = counts.map((c) => ({ key: c.key, label: label(c) }));
  return (
    <div className="report-chart">
      <h3>{title}</h3>
      <BarChart
        summary={`${title}: ${countsText(counts, label)}.`}
        categories={categories}
        series={indicatorSeries}
        values={counts.map((c) => [c.count])}
        orientation="horizontal"
      />
      <ChartTable caption={title} columns={[head, 'New indicators']} rows={counts.map((c) => [label(c), c.count])} />
    </div>
  );
}

export function IndicatorsSection({ indicators }: { indicators: NonNullable<ReportView['indicators']> }) {
  return (
    <Section id="report-indicators" title={`New indicators (${formatNumber(indicators.total)})`}>
      {indicators.total === 0 ? (
        <p className="muted">No new indicators you may read in this period.</p>
      ) : (
        <div className="grid-2 report-charts">
          <CountChart title="By type" head="Type" counts={indicators.byType} label={(c) => indicatorTypeLabel(c.key)} />
          <CountChart title="By source" head="Source" counts={indicators.bySource} label={(c) => c.label} />
        </div>
      )}
    </Section>
  );
}

export function MostSightedSection({ items }: { items: readonly ReportSighted[] }) {
  return (
    <Section id="report-most-sighted" title="Most-sighted indicators">
      {items.length === 0 ? (
        <p className="muted">No sightings reported in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Most-sighted indicators</caption>
            <thead>
              <tr>
                <th scope="col">Value</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  Sightings
                </th>
                <th scope="col" className="num">
                  Organisations
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={`${s.type}|${s.value}`}>
                  <th scope="row" data-label="Value" className="break mono">
                    {s.value}
                  </th>
                  <td data-label="Type">{indicatorTypeLabel(s.type)}</td>
                  <td data-label="Sightings" className="num">
                    {formatNumber(s.sightings)}
                  </td>
                  <td data-label="Organisations" className="num">
                    {formatNumber(s.organisations)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function changeText(row: ReportChangeRow): string {
  if (row.changePct === null) return row.current > 0 ? 'new' : '—';
  if (row.changePct === 0) return 'no change';
  return `${row.changePct > 0 ? '+' : '−'}${formatNumber(Math.abs(row.changePct))}%`;
}

export function ChangesSection({ changes }: { changes: NonNullable<ReportView['changes']> }) {
  return (
    <Section id="report-changes" title="Changes">
      <p className="hint">This period against the average of the {formatNumber(changes.comparedDays)} days before it.</p>
      <div className="table-wrap">
        <table className="table table-stack">
          <caption className="visually-hidden">Changes against the days before</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" className="num">
                This period
              </th>
              <th scope="col" className="num">
                Average before
              </th>
              <th scope="col" className="num">
                Change
              </th>
            </tr>
          </thead>
          <tbody>
            {changes.rows.map((r) => (
              <tr key={r.label}>
                <th scope="row" data-label="Measure">
                  {r.label}
                </th>
                <td data-label="This period" className="num">
                  {formatNumber(r.current)}
                </td>
                <td data-label="Average before" className="num">
                  {formatNumber(r.average)}
                </td>
                <td data-label="Change" className="num">
                  {changeText(r)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

export function FeedHealthSection({ items, timeZone }: { items: readonly ReportFeedItem[]; timeZone: string }) {
  return (
    <Section id="report-feed-health" title="Feed health">
      {items.length === 0 ? (
        <p className="muted">No feeds you may see.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Feed health</caption>
            <thead>
              <tr>
                <th scope="col">Feed</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col">Last success</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f, i) => (
                <tr key={`${f.name}-${i}`}>
                  <th scope="row" data-label="Feed" className="break">
                    {f.name}
                  </th>
                  <td data-label="Status">
                    <Badge tone={f.healthy ? 'good' : 'bad'}>{f.healthy ? 'Healthy' : 'Needs attention'}</Badge> <span className="muted">{f.status}</span>
                  </td>
                  <td data-label="Runs" className="num">
                    {formatNumber(f.runs)}
                  </td>
                  <td data-label="Failed" className="num">
                    {formatNumber(f.failedRuns)}
                  </td>
                  <td data-label="Last success">{f.lastSuccessAt ? formatInZone(f.lastSuccessAt, timeZone) : <span className="muted">Never</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

export function WatchlistSection({ watchlist, timeZone }: { watchlist: NonNullable<ReportView['watchlist']>; timeZone: string }) {
  return (
    <Section id="report-watchlist" title={`Your watchlist (${formatNumber(watchlist.total)})`}>
      {watchlist.items.length === 0 ? (
        <p className="muted">Nothing new matched your organisation’s watchlist in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Watchlist hits</caption>
            <thead>
              <tr>
                <th scope="col">Your asset</th>
                <th scope="col">Indicator</th>
                <th scope="col">Source</th>
                <th scope="col">Matched</th>
              </tr>
            </thead>
            <tbody>
              {watchlist.items.map((h, i) => (
                <tr key={`${h.assetValue}|${h.value}|${i}`}>
                  <th scope="row" data-label="Your asset" className="break">
                    {h.assetValue} <span className="muted block">{h.assetKind}</span>
                  </th>
                  <td data-label="Indicator" className="break">
                    <span className="mono">{h.value}</span> <span className="muted block">{indicatorTypeLabel(h.type)}</span>
                  </td>
                  <td data-label="Source" className="break">
                    {h.source}
                  </td>
                  <td data-label="Matched">{formatInZone(h.matchedAt, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {watchlist.items.length < watchlist.total ? <p className="hint">{watchlist.items.length} of them are listed.</p> : null}
    </Section>
  );
}
