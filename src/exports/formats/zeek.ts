// A Zeek Intelligence Framework file (read with `redef Intel::read_files += { ... }`): a
// `#fields` header and one tab-separated line a value. Zeek's ASCII reader splits on tabs,
// reads `-` as unset and unescapes `\xHH`, so separators and backslashes travel as `\xHH`.
import { parseCidr } from '../../stix/ip.js';
import type { IndicatorType } from '../../stix/observables.js';
import { confidenceOf, firstTitle, isCanonical, plainText, safeHubUrl, tlpLabel } from './text.js';
import type { ExportItem, FormatWriter } from './types.js';
import { explicitPort, pathAndQuery, percentEncode, splitUrl } from './url-parts.js';

export const zeekFields = ['indicator', 'indicator_type', 'meta.source', 'meta.desc', 'meta.url'] as const;

/** One field: `\`, tab, line breaks and other controls as `\xHH`; empty as `-` (unset). */
export function zeekField(s: string): string {
  if (s === '') return '-';
  return s.replace(/[\\\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function indicatorOf(item: ExportItem): { indicator: string; type: string } | null {
  switch (item.type) {
    case 'ipv4':
    case 'ipv6':
      return { indicator: item.value, type: 'Intel::ADDR' };
    case 'cidr':
      return parseCidr(item.value)?.prefix ? { indicator: item.value, type: 'Intel::SUBNET' } : null;
    case 'domain':
      return { indicator: item.value, type: 'Intel::DOMAIN' };
    case 'url': {
      // Zeek sees `host[:port]/path?query` (HTTP::build_url): no scheme, the port only when not the default.
      const parts = splitUrl(item.value);
      if (!parts) return null;
      const port = explicitPort(parts);
      // Non-ASCII as the client sends it: percent-encoded.
      return { indicator: `${parts.host}${port !== null ? `:${port}` : ''}${percentEncode(pathAndQuery(parts))}`, type: 'Intel::URL' };
    }
    case 'email':
      return { indicator: item.value, type: 'Intel::EMAIL' };
    case 'md5':
    case 'sha1':
    case 'sha256':
      return { indicator: item.value, type: 'Intel::FILE_HASH' };
    case 'cve':
      return null;
  }
}

const types: readonly IndicatorType[] = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256'];

export const zeek: FormatWriter = {
  id: 'zeek',
  label: 'Zeek Intelligence Framework file',
  contentType: 'text/plain; charset=utf-8',
  fileExtension: 'intel',
  types,
  supports: (type) => types.includes(type),
  header(ctx) {
    // Zeek skips lines that start with `#` other than `#fields`, so the comments may come first.
    return [
      `# ${plainText(ctx.hubName, 100)}: ${plainText(ctx.exportName, 100)} (Zeek intel)`,
      `# Generated ${plainText(ctx.generatedAt, 40)} from ${plainText(ctx.hubUrl, 200)}`,
      `#fields\t${zeekFields.join('\t')}`,
      '',
    ].join('\n');
  },
  line(item, ctx) {
    if (!types.includes(item.type) || !isCanonical(item)) return null;
    const ind = indicatorOf(item);
    if (!ind) return null;
    const title = firstTitle(item, 200);
    const desc = `${tlpLabel(item.tlp)}, confidence ${confidenceOf(item)}${title ? `: ${title}` : ''}`;
    const fields = [ind.indicator, ind.type, plainText(ctx.hubName, 100), desc, safeHubUrl(item.url) ?? ''];
    return `${fields.map(zeekField).join('\t')}\n`;
  },
  footer: () => '',
};
