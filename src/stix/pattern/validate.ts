// The checks beyond the grammar: those the OASIS validators make (cti-pattern-validator's
// hash and duplicate-qualifier checks, cti-stix-validator's type and property names) and the
// MUSTs of STIX 2.1 part 9 and section 2 that a grammar cannot express.
import { parseCidr, parseIp } from '../ip.js';
import type { ComparisonExpression, ComparisonNode, Literal, ObjectPath, ObservationExpression, Pattern, Qualifier, TimestampLiteral } from './ast.js';
import { PatternError, quote } from './errors.js';
import { parsePattern } from './parser.js';

/** The STIX 2.1 Cyber-observable Object types (section 6). */
export const scoTypes: ReadonlySet<string> = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr',
  'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account',
  'windows-registry-key', 'x509-certificate',
]);

// The official JSON schemas' rules (common/cyber-observable-core.json, common/properties.json),
// written without the nested quantifier of the schema's type pattern.
const typeName = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?$/;
const propertyName = /^(?:[a-z][a-z0-9_]{2,249}|id)$/;

/** hash-algorithm-ov (section 10.8) and what a value of each looks like (common/hashes-type.json). */
const hashAlgorithms: ReadonlyMap<string, { name: string; pattern: RegExp; shape: string; hexLength?: number }> = new Map(
  [
    { name: 'MD5', hexLength: 32 },
    { name: 'SHA-1', hexLength: 40 },
    { name: 'SHA-256', hexLength: 64 },
    { name: 'SHA-512', hexLength: 128 },
    { name: 'SHA3-256', hexLength: 64 },
    { name: 'SHA3-512', hexLength: 128 },
    { name: 'SSDEEP', pattern: /^[a-zA-Z0-9/+:.]{1,128}$/, shape: 'up to 128 characters from A-Z a-z 0-9 / + : .' },
    // TLSH digests are 70 hex digits, 72 with the version prefix "T1".
    { name: 'TLSH', pattern: /^(?:T1)?[0-9A-Fa-f]{70}$/, shape: '70 hex digits, optionally after T1' },
  ].map((a) => [
    a.name,
    { ...a, pattern: a.pattern ?? new RegExp(`^[0-9a-fA-F]{${a.hexLength}}$`), shape: a.shape ?? `${a.hexLength} hex digits` },
  ]),
);
const hashList = [...hashAlgorithms.keys()].join(', ');

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

class Problem extends Error {}

function problem(message: string): never {
  throw new Problem(message);
}

/** Refuse dates the calendar does not have (the grammar allows 2021-02-30). */
function checkDate(t: TimestampLiteral): void {
  const year = Number(t.value.slice(0, 4));
  const month = Number(t.value.slice(5, 7));
  const day = Number(t.value.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) problem(`Invalid timestamp t'${t.value}' at position ${t.position}: ${monthNames[month - 1]} ${year} has ${days} days.`);
}

/** a < b. The fixed-width text orders like time (a leap second :60 included); fractions are compared as decimals. */
function before(a: TimestampLiteral, b: TimestampLiteral): boolean {
  const whole = (t: TimestampLiteral): string => t.value.slice(0, 19);
  if (whole(a) !== whole(b)) return whole(a) < whole(b);
  const fraction = (t: TimestampLiteral): string => (t.value.slice(20, -1) || '').replace(/0+$/, '');
  const [fa, fb] = [fraction(a), fraction(b)];
  const width = Math.max(fa.length, fb.length);
  return fa.padEnd(width, '0') < fb.padEnd(width, '0');
}

function checkLiteral(l: Literal): void {
  if (l.type === 'int' && !Number.isSafeInteger(l.value)) {
    problem(`The integer ${l.text} at position ${l.position} is outside the range STIX allows (-(2^53)+1 to 2^53-1).`);
  }
  if (l.type === 'float' && !Number.isFinite(l.value)) problem(`The number ${l.text.slice(0, 40)} at position ${l.position} is too large.`);
  if (l.type === 'timestamp') checkDate(l);
}

function checkQualifiers(qualifiers: readonly Qualifier[]): void {
  const seen = new Set<string>();
  for (const q of qualifiers) {
    const name = { within: 'WITHIN', repeats: 'REPEATS', 'start-stop': 'START/STOP' }[q.type];
    if (seen.has(q.type)) problem(`Duplicate ${name} qualifier at position ${q.position}: an observation expression may have only one of each kind.`);
    seen.add(q.type);
    if (q.type === 'within' && !(q.seconds > 0 && Number.isFinite(q.seconds))) problem(`WITHIN at position ${q.position} needs a positive number of seconds, not ${q.text}.`);
    if (q.type === 'repeats' && !(q.times >= 1 && Number.isSafeInteger(q.times))) problem(`REPEATS at position ${q.position} needs a whole number of times from 1, not ${q.text}.`);
    if (q.type === 'start-stop') {
      checkLiteral(q.start);
      checkLiteral(q.stop);
      if (!before(q.start, q.stop)) problem(`START t'${q.start.value}' at position ${q.position} is not before STOP t'${q.stop.value}'.`);
    }
  }
}

function checkPath(path: ObjectPath): void {
  const t = path.objectType;
  if (!typeName.test(t) || t.length < 3 || t.length > 250) {
    problem(`${quote(t)} at position ${path.position} is not a valid object type name (3 to 250 characters: a-z, 0-9 and single hyphens, starting with a letter).`);
  }
  if (!scoTypes.has(t) && !t.startsWith('x-')) {
    problem(`${quote(t)} at position ${path.position} is not a STIX 2.1 Cyber-observable type; custom types start with 'x-'.`);
  }
  const first = path.steps[0];
  if (first?.kind !== 'key' || !propertyName.test(first.name)) {
    const name = first?.kind === 'key' ? quote(first.name) : 'The first path step';
    problem(`${name} at position ${first?.position ?? path.position} is not a valid property name (3 to 250 characters: a-z, 0-9 and _, starting with a letter).`);
  }
  for (const step of path.steps) {
    if (step.kind === 'key' && step.name.length > 250) problem(`The key at position ${step.position} is longer than 250 characters.`);
  }
}

/** For a path through a `hashes` dictionary: the algorithm named by its key, if any. */
function hashAlgorithmOf(path: ObjectPath): { algorithm: ReturnType<typeof hashAlgorithms.get>; last: boolean } | null {
  for (let i = 0; i < path.steps.length - 1; i++) {
    const step = path.steps[i]!;
    const key = path.steps[i + 1]!;
    if (step.kind !== 'key' || step.name !== 'hashes' || key.kind !== 'key') continue;
    const algorithm = hashAlgorithms.get(key.name.toUpperCase());
    if (!algorithm) problem(`Unknown hash algorithm ${quote(key.name)} at position ${key.position}: use one of ${hashList}.`);
    return { algorithm, last: i + 2 === path.steps.length };
  }
  return null;
}

function checkHashValue(algorithm: NonNullable<ReturnType<typeof hashAlgorithms.get>>, value: Literal): void {
  if (value.type === 'hex') {
    if (algorithm.hexLength && value.value.length !== algorithm.hexLength) {
      problem(`h'${value.value.slice(0, 40)}' at position ${value.position} is not a valid ${algorithm.name} hash (${algorithm.shape}).`);
    }
  } else if (value.type !== 'string') {
    problem(`A ${algorithm.name} hash at position ${value.position} must be a string literal.`);
  } else if (!algorithm.pattern.test(value.value)) {
    problem(`${quote(value.value)} at position ${value.position} is not a valid ${algorithm.name} hash (${algorithm.shape}).`);
  }
}

function checkComparison(c: ComparisonNode): void {
  checkPath(c.path);
  const values = c.operator === 'EXISTS' ? [] : c.operator === 'IN' ? c.values : [c.value];
  values.forEach(checkLiteral);
  const hash = hashAlgorithmOf(c.path);
  if (hash?.algorithm && hash.last && (c.operator === '=' || c.operator === '!=' || c.operator === 'IN')) {
    for (const v of values) checkHashValue(hash.algorithm, v);
  }
  if ((c.operator === 'ISSUBSET' || c.operator === 'ISSUPERSET') && c.value.type === 'string') {
    const s = c.value.value;
    if (!(s.includes('/') ? parseCidr(s) : parseIp(s))) {
      problem(`${c.operator} at position ${c.position} needs an IP address or CIDR range, not ${quote(s)}.`);
    }
  }
}

/**
 * Check the comparisons of one observation; answers the object types they can match. AND
 * needs one object to satisfy both sides (spec 9.5), so its sides must share a type.
 */
function checkComparisons(e: ComparisonExpression): Set<string> {
  if (e.type === 'comparison') {
    checkComparison(e);
    return new Set([e.path.objectType]);
  }
  const sets = e.operands.map(checkComparisons);
  if (e.operator === 'OR') return new Set(sets.flatMap((s) => [...s]));
  let common = sets[0]!;
  for (const s of sets.slice(1)) {
    const both = new Set([...common].filter((t) => s.has(t)));
    if (both.size === 0) {
      problem(`AND at position ${e.position} joins comparisons on different object types (${[...common, ...s].join(', ')}) inside one observation; no single object can match them.`);
    }
    common = both;
  }
  return common;
}

function checkObservations(e: ObservationExpression): void {
  switch (e.type) {
    case 'observation':
      checkComparisons(e.comparison);
      return checkQualifiers(e.qualifiers);
    case 'group':
      checkObservations(e.expression);
      return checkQualifiers(e.qualifiers);
    case 'observation-operator':
      return e.operands.forEach(checkObservations);
  }
}

/** The first semantic fault of a parsed pattern, as one line, or null when there is none. */
export function patternProblem(pattern: Pattern): string | null {
  try {
    checkObservations(pattern.expression);
    return null;
  } catch (e) {
    if (e instanceof Problem) return e.message;
    throw e;
  }
}

/**
 * Null when `text` is a valid STIX 2.1 pattern; else a one-line reason (syntax first, then
 * the checks above, in the order the pattern is written).
 */
export function validatePattern(text: string): string | null {
  try {
    return patternProblem(parsePattern(text));
  } catch (e) {
    if (e instanceof PatternError) return e.message;
    throw e;
  }
}
