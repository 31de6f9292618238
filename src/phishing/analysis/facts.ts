// The facts every check reads, gathered once from the message being judged: who sent it, what
// it says, where its links go. Also the collector the checks report findings and values into.
import { decodeEncodedWords } from './charset.js';
import { parseMailbox, parseMailboxList, type Mailbox } from './address.js';
import { readHtml, linksInText, type FormInfo, type Link } from './html.js';
import { foldText } from './fold.js';
import { limits, type Budget } from './limits.js';
import { headerValue, type ParsedEmail } from './mime.js';
import type { Protected } from './domains.js';
import { openHosting, shorteners } from './data/lists.js';
import type { AnalysisOptions, AttachmentSummary, CheckArea, ExtractedObservable, Finding, Severity } from './types.js';

export interface MessageFacts {
  email: ParsedEmail;
  /** the outer message when `email` was forwarded inside it */
  forwardedBy: ParsedEmail | null;
  forwarded: 'attachment' | 'inline' | null;
  from: Mailbox | null;
  replyTo: Mailbox[];
  returnPath: Mailbox | null;
  subject: string;
  /** plain text plus the visible text of the HTML, bounded */
  text: string;
  links: Link[];
  forms: FormInfo[];
  scripts: number;
  obfuscatedScript: boolean;
  /** hidden text runs placed inside words (see readHtml) */
  hiddenInWords: number;
  hiddenChars: number;
  /** `text` (first 60,000 characters: lures say what they want early) with subject, lower-cased, look-alikes folded, accents removed */
  folded: string;
  targets: Protected[];
}

const sharedPlatforms = new Set([...shorteners, ...openHosting]);

/** Free hosting or a shortener: worth reading as a link even when written without http://. */
export function isSharedPlatform(host: string): boolean {
  // The host and each of its parent domains, looked up in one set.
  for (let i = 0; i >= 0 && i < host.length; i = host.indexOf('.', i) + 1 || -1) {
    if (sharedPlatforms.has(host.slice(i))) return true;
  }
  return false;
}

export function gatherFacts(email: ParsedEmail, forwardedBy: ParsedEmail | null, forwarded: MessageFacts['forwarded'], targets: Protected[]): MessageFacts {
  const htmlFacts = email.htmls.map((h) => readHtml(h, limits.maxLinks));
  const plain = email.texts.join('\n');
  const links: Link[] = [];
  for (const h of htmlFacts) links.push(...h.links, ...h.refreshTargets.map((href) => ({ href, text: '', source: 'html' as const })));
  // Plain-text URLs count when there is no HTML, or when they are missing from it.
  const seen = new Set(links.map((l) => l.href));
  const htmlText = htmlFacts.map((h) => h.text).join('\n');
  // Scheme-less platform hosts are looked for in the first 50,000 characters only: a lure puts them up front.
  for (const l of linksInText(`${plain}\n${htmlText}`.slice(0, 50_000), limits.maxLinks, 'text', isSharedPlatform)) {
    if (!seen.has(l.href) && links.length < limits.maxLinks) {
      seen.add(l.href);
      links.push(l);
    }
  }
  let text = plain.length > 0 && htmlText.length > 0 ? `${plain}\n${htmlText}` : plain || htmlText;
  if (text.length > limits.maxTextChars) text = text.slice(0, limits.maxTextChars);
  const subject = decodeEncodedWords(headerValue(email, 'subject') ?? '').replace(/\s+/g, ' ').trim();
  return {
    email,
    forwardedBy,
    forwarded,
    from: parseMailbox(headerValue(email, 'from')),
    replyTo: parseMailboxList(headerValue(email, 'reply-to')),
    returnPath: parseMailbox(headerValue(email, 'return-path')),
    subject,
    text,
    folded: foldText(`${subject}\n${text.length > 60_000 ? text.slice(0, 60_000) : text}`),
    links: links.slice(0, limits.maxLinks),
    forms: htmlFacts.flatMap((h) => h.forms),
    scripts: htmlFacts.reduce((n, h) => n + h.scripts, 0),
    obfuscatedScript: htmlFacts.some((h) => h.obfuscatedScript),
    hiddenInWords: htmlFacts.reduce((n, h) => n + h.hiddenInWords, 0),
    hiddenChars: htmlFacts.reduce((n, h) => n + h.hiddenChars, 0),
    targets,
  };
}

/** Where the checks put what they find. */
export class Collector {
  readonly findings: Finding[] = [];
  readonly indicators = new Map<string, ExtractedObservable>();
  readonly attachments: AttachmentSummary[] = [];

  constructor(
    readonly options: AnalysisOptions,
    readonly budget: Budget,
  ) {}

  add(id: string, area: CheckArea, severity: Severity, weight: number, title: string, detail: string, evidence?: string[]): void {
    const existing = this.findings.find((f) => f.id === id);
    if (existing) {
      // One finding per kind: more evidence, the larger weight.
      if (evidence) existing.evidence = [...new Set([...(existing.evidence ?? []), ...evidence])].slice(0, 10);
      existing.weight = Math.max(existing.weight, weight);
      return;
    }
    this.findings.push({ id, area, severity, title, detail, ...(evidence && evidence.length > 0 ? { evidence: [...new Set(evidence)].slice(0, 10) } : {}), weight });
  }

  has(id: string): boolean {
    return this.findings.some((f) => f.id === id);
  }

  /** Whether another indicator would still be kept, and this one is new. */
  wants(type: string, value: string): boolean {
    return this.indicators.size < limits.maxIndicators && !this.indicators.has(`${type}|${value}`);
  }

  observe(o: ExtractedObservable): void {
    const key = `${o.type}|${o.value}`;
    if (!this.indicators.has(key) && this.indicators.size < limits.maxIndicators) this.indicators.set(key, o);
  }
}
