// The organisation's watchlist: what it owns (editable by its admins) and the intel that touched
// it, newest first. New matches arrive on the live stream, go to the top without a reload and
// are announced in this page's live region.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, Time } from '../components/bits.tsx';
import { SelectField } from '../components/fields.tsx';
import { LoadState } from '../components/notice.tsx';
import { ObservableLink } from '../components/observable-bits.tsx';
import { Page } from '../components/page.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import { WatchAssetsSection } from '../components/watchlist-assets.tsx';
import { formatNumber } from '../format.ts';
import { assetKindLabel, defang, observableTypeLabel, sourceKindLabel, type Watchlist, type WatchlistEvent, type WatchMatch, type WatchMatchPage } from '../intel-types.ts';
import { useLive, useLiveMessages, useWatchlistEvents, type LiveStatus } from '../live.tsx';
import { Link } from '../router.tsx';
import { canReport, isAdminOf, useMe } from '../session.tsx';
import { useApi } from '../use-api.ts';

const pageSize = 50;

const showOptions = [
  { value: '', label: 'All matches' },
  { value: 'false', label: 'Open' },
  { value: 'true', label: 'Handled' },
];

const statusText: Record<LiveStatus, string> = {
  off: 'Not connected: reload the page to see new matches.',
  connecting: 'Connecting to the live feed…',
  live: 'Live: new matches appear here as soon as intel touches your assets.',
  reconnecting: 'Connection lost: reconnecting… Nothing that arrives meanwhile will be missed.',
};

/** The hub's sentence with the value defanged: "login[.]alderton[.]example is under your domain alderton.example". */
function explanationOf(m: Pick<WatchMatch, 'explanation' | 'observable'>): string {
  const { value, type } = m.observable;
  return m.explanation.startsWith(value) ? `${defang(type, value)}${m.explanation.slice(value.length)}` : m.explanation;
}

/** The same sentence about "it", for the row that already shows the value: "It is under your domain alderton.example". */
function reasonOf(m: Pick<WatchMatch, 'explanation' | 'observable'>): string {
  const { value } = m.observable;
  return m.explanation.startsWith(`${value} `) ? `It${m.explanation.slice(value.length)}` : explanationOf(m);
}

function arrivalText(event: WatchlistEvent): string {
  const w = event.data.watchlist;
  const first = w.matches[0];
  const from = `from ${sourceKindLabel(w.source.kind).toLowerCase()} “${w.source.label}”`;
  if (w.matchCount === 1 && first) {
    return `New match on your watchlist: ${explanationOf({ explanation: first.explanation, observable: { id: 0, type: first.type, value: first.value } })}, ${from}.`;
  }
  return `${w.matchCount} new matches on your watchlist, ${from}.`;
}

export function WatchlistPage() {
  const me = useMe();
  const orgId = me.user.orgId;
  if (!orgId) {
    return (
      <Page title="Watchlist">
        <p>A watchlist belongs to an organisation: sign in as a member of one to see what touched its assets.</p>
      </Page>
    );
  }
  return <OrgWatchlist orgId={orgId} canEdit={isAdminOf(me, orgId)} canAcknowledge={canReport(me)} />;
}

function OrgWatchlist({ orgId, canEdit, canAcknowledge }: { orgId: string; canEdit: boolean; canAcknowledge: boolean }) {
  const live = useLive();
  const summary = useApi<Watchlist>('/api/watchlist');
  const [show, setShow] = useState('');
  const [items, setItems] = useState<WatchMatch[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  /** Arrived live while this page was open. */
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState<{ key: number; text: string } | null>(null);
  const requestNo = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const no = ++requestNo.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<WatchMatchPage>('/api/watchlist/matches', { acknowledged: show || undefined, limit: pageSize, cursor });
        if (no !== requestNo.current) return;
        setItems((old) => (cursor ? [...old, ...page.items.filter((m) => !old.some((o) => o.id === m.id))] : page.items));
        setNextCursor(page.nextCursor);
        setLoaded(true);
      } catch (e) {
        if (no === requestNo.current) setError(errorMessage(e));
      } finally {
        if (no === requestNo.current) setLoading(false);
      }
    },
    [show],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  /** The newest page again, with anything not yet shown put on top (after a live event or a reconnect). */
  const refreshTop = useCallback(async (): Promise<void> => {
    const page = await api.get<WatchMatchPage>('/api/watchlist/matches', { acknowledged: show || undefined, limit: pageSize });
    setItems((old) => {
      const known = new Set(old.map((m) => m.id));
      const fresh = page.items.filter((m) => !known.has(m.id));
      return fresh.length ? [...fresh, ...old] : old;
    });
  }, [show]);

  useWatchlistEvents((event) => {
    if (event.data.watchlist.orgId !== orgId) return;
    setAnnouncement((old) => ({ key: (old?.key ?? 0) + 1, text: arrivalText(event) }));
    summary.reload();
    const ids = new Set(event.data.watchlist.matches.map((m) => m.id));
    setArrived((old) => new Set([...old, ...ids]));
    refreshTop().catch(() => {
      // The announcement stands; the list catches up on the next event or reload.
    });
  });

  useLiveMessages((message) => {
    // A fresh connection could not replay what was missed: catch up from the API.
    if (message.kind === 'sync' && loaded) {
      summary.reload();
      void refreshTop().catch(() => undefined);
    }
  });

  const acknowledged = (updated: WatchMatch) => {
    setItems((old) => (show === 'false' ? old.filter((m) => m.id !== updated.id) : old.map((m) => (m.id === updated.id ? updated : m))));
    summary.reload();
  };

  const counts = summary.data?.matches;
  return (
    <Page
      title="Watchlist"
      intro={<p>Your organisation&rsquo;s domains, ranges and names, and the shared intel that touched them, newest first.</p>}
    >
      <p className={`live-status live-${live.status}`}>
        <span className="live-dot" aria-hidden="true" />
        {statusText[live.status]}
      </p>
      <div role="status" className="live-region watch-announcement" data-testid="watchlist-announcement">
        {announcement ? (
          <p className="notice notice-success" key={announcement.key}>
            {announcement.text}
          </p>
        ) : null}
      </div>
      {summary.data ? (
        <WatchAssetsSection orgId={orgId} assets={summary.data.assets} canEdit={canEdit} onSaved={summary.reload} />
      ) : (
        <LoadState loading={summary.loading} error={summary.error} what="the watched assets" />
      )}
      <section className="card" aria-labelledby="watch-matches">
        <div className="section-head">
          <h2 id="watch-matches">Matches</h2>
          {counts ? (
            <p className="muted watch-counts" data-testid="watch-counts">
              {formatNumber(counts.total)} in all · {formatNumber(counts.unacknowledged)} open · {formatNumber(counts.last7Days)} this week
            </p>
          ) : null}
        </div>
        <form className="filters filters-compact watch-filter" aria-label="Filter matches" onSubmit={(e) => e.preventDefault()}>
          <SelectField label="Show" value={show} options={showOptions} onChange={setShow} />
        </form>
        <LoadState loading={loading && !loaded} error={error} what="the matches" />
        {loaded ? (
          items.length === 0 ? (
            <p className="muted">
              {show ? 'No matches of this kind.' : 'No matches yet. When shared intel touches one of your assets, it appears here at once.'}
            </p>
          ) : (
            <MatchTable items={items} arrived={arrived} canAcknowledge={canAcknowledge} onAcknowledged={acknowledged} />
          )
        ) : null}
        {nextCursor !== null ? (
          <div className="pager">
            <p className="muted">Showing {items.length}.</p>
            <button type="button" className="button button-secondary" disabled={loading} onClick={() => void load(nextCursor)}>
              Older matches
            </button>
          </div>
        ) : null}
      </section>
    </Page>
  );
}

interface MatchTableProps {
  items: WatchMatch[];
  arrived: ReadonlySet<string>;
  canAcknowledge: boolean;
  onAcknowledged(match: WatchMatch): void;
}

function MatchTable({ items, arrived, canAcknowledge, onAcknowledged }: MatchTableProps) {
  return (
    <div className="table-wrap">
      <table className="table table-stack watch-table">
        <caption className="visually-hidden">Watchlist matches, newest first</caption>
        <thead>
          <tr>
            <th scope="col">What matched</th>
            <th scope="col">Your asset</th>
            <th scope="col">Why</th>
            <th scope="col">Source</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <MatchRow key={m.id} match={m} isNew={arrived.has(m.id)} canAcknowledge={canAcknowledge} onAcknowledged={onAcknowledged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MatchRow({ match: m, isNew, canAcknowledge, onAcknowledged }: { match: WatchMatch; isNew: boolean; canAcknowledge: boolean; onAcknowledged(m: WatchMatch): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = defang(m.observable.type, m.observable.value);

  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      onAcknowledged(await api.post<WatchMatch>(`/api/watchlist/matches/${seg(m.id)}/acknowledge`));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr className={isNew ? 'is-new' : undefined} data-testid="watch-match">
      <th scope="row">
        <ObservableLink id={m.observable.id} type={m.observable.type} value={m.observable.value} />
        <span className="block hint">
          {observableTypeLabel(m.observable.type)} {isNew ? <Badge tone="info">New</Badge> : null}
        </span>
      </th>
      <td data-label="Your asset">
        {assetKindLabel(m.asset.kind)} <code>{m.asset.value}</code>
      </td>
      <td data-label="Why">{reasonOf(m)}</td>
      <td data-label="Source">
        <span className="block">
          {sourceKindLabel(m.source.kind)}: {m.source.kind === 'warning' ? <Link to={`/warnings/${seg(m.source.id)}`}>{m.source.label ?? 'Untitled'}</Link> : (m.source.label ?? 'Untitled')}
        </span>
        <TlpBadge tlp={m.tlp} />
      </td>
      <td data-label="When">
        <Time iso={m.matchedAt} />
      </td>
      <td data-label="Status">
        {m.acknowledgedAt ? (
          <>
            <Badge tone="neutral">Handled</Badge> <span className="block hint"><Time iso={m.acknowledgedAt} /></span>
          </>
        ) : canAcknowledge ? (
          <button type="button" className="button button-secondary button-small" disabled={busy} aria-label={`Mark handled: ${shown}`} onClick={() => void acknowledge()}>
            Mark handled
          </button>
        ) : (
          <Badge tone="warn">Open</Badge>
        )}
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

