// For the hub operator: the peer hubs this hub federates with over TAXII 2.1 — their
// health, what may leave to each, and buttons to test the connection or run a pull or push now.
import { useState } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, Time, type Tone } from '../components/bits.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { PeerForm } from '../components/peer-form.tsx';
import type { HealthStatus, Peer, PeerRunResult, PeerTestResult } from '../federation-types.ts';
import { formatNumber } from '../format.ts';
import type { ListOf } from '../types.ts';
import { useApi } from '../use-api.ts';

const healthTone: Record<HealthStatus, Tone> = { healthy: 'good', failing: 'warn', unhealthy: 'bad', unknown: 'neutral', disabled: 'neutral' };
const healthLabel: Record<HealthStatus, string> = { healthy: 'Healthy', failing: 'Retrying', unhealthy: 'Unhealthy', unknown: 'Not contacted yet', disabled: 'Disabled' };
const directionLabel: Record<string, string> = { pull: 'Pull', push: 'Push', both: 'Pull and push' };

type Outcome = { kind: 'test'; name: string; result: PeerTestResult } | { kind: 'run'; name: string; result: PeerRunResult };

export function PeersPage() {
  const peers = useApi<ListOf<Peer>>('/api/peers');
  const [editing, setEditing] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [busy, setBusy] = useState<string | null>(null);
  const items = peers.data?.items ?? [];

  const act = async (peer: Peer, what: () => Promise<void>) => {
    setMessage({});
    setBusy(peer.id);
    try {
      await what();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  const test = (peer: Peer) =>
    act(peer, async () => {
      setOutcome(null);
      setOutcome({ kind: 'test', name: peer.name, result: await api.post<PeerTestResult>(`/api/peers/${seg(peer.id)}/test`) });
    });
  const runNow = (peer: Peer) =>
    act(peer, async () => {
      setOutcome(null);
      setOutcome({ kind: 'run', name: peer.name, result: await api.post<PeerRunResult>(`/api/peers/${seg(peer.id)}/run`) });
      peers.reload();
    });
  const toggle = (peer: Peer) =>
    act(peer, async () => {
      await api.patch<Peer>(`/api/peers/${seg(peer.id)}`, { enabled: !peer.enabled });
      setMessage({ success: `${peer.name} is ${peer.enabled ? 'disabled' : 'enabled'}.` });
      peers.reload();
    });
  const remove = (peer: Peer) =>
    act(peer, async () => {
      await api.delete(`/api/peers/${seg(peer.id)}`);
      setMessage({ success: `${peer.name} was removed. Objects received from it stay.` });
      peers.reload();
    });

  return (
    <Page
      title="Peer hubs"
      intro={
        <p>
          Other hubs this hub exchanges threat intelligence with over TAXII 2.1. Only TLP:CLEAR leaves the hub, and
          TLP:GREEN shared with all members goes to peers marked as the same community; TLP:AMBER, AMBER+STRICT and RED
          never leave. Nothing received from a peer is sent back to it.
        </p>
      }
      actions={
        <button type="button" className="button button-secondary" onClick={peers.reload}>
          Refresh
        </button>
      }
    >
      <section className="card" aria-labelledby="peer-list">
        <h2 id="peer-list">Peers</h2>
        <LoadState loading={peers.loading && !peers.data} error={peers.error} what="peer hubs" />
        <Notice error={message.error} success={message.success} />
        {peers.data && items.length === 0 ? <p className="muted">No peer hubs yet.</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Peer hubs and their health</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Exchange</th>
                  <th scope="col">May leave</th>
                  <th scope="col">Health</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((peer) => (
                  <tr key={peer.id} className={peer.enabled ? undefined : 'row-disabled'}>
                    <th scope="row" data-label="Name" className="break">
                      {peer.name}
                      <span className="mono muted block">{peer.url}</span>
                    </th>
                    <td data-label="Exchange">
                      {directionLabel[peer.direction] ?? peer.direction}
                      <span className="muted block">
                        {peer.direction !== 'push' ? `${formatNumber(peer.pullCursors.reduce((n, c) => n + c.objectsReceived, 0))} received` : null}
                        {peer.direction === 'both' ? ' · ' : null}
                        {peer.direction !== 'pull' ? `${formatNumber(peer.objectsPushed)} sent` : null}
                      </span>
                    </td>
                    <td data-label="May leave">
                      {peer.egress.length === 0 ? <span className="muted">Nothing (pull only)</span> : peer.egress.map((t) => <Badge key={t}>{`TLP:${t.toUpperCase()}`}</Badge>)}
                    </td>
                    <td data-label="Health">
                      <Badge tone={healthTone[peer.health.status]}>{healthLabel[peer.health.status]}</Badge>
                      {peer.health.running ? <span className="muted block">Running now</span> : null}
                      <span className="muted block">
                        Last success: <Time iso={peer.health.lastSuccessAt} />
                      </span>
                      {peer.health.consecutiveFailures > 0 && peer.health.lastError ? (
                        <span className="block break">
                          {peer.health.consecutiveFailures} failure(s) in a row: {peer.health.lastError}
                          {peer.health.nextAttemptAt ? (
                            <span className="muted block">
                              Next try: <Time iso={peer.health.nextAttemptAt} />
                            </span>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    <td data-label="Actions">
                      <span className="cell-actions">
                        <button type="button" className="button button-secondary button-small" aria-label={`Test the connection to ${peer.name}`} disabled={busy === peer.id} onClick={() => void test(peer)}>
                          Test
                        </button>
                        <button type="button" className="button button-secondary button-small" aria-label={`Run now for ${peer.name}`} disabled={busy === peer.id || !peer.enabled} onClick={() => void runNow(peer)}>
                          Run now
                        </button>
                        <button type="button" className="button button-secondary button-small" aria-label={`Change ${peer.name}`} aria-expanded={editing === peer.id} onClick={() => setEditing(editing === peer.id ? null : peer.id)}>
                          Change
                        </button>
                        <button type="button" className="button button-secondary button-small" aria-label={`${peer.enabled ? 'Disable' : 'Enable'} ${peer.name}`} onClick={() => void toggle(peer)}>
                          {peer.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <ConfirmButton label="Remove" ariaLabel={`Remove ${peer.name}`} question={<>Remove {peer.name}?</>} confirmLabel="Yes, remove" danger small onConfirm={() => remove(peer)} />
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <div role="status" className="live-region">
          {outcome ? <OutcomeBox outcome={outcome} onClose={() => setOutcome(null)} /> : null}
        </div>
        {editing && items.find((p) => p.id === editing) ? (
          <PeerForm
            key={editing}
            peer={items.find((p) => p.id === editing)!}
            onSaved={(saved) => {
              setEditing(null);
              setMessage({ success: `${saved.name} was saved.` });
              peers.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </section>
      <section className="card" aria-labelledby="add-peer">
        <PeerForm
          onSaved={(saved) => {
            setMessage({ success: `${saved.name} was added. The hub contacts it now; “Test” checks the connection.` });
            peers.reload();
          }}
        />
      </section>
    </Page>
  );
}

function OutcomeBox({ outcome, onClose }: { outcome: Outcome; onClose(): void }) {
  const ok = outcome.result.ok;
  return (
    <div className={`callout ${ok ? 'callout-success' : 'callout-warn'}`}>
      <p>
        <strong>
          {outcome.kind === 'test' ? (ok ? `${outcome.name} answers, and the collections are in order.` : `Test of ${outcome.name} failed.`) : ok ? `${outcome.name}: done.` : `${outcome.name}: the run failed.`}
        </strong>
        {outcome.result.error ? <span className="block break">{outcome.result.error}</span> : null}
      </p>
      {outcome.kind === 'test' && outcome.result.collections.length > 0 ? (
        <>
          <p>The peer’s collections that this hub can see:</p>
          <ul>
            {outcome.result.collections.map((c) => (
              <li key={c.id}>
                {c.title} <span className="mono">{c.id}</span> {c.canRead ? <Badge tone="info">read</Badge> : null} {c.canWrite ? <Badge tone="info">write</Badge> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {outcome.kind === 'run' ? (
        <ul>
          {outcome.result.pulls.map((p) => (
            <li key={p.collectionId}>
              Pulled from <span className="mono">{p.collectionId}</span>: {formatNumber(p.added)} new, {formatNumber(p.alreadyHad)} already here, {formatNumber(p.refused)} refused
              {p.complete ? '' : ' (more follows)'}
            </li>
          ))}
          {outcome.result.push ? (
            <li>
              Pushed {formatNumber(outcome.result.push.sent)}, kept back {formatNumber(outcome.result.push.withheld)} (TLP, or received from this peer), refused by the peer{' '}
              {formatNumber(outcome.result.push.refused)}
            </li>
          ) : null}
        </ul>
      ) : null}
      <button type="button" className="button button-secondary button-small spaced" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
