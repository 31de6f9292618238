// The mailbox's answer to a forwarded email: the verdict, the reasons and what to do next in
// plain words, the links found (defanged), and the link to the full result where the resident
// can choose to share it with the hub. Plain text and HTML; everything from the email escaped.
import { escapeHtml } from '../mail/mailer.js';
import type { PhishingCheck } from './phishing.service.js';
import { checkAreaLabels, verdictExplanations, verdictHeadlines } from './words.js';

export interface ReplyContext {
  receiptUrl: string;
  keepRawDays: number;
  retentionDays: number;
}

const verdictColours: Record<string, string> = {
  'likely-phishing': '#b00020',
  suspicious: '#8a5300',
  'no-known-signs': '#1b5e20',
  unreadable: '#444444',
};

function privacyNote(ctx: ReplyContext): string {
  const kept = `The hub keeps the verdict, the links and file fingerprints found for ${ctx.retentionDays} days, never your address.`;
  return ctx.keepRawDays > 0 ? `${kept} The email itself is kept for ${ctx.keepRawDays} days so the hub's analysts can look at it.` : `${kept} The email itself is not kept.`;
}

export function renderReply(check: PhishingCheck, ctx: ReplyContext): { text: string; html: string } {
  const headline = verdictHeadlines[check.verdict];
  const explanation = check.verdict === 'unreadable' && check.unreadableReason ? check.unreadableReason : verdictExplanations[check.verdict];
  const findings = check.findings.filter((f) => f.severity !== 'info' || check.findings.length <= 5).slice(0, 15);
  const links = check.indicators.filter((i) => i.type === 'url' || i.type === 'domain').slice(0, 20);

  const text: string[] = [`Verdict: ${headline}`, '', explanation];
  if (check.summary && check.summary !== explanation) text.push('', check.summary);
  if (findings.length) {
    text.push('', 'Why:');
    for (const f of findings) text.push(`- ${f.title}. ${f.detail}${f.evidence?.length ? ` (${f.evidence.slice(0, 3).join(', ')})` : ''}`);
  }
  if (check.advice.length) {
    text.push('', 'What to do next:');
    check.advice.forEach((a, i) => text.push(`${i + 1}. ${a}`));
  }
  if (links.length) {
    text.push('', 'Links found (made safe to show, do not open them):');
    for (const l of links) text.push(`- ${l.defanged}`);
  }
  if (check.truncated) text.push('', 'Not every check could run in time: treat this answer with extra care.');
  text.push(
    '',
    'The full result, where you can also choose to share this email with the hub’s members so they can warn others:',
    ctx.receiptUrl,
    'Anyone with this link can see the result: keep it to yourself.',
    '',
    privacyNote(ctx),
  );

  const e = escapeHtml;
  const colour = verdictColours[check.verdict] ?? '#444444';
  const html = [
    '<div style="font-family: system-ui, sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">',
    `<p style="font-size: 20px; font-weight: bold; color: ${colour}; margin: 0 0 .5em">${e(headline)}</p>`,
    `<p>${e(explanation)}</p>`,
    check.summary && check.summary !== explanation ? `<p>${e(check.summary)}</p>` : '',
    findings.length
      ? `<h2 style="font-size: 18px">Why</h2><ul>${findings
          .map((f) => `<li><strong>${e(checkAreaLabels[f.area] ?? f.area)}: ${e(f.title)}.</strong> ${e(f.detail)}${f.evidence?.length ? ` <code>${e(f.evidence.slice(0, 3).join(', '))}</code>` : ''}</li>`)
          .join('')}</ul>`
      : '',
    check.advice.length ? `<h2 style="font-size: 18px">What to do next</h2><ol>${check.advice.map((a) => `<li>${e(a)}</li>`).join('')}</ol>` : '',
    links.length ? `<h2 style="font-size: 18px">Links found</h2><p>Made safe to show: do not open them.</p><ul>${links.map((l) => `<li><code>${e(l.defanged)}</code></li>`).join('')}</ul>` : '',
    check.truncated ? '<p>Not every check could run in time: treat this answer with extra care.</p>' : '',
    `<p><a href="${e(ctx.receiptUrl)}">See the full result</a>, where you can also choose to share this email with the hub’s members so they can warn others. Anyone with this link can see the result: keep it to yourself.</p>`,
    `<p style="color: #555555; font-size: 14px">${e(privacyNote(ctx))}</p>`,
    '</div>',
  ].join('\n');
  return { text: text.join('\n'), html };
}

/** "Re: …" once, not "Re: Re: …". */
export function replySubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 300);
  if (!clean) return 'Re: your email to the phishing check';
  return /^re:/i.test(clean) ? clean : `Re: ${clean}`;
}
