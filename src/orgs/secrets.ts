// Secrets at rest: passwords hashed with scrypt (memory-hard, in Node's crypto, no native
// dependency); high-entropy tokens (sessions, API tokens, links) stored as SHA-256.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N=2^15, r=8, p=3: one of OWASP's recommended scrypt settings (32 MiB per hash). The
// parameters are stored with each hash, so they can be raised without breaking old ones;
// the cost (log2 N) is configurable for small machines and test suites.
export const defaultScryptCost = 15;
const N = 2 ** defaultScryptCost;
const r = 8;
const p = 3;
const keyLength = 32;

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...opts, maxmem: 128 * opts.N! * opts.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Format: scrypt$N$r$p$salt$hash (base64url), so parameters can be raised later. */
export async function hashPassword(password: string, cost = defaultScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const n = 2 ** cost;
  const key = await scryptAsync(password, salt, { N: n, r, p });
  return ['scrypt', n, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Hash even when there is no stored password, so timing does not reveal which accounts exist.
  const parts = (stored ?? dummyHash).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, rr, pp, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(rr), p: Number(pp) });
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

const dummyHash = `scrypt$${N}$${r}$${p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const commonPasswords = new Set([
  'password', 'password1', 'password123', '123456789012', 'qwertyuiop', 'letmein12345', 'welcome12345',
  'iloveyou1234', 'administrator', 'changeme1234', '1234567890ab', 'passw0rd1234', 'p@ssw0rd1234',
]);

export const minPasswordLength = 12;

export function isWeakPassword(password: string): boolean {
  return password.length < minPasswordLength || password.length > 1024 || commonPasswords.has(password.toLowerCase()) || /^(.)\1+$/.test(password);
}
