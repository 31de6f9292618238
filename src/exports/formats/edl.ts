// External dynamic lists: one value a line, no header, as PAN-OS EDLs, FortiGate external
// threat feeds, Check Point and Cisco FMC Security Intelligence fetch them over HTTP(S).
// IP lists carry addresses and ranges of both families; URL lists carry `host/path` without
// the scheme (PAN-OS's form, which the others accept), with anything a firewall could read as
// a separator or wildcard percent-encoded.
import { parseCidr } from '../../stix/ip.js';
import type { IndicatorType } from '../../stix/observables.js';
import { isCanonical } from './text.js';
import type { ExportContext, ExportItem, FormatWriter } from './types.js';
import { pathAndQuery, percentEncode, splitUrl } from './url-parts.js';

/**
 * PAN-OS accepts URL entries of up to 255 characters; longer ones are skipped (and counted)
 * rather than cut, because a cut URL would match pages it was never about.
 */
export const edlUrlMaxLength = 255;

const dnsLabel = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A host name every list parser reads as one: LDH labels (and `_`), at most 253 characters. */
export function isListableDomain(domain: string): boolean {
  return domain.length <= 253 && domain.split('.').every((l) => dnsLabel.test(l));
}

function edlWriter(spec: { id: string; label: string; types: readonly IndicatorType[]; entries(item: ExportItem, ctx: ExportContext): string[] | null }): FormatWriter {
  return {
    id: spec.id,
    label: spec.label,
    contentType: 'text/plain; charset=utf-8',
    fileExtension: 'txt',
    types: spec.types,
    supports: (type) => spec.types.includes(type),
    valuesOnly: true,
    header: () => '',
    line(item, ctx) {
      if (!spec.types.includes(item.type) || !isCanonical(item)) return null;
      const entries = spec.entries(item, ctx);
      // Belt and braces: an entry is one run of visible ASCII, whatever went before.
      if (!entries || entries.length === 0 || entries.some((e) => !/^[\x21-\x7e]+$/.test(e))) return null;
      return entries.map((e) => `${e}\n`).join('');
    },
    footer: () => '',
  };
}

export const edlIp = edlWriter({
  id: 'edl-ip',
  label: 'IP list (PAN-OS, FortiGate, Check Point, Cisco)',
  types: ['ipv4', 'ipv6', 'cidr'],
  entries(item) {
    // A /0 would block (or allow) the whole internet: never a line of a list.
    if (item.type === 'cidr' && parseCidr(item.value)?.prefix === 0) return null;
    return [item.value];
  },
});

export const edlDomain = edlWriter({
  id: 'edl-domain',
  label: 'Domain list (PAN-OS, FortiGate, Check Point, Cisco)',
  types: ['domain'],
  entries(item, ctx) {
    if (!isListableDomain(item.value)) return null;
    return ctx.domainWildcards ? [item.value, `*.${item.value}`] : [item.value];
  },
});

export const edlUrl = edlWriter({
  id: 'edl-url',
  label: 'URL list, host/path without scheme (PAN-OS, FortiGate, Check Point, Cisco)',
  types: ['url'],
  entries(item) {
    const parts = splitUrl(item.value);
    // The lists match web traffic only; the port is not part of a PAN-OS URL entry.
    if (!parts || !['http', 'https'].includes(parts.scheme)) return null;
    // `*` and `^` are wildcards in PAN-OS and FortiGate URL lists: a literal one must not widen the entry.
    const entry = `${parts.host}${percentEncode(pathAndQuery(parts), '*^')}`;
    return entry.length <= edlUrlMaxLength ? [entry] : null;
  },
});

export const edlHash = edlWriter({
  id: 'edl-hash',
  label: 'File hash list (SHA-256, MD5, SHA-1)',
  types: ['sha256', 'md5', 'sha1'],
  entries: (item) => [item.value],
});
