// STIX identifiers and timestamps: random ids for SDOs, deterministic UUIDv5 ids for SCOs
// (RFC 8785 canonical JSON of the ID-contributing properties), and the one timestamp shape.
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { InvalidStixInputError } from './errors.js';

/** The namespace STIX 2.1 fixes for SCO ids (spec section 2.9). */
export const scoNamespace = '00abedb4-aa42-466c-9c01-fed23315a9b7';

const typePattern = /^[a-z][a-z0-9-]{1,248}[a-z0-9]$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function checkType(type: string): void {
  if (!typePattern.test(type) || type.includes('--')) throw new InvalidStixInputError(`"${type.slice(0, 60)}" is not a STIX object type.`, 'type');
}

/** `type--<UUIDv4>`: the id of a new SDO, SRO, marking definition or bundle. */
export function newStixId(type: string): string {
  checkType(type);
  return `${type}--${randomUUID()}`;
}

/** RFC 4122 version-5 UUID (SHA-1) of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  if (!uuidPattern.test(namespace)) throw new InvalidStixInputError(`"${namespace.slice(0, 40)}" is not a UUID.`, 'namespace');
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The deterministic id of a STIX Cyber-observable: UUIDv5 over the JCS serialisation of its
 * ID-contributing properties, e.g. `scoId('ipv4-addr', { value: '198.51.100.3' })`. Properties
 * that are undefined are left out; with none left the spec asks for a UUIDv4.
 */
export function scoId(type: string, contributing: Readonly<Record<string, unknown>>): string {
  checkType(type);
  const present = Object.fromEntries(Object.entries(contributing).filter(([, v]) => v !== undefined));
  if (Object.keys(present).length === 0) return newStixId(type);
  const name = canonicalize(present);
  if (name === undefined) throw new InvalidStixInputError('The ID-contributing properties cannot be serialised.', 'contributing');
  return `${type}--${uuidV5(scoNamespace, name)}`;
}

/** True for `type--UUID` (UUID versions 1–5, RFC 4122 variant); with `type`, the prefix must match. */
export function isStixId(value: unknown, type?: string): boolean {
  if (typeof value !== 'string' || value.length > 300) return false;
  const at = value.lastIndexOf('--');
  if (at < 0) return false;
  const prefix = value.slice(0, at);
  if (type !== undefined && prefix !== type) return false;
  return typePattern.test(prefix) && !prefix.includes('--') && uuidPattern.test(value.slice(at + 2));
}

/** The type part of a STIX id (`indicator--…` → `indicator`), or null. */
export function stixTypeOf(id: string): string | null {
  return isStixId(id) ? id.slice(0, id.lastIndexOf('--')) : null;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * Always `YYYY-MM-DDTHH:mm:ss.sssZ` in UTC, the one shape this hub emits (validators compare
 * some timestamps as strings). Accepts a Date, epoch milliseconds, or an RFC 3339 string with
 * a zone (a zone-less date-time would be read in the server's local time, so it is refused).
 */
export function stixTimestamp(date: Date | string | number): string {
  if (typeof date === 'string' && !rfc3339.test(date.trim())) {
    throw new InvalidStixInputError(`"${date.slice(0, 40)}" is not an RFC 3339 timestamp with a time zone.`, 'timestamp');
  }
  const d = date instanceof Date ? date : new Date(typeof date === 'string' ? date.trim() : date);
  const ms = d.getTime();
  // Years 0000-9999 only: outside them toISOString() writes ±YYYYYY, which STIX does not allow.
  if (!Number.isFinite(ms) || ms < -62_167_219_200_000 || ms > 253_402_300_799_999) {
    throw new InvalidStixInputError(`${String(date).slice(0, 40)} is not a valid time.`, 'timestamp');
  }
  return d.toISOString();
}
