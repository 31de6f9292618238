// What one reader's copy of a report says: every number and line already filtered by the
// sharing policy for that reader. The HTML page, the email, the PDF and the API all render
// this one object, so the formats cannot disagree on a fact.

export const reportKinds = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof reportKinds)[number];

/** Sections a subscriber may choose; the summary and the narrative are always there. */
export const reportSections = ['warnings', 'indicators', 'most-sighted', 'changes', 'feed-health', 'watchlist'] as const;
export type ReportSection = (typeof reportSections)[number];

export type ReportEdition = 'member' | 'public';

export interface ReportWarningItem {
  id: string;
  title: string;
  kind: string;
  kindLabel: string;
  severity: string;
  tlp: string;
  /** "all members", "2 organisations", "group: Water utilities", "public" */
  audience: string;
  /** the producing organisation, or "a member" when shared anonymously */
  producer: string;
  status: string;
  createdAt: string;
}

export interface ReportCount {
  key: string;
  label: string;
  count: number;
}

export interface ReportChangeRow {
  /** what is counted: "Warnings", "New indicators", "Phishing warnings"… */
  label: string;
  /** in this report's period */
  current: number;
  /** the same measure per period, averaged over the comparison window before it */
  average: number;
  /** percent change of current against average; null when the average is 0 */
  changePct: number | null;
}

export interface ReportFeedItem {
  name: string;
  status: string;
  healthy: boolean;
  runs: number;
  failedRuns: number;
  lastSuccessAt: string | null;
}

export interface ReportWatchHit {
  assetKind: string;
  assetValue: string;
  type: string;
  value: string;
  source: string;
  matchedAt: string;
}

export interface ReportSighted {
  type: string;
  value: string;
  sightings: number;
  organisations: number;
}

export interface ReportAdvice {
  kind: string;
  label: string;
  steps: string[];
}

export interface ReportView {
  kind: ReportKind;
  edition: ReportEdition;
  /** "Daily threat report, Monday 7 December 2026" */
  title: string;
  /** the period's key: 2026-12-07, 2026-W50 or 2026-11 */
  period: string;
  /** the period covered, ISO-8601 UTC, [from, to) */
  from: string;
  to: string;
  /** the hub's report time zone (IANA), in which dates are shown */
  timeZone: string;
  generatedAt: string;
  /** who this copy is for: an organisation's name, "Hub operators", "Public edition" */
  readerLabel: string;
  hubName: string;
  /** the marking of this copy as a whole: the most restrictive TLP of anything it names (CLEAR for the public edition) */
  tlp: string;
  /** a few plain sentences generated from the numbers below */
  narrative: string[];
  summary: { warnings: number; indicators: number; sightings: number; watchlistHits: number | null };
  /** which sections this copy carries (the subscriber's choice, less those an edition lacks) */
  sections: ReportSection[];
  warnings?: { total: number; byKind: ReportCount[]; bySeverity: ReportCount[]; items: ReportWarningItem[] };
  indicators?: { total: number; byType: ReportCount[]; bySource: ReportCount[] };
  mostSighted?: { items: ReportSighted[] };
  changes?: { comparedDays: number; rows: ReportChangeRow[] };
  feedHealth?: { items: ReportFeedItem[] };
  watchlist?: { total: number; items: ReportWatchHit[] };
  /** public edition: what a business or resident can do about each kind of attack seen */
  advice?: ReportAdvice[];
  /** absolute URLs: this report in the web app (or the public page), and its attachments */
  links: { page: string; pdf: string | null; csv: string | null; stix: string | null };
}
