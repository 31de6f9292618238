// Newline-delimited JSON documents in the Elastic Common Schema (8.x) threat fields, shaped as
// Filebeat's threatintel module writes them, so Elastic Security indicator match rules and
// enrich policies read them without a mapping of their own: one indicator document a line.
import { parseCidr, parseIp } from '../../stix/ip.js';
import type { IndicatorType } from '../../stix/observables.js';
import { confidenceOf, confidenceWord, isCanonical, isoOrNull, jsonText, plainText, safeHubUrl } from './text.js';
import type { ExportContext, ExportItem, FormatWriter } from './types.js';
import { splitUrl } from './url-parts.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** threat.indicator.type and the fields that carry the value (ECS threat.indicator.*). */
function indicatorFields(item: ExportItem): { type: string; name?: string; fields: Record<string, Json> } | null {
  switch (item.type) {
    case 'ipv4':
      return { type: 'ipv4-addr', fields: { ip: item.value } };
    case 'ipv6':
      return { type: 'ipv6-addr', fields: { ip: item.value } };
    case 'cidr': {
      // threat.indicator.ip is an `ip` field: Elasticsearch refuses a range there, so only a
      // single-address range (/32, /128) can be written.
      const net = parseCidr(item.value);
      if (!net || net.prefix !== net.bytes.length * 8) return null;
      const ip = item.value.slice(0, item.value.indexOf('/'));
      return parseIp(ip) ? { type: net.version === 4 ? 'ipv4-addr' : 'ipv6-addr', name: ip, fields: { ip } } : null;
    }
    case 'domain':
      // Filebeat's threatintel module puts domain indicators in threat.indicator.url.domain.
      return { type: 'domain-name', fields: { url: { domain: item.value } } };
    case 'url': {
      const parts = splitUrl(item.value);
      if (!parts) return null;
      const url: Record<string, Json> = { full: item.value, original: item.value, scheme: parts.scheme, domain: parts.host, path: parts.path || '/' };
      if (parts.port !== null) url.port = parts.port;
      if (parts.query !== null) url.query = parts.query;
      return { type: 'url', fields: { url } };
    }
    case 'email':
      return { type: 'email-addr', fields: { email: { address: item.value } } };
    case 'md5':
    case 'sha1':
    case 'sha256':
      return { type: 'file', fields: { file: { hash: { [item.type]: item.value } } } };
    case 'cve':
      // Not an observable: ECS has no indicator type for a vulnerability.
      return null;
  }
}

/** What every document of one export run shares, made once: a feed's million values share it. */
interface EcsRun {
  timestamp: string;
  provider: string;
  feed: Record<string, Json>;
  /** the document up to the indicator, and from it to the custom fields, as JSON text */
  head: string;
  middle: string;
  /** plain titles already made (they repeat: a feed names a million values) */
  titles: Map<string, string>;
}

const runs = new WeakMap<ExportContext, EcsRun>();
const titleCacheMax = 10_000;

function runOf(ctx: ExportContext): EcsRun {
  let run = runs.get(ctx);
  if (!run) {
    const hubUrl = safeHubUrl(ctx.hubUrl);
    // The fetch time: Elastic's indicator match rules look back over the indicator index by
    // @timestamp, so an old value that is still listed must look current.
    const timestamp = isoOrNull(ctx.generatedAt) ?? new Date().toISOString();
    const feed = { name: plainText(ctx.exportName, 200), ...(hubUrl ? { reference: hubUrl } : {}) };
    run = {
      timestamp,
      provider: plainText(ctx.hubName, 200),
      feed,
      head: `{"@timestamp":${jsonText(timestamp)},"event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{"indicator":`,
      middle: `,"feed":${jsonText(feed)}},"tocsin":`,
      titles: new Map(),
    };
    runs.set(ctx, run);
  }
  return run;
}

function titleOf(run: EcsRun, title: string): string {
  let text = run.titles.get(title);
  if (text === undefined) {
    text = plainText(title, 500);
    if (run.titles.size >= titleCacheMax) run.titles.clear();
    run.titles.set(title, text);
  }
  return text;
}

/** The two parts of a document that differ from value to value, or null when ECS cannot carry the item. */
function ecsParts(item: ExportItem, run: EcsRun): { indicator: Record<string, Json>; tocsin: Record<string, Json> } | null {
  const ind = indicatorFields(item);
  if (!ind) return null;
  const confidence = confidenceOf(item);
  const first = item.sources[0];
  const title = first ? titleOf(run, first.title) : '';
  const reference = safeHubUrl(item.url);
  const indicator: Record<string, Json> = {
    type: ind.type,
    name: ind.name ?? item.value,
    ...ind.fields,
    confidence: confidenceWord(confidence),
    marking: { tlp: item.tlp.toUpperCase(), tlp_version: '2.0' },
    provider: run.provider,
    sightings: Math.max(0, Math.trunc(Number(item.sightings) || 0)),
  };
  const firstSeen = isoOrNull(item.firstSeen);
  const lastSeen = isoOrNull(item.lastSeen);
  if (firstSeen) indicator.first_seen = firstSeen;
  if (lastSeen) indicator.last_seen = lastSeen;
  if (title) indicator.description = title;
  if (reference) indicator.reference = reference;
  // Custom fields (ECS leaves vendor scales to them): the exact confidence, expiry and sources.
  const tocsin: Record<string, Json> = {
    id: Math.trunc(item.id),
    confidence,
    valid_until: isoOrNull(item.validUntil),
    sources: item.sources.slice(0, 20).map((s) => ({ kind: s.kind, title: titleOf(run, s.title) })),
  };
  return { indicator, tocsin };
}

/** The ECS document of one item, or null when ECS cannot carry it. */
export function ecsDocument(item: ExportItem, ctx: ExportContext): Record<string, Json> | null {
  const run = runOf(ctx);
  const parts = ecsParts(item, run);
  if (!parts) return null;
  return {
    '@timestamp': run.timestamp,
    event: { kind: 'enrichment', category: ['threat'], type: ['indicator'] },
    threat: { indicator: parts.indicator, feed: run.feed },
    tocsin: parts.tocsin,
  };
}

/** jsonText(ecsDocument(item, ctx)), with the parts every line shares written once a run. */
export function ecsLine(item: ExportItem, ctx: ExportContext): string | null {
  const run = runOf(ctx);
  const parts = ecsParts(item, run);
  return parts ? `${run.head}${jsonText(parts.indicator)}${run.middle}${jsonText(parts.tocsin)}}` : null;
}

const types: readonly IndicatorType[] = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256'];

export const ecsNdjson: FormatWriter = {
  id: 'ecs-ndjson',
  label: 'Elastic (ECS threat indicators, NDJSON)',
  contentType: 'application/x-ndjson',
  fileExtension: 'ndjson',
  types,
  supports: (type) => types.includes(type),
  header: () => '',
  line(item, ctx) {
    if (!types.includes(item.type) || !isCanonical(item)) return null;
    const line = ecsLine(item, ctx);
    return line === null ? null : `${line}\n`;
  },
  footer: () => '',
};
