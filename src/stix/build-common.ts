// What every builder shares: reading ids, timestamps and lists from the caller, the common
// SDO/SRO properties, and a final check of the object against the validator, so a builder
// never returns an object the hub would itself refuse.
import { InvalidStixInputError } from './errors.js';
import { isStixId, newStixId, stixTimestamp, stixTypeOf } from './ids.js';
import type { ExternalReference, StixId } from './types.js';
import { validateStixObject } from './validate.js';

export function bad(message: string, field: string): never {
  throw new InvalidStixInputError(message, field);
}

/** A STIX id, optionally of one of `types`. */
export function idOf(value: unknown, field: string, types?: readonly string[]): StixId {
  if (typeof value !== 'string' || !isStixId(value)) bad(`${field}: ${JSON.stringify(String(value).slice(0, 80))} is not a STIX id.`, field);
  const type = stixTypeOf(value)!;
  if (types && !types.includes(type)) bad(`${field} must be the id of ${types.join(' or ')}, not of ${type}.`, field);
  return value;
}

/** A non-empty list of ids, duplicates dropped; undefined when `values` is absent or empty and not required. */
export function idList(values: readonly string[] | undefined, field: string, opts: { required?: boolean; types?: readonly string[]; notTypes?: readonly string[] } = {}): StixId[] | undefined {
  const list = [...new Set((values ?? []).map((v, i) => idOf(v, `${field}[${i}]`, opts.types)))];
  for (const [i, id] of list.entries()) {
    if (opts.notTypes?.includes(stixTypeOf(id)!)) bad(`${field}[${i}] must not be the id of ${stixTypeOf(id)}.`, field);
  }
  if (list.length === 0) {
    if (opts.required) bad(`${field} needs at least one id.`, field);
    return undefined;
  }
  return list;
}

/** Trimmed, non-empty strings, each once; undefined when none is left. */
export function stringList(values: readonly string[] | undefined): string[] | undefined {
  const list = [...new Set((values ?? []).map((v) => String(v).trim()).filter(Boolean))];
  return list.length ? list : undefined;
}

export function requiredText(value: string | undefined, field: string): string {
  const text = (value ?? '').trim();
  if (!text) bad(`${field} must not be empty.`, field);
  return text;
}

export function optionalText(value: string | undefined): string | undefined {
  const text = (value ?? '').trim();
  return text || undefined;
}

export function integerIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) bad(`${field} must be a whole number from ${min} to ${max}.`, field);
  return value;
}

/** Leave out undefined properties, so no `"x": undefined` reaches JSON or the id hash. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/** Common inputs of SDO and SRO builders. */
export interface CommonInput {
  /** keep an object's id across versions; a new UUIDv4 when absent */
  id?: string;
  /** default: now */
  created?: Date | string;
  /** default: created */
  modified?: Date | string;
  /** the producer's identity id */
  createdBy?: string;
  /** marking-definition ids, e.g. markingIdFor('amber') */
  markings?: readonly string[];
  labels?: readonly string[];
  /** 0–100 */
  confidence?: number;
  externalReferences?: readonly ExternalReference[];
}

function externalReferences(refs: readonly ExternalReference[] | undefined): ExternalReference[] | undefined {
  const list = (refs ?? []).map((r, i) => {
    const ref = compact({
      source_name: requiredText(r.source_name, `externalReferences[${i}].source_name`),
      description: optionalText(r.description),
      url: optionalText(r.url),
      external_id: optionalText(r.external_id),
    });
    if (!ref.description && !ref.url && !ref.external_id) bad(`externalReferences[${i}] needs a description, url or external_id.`, 'externalReferences');
    return ref;
  });
  return list.length ? list : undefined;
}

/** type, spec_version, id, created, modified and the optional common properties. */
export function commonProperties<T extends string>(type: T, input: CommonInput) {
  const created = stixTimestamp(input.created ?? new Date());
  const modified = input.modified === undefined ? created : stixTimestamp(input.modified);
  if (modified < created) bad('modified must not be earlier than created.', 'modified');
  return compact({
    type,
    spec_version: '2.1' as const,
    id: input.id === undefined ? newStixId(type) : idOf(input.id, 'id', [type]),
    created,
    modified,
    created_by_ref: input.createdBy === undefined ? undefined : idOf(input.createdBy, 'createdBy', ['identity']),
    confidence: input.confidence === undefined ? undefined : integerIn(input.confidence, 'confidence', 0, 100),
    labels: stringList(input.labels),
    external_references: externalReferences(input.externalReferences),
    object_marking_refs: idList(input.markings, 'markings', { types: ['marking-definition'] }),
  });
}

/** The last line of every builder: the hub's own validator must accept what it builds. */
export function checked<T extends object>(object: T): T {
  const result = validateStixObject(object);
  if (!result.ok) bad(`The built ${String((object as { type?: unknown }).type)} is not valid STIX: ${result.errors.join('; ')}`, 'object');
  return object;
}
