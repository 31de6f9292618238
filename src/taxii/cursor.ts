// `next` for TAXII paging: a position (the last date_added served, in microseconds) bound to
// the query it continues. Stateless, so it stays valid between a client's scheduled runs and
// across processes; reading never depends on it for permission (every page re-applies the
// sharing policy), so it needs no signature — a forged one only moves the position.
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

export function queryFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}

export function encodeCursor(lastDateAdded: number, fingerprint: string): string {
  return Buffer.from(`1.${lastDateAdded}.${fingerprint}`).toString('base64url');
}

/** The position in `next`; a 400 when it is not ours or belongs to another query. */
export function decodeCursor(next: string, fingerprint: string): number {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(next) ? Buffer.from(next, 'base64url').toString('utf8') : '';
  const m = /^1\.(\d{1,17})\.([A-Za-z0-9_-]{12})$/.exec(text);
  if (!m) throw new AppError('TAXII_BAD_CURSOR', { detail: 'it is not a value this server gave out' });
  if (m[2] !== fingerprint) throw new AppError('TAXII_BAD_CURSOR', { detail: 'it belongs to a request with other filters; send the same match[…] and added_after as for the first page' });
  return Number(m[1]);
}
