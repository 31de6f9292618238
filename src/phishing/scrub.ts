// Keeping people out of storage: the addresses and names of whoever submitted or received a
// checked email are found in its headers (and the mailbox envelope) and replaced in
// everything the hub keeps — findings, indicators, subject — before it is written.
import MsgReaderModule from '@kenjiuno/msgreader';
import type { Analysis, ExtractedObservable } from './analysis/index.js';
import { headerValues, parseAddresses, readHeaders } from './mime.js';

export interface PersonalData {
  /** lower-case addresses */
  addresses: ReadonlySet<string>;
  names: ReadonlySet<string>;
}

export interface PersonalExtras {
  addresses?: readonly string[];
  names?: readonly string[];
  /** a forwarding message around the checked one: its From, Reply-To and recipients count too */
  fieldsOf?: Buffer;
}

const oleMagic = Buffer.from('d0cf11e0a1b11ae1', 'hex');

// The package is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type MsgReaderClass = typeof import('@kenjiuno/msgreader').default;
const MsgReader: MsgReaderClass = ((MsgReaderModule as unknown as { default?: MsgReaderClass }).default ?? MsgReaderModule) as MsgReaderClass;

/** The recipients of an Outlook .msg: its recipient table and the transport headers it kept. */
function outlookRecipients(raw: Buffer): { addresses: string[]; names: string[] } {
  try {
    const data = new MsgReader(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer).getFileData();
    if (data.error) return { addresses: [], names: [] };
    const fromHeaders = data.headers ? parseAddresses(headerValues(readHeaders(Buffer.from(`${data.headers}\r\n\r\n`, 'utf8')), recipientFields)) : { addresses: [], names: [] };
    const addresses = [...fromHeaders.addresses];
    const names = [...fromHeaders.names];
    for (const r of data.recipients ?? []) {
      for (const a of [r.smtpAddress, r.email]) if (a && a.includes('@')) addresses.push(a.toLowerCase());
      if (r.name) names.push(r.name);
    }
    return { addresses, names };
  } catch {
    // A damaged file: the analysis says so; there is nothing to scrub from it.
    return { addresses: [], names: [] };
  }
}

/** Header fields naming the recipient (the resident) rather than the sender. */
const recipientFields = ['to', 'cc', 'bcc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-forwarded-to', 'x-rcpt-to', 'resent-to', 'apparently-to'];

export const yourAddress = '[your address]';
export const aName = '[name]';

/**
 * The personal data of a checked message: its recipients, plus what the caller knows (the
 * mailbox's envelope sender and the forwarding message's From and Reply-To).
 */
export function personalDataOf(raw: Buffer, extra: PersonalExtras = {}): PersonalData {
  const found = raw.subarray(0, 8).equals(oleMagic) ? outlookRecipients(raw) : parseAddresses(headerValues(readHeaders(raw), recipientFields));
  const addresses = new Set(found.addresses);
  const names = new Set(found.names);
  if (extra.fieldsOf) {
    // The forwarding message: its sender and recipients are all the resident's side.
    const outer = parseAddresses(headerValues(readHeaders(extra.fieldsOf), [...recipientFields, 'from', 'reply-to', 'sender', 'return-path']));
    for (const a of outer.addresses) addresses.add(a);
    for (const n of outer.names) names.add(n);
  }
  for (const a of extra.addresses ?? []) if (a.includes('@')) addresses.add(a.toLowerCase());
  for (const n of extra.names ?? []) names.add(n);
  // Short or letterless "names" (initials, "IT") would scrub ordinary words.
  for (const n of names) if (n.length < 4 || !/\p{L}{2}/u.test(n) || n.includes('@')) names.delete(n);
  return { addresses, names };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The spellings an address takes in text and links: plain, defanged, URL-encoded, base64. */
function spellings(address: string): string[] {
  const at = address.indexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const b64 = Buffer.from(address).toString('base64');
  return [
    address,
    `${local}@${domain.replaceAll('.', '[.]')}`,
    `${encodeURIComponent(local)}%40${domain}`,
    b64.replace(/=+$/, ''),
    Buffer.from(address).toString('base64url'),
  ];
}

export interface Scrubber {
  text(value: string): string;
  /** true when the value is, or contains, personal data */
  touches(value: string): boolean;
}

export function createScrubber(pd: PersonalData): Scrubber {
  const patterns: Array<{ re: RegExp; by: string }> = [];
  for (const a of pd.addresses) {
    for (const s of spellings(a)) if (s.length >= 6) patterns.push({ re: new RegExp(escapeRegExp(s), 'gi'), by: yourAddress });
  }
  for (const n of pd.names) patterns.push({ re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, 'giu'), by: aName });
  return {
    text(value) {
      let out = value;
      for (const p of patterns) out = out.replace(p.re, p.by);
      return out;
    },
    touches(value) {
      return patterns.some((p) => {
        p.re.lastIndex = 0;
        const hit = p.re.test(value);
        p.re.lastIndex = 0;
        return hit;
      });
    },
  };
}

/** The analysis as the hub may keep it: personal data replaced, the resident's own address dropped. */
export function scrubAnalysis(analysis: Analysis, pd: PersonalData): Analysis {
  if (pd.addresses.size === 0 && pd.names.size === 0) return analysis;
  const s = createScrubber(pd);
  const indicators: ExtractedObservable[] = [];
  for (const i of analysis.indicators) {
    // The resident's own address is not an indicator of anything.
    if (i.type === 'email' && pd.addresses.has(i.value.toLowerCase())) continue;
    indicators.push(s.touches(i.value) || s.touches(i.defanged) ? { ...i, value: s.text(i.value), defanged: s.text(i.defanged) } : i);
  }
  return {
    ...analysis,
    summary: s.text(analysis.summary),
    subject: s.text(analysis.subject),
    findings: analysis.findings.map((f) => ({
      ...f,
      title: s.text(f.title),
      detail: s.text(f.detail),
      ...(f.evidence ? { evidence: f.evidence.map((e) => s.text(e)) } : {}),
    })),
    advice: analysis.advice.map((a) => s.text(a)),
    indicators,
    attachments: analysis.attachments.map((a) => ({ ...a, name: s.text(a.name), ...(a.entries ? { entries: a.entries.map((e) => s.text(e)) } : {}) })),
    ...(analysis.unreadableReason !== undefined ? { unreadableReason: s.text(analysis.unreadableReason) } : {}),
  };
}
