// The patterns Tocsin writes for its own observables: one observation per indicator type,
// joined by OR. Values must already be in canonical form (observables.ts normalises them);
// this file imports only types from there, so observables.ts can build on it without a cycle.
import type { PatternIndicatorType } from '../observables.js';
import type { ObservationNode, PathStep, ValueComparison } from './ast.js';
import { formatPattern } from './format.js';

/** Where each indicator type lives in STIX, in the order observations are written. */
const targets: Readonly<Record<PatternIndicatorType, { objectType: string; keys: readonly string[]; operator: '=' | 'ISSUBSET' }>> = {
  ipv4: { objectType: 'ipv4-addr', keys: ['value'], operator: '=' },
  ipv6: { objectType: 'ipv6-addr', keys: ['value'], operator: '=' },
  cidr: { objectType: 'ipv4-addr', keys: ['value'], operator: 'ISSUBSET' },
  domain: { objectType: 'domain-name', keys: ['value'], operator: '=' },
  url: { objectType: 'url', keys: ['value'], operator: '=' },
  email: { objectType: 'email-addr', keys: ['value'], operator: '=' },
  md5: { objectType: 'file', keys: ['hashes', 'MD5'], operator: '=' },
  sha1: { objectType: 'file', keys: ['hashes', 'SHA-1'], operator: '=' },
  sha256: { objectType: 'file', keys: ['hashes', 'SHA-256'], operator: '=' },
};

/** `[type:path op 'value']`'s comparison for one canonical observable. */
export function comparisonFor(type: PatternIndicatorType, value: string): ValueComparison {
  const target = targets[type];
  // An IPv6 range is an ipv6-addr; the observable type 'cidr' covers both families.
  const objectType = type === 'cidr' && value.includes(':') ? 'ipv6-addr' : target.objectType;
  const steps: PathStep[] = target.keys.map((name) => ({ kind: 'key', name, quoted: name.includes('-'), position: 0 }));
  return {
    type: 'comparison',
    path: { objectType, steps, position: 0 },
    operator: target.operator,
    negated: false,
    value: { type: 'string', value, position: 0 },
    position: 0,
  };
}

/**
 * The pattern for canonical observables: one `[…]` per indicator type (values of a type
 * joined by OR inside it, duplicates dropped), the observations joined by OR.
 */
export function formatObservables(observables: ReadonlyArray<{ type: PatternIndicatorType; value: string }>): string {
  const byType = new Map<PatternIndicatorType, string[]>();
  for (const type of Object.keys(targets) as PatternIndicatorType[]) {
    const values = [...new Set(observables.filter((o) => o.type === type).map((o) => o.value))];
    if (values.length) byType.set(type, values);
  }
  if (byType.size === 0) throw new RangeError('A pattern needs at least one observable.');
  const observations: ObservationNode[] = [...byType].map(([type, values]) => {
    const comparisons = values.map((v) => comparisonFor(type, v));
    const comparison = comparisons.length === 1 ? comparisons[0]! : { type: 'boolean' as const, operator: 'OR' as const, operands: comparisons, position: 0 };
    return { type: 'observation', comparison, qualifiers: [], position: 0 };
  });
  const expression = observations.length === 1 ? observations[0]! : { type: 'observation-operator' as const, operator: 'OR' as const, operands: observations, position: 0 };
  return formatPattern({ type: 'pattern', expression });
}
