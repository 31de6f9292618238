// One sharing group: its members for everyone who can see it; rename, membership and
// deletion for the owner organisation's admins and the operator.
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { ConfirmButton, Time } from '../components/bits.tsx';
import { SelectField, TextAreaField, TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { Link, navigate } from '../router.tsx';
import { isAdminOf, useMe } from '../session.tsx';
import type { Group, ListOf, Org } from '../types.ts';
import { useApi } from '../use-api.ts';

export function GroupPage({ id }: { id: string }) {
  const me = useMe();
  const group = useApi<Group>(`/api/groups/${seg(id)}`);

  if (!group.data) {
    return (
      <Page title="Sharing group">
        <LoadState loading={group.loading} error={group.error} what="the group" />
      </Page>
    );
  }
  const data = group.data;
  const canManage = isAdminOf(me, data.ownerOrgId);
  return (
    <Page
      title={data.name}
      intro={
        <>
          {data.description ? <p>{data.description}</p> : null}
          <p className="muted">
            Owned by <Link to={`/orgs/${data.ownerOrgId}`}>{data.ownerOrgName}</Link> · created{' '}
            <Time iso={data.createdAt} />
          </p>
        </>
      }
    >
      <Members group={data} canManage={canManage} onChange={group.reload} />
      {!canManage && me.user.role === 'admin' && me.user.orgId && data.members.some((m) => m.orgId === me.user.orgId) ? (
        <LeaveGroup group={data} orgId={me.user.orgId} />
      ) : null}
      {canManage ? <RenameGroup group={data} onSaved={group.set} /> : null}
      {canManage ? <DeleteGroup group={data} /> : null}
    </Page>
  );
}

function Members({ group, canManage, onChange }: { group: Group; canManage: boolean; onChange(): void }) {
  const orgs = useApi<ListOf<Org>>(canManage ? '/api/orgs' : null);
  const [orgId, setOrgId] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  const memberIds = new Set(group.members.map((m) => m.orgId));
  const candidates = (orgs.data?.items ?? []).filter((o) => !memberIds.has(o.id));

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const org = candidates.find((o) => o.id === orgId);
    if (!org) {
      setMessage({ error: 'Choose an organisation to add.' });
      return;
    }
    setBusy(true);
    setMessage({});
    try {
      await api.put(`/api/groups/${seg(group.id)}/members/${seg(org.id)}`);
      setMessage({ success: `${org.name} was added.` });
      setOrgId('');
      onChange();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (member: { orgId: string; name: string }) => {
    setMessage({});
    try {
      await api.delete(`/api/groups/${seg(group.id)}/members/${seg(member.orgId)}`);
      setMessage({ success: `${member.name} was removed.` });
      onChange();
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    }
  };

  return (
    <section className="card" aria-labelledby="group-members">
      <h2 id="group-members">Members ({group.members.length})</h2>
      <Notice error={message.error} success={message.success} />
      {group.members.length === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <ul className="member-list">
          {group.members.map((member) => (
            <li key={member.orgId}>
              <Link to={`/orgs/${member.orgId}`}>{member.name}</Link>
              {member.orgId === group.ownerOrgId ? <span className="muted">Owner</span> : null}
              {canManage && member.orgId !== group.ownerOrgId ? (
                <ConfirmButton
                  label="Remove"
                  ariaLabel={`Remove ${member.name}`}
                  question={<>Remove {member.name}?</>}
                  confirmLabel="Yes, remove"
                  danger
                  small
                  onConfirm={() => remove(member)}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canManage ? (
        <form className="form form-inline" onSubmit={add}>
          <SelectField
            label="Organisation to add"
            value={orgId}
            options={[
              { value: '', label: orgs.loading ? 'Loading…' : 'Choose an organisation' },
              ...candidates.map((o) => ({ value: o.id, label: o.name })),
            ]}
            onChange={setOrgId}
          />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Add member
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function RenameGroup({ group, onSaved }: { group: Group; onSaved(group: Group): void }) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: { name?: string; description?: string | null } = {};
    if (name.trim() !== group.name) patch.name = name.trim();
    const desc = description.trim() === '' ? null : description.trim();
    if (desc !== group.description) patch.description = desc;
    if (Object.keys(patch).length === 0) {
      setMessage({ success: 'Nothing changed.' });
      return;
    }
    setBusy(true);
    setMessage({});
    try {
      const updated = await api.patch<Group>(`/api/groups/${seg(group.id)}`, patch);
      onSaved(updated);
      setMessage({ success: 'Changes saved.' });
    } catch (e) {
      setMessage({ error: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="group-rename">
      <h2 id="group-rename">Name and description</h2>
      <form className="form" onSubmit={submit}>
        <TextField label="Group name" required autoComplete="off" value={name} onChange={setName} />
        <TextAreaField label="Description" value={description} onChange={setDescription} />
        <Notice error={message.error} success={message.success} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Save changes
          </button>
        </div>
      </form>
    </section>
  );
}

function DeleteGroup({ group }: { group: Group }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card card-danger" aria-labelledby="group-delete">
      <h2 id="group-delete">Delete group</h2>
      <p>The group and its member list are removed. This cannot be undone.</p>
      <ConfirmButton
        label="Delete group"
        question={<>Delete {group.name}?</>}
        confirmLabel="Yes, delete"
        danger
        onConfirm={async () => {
          setError(null);
          try {
            await api.delete(`/api/groups/${seg(group.id)}`);
            navigate('/groups', { flash: `The group ${group.name} was deleted.` });
          } catch (e) {
            setError(errorMessage(e));
          }
        }}
      />
      <Notice error={error} />
    </section>
  );
}

function LeaveGroup({ group, orgId }: { group: Group; orgId: string }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="group-leave">
      <h2 id="group-leave">Leave group</h2>
      <p>Your organisation stops receiving what is shared with this group. Its owner can add you again.</p>
      <ConfirmButton
        label="Leave group"
        question={<>Leave {group.name}?</>}
        confirmLabel="Yes, leave"
        danger
        onConfirm={async () => {
          setError(null);
          try {
            await api.delete(`/api/groups/${seg(group.id)}/members/${seg(orgId)}`);
            navigate('/groups', { flash: `Your organisation left ${group.name}.` });
          } catch (e) {
            setError(errorMessage(e));
          }
        }}
      />
      <Notice error={error} />
    </section>
  );
}
