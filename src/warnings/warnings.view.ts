// What a reader sees of a warning. The producer's own organisation sees who sent it and
// to whom; other recipients see the source (or its anonymous label) and the audience kind.
import type { Share } from '../sharing/shares.js';
import type { WarningRow } from '../store/schema.js';
import { defang } from '../stix/extract.js';
import type { Tlp } from '../stix/tlp.js';

export const warningLimits = {
  title: 200,
  details: 50_000,
  indicators: 1000,
  /** free text pasted for indicator extraction (the request body limit applies too) */
  pastedText: 1_000_000,
};

export interface Warning {
  id: string;
  reportId: string;
  title: string;
  kind: string;
  severity: string;
  startedAt: string | null;
  affectedServices: string[];
  details: string;
  indicators: Array<{ type: string; value: string; defanged: string }>;
  tlp: Tlp;
  audience: {
    kind: string;
    orgs: Array<{ id: string; name: string }>;
    groups: Array<{ id: string; name: string }>;
  };
  source: { anonymous: boolean; label: string; orgId: string | null };
  isOwn: boolean;
  status: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  retractedAt: string | null;
  retractionReason: string | null;
}

export interface AudienceNames {
  orgs: Array<{ id: string; name: string }>;
  groups: Array<{ id: string; name: string }>;
}

export function toWarning(
  row: WarningRow,
  share: Share,
  indicators: Array<{ type: string; value: string }>,
  view: { isOwn: boolean; producerName: string | null; audienceNames: AudienceNames },
): Warning {
  const hidden = share.anonymous && !view.isOwn;
  return {
    id: row.id,
    reportId: row.report_id,
    title: row.title,
    kind: row.kind,
    severity: row.severity,
    startedAt: row.started_at,
    affectedServices: JSON.parse(row.affected_services) as string[],
    details: row.details,
    indicators: indicators.map((i) => ({ type: i.type, value: i.value, defanged: defang(i.value) })),
    tlp: share.tlp,
    audience: {
      kind: share.audienceKind,
      // Only the sender sees the full recipient list; recipients see the groups, never the other named organisations.
      orgs: view.isOwn ? view.audienceNames.orgs : [],
      groups: view.audienceNames.groups,
    },
    source: hidden
      ? { anonymous: true, label: share.publicLabel ?? 'A member', orgId: null }
      : { anonymous: share.anonymous, label: view.producerName ?? share.publicLabel ?? 'Tocsin hub', orgId: share.producerOrgId },
    isOwn: view.isOwn,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    retractedAt: row.retracted_at,
    retractionReason: row.retraction_reason,
  };
}
