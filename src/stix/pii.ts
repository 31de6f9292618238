// Personal and internal data in a warning's free text (emails, phone numbers, people's names,
// the sender's own host names, private addresses) and its redaction before sharing.
import { InvalidStixInputError } from './errors.js';
import { isInternalIp, networkContains, networkOf, parseCidr, parseIp, type IpAddress, type IpNetwork } from './ip.js';
import { normaliseHostname } from './observables.js';
import { checkTextSize, refang, subTokens, tokenise, type Token } from './text.js';

export const piiKinds = ['email', 'phone', 'person-name', 'internal-hostname', 'private-ip'] as const;
export type PiiKind = (typeof piiKinds)[number];

export interface PiiFinding {
  kind: PiiKind;
  /** offsets in the text: text.slice(start, end) === this.text */
  start: number;
  end: number;
  text: string;
}

export interface PiiOptions {
  /** the sender's domains: their hosts (and the domains themselves) are internal */
  ownDomains: string[];
  /** the sender's address ranges (CIDR or single addresses) */
  ownIpRanges: string[];
  /** larger texts are refused with InputTooLargeError; default 5 MiB */
  maxInputBytes?: number;
}

export const redactionLabels: Readonly<Record<PiiKind, string>> = {
  email: '[REDACTED EMAIL]',
  phone: '[REDACTED PHONE]',
  'person-name': '[REDACTED NAME]',
  'internal-hostname': '[REDACTED HOSTNAME]',
  'private-ip': '[REDACTED IP]',
};

interface Context {
  domains: string[];
  ranges: IpNetwork[];
}

function isOwnHost(host: string, ctx: Context): boolean {
  return ctx.domains.some((d) => host === d || host.endsWith(`.${d}`));
}

function isPrivateAddress(ip: IpAddress, ctx: Context): boolean {
  return isInternalIp(ip) || ctx.ranges.some((r) => networkContains(r, ip));
}

const emailPattern = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[^@]{3,253}$/i;

/** What one token (refanged) reveals, if anything: an email, an internal host or address. */
function classifyToken(raw: string, ctx: Context): PiiKind | null {
  let t = refang(raw).replace(/^mailto:/i, '');
  if (t.includes('@') && !t.includes('/') && emailPattern.test(t)) {
    return normaliseHostname(t.slice(t.lastIndexOf('@') + 1)) ? 'email' : null;
  }
  let host: string;
  const url = /^[a-z][a-z0-9+.-]{0,15}:\/\/(?:[^/?#@]*@)?([^/?#\\]*)/i.exec(t);
  if (url) host = url[1]!;
  else if (t.startsWith('\\\\')) host = t.slice(2).split('\\')[0]!; // UNC path \\host\share
  else {
    const net = parseCidr(t);
    if (net) return isPrivateAddress(networkOf(net), ctx) ? 'private-ip' : null;
    host = t.split('/')[0]!;
  }
  t = host;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  else if (!parseIp(t)) t = t.replace(/:\d{1,5}$/, '');
  t = t.replace(/%[\w.-]{1,32}$/, ''); // IPv6 zone: fe80::1%eth0
  const ip = parseIp(t);
  if (ip) return isPrivateAddress(ip, ctx) ? 'private-ip' : null;
  const name = normaliseHostname(t);
  return name && isOwnHost(name, ctx) ? 'internal-hostname' : null;
}

function tokenFindings(text: string, ctx: Context): PiiFinding[] {
  const out: PiiFinding[] = [];
  const add = (t: Token, kind: PiiKind): void => void out.push({ kind, start: t.start, end: t.end, text: t.text });
  for (const token of tokenise(text)) {
    if (token.tooLong || token.text.length < 3 || !/[.:@\\[({]/.test(token.text)) continue;
    const kind = classifyToken(token.text, ctx);
    if (kind) {
      add(token, kind);
      continue;
    }
    for (const part of subTokens(token)) {
      const k = classifyToken(part.text, ctx);
      if (k) add(part, k);
    }
  }
  return out;
}

// North American numbers: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567,
// 1-800-555-1234, and the made-up 555-123-4567 of examples (so no NANP digit rules). Not
// inside words, IPs, versions, hashes or CVE ids: the look-behind and look-ahead refuse
// letters, digits, dots and dashes next to it.
const northAmerican = /(?<![\w.+/-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w/-]|\.\d)/g;
// Unformatted ten digits count only after a word that says it is a phone number.
const labelledDigits = /(?<=\b(?:[Pp]hone|PHONE|[Tt]el|TEL|[Cc]ell|[Mm]obile|[Ff]ax)\b[ \t]{0,3}[:.#]?[ \t]{0,3})(?:\+?1)?[2-9]\d{9}(?![\w-])/g;

/** International numbers written with a leading +: +44 20 7946 0958, +49-30-123456, +33 1 23 45 67 89. */
function internationalPhones(text: string, out: PiiFinding[]): void {
  for (let i = text.indexOf('+'); i >= 0; i = text.indexOf('+', i + 1)) {
    const before = i > 0 ? text[i - 1]! : ' ';
    if (/[\w+.:/-]/.test(before) || !/\d/.test(text[i + 1] ?? '')) continue;
    let end = i + 1;
    let digits = 0;
    let lastDigitEnd = i + 1;
    // At most 24 characters of digits, single spaces, dots, dashes and parentheses.
    while (end < text.length && end - i <= 24) {
      const c = text[end]!;
      if (c >= '0' && c <= '9') {
        digits++;
        lastDigitEnd = end + 1;
      } else if (!(c === '-' || c === '.' || c === '(' || c === ')' || (c === ' ' && text[end + 1] !== ' '))) break;
      end++;
    }
    const next = text[lastDigitEnd] ?? ' ';
    if (digits < 8 || digits > 15 || /[\w]/.test(next) || (next === '.' && /\d/.test(text[lastDigitEnd + 1] ?? ''))) continue;
    out.push({ kind: 'phone', start: i, end: lastDigitEnd, text: text.slice(i, lastDigitEnd) });
  }
}

function phoneFindings(text: string): PiiFinding[] {
  const out: PiiFinding[] = [];
  for (const re of [northAmerican, labelledDigits]) {
    for (const m of text.matchAll(re)) out.push({ kind: 'phone', start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  internationalPhones(text, out);
  return out;
}

// A capitalised name word: Smith, O'Brien, Smith-Jones, McDonald, José.
const W = String.raw`\p{Lu}[\p{L}'’-]{0,30}\p{Ll}`;
const name1to3 = String.raw`${W}(?:[ \t]+(?:\p{Lu}\.|${W})){0,2}`;
const name2to3 = String.raw`${W}(?:[ \t]+(?:\p{Lu}\.|${W})){1,2}`;
const honorifics =
  'Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Officer|Sgt|Sergeant|Det|Detective|Lt|Lieutenant|Capt|Captain|Cpl|Corporal|Deputy|Sheriff|Chief|' +
  'Councilman|Councilwoman|Councilmember|Councillor|Councilor|Alderman|Alderwoman|Mayor|Commissioner|Judge|Rev|Sir|Dame|Madam';
const byHonorific = new RegExp(String.raw`(?<!\p{L})(?:(?:${honorifics})\.?[ \t]+){1,3}(${name1to3})`, 'dgu');
const byLabel = new RegExp(
  String.raw`(?<!\p{L})(?:(?:[Cc]ontact(?:[ \t]+[Pp]erson)?|CONTACT|POC|[Pp]oint[ \t]+of[ \t]+[Cc]ontact|[Nn]ame|NAME|[Ff]rom|FROM|[Aa]ttn|ATTN|[Cc]aller|[Vv]ictim|[Ee]mployee|[Uu]ser)[ \t]*[:–-][ \t]*|(?:[Cc]ontact|[Rr]eported[ \t]+by|[Ss]ubmitted[ \t]+by|[Ss]ent[ \t]+by|[Cc]all|[Aa]sk(?:[ \t]+for)?)[ \t]+)(${name2to3})`,
  'dgu',
);
const closings =
  '[Rr]egards|[Bb]est[ \\t]+[Rr]egards|[Kk]ind[ \\t]+[Rr]egards|[Ww]arm[ \\t]+[Rr]egards|[Bb]est[ \\t]+[Ww]ishes|[Ss]incerely|[Rr]espectfully|' +
  '[Tt]hanks|[Tt]hank[ \\t]+[Yy]ou|[Mm]any[ \\t]+[Tt]hanks|[Cc]heers|[Bb]est|[Cc]ordially|V\\/[Rr]|[Yy]ours[ \\t]+(?:[Tt]ruly|[Ss]incerely)';
const bySignature = new RegExp(String.raw`(?<![^\n])[ \t]*(?:${closings})[ \t]*[,.!]?[ \t]*(?:\r?\n[ \t]*)?(${name1to3})[ \t]*(?=\r?\n|$)`, 'dgu');

// Words that follow a title but are not a name: "Chief Information Security Officer".
const notNames = new Set(
  (
    'Information Security Officer Executive Technology Department Dept City County State Police Fire Public Works Office Team ' +
    'Manager Director Administrator Admin Council Court Services Service Operations Finance Financial Clerk Treasurer Attorney ' +
    'General Staff Support Help Desk Center Centre Network Networks Systems System Data Privacy Risk Compliance Communications ' +
    'Emergency Management Human Resources Legal Engineer Analyst Specialist Coordinator Supervisor Commander Unit Division ' +
    'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September ' +
    'October November December Microsoft Google Outlook Windows Office365 Teams Zoom Hello Dear Please Thanks Regards Best ' +
    'Hall Inc LLC Corp Corporation Company Group University College School District Authority Agency Bureau Commission ' +
    'Committee Board Region Regional Municipal Township Village Town Borough Parish Tribe Nation Hospital Library Utilities ' +
    'Water Transit Airport Port Attention'
  )
    .split(' ')
    .concat(honorifics.split('|')),
);

function nameFindings(text: string): PiiFinding[] {
  const out: PiiFinding[] = [];
  for (const re of [byHonorific, byLabel, bySignature]) {
    for (const m of text.matchAll(re)) {
      const [groupStart] = m.indices![1]!;
      const words = [...m[1]!.matchAll(/\S+/g)];
      const stop = words.findIndex((w) => notNames.has(w[0]));
      // After a title, a name ends at the first title or organisation word ("Officer Jane Doe
      // Police"); after a label or a closing, such a word means it was no name at all.
      if (stop >= 0 && re !== byHonorific) continue;
      const kept = stop >= 0 ? words.slice(0, stop) : words;
      if (kept.length < (re === byLabel ? 2 : 1) || kept.every((w) => /^\p{Lu}\.$/u.test(w[0]))) continue;
      const last = kept[kept.length - 1]!;
      const end = groupStart + last.index + last[0].length;
      out.push({ kind: 'person-name', start: groupStart, end, text: text.slice(groupStart, end) });
    }
  }
  return out;
}

/** Sorted by start; exact duplicates dropped, and overlapping findings of one kind joined. */
function tidy(findings: PiiFinding[], text: string): PiiFinding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PiiFinding[] = [];
  const lastOfKind = new Map<PiiKind, PiiFinding>();
  for (const f of sorted) {
    const prev = lastOfKind.get(f.kind);
    if (prev && f.start < prev.end) {
      if (f.end > prev.end) {
        prev.end = f.end;
        prev.text = text.slice(prev.start, prev.end);
      }
      continue;
    }
    const copy = { ...f };
    out.push(copy);
    lastOfKind.set(f.kind, copy);
  }
  return out;
}

/**
 * Personal data and internal details in `text`: email addresses, phone numbers, people's
 * names where the text gives them away (a title, a "contact:" label, a signature), hosts in
 * the sender's own domains, and private, loopback, link-local or the sender's own addresses.
 * Public addresses and outside domains are not flagged: they are the indicators.
 */
export function findPersonalData(text: string, options: PiiOptions): PiiFinding[] {
  checkTextSize(text, options.maxInputBytes ?? 5 * 1024 * 1024);
  const ctx: Context = {
    domains: options.ownDomains.map((d) => normaliseHostname(d)).filter((d): d is string => d !== null),
    ranges: options.ownIpRanges.flatMap((r) => {
      const trimmed = r.trim();
      const net = parseCidr(trimmed);
      if (net) return [networkOf(net)];
      const ip = parseIp(trimmed);
      return ip ? [{ ...ip, prefix: ip.bytes.length * 8 }] : [];
    }),
  };
  return tidy([...tokenFindings(text, ctx), ...phoneFindings(text), ...nameFindings(text)], text);
}

/**
 * `text` with every finding replaced by its label (`[REDACTED EMAIL]`…). Overlapping findings
 * are merged into one replacement, labelled by the one that starts first. Throws when a
 * finding does not match the text (it was found in another text: redacting would leak).
 */
export function redact(text: string, findings: readonly PiiFinding[]): string {
  for (const f of findings) {
    if (!(f.start >= 0 && f.end > f.start && f.end <= text.length) || text.slice(f.start, f.end) !== f.text) {
      throw new InvalidStixInputError(`The finding at ${f.start}-${f.end} does not match the text.`, 'findings');
    }
  }
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: Array<{ start: number; end: number; kind: PiiKind }> = [];
  for (const f of sorted) {
    const last = spans[spans.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ start: f.start, end: f.end, kind: f.kind });
  }
  // Built in one pass from the original offsets: the same result as replacing right to left,
  // without copying the text once per finding.
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    parts.push(text.slice(at, s.start), redactionLabels[s.kind]);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
