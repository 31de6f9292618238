// Indicators in free text ("we saw hxxp://evil[.]example/login from 203.0.113[.]7"), after
// MISP's ComplexTypeTool rules, with bounded work; and defang() to show them safely.
import { parseCidr, parseIpv4, parseIpv6, formatIp, formatCidr, networkOf } from './ip.js';
import { normaliseHostname, normaliseObservable, normaliseUrl, type IndicatorType } from './observables.js';
import { checkTextSize, refang, subTokens, tokenise, type Token } from './text.js';
import { isKnownTld } from './tlds.js';

export interface ExtractedIndicator {
  type: IndicatorType;
  /** normalised (see normaliseObservable) */
  value: string;
  /** as written in the text */
  original: string;
  /** e.g. 'On port 8080' */
  note?: string;
}

export interface ExtractOptions {
  /** larger texts are refused with InputTooLargeError (UTF-8 bytes); default 5 MiB */
  maxInputBytes?: number;
  /** at most this many indicators are returned; default 5000 */
  maxIndicators?: number;
  /** at most this many tokens are examined; default 1,000,000 */
  maxTokens?: number;
}

export const extractDefaults: Readonly<Required<ExtractOptions>> = { maxInputBytes: 5 * 1024 * 1024, maxIndicators: 5000, maxTokens: 1_000_000 };

export interface ExtractionResult {
  indicators: ExtractedIndicator[];
  /** true when a cap stopped the scan: there may be more indicators in the text */
  truncated: boolean;
  tokensRead: number;
}

interface Candidate {
  type: IndicatorType;
  value: string;
  note?: string;
}

const urlSchemes = new Set(['http', 'https', 'ftp', 'ftps', 'sftp', 'ws', 'wss']);
// RFC 2606 names, so that documentation and training samples (evil.example) work.
const reservedTlds = new Set(['example', 'test']);
// Top-level domains that are also common file extensions: `invoice.zip` may be either.
const fileLikeTlds = new Set(['zip', 'mov', 'py', 'sh', 'md', 'rs', 'pl', 'so', 'cab', 'java']);
const hashTypes = new Map<number, IndicatorType | null>([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
  // SHA-224/384/512: recognised so they are not mistaken for anything else, but not reported.
  [56, null],
  [96, null],
  [128, null],
]);
const maxNoteLength = 200;

function tldOf(host: string): string {
  return host.slice(host.lastIndexOf('.') + 1);
}

function hasKnownTld(host: string): boolean {
  const tld = tldOf(host);
  return isKnownTld(tld) || reservedTlds.has(tld);
}

/** undefined: not hash-shaped; null: a hash of a kind we do not report. */
function classifyHash(token: string): Candidate | null | undefined {
  // MISP's `filename|hash`, and the common `md5:hash` / `sha256:hash`.
  const bar = Math.max(token.lastIndexOf('|'), token.lastIndexOf(':'));
  const hex = bar >= 0 ? token.slice(bar + 1) : token;
  if (!hashTypes.has(hex.length) || !/^[0-9a-f]+$/i.test(hex)) return undefined;
  const type = hashTypes.get(hex.length);
  return type ? { type, value: hex.toLowerCase() } : null;
}

function classifyIp(text: string): Candidate | null {
  const v4 = parseIpv4(text);
  if (v4) return { type: 'ipv4', value: formatIp(v4) };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  if (v6) return { type: 'ipv6', value: formatIp(v6) };
  const net = text.includes('/') ? parseCidr(text) : null;
  return net ? { type: 'cidr', value: formatCidr(networkOf(net)) } : null;
}

/** Split a trailing `:port` (MISP: "On port N") or `[IPv6]:port`. */
function splitPort(text: string): { host: string; port: number | null } | null {
  const v6 = /^\[([0-9a-f:.]{2,45})\](?::(\d{1,5}))?$/i.exec(text);
  const m = v6 ?? /^([^:]+):(\d{1,5})$/.exec(text);
  if (!m) return { host: text, port: null };
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { host: m[1]!, port };
}

function withNote(c: Candidate | null, note: string | undefined): Candidate | null {
  return c && note ? { ...c, note: c.note ? `${c.note}; ${note}` : note } : c;
}

/** MISP's order: plain IP, hashes, refang, URL, email, port, IP/CIDR, domain, CVE. */
function classify(raw: string): Candidate | null {
  const plain = classifyIp(raw);
  if (plain) return plain;
  const hash = classifyHash(raw);
  if (hash !== undefined) return hash;

  const refanged = refang(raw);
  const defanged = refanged !== raw;
  const text = refanged.replace(/^mailto:/i, '');
  if (!text) return null;

  // A URL inside a longer token: `scriptlet:hxxp[:]//…`, `URL:https://…`.
  const embedded = text.indexOf('://') > 0 ? /(?<![a-z])(?:https?|ftps?|sftp|wss?):\/\/.*$/is.exec(text) : null;
  if (embedded && embedded.index > 0) return classify(embedded[0]);
  const scheme = /^([a-z][a-z0-9+.-]{0,15}):\/\//i.exec(text);
  if (scheme) {
    if (!urlSchemes.has(scheme[1]!.toLowerCase())) return null;
    const url = normaliseUrl(text);
    return url ? { type: 'url', value: url } : null;
  }
  const slash = text.indexOf('/');
  if (text.includes('@') && slash < 0) {
    const email = normaliseObservable('email', text);
    return email && hasKnownTld(email) ? { type: 'email', value: email } : null;
  }
  if (slash >= 0) {
    const net = parseCidr(text);
    if (net) return { type: 'cidr', value: formatCidr(networkOf(net)) };
    // MISP: a host with a known TLD followed by a path is a URL without its scheme.
    // `10.0.0.0/33` is a broken range, not a URL.
    if (/^[\d./]+$/.test(text)) return null;
    const hp = splitPort(text.slice(0, slash));
    const host = hp && (parseIpv4(hp.host) ? hp.host : normaliseHostname(hp.host));
    if (!host || !(parseIpv4(host) || hasKnownTld(host))) return null;
    const url = normaliseUrl(`http://${text}`);
    return url ? { type: 'url', value: url, note: 'No scheme given: http:// assumed' } : null;
  }
  const hp = splitPort(text);
  if (!hp) return null;
  const note = hp.port === null ? undefined : `On port ${hp.port}`;
  const ip = classifyIp(hp.host);
  if (ip) return withNote(ip, note);
  const domain = normaliseHostname(hp.host);
  if (domain && hasKnownTld(domain)) {
    const ambiguous = !defanged && fileLikeTlds.has(tldOf(domain)) ? `.${tldOf(domain)} is also a file extension: check this is a domain` : undefined;
    return withNote(withNote({ type: 'domain', value: domain }, note), ambiguous);
  }
  if (/^cve-\d{4}-\d{4,7}$/i.test(text)) {
    const cve = normaliseObservable('cve', text);
    return cve ? { type: 'cve', value: cve } : null;
  }
  return null;
}

// Cheap pre-check so ordinary words cost one regex test: every indicator has one of these
// characters, is hash-shaped, starts with CVE, or has parts (key=value, quotes) to look into.
const maybeIndicator = /[.:@/[({|="']|^cve-/i;

function candidates(token: Token): Array<{ candidate: Candidate; original: string }> {
  if (token.text.length < 3) return [];
  if (!maybeIndicator.test(token.text) && !hashTypes.has(token.text.length)) return [];
  const whole = classify(token.text);
  if (whole) return [{ candidate: whole, original: token.text }];
  const out: Array<{ candidate: Candidate; original: string }> = [];
  for (const part of subTokens(token)) {
    const c = part.text.length >= 3 ? classify(part.text) : null;
    if (c) out.push({ candidate: c, original: part.text });
  }
  return out;
}

/** The string leaves of a JSON document, in document order; null when `text` is not JSON. */
function jsonStrings(text: string): string[] | null {
  if (!/^\s*[[{]/.test(text)) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const out: string[] = [];
  const stack: unknown[] = [data]; // iterative: deeply nested input must not overflow the stack
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') {
      const children = Array.isArray(v) ? v : Object.values(v);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return out;
}

function mergeNote(a: string | undefined, b: string | undefined): string | undefined {
  if (!b || a === b || (a && (a.length >= maxNoteLength || a.split('; ').includes(b)))) return a;
  return a ? `${a}; ${b}` : b;
}

/**
 * Indicators in `text`, each once (by type and normalised value) in order of first
 * appearance, with a note such as 'On port 8080'. Throws InputTooLargeError past
 * `maxInputBytes`; stops at `maxIndicators` or `maxTokens` and says so with `truncated`.
 */
export function scanIndicators(text: string, options: ExtractOptions = {}): ExtractionResult {
  const limits = { ...extractDefaults, ...options };
  checkTextSize(text, limits.maxInputBytes);
  const found = new Map<string, ExtractedIndicator>();
  let tokensRead = 0;
  let truncated = false;
  scan: for (const source of jsonStrings(text) ?? [text]) {
    for (const token of tokenise(source)) {
      if (tokensRead >= limits.maxTokens) {
        truncated = true;
        break scan;
      }
      tokensRead++;
      if (token.tooLong) continue;
      for (const { candidate, original } of candidates(token)) {
        const key = `${candidate.type}|${candidate.value}`;
        const seen = found.get(key);
        if (seen) {
          const note = mergeNote(seen.note, candidate.note);
          if (note) seen.note = note;
          continue;
        }
        if (found.size >= limits.maxIndicators) {
          truncated = true;
          break scan;
        }
        found.set(key, { type: candidate.type, value: candidate.value, original, ...(candidate.note ? { note: candidate.note } : {}) });
      }
    }
  }
  return { indicators: [...found.values()], truncated, tokensRead };
}

/** scanIndicators(text, options).indicators. */
export function extractIndicators(text: string, options?: ExtractOptions): ExtractedIndicator[] {
  return scanIndicators(text, options).indicators;
}

/**
 * A value made safe to show or paste (no live links): `http` → `hxxp`, `ftp` → `fxp`, dots of
 * host names and IPv4 addresses → `[.]`, IPv6 colons → `[:]`. URL paths, email local parts,
 * hashes and CVEs stay as they are. refang() (and extraction) undo it.
 */
export function defang(value: string): string {
  const url = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#\\]*)(.*)$/is.exec(value);
  if (url) {
    const [, scheme = '', authority = '', rest = ''] = url;
    const s = scheme.toLowerCase();
    const defScheme = s === 'http' || s === 'https' ? `hxxp${s.slice(4)}` : s === 'ftp' || s === 'ftps' ? `fxp${s.slice(3)}` : scheme;
    return `${defScheme}://${authority.replaceAll('.', '[.]')}${rest}`;
  }
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value.slice(0, at)}@${value.slice(at + 1).replaceAll('.', '[.]')}`;
  if (value.includes(':') && (parseIpv6(value) || parseCidr(value))) return value.replaceAll(':', '[:]');
  return value.replaceAll('.', '[.]');
}
