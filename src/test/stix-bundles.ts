// Generated STIX bundles for the import and export tests: valid indicators, malware and
// relationships, with invalid objects mixed in at known places, written to temporary files.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markingIdFor, type Tlp } from '../stix/tlp.js';

export interface GeneratedBundle {
  file: string;
  bytes: number;
  /** ids of the objects that must be accepted, in file order */
  valid: string[];
  /** id (or a placeholder) of each object that must fail, with the word its message contains */
  invalid: Array<{ id: string; why: RegExp }>;
  count: number;
}

export interface BundleSpec {
  /** objects in the bundle */
  count: number;
  /** every n-th object is invalid (0: none) */
  invalidEvery?: number;
  /** characters of description per valid object, to make large files */
  padding?: number;
  tlp?: Tlp;
  /** the text after the objects; replace to build broken files */
  closing?: string;
}

const created = '2026-11-20T10:00:00.000Z';

export function validObject(i: number, padding = 0, tlp?: Tlp): Record<string, unknown> {
  const markings = tlp ? { object_marking_refs: [markingIdFor(tlp)] } : {};
  const description = padding > 0 ? `Seen scanning city VPN gateways. ${'x'.repeat(padding)}` : 'Seen scanning city VPN gateways.';
  switch (i % 3) {
    case 0:
      return {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${randomUUID()}`,
        created,
        modified: created,
        name: `Scanner 198.51.100.${i % 250}`,
        description,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '198.51.100.${i % 250}']`,
        pattern_type: 'stix',
        valid_from: created,
        ...markings,
      };
    case 1:
      return { type: 'malware', spec_version: '2.1', id: `malware--${randomUUID()}`, created, modified: created, name: `Loader ${i}`, description, is_family: false, ...markings };
    default:
      return { type: 'x-city-note', spec_version: '2.1', id: `x-city-note--${randomUUID()}`, created, modified: created, x_note: description, x_index: i, ...markings };
  }
}

/** Invalid in one of four ways, in turn. */
function invalidObject(i: number): { object: unknown; id: string; why: RegExp } {
  const id = `indicator--${randomUUID()}`;
  switch (i % 4) {
    case 0:
      return { object: { type: 'indicator', spec_version: '2.1', id, modified: created, pattern: "[ipv4-addr:value = '203.0.113.1']", pattern_type: 'stix', valid_from: created }, id, why: /created/ };
    case 1:
      return { object: { ...validObject(0), id, modified: '2026-11-19T10:00:00.000Z' }, id, why: /modified/ };
    case 2:
      return { object: { ...validObject(0), id: 'indicator--not-a-uuid' }, id: 'indicator--not-a-uuid', why: /id/ };
    default:
      return { object: 'not an object', id: '(no id)', why: /object/ };
  }
}

/** Write a bundle file as a stream (large files never sit in memory as one string). */
export async function writeBundle(spec: BundleSpec, dir = mkdtempSync(path.join(tmpdir(), 'tocsin-bundle-'))): Promise<GeneratedBundle> {
  const file = path.join(dir, `bundle-${randomUUID().slice(0, 8)}.json`);
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const valid: string[] = [];
  const invalid: GeneratedBundle['invalid'] = [];
  await write(`{"type": "bundle", "id": "bundle--${randomUUID()}", "objects": [\n`);
  for (let i = 0; i < spec.count; i++) {
    let object: unknown;
    if (spec.invalidEvery && (i + 1) % spec.invalidEvery === 0) {
      const bad = invalidObject(invalid.length);
      invalid.push({ id: bad.id, why: bad.why });
      object = bad.object;
    } else {
      object = validObject(i, spec.padding ?? 0, spec.tlp);
      valid.push((object as { id: string }).id);
    }
    await write(`${i ? ',\n' : ''}  ${JSON.stringify(object)}`);
  }
  await write(spec.closing ?? '\n]}\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { file, bytes, valid, invalid, count: spec.count };
}
