// The outside feeds the signed-in user may see, with their health, and the form to add one
// (operators: the hub's feeds; an organisation's admins: their organisation's own).
import { seg } from '../api.ts';
import { Badge, Time, type Tone } from '../components/bits.tsx';
import { FeedForm } from '../components/feed-form.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import { feedKindName, healthLabels, type Feed, type FeedHealthStatus } from '../feed-types.ts';
import { Link, navigate } from '../router.tsx';
import { useMe } from '../session.tsx';
import type { ListOf, MeResponse } from '../types.ts';
import { useApi } from '../use-api.ts';

export const healthTone: Record<FeedHealthStatus, Tone> = { healthy: 'good', failing: 'bad', unknown: 'neutral', disabled: 'neutral' };

/** May add feeds: the operator, and an organisation's admins (for their own organisation). */
export function canAddFeeds(me: MeResponse): boolean {
  return me.user.isOperator || (me.user.orgId !== null && me.user.role === 'admin');
}

/** "All members", "Your organisation", "One organisation". */
export function audienceText(feed: Feed, me: MeResponse): string {
  if (feed.audience === 'members') return 'All members';
  if (feed.orgId && feed.orgId === me.user.orgId) return 'Your organisation';
  return 'One organisation';
}

/** Where a feed reads from, as far as the caller may know it. */
export function sourceText(feed: Feed): string {
  return feed.url ?? (feed.file ? `File: ${feed.file}` : 'A file on the hub');
}

export function FeedsPage() {
  const me = useMe();
  const feeds = useApi<ListOf<Feed>>('/api/feeds');
  const items = feeds.data?.items ?? [];

  return (
    <Page
      title="Outside feeds"
      intro={
        <p>
          Threat data this hub pulls in on a schedule: lists, CSV files, IOC notes, MISP feeds, STIX bundles and TAXII
          collections. Their values are shared at each feed’s TLP and show up in lookups, exports and alerts.
        </p>
      }
      actions={
        <button type="button" className="button button-secondary" onClick={feeds.reload}>
          Refresh
        </button>
      }
    >
      <section className="card" aria-labelledby="feed-list">
        <h2 id="feed-list">Feeds</h2>
        <LoadState loading={feeds.loading && !feeds.data} error={feeds.error} what="the feeds" />
        {feeds.data && items.length === 0 ? <p className="muted">No feeds yet.</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Feeds and their health</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">TLP</th>
                  <th scope="col">Health</th>
                  <th scope="col">Shared with</th>
                </tr>
              </thead>
              <tbody>
                {items.map((feed) => (
                  <tr key={feed.id} className={feed.enabled ? undefined : 'row-disabled'} data-testid="feed-row">
                    <th scope="row" data-label="Name" className="break">
                      <Link to={`/feeds/${seg(feed.id)}`}>{feed.name}</Link>
                      <span className="mono muted block">{sourceText(feed)}</span>
                    </th>
                    <td data-label="Kind">{feedKindName(feed.kind)}</td>
                    <td data-label="TLP">
                      <TlpBadge tlp={feed.tlp} />
                    </td>
                    <td data-label="Health">
                      <FeedHealthSummary feed={feed} />
                    </td>
                    <td data-label="Shared with">{audienceText(feed, me)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {canAddFeeds(me) ? (
        <section className="card" aria-label="Add a feed">
          <FeedForm
            onSaved={(feed) =>
              navigate(`/feeds/${seg(feed.id)}`, {
                flash: `${feed.name} was added. It runs on its schedule${feed.enabled ? '' : ' once enabled'}; “Run now” starts a run at once.`,
              })
            }
          />
        </section>
      ) : null}
    </Page>
  );
}

/** The health badge, and when it last ran and runs next; the last error when it is failing. */
export function FeedHealthSummary({ feed }: { feed: Feed }) {
  const h = feed.health;
  return (
    <>
      <Badge tone={healthTone[h.status] ?? 'neutral'}>{healthLabels[h.status] ?? h.status}</Badge>
      {h.running ? <span className="block">Running now</span> : null}
      <span className="muted block">
        Last run: <Time iso={h.lastRunAt} />
      </span>
      {feed.enabled ? (
        <span className="muted block">
          Next run: <Time iso={h.nextRunAt} />
        </span>
      ) : null}
      {h.consecutiveFailures > 0 && h.lastError ? (
        <span className="block break error-text">
          {h.consecutiveFailures} failure(s) in a row: {h.lastError}
        </span>
      ) : null}
    </>
  );
}
