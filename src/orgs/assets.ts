// Validation and normalisation of what an organisation owns: domains, IP ranges, ASNs.
// Later issues alert on these, so they are stored in one canonical form.
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

export function uniqueSorted<T extends string | number>(values: T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
