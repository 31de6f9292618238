// The 'watchlist.match' event: what an organisation is told when new intel touches its own
// assets, as it travels on the stream, to webhooks and into mail. Pure; the renderers of each
// channel read payloads with toWatchlistAlert, defensively, as they come from the store.
import { tlpLevels, type Tlp } from '../stix/tlp.js';
import { matchReasons, type MatchReason, type WatchAssetKind } from './matching.js';

export const watchlistEventType = 'watchlist.match';

export interface WatchlistEventMatch {
  /** the watch match id (GET /api/watchlist/matches lists it; acknowledge with it) */
  id: string;
  type: string;
  value: string;
  asset: { kind: WatchAssetKind; value: string };
  reason: MatchReason;
  /** one sentence for people, e.g. "198.51.100.7 is in your IP range 198.51.100.0/24" */
  explanation: string;
  /** the TLP of the source's share this value came with */
  tlp: Tlp;
}

export interface WatchlistEventSource {
  /** feed | warning | stix */
  kind: string;
  id: string;
  label: string;
  /** where to read it on the hub, when it has a page (a warning) */
  link: string | null;
}

export interface WatchlistAlert {
  type: typeof watchlistEventType;
  watchlist: {
    orgId: string;
    /** the event's TLP: AMBER, or the source's when stricter (RED stays RED) */
    tlp: Tlp;
    source: WatchlistEventSource;
    /** all matches this arrival made for the organisation; `matches` lists the first of them */
    matchCount: number;
    matches: WatchlistEventMatch[];
    /** the organisation's list of matches on the hub */
    link: string;
  };
}

/** How many matches one event lists; the rest are on the hub. */
export const maxListedMatches = 50;

const assetWords: Readonly<Record<WatchAssetKind, string>> = {
  domain: 'domain',
  email_domain: 'email domain',
  ip_range: 'IP range',
  asn: 'ASN',
  brand: 'brand name',
  lookalike: 'lookalike pattern',
};

/**
 * "198.51.100.7 is in your IP range 198.51.100.0/24". `show` defangs the value for mail and
 * chat; the organisation's own asset is shown as it wrote it.
 */
export function explainMatch(m: Pick<WatchlistEventMatch, 'value' | 'asset' | 'reason'>, show: (value: string) => string = (v) => v): string {
  const value = show(m.value);
  const asset = `your ${assetWords[m.asset.kind] ?? m.asset.kind} ${m.asset.value}`;
  switch (m.reason) {
    case 'exact':
      return `${value} is ${asset}`;
    case 'sub-domain':
      return `${value} is under ${asset}`;
    case 'email-address':
      return `${value} is an address at ${asset}`;
    case 'in-range':
      return `${value} is in ${asset}`;
    case 'overlaps-range':
      return `${value} overlaps ${asset}`;
    case 'asn':
      return `${value} is ${asset}`;
    case 'homoglyph':
      return `${value} imitates ${asset} with look-alike characters`;
    case 'same-name':
      return `${value} uses the name of ${asset} under another domain`;
    case 'embedded':
      return `${value} contains the name of ${asset}`;
    case 'typo':
      return `${value} is a misspelling of ${asset}`;
    case 'pattern':
      return `${value} matches ${asset}`;
  }
}

export function watchlistLink(publicUrl: string): string {
  return `${publicUrl}/watchlist`;
}

/** Read a stored payload as a watchlist alert, or null when it is something else. */
export function toWatchlistAlert(payload: unknown): WatchlistAlert | null {
  if (!isObject(payload) || payload.type !== watchlistEventType || !isObject(payload.watchlist)) return null;
  const w = payload.watchlist;
  if (typeof w.orgId !== 'string' || typeof w.tlp !== 'string' || !(tlpLevels as readonly string[]).includes(w.tlp) || !isObject(w.source) || !Array.isArray(w.matches)) return null;
  const source = w.source;
  const matches: WatchlistEventMatch[] = [];
  for (const m of w.matches) {
    if (!isObject(m) || typeof m.value !== 'string' || !isObject(m.asset) || typeof m.asset.value !== 'string' || !(matchReasons as readonly unknown[]).includes(m.reason)) continue;
    const match = {
      id: String(m.id ?? ''),
      type: String(m.type ?? ''),
      value: m.value,
      asset: { kind: String(m.asset.kind) as WatchAssetKind, value: m.asset.value },
      reason: m.reason as MatchReason,
      tlp: (tlpLevels as readonly unknown[]).includes(m.tlp) ? (m.tlp as Tlp) : (w.tlp as Tlp),
    };
    matches.push({ ...match, explanation: typeof m.explanation === 'string' ? m.explanation : explainMatch(match) });
  }
  return {
    type: watchlistEventType,
    watchlist: {
      orgId: w.orgId,
      tlp: w.tlp as Tlp,
      source: { kind: String(source.kind ?? ''), id: String(source.id ?? ''), label: typeof source.label === 'string' ? source.label : 'a source', link: typeof source.link === 'string' ? source.link : null },
      matchCount: typeof w.matchCount === 'number' ? w.matchCount : matches.length,
      matches,
      link: typeof w.link === 'string' ? w.link : '',
    },
  };
}

/** "3 new matches on your watchlist" */
export function matchCountText(n: number): string {
  return `${n} new match${n === 1 ? '' : 'es'} on your watchlist`;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
