// Plain lists: one value a line (IPs, ranges, domains, URLs, hashes, emails, mixed), with `#`,
// `;` and `// ` comment lines (`//` then a blank: Maltrail lists `///…/atom.xml` paths), and
// an optional second column after a blank, `,`, `;` or `#` that becomes the record's comment.
// Footers such as `# END (5522) entries` are comments.
import { Output, lineRun, type FeedRun, type LineParser } from './run.js';
import type { Reporter } from './report.js';
import { classifyValue, isCanonicalIpv4, type ForcedType } from './values.js';
import type { FeedInput, FeedRecord, InputOptions } from './types.js';

export interface ListOptions extends InputOptions {
  /** every value must be of this type ('ip': IPv4, IPv6 and ranges); default: detected per value */
  type?: ForcedType;
}

const maxCommentLength = 1000;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/** Strip a separator left of a second-column comment: `# x`, `; x`, `// x`, `, x`, `- x`. */
function commentText(rest: string): string | undefined {
  let s = rest.trim();
  if (s.startsWith('//')) s = s.slice(2);
  else if (s.startsWith('#') || s.startsWith(';') || s.startsWith(',') || s.startsWith('-') || s.startsWith('|')) s = s.slice(1);
  s = s.trim();
  if (!s) return undefined;
  return s.length > maxCommentLength ? `${s.slice(0, maxCommentLength)}…` : s;
}

function joinComments(a: string | undefined, b: string | undefined): string | undefined {
  return a && b ? `${a}; ${b}` : (a ?? b);
}

// The blanks isSpace() knows, for a native search of the first one.
const blank = /[ \t\v\f\u00a0\ufeff]/;
// A URL keeps its `#fragment` and commas; anything else splits there.
const urlLike = /^[a-z][a-z0-9+.-]{0,15}(?::|\[:\])\/\/|^(?:h(?:xx|xt|tx)ps?|fxps?)\b/i;
// The first data line of some lists is an uncommented column name: `ip`, `md5_hash`, `Domain`.
const headerWord = /^[a-z][a-z_ -]{0,30}$/i;

class ListParser implements LineParser {
  private seenData = false;

  constructor(
    private readonly out: Output,
    private readonly reporter: Reporter,
    private readonly forced: ForcedType | undefined,
  ) {}

  line(text: string, lineNo: number): void {
    const report = this.reporter.report;
    let start = 0;
    let end = text.length;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (start === end) {
      report.blankLines += 1;
      return;
    }
    const first = text.charCodeAt(start);
    if (first === 35 /* # */ || first === 59 /* ; */ || (first === 47 /* / */ && text.charCodeAt(start + 1) === 47 && (start + 2 === end || isSpace(text.charCodeAt(start + 2))))) {
      report.commentLines += 1;
      return;
    }
    report.itemsRead += 1;
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    // The common case, one canonical IPv4 address a line, costs one scan and no allocation.
    if ((this.forced === undefined || this.forced === 'ip' || this.forced === 'ipv4' || this.forced === 'cidr') && isCanonicalIpv4(line)) {
      this.seenData = true;
      this.out.push({ type: 'ipv4', value: line, sourceRef: `line ${lineNo}` });
      return;
    }
    const cut = line.search(blank);
    let value = cut < 0 ? line : line.slice(0, cut);
    let comment = cut < 0 ? undefined : commentText(line.slice(cut));
    if (!urlLike.test(value)) {
      const sep = value.search(/[,;#|]/);
      if (sep > 0) {
        comment = joinComments(commentText(value.slice(sep)), comment);
        value = value.slice(0, sep);
      }
    }
    const c = classifyValue(value, this.forced);
    if (!c.ok) {
      if (c.kind === 'unsupported') {
        this.seenData = true;
        this.reporter.skip(c.what);
        return;
      }
      if (!this.seenData && c.kind === 'unrecognised' && headerWord.test(line)) {
        this.seenData = true;
        report.itemsRead -= 1;
        report.commentLines += 1;
        this.reporter.warn(`Line ${lineNo} ("${line}") looks like a column header and was skipped.`);
        return;
      }
      this.seenData = true;
      this.reporter.reject(c.kind, c.reason, { line: lineNo, text: line });
      return;
    }
    this.seenData = true;
    const record: FeedRecord = { type: c.type, value: c.value, sourceRef: `line ${lineNo}` };
    const note = joinComments(c.note, comment);
    if (note) record.comment = note;
    this.out.push(record);
  }

  finish(): void {}
}

/**
 * Parse a plain indicator list. Every value is typed on its own unless `options.type` says
 * what the list holds. Never throws for bad input: see the run's report.
 */
export function parseList(input: FeedInput, options: ListOptions = {}): FeedRun {
  return lineRun('list', input, options, (out, reporter) => new ListParser(out, reporter, options.type));
}
