// Newline-delimited JSON documents in the Elastic Common Schema (8.x) threat fields, shaped as
// Filebeat's threatintel module writes them, so Elastic Security indicator match rules and
// enrich policies read them without a mapping of their own: one indicator document a line.
import { parseCidr, parseIp } from '../../stix/ip.js';
import type { IndicatorType } from '../../stix/observables.js';
import { confidenceOf, confidenceWord, firstTitle, isCanonical, isoOrNull, jsonText, plainText, safeHubUrl } from './text.js';
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

/** The ECS document of one item, or null when ECS cannot carry it. */
export function ecsDocument(item: ExportItem, ctx: ExportContext): Record<string, Json> | null {
  const ind = indicatorFields(item);
  if (!ind) return null;
  const confidence = confidenceOf(item);
  const title = firstTitle(item, 500);
  const reference = safeHubUrl(item.url);
  const indicator: Record<string, Json> = {
    type: ind.type,
    name: ind.name ?? item.value,
    ...ind.fields,
    confidence: confidenceWord(confidence),
    marking: { tlp: item.tlp.toUpperCase(), tlp_version: '2.0' },
    provider: plainText(ctx.hubName, 200),
    sightings: Math.max(0, Math.trunc(Number(item.sightings) || 0)),
  };
  const firstSeen = isoOrNull(item.firstSeen);
  const lastSeen = isoOrNull(item.lastSeen);
  if (firstSeen) indicator.first_seen = firstSeen;
  if (lastSeen) indicator.last_seen = lastSeen;
  if (title) indicator.description = title;
  if (reference) indicator.reference = reference;
  const hubUrl = safeHubUrl(ctx.hubUrl);
  return {
    // The fetch time: Elastic's indicator match rules look back over the indicator index by
    // @timestamp, so an old value that is still listed must look current.
    '@timestamp': isoOrNull(ctx.generatedAt) ?? new Date().toISOString(),
    event: { kind: 'enrichment', category: ['threat'], type: ['indicator'] },
    threat: {
      indicator,
      feed: { name: plainText(ctx.exportName, 200), ...(hubUrl ? { reference: hubUrl } : {}) },
    },
    // Custom fields (ECS leaves vendor scales to them): the exact confidence, expiry and sources.
    tocsin: {
      id: Math.trunc(item.id),
      confidence,
      valid_until: isoOrNull(item.validUntil),
      sources: item.sources.slice(0, 20).map((s) => ({ kind: s.kind, title: plainText(s.title, 500) })),
    },
  };
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
    const doc = ecsDocument(item, ctx);
    return doc ? `${jsonText(doc)}\n` : null;
  },
  footer: () => '',
};
