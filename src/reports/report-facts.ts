// The facts of one report period, stored with the report: everything any reader's copy may
// say, each fact tied to the share it came from, with the sharing rules and group memberships
// as they were when the report was made. Rendering a copy filters these facts through the
// sharing policy (sharing/policy.ts canRead) for one reader, so a copy made again next month
// says what that reader could see then — and nothing another reader alone could see.

export interface RuleFact {
  tlp: string;
  audienceKind: string;
  producerOrgId: string | null;
  audienceOrgIds: string[];
  audienceGroupIds: string[];
  anonymous: boolean;
  /** what readers other than the producer see as the source when anonymous ("a member city in Region 3") */
  publicLabel: string | null;
}

export interface WarningFact {
  id: string;
  title: string;
  kind: string;
  severity: string;
  status: string;
  createdAt: string;
  share: string;
}

/** New indicators (mentions created in the period) of one share, type and source. */
export interface IndicatorFact {
  share: string;
  type: string;
  sourceKind: string;
  /** the feed's name; warnings and STIX objects are counted by kind, not named */
  source: string;
  count: number;
}

/** An observable sighted in the period, with the shares that make it known (any one readable suffices). */
export interface SightedFact {
  type: string;
  value: string;
  sightings: number;
  organisations: number;
  shares: string[];
}

export interface FeedFact {
  name: string;
  orgId: string | null;
  audienceKind: string;
  enabled: boolean;
  lastStatus: string | null;
  consecutiveFailures: number;
  runs: number;
  failedRuns: number;
  lastSuccessAt: string | null;
}

export interface WatchFact {
  assetKind: string;
  assetValue: string;
  type: string;
  value: string;
  source: string;
  share: string;
  matchedAt: string;
}

export interface BaselineFacts {
  /** how many periods of the same length the window before this one spans */
  periods: number;
  days: number;
  warnings: Array<{ share: string; kind: string; count: number }>;
  indicators: Array<{ share: string; count: number }>;
}

export interface ReportFacts {
  version: 1;
  rules: Record<string, RuleFact>;
  /** organisation id → its sharing groups, when the report was made */
  memberships: Record<string, string[]>;
  orgNames: Record<string, string>;
  groupNames: Record<string, string>;
  warnings: WarningFact[];
  indicators: IndicatorFact[];
  baseline: BaselineFacts;
  sighted: SightedFact[];
  feeds: FeedFact[];
  /** organisation id → its watchlist hits in the period (newest first, at most watchItemsKept) and their number */
  watch: Record<string, { total: number; items: WatchFact[] }>;
}

export const watchItemsKept = 25;
export const sightedKept = 500;
