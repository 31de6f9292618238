// The shapes every feed parser shares: what a parsed indicator looks like (FeedRecord), what
// a run says about its input (ParseReport), and the input options of the byte layer.
import type { IndicatorType } from '../../stix/observables.js';
import type { Tlp } from '../../stix/tlp.js';

/** One indicator read from a feed, its value in canonical form (see normaliseObservable). */
export interface FeedRecord {
  type: IndicatorType;
  value: string;
  comment?: string;
  /** ISO 8601 UTC */
  firstSeen?: string;
  /** ISO 8601 UTC */
  lastSeen?: string;
  /** ISO 8601 UTC: when the publisher says the indicator stops being valid (STIX valid_until) */
  validUntil?: string;
  tlp?: Tlp;
  /** 0–100 */
  confidence?: number;
  tags?: string[];
  /** where it came from: `line 12`, a MISP attribute uuid, a STIX object id */
  sourceRef?: string;
  /** MISP only: false when the publisher marked it not for detection (to_ids) */
  toIds?: boolean;
  /** MISP only: 0 own org … 4 sharing group (5, inherit, is resolved to the event's) */
  distribution?: number;
}

/**
 * Why a line or item was refused. Stable strings: a UI may translate them.
 * - too-long: a line over maxLineBytes (skipped without being buffered)
 * - binary: NUL or other control bytes where text was expected
 * - invalid-value: looks like a known type but is not valid (10.0.0.0/33, 999.1.1.1)
 * - unrecognised: not any indicator type this hub knows
 * - wrong-type: valid, but not the type the feed is configured for
 * - bad-row: a CSV row without the mapped column, or with too many columns
 * - bad-quotes: a CSV quoted field that is never closed
 * - bad-item: a JSON element that is not what the format says (MISP attribute, STIX object)
 * - invalid-pattern: a STIX indicator whose pattern does not parse
 * - truncated: the line the input stopped in the middle of
 */
export type RejectKind =
  | 'too-long'
  | 'binary'
  | 'invalid-value'
  | 'unrecognised'
  | 'wrong-type'
  | 'bad-row'
  | 'bad-quotes'
  | 'bad-item'
  | 'invalid-pattern'
  | 'truncated';

/**
 * Why a run stopped early. After a failure the report's status is 'failed': records emitted
 * before it are each valid, but the set is incomplete and must not replace a previous copy.
 * - truncated-gzip: the compressed stream ends early or is corrupt
 * - unsupported-compression: zip, bzip2, xz or zstd
 * - too-large: more than maxBytes (after decompression)
 * - read-error: the source itself failed (network, file)
 * - bad-json: a JSON format (MISP, STIX) that is not well-formed JSON of the expected shape
 * - no-header: a CSV mapping by column name, and no header line holds those names
 * - ambiguous-column: a CSV mapping names a column the header has twice
 */
export type FailureKind = 'truncated-gzip' | 'unsupported-compression' | 'too-large' | 'read-error' | 'bad-json' | 'no-header' | 'ambiguous-column';

export interface RejectSample {
  kind: RejectKind;
  reason: string;
  /** 1-based line number, for line formats */
  line?: number;
  /** MISP attribute uuid, STIX object id, … */
  ref?: string;
  /** the offending text: at most 200 characters, control characters escaped */
  text: string;
}

export interface ParseReport {
  format: string;
  status: 'running' | 'complete' | 'failed';
  failure?: { kind: FailureKind; message: string };
  /** 'gzip' when the input was gzip-compressed */
  compression: 'gzip' | null;
  /** the text encoding used; 'utf-16le'/'utf-16be' come from a BOM or the NUL-byte pattern */
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  bom: boolean;
  /** bytes read after decompression */
  bytesRead: number;
  /** physical lines (line formats only) */
  linesRead: number;
  /** comment lines, and the header line of a CSV or list */
  commentLines: number;
  blankLines: number;
  /** lines that held bytes that are not UTF-8 (decoded with U+FFFD, or as latin-1 when asked) */
  invalidUtf8Lines: number;
  /** values, rows, MISP attributes or STIX objects looked at: records + rejected + skipped (a row may give several records) */
  itemsRead: number;
  records: number;
  /** items deliberately not turned into records (unknown MISP types, STIX objects that are not indicators, duplicates) */
  skipped: number;
  skippedByKind: Record<string, number>;
  rejected: number;
  rejectedByKind: Partial<Record<RejectKind, number>>;
  samples: RejectSample[];
  warnings: string[];
}

/** Bytes in: a file or HTTP stream (Readable), chunks, one buffer, or text. */
export type FeedInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | Uint8Array | string;

export interface InputOptions {
  /** refuse more than this many bytes after decompression; default 512 MiB */
  maxBytes?: number;
  /** longer lines are skipped (and counted) without being held in memory; default 64 KiB */
  maxLineBytes?: number;
  /** how lines that are not UTF-8 are read: with U+FFFD (default) or as latin-1 */
  invalidUtf8?: 'replace' | 'latin1';
  /** most rejected samples kept in the report; default 25 */
  maxSamples?: number;
}

export const inputDefaults = { maxBytes: 512 * 1024 * 1024, maxLineBytes: 64 * 1024, invalidUtf8: 'replace', maxSamples: 25 } as const;
