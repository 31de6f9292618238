// One warning: everything in it (as text, never as HTML), its indicators, the STIX download,
// and for the sender while it is active, update and retract. Changes arrive live.
import { useState } from 'react';
import { seg } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { IndicatorTable } from '../components/indicator-table.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { SeverityBadge, TlpBadge } from '../components/tlp-badge.tsx';
import { audienceSummary, sourceSummary } from '../components/warning-card.tsx';
import { RetractWarning, UpdateWarning } from '../components/warning-edit.tsx';
import { useLiveMessages } from '../live.tsx';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';
import { tlpHelp, warningKindLabel, type Tlp, type Warning } from '../warning-types.ts';

export function WarningPage({ id }: { id: string }) {
  const warning = useApi<Warning>(`/api/warnings/${seg(id)}`);
  const [liveNote, setLiveNote] = useState<string | null>(null);

  useLiveMessages((message) => {
    if (message.kind === 'sync') {
      warning.reload();
      return;
    }
    const w = message.event.data.warning;
    if (w.id !== id || message.event.type === 'warning.created') return;
    const current = warning.data;
    if (current && w.version < current.version) return;
    warning.set(w);
    setLiveNote(
      message.event.type === 'warning.retracted'
        ? 'This warning was just retracted by its sender.'
        : `This warning was just updated by its sender (version ${w.version}).`,
    );
  });

  if (!warning.data) {
    return (
      <Page title="Warning">
        <LoadState loading={warning.loading} error={warning.error} what="the warning" />
        <p>
          <Link to="/warnings">Back to warnings</Link>
        </p>
      </Page>
    );
  }

  const w = warning.data;
  const retracted = w.status === 'retracted';
  return (
    <Page
      title={w.title}
      intro={
        <div className="warning-tags">
          <TlpBadge tlp={w.tlp} />
          <SeverityBadge severity={w.severity} />
          <span className="warning-kind">{warningKindLabel(w.kind)}</span>
          {retracted ? <Badge tone="bad">Retracted</Badge> : <Badge tone="good">Active</Badge>}
        </div>
      }
      actions={
        <a className="button button-secondary" href={`/api/warnings/${seg(w.id)}/stix`} download={`tocsin-warning-${w.id}.json`}>
          Download STIX
        </a>
      }
    >
      <div role="status" className="live-region">
        {liveNote ? <p className="notice notice-success">{liveNote}</p> : null}
      </div>
      {retracted ? (
        <div className="callout callout-warn">
          <p>
            <strong>
              Retracted <Time iso={w.retractedAt} />.
            </strong>{' '}
            {w.retractionReason ? <>Reason: {w.retractionReason}</> : null}
          </p>
        </div>
      ) : null}
      <section className="card" aria-labelledby="warning-about">
        <h2 id="warning-about" className="visually-hidden">
          About this warning
        </h2>
        <dl className="details">
          <div>
            <dt>From</dt>
            <dd>{sourceSummary(w)}</dd>
          </div>
          <div>
            <dt>Shared</dt>
            <dd>{audienceSummary(w)}</dd>
          </div>
          <div>
            <dt>TLP</dt>
            <dd>
              <TlpBadge tlp={w.tlp} /> <span className="block hint">{tlpHelp[w.tlp as Tlp] ?? ''}</span>
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{w.startedAt ? <Time iso={w.startedAt} /> : <span className="muted">Not known</span>}</dd>
          </div>
          <div>
            <dt>Sent</dt>
            <dd>
              <Time iso={w.createdAt} />
            </dd>
          </div>
          {w.version > 1 ? (
            <div>
              <dt>Last changed</dt>
              <dd>
                <Time iso={w.updatedAt} /> <span className="muted">(version {w.version})</span>
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Affected services</dt>
            <dd>{w.affectedServices.length ? w.affectedServices.join(', ') : <span className="muted">None given</span>}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="warning-details">
        <h2 id="warning-details">Details</h2>
        {w.details ? <div className="pre-wrap">{w.details}</div> : <p className="muted">No details given.</p>}
      </section>
      <section className="card" aria-labelledby="warning-indicators">
        <h2 id="warning-indicators">Indicators ({w.indicators.length})</h2>
        {w.indicators.length > 0 ? (
          <p className="hint">
            Shown defanged so that nothing opens by mistake. Copy gives the real value, for block lists and searches.
          </p>
        ) : null}
        <IndicatorTable indicators={w.indicators} />
      </section>
      {w.isOwn && !retracted ? (
        <>
          <UpdateWarning
            warning={w}
            onSaved={(updated) => {
              warning.set(updated);
              setLiveNote(null);
            }}
            onReload={warning.reload}
          />
          <RetractWarning
            warning={w}
            onRetracted={(updated) => {
              warning.set(updated);
              setLiveNote(null);
            }}
          />
        </>
      ) : null}
      <p>
        <Link to="/warnings">Back to warnings</Link>
      </p>
    </Page>
  );
}
