// The one error the pattern parser throws. It is a StixError, so callers that already map
// stix error codes to HTTP answers need nothing new (INVALID_INPUT → 400, INPUT_TOO_LARGE → 413).
import { StixError, type StixErrorCode } from '../errors.js';

/** A pattern that is not valid STIX 2.1: `position` is the 0-based offset (UTF-16 code units) of the fault. */
export class PatternError extends StixError {
  constructor(
    message: string,
    readonly position: number,
    code: StixErrorCode = 'INVALID_INPUT',
  ) {
    super(code, message);
    this.name = 'PatternError';
  }
}

/** Show a piece of the pattern in a one-line message: quoted, control characters escaped, cut short. */
export function quote(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const shown = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${shown}'`;
}
