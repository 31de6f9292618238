// The bookkeeping of one parse run: counts, rejected samples (truncated and escaped so a UI
// can show them safely), warnings said once, and the failure that stopped the run.
import type { FailureKind, ParseReport, RejectKind } from './types.js';

const maxSampleChars = 200;
const maxSamplesPerKind = 10;
const maxWarnings = 50;
const maxSkipKinds = 200;

export function newReport(format: string): ParseReport {
  return {
    format,
    status: 'running',
    compression: null,
    encoding: 'utf-8',
    bom: false,
    bytesRead: 0,
    linesRead: 0,
    commentLines: 0,
    blankLines: 0,
    invalidUtf8Lines: 0,
    itemsRead: 0,
    records: 0,
    skipped: 0,
    // Kinds may come from the input (MISP attribute types): no prototype to collide with.
    skippedByKind: Object.create(null) as Record<string, number>,
    rejected: 0,
    rejectedByKind: {},
    samples: [],
    warnings: [],
  };
}

/**
 * Text safe to show in one line: control characters, lone surrogates and the Unicode line
 * separators escaped as `\xNN`/`\uNNNN`, cut to 200 characters with `…` (and the full length).
 */
export function escapeSample(text: string): string {
  const cut = text.length > maxSampleChars;
  const head = cut ? text.slice(0, maxSampleChars) : text;
  // eslint-disable-next-line no-control-regex
  const escaped = head.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return cut ? `${escaped}… (${text.length} characters)` : escaped;
}

export interface RejectAt {
  line?: number;
  ref?: string;
  text: string;
}

export class Reporter {
  readonly report: ParseReport;
  private readonly perKind = new Map<RejectKind, number>();

  constructor(
    format: string,
    private readonly maxSamples: number,
  ) {
    this.report = newReport(format);
  }

  reject(kind: RejectKind, reason: string, at: RejectAt): void {
    const r = this.report;
    r.rejected += 1;
    r.rejectedByKind[kind] = (r.rejectedByKind[kind] ?? 0) + 1;
    const kept = this.perKind.get(kind) ?? 0;
    if (r.samples.length >= this.maxSamples || kept >= maxSamplesPerKind) return;
    this.perKind.set(kind, kept + 1);
    r.samples.push({ kind, reason, ...(at.line !== undefined ? { line: at.line } : {}), ...(at.ref !== undefined ? { ref: escapeSample(at.ref) } : {}), text: escapeSample(at.text) });
  }

  skip(kind: string, count = 1): void {
    const r = this.report;
    r.skipped += count;
    // Kinds can come from the input (MISP attribute types): bound how many are told apart.
    const key = kind in r.skippedByKind || Object.keys(r.skippedByKind).length < maxSkipKinds ? kind : 'other';
    r.skippedByKind[key] = (r.skippedByKind[key] ?? 0) + count;
  }

  warn(message: string): void {
    const w = this.report.warnings;
    if (w.length < maxWarnings && !w.includes(message)) w.push(message);
  }

  /** Stop the run: the first failure is the one reported. */
  fail(kind: FailureKind, message: string): void {
    if (this.report.status === 'failed') return;
    this.report.status = 'failed';
    this.report.failure = { kind, message };
  }

  get failed(): boolean {
    return this.report.status === 'failed';
  }

  complete(): void {
    if (this.report.status === 'running') this.report.status = 'complete';
  }
}
