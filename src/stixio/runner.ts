// Runs uploaded imports in the background, one at a time per hub process (each is a long
// stream of write transactions; one at a time keeps the store responsive for everyone
// else), writing progress to the job as it goes. On shutdown the running import stops after
// its current batch and the waiting ones are marked failed, with the reason.
import { createReadStream } from 'node:fs';
import type { AppContext } from '../context.js';
import type { Actor } from '../orgs/actor.js';
import type { Collection } from '../taxii/collections.js';
import { committedNote, importBundle, type ImportProgress } from './import.service.js';
import { touchImports, updateImport } from './imports.repository.js';
import { removeQuietly } from './upload.js';

export interface ImportTask {
  jobId: string;
  file: string;
  actor: Actor;
  collection: Collection;
}

/** How often progress read between batches is written, and unfinished jobs are touched. */
const progressEveryMs = 1000;

export class ImportRunner {
  private readonly queue: ImportTask[] = [];
  private current: ImportTask | null = null;
  private draining: Promise<void> | null = null;
  private readonly stop = new AbortController();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: { batchSize?: number } = {},
  ) {}

  /** Ids of the jobs this process holds (running or waiting). */
  held(): string[] {
    return [...(this.current ? [this.current.jobId] : []), ...this.queue.map((t) => t.jobId)];
  }

  enqueue(task: ImportTask): void {
    if (this.stop.signal.aborted) throw new Error('the import runner is closed');
    this.queue.push(task);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => void touchImports(this.ctx.db, this.held(), this.ctx.now().toISOString()).catch(() => undefined), 30_000);
      this.heartbeat.unref();
    }
    this.draining ??= this.drain();
  }

  /** Resolves when nothing is running or waiting (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    this.stop.abort();
    const waiting = this.queue.splice(0);
    const at = this.ctx.now().toISOString();
    for (const t of waiting) {
      await updateImport(this.ctx.db, t.jobId, at, { status: 'failed', error: 'The hub was shut down before this import started; upload the file again.', finishedAt: at }).catch(() => undefined);
      removeQuietly(t.file);
    }
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      for (let task = this.queue.shift(); task; task = this.queue.shift()) {
        this.current = task;
        try {
          await this.run(task);
        } catch (err) {
          this.ctx.log.error({ err, job: task.jobId }, 'STIX import job failed');
          const at = this.ctx.now().toISOString();
          await updateImport(this.ctx.db, task.jobId, at, { status: 'failed', error: 'The hub failed while importing; the operator can find the cause in the log.', finishedAt: at }).catch(() => undefined);
        } finally {
          this.current = null;
          removeQuietly(task.file);
        }
      }
    } finally {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      this.draining = null;
    }
  }

  private async run(task: ImportTask): Promise<void> {
    const { ctx } = this;
    await updateImport(ctx.db, task.jobId, ctx.now().toISOString(), { status: 'running' });
    let writing: Promise<void> = Promise.resolve();
    let lastWrite = 0;
    // Progress goes to the job one write at a time; reads between batches are throttled.
    const save = (p: ImportProgress, extra: Parameters<typeof updateImport>[3] = {}) => {
      lastWrite = Date.now();
      writing = writing.then(() =>
        updateImport(ctx.db, task.jobId, ctx.now().toISOString(), { bytesRead: p.bytes, objects: p.objects, successes: p.successes, failures: p.failures, ...extra }).catch((err: unknown) =>
          ctx.log.warn({ err, job: task.jobId }, 'could not save import progress'),
        ),
      );
      return writing;
    };
    const outcome = await importBundle(ctx, task.actor, {
      source: createReadStream(task.file, { highWaterMark: 1 << 20 }),
      collection: task.collection,
      batchSize: this.options.batchSize,
      signal: this.stop.signal,
      onProgress: async (p, phase, failures) => {
        if (phase === 'batch') await save(p, { failureList: failures });
        else if (Date.now() - lastWrite >= progressEveryMs) await save(p);
      },
    });
    removeQuietly(task.file);
    const at = ctx.now().toISOString();
    await save(outcome, {
      status: outcome.error ? 'failed' : 'done',
      failureList: outcome.failureList,
      error: outcome.error ? `${outcome.error.message} ${committedNote(outcome)}` : null,
      finishedAt: at,
    });
    await writing;
  }
}
