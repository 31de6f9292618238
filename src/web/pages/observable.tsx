// The pivot from one observable: the correlation summary in plain words, who reports it
// (warnings, STIX objects, feeds), members' sightings, related values, containing ranges and
// warning-list marks — all as the hub lets this caller see them — and the one-click
// "We saw this" / "Report a false positive".
import { useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, CopyButton, Time } from '../components/bits.tsx';
import { CheckboxField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { ObservableLink, ObservableMarks, useWarningListNames } from '../components/observable-bits.tsx';
import { Page } from '../components/page.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import { formatNumber } from '../format.ts';
import { defang, mentionStatus, observableTypeLabel, type CountBy, type Pivot, type PivotSource, type SightingReport } from '../intel-types.ts';
import { Link } from '../router.tsx';
import { canReport, useMe } from '../session.tsx';
import { orgKinds } from '../types.ts';
import { useApi } from '../use-api.ts';

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** "reported by 3 members, in 2 feeds" → "Reported by 3 members, in 2 feeds." */
function sentence(text: string): string {
  const t = text.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : t;
}

export function ObservablePage({ id }: { id: string }) {
  const pivot = useApi<Pivot>(`/api/intel/observables/${seg(id)}`);
  const names = useWarningListNames();

  if (!pivot.data) {
    return (
      <Page title="Indicator">
        <LoadState loading={pivot.loading} error={pivot.error} what="the indicator" />
        <p>
          <Link to="/search">Search again</Link>
        </p>
      </Page>
    );
  }

  const p = pivot.data;
  const o = p.observable;
  const shown = defang(o.type, o.value);
  return (
    <Page
      title={shown}
      intro={
        <div className="warning-tags">
          <span className="warning-kind">{observableTypeLabel(o.type)}</span>
          {o.tlp ? <TlpBadge tlp={o.tlp} /> : null}
          <ObservableMarks o={o} listNames={names} />
        </div>
      }
      actions={<CopyButton text={o.value} label="Copy the real value" />}
    >
      <section className="card correlation" aria-labelledby="pivot-summary-title">
        <h2 id="pivot-summary-title">In short</h2>
        <p className="correlation-summary" data-testid="pivot-summary">
          {sentence(p.summary)}
        </p>
        <dl className="details">
          <div>
            <dt>Confidence</dt>
            <dd>{o.confidence === null ? <span className="muted">Not given</span> : `${formatNumber(o.confidence)} of 100`}</dd>
          </div>
          <div>
            <dt>First seen</dt>
            <dd>
              <Time iso={o.firstSeen} />
            </dd>
          </div>
          <div>
            <dt>Last seen</dt>
            <dd>
              <Time iso={o.lastSeen} />
            </dd>
          </div>
          <div>
            <dt>Sources</dt>
            <dd>{formatNumber(o.sourceCount)}</dd>
          </div>
          <div>
            <dt>Sightings this week</dt>
            <dd data-testid="sightings-week">{formatNumber(p.sightings.last7Days)}</dd>
          </div>
          <div>
            <dt>False-positive reports</dt>
            <dd>{p.sightings.falsePositiveOrgs === 0 ? 'None' : `${formatNumber(p.sightings.falsePositiveOrgs)} organisation${p.sightings.falsePositiveOrgs === 1 ? '' : 's'}`}</dd>
          </div>
        </dl>
      </section>
      <Marks pivot={p} listNames={names} />
      <ReportSighting observableId={o.id} shown={shown} onReported={pivot.reload} />
      <SourceSection id="pivot-warnings" title="Warnings" sources={p.sources.warnings} empty="No warnings you may see mention it." link={(s) => `/warnings/${seg(s.id)}`} />
      <SourceSection id="pivot-stix" title="Reports and STIX objects" sources={p.sources.stix} empty="No STIX objects you may see mention it." />
      <SourceSection id="pivot-feeds" title="Feeds" sources={p.sources.feeds} empty="No feeds you may see list it." link={(s) => `/feeds/${seg(s.id)}`} />
      <Sightings pivot={p} />
      <Related pivot={p} />
      {p.containingRanges.length > 0 ? (
        <section className="card" aria-labelledby="pivot-ranges">
          <h2 id="pivot-ranges">Ranges that contain it ({p.containingRanges.length})</h2>
          <ul className="plain-list link-list">
            {p.containingRanges.map((r) => (
              <li key={r.id}>
                <ObservableLink id={r.id} type="cidr" value={r.value} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

/** Warning list and suppression: the reasons not to block or alert on it. */
function Marks({ pivot, listNames }: { pivot: Pivot; listNames: ReadonlyMap<string, string> }) {
  const o = pivot.observable;
  if (!o.onWarningList && !o.suppressed && !o.ubiquitous) return null;
  return (
    <section className="callout callout-warn" aria-labelledby="pivot-marks">
      <h2 id="pivot-marks">Before you block it</h2>
      {o.onWarningList ? (
        <p>
          It is on the warning list <strong>{listNames.get(o.warningList ?? '') ?? o.warningList}</strong>: values there are usually
          harmless or shared by many, so the hub never alerts on them nor puts them in exports.
        </p>
      ) : null}
      {o.suppressed ? (
        <p>
          Suppressed as a false positive{o.suppressedAt ? <> since <Time iso={o.suppressedAt} /></> : null}: enough organisations reported
          it harmless. It no longer alerts nor goes into exports, but stays searchable.
        </p>
      ) : null}
      {o.ubiquitous ? <p>It is ubiquitous: so many objects mention it that the hub counts them but does not link it to others.</p> : null}
    </section>
  );
}

function ReportSighting({ observableId, shown, onReported }: { observableId: number; shown: string; onReported(): void }) {
  const me = useMe();
  const [anonymous, setAnonymous] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!canReport(me) || !me.user.orgId) return null;

  const report = async (falsePositive: boolean) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await api.post<SightingReport>(`/api/intel/observables/${observableId}/sightings`, { falsePositive, anonymous });
      onReported();
      const who = anonymous ? ' anonymously' : '';
      setDone(
        falsePositive
          ? `Reported${who} as a false positive.${result.suppressed.length ? ' Enough organisations agree: it is now suppressed.' : ''}`
          : `Sighting recorded${who}. Thank you: other members see the count.`,
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="pivot-report">
      <h2 id="pivot-report">Did your organisation see it?</h2>
      <p className="hint">
        A sighting tells other members this is live. A false-positive report lowers the confidence everyone is told; when enough
        organisations report one, the value is suppressed.
      </p>
      <div className="sighting-actions">
        <CheckboxField
          label="Report anonymously"
          hint="Counted, but your organisation is not named, nor its kind or region, to others."
          checked={anonymous}
          onChange={setAnonymous}
        />
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void report(false)}>
            We saw this
          </button>
          <ConfirmButton
            label="Report a false positive"
            question={<>Report {shown} as harmless?</>}
            confirmLabel="Yes, it is a false positive"
            disabled={busy}
            onConfirm={() => report(true)}
          />
        </div>
      </div>
      <Notice error={error} success={done} />
    </section>
  );
}

interface SourceSectionProps {
  id: string;
  title: string;
  sources: PivotSource[];
  empty: string;
  link?(source: PivotSource): string;
}

function SourceSection({ id, title, sources, empty, link }: SourceSectionProps) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} ({sources.length})
      </h2>
      {sources.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack source-table" data-testid={`${id}-table`}>
            <caption className="visually-hidden">{title} that mention it</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">TLP</th>
                <th scope="col">Confidence</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Valid until</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => {
                const status = mentionStatus(s);
                const label = s.label ?? 'Untitled';
                return (
                  <tr key={`${s.kind}|${s.id}`}>
                    <th scope="row">{link ? <Link to={link(s)}>{label}</Link> : label}</th>
                    <td data-label="TLP">
                      <TlpBadge tlp={s.tlp} />
                    </td>
                    <td data-label="Confidence" className="num">
                      {s.confidence === null ? <span className="muted">—</span> : formatNumber(s.confidence)}
                    </td>
                    <td data-label="First seen">
                      <Time iso={s.firstSeen} />
                    </td>
                    <td data-label="Last seen">
                      <Time iso={s.lastSeen} />
                    </td>
                    <td data-label="Valid until">{s.validUntil ? <Time iso={s.validUntil} /> : <span className="muted">No end</span>}</td>
                    <td data-label="Status">
                      <Badge tone={status.tone}>{status.text}</Badge>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function orgKindLabel(key: string): string {
  if (key === 'hub') return 'The hub';
  return orgKinds.find((k) => k.value === key)?.label ?? key;
}

function dayLabel(key: string): string {
  const t = Date.parse(`${key}T00:00:00Z`);
  return Number.isNaN(t) ? key : dayFormat.format(t);
}

function CountTable({ caption, head, rows, label }: { caption: string; head: string; rows: CountBy[]; label(key: string): string }) {
  return (
    <div className="count-table">
      <h3>{caption}</h3>
      {rows.length === 0 ? (
        <p className="muted">None in the last 30 days.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Sightings {caption.toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">{head}</th>
              <th scope="col" className="num">
                Sightings
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{label(r.key)}</th>
                <td className="num">{formatNumber(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Sightings({ pivot }: { pivot: Pivot }) {
  const s = pivot.sightings;
  return (
    <section className="card" aria-labelledby="pivot-sightings">
      <h2 id="pivot-sightings">Sightings</h2>
      <dl className="details" data-testid="sighting-counts">
        <div>
          <dt>This week</dt>
          <dd>{formatNumber(s.last7Days)}</dd>
        </div>
        <div>
          <dt>Last 30 days</dt>
          <dd>{formatNumber(s.last30Days)}</dd>
        </div>
        <div>
          <dt>All time</dt>
          <dd>{formatNumber(s.total)}</dd>
        </div>
        <div>
          <dt>Yours (30 days)</dt>
          <dd>{formatNumber(s.yours)}</dd>
        </div>
        <div>
          <dt>Anonymous (30 days)</dt>
          <dd>{formatNumber(s.anonymous)}</dd>
        </div>
      </dl>
      <p className="hint">Anonymous sightings are counted but left out of the kind and region of the organisations that saw it.</p>
      <div className="count-tables">
        <CountTable caption="By kind of organisation" head="Kind" rows={s.byOrgKind} label={orgKindLabel} />
        <CountTable caption="By region" head="Region" rows={s.byRegion} label={(k) => (k === 'unknown' ? 'Not given' : k)} />
        <CountTable caption="By day" head="Day (UTC)" rows={s.byDay} label={dayLabel} />
      </div>
    </section>
  );
}

function Related({ pivot }: { pivot: Pivot }) {
  const { related } = pivot;
  return (
    <section className="card" aria-labelledby="pivot-related">
      <h2 id="pivot-related">Related indicators ({related.items.length})</h2>
      {related.ubiquitous ? (
        <p className="muted">This value is mentioned so widely that the hub does not link it to others.</p>
      ) : related.items.length === 0 ? (
        <p className="muted">No other indicators are named together with it in warnings or STIX objects you may see.</p>
      ) : (
        <>
          <p className="hint">Named together with it in the same warnings or STIX objects, most shared first.</p>
          <ul className="plain-list link-list" aria-label="Related indicators" data-testid="related">
            {related.items.map((r) => (
              <li key={r.id}>
                <ObservableLink id={r.id} type={r.type} value={r.value} /> <span className="muted">{observableTypeLabel(r.type)}</span>
                {r.sharedSources > 1 ? <span className="muted"> · in {formatNumber(r.sharedSources)} sources</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

