// Walks a JSON document as it streams in (stream-json's tokenizer), asking a handler at each
// value what to do: build it (bounded in size and depth), walk into it, or skip it without
// building anything. So a MISP event of a million attributes, or galaxies with megabytes of
// cluster metadata, cost memory for one attribute at a time.
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';

export type PathKey = string | number;
export type Decision = 'assemble' | 'descend' | 'skip';
export type ValueKind = 'object' | 'array' | 'scalar';

export interface JsonHandler {
  /** a value starts at `path` ([] is the document itself) */
  decide(path: readonly PathKey[], kind: ValueKind): Decision;
  /** a value that was assembled */
  value(path: readonly PathKey[], value: unknown): void;
  /** a value that was too large or too deep to assemble, and was skipped */
  tooLarge(path: readonly PathKey[], reason: string): void;
  enter?(path: readonly PathKey[], kind: ValueKind): void;
  leave?(path: readonly PathKey[], kind: ValueKind): void;
}

export interface WalkLimits {
  /** most JSON values in one assembled value; default 100,000 */
  maxValues?: number;
  /** deepest nesting inside one assembled value; default 64 */
  maxDepth?: number;
}

/** Not well-formed JSON, or not UTF-8; `atByte` is where reading stopped. */
export class JsonFormatError extends Error {
  constructor(
    message: string,
    readonly atByte: number,
  ) {
    super(message);
    this.name = 'JsonFormatError';
  }
}

interface Frame {
  kind: 'object' | 'array';
  path: PathKey[];
  /** the current key, or index in an array (-1 before the first element) */
  key: PathKey;
}

function primitive(t: Token): unknown {
  switch (t.name) {
    case 'stringValue':
    case 'numberValue':
      // Numbers stay text: MISP writes epoch seconds both ways, and text loses no digits.
      return t.value;
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

export class JsonWalker {
  private readonly frames: Frame[] = [];
  private mode: 'walk' | 'assemble' | 'skip' = 'walk';
  private depth = 0;
  private values = 0;
  private assembler: Assembler | null = null;
  private valuePath: PathKey[] = [];
  private tooLarge: string | null = null;
  /** the document's top value has ended */
  done = false;
  private readonly maxValues: number;
  private readonly maxDepth: number;

  constructor(
    private readonly handler: JsonHandler,
    limits: WalkLimits = {},
  ) {
    this.maxValues = limits.maxValues ?? 100_000;
    this.maxDepth = limits.maxDepth ?? 64;
  }

  consume(tokens: readonly Token[]): void {
    for (const t of tokens) {
      if (this.mode === 'walk') this.walk(t);
      else this.inside(t);
    }
  }

  private walk(t: Token): void {
    const top = this.frames[this.frames.length - 1];
    if (t.name === 'keyValue') {
      if (top) top.key = t.value;
      return;
    }
    if (t.name === 'endObject' || t.name === 'endArray') {
      const frame = this.frames.pop();
      if (frame) this.handler.leave?.(frame.path, frame.kind);
      if (this.frames.length === 0) this.done = true;
      return;
    }
    if (top?.kind === 'array') top.key = (top.key as number) + 1;
    const path = top ? [...top.path, top.key] : [];
    const kind: ValueKind = t.name === 'startObject' ? 'object' : t.name === 'startArray' ? 'array' : 'scalar';
    const decision = this.handler.decide(path, kind);
    if (kind === 'scalar') {
      if (decision === 'assemble') this.handler.value(path, primitive(t));
      if (!top) this.done = true;
      return;
    }
    if (decision === 'descend') {
      this.frames.push({ kind, path, key: kind === 'array' ? -1 : '' });
      this.handler.enter?.(path, kind);
      return;
    }
    this.mode = decision;
    this.depth = 1;
    this.values = 1;
    this.valuePath = path;
    this.tooLarge = null;
    if (decision === 'assemble') {
      this.assembler = new Assembler();
      this.assembler.consume(t);
    }
  }

  /** A token inside a value being assembled or skipped. */
  private inside(t: Token): void {
    const opens = t.name === 'startObject' || t.name === 'startArray';
    const closes = t.name === 'endObject' || t.name === 'endArray';
    if (opens) this.depth += 1;
    if (this.mode === 'assemble') {
      if (t.name !== 'keyValue' && !closes) this.values += 1;
      if (this.tooLarge === null) {
        if (this.values > this.maxValues) this.tooLarge = `it has more than ${this.maxValues} values`;
        else if (this.depth > this.maxDepth) this.tooLarge = `it is nested more than ${this.maxDepth} levels deep`;
        if (this.tooLarge === null) this.assembler!.consume(t);
        else this.assembler = null;
      }
    }
    if (closes) this.depth -= 1;
    if (this.depth > 0) return;
    if (this.mode === 'assemble') {
      if (this.tooLarge === null) this.handler.value(this.valuePath, this.assembler!.current);
      else this.handler.tooLarge(this.valuePath, this.tooLarge);
    }
    this.assembler = null;
    this.mode = 'walk';
    if (this.frames.length === 0) this.done = true;
  }
}

/**
 * Feed UTF-8 bytes to a walker; yields after each chunk so the caller can hand on what the
 * handler collected. Throws JsonFormatError for malformed JSON, bytes that are not UTF-8, or
 * a document that ends early.
 */
export async function* walkJson(bytes: AsyncIterable<Buffer>, walker: JsonWalker): AsyncGenerator<void> {
  const parse = jsonParser({ streamValues: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  const feed = (text: string | typeof none): void => {
    let out;
    try {
      out = parse(text as string);
    } catch (err) {
      throw new JsonFormatError(`The JSON is malformed near byte ${at} (${(err as Error).message.replace(/^Parser /, 'the parser ')}).`, at);
    }
    if (out !== none) walker.consume((isMany(out) ? getManyValues(out) : [out]) as Token[]);
  };
  for await (const chunk of bytes) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new JsonFormatError(`The JSON is not UTF-8 text (bad bytes between ${at} and ${at + chunk.length}).`, at);
    }
    at += chunk.length;
    feed(text);
    yield;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new JsonFormatError('The JSON is not UTF-8 text (it ends inside a character).', at);
  }
  const cutShort = (): JsonFormatError => new JsonFormatError(at === 0 ? 'The input is empty.' : `The JSON ends after ${at} bytes, before the document does: it was cut short.`, at);
  try {
    if (tail) feed(tail);
    feed(none);
  } catch (err) {
    // At the end of input, "cut short" says more than the tokenizer's complaint.
    throw walker.done ? err : cutShort();
  }
  if (!walker.done) throw cutShort();
  yield;
}
