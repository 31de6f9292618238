// The validator over real STIX 2.1 from other tools (../shared/data/stix): everything MITRE
// ATT&CK, MISP and the TLP 2.0 definitions publish is accepted; the OpenCTI test bundle's
// objects are accepted except those that break a STIX 2.1 MUST, each with its reason.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateBundle, validateStixObject, type BundleValidation } from './validate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.join(path.resolve(repoRoot, '../shared/data'), 'stix');
const haveData = existsSync(dataDir);
if (!haveData) console.warn(`\n!! ${dataDir} is absent: SKIPPING the validator tests over real STIX bundles.\n`);

function load(file: string): { objects: Array<Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dataDir, file), 'utf8')) as { objects: Array<Record<string, unknown>> };
}

function refused(r: BundleValidation): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const x of r.results) if (!x.ok) out.set(x.id ?? '?', x.errors);
  return out;
}

// Relationships whose stop_time equals start_time: STIX 2.1 says stop_time MUST be later, but
// OpenCTI writes them for point-in-time relationships and the hub accepts them (see validate-rules).
const equalTimes = [
  '10e8c71d-a1b4-4e35-bca8-2e4a3785ea04',
  '10f2228d-cc68-45e3-bce2-53b1841b01c2',
  '9315a197-fe15-4c96-b77c-edcaa5e22ecb',
  '261688c1-0468-4be4-be8f-f70e463ab6ed',
  'ba52fced-422a-4bee-816a-85aa21c9eaca',
  'efc9bbb8-e606-4fb1-83ae-d74690fd0416',
  'e35b3fc1-47f3-4ccb-a8fe-65a0864edd02',
  '6d59077d-a2fb-4217-846f-c7cf038672fa',
  '55119cba-8fbe-450b-bb47-3af8db29c187',
  'e50087ed-906a-4d9f-b5c0-39c1d23ca0b2',
  '1fc9b5f8-3822-44c5-85d9-ee3476ca26de',
  'b703f822-f6f0-4d96-9c9b-3fc0bb61e69c',
  'c32d553c-e22f-40ce-93e6-eb62dd145f3b',
  '8d2200a8-f9ef-4345-95d1-ba3ed49606f9',
  'eedcea8f-a464-4977-955c-5113aa3c0896',
  '2326c8b3-ef45-4978-98d0-0059728275c4',
  '3541149d-1af6-4688-993c-dc32c7ee3880',
  '3e10618c-a301-43db-87f3-91b9e397c30d',
  'd861deab-84b6-4dc9-bcce-594e3d1c904f',
  '307058e3-84f3-4e9c-8776-2e4fe4d6c6c7',
].map((u) => `relationship--${u}`);

const noPlace = /^a location needs a region, a country, or a latitude and longitude$/;

/** Every refused OpenCTI object and every reason: nothing else may be refused, no reason missing or extra. */
const openctiRefusals = new Map<string, RegExp[]>([
  ['relationship--10f2228d-cc68-45e3-bce2-53b1841b01c2', [/^modified must not be earlier than created$/]],
  ['relationship--c32d553c-e22f-40ce-93e6-eb62dd145f3b', [/^target_ref must refer to a domain object or a cyber-observable, not to relationship/]],
  ['relationship--8d2200a8-f9ef-4345-95d1-ba3ed49606f9', [/^target_ref must refer to a domain object or a cyber-observable, not to relationship/]],
  ['relationship--eedcea8f-a464-4977-955c-5113aa3c0896', [/^target_ref must refer to a domain object or a cyber-observable, not to relationship/]],
  [
    'observed-data--7d258c31-9a26-4543-aecb-2abc5ed366be',
    [/^created is required$/, /^modified is required$/, /^object_refs\[0\] must refer to a cyber-observable or a relationship or sighting, not to malware/, /^object_refs and the deprecated objects must not both be present$/],
  ],
  ['malware--faa5b705-cf44-4e50-8472-29e5fec43c3c', [/^is_family is required$/]],
  ['malware--c6006dd5-31ca-45c2-8ae0-4e428e712f88', [/^is_family is required$/]],
  ['malware-analysis--8fd6fcd4-81a9-4937-92b8-4e1cbe68f263', [/^a malware analysis needs result or analysis_sco_refs$/]],
  ['location--c3794ffd-0e71-4670-aa4d-978b4cbdc72c', [noPlace]],
  ['location--5acd8b26-51c2-4608-86ed-e9edd43ad971', [noPlace]],
  ['location--6bf1f67a-6a55-4e4d-b237-6cdda97baef2', [noPlace]],
  ['location--bc9f5d2c-7209-4b24-903e-587c7cf00ab1', [noPlace]],
]);

describe.skipIf(!haveData)('validateStixObject over real STIX 2.1 bundles', () => {
  it('accepts every object of MITRE ATT&CK Mobile (custom x-mitre types and properties, revoked objects)', () => {
    const bundle = load('mitre-mobile-attack-17.1.json');
    const r = validateBundle(bundle);
    expect([...refused(r)]).toEqual([]);
    expect(r).toMatchObject({ ok: true, kind: 'bundle', errors: [] });
    expect(r.results).toHaveLength(bundle.objects.length);
    expect(bundle.objects.length).toBeGreaterThan(2000);
    // Accepted as given: the same objects come back, untouched, with no warnings.
    r.results.forEach((x, i) => expect(x).toEqual({ ok: true, object: bundle.objects[i], warnings: [] }));
    expect(bundle.objects.some((o) => o.type === 'x-mitre-tactic')).toBe(true);
    expect(bundle.objects.some((o) => o.revoked === true)).toBe(true);
  });

  it('accepts every object of the MISP export (grouping, observed-data, indicators, SCOs)', () => {
    const r = validateBundle(load('misp-stix-test_events_collection_stix21.json'));
    expect([...refused(r)]).toEqual([]);
    expect(r.ok).toBe(true);
    // MISP's SCO ids are not derived from their values, and its indicators have no name.
    const warnings = r.results.flatMap((x) => x.warnings);
    expect(warnings).toContain('an indicator should have a name');
    expect(warnings.some((w) => w.startsWith('id should be the deterministic ipv4-addr--'))).toBe(true);
  });

  it('accepts the TLP 2.0 marking and extension definitions', () => {
    const files = readdirSync(path.join(dataDir, 'tlp2.0'));
    expect(files).toHaveLength(6);
    for (const file of files) {
      const r = validateBundle(load(`tlp2.0/${file}`));
      expect(r.ok, file).toBe(true);
      expect(r.results.flatMap((x) => x.warnings), file).toEqual([]);
    }
  });

  it('accepts the OpenCTI test bundle except the objects that break a MUST, for exactly those reasons', () => {
    const bundle = load('opencti-DATA-TEST-STIX2_v2.json');
    const r = validateBundle(bundle);
    const got = refused(r);
    expect([...got.keys()].sort()).toEqual([...openctiRefusals.keys()].sort());
    for (const [id, reasons] of openctiRefusals) {
      const errors = got.get(id)!;
      expect(errors, id).toHaveLength(reasons.length);
      for (const reason of reasons) expect(errors, id).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
    }
    const accepted = r.results.filter((x) => x.ok).length;
    expect(accepted).toBe(bundle.objects.length - openctiRefusals.size);
    expect(accepted).toBeGreaterThan(25);
  });

  it('reads OpenCTI’s relationship without spec_version as 2.1, with a warning', () => {
    const bundle = load('opencti-DATA-TEST-STIX2_v2.json');
    const rel = bundle.objects.find((o) => o.type === 'relationship' && o.spec_version === undefined)!;
    const r = validateStixObject(rel);
    expect(r).toMatchObject({ ok: true, object: { ...rel, spec_version: '2.1' }, warnings: [expect.stringMatching(/spec_version is missing/)] });
    expect(equalTimes).toContain(rel.id);
  });

  it('accepts OpenCTI’s custom properties and custom marking types, with warnings where the spec says SHOULD', () => {
    const bundle = load('opencti-DATA-TEST-STIX2_v2.json');
    const byId = new Map(validateBundle(bundle).results.map((x, i) => [String(bundle.objects[i]!.id), x]));
    const software = byId.get('software--b0debdba-74e7-4463-ad2a-34334ee66d8d')!;
    expect(software).toMatchObject({ ok: true, warnings: expect.arrayContaining([expect.stringMatching(/^created is not a property of software/)]) });
    const tlpTest = byId.get('marking-definition--78ca4366-f5b8-4764-83f7-34ce38198e27')!;
    expect(tlpTest.ok).toBe(true);
    expect(byId.get('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toMatchObject({ ok: true, warnings: [expect.stringMatching(/TLP 1.0 WHITE marking, but the object is not its official definition/)] });
  });
});
