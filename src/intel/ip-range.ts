// Addresses and ranges as fixed-width hex (32 digits, IPv4 mapped into ::ffff:0:0/96), so
// "which stored ranges contain this address" is a plain text comparison on both dialects.
import { parseCidr, parseIp, type IpAddress } from '../stix/ip.js';

export interface HexRange {
  from: string;
  to: string;
}

const mappedPrefix = '00000000000000000000ffff';

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function addressHex(ip: IpAddress): string {
  return ip.version === 4 ? mappedPrefix + hex(ip.bytes) : hex(ip.bytes);
}

/** The range an ipv4 / ipv6 / cidr observable covers; null for other types or bad values. */
export function ipRangeOf(type: string, value: string): HexRange | null {
  if (type === 'ipv4' || type === 'ipv6') {
    const ip = parseIp(value);
    if (!ip) return null;
    const h = addressHex(ip);
    return { from: h, to: h };
  }
  if (type !== 'cidr') return null;
  const net = parseCidr(value);
  if (!net) return null;
  const bits = net.version === 4 ? 32 : 128;
  const lo = Uint8Array.from(net.bytes);
  const hi = Uint8Array.from(net.bytes);
  for (let bit = net.prefix; bit < bits; bit++) {
    lo[bit >> 3]! &= ~(0x80 >> (bit & 7));
    hi[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  return net.version === 4 ? { from: mappedPrefix + hex(lo), to: mappedPrefix + hex(hi) } : { from: hex(lo), to: hex(hi) };
}

export function rangeContains(outer: HexRange, inner: HexRange): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}
