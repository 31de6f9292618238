// Type names as publishers write them — ours, STIX object types, MISP attribute types and
// common column words — mapped to what the value parser accepts. MISP composites (`a|b`)
// say what each half is: an indicator, or a note (file name, port) for the other half.
import type { ForcedType } from './values.js';

const names: ReadonlyMap<string, ForcedType> = new Map<string, ForcedType>([
  ...(['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'cve', 'ip'] as const).map((t) => [t, t] as const),
  ['ip-src', 'ip'],
  ['ip-dst', 'ip'],
  ['ip address', 'ip'],
  ['ip-address', 'ip'],
  ['ip_address', 'ip'],
  ['ipv4-addr', 'ip'],
  ['ipv6-addr', 'ip'],
  ['ip range', 'cidr'],
  ['ip-range', 'cidr'],
  ['netblock', 'cidr'],
  ['network', 'cidr'],
  ['domain-name', 'domain'],
  ['hostname', 'domain'],
  ['host', 'domain'],
  ['fqdn', 'domain'],
  ['uri', 'url'],
  ['email-addr', 'email'],
  ['email-src', 'email'],
  ['email-dst', 'email'],
  ['email-reply-to', 'email'],
  ['whois-registrant-email', 'email'],
  ['e-mail', 'email'],
  ['md5_hash', 'md5'],
  ['sha-1', 'sha1'],
  ['sha1_hash', 'sha1'],
  ['sha-256', 'sha256'],
  ['sha256_hash', 'sha256'],
  ['vulnerability', 'cve'],
]);

/** The type a name stands for, or null when it is not one this hub stores. */
export function typeFromName(name: string): ForcedType | null {
  return names.get(name.trim().toLowerCase()) ?? null;
}

/** What one half of a MISP composite value is. */
export type Half = ForcedType | 'filename' | 'port';

const composites: ReadonlyMap<string, readonly [Half, Half]> = new Map<string, readonly [Half, Half]>([
  ['ip-src|port', ['ip', 'port']],
  ['ip-dst|port', ['ip', 'port']],
  ['hostname|port', ['domain', 'port']],
  ['domain|ip', ['domain', 'ip']],
  ['filename|md5', ['filename', 'md5']],
  ['filename|sha1', ['filename', 'sha1']],
  ['filename|sha256', ['filename', 'sha256']],
]);

/**
 * How a MISP attribute type is read: one indicator of a type, a composite of two halves, or
 * null (not an indicator type this hub stores: regkey, filename, link, comment, ssdeep…).
 */
export function mispType(type: string): { single: ForcedType } | { halves: readonly [Half, Half] } | null {
  const halves = composites.get(type);
  if (halves) return { halves };
  // `link` is a reference to read, not an indicator; `target-email` is a victim's address.
  if (type === 'link' || type === 'target-email') return null;
  const single = names.get(type);
  return single ? { single } : null;
}
