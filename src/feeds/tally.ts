// One run's parse reports added up: a MISP run reads a manifest and many event files, a TAXII
// run many pages, and the run shows one set of counts and at most 25 samples.
import type { ParseReport, RejectSample } from './parsers/index.js';

const maxSamples = 25;
const maxWarnings = 50;

export interface Tally {
  bytesRead: number;
  itemsRead: number;
  records: number;
  rejected: number;
  skipped: number;
  rejectedByKind: Record<string, number>;
  skippedByKind: Record<string, number>;
  samples: RejectSample[];
  warnings: string[];
}

export function emptyTally(): Tally {
  return { bytesRead: 0, itemsRead: 0, records: 0, rejected: 0, skipped: 0, rejectedByKind: {}, skippedByKind: {}, samples: [], warnings: [] };
}

/** `into` plus `report` (a finished one, or a live one for a progress snapshot), as a new tally. */
export function addReport(into: Tally, report: ParseReport, ref?: string): Tally {
  const out: Tally = {
    bytesRead: into.bytesRead + report.bytesRead,
    itemsRead: into.itemsRead + report.itemsRead,
    records: into.records + report.records,
    rejected: into.rejected + report.rejected,
    skipped: into.skipped + report.skipped,
    rejectedByKind: { ...into.rejectedByKind },
    skippedByKind: { ...into.skippedByKind },
    samples: [...into.samples],
    warnings: [...into.warnings],
  };
  for (const [k, n] of Object.entries(report.rejectedByKind)) out.rejectedByKind[k] = (out.rejectedByKind[k] ?? 0) + (n ?? 0);
  for (const [k, n] of Object.entries(report.skippedByKind)) out.skippedByKind[k] = (out.skippedByKind[k] ?? 0) + n;
  for (const s of report.samples) {
    if (out.samples.length >= maxSamples) break;
    out.samples.push(ref && !s.ref ? { ...s, ref } : s);
  }
  for (const w of report.warnings) addWarning(out, ref ? `${ref}: ${w}` : w);
  if (report.failure) addWarning(out, `${ref ? `${ref}: ` : ''}${report.failure.message}`);
  return out;
}

/** Something refused that is not a line or item of a document: an event file that failed. */
export function addRejected(t: Tally, sample: RejectSample): void {
  t.rejected += 1;
  t.rejectedByKind[sample.kind] = (t.rejectedByKind[sample.kind] ?? 0) + 1;
  if (t.samples.length < maxSamples) t.samples.push(sample);
}

export function addWarning(t: Tally, message: string): void {
  if (t.warnings.length < maxWarnings && !t.warnings.includes(message)) t.warnings.push(message);
}
