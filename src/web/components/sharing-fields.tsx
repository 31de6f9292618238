// Who may see a warning: the TLP 2.0 level, the audience, and anonymous sharing. The checks
// here mirror the hub's rules so that mistakes show early; the hub still decides.
import { useMe } from '../session.tsx';
import { kindLabel, type Group, type ListOf, type MeResponse, type Org } from '../types.ts';
import { useApi } from '../use-api.ts';
import { tlpHelp, tlpLabel, tlps, type AudienceKind, type Tlp } from '../warning-types.ts';
import { CheckList } from './check-list.tsx';
import { CheckboxField, RadioField } from './fields.tsx';
import { TlpBadge } from './tlp-badge.tsx';

export interface SharingDraft {
  tlp: Tlp | '';
  audience: AudienceKind | '';
  orgIds: string[];
  groupIds: string[];
  anonymous: boolean;
}

export const emptySharing: SharingDraft = { tlp: '', audience: '', orgIds: [], groupIds: [], anonymous: false };

/** Whether this TLP allows this audience (the hub: RED needs named organisations; public needs CLEAR). */
export function audienceAllowed(tlp: Tlp | '', audience: AudienceKind): boolean {
  if (tlp === 'red') return audience === 'orgs';
  if (audience === 'public') return tlp === 'clear';
  return true;
}

/** The first thing to fix before sending, in the hub's words where it has them. */
export function sharingProblem(draft: SharingDraft): string | null {
  if (!draft.tlp) return 'Choose a TLP: it tells recipients how far they may pass the warning on.';
  if (!draft.audience) return 'Choose who receives the warning.';
  if (draft.tlp === 'red' && draft.audience !== 'orgs') return 'TLP:RED can only go to named organisations: choose the recipients.';
  if (draft.audience === 'public' && draft.tlp !== 'clear') return 'Only TLP:CLEAR can be shared publicly.';
  if (draft.audience === 'orgs' && draft.orgIds.length === 0) return 'Choose at least one organisation for the audience.';
  if (draft.audience === 'groups' && draft.groupIds.length === 0) return 'Choose at least one sharing group for the audience.';
  return null;
}

export function toAudience(draft: SharingDraft): { kind: AudienceKind; orgIds?: string[]; groupIds?: string[] } {
  const kind = draft.audience || 'members';
  if (kind === 'orgs') return { kind, orgIds: draft.orgIds };
  if (kind === 'groups') return { kind, groupIds: draft.groupIds };
  return { kind };
}

/** What recipients see instead of the sender's name; the hub makes the real label. */
export function anonymousLabel(me: MeResponse): string {
  const org = me.organisation;
  if (!org) return 'a member';
  const kind = kindLabel(org.kind).toLowerCase();
  return org.region ? `a member ${kind} in ${org.region}` : `a member ${kind}`;
}

const audiences: { value: AudienceKind; label: string; hint: string }[] = [
  { value: 'orgs', label: 'Named organisations', hint: 'Only the organisations you tick below.' },
  { value: 'groups', label: 'Sharing groups', hint: 'Every member of the groups you tick below.' },
  { value: 'members', label: 'All members', hint: 'Every organisation in this hub.' },
  { value: 'public', label: 'Public', hint: 'Anyone, also without an account. Only with TLP:CLEAR.' },
];

export function SharingFields({ draft, onChange }: { draft: SharingDraft; onChange(draft: SharingDraft): void }) {
  const me = useMe();
  const orgs = useApi<ListOf<Org>>(draft.audience === 'orgs' ? '/api/orgs' : null);
  const groups = useApi<ListOf<Group>>('/api/groups');
  const myOrg = me.user.orgId;
  // You share with groups your organisation belongs to; the operator curates them all.
  const myGroups = (groups.data?.items ?? []).filter((g) => me.user.isOperator || g.members.some((m) => m.orgId === myOrg));
  const otherOrgs = (orgs.data?.items ?? []).filter((o) => o.id !== myOrg);

  const setTlp = (tlp: Tlp) => {
    const keep = draft.audience && audienceAllowed(tlp, draft.audience);
    onChange({ ...draft, tlp, audience: keep ? draft.audience : tlp === 'red' ? 'orgs' : '' });
  };

  return (
    <>
      <fieldset className="fieldset">
        <legend>How far may it go? (TLP)</legend>
        <p className="hint">
          The Traffic Light Protocol tells recipients how far they may pass the warning on. It is shown on the warning
          and in every copy of it.
        </p>
        <div className="tlp-options">
          {tlps.map((tlp) => (
            <RadioField
              key={tlp}
              name="tlp"
              className={`tlp-option tlp-option-${tlp.replace('+strict', '-strict')}`}
              label={tlpLabel(tlp)}
              hint={tlpHelp[tlp]}
              value={tlp}
              checked={draft.tlp === tlp}
              onChange={(v) => setTlp(v as Tlp)}
            />
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>Who receives it?</legend>
        {draft.tlp === 'red' ? (
          <p className="hint">
            <TlpBadge tlp="red" /> goes only to the organisations you name.
          </p>
        ) : null}
        {audiences.map((a) => (
          <RadioField
            key={a.value}
            name="audience"
            label={a.label}
            hint={a.hint}
            value={a.value}
            checked={draft.audience === a.value}
            disabled={!audienceAllowed(draft.tlp, a.value)}
            onChange={(v) => onChange({ ...draft, audience: v as AudienceKind })}
          />
        ))}
        {draft.audience === 'orgs' ? (
          <CheckList
            legend="Organisations"
            items={otherOrgs.map((o) => ({ id: o.id, label: o.name, hint: [kindLabel(o.kind), o.region].filter(Boolean).join(', ') }))}
            selected={draft.orgIds}
            onChange={(orgIds) => onChange({ ...draft, orgIds })}
            empty={orgs.loading ? 'Loading organisations…' : orgs.error ? `Could not load organisations: ${orgs.error}` : 'There are no other organisations yet.'}
          />
        ) : null}
        {draft.audience === 'groups' ? (
          <CheckList
            legend="Groups"
            items={myGroups.map((g) => ({
              id: g.id,
              label: g.name,
              hint: `${g.members.length} ${g.members.length === 1 ? 'member' : 'members'}`,
            }))}
            selected={draft.groupIds}
            onChange={(groupIds) => onChange({ ...draft, groupIds })}
            empty={
              groups.loading
                ? 'Loading groups…'
                : groups.error
                  ? `Could not load groups: ${groups.error}`
                  : 'Your organisation is in no sharing group yet.'
            }
          />
        ) : null}
      </fieldset>
      {me.user.orgId ? (
        <CheckboxField
          label="Share anonymously"
          hint={`Recipients see “${anonymousLabel(me)}” instead of your organisation’s name. The hub keeps the true source for its audit trail.`}
          checked={draft.anonymous}
          onChange={(anonymous) => onChange({ ...draft, anonymous })}
        />
      ) : null}
    </>
  );
}
