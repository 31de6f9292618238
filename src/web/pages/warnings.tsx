// The live dashboard: the warnings you may see, newest first. New ones are added as they
// arrive on the event stream, updates and retractions change them in place.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { SelectField } from '../components/fields.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { WarningCard } from '../components/warning-card.tsx';
import { useAttention, useLive, useLiveMessages, type LiveStatus } from '../live.tsx';
import { Link } from '../router.tsx';
import { canReport, useMe } from '../session.tsx';
import { warningKindLabels, warningKinds, type Warning, type WarningList } from '../warning-types.ts';

const pageSize = 50;

const statusOptions = [
  { value: '', label: 'Active and retracted' },
  { value: 'active', label: 'Active' },
  { value: 'retracted', label: 'Retracted' },
];
const kindOptions = [{ value: '', label: 'All kinds' }, ...warningKinds.map((k) => ({ value: k, label: warningKindLabels[k] }))];

const statusText: Record<LiveStatus, string> = {
  off: 'Not connected: reload the page to see new warnings.',
  connecting: 'Connecting to the live feed…',
  live: 'Live: new warnings appear here as soon as they are sent.',
  reconnecting: 'Connection lost: reconnecting… Nothing sent meanwhile will be missed.',
};

function newestFirst(a: Warning, b: Warning): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;
}

export function WarningsPage() {
  const me = useMe();
  const live = useLive();
  const attention = useAttention();
  const [status, setStatus] = useState('');
  const [kind, setKind] = useState('');
  const [items, setItems] = useState<Warning[]>([]);
  const [total, setTotal] = useState(0);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  /** Arrived live while this page was open: highlighted until the next visit. */
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const requestNo = useRef(0);

  const load = useCallback(
    async (before: string | null) => {
      const no = ++requestNo.current;
      setLoading(true);
      setError(null);
      try {
        const result = await api.get<WarningList>('/api/warnings', { status, kind, limit: pageSize, before });
        if (no !== requestNo.current) return;
        setItems((old) => (before ? [...old, ...result.items.filter((w) => !old.some((o) => o.id === w.id))] : result.items));
        setTotal(result.total);
        setNextBefore(result.nextBefore);
        setLoaded(true);
      } catch (e) {
        if (no === requestNo.current) setError(errorMessage(e));
      } finally {
        if (no === requestNo.current) setLoading(false);
      }
    },
    [status, kind],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  useLiveMessages((message) => {
    if (message.kind === 'sync') {
      void load(null);
      return;
    }
    const { type, data } = message.event;
    const w = data.warning;
    const current = itemsRef.current;
    const index = current.findIndex((x) => x.id === w.id);
    if (index >= 0) {
      const next = [...current];
      next[index] = w;
      setItems(next);
      return;
    }
    if (type !== 'warning.created') return;
    if ((status && w.status !== status) || (kind && w.kind !== kind)) return;
    setItems([w, ...current].sort(newestFirst));
    setTotal((t) => t + 1);
    if (!w.isOwn) setArrived((old) => new Set(old).add(w.id));
  });

  // Looking at the list is reading it: clear the unread count while visible and focused.
  const newest = items[0]?.createdAt ?? null;
  const { markSeen, unread } = live;
  useEffect(() => {
    if (attention && loaded) markSeen(newest);
  }, [attention, loaded, newest, unread, markSeen]);

  const filtered = status !== '' || kind !== '';
  return (
    <Page
      title="Warnings"
      intro={<p>Attacks that members have reported to you, newest first.</p>}
      actions={
        canReport(me) ? (
          <Link to="/warnings/new" className="button button-primary">
            Report an attack
          </Link>
        ) : null
      }
    >
      <p className={`live-status live-${live.status}`}>
        <span className="live-dot" aria-hidden="true" />
        {statusText[live.status]}
      </p>
      <form className="filters filters-compact" aria-label="Filter warnings" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Status" value={status} options={statusOptions} onChange={setStatus} />
        <SelectField label="Kind" value={kind} options={kindOptions} onChange={setKind} />
      </form>
      <LoadState loading={loading && !loaded} error={error} what="warnings" />
      {loaded ? (
        <>
          <p className="result-count">
            {total === 1 ? '1 warning' : `${total} warnings`}
            {filtered ? ' match' : ''}
          </p>
          {items.length === 0 ? (
            <p className="card muted">
              {filtered
                ? 'No warnings match.'
                : 'No warnings yet. When a member sends a warning to you, it appears here at once.'}
            </p>
          ) : (
            <ul className="warning-list" aria-label="Warnings">
              {items.map((w) => (
                <li key={w.id}>
                  <WarningCard warning={w} isNew={arrived.has(w.id)} />
                </li>
              ))}
            </ul>
          )}
          {nextBefore !== null ? (
            <div className="pager">
              <p className="muted">Showing {items.length}.</p>
              <button
                type="button"
                className="button button-secondary"
                disabled={loading}
                onClick={() => void load(nextBefore)}
              >
                Older warnings
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
