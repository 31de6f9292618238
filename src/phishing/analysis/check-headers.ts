// Header checks: what the receiving server recorded about the sender's authentication (SPF,
// DKIM, DMARC), whether replies or bounces go somewhere other than the sender, and the
// delivery trail in the Received lines.
import { parseIp, parseIpv4, isInternalIp } from '../../stix/ip.js';
import { defang } from '../../stix/extract.js';
import { registrableDomain } from './domains.js';
import { freeMail } from './data/lists.js';
import type { Collector, MessageFacts } from './facts.js';
import { headerValue, headerValues } from './mime.js';
import { observe } from './observe.js';

const free = new Set(freeMail);

export interface AuthResults {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
}

/** Results in the topmost Authentication-Results (the receiving server's) and Received-SPF. */
export function readAuthResults(headers: { headers: { name: string; value: string }[] }): AuthResults {
  const ar = headerValue(headers, 'authentication-results') ?? '';
  const pick = (key: string): string | null => {
    const all = [...ar.matchAll(new RegExp(`\\b${key}\\s*=\\s*([a-z]+)`, 'gi'))].map((m) => m[1]!.toLowerCase());
    if (all.length === 0) return null;
    return all.includes('pass') ? 'pass' : all[0]!;
  };
  const received = /^\s*([a-z]+)/i.exec(headerValue(headers, 'received-spf') ?? '');
  return { spf: pick('spf') ?? (received ? received[1]!.toLowerCase() : null), dkim: pick('dkim'), dmarc: pick('dmarc') };
}

function checkAuthentication(facts: MessageFacts, out: Collector): void {
  const r = readAuthResults(facts.email);
  const from = facts.from?.domain ?? 'the sender';
  if (r.dmarc === 'fail') {
    out.add('dmarc-fail', 'headers', 'high', 25, "The sender's domain does not vouch for this email",
      `${from} publishes a rule (DMARC) saying which servers may send its mail, and this message failed it: someone else may be using the name.`, [`dmarc=${r.dmarc}`]);
  }
  if (r.spf === 'fail' || r.spf === 'softfail') {
    const hard = r.spf === 'fail';
    out.add('spf-fail', 'headers', hard ? 'medium' : 'low', hard ? 15 : 8, 'The email came from a server the sender does not use',
      `The server that delivered this email is not on ${from}'s list of allowed senders (SPF ${r.spf}).`, [`spf=${r.spf}`]);
  }
  if (r.dkim === 'fail') {
    out.add('dkim-fail', 'headers', 'low', 8, "The email's signature does not match", 'The digital signature on this email (DKIM) did not check out: it may have been changed or forged.', [`dkim=${r.dkim}`]);
  }
}

function checkReplyPaths(facts: MessageFacts, out: Collector): void {
  const fromDomain = facts.from?.domain;
  if (!fromDomain) return;
  const fromReg = registrableDomain(fromDomain);
  const listHeaders = ['list-id', 'list-post', 'list-help', 'mailing-list'].map((h) => headerValue(facts.email, h) ?? '').join(' ').toLowerCase();
  for (const r of facts.replyTo) {
    if (!r.domain) continue;
    const reg = registrableDomain(r.domain);
    if (reg === fromReg && free.has(reg) && r.address !== facts.from?.address) {
      // Two different mailboxes at a free provider: the sender and the one that collects replies.
      out.add('reply-to-mismatch', 'headers', 'medium', 15, 'Replies would go to a different address',
        `Answering this email would not reach the address it came from but another free ${reg} mailbox, a common trick of scammers who run many accounts.`, [`…@${defang(r.domain)}`]);
      continue;
    }
    if (reg === fromReg || listHeaders.includes(reg)) continue;
    const toFree = free.has(reg) && !free.has(fromReg);
    out.add('reply-to-mismatch', 'headers', toFree ? 'medium' : 'low', toFree ? 20 : 10, 'Replies would go to a different address',
      toFree
        ? `The email says it is from ${fromDomain}, but answering it would send your reply to a free mailbox at ${r.domain}: a common trick to receive stolen details or payments.`
        : `The email says it is from ${fromDomain}, but answering it would send your reply to ${r.domain}.`,
      [r.domain]);
  }
  const rp = facts.returnPath?.domain;
  if (rp && registrableDomain(rp) !== fromReg && !listHeaders.includes(registrableDomain(rp)) && headerValue(facts.email, 'list-unsubscribe') === undefined) {
    out.add('return-path-mismatch', 'headers', 'low', 4, 'Bounces go to another domain',
      `Undeliverable copies of this email go to ${rp}, not to ${fromDomain}. Mailing services do this too, so on its own it means little.`, [rp]);
  }
}

const receivedDate = /;\s*([^;]+)$/;

function checkReceived(facts: MessageFacts, out: Collector): void {
  const received = headerValues(facts.email, 'received');
  if (received.length > 25) {
    out.add('odd-received-chain', 'headers', 'low', 5, 'The email took an unusual route', `It passed through ${received.length} mail servers; ordinary mail passes through a handful.`);
  }
  // The oldest public address in the trail is where the message entered the mail system.
  for (let i = received.length - 1; i >= 0; i--) {
    const from = /\bfrom\b([^;]*?)\bby\b/i.exec(received[i]!)?.[1] ?? '';
    const ip = /\[((?:\d{1,3}\.){3}\d{1,3}|[0-9a-f:]{3,39})\]/i.exec(from)?.[1] ?? /\(((?:\d{1,3}\.){3}\d{1,3})\)/.exec(from)?.[1];
    const parsed = ip ? parseIp(ip) : null;
    if (parsed && !isInternalIp(parsed)) {
      observe(out, parseIpv4(ip!) ? 'ipv4' : 'ipv6', ip!, 'received');
      break;
    }
  }
  // A Date far after the last server's timestamp: forged or a broken sender.
  const dateHeader = Date.parse(headerValue(facts.email, 'date') ?? '');
  const firstHop = received[0] ? Date.parse(receivedDate.exec(received[0])?.[1]?.trim() ?? '') : NaN;
  if (Number.isFinite(dateHeader) && Number.isFinite(firstHop) && dateHeader - firstHop > 2 * 24 * 3600 * 1000) {
    out.add('odd-received-chain', 'headers', 'low', 5, 'The email took an unusual route', 'Its date is days after the moment it was delivered, which a real sender does not do.', [headerValue(facts.email, 'date') ?? '']);
  }
}

/** The recipient's own mail provider already filed the message as spam or phishing. */
function checkProviderVerdict(facts: MessageFacts, out: Collector): void {
  const verdicts: string[] = [];
  if (/^\s*yes\b/i.test(headerValue(facts.email, 'x-spam-flag') ?? '')) verdicts.push('X-Spam-Flag: YES');
  if (/^\s*yes\b/i.test(headerValue(facts.email, 'x-spam-status') ?? '')) verdicts.push('X-Spam-Status: Yes');
  const pm = headerValue(facts.email, 'x-pm-spam-action');
  if (pm && /spam|quarantine|reject/i.test(pm)) verdicts.push(`X-Pm-Spam-Action: ${pm.trim()}`);
  for (const name of ['x-forefront-antispam-report', 'x-microsoft-antispam', 'x-ms-exchange-organization-scl']) {
    const v = headerValue(facts.email, name) ?? '';
    if (/\bSFV:(?:SPM|BLK)\b/.test(v)) verdicts.push(`${name}: SFV:SPM`);
    const scl = /(?:^|\bSCL:)\s*(-?\d+)/.exec(v);
    if (scl && Number(scl[1]) >= 5 && (name === 'x-ms-exchange-organization-scl' || v.includes('SCL:'))) verdicts.push(`SCL ${scl[1]}`);
  }
  if (verdicts.length > 0) {
    out.add('provider-flagged', 'headers', 'medium', 20, 'Your mail provider already marked this email as spam',
      'The mail service that delivered it recorded in the message that it judged it to be spam or a scam.', verdicts.slice(0, 3));
  }
}

const replyPrefix = /^\s*(?:re|aw|sv|vs|antw|rif|r|res|ynt)\s*:/i;

/** "Re:" on a message that answers nothing: a fake conversation to lower the guard. */
function checkFakeReply(facts: MessageFacts, out: Collector): void {
  if (!replyPrefix.test(facts.subject)) return;
  if (headerValue(facts.email, 'in-reply-to') || headerValue(facts.email, 'references') || headerValue(facts.email, 'thread-index')) return;
  out.add('fake-reply', 'headers', 'low', 8, 'The email pretends to be a reply',
    'Its subject starts with "Re:", but it does not answer any earlier message. Scammers fake a conversation so the email feels familiar.', [facts.subject.slice(0, 60)]);
}

/** Authentication, reply paths and the Received trail; skipped for inline forwards (their headers are the forwarder's). */
export function checkHeaders(facts: MessageFacts, out: Collector): void {
  if (facts.forwarded === 'inline') return;
  checkAuthentication(facts, out);
  checkReplyPaths(facts, out);
  checkReceived(facts, out);
  checkProviderVerdict(facts, out);
  checkFakeReply(facts, out);
}
