// Helpers for the parser tests (no test framework imports, so it builds like any module):
// where the shared real-world data lives, chunked inputs, counting records by type.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');

/** The path of a shared data file, and whether it is there (a visible notice when not). */
export function sharedFile(relative: string, what: string): { file: string; present: boolean } {
  const file = path.join(sharedData, relative);
  const present = existsSync(file);
  if (!present) console.warn(`\n!! ${file} is absent: SKIPPING ${what}.\n`);
  return { file, present };
}

/** `bytes` cut into chunks at the given offsets: to test every chunk-boundary case. */
export async function* chunksAt(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield Buffer.from(bytes.subarray(from, cut));
    from = cut;
  }
  yield Buffer.from(bytes.subarray(from));
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
