// Every export format in one list, as the service needs them: what types each carries, its
// content type and file extension, and its writer. The writers themselves (formats/, and the
// STIX bundle here) know only their syntax; this is where they meet the API.
import type { IndicatorType } from '../stix/observables.js';
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
}

const formats: ExportFormat[] = [...formatWriters, stixBundleFormat];

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

