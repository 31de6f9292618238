// Which warnings a subscription is about: TLP levels, kinds, a minimum severity and
// sharing groups. Shared by email alerts and webhooks; nothing chosen means "all".
import { useMe } from '../session.tsx';
import type { Group, ListOf } from '../types.ts';
import { useApi } from '../use-api.ts';
import {
  severities,
  severityLabel,
  severityLabels,
  tlpLabel,
  tlps,
  warningKindLabel,
  warningKindLabels,
  warningKinds,
  type AlertFilter,
} from '../warning-types.ts';
import { CheckList } from './check-list.tsx';
import { SelectField } from './fields.tsx';

/** The filter without empty parts, as the API likes it. */
export function cleanFilter(filter: AlertFilter): AlertFilter {
  const out: AlertFilter = {};
  if (filter.tlps?.length) out.tlps = filter.tlps;
  if (filter.kinds?.length) out.kinds = filter.kinds;
  if (filter.minSeverity) out.minSeverity = filter.minSeverity;
  if (filter.groupIds?.length) out.groupIds = filter.groupIds;
  return out;
}

export function isEmptyFilter(filter: AlertFilter | null | undefined): boolean {
  return !filter || Object.keys(cleanFilter(filter)).length === 0;
}

/** "TLP:AMBER, TLP:RED · Phishing · high or worse", or "All warnings". */
export function filterSummary(filter: AlertFilter | null | undefined, groupNames?: ReadonlyMap<string, string>): string {
  if (!filter || isEmptyFilter(filter)) return 'All warnings';
  const parts: string[] = [];
  if (filter.tlps?.length) parts.push(filter.tlps.map(tlpLabel).join(', '));
  if (filter.kinds?.length) parts.push(filter.kinds.map(warningKindLabel).join(', '));
  if (filter.minSeverity) parts.push(`${severityLabel(filter.minSeverity).toLowerCase()} severity or worse`);
  if (filter.groupIds?.length) {
    parts.push(`to ${filter.groupIds.map((id) => groupNames?.get(id) ?? 'a group').join(', ')}`);
  }
  return parts.join(' · ');
}

/** Groups the signed-in user's organisation is in (all of them for the operator). */
export function useMyGroups(): { groups: Group[]; loading: boolean; error: string | null } {
  const me = useMe();
  const groups = useApi<ListOf<Group>>('/api/groups');
  const mine = (groups.data?.items ?? []).filter((g) => me.user.isOperator || g.members.some((m) => m.orgId === me.user.orgId));
  return { groups: mine, loading: groups.loading, error: groups.error };
}

const severityOptions = [
  { value: '', label: 'Any severity' },
  ...severities.map((s) => ({ value: s, label: `${severityLabels[s]} or worse` })),
];

export function AlertFilterFields({ filter, onChange }: { filter: AlertFilter; onChange(filter: AlertFilter): void }) {
  const { groups, loading } = useMyGroups();
  return (
    <div className="filter-fields">
      <p className="hint">Tick nothing in a list to get everything.</p>
      <div className="grid-2">
        <CheckList
          legend="TLP levels"
          items={tlps.map((t) => ({ id: t, label: tlpLabel(t) }))}
          selected={filter.tlps ?? []}
          onChange={(list) => onChange({ ...filter, tlps: list })}
        />
        <CheckList
          legend="Kinds of attack"
          items={warningKinds.map((k) => ({ id: k, label: warningKindLabels[k] }))}
          selected={filter.kinds ?? []}
          onChange={(list) => onChange({ ...filter, kinds: list })}
        />
      </div>
      <SelectField
        label="Minimum severity"
        value={filter.minSeverity ?? ''}
        options={severityOptions}
        onChange={(minSeverity) => onChange({ ...filter, minSeverity: minSeverity || undefined })}
      />
      <CheckList
        legend="Sent to these groups"
        items={groups.map((g) => ({ id: g.id, label: g.name }))}
        selected={filter.groupIds ?? []}
        onChange={(list) => onChange({ ...filter, groupIds: list })}
        empty={loading ? 'Loading groups…' : 'Your organisation is in no sharing group.'}
      />
    </div>
  );
}
