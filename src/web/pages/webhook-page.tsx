// One webhook's delivery log: each call the hub made or will make, with its outcome.
// Fields are read defensively: whatever the hub adds shows under "More".
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, Time, type Tone } from '../components/bits.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { formatNumber } from '../format.ts';
import { useLiveMessages } from '../live.tsx';
import { Link } from '../router.tsx';
import { useMe } from '../session.tsx';
import { useApi } from '../use-api.ts';
import type { DeliveryPage, Webhook } from '../warning-types.ts';

const statusOptions = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'failed', label: 'Failed' },
];

const statusTone: Record<string, Tone> = { delivered: 'good', pending: 'info', failed: 'bad' };

const shownKeys = new Set([
  'id', 'eventId', 'eventType', 'status', 'attempts', 'lastStatus', 'lastError', 'durationMs', 'createdAt', 'deliveredAt', 'nextAttemptAt', 'webhookId',
]);

function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function iso(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function Dash() {
  return <span className="muted">—</span>;
}

export function WebhookPage({ id }: { id: string }) {
  const me = useMe();
  const hook = useApi<Webhook>(`/api/webhooks/${seg(id)}`);
  const [status, setStatus] = useState('');
  const [before, setBefore] = useState<number | null>(null);
  const deliveries = useApi<DeliveryPage>(`/api/webhooks/${seg(id)}/deliveries`, { status, limit: 50, before });
  // A new warning may mean a new delivery: look again shortly after it arrives.
  useLiveMessages((message) => {
    if (message.kind === 'warning' && before === null) window.setTimeout(deliveries.reload, 1500);
  });
  const page = deliveries.data;
  const items = page && Array.isArray(page.items) ? page.items : [];
  const orgId = hook.data?.orgId ?? me.user.orgId;

  return (
    <Page
      title={hook.data ? `Deliveries to ${hook.data.name}` : 'Webhook delivery log'}
      intro={
        <>
          {hook.data ? <p className="mono break">{hook.data.url}</p> : null}
          <p>The calls the hub made to this webhook, newest first. Failed calls are tried again, waiting longer each time.</p>
        </>
      }
      actions={
        <button type="button" className="button button-secondary" onClick={deliveries.reload}>
          Refresh
        </button>
      }
    >
      <form className="filters filters-compact" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Status"
          value={status}
          options={statusOptions}
          onChange={(value) => {
            setStatus(value);
            setBefore(null);
          }}
        />
      </form>
      <LoadState loading={deliveries.loading && !deliveries.data} error={deliveries.error} what="deliveries" />
      {deliveries.data && items.length === 0 ? <p className="card muted">No deliveries{status ? ' with this status' : ''} yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last answer</th>
                <th scope="col" className="num">
                  Took
                </th>
                <th scope="col">Created</th>
                <th scope="col">Delivered</th>
                <th scope="col">Next attempt</th>
                <th scope="col">More</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d, index) => {
                const extra = Object.fromEntries(Object.entries(d).filter(([k]) => !shownKeys.has(k)));
                const state = text(d.status);
                const duration = typeof d.durationMs === 'number' ? d.durationMs : null;
                return (
                  <tr key={text(d.id) ?? `row-${index}`}>
                    <th scope="row" data-label="Event">
                      {text(d.eventType) ?? 'Event'}
                      {text(d.eventId) ? <span className="muted block mono">#{text(d.eventId)}</span> : null}
                    </th>
                    <td data-label="Status">{state ? <Badge tone={statusTone[state] ?? 'neutral'}>{state}</Badge> : <Dash />}</td>
                    <td data-label="Attempts" className="num">
                      {typeof d.attempts === 'number' ? formatNumber(d.attempts) : <Dash />}
                    </td>
                    <td data-label="Last answer" className="break">
                      {text(d.lastStatus) ? <span className="block">HTTP {text(d.lastStatus)}</span> : null}
                      {text(d.lastError) ? <span className="block error-text">{text(d.lastError)}</span> : null}
                      {!text(d.lastStatus) && !text(d.lastError) ? <Dash /> : null}
                    </td>
                    <td data-label="Took" className="num">
                      {duration !== null ? `${formatNumber(duration)} ms` : <Dash />}
                    </td>
                    <td data-label="Created">
                      <Time iso={iso(d.createdAt)} />
                    </td>
                    <td data-label="Delivered">
                      <Time iso={iso(d.deliveredAt)} />
                    </td>
                    <td data-label="Next attempt">
                      {state === 'pending' || state === 'failed' ? <Time iso={iso(d.nextAttemptAt)} /> : <Dash />}
                    </td>
                    <td data-label="More">
                      {Object.keys(extra).length > 0 ? (
                        <details>
                          <summary>Show</summary>
                          <pre className="code-block small">{JSON.stringify(extra, null, 2)}</pre>
                        </details>
                      ) : (
                        <Dash />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {before !== null || (typeof page?.nextBefore === 'number') ? (
        <div className="pager">
          {before !== null ? (
            <button type="button" className="button button-secondary" onClick={() => setBefore(null)}>
              Newest
            </button>
          ) : (
            <span />
          )}
          {typeof page?.nextBefore === 'number' ? (
            <button type="button" className="button button-secondary" onClick={() => setBefore(page.nextBefore ?? null)}>
              Older
            </button>
          ) : null}
        </div>
      ) : null}
      {hook.data && hook.data.credentialHint !== undefined ? <ReplaceCredential hook={hook.data} onReplaced={hook.reload} /> : null}
      <p className="spaced">
        {orgId ? <Link to={`/orgs/${seg(orgId)}`}>Back to the organisation&rsquo;s webhooks</Link> : <Link to="/admin/orgs">Back to organisations</Link>}
      </p>
    </Page>
  );
}

/** A SIEM connector's credential is write-only: it can be replaced (a rotated token), never read. */
function ReplaceCredential({ hook, onReplaced }: { hook: Webhook; onReplaced(): void }) {
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const what = hook.format === 'splunk-hec' ? 'HEC token' : hook.options?.auth === 'basic' ? 'password' : 'API key';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage({});
    if (!credential.trim()) {
      setMessage({ error: `Enter the new ${what}.` });
      return;
    }
    setBusy(true);
    try {
      await api.patch<Webhook>(`/api/webhooks/${seg(hook.id)}`, { credential: credential.trim() });
      setCredential('');
      setMessage({ success: `The new ${what} is stored; the next delivery uses it.` });
      onReplaced();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form card spaced" onSubmit={submit} aria-labelledby="replace-credential">
      <h2 id="replace-credential">Replace the {what}</h2>
      <p>
        Stored now: {hook.credentialHint ? <span className="mono">{hook.credentialHint}</span> : 'none'}. The hub never shows a stored {what}; after you rotate it in{' '}
        {hook.format === 'splunk-hec' ? 'Splunk' : 'Elasticsearch'}, enter the new one here.
      </p>
      <TextField label={`New ${what}`} type="password" autoComplete="off" spellCheck={false} value={credential} onChange={setCredential} />
      <Notice error={message.error} success={message.success} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          Replace
        </button>
      </div>
    </form>
  );
}
