// Plain-language advice for the public edition: what a small business or a resident can do
// about each kind of attack the region saw. Short, concrete, no jargon.
import { warningKindLabels, type WarningKind } from '../stix/vocab.js';
import type { ReportAdvice } from './report-view.js';

const steps: Readonly<Record<WarningKind, readonly string[]>> = {
  phishing: [
    'Do not click links or open attachments in unexpected emails or texts, even when they look like they come from the city, a bank or a delivery company.',
    'Go to the website yourself (type the address or use a bookmark) instead of following a link.',
    'If you entered a password on a suspicious page, change it now and turn on two-step sign-in.',
  ],
  ransomware: [
    'Keep an offline or cloud backup of the files your business cannot work without, and check that you can restore it.',
    'Install updates for computers, phones and routers promptly; turn on automatic updates.',
    'Do not expose remote desktop to the internet; use a VPN with two-step sign-in if staff work remotely.',
  ],
  'credential-leak': [
    'Change any password that is used on more than one site, starting with email and banking.',
    'Turn on two-step sign-in wherever it is offered.',
    'Use a password manager so each account has its own long password.',
  ],
  ddos: [
    'If your website is down, ask your hosting provider whether they offer protection against traffic floods.',
    'Keep a way to reach customers that does not depend on your website, such as a social media account or a phone message.',
  ],
  'vulnerability-exploitation': [
    'Update the software, plugins and devices named in the warnings; ask your IT provider if you are not sure.',
    'Remove or switch off software and devices you no longer use.',
  ],
  'account-compromise': [
    'Check that your email has no forwarding rules or new devices you do not recognise.',
    'Change the password of any account that behaves strangely, and turn on two-step sign-in.',
  ],
  'fraud-bec': [
    'Confirm any request to change bank details or to pay urgently by calling the person on a number you already know, not one in the message.',
    'Agree in advance that payment changes always need a second person to approve.',
  ],
  other: [
    'Keep software up to date, use two-step sign-in, and keep backups of important files.',
    'Report anything suspicious to the hub so that neighbours are warned too.',
  ],
};

/** Advice for the kinds of attack present, most frequent first. */
export function adviceFor(kinds: ReadonlyArray<{ key: string; count: number }>): ReportAdvice[] {
  return [...kinds]
    .filter((k) => k.count > 0 && k.key in steps)
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .map((k) => ({ kind: k.key, label: warningKindLabels[k.key as WarningKind], steps: [...steps[k.key as WarningKind]] }));
}

/** The advice shown on a quiet day. */
export const generalAdvice: ReportAdvice = { kind: 'general', label: 'Staying safe', steps: [...steps.other] };
