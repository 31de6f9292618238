// Text that goes into export files: titles and names made one plain line (no line breaks,
// control or bidirectional characters), TLP and confidence as tools spell them, and the
// checks every writer makes before it trusts a value to its syntax.
import { isCanonicalIpv4 } from '../../stix/ip.js';
import { normaliseObservable } from '../../stix/observables.js';
import type { Tlp } from '../../stix/tlp.js';
import type { ExportItem } from './types.js';

// Line breaks of every kind (tab too: it is a separator in Zeek and a surprise elsewhere).
const breaks = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// C0, DEL and C1 controls left after the breaks, bidi embeddings/overrides/isolates and marks
// (they can make a title read differently from what it says), and the byte-order mark.
const invisible = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One plain line of at most `max` characters (code points), `…` when cut. */
export function plainText(input: string, max = 200): string {
  const s = input.replace(loneSurrogate, '\ufffd').replace(breaks, ' ').replace(invisible, '').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** plainText limited to printable ASCII, for files whose readers are byte-minded (zone files, hosts). */
export function asciiText(input: string, max = 200): string {
  return plainText(input, max)
    .replace(/…$/, '...')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** `TLP:AMBER+STRICT`: the TLP 2.0 label. */
export function tlpLabel(tlp: Tlp): string {
  return `TLP:${tlp.toUpperCase()}`;
}

/** The title of the newest visible source, as one plain line ('' when there is none). */
export function firstTitle(item: ExportItem, max = 120): string {
  const first = item.sources[0];
  return first ? plainText(first.title, max) : '';
}

/**
 * The item's value is the canonical form of its type. The store only holds canonical values,
 * so anything else is a bug upstream; writers refuse it rather than trust it to their syntax.
 */
export function isCanonical(item: ExportItem): boolean {
  if (typeof item.value !== 'string') return false;
  // The common case without parsing and printing the address again (the same answer).
  if (item.type === 'ipv4') return isCanonicalIpv4(item.value);
  return normaliseObservable(item.type, item.value) === item.value;
}

// RFC 3986 characters only, and none that a rule, a CSV cell or a tab-separated field treats specially.
const safeUrl = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,=%-]+$/;

/** The hub page of an item when it is a plain http(s) URL, else null (then it is left out). */
export function safeHubUrl(url: string): string | null {
  return url.length <= 2048 && safeUrl.test(url) && !url.includes(';') ? url : null;
}

const storedIso = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** An ISO 8601 timestamp as `YYYY-MM-DDTHH:mm:ss.sssZ`, or null when it is not one. */
export function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  // What the store holds (toISOString's own output) needs no parsing and printing again; days
  // after the 28th go the long way, which moves 30 February to March as before.
  if (storedIso.test(value) && value.slice(8, 10) <= '28') return value;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** A confidence as a whole number from 0 to 100 (bad input counts as 0). */
export function confidenceOf(item: ExportItem): number {
  const c = Math.round(Number(item.confidence));
  return Number.isFinite(c) ? Math.min(100, Math.max(0, c)) : 0;
}

/** The STIX 2.1 Appendix A None/Low/Med/High scale, spelt as ECS expects it. */
export function confidenceWord(confidence: number): 'None' | 'Low' | 'Medium' | 'High' {
  if (confidence <= 0) return 'None';
  if (confidence < 30) return 'Low';
  if (confidence < 70) return 'Medium';
  return 'High';
}

/**
 * JSON text with U+2028/U+2029 and the bidi controls written as \u escapes: the same JSON value,
 * but no line splitter can cut the document and no viewer can reorder what a reader sees.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
