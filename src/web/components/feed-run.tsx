// One feed run as the pages show it: followed live while it runs (a progress bar on the bytes
// when the source announced its size, the counts as they grow), then its outcome with the
// refused lines, and the table of past runs.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { bytesProgress, formatDuration, runStatusLabels, triggerLabels, type FeedRun, type RunCounts, type RunStatus } from '../feed-types.ts';
import { formatNumber } from '../format.ts';
import { formatBytes } from '../stix-upload.ts';
import { Badge, Time, type Tone } from './bits.tsx';

/** How often a running run is asked for its progress (the hub records it about every second). */
const pollMs = 500;

export const runTone: Record<RunStatus, Tone> = { running: 'info', complete: 'good', 'not-modified': 'neutral', failed: 'bad' };

/** Follows a run until it ends: GET /api/feeds/runs/:id, again every half second while it runs. */
export function useFeedRun(runId: string | null, onEnd: (run: FeedRun) => void): { run: FeedRun | null; error: string | null } {
  const [run, setRun] = useState<FeedRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The page's callback may change on every render; following a run must not restart for it.
  const endRef = useRef(onEnd);
  endRef.current = onEnd;

  useEffect(() => {
    setRun(null);
    setError(null);
    if (!runId) return;
    let cancelled = false;
    let timer = 0;
    const controller = new AbortController();
    const poll = () => {
      api
        .get<FeedRun>(`/api/feeds/runs/${seg(runId)}`, undefined, controller.signal)
        .then((next) => {
          if (cancelled) return;
          setRun(next);
          if (next.status === 'running') timer = window.setTimeout(poll, pollMs);
          else endRef.current(next);
        })
        .catch((e: unknown) => {
          if (!cancelled) setError(errorMessage(e));
        });
    };
    poll();
    return () => {
      cancelled = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [runId]);

  return { run, error };
}

/** "150,000 read · 149,990 new · 0 updated · …": the counts in one line. */
export function countsLine(c: RunCounts): string {
  return [
    `${formatNumber(c.records)} read`,
    `${formatNumber(c.new)} new`,
    `${formatNumber(c.updated)} updated`,
    `${formatNumber(c.unchanged)} unchanged`,
    `${formatNumber(c.rejected)} rejected`,
    `${formatNumber(c.skipped)} skipped`,
    `${formatNumber(c.filtered)} filtered`,
    `${formatNumber(c.expired)} expired`,
  ].join(' · ');
}

/** The live view of a running run. */
export function RunProgress({ run }: { run: FeedRun }) {
  const total = run.totalBytes && run.totalBytes > 0 ? run.totalBytes : null;
  return (
    <div className="feed-progress">
      <div className="progress-row">
        <label htmlFor="feed-run-progress">{total ? 'Reading the source' : 'Reading (size not announced)'}</label>
        {total ? (
          <progress id="feed-run-progress" max={total} value={Math.min(run.bytesRead, total)} />
        ) : (
          // No value: an indeterminate bar, and the counts below say how far it got.
          <progress id="feed-run-progress" />
        )}
        <span className="muted" data-testid="run-bytes">
          {bytesProgress(run.bytesRead, total)}
        </span>
      </div>
      <p className="muted" data-testid="run-live-counts">
        {countsLine(run.counts)}
      </p>
    </div>
  );
}

const countLabels: Array<[keyof RunCounts, string]> = [
  ['records', 'Read'],
  ['new', 'New'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['rejected', 'Rejected'],
  ['skipped', 'Skipped'],
  ['filtered', 'Filtered'],
  ['expired', 'Expired'],
];

function byKind(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${kind}: ${formatNumber(n)}`)
    .join(', ');
}

/** A finished run: what it did, how long it took, why it failed, and the lines it refused. */
export function RunOutcome({ run }: { run: FeedRun }) {
  const rejectedKinds = byKind(run.rejectedByKind);
  const skippedKinds = byKind(run.skippedByKind);
  return (
    <div className="feed-outcome" data-testid="run-outcome">
      {run.status === 'failed' ? (
        <p role="alert" className="notice notice-error">
          The run failed{run.error ? `: ${run.error}` : '.'} The values from before were kept.
        </p>
      ) : (
        <p role="status" className="notice notice-success">
          {run.status === 'not-modified'
            ? 'The source has not changed since the last run: nothing to read.'
            : `Run complete: ${formatNumber(run.counts.new)} new, ${formatNumber(run.counts.updated)} updated, ${formatNumber(run.counts.unchanged)} unchanged.`}
        </p>
      )}
      <dl className="details run-counts">
        {countLabels.map(([key, label]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`run-count-${key}`}>{formatNumber(run.counts[key])}</dd>
          </div>
        ))}
        <div>
          <dt>Took</dt>
          <dd>{formatDuration(run.durationMs)}</dd>
        </div>
        <div>
          <dt>Downloaded</dt>
          <dd>{formatBytes(run.bytesRead)}</dd>
        </div>
      </dl>
      {rejectedKinds || skippedKinds ? (
        <p className="muted">
          {rejectedKinds ? `Rejected, by reason: ${rejectedKinds}. ` : ''}
          {skippedKinds ? `Skipped, by reason: ${skippedKinds}.` : ''}
        </p>
      ) : null}
      {run.warnings.length > 0 ? (
        <div className="callout callout-warn">
          <p>
            <strong>Notes from the run</strong>
          </p>
          <ul>
            {run.warnings.map((w) => (
              <li key={w} className="break">
                {w}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {run.samples.length > 0 ? <SampleTable run={run} /> : null}
    </div>
  );
}

function SampleTable({ run }: { run: FeedRun }) {
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption>
          Refused lines{run.counts.rejected > run.samples.length ? ` (the first ${run.samples.length} of ${formatNumber(run.counts.rejected)})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Where</th>
            <th scope="col">Why</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        <tbody>
          {run.samples.map((s, i) => (
            <tr key={`${s.line ?? s.ref ?? ''}-${i}`}>
              <th scope="row" data-label="Where">
                {s.line !== undefined ? `Line ${formatNumber(s.line)}` : (s.ref ?? '—')}
                {s.line !== undefined && s.ref ? <span className="muted block break">{s.ref}</span> : null}
              </th>
              <td data-label="Why">
                {s.reason}
                <span className="muted block">{s.kind}</span>
              </td>
              <td data-label="Text" className="break">
                <code>{s.text}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Past runs, newest first; a row with notes or refused lines opens to show them. */
export function RunHistory({ runs }: { runs: FeedRun[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">Run history</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              New
            </th>
            <th scope="col" className="num">
              Updated
            </th>
            <th scope="col" className="num">
              Unchanged
            </th>
            <th scope="col" className="num">
              Rejected
            </th>
            <th scope="col" className="num">
              Skipped
            </th>
            <th scope="col" className="num">
              Filtered
            </th>
            <th scope="col" className="num">
              Expired
            </th>
            <th scope="col">Took</th>
            <th scope="col">More</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <th scope="row" data-label="Started">
                <Time iso={r.startedAt} />
                <span className="muted block">{triggerLabels[r.trigger] ?? r.trigger}</span>
              </th>
              <td data-label="Status">
                <Badge tone={runTone[r.status] ?? 'neutral'}>{runStatusLabels[r.status] ?? r.status}</Badge>
              </td>
              {(['new', 'updated', 'unchanged', 'rejected', 'skipped', 'filtered', 'expired'] as const).map((k) => (
                <td key={k} data-label={k[0]!.toUpperCase() + k.slice(1)} className="num">
                  {formatNumber(r.counts[k])}
                </td>
              ))}
              <td data-label="Took">
                {formatDuration(r.durationMs)}
                <span className="muted block">{formatBytes(r.bytesRead)}</span>
              </td>
              <td data-label="More">
                {r.error || r.warnings.length > 0 || r.samples.length > 0 ? (
                  <details>
                    <summary>
                      Show<span className="visually-hidden"> the run of {new Date(r.startedAt).toLocaleString()}</span>
                    </summary>
                    {r.error ? <p className="error-text break">{r.error}</p> : null}
                    {r.warnings.map((w) => (
                      <p key={w} className="break">
                        {w}
                      </p>
                    ))}
                    {r.samples.length > 0 ? (
                      <ul className="plain-list">
                        {r.samples.slice(0, 5).map((s, i) => (
                          <li key={i} className="break">
                            {s.line !== undefined ? `Line ${s.line}: ` : ''}
                            {s.reason} <code>{s.text}</code>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </details>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
