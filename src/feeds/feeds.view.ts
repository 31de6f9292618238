// What the API and CLI show of a feed and its runs: the mapper at the service's edge. Members
// see names, kinds and health; the URL's path and query (which can hold a key) and the file
// path only for the feed's managers; a TAXII credential never, only its last characters.
import { describeUrl } from '../push/ssrf.js';
import type { FeedRow, FeedRunRow } from '../store/schema.js';
import type { Tlp } from '../stix/tlp.js';
import { publicOptions, readFilter, readOptions, type FeedAudience, type FeedFilter, type FeedKind, type FeedOptions, type VanishAction } from './feed-options.js';
import type { ParseReport, RejectSample } from './parsers/index.js';

export const healthStatuses = ['unknown', 'healthy', 'failing', 'disabled'] as const;
export type FeedHealthStatus = (typeof healthStatuses)[number];
export const runStatuses = ['running', 'complete', 'not-modified', 'failed'] as const;
export type RunStatus = (typeof runStatuses)[number];
export const runTriggers = ['schedule', 'manual', 'cli'] as const;
export type RunTrigger = (typeof runTriggers)[number];

export interface Feed {
  id: string;
  name: string;
  kind: FeedKind;
  /** the full URL for the feed's managers; scheme and host only for everyone else */
  url: string | null;
  /** managers only */
  file: string | null;
  orgId: string | null;
  audience: FeedAudience;
  options: Omit<FeedOptions, 'secret'> & { secretHint?: string };
  filter: FeedFilter;
  tlp: Tlp;
  confidence: number;
  expiryDays: number | null;
  onVanish: VanishAction;
  intervalMinutes: number;
  enabled: boolean;
  /** may the caller change, run and delete it */
  manageable: boolean;
  health: {
    status: FeedHealthStatus;
    lastRunAt: string | null;
    lastSuccessAt: string | null;
    lastStatus: RunStatus | null;
    lastError: string | null;
    consecutiveFailures: number;
    nextRunAt: string | null;
    running: boolean;
  };
  createdAt: string;
  updatedAt: string;
}

export interface FeedRunCounts {
  records: number;
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skipped: number;
  filtered: number;
  expired: number;
}

export interface FeedRunView {
  id: string;
  feedId: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  bytesRead: number;
  totalBytes: number | null;
  counts: FeedRunCounts;
  error: string | null;
  /** rejected lines and items, at most 25, text cut to 200 characters and escaped */
  samples: RejectSample[];
  warnings: string[];
  rejectedByKind: Record<string, number>;
  skippedByKind: Record<string, number>;
}

export function toFeed(row: FeedRow, opts: { manageable: boolean; now: string }): Feed {
  const running = row.locked_until !== null && row.locked_until > opts.now;
  let status: FeedHealthStatus = 'unknown';
  if (row.enabled !== 1) status = 'disabled';
  else if (row.consecutive_failures > 0) status = 'failing';
  else if (row.last_success_at) status = 'healthy';
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as FeedKind,
    url: row.url === null ? null : opts.manageable ? row.url : describeUrl(row.url),
    file: opts.manageable ? row.file_path : null,
    orgId: row.org_id,
    audience: row.audience_kind as FeedAudience,
    options: publicOptions(readOptions(row.options)),
    filter: readFilter(row.filter),
    tlp: row.default_tlp as Tlp,
    confidence: row.confidence,
    expiryDays: row.expiry_days,
    onVanish: row.on_vanish as VanishAction,
    intervalMinutes: row.interval_minutes,
    enabled: row.enabled === 1,
    manageable: opts.manageable,
    health: {
      status,
      lastRunAt: row.last_run_at,
      lastSuccessAt: row.last_success_at,
      lastStatus: (row.last_status as RunStatus | null) ?? null,
      lastError: row.last_error,
      consecutiveFailures: row.consecutive_failures,
      nextRunAt: row.enabled === 1 ? row.next_run_at : null,
      running,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRun(row: FeedRunRow): FeedRunView {
  const report = row.report ? (JSON.parse(row.report) as Partial<ParseReport>) : {};
  return {
    id: row.id,
    feedId: row.feed_id,
    trigger: row.trigger as RunTrigger,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    bytesRead: row.bytes_read,
    totalBytes: row.total_bytes,
    counts: {
      records: row.records,
      new: row.new_count,
      updated: row.updated_count,
      unchanged: row.unchanged_count,
      rejected: row.rejected_count,
      skipped: row.skipped_count,
      filtered: row.filtered_count,
      expired: row.expired_count,
    },
    error: row.error,
    samples: report.samples ?? [],
    warnings: report.warnings ?? [],
    rejectedByKind: (report.rejectedByKind as Record<string, number> | undefined) ?? {},
    skippedByKind: report.skippedByKind ?? {},
  };
}
