// Shapes of the reports API (src/reports/reports.schemas.ts and report-view.ts) as the web app
// reads them, and the words for their closed vocabularies. Kept by hand in step with the server.

export const reportKinds = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportKindLabels: Record<ReportKind, string> = {
  daily: 'Daily report',
  weekly: 'Weekly digest',
  monthly: 'Monthly digest',
};

/** The sections a subscriber may choose; the summary and the narrative are always there. */
export const reportSections = ['warnings', 'indicators', 'most-sighted', 'changes', 'feed-health', 'watchlist'] as const;
export type ReportSection = (typeof reportSections)[number];

export const reportSectionLabels: Record<ReportSection, string> = {
  warnings: 'New warnings',
  indicators: 'New indicators',
  'most-sighted': 'Most-sighted indicators',
  changes: 'Changes against the days before',
  'feed-health': 'Feed health',
  watchlist: 'Your watchlist',
};

export interface ReportListItem {
  id: string;
  kind: ReportKind;
  /** 2026-12-07 (daily, the morning it is issued), 2026-W49 (weekly), 2026-11 (monthly) */
  period: string;
  from: string;
  to: string;
  /** the hub's report time zone, in which the period's times are shown */
  timeZone: string;
  title: string;
  generatedAt: string;
  /** pass as `before` for the next page */
  cursor: string;
}

export interface ReportCount {
  key: string;
  label: string;
  count: number;
}

export interface ReportWarningItem {
  id: string;
  title: string;
  kind: string;
  kindLabel: string;
  severity: string;
  tlp: string;
  audience: string;
  producer: string;
  status: string;
  createdAt: string;
}

export interface ReportChangeRow {
  label: string;
  current: number;
  average: number;
  /** null when the average is 0 */
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
  /** defanged by the hub */
  value: string;
  sightings: number;
  organisations: number;
}

export interface ReportAdvice {
  kind: string;
  label: string;
  steps: string[];
}

/** GET /api/reports/:id: the signed-in reader's own copy, filtered by the sharing policy. */
export interface ReportView {
  kind: ReportKind;
  edition: 'member' | 'public';
  title: string;
  period: string;
  /** ISO-8601 UTC, [from, to) */
  from: string;
  to: string;
  /** IANA zone in which the report's dates are shown */
  timeZone: string;
  generatedAt: string;
  readerLabel: string;
  hubName: string;
  /** the marking of this copy: the most restrictive TLP of anything it names */
  tlp: string;
  narrative: string[];
  summary: { warnings: number; indicators: number; sightings: number; watchlistHits: number | null };
  sections: ReportSection[];
  warnings?: { total: number; byKind: ReportCount[]; bySeverity: ReportCount[]; items: ReportWarningItem[] };
  indicators?: { total: number; byType: ReportCount[]; bySource: ReportCount[] };
  mostSighted?: { items: ReportSighted[] };
  changes?: { comparedDays: number; rows: ReportChangeRow[] };
  feedHealth?: { items: ReportFeedItem[] };
  watchlist?: { total: number; items: ReportWatchHit[] };
  advice?: ReportAdvice[];
  links: { page: string; pdf: string | null; csv: string | null; stix: string | null };
}

export interface ReportSubscription {
  kinds: ReportKind[];
  /** empty: every section */
  sections: ReportSection[];
}

export interface ReportRecipient {
  id: string;
  email: string;
  name: string | null;
  kinds: ReportKind[];
  createdAt: string;
  unsubscribedAt: string | null;
}

export interface GenerateResult {
  report: ReportListItem;
  /** false: the report of that period existed already */
  created: boolean;
  /** deliveries queued to subscribers */
  queued: number;
}

export function reportPath(report: Pick<ReportListItem, 'id'>): string {
  return `/reports/${encodeURIComponent(report.id)}`;
}

/** "Tue 3 Mar 2026, 07:00" in the report's zone; the browser's zone if the name is unknown to it. */
export function formatInZone(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

/** The period a report covers, in words, in its own time zone. */
export function periodText(r: { from: string; to: string }, timeZone: string): string {
  return `${formatInZone(r.from, timeZone)} to ${formatInZone(r.to, timeZone)} (${timeZone.replace(/_/g, ' ')})`;
}
