// Typed errors of the stix module. The module does no I/O and knows nothing of HTTP: callers
// map `code` to their own catalogue (INPUT_TOO_LARGE → 413, INVALID_INPUT → 400).

export type StixErrorCode = 'INPUT_TOO_LARGE' | 'INVALID_INPUT';

export class StixError extends Error {
  constructor(
    readonly code: StixErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StixError';
  }
}

/** The text to analyse is larger than the configured limit; nothing was read past the check. */
export class InputTooLargeError extends StixError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('INPUT_TOO_LARGE', `The text is ${size} bytes; the limit is ${limit} bytes.`);
    this.name = 'InputTooLargeError';
  }
}

/** A value given to a builder is not valid (an unknown kind, a malformed indicator, a bad id…). */
export class InvalidStixInputError extends StixError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('INVALID_INPUT', message);
    this.name = 'InvalidStixInputError';
  }
}
