// Values worth looking up in the hub's intelligence, normalised the way the hub stores them
// and defanged for display.
import { defang } from '../../stix/extract.js';
import { normaliseObservable, type IndicatorType } from '../../stix/observables.js';
import type { Collector } from './facts.js';

/** Adds `value` as an indicator of `type` when it normalises; returns the normalised value. */
export function observe(into: Collector, type: IndicatorType, value: string, origin: string): string | null {
  const v = normaliseObservable(type, value);
  if (v === null) return null;
  if (into.wants(type, v)) into.observe({ type, value: v, defanged: defang(v), origin });
  return v;
}
