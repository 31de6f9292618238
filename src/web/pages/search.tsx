// Search results for what was typed in the header's box: what the hub took it for, the
// observables it knows that match (each a link to its pivot page, values defanged), and the
// warnings that mention it. Only what the caller may see is ever in the answer.
import { Badge, Time } from '../components/bits.tsx';
import { LoadState } from '../components/notice.tsx';
import { ObservableLink, ObservableMarks, ObservableValue, useWarningListNames } from '../components/observable-bits.tsx';
import { Page } from '../components/page.tsx';
import { SeverityBadge, TlpBadge } from '../components/tlp-badge.tsx';
import { formatNumber } from '../format.ts';
import { observableTypeLabel, observableTypePhrase, relationLabels, type SearchAnswer } from '../intel-types.ts';
import { Link, useSearchParams } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { warningKindLabel } from '../warning-types.ts';

const limit = 50;

export function SearchPage() {
  const q = (useSearchParams().get('q') ?? '').trim();
  const answer = useApi<SearchAnswer>(q ? '/api/intel/search' : null, { q, limit });

  if (!q) {
    return (
      <Page title="Search" intro={<p>Type an IP address, a range, a domain, a URL, an email address, a hash, a CVE or some words in the search box at the top of the page.</p>} />
    );
  }
  const data = answer.data && answer.data.query === q ? answer.data : null;
  return (
    <Page title="Search results">
      <LoadState loading={answer.loading} error={answer.error} what="the results" />
      {data && !answer.loading ? <Results answer={data} /> : null}
    </Page>
  );
}

function Results({ answer }: { answer: SearchAnswer }) {
  const names = useWarningListNames();
  const { detected, observables, warnings, truncated } = answer;
  const isText = detected.type === 'text';
  return (
    <>
      <section className="card" aria-labelledby="search-detected">
        <h2 id="search-detected">What was searched</h2>
        <p data-testid="detected-type">
          {isText ? (
            <>
              Taken as <strong>free text</strong>: warnings whose title or details contain <q className="search-query">{answer.query}</q>.
            </>
          ) : (
            <>
              Taken as <strong>{observableTypePhrase(detected.type)}</strong>
              {detected.value ? (
                <>
                  : <ObservableValue type={detected.type} value={detected.value} />
                </>
              ) : null}
              .
            </>
          )}
        </p>
        {detected.note ? <p className="hint">{detected.note}</p> : null}
      </section>

      {!isText ? (
        <section className="card" aria-labelledby="search-observables">
          <h2 id="search-observables">Indicators ({observables.length}{truncated.observables ? '+' : ''})</h2>
          {observables.length === 0 ? (
            <p className="muted">Nothing you may see mentions it, and no member has reported seeing it.</p>
          ) : (
            <>
              <p className="hint">Shown defanged so that nothing opens by mistake. Open one to see who reports it and what it is related to.</p>
              <div className="table-wrap">
                <table className="table table-stack">
                  <caption className="visually-hidden">Matching indicators</caption>
                  <thead>
                    <tr>
                      <th scope="col">Value</th>
                      <th scope="col">Type</th>
                      <th scope="col">Match</th>
                      <th scope="col">TLP</th>
                      <th scope="col">Confidence</th>
                      <th scope="col">First seen</th>
                      <th scope="col">Last seen</th>
                      <th scope="col">Sightings</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {observables.map((o) => (
                      <tr key={o.id} data-testid="search-observable">
                        <th scope="row">
                          <ObservableLink id={o.id} type={o.type} value={o.value} />
                        </th>
                        <td data-label="Type">{observableTypeLabel(o.type)}</td>
                        <td data-label="Match">{relationLabels[o.relation] ?? o.relation}</td>
                        <td data-label="TLP">{o.tlp ? <TlpBadge tlp={o.tlp} /> : <span className="muted">—</span>}</td>
                        <td data-label="Confidence" className="num">
                          {o.confidence === null ? <span className="muted">—</span> : formatNumber(o.confidence)}
                        </td>
                        <td data-label="First seen">
                          <Time iso={o.firstSeen} />
                        </td>
                        <td data-label="Last seen">
                          <Time iso={o.lastSeen} />
                        </td>
                        <td data-label="Sightings" className="num">
                          {formatNumber(o.sightings.total)}
                          {o.sightings.last7Days ? <span className="block hint">{formatNumber(o.sightings.last7Days)} this week</span> : null}
                        </td>
                        <td data-label="Status">
                          <ObservableMarks o={o} listNames={names} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {truncated.observables ? <p className="hint">More indicators match than are shown: search for something narrower.</p> : null}
            </>
          )}
        </section>
      ) : null}

      <section className="card" aria-labelledby="search-warnings">
        <h2 id="search-warnings">Warnings ({warnings.length}{truncated.warnings ? '+' : ''})</h2>
        {warnings.length === 0 ? (
          <p className="muted">No warnings you may see mention it.</p>
        ) : (
          <ul className="hit-list" aria-label="Matching warnings">
            {warnings.map((w) => (
              <li key={w.id} data-testid="search-warning">
                <div className="warning-tags">
                  <TlpBadge tlp={w.tlp} />
                  <SeverityBadge severity={w.severity} />
                  <span className="warning-kind">{warningKindLabel(w.kind)}</span>
                  {w.status === 'retracted' ? <Badge tone="bad">Retracted</Badge> : null}
                </div>
                <p className="hit-title">
                  <Link to={`/warnings/${encodeURIComponent(w.id)}`}>{w.status === 'retracted' ? <s>{w.title}</s> : w.title}</Link>
                </p>
                <p className="hint">
                  Sent <Time iso={w.createdAt} />
                </p>
              </li>
            ))}
          </ul>
        )}
        {truncated.warnings ? <p className="hint">More warnings match than are shown: search for something narrower.</p> : null}
      </section>
    </>
  );
}
