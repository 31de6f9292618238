// Link checks: where each link really goes compared with what it shows, raw IP addresses,
// shorteners, script and data links, look-alike and IDN domains, risky endings, free hosting
// pages, forms that collect passwords, and a brand named in the mail whose links go elsewhere.
import { defang } from '../../stix/extract.js';
import { parseIp } from '../../stix/ip.js';
import { claimedOrganisation, lookalikeText } from './check-sender.js';
import { openHosting, shorteners, suspiciousTlds } from './data/lists.js';
import { findLookalike, isIdn, isWithin, registrableDomain } from './domains.js';
import type { Collector, MessageFacts } from './facts.js';
import type { Link } from './html.js';
import { observe } from './observe.js';

const shortenerSet = new Set(shorteners);
const riskyTlds = new Set(suspiciousTlds);

function hostingOf(host: string): string | undefined {
  return openHosting.find((h) => isWithin(host, h));
}

interface ParsedLink {
  link: Link;
  /** the href, trimmed */
  href: string;
  host: string;
}

/** Host names in anchor text that reads like an address: "www.paypal.com", "https://bank.example/login". */
function shownHost(text: string): string | null {
  const t = text.trim().replace(/^[<([]+|[>)\].,;:]+$/g, '').replace(/^mailto:/i, '');
  // An email address as link text ("you@example.com") shows its domain.
  const address = /^[^\s@]{1,64}@((?:[a-z0-9-]+\.)+[a-z]{2,24})$/i.exec(t);
  if (address) return address[1]!.toLowerCase();
  const m = /^(?:(?:https?|ftp):\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,24})(?::\d+)?(?:[/?#]\S*)?$/i.exec(t);
  if (!m || /\s/.test(t)) return null;
  if (!/^(?:https?:\/\/|www\.)/i.test(t) && !/\.(?:com|net|org|gov|edu|co|io|info|biz|uk|de|fr|es|nl|br|pt|us|ca|au|me|app)$/i.test(m[1]!)) return null;
  return m[1]!.toLowerCase();
}

// The host of an http(s)/ftp URL, read without building a URL object (newsletters carry
// hundreds of links): optional userinfo, then a bracketed IPv6 address or a name.
const urlHost = /^(?:https?|ftp):\/\/(?:[^/?#@\\]*@)?(\[[0-9a-f:.]+\]|[^/?#:\\\s]+)(?::\d{1,5})?(?:[/?#\\]|$)/i;

function parse(link: Link): ParsedLink | null {
  const href = link.href.replace(/^[\s"']+|[\s"']+$/g, '');
  const m = urlHost.exec(href);
  if (!m) return null;
  let host = m[1]!.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  // Percent-encoded or Unicode host names go through the WHATWG parser for their real form.
  if (/[%\u0080-\uffff]/.test(host)) {
    try {
      host = new URL(href).hostname.toLowerCase();
    } catch {
      return null;
    }
  }
  return host ? { link, href, host } : null;
}

export function checkLinks(facts: MessageFacts, out: Collector): void {
  const parsed: ParsedLink[] = [];
  const seenHrefs = new Set<string>();
  for (const link of facts.links) {
    // Newsletters repeat the same link many times; the text matters only where it differs.
    const key = `${link.href}\u0000${link.text}`;
    if (seenHrefs.has(key)) continue;
    seenHrefs.add(key);
    const scheme = /^\s*([a-z][a-z0-9+.-]{0,15}):/i.exec(link.href)?.[1]?.toLowerCase();
    if (scheme === 'javascript' || scheme === 'vbscript' || (scheme === 'data' && !/^\s*data:image\//i.test(link.href))) {
      out.add('script-link', 'links', 'high', 25, 'A link runs code instead of opening a page',
        'A link in this email starts with "javascript:" or "data:", which runs code or shows a hidden page in your browser. Real emails never do this.', [link.href.slice(0, 60)]);
      continue;
    }
    const p = parse(link);
    if (p) parsed.push(p);
  }

  const seenHosts = new Set<string>();
  let urlCount = 0;
  for (const p of parsed) {
    if (out.budget.expired()) return;
    const { host, href, link } = p;
    // Newsletters carry hundreds of tracking URLs: the first 100 are enough to look up.
    if (++urlCount <= 100 && href.length <= 2048) observe(out, 'url', href, link.source === 'attachment' ? 'attachment' : 'link');
    const ip = parseIp(host);
    const shown = shownHost(link.text);
    if (shown && !ip) {
      const shownReg = registrableDomain(shown.replace(/^www\./, ''));
      if (shownReg !== registrableDomain(host) && !decodeURIComponentSafe(href).toLowerCase().includes(shownReg)) {
        const claimed = facts.targets.some((t) => t.domains.some((d) => isWithin(shown, d)));
        out.add('link-text-mismatch', 'links', claimed ? 'high' : 'medium', claimed ? 35 : 15, 'A link shows one address but goes to another',
          `The link reads "${defang(shown)}" but actually leads to ${defang(host)}. Always look where a link really goes before you click.`, [`${defang(shown)} → ${defang(host)}`]);
      }
    }
    if (seenHosts.has(host)) continue;
    seenHosts.add(host);
    if (ip) {
      observe(out, ip.bytes.length === 4 ? 'ipv4' : 'ipv6', host, 'link');
      out.add('ip-link', 'links', 'medium', 25, 'A link goes to a bare number address', `A link leads to ${defang(host)}, a numeric address instead of a named website. Legitimate organisations link to their own named sites.`, [defang(host)]);
      continue;
    }
    observe(out, 'domain', host, link.source === 'attachment' ? 'attachment' : 'link');
    const reg = registrableDomain(host);
    if (shortenerSet.has(reg) || shortenerSet.has(host)) {
      out.add('shortened-link', 'links', 'low', 10, 'A link hides its destination behind a shortener', `${defang(host)} is a link shortener: you cannot see where it leads until you click.`, [defang(href.slice(0, 80))]);
    }
    const tld = host.slice(host.lastIndexOf('.') + 1);
    if (riskyTlds.has(tld)) {
      out.add('suspicious-tld', 'links', 'low', 10, 'A link goes to a website ending often used for scams', `Addresses ending in ".${tld}" are cheap and often used for short-lived scam sites.`, [defang(host)]);
    }
    const look = findLookalike(host, facts.targets);
    if (look) {
      const strong = look.kind !== 'cousin';
      out.add('lookalike-link', 'links', strong ? 'high' : 'medium', look.kind === 'combo' ? 30 : strong ? 35 : 15, `A link imitates ${look.target.name}'s website`, lookalikeText(look, host), [defang(host)]);
    }
    if (isIdn(host)) {
      out.add('idn-link', 'links', 'low', 10, 'A link uses international letters in its address', `${defang(host)} uses letters from other alphabets, which can imitate a familiar address.`, [defang(host)]);
    }
    const hosting = hostingOf(host);
    if (hosting) {
      out.add('hosted-page-link', 'links', 'medium', 15, 'A link goes to a page anyone can publish',
        `A link leads to ${defang(host)}, on a free website or form service (${hosting}). Scammers host fake sign-in pages there because the service's name looks trustworthy.`, [defang(host)]);
    }
  }

  checkForms(facts, out);
  checkBrandLinks(facts, out, parsed);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function checkForms(facts: MessageFacts, out: Collector): void {
  for (const form of facts.forms) {
    if (form.hasPassword) {
      out.add('credential-form', 'links', 'high', 40, 'The email contains a form asking for a password',
        'This email has a built-in form with a password field. No real organisation asks you to type your password into an email.', form.action ? [defang(form.action.slice(0, 100))] : undefined);
    } else if (/^https?:/i.test(form.action) || form.fields.some((f) => /mail|user|login|card|cvv|account|ssn/.test(f))) {
      out.add('form-in-email', 'links', 'medium', 20, 'The email contains a form that sends your answers elsewhere',
        'This email has a form that sends what you type to a website. Real organisations do not collect details this way.', form.action ? [defang(form.action.slice(0, 100))] : undefined);
    }
  }
  if (facts.scripts > 0) {
    out.add('script-in-email', 'links', facts.obfuscatedScript ? 'medium' : 'low', facts.obfuscatedScript ? 25 : 10, 'The email contains program code',
      facts.obfuscatedScript ? 'The email carries hidden, scrambled program code meant to run in your browser or mail program.' : 'The email carries program code (scripts), which ordinary emails do not need.');
  }
}

/** A brand named in the sender's name or the subject, while no link or sender address is the brand's. */
function checkBrandLinks(facts: MessageFacts, out: Collector, links: ParsedLink[]): void {
  const opts = out.options;
  const claim = claimedOrganisation(`${facts.from?.name ?? ''} ${facts.subject}`, opts.memberNames ?? [], opts.memberDomains ?? []);
  if (!claim || links.length === 0) return;
  const own = (h: string): boolean => claim.domains.some((d) => isWithin(h, d));
  if (facts.from?.domain && own(facts.from.domain)) return;
  if (links.some((l) => own(l.host))) return;
  out.add('brand-links-elsewhere', 'links', 'medium', 15, `The email names ${claim.name}, but none of its links go to ${claim.name}`,
    `It presents itself as ${claim.name}, yet neither the sender nor any link belongs to ${claim.name}'s own websites.`, [...new Set(links.map((l) => defang(l.host)))].slice(0, 5));
}
