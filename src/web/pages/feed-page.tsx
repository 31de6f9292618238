// One outside feed: its health and settings, "Run now" with the run followed live to its end,
// and the run history. Only those who manage the feed (its `manageable` flag, decided by the
// hub) get the controls to run, change, disable and remove it.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, errorMessage, seg, withQuery } from '../api.ts';
import { Badge, ConfirmButton, Time } from '../components/bits.tsx';
import { FeedForm } from '../components/feed-form.tsx';
import { RunHistory, RunOutcome, RunProgress, useFeedRun } from '../components/feed-run.tsx';
import { CheckboxField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import {
  delimiterOptions,
  feedKindLabels,
  formatInterval,
  headerOptions,
  valueTypeOptions,
  vanishLabels,
  type Feed,
  type FeedRun,
  type RunStarted,
} from '../feed-types.ts';
import { Link, navigate } from '../router.tsx';
import { useMe } from '../session.tsx';
import type { ListOf } from '../types.ts';
import { useApi } from '../use-api.ts';
import { indicatorTypeLabel } from '../warning-types.ts';
import { audienceText, FeedHealthSummary, sourceText } from './feeds.tsx';

export function FeedPage({ id }: { id: string }) {
  const feed = useApi<Feed>(`/api/feeds/${seg(id)}`);
  const runs = useApi<ListOf<FeedRun>>(`/api/feeds/${seg(id)}/runs`, { limit: 20 });
  const f = feed.data;

  return (
    <Page title={f ? f.name : 'Feed'} intro={f ? <p className="mono break">{sourceText(f)}</p> : null}>
      <LoadState loading={feed.loading && !f} error={feed.error} what="the feed" />
      {f ? (
        <>
          <RunSection feed={f} runs={runs.data?.items ?? null} onChanged={() => {
            feed.reload();
            runs.reload();
          }} />
          <SettingsSection feed={f} onSaved={(saved) => {
            feed.set(saved);
            runs.reload();
          }} />
          <section className="card" aria-labelledby="feed-runs">
            <div className="section-head">
              <h2 id="feed-runs">Run history</h2>
              <button type="button" className="button button-secondary button-small" onClick={runs.reload}>
                Refresh
              </button>
            </div>
            <LoadState loading={runs.loading && !runs.data} error={runs.error} what="the runs" />
            {runs.data && runs.data.items.length === 0 ? <p className="muted">No runs yet.</p> : null}
            {runs.data && runs.data.items.length > 0 ? <RunHistory runs={runs.data.items} /> : null}
          </section>
        </>
      ) : null}
      <p className="spaced">
        <Link to="/feeds">Back to the feeds</Link>
      </p>
    </Page>
  );
}

/** Health, "Run now", and the run being followed. */
function RunSection({ feed, runs, onChanged }: { feed: Feed; runs: FeedRun[] | null; onChanged(): void }) {
  const [followId, setFollowId] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onEnd = useCallback(() => onChanged(), [onChanged]);
  const followed = useFeedRun(followId, onEnd);
  const running = followed.run?.status === 'running' || (followId !== null && followed.run === null && followed.error === null);

  // A run already going when the page opens (the schedule's, or someone else's): follow it too.
  useEffect(() => {
    if (followId || !feed.health.running || !runs) return;
    const current = runs.find((r) => r.status === 'running');
    if (current) setFollowId(current.id);
  }, [followId, feed.health.running, runs]);

  const runNow = async () => {
    setError(null);
    setBusy(true);
    try {
      const started = await api.post<RunStarted>(withQuery(`/api/feeds/${seg(feed.id)}/run`, { force: force || undefined }));
      setFollowId(started.runId);
    } catch (e) {
      setError(errorMessage(e));
      // Busy: another run holds the feed; the reload finds it and the page follows it.
      if (e instanceof ApiError && e.code === 'FEED_BUSY') onChanged();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="feed-health">
      <div className="section-head">
        <h2 id="feed-health">Health and runs</h2>
      </div>
      <div className="feed-health">
        <FeedHealthSummary feed={feed} />
      </div>
      {feed.manageable ? (
        <div className="form-inline feed-run-controls">
          <CheckboxField label="Read everything again" hint="Ignore what the source said had not changed (ETag, cursors)." checked={force} onChange={setForce} disabled={running} />
          <div className="form-actions">
            <button type="button" className="button button-primary" disabled={busy || running || !feed.enabled} onClick={() => void runNow()}>
              {running ? 'Running…' : 'Run now'}
            </button>
          </div>
          {!feed.enabled ? <p className="hint">Enable the feed to run it.</p> : null}
        </div>
      ) : null}
      <Notice error={error ?? followed.error} />
      <div role="status" className="live-region">
        {running ? <p className="muted">The run has started; the counts below grow as it reads.</p> : null}
      </div>
      {followed.run && followed.run.status === 'running' ? <RunProgress run={followed.run} /> : null}
      {followed.run && followed.run.status !== 'running' ? <RunOutcome run={followed.run} /> : null}
    </section>
  );
}

function optionRows(feed: Feed): Array<[string, ReactNode]> {
  const o = feed.options;
  const label = (options: readonly { value: string; label: string }[], v: string | undefined) => options.find((x) => x.value === (v ?? ''))?.label ?? v ?? '—';
  switch (feed.kind) {
    case 'list':
      return [['Value type', label(valueTypeOptions, o.type)]];
    case 'csv': {
      const cols = Object.entries(o.columns ?? {})
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join('; ');
      return [
        ['Columns', cols || '—'],
        ['Value type', label(valueTypeOptions, o.type)],
        ['Delimiter', label(delimiterOptions, o.delimiter ?? 'auto')],
        ['Header', label(headerOptions, o.header ?? 'auto')],
      ];
    }
    case 'text':
      return [['Only defanged network indicators', o.defangedOnly ? 'Yes' : 'No']];
    case 'misp':
      return [
        ['Only attributes for detection (to_ids)', o.onlyToIds ? 'Yes' : 'No'],
        ['Full re-read', `every ${o.fullEveryHours ?? 24} hours`],
      ];
    case 'stix':
      return [['Also cyber observables', o.observables === false ? 'No' : 'Yes']];
    case 'taxii':
      return [
        ['Collection', <span className="mono">{o.collectionId ?? '—'}</span>],
        ['Also cyber observables', o.observables === false ? 'No' : 'Yes'],
        ['Authentication', o.authKind === 'bearer' ? `Bearer token ${o.secretHint ?? ''}` : o.authKind === 'basic' ? `User ${o.username ?? ''}, password ${o.secretHint ?? ''}` : 'None'],
      ];
  }
}

function SettingsSection({ feed, onSaved }: { feed: Feed; onSaved(feed: Feed): void }) {
  const me = useMe();
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [busy, setBusy] = useState(false);

  const toggle = async () => {
    setMessage({});
    setBusy(true);
    try {
      const saved = await api.patch<Feed>(`/api/feeds/${seg(feed.id)}`, { enabled: !feed.enabled });
      setMessage({ success: `${saved.name} is ${saved.enabled ? 'enabled: it runs on its schedule again' : 'disabled: it does not run, and keeps its values'}.` });
      onSaved(saved);
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setMessage({});
    try {
      await api.delete(`/api/feeds/${seg(feed.id)}`);
      navigate('/feeds', { flash: `${feed.name} was removed. Its values are withdrawn; they stay searchable.` });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  const filter = [
    feed.filter.types?.length ? `only ${feed.filter.types.map(indicatorTypeLabel).join(', ')}` : null,
    feed.filter.minConfidence !== undefined ? `confidence ${feed.filter.minConfidence} or more` : null,
  ].filter(Boolean);

  return (
    <section className="card" aria-labelledby="feed-settings">
      <div className="section-head">
        <h2 id="feed-settings">Settings</h2>
        {feed.manageable && !editing ? (
          <span className="cell-actions">
            <button type="button" className="button button-secondary" onClick={() => {
              setMessage({});
              setEditing(true);
            }}>
              Change settings
            </button>
            <button type="button" className="button button-secondary" disabled={busy} onClick={() => void toggle()}>
              {feed.enabled ? 'Disable' : 'Enable'}
            </button>
            <ConfirmButton
              label="Remove feed"
              question={<>Remove {feed.name}? Its values are withdrawn and its run history goes.</>}
              confirmLabel="Yes, remove"
              danger
              onConfirm={remove}
            />
          </span>
        ) : null}
      </div>
      <Notice error={message.error} success={message.success} />
      {editing ? (
        <FeedForm
          feed={feed}
          onSaved={(saved) => {
            setEditing(false);
            setMessage({ success: `${saved.name} was saved. A change to what is read makes the next run read everything, at once.` });
            onSaved(saved);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <dl className="details">
          <div>
            <dt>Kind</dt>
            <dd>{feedKindLabels[feed.kind] ?? feed.kind}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>{feed.enabled ? <Badge tone="good">Enabled</Badge> : <Badge>Disabled</Badge>}</dd>
          </div>
          <div>
            <dt>Shared with</dt>
            <dd>{audienceText(feed, me)}</dd>
          </div>
          <div>
            <dt>TLP</dt>
            <dd>
              <TlpBadge tlp={feed.tlp} />
            </dd>
          </div>
          <div>
            <dt>Confidence</dt>
            <dd>{feed.confidence}</dd>
          </div>
          <div>
            <dt>Valid for</dt>
            <dd>{feed.expiryDays === null ? 'The default for each type' : `${feed.expiryDays} days after last listed`}</dd>
          </div>
          <div>
            <dt>Values the source stops listing</dt>
            <dd>{vanishLabels[feed.onVanish] ?? feed.onVanish}</dd>
          </div>
          <div>
            <dt>Schedule</dt>
            <dd>Runs {formatInterval(feed.intervalMinutes)}</dd>
          </div>
          <div>
            <dt>Filter</dt>
            <dd>{filter.length ? filter.join('; ') : 'None: every value'}</dd>
          </div>
          {optionRows(feed).map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
          <div>
            <dt>Added</dt>
            <dd>
              <Time iso={feed.createdAt} />
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
