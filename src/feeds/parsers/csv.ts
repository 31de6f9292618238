// CSV feeds: a column mapping (by header name or 0-based index) says which cell holds the
// value and which hold its type, comment, dates, confidence, TLP and tags. The header may be
// the first line, a `#` comment line (abuse.ch writes `# Listingdate,SHA1,Listingreason`), or
// absent. Delimiters are detected; quoted fields follow RFC 4180 (csv-fields.ts). A quote
// that never closes breaks only its own record: the lines it swallowed are read again.
import { tlpFromLabel } from '../../stix/tlp.js';
import { CsvFields } from './csv-fields.js';
import type { Reporter } from './report.js';
import { Output, lineRun, type FeedRun, type LineParser } from './run.js';
import { inputDefaults, type FeedInput, type FeedRecord, type InputOptions } from './types.js';
import { classifyValue, normaliseDate, type ForcedType } from './values.js';
import { typeFromName } from './type-names.js';

/** A column by header name (case and surrounding blanks ignored) or by 0-based position. */
export type ColumnRef = string | number;

export interface CsvColumns {
  value: ColumnRef;
  /** every value is of this type; default: detected per value (or read from typeColumn) */
  type?: ForcedType;
  /** a column naming each row's type: `ip`, `domain`, `url`, `sha256`, MISP type names… */
  typeColumn?: ColumnRef;
  /** one or more columns joined into the record's comment */
  comment?: ColumnRef | ColumnRef[];
  firstSeen?: ColumnRef;
  lastSeen?: ColumnRef;
  /** 0–100 */
  confidence?: ColumnRef;
  tlp?: ColumnRef;
  /** tags separated by `,`, `;` or `|` */
  tags?: ColumnRef;
}

export interface CsvOptions extends InputOptions {
  columns: CsvColumns;
  /** default 'auto': the most frequent of `,` tab `;` `|` in the header (or first) line */
  delimiter?: 'auto' | ',' | ';' | '\t' | '|';
  /**
   * 'auto' (default): a header is looked for in the first line and in the comment lines
   * before it (needed when columns are named); 'first': the first line is the header;
   * 'none': there is none (columns must be numbers).
   */
  header?: 'auto' | 'first' | 'none';
  /** rows with more columns are rejected; default 1000 */
  maxColumns?: number;
  /** a quoted field may span at most this many lines; default 100 */
  maxRecordLines?: number;
}

type Field = 'value' | 'typeColumn' | 'firstSeen' | 'lastSeen' | 'confidence' | 'tlp' | 'tags';
type Resolved = Partial<Record<Field, number>> & { value: number; comment: number[] };

const delimiters = [',', '\t', ';', '|'] as const;
const maxCommentLength = 1000;
const maxTags = 20;

function refsOf(columns: CsvColumns): ColumnRef[] {
  const c = columns;
  const comment = c.comment === undefined ? [] : Array.isArray(c.comment) ? c.comment : [c.comment];
  return [c.value, c.typeColumn, ...comment, c.firstSeen, c.lastSeen, c.confidence, c.tlp, c.tags].filter((r): r is ColumnRef => r !== undefined);
}

function checkOptions(o: CsvOptions): void {
  if (!o.columns || o.columns.value === undefined) throw new RangeError('columns.value is required: the column that holds the indicator.');
  for (const ref of refsOf(o.columns)) {
    if (typeof ref === 'number' ? !Number.isSafeInteger(ref) || ref < 0 : typeof ref !== 'string' || ref.trim() === '') {
      throw new RangeError(`Column ${JSON.stringify(ref)} is neither a header name nor a position (0, 1, 2, …).`);
    }
  }
  if (o.header === 'none' && refsOf(o.columns).some((r) => typeof r === 'string')) throw new RangeError('Without a header, columns must be given by position.');
  if (o.columns.type !== undefined && o.columns.typeColumn !== undefined) throw new RangeError('Give either columns.type or columns.typeColumn, not both.');
}

/** The delimiter that occurs most often outside quotes; `,` when none does. */
export function detectDelimiter(line: string): string {
  const counts = new Map<number, number>(delimiters.map((d) => [d.charCodeAt(0), 0]));
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: string = ',';
  let most = 0;
  for (const d of delimiters) {
    const n = counts.get(d.charCodeAt(0))!;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

const key = (name: string): string => name.trim().toLowerCase();

class CsvParser implements LineParser {
  private state: 'start' | 'data' | 'stopped' = 'start';
  private delimiter: string | null;
  private fields: CsvFields | null = null;
  private columns: Resolved | null = null;
  private commentHeader: { cells: string[]; delimiter: string; lineNo: number } | null = null;
  /** the lines of a record whose quoted field is still open */
  private open: { lines: Array<{ text: string; lineNo: number }>; bytes: number } | null = null;
  /** while lines of a broken record are read again, none may open a multi-line record */
  private singleLine = false;
  private badDates = 0;
  private readonly names: string[];
  private readonly maxColumns: number;
  private readonly maxRecordLines: number;

  constructor(
    private readonly out: Output,
    private readonly reporter: Reporter,
    private readonly o: CsvOptions,
    private readonly maxRecordBytes: number,
  ) {
    this.delimiter = o.delimiter && o.delimiter !== 'auto' ? o.delimiter : null;
    this.names = refsOf(o.columns).filter((r): r is string => typeof r === 'string');
    this.maxColumns = o.maxColumns ?? 1000;
    this.maxRecordLines = o.maxRecordLines ?? 100;
  }

  line(text: string, lineNo: number): void {
    if (this.state === 'stopped') return;
    if (this.open) {
      this.continueRecord(text, lineNo);
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      this.reporter.report.blankLines += 1;
      return;
    }
    if (trimmed.startsWith('#')) {
      this.reporter.report.commentLines += 1;
      if (this.state === 'start' && this.names.length > 0 && this.o.header !== 'none' && this.o.header !== 'first') this.tryCommentHeader(trimmed, lineNo);
      return;
    }
    if (this.state === 'start' && this.start(text, lineNo)) return;
    if (this.state === 'data') this.startRecord(text, lineNo);
  }

  badLine(): void {
    // A line inside an open record was refused (too long, NUL bytes): the record is broken.
    if (this.open) this.breakRecord('a line in it was refused');
  }

  finish(): void {
    if (this.open) this.breakRecord('the input ends first');
    if (this.state === 'start' && this.names.length > 0 && this.o.header !== 'none') {
      // No data row at all. An empty file is an empty feed; comments without the header are not.
      if (this.commentHeader) this.useHeader(this.commentHeader.cells, this.commentHeader.delimiter);
      else if (this.reporter.report.linesRead === 0) this.reporter.warn('The input is empty.');
      else this.fail('no-header', this.missingNames([]));
    }
    if (this.badDates > 0) this.reporter.warn(`${this.badDates} date(s) could not be read and were left out.`);
  }

  private fail(kind: 'no-header' | 'ambiguous-column', message: string): void {
    this.reporter.fail(kind, message);
    this.state = 'stopped';
  }

  private split(text: string, delimiter: string): string[] | null {
    const f = new CsvFields(delimiter.charCodeAt(0), this.maxColumns);
    return f.line(text) === 'done' ? f.fields : null;
  }

  private tryCommentHeader(trimmed: string, lineNo: number): void {
    const body = trimmed.replace(/^#+/, '');
    for (const d of this.delimiter ? [this.delimiter] : delimiters) {
      const cells = this.split(body, d);
      if (cells && this.hasNames(cells)) {
        // The last such line before the data wins: banners come first, the header last.
        this.commentHeader = { cells, delimiter: d, lineNo };
        return;
      }
    }
  }

  private hasNames(cells: string[]): boolean {
    const have = new Set(cells.map(key));
    return this.names.every((n) => have.has(key(n)));
  }

  private missingNames(cells: string[]): string {
    const have = new Set(cells.map(key));
    const missing = this.names.filter((n) => !have.has(key(n)));
    const shown = cells.length ? ` The header has: ${cells.slice(0, 30).map((c) => JSON.stringify(c.trim().slice(0, 40))).join(', ')}.` : ' No header line was found.';
    return `The column(s) ${missing.map((n) => JSON.stringify(n)).join(', ')} named in the mapping are not in the header.${shown}`;
  }

  /** The first line that is not a comment: the header, or the first data row. True when consumed. */
  private start(text: string, lineNo: number): boolean {
    const delimiter = this.delimiter ?? this.commentHeader?.delimiter ?? detectDelimiter(text);
    const header = this.o.header ?? 'auto';
    const cells = this.split(text, delimiter);
    if (header === 'first') {
      if (!cells) {
        this.fail('no-header', `The header on line ${lineNo} cannot be read as CSV.`);
        return true;
      }
      this.useHeader(cells, delimiter, true);
      return true;
    }
    if (header === 'none') {
      this.useHeader(null, delimiter);
      return false;
    }
    if (this.names.length > 0) {
      if (cells && this.hasNames(cells)) {
        this.useHeader(cells, delimiter, true);
        return true;
      }
      if (this.commentHeader) {
        this.reporter.warn(`The column header was found in a comment line (line ${this.commentHeader.lineNo}).`);
        this.useHeader(this.commentHeader.cells, this.commentHeader.delimiter);
        return false;
      }
      this.fail('no-header', this.missingNames(cells ?? []));
      return true;
    }
    // Columns by position: the first line is a header when nothing in it is an indicator.
    const isHeader = cells !== null && cells.every((c) => !classifyValue(c.trim()).ok);
    this.useHeader(null, delimiter);
    if (isHeader) {
      this.reporter.report.commentLines += 1;
      this.reporter.warn(`Line ${lineNo} holds no indicator and was taken as the column header.`);
    }
    return isHeader;
  }

  private useHeader(cells: string[] | null, delimiter: string, headerLine = false): void {
    if (headerLine) this.reporter.report.commentLines += 1;
    this.delimiter = delimiter;
    this.fields = new CsvFields(delimiter.charCodeAt(0), this.maxColumns);
    const index = new Map<string, number[]>();
    (cells ?? []).forEach((c, i) => {
      const at = index.get(key(c));
      if (at) at.push(i);
      else index.set(key(c), [i]);
    });
    const resolve = (ref: ColumnRef): number | null => {
      if (typeof ref === 'number') return ref;
      const at = index.get(key(ref)) ?? [];
      if (at.length > 1) {
        this.fail('ambiguous-column', `The header has ${at.length} columns named ${JSON.stringify(ref)} (positions ${at.join(', ')}, counting from 0): name the one to use by its position instead.`);
        return null;
      }
      if (at.length === 0) {
        this.fail('no-header', this.missingNames(cells ?? []));
        return null;
      }
      return at[0]!;
    };
    const c = this.o.columns;
    const resolved: Resolved = { value: resolve(c.value) ?? 0, comment: [] };
    for (const f of ['typeColumn', 'firstSeen', 'lastSeen', 'confidence', 'tlp', 'tags'] as const) {
      const ref = c[f];
      const at = ref === undefined ? null : resolve(ref);
      if (at !== null) resolved[f] = at;
    }
    const comments = c.comment === undefined ? [] : Array.isArray(c.comment) ? c.comment : [c.comment];
    for (const ref of comments) {
      const at = resolve(ref);
      if (at !== null) resolved.comment.push(at);
    }
    if (this.state === 'stopped') return;
    const dup = [...index].filter(([, at]) => at.length > 1).map(([name]) => JSON.stringify(name));
    if (dup.length) this.reporter.warn(`The header repeats ${dup.slice(0, 10).join(', ')}; the mapping does not use them.`);
    this.columns = resolved;
    this.state = 'data';
  }

  private startRecord(text: string, lineNo: number): void {
    const f = this.fields!;
    f.reset();
    const r = f.line(text);
    if (r === 'done') this.row(f, lineNo, text);
    else if (r === 'too-many-columns') this.reject('bad-row', `The row has more than ${this.maxColumns} columns.`, lineNo, text);
    else if (this.singleLine) this.reject('bad-quotes', 'A quoted field is not closed on this line.', lineNo, text);
    else this.open = { lines: [{ text, lineNo }], bytes: text.length };
  }

  private continueRecord(text: string, lineNo: number): void {
    const open = this.open!;
    open.lines.push({ text, lineNo });
    open.bytes += text.length + 1;
    if (open.lines.length > this.maxRecordLines || open.bytes > this.maxRecordBytes) {
      this.breakRecord(`not within ${this.maxRecordLines} lines or ${this.maxRecordBytes} bytes`);
      return;
    }
    const f = this.fields!;
    const r = f.line(text);
    if (r === 'open') return;
    // `"a` … `b" c`: a quote that closes lines later and is followed by text was most likely
    // never meant to open a field: a stray quote, not a line break inside one.
    if (r === 'done' && f.sloppy) {
      this.breakRecord('its closing quote, on a later line, is followed by text');
      return;
    }
    this.open = null;
    const first = open.lines[0]!;
    if (r === 'too-many-columns') this.reject('bad-row', `The row has more than ${this.maxColumns} columns.`, first.lineNo, first.text);
    else this.row(f, first.lineNo, open.lines.map((l) => l.text).join('\n'));
  }

  /** The record's quote never closed: refuse its first line, read the others again on their own. */
  private breakRecord(why: string): void {
    const open = this.open!;
    this.open = null;
    const first = open.lines[0]!;
    this.reject('bad-quotes', `A quoted field opened on line ${first.lineNo} is never closed (${why}).`, first.lineNo, first.text);
    const wasSingle = this.singleLine;
    this.singleLine = true;
    for (const l of open.lines.slice(1)) this.line(l.text, l.lineNo);
    this.singleLine = wasSingle;
  }

  private reject(kind: 'bad-row' | 'bad-quotes' | 'invalid-value' | 'unrecognised' | 'wrong-type', reason: string, lineNo: number, text: string): void {
    this.reporter.report.itemsRead += 1;
    this.reporter.reject(kind, reason, { line: lineNo, text });
  }

  private cell(f: CsvFields, at: number | undefined): string | undefined {
    if (at === undefined) return undefined;
    const v = f.fields[at]?.trim();
    return v ? v : undefined;
  }

  private date(f: CsvFields, at: number | undefined): string | undefined {
    const text = this.cell(f, at);
    if (text === undefined) return undefined;
    const iso = normaliseDate(text);
    if (iso === null) this.badDates += 1;
    return iso ?? undefined;
  }

  private row(f: CsvFields, lineNo: number, text: string): void {
    const cols = this.columns!;
    const raw = f.fields[cols.value];
    if (raw === undefined) return this.reject('bad-row', `The row has ${f.fields.length} column(s); the value is in column ${cols.value + 1}.`, lineNo, text);
    const value = raw.trim();
    if (!value) return this.reject('bad-row', 'The value column is empty.', lineNo, text);
    let type = this.o.columns.type;
    const typeName = this.cell(f, cols.typeColumn);
    if (typeName !== undefined) {
      const t = typeFromName(typeName);
      if (t === null) {
        this.reporter.report.itemsRead += 1;
        this.reporter.skip(`type ${typeName.slice(0, 40).toLowerCase()}`);
        return;
      }
      type = t;
    }
    const c = classifyValue(value, type);
    if (!c.ok) {
      if (c.kind === 'unsupported') {
        this.reporter.report.itemsRead += 1;
        this.reporter.skip(c.what);
        return;
      }
      return this.reject(c.kind, c.reason, lineNo, text);
    }
    this.reporter.report.itemsRead += 1;
    if (f.sloppy) this.reporter.warn('Some rows have text after a closing quote; it was kept as part of the field.');
    const record: FeedRecord = { type: c.type, value: c.value, sourceRef: `line ${lineNo}` };
    const comment = [c.note, ...cols.comment.map((i) => this.cell(f, i))].filter((s): s is string => s !== undefined).join('; ');
    if (comment) record.comment = comment.length > maxCommentLength ? `${comment.slice(0, maxCommentLength)}…` : comment;
    const firstSeen = this.date(f, cols.firstSeen);
    if (firstSeen) record.firstSeen = firstSeen;
    const lastSeen = this.date(f, cols.lastSeen);
    if (lastSeen) record.lastSeen = lastSeen;
    const confidence = Number(this.cell(f, cols.confidence) ?? NaN);
    if (Number.isFinite(confidence) && confidence >= 0 && confidence <= 100) record.confidence = Math.round(confidence);
    const tlp = this.cell(f, cols.tlp);
    const level = tlp === undefined ? null : tlpFromLabel(tlp);
    if (level) record.tlp = level;
    const tags = this.cell(f, cols.tags);
    if (tags !== undefined) {
      const list = [...new Set(tags.split(/[,;|]/).map((t) => t.trim().slice(0, 200)).filter(Boolean))].slice(0, maxTags);
      if (list.length) record.tags = list;
    }
    this.out.push(record);
  }
}

/**
 * Parse a CSV feed with a column mapping. Throws RangeError for a mapping that can never work
 * (no value column, names without a header); never throws for bad input: see the report.
 */
export function parseCsv(input: FeedInput, options: CsvOptions): FeedRun {
  checkOptions(options);
  return lineRun('csv', input, options, (out, reporter) => new CsvParser(out, reporter, options, options.maxLineBytes ?? inputDefaults.maxLineBytes));
}
