// Which STIX 2.1 types exist and what kind each is (SDO, SRO, SCO, meta), and the
// ID-contributing properties that make an SCO's deterministic UUIDv5 id (spec section 2.9).
import { scoId } from './ids.js';

export const sdoTypes = [
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
] as const;

export const sroTypes = ['relationship', 'sighting'] as const;

export const scoTypes = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
] as const;

/** Meta objects: versioned like SDOs, but not "domain" objects (no confidence, no relationships). */
export const metaTypes = ['marking-definition', 'extension-definition', 'language-content'] as const;

const sdoSet: ReadonlySet<string> = new Set(sdoTypes);
const sroSet: ReadonlySet<string> = new Set(sroTypes);
const scoSet: ReadonlySet<string> = new Set(scoTypes);
const metaSet: ReadonlySet<string> = new Set(metaTypes);

export function isSdo(type: string): boolean {
  return sdoSet.has(type);
}

export function isSro(type: string): boolean {
  return sroSet.has(type);
}

/** True for the 18 cyber-observable types of the spec (a custom `x-…` type may be one too; that cannot be told from its name). */
export function isSco(type: string): boolean {
  return scoSet.has(type);
}

export function isMeta(type: string): boolean {
  return metaSet.has(type);
}

/** Any type the STIX 2.1 specification defines (bundle excluded: it is not an object). */
export function isSpecType(type: string): boolean {
  return sdoSet.has(type) || sroSet.has(type) || scoSet.has(type) || metaSet.has(type);
}

/** Spec section 6 (per SCO): the properties whose values make up the deterministic id. */
const contributing: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['artifact', ['hashes', 'payload_bin']],
  ['autonomous-system', ['number']],
  ['directory', ['path']],
  ['domain-name', ['value']],
  ['email-addr', ['value']],
  ['email-message', ['from_ref', 'subject', 'body']],
  ['file', ['hashes', 'name', 'extensions', 'parent_directory_ref']],
  ['ipv4-addr', ['value']],
  ['ipv6-addr', ['value']],
  ['mac-addr', ['value']],
  ['mutex', ['name']],
  ['network-traffic', ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions']],
  ['process', []],
  ['software', ['name', 'cpe', 'swid', 'vendor', 'version']],
  ['url', ['value']],
  ['user-account', ['account_type', 'user_id', 'account_login']],
  ['windows-registry-key', ['key', 'values']],
  ['x509-certificate', ['hashes', 'serial_number']],
]);

const hashPreference = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

/**
 * One hash of a `hashes` dictionary, as the spec asks for ids: MD5, else SHA-1, else SHA-256,
 * else SHA-512, else the first key in code-point order (the reference library takes the first
 * in insertion order; sorting makes the id independent of how the object was written).
 */
export function chooseOneHash(hashes: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const key = hashPreference.find((k) => Object.hasOwn(hashes, k)) ?? Object.keys(hashes).sort()[0];
  return key === undefined ? undefined : { [key]: hashes[key] };
}

/** The ID-contributing properties present on an SCO; null for a type without a rule (custom or process). */
export function contributingProperties(object: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
  const props = typeof object.type === 'string' ? contributing.get(object.type) : undefined;
  if (!props || props.length === 0) return null;
  const out: Record<string, unknown> = {};
  for (const p of props) {
    if (!Object.hasOwn(object, p) || object[p] === undefined) continue;
    const value = object[p];
    if (p === 'hashes' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const one = chooseOneHash(value as Record<string, unknown>);
      if (one) out[p] = one;
    } else {
      out[p] = value;
    }
  }
  return Object.keys(out).length ? out : null;
}

/**
 * The deterministic id an SCO should carry, e.g. `ipv4-addr--28bb3599-…` for 198.51.100.3;
 * null when its type has no contributing properties or none is present (then the id is a UUIDv4).
 */
export function deterministicScoId(object: Readonly<Record<string, unknown>>): string | null {
  const props = contributingProperties(object);
  return props ? scoId(String(object.type), props) : null;
}
