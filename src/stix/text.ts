// Free-text plumbing shared by indicator extraction and personal-data detection: a linear
// tokeniser that keeps source offsets, and refanging of defanged indicators (MISP's rules).
import { InputTooLargeError } from './errors.js';

export interface Token {
  /** the token with surrounding punctuation trimmed, as written */
  text: string;
  /** offsets of `text` in the source string: source.slice(start, end) === text */
  start: number;
  end: number;
}

// Separators: whitespace (incl. NBSP and the Unicode spaces), control characters, , < > ;
const tokenPattern = /[^\s,<>;\u0000-\u001f\u007f]+/g;
// Trimmed from both ends: quotes, sentence punctuation, brackets of prose, markdown emphasis.
const trimChars = new Set([...'\'"`.,()!?*']);
const subSeparators = /["'=]/;

function trimmed(text: string, start: number): Token | null {
  let a = 0;
  let b = text.length;
  while (a < b && trimChars.has(text[a]!)) a++;
  while (b > a && trimChars.has(text[b - 1]!)) b--;
  return a < b ? { text: text.slice(a, b), start: start + a, end: start + b } : null;
}

/**
 * The tokens of `text` in order, each trimmed of `'"`.,()!?*`. Linear in the length of the
 * text; tokens longer than `maxTokenLength` are reported with `tooLong` and not trimmed.
 */
export function* tokenise(text: string, maxTokenLength = 8192): Generator<Token & { tooLong?: true }> {
  const re = new RegExp(tokenPattern); // a private lastIndex: generators may interleave
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length > maxTokenLength) {
      yield { text: m[0], start: m.index, end: m.index + m[0].length, tooLong: true };
      continue;
    }
    const t = trimmed(m[0], m.index);
    if (t) yield t;
  }
}

/**
 * The parts of a token split on `"`, `'` and `=`, for tokens like `src=10.0.0.5` or
 * `href="http://…"` that are not an indicator as a whole. Empty when there is nothing to split.
 */
export function subTokens(token: Token): Token[] {
  if (!subSeparators.test(token.text)) return [];
  const parts: Token[] = [];
  let from = 0;
  for (let i = 0; i <= token.text.length; i++) {
    if (i === token.text.length || subSeparators.test(token.text[i]!)) {
      const t = i > from ? trimmed(token.text.slice(from, i), token.start + from) : null;
      if (t) parts.push(t);
      from = i + 1;
    }
  }
  return parts;
}

const zeroWidth = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const defangedScheme = /h(?:xx|xt|tx|\[tt\]|\[xx\])p(s?)(?=\[?:)/gi;
const defangedFtp = /fxp(s?)(?=\[?:)/gi;
const brackets = /\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}|\[:\/\/\]|\[:\]|\[\/\]|\[(.)\]/gi;

function unbracket(match: string, single: string | undefined): string {
  if (single !== undefined) return single;
  const inner = match.slice(1, -1).toLowerCase();
  if (inner === '.' || inner === 'dot') return '.';
  if (inner === '@' || inner === 'at') return '@';
  return inner; // "://", ":", "/"
}

/**
 * Undo defanging: `hxxp`/`hxtp`/`htxp`/`h[tt]p` → `http` (and `…s`), `fxp` → `ftp`;
 * `[.]` `(.)` `{.}` `[dot]` `(dot)` `{dot}` → `.`; `[@]` `(@)` `{@}` `[at]` `(at)` `{at}` → `@`;
 * `[://]` → `://`; `[:]` → `:`; `[/]` → `/`; any other `[x]` → `x`; zero-width characters
 * removed; trailing dots stripped. Every step is one linear pass.
 */
export function refang(value: string): string {
  let s = value.replace(zeroWidth, '');
  s = s.replace(defangedScheme, (_m, tls: string) => `http${tls.toLowerCase()}`).replace(defangedFtp, (_m, tls: string) => `ftp${tls.toLowerCase()}`);
  s = s.replace(brackets, unbracket);
  let end = s.length;
  while (end > 0 && s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/** Throws InputTooLargeError when `text` is more than `maxBytes` bytes of UTF-8. */
export function checkTextSize(text: string, maxBytes: number): void {
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so most texts are cleared without counting.
  if (text.length * 3 <= maxBytes) return;
  const size = text.length > maxBytes ? text.length : Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new InputTooLargeError(size, maxBytes);
}
