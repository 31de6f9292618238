// Turns the simple patterns real feeds use into Tocsin observables, so indicators from any
// producer feed lookups and correlation. Only what alone satisfies the pattern comes out:
// OR branches do; AND, NOT, !=, LIKE, MATCHES, qualifiers and FOLLOWEDBY give nothing.
import { normaliseObservable, type IndicatorType } from '../observables.js';
import type { ComparisonExpression, ComparisonNode, Literal, ObjectPath, ObservationExpression, Pattern } from './ast.js';
import { parsePattern } from './parser.js';

export interface Observable {
  type: IndicatorType;
  value: string;
}

type Target = 'ipv4-addr' | 'ipv6-addr' | 'domain' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256';

const hashTargets: Readonly<Record<string, Target>> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256' };
const valueTargets: Readonly<Record<string, Target>> = {
  'ipv4-addr': 'ipv4-addr',
  'ipv6-addr': 'ipv6-addr',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
};

function keys(path: ObjectPath): string[] | null {
  const names: string[] = [];
  for (const step of path.steps) {
    if (step.kind !== 'key') return null;
    names.push(step.name);
  }
  return names;
}

/** What kind of observable a path holds, or null for any other path. */
function targetOf(path: ObjectPath): Target | null {
  const k = keys(path);
  if (!k) return null;
  if (k.length === 1 && k[0] === 'value') return valueTargets[path.objectType] ?? null;
  // The From: and Sender: mailboxes are the sender's; recipients would be victims, not indicators.
  if (path.objectType === 'email-message' && k.length === 2 && (k[0] === 'from_ref' || k[0] === 'sender_ref') && k[1] === 'value') return 'email';
  if (path.objectType === 'file' && k.length === 2 && k[0] === 'hashes') return hashTargets[k[1]!.toUpperCase()] ?? null;
  return null;
}

/** An address or range of the object's own family: a /32 (/128) is one address, wider is a 'cidr'. */
function ipObservable(target: 'ipv4-addr' | 'ipv6-addr', text: string): Observable | null {
  const v6 = target === 'ipv6-addr';
  if (!text.includes('/')) {
    const value = normaliseObservable(v6 ? 'ipv6' : 'ipv4', text);
    return value === null ? null : { type: v6 ? 'ipv6' : 'ipv4', value };
  }
  const net = normaliseObservable('cidr', text);
  if (net === null || net.includes(':') !== v6) return null;
  const [address = '', prefix] = net.split('/');
  if (Number(prefix) === (v6 ? 128 : 32)) return { type: v6 ? 'ipv6' : 'ipv4', value: address };
  return { type: 'cidr', value: net };
}

function fromComparison(c: ComparisonNode, add: (o: Observable | null) => void): void {
  if (c.negated || c.operator === 'EXISTS') return;
  const target = targetOf(c.path);
  if (!target) return;
  let literals: readonly Literal[];
  if (c.operator === '=') literals = [c.value];
  else if (c.operator === 'IN') literals = c.values; // one of the listed values: each alone matches
  else if (c.operator === 'ISSUBSET' && (target === 'ipv4-addr' || target === 'ipv6-addr')) literals = [c.value];
  else return;
  for (const literal of literals) {
    if (literal.type !== 'string') continue;
    if (target === 'ipv4-addr' || target === 'ipv6-addr') {
      add(ipObservable(target, literal.value));
    } else {
      const value = normaliseObservable(target, literal.value);
      add(value === null ? null : { type: target, value });
    }
  }
}

function fromComparisons(e: ComparisonExpression, add: (o: Observable | null) => void): void {
  if (e.type === 'comparison') fromComparison(e, add);
  else if (e.operator === 'OR') e.operands.forEach((o) => fromComparisons(o, add));
}

function fromObservations(e: ObservationExpression, add: (o: Observable | null) => void): void {
  if (e.type === 'observation-operator') {
    if (e.operator === 'OR') e.operands.forEach((o) => fromObservations(o, add));
  } else if (e.qualifiers.length === 0) {
    if (e.type === 'observation') fromComparisons(e.comparison, add);
    else fromObservations(e.expression, add);
  }
}

/**
 * The observables that each, alone, match the pattern, in canonical form (see
 * normaliseObservable), without duplicates, in the order written. Values that do not
 * normalise are dropped. A string is parsed first: throws PatternError when it is not a pattern.
 */
export function observablesOf(pattern: string | Pattern): Observable[] {
  const parsed = typeof pattern === 'string' ? parsePattern(pattern) : pattern;
  const found = new Map<string, Observable>();
  fromObservations(parsed.expression, (o) => {
    if (o) found.set(`${o.type} ${o.value}`, o);
  });
  return [...found.values()];
}
