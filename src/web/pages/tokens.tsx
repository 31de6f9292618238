// API tokens: for scripts and security tools. Create one (the secret is shown once),
// see when each was last used, and revoke.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, CopyButton, Time } from '../components/bits.tsx';
import { CheckboxField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { useMe } from '../session.tsx';
import { scopes, type ListOf, type Scope, type Token, type TokenCreated } from '../types.ts';
import { useApi } from '../use-api.ts';

const scopeHelp: Record<Scope, string> = {
  read: 'Read: feeds, search and the directory.',
  write: 'Write: share intelligence and report sightings.',
  admin: 'Admin: manage your organisation (only if your account may).',
};

const statusTone = { active: 'good', expired: 'neutral', revoked: 'bad' } as const;

export function TokensPage() {
  const me = useMe();
  const tokens = useApi<ListOf<Token>>('/api/tokens');
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const items = tokens.data?.items ?? [];
  const showOwner = items.some((t) => t.userId !== me.user.id);

  const revoke = async (token: Token) => {
    setMessage({});
    try {
      await api.delete(`/api/tokens/${seg(token.id)}`);
      setMessage({ success: `The token ${token.name} is revoked; anything using it will stop working.` });
      if (created?.token.id === token.id) setCreated(null);
      tokens.reload();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  return (
    <Page
      title="API tokens"
      intro={
        <p>
          Tokens let scripts and security tools (SIEM, firewall, SOAR) use the hub&rsquo;s API as you. Give each
          tool its own token so you can revoke one without breaking the others.
        </p>
      }
    >
      <div role="status" className="live-region">
        {created ? <NewSecret created={created} onDone={() => setCreated(null)} /> : null}
      </div>
      <CreateTokenForm
        onCreated={(result) => {
          setCreated(result);
          tokens.reload();
        }}
      />
      <section className="card" aria-labelledby="token-list">
        <h2 id="token-list">Your tokens</h2>
        <LoadState loading={tokens.loading && !tokens.data} error={tokens.error} what="tokens" />
        <Notice error={message.error} success={message.success} />
        {tokens.data && items.length === 0 ? <p className="muted">No tokens yet.</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {showOwner ? <th scope="col">User</th> : null}
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((token) => (
                  <tr key={token.id} className={token.status === 'active' ? undefined : 'row-disabled'}>
                    <th scope="row" data-label="Name" className="break">
                      {token.name}
                    </th>
                    {showOwner ? (
                      <td data-label="User" className="break">
                        {token.userEmail}
                      </td>
                    ) : null}
                    <td data-label="Scopes">{token.scopes.join(', ')}</td>
                    <td data-label="Created">
                      <Time iso={token.createdAt} />
                    </td>
                    <td data-label="Expires">{token.expiresAt ? <Time iso={token.expiresAt} /> : 'Never'}</td>
                    <td data-label="Last used">
                      {token.lastUsedAt ? (
                        <>
                          <Time iso={token.lastUsedAt} />
                          {token.lastUsedIp ? <span className="muted block">from {token.lastUsedIp}</span> : null}
                        </>
                      ) : (
                        <span className="muted">Never</span>
                      )}
                    </td>
                    <td data-label="Status">
                      <span className="cell-actions">
                        <Badge tone={statusTone[token.status]}>{token.status}</Badge>
                        {token.status === 'active' ? (
                          <ConfirmButton
                            label="Revoke"
                            ariaLabel={`Revoke token ${token.name}`}
                            question="Tools using it stop working."
                            confirmLabel="Yes, revoke"
                            danger
                            small
                            onConfirm={() => revoke(token)}
                          />
                        ) : null}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </Page>
  );
}

function CreateTokenForm({ onCreated }: { onCreated(result: TokenCreated): void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<Scope>>(new Set(['read']));
  const [days, setDays] = useState('365');
  const [never, setNever] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toggle = (scope: Scope, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(scope);
    else next.delete(scope);
    setChosen(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (chosen.size === 0) {
      setError('Choose at least one scope.');
      return;
    }
    let expiresInDays: number | null = null;
    if (!never) {
      if (!/^\d+$/.test(days.trim()) || Number(days) < 1) {
        setError('Expiry must be a whole number of days, or tick "Never expires".');
        return;
      }
      expiresInDays = Number(days);
    }
    setBusy(true);
    try {
      const result = await api.post<TokenCreated>('/api/tokens', {
        name: name.trim(),
        scopes: scopes.filter((s) => chosen.has(s)),
        expiresInDays,
      });
      onCreated(result);
      setName('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-token">
      <h2 id="create-token">New token</h2>
      <form className="form" onSubmit={submit}>
        <TextField
          label="Token name"
          hint="What will use it, for example “Splunk at City Hall”."
          required
          autoComplete="off"
          value={name}
          onChange={setName}
        />
        <fieldset className="fieldset">
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <CheckboxField
              key={scope}
              label={scope}
              hint={scopeHelp[scope]}
              checked={chosen.has(scope)}
              onChange={(on) => toggle(scope, on)}
            />
          ))}
        </fieldset>
        <fieldset className="fieldset">
          <legend>Expiry</legend>
          <div className="inline-fields">
            <TextField
              label="Expires in (days)"
              inputMode="numeric"
              className="field-short"
              disabled={never}
              value={days}
              onChange={setDays}
            />
            <CheckboxField label="Never expires" checked={never} onChange={setNever} />
          </div>
        </fieldset>
        <Notice error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}

function NewSecret({ created, onDone }: { created: TokenCreated; onDone(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const origin = window.location.origin;
  // The secret appears above the form: bring it into view and put focus on it.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [created.token.id]);
  const example = `curl -H "Authorization: Bearer ${created.secret}" ${origin}/api/me`;
  return (
    <section className="callout callout-secret" aria-labelledby="new-secret">
      <h2 id="new-secret" ref={heading} tabIndex={-1}>
        Token {created.token.name} created
      </h2>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Store it where the tool keeps its secrets.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="token-secret">
          {created.secret}
        </code>
        <CopyButton text={created.secret} what="token" />
      </div>
      <h3>Try it</h3>
      <pre className="code-block">
        <code>{example}</code>
      </pre>
      <p className="hint">
        Send the token in the <code>Authorization: Bearer</code> header on every request.
      </p>
      <button type="button" className="button button-secondary spaced" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
