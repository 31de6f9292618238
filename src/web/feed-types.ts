// Shapes of the feeds API (src/feeds/feeds.schemas.ts) as the web app reads them, and the words
// shown for their closed vocabularies. Kept by hand in step with src/feeds/feed-options.ts.
import { formatBytes } from './stix-upload.ts';
import type { Tlp } from './warning-types.ts';

export const feedKinds = ['list', 'csv', 'text', 'misp', 'stix', 'taxii'] as const;
export type FeedKind = (typeof feedKinds)[number];
export type VanishAction = 'expire' | 'withdraw' | 'keep';
export type FeedAudience = 'members' | 'orgs';
export type TaxiiAuthKind = 'none' | 'bearer' | 'basic';
export type FeedHealthStatus = 'unknown' | 'healthy' | 'failing' | 'disabled';
export type RunStatus = 'running' | 'complete' | 'not-modified' | 'failed';
export type RunTrigger = 'schedule' | 'manual' | 'cli';
export type CsvDelimiter = 'auto' | ',' | ';' | '\t' | '|';
export type CsvHeader = 'auto' | 'first' | 'none';

/** A CSV column: its header name, or its 0-based position. */
export type ColumnRef = string | number;

export interface CsvColumns {
  value: ColumnRef;
  type?: string;
  typeColumn?: ColumnRef;
  comment?: ColumnRef | ColumnRef[];
  firstSeen?: ColumnRef;
  lastSeen?: ColumnRef;
  confidence?: ColumnRef;
  tlp?: ColumnRef;
  tags?: ColumnRef;
}

export interface FeedOptions {
  type?: string;
  columns?: CsvColumns;
  delimiter?: CsvDelimiter;
  header?: CsvHeader;
  defangedOnly?: boolean;
  onlyToIds?: boolean;
  fullEveryHours?: number;
  observables?: boolean;
  collectionId?: string;
  authKind?: TaxiiAuthKind;
  username?: string;
  /** only sent, never received */
  secret?: string;
  /** only received: the end of the stored TAXII token or password */
  secretHint?: string;
}

export interface FeedFilter {
  types?: string[];
  minConfidence?: number;
}

export interface FeedHealth {
  status: FeedHealthStatus;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: RunStatus | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextRunAt: string | null;
  running: boolean;
}

export interface Feed {
  id: string;
  name: string;
  kind: FeedKind;
  /** the full URL for the feed's managers; scheme and host for everyone else */
  url: string | null;
  file: string | null;
  orgId: string | null;
  audience: FeedAudience;
  options: FeedOptions;
  filter: FeedFilter;
  tlp: Tlp;
  confidence: number;
  expiryDays: number | null;
  onVanish: VanishAction;
  intervalMinutes: number;
  enabled: boolean;
  /** the caller may change, run and remove it */
  manageable: boolean;
  health: FeedHealth;
  createdAt: string;
  updatedAt: string;
}

export interface RunCounts {
  records: number;
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skipped: number;
  filtered: number;
  expired: number;
}

export interface RejectSample {
  kind: string;
  reason: string;
  line?: number;
  ref?: string;
  text: string;
}

export interface FeedRun {
  id: string;
  feedId: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  bytesRead: number;
  totalBytes: number | null;
  counts: RunCounts;
  error: string | null;
  samples: RejectSample[];
  warnings: string[];
  rejectedByKind: Record<string, number>;
  skippedByKind: Record<string, number>;
}

export interface RunStarted {
  runId: string;
  feedId: string;
  status: 'running';
}

/** What POST and PATCH /api/feeds take. */
export interface FeedInput {
  name?: string;
  kind?: FeedKind;
  url?: string | null;
  file?: string | null;
  orgId?: string | null;
  audience?: FeedAudience;
  options?: FeedOptions;
  filter?: FeedFilter;
  tlp?: Tlp;
  confidence?: number;
  expiryDays?: number | null;
  onVanish?: VanishAction;
  intervalMinutes?: number;
  enabled?: boolean;
}

export const feedKindLabels: Record<FeedKind, string> = {
  list: 'List (one value a line)',
  csv: 'CSV file',
  text: 'Free text (IOCs found in it)',
  misp: 'MISP feed',
  stix: 'STIX 2.1 bundle',
  taxii: 'TAXII 2.1 collection',
};

/** Short names, for tables. */
export const feedKindShort: Record<FeedKind, string> = { list: 'List', csv: 'CSV', text: 'Text', misp: 'MISP', stix: 'STIX', taxii: 'TAXII' };

export function feedKindName(kind: string): string {
  return feedKindShort[kind as FeedKind] ?? kind;
}

export const vanishLabels: Record<VanishAction, string> = {
  expire: 'Expire them (they leave exports and alerts, stay searchable)',
  withdraw: 'Withdraw them (the source took them back)',
  keep: 'Keep them until their validity runs out',
};

export const healthLabels: Record<FeedHealthStatus, string> = { healthy: 'Healthy', failing: 'Failing', unknown: 'Not run yet', disabled: 'Disabled' };

export const runStatusLabels: Record<RunStatus, string> = { running: 'Running', complete: 'Complete', 'not-modified': 'Not modified', failed: 'Failed' };

export const triggerLabels: Record<RunTrigger, string> = { schedule: 'Schedule', manual: 'Run now', cli: 'Command line' };

/** The types a list or CSV may be forced to ('ip' takes IPv4, IPv6 and ranges). */
export const valueTypeOptions = [
  { value: '', label: 'Detect each value’s type' },
  { value: 'ip', label: 'IP address or range (v4 or v6)' },
  { value: 'ipv4', label: 'IPv4 address' },
  { value: 'ipv6', label: 'IPv6 address' },
  { value: 'cidr', label: 'IP range (CIDR)' },
  { value: 'domain', label: 'Domain' },
  { value: 'url', label: 'URL' },
  { value: 'email', label: 'Email address' },
  { value: 'md5', label: 'MD5 hash' },
  { value: 'sha1', label: 'SHA-1 hash' },
  { value: 'sha256', label: 'SHA-256 hash' },
  { value: 'cve', label: 'Vulnerability (CVE)' },
] as const;

/** The indicator types the hub stores (src/stix/observables.ts), for the filter. */
export const indicatorTypes = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'cve'] as const;

export const delimiterOptions: readonly { value: CsvDelimiter; label: string }[] = [
  { value: 'auto', label: 'Detect' },
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Bar ( | )' },
];

export const headerOptions: readonly { value: CsvHeader; label: string }[] = [
  { value: 'auto', label: 'Detect (also a header commented out in the banner)' },
  { value: 'first', label: 'The first line is the header' },
  { value: 'none', label: 'No header: name columns by position' },
];

export const authOptions: readonly { value: TaxiiAuthKind; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'User name and password' },
];

/** "1.2 MB of 3.4 MB", "1.2 MB" when the total is unknown. */
export function bytesProgress(read: number, total: number | null): string {
  return total ? `${formatBytes(read)} of ${formatBytes(total)}` : formatBytes(read);
}

/** "850 ms", "12.3 s", "4 min 5 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "every 60 minutes", "every 2 hours", "every day". */
export function formatInterval(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}
