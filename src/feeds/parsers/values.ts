// Turns one value from a feed into a typed, canonical observable: IPv4/IPv6 (RFC 5952), CIDR
// (host bits cleared; /32 and /128 are addresses), IP:port and [IPv6]:port (the address),
// domains (lower case, IDNA), URLs (also defanged, or without a scheme), email, MD5/SHA-1/
// SHA-256 (lower case), CVE. Each check is a linear scan; the common dotted quad has a fast path.
import { formatCidr, formatIp, isCanonicalIpv4, networkOf, parseCidr, parseIpv4, parseIpv6 } from '../../stix/ip.js';

export { isCanonicalIpv4 };
import { normaliseHostname, normaliseObservable, normaliseUrl, type IndicatorType } from '../../stix/observables.js';
import { refang } from '../../stix/text.js';

/** A type a feed can be declared as: one indicator type, or 'ip' for IPv4, IPv6 and ranges. */
export type ForcedType = IndicatorType | 'ip';

export type Classified =
  | { ok: true; type: IndicatorType; value: string; note?: string }
  | { ok: false; kind: 'invalid-value' | 'unrecognised' | 'wrong-type'; reason: string }
  /** a real indicator of a kind this hub does not store (a URL path, a SHA-512): skip it, do not reject it */
  | { ok: false; kind: 'unsupported'; what: string; reason: string };

const maxValueLength = 8192;
const hashByLength = new Map<number, IndicatorType>([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
]);
const otherHashLengths = new Map<number, string>([
  [56, 'SHA-224'],
  [96, 'SHA-384'],
  [128, 'SHA-512'],
]);
// Only values that may be defanged pay for refang(): brackets, zero-width marks, hxxp/fxp.
const maybeDefanged = /[[({\u00ad\u200b-\u200d\u2060\ufeff]|^(?:h(?:xx|xt|tx)ps?|fxps?)(?=[:[])/i;
const schemePattern = /^([a-z][a-z0-9+.-]{0,15}):\/\//i;
const cvePattern = /^cve-\d{4}-\d{4,7}$/i;
// An address (dotted digits, or hex with a colon) and something prefix-like: a range, maybe
// broken (`10.0.0.0/33`, `10.0.0.0/-1`), not a URL. `bad.de/2024` is a URL.
const ipRangeShape = /^(?:[\d.]+|[0-9a-f.]*:[0-9a-f:.]*)\/[-+\d]*$/i;

const ok = (type: IndicatorType, value: string, note?: string): Classified => (note ? { ok: true, type, value, note } : { ok: true, type, value });
const bad = (kind: 'invalid-value' | 'unrecognised' | 'wrong-type', reason: string): Classified => ({ ok: false, kind, reason });


function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function classifyAddress(s: string): Classified | null {
  if (isCanonicalIpv4(s)) return ok('ipv4', s);
  const v4 = parseIpv4(s);
  if (v4) return ok('ipv4', formatIp(v4));
  if (s.includes(':')) {
    const v6 = parseIpv6(s);
    if (v6) return ok('ipv6', formatIp(v6));
  }
  return null;
}

function classifyRange(s: string): Classified {
  const net = parseCidr(s);
  if (!net) {
    const [addr = '', prefix = ''] = s.split('/');
    const family = addr.includes(':') ? 'IPv6' : 'IPv4';
    const max = family === 'IPv6' ? 128 : 32;
    if (!classifyAddress(addr)) return bad('invalid-value', `"${addr.slice(0, 60)}" is not a valid ${family} address, so this is not an IP range.`);
    return bad('invalid-value', `/${prefix.slice(0, 10)} is not a valid prefix length for an ${family} range (0 to ${max}).`);
  }
  const clean = networkOf(net);
  const host = net.prefix === net.bytes.length * 8;
  if (host) return ok(net.version === 4 ? 'ipv4' : 'ipv6', formatIp(clean));
  const value = formatCidr(clean);
  const note = clean.bytes.some((b, i) => b !== net.bytes[i]) ? `host bits cleared (written ${formatCidr(net)})` : undefined;
  return ok('cidr', value, note);
}

/** `1.2.3.4:80`, `[2001:db8::1]:443`, `example.com:8080`: the host, and the port as a note. */
function classifyHostPort(s: string): Classified | null {
  let host: string;
  let port: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest === '') return classifyAddress(host);
    if (!rest.startsWith(':')) return null;
    port = rest.slice(1);
  } else {
    const colon = s.indexOf(':');
    if (colon < 0 || s.indexOf(':', colon + 1) >= 0) return null;
    host = s.slice(0, colon);
    port = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return bad('invalid-value', `"${port.slice(0, 20)}" is not a port number (1 to 65535).`);
  const address = classifyAddress(host);
  if (address?.ok) return ok(address.type, address.value, `On port ${Number(port)}`);
  const domain = normaliseHostname(host);
  return domain ? ok('domain', domain, `On port ${Number(port)}`) : null;
}

function classifySchemeless(s: string): Classified {
  // `example.com/path` or `1.2.3.4:8080/x`: a URL without its scheme (MISP reads it the same).
  const slash = s.indexOf('/');
  const hostPart = s.slice(0, slash);
  if (!hostPart) return { ok: false, kind: 'unsupported', what: 'url-path', reason: 'A URL path without a host is not an indicator this hub stores.' };
  const host = classifyHostPort(hostPart) ?? classifyAddress(hostPart) ?? (normaliseHostname(hostPart) ? ok('domain', hostPart) : null);
  if (!host?.ok) return bad('unrecognised', 'This is neither an IP range nor a URL.');
  const url = normaliseUrl(`http://${s}`);
  return url ? ok('url', url, 'no scheme given: http:// assumed') : bad('invalid-value', 'This is not a valid URL.');
}

/** What `raw` is, before any declared type is applied. `raw` should already be trimmed. */
function detect(raw: string): Classified {
  let s = raw;
  if (s.length === 0) return bad('unrecognised', 'The value is empty.');
  if (s.length > maxValueLength) return bad('invalid-value', `The value is ${s.length} characters long; the limit is ${maxValueLength}.`);
  if (isCanonicalIpv4(s)) return ok('ipv4', s);
  // Hashes are never defanged: look for them before paying for the defang check.
  const hash = hashByLength.get(s.length);
  if (hash && isHex(s)) return ok(hash, s.toLowerCase());
  if (maybeDefanged.test(s)) s = refang(s);
  if (s.indexOf('://') > 0) {
    if (!schemePattern.test(s)) return bad('invalid-value', 'The text before :// is not a URL scheme.');
    const url = normaliseUrl(s);
    return url ? ok('url', url) : bad('invalid-value', 'This is not a valid URL (its host, port or characters are wrong).');
  }
  if (s.length > 7 && (s.charCodeAt(0) | 0x20) === 109 && s.slice(0, 7).toLowerCase() === 'mailto:') s = s.slice(7);
  const other = otherHashLengths.get(s.length);
  if (other && isHex(s)) return { ok: false, kind: 'unsupported', what: other.toLowerCase(), reason: `A ${other} hash is not a type this hub stores.` };
  const slash = s.indexOf('/');
  if (s.includes('@') && slash < 0) {
    const email = normaliseObservable('email', s);
    return email ? ok('email', email) : bad('invalid-value', 'This is not a valid email address.');
  }
  if (slash >= 0) return ipRangeShape.test(s) ? classifyRange(s) : classifySchemeless(s);
  const address = classifyAddress(s);
  if (address) return address;
  if (s.includes(':')) {
    const hp = classifyHostPort(s);
    if (hp) return hp;
    return bad('invalid-value', /^[0-9a-f:.[\]]+$/i.test(s) ? 'This is not a valid IPv6 address.' : 'This is not a valid host and port.');
  }
  if (/^[\d.]+$/.test(s)) return bad('invalid-value', 'This is not a valid IPv4 address (four numbers 0–255, no leading zeros).');
  if (cvePattern.test(s)) {
    const cve = normaliseObservable('cve', s);
    if (cve) return ok('cve', cve);
  }
  const domain = normaliseHostname(s);
  if (domain) return ok('domain', domain);
  if (s.includes('.')) return bad('invalid-value', 'This is not a valid domain name.');
  return bad('unrecognised', 'This is not an indicator of a type this hub stores.');
}

const labels: Readonly<Record<IndicatorType, string>> = {
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidr: 'an IP range',
  domain: 'a domain',
  url: 'a URL',
  email: 'an email address',
  md5: 'an MD5 hash',
  sha1: 'a SHA-1 hash',
  sha256: 'a SHA-256 hash',
  cve: 'a CVE',
};

function accepts(forced: ForcedType, type: IndicatorType): boolean {
  if (forced === type) return true;
  // A range list (FireHOL) mixes ranges and single addresses; 'ip' takes any of them.
  if (forced === 'ip' || forced === 'cidr') return type === 'ipv4' || type === 'ipv6' || type === 'cidr';
  return false;
}

/**
 * The canonical observable in `raw` (trimmed by the caller), or why there is none. With
 * `forced`, a valid value of another type is refused as 'wrong-type'.
 */
export function classifyValue(raw: string, forced?: ForcedType): Classified {
  const c = detect(raw);
  if (!c.ok || forced === undefined || accepts(forced, c.type)) return c;
  return bad('wrong-type', `This is ${labels[c.type]}, and the feed holds ${forced === 'ip' ? 'IP addresses and ranges' : labels[forced].replace(/^an? /, '') + 's'}.`);
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$/i;
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : monthDays[month - 1]!;
}

/**
 * A date as feeds write it → ISO 8601 UTC, or null. Takes RFC 3339, `YYYY-MM-DD HH:MM[:SS]`
 * (read as UTC, as abuse.ch writes it), `YYYY-MM-DD`, and Unix seconds or milliseconds.
 * Years 1970–9999 only: other dates in a feed are typos, not sightings.
 */
export function normaliseDate(text: string): string | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 40) return null;
  const quick = quickUtc(s);
  if (quick !== undefined) return quick;
  if (/^\d{9,13}$/.test(s)) {
    const n = Number(s);
    return isoOf(s.length >= 12 ? n : n * 1000);
  }
  const m = isoPattern.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = ''] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Math.min(Number(sec), 59); // a leap second is read as :59
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || Number(sec) > 60) return null;
  const ms = (frac + '000').slice(0, 3);
  if (!/^[+-]/.test(zone)) {
    // UTC already (or no zone, read as UTC): the text is the answer, no Date needed. This
    // is the common case, and the hot path of a million-row CSV.
    return `${y}-${mo}-${d}T${two(hour)}:${two(minute)}:${two(second)}.${ms}Z`;
  }
  const digits = zone.replace(':', '');
  const zh = Number(digits.slice(1, 3));
  const zm = Number(digits.slice(3, 5));
  if (zh > 23 || zm > 59) return null;
  const offset = (zone[0] === '+' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  return isoOf(Date.UTC(year, month - 1, day, hour, minute, second, Number(ms)) + offset);
}

/** Digits of `s` from `at` to `at + n`, or -1: for the fixed-width date shapes. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DDTHH:MM:SSZ` without a regular expression or a Date:
 * the shapes of nearly every dated row. undefined when `s` has another shape.
 */
function quickUtc(s: string): string | null | undefined {
  const n = s.length;
  if (n !== 19 && !(n === 20 && (s.charCodeAt(19) | 0x20) === 122)) return undefined;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 32 && (sep | 0x20) !== 116) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  return `${s.slice(0, 10)}T${s.slice(11, 17)}${second === 60 ? '59' : s.slice(17, 19)}.000Z`;
}

function isoOf(ms: number): string | null {
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799999) return null;
  return new Date(ms).toISOString();
}
