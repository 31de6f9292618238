// Export bodies kept on disk by ETag. A town's firewall, its backup and the SIEM pull the same
// list every five minutes; without this each pull re-reads and re-writes every value (a second
// or more a million), with it only the first pull after a change does, and the rest stream a
// file. It is exactly as fresh as the 304 answers: the ETag already moves with every change
// an export could show (the intel version, the definition, the reader's groups, the hour).
//
// One body per export and encoding: writing a new one removes the export's older ones. A body
// is only kept once it was rendered to the end (an aborted or failed fetch leaves nothing), and
// it is written under a temporary name and renamed, so another process never reads half of it.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';

export type BodyEncoding = 'identity' | 'gzip';

export interface BodyCounts {
  values: number;
  skipped: number;
  byType: Record<string, number>;
}

/** Files nobody has replaced for this long belong to exports that are gone or no longer fetched. */
const staleAfterMs = 3 * 86_400_000;

export function bodyCacheDir(dataDir: string): string {
  return path.join(dataDir, 'export-cache');
}

/** `<export id>.<etag hash>.`: what every file of one body starts with (both encodings). */
function prefixOf(exportId: string, etag: string): string {
  return `${exportId}.${createHash('sha256').update(etag).digest('hex').slice(0, 24)}.`;
}

function baseName(exportId: string, etag: string, encoding: BodyEncoding): string {
  return `${prefixOf(exportId, etag)}${encoding}`;
}

/** The stored body of this ETag, with the counts it was rendered with, or null. */
export async function openCachedBody(dir: string, exportId: string, etag: string, encoding: BodyEncoding): Promise<{ body: ReadStream; counts: BodyCounts } | null> {
  const base = path.join(dir, baseName(exportId, etag, encoding));
  let counts: BodyCounts;
  try {
    counts = JSON.parse(await readFile(`${base}.json`, 'utf8')) as BodyCounts;
  } catch {
    return null;
  }
  const body = createReadStream(`${base}.body`);
  // The body may have been replaced between the two reads: then it is a miss, not an error.
  try {
    await new Promise<void>((resolve, reject) => body.once('open', () => resolve()).once('error', reject));
  } catch {
    return null;
  }
  return { body, counts };
}

/**
 * A pass-through that also writes what goes by to a temporary file, and keeps it as the body of
 * this ETag when the stream ends (with the counts `final()` gives then). A broken cache write
 * never breaks the response: the body still goes to the device, it is just not kept. Nor is a
 * body larger than `maxBytes`.
 */
export function cachingTee(dir: string, exportId: string, etag: string, encoding: BodyEncoding, final: () => BodyCounts, onError: (err: unknown) => void, maxBytes = Number.POSITIVE_INFINITY): Transform {
  const name = baseName(exportId, etag, encoding);
  const temp = path.join(dir, `${name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let file: WriteStream | null = null;
  let broken = false;
  let kept = false;
  let written = 0;
  const fail = (err: unknown) => {
    if (!broken) onError(err);
    broken = true;
    discard();
  };
  const opened = mkdir(dir, { recursive: true }).then(
    () => {
      if (broken) return;
      file = createWriteStream(temp);
      file.on('error', fail);
    },
    fail,
  );
  const cleanup = () => rm(temp, { force: true }).catch(() => undefined);
  /** Close the file, then remove it (removing first could race the file's own open). */
  const discard = () => {
    const f = file;
    file = null;
    if (!f) return void cleanup();
    f.once('close', () => void cleanup());
    f.destroy();
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      opened.then(() => {
        if (broken || !file) return done(null, chunk);
        written += chunk.length;
        if (written > maxBytes) {
          // Too big to keep: this body is rendered for each fetch rather than fill the disk.
          broken = true;
          discard();
          return done(null, chunk);
        }
        // Waiting for the disk keeps memory flat (the file is written no faster than it can be).
        file.write(chunk, (err) => {
          if (err) fail(err);
          done(null, chunk);
        });
      }, () => done(null, chunk));
    },
    flush(done) {
      opened
        .then(async () => {
          if (broken || !file) return;
          const f = file;
          await new Promise<void>((resolve, reject) => f.end((err?: Error | null) => (err ? reject(err) : resolve())));
          const base = path.join(dir, name);
          file = null;
          await rename(temp, `${base}.body`);
          // The counts last: a body is only found once they are there.
          const meta = `${temp}.json`;
          await writeFile(meta, JSON.stringify(final()));
          await rename(meta, `${base}.json`);
          kept = true;
          await removeOthers(dir, exportId, prefixOf(exportId, etag));
        })
        .catch((err: unknown) => {
          fail(err);
        })
        .finally(() => done());
    },
    destroy(err, done) {
      // Cut off (the device went away) or failed: nothing half-rendered is kept.
      if (!kept) {
        broken = true;
        void opened.then(discard);
      }
      done(err);
    },
  });
}

/** An export's other bodies (older ETags), and anything in the folder nobody has renewed for days. */
async function removeOthers(dir: string, exportId: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(dir)) {
    const mine = entry.startsWith(`${exportId}.`) && !entry.startsWith(keep);
    if (mine && !entry.endsWith('.tmp')) {
      await rm(path.join(dir, entry), { force: true });
      continue;
    }
    const full = path.join(dir, entry);
    const info = await stat(full).catch(() => null);
    if (info && now - info.mtimeMs > staleAfterMs) await rm(full, { force: true });
  }
}

/** An export was removed: its bodies go with it. */
export async function purgeCachedBodies(dir: string, exportId: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) if (entry.startsWith(`${exportId}.`)) await rm(path.join(dir, entry), { force: true });
}
