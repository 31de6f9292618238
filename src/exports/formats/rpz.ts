// A DNS response policy zone (draft-vixie-dnsop-dns-rpz; BIND, Unbound, PowerDNS Recursor,
// Knot Resolver): each domain and its subdomains answer NXDOMAIN (`CNAME .`), each address or
// range in an answer triggers the same (`rpz-ip`). Names are relative, so the resolver may load
// the file under any zone name. A bad name would stop the whole zone loading, so every owner
// name is checked here and the item skipped rather than written.
import { parseCidr, parseIp, type IpAddress, type IpNetwork } from '../../stix/ip.js';
import type { IndicatorType } from '../../stix/observables.js';
import { isListableDomain } from './edl.js';
import { asciiText, isCanonical } from './text.js';
import type { ExportContext, FormatWriter } from './types.js';

const defaultTtl = 300;
/** Room left for the zone's own name when rpzZone is not given. */
const assumedZoneLength = 63;

/**
 * The rpz-ip owner name of a network: prefix length first, then the address reversed — octets
 * for IPv4, 16-bit words for IPv6 with the first longest run of zero words (two or more) as
 * `zz`, which is the canonical form BIND checks (e.g. 2001:db8::10/128 → 128.10.zz.db8.2001).
 */
export function rpzIpName(ip: IpAddress, prefix: number): string {
  if (ip.version === 4) return `${prefix}.${Array.from(ip.bytes).reverse().join('.')}.rpz-ip`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const labels: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      labels.push('zz');
      i += bestLen - 1;
    } else labels.push(words[i]!.toString(16));
  }
  return `${prefix}.${labels.reverse().join('.')}.rpz-ip`;
}

function hostNetwork(ip: IpAddress | null): IpNetwork | null {
  return ip ? { ...ip, prefix: ip.bytes.length * 8 } : null;
}

function maxNameLength(ctx: ExportContext): number {
  const zone = ctx.rpzZone?.replace(/\.$/, '');
  // Presentation length of `name.zone` within 253 characters (255 octets on the wire).
  return 253 - 1 - (zone ? zone.length : assumedZoneLength);
}

function ttlOf(ctx: ExportContext): number {
  const ttl = ctx.rpzTtl ?? defaultTtl;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) throw new Error(`RPZ TTL ${ttl} is not a whole number of seconds from 0 to 2147483647`);
  return ttl;
}

const types: readonly IndicatorType[] = ['domain', 'ipv4', 'ipv6', 'cidr'];

export const rpz: FormatWriter = {
  id: 'rpz',
  label: 'DNS response policy zone (RPZ)',
  contentType: 'text/dns; charset=utf-8',
  fileExtension: 'zone',
  types,
  supports: (type) => types.includes(type),
  valuesOnly: true,
  header(ctx) {
    const ttl = ttlOf(ctx);
    if (!Number.isInteger(ctx.serial) || ctx.serial < 0 || ctx.serial > 0xffffffff) throw new Error(`RPZ serial ${ctx.serial} is not an unsigned 32-bit number`);
    return [
      `; ${asciiText(ctx.hubName, 100)}: ${asciiText(ctx.exportName, 100)} (response policy zone)`,
      `; Generated ${asciiText(ctx.generatedAt, 40)} from ${asciiText(ctx.hubUrl, 200)}`,
      '; Every name is relative: load this file under the zone name your resolver uses.',
      `$TTL ${ttl}`,
      `@ IN SOA localhost. hostmaster.localhost. ${ctx.serial} 3600 600 604800 ${Math.min(ttl, 86400)}`,
      '@ IN NS localhost.',
      '',
    ].join('\n');
  },
  line(item, ctx) {
    if (!types.includes(item.type) || !isCanonical(item)) return null;
    const room = maxNameLength(ctx);
    if (item.type === 'domain') {
      const name = item.value;
      // `*.name` must fit as well; a last label like rpz-ip would turn the name into another trigger.
      if (!isListableDomain(name) || name.length + 2 > room || /(?:^|\.)rpz-[a-z-]*$/.test(name)) return null;
      return `${name} CNAME .\n*.${name} CNAME .\n`;
    }
    const net = item.type === 'cidr' ? parseCidr(item.value) : hostNetwork(parseIp(item.value));
    if (!net) return null;
    // BIND refuses prefix 0, and a /0 would answer NXDOMAIN for everything.
    if (net.prefix < 1) return null;
    const name = rpzIpName(net, net.prefix);
    return name.length <= room ? `${name} CNAME .\n` : null;
  },
  footer: () => '',
};
