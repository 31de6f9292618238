// Checks of single STIX property values: timestamps, references, hashes, dictionaries,
// external references, granular markings, kill-chain phases, extensions. Each check adds
// messages naming the property and what is wrong; none throws on hostile input.
import { isStixId, stixTypeOf } from './ids.js';
import { isSco, isSdo, isSpecType, isSro } from './kinds.js';
import type { PropKind, PropSpec } from './validate-props.js';
import { parseTimestampMicros } from './time.js';
import { hashAlgorithmOv } from './vocab.js';

const maxMessages = 50;

/** Errors (MUST rules broken: the object is refused) and warnings (SHOULD rules). */
export class Findings {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private droppedErrors = 0;
  private droppedWarnings = 0;

  error(message: string): void {
    if (this.errors.length < maxMessages) this.errors.push(message);
    else this.droppedErrors++;
  }

  warn(message: string): void {
    if (this.warnings.length < maxMessages) this.warnings.push(message);
    else this.droppedWarnings++;
  }

  /** The messages, with a last line counting those left out. */
  result(): { errors: string[]; warnings: string[] } {
    const more = (n: number) => (n ? [`… and ${n} more`] : []);
    return { errors: [...this.errors, ...more(this.droppedErrors)], warnings: [...this.warnings, ...more(this.droppedWarnings)] };
  }
}

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An own property only: never `constructor` or `toString` from the prototype. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A value as a message shows it: short, quoted, never the whole of a huge string. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

// ---- timestamps

const timestampPattern = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(\.\d{1,9})?Z$/;

export function checkTimestamp(value: unknown, path: string, f: Findings, millis = false): void {
  if (typeof value !== 'string' || !timestampPattern.test(value)) {
    f.error(`${path} must be a UTC timestamp like 2024-01-02T03:04:05.000Z, not ${show(value)}`);
    return;
  }
  if (parseTimestampMicros(value, { requireUtc: true }) === null) f.error(`${path} is not a real date: ${show(value)}`);
  else if (millis && (timestampPattern.exec(value)![1] ?? '').length < 4) f.error(`${path} must be precise to the millisecond (e.g. 2024-01-02T03:04:05.000Z), not ${show(value)}`);
}

/** The value of a timestamp property in microseconds, or null when absent or malformed. */
export function micros(object: JsonObject, key: string): number | null {
  const value = own(object, key);
  return typeof value === 'string' && timestampPattern.test(value) ? parseTimestampMicros(value, { requireUtc: true }) : null;
}

// ---- references

const groupWords: Readonly<Record<string, string>> = { SDO: 'a domain object', SCO: 'a cyber-observable', SRO: 'a relationship or sighting', ANY: 'an object' };

function refAllowed(type: string, targets: readonly string[]): boolean {
  if (targets.includes('ANY') || targets.includes(type)) return true;
  // A custom type may be any kind of object: only a group (not a list of named types) admits it.
  if (!isSpecType(type)) return targets.some((t) => t === 'SDO' || t === 'SCO' || t === 'SRO');
  return (targets.includes('SDO') && isSdo(type)) || (targets.includes('SCO') && isSco(type)) || (targets.includes('SRO') && isSro(type));
}

function describeTargets(targets: readonly string[]): string {
  return targets.map((t) => groupWords[t] ?? t).join(' or ');
}

export function checkRef(value: unknown, path: string, f: Findings, targets?: readonly string[]): void {
  if (typeof value !== 'string' || !isStixId(value)) {
    f.error(`${path} must be a STIX id (type--UUID), not ${show(value)}`);
    return;
  }
  const type = stixTypeOf(value)!;
  if (targets && !refAllowed(type, targets)) f.error(`${path} must refer to ${describeTargets(targets)}, not to ${type} ${show(value)}`);
}

export function checkRefs(value: unknown, path: string, f: Findings, targets?: readonly string[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    f.error(`${path} must be a non-empty list of STIX ids`);
    return;
  }
  value.forEach((v, i) => checkRef(v, `${path}[${i}]`, f, targets));
}

// ---- hashes and dictionaries

const hashFormats: ReadonlyMap<string, RegExp> = new Map([
  ['MD5', /^[0-9a-fA-F]{32}$/],
  ['SHA-1', /^[0-9a-fA-F]{40}$/],
  ['SHA-256', /^[0-9a-fA-F]{64}$/],
  ['SHA-512', /^[0-9a-fA-F]{128}$/],
  ['SHA3-256', /^[0-9a-fA-F]{64}$/],
  ['SHA3-512', /^[0-9a-fA-F]{128}$/],
  ['SSDEEP', /^[a-zA-Z0-9/+:.]{1,128}$/],
  ['TLSH', /^(?:T1)?[0-9a-fA-F]{70}$/],
]);
const squash = (key: string) => key.toUpperCase().replace(/[^A-Z0-9]/g, '');
const hashBySquashed: ReadonlyMap<string, string> = new Map(hashAlgorithmOv.map((k) => [squash(k), k]));

export function checkHashes(value: unknown, path: string, f: Findings): void {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    f.error(`${path} must be a non-empty dictionary of hash algorithm to hash value`);
    return;
  }
  for (const [key, hash] of Object.entries(value)) {
    const at = `${path}.${key.slice(0, 60)}`;
    if (typeof hash !== 'string') {
      f.error(`${at} must be a string, not ${show(hash)}`);
      continue;
    }
    const format = hashFormats.get(key);
    if (format) {
      if (!format.test(hash)) f.error(`${at} is not a valid ${key} hash: ${show(hash)}`);
      continue;
    }
    if (!/^[a-zA-Z0-9_-]{3,250}$/.test(key)) {
      f.error(`${path}: ${show(key)} is not a valid hash key (3–250 characters a–z, A–Z, 0–9, _ or -)`);
      continue;
    }
    const meant = hashBySquashed.get(squash(key));
    if (meant) {
      f.warn(`${path}: hash key ${show(key)} should be written ${show(meant)} (hash-algorithm-ov)`);
      if (!hashFormats.get(meant)!.test(hash)) f.warn(`${at} does not look like a ${meant} hash: ${show(hash)}`);
    } else {
      f.warn(`${path}: hash key ${show(key)} is not in the hash-algorithm vocabulary`);
    }
  }
}

export function checkDictionary(value: unknown, path: string, f: Findings): void {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    f.error(`${path} must be a non-empty dictionary`);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key.length > 250 || !/^[\x20-\x7e]+$/.test(key)) f.error(`${path}: dictionary key ${show(key)} must be 1–250 printable ASCII characters`);
    else if (!/^[a-zA-Z0-9_-]+$/.test(key)) f.warn(`${path}: dictionary key ${show(key)} should only use a–z, A–Z, 0–9, _ and -`);
  }
}

// ---- property names and custom properties

const propertyName = /^[a-z0-9_]{3,250}$/;

/** A property STIX does not define: a valid name, and the reserved suffixes honoured. */
export function checkCustomProperty(key: string, value: unknown, path: string, f: Findings): void {
  if (!propertyName.test(key)) {
    f.error(`${path ? `${path}: ` : ''}${show(key)} is not a valid property name (3–250 characters a–z, 0–9 or _)`);
    return;
  }
  const at = `${path}.${key}`.replace(/^\./, '');
  if (key.endsWith('_refs')) checkRefs(value, at, f);
  else if (key.endsWith('_ref')) checkRef(value, at, f);
  else if (key.endsWith('_hex')) checkKind('hex', value, at, f);
  else if (key.endsWith('_bin')) checkKind('binary', value, at, f);
}

// ---- structured properties

export function checkExternalReferences(value: unknown, path: string, f: Findings): void {
  if (!Array.isArray(value) || value.length === 0) {
    f.error(`${path} must be a non-empty list of external references`);
    return;
  }
  value.forEach((ref, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(ref)) return f.error(`${at} must be an object`);
    const source = own(ref, 'source_name');
    const externalId = own(ref, 'external_id');
    if (typeof source !== 'string') f.error(`${at}.source_name is required and must be a string`);
    for (const k of ['description', 'url', 'external_id'] as const) {
      if (own(ref, k) !== undefined && typeof own(ref, k) !== 'string') f.error(`${at}.${k} must be a string`);
    }
    if (own(ref, 'description') === undefined && own(ref, 'url') === undefined && externalId === undefined) {
      f.error(`${at} needs a description, url or external_id besides source_name`);
    }
    if (own(ref, 'hashes') !== undefined) checkHashes(own(ref, 'hashes'), `${at}.hashes`, f);
    if (source === 'cve' && !(typeof externalId === 'string' && /^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/.test(externalId))) {
      f.error(`${at}.external_id must be a CVE id (CVE-YYYY-NNNN) when source_name is "cve"`);
    }
    if (source === 'capec' && !(typeof externalId === 'string' && /^CAPEC-\d+$/.test(externalId))) {
      f.error(`${at}.external_id must be a CAPEC id (CAPEC-N) when source_name is "capec"`);
    }
  });
}

export function checkKillChainPhases(value: unknown, path: string, f: Findings): void {
  if (!Array.isArray(value) || value.length === 0) {
    f.error(`${path} must be a non-empty list of kill-chain phases`);
    return;
  }
  value.forEach((phase, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(phase)) return f.error(`${at} must be an object`);
    for (const k of ['kill_chain_name', 'phase_name']) {
      const v = own(phase, k);
      if (typeof v !== 'string') f.error(`${at}.${k} is required and must be a string`);
      else if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v)) f.warn(`${at}.${k} should be lower case with hyphens: ${show(v)}`);
    }
  });
}

const selectorPattern = /^(?:[a-z0-9_-]{3,249}(?:\.(?:\[\d+\]|[a-z0-9_-]{1,250}))*|id)$/;

/** Whether a granular-marking selector (`description`, `external_references.[0].url`) points into the object. */
function selectorResolves(object: JsonObject, selector: string): boolean {
  let at: unknown = object;
  for (const segment of selector.split('.')) {
    const index = /^\[(\d+)\]$/.exec(segment);
    if (index) {
      if (!Array.isArray(at) || Number(index[1]) >= at.length) return false;
      at = at[Number(index[1])];
    } else {
      if (!isPlainObject(at) || !Object.hasOwn(at, segment)) return false;
      at = at[segment];
    }
  }
  return true;
}

export function checkGranularMarkings(value: unknown, path: string, f: Findings, object: JsonObject): void {
  if (!Array.isArray(value) || value.length === 0) {
    f.error(`${path} must be a non-empty list of granular markings`);
    return;
  }
  value.forEach((marking, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(marking)) return f.error(`${at} must be an object`);
    const selectors = own(marking, 'selectors');
    if (!Array.isArray(selectors) || selectors.length === 0) f.error(`${at}.selectors must be a non-empty list`);
    else {
      selectors.forEach((s, j) => {
        if (typeof s !== 'string' || !selectorPattern.test(s)) f.error(`${at}.selectors[${j}] is not a valid selector: ${show(s)}`);
        else if (!selectorResolves(object, s)) f.error(`${at}.selectors[${j}] ${show(s)} does not select anything in this object`);
      });
    }
    const ref = own(marking, 'marking_ref');
    const lang = own(marking, 'lang');
    if ((ref === undefined) === (lang === undefined)) f.error(`${at} must have exactly one of marking_ref and lang`);
    if (ref !== undefined) {
      checkRef(ref, `${at}.marking_ref`, f, ['marking-definition']);
      if (ref === own(object, 'id')) f.error(`${at}.marking_ref must not refer to the marking definition itself`);
    }
    if (lang !== undefined && typeof lang !== 'string') f.error(`${at}.lang must be a string`);
  });
}

const extensionTypes = ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'];
const predefinedExtensionName = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-ext$/;

export function checkExtensions(value: unknown, path: string, f: Findings, sco: boolean): void {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    f.error(`${path} must be a non-empty dictionary`);
    return;
  }
  for (const [key, ext] of Object.entries(value)) {
    const at = `${path}.${key.slice(0, 80)}`;
    const byDefinition = key.startsWith('extension-definition--');
    if (byDefinition && !isStixId(key, 'extension-definition')) f.error(`${path}: ${show(key)} is not a valid extension-definition id`);
    else if (!byDefinition && !(sco && predefinedExtensionName.test(key))) {
      f.error(`${path}: ${show(key)} must be an extension-definition id${sco ? ' or a predefined extension name such as ntfs-ext' : ''}`);
    }
    if (!isPlainObject(ext) || Object.keys(ext).length === 0) {
      f.error(`${at} must be a non-empty object`);
      continue;
    }
    const extensionType = own(ext, 'extension_type');
    if (byDefinition && (typeof extensionType !== 'string' || !extensionTypes.includes(extensionType))) {
      f.error(`${at}.extension_type must be one of ${extensionTypes.join(', ')}`);
    }
    for (const [k, v] of Object.entries(ext)) {
      if (v === null) f.error(`${at}.${k} must not be null`);
      else if (k !== 'extension_type') checkCustomProperty(k, v, at, f);
    }
  }
}

// ---- one value against its kind

export function checkKind(kind: PropKind, value: unknown, path: string, f: Findings, spec?: PropSpec, object?: JsonObject, sco = false): void {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') f.error(`${path} must be a string, not ${show(value)}`);
      return;
    case 'strings':
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) f.error(`${path} must be a non-empty list of strings`);
      return;
    case 'integer':
      if (!Number.isSafeInteger(value)) f.error(`${path} must be an integer, not ${show(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) f.error(`${path} must be a number, not ${show(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') f.error(`${path} must be true or false, not ${show(value)}`);
      return;
    case 'timestamp':
    case 'timestamp-ms':
      return checkTimestamp(value, path, f, kind === 'timestamp-ms');
    case 'ref':
      return checkRef(value, path, f, spec?.targets);
    case 'refs':
      return checkRefs(value, path, f, spec?.targets);
    case 'hashes':
      return checkHashes(value, path, f);
    case 'dict':
      return checkDictionary(value, path, f);
    case 'object':
      if (!isPlainObject(value)) f.error(`${path} must be an object, not ${show(value)}`);
      return;
    case 'objects':
      if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) f.error(`${path} must be a non-empty list of objects`);
      return;
    case 'kill-chain':
      return checkKillChainPhases(value, path, f);
    case 'external-refs':
      return checkExternalReferences(value, path, f);
    case 'granular':
      return checkGranularMarkings(value, path, f, object ?? {});
    case 'extensions':
      return checkExtensions(value, path, f, sco);
    case 'hex':
      if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(value)) f.error(`${path} must be hexadecimal (an even number of 0–9, a–f), not ${show(value)}`);
      return;
    case 'binary':
      if (typeof value !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/.test(value)) f.error(`${path} must be base64, not ${show(value)}`);
      return;
    case 'any':
      return;
  }
}
