// Shapes of the exports API (src/exports/exports.schemas.ts) as the web app reads them, and the
// words shown for their closed vocabularies. Kept by hand in step with src/exports/export-options.ts.
import type { Tone } from './components/bits.tsx';
import type { Tlp } from './warning-types.ts';

export const exportSourceKinds = ['warning', 'feed', 'stix'] as const;
export type ExportSourceKind = (typeof exportSourceKinds)[number];

export const sourceKindLabels: Record<ExportSourceKind, string> = {
  warning: 'Members’ warnings',
  feed: 'Outside feeds',
  stix: 'STIX files and TAXII',
};

export interface ExportOptions {
  types?: string[];
  minConfidence?: number;
  maxAgeDays?: number;
  tlpCeiling?: Tlp;
  sourceKinds?: ExportSourceKind[];
  feedIds?: string[];
  groupIds?: string[];
  sightedOnly?: boolean;
  columns?: string[];
  domainWildcards?: boolean;
  rpzTtl?: number;
  rpzZone?: string;
  iprepCategory?: number;
}

/** The default ceiling when an export names none: the organisation's own tools. */
export const defaultTlpCeiling: Tlp = 'amber+strict';

/** Options only some formats take (the hub refuses them for the others). */
export const formatOptionKeys: Readonly<Record<string, readonly (keyof ExportOptions)[]>> = {
  'edl-domain': ['domainWildcards'],
  rpz: ['rpzTtl', 'rpzZone'],
  'suricata-iprep': ['iprepCategory'],
};

export interface ExportFormat {
  id: string;
  label: string;
  contentType: string;
  types: string[];
  columns?: string[];
}

export type DeviceStatus = 'never-fetched' | 'fetching' | 'stale' | 'revoked';

export const deviceStatusLabels: Record<DeviceStatus, string> = {
  'never-fetched': 'Never fetched',
  fetching: 'Fetching',
  stale: 'Stale',
  revoked: 'Revoked',
};

export const deviceStatusTone: Record<DeviceStatus, Tone> = {
  'never-fetched': 'neutral',
  fetching: 'good',
  stale: 'bad',
  revoked: 'neutral',
};

export interface ExportToken {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastFetchAt: string | null;
  lastFetchIp: string | null;
  fetchCount: number;
  status: DeviceStatus;
}

export interface Export {
  id: string;
  orgId: string;
  name: string;
  format: string;
  options: ExportOptions;
  staleAfterHours: number;
  /** where devices fetch it, with their token */
  url: string;
  tokens: ExportToken[];
  /** decided by the hub: the organisation's admins and the operator */
  manageable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ExportInput {
  name: string;
  format: string;
  options: ExportOptions;
  staleAfterHours: number;
  /** operators only: the organisation whose tools fetch it */
  orgId?: string;
}

export interface ExportTokenCreated {
  token: ExportToken;
  /** shown once */
  secret: string;
  url: string;
}

export interface ExportFetch {
  at: string;
  tokenId: string | null;
  device: string | null;
  ip: string | null;
  status: number;
  values: number;
  skipped: number;
  since: string | null;
}

export interface ExportPreview {
  lines: string[];
  truncated: boolean;
  counts: { values: number; skipped: number; byType: Record<string, number> };
}

/** The format's words for people, or its id when this hub no longer knows it. */
export function formatLabel(formats: readonly ExportFormat[] | null | undefined, id: string): string {
  return formats?.find((f) => f.id === id)?.label ?? id;
}

/** The devices that stopped fetching: what should stand out on every exports page. */
export function staleDevices(exp: Export): ExportToken[] {
  return exp.tokens.filter((t) => t.status === 'stale');
}

/** The device URL with its token in the query, for devices that can send nothing else. */
export function urlWithToken(url: string, secret: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(secret)}`;
}
