// For the hub operator: every organisation, and the form that creates a new one.
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { LoadState, Notice } from '../components/notice.tsx';
import { draftToInput, emptyOrgDraft, OrgFields, type OrgDraft } from '../components/org-form.tsx';
import { OrgTable } from '../components/org-table.tsx';
import { Page } from '../components/page.tsx';
import { navigate } from '../router.tsx';
import type { ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';

export function AdminOrgsPage() {
  const orgs = useApi<ListOf<Org>>('/api/orgs');
  const items = orgs.data?.items ?? [];
  return (
    <Page title="Organisations" intro={<p>Create member organisations, then invite their first admin.</p>}>
      <CreateOrgForm />
      <section className="card" aria-labelledby="all-orgs">
        <h2 id="all-orgs">All organisations</h2>
        <LoadState loading={orgs.loading && !orgs.data} error={orgs.error} what="organisations" />
        {orgs.data && items.length === 0 ? <p className="muted">No organisations yet.</p> : null}
        {items.length > 0 ? <OrgTable orgs={items} caption="All organisations" showUsers /> : null}
      </section>
    </Page>
  );
}

function CreateOrgForm() {
  const [draft, setDraft] = useState<OrgDraft>(emptyOrgDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const parsed = draftToInput(draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    try {
      const org = await api.post<Org>('/api/orgs', parsed.input);
      navigate(`/orgs/${org.id}`, { flash: `${org.name} was created. Invite its first admin below.` });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-org">
      <h2 id="create-org">New organisation</h2>
      <form className="form" onSubmit={submit}>
        <OrgFields draft={draft} onChange={setDraft} fullEdit />
        <Notice error={error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Create organisation
          </button>
        </div>
      </form>
    </section>
  );
}
