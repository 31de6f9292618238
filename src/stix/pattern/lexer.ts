// Splits a STIX 2.1 pattern into tokens the way the official ANTLR lexer (STIXPattern.g4)
// does: longest match, exact-case keywords, whitespace and /* */ // comments skipped.
// Two deliberate differences: b'…' takes line feeds (spec 9.2 says they must be accepted and
// ignored), and U+0000 is refused even inside a string (no real pattern has one; C tools cut there).
import { PatternError, quote } from './errors.js';

export type TokenKind =
  | 'punct' // [ ] ( ) : . , *
  | 'op' // = != < <= > >=  (== and <> are read as = and !=)
  | 'keyword' // AND OR NOT … as listed below, upper case only
  | 'identifier'
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'hex'
  | 'binary'
  | 'timestamp'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /**
   * punct/op/keyword: the symbol (ops normalised); identifier: the name; string: the value
   * with escapes resolved; int/float: the number as written; bool: 'true' or 'false';
   * hex/binary/timestamp: the text between the quotes (binary without line feeds).
   */
  readonly value: string;
  readonly position: number;
  /** For identifiers: the name has a '-' (allowed in object types, not in property names). */
  readonly hyphen?: boolean;
}

/** The grammar's keywords. They are reserved: an identifier spelled the same is the keyword. */
export const keywords: ReadonlySet<string> = new Set([
  'AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST',
  'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES',
]);

// The grammar's WS rule: the Unicode White_Space code points.
const whitespace = new Set([...' \t\r\n\u000b\u000c\u0085\u00a0\u1680\u2028\u2029\u202f\u205f\u3000']);
for (let c = 0x2000; c <= 0x200a; c++) whitespace.add(String.fromCharCode(c));

const identStart = /[A-Za-z_]/;
const identRest = /[A-Za-z0-9_-]*/y;
const floatRe = /[+-]?[0-9]*\.[0-9]+/y;
const intRe = /[+-]?(?:0|[1-9][0-9]*)/y;
const timestampRe = /^[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?Z$/;
const hexRe = /^(?:[0-9A-Fa-f]{2})*$/;
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const punct = '[]():,*';

function describeChar(c: string): string {
  return c === '\u0000' ? 'NUL character (U+0000)' : `character ${quote(c)}`;
}

/** Read the literal that starts at `start` with a quote; answers the value and the end offset. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let from = start + 1;
  for (let j = from; j < text.length; j++) {
    const c = text[j]!;
    if (c === "'") return { value: value + text.slice(from, j), end: j + 1 };
    if (c === '\u0000') throw new PatternError(`A string literal may not hold a NUL character (U+0000): found one at position ${j}.`, j);
    if (c === '\\') {
      const next = text[j + 1];
      if (next !== "'" && next !== '\\') {
        const found = next === undefined ? 'the end of the pattern' : describeChar(next);
        throw new PatternError(`In a string literal a backslash may only be followed by ' or \\: found ${found} after the backslash at position ${j}.`, j);
      }
      value += text.slice(from, j) + next;
      from = j + 2;
      j++;
    }
  }
  throw new PatternError(`Unterminated string literal starting at position ${start}: a closing ' is missing.`, start);
}

/** `t'…'`, `h'…'` or `b'…'`: the prefix letter is at `start`, the quote right after it. */
function readTyped(text: string, start: number, prefix: 't' | 'h' | 'b'): { token: Token; end: number } {
  const names = { t: 'timestamp', h: 'hex', b: 'binary' } as const;
  const close = text.indexOf("'", start + 2);
  if (close < 0) throw new PatternError(`Unterminated ${names[prefix]} literal starting at position ${start}: a closing ' is missing.`, start);
  const body = text.slice(start + 2, close);
  const bad = (why: string): never => {
    throw new PatternError(`Invalid ${names[prefix]} literal ${quote(text.slice(start, close + 1))} at position ${start}: ${why}.`, start);
  };
  if (prefix === 't') {
    if (!timestampRe.test(body)) bad("expected t'YYYY-MM-DDTHH:MM:SS[.s+]Z' in UTC");
    return { token: { kind: 'timestamp', value: body, position: start }, end: close + 1 };
  }
  if (prefix === 'h') {
    if (!hexRe.test(body)) bad('expected an even number of hex digits');
    return { token: { kind: 'hex', value: body, position: start }, end: close + 1 };
  }
  // The spec (9.2) says line feeds inside base64 must be accepted and ignored.
  const b64 = body.replace(/\r?\n/g, '');
  if (!base64Re.test(b64)) bad('expected padded base64 (groups of 4 characters from A-Z a-z 0-9 + /, ending in =, == or neither)');
  return { token: { kind: 'binary', value: b64, position: start }, end: close + 1 };
}

function readNumber(text: string, start: number): Token {
  floatRe.lastIndex = start;
  intRe.lastIndex = start;
  const f = floatRe.exec(text)?.[0] ?? '';
  const n = intRe.exec(text)?.[0] ?? '';
  if (!f && !n) throw new PatternError(`Unexpected ${describeChar(text[start]!)} at position ${start}: expected a number.`, start);
  return f.length > n.length ? { kind: 'float', value: f, position: start } : { kind: 'int', value: n, position: start };
}

/** Every token of `text`, ending with one 'eof' token. Throws PatternError on a lexical fault. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (whitespace.has(c)) {
      i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new PatternError(`Unterminated comment starting at position ${i}: '*/' is missing.`, i);
      i = end + 2;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (punct.includes(c)) {
      tokens.push({ kind: 'punct', value: c, position: i });
      i++;
    } else if (c === '.') {
      if (next !== undefined && next >= '0' && next <= '9') {
        const t = readNumber(text, i);
        tokens.push(t);
        i += t.value.length;
      } else {
        tokens.push({ kind: 'punct', value: '.', position: i });
        i++;
      }
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = c + (next ?? '');
      const op = ({ '==': '=', '!=': '!=', '<>': '!=', '<=': '<=', '>=': '>=' } as Record<string, string>)[two];
      if (op) {
        tokens.push({ kind: 'op', value: op, position: i });
        i += 2;
      } else if (c === '!') {
        throw new PatternError(`Unexpected '!' at position ${i}: the not-equal operator is written '!='.`, i);
      } else {
        tokens.push({ kind: 'op', value: c, position: i });
        i++;
      }
    } else if (c === "'") {
      const s = readString(text, i);
      tokens.push({ kind: 'string', value: s.value, position: i });
      i = s.end;
    } else if ((c >= '0' && c <= '9') || c === '+' || c === '-') {
      const t = readNumber(text, i);
      tokens.push(t);
      i += t.value.length;
    } else if (identStart.test(c)) {
      identRest.lastIndex = i + 1;
      const name = c + (identRest.exec(text)?.[0] ?? '');
      if ((name === 't' || name === 'h' || name === 'b') && next === "'") {
        const r = readTyped(text, i, name);
        tokens.push(r.token);
        i = r.end;
        continue;
      }
      if (keywords.has(name)) tokens.push({ kind: 'keyword', value: name, position: i });
      else if (name === 'true' || name === 'false') tokens.push({ kind: 'bool', value: name, position: i });
      else tokens.push({ kind: 'identifier', value: name, position: i, hyphen: name.includes('-') });
      i += name.length;
    } else {
      throw new PatternError(`Unexpected ${describeChar(c)} at position ${i}.`, i);
    }
  }
  tokens.push({ kind: 'eof', value: '', position: text.length });
  return tokens;
}
