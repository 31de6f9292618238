// What an export definition's stored options mean, checked once: which values (types,
// confidence, age, TLP ceiling, sources, groups, sighted only), and for the table formats
// which columns. Anything unknown is refused with the allowed values, so a typo never passes.
import { AppError } from '../errors.js';
import { indicatorTypes, type IndicatorType } from '../stix/observables.js';
import { tlpLevels, type Tlp } from '../stix/tlp.js';

export const exportSourceKinds = ['warning', 'feed', 'stix'] as const;
export type ExportSourceKind = (typeof exportSourceKinds)[number];

export interface ExportOptions {
  /** only these types (default: every type the format can express) */
  types?: IndicatorType[] | undefined;
  /** only values whose best visible mention is at least this confident (0–100) */
  minConfidence?: number | undefined;
  /** only values a source mentioned within this many days */
  maxAgeDays?: number | undefined;
  /** the most restrictive TLP exported (default amber+strict: the organisation's own tools) */
  tlpCeiling?: Tlp | undefined;
  /** only values from these kinds of source */
  sourceKinds?: ExportSourceKind[] | undefined;
  /** only values from these feeds */
  feedIds?: string[] | undefined;
  /** only values shared with these sharing groups */
  groupIds?: string[] | undefined;
  /** only values a member has reported seeing */
  sightedOnly?: boolean | undefined;
  /** table formats: the columns, in order */
  columns?: string[] | undefined;
  /** edl-domain: also list `*.domain` after each domain */
  domainWildcards?: boolean | undefined;
  /** rpz: the records' TTL in seconds */
  rpzTtl?: number | undefined;
  /** rpz: the zone's name on the resolver (long names leave less room for names) */
  rpzZone?: string | undefined;
  /** suricata-iprep: the category number in the sensor's categories file */
  iprepCategory?: number | undefined;
}

/** Options only some formats take. */
const formatOptions: Readonly<Record<string, readonly string[]>> = {
  'edl-domain': ['domainWildcards'],
  rpz: ['rpzTtl', 'rpzZone'],
  'suricata-iprep': ['iprepCategory'],
};

export const defaultTlpCeiling: Tlp = 'amber+strict';
const maxListed = 200;

/** Check raw options against the format's abilities; returns the stored form. */
export function checkExportOptions(raw: Record<string, unknown>, format: { id: string; types: readonly IndicatorType[]; columns?: readonly string[] | undefined }): ExportOptions {
  const bad = (detail: string) => new AppError('EXPORT_OPTIONS_INVALID', { format: format.id, detail });
  const out: ExportOptions = {};
  const allowedKeys = ['types', 'minConfidence', 'maxAgeDays', 'tlpCeiling', 'sourceKinds', 'feedIds', 'groupIds', 'sightedOnly', ...(format.columns ? ['columns'] : []), ...(formatOptions[format.id] ?? [])];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if (!allowedKeys.includes(key)) throw bad(`"${key}" is not an option of ${format.id} exports (they take ${allowedKeys.join(', ')})`);
    switch (key) {
      case 'types': {
        const list = stringList(value, key, bad);
        const unknown = list.filter((t) => !(indicatorTypes as readonly string[]).includes(t));
        if (unknown.length) throw bad(`types: ${unknown.join(', ')} unknown; allowed: ${indicatorTypes.join(', ')}`);
        const inexpressible = list.filter((t) => !format.types.includes(t as IndicatorType));
        if (inexpressible.length) throw bad(`types: ${format.id} cannot carry ${inexpressible.join(', ')}; it carries ${format.types.join(', ')}`);
        if (list.length === 0) throw bad('types: name at least one type, or leave it out for all');
        out.types = [...new Set(list)] as IndicatorType[];
        break;
      }
      case 'minConfidence':
        out.minConfidence = wholeNumber(value, key, 0, 100, bad);
        break;
      case 'maxAgeDays':
        out.maxAgeDays = wholeNumber(value, key, 1, 3650, bad);
        break;
      case 'tlpCeiling':
        if (typeof value !== 'string' || !(tlpLevels as readonly string[]).includes(value)) throw bad(`tlpCeiling: one of ${tlpLevels.join(', ')}`);
        out.tlpCeiling = value as Tlp;
        break;
      case 'sourceKinds': {
        const list = stringList(value, key, bad);
        const unknown = list.filter((k) => !(exportSourceKinds as readonly string[]).includes(k));
        if (unknown.length || list.length === 0) throw bad(`sourceKinds: one or more of ${exportSourceKinds.join(', ')}`);
        out.sourceKinds = [...new Set(list)] as ExportSourceKind[];
        break;
      }
      case 'feedIds':
      case 'groupIds': {
        const list = stringList(value, key, bad);
        if (list.some((id) => !/^[0-9a-f-]{36}$/i.test(id))) throw bad(`${key}: ids, as the API gives them`);
        if (list.length === 0) throw bad(`${key}: name at least one, or leave it out`);
        out[key] = [...new Set(list.map((id) => id.toLowerCase()))];
        break;
      }
      case 'sightedOnly':
        if (typeof value !== 'boolean') throw bad('sightedOnly: true or false');
        out.sightedOnly = value;
        break;
      case 'domainWildcards':
        if (typeof value !== 'boolean') throw bad('domainWildcards: true or false');
        out.domainWildcards = value;
        break;
      case 'rpzTtl':
        out.rpzTtl = wholeNumber(value, key, 30, 86_400, bad);
        break;
      case 'rpzZone':
        if (typeof value !== 'string' || !/^(?=.{1,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i.test(value)) throw bad('rpzZone: a DNS zone name such as rpz.city.example');
        out.rpzZone = value.toLowerCase().replace(/\.$/, '');
        break;
      case 'iprepCategory':
        out.iprepCategory = wholeNumber(value, key, 0, 60, bad);
        break;
      case 'columns': {
        const list = stringList(value, key, bad);
        const unknown = list.filter((c) => !format.columns!.includes(c));
        if (unknown.length || list.length === 0) throw bad(`columns: one or more of ${format.columns!.join(', ')}`);
        out.columns = list;
        break;
      }
    }
  }
  return out;
}

export function readExportOptions(stored: string): ExportOptions {
  try {
    const v = JSON.parse(stored) as unknown;
    return v && typeof v === 'object' ? (v as ExportOptions) : {};
  } catch {
    return {};
  }
}

function stringList(value: unknown, key: string, bad: (d: string) => AppError): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad(`${key}: a list of strings`);
  if (value.length > maxListed) throw bad(`${key}: at most ${maxListed} entries`);
  return value as string[];
}

function wholeNumber(value: unknown, key: string, min: number, max: number, bad: (d: string) => AppError): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(`${key}: a whole number from ${min} to ${max}`);
  return value;
}
