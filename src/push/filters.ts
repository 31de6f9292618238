// What a subscriber wants pushed: a filter over TLP, warning kind, minimum severity and
// sharing group, shared by webhooks and email alerts.
import { Type, type Static } from '@sinclair/typebox';
import { severities, warningKinds, type Severity } from '../stix/vocab.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';

export const AlertFilterSchema = Type.Object(
  {
    tlps: Type.Optional(Type.Array(Type.Union(tlpLevels.map((t) => Type.Literal(t))), { maxItems: 5, uniqueItems: true })),
    kinds: Type.Optional(Type.Array(Type.Union(warningKinds.map((k) => Type.Literal(k))), { maxItems: 20, uniqueItems: true })),
    minSeverity: Type.Optional(Type.Union(severities.map((s) => Type.Literal(s)))),
    groupIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false, $id: 'AlertFilter', title: 'AlertFilter', description: 'Empty lists or absent fields mean "any".' },
);
export type AlertFilter = Static<typeof AlertFilterSchema>;

/** What a filter is matched against. */
export interface EventMeta {
  tlp: Tlp;
  kind: string;
  severity: Severity;
  groupIds: readonly string[];
  /**
   * Addressed to the recipient about its own assets (a watchlist match), not a community
   * warning: the kinds and groupIds filters, which pick warnings, do not apply; tlps and
   * minSeverity do (a channel that must never carry RED stays clean).
   */
  targeted?: boolean;
}

export function matchesFilter(filter: AlertFilter, meta: EventMeta): boolean {
  if (filter.tlps?.length && !filter.tlps.includes(meta.tlp)) return false;
  if (!meta.targeted && filter.kinds?.length && !filter.kinds.includes(meta.kind as never)) return false;
  if (filter.minSeverity && severities.indexOf(meta.severity) < severities.indexOf(filter.minSeverity)) return false;
  if (!meta.targeted && filter.groupIds?.length && !meta.groupIds.some((g) => filter.groupIds!.includes(g))) return false;
  return true;
}

export function parseFilter(json: string): AlertFilter {
  return JSON.parse(json) as AlertFilter;
}
