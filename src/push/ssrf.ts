// Which destinations the hub may call when members choose the URL (webhooks): public internet
// addresses only, unless the operator allow-lists an internal one. Checked when a URL is saved
// and again, for every resolved address, when a connection is made (DNS rebinding).
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { AppError } from '../errors.js';
import { mappedIpv4, networkContains, parseCidr, parseIp, type IpAddress, type IpNetwork } from '../stix/ip.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address of a host name (like dns.lookup with all: true); replaceable in tests. */
export type Resolver = (host: string, family?: 4 | 6) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (host, family) => dns.promises.lookup(host, { all: true, verbatim: true, family: family ?? 0 });

/** The operator's allow-list, parsed once (from config.outboundAllow). */
export interface OutboundPolicy {
  networks: readonly IpNetwork[];
  hosts: ReadonlySet<string>;
  /** from `*.corp.example`: matches any name below corp.example */
  suffixes: readonly string[];
}

export type AllowList = readonly string[] | OutboundPolicy;

/** Raised by the connect-time lookup; its message says which address was refused and why. */
export class OutboundRefusedError extends Error {
  readonly code = 'ERR_OUTBOUND_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

const dnsTimeoutMs = 5_000;

function net(text: string): IpNetwork {
  const n = parseCidr(text);
  if (!n) throw new Error(`bad built-in network ${text}`);
  return n;
}

/** Special-purpose IPv4 ranges (IANA registry), most specific first. */
const blockedV4: ReadonlyArray<[IpNetwork, string]> = (
  [
    ['255.255.255.255/32', 'the broadcast address'],
    ['0.0.0.0/8', 'a "this network" address'],
    ['10.0.0.0/8', 'a private address'],
    ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
    ['127.0.0.0/8', 'a loopback address'],
    ['169.254.0.0/16', 'a link-local address'],
    ['172.16.0.0/12', 'a private address'],
    ['192.0.0.0/24', 'an IETF protocol address'],
    ['192.0.2.0/24', 'a documentation address'],
    ['192.88.99.0/24', 'a reserved relay address'],
    ['192.168.0.0/16', 'a private address'],
    ['198.18.0.0/15', 'a benchmarking address'],
    ['198.51.100.0/24', 'a documentation address'],
    ['203.0.113.0/24', 'a documentation address'],
    ['224.0.0.0/4', 'a multicast address'],
    ['240.0.0.0/4', 'a reserved address'],
  ] as const
).map(([n, why]) => [net(n), why]);

const blockedV6: ReadonlyArray<[IpNetwork, string]> = (
  [
    ['::/128', 'the unspecified address'],
    ['::1/128', 'a loopback address'],
    ['64:ff9b:1::/48', 'a local NAT64 address'],
    ['100::/64', 'a discard address'],
    ['2001::/23', 'an IETF protocol address'],
    ['2001:db8::/32', 'a documentation address'],
    ['3fff::/20', 'a documentation address'],
    ['fc00::/7', 'a unique-local address'],
    ['fe80::/10', 'a link-local address'],
    ['fec0::/10', 'a site-local address'],
    ['ff00::/8', 'a multicast address'],
  ] as const
).map(([n, why]) => [net(n), why]);

const globalUnicastV6 = net('2000::/3');
const nat64 = net('64:ff9b::/96');
const sixToFour = net('2002::/16');

/**
 * Cloud instance-metadata endpoints: never a webhook receiver, and the classic SSRF prize, so
 * they stay refused even when an allow-list entry covers them (e.g. 169.254.0.0/16 for an appliance).
 */
const metadataNetworks: readonly IpNetwork[] = [
  '169.254.169.254/32', // AWS, Azure, GCP, OpenStack, DigitalOcean…
  '169.254.170.2/32', // AWS ECS task metadata
  '169.254.170.23/32', // AWS EKS pod identity
  '100.100.100.200/32', // Alibaba Cloud
  '192.0.0.192/32', // Oracle Cloud
  'fd00:ec2::254/128', // AWS over IPv6
  'fd00:ec2::23/128', // AWS EKS pod identity over IPv6
].map(net);

const metadataHosts = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

export function outboundPolicy(allow: AllowList): OutboundPolicy {
  if (!Array.isArray(allow)) return allow as OutboundPolicy;
  const networks: IpNetwork[] = [];
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of allow as readonly string[]) {
    const cidr = entry.includes('/') ? parseCidr(entry) : null;
    const ip = cidr ? null : parseIp(entry);
    if (cidr) networks.push(cidr);
    else if (ip) networks.push({ ...ip, prefix: ip.bytes.length * 8 });
    else if (entry.startsWith('*.')) suffixes.push(normaliseHost(entry.slice(1)));
    else hosts.add(normaliseHost(entry));
  }
  return { networks, hosts, suffixes };
}

/** Lower case, no brackets around IPv6, no trailing dot. */
export function normaliseHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

function hostAllowed(host: string, policy: OutboundPolicy): boolean {
  return policy.hosts.has(host) || policy.suffixes.some((s) => host.endsWith(s));
}

function embeddedIpv4(ip: IpAddress, at: number): IpAddress {
  return { version: 4, bytes: ip.bytes.slice(at, at + 4) };
}

/** Why an address names something other than a public internet host, or null when it is public. */
export function blockedAddressReason(ip: IpAddress): string | null {
  if (ip.version === 4) return blockedV4.find(([n]) => networkContains(n, ip))?.[1] ?? null;
  // IPv4 written as IPv6 reaches the IPv4 host: judge that address.
  const mapped = mappedIpv4(ip);
  if (mapped) return withVia(blockedAddressReason(mapped), 'IPv4-mapped');
  if (networkContains(nat64, ip)) return withVia(blockedAddressReason(embeddedIpv4(ip, 12)), 'NAT64');
  if (networkContains(sixToFour, ip)) return withVia(blockedAddressReason(embeddedIpv4(ip, 2)), '6to4');
  const special = blockedV6.find(([n]) => networkContains(n, ip))?.[1];
  if (special) return special;
  return networkContains(globalUnicastV6, ip) ? null : 'a reserved address';
}

function withVia(reason: string | null, via: string): string | null {
  return reason ? `${reason} (${via})` : null;
}

export function isMetadataAddress(ip: IpAddress): boolean {
  const v4 = mappedIpv4(ip);
  return metadataNetworks.some((n) => networkContains(n, ip) || (v4 !== null && networkContains(n, v4)));
}

/**
 * Why the hub may not connect to `address` when asked for `host`, or null when it may. The
 * allow-list admits an address by network, or every address of a host by name.
 */
export function refusedAddress(address: string, host: string, allow: AllowList): string | null {
  const policy = outboundPolicy(allow);
  const ip = parseIp(address);
  if (!ip) return 'not an IP address the hub can check';
  if (isMetadataAddress(ip)) return 'a cloud metadata endpoint';
  if (hostAllowed(normaliseHost(host), policy)) return null;
  if (policy.networks.some((n) => networkContains(n, ip))) return null;
  const reason = blockedAddressReason(ip);
  return reason ? `${reason}; the operator can allow it with TOCSIN_OUTBOUND_ALLOW` : null;
}

export interface CheckedUrl {
  url: URL;
  /** normalised host name or address */
  host: string;
  /** the host is an IP address: no lookup happens, so the check above was the whole check */
  literal: boolean;
}

/** How a URL is named in messages and logs: scheme, host and port only (paths can hold tokens). */
export function describeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return JSON.stringify(raw.slice(0, 60));
  }
}

function refuse(raw: string, reason: string): AppError {
  return new AppError('URL_REFUSED', { url: describeUrl(raw), reason });
}

/**
 * The checks that need no DNS: scheme, credentials, metadata names and literal addresses.
 * Run before every connection as well, since Node does not call `lookup` for an IP literal.
 */
export function checkUrlShape(raw: string, allow: AllowList): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse(raw, 'it is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(raw, 'only http:// and https:// URLs can be called');
  if (url.username || url.password) throw refuse(raw, 'it must not contain a user name or password (receivers check the Tocsin-Signature header instead)');
  const host = normaliseHost(url.hostname);
  if (!host) throw refuse(raw, 'it has no host');
  if (metadataHosts.has(host)) throw refuse(raw, 'it is a cloud metadata endpoint');
  const ip = parseIp(host);
  if (ip) {
    const why = refusedAddress(host, host, allow);
    if (why) throw refuse(raw, `${host} is ${why}`);
  }
  return { url, host, literal: ip !== null };
}

/**
 * The full check when a URL is saved: its shape, then every address its host resolves to.
 * Throws URL_REFUSED with a reason a person can act on.
 */
export async function checkOutboundUrl(raw: string, allow: AllowList, resolver: Resolver = systemResolver): Promise<URL> {
  const policy = outboundPolicy(allow);
  const checked = checkUrlShape(raw, policy);
  if (checked.literal) return checked.url;
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout(resolver(checked.host), dnsTimeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(raw, code === 'ENOTFOUND' || code === 'ENODATA' ? `the host name ${checked.host} does not resolve` : `the host name ${checked.host} could not be resolved (${code ?? 'error'})`);
  }
  if (addresses.length === 0) throw refuse(raw, `the host name ${checked.host} does not resolve`);
  for (const a of addresses) {
    const why = refusedAddress(a.address, checked.host, policy);
    if (why) throw refuse(raw, `${checked.host} resolves to ${a.address}, ${why}`);
  }
  return checked.url;
}

/**
 * A `lookup` for http.request / net.connect that resolves the host and refuses the connection
 * when ANY of its addresses is not allowed: the guard against a name that resolved to a public
 * address when the webhook was saved and to an internal one now.
 */
export function guardedLookup(allow: AllowList, resolver: Resolver = systemResolver): LookupFunction {
  const policy = outboundPolicy(allow);
  return (hostname, options, callback) => {
    const host = normaliseHost(hostname);
    const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : undefined;
    withTimeout(resolver(host, family), dnsTimeoutMs).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`the host name ${host} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        for (const a of addresses) {
          const why = refusedAddress(a.address, host, policy);
          if (why) {
            callback(new OutboundRefusedError(`${host} resolves to ${a.address}, ${why}`), '', 0);
            return;
          }
        }
        if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('DNS lookup timed out'), { code: 'ETIMEOUT' })), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
