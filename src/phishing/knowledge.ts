// What the hub knows, as the phishing check may use it. A verdict is public (the page, the
// receipt, the mailbox reply), so only CLEAR and GREEN knowledge from active warnings is
// looked up, and a hit says when members were told — never the title or content of anything
// that is not CLEAR. Member names and domains (for lookalike checks) are cached briefly.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { normaliseHostname, type IndicatorType } from '../stix/observables.js';
import type { ExtractedObservable, KnownHit } from './analysis/index.js';

/** The TLP levels a public verdict may draw on. */
export const publicTlps = ['clear', 'green'] as const;

const maxLookups = 2000;
const chunk = 400;

export async function lookupKnowledge(db: Kysely<Database>, observables: readonly ExtractedObservable[]): Promise<KnownHit[]> {
  const wanted = new Map<IndicatorType, Set<string>>();
  const add = (type: IndicatorType, value: string) => {
    let set = wanted.get(type);
    if (!set) wanted.set(type, (set = new Set()));
    set.add(value);
  };
  for (const o of observables.slice(0, maxLookups)) {
    add(o.type, o.value);
    // A link's host is what members usually report.
    if (o.type === 'url') {
      const host = hostOf(o.value);
      if (host) add('domain', host);
    }
  }

  const found = new Map<string, { type: IndicatorType; value: string; first: string; count: number; clearTitle: string | null; tlp: string }>();
  for (const [type, values] of wanted) {
    const list = [...values];
    for (let i = 0; i < list.length; i += chunk) {
      const slice = list.slice(i, i + chunk);
      if (slice.length === 0) continue;
      const rows = await db
        .selectFrom('warning_indicators as wi')
        .innerJoin('warnings as w', 'w.id', 'wi.warning_id')
        .innerJoin('shares as s', 's.id', 'w.share_id')
        .select(['wi.type', 'wi.value', 'w.created_at', 'w.title', 's.tlp'])
        .where('wi.type', '=', type)
        .where('wi.value', 'in', slice)
        .where('s.tlp', 'in', [...publicTlps])
        .where('w.status', '=', 'active')
        .orderBy('w.created_at')
        .execute();
      for (const r of rows) {
        const key = `${r.type}|${r.value}`;
        const hit = found.get(key);
        if (!hit) {
          found.set(key, { type, value: r.value, first: r.created_at, count: 1, clearTitle: r.tlp === 'clear' ? r.title : null, tlp: r.tlp });
        } else {
          hit.count += 1;
          if (r.tlp === 'clear' && !hit.clearTitle) hit.clearTitle = r.title;
          if (r.tlp === 'clear') hit.tlp = 'clear';
        }
      }
    }
  }
  return [...found.values()].map((h) => ({ type: h.type, value: h.value, tlp: h.tlp, summary: describeHit(h.first, h.count, h.clearTitle) }));
}

function describeHit(first: string, count: number, clearTitle: string | null): string {
  const when = formatDay(first);
  const more = count > 1 ? ` (${count} warnings in all)` : '';
  // The title of a CLEAR warning is public; nothing else about a warning is.
  return clearTitle ? `Reported to the hub's members on ${when} in the public warning "${clearTitle}"${more}.` : `Reported to the hub's members on ${when}${more}.`;
}

export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function hostOf(url: string): string | null {
  try {
    return normaliseHostname(new URL(url).hostname);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------

export interface MemberDirectory {
  names: string[];
  domains: string[];
}

const cacheMs = 60_000;
const directoryCache = new WeakMap<object, { until: number; value: Promise<MemberDirectory> }>();

/** Member organisations' names and owned domains; read at most once a minute per store. */
export function memberDirectory(db: Kysely<Database>): Promise<MemberDirectory> {
  const cached = directoryCache.get(db);
  if (cached && cached.until > Date.now()) return cached.value;
  const value = loadDirectory(db);
  directoryCache.set(db, { until: Date.now() + cacheMs, value });
  // A failed read is not kept.
  value.catch(() => directoryCache.delete(db));
  return value;
}

/** Drop the cached directory (after an organisation or its domains change, and in tests). */
export function forgetMemberDirectory(db: Kysely<Database>): void {
  directoryCache.delete(db);
}

async function loadDirectory(db: Kysely<Database>): Promise<MemberDirectory> {
  const [orgs, domains] = await Promise.all([
    db.selectFrom('organisations').select('name').orderBy('name').execute(),
    db.selectFrom('org_assets').select('value').where('kind', '=', 'domain').orderBy('value').execute(),
  ]);
  return { names: orgs.map((o) => o.name), domains: [...new Set(domains.map((d) => d.value))] };
}
