// STIX and TAXII timestamps as integer microseconds since the epoch. JavaScript's Date has
// milliseconds only, but STIX `modified` may carry microseconds and TAXII's date_added must be
// unique and strictly increasing at microsecond precision. Microseconds up to year 9999 stay
// below 2^53, so a plain number is exact.

const pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parse an RFC 3339 timestamp with a zone into microseconds; null when it is not one.
 * Digits past the sixth are truncated (STIX allows nanoseconds; no one compares them).
 * With `requireUtc`, only the `Z` form is accepted, as STIX requires.
 */
export function parseTimestampMicros(text: string, opts: { requireUtc?: boolean } = {}): number | null {
  const m = pattern.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', z, sign, oh, om] = m;
  if (opts.requireUtc && !z) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (sign) {
    const offset = (Number(oh) * 60 + Number(om)) * 60_000;
    if (Number(oh) > 23 || Number(om) > 59) return null;
    ms += sign === '+' ? -offset : offset;
  }
  const micros = Number((frac + '000000').slice(0, 6));
  return ms * 1000 + micros;
}

/** `YYYY-MM-DDTHH:MM:SS.ssssssZ` — TAXII's date_added shape. */
export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  return new Date(ms).toISOString().slice(0, 23) + String(rest).padStart(3, '0') + 'Z';
}

/**
 * The STIX shape this hub emits: milliseconds, or microseconds when the value has them (so a
 * version timestamp received with microseconds is given back exactly).
 */
export function formatStixMicros(us: number): string {
  return us % 1000 === 0 ? new Date(us / 1000).toISOString() : formatMicros(us);
}

export function microsOfDate(date: Date): number {
  return date.getTime() * 1000;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate() || 31;
}
