// Text people type: control characters (other than tab and newline) and bidirectional
// overrides are refused — they break terminals, logs and PostgreSQL, and can disguise names.
import { AppError } from './errors.js';

const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

export function assertPlainText(value: string, what: string): void {
  if (forbidden.test(value)) throw new AppError('VALIDATION_FAILED', { detail: `${what} contains control characters` });
}
