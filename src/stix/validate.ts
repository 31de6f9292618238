// Validation of STIX 2.1 objects the hub accepts or emits: the MUST rules the OASIS validator
// (cti-stix-validator + the official JSON schemas) enforces become errors, its common SHOULD
// rules become warnings. Custom objects (`x-…`) and custom properties pass through untouched.
//
// Decisions:
// - An SDO, SRO or meta object without spec_version (OpenCTI writes some) is read as 2.1 when
//   it otherwise passes; the returned object is a copy with `spec_version: "2.1"` added (and a
//   warning), so what the hub stores and re-emits is valid 2.1. Everything else is returned as
//   given, the same reference. SCOs may omit spec_version.
// - Custom properties without the `x_` prefix are accepted with a warning (the spec says
//   SHOULD); a property name outside a–z, 0–9, _ (3–250 characters) is an error.
// - Relationship stop_time must be strictly later than start_time (spec; the python stix2
//   library refuses equal times too).
// - The input must be already-parsed JSON; a size guard (depth, number of values) runs first,
//   iteratively, so hostile nesting cannot overflow the stack. A property whose value is
//   undefined counts as absent (JSON.stringify drops it), as objects built in code may have them.
import canonicalize from 'canonicalize';
import { isStixId } from './ids.js';
import { isMeta, isSco, isSdo, isSpecType, isSro } from './kinds.js';
import { customScoProperties, customSdoProperties, propertiesOf, type PropSpec } from './validate-props.js';
import { checkIdVersion, checkTypeRules } from './validate-rules.js';
import { checkCustomProperty, checkKind, Findings, isPlainObject, micros, own, show, type JsonObject } from './validate-values.js';

export { isSco, isSro, isSdo } from './kinds.js';

export type StixValidation =
  | { ok: true; object: Record<string, unknown>; warnings: string[] }
  | { ok: false; id: string | null; errors: string[]; warnings: string[] };

export interface ValidateOptions {
  /** deepest nesting of objects and lists (the object itself is depth 1); default 64 */
  maxDepth?: number;
  /** most values (objects, lists, strings, numbers…) in one object; default 100,000 */
  maxValues?: number;
}

const defaults: Required<ValidateOptions> = { maxDepth: 64, maxValues: 100_000 };
const typeName = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?$/;

/**
 * Walk the whole value without recursion: depth and size limits, JSON-only values, no
 * `__proto__` keys (harmless as own properties, dangerous once code copies them with
 * Object.assign), and no empty lists anywhere (STIX prohibits them). Returns false when a
 * limit was hit and nothing else should be checked.
 */
function guard(root: JsonObject, opts: Required<ValidateOptions>, f: Findings): boolean {
  const stack: Array<[unknown, number, string]> = [[root, 1, '']];
  let count = 0;
  while (stack.length) {
    const [value, depth, path] = stack.pop()!;
    if (++count > opts.maxValues) {
      f.error(`the object has more than ${opts.maxValues} values`);
      return false;
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) f.error(`${path || 'the object'} must be a finite number`);
      continue;
    }
    if (typeof value !== 'object') {
      f.error(`${path} is not a JSON value (${typeof value})`);
      continue;
    }
    if (depth > opts.maxDepth) {
      f.error(`the object is nested more than ${opts.maxDepth} levels deep (at ${path})`);
      return false;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) f.error(`${path} must not be an empty list (omit the property instead)`);
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], depth + 1, `${path}[${i}]`]);
      continue;
    }
    if (!isPlainObject(value)) {
      f.error(`${path || 'the object'} is not a plain JSON object`);
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const at = path ? `${path}.${key.slice(0, 80)}` : key.slice(0, 80);
      if (key === '__proto__') f.error(`${at}: __proto__ is not allowed as a property name`);
      else if (value[key] !== undefined) stack.push([value[key], depth + 1, at]);
    }
  }
  return true;
}

type Kind = 'sdo' | 'sco';

/** SDO, SRO and meta objects are versioned (created/modified); SCOs are not. Custom types: by their shape. */
function kindOf(type: string, o: JsonObject): Kind {
  if (isSco(type)) return 'sco';
  if (isSdo(type) || isSro(type) || isMeta(type)) return 'sdo';
  return own(o, 'created') !== undefined || own(o, 'modified') !== undefined ? 'sdo' : 'sco';
}

function checkProperties(o: JsonObject, props: ReadonlyMap<string, PropSpec>, custom: boolean, sco: boolean, f: Findings): void {
  for (const [key, spec] of props) {
    if (spec.required && own(o, key) === undefined) f.error(`${key} is required`);
  }
  for (const [key, value] of Object.entries(o)) {
    if (key === 'type' || key === 'id' || key === 'spec_version' || key === '__proto__' || value === undefined) continue;
    if (value === null) {
      f.error(`${key} must not be null (omit the property instead)`);
      continue;
    }
    const spec = props.get(key);
    if (spec) {
      checkKind(spec.kind, value, key, f, spec, o, sco);
      continue;
    }
    checkCustomProperty(key, value, '', f);
    if (!custom && !key.startsWith('x_') && /^[a-z0-9_]{3,250}$/.test(key)) f.warn(`${key} is not a property of ${String(o.type)}; custom properties should start with x_ or live in an extension`);
  }
}

/** Validate one parsed STIX 2.1 object. Never throws. */
export function validateStixObject(input: unknown, options: ValidateOptions = {}): StixValidation {
  const opts = { ...defaults, ...options };
  const f = new Findings();
  if (!isPlainObject(input)) {
    f.error(`a STIX object must be a JSON object, not ${show(input)}`);
    return { ok: false, id: null, ...f.result() };
  }
  const rawId = own(input, 'id');
  const id = typeof rawId === 'string' ? rawId.slice(0, 300) : null;
  if (!guard(input, opts, f)) return { ok: false, id, ...f.result() };

  const type = own(input, 'type');
  if (typeof type !== 'string' || type.length < 3 || type.length > 250 || !typeName.test(type)) {
    f.error(`type must be 3–250 characters of a–z, 0–9 and single hyphens, not ${show(type)}`);
    return { ok: false, id, ...f.result() };
  }
  if (type === 'bundle') {
    f.error('a bundle is not a STIX object: validate it with validateBundle');
    return { ok: false, id, ...f.result() };
  }
  if (type === 'action') f.error('"action" is a reserved type name');

  const spec = isSpecType(type);
  const kind = kindOf(type, input);
  const sco = kind === 'sco';
  if (typeof rawId !== 'string' || !rawId.startsWith(`${type}--`) || !isStixId(rawId, type)) {
    f.error(`id must be "${type}--" followed by an RFC 4122 UUID, not ${show(rawId)}`);
  } else {
    checkIdVersion(rawId, sco, f);
  }

  const specVersion = own(input, 'spec_version');
  let addSpecVersion = false;
  if (specVersion === undefined) {
    if (!sco) {
      addSpecVersion = true;
      f.warn('spec_version is missing; the object is read as STIX 2.1 and "spec_version": "2.1" added');
    }
  } else if (specVersion !== '2.1') {
    f.error(`spec_version must be "2.1", not ${show(specVersion)}`);
  }

  if (!spec && !type.startsWith('x-')) {
    const exts = own(input, 'extensions');
    const defined = isPlainObject(exts) && Object.values(exts).some((e) => isPlainObject(e) && /^new-s[dcr]o$/.test(String(own(e, 'extension_type'))));
    if (!defined) f.warn(`${type} is not a STIX 2.1 type; custom types should start with x- or be defined by an extension definition`);
  }

  const props = propertiesOf(type) ?? (sco ? customScoProperties : customSdoProperties);
  checkProperties(input, props, !spec, sco, f);
  const confidence = own(input, 'confidence');
  if (typeof confidence === 'number' && (confidence < 0 || confidence > 100)) f.error(`confidence must be from 0 to 100, not ${confidence}`);
  if (!sco) {
    const created = micros(input, 'created');
    const modified = micros(input, 'modified');
    if (created !== null && modified !== null && modified < created) f.error('modified must not be earlier than created');
  }
  checkTypeRules(type, input, f, sco);

  const result = f.result();
  if (result.errors.length) return { ok: false, id, ...result };
  const object = addSpecVersion ? withSpecVersion(input) : input;
  return { ok: true, object, warnings: result.warnings };
}

/** A copy with spec_version right after type; Object.fromEntries defines properties, never invokes setters. */
function withSpecVersion(o: JsonObject): JsonObject {
  const entries = Object.entries(o).filter(([k]) => k !== 'spec_version');
  const at = Math.max(0, entries.findIndex(([k]) => k === 'type') + 1);
  entries.splice(at, 0, ['spec_version', '2.1']);
  return Object.fromEntries(entries);
}

/** The version of an object: modified, else created, else null (SCOs have neither). */
export function versionOf(object: Readonly<Record<string, unknown>>): string | null {
  for (const key of ['modified', 'created']) {
    const v = Object.hasOwn(object, key) ? object[key] : undefined;
    if (typeof v === 'string') return v;
  }
  return null;
}

export interface BundleValidation {
  /** true when the container is sound and every object passed */
  ok: boolean;
  /** a STIX bundle (`type: "bundle"`) or a TAXII envelope (`{ objects, more, next }`) */
  kind: 'bundle' | 'envelope';
  /** the bundle id, when there is one */
  id: string | null;
  /** problems of the container itself (not of its objects) */
  errors: string[];
  warnings: string[];
  /** one result per element of `objects`, in order */
  results: StixValidation[];
}

/**
 * Validate a bundle or a TAXII envelope: the container, then each object on its own (a bad one
 * never hides the others). A second object with the same id and version is flagged: a warning
 * when it is identical to the first, an error when it differs (which one is meant?).
 */
export function validateBundle(input: unknown, options: ValidateOptions = {}): BundleValidation {
  const f = new Findings();
  if (!isPlainObject(input)) {
    f.error(`a bundle must be a JSON object, not ${show(input)}`);
    return { ok: false, kind: 'bundle', id: null, ...f.result(), results: [] };
  }
  const type = own(input, 'type');
  const rawId = own(input, 'id');
  const idLooksLikeBundle = typeof rawId === 'string' && rawId.startsWith('bundle--');
  const kind = type === 'bundle' || idLooksLikeBundle ? 'bundle' : 'envelope';
  if (type !== undefined && type !== 'bundle') f.error(`type must be "bundle", not ${show(type)}`);
  if (kind === 'bundle') {
    if (type === undefined) f.warn('the bundle has no "type": "bundle"');
    if (!isStixId(rawId, 'bundle')) f.error(`id must be "bundle--" followed by a UUID, not ${show(rawId)}`);
    if (own(input, 'spec_version') !== undefined) f.warn('a STIX 2.1 bundle has no spec_version (that was STIX 2.0)');
  }
  const objects = own(input, 'objects');
  let list: unknown[] = [];
  if (Array.isArray(objects)) list = objects;
  else if (objects !== undefined) f.error('objects must be a list');
  if (Array.isArray(objects) && objects.length === 0) f.error('objects must not be an empty list (omit it instead)');

  const results = list.map((o) => validateStixObject(o, options));
  const firstOf = new Map<string, number>();
  results.forEach((r, i) => {
    if (!r.ok) return;
    const version = versionOf(r.object) ?? '';
    const key = `${String(r.object.id)}|${version}`;
    const first = firstOf.get(key);
    if (first === undefined) {
      firstOf.set(key, i);
      return;
    }
    const firstResult = results[first] as Extract<StixValidation, { ok: true }>;
    const what = `objects[${i}] repeats objects[${first}] (same id${version ? ' and version' : ''})`;
    if (canonicalize(r.object) === canonicalize(firstResult.object)) r.warnings.push(`${what}; the copy is identical`);
    else results[i] = { ok: false, id: String(r.object.id), errors: [`${what} with different content`], warnings: r.warnings };
  });
  const result = f.result();
  const id = typeof rawId === 'string' ? rawId.slice(0, 300) : null;
  return { ok: result.errors.length === 0 && results.every((r) => r.ok), kind, id, ...result, results };
}
