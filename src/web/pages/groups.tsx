// Sharing groups: named sets of organisations that intelligence can be shared with.
// The list, and the form that creates one (org admins for their org, operators for any).
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { SelectField, TextAreaField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { Link, navigate } from '../router.tsx';
import { useMe } from '../session.tsx';
import type { Group, ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';

export function GroupsPage() {
  const me = useMe();
  const groups = useApi<ListOf<Group>>('/api/groups');
  const canCreate = me.user.isOperator || (me.user.role === 'admin' && me.user.orgId !== null);
  const items = groups.data?.items ?? [];
  return (
    <Page
      title="Sharing groups"
      intro={<p>A sharing group is a named set of organisations. Share with a group to reach all its members at once.</p>}
    >
      <section className="card" aria-labelledby="group-list">
        <h2 id="group-list">Groups</h2>
        <LoadState loading={groups.loading && !groups.data} error={groups.error} what="sharing groups" />
        {groups.data && items.length === 0 ? <p className="muted">No sharing groups yet.</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Sharing groups</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Owner</th>
                  <th scope="col" className="num">
                    Members
                  </th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {items.map((group) => (
                  <tr key={group.id}>
                    <th scope="row" data-label="Name">
                      <Link to={`/groups/${group.id}`}>{group.name}</Link>
                    </th>
                    <td data-label="Owner">{group.ownerOrgName}</td>
                    <td data-label="Members" className="num">
                      {group.members.length}
                    </td>
                    <td data-label="Description">{group.description ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {canCreate ? <CreateGroupForm operator={me.user.isOperator} /> : null}
    </Page>
  );
}

function CreateGroupForm({ operator }: { operator: boolean }) {
  const orgs = useApi<ListOf<Org>>(operator ? '/api/orgs' : null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [ownerOrgId, setOwnerOrgId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (operator && !ownerOrgId) {
      setError('Choose the organisation that will own the group.');
      return;
    }
    setBusy(true);
    try {
      const body: { name: string; description?: string; ownerOrgId?: string } = { name: name.trim() };
      if (description.trim()) body.description = description.trim();
      if (operator) body.ownerOrgId = ownerOrgId;
      const group = await api.post<Group>('/api/groups', body);
      navigate(`/groups/${group.id}`, { flash: `The group ${group.name} was created. Add its members below.` });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  const orgOptions = [
    { value: '', label: orgs.loading ? 'Loading…' : 'Choose an organisation' },
    ...(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name })),
  ];

  return (
    <section className="card" aria-labelledby="create-group">
      <h2 id="create-group">New sharing group</h2>
      <form className="form" onSubmit={submit}>
        <TextField label="Group name" required autoComplete="off" value={name} onChange={setName} />
        <TextAreaField label="Description" value={description} onChange={setDescription} />
        {operator ? (
          <SelectField
            label="Owner organisation"
            hint="Its admins will manage the group."
            required
            value={ownerOrgId}
            options={orgOptions}
            onChange={setOwnerOrgId}
          />
        ) : null}
        <Notice error={error ?? (orgs.error ? `Could not load organisations: ${orgs.error}` : null)} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Create group
          </button>
        </div>
      </form>
    </section>
  );
}
