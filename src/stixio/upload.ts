// Receiving an uploaded bundle: the request body is written to a file in the data folder as
// it arrives, counted against the size limit, and refused early when it cannot be a bundle
// (empty, over the limit, or not starting with a JSON object). Nothing is left behind when
// the upload is refused or breaks off.
import { createWriteStream, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export function uploadDir(dataDir: string): string {
  return path.join(dataDir, 'stix-imports');
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Files left by a process that stopped mid-import (older than a day). */
export function removeStaleUploads(dir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > 24 * 3600_000) unlinkSync(file);
    } catch {
      // another process removed it
    }
  }
}

/** A JSON object may only start with whitespace (and a byte-order mark) before its "{". */
function firstByteProblem(chunk: Buffer, seenStart: { done: boolean }): string | null {
  for (let i = 0; i < chunk.length && !seenStart.done; i++) {
    const b = chunk[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    seenStart.done = true;
    if (b !== 0x7b) return b === 0x5b ? 'it is a JSON list, not a bundle object' : 'it does not start with a JSON object (is it a STIX 2.1 bundle in JSON?)';
  }
  return null;
}

/** Write the body to `file`; resolves to its size. Throws an AppError (and removes the file) when refused. */
export async function receiveToFile(body: Readable, file: string, limit: number): Promise<number> {
  mkdirSync(path.dirname(file), { recursive: true });
  let bytes = 0;
  const start = { done: false };
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file, { flags: 'wx' });
    let settled = false;
    let ended = false;
    const stop = (err: AppError) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      // The rest of the body is read and dropped (not torn down), so the client gets the answer.
      body.resume();
      // The file is opened asynchronously: remove it once the stream has closed, or an open
      // still under way would create it after the removal.
      const done = () => {
        removeQuietly(file);
        reject(err);
      };
      if (out.closed) done();
      else {
        out.once('close', done);
        out.destroy();
      }
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) return stop(new AppError('STIX_IMPORT_TOO_LARGE', { limit }));
      const problem = firstByteProblem(chunk, start);
      if (problem) return stop(new AppError('STIX_BUNDLE_INVALID', { detail: problem }));
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    const brokeOff = (why: string) => stop(new AppError('VALIDATION_FAILED', { detail: `the upload broke off after ${bytes} bytes (${why.slice(0, 100)}); try again` }));
    body.on('data', onData);
    body.once('end', () => {
      ended = true;
      if (settled) return;
      out.end();
    });
    body.once('error', (err: Error) => brokeOff(err.message));
    body.once('close', () => {
      if (!ended) brokeOff('the connection closed');
    });
    out.once('error', (err) => brokeOff(err.message));
    out.once('close', () => {
      if (settled || !ended) return;
      settled = true;
      resolve();
    });
  });
  if (bytes === 0 || !start.done) {
    removeQuietly(file);
    throw new AppError('STIX_IMPORT_EMPTY');
  }
  return bytes;
}
