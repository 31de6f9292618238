// The official STIX 2.1 JSON schemas, from ../shared/data (never copied into the repository),
// loaded once into ajv for tests that check what the hub produces. Absent in a fresh clone:
// `haveSchemas` is false and callers skip with a visible notice.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { isSco, isSro } from '../stix/kinds.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaDir = path.join(path.resolve(repoRoot, '../shared/data'), 'stix2.1-json-schemas/schemas');
export const haveSchemas = existsSync(schemaDir);
const schemaBase = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
// ajv-formats is CommonJS: depending on the loader its default import is the plugin or wraps it.
const addFormats = (typeof ajvFormats === 'function' ? ajvFormats : (ajvFormats as unknown as { default: unknown }).default) as AddFormats;

let ajv: Ajv2020 | null = null;

function load(): Ajv2020 {
  // The files are draft 2020-12 with patterns that use `\-` (which u-mode RegExp refuses), and
  // name their draft as `http://json-schema.org/draft/2020-12/schema#`, not the id ajv
  // registers: `$schema` is dropped.
  const a = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(a);
  a.addFormat('idn-hostname', true);
  for (const dir of readdirSync(schemaDir)) {
    for (const file of readdirSync(path.join(schemaDir, dir)).filter((f) => f.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(path.join(schemaDir, dir, file), 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      a.addSchema(schema);
    }
  }
  return a;
}

/** The schema errors of one object (empty when it conforms); throws for a type with no schema. */
export function schemaErrors(object: object): string[] {
  ajv ??= load();
  const type = String((object as { type?: unknown }).type);
  const dir = type === 'bundle' || type === 'marking-definition' || type === 'extension-definition' ? 'common' : isSco(type) ? 'observables' : isSro(type) ? 'sros' : 'sdos';
  const validate: ValidateFunction | undefined = ajv.getSchema(`${schemaBase}${dir}/${type}.json`);
  if (!validate) throw new Error(`no schema for ${type}`);
  return validate(object) ? [] : (validate.errors ?? []).map((e) => `${type} ${e.instancePath} ${e.message ?? ''}`);
}

export function warnIfNoSchemas(what: string): void {
  if (!haveSchemas) console.warn(`\n!! ${schemaDir} is absent: SKIPPING ${what}.\n`);
}
