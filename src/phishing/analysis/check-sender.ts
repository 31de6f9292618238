// Sender checks: a display name that borrows a member organisation's or a brand's name, an
// address hidden in the display name, look-alike and IDN sender domains, disguised letters.
import { brands } from './data/brands.js';
import { freeMail, openHosting } from './data/lists.js';
import { domainToUnicode, findLookalike, isIdn, isWithin, registrableDomain, skeleton, type Lookalike } from './domains.js';
import type { Collector, MessageFacts } from './facts.js';
import { observe } from './observe.js';
import { findTextTricks } from './text-tricks.js';
import { defang } from '../../stix/extract.js';

const free = new Set(freeMail);

/** Lower-case, look-alike letters folded, accents and punctuation dropped: for name matching. */
export function foldName(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC')) out += ch.charCodeAt(0) < 0x80 ? ch : skeleton(ch);
  return out.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9&.@]+/g, ' ').trim();
}

export function containsWord(folded: string, word: string): boolean {
  const w = foldName(word);
  if (!w) return false;
  return ` ${folded} `.includes(` ${w} `);
}

// Brand words folded once, not on every message.
const foldedBrands = brands.map((b) => ({ brand: b, words: b.words.map((w) => foldName(w)).filter(Boolean) }));
// Brands whose name alone is specific enough to be recognised as a signature ("Apple" is not).
const signingBrands = foldedBrands.filter(({ brand }) => !(brand.common && brand.words.length === 1));
const teamAfter = / (?:team|support|customer service|security|services)(?= |$)/g;
const qualifiers = /(?: (?:support|security|account|customer|billing|service|services))?$/;
const teamBefore = /(?:^| )(?:equipo|equipe|team|l equipe) (?:(?:de|do|da|von|van) )?/g;

/**
 * Which organisation a display name (or subject) claims to be, if any. With `glued`, a long
 * brand name hidden inside a word counts too ("PepeByBinance", "AmazonSupport").
 */
export function claimedOrganisation(text: string, memberNames: readonly string[], memberDomains: readonly string[], glued = false): { name: string; domains: readonly string[] } | null {
  const folded = foldName(text);
  if (!folded) return null;
  for (const n of memberNames) if (n.trim().length >= 3 && containsWord(folded, n)) return { name: n, domains: memberDomains.map((d) => registrableDomain(d.toLowerCase())) };
  const padded = ` ${folded} `;
  for (const { brand, words } of foldedBrands) if (words.some((w) => padded.includes(` ${w} `))) return { name: brand.name, domains: brand.domains };
  if (glued) {
    const squashed = folded.replace(/[^a-z0-9]/g, '');
    for (const { brand, words } of foldedBrands) {
      if (brand.common) continue;
      if (words.some((w) => w.length >= 6 && !w.includes(' ') && squashed.includes(w))) return { name: brand.name, domains: brand.domains };
    }
  }
  return null;
}

export function lookalikeText(l: Lookalike, host: string): string {
  const shown = defang(host);
  switch (l.kind) {
    case 'homoglyph':
      return `${shown} is written to look like ${l.target.domains[0]} (${l.target.name}) using look-alike letters.`;
    case 'typo':
      return `${shown} is one or two letters away from ${l.target.domains[0]} (${l.target.name}).`;
    case 'combo':
      return `${shown} puts ${l.target.name}'s name together with other words, but it does not belong to ${l.target.name}.`;
    case 'subdomain':
      return `${shown} starts with ${l.target.name}'s address but really belongs to someone else.`;
    case 'cousin':
      return `${shown} uses ${l.target.name}'s name with a different ending than ${l.target.name}'s own domains.`;
  }
}

// Evidence shows domains, never whole addresses: a sending mailbox may be a real person's, hijacked.
const organisationWords = /\b(?:bank|banco|banque|support|service|services|security|team|department|dept|official|administrator|admin|helpdesk|help desk|billing|customer|government|agency|police|court|lottery|foundation|united nations|imf|fbi|treasury|ministry|council|payroll|hr|human resources|it desk|webmail|mail ?admin|tax|revenue)\b/i;

export function checkSender(facts: MessageFacts, out: Collector): void {
  const from = facts.from;
  if (!from) return;
  const domain = from.domain;
  const reg = domain ? registrableDomain(domain) : null;
  if (from.address) observe(out, 'email', from.address, 'sender');
  if (domain) observe(out, 'domain', domain, 'sender');
  for (const r of facts.replyTo) if (r.address) observe(out, 'email', r.address, 'reply-to');

  const opts = out.options;
  const claim = claimedOrganisation(from.name, opts.memberNames ?? [], opts.memberDomains ?? [], true);
  if (claim && domain && !claim.domains.some((d) => isWithin(domain, d))) {
    out.add('display-name-impersonation', 'sender', 'high', 30, `The sender's name says "${claim.name}", but the address does not belong to it`,
      `The name shown is ${claim.name}, yet the email came from ${defang(domain)}${free.has(reg ?? '') ? ', a free mailbox anyone can open' : ''}. Scammers put a trusted name in front of their own address.`,
      [`${from.name} <…@${defang(domain)}>`]);
  }
  const hidden = /[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/.exec(from.name);
  if (hidden && domain && registrableDomain(hidden[1]!.toLowerCase()) !== reg) {
    out.add('display-name-address', 'sender', 'medium', 20, 'The sender shows one address and uses another',
      `The name part shows ${defang(hidden[0])}, but the real sending address is at ${defang(domain)}.`, [defang(hidden[0])]);
  }
  if (domain) {
    const look = findLookalike(domain, facts.targets);
    if (look) {
      const strong = look.kind !== 'cousin';
      out.add('lookalike-sender', 'sender', strong ? 'high' : 'medium', look.kind === 'combo' ? 30 : strong ? 40 : 15, `The sender's address imitates ${look.target.name}`, lookalikeText(look, domain), [defang(domain)]);
    }
    if (isIdn(domain)) {
      out.add('idn-sender', 'sender', 'low', 10, "The sender's domain uses international letters",
        `${defang(domain)} is shown as ${domainToUnicode(domain)}; letters from other alphabets can imitate familiar names.`, [defang(domain)]);
    }
  }
  if (domain && openHosting.some((h) => isWithin(domain, h))) {
    out.add('hosted-sender', 'sender', 'medium', 15, 'The email was sent from a free online platform',
      `It comes from ${defang(domain)}, an address anyone can create on a cloud or website platform in minutes, not from an organisation's own domain.`, [defang(domain)]);
  }
  const urlInHeader = /(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|xyz|top|info|me|us|co|ru|app)\/\S*/i.exec(`${from.name} ${facts.subject}`);
  if (urlInHeader) {
    out.add('link-in-subject', 'sender', 'medium', 15, 'A web address is written in the sender name or subject',
      'Real organisations do not put web addresses in the subject line or in their name; spammers do it to get a link past filters.', [defang(urlInHeader[0].slice(0, 80))]);
  }
  // A designed HTML mailing with many links from a personal free mailbox: companies send these
  // from their own domains, individuals do not send them at all.
  const outside = new Set(facts.links.filter((l) => l.source === 'html').map((l) => hostOf(l.href)).filter((h): h is string => h !== null && !free.has(registrableDomain(h))));
  if (reg && free.has(reg) && facts.email.htmls.length > 0 && outside.size >= 1 && facts.links.length >= 3) {
    out.add('free-mail-mailing', 'sender', 'medium', 15, 'A designed mailing sent from a personal free mailbox',
      `This is a designed email with links to other websites, but it was sent from a free ${reg} mailbox. Businesses send such mail from their own domain.`, [defang(reg)]);
  }
  if (!claim && domain) {
    const signed = signedAs(facts.folded);
    if (signed && !signed.domains.some((d) => isWithin(domain, d))) {
      out.add('signed-as-brand', 'sender', 'medium', 15, `The email signs off as ${signed.name}, but was not sent by ${signed.name}`,
        `The text presents itself as coming from ${signed.name}'s team, yet the sender is ${defang(domain)}.`, [defang(domain)]);
    }
  }
  if (!claim && reg && free.has(reg) && organisationWords.test(from.name)) {
    out.add('free-mail-organisation', 'sender', 'medium', 15, 'An "organisation" writing from a free mailbox',
      `The sender calls itself "${from.name}" but writes from a free ${reg} address; real organisations use their own domain.`, [defang(reg)]);
  }

  const tricks = findTextTricks(`${from.name}\n${facts.subject}`);
  const bodyTricks = findTextTricks(facts.text.length > 50_000 ? facts.text.slice(0, 50_000) : facts.text);
  const mixed = [...tricks.mixedWords, ...bodyTricks.mixedWords];
  if (tricks.mixedWords.length > 0 || bodyTricks.mixedWords.length > 0) {
    const strong = tricks.mixedWords.length > 0 || bodyTricks.mixedWords.length >= 3;
    out.add('lookalike-letters', 'sender', 'medium', strong ? 25 : 15, 'Words are spelled with look-alike letters from other alphabets',
      'Some words mix ordinary letters with Cyrillic or Greek ones that look the same. Senders do this to slip past spam filters; real organisations do not.', mixed.slice(0, 5));
  }
  const styled = [...tricks.styledWords, ...bodyTricks.styledWords];
  if (tricks.styledWords.length >= 1 || bodyTricks.styledWords.length >= 5) {
    out.add('styled-letters', 'sender', 'low', tricks.styledWords.length > 0 ? 15 : 10, 'Text is written in decorative look-alike letters',
      'Parts of the text use special "mathematical" or full-width letters instead of normal ones, a way to dodge spam filters.', styled.slice(0, 5));
  }
  if (facts.hiddenInWords >= 3) {
    out.add('hidden-text', 'sender', 'medium', 25, 'Hidden text is woven into the words',
      'Invisible pieces of text are placed inside words, so that a filter reads nonsense while you read a normal message. Only people trying to hide what they write do this.', [`${facts.hiddenInWords} hidden fragments`]);
  } else if (facts.hiddenChars >= 500 && facts.hiddenChars > facts.text.length) {
    out.add('hidden-text', 'sender', 'medium', 15, 'The email hides a large block of text',
      'Most of the text in this email is invisible to you; it is there to mislead spam filters.', [`${facts.hiddenChars} hidden characters`]);
  }
  if (tricks.hiddenChars >= 2 || bodyTricks.hiddenChars >= 10) {
    out.add('hidden-characters', 'sender', 'medium', 20, 'Invisible characters are hidden between letters',
      'The name, subject or text has invisible characters between letters, so that filters do not recognise the words. Real senders have no reason to do this.',
      [`${tricks.hiddenChars + bodyTricks.hiddenChars} hidden characters`]);
  }
}

function hostOf(href: string): string | null {
  const m = /^(?:https?|ftp):\/\/(?:[^/?#@]*@)?([^/?#:]+)/i.exec(href.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * A brand named as the team behind the text: "Amazon Team", "The PayPal Support Team",
 * "Equipo de Netflix". `folded` is foldText output. Finds the few "team"-like words first and
 * looks at the words beside them, so the cost does not grow with the number of brands.
 */
export function signedAs(folded: string): { name: string; domains: readonly string[] } | null {
  // Sign-offs sit near the start (a header line) or the end of a message.
  const part = folded.length > 40_000 ? `${folded.slice(0, 20_000)} ${folded.slice(-20_000)}` : folded;
  const words = ` ${part.replace(/[^a-z0-9&.@]+/g, ' ').trim()} `;
  for (const m of words.matchAll(teamAfter)) {
    const before = `${words.slice(Math.max(0, m.index - 60), m.index).replace(qualifiers, '')} `;
    for (const { brand, words: names } of signingBrands) if (names.some((w) => before.endsWith(` ${w} `))) return { name: brand.name, domains: brand.domains };
  }
  for (const m of words.matchAll(teamBefore)) {
    const after = ` ${words.slice(m.index + m[0].length, m.index + m[0].length + 60)}`;
    for (const { brand, words: names } of signingBrands) if (names.some((w) => after.startsWith(` ${w} `))) return { name: brand.name, domains: brand.domains };
  }
  return null;
}
