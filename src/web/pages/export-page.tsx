// One export: the address devices fetch, a preview of what they get now, its devices (a token
// each, the secret shown once; revoke), who fetched it and when, and its settings. Only those
// who manage it (its `manageable` flag, decided by the hub) get the controls to change it.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, CopyButton, Time } from '../components/bits.tsx';
import { ExportForm, typeList } from '../components/export-form.tsx';
import { TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { TlpBadge } from '../components/tlp-badge.tsx';
import {
  defaultTlpCeiling,
  formatLabel,
  sourceKindLabels,
  urlWithToken,
  type Export,
  type ExportFetch,
  type ExportFormat,
  type ExportPreview,
  type ExportTokenCreated,
} from '../export-types.ts';
import { formatNumber } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import type { ListOf } from '../types.ts';
import { useApi, type Resource } from '../use-api.ts';
import { indicatorTypeLabel } from '../warning-types.ts';
import { DeviceStatus, StaleDevicesNotice } from './exports.tsx';

export function ExportPage({ id }: { id: string }) {
  const exp = useApi<Export>(`/api/exports/${seg(id)}`);
  const formats = useApi<ListOf<ExportFormat>>('/api/exports/formats');
  const preview = useApi<ExportPreview>(`/api/exports/${seg(id)}/preview`);
  const fetches = useApi<ListOf<ExportFetch>>(`/api/exports/${seg(id)}/fetches`);
  const e = exp.data;
  const formatList = formats.data?.items ?? null;

  return (
    <Page title={e ? e.name : 'Export'} intro={e ? <p>{formatLabel(formatList, e.format)}</p> : null}>
      <LoadState loading={exp.loading && !e} error={exp.error} what="the export" />
      {e ? (
        <>
          <StaleDevicesNotice exports={[e]} linkEach={false} />
          <AddressSection exp={e} />
          <PreviewSection preview={preview} />
          <DevicesSection
            exp={e}
            onChanged={() => {
              exp.reload();
              fetches.reload();
            }}
          />
          <FetchHistory fetches={fetches} onRefresh={() => {
            fetches.reload();
            exp.reload();
          }} />
          <SettingsSection
            exp={e}
            formats={formatList}
            onSaved={(saved) => {
              exp.set(saved);
              preview.reload();
            }}
          />
        </>
      ) : null}
      <p className="spaced">
        <Link to="/connect/exports">Back to the exports</Link>
      </p>
    </Page>
  );
}

/** The path of the device URL, for a link on this origin (the session cookie goes with it). */
function localPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function AddressSection({ exp }: { exp: Export }) {
  return (
    <section className="card" aria-labelledby="export-address">
      <h2 id="export-address">Address</h2>
      <p>
        Devices fetch the export from this address, each with its own token: as <code>Authorization: Bearer</code>, as the
        password of HTTP Basic authentication (any user name), or, for devices that can do nothing else, as{' '}
        <code>?token=</code> at the end of the address.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="export-url">
          {exp.url}
        </code>
        <CopyButton text={exp.url} what="the export’s address" />
      </div>
      <p className="hint">
        Devices are told when nothing changed (ETag and Last-Modified), and get the list compressed if they ask. Signed
        in, you can also <a href={localPath(exp.url)}>open it in the browser</a>; that counts as a fetch.
      </p>
    </section>
  );
}

function PreviewSection({ preview }: { preview: Resource<ExportPreview> }) {
  const p = preview.data;
  const text = p ? p.lines.join('') : '';
  const byType = p ? Object.entries(p.counts.byType).sort(([a], [b]) => a.localeCompare(b)) : [];
  return (
    <section className="card" aria-labelledby="export-preview">
      <div className="section-head">
        <h2 id="export-preview">Preview</h2>
        <button type="button" className="button button-secondary button-small" onClick={preview.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">What a device gets now.</p>
      <LoadState loading={preview.loading && !p} error={preview.error} what="the preview" />
      {p ? (
        <>
          <dl className="details export-counts" data-testid="preview-counts">
            <div>
              <dt>Values</dt>
              <dd>{formatNumber(p.counts.values)}</dd>
            </div>
            {byType.map(([type, n]) => (
              <div key={type}>
                <dt>{indicatorTypeLabel(type)}</dt>
                <dd>{formatNumber(n)}</dd>
              </div>
            ))}
            <div>
              <dt>Skipped</dt>
              <dd>{formatNumber(p.counts.skipped)}</dd>
            </div>
          </dl>
          {p.counts.skipped > 0 ? (
            <p className="hint">Skipped: values the format cannot carry, or cannot carry safely (too long, or of a form the device would misread).</p>
          ) : null}
          {p.counts.values === 0 ? <p className="muted">No value matches the settings yet: a device gets an empty list.</p> : null}
          {text.trim() ? (
            <>
              <h3 className="export-preview-head">{p.truncated ? 'The start of the file' : 'The whole file'}</h3>
              <pre className="code-block export-preview" data-testid="export-preview">
                {text}
              </pre>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function DevicesSection({ exp, onChanged }: { exp: Export; onChanged(): void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<ExportTokenCreated | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setMessage({});
    if (!name.trim()) return setMessage({ error: 'Name the device, for example “Firewall at City Hall”.' });
    setBusy(true);
    try {
      const result = await api.post<ExportTokenCreated>(`/api/exports/${seg(exp.id)}/tokens`, { name: name.trim() });
      setCreated(result);
      setName('');
      onChanged();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (tokenId: string, device: string) => {
    setMessage({});
    try {
      await api.delete(`/api/exports/${seg(exp.id)}/tokens/${seg(tokenId)}`);
      setMessage({ success: `The token of ${device} is revoked: its next fetch is refused.` });
      if (created?.token.id === tokenId) setCreated(null);
      onChanged();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  return (
    <section className="card" aria-labelledby="export-devices">
      <h2 id="export-devices">Devices</h2>
      <p className="muted">Each device has its own token, so one can be revoked without touching the others.</p>
      <div role="status" className="live-region">
        {created ? <NewDeviceSecret created={created} onDone={() => setCreated(null)} /> : null}
      </div>
      <Notice error={message.error} success={message.success} />
      {exp.tokens.length === 0 ? <p className="muted">No devices yet.</p> : null}
      {exp.tokens.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Devices and their tokens</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Status</th>
                <th scope="col">Last fetch</th>
                <th scope="col" className="num">
                  Fetches
                </th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {exp.tokens.map((token) => (
                <tr
                  key={token.id}
                  data-testid="device-row"
                  className={token.status === 'stale' ? 'is-stale' : token.status === 'revoked' ? 'row-disabled' : undefined}
                >
                  <th scope="row" data-label="Device" className="break">
                    {token.name}
                  </th>
                  <td data-label="Status">
                    <span className="cell-actions">
                      <DeviceStatus token={token} withLastFetch={false} />
                      {exp.manageable && token.status !== 'revoked' ? (
                        <ConfirmButton
                          label="Revoke"
                          ariaLabel={`Revoke the token of ${token.name}`}
                          question="The device can no longer fetch."
                          confirmLabel="Yes, revoke"
                          danger
                          small
                          onConfirm={() => revoke(token.id, token.name)}
                        />
                      ) : null}
                    </span>
                  </td>
                  <td data-label="Last fetch">
                    {token.lastFetchAt ? (
                      <>
                        <Time iso={token.lastFetchAt} />
                        {token.lastFetchIp ? <span className="muted block">from {token.lastFetchIp}</span> : null}
                      </>
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td data-label="Fetches" className="num">
                    {formatNumber(token.fetchCount)}
                  </td>
                  <td data-label="Added">
                    <Time iso={token.createdAt} />
                    {token.revokedAt ? (
                      <span className="muted block">
                        revoked <Time iso={token.revokedAt} />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {exp.manageable ? (
        <form className="form export-add-device" onSubmit={(e) => void add(e)} aria-labelledby="add-device" noValidate>
          <h3 id="add-device">Add a device</h3>
          <div className="inline-fields">
            <TextField
              label="Device name"
              hint="For example “Firewall at City Hall”. The token is shown once, right after."
              autoComplete="off"
              maxLength={120}
              value={name}
              onChange={setName}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Add device
            </button>
          </div>
        </form>
      ) : (
        <p className="hint">Your organisation&rsquo;s administrators add devices and give each its token.</p>
      )}
    </section>
  );
}

function NewDeviceSecret({ created, onDone }: { created: ExportTokenCreated; onDone(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The secret appears above the device list: bring it into view and put focus on it.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [created.token.id]);
  const withToken = urlWithToken(created.url, created.secret);
  const example = `curl -sS --compressed -H "Authorization: Bearer ${created.secret}" \\\n  '${created.url}'`;
  return (
    <section className="callout callout-secret" aria-labelledby="new-device-secret">
      <h3 id="new-device-secret" ref={heading} tabIndex={-1}>
        Device {created.token.name} added
      </h3>
      <p>
        <strong>Copy its token now: it is shown once, and never again.</strong> The hub keeps only a fingerprint of it.
        If it is lost, revoke it and add the device again.
      </p>
      <h4>Token</h4>
      <div className="secret-row">
        <code className="secret" data-testid="device-secret">
          {created.secret}
        </code>
        <CopyButton text={created.secret} what="device token" />
      </div>
      <h4>Address with the token</h4>
      <p className="hint">For devices that can only be given an address. Anyone who has it can read the list: keep it as secret as the token.</p>
      <div className="secret-row">
        <code className="secret" data-testid="device-url">
          {withToken}
        </code>
        <CopyButton text={withToken} what="address with the token" />
      </div>
      <div className="connect-example-head">
        <h4>Try it</h4>
        <CopyButton text={example} what="curl example" />
      </div>
      <pre className="code-block" data-testid="device-curl">
        {example}
      </pre>
      <button type="button" className="button button-secondary spaced" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function fetchedBy(f: ExportFetch): string {
  if (f.device) return f.device;
  // No token: a signed-in member's download, or the console's `tocsin export`.
  return f.tokenId ? 'A device since removed' : 'A member, signed in, or the console';
}

function FetchHistory({ fetches, onRefresh }: { fetches: Resource<ListOf<ExportFetch>>; onRefresh(): void }) {
  const items = fetches.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="export-fetches">
      <div className="section-head">
        <h2 id="export-fetches">Fetch history</h2>
        <button type="button" className="button button-secondary button-small" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      <LoadState loading={fetches.loading && !fetches.data} error={fetches.error} what="the fetch history" />
      {fetches.data && items.length === 0 ? <p className="muted">No device has fetched it yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Fetch history</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Values
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((f, i) => (
                <tr key={`${f.at}-${i}`} data-testid="fetch-row">
                  <td data-label="When">
                    <Time iso={f.at} />
                  </td>
                  <td data-label="Device" className="break">
                    {fetchedBy(f)}
                  </td>
                  <td data-label="IP address" className="break">
                    {f.ip ?? <span className="muted">—</span>}
                  </td>
                  <td data-label="Status">
                    {f.status === 304 ? <Badge tone="neutral">304 Not changed</Badge> : f.status === 200 ? <Badge tone="good">200 Sent</Badge> : <Badge tone="bad">{String(f.status)}</Badge>}
                  </td>
                  <td data-label="Values" className="num">
                    {f.status === 304 ? <span className="muted">—</span> : formatNumber(f.values)}
                    {f.skipped > 0 ? <span className="muted block">{formatNumber(f.skipped)} skipped</span> : null}
                    {f.since ? (
                      <span className="muted block">
                        new since <Time iso={f.since} />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function SettingsSection({ exp, formats, onSaved }: { exp: Export; formats: readonly ExportFormat[] | null; onSaved(exp: Export): void }) {
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const o = exp.options;
  const format = formats?.find((f) => f.id === exp.format);

  const remove = async () => {
    setMessage({});
    try {
      await api.delete(`/api/exports/${seg(exp.id)}`);
      navigate('/connect/exports', { flash: `${exp.name} was removed. Its devices’ tokens no longer work.` });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  const rows: Array<[string, ReactNode]> = [
    ['Format', formatLabel(formats, exp.format)],
    ['Types', o.types?.length ? typeList(o.types) : format ? `All it carries: ${typeList(format.types)}` : 'All the format carries'],
    ['Minimum confidence', o.minConfidence !== undefined ? String(o.minConfidence) : 'Any'],
    ['Maximum age', o.maxAgeDays !== undefined ? `${o.maxAgeDays} days` : 'No limit'],
    ['Most restrictive TLP', <TlpBadge tlp={o.tlpCeiling ?? defaultTlpCeiling} />],
    ['Sources', o.sourceKinds?.length ? o.sourceKinds.map((k) => sourceKindLabels[k] ?? k).join(', ') : 'All'],
    ['Sighted only', o.sightedOnly ? 'Yes' : 'No'],
  ];
  if (o.feedIds?.length) rows.push(['Feeds', `${o.feedIds.length} chosen (through the API)`]);
  if (o.groupIds?.length) rows.push(['Sharing groups', `${o.groupIds.length} chosen (through the API)`]);
  if (format?.columns) rows.push(['Columns', o.columns?.length ? o.columns.join(', ') : 'All']);
  if (exp.format === 'edl-domain') rows.push(['Also *.domain', o.domainWildcards ? 'Yes' : 'No']);
  if (exp.format === 'rpz') {
    rows.push(['Record TTL', `${o.rpzTtl ?? 300} seconds`]);
    rows.push(['Zone name', o.rpzZone ?? 'Not given']);
  }
  if (exp.format === 'suricata-iprep') rows.push(['Category number', String(o.iprepCategory ?? 1)]);
  rows.push(['Stale after', `${exp.staleAfterHours} hours without a fetch`]);

  return (
    <section className="card" aria-labelledby="export-settings">
      <div className="section-head">
        <h2 id="export-settings">Settings</h2>
        {exp.manageable && !editing ? (
          <span className="cell-actions">
            <button
              type="button"
              className="button button-secondary"
              disabled={!formats}
              onClick={() => {
                setMessage({});
                setEditing(true);
              }}
            >
              Change settings
            </button>
            <ConfirmButton
              label="Remove export"
              question={<>Remove {exp.name}? Its devices&rsquo; tokens stop working and its fetch history goes.</>}
              confirmLabel="Yes, remove"
              danger
              onConfirm={remove}
            />
          </span>
        ) : null}
      </div>
      <Notice error={message.error} success={message.success} />
      {editing && formats ? (
        <ExportForm
          formats={formats}
          exp={exp}
          onSaved={(saved) => {
            setEditing(false);
            setMessage({ success: `${saved.name} was saved. Its address and device tokens stay the same; the preview shows the new content.` });
            onSaved(saved);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          {!exp.manageable ? <p className="hint">Your organisation&rsquo;s administrators can change this export.</p> : null}
          <dl className="details" data-testid="export-settings">
            {rows.map(([term, value]) => (
              <div key={term}>
                <dt>{term}</dt>
                <dd>{value}</dd>
              </div>
            ))}
            <div>
              <dt>Saved</dt>
              <dd>
                <Time iso={exp.updatedAt} />
              </dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}
