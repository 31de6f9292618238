// The byte layer every feed format stands on: any input shape to Buffer chunks, gzip found by
// its magic bytes and inflated as a stream, other archive formats refused, a byte-order mark
// (or UTF-16 without one) found and turned into UTF-8, and a cap on the total size, which
// also bounds a gzip bomb. Problems end the run through the Reporter; nothing is thrown.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Reporter } from './report.js';
import type { FeedInput } from './types.js';

export interface ByteOptions {
  maxBytes: number;
}

const sniffBytes = 64;

/** The input as Buffers, whatever shape it came in. */
async function* chunksOf(input: FeedInput): AsyncGenerator<Buffer> {
  if (typeof input === 'string') {
    yield Buffer.from(input, 'utf8');
    return;
  }
  if (input instanceof Uint8Array) {
    yield Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return;
  }
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk.byteLength > 0) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/** A failure of the source itself, told apart from a failure of zlib. */
class SourceError extends Error {}

async function* guarded(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch (err) {
    throw new SourceError((err as Error)?.message ?? String(err));
  }
}

/**
 * Reads the first `n` bytes (or all, if fewer) and gives them back with the rest of the
 * stream, so a format can be sniffed without losing anything.
 */
async function peek(source: AsyncIterator<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  let failure: { err: unknown } | null = null;
  while (size < n) {
    let next: IteratorResult<Buffer>;
    try {
      next = await source.next();
    } catch (err) {
      // What came before the failure is still read; the failure is raised after it.
      failure = { err };
      break;
    }
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    size += next.value.length;
  }
  const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const ended: AsyncIterator<Buffer> = {
    next: async () => {
      if (failure) throw failure.err;
      return { done: true, value: undefined };
    },
  };
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => (done || failure ? ended : source) };
  return { head, rest };
}

const archives: ReadonlyArray<[string, number[]]> = [
  ['a zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a bzip2 stream', [0x42, 0x5a, 0x68]],
  ['an xz stream', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['a zstd stream', [0x28, 0xb5, 0x2f, 0xfd]],
  ['a 7-zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** Inflate a gzip stream (several members are read one after the other, as gunzip does). */
async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGunzip();
  const src = Readable.from(source, { objectMode: false });
  src.on('error', (err) => gz.destroy(err));
  src.pipe(gz);
  try {
    for await (const out of gz) yield out as Buffer;
  } finally {
    src.destroy();
    gz.destroy();
  }
}

type Utf16 = 'utf-16le' | 'utf-16be';

/**
 * UTF-16 without a byte-order mark, from the NUL pattern of ASCII text: every second byte is
 * zero and the others are not. Files of NUL bytes, or binary, are not taken for UTF-16.
 */
function bomlessUtf16(head: Buffer): Utf16 | null {
  const n = Math.min(head.length, sniffBytes) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero === pairs && evenZero === 0) return 'utf-16le';
  if (evenZero === pairs && oddZero === 0) return 'utf-16be';
  return null;
}

async function* utf16ToUtf8(source: AsyncIterable<Buffer>, encoding: Utf16): AsyncGenerator<Buffer> {
  // Not fatal: a lone surrogate or an odd last byte becomes U+FFFD, like bad UTF-8 does.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail) yield Buffer.from(tail, 'utf8');
}

function describeZlib(err: Error & { code?: string }): string {
  if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) return 'it ends before the compressed data does (cut short)';
  return `it is corrupt (${err.message})`;
}

/**
 * The input as UTF-8 bytes: decompressed, without a byte-order mark, transcoded from UTF-16,
 * at most `maxBytes` of it. On a problem the reporter is told to fail and the stream ends;
 * bytes yielded before that are good (a consumer must drop a trailing partial line).
 */
export async function* readBytes(input: FeedInput, options: ByteOptions, reporter: Reporter): AsyncGenerator<Buffer> {
  const report = reporter.report;
  let source: AsyncIterable<Buffer> = guarded(chunksOf(input));
  try {
    let { head, rest } = await peek(source[Symbol.asyncIterator](), sniffBytes);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      report.compression = 'gzip';
      const inflated = gunzip(prepend(head, rest));
      ({ head, rest } = await peek(inflated, sniffBytes));
    } else {
      const archive = archives.find(([, magic]) => startsWith(head, magic));
      if (archive) {
        reporter.fail('unsupported-compression', `The input is ${archive[0]}; only plain text and gzip are read.`);
        return;
      }
    }
    let skip = 0;
    let utf16: Utf16 | null = null;
    if (startsWith(head, [0xef, 0xbb, 0xbf])) skip = 3;
    else if (startsWith(head, [0xff, 0xfe])) [skip, utf16] = [2, 'utf-16le'];
    else if (startsWith(head, [0xfe, 0xff])) [skip, utf16] = [2, 'utf-16be'];
    else {
      utf16 = bomlessUtf16(head);
      if (utf16) reporter.warn(`The input has no byte-order mark but its NUL bytes say ${utf16.toUpperCase()}; it was read as such.`);
    }
    report.bom = skip > 0;
    if (utf16) report.encoding = utf16;
    // The size cap counts bytes as they arrive, before transcoding: it is what was downloaded or inflated.
    let bytes: AsyncIterable<Buffer> = capped(prepend(head.subarray(skip), rest), skip, options.maxBytes, reporter);
    if (utf16) bytes = utf16ToUtf8(bytes, utf16);
    yield* bytes;
  } catch (err) {
    if (err instanceof SourceError) reporter.fail('read-error', `Reading the input failed after ${report.bytesRead} bytes: ${err.message}`);
    else if (report.compression === 'gzip' && err instanceof Error) reporter.fail('truncated-gzip', `The gzip data could not be read to the end: ${describeZlib(err)}. ${report.bytesRead} bytes were read before that.`);
    else throw err;
  }
}

async function* prepend(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  yield* rest;
}

async function* capped(source: AsyncIterable<Buffer>, already: number, maxBytes: number, reporter: Reporter): AsyncGenerator<Buffer> {
  const report = reporter.report;
  report.bytesRead = already;
  for await (const chunk of source) {
    const room = maxBytes - report.bytesRead;
    if (chunk.length > room) {
      if (room > 0) {
        report.bytesRead += room;
        yield chunk.subarray(0, room);
      }
      reporter.fail('too-large', `The input is larger than the limit of ${maxBytes} bytes${report.compression ? ' (after decompression)' : ''}; reading stopped there.`);
      return;
    }
    report.bytesRead += chunk.length;
    yield chunk;
  }
}
