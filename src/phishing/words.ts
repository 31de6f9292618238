// The words of a verdict, shared by the mailbox reply and the web page (pure data: the web
// app bundles this file, so the two never disagree).

export const verdicts = ['likely-phishing', 'suspicious', 'no-known-signs', 'unreadable'] as const;
export type VerdictName = (typeof verdicts)[number];

export const verdictHeadlines: Readonly<Record<VerdictName, string>> = {
  'likely-phishing': 'Likely phishing',
  suspicious: 'Suspicious',
  'no-known-signs': 'No known warning signs',
  unreadable: 'Could not read this email',
};

/** One line under the headline: what the verdict means and does not mean. */
export const verdictExplanations: Readonly<Record<VerdictName, string>> = {
  'likely-phishing': 'This email shows strong signs of a scam. Do not click its links, open its attachments or reply.',
  suspicious: 'Some things in this email are unusual. Be careful: check with the sender another way before you act on it.',
  'no-known-signs': 'The check found nothing known to be dangerous. That does not prove it is safe: if it asks for money, passwords or urgency, check with the sender another way.',
  unreadable: 'The check could not read this as an email. Save the whole message (not a screenshot or a copy of the text) and try again.',
};

export const checkAreaLabels: Readonly<Record<string, string>> = {
  headers: 'Delivery',
  sender: 'Sender',
  links: 'Links',
  attachments: 'Attachments',
  language: 'Wording',
  intelligence: 'Known to the hub',
  structure: 'Message',
};

/** What the hub's members see as the source of a resident's shared report. */
export const residentLabel = 'A resident via the phishing check';
