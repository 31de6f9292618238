// What a feed's stored JSON columns mean: the per-kind options (how to parse, TAXII collection
// and credential), the filter, and the cursor (runtime state: shares, MISP and TAXII progress).
// Checked here once, so the service and the runner read typed values.
import { AppError } from '../errors.js';
import type { CsvColumns, ColumnRef } from './parsers/index.js';
import { indicatorTypes, type IndicatorType } from '../stix/observables.js';

export const feedKinds = ['list', 'csv', 'text', 'misp', 'stix', 'taxii'] as const;
export type FeedKind = (typeof feedKinds)[number];
export const vanishActions = ['expire', 'withdraw', 'keep'] as const;
export type VanishAction = (typeof vanishActions)[number];
export const feedAudiences = ['members', 'orgs'] as const;
export type FeedAudience = (typeof feedAudiences)[number];
export const listTypes = [...indicatorTypes, 'ip'] as const;
export type ListType = (typeof listTypes)[number];
export const taxiiAuthKinds = ['none', 'bearer', 'basic'] as const;
export type TaxiiAuthKind = (typeof taxiiAuthKinds)[number];

export interface FeedOptions {
  /** list, csv: every value must be of this type ('ip': v4, v6 and ranges) */
  type?: ListType | undefined;
  /** csv */
  columns?: CsvColumns | undefined;
  delimiter?: 'auto' | ',' | ';' | '\t' | '|' | undefined;
  header?: 'auto' | 'first' | 'none' | undefined;
  /** text */
  defangedOnly?: boolean | undefined;
  /** misp */
  onlyToIds?: boolean | undefined;
  /** misp: hours between full re-reads of every event (the only runs that retire vanished values) */
  fullEveryHours?: number | undefined;
  /** stix, taxii: SCOs too, not only indicators */
  observables?: boolean | undefined;
  /** taxii */
  collectionId?: string | undefined;
  authKind?: TaxiiAuthKind | undefined;
  username?: string | undefined;
  /** taxii bearer token or basic password: stored to be sent, never returned */
  secret?: string | undefined;
}

export interface FeedFilter {
  types?: IndicatorType[] | undefined;
  minConfidence?: number | undefined;
}

export interface FeedCursor {
  /** `${tlp}|${audience}|${orgId}` → share id: one share per feed and TLP, reused across runs */
  shares?: Record<string, string>;
  misp?: { events: Record<string, number>; fullAt: string | null };
  taxii?: { addedAfter: string | null };
}

export const mispFullEveryDefault = 24;
const secretMax = 4096;
const columnKeys = ['value', 'type', 'typeColumn', 'comment', 'firstSeen', 'lastSeen', 'confidence', 'tlp', 'tags'] as const;
const optionKeys: Record<FeedKind, ReadonlyArray<keyof FeedOptions>> = {
  list: ['type'],
  csv: ['type', 'columns', 'delimiter', 'header'],
  text: ['defangedOnly'],
  misp: ['onlyToIds', 'fullEveryHours'],
  stix: ['observables'],
  taxii: ['observables', 'collectionId', 'authKind', 'username', 'secret'],
};

const controlChars = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The options that apply to `kind`, checked; anything meant for another kind is refused (a typo should not pass silently). */
export function checkOptions(kind: FeedKind, raw: FeedOptions): FeedOptions {
  const bad = (detail: string) => new AppError('FEED_OPTIONS_INVALID', { kind, detail });
  const allowed = optionKeys[kind];
  const out: FeedOptions = {};
  for (const [k, v] of Object.entries(raw) as Array<[keyof FeedOptions, unknown]>) {
    if (v === undefined || v === null) continue;
    if (!allowed.includes(k)) throw bad(`"${k}" is not an option of ${kind} feeds (they take ${allowed.join(', ') || 'none'})`);
    (out as Record<string, unknown>)[k] = v;
  }
  if (kind === 'csv') {
    const c = out.columns;
    if (!c || c.value === undefined) throw bad('a CSV feed needs a column mapping with at least the value column: columns: { value: "ip" } or { value: 0 }');
    for (const key of Object.keys(c)) if (!(columnKeys as readonly string[]).includes(key)) throw bad(`"${key}" is not a column mapping (${columnKeys.join(', ')})`);
    const refs: ColumnRef[] = [c.value, c.typeColumn, ...(c.comment === undefined ? [] : Array.isArray(c.comment) ? c.comment : [c.comment]), c.firstSeen, c.lastSeen, c.confidence, c.tlp, c.tags].filter((r): r is ColumnRef => r !== undefined);
    for (const r of refs) {
      if (typeof r === 'number' ? !Number.isInteger(r) || r < 0 || r > 10_000 : typeof r !== 'string' || !r.trim() || r.length > 200) throw bad('a column is named by its header (text) or its 0-based position');
    }
    if (out.header === 'none' && refs.some((r) => typeof r === 'string')) throw bad('without a header (header: "none") columns must be given by position');
    if (c.type !== undefined && out.type === undefined) out.type = c.type as ListType;
  }
  if (kind === 'misp' && out.fullEveryHours !== undefined && (!Number.isInteger(out.fullEveryHours) || out.fullEveryHours < 1 || out.fullEveryHours > 24 * 90)) {
    throw bad('fullEveryHours must be a whole number of hours from 1 to 2160');
  }
  if (kind === 'taxii') {
    if (!out.collectionId || !/^[A-Za-z0-9][A-Za-z0-9._:~-]{0,199}$/.test(out.collectionId)) throw bad('name the TAXII collection to read (collectionId)');
    const auth = out.authKind ?? 'none';
    out.authKind = auth;
    if (auth === 'none' && (out.secret || out.username)) throw bad('a user name or secret is used only with bearer or basic authentication (authKind)');
    if (auth !== 'none') {
      if (!out.secret) throw bad(`a ${auth === 'bearer' ? 'token' : 'password'} (secret) is needed for ${auth} authentication`);
      if (out.secret.length > secretMax || controlChars.test(out.secret)) throw bad(`the secret must be at most ${secretMax} characters, without control characters`);
      if (auth === 'bearer' && !/^[\x21-\x7e]+$/.test(out.secret)) throw bad('a bearer token must be printable ASCII without spaces');
    }
    if (auth === 'basic') {
      const u = out.username?.trim() ?? '';
      if (!u || u.length > 200 || u.includes(':') || controlChars.test(u)) throw bad('basic authentication needs a user name of at most 200 characters, without ":"');
      out.username = u;
    } else if (auth === 'bearer') delete out.username;
  }
  return out;
}

export function checkFilter(raw: FeedFilter): FeedFilter {
  const out: FeedFilter = {};
  if (raw.types !== undefined) {
    const wrong = raw.types.find((t) => !(indicatorTypes as readonly string[]).includes(t));
    if (wrong !== undefined) throw new AppError('VALIDATION_FAILED', { detail: `filter type "${wrong}" is not one of ${indicatorTypes.join(', ')}` });
    if (raw.types.length) out.types = [...new Set(raw.types)];
  }
  if (raw.minConfidence !== undefined) {
    if (!Number.isInteger(raw.minConfidence) || raw.minConfidence < 0 || raw.minConfidence > 100) throw new AppError('VALIDATION_FAILED', { detail: 'filter minConfidence must be 0–100' });
    out.minConfidence = raw.minConfidence;
  }
  return out;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function readOptions(text: string): FeedOptions {
  return parseJson<FeedOptions>(text, {});
}

export function readFilter(text: string): FeedFilter {
  return parseJson<FeedFilter>(text, {});
}

export function readCursor(text: string | null): FeedCursor {
  return parseJson<FeedCursor>(text, {});
}

/** Options as anyone but the feed's managers may see them: no credential, only a hint of it. */
export function publicOptions(o: FeedOptions): Omit<FeedOptions, 'secret'> & { secretHint?: string } {
  const { secret, ...rest } = o;
  return secret ? { ...rest, secretHint: `…${secret.slice(-4)}` } : rest;
}
