// Reads a STIX bundle ({"type": "bundle", "objects": [...]}) from a byte stream without
// holding it in memory: a streaming JSON tokenizer (stream-json) feeds a small state machine
// that assembles one element of "objects" at a time. Memory stays at about one element, so
// files of hundreds of megabytes import on a small machine.
//
// Decisions:
// - A TAXII envelope ({"objects": [...]} without "type") is read like a bundle, as the TAXII
//   server accepts both; any other "type" is refused as soon as it is seen.
// - An element too large or too deeply nested to be a STIX object is skipped (reported as a
//   failure with its id when one was seen) instead of being built: it cannot pass validation.
// - The bytes must be UTF-8 (a byte-order mark is dropped); anything else is a format error.
// - Errors name the byte range where the file went wrong, so a person can find the spot.
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';

/** The file is not a readable bundle; `atByte` is where reading stopped. */
export class BundleFormatError extends Error {
  constructor(
    readonly detail: string,
    readonly atByte: number,
  ) {
    super(detail);
    this.name = 'BundleFormatError';
  }
}

/** An element of "objects" that was not built (too large or too deep). */
export class SkippedElement {
  constructor(
    /** its position in "objects", from 0 */
    readonly index: number,
    readonly id: string | null,
    readonly reason: string,
  ) {}
}

export type BundleItem = unknown;

export interface ReaderOptions {
  /** called after each chunk with the bytes read so far */
  onBytes?(bytes: number): void;
  /** most JSON values in one element before it is skipped; default 200,000 */
  maxElementValues?: number;
  /** deepest nesting inside one element before it is skipped; default 100 */
  maxElementDepth?: number;
}

type State = 'start' | 'top' | 'topValue' | 'skipValue' | 'objects' | 'element' | 'end';

/**
 * The elements of the bundle's "objects" list, in order, in groups (one group per chunk
 * read). Elements are returned as parsed (objects, but also strings or numbers if the file
 * has them: validation is the caller's job), or as a SkippedElement. Throws BundleFormatError.
 */
export async function* readBundle(source: AsyncIterable<Uint8Array | string>, options: ReaderOptions = {}): AsyncGenerator<BundleItem[], void, undefined> {
  const machine = new BundleMachine(options.maxElementValues ?? 200_000, options.maxElementDepth ?? 100);
  const parse = jsonParser({ streamValues: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;

  const feed = (text: string | typeof none, from: number): BundleItem[] => {
    let out;
    try {
      // The tokenizer is flushed by passing `none` (stream-chain's end-of-input marker).
      out = parse(text as string);
    } catch (err) {
      // At the end of input, "empty" and "cut short" say more than the tokenizer's complaint.
      if (text === none) machine.finish(bytes);
      throw new BundleFormatError(`malformed JSON between bytes ${from} and ${bytes} (${(err as Error).message.replace(/^Parser /, 'the parser ')})`, bytes);
    }
    if (out === none) return [];
    const tokens = (isMany(out) ? getManyValues(out) : [out]) as Token[];
    return machine.consume(tokens, bytes);
  };

  for await (const chunk of source) {
    const from = bytes;
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      bytes += Buffer.byteLength(chunk);
    } else {
      bytes += chunk.byteLength;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new BundleFormatError(`the file is not UTF-8 text (bad bytes between ${from} and ${bytes})`, bytes);
      }
    }
    options.onBytes?.(bytes);
    const items = feed(text, from);
    if (items.length) yield items;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new BundleFormatError('the file is not UTF-8 text (it ends inside a character)', bytes);
  }
  const items = [...(tail ? feed(tail, bytes) : []), ...feed(none, bytes)];
  if (items.length) yield items;
  machine.finish(bytes);
}

class BundleMachine {
  private state: State = 'start';
  private key = '';
  private skipDepth = 0;
  private seenObjects = false;
  private index = -1;
  private assembler: Assembler | null = null;
  private depth = 0;
  private values = 0;
  private tooLarge: string | null = null;
  private elementKey: string | null = null;
  private elementId: string | null = null;

  constructor(
    private readonly maxValues: number,
    private readonly maxDepth: number,
  ) {}

  consume(tokens: Token[], atByte: number): BundleItem[] {
    const out: BundleItem[] = [];
    for (const t of tokens) {
      switch (this.state) {
        case 'start':
          if (t.name !== 'startObject') throw new BundleFormatError(`it is ${describe(t)}, not a JSON object with "type": "bundle" and a list of "objects"`, atByte);
          this.state = 'top';
          break;
        case 'top':
          if (t.name === 'keyValue') {
            this.key = t.value;
            this.state = 'topValue';
          } else if (t.name === 'endObject') this.state = 'end';
          break;
        case 'topValue':
          this.topValue(t, atByte);
          break;
        case 'skipValue':
          if (t.name === 'startObject' || t.name === 'startArray') this.skipDepth += 1;
          else if (t.name === 'endObject' || t.name === 'endArray') this.skipDepth -= 1;
          if (this.skipDepth === 0) this.state = 'top';
          break;
        case 'objects':
          if (t.name === 'endArray') {
            this.state = 'top';
            break;
          }
          this.index += 1;
          if (t.name === 'startObject' || t.name === 'startArray') this.startElement(t);
          else out.push(primitive(t));
          break;
        case 'element': {
          const item = this.elementToken(t);
          if (item !== undefined) out.push(item);
          break;
        }
        case 'end':
          throw new BundleFormatError('there is more JSON after the end of the bundle', atByte);
      }
    }
    return out;
  }

  finish(atByte: number): void {
    if (this.state === 'start') throw new BundleFormatError('the file is empty', atByte);
    if (this.state !== 'end') throw new BundleFormatError(`the file ends before the bundle does (after ${this.index + 1} objects): it was cut short`, atByte);
    if (!this.seenObjects) throw new BundleFormatError('it has no "objects" list', atByte);
  }

  private topValue(t: Token, atByte: number): void {
    if (this.key === 'objects') {
      if (this.seenObjects) throw new BundleFormatError('it has two "objects" lists', atByte);
      if (t.name !== 'startArray') throw new BundleFormatError(`its "objects" is ${describe(t)}, not a list`, atByte);
      this.seenObjects = true;
      this.state = 'objects';
      return;
    }
    if (this.key === 'type' && !(t.name === 'stringValue' && t.value === 'bundle')) {
      const what = t.name === 'stringValue' ? `"${t.value.slice(0, 60)}"` : describe(t);
      throw new BundleFormatError(`its "type" is ${what}, not "bundle": give a bundle of objects, not a single object`, atByte);
    }
    if (t.name === 'startObject' || t.name === 'startArray') {
      this.skipDepth = 1;
      this.state = 'skipValue';
    } else this.state = 'top';
  }

  private startElement(t: Token): void {
    this.assembler = new Assembler();
    this.assembler.consume(t);
    this.depth = 1;
    this.values = 1;
    this.tooLarge = null;
    this.elementKey = null;
    this.elementId = null;
    this.state = 'element';
  }

  /** One token inside an element; the finished element when it closes. */
  private elementToken(t: Token): BundleItem | undefined {
    const opens = t.name === 'startObject' || t.name === 'startArray';
    const closes = t.name === 'endObject' || t.name === 'endArray';
    if (opens) this.depth += 1;
    if (t.name !== 'keyValue' && !closes) this.values += 1;
    // Remember the element's own id, to name it if it has to be skipped.
    if (this.depth === 1 && t.name === 'keyValue') this.elementKey = t.value;
    else if (this.depth === 1 && this.elementKey === 'id' && t.name === 'stringValue' && this.elementId === null) this.elementId = t.value.slice(0, 300);
    if (this.tooLarge === null) {
      if (this.values > this.maxValues) this.tooLarge = `it has more than ${this.maxValues} values, too many for a STIX object`;
      else if (this.depth > this.maxDepth) this.tooLarge = `it is nested more than ${this.maxDepth} levels deep`;
      if (this.tooLarge !== null) this.assembler = null;
      else this.assembler!.consume(t);
    }
    if (closes) this.depth -= 1;
    if (this.depth > 0) return undefined;
    this.state = 'objects';
    const done = this.tooLarge === null ? this.assembler!.current : new SkippedElement(this.index, this.elementId, this.tooLarge);
    this.assembler = null;
    return done;
  }
}

function primitive(t: Token): unknown {
  switch (t.name) {
    case 'stringValue':
      return t.value;
    case 'numberValue':
      return Number(t.value);
    case 'nullValue':
      return null;
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return undefined;
  }
}

function describe(t: Token): string {
  switch (t.name) {
    case 'startArray':
      return 'a list';
    case 'startObject':
      return 'an object';
    case 'stringValue':
      return 'a string';
    case 'numberValue':
      return 'a number';
    case 'nullValue':
      return 'null';
    case 'trueValue':
    case 'falseValue':
      return 'true or false';
    default:
      return 'something else';
  }
}
