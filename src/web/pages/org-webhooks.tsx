// The "Webhooks" section of an organisation's page (its admins and the operator): URLs the
// hub calls, signed, for each warning the organisation receives. The signing secret is
// shown once, at creation and after rotation.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { AlertFilterFields, cleanFilter, filterSummary, useMyGroups } from '../components/alert-filter.tsx';
import { Badge, ConfirmButton, CopyButton } from '../components/bits.tsx';
import { CheckboxField, SelectField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Link } from '../router.tsx';
import type { ListOf } from '../types.ts';
import { useApi } from '../use-api.ts';
import { formatNumber } from '../format.ts';
import {
  connectorFormats,
  webhookFormats,
  type AlertFilter,
  type ConnectorOptions,
  type Webhook,
  type WebhookCreated,
  type WebhookFormat,
  type WebhookTestResult,
} from '../warning-types.ts';

function formatLabel(format: string): string {
  return webhookFormats.find((f) => f.value === format)?.label.replace(/ \(.*\)$/, '') ?? format;
}

interface ShownSecret {
  name: string;
  secret: string;
  rotated: boolean;
}

export function WebhooksSection({ orgId }: { orgId: string }) {
  const hooks = useApi<ListOf<Webhook>>(`/api/orgs/${seg(orgId)}/webhooks`);
  const { groups } = useMyGroups();
  const groupNames = new Map(groups.map((g) => [g.id, g.name]));
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [outcome, setOutcome] = useState<{ name: string; result: WebhookTestResult } | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const items = hooks.data?.items ?? [];

  const act = async (what: () => Promise<void>) => {
    setMessage({});
    try {
      await what();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  const toggle = (hook: Webhook) =>
    act(async () => {
      await api.patch<Webhook>(`/api/webhooks/${seg(hook.id)}`, { enabled: !hook.enabled });
      setMessage({ success: `${hook.name} is ${hook.enabled ? 'disabled' : 'enabled'}.` });
      hooks.reload();
    });

  const remove = (hook: Webhook) =>
    act(async () => {
      await api.delete(`/api/webhooks/${seg(hook.id)}`);
      setMessage({ success: `${hook.name} was deleted.` });
      hooks.reload();
    });

  const rotate = (hook: Webhook) =>
    act(async () => {
      const result = await api.post<{ secret: string }>(`/api/webhooks/${seg(hook.id)}/rotate-secret`);
      setSecret({ name: hook.name, secret: result.secret, rotated: true });
    });

  const test = (hook: Webhook) =>
    act(async () => {
      setOutcome(null);
      const result = await api.post<WebhookTestResult>(`/api/webhooks/${seg(hook.id)}/test`);
      setOutcome({ name: hook.name, result: result ?? {} });
    });

  return (
    <section className="card" aria-labelledby="org-webhooks">
      <h2 id="org-webhooks">Webhooks</h2>
      <p>
        The hub calls these addresses with each warning your organisation receives: for a SOAR, a ticket system or a
        chat channel.
      </p>
      <div role="status" className="live-region">
        {secret ? <SecretBox shown={secret} onDone={() => setSecret(null)} /> : null}
      </div>
      <LoadState loading={hooks.loading && !hooks.data} error={hooks.error} what="webhooks" />
      <Notice error={message.error} success={message.success} />
      {hooks.data && items.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Format</th>
                <th scope="col">Warnings</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((hook) => (
                <tr key={hook.id} className={hook.enabled ? undefined : 'row-disabled'}>
                  <th scope="row" data-label="Name" className="break">
                    {hook.name}
                  </th>
                  <td data-label="Address" className="break">
                    <span className="mono">{hook.url}</span>
                    {hook.secretHint ? <span className="muted block">Secret {hook.secretHint}</span> : null}
                    {hook.credentialHint ? <span className="muted block">Credential {hook.credentialHint}</span> : null}
                    {hook.options?.index ? <span className="muted block">Index {hook.options.index}</span> : null}
                  </td>
                  <td data-label="Format">{formatLabel(hook.format)}</td>
                  <td data-label="Warnings">{filterSummary(hook.filter, groupNames)}</td>
                  <td data-label="Status">
                    {hook.enabled ? <Badge tone="good">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
                  </td>
                  <td data-label="Actions">
                    <span className="cell-actions">
                      <Link to={`/webhooks/${seg(hook.id)}`} aria-label={`Delivery log of ${hook.name}`}>
                        Delivery log
                      </Link>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={`Send a test to ${hook.name}`}
                        onClick={() => void test(hook)}
                      >
                        Test
                      </button>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        aria-label={`${hook.enabled ? 'Disable' : 'Enable'} ${hook.name}`}
                        onClick={() => void toggle(hook)}
                      >
                        {hook.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <ConfirmButton
                        label="New secret"
                        ariaLabel={`New secret for ${hook.name}`}
                        question="The old secret stops working at once."
                        confirmLabel="Yes, replace it"
                        small
                        onConfirm={() => rotate(hook)}
                      />
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete ${hook.name}`}
                        question={<>Delete {hook.name}?</>}
                        confirmLabel="Yes, delete"
                        danger
                        small
                        onConfirm={() => remove(hook)}
                      />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div role="status" className="live-region">
        {outcome ? <TestOutcome name={outcome.name} result={outcome.result} onClose={() => setOutcome(null)} /> : null}
      </div>
      <CreateWebhook
        orgId={orgId}
        onCreated={(created) => {
          setSecret({ name: created.webhook.name, secret: created.secret, rotated: false });
          setMessage({});
          hooks.reload();
        }}
      />
    </section>
  );
}

function TestOutcome({ name, result, onClose }: { name: string; result: WebhookTestResult; onClose(): void }) {
  const ok = result.delivered === true;
  return (
    <div className={`callout ${ok ? 'callout-success' : 'callout-warn'}`}>
      <p>
        <strong>
          {ok ? `Test delivered to ${name}` : `Test to ${name} failed`}
          {typeof result.status === 'number' ? `: the receiver answered HTTP ${result.status}` : ''}
          {typeof result.durationMs === 'number' ? ` in ${formatNumber(result.durationMs)} ms` : ''}.
        </strong>
        {result.error ? <span className="block">{result.error}</span> : null}
      </p>
      <details>
        <summary>Full report</summary>
        <pre className="code-block small">{JSON.stringify(result, null, 2)}</pre>
      </details>
      <button type="button" className="button button-secondary button-small spaced" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

function SecretBox({ shown, onDone }: { shown: ShownSecret; onDone(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [shown.secret]);
  return (
    <div className="callout callout-secret">
      <h3 ref={heading} tabIndex={-1}>
        {shown.rotated ? `New signing secret for ${shown.name}` : `Webhook ${shown.name} created`}
      </h3>
      <p>
        <strong>Copy the signing secret now: it will not be shown again.</strong>
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="webhook-secret">
          {shown.secret}
        </code>
        <CopyButton text={shown.secret} what="signing secret" />
      </div>
      <p className="hint">
        Every call carries a <code>Tocsin-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code> header, where v1 is
        the HMAC-SHA256 of <code>&lt;t&gt;.&lt;request body&gt;</code> with this secret. Your receiver should compute it
        again, compare in constant time and refuse old timestamps (say, more than five minutes), so that nobody else
        can send it fake warnings.
      </p>
      <button type="button" className="button button-secondary spaced" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}

function CreateWebhook({ orgId, onCreated }: { orgId: string; onCreated(created: WebhookCreated): void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [enabled, setEnabled] = useState(true);
  const [filter, setFilter] = useState<AlertFilter>({});
  const [credential, setCredential] = useState('');
  const [options, setOptions] = useState<ConnectorOptions>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connector = connectorFormats.includes(format);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!/^https?:\/\//i.test(url.trim())) {
      setError('The address must start with https:// (or http:// if the operator allows it).');
      return;
    }
    if (connector && !credential.trim()) {
      setError(format === 'splunk-hec' ? 'Enter the HEC token Splunk gave you.' : 'Enter the API key (or the password) the hub logs in to Elasticsearch with.');
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<WebhookCreated>(`/api/orgs/${seg(orgId)}/webhooks`, {
        name: name.trim(),
        url: url.trim(),
        format,
        filter: cleanFilter(filter),
        enabled,
        ...(connector ? { credential: credential.trim(), options: cleanOptions(format, options) } : {}),
      });
      setName('');
      setUrl('');
      setFilter({});
      setCredential('');
      setOptions({});
      onCreated(created);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form spaced" onSubmit={submit} aria-labelledby="create-webhook">
      <h3 id="create-webhook">New webhook</h3>
      <div className="grid-2">
        <TextField label="Webhook name" hint="For example “SOAR” or “#security channel”." required autoComplete="off" value={name} onChange={setName} />
        <SelectField
          label="Format"
          value={format}
          options={webhookFormats}
          onChange={(v) => {
            setFormat(v as WebhookFormat);
            setOptions({});
          }}
        />
      </div>
      <TextField
        label="Address (URL)"
        type="url"
        inputMode="url"
        spellCheck={false}
        autoComplete="off"
        required
        hint={addressHints[format] ?? addressHints.json}
        value={url}
        onChange={setUrl}
      />
      {connector ? <ConnectorFields format={format} credential={credential} onCredential={setCredential} options={options} onOptions={setOptions} /> : null}
      <details className="filter-details">
        <summary>Only some warnings</summary>
        <AlertFilterFields filter={filter} onChange={setFilter} />
      </details>
      <CheckboxField label="Enabled" hint="Start calling it at once." checked={enabled} onChange={setEnabled} />
      <Notice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          Create webhook
        </button>
      </div>
    </form>
  );
}

const addressHints: Partial<Record<WebhookFormat, string>> & { json: string } = {
  json: 'Where the hub sends each warning, for example https://soar.example.gov/hooks/tocsin.',
  'splunk-hec': 'The HTTP Event Collector endpoint, for example https://splunk.example.gov:8088/services/collector/event.',
  'elastic-bulk': 'The Elasticsearch address, for example https://es.example.gov:9200 (the hub adds /_bulk).',
};

/** Only the keys the chosen connector takes, without empty ones (absent keys take the defaults). */
function cleanOptions(format: WebhookFormat, options: ConnectorOptions): ConnectorOptions {
  const keys: Array<keyof ConnectorOptions> = format === 'splunk-hec' ? ['index', 'sourcetype', 'source'] : ['index', 'auth', ...(options.auth === 'basic' ? (['username'] as const) : [])];
  const out: ConnectorOptions = {};
  for (const k of keys) {
    const v = options[k]?.trim();
    if (v) (out as Record<string, string>)[k] = v;
  }
  return out;
}

/** The credential (write-only: never shown again) and the options of a SIEM connector. */
function ConnectorFields({
  format,
  credential,
  onCredential,
  options,
  onOptions,
}: {
  format: WebhookFormat;
  credential: string;
  onCredential(value: string): void;
  options: ConnectorOptions;
  onOptions(options: ConnectorOptions): void;
}) {
  const set = (key: keyof ConnectorOptions) => (value: string) => onOptions({ ...options, [key]: value });
  if (format === 'splunk-hec') {
    return (
      <fieldset className="fieldset">
        <legend>Splunk</legend>
        <TextField label="HEC token" type="password" autoComplete="off" spellCheck={false} required hint="Settings → Data inputs → HTTP Event Collector in Splunk Web. Stored for the hub's calls only: it is never shown again." value={credential} onChange={onCredential} />
        <div className="grid-2">
          <TextField label="Index (optional)" spellCheck={false} autoComplete="off" hint="Default: the token's default index." value={options.index ?? ''} onChange={set('index')} />
          <TextField label="Sourcetype (optional)" spellCheck={false} autoComplete="off" hint="Default: tocsin:intel." value={options.sourcetype ?? ''} onChange={set('sourcetype')} />
        </div>
        <TextField label="Source (optional)" spellCheck={false} autoComplete="off" hint="Default: tocsin. Set it to tell two hubs apart." value={options.source ?? ''} onChange={set('source')} />
      </fieldset>
    );
  }
  const basic = options.auth === 'basic';
  return (
    <fieldset className="fieldset">
      <legend>Elasticsearch</legend>
      <SelectField
        label="Log in with"
        value={options.auth ?? 'api-key'}
        options={[
          { value: 'api-key', label: 'An API key' },
          { value: 'basic', label: 'A user name and password' },
        ]}
        onChange={(v) => onOptions({ ...options, auth: v as 'api-key' | 'basic' })}
      />
      {basic ? <TextField label="User name" autoComplete="off" spellCheck={false} required value={options.username ?? ''} onChange={set('username')} /> : null}
      <TextField
        label={basic ? 'Password' : 'API key'}
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        hint={basic ? 'Stored for the hub’s calls only: it is never shown again.' : 'The encoded key (or id:api_key) from Kibana, Stack Management → API keys. Stored for the hub’s calls only: it is never shown again.'}
        value={credential}
        onChange={onCredential}
      />
      <TextField label="Index or data stream (optional)" spellCheck={false} autoComplete="off" hint="Default: logs-ti_tocsin.indicator-default, which Elastic Security's indicator match rules read." value={options.index ?? ''} onChange={set('index')} />
    </fieldset>
  );
}
