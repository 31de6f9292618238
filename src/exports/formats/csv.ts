// Tables: a CSV of chosen columns (RFC 4180, safe to open in a spreadsheet — the trends
// convention of src/intel/trends.csv.ts), and a Splunk Enterprise Security threat intelligence
// file whose header uses the fields of its threat collections, so one upload or threatlist
// input fills ip_intel, http_intel, file_intel and email_intel at once.
import { csvCell, type Cell } from '../../intel/trends.csv.js';
import { indicatorTypeLabels, type IndicatorType } from '../../stix/observables.js';
import { confidenceOf, firstTitle, isCanonical, isoOrNull, plainText, safeHubUrl, tlpLabel } from './text.js';
import type { ExportContext, ExportItem, FormatWriter } from './types.js';

export const csvColumns = ['value', 'type', 'tlp', 'confidence', 'first_seen', 'last_seen', 'valid_until', 'sources', 'url', 'sightings'] as const;
export type CsvColumn = (typeof csvColumns)[number];

const allTypes: readonly IndicatorType[] = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'cve'];

/** The export's columns: the chosen ones that exist, in the chosen order, once each; all by default. */
export function columnsOf(ctx: ExportContext): CsvColumn[] {
  const chosen = (ctx.columns ?? []).filter((c): c is CsvColumn => (csvColumns as readonly string[]).includes(c));
  return chosen.length ? [...new Set(chosen)] : [...csvColumns];
}

function cellOf(item: ExportItem, column: CsvColumn): Cell {
  switch (column) {
    case 'value':
      return item.value;
    case 'type':
      return item.type;
    case 'tlp':
      return tlpLabel(item.tlp);
    case 'confidence':
      return confidenceOf(item);
    case 'first_seen':
      return isoOrNull(item.firstSeen);
    case 'last_seen':
      return isoOrNull(item.lastSeen);
    case 'valid_until':
      return isoOrNull(item.validUntil);
    case 'sources':
      return item.sources.map((s) => plainText(`${s.kind}: ${s.title}`, 200)).join('; ');
    case 'url':
      return safeHubUrl(item.url);
    case 'sightings':
      return Math.max(0, Math.trunc(Number(item.sightings) || 0));
  }
}

/** One CSV record: never a line break inside it, whatever a cell held. */
function record(cells: readonly Cell[]): string {
  return `${cells.map((c) => csvCell(typeof c === 'string' ? c.replace(/[\r\n]+/g, ' ') : c)).join(',')}\r\n`;
}

export const csv: FormatWriter = {
  id: 'csv',
  label: 'CSV (choose the columns)',
  contentType: 'text/csv; charset=utf-8',
  fileExtension: 'csv',
  types: allTypes,
  columns: csvColumns,
  supports: (type) => allTypes.includes(type),
  header: (ctx) => record(columnsOf(ctx)),
  line(item, ctx) {
    if (!allTypes.includes(item.type) || !isCanonical(item)) return null;
    return record(columnsOf(ctx).map((c) => cellOf(item, c)));
  },
  footer: () => '',
};

/** The threat collection fields of Splunk ES ("Supported types of threat intelligence"), in its order. */
export const splunkColumns = ['description', 'ip', 'domain', 'url', 'file_hash', 'src_user', 'weight'] as const;

const splunkField: Partial<Record<IndicatorType, (typeof splunkColumns)[number]>> = {
  ipv4: 'ip',
  ipv6: 'ip',
  cidr: 'ip', // ip_intel matches CIDR ranges
  domain: 'domain',
  url: 'url',
  email: 'src_user',
  md5: 'file_hash',
  sha1: 'file_hash',
  sha256: 'file_hash',
};
const splunkTypes = Object.keys(splunkField) as IndicatorType[];
/** The cells trends.csv.ts defuses with a leading quote. */
const formulaStart = /^[=+\-@\t\r]/;

export const splunkCsv: FormatWriter = {
  id: 'splunk-csv',
  label: 'Splunk ES threat intelligence (CSV lookup)',
  contentType: 'text/csv; charset=utf-8',
  fileExtension: 'csv',
  types: splunkTypes,
  supports: (type) => type in splunkField,
  header: () => `${splunkColumns.join(',')}\r\n`,
  line(item, ctx) {
    const field = splunkField[item.type];
    if (!field || !isCanonical(item)) return null;
    // A lookup value must match as it is: one that a spreadsheet would run (an e-mail address
    // like =cmd|...@x) cannot be defused with a quote without breaking the match, so it is skipped.
    if (formulaStart.test(item.value)) return null;
    const title = firstTitle(item, 150);
    const description = plainText(`${tlpLabel(item.tlp)} ${title || indicatorTypeLabels[item.type]} (${ctx.hubName})`, 250);
    const cells: Cell[] = splunkColumns.map((c) => {
      if (c === 'description') return description;
      // ES weights run 1–100; a higher weight raises the risk score of a match.
      if (c === 'weight') return Math.max(1, confidenceOf(item));
      return c === field ? item.value : null;
    });
    return record(cells);
  },
  footer: () => '',
};
