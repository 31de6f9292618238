// Exports: saved definitions an organisation's tools fetch at a stable URL, each device with
// its own read-only token. The rules: an export is read as its organisation (the sharing
// policy decides every value); its admins (and the operator) manage it, its members see it;
// blocklists never carry expired, revoked, suppressed or warning-listed values; every fetch is
// recorded (the history, the device's last fetch, the audit log).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { readIntelVersion } from '../intel/intel-version.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import { nameKey } from '../orgs/organisations.service.js';
import { randomToken, safeEqual, sha256 } from '../orgs/secrets.js';
import { readerForOrg } from '../sharing/policy.js';
import { constraintViolation } from '../store/constraints.js';
import type { ExportRow, ExportTokenRow } from '../store/schema.js';
import { tlpLevels, tlpRank } from '../stix/tlp.js';
import { checkExportOptions, defaultTlpCeiling, readExportOptions, type ExportOptions } from './export-options.js';
import {
  deleteExportRow,
  findExportById,
  findExportByName,
  findExportToken,
  insertExport,
  insertExportToken,
  listExportRows,
  listExportTokens,
  listFetches,
  pruneFetches,
  recordFetch,
  revokeExportToken,
  updateExportRow,
  type ItemFilter,
} from './exports.repository.js';
import { exportFormat, exportFormatIds, type ExportFormat } from './format-registry.js';
import type { ExportContext } from './formats/types.js';
import { exportPages } from './items.js';
import { bodyCacheDir, purgeCachedBodies } from './body-cache.js';
import { mispDirectoryFile, mispFileOf } from './misp-directory.js';
import { fileSlug, toExport, toFetch, toExportToken, type ExportView, type FetchView } from './exports.view.js';

export const exportNameMaxLength = 120;
export const previewLines = 20;
const dayMs = 86_400_000;
const hourMs = 3_600_000;

export interface ExportInput {
  name: string;
  format: string;
  options?: Record<string, unknown> | undefined;
  staleAfterHours?: number | undefined;
  /** operators only: the organisation it is read as */
  orgId?: string | undefined;
}

export type ExportPatch = Partial<Omit<ExportInput, 'orgId'>>;

function canManage(actor: Actor, row: Pick<ExportRow, 'org_id'>): boolean {
  return actor.isOperator || (actor.orgId === row.org_id && actor.role === 'admin');
}

function canSee(actor: Actor, row: Pick<ExportRow, 'org_id'>): boolean {
  return actor.isOperator || actor.orgId === row.org_id;
}

async function findVisible(ctx: AppContext, actor: Actor, id: string): Promise<ExportRow> {
  requireScope(actor, 'read');
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findExportById(ctx.db, id.toLowerCase()) : undefined;
  // Another organisation's export is not even said to exist.
  if (!row || !canSee(actor, row)) throw notFound('export');
  return row;
}

async function findManageable(ctx: AppContext, actor: Actor, id: string, action: string): Promise<ExportRow> {
  requireScope(actor, 'admin');
  const row = await findVisible(ctx, actor, id);
  if (!canManage(actor, row)) throw forbidden(action);
  return row;
}

export async function listExports(ctx: AppContext, actor: Actor): Promise<ExportView[]> {
  requireScope(actor, 'read');
  if (!actor.isOperator && !actor.orgId) throw forbidden('read exports (they belong to organisations)');
  const rows = await listExportRows(ctx.db, actor.isOperator ? 'all' : actor.orgId!);
  const tokens = await listExportTokens(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => view(ctx, actor, r, tokens));
}

export async function getExport(ctx: AppContext, actor: Actor, id: string): Promise<ExportView> {
  const row = await findVisible(ctx, actor, id);
  return view(ctx, actor, row, await listExportTokens(ctx.db, [row.id]));
}

function view(ctx: AppContext, actor: Actor, row: ExportRow, tokens: readonly ExportTokenRow[]): ExportView {
  return toExport(row, tokens.filter((t) => t.export_id === row.id), { manageable: canManage(actor, row), now: ctx.now().toISOString(), publicUrl: ctx.config.publicUrl, extension: exportFormat(row.format)?.fileExtension ?? 'txt', directory: exportFormat(row.format)?.directory === true });
}

export async function createExport(ctx: AppContext, actor: Actor, input: ExportInput): Promise<ExportView> {
  requireScope(actor, 'admin');
  const orgId = actor.isOperator ? input.orgId : actor.orgId;
  if (!orgId) throw new AppError('EXPORT_NEEDS_ORG', { detail: actor.isOperator ? 'give orgId, the organisation whose tools fetch it' : 'sign in as a member of one' });
  if (!actor.isOperator && input.orgId && input.orgId !== actor.orgId) throw forbidden("create exports for another organisation");
  if (!canManage(actor, { org_id: orgId })) throw forbidden('create exports (an admin of the organisation can)');
  const org = await ctx.db.selectFrom('organisations').select('id').where('id', '=', orgId).executeTakeFirst();
  if (!org) throw notFound('organisation');
  const format = checkFormat(input.format);
  const options = checkExportOptions(input.options ?? {}, formatShape(format));
  const name = checkName(input.name);
  const now = ctx.now().toISOString();
  const row: ExportRow = {
    id: randomUUID(),
    org_id: orgId,
    name,
    name_key: nameKey(name),
    format: format.id,
    options: JSON.stringify(options),
    stale_after_hours: checkStale(input.staleAfterHours ?? 48),
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await insertExport(trx, row);
      await recordAudit(ctx, trx, actor, { action: 'export.create', orgId, targetType: 'export', targetId: row.id, details: { name, format: format.id, options } });
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('EXPORT_NAME_TAKEN', { name });
      throw err;
    });
  return view(ctx, actor, row, []);
}

export async function updateExport(ctx: AppContext, actor: Actor, id: string, patch: ExportPatch): Promise<ExportView> {
  const before = await findManageable(ctx, actor, id, 'change this export');
  const format = checkFormat(patch.format ?? before.format);
  const options = checkExportOptions((patch.options ?? readExportOptions(before.options)) as Record<string, unknown>, formatShape(format));
  const name = patch.name !== undefined ? checkName(patch.name) : before.name;
  const after: ExportRow = {
    ...before,
    name,
    name_key: nameKey(name),
    format: format.id,
    options: JSON.stringify(options),
    stale_after_hours: patch.staleAfterHours !== undefined ? checkStale(patch.staleAfterHours) : before.stale_after_hours,
    updated_at: ctx.now().toISOString(),
  };
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      await updateExportRow(trx, id, { name: after.name, name_key: after.name_key, format: after.format, options: after.options, stale_after_hours: after.stale_after_hours, updated_at: after.updated_at });
      await recordAudit(ctx, trx, actor, { action: 'export.update', orgId: before.org_id, targetType: 'export', targetId: id, details: { name, format: format.id, options } });
    })
    .catch((err: unknown) => {
      if (constraintViolation(err) === 'unique') throw new AppError('EXPORT_NAME_TAKEN', { name });
      throw err;
    });
  return view(ctx, actor, after, await listExportTokens(ctx.db, [id]));
}

export async function deleteExport(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  const row = await findManageable(ctx, actor, id, 'remove this export');
  await ctx.db.transaction().execute(async (trx) => {
    await deleteExportRow(trx, id);
    await recordAudit(ctx, trx, actor, { action: 'export.delete', orgId: row.org_id, targetType: 'export', targetId: id, details: { name: row.name } });
  });
  await purgeCachedBodies(bodyCacheDir(ctx.config.dataDir), id);
}

// ---- device tokens ----

const tokenPattern = /^tcx_(xt[0-9a-f]{18})_([A-Za-z0-9_-]{43})$/;

export function parseExportToken(value: string): { id: string; secret: string } | null {
  const m = tokenPattern.exec(value.trim());
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export async function createExportToken(ctx: AppContext, actor: Actor, exportId: string, input: { name: string }): Promise<{ token: ReturnType<typeof toExportToken>; secret: string; url: string }> {
  const row = await findManageable(ctx, actor, exportId, "create this export's device tokens");
  const name = input.name.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!name || name.length > exportNameMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `name: the device, in 1 to ${exportNameMaxLength} characters` });
  const id = `xt${randomBytes(9).toString('hex')}`;
  const secret = randomToken(32);
  const now = ctx.now().toISOString();
  const token: ExportTokenRow = { id, export_id: row.id, name, secret_hash: sha256(secret), created_by: actor.userId, created_at: now, revoked_at: null, last_fetch_at: null, last_fetch_ip: null, fetch_count: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    await insertExportToken(trx, token);
    await recordAudit(ctx, trx, actor, { action: 'export.token.create', orgId: row.org_id, targetType: 'export', targetId: row.id, details: { tokenId: id, name } });
  });
  const wire = `tcx_${id}_${secret}`;
  return { token: toExportToken(token, { now, staleAfterHours: row.stale_after_hours }), secret: wire, url: exportUrl(ctx.config.publicUrl, row) };
}

export async function revokeToken(ctx: AppContext, actor: Actor, exportId: string, tokenId: string): Promise<void> {
  const row = await findManageable(ctx, actor, exportId, "revoke this export's device tokens");
  const token = await findExportToken(ctx.db, tokenId);
  if (!token || token.export_id !== row.id) throw notFound('device token');
  const now = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await revokeExportToken(trx, tokenId, now);
    await recordAudit(ctx, trx, actor, { action: 'export.token.revoke', orgId: row.org_id, targetType: 'export', targetId: row.id, details: { tokenId, name: token.name } });
  });
}

export async function listExportFetches(ctx: AppContext, actor: Actor, id: string, limit = 50): Promise<FetchView[]> {
  const row = await findVisible(ctx, actor, id);
  const tokens = new Map((await listExportTokens(ctx.db, [row.id])).map((t) => [t.id, t.name]));
  return (await listFetches(ctx.db, row.id, Math.min(Math.max(limit, 1), 500))).map((f) => toFetch(f, tokens));
}

// ---- fetching ----

export interface Fetcher {
  /** the device token, when fetched by one */
  tokenId: string | null;
  /** a signed-in member of the organisation (download from the web app), or the CLI */
  actor: Actor | null;
  ip: string | null;
}

/** Who fetches: a device token of this export, or a member who may see it. Throws EXPORT_TOKEN_INVALID otherwise. */
export async function authoriseFetch(ctx: AppContext, exportId: string, credential: string | null, actor: Actor | null): Promise<{ row: ExportRow; tokenId: string | null }> {
  const row = /^[0-9a-f-]{36}$/i.test(exportId) ? await findExportById(ctx.db, exportId.toLowerCase()) : undefined;
  if (credential !== null) {
    const parsed = parseExportToken(credential);
    const token = parsed ? await findExportToken(ctx.db, parsed.id) : undefined;
    // Same answer for an unknown export, an unknown token and a wrong secret: nothing to probe.
    if (!row || !parsed || !token || token.export_id !== row.id || token.revoked_at !== null || !safeEqual(token.secret_hash, sha256(parsed.secret))) {
      throw new AppError('EXPORT_TOKEN_INVALID');
    }
    return { row, tokenId: token.id };
  }
  if (actor && row && canSee(actor, row)) return { row, tokenId: null };
  // Signed in: another organisation's export reads as no export at all, as in the API.
  if (actor) throw notFound('export');
  throw new AppError('EXPORT_TOKEN_INVALID');
}

export interface RenderedExport {
  etag: string;
  lastModified: Date;
  contentType: string;
  fileName: string;
  /** the body as text, whole lines at a time (a window of values, or a header); `counts` is final once it has been read to the end */
  body: AsyncIterable<string>;
  counts: { values: number; skipped: number; byType: Record<string, number> };
  /** the whole export as every device gets it (no `since`, no limit, not a MISP directory file): its body may be kept by ETag */
  cacheable: boolean;
}

/** Prepare an export's body for the organisation it belongs to. Reads the version before the rows (see intel-version.ts). */
export async function renderExport(ctx: AppContext, row: ExportRow, opts: { since?: string | undefined; limit?: number | undefined; file?: string | undefined } = {}): Promise<RenderedExport> {
  const format = exportFormat(row.format);
  if (!format) throw new AppError('EXPORT_FORMAT_UNKNOWN', { format: row.format, allowed: exportFormatIds().join(', ') });
  const nowDate = ctx.now();
  const now = nowDate.toISOString();
  let since: string | null = null;
  if (opts.since !== undefined) {
    const t = Date.parse(opts.since);
    if (!Number.isFinite(t) || t > nowDate.getTime() || !/^\d{4}-\d{2}-\d{2}/.test(opts.since)) throw new AppError('EXPORT_SINCE_INVALID');
    since = new Date(t).toISOString();
  }
  const version = await readIntelVersion(ctx.db);
  const reader = await readerForOrg(ctx.db, row.org_id);
  const options = readExportOptions(row.options);
  const filter = itemFilter(format, options, reader, now, since);
  // Values expire with time, not only with writes: the hour is part of the version.
  const hour = Math.floor(nowDate.getTime() / hourMs) * hourMs;
  const changedAt = Math.max(hour, Date.parse(row.updated_at), version.at ? Date.parse(version.at) : 0);
  const etag = `"${createHash('sha256')
    .update([row.id, row.format, row.options, row.updated_at, version.value, String(hour), [...reader.groupIds].sort().join(','), since ?? '', String(opts.limit ?? ''), format.directory ? (opts.file ?? '') : ''].join('\u0000'))
    .digest('base64url')
    .slice(0, 32)}"`;
  const exportCtx: ExportContext = {
    hubName: new URL(ctx.config.publicUrl).host,
    hubUrl: ctx.config.publicUrl,
    exportName: row.name,
    generatedAt: now,
    // Whole seconds of the last change: grows whenever the content may have changed.
    serial: Math.floor(changedAt / 1000),
    sidBase: ctx.config.exportSidBase,
    sidRange: ctx.config.exportSidRange,
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.domainWildcards !== undefined ? { domainWildcards: options.domainWildcards } : {}),
    ...(options.rpzTtl !== undefined ? { rpzTtl: options.rpzTtl } : {}),
    ...(options.rpzZone !== undefined ? { rpzZone: options.rpzZone } : {}),
    ...(options.iprepCategory !== undefined ? { iprepCategory: options.iprepCategory } : {}),
  };
  const counts = { values: 0, skipped: 0, byType: {} as Record<string, number> };
  const db = ctx.db;
  const lastModified = new Date(Math.floor(changedAt / 1000) * 1000);
  if (format.directory) {
    const file = mispFileOf(opts.file);
    if (!file) throw notFound('file of this MISP feed (it has manifest.json, hashes.csv and <event uuid>.json)');
    const name = file.kind === 'manifest' ? 'manifest.json' : file.kind === 'hashes' ? 'hashes.csv' : `${file.uuid}.json`;
    return { etag, lastModified, contentType: file.kind === 'hashes' ? 'text/csv; charset=utf-8' : 'application/json', fileName: name, body: mispDirectoryFile(db, file, filter, row, exportCtx, counts), counts, cacheable: false };
  }
  async function* body(): AsyncGenerator<string> {
    yield format!.header(exportCtx);
    for await (const page of exportPages(db, filter, { hubUrl: ctx.config.publicUrl, valuesOnly: format!.valuesOnly === true, ...(opts.limit !== undefined ? { limit: opts.limit } : {}) })) {
      // A window's text in one string: one await a window, not one a value.
      let text = '';
      for (const item of page) {
        const line = format!.line(item, exportCtx);
        if (line === null) {
          counts.skipped++;
          continue;
        }
        counts.values++;
        counts.byType[item.type] = (counts.byType[item.type] ?? 0) + 1;
        text += line;
      }
      if (text) yield text;
    }
    yield format!.footer(exportCtx);
  }
  return { etag, lastModified, contentType: format.contentType, fileName: `${fileSlug(row.name)}.${format.fileExtension}`, body: body(), counts, cacheable: since === null && opts.limit === undefined };
}

/** After a body was sent (or a 304 answered): the history, the device's last fetch, the audit log. */
export async function recordExportFetch(ctx: AppContext, row: ExportRow, fetcher: Fetcher, result: { status: number; values: number; skipped: number; since?: string | undefined }): Promise<void> {
  const at = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await recordFetch(trx, { export_id: row.id, token_id: fetcher.tokenId, at, ip: fetcher.ip, status: result.status, value_count: result.values, skipped_count: result.skipped, since: result.since ?? null });
    // A firewall pulling every five minutes writes 288 rows a day: the delivery-log window applies
    // (each device keeps its last fetch on its token; the audit log keeps its own record).
    await pruneFetches(trx, row.id, new Date(Date.parse(at) - ctx.config.deliveryLogDays * dayMs).toISOString());
    await recordAudit(ctx, trx, fetcher.actor, {
      action: 'export.fetch',
      orgId: row.org_id,
      targetType: 'export',
      targetId: row.id,
      details: { name: row.name, format: row.format, tokenId: fetcher.tokenId, status: result.status, values: result.values, skipped: result.skipped, ...(fetcher.actor ? {} : { ip: fetcher.ip }) },
    });
  });
}

/** The first lines and the counts per type, for the page that sets an export up. */
export async function previewExport(ctx: AppContext, actor: Actor, id: string): Promise<{ lines: string[]; counts: RenderedExport['counts']; truncated: boolean }> {
  const row = await findVisible(ctx, actor, id);
  const rendered = await renderExport(ctx, row);
  const lines: string[] = [];
  let truncated = false;
  for await (const text of rendered.body) {
    // Reading goes on to the end (the counts are the point); only the first lines are kept.
    if (truncated) continue;
    for (const line of text.split(/(?<=\n)/)) {
      if (!line) continue;
      if (lines.length < previewLines) lines.push(line);
      else truncated = true;
    }
  }
  return { lines, counts: rendered.counts, truncated };
}

/** By id, or by name within an organisation (the CLI). */
export async function resolveExport(ctx: AppContext, ref: string, orgId: string | null): Promise<ExportRow> {
  if (/^[0-9a-f-]{36}$/i.test(ref)) {
    const row = await findExportById(ctx.db, ref.toLowerCase());
    if (row) return row;
  }
  if (orgId) {
    const row = await findExportByName(ctx.db, orgId, nameKey(ref));
    if (row) return row;
    throw notFound(`export "${ref}"`);
  }
  const rows = await ctx.db.selectFrom('exports').selectAll().where('name_key', '=', nameKey(ref)).execute();
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1) throw new AppError('EXPORT_NEEDS_ORG', { detail: `${rows.length} organisations have an export named "${ref}"; say which with --org` });
  throw notFound(`export "${ref}"`);
}

export function exportUrl(publicUrl: string, row: Pick<ExportRow, 'id' | 'name' | 'format'>): string {
  // A MISP feed's URL is its directory: MISP asks for <url>/manifest.json and the rest.
  if (exportFormat(row.format)?.directory) return `${publicUrl}/exports/${row.id}`;
  return `${publicUrl}/exports/${row.id}/${fileSlug(row.name)}.${exportFormat(row.format)?.fileExtension ?? 'txt'}`;
}

// ---------------------------------------------------------------------------------------

function itemFilter(format: ExportFormat, options: ExportOptions, reader: ItemFilter['reader'], now: string, since: string | null): ItemFilter {
  const ceiling = tlpRank(options.tlpCeiling ?? defaultTlpCeiling);
  return {
    reader,
    now,
    types: options.types ?? format.types,
    tlps: tlpLevels.filter((t) => tlpRank(t) <= ceiling),
    minConfidence: options.minConfidence ?? 0,
    seenSince: options.maxAgeDays ? new Date(Date.parse(now) - options.maxAgeDays * dayMs).toISOString() : null,
    createdSince: since,
    sourceKinds: options.sourceKinds ?? null,
    feedIds: options.feedIds ?? null,
    groupIds: options.groupIds ?? null,
    sightedOnly: options.sightedOnly === true,
  };
}

function checkFormat(id: string): ExportFormat {
  const format = exportFormat(id);
  if (!format) throw new AppError('EXPORT_FORMAT_UNKNOWN', { format: id.slice(0, 40), allowed: exportFormatIds().join(', ') });
  return format;
}

function formatShape(format: ExportFormat) {
  return { id: format.id, types: format.types, columns: format.columns };
}

const controlChars = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

function checkName(raw: string): string {
  const name = raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (!name) throw new AppError('VALIDATION_FAILED', { detail: 'name must not be blank' });
  if (controlChars.test(name)) throw new AppError('VALIDATION_FAILED', { detail: 'name must not contain control characters' });
  if (name.length > exportNameMaxLength) throw new AppError('VALIDATION_FAILED', { detail: `name must be at most ${exportNameMaxLength} characters` });
  return name;
}

function checkStale(hours: number): number {
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 90) throw new AppError('VALIDATION_FAILED', { detail: 'staleAfterHours must be a whole number of hours from 1 to 2160' });
  return hours;
}


