// Bundle uploads from the web app and the API: check who may import where, receive the
// file, record a job and hand it to the background runner; report a job's progress to the
// organisation that uploaded it (others get a 404, as for anything they may not see).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { recordAudit } from '../audit/audit.service.js';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { requireScope, type Actor } from '../orgs/actor.js';
import type { Tlp } from '../stix/tlp.js';
import { collectionsFor, findCollection } from '../taxii/collections.js';
import type { StatusDetail } from '../taxii/status.repository.js';
import { failAbandoned, findImport, insertImport, listImports, type ImportRow, type ImportStatus } from './imports.repository.js';
import type { ImportRunner } from './runner.js';
import { allowedTlps, requireWritable, withDefaultTlp } from './target.js';
import { receiveToFile, removeQuietly, removeStaleUploads, uploadDir } from './upload.js';

/** An unfinished job untouched this long belongs to a process that stopped. */
const abandonedAfterMs = 10 * 60_000;

export interface ImportJob {
  id: string;
  status: ImportStatus;
  fileName: string | null;
  collection: { id: string; title: string };
  defaultTlp: string;
  totalBytes: number;
  bytesRead: number;
  objects: number;
  successes: number;
  failures: number;
  failureList?: StatusDetail[];
  /** more failed than are listed */
  failuresTruncated: boolean;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface CollectionChoice {
  id: string;
  kind: string;
  title: string;
  description: string;
  canWrite: boolean;
  defaultTlp: Tlp;
  allowedTlps: Tlp[];
}

export async function listCollectionChoices(ctx: AppContext, actor: Actor): Promise<CollectionChoice[]> {
  requireScope(actor, 'read');
  return (await collectionsFor(ctx.db, actor)).map((c) => ({
    id: c.id,
    kind: c.kind,
    title: c.title,
    description: c.description,
    canWrite: c.canWrite && !actor.orgObserver,
    defaultTlp: c.defaultTlp,
    allowedTlps: allowedTlps(c),
  }));
}

export interface UploadInput {
  body: Readable;
  contentLength: number | null;
  collectionId: string;
  tlp?: string | undefined;
  fileName?: string | undefined;
}

export async function startImport(ctx: AppContext, actor: Actor, runner: ImportRunner, input: UploadInput): Promise<ImportJob> {
  const limit = ctx.config.stixImportMaxBytes;
  const collection = withDefaultTlp(await findCollection(ctx.db, actor, input.collectionId), input.tlp);
  requireWritable(actor, collection);
  if (input.contentLength !== null && input.contentLength > limit) throw new AppError('STIX_IMPORT_TOO_LARGE', { limit });

  const id = randomUUID();
  const dir = uploadDir(ctx.config.dataDir);
  removeStaleUploads(dir, ctx.now().getTime());
  const file = path.join(dir, `${id}.json`);
  const bytes = await receiveToFile(input.body, file, limit);
  const at = ctx.now().toISOString();
  const fileName = input.fileName ? input.fileName.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || null : null;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertImport(trx, { id, orgId: actor.orgId, userId: actor.userId, collectionId: collection.id, collectionTitle: collection.title, defaultTlp: collection.defaultTlp, fileName, totalBytes: bytes, at });
      await recordAudit(ctx, trx, actor, { action: 'stix.import', orgId: actor.orgId, targetType: 'collection', targetId: collection.id, details: { job: id, file: fileName, bytes, defaultTlp: collection.defaultTlp } });
    });
    runner.enqueue({ jobId: id, file, actor, collection });
  } catch (err) {
    removeQuietly(file);
    throw err;
  }
  return toJob((await findImport(ctx.db, id))!, false);
}

export async function getImport(ctx: AppContext, actor: Actor, id: string): Promise<ImportJob> {
  requireScope(actor, 'read');
  const row = await findImport(ctx.db, id);
  if (!row || !mayRead(actor, row)) throw notFound('import');
  return toJob(await settleAbandoned(ctx, row), true);
}

export async function listImportJobs(ctx: AppContext, actor: Actor, limit = 20): Promise<ImportJob[]> {
  requireScope(actor, 'read');
  const rows = await listImports(ctx.db, { orgId: actor.orgId, userId: actor.userId }, Math.max(1, Math.min(limit, 100)));
  const settled = [];
  for (const r of rows) settled.push(await settleAbandoned(ctx, r));
  return settled.map((r) => toJob(r, false));
}

function mayRead(actor: Actor, row: ImportRow): boolean {
  if (actor.isOperator) return true;
  if (row.org_id !== null) return row.org_id === actor.orgId;
  return row.user_id !== null && row.user_id === actor.userId;
}

/** An unfinished job that no process has touched for a while: its process stopped. */
async function settleAbandoned(ctx: AppContext, row: ImportRow): Promise<ImportRow> {
  if (row.status !== 'queued' && row.status !== 'running') return row;
  const now = ctx.now();
  if (Date.parse(row.updated_at) > now.getTime() - abandonedAfterMs) return row;
  const error = 'The hub stopped during this import; the batches committed before that stay. Upload the file again to import the rest (objects already there count as already added).';
  await failAbandoned(ctx.db, row.id, new Date(now.getTime() - abandonedAfterMs).toISOString(), now.toISOString(), error);
  return (await findImport(ctx.db, row.id)) ?? row;
}

function toJob(row: ImportRow, withFailures: boolean): ImportJob {
  const failureList = withFailures ? (JSON.parse(row.failure_list) as StatusDetail[]) : undefined;
  const failures = Number(row.failures);
  return {
    id: row.id,
    status: row.status as ImportStatus,
    fileName: row.file_name,
    collection: { id: row.collection_id, title: row.collection_title },
    defaultTlp: row.default_tlp,
    totalBytes: Number(row.total_bytes),
    bytesRead: Number(row.bytes_read),
    objects: Number(row.objects),
    successes: Number(row.successes),
    failures,
    ...(failureList ? { failureList } : {}),
    failuresTruncated: failures > (failureList?.length ?? JSON.parse(row.failure_list).length),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
