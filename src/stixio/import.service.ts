// Importing a STIX bundle of any size: the file is read as a stream, its objects go through
// the TAXII ingest (validation, TLP from markings or the default, the sharing rule, version
// log, audit, live announcement) in batches, each batch its own transaction. When the file
// turns out to be broken halfway, the batches already committed stay and the rest is not
// imported; importing the fixed file again is safe (objects already there are "already added").
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { Actor } from '../orgs/actor.js';
import type { Collection } from '../taxii/collections.js';
import { ingestObjects } from '../taxii/ingest.service.js';
import { afterBulkWrite } from '../store/statistics.js';
import type { StatusDetail } from '../taxii/status.repository.js';
import { BundleFormatError, readBundle, SkippedElement } from './bundle-reader.js';

export const defaultBatchSize = 1000;
/** Failures kept with their reason; the count goes on beyond it. */
export const failureListLimit = 500;

export interface ImportProgress {
  /** bytes of the file read so far */
  bytes: number;
  /** elements of "objects" read and handed over (imported or failed) */
  objects: number;
  successes: number;
  failures: number;
  /** batches committed */
  batches: number;
}

export interface ImportOutcome extends ImportProgress {
  /** the whole file was read */
  complete: boolean;
  /** objects read after the last committed batch, not imported because the import stopped */
  uncommitted: number;
  /** why the import stopped early (the committed batches stay) */
  error: AppError | null;
  failureList: StatusDetail[];
}

export interface ImportInput {
  source: AsyncIterable<Uint8Array | string>;
  collection: Collection;
  batchSize?: number;
  /** after each batch, and as bytes are read */
  onProgress?(progress: ImportProgress, phase: 'read' | 'batch', failures: readonly StatusDetail[]): void | Promise<void>;
  /** stops after the batch in progress (the hub is shutting down) */
  signal?: AbortSignal;
}

export async function importBundle(ctx: AppContext, actor: Actor, input: ImportInput): Promise<ImportOutcome> {
  const batchSize = Math.max(1, Math.min(input.batchSize ?? defaultBatchSize, 10_000));
  const progress: ImportProgress = { bytes: 0, objects: 0, successes: 0, failures: 0, batches: 0 };
  const failureList: StatusDetail[] = [];
  const fail = (detail: StatusDetail) => {
    progress.failures += 1;
    if (failureList.length < failureListLimit) failureList.push({ ...detail, message: detail.message?.slice(0, 300) ?? '' });
  };
  let batch: unknown[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const objects = batch;
    batch = [];
    const status = await ingestObjects(ctx, actor, { objects, collection: input.collection, keepStatus: false });
    progress.successes += status.success_count;
    for (const f of status.failures ?? []) fail(f);
    progress.batches += 1;
    await input.onProgress?.({ ...progress }, 'batch', failureList);
  };

  let error: AppError | null = null;
  let uncommitted = 0;
  try {
    const reading = readBundle(input.source, {
      onBytes: (bytes) => {
        progress.bytes = bytes;
        void input.onProgress?.({ ...progress }, 'read', failureList);
      },
    });
    for await (const items of reading) {
      for (const item of items) {
        progress.objects += 1;
        if (item instanceof SkippedElement) fail({ id: item.id ?? `(object ${item.index + 1})`, version: '', message: `not imported: ${item.reason}` });
        else batch.push(item);
        if (batch.length >= batchSize) {
          if (input.signal?.aborted) throw new AppError('STIX_IMPORT_STOPPED', { detail: 'the hub was shut down' });
          await flush();
        }
      }
    }
    await flush();
  } catch (err) {
    error = asImportError(ctx, err, progress);
    // The objects read since the last commit are not imported.
    uncommitted = batch.length;
    batch = [];
  }
  // After a bulk import PostgreSQL's statistics still describe the smaller tables, and reads of
  // the new objects (TAXII pages, exports, lookups) are planned badly until they are refreshed.
  await afterBulkWrite(ctx, progress.successes, ['stix_versions', 'shares', 'share_audience', 'observables', 'mentions']);
  return { ...progress, complete: error === null, uncommitted, error, failureList };
}

function asImportError(ctx: AppContext, err: unknown, progress: ImportProgress): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof BundleFormatError) return new AppError('STIX_BUNDLE_INVALID', { detail: err.detail }, { atByte: err.atByte, committedObjects: progress.objects, committedBatches: progress.batches });
  if (err instanceof Error && 'code' in err && typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).syscall) {
    const e = err as NodeJS.ErrnoException;
    return new AppError('STIX_FILE_UNREADABLE', { file: e.path ?? 'bundle', reason: e.code ?? 'error' });
  }
  // A store failure: the batch in progress was rolled back; say so rather than crash.
  ctx.log.error({ err }, 'STIX import stopped');
  return new AppError('STIX_IMPORT_STOPPED', { detail: `a batch could not be stored (${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'})` });
}

/** What stayed when an import stopped early, in a sentence or two. */
export function committedNote(outcome: Pick<ImportOutcome, 'batches' | 'objects' | 'successes' | 'failures' | 'uncommitted'>): string {
  if (outcome.batches === 0) return `Nothing was imported${outcome.objects ? ` (${outcome.objects} objects had been read)` : ''}.`;
  const committed = outcome.objects - outcome.uncommitted;
  const plural = outcome.batches === 1 ? 'batch' : 'batches';
  const rest = outcome.uncommitted ? `; the ${outcome.uncommitted} objects read after them were not imported` : '';
  return `The ${outcome.batches} ${plural} committed before that stay (${committed} objects: ${outcome.successes} imported, ${outcome.failures} failed)${rest}. Importing the fixed file again adds only what is missing.`;
}
