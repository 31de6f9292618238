// Warning lists against false positives: values that must never be blocked or alerted on
// (private ranges, public resolvers, CDN edges, the most popular domains, and every member's
// own domains and address ranges). A matching observable is marked with the list's id.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { normaliseHostname } from '../stix/observables.js';
import { ipRangeOf, type HexRange } from './ip-range.js';
import { shippedLists } from './warning-list-data.js';

/** The id observables get when they touch a member organisation's own assets. */
export const memberAssetsList = 'member-assets';

interface RangeEntry extends HexRange {
  list: string;
}

export class WarningListMatcher {
  /** ranges bucketed by their first 16 bits; wider ranges sit in `wide` */
  private readonly buckets = new Map<string, RangeEntry[]>();
  private readonly wide: RangeEntry[] = [];
  private readonly exact = new Map<string, string>();
  private readonly suffixes = new Map<string, string>();
  private readonly hostnames = new Map<string, string>();

  addRange(list: string, range: HexRange): void {
    const entry = { ...range, list };
    const keys = bucketKeys(range);
    if (keys) for (const k of keys) push(this.buckets, k, entry);
    else this.wide.push(entry);
  }

  /** An exact address (ipv4 / ipv6 observables). */
  addAddress(list: string, value: string): void {
    this.exact.set(value, list);
  }

  /** A domain and all its sub-domains. */
  addDomain(list: string, domain: string): void {
    if (!this.suffixes.has(domain)) this.suffixes.set(domain, list);
  }

  /** A hostname exactly (and its www. form). */
  addHostname(list: string, host: string): void {
    this.hostnames.set(host, list);
  }

  /** The list an observable is on, or null. `range`: its address range, when the caller has it already. */
  match(type: string, value: string, range?: HexRange | null): string | null {
    switch (type) {
      case 'ipv4':
      case 'ipv6':
      case 'cidr': {
        const exact = type === 'cidr' ? undefined : this.exact.get(value);
        if (exact) return exact;
        const r = range === undefined ? ipRangeOf(type, value) : range;
        return r ? this.matchRange(r) : null;
      }
      case 'domain':
        return this.hostnames.get(value.startsWith('www.') ? value.slice(4) : value) ?? this.matchSuffix(value);
      case 'url':
      case 'email': {
        const host = hostOf(type, value);
        if (!host) return null;
        if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) {
          const ip = host.replace(/^\[|\]$/g, '');
          const r = ipRangeOf(ip.includes(':') ? 'ipv6' : 'ipv4', ip);
          return r && this.matchRange(r) === 'special-ranges' ? 'special-ranges' : null;
        }
        // A URL on a popular site can still be malicious; only members' own names count here.
        const list = this.matchSuffix(host);
        return list === memberAssetsList ? list : null;
      }
      default:
        return null;
    }
  }

  private matchSuffix(host: string): string | null {
    let h = host;
    for (;;) {
      const list = this.suffixes.get(h);
      if (list) return list;
      const dot = h.indexOf('.');
      if (dot < 0) return null;
      h = h.slice(dot + 1);
    }
  }

  /** Overlap counts: a range that contains a resolver would block it too. */
  private matchRange(r: HexRange): string | null {
    const overlaps = (e: RangeEntry) => e.from <= r.to && r.from <= e.to;
    const keys = bucketKeys(r);
    const pools = keys ? keys.map((k) => this.buckets.get(k)) : [...this.buckets.values()];
    for (const pool of [...pools, this.wide]) {
      const hit = pool?.find(overlaps);
      if (hit) return hit.list;
    }
    // An address may be listed exactly while the observable is a range around it.
    if (r.from !== r.to) {
      for (const [addr, list] of this.exact) {
        const a = ipRangeOf(addr.includes(':') ? 'ipv6' : 'ipv4', addr);
        if (a && r.from <= a.from && a.to <= r.to) return list;
      }
    }
    return null;
  }
}

const mappedPrefix = '00000000000000000000ffff';

/** Buckets a range falls in (IPv4 by first octet, IPv6 by first 16 bits); null when it spans too many. */
function bucketKeys(r: HexRange): string[] | null {
  const v4 = r.from.startsWith(mappedPrefix) && r.to.startsWith(mappedPrefix);
  const lo = Number.parseInt(v4 ? r.from.slice(24, 26) : r.from.slice(0, 4), 16);
  const hi = Number.parseInt(v4 ? r.to.slice(24, 26) : r.to.slice(0, 4), 16);
  if (hi - lo >= 64) return null;
  const keys: string[] = [];
  for (let k = lo; k <= hi; k++) keys.push(`${v4 ? 4 : 6}:${k}`);
  return keys;
}

function push(map: Map<string, RangeEntry[]>, key: string, entry: RangeEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function hostOf(type: string, value: string): string | null {
  if (type === 'email') {
    const at = value.lastIndexOf('@');
    return at < 0 ? null : normaliseHostname(value.slice(at + 1));
  }
  try {
    return new URL(value).hostname || null;
  } catch {
    return null;
  }
}

/** Store (or refresh) the shipped lists when their version changed. Idempotent; run at start-up. */
export async function seedWarningLists(db: Kysely<Database>, now: string): Promise<void> {
  const stored = new Map((await db.selectFrom('warning_lists').select(['id', 'version', 'origin']).execute()).map((r) => [r.id, r]));
  for (const list of shippedLists) {
    const have = stored.get(list.id);
    if (have && (have.version >= list.version || have.origin !== 'shipped')) continue;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('warning_list_entries').where('list_id', '=', list.id).execute();
      if (have) {
        await trx.updateTable('warning_lists').set({ version: list.version, name: list.name, description: list.description, entry_count: list.entries.length, updated_at: now }).where('id', '=', list.id).execute();
      } else {
        await trx
          .insertInto('warning_lists')
          .values({ id: list.id, name: list.name, description: list.description, origin: 'shipped', version: list.version, enabled: 1, entry_count: list.entries.length, updated_at: now })
          // another process starting at the same moment may have seeded it
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      const rows = list.entries.map(([type, value]) => ({ list_id: list.id, type, value }));
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto('warning_list_entries').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
    });
  }
}

/** Build a matcher from the enabled lists and every organisation's own domains and ranges. */
export async function loadWarningListMatcher(db: Kysely<Database>): Promise<WarningListMatcher> {
  const [entries, assets] = await Promise.all([
    db
      .selectFrom('warning_list_entries')
      .innerJoin('warning_lists', 'warning_lists.id', 'warning_list_entries.list_id')
      .select(['warning_list_entries.list_id', 'warning_list_entries.type', 'warning_list_entries.value'])
      .where('warning_lists.enabled', '=', 1)
      .execute(),
    db.selectFrom('org_assets').select(['kind', 'value']).where('kind', 'in', ['domain', 'ip_range', 'email_domain']).execute(),
  ]);
  const m = new WarningListMatcher();
  for (const e of entries) addEntry(m, e.list_id, e.type, e.value);
  for (const a of assets) addEntry(m, memberAssetsList, a.kind === 'ip_range' ? 'cidr' : 'domain', a.value);
  return m;
}

function addEntry(m: WarningListMatcher, list: string, type: string, value: string): void {
  if (type === 'cidr') {
    const r = ipRangeOf(value.includes('/') ? 'cidr' : value.includes(':') ? 'ipv6' : 'ipv4', value);
    if (r) m.addRange(list, r);
  } else if (type === 'ipv4' || type === 'ipv6') m.addAddress(list, value);
  else if (type === 'domain') m.addDomain(list, value);
  else if (type === 'hostname') m.addHostname(list, value);
}

const cache = new WeakMap<object, { at: number; matcher: Promise<WarningListMatcher> }>();
const cacheMs = 30_000;

/**
 * The matcher for this store, rebuilt at most every 30 s (or at once after invalidate). Inside
 * a transaction pass it as `via`: the cache stays keyed on the store, the reload reads through
 * the transaction (SQLite has one connection; a read beside an open transaction would wait on it).
 */
export function warningListMatcher(db: Kysely<Database>, via: Kysely<Database> = db): Promise<WarningListMatcher> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < cacheMs) return hit.matcher;
  const matcher = loadWarningListMatcher(via);
  cache.set(db, { at: Date.now(), matcher });
  matcher.catch(() => cache.delete(db));
  return matcher;
}

/** Call after a list or an organisation's assets change. */
export function invalidateWarningLists(db: Kysely<Database>): void {
  cache.delete(db);
}
