// One organisation: its details for every member; for its admins and the operator also
// the edit form, its users, its invitations and its webhooks; for the operator, deletion.
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { Badge, ConfirmButton, Time } from '../components/bits.tsx';
import { LoadState, Notice } from '../components/notice.tsx';
import { changedFields, draftToInput, OrgFields, orgToDraft, type OrgDraft } from '../components/org-form.tsx';
import { VotesBadge } from '../components/org-table.tsx';
import { Page } from '../components/page.tsx';
import { formatNumber } from '../format.ts';
import { navigate } from '../router.tsx';
import { isAdminOf, useMe, useSession } from '../session.tsx';
import { kindLabel, type Org } from '../types.ts';
import { useApi } from '../use-api.ts';
import { InvitationsSection, UsersSection } from './org-people.tsx';
import { WebhooksSection } from './org-webhooks.tsx';

export function OrgPage({ id }: { id: string }) {
  const me = useMe();
  const org = useApi<Org>(`/api/orgs/${seg(id)}`);
  const canAdmin = isAdminOf(me, id);

  if (!org.data) {
    return (
      <Page title="Organisation">
        <LoadState loading={org.loading} error={org.error} what="the organisation" />
      </Page>
    );
  }
  const data = org.data;
  return (
    <Page
      title={data.name}
      intro={
        <p className="badges">
          <Badge tone="neutral">{kindLabel(data.kind)}</Badge>
          <VotesBadge org={data} />
          {data.observer ? <Badge tone="info">Observer</Badge> : null}
          {me.user.orgId === data.id ? <Badge tone="good">Your organisation</Badge> : null}
        </p>
      }
    >
      <DetailsSection org={data} canEdit={canAdmin} fullEdit={me.user.isOperator} onSaved={org.set} />
      {canAdmin ? <UsersSection orgId={data.id} /> : null}
      {canAdmin ? <InvitationsSection orgId={data.id} /> : null}
      {canAdmin ? <WebhooksSection orgId={data.id} /> : null}
      {me.user.isOperator ? <DeleteOrg org={data} /> : null}
    </Page>
  );
}

function List({ values }: { values: readonly (string | number)[] }) {
  if (values.length === 0) return <span className="muted">None listed</span>;
  return (
    <ul className="plain-list">
      {values.map((v) => (
        <li key={String(v)}>
          <code>{String(v)}</code>
        </li>
      ))}
    </ul>
  );
}

function OrgDetails({ org }: { org: Org }) {
  const { contact } = org;
  const hasContact = contact.name || contact.email || contact.phone;
  return (
      <dl className="details">
        <div>
          <dt>Kind</dt>
          <dd>{kindLabel(org.kind)}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>{org.region ?? <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>Population</dt>
          <dd>{formatNumber(org.population)}</dd>
        </div>
        <div>
          <dt>May vote</dt>
          <dd>{org.votingEligible ? 'Yes' : 'No'}</dd>
        </div>
        <div>
          <dt>Observer</dt>
          <dd>{org.observer ? 'Yes (read-only)' : 'No'}</dd>
        </div>
        {org.userCount !== undefined ? (
          <div>
            <dt>Users</dt>
            <dd>{formatNumber(org.userCount)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Contact</dt>
          <dd>
            {hasContact ? (
              <>
                {contact.name ? <span className="block">{contact.name}</span> : null}
                {contact.email ? (
                  <a className="block" href={`mailto:${contact.email}`}>
                    {contact.email}
                  </a>
                ) : null}
                {contact.phone ? <span className="block">{contact.phone}</span> : null}
              </>
            ) : (
              <span className="muted">None listed</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Domains</dt>
          <dd>
            <List values={org.domains} />
          </dd>
        </div>
        <div>
          <dt>IP ranges</dt>
          <dd>
            <List values={org.ipRanges} />
          </dd>
        </div>
        <div>
          <dt>ASNs</dt>
          <dd>
            <List values={org.asns.map((a) => `AS${a}`)} />
          </dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd>
            <Time iso={org.createdAt} />
          </dd>
        </div>
      </dl>
  );
}

interface DetailsProps {
  org: Org;
  canEdit: boolean;
  fullEdit: boolean;
  onSaved(org: Org): void;
}

/** The details, replaced by the edit form while editing. */
function DetailsSection({ org, canEdit, fullEdit, onSaved }: DetailsProps) {
  const { refresh } = useSession();
  const [draft, setDraft] = useState<OrgDraft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(null);
    const parsed = draftToInput(draft);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    const patch = changedFields(org, parsed.input, fullEdit);
    if (Object.keys(patch).length === 0) {
      setDraft(null);
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      const updated = await api.patch<Org>(`/api/orgs/${seg(org.id)}`, patch);
      onSaved(updated);
      setDraft(null);
      setSaved('Changes saved.');
      void refresh(); // the header shows the organisation's name
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="org-details">
      <div className="section-head">
        <h2 id="org-details">{draft ? 'Edit details' : 'Details'}</h2>
        {canEdit && !draft ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDraft(orgToDraft(org));
              setSaved(null);
            }}
          >
            Edit details
          </button>
        ) : null}
      </div>
      {draft ? (
        <form className="form" onSubmit={submit}>
          {!fullEdit ? (
            <p className="hint">
              You can change the contact and network assets. Ask the hub operator to change the name, kind,
              population or region.
            </p>
          ) : null}
          <OrgFields draft={draft} onChange={setDraft} fullEdit={fullEdit} />
          <Notice error={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save changes
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setDraft(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <Notice success={saved} />
          <OrgDetails org={org} />
        </>
      )}
    </section>
  );
}

function DeleteOrg({ org }: { org: Org }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card card-danger" aria-labelledby="org-delete">
      <h2 id="org-delete">Delete organisation</h2>
      <p>
        Only an organisation without users can be deleted. Disable or move its users first. This cannot be
        undone.
      </p>
      <ConfirmButton
        label="Delete organisation"
        question={<>Delete {org.name} for good?</>}
        confirmLabel="Yes, delete"
        danger
        onConfirm={async () => {
          setError(null);
          try {
            await api.delete(`/api/orgs/${seg(org.id)}`);
            navigate('/admin/orgs', { flash: `${org.name} was deleted.` });
          } catch (e) {
            setError(errorMessage(e));
          }
        }}
      />
      <Notice error={error} />
    </section>
  );
}
