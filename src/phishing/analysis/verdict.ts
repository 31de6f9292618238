// From findings to a verdict a resident can act on: the score, the verdict by documented
// thresholds, one summary sentence and ordered advice.
import type { Finding, Verdict } from './types.js';

/**
 * Score = sum of finding weights, capped at 100. Weights: high-severity signals 25-50 (a
 * look-alike domain, a password form, a program attached, a hub report), medium 12-25, low 4-12.
 * LIKELY_PHISHING at 50 means one strong signal plus corroboration, or several medium ones;
 * SUSPICIOUS at 20 means at least one medium signal or several weak ones.
 */
export const thresholds = { likelyPhishing: 50, suspicious: 20 } as const;

export function scoreOf(findings: readonly Finding[]): number {
  return Math.min(100, Math.round(findings.reduce((s, f) => s + Math.max(0, f.weight), 0)));
}

export function verdictOf(score: number): Exclude<Verdict, 'unreadable'> {
  if (score >= thresholds.likelyPhishing) return 'likely-phishing';
  if (score >= thresholds.suspicious) return 'suspicious';
  return 'no-known-signs';
}

function strongest(findings: readonly Finding[]): Finding | undefined {
  return [...findings].filter((f) => f.weight > 0).sort((a, b) => b.weight - a.weight)[0];
}

export function summaryOf(verdict: Verdict, findings: readonly Finding[], unreadableReason?: string): string {
  const top = strongest(findings);
  const count = findings.filter((f) => f.weight > 0).length;
  switch (verdict) {
    case 'likely-phishing':
      return `This email is very likely a phishing or scam attempt: ${count} warning sign${count === 1 ? '' : 's'}, the strongest being "${top?.title ?? ''}".`;
    case 'suspicious':
      return `This email has warning signs of phishing${top ? `, such as "${top.title}"` : ''}: treat it with caution.`;
    case 'no-known-signs':
      return count > 0 ? 'We found only minor points and no clear sign of phishing, but no check can prove an email is safe.' : 'We found no known signs of phishing, but no check can prove an email is safe.';
    case 'unreadable':
      return `We could not check this file: ${unreadableReason ?? 'it could not be read as an email.'}`;
  }
}

const has = (findings: readonly Finding[], ...ids: string[]): boolean => findings.some((f) => ids.includes(f.id) && f.weight > 0);

export function adviceFor(verdict: Verdict, findings: readonly Finding[]): string[] {
  if (verdict === 'unreadable') {
    return [
      'Save the email as a file (.eml, or .msg from Outlook) or forward it as an attachment, then check it again.',
      'Until it is checked, do not click its links or open its attachments.',
      'If it asks for money, passwords or urgent action, contact the sender on a phone number you already know.',
    ];
  }
  if (verdict === 'no-known-signs') {
    return [
      'No check is perfect: if the email asks for money, passwords or personal details, or pushes you to hurry, check with the sender on a phone number you already know.',
      'Open links by typing the organisation\'s address yourself rather than clicking, when in doubt.',
      'If you still feel unsure and this is a work mailbox, ask your IT or security team.',
    ];
  }
  const advice = ['Do not click any link or button in this email, and do not open its attachments.'];
  if (has(findings, 'payment-change', 'gift-card', 'threat', 'advance-fee', 'prize-lure')) {
    advice.push('Do not pay anything, buy gift cards, send cryptocurrency or change any bank details because of this email.');
  }
  if (has(findings, 'reply-to-mismatch', 'advance-fee', 'payment-change', 'gift-card', 'threat')) advice.push('Do not reply to it: answers go straight to the scammer.');
  advice.push('If it claims to come from someone you know (your bank, the council, a supplier, a colleague), contact them on a phone number or website you already know, not one given in the email.');
  if (has(findings, 'credential-form', 'credential-request', 'lookalike-link', 'link-text-mismatch', 'html-attachment')) {
    advice.push('If you already typed a password after opening this email, change it now and turn on two-step sign-in.');
  }
  if (has(findings, 'dangerous-attachment', 'macro', 'double-extension', 'disguised-filename', 'dangerous-in-archive')) {
    advice.push('If you already opened an attachment, disconnect the computer from the network and ask for IT help.');
  }
  advice.push('If this arrived in a work mailbox, report it to your IT or security team.');
  advice.push('Then delete the email.');
  return advice;
}
