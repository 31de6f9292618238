// Mailboxes in From, Reply-To, Return-Path and forwarded header lines: the display name people
// see, the address, and its domain. Lenient on purpose: phishing headers are rarely well formed.
import { decodeEncodedWords } from './charset.js';
import { normaliseHostname } from '../../stix/observables.js';

export interface Mailbox {
  /** display name as shown ('' when none) */
  name: string;
  /** the address, lower-cased ('' when none could be read) */
  address: string;
  /** the address's domain, IDN in punycode; null when not a valid host name */
  domain: string | null;
}

const addrSpec = /[^\s<>"(),;:[\]]{1,64}@[^\s<>"(),;:[\]]{1,255}/;

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? normaliseHostname(address.slice(at + 1).replace(/[>.]+$/, '')) : null;
}

function cleanName(name: string): string {
  return decodeEncodedWords(name)
    .replace(/^[\s"']+|[\s"']+$/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first mailbox in a header value; null when the value holds none. */
export function parseMailbox(value: string | undefined): Mailbox | null {
  if (!value) return null;
  const v = value.slice(0, 2000);
  // Outlook's quoted headers write "Name [mailto:addr]".
  const mailto = /^(.*?)\[mailto:([^\]\s]+)\]/i.exec(v);
  if (mailto) return { name: cleanName(mailto[1]!), address: mailto[2]!.toLowerCase(), domain: domainOf(mailto[2]!) };
  const angle = /^([^<]*)<([^<>]*)>/.exec(v);
  if (angle) {
    const address = angle[2]!.trim().replace(/^mailto:/i, '').toLowerCase();
    return { name: cleanName(angle[1]!), address, domain: address.includes('@') ? domainOf(address) : null };
  }
  const bare = addrSpec.exec(v);
  if (bare) {
    const rest = (v.slice(0, bare.index) + v.slice(bare.index + bare[0].length)).replace(/[()]/g, ' ');
    const address = bare[0].toLowerCase();
    return { name: cleanName(rest), address, domain: domainOf(address) };
  }
  const name = cleanName(v);
  return name ? { name, address: '', domain: null } : null;
}

/** Every mailbox in a list header (Reply-To may hold several). */
export function parseMailboxList(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const out: Mailbox[] = [];
  // Split on commas outside quotes and angle brackets.
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of value.slice(0, 4000)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth = Math.max(0, depth - 1);
    if (ch === ',' && !quoted && depth === 0) {
      const m = parseMailbox(current);
      if (m && m.address) out.push(m);
      current = '';
      if (out.length >= 20) return out;
    } else current += ch;
  }
  const m = parseMailbox(current);
  if (m && m.address) out.push(m);
  return out;
}
