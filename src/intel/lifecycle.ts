// How long an observable stays valid after a source last listed it, per type. Addresses are
// re-assigned within weeks, names and URLs live for months, a file hash never changes meaning.
import type { IndicatorType } from '../stix/observables.js';

const day = 86_400_000;

/** Days of validity after last seen; null: no expiry. */
export const defaultValidityDays: Readonly<Record<IndicatorType, number | null>> = {
  ipv4: 30,
  ipv6: 30,
  cidr: 30,
  domain: 90,
  url: 90,
  email: 180,
  md5: null,
  sha1: null,
  sha256: null,
  cve: null,
};

/**
 * When a mention stops being valid: the publisher's own valid_until wins, then the source's
 * override (days after last seen), then the type's default.
 */
export function validUntilFor(type: IndicatorType, lastSeen: string, opts: { expiryDays?: number | null; validUntil?: string | undefined } = {}): string | null {
  if (opts.validUntil) return opts.validUntil;
  const days = opts.expiryDays ?? defaultValidityDays[type];
  if (days === null || days === undefined) return null;
  return new Date(Date.parse(lastSeen) + days * day).toISOString();
}

/** Is a mention in force at `now` (active and not past valid_until)? */
export function isInForce(m: { status: string; valid_until: string | null }, now: string): boolean {
  return m.status === 'active' && (m.valid_until === null || m.valid_until > now);
}
