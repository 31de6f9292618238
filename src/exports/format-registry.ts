// Every export format in one list, as the service needs them: what types each carries, its
// content type and file extension, and its writer. The writers themselves (formats/, and the
// STIX bundle here) know only their syntax; this is where they meet the API.
import { indicatorTypes, type IndicatorType } from '../stix/observables.js';
import type { ExportContext, ExportItem } from './formats/types.js';
import { formatWriters } from './formats/index.js';
import { stixBundleFormat } from './stix-format.js';

export interface ExportFormat {
  id: string;
  label: string;
  contentType: string;
  fileExtension: string;
  /** the types this format can carry */
  types: readonly IndicatorType[];
  /** table formats: the columns one may choose */
  columns?: readonly string[] | undefined;
  header(ctx: ExportContext): string;
  /** one value, newline included; null when the format cannot express it (skipped, counted) */
  line(item: ExportItem, ctx: ExportContext): string | null;
  footer(ctx: ExportContext): string;
  /** a directory of files (the MISP feed) rather than one body: see misp-directory.ts */
  directory?: boolean;
  /** the writer reads only an item's id, type and value (see PageOptions in items.ts) */
  valuesOnly?: boolean;
}

/** The MISP feed: a directory (manifest.json, hashes.csv, <uuid>.json), so no line writer. */
const mispFeedFormat: ExportFormat = {
  id: 'misp',
  label: 'MISP feed (manifest.json, hashes.csv and one event per day)',
  contentType: 'application/json',
  fileExtension: 'json',
  types: indicatorTypes,
  directory: true,
  header: () => '',
  line: () => null,
  footer: () => '',
};

const formats: ExportFormat[] = [...formatWriters, stixBundleFormat, mispFeedFormat];

const byId = new Map(formats.map((f) => [f.id, f]));

export function exportFormat(id: string): ExportFormat | undefined {
  return byId.get(id);
}

export function exportFormatIds(): string[] {
  return formats.map((f) => f.id);
}

export function describeFormats(): Array<{ id: string; label: string; contentType: string; types: string[]; columns?: string[] }> {
  return formats.map((f) => ({ id: f.id, label: f.label, contentType: f.contentType, types: [...f.types], ...(f.columns ? { columns: [...f.columns] } : {}) }));
}

