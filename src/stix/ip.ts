// IP address arithmetic for observables and personal-data checks: strict parsing, canonical
// text (RFC 5952 for IPv6), CIDR networks and membership, and the private/special ranges.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes, network order */
  bytes: Uint8Array;
}

export interface IpNetwork extends IpAddress {
  prefix: number;
}

/** Dotted-quad IPv4 without leading zeros (`010.0.0.1` is refused: some parsers read it as octal). */
export function parseIpv4(text: string): IpAddress | null {
  if (text.length > 15 || !isIPv4(text)) return null;
  const parts = text.split('.');
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return null;
  return { version: 4, bytes: Uint8Array.from(parts.map(Number)) };
}

/** Any IPv6 text form (`::`, embedded IPv4, upper case); no zone ids (`%eth0`). */
export function parseIpv6(text: string): IpAddress | null {
  if (text.length > 45 || text.includes('%') || !isIPv6(text)) return null;
  // The WHATWG URL parser expands "::" and embedded IPv4 and answers in canonical form.
  const host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = host.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = host.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return { version: 6, bytes };
}

export function parseIp(text: string): IpAddress | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** `addr/prefix` with the prefix in range and written without leading zeros. */
export function parseCidr(text: string): IpNetwork | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > ip.bytes.length * 8) return null;
  return { ...ip, prefix };
}

/** The network with its host bits cleared: `198.51.100.7/24` → `198.51.100.0/24`. */
export function networkOf(net: IpNetwork): IpNetwork {
  const bytes = Uint8Array.from(net.bytes);
  for (let bit = net.prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { version: net.version, bytes, prefix: net.prefix };
}

export function formatCidr(net: IpNetwork): string {
  return `${formatIp(net)}/${net.prefix}`;
}

/** True when `ip` lies inside `net` (same family; an IPv4-mapped IPv6 address counts as IPv4). */
export function networkContains(net: IpNetwork, ip: IpAddress): boolean {
  const addr = ip.version === 6 && net.version === 4 ? mappedIpv4(ip) : ip;
  if (!addr || addr.version !== net.version) return false;
  for (let bit = 0; bit < net.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((addr.bytes[bit >> 3]! & mask) !== (net.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

/** `::ffff:a.b.c.d` → a.b.c.d; null for any other IPv6 address. */
export function mappedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.version !== 6) return null;
  for (let i = 0; i < 10; i++) if (ip.bytes[i] !== 0) return null;
  if (ip.bytes[10] !== 0xff || ip.bytes[11] !== 0xff) return null;
  return { version: 4, bytes: ip.bytes.slice(12) };
}

function net(text: string): IpNetwork {
  const n = parseCidr(text);
  if (!n) throw new Error(`bad built-in network ${text}`);
  return n;
}

/**
 * Addresses that name a host inside someone's own network rather than on the internet:
 * RFC 1918, shared address space (100.64/10), loopback, link-local, "this network",
 * IPv6 unique-local (fc00::/7), link-local (fe80::/10), loopback and unspecified.
 */
export const internalNetworks: readonly IpNetwork[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
  '::/128',
].map(net);

export function isInternalIp(ip: IpAddress): boolean {
  return internalNetworks.some((n) => networkContains(n, ip));
}

/** True when `s` is a dotted quad in canonical form (no leading zeros, each part ≤ 255). */
export function isCanonicalIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let digits = 0;
  let value = 0;
  let first = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || (digits > 1 && first === 48) || value > 255) return false;
      parts += 1;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      digits += 1;
      if (digits > 3) return false;
      value = value * 10 + (c - 48);
    } else return false;
  }
  return parts === 4;
}
