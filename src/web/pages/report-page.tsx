// One report as the signed-in reader's copy: its TLP marking, who it is for and the period in
// the report's own time zone, the narrative and the numbers, then each section the copy holds,
// and the same copy as a PDF. Everything in it is the hub's text and is shown as text.
import { seg } from '../api.ts';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { ChangesSection, FeedHealthSection, IndicatorsSection, MostSightedSection, WarningsSection, WatchlistSection } from '../components/report-sections.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import { formatNumber } from '../format.ts';
import { formatInZone, periodText, type ReportView } from '../report-types.ts';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { tlpHelp, type Tlp } from '../warning-types.ts';

export function ReportPage({ id }: { id: string }) {
  const report = useApi<ReportView>(`/api/reports/${seg(id)}`);
  const v = report.data;
  if (!v) {
    return (
      <Page title={report.error ? 'Report not available' : 'Report'}>
        <LoadState loading={report.loading} error={report.error} what="the report" />
        <p>
          <Link to="/reports">All reports</Link>
        </p>
      </Page>
    );
  }

  const summary: Array<[string, number]> = [
    ['Warnings', v.summary.warnings],
    ['New indicators', v.summary.indicators],
    ['Sightings', v.summary.sightings],
  ];
  if (v.summary.watchlistHits !== null) summary.push(['Watchlist hits', v.summary.watchlistHits]);

  return (
    <Page
      title={v.title}
      actions={
        <a className="button button-secondary" href={`/api/reports/${seg(id)}/pdf`} download>
          Download PDF
        </a>
      }
      intro={
        <>
          <p className="report-marking" data-testid="report-tlp">
            <TlpBadge tlp={v.tlp} /> <span className="hint">This copy as a whole: {tlpHelp[v.tlp as Tlp] ?? ''}</span>
          </p>
          <p>
            <strong>For: {v.readerLabel}</strong>
            <span className="block muted">
              Covers {periodText(v, v.timeZone)}. Made {formatInZone(v.generatedAt, v.timeZone)} by {v.hubName}.
            </span>
          </p>
        </>
      }
    >
      <section className="card" aria-labelledby="report-summary">
        <h2 id="report-summary">In short</h2>
        {v.narrative.map((line, i) => (
          <p key={i}>{line}</p>
        ))}
        <dl className="details report-numbers" data-testid="report-summary">
          {summary.map(([term, n]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd className="report-number">{formatNumber(n)}</dd>
            </div>
          ))}
        </dl>
      </section>
      {v.warnings ? <WarningsSection warnings={v.warnings} /> : null}
      {v.indicators ? <IndicatorsSection indicators={v.indicators} /> : null}
      {v.mostSighted ? <MostSightedSection items={v.mostSighted.items} /> : null}
      {v.changes ? <ChangesSection changes={v.changes} /> : null}
      {v.feedHealth ? <FeedHealthSection items={v.feedHealth.items} timeZone={v.timeZone} /> : null}
      {v.watchlist ? <WatchlistSection watchlist={v.watchlist} timeZone={v.timeZone} /> : null}
      {v.advice && v.advice.length > 0 ? (
        <section className="card" aria-labelledby="report-advice">
          <h2 id="report-advice">What to do</h2>
          {v.advice.map((a) => (
            <div key={a.kind}>
              <h3>{a.label}</h3>
              <ul>
                {a.steps.map((step, i) => (
                  <li key={i}>{step}</li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
      <p>
        <Link to="/reports">All reports</Link> · <Link to="/reports#subscription">Choose the reports you are mailed</Link>
      </p>
    </Page>
  );
}
