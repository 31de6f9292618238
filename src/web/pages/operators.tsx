// For the hub operator: the other operators, and invitations for new ones.
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, InviteLink, Time } from '../components/bits.tsx';
import { InvitationsTable } from './org-people.tsx';
import { TextField } from '../components/fields.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { Page } from '../components/page.tsx';
import { useMe } from '../session.tsx';
import type { Invitation, InvitationCreated, ListOf, User } from '../types.ts';
import { useApi } from '../use-api.ts';

export function OperatorsPage() {
  const me = useMe();
  const operators = useApi<ListOf<User>>('/api/users', { operators: true });
  const invitations = useApi<ListOf<Invitation>>('/api/operators/invitations');
  const [listMessage, setListMessage] = useState<{ error?: string; success?: string }>({});
  const items = operators.data?.items ?? [];

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
  return (
    <Page
      title="Operators"
      intro={<p>Operators run the hub: they create organisations, manage sharing groups and settings, and see all audit.</p>}
    >
      <InviteOperatorForm onInvited={invitations.reload} />
      <section className="card" aria-labelledby="operator-list">
        <h2 id="operator-list">Current operators</h2>
        <LoadState loading={operators.loading && !operators.data} error={operators.error} what="operators" />
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stack">
              <caption className="visually-hidden">Hub operators</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Two-factor</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row" data-label="Name">
                      {user.name}
                      {user.id === me.user.id ? <span className="muted"> (you)</span> : null}
                    </th>
                    <td data-label="Email" className="break">
                      {user.email}
                    </td>
                    <td data-label="Two-factor">
                      {user.totpEnabled ? <Badge tone="good">On</Badge> : <Badge tone="neutral">Off</Badge>}
                    </td>
                    <td data-label="Last sign-in">
                      <Time iso={user.lastLoginAt} />
                    </td>
                    <td data-label="Status">
                      {user.disabled ? <Badge tone="bad">Disabled</Badge> : <Badge tone="good">Active</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="operator-invitations">
        <h2 id="operator-invitations">Operator invitations</h2>
        <LoadState loading={invitations.loading && !invitations.data} error={invitations.error} what="invitations" />
        <Notice error={listMessage.error} success={listMessage.success} />
        {invitations.data && invitations.data.items.length === 0 ? <p className="muted">No invitations yet.</p> : null}
        {invitations.data && invitations.data.items.length > 0 ? (
          <InvitationsTable items={invitations.data.items} onRevoke={revoke} showRole={false} />
        ) : null}
      </section>
    </Page>
  );
}

function InviteOperatorForm({ onInvited }: { onInvited(): void }) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<InvitationCreated | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      setCreated(await api.post<InvitationCreated>('/api/operators/invitations', { email: email.trim() }));
      setEmail('');
      onInvited();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="invite-operator">
      <h2 id="invite-operator">Invite an operator</h2>
      <form className="form form-inline" onSubmit={submit}>
        <TextField label="Email" type="email" autoComplete="off" required value={email} onChange={setEmail} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Send invitation
          </button>
        </div>
      </form>
      <Notice error={error} />
      <div role="status" className="live-region">
        {created ? <InviteLink email={created.invitation.email} url={created.inviteUrl} emailSent={created.emailSent} /> : null}
      </div>
    </section>
  );
}
