// Entry point of the email analysis: bytes in, verdict out. Reads the file (.eml, mbox, .msg),
// unwraps a forward, runs every check within the time budget, asks the hub what it knows,
// and turns the findings into a verdict with plain-language advice. Never throws, never
// touches the network: links are read, not opened.
import { createHash } from 'node:crypto';
import { checkAttachments } from './check-attachments.js';
import { checkHeaders } from './check-headers.js';
import { checkLanguage } from './check-language.js';
import { checkLinks } from './check-links.js';
import { checkSender } from './check-sender.js';
import { protectedTargets } from './domains.js';
import { Collector, gatherFacts, type MessageFacts } from './facts.js';
import { unwrapForward } from './forward.js';
import { sniffInput } from './input.js';
import { Budget, limits } from './limits.js';
import { headerValue, parseEmail, type MimeProblem, type ParsedEmail } from './mime.js';
import { parseMsg } from './msg.js';
import { scrubSubject } from './subject.js';
import type { Analysis, AnalysisOptions, KnownHit } from './types.js';
import { adviceFor, scoreOf, summaryOf, verdictOf } from './verdict.js';
import { defang } from '../../stix/extract.js';

type Check = (facts: MessageFacts, out: Collector) => void;

function isMessageFile(name: string, contentType: string): boolean {
  return contentType === 'message/rfc822' || /\.(?:eml|msg)$/i.test(name);
}

// Attachments run before links: links found inside documents join the link checks.
const checks: ReadonlyArray<[string, Check]> = [
  ['headers', checkHeaders],
  ['sender', checkSender],
  ['attachments', checkAttachments],
  ['links', checkLinks],
  ['language', checkLanguage],
];

function unreadable(reason: string, messageHash: string, budget: Budget): Analysis {
  return {
    verdict: 'unreadable',
    score: 0,
    summary: summaryOf('unreadable', [], reason),
    findings: [],
    advice: adviceFor('unreadable', []),
    indicators: [],
    attachments: [],
    messageHash,
    subject: '',
    senderDomain: null,
    unreadableReason: reason,
    truncated: false,
    elapsedMs: Math.round(budget.elapsed()),
  };
}

function structureFindings(problems: Set<MimeProblem>, out: Collector): void {
  const odd = (['too-many-parts', 'too-deep', 'oversized-header'] as const).filter((p) => problems.has(p));
  if (odd.length > 0) {
    const words: Record<string, string> = {
      'too-many-parts': 'far more parts than any normal email',
      'too-deep': 'parts nested inside each other more than ten levels deep',
      'oversized-header': 'header lines far longer than mail programs write',
    };
    out.add('odd-structure', 'structure', 'medium', 15, 'The email is built in an abnormal way',
      `It has ${odd.map((p) => words[p]).join(' and ')}. Such messages are crafted to confuse security filters; only the first part of it was checked.`, odd);
  } else if (problems.has('broken-multipart')) {
    out.add('odd-structure', 'structure', 'low', 5, 'The email is built in an abnormal way', 'Its parts are not separated the way the email says they are; mail programs may show it differently than this check reads it.');
  }
}

/** Asks the hub about the collected values, within what is left of the budget. */
async function consultHub(out: Collector, knowledge: NonNullable<AnalysisOptions['knowledge']>): Promise<void> {
  const observables = [...out.indicators.values()];
  if (observables.length === 0) return;
  const left = Math.max(100, out.budget.deadline - performance.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), left);
  });
  let hits: KnownHit[] | null;
  try {
    hits = await Promise.race([knowledge(observables), timeout]);
  } catch {
    hits = null; // the lookup failing must not sink the analysis; the other checks stand
  } finally {
    clearTimeout(timer);
  }
  if (hits === null) {
    out.budget.ranOut = true;
    return;
  }
  for (const hit of hits.slice(0, 20)) {
    out.add('known-to-hub', 'intelligence', 'high', 50, 'Our members have already reported part of this email as malicious',
      'A value in this email (a link, address, domain or file) matches what local organisations have reported to the hub as used in attacks.', [`${defang(hit.value)}: ${hit.summary}`]);
  }
}

async function analyseParsed(email: ParsedEmail, problems: Set<MimeProblem>, options: AnalysisOptions, budget: Budget, messageHash: string): Promise<Analysis> {
  const unwrapped = unwrapForward(email, problems);
  const targets = protectedTargets(options.memberDomains ?? [], options.memberNames ?? []);
  const facts = gatherFacts(unwrapped.email, unwrapped.forwarded ? email : null, unwrapped.forwarded, targets);
  const out = new Collector(options, budget);
  if (unwrapped.forwarded) {
    out.add('forwarded', 'structure', 'info', 0, 'We checked the forwarded message inside',
      'This email was forwarded: the checks look at the original message inside it, not at the person who forwarded it.');
  }
  structureFindings(problems, out);
  let failed = false;
  for (const [, check] of checks) {
    if (budget.expired()) break;
    try {
      check(facts, out);
    } catch {
      failed = true; // one broken check must not cost the verdict of the others
    }
  }
  if (unwrapped.forwarded === 'attachment' && !budget.expired()) {
    // The covering mail is not the suspect, but its own links and files are still checked: a
    // lure must not hide behind a harmless message attached to it.
    const cover: ParsedEmail = { ...email, attachments: email.attachments.filter((a) => !isMessageFile(a.name, a.contentType)), messages: [] };
    const coverFacts = gatherFacts(cover, null, null, targets);
    try {
      checkAttachments(coverFacts, out);
      checkLinks(coverFacts, out);
    } catch {
      failed = true;
    }
  }
  if (options.knowledge && !budget.expired()) await consultHub(out, options.knowledge);
  const findings = [...out.findings].sort((a, b) => b.weight - a.weight);
  const score = scoreOf(findings);
  const verdict = verdictOf(score);
  return {
    verdict,
    score,
    summary: summaryOf(verdict, findings),
    findings,
    advice: adviceFor(verdict, findings),
    indicators: [...out.indicators.values()],
    attachments: out.attachments,
    messageHash,
    subject: scrubSubject(facts.subject, headerValue(facts.email, 'to'), headerValue(email, 'to'), unwrapped.forwarded ? headerValue(email, 'from') : undefined),
    senderDomain: facts.from?.domain ?? null,
    truncated: budget.ranOut || failed || problems.has('part-cut') || problems.has('text-cut') || problems.has('too-many-parts') || problems.has('too-deep'),
    elapsedMs: Math.round(budget.elapsed()),
  };
}

export async function analyseEmail(raw: Buffer, options: AnalysisOptions = {}): Promise<Analysis> {
  const budget = new Budget(options.budgetMs ?? limits.budgetMs);
  const messageHash = createHash('sha256').update(raw).digest('hex');
  try {
    const input = sniffInput(raw, options.maxBytes ?? limits.maxBytes);
    if (input.kind === 'unreadable') return unreadable(input.reason, messageHash, budget);
    if (input.kind === 'ole') {
      const parsed = parseMsg(input.bytes);
      if (!parsed) {
        return unreadable('This is an Office file (such as an old Word or Excel document) or a damaged Outlook file: no email could be read from it. Save the email itself and try again.', messageHash, budget);
      }
      return await analyseParsed(parsed.email, parsed.problems, options, budget, messageHash);
    }
    const parsed = parseEmail(input.bytes);
    return await analyseParsed(parsed.email, parsed.problems, options, budget, messageHash);
  } catch {
    return unreadable('Something in this file stopped the check part-way, so it could not be analysed.', messageHash, budget);
  }
}
