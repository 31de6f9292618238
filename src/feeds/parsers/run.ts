// A parse run: an async iterable of record batches (read once, in input order) with the
// report beside it, final once iteration ends. Also the drivers shared by the line formats
// and the JSON formats.
import { readBytes } from './bytes.js';
import { JsonFormatError, walkJson, type JsonWalker } from './json-walk.js';
import { LineSplitter, type LineSink } from './lines.js';
import { Reporter } from './report.js';
import { inputDefaults, type FeedInput, type FeedRecord, type InputOptions, type ParseReport } from './types.js';

export class FeedRun<T = FeedRecord> implements AsyncIterable<T[]> {
  private used = false;

  constructor(
    /** live while the run is read; final (status 'complete' or 'failed') after it */
    readonly report: ParseReport,
    private readonly batches: AsyncIterable<T[]>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T[]> {
    if (this.used) throw new Error('A feed run can be read only once.');
    this.used = true;
    return this.batches[Symbol.asyncIterator]();
  }

  /** Every record in one array: for small inputs and tests; a big feed should be iterated. */
  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const batch of this) for (const item of batch) out.push(item);
    return out;
  }
}

/** Where a parser puts what it finds; the driver hands the batch on after each chunk. */
export class Output<T = FeedRecord> {
  batch: T[] = [];

  constructor(private readonly report: ParseReport) {}

  push(item: T): void {
    this.batch.push(item);
    this.report.records += 1;
  }

  take(): T[] {
    const b = this.batch;
    this.batch = [];
    return b;
  }
}

export interface LineParser extends LineSink {
  /** the input ended; `complete` is false when it was cut short */
  finish(complete: boolean): void;
}

export function resolveInput(options: InputOptions): Required<InputOptions> {
  const o = { ...inputDefaults, ...stripUndefined(options) };
  for (const key of ['maxBytes', 'maxLineBytes', 'maxSamples'] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] < 0) throw new RangeError(`${key} must be a whole number ≥ 0`);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Lines are fed in slices so that one huge chunk never makes one huge batch.
const sliceBytes = 64 * 1024;

/** Run a line parser over the input: bytes → lines → records, one batch per slice read. */
export function lineRun<T = FeedRecord>(format: string, input: FeedInput, options: InputOptions, make: (out: Output<T>, reporter: Reporter) => LineParser): FeedRun<T> {
  const opts = resolveInput(options);
  const reporter = new Reporter(format, opts.maxSamples);
  const out = new Output<T>(reporter.report);
  const parser = make(out, reporter);
  const splitter = new LineSplitter(parser, { maxLineBytes: opts.maxLineBytes, invalidUtf8: opts.invalidUtf8 }, reporter);
  async function* batches(): AsyncGenerator<T[]> {
    for await (const chunk of readBytes(input, opts, reporter)) {
      for (let off = 0; off < chunk.length; off += sliceBytes) {
        splitter.push(off === 0 && chunk.length <= sliceBytes ? chunk : chunk.subarray(off, off + sliceBytes));
        reporter.report.linesRead = splitter.linesRead;
        if (out.batch.length > 0) yield out.take();
        // The parser gave up (a CSV header that does not fit): reading on would be wasted.
        if (reporter.failed) return;
      }
    }
    const complete = !reporter.failed;
    splitter.end(complete);
    reporter.report.linesRead = splitter.linesRead;
    parser.finish(complete);
    if (out.batch.length > 0) yield out.take();
    reporter.complete();
  }
  return new FeedRun(reporter.report, batches());
}

export interface JsonParser {
  walker: JsonWalker;
  /** the document ended well-formed: say what is still to be said */
  finish(): void;
}

/** Run a JSON walker over the input: bytes → tokens → records, one batch per chunk read. */
export function jsonRun<T>(format: string, input: FeedInput, options: InputOptions, make: (out: Output<T>, reporter: Reporter) => JsonParser): { run: FeedRun<T>; reporter: Reporter } {
  const opts = resolveInput(options);
  const reporter = new Reporter(format, opts.maxSamples);
  const out = new Output<T>(reporter.report);
  const parser = make(out, reporter);
  async function* batches(): AsyncGenerator<T[]> {
    try {
      for await (const _ of walkJson(readBytes(input, opts, reporter), parser.walker)) {
        if (out.batch.length > 0) yield out.take();
      }
    } catch (err) {
      if (!(err instanceof JsonFormatError)) throw err;
      // After a failure of the byte layer (truncated gzip, size cap) the JSON is cut short too: the first reason stands.
      reporter.fail('bad-json', err.message);
    }
    if (!reporter.failed) parser.finish();
    if (out.batch.length > 0) yield out.take();
    reporter.complete();
  }
  return { run: new FeedRun(reporter.report, batches()), reporter };
}
