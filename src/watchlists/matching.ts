// Which organisations' own assets an observable touches, and why: pure functions over an index
// built once from every organisation's assets. Built for bulk — a feed of a million values
// asks per value — so each question is a handful of map lookups, whatever the number of orgs.
import { domainToUnicode } from 'node:url';
import { ipRangeOf, type HexRange } from '../intel/ip-range.js';
import { editDistance, registrableDomain, skeleton } from '../phishing/analysis/domains.js';

export type WatchAssetKind = 'domain' | 'ip_range' | 'asn' | 'email_domain' | 'brand' | 'lookalike';

/**
 * Why it matched. Direct: the value is the organisation's (exact, sub-domain, email-address,
 * in-range, overlaps-range, asn). Lookalike: a host imitating its domains or brands (homoglyph,
 * typo, embedded, same-name) or matching one of its lookalike patterns (pattern).
 */
export const matchReasons = ['exact', 'sub-domain', 'email-address', 'in-range', 'overlaps-range', 'asn', 'homoglyph', 'same-name', 'embedded', 'typo', 'pattern'] as const;
export type MatchReason = (typeof matchReasons)[number];

export interface OrgWatchAssets {
  orgId: string;
  domains: readonly string[];
  ipRanges: readonly string[];
  asns: readonly number[];
  emailDomains: readonly string[];
  brands: readonly string[];
  lookalikePatterns: readonly string[];
}

export interface WatchHit {
  orgId: string;
  assetKind: WatchAssetKind;
  assetValue: string;
  reason: MatchReason;
}

/** Lower is stronger: an organisation gets the strongest reason only, once per value. */
const rank: Readonly<Record<MatchReason, number>> = Object.fromEntries(matchReasons.map((r, i) => [r, i])) as Record<MatchReason, number>;

export function isLookalikeReason(reason: MatchReason): boolean {
  return rank[reason] >= rank.homoglyph;
}

/** Shortest name (letters and digits, after folding homoglyphs) each kind of lookalike looks for. */
export const lookalikeLimits = { homoglyph: 3, sameName: 4, token: 4, typo: 5, embedded: 5, typoTwo: 9 } as const;

interface DomainOwner {
  orgId: string;
  kind: 'domain' | 'email_domain';
  value: string;
}

interface RangeEntry extends HexRange {
  orgId: string;
  value: string;
}

interface Target {
  orgId: string;
  kind: 'domain' | 'email_domain' | 'brand';
  /** the asset as the organisation wrote it */
  value: string;
  /** the name compared: TR39 skeleton, letters and digits only */
  key: string;
  /** the name before folding homoglyphs (tells a homoglyph from the very same name) */
  plain: string;
  /** the registrable domain it came from (null for a brand) */
  registrable: string | null;
}

interface Pattern {
  orgId: string;
  value: string;
  /** the pattern with its literal characters folded to their skeleton, for IDN hosts */
  folded: string;
  /** its longest literal run: a cheap test before the glob */
  literal: string;
}

export class WatchIndex {
  private readonly owners = new Map<string, DomainOwner[]>();
  /** every range as hex, sorted by `from`; `reach[i]` is the highest `to` among ranges[0..i] */
  private readonly ranges: RangeEntry[] = [];
  private readonly reach: string[] = [];
  /** the IPv4 ranges again as numbers, the same way: most feeds are IPv4 addresses */
  private readonly v4: Array<{ from: number; to: number; entry: RangeEntry }> = [];
  private readonly v4Reach: number[] = [];
  private readonly asns = new Map<number, string[]>();
  private readonly byKey = new Map<string, Target[]>();
  /** hashes of the deletion neighbourhoods of typo targets (symmetric-delete search) */
  private readonly deletes = new Map<number, Target[]>();
  /** a one-bit-per-hash filter in front of `deletes`: most lookups end at a cached bit */
  private readonly deleteBits = new Int32Array(1 << 19);
  /** by name length: 1 when a typo target is within one (typoOne) or two (typoTwo) letters */
  private readonly typoOne = new Uint8Array(80);
  private readonly typoTwo = new Uint8Array(80);
  /** embedded targets by their first four characters */
  private readonly byGram = new Map<string, Target[]>();
  /** patterns by a four-character piece of their longest literal; `loosePatterns` have none */
  private readonly patternsByGram = new Map<string, Pattern[]>();
  private readonly loosePatterns: Pattern[] = [];
  private patternCount = 0;
  /** the hits of the current match() call (reused: a million calls allocate little) */
  private found: WatchHit[] = [];
  private readonly specificity: number[] = [];
  readonly orgCount: number;

  constructor(orgs: readonly OrgWatchAssets[]) {
    this.orgCount = orgs.length;
    for (const org of orgs) {
      for (const d of org.domains) push(this.owners, d, { orgId: org.orgId, kind: 'domain', value: d });
      for (const d of org.emailDomains) push(this.owners, d, { orgId: org.orgId, kind: 'email_domain', value: d });
      for (const r of org.ipRanges) {
        const range = ipRangeOf(r.includes('/') ? 'cidr' : r.includes(':') ? 'ipv6' : 'ipv4', r);
        if (!range) continue;
        const entry = { ...range, orgId: org.orgId, value: r };
        this.ranges.push(entry);
        const v4 = ipv4Range(r);
        if (v4) this.v4.push({ ...v4, entry });
      }
      for (const a of org.asns) push(this.asns, a, org.orgId);
      const seen = new Set<string>();
      const addTarget = (t: Target) => {
        // One target per name and organisation: springfield.gov as a domain and as an email domain is one name.
        if (t.key.length < lookalikeLimits.homoglyph || seen.has(t.key)) return;
        seen.add(t.key);
        this.addTarget(t);
      };
      for (const [kind, list] of [
        ['domain', org.domains],
        ['email_domain', org.emailDomains],
      ] as const) {
        for (const d of list) {
          const reg = registrableDomain(d);
          const label = unicodeLabel(reg);
          addTarget({ orgId: org.orgId, kind, value: d, key: nameKey(label), plain: plainKey(label), registrable: reg });
        }
      }
      for (const b of org.brands) addTarget({ orgId: org.orgId, kind: 'brand', value: b, key: nameKey(b), plain: plainKey(b), registrable: null });
      for (const p of org.lookalikePatterns) this.addPattern({ orgId: org.orgId, value: p, folded: foldPattern(p), literal: longestLiteral(p) });
    }
    this.ranges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    let high = '';
    for (const r of this.ranges) {
      if (r.to > high) high = r.to;
      this.reach.push(high);
    }
    this.v4.sort((a, b) => a.from - b.from);
    let top = -1;
    for (const r of this.v4) {
      top = Math.max(top, r.to);
      this.v4Reach.push(top);
    }
  }

  private addTarget(t: Target): void {
    push(this.byKey, t.key, t);
    const n = t.key.length;
    if (n >= lookalikeLimits.typo && n < this.typoOne.length - 2) {
      const two = n >= lookalikeLimits.typoTwo;
      for (let d = -2; d <= 2; d++) {
        if (Math.abs(d) <= 1) this.typoOne[n + d] = 1;
        if (two) this.typoTwo[n + d] = 1;
      }
      const { hashes: found, count } = deletionHashes(t.key, two ? 2 : 1);
      for (const h of new Set(found.subarray(0, count))) {
        push(this.deletes, h, t);
        this.deleteBits[(h >>> 5) & (this.deleteBits.length - 1)]! |= 1 << (h & 31);
      }
    }
    if (n >= lookalikeLimits.embedded) push(this.byGram, t.key.slice(0, 4), t);
  }

  private addPattern(p: Pattern): void {
    this.patternCount += 1;
    // An IDN host is tried against every pattern (its literal may be in another script).
    if (p.literal.length >= 4 && /^[\x00-\x7f]+$/.test(p.literal)) push(this.patternsByGram, p.literal.slice(0, 4), p);
    else this.loosePatterns.push(p);
  }

  /** The organisations an observable touches, each once with its strongest reason. */
  match(type: string, value: string): WatchHit[] {
    this.found = [];
    switch (type) {
      case 'ipv4':
      case 'ipv6':
      case 'cidr':
        this.matchIp(type, value);
        break;
      case 'domain':
        this.matchHost(value, 'domain');
        break;
      case 'url': {
        const host = urlHost(value);
        if (host === null) break;
        if (host.startsWith('[')) this.matchIp('ipv6', host.slice(1, -1));
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) this.matchIp('ipv4', host);
        else this.matchHost(host, 'domain');
        break;
      }
      case 'email': {
        const at = value.lastIndexOf('@');
        if (at > 0) this.matchHost(value.slice(at + 1), 'email');
        break;
      }
      case 'asn': {
        // No observable type carries an ASN today (there is no IP→ASN data); ready for one that does.
        const n = Number(value.replace(/^as/i, ''));
        for (const orgId of this.asns.get(n) ?? []) this.add(orgId, 'asn', String(n), 'asn');
        break;
      }
    }
    return this.found;
  }

  /**
   * Keep the strongest reason per organisation; between equal reasons the more specific asset
   * (the longer name: springfieldwater over springfield), and then the first one.
   */
  private add(orgId: string, assetKind: WatchAssetKind, assetValue: string, reason: MatchReason, specificity = 0): void {
    const found = this.found;
    const specific = this.specificity;
    for (let i = 0; i < found.length; i++) {
      if (found[i]!.orgId !== orgId) continue;
      const r = rank[reason] - rank[found[i]!.reason];
      if (r < 0 || (r === 0 && specificity > specific[i]!)) {
        found[i] = { orgId, assetKind, assetValue, reason };
        specific[i] = specificity;
      }
      return;
    }
    found.push({ orgId, assetKind, assetValue, reason });
    specific[found.length - 1] = specificity;
  }

  private matchIp(type: 'ipv4' | 'ipv6' | 'cidr', value: string): void {
    if (this.ranges.length === 0) return;
    const v4 = type === 'ipv6' ? null : ipv4Range(value);
    if (v4) return this.matchV4(v4.from, v4.to);
    const r = ipRangeOf(type, value);
    if (!r) return;
    // The last range starting at or before r.to; walk back while some earlier range reaches r.from.
    let lo = 0;
    let hi = this.ranges.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid]!.from <= r.to) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = last; i >= 0 && this.reach[i]! >= r.from; i--) {
      const e = this.ranges[i]!;
      if (e.to < r.from) continue;
      this.add(e.orgId, 'ip_range', e.value, e.from <= r.from && r.to <= e.to ? 'in-range' : 'overlaps-range');
    }
  }

  private matchV4(from: number, to: number): void {
    let lo = 0;
    let hi = this.v4.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.v4[mid]!.from <= to) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = last; i >= 0 && this.v4Reach[i]! >= from; i--) {
      const e = this.v4[i]!;
      if (e.to < from) continue;
      this.add(e.entry.orgId, 'ip_range', e.entry.value, e.from <= from && to <= e.to ? 'in-range' : 'overlaps-range');
    }
  }

  private matchHost(host: string, as: 'domain' | 'email'): void {
    let owned = false;
    // An address is best explained by an email domain, a host name by a domain: those go first.
    const preferred = as === 'email' ? 'email_domain' : 'domain';
    for (let h = host; ; ) {
      const owners = this.owners.get(h);
      if (owners) {
        owned = true;
        const reason: MatchReason = as === 'email' ? 'email-address' : h === host ? 'exact' : 'sub-domain';
        for (const o of owners) if (o.kind === preferred) this.add(o.orgId, o.kind, o.value, reason);
        for (const o of owners) if (o.kind !== preferred) this.add(o.orgId, o.kind, o.value, reason);
      }
      const dot = h.indexOf('.');
      if (dot < 0) break;
      h = h.slice(dot + 1);
    }
    // A member's real name imitates nobody: its owner got the direct match above.
    if (!owned && (this.byKey.size > 0 || this.patternCount > 0)) this.matchLookalike(host);
  }

  private matchLookalike(host: string): void {
    const idn = host.includes('xn--');
    const reg = registrableDomain(host);
    const label = unicodeLabel(reg);
    const key = nameKey(label);
    const hit = (t: Target, reason: MatchReason) => this.add(t.orgId, t.kind, t.value, reason, t.key.length);

    const same = this.byKey.get(key);
    if (same) {
      const plain = plainKey(label);
      for (const t of same) {
        if (t.plain !== plain) hit(t, 'homoglyph');
        else if (key.length >= lookalikeLimits.sameName && t.registrable !== reg) hit(t, 'same-name');
      }
    }
    const n = key.length;
    this.matchTypos(key);
    if (this.byGram.size && n > lookalikeLimits.embedded) {
      for (let i = 0; i + lookalikeLimits.embedded <= n; i++) {
        const list = this.byGram.get(key.slice(i, i + 4));
        if (list) for (const t of list) if (t.key !== key && key.startsWith(t.key, i)) hit(t, 'embedded');
      }
    }
    // Whole words of a hyphenated or numbered name: erie-tax, erie2.
    if (/[^a-z]/.test(label)) {
      const parts = fold(label).split(/[^a-z0-9]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/);
      if (parts.length > 1) {
        for (const tok of parts) {
          if (tok.length < lookalikeLimits.token || tok === key) continue;
          for (const t of this.byKey.get(tok) ?? []) hit(t, 'embedded');
          // springfeld-pay: a typo of the name, with a word glued on.
          this.matchTypos(tok);
        }
      }
    }
    if (this.patternCount) this.matchPatterns(host, idn);
  }

  /** Typo targets within one (two for long names) edits of `key`. */
  private matchTypos(key: string): void {
    const n = key.length;
    if (n >= this.typoOne.length || !(this.typoOne[n] || this.typoTwo[n])) return;
    const { hashes: proposed, count } = deletionHashes(key, this.typoTwo[n] ? 2 : 1);
    const bits = this.deleteBits;
    const mask = bits.length - 1;
    let checked: Set<Target> | null = null;
    for (let k = 0; k < count; k++) {
      const h = proposed[k]!;
      if ((bits[(h >>> 5) & mask]! & (1 << (h & 31))) === 0) continue;
      for (const t of this.deletes.get(h) ?? []) {
        checked ??= new Set();
        if (checked.has(t) || t.key === key) continue;
        checked.add(t);
        // Hashes only propose: the distance decides.
        const max = t.key.length >= lookalikeLimits.typoTwo ? 2 : 1;
        if (editDistance(key, t.key, max) <= max) this.add(t.orgId, t.kind, t.value, 'typo', t.key.length);
      }
    }
  }

  private matchPatterns(host: string, idn: boolean): void {
    const unicode = idn ? domainToUnicode(host) : host;
    const folded = idn ? foldHost(unicode) : host;
    let tried: Set<Pattern> | null = null;
    const tryPattern = (p: Pattern) => {
      tried ??= new Set();
      if (tried.has(p)) return;
      tried.add(p);
      if (globMatch(p.value, host) || (idn && (globMatch(p.value, unicode) || globMatch(p.folded, folded)))) this.add(p.orgId, 'lookalike', p.value, 'pattern');
    };
    if (idn) for (const list of this.patternsByGram.values()) list.forEach(tryPattern);
    else {
      for (let i = 0; i + 4 <= host.length; i++) {
        const list = this.patternsByGram.get(host.slice(i, i + 4));
        if (list) list.forEach(tryPattern);
      }
    }
    this.loosePatterns.forEach(tryPattern);
  }
}

/** A canonical IPv4 address or IPv4 CIDR as a number range; null for anything else. */
function ipv4Range(value: string): { from: number; to: number } | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(value);
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  const addr = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - prefix);
  const from = addr - (addr % size);
  return { from, to: from + size - 1 };
}

/** The host of a canonical URL (see normaliseUrl): a name, an IPv4 or `[IPv6]`. */
export function urlHost(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]/]*\]|[^:/?#]*)/i.exec(url);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** `*` any run of characters (dots too), `?` one character; linear-time, no regex backtracking. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

// Polynomial hashes mod 2^32, so the strings made by deleting one or two characters are
// hashed in constant time each from prefix hashes, without building them: a 20-letter name
// has 211 of them, and a million names pass through here.
const hashBase = 131;
const hashMask = 0x3fffffff; // small integers stay unboxed in V8
const powers = new Int32Array(128);
powers[0] = 1;
for (let i = 1; i < powers.length; i++) powers[i] = Math.imul(powers[i - 1]!, hashBase);

/** The hash of a string: the same value forEachDeletionHash gives for the string a deletion makes. */
export function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, hashBase) + s.charCodeAt(i)) | 0;
  return h & hashMask;
}

const maxHashed = 64;
const prefix = new Int32Array(maxHashed + 1);
/** Reused by every call: a name, its 64 one-deletion and 2016 two-deletion forms at most. */
const hashes = new Int32Array(1 + maxHashed + (maxHashed * (maxHashed - 1)) / 2);

/**
 * The hashes of `word` and of every string made by deleting up to `max` characters (repeats
 * possible), in a shared buffer: read `hashes[0 .. count)` before the next call.
 */
export function deletionHashes(word: string, max: 1 | 2): { hashes: Int32Array; count: number } {
  const n = word.length;
  if (n > maxHashed) return { hashes, count: 0 };
  const pre = prefix;
  for (let i = 0; i < n; i++) pre[i + 1] = (Math.imul(pre[i]!, hashBase) + word.charCodeAt(i)) | 0;
  let count = 0;
  hashes[count++] = pre[n]! & hashMask;
  for (let i = 0; i < n; i++) {
    const tail = (pre[n]! - Math.imul(pre[i + 1]!, powers[n - 1 - i]!)) | 0;
    hashes[count++] = ((Math.imul(pre[i]!, powers[n - 1 - i]!) + tail) | 0) & hashMask;
    if (max < 2) continue;
    const head = Math.imul(pre[i]!, powers[n - 2 - i]!);
    for (let j = i + 1; j < n; j++) {
      const middle = (pre[j]! - Math.imul(pre[i + 1]!, powers[j - i - 1]!)) | 0;
      const end = (pre[n]! - Math.imul(pre[j + 1]!, powers[n - 1 - j]!)) | 0;
      hashes[count++] = ((head + Math.imul(middle, powers[n - 1 - j]!) + end) | 0) & hashMask;
    }
  }
  return { hashes, count };
}

/** The first label of a registrable domain, IDN decoded: xn--sprngfield-z2i.gov → sprіngfield. */
function unicodeLabel(registrable: string): string {
  const label = registrable.split('.')[0] ?? '';
  return label.startsWith('xn--') ? domainToUnicode(label).toLowerCase() || label : label;
}

// Most names are plain ASCII: fold those with a table (0→o, 1→l, m→rn, …) made from the same
// skeleton, instead of normalising every character of a million names.
const asciiFold: readonly string[] = Array.from({ length: 128 }, (_, c) => skeleton(String.fromCharCode(c)));

/** The TR39 skeleton of a name, fast for ASCII. */
function fold(name: string): string {
  if (!/^[\x00-\x7f]*$/.test(name)) return skeleton(name);
  let out = '';
  for (let i = 0; i < name.length; i++) out += asciiFold[name.charCodeAt(i)]!;
  return out;
}

/** The compared form of a name: homoglyphs folded (TR39 skeleton), letters and digits only. */
export function nameKey(name: string): string {
  return fold(name).replace(/[^a-z0-9]/g, '');
}

/** The name without folding: letters and digits only, lower-case. */
function plainKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function foldHost(unicodeHost: string): string {
  return unicodeHost
    .split('.')
    .map((l) => fold(l))
    .join('.');
}

function foldPattern(pattern: string): string {
  return pattern.replace(/[^*?.-]+/g, (run) => fold(run));
}

function longestLiteral(pattern: string): string {
  return pattern.split(/[*?]/).reduce((a, b) => (b.length > a.length ? b : a), '');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
