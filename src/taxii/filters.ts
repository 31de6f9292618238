// TAXII 2.1 query parameters: limit, next, added_after and match[…]. Each endpoint accepts
// its own subset; anything malformed is a 400 that names the parameter.
import { AppError } from '../errors.js';
import { parseTimestampMicros } from '../stix/time.js';

export interface VersionMatch {
  all: boolean;
  first: boolean;
  last: boolean;
  exact: number[];
}

export interface ObjectFilters {
  addedAfter: number | null;
  ids: string[] | null;
  types: string[] | null;
  versions: VersionMatch;
  specVersions: string[] | null;
  limit: number;
  next: string | null;
}

export type Endpoint = 'objects' | 'manifest' | 'object' | 'versions' | 'delete';

const allowed: Record<Endpoint, ReadonlySet<string>> = {
  objects: new Set(['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']),
  manifest: new Set(['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]']),
  object: new Set(['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]']),
  versions: new Set(['added_after', 'limit', 'next', 'match[spec_version]']),
  delete: new Set(['match[version]', 'match[spec_version]']),
};

const idPattern = /^[a-z0-9][a-z0-9-]{0,249}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const typePattern = /^[a-z0-9][a-z0-9-]{0,249}$/;

export function parseFilters(query: Record<string, unknown>, endpoint: Endpoint, maxLimit: number): ObjectFilters {
  const params = allowed[endpoint];
  const value = (name: string): string | null => {
    const raw = query[name];
    if (raw === undefined) return null;
    if (!params.has(name)) return null; // other endpoints' filters are ignored, as clients resend them
    const text = Array.isArray(raw) ? raw.join(',') : String(raw);
    return text;
  };
  const list = (name: string, check: (v: string) => boolean, what: string): string[] | null => {
    const text = value(name);
    if (text === null) return null;
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0 || items.length > 1000) throw bad(name, `give 1 to 1000 comma-separated ${what}`);
    const wrong = items.find((i) => !check(i));
    if (wrong !== undefined) throw bad(name, `"${wrong.slice(0, 80)}" is not ${what.replace(/s$/, '')}`);
    return [...new Set(items)];
  };

  const limitText = value('limit');
  let limit = maxLimit;
  if (limitText !== null) {
    if (!/^\d{1,9}$/.test(limitText) || Number(limitText) <= 0) throw bad('limit', 'it must be a positive integer');
    limit = Math.min(Number(limitText), maxLimit);
  }

  const addedText = value('added_after');
  let addedAfter: number | null = null;
  if (addedText !== null) {
    addedAfter = parseTimestampMicros(addedText);
    if (addedAfter === null) throw bad('added_after', 'it must be a timestamp such as 2026-01-31T12:00:00.000000Z');
  }

  const versions: VersionMatch = { all: false, first: false, last: false, exact: [] };
  const versionItems = list('match[version]', (v) => v === 'all' || v === 'first' || v === 'last' || parseTimestampMicros(v) !== null, 'versions (first, last, all or timestamps)');
  if (versionItems === null) versions.last = endpoint !== 'delete';
  else {
    for (const v of versionItems) {
      if (v === 'all' || v === 'first' || v === 'last') versions[v] = true;
      else versions.exact.push(parseTimestampMicros(v)!);
    }
  }
  // Without match[version]: the last version, except for a delete or a versions list (all).
  if ((endpoint === 'delete' || endpoint === 'versions') && versionItems === null) versions.all = true;

  return {
    addedAfter,
    ids: list('match[id]', (v) => idPattern.test(v), 'STIX ids'),
    types: list('match[type]', (v) => typePattern.test(v), 'STIX types'),
    versions,
    specVersions: list('match[spec_version]', (v) => /^\d\.\d$/.test(v), 'spec versions such as 2.1'),
    limit,
    next: value('next'),
  };
}

export function isStixIdText(id: string): boolean {
  return idPattern.test(id);
}

function bad(name: string, why: string): AppError {
  return new AppError('TAXII_BAD_PARAMETER', { name, detail: why });
}
