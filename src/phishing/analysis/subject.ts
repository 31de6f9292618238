// The subject kept in an analysis, with personal data removed: email addresses, phone numbers,
// names the text gives away, and the recipient's own name or mailbox name.
import { findPersonalData, redact } from '../../stix/pii.js';
import { parseMailboxList } from './address.js';

const maxLength = 300;

/**
 * `subject` without addresses and personal names; `people` are address headers of the people
 * on the resident's side (To, and the forwarder's From), whose names must not be kept.
 */
export function scrubSubject(subject: string, ...people: Array<string | undefined>): string {
  let s = subject.replace(/\s+/g, ' ').trim().slice(0, maxLength);
  // Bare addresses first (even ones the validator rejects, like phishing@pot).
  s = s.replace(/[^\s<>"(),;:@]{1,64}@[^\s<>"(),;:@]{1,255}/g, '[REDACTED EMAIL]');
  // The recipient's name and mailbox name, when the sender pasted them into the subject.
  const words = new Set<string>();
  for (const m of people.flatMap((p) => parseMailboxList(p))) {
    const local = m.address.split('@')[0] ?? '';
    if (local.length >= 3) words.add(local);
    for (const part of m.name.split(/[\s,.]+/)) if (part.length >= 3 && /^\p{L}+$/u.test(part)) words.add(part);
  }
  const lower = s.toLowerCase();
  const present = [...words].filter((w) => lower.includes(w.toLowerCase()));
  if (present.length > 0) {
    const alternatives = present.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    s = s.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu'), '[REDACTED NAME]');
  }
  if (s === '') return s;
  try {
    s = redact(s, findPersonalData(s, { ownDomains: [], ownIpRanges: [] }));
  } catch {
    // The PII scanner refuses oversized text; the subject is already cut well below that.
  }
  return s;
}
