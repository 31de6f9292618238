// The people of one organisation, for its admins and the operator: users (role,
// disable/enable) and invitations (send, copy the link, revoke).
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, InviteLink, Time } from '../components/bits.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { useMe } from '../session.tsx';
import { roles, type Invitation, type InvitationCreated, type ListOf, type Role, type User } from '../types.ts';
import { useApi } from '../use-api.ts';

const roleOptions = roles.map((r) => ({ value: r, label: roleLabel(r) }));

export function roleLabel(role: Role | null): string {
  switch (role) {
    case 'admin':
      return 'Admin';
    case 'analyst':
      return 'Analyst';
    case 'member':
      return 'Member';
    default:
      return '—';
  }
}

export function UsersSection({ orgId }: { orgId: string }) {
  const me = useMe();
  const users = useApi<ListOf<User>>(`/api/orgs/${seg(orgId)}/users`);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const change = async (user: User, patch: { role?: Role; disabled?: boolean }, what: string) => {
    setError(null);
    setDone(null);
    setBusyId(user.id);
    try {
      const updated = await api.patch<User | undefined>(`/api/users/${seg(user.id)}`, patch);
      if (users.data) {
        const next = updated && typeof updated === 'object' && 'id' in updated ? updated : { ...user, ...patch };
        users.set({ items: users.data.items.map((u) => (u.id === user.id ? next : u)) });
      }
      setDone(what);
    } catch (e) {
      setError(errorMessage(e));
      users.reload(); // put the select back to what the server has
    } finally {
      setBusyId(null);
    }
  };

  const items = users.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="org-users">
      <h2 id="org-users">Users</h2>
      <LoadState loading={users.loading && !users.data} error={users.error} what="users" />
      <Notice error={error} success={done} />
      {users.data && items.length === 0 ? <p className="muted">No users yet. Invite someone below.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stack">
            <caption className="visually-hidden">Users of this organisation</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((user) => {
                const self = user.id === me.user.id;
                return (
                  <tr key={user.id} className={user.disabled ? 'row-disabled' : undefined}>
                    <th scope="row" data-label="Name">
                      {user.name}
                      {self ? <span className="muted"> (you)</span> : null}
                    </th>
                    <td data-label="Email" className="break">
                      {user.email}
                    </td>
                    <td data-label="Role">
                      <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                        Role of {user.name}
                      </label>
                      <select
                        id={`role-${user.id}`}
                        className="select-compact"
                        value={user.role ?? 'member'}
                        disabled={busyId === user.id}
                        onChange={(e) => {
                          const role = e.target.value as Role;
                          void change(user, { role }, `${user.name} is now ${roleLabel(role).toLowerCase()}.`);
                        }}
                      >
                        {roleOptions.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Two-factor">
                      {user.totpEnabled ? <Badge tone="good">On</Badge> : <Badge tone="neutral">Off</Badge>}
                    </td>
                    <td data-label="Last sign-in">
                      <Time iso={user.lastLoginAt} />
                    </td>
                    <td data-label="Status">
                      <span className="cell-actions">
                        {user.disabled ? <Badge tone="bad">Disabled</Badge> : <Badge tone="good">Active</Badge>}
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          disabled={busyId === user.id}
                          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.name}`}
                          onClick={() =>
                            void change(
                              user,
                              { disabled: !user.disabled },
                              user.disabled ? `${user.name} can sign in again.` : `${user.name} is disabled and signed out.`,
                            )
                          }
                        >
                          {user.disabled ? 'Enable' : 'Disable'}
                        </button>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

export function invitationStatus(inv: Invitation): { label: string; tone: 'good' | 'neutral' | 'warn' | 'bad' } {
  if (inv.acceptedAt) return { label: 'Accepted', tone: 'good' };
  if (inv.revokedAt) return { label: 'Revoked', tone: 'bad' };
  if (new Date(inv.expiresAt).getTime() < Date.now()) return { label: 'Expired', tone: 'neutral' };
  return { label: 'Waiting', tone: 'warn' };
}

export function InvitationsTable({
  items,
  onRevoke,
  showRole,
}: {
  items: Invitation[];
  onRevoke(inv: Invitation): Promise<void>;
  showRole: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">Invitations</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            {showRole ? <th scope="col">Role</th> : null}
            <th scope="col">Sent</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {items.map((inv) => {
            const status = invitationStatus(inv);
            return (
              <tr key={inv.id}>
                <th scope="row" data-label="Email" className="break">
                  {inv.email}
                </th>
                {showRole ? <td data-label="Role">{roleLabel(inv.role)}</td> : null}
                <td data-label="Sent">
                  <Time iso={inv.createdAt} />
                </td>
                <td data-label="Expires">
                  <Time iso={inv.expiresAt} />
                </td>
                <td data-label="Status">
                  <span className="cell-actions">
                    <Badge tone={status.tone}>{status.label}</Badge>
                    {status.label === 'Waiting' ? (
                      <ConfirmButton
                        label="Revoke"
                        ariaLabel={`Revoke invitation for ${inv.email}`}
                        question="The link will stop working."
                        confirmLabel="Yes, revoke"
                        danger
                        small
                        onConfirm={() => onRevoke(inv)}
                      />
                    ) : null}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function InvitationsSection({ orgId }: { orgId: string }) {
  const invitations = useApi<ListOf<Invitation>>(`/api/orgs/${seg(orgId)}/invitations`);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const [listMessage, setListMessage] = useState<{ error?: string; success?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const result = await api.post<InvitationCreated>(`/api/orgs/${seg(orgId)}/invitations`, {
        email: email.trim(),
        role,
      });
      setCreated(result);
      setEmail('');
      invitations.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (inv: Invitation) => {
    setListMessage({});
    try {
      await api.delete(`/api/invitations/${seg(inv.id)}`);
      setListMessage({ success: `The invitation for ${inv.email} is revoked.` });
      invitations.reload();
    } catch (e) {
      setListMessage({ error: errorMessage(e) });
    }
  };

  const items = invitations.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="org-invitations">
      <h2 id="org-invitations">Invitations</h2>
      <form className="form form-inline" onSubmit={submit} aria-label="Invite a user">
        <TextField label="Email" type="email" autoComplete="off" required value={email} onChange={setEmail} />
        <SelectField label="Role" value={role} options={roleOptions} onChange={(v) => setRole(v as Role)} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Send invitation
          </button>
        </div>
      </form>
      <p className="hint">
        Admins manage the organisation&rsquo;s users and details; analysts share and work with intelligence;
        members read.
      </p>
      <Notice error={error} />
      <div role="status" className="live-region">
        {created ? <InviteLink email={created.invitation.email} url={created.inviteUrl} emailSent={created.emailSent} /> : null}
      </div>
      <h3>Sent invitations</h3>
      <LoadState loading={invitations.loading && !invitations.data} error={invitations.error} what="invitations" />
      <Notice error={listMessage.error} success={listMessage.success} />
      {invitations.data && items.length === 0 ? <p className="muted">No invitations yet.</p> : null}
      {items.length > 0 ? <InvitationsTable items={items} onRevoke={revoke} showRole /> : null}
    </section>
  );
}
