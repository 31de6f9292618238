// Splits UTF-8 bytes into lines for the line formats (lists, CSV, free text): LF, CRLF and
// lone CR all end a line; a line longer than maxLineBytes is skipped and counted while it
// streams past, never held; NUL bytes reject the line; bytes that are not UTF-8 are decoded
// with U+FFFD (or as latin-1) and the line is counted. Linear: each byte is searched once.
import { isUtf8 } from 'node:buffer';
import type { Reporter } from './report.js';

export interface LineSink {
  /** one line of text, without its line end; `lineNo` counts from 1 */
  line(text: string, lineNo: number): void;
  /** told when a line was refused here (too long, NUL bytes), so multi-line records can break */
  badLine?(lineNo: number): void;
}

export interface LineOptions {
  maxLineBytes: number;
  invalidUtf8: 'replace' | 'latin1';
}

const headBytes = 200;

export class LineSplitter {
  private lineNo = 0;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** inside a line that is already too long: its bytes are counted, not kept */
  private skipping = false;
  private skippedLength = 0;
  private skippedHead: Buffer = Buffer.alloc(0);
  /** the previous chunk ended with CR: a LF first in the next one belongs to it */
  private afterCr = false;

  constructor(
    private readonly sink: LineSink,
    private readonly options: LineOptions,
    private readonly reporter: Reporter,
  ) {}

  get linesRead(): number {
    return this.lineNo;
  }

  push(buf: Buffer): void {
    const n = buf.length;
    let pos = 0;
    if (this.afterCr) {
      this.afterCr = false;
      if (n > 0 && buf[0] === 0x0a) pos = 1;
    }
    // Next LF, CR and NUL at or after pos; -1 once there is none left in this chunk.
    let lf = -2;
    let cr = -2;
    let nul = -2;
    while (pos < n) {
      if (lf !== -1 && lf < pos) lf = buf.indexOf(0x0a, pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf(0x0d, pos);
      if (lf === -1 && cr === -1) {
        this.hold(buf, pos, n);
        return;
      }
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (nul !== -1 && nul < pos) nul = buf.indexOf(0x00, pos);
      this.emit(buf, pos, end, nul !== -1 && nul < end);
      if (buf[end] === 0x0d) {
        if (end + 1 < n) pos = buf[end + 1] === 0x0a ? end + 2 : end + 1;
        else {
          this.afterCr = true;
          pos = end + 1;
        }
      } else pos = end + 1;
    }
  }

  /**
   * The end of the input. When `complete`, a last line without a line end is a line; when
   * the input was cut short (truncated gzip, size cap), it is rejected as truncated: it may
   * be half a value (`203.0.11` of `203.0.113.7`).
   */
  end(complete: boolean): void {
    if (!this.skipping && this.pendingLength === 0) return;
    if (complete) {
      const empty = Buffer.alloc(0);
      this.emit(empty, 0, 0, false);
      return;
    }
    this.lineNo += 1;
    const text = this.skipping ? this.skippedHead : Buffer.concat(this.pending);
    this.reporter.reject('truncated', 'The input stopped in the middle of this line, so it was not read.', { line: this.lineNo, text: text.subarray(0, headBytes).toString('utf8') });
    this.sink.badLine?.(this.lineNo);
    this.resetPending();
  }

  /** Keep the start of a line whose end is in a later chunk, unless it is already too long. */
  private hold(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.skipping) {
      this.skippedLength += length;
      this.growHead(buf, start, end);
      return;
    }
    if (this.pendingLength + length > this.options.maxLineBytes) {
      this.startSkipping(buf, start, end);
      return;
    }
    // A copy: the chunk may be large, and a stream may reuse its buffers.
    this.pending.push(Buffer.from(buf.subarray(start, end)));
    this.pendingLength += length;
  }

  private startSkipping(buf: Buffer, start: number, end: number): void {
    const parts = [...this.pending, buf.subarray(start, Math.min(end, start + headBytes))];
    this.skippedHead = Buffer.from(Buffer.concat(parts).subarray(0, headBytes));
    this.skippedLength = this.pendingLength + (end - start);
    this.skipping = true;
    this.pending = [];
    this.pendingLength = 0;
  }

  /** The sample of a skipped line is its first 200 bytes, however the line came in chunks. */
  private growHead(buf: Buffer, start: number, end: number): void {
    const room = headBytes - this.skippedHead.length;
    if (room > 0) this.skippedHead = Buffer.concat([this.skippedHead, buf.subarray(start, Math.min(end, start + room))]);
  }

  private resetPending(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.skipping = false;
    this.skippedLength = 0;
    this.skippedHead = Buffer.alloc(0);
  }

  private emit(buf: Buffer, start: number, end: number, hasNul: boolean): void {
    this.lineNo += 1;
    const lineNo = this.lineNo;
    let bytes = buf;
    let from = start;
    let to = end;
    if (this.skipping || this.pendingLength + (end - start) > this.options.maxLineBytes) {
      if (!this.skipping) this.startSkipping(buf, start, end);
      else {
        this.skippedLength += end - start;
        this.growHead(buf, start, end);
      }
      this.reporter.reject('too-long', `The line is ${this.skippedLength} bytes long; lines over ${this.options.maxLineBytes} bytes are skipped.`, {
        line: lineNo,
        text: this.skippedHead.toString('utf8'),
      });
      this.sink.badLine?.(lineNo);
      this.resetPending();
      return;
    }
    if (this.pendingLength > 0) {
      bytes = Buffer.concat([...this.pending, buf.subarray(start, end)]);
      from = 0;
      to = bytes.length;
      hasNul = bytes.includes(0x00);
      this.resetPending();
    }
    if (hasNul) {
      this.reporter.reject('binary', 'The line holds NUL bytes: this is not text.', { line: lineNo, text: bytes.toString('latin1', from, Math.min(to, from + headBytes)) });
      this.sink.badLine?.(lineNo);
      return;
    }
    let text = bytes.toString('utf8', from, to);
    // U+FFFD is rare in feeds: only then is the line checked byte by byte.
    if (text.includes('\ufffd') && !isUtf8(bytes.subarray(from, to))) {
      this.reporter.report.invalidUtf8Lines += 1;
      if (this.options.invalidUtf8 === 'latin1') text = bytes.toString('latin1', from, to);
    }
    this.sink.line(text, lineNo);
  }
}
