// Validation and normalisation of what an organisation owns: domains, IP ranges, ASNs, email
// domains, brand names and lookalike patterns. Watchlists alert on these, so they are stored
// in one canonical form.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { AppError } from '../errors.js';

export function normaliseDomain(input: string): string {
  const raw = input.trim().replace(/\.$/, '').toLowerCase();
  const ascii = raw ? domainToASCII(raw) : '';
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (!ascii || ascii.length > 253 || !ascii.includes('.') || !ascii.split('.').every((l) => label.test(l)) || isIP(ascii)) {
    throw new AppError('ASSET_INVALID', { kind: 'Domain', value: input.slice(0, 100), detail: 'expected a name like city.gov' });
  }
  return ascii;
}

export function normaliseIpRange(input: string): string {
  const raw = input.trim();
  const [addr = '', prefixText, extra] = raw.split('/');
  const version = isIP(addr);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!version || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new AppError('ASSET_INVALID', { kind: 'IP range', value: input.slice(0, 100), detail: 'expected an address or CIDR like 198.51.100.0/24' });
  }
  return `${canonicalNetwork(addr, version as 4 | 6, prefix)}/${prefix}`;
}

export function normaliseAsn(input: string | number): number {
  const text = String(input).trim().replace(/^as/i, '');
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 4_294_967_295)) {
    throw new AppError('ASSET_INVALID', { kind: 'ASN', value: String(input).slice(0, 100), detail: 'expected a number like 64500 or AS64500' });
  }
  return n;
}

/** The network address with host bits cleared, in canonical text (RFC 5952 for IPv6). */
function canonicalNetwork(addr: string, version: 4 | 6, prefix: number): string {
  const bytes = version === 4 ? addr.split('.').map(Number) : ipv6Bytes(addr);
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  if (version === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function ipv6Bytes(addr: string): number[] {
  // Let the URL parser expand "::" and embedded IPv4, then read the full groups.
  const host = new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = host.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = host.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** How many of each kind an organisation may list: enough for a county, bounded for matching. */
export const assetLimits = { domains: 1000, ipRanges: 1000, asns: 200, emailDomains: 200, brands: 50, lookalikePatterns: 100 } as const;
export type AssetListName = keyof typeof assetLimits;

const assetWords: Readonly<Record<AssetListName, string>> = { domains: 'domains', ipRanges: 'IP ranges', asns: 'ASNs', emailDomains: 'email domains', brands: 'brand names', lookalikePatterns: 'lookalike patterns' };

export function assertAssetCount(list: AssetListName, count: number): void {
  if (count > assetLimits[list]) throw new AppError('ASSETS_TOO_MANY', { kind: assetWords[list], limit: assetLimits[list] });
}

/**
 * A brand or place name people would recognise in a domain ("Springfield", "Springfield Water"):
 * stored lower-case with whitespace folded. It must keep at least four letters or digits, or
 * it would match half the internet.
 */
export function normaliseBrand(input: string): string {
  const text = input.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const letters = text.replace(/[^\p{L}\p{N}]/gu, '');
  if (text.length > 63 || !/^[\p{L}\p{N}][\p{L}\p{N}\p{M} '&.-]*$/u.test(text) || letters.length < 4) {
    throw new AppError('ASSET_INVALID', { kind: 'Brand name', value: input.slice(0, 100), detail: 'expected a name of 4 to 63 letters or digits, like Springfield' });
  }
  return text;
}

/**
 * A host-name pattern: `*` stands for any run of characters, `?` for one, the rest is literal
 * (`springfield-*.com`, `*springfield*.net`). Unicode letters are allowed (matched against the
 * decoded form of IDN hosts). At least four literal characters, at most four wildcards.
 */
export function normaliseLookalikePattern(input: string): string {
  const text = input.normalize('NFKC').trim().replace(/\.$/, '').toLowerCase().replace(/\*+/g, '*');
  const literal = text.replace(/[*?.-]/g, '');
  const wildcards = (text.match(/[*?]/g) ?? []).length;
  if (!text || text.length > 253 || !/^[\p{L}\p{N}\p{M}.*?_-]+$/u.test(text) || [...literal].length < 4 || wildcards > 4) {
    throw new AppError('ASSET_INVALID', { kind: 'Lookalike pattern', value: input.slice(0, 100), detail: 'expected a host name with * or ? wildcards and at least 4 letters, like springfield-*.com' });
  }
  return text;
}

export function uniqueSorted<T extends string | number>(values: T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
