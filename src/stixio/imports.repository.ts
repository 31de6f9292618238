// SQL for import jobs (table stix_imports): create, progress, finish, read.
import type { Kysely, Selectable } from 'kysely';
import type { Database, StixImportsTable } from '../store/schema.js';
import type { StatusDetail } from '../taxii/status.repository.js';

export type ImportRow = Selectable<StixImportsTable>;
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface NewImport {
  id: string;
  orgId: string | null;
  userId: string | null;
  collectionId: string;
  collectionTitle: string;
  defaultTlp: string;
  fileName: string | null;
  totalBytes: number;
  at: string;
}

export async function insertImport(db: Kysely<Database>, job: NewImport): Promise<void> {
  await db
    .insertInto('stix_imports')
    .values({
      id: job.id,
      org_id: job.orgId,
      user_id: job.userId,
      collection_id: job.collectionId,
      collection_title: job.collectionTitle,
      default_tlp: job.defaultTlp,
      file_name: job.fileName,
      status: 'queued',
      total_bytes: job.totalBytes,
      error: null,
      created_at: job.at,
      updated_at: job.at,
      finished_at: null,
    })
    .execute();
}

export interface ImportCounts {
  bytesRead: number;
  objects: number;
  successes: number;
  failures: number;
  failureList: readonly StatusDetail[];
}

export async function updateImport(db: Kysely<Database>, id: string, at: string, change: Partial<ImportCounts> & { status?: ImportStatus; error?: string | null; finishedAt?: string }): Promise<void> {
  await db
    .updateTable('stix_imports')
    .set({
      updated_at: at,
      ...(change.status !== undefined ? { status: change.status } : {}),
      ...(change.bytesRead !== undefined ? { bytes_read: change.bytesRead } : {}),
      ...(change.objects !== undefined ? { objects: change.objects } : {}),
      ...(change.successes !== undefined ? { successes: change.successes } : {}),
      ...(change.failures !== undefined ? { failures: change.failures } : {}),
      ...(change.failureList !== undefined ? { failure_list: JSON.stringify(change.failureList) } : {}),
      ...(change.error !== undefined ? { error: change.error } : {}),
      ...(change.finishedAt !== undefined ? { finished_at: change.finishedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Keep unfinished jobs of this process from looking abandoned. */
export async function touchImports(db: Kysely<Database>, ids: readonly string[], at: string): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('stix_imports').set({ updated_at: at }).where('id', 'in', [...ids]).where('status', 'in', ['queued', 'running']).execute();
}

/** Mark the job failed if it is still unfinished and untouched since `before` (its process stopped). */
export async function failAbandoned(db: Kysely<Database>, id: string, before: string, at: string, error: string): Promise<void> {
  await db
    .updateTable('stix_imports')
    .set({ status: 'failed', error, finished_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where('updated_at', '<', before)
    .execute();
}

export async function findImport(db: Kysely<Database>, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom('stix_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The latest jobs of an organisation (or of one user without one), newest first. */
export async function listImports(db: Kysely<Database>, owner: { orgId: string | null; userId: string | null }, limit: number): Promise<ImportRow[]> {
  let q = db.selectFrom('stix_imports').selectAll();
  if (owner.orgId) q = q.where('org_id', '=', owner.orgId);
  else if (owner.userId) q = q.where('org_id', 'is', null).where('user_id', '=', owner.userId);
  else return [];
  return q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}
