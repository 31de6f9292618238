// The phishing check as the web app sees it. Kept by hand in step with
// src/phishing/phishing.schemas.ts; the words of a verdict come from the server's own list.
export { checkAreaLabels, residentLabel, verdictExplanations, verdictHeadlines, type VerdictName } from '../../phishing/words.ts';
import type { VerdictName } from '../../phishing/words.ts';

export interface Finding {
  id: string;
  area: string;
  severity: 'high' | 'medium' | 'low' | 'info';
  title: string;
  detail: string;
  evidence?: string[];
  weight: number;
}

export interface PhishingCheck {
  id: string;
  createdAt: string;
  channel: 'web' | 'mail';
  verdict: VerdictName;
  score: number;
  summary: string;
  subject: string;
  senderDomain: string | null;
  messageHash: string;
  findings: Finding[];
  advice: string[];
  indicators: Array<{ type: string; value: string; defanged: string; origin: string }>;
  attachments: Array<{ name?: string; contentType: string; size: number; sha256: string; md5: string; flags: string[]; entries?: string[] }>;
  unreadableReason: string | null;
  truncated: boolean;
  elapsedMs: number;
  shared: { at: string; warningId: string | null } | null;
  rawKept?: boolean;
}

export interface Submission {
  receipt: string;
  receiptUrl: string;
  check: PhishingCheck;
}

export interface PhishingInfo {
  mailbox: string | null;
  maxBytes: number;
  retentionDays: number;
  keepsRawDays: number;
}

export interface Campaign {
  kind: 'url' | 'domain' | 'sender-domain' | 'attachment';
  value: string;
  defanged: string;
  reports: number;
  firstSeen: string;
  lastSeen: string;
  verdicts: Record<string, number>;
  daily: Array<{ day: string; reports: number }>;
  subjects: string[];
  warningIds: string[];
}

export const campaignKindLabels: Record<Campaign['kind'], string> = {
  url: 'Link',
  domain: 'Domain',
  'sender-domain': "Sender's domain",
  attachment: 'Attachment',
};

/** The badge tone of a verdict. */
export const verdictTones: Record<VerdictName, 'bad' | 'warn' | 'good' | 'neutral'> = {
  'likely-phishing': 'bad',
  suspicious: 'warn',
  'no-known-signs': 'good',
  unreadable: 'neutral',
};

/** "10 MB" for a byte limit. */
export function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;
}
