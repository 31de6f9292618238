// Small readers shared by the MISP formats: tag lists (TLP split out), numbers that PyMISP
// writes as strings, and the shape of a UUID.
import { mostRestrictive, tlpFromLabel, type Tlp } from '../../stix/tlp.js';

export const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const maxTags = 50;
const maxTagLength = 200;

/** A whole number from a number or a string of digits (`"1755989538"`); undefined otherwise. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/**
 * The names of a MISP Tag list (`[{name, colour}]`, plain strings also taken), without the
 * TLP tags, and the most restrictive TLP among them. At most 50 tags of 200 characters.
 */
export function readTags(value: unknown): { tags: string[]; tlp?: Tlp } {
  if (!Array.isArray(value)) return { tags: [] };
  const tags: string[] = [];
  let tlp: Tlp | undefined;
  for (const t of value) {
    const name = typeof t === 'string' ? t : t && typeof t === 'object' && typeof (t as { name?: unknown }).name === 'string' ? (t as { name: string }).name : null;
    if (!name || !name.trim()) continue;
    const level = /^\s*tlp\s*:/i.test(name) ? tlpFromLabel(name) : null;
    if (level) tlp = tlp ? mostRestrictive(tlp, level) : level;
    else if (tags.length < maxTags && !tags.includes(name.trim().slice(0, maxTagLength))) tags.push(name.trim().slice(0, maxTagLength));
  }
  return tlp ? { tags, tlp } : { tags };
}
