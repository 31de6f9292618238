// STIX 2.1 patterns (part 9): parse and validate them with a real parser, compile the simple
// ones into Tocsin observables, and build them from observables with correct escaping.
import { InvalidStixInputError } from '../errors.js';
import { patternObservable, type IndicatorType } from '../observables.js';
import { formatObservables } from './build.js';

export type * from './ast.js';
export { PatternError } from './errors.js';
export { maxPatternDepth, maxPatternLength, parsePattern } from './parser.js';
export { patternProblem, scoTypes, validatePattern } from './validate.js';
export { observablesOf, type Observable } from './compile.js';
export { escapePatternString, formatComparison, formatLiteral, formatPath, formatPattern } from './format.js';

/**
 * The pattern that matches any of `observables`: one observation per indicator type, joined
 * by OR, e.g. `[ipv4-addr:value = '198.51.100.1'] OR [file:hashes.'SHA-256' = '…']`. Values are
 * normalised first; duplicates are written once. Throws InvalidStixInputError for an empty
 * list, a CVE (a vulnerability object, not a pattern) or a value that is not valid for its type.
 */
export function buildPattern(observables: ReadonlyArray<{ type: IndicatorType; value: string }>): string {
  if (observables.length === 0) throw new InvalidStixInputError('A pattern needs at least one observable.', 'observables');
  return formatObservables(observables.map((o) => patternObservable(o.type, o.value)));
}
