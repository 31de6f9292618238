// What the API says about exports, their device tokens and their fetches. Secrets never: a
// token's secret is shown once, when it is made. A device that has not fetched within the
// export's staleAfterHours is "stale" (a firewall that stopped pulling).
import type { ExportFetchRow, ExportRow, ExportTokenRow } from '../store/schema.js';
import { readExportOptions, type ExportOptions } from './export-options.js';

export interface ExportTokenView {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastFetchAt: string | null;
  lastFetchIp: string | null;
  fetchCount: number;
  status: 'never-fetched' | 'fetching' | 'stale' | 'revoked';
}

export interface ExportView {
  id: string;
  orgId: string;
  name: string;
  format: string;
  options: ExportOptions & Record<string, unknown>;
  staleAfterHours: number;
  url: string;
  tokens: ExportTokenView[];
  manageable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FetchView {
  at: string;
  tokenId: string | null;
  device: string | null;
  ip: string | null;
  status: number;
  values: number;
  skipped: number;
  since: string | null;
}

export function toExportToken(t: ExportTokenRow, opts: { now: string; staleAfterHours: number }): ExportTokenView {
  const stale = t.last_fetch_at !== null && Date.parse(opts.now) - Date.parse(t.last_fetch_at) > opts.staleAfterHours * 3_600_000;
  return {
    id: t.id,
    name: t.name,
    createdAt: t.created_at,
    revokedAt: t.revoked_at,
    lastFetchAt: t.last_fetch_at,
    lastFetchIp: t.last_fetch_ip,
    fetchCount: Number(t.fetch_count),
    status: t.revoked_at ? 'revoked' : t.last_fetch_at === null ? 'never-fetched' : stale ? 'stale' : 'fetching',
  };
}

export function toExport(row: ExportRow, tokens: readonly ExportTokenRow[], opts: { manageable: boolean; now: string; publicUrl: string; extension: string; directory?: boolean }): ExportView {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    format: row.format,
    options: readExportOptions(row.options) as ExportOptions & Record<string, unknown>,
    staleAfterHours: row.stale_after_hours,
    url: opts.directory ? `${opts.publicUrl}/exports/${row.id}` : `${opts.publicUrl}/exports/${row.id}/${fileSlug(row.name)}.${opts.extension}`,
    tokens: tokens.map((t) => toExportToken(t, { now: opts.now, staleAfterHours: row.stale_after_hours })),
    manageable: opts.manageable,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toFetch(f: ExportFetchRow, devices: ReadonlyMap<string, string>): FetchView {
  return {
    at: f.at,
    tokenId: f.token_id,
    device: f.token_id ? (devices.get(f.token_id) ?? null) : null,
    ip: f.ip,
    status: f.status,
    values: f.value_count,
    skipped: f.skipped_count,
    since: f.since,
  };
}

/** A file name from the export's name: letters, digits and dashes only. */
export function fileSlug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, '-')
      .replace(/-+/g, '-')
      .slice(0, 60) || 'export'
  );
}
