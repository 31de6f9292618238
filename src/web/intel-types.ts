// The shapes of the intel API (search, pivot, sightings) and of watchlists as the web app sees
// them, the words for their vocabularies, and defang(). Kept by hand in step with
// src/intel/intel.schemas.ts, src/watchlists/watchlists.schemas.ts and watchlist-event.ts.
import { indicatorTypeLabel } from './warning-types.ts';

export interface SourceRef {
  kind: string;
  id: string;
  label: string | null;
}

/** What a reader is told about one observable (ObservableSummary). */
export interface ObservableSummary {
  id: number;
  type: string;
  value: string;
  tlp: string | null;
  confidence: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
  inForce: boolean;
  sources: SourceRef[];
  sourceCount: number;
  onWarningList: boolean;
  warningList: string | null;
  suppressed: boolean;
  ubiquitous: boolean;
  falsePositives: number;
  sightings: { total: number; last7Days: number };
}

export type Relation = 'exact' | 'contains' | 'inside' | 'under';

export interface SearchWarning {
  id: string;
  title: string;
  kind: string;
  severity: string;
  status: string;
  createdAt: string;
  tlp: string;
}

export interface SearchAnswer {
  query: string;
  detected: { type: string; value: string | null; note?: string };
  observables: Array<ObservableSummary & { relation: Relation }>;
  warnings: SearchWarning[];
  truncated: { observables: boolean; warnings: boolean };
}

export interface PivotSource {
  kind: string;
  id: string;
  label: string | null;
  tlp: string;
  confidence: number | null;
  firstSeen: string;
  lastSeen: string;
  validUntil: string | null;
  status: string;
  inForce: boolean;
}

export interface CountBy {
  key: string;
  count: number;
}

export interface Pivot {
  observable: ObservableSummary & { suppressedAt: string | null };
  summary: string;
  sources: { feeds: PivotSource[]; warnings: PivotSource[]; stix: PivotSource[] };
  sightings: {
    total: number;
    last7Days: number;
    last30Days: number;
    yours: number;
    anonymous: number;
    falsePositiveOrgs: number;
    byOrgKind: CountBy[];
    byRegion: CountBy[];
    byDay: CountBy[];
  };
  related: { ubiquitous: boolean; items: Array<{ id: number; type: string; value: string; sharedSources: number }> };
  containingRanges: Array<{ id: number; value: string }>;
}

export interface SightingReport {
  recorded: number;
  rejected: number;
  results: Array<{ index: number; type?: string; value?: string; observableId?: number; error?: string }>;
  suppressed: number[];
}

export interface WarningListInfo {
  id: string;
  name: string;
  description: string;
  origin: 'shipped' | 'custom';
  enabled: boolean;
  entryCount: number;
}

// ---------------------------------------------------------------------------------------
// Watchlists

export type AssetListName = 'domains' | 'ipRanges' | 'asns' | 'emailDomains' | 'brands' | 'lookalikePatterns';

export interface WatchAssets {
  domains: string[];
  ipRanges: string[];
  asns: number[];
  emailDomains: string[];
  brands: string[];
  lookalikePatterns: string[];
}

export interface Watchlist {
  orgId: string;
  assets: WatchAssets;
  assetCount: number;
  matches: { total: number; unacknowledged: number; last7Days: number; lastMatchAt: string | null };
}

export interface WatchMatch {
  id: string;
  observable: { id: number; type: string; value: string };
  source: SourceRef;
  asset: { kind: string; value: string };
  reason: string;
  explanation: string;
  tlp: string;
  eventId: number | null;
  matchedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface WatchMatchPage {
  items: WatchMatch[];
  nextCursor: string | null;
}

/** What one `watchlist.match` Server-Sent Event of /api/stream carries in its data. */
export interface WatchlistEvent {
  id: number;
  type: 'watchlist.match';
  at: string;
  data: {
    type: 'watchlist.match';
    watchlist: {
      orgId: string;
      tlp: string;
      source: { kind: string; id: string; label: string; link: string | null };
      matchCount: number;
      matches: Array<{ id: string; type: string; value: string; asset: { kind: string; value: string }; reason: string; explanation: string; tlp: string }>;
      link: string;
    };
  };
}

// ---------------------------------------------------------------------------------------
// Words

export function observableTypeLabel(type: string): string {
  return type === 'text' ? 'Free text' : indicatorTypeLabel(type);
}

const typePhrases: Record<string, string> = {
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidr: 'an IP range',
  domain: 'a domain',
  url: 'a URL',
  email: 'an email address',
  md5: 'an MD5 hash',
  sha1: 'a SHA-1 hash',
  sha256: 'a SHA-256 hash',
  cve: 'a vulnerability (CVE)',
};

/** "an IPv4 address", for "Taken as an IPv4 address". */
export function observableTypePhrase(type: string): string {
  return typePhrases[type] ?? `a ${observableTypeLabel(type).toLowerCase()}`;
}

export const relationLabels: Record<Relation, string> = {
  exact: 'This value',
  contains: 'A stored range that contains it',
  inside: 'Inside this range',
  under: 'Under this domain',
};

export const sourceKindLabels: Record<string, string> = { feed: 'Feed', warning: 'Warning', stix: 'STIX object' };

export function sourceKindLabel(kind: string): string {
  return sourceKindLabels[kind] ?? kind;
}

/** A mention's status in words: in force, expired, withdrawn (edited out or no longer listed) or revoked (retracted). */
export function mentionStatus(source: Pick<PivotSource, 'status' | 'inForce' | 'validUntil'>): { text: string; tone: 'good' | 'neutral' | 'bad' } {
  if (source.status === 'revoked') return { text: 'Revoked', tone: 'bad' };
  if (source.status === 'withdrawn') return { text: 'Withdrawn', tone: 'neutral' };
  if (source.status === 'expired') return { text: 'Expired', tone: 'neutral' };
  if (source.inForce) return { text: 'In force', tone: 'good' };
  return { text: source.validUntil ? 'Expired' : 'Not in force', tone: 'neutral' };
}

export const assetLists: ReadonlyArray<{ name: AssetListName; label: string; hint: string }> = [
  { name: 'domains', label: 'Domains', hint: 'Domains you own; their sub-domains count too. One a line, e.g. alderton.gov.' },
  { name: 'ipRanges', label: 'IP ranges', hint: 'Addresses or CIDR ranges, IPv4 or IPv6, e.g. 198.51.100.0/24.' },
  { name: 'asns', label: 'ASNs', hint: 'Autonomous system numbers, e.g. 64500 or AS64500.' },
  { name: 'emailDomains', label: 'Email domains', hint: 'Domains your people have addresses at.' },
  { name: 'brands', label: 'Brands', hint: 'Names people recognise in a domain, e.g. Alderton Water (4 letters or more).' },
  { name: 'lookalikePatterns', label: 'Lookalike patterns', hint: 'Host-name patterns: * any characters, ? one character, e.g. alderton-*.com.' },
];

export const assetKindLabels: Record<string, string> = {
  domain: 'Domain',
  ip_range: 'IP range',
  asn: 'ASN',
  email_domain: 'Email domain',
  brand: 'Brand',
  lookalike: 'Lookalike pattern',
};

export function assetKindLabel(kind: string): string {
  return assetKindLabels[kind] ?? kind;
}

/**
 * A value made safe to show: nothing in it opens or resolves when clicked, pasted in a chat or
 * read by a mail client (`hxxps://evil[.]example/x`, `203[.]0[.]113[.]7`). The same rules as the
 * server's defang() in src/stix/extract.ts, chosen by the known type.
 */
export function defang(type: string, value: string): string {
  switch (type) {
    case 'url': {
      const url = /^([a-z][a-z0-9+.-]{0,15}):\/\/([^/?#\\]*)(.*)$/is.exec(value);
      if (!url) return value.replaceAll('.', '[.]');
      const [, scheme = '', authority = '', rest = ''] = url;
      const s = scheme.toLowerCase();
      const safeScheme = s === 'http' || s === 'https' ? `hxxp${s.slice(4)}` : s === 'ftp' || s === 'ftps' ? `fxp${s.slice(3)}` : scheme;
      return `${safeScheme}://${authority.replaceAll('.', '[.]')}${rest}`;
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      return at > 0 ? `${value.slice(0, at)}@${value.slice(at + 1).replaceAll('.', '[.]')}` : value;
    }
    case 'ipv6':
      return value.replaceAll(':', '[:]');
    case 'cidr':
      return value.includes(':') ? value.replaceAll(':', '[:]') : value.replaceAll('.', '[.]');
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'cve':
      return value;
    default:
      return value.replaceAll('.', '[.]');
  }
}
