// The indicator types a member can report, their one canonical form, and the STIX patterns
// that detect them. A CVE is not a pattern: report.ts turns it into a vulnerability object.
import { domainToASCII } from 'node:url';
import { InvalidStixInputError } from './errors.js';
import { formatCidr, formatIp, networkOf, parseCidr, parseIpv4, parseIpv6 } from './ip.js';
import { formatObservables } from './pattern/build.js';

export const indicatorTypes = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'cve'] as const;
export type IndicatorType = (typeof indicatorTypes)[number];
/** The types that become an `indicator` with a STIX pattern. */
export type PatternIndicatorType = Exclude<IndicatorType, 'cve'>;

/** Words for people: used in indicator names and descriptions. */
export const indicatorTypeLabels: Readonly<Record<IndicatorType, string>> = {
  ipv4: 'IP address',
  ipv6: 'IPv6 address',
  cidr: 'IP range',
  domain: 'domain',
  url: 'URL',
  email: 'email address',
  md5: 'file hash (MD5)',
  sha1: 'file hash (SHA-1)',
  sha256: 'file hash (SHA-256)',
  cve: 'vulnerability',
};

export function isIndicatorType(value: unknown): value is IndicatorType {
  return typeof value === 'string' && (indicatorTypes as readonly string[]).includes(value);
}

const hashLengths = { md5: 32, sha1: 40, sha256: 64 } as const;
const labelPattern = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const tldPattern = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const emailLocalPattern = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const cvePattern = /^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,6})$/;
const maxUrlLength = 8192;

/**
 * A host name in canonical form: lower-case ASCII (IDNA via the WHATWG URL rules), no
 * trailing dot, at least two labels, an alphabetic or punycode last label. Whether the
 * top-level domain exists is not checked here (extract.ts does that for free text).
 */
export function normaliseHostname(input: string): string | null {
  let s = input.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  // domainToASCII would quietly cut `evil.com/path` to `evil.com`: refuse anything but name characters.
  if (!s || s.length > 1024 || /[^\p{L}\p{N}\p{M}._-]/u.test(s)) return null;
  const ascii = domainToASCII(s.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => labelPattern.test(l))) return null;
  return tldPattern.test(labels[labels.length - 1]!) ? ascii : null;
}

function normaliseEmail(input: string): string | null {
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (at < 1 || s.length > 320) return null;
  const local = s.slice(0, at);
  const domain = normaliseHostname(s.slice(at + 1));
  if (local.length > 64 || !emailLocalPattern.test(local) || !domain) return null;
  // Local parts are case-sensitive in theory and never in practice; one case makes dedupe work.
  return `${local.toLowerCase()}@${domain}`;
}

/** Split `user@host:port`; the host may be `[IPv6]`. */
function splitAuthority(authority: string): { userinfo: string | null; host: string; port: string | null } | null {
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : null;
  const hostport = authority.slice(at + 1);
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return null;
    const rest = hostport.slice(close + 1);
    if (rest && !rest.startsWith(':')) return null;
    return { userinfo, host: hostport.slice(0, close + 1), port: rest ? rest.slice(1) : null };
  }
  const colon = hostport.lastIndexOf(':');
  return colon < 0 ? { userinfo, host: hostport, port: null } : { userinfo, host: hostport.slice(0, colon), port: hostport.slice(colon + 1) };
}

/** The host of a URL in canonical form: IPv4, `[IPv6]` (RFC 5952) or a host name. */
function normaliseUrlHost(host: string): string | null {
  if (host.startsWith('[') && host.endsWith(']')) {
    const v6 = parseIpv6(host.slice(1, -1));
    return v6 ? `[${formatIp(v6)}]` : null;
  }
  const v4 = parseIpv4(host);
  if (v4) return formatIp(v4);
  if (/^[\d.]+$/.test(host)) return null; // 999.1.1.1, 1.2.3: not an address, not a name
  return normaliseHostname(host);
}

/**
 * `scheme://[userinfo@]host[:port]path?query#fragment`: the scheme and host are lower-cased
 * (IDN hosts to punycode, IPv6 to RFC 5952); everything after the host is kept as written,
 * because percent-encoding or dot-segment clean-up would stop it matching what was seen.
 */
export function normaliseUrl(input: string): string | null {
  const s = input.trim();
  if (s.length > maxUrlLength || /[\s\u0000-\u001f\u007f]/.test(s)) return null;
  const m = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#\\]*)(.*)$/is.exec(s);
  if (!m) return null;
  const [, scheme = '', authority = '', rest = ''] = m;
  const parts = splitAuthority(authority);
  if (!parts) return null;
  const host = normaliseUrlHost(parts.host);
  if (!host) return null;
  let port = '';
  if (parts.port) {
    if (!/^\d{1,5}$/.test(parts.port) || Number(parts.port) > 65535) return null;
    port = `:${Number(parts.port)}`;
  }
  const userinfo = parts.userinfo === null ? '' : `${parts.userinfo}@`;
  return `${scheme.toLowerCase()}://${userinfo}${host}${port}${rest}`;
}

/** The canonical form of an observable of `type`, or null when `value` is not one. */
export function normaliseObservable(type: IndicatorType, value: string): string | null {
  const s = value.trim();
  switch (type) {
    case 'ipv4': {
      const ip = parseIpv4(s);
      return ip ? formatIp(ip) : null;
    }
    case 'ipv6': {
      const ip = parseIpv6(s);
      return ip ? formatIp(ip) : null;
    }
    case 'cidr': {
      const net = parseCidr(s);
      return net ? formatCidr(networkOf(net)) : null;
    }
    case 'domain':
      return normaliseHostname(s);
    case 'url':
      return normaliseUrl(s);
    case 'email':
      return normaliseEmail(s);
    case 'md5':
    case 'sha1':
    case 'sha256': {
      const hex = s.toLowerCase();
      return hex.length === hashLengths[type] && /^[0-9a-f]+$/.test(hex) ? hex : null;
    }
    case 'cve': {
      const cve = s.toUpperCase();
      return cvePattern.test(cve) ? cve : null;
    }
  }
}

/** Escape a value for a STIX pattern string literal: `\` → `\\`, then `'` → `\'`. */
export { escapePatternString } from './pattern/format.js';

/**
 * The canonical form of an observable that a STIX pattern can match. Throws
 * InvalidStixInputError for a CVE (a vulnerability object, not a pattern) or an invalid value.
 */
export function patternObservable(type: IndicatorType, value: string): { type: PatternIndicatorType; value: string } {
  if (type === 'cve') throw new InvalidStixInputError('A CVE is described by a vulnerability object, not by a pattern.', 'type');
  const v = normaliseObservable(type, value);
  if (v === null) throw new InvalidStixInputError(`"${value.slice(0, 100)}" is not a valid ${indicatorTypeLabels[type]}.`, 'value');
  return { type, value: v };
}

/**
 * The STIX pattern that matches this observable, e.g. `[ipv4-addr:value = '198.51.100.1']`:
 * the same text buildPattern (pattern/index.ts) writes for a one-observable list.
 * The value is normalised first; throws InvalidStixInputError for a CVE or an invalid value.
 */
export function patternFor(type: IndicatorType, value: string): string {
  return formatObservables([patternObservable(type, value)]);
}
