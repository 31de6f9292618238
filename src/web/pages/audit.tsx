// The audit trail: who did what, newest first, fifty at a time. Operators can narrow
// it to one organisation; others see what the server lets them see.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { Time } from '../components/bits.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { LoadState } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { useMe } from '../session.tsx';
import type { AuditEntry, AuditPage as AuditResult, ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';

const pageSize = 50;

/** Offered as suggestions; a word without a dot ("auth") matches every action under it. */
const knownActions = [
  'auth', 'auth.login', 'auth.login_failed', 'auth.account_locked', 'auth.logout', 'auth.password_change',
  'auth.password_reset', 'auth.totp_enable', 'auth.totp_disable',
  'org', 'org.create', 'org.update', 'org.delete',
  'user', 'user.create', 'user.role_change', 'user.disable', 'user.enable',
  'invitation', 'invitation.create', 'invitation.accept', 'invitation.revoke',
  'token', 'token.create', 'token.revoke', 'token.new_address',
  'group', 'hub.settings_change',
];

interface Filters {
  action: string;
  orgId: string;
}

export function AuditPage() {
  const me = useMe();
  const operator = me.user.isOperator;
  const orgs = useApi<ListOf<Org>>(operator ? '/api/orgs' : null);
  const [draft, setDraft] = useState<Filters>({ action: '', orgId: '' });
  const [filters, setFilters] = useState<Filters>({ action: '', orgId: '' });
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = async (before: number | null, replace: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const result = await api.get<AuditResult>('/api/audit', {
        action: filters.action.trim(),
        orgId: filters.orgId,
        before,
        limit: pageSize,
      });
      setEntries((old) => (replace ? result.items : [...old, ...result.items]));
      setNextBefore(result.nextBefore);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(null, true);
  }, [filters]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const action = draft.action.trim().toLowerCase();
    if (action !== '' && !/^[a-z_.]+$/.test(action)) {
      setError('An action is made of lower-case letters, dots and underscores, like auth.login.');
      return;
    }
    setFilters({ ...draft, action });
  };

  const orgName = new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name]));
  const orgOptions = [
    { value: '', label: 'All organisations' },
    ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name })),
  ];

  return (
    <Page title="Audit trail" intro={<p>Every sign-in, change and token use, newest first.</p>}>
      <form className="filters" aria-label="Filter the audit trail" onSubmit={apply}>
        <TextField
          label="Action"
          hint="For example auth (all sign-in events) or org.update."
          spellCheck={false}
          autoComplete="off"
          list="audit-actions"
          value={draft.action}
          onChange={(action) => setDraft({ ...draft, action })}
        />
        <datalist id="audit-actions">
          {knownActions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {operator ? (
          <SelectField
            label="Organisation"
            value={draft.orgId}
            options={orgOptions}
            onChange={(orgId) => setDraft({ ...draft, orgId })}
          />
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
        </div>
      </form>
      <LoadState loading={loading && entries.length === 0} error={error} what="the audit trail" />
      {!loading && !error && entries.length === 0 ? <p className="muted">No entries match.</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack table-audit">
            <caption className="visually-hidden">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Who</th>
                {operator ? <th scope="col">Organisation</th> : null}
                <th scope="col">Target</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">
                    <Time iso={entry.at} />
                  </td>
                  <td data-label="Action">
                    <code>{entry.action}</code>
                  </td>
                  <td data-label="Who" className="break">
                    {entry.actorLabel ?? entry.actorKind}
                    {entry.actorTokenId ? <span className="muted block">with an API token</span> : null}
                  </td>
                  {operator ? (
                    <td data-label="Organisation">
                      {entry.orgId ? orgName.get(entry.orgId) ?? <span className="muted">deleted</span> : '—'}
                    </td>
                  ) : null}
                  <td data-label="Target" className="break">
                    {entry.targetType ? (
                      <>
                        {entry.targetType}
                        {entry.targetId ? <span className="muted block mono">{entry.targetId}</span> : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="From">{entry.ip ?? '—'}</td>
                  <td data-label="Details">
                    {entry.details && Object.keys(entry.details).length > 0 ? (
                      <details>
                        <summary>Show</summary>
                        <pre className="code-block small">{JSON.stringify(entry.details, null, 2)}</pre>
                      </details>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        <p className="muted" role="status">
          {entries.length > 0 ? `Showing ${entries.length} entries.` : ''}
          {loading && entries.length > 0 ? ' Loading more…' : ''}
        </p>
        {nextBefore !== null ? (
          <button
            type="button"
            className="button button-secondary"
            disabled={loading}
            onClick={() => void load(nextBefore, false)}
          >
            Older
          </button>
        ) : null}
      </div>
    </Page>
  );
}
