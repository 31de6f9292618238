import { describe, expect, it } from 'vitest';
import { isSco, isSro, validateBundle, validateStixObject, versionOf, type StixValidation } from './validate.js';

const identityId = 'identity--5d2b3c1e-2f4a-4b7c-9d8e-1a2b3c4d5e6f';
const amber = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const extId = 'extension-definition--d01442dd-feb5-473c-af7a-da7aa3ff0b3b';

function indicator(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2024-01-02T03:04:05.000Z',
    modified: '2024-01-02T03:04:05.000Z',
    name: 'Bad IP',
    description: 'Seen in phishing',
    indicator_types: ['malicious-activity'],
    pattern: "[ipv4-addr:value = '198.51.100.1']",
    pattern_type: 'stix',
    valid_from: '2024-01-02T03:04:05Z',
    ...over,
  };
}

const ipv4 = { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', value: '198.51.100.3' };

function errors(input: unknown): string[] {
  const r = validateStixObject(input);
  return r.ok ? [] : r.errors;
}
function warnings(input: unknown): string[] {
  return validateStixObject(input).warnings;
}
const ok = (input: unknown) => expect(errors(input)).toEqual([]);
const fails = (input: unknown, message: RegExp) => expect(errors(input)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('validateStixObject: the common MUST rules', () => {
  it('accepts a good indicator as it is, same reference, no warnings', () => {
    const o = indicator();
    const r = validateStixObject(o);
    expect(r).toEqual({ ok: true, object: o, warnings: [] });
    expect((r as Extract<StixValidation, { ok: true }>).object).toBe(o);
  });

  it.each([['Indicator'], ['ab'], ['has space'], ['x--y'], ['-lead'], [42], [undefined]])('refuses the type %j', (type) => {
    fails(indicator({ type }), /^type must be/);
  });

  it('refuses a bundle and the reserved type action', () => {
    fails({ type: 'bundle', id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', objects: [indicator()] }, /validateBundle/);
    fails({ type: 'action', spec_version: '2.1', id: 'action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2024-01-02T03:04:05.000Z', modified: '2024-01-02T03:04:05.000Z' }, /reserved/);
  });

  it.each([
    ['another type', 'report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    ['no UUID', 'indicator--1234'],
    ['a bad UUID variant', 'indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f'],
    ['no id', undefined],
  ])('refuses an id with %s', (_why, id) => {
    fails(indicator({ id }), /^id must be "indicator--" followed by an RFC 4122 UUID/);
  });

  it('warns when a domain object id is not a UUIDv4', () => {
    ok(indicator({ id: 'indicator--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f' }));
    expect(warnings(indicator({ id: 'indicator--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f' }))).toEqual([expect.stringMatching(/UUIDv4/)]);
  });

  it('needs spec_version 2.1 on domain objects', () => {
    fails(indicator({ spec_version: '2.0' }), /spec_version must be "2.1"/);
    fails({ ...ipv4, spec_version: '2.0' }, /spec_version must be "2.1"/);
  });

  it('reads a domain object without spec_version as 2.1 and returns a copy that has it', () => {
    const input = without(indicator(), 'spec_version');
    const r = validateStixObject(input);
    expect(r.ok).toBe(true);
    const object = (r as Extract<StixValidation, { ok: true }>).object;
    expect(object).not.toBe(input);
    expect(Object.keys(object).slice(0, 3)).toEqual(['type', 'spec_version', 'id']);
    expect(object).toEqual({ ...input, spec_version: '2.1' });
    expect(input).not.toHaveProperty('spec_version');
    expect(r.warnings).toEqual([expect.stringMatching(/spec_version is missing/)]);
  });

  it('lets a cyber-observable omit spec_version, untouched', () => {
    const sco = without(ipv4, 'spec_version');
    const r = validateStixObject(sco);
    expect(r).toEqual({ ok: true, object: sco, warnings: [] });
  });

  it('needs created and modified on domain objects, UTC, to the millisecond, real dates', () => {
    fails(without(indicator(), 'created'), /^created is required/);
    fails(without(indicator(), 'modified'), /^modified is required/);
    fails(indicator({ created: '2024-01-02T03:04:05Z', modified: '2024-01-02T03:04:05Z' }), /created must be precise to the millisecond/);
    fails(indicator({ created: '2024-01-02T03:04:05.000+01:00' }), /created must be a UTC timestamp/);
    fails(indicator({ created: '2024-01-02 03:04:05.000Z' }), /created must be a UTC timestamp/);
    fails(indicator({ created: '2023-02-29T03:04:05.000Z', modified: '2024-02-29T03:04:05.000Z' }), /created is not a real date/);
    fails(indicator({ created: 1704164645000 }), /created must be a UTC timestamp/);
    ok(indicator({ created: '2024-01-02T03:04:05.123456Z', modified: '2024-01-02T03:04:05.123456Z' }));
  });

  it('needs modified ≥ created, comparing parsed times', () => {
    fails(indicator({ modified: '2024-01-02T03:04:04.999Z' }), /^modified must not be earlier than created$/);
    ok(indicator({ modified: '2024-01-02T03:04:05.000Z' }));
    // Equal instants written differently: a string comparison would call modified earlier.
    ok(indicator({ created: '2024-01-02T03:04:05.1Z'.replace('.1Z', '.100Z'), modified: '2024-01-02T03:04:05.1000Z' }));
    ok(indicator({ created: '2024-01-02T03:04:05.5000Z', modified: '2024-01-02T03:04:05.500Z' }));
  });

  it.each(['labels', 'external_references', 'object_marking_refs', 'granular_markings'])('refuses an empty %s', (key) => {
    fails(indicator({ [key]: [] }), new RegExp(`^${key} must not be an empty list`));
  });

  it('refuses empty lists anywhere, custom properties included', () => {
    fails(indicator({ x_acme_notes: { seen_in: [] } }), /^x_acme_notes\.seen_in must not be an empty list/);
    fails(indicator({ kill_chain_phases: [{ kill_chain_name: 'lockheed', phase_name: 'recon', x_tags: [] }] }), /kill_chain_phases\[0\]\.x_tags must not be an empty list/);
  });

  it('refuses null property values', () => {
    fails(indicator({ description: null }), /^description must not be null/);
  });

  it('checks reference properties: id shape and the type they may point to', () => {
    ok(indicator({ created_by_ref: identityId, object_marking_refs: [amber] }));
    fails(indicator({ created_by_ref: 'report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }), /^created_by_ref must refer to identity/);
    fails(indicator({ created_by_ref: 'City of Springfield' }), /^created_by_ref must be a STIX id/);
    fails(indicator({ object_marking_refs: [identityId] }), /^object_marking_refs\[0\] must refer to marking-definition/);
    fails(indicator({ object_marking_refs: amber }), /^object_marking_refs must be a non-empty list of STIX ids/);
    // Custom properties follow the reserved suffixes too.
    ok(indicator({ x_acme_source_ref: identityId, x_acme_seen_refs: [identityId] }));
    fails(indicator({ x_acme_source_ref: 'acme' }), /^x_acme_source_ref must be a STIX id/);
    fails(indicator({ x_acme_seen_refs: ['acme'] }), /^x_acme_seen_refs\[0\] must be a STIX id/);
  });

  it.each([
    [0, true],
    [100, true],
    [101, false],
    [-1, false],
    [50.5, false],
    ['high', false],
  ])('confidence %j', (confidence, valid) => {
    const result = errors(indicator({ confidence }));
    if (valid) expect(result).toEqual([]);
    else expect(result.join()).toMatch(/confidence must be (an integer|from 0 to 100)/);
  });

  it('checks lang, revoked and labels types', () => {
    ok(indicator({ lang: 'en', revoked: true, labels: ['phishing'] }));
    fails(indicator({ revoked: 'yes' }), /^revoked must be true or false/);
    fails(indicator({ labels: ['ok', 3] }), /^labels must be a non-empty list of strings/);
  });

  it('checks external references', () => {
    ok(indicator({ external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }, { source_name: 'acme', url: 'https://acme.example/r/1' }] }));
    fails(indicator({ external_references: [{ url: 'https://acme.example' }] }), /source_name is required/);
    fails(indicator({ external_references: [{ source_name: 'acme' }] }), /needs a description, url or external_id/);
    fails(indicator({ external_references: [{ source_name: 'cve', external_id: 'CVE-24-1' }] }), /must be a CVE id/);
    fails(indicator({ external_references: [{ source_name: 'capec', external_id: '66' }] }), /must be a CAPEC id/);
    fails(indicator({ external_references: [{ source_name: 'acme', url: 'x', hashes: { MD5: 'abc' } }] }), /not a valid MD5 hash/);
  });

  it('checks granular markings: selectors that resolve, one of marking_ref and lang', () => {
    const marking = (m: Record<string, unknown>) => indicator({ external_references: [{ source_name: 'acme', url: 'https://a.example' }], granular_markings: [m] });
    ok(marking({ selectors: ['description', 'external_references.[0].url'], marking_ref: amber }));
    ok(marking({ selectors: ['name'], lang: 'en' }));
    fails(marking({ selectors: ['nothing_here'], marking_ref: amber }), /does not select anything/);
    fails(marking({ selectors: ['external_references.[3]'], marking_ref: amber }), /does not select anything/);
    fails(marking({ selectors: ['Bad Selector'], marking_ref: amber }), /is not a valid selector/);
    fails(marking({ selectors: ['name'], marking_ref: amber, lang: 'en' }), /exactly one of marking_ref and lang/);
    fails(marking({ selectors: ['name'] }), /exactly one of marking_ref and lang/);
    fails(marking({ selectors: ['name'], marking_ref: identityId }), /marking_ref must refer to marking-definition/);
  });

  it('checks hashes: known algorithms by hex length, other keys warned about', () => {
    const file = (hashes: unknown) => ({ type: 'file', spec_version: '2.1', id: 'file--7e567502-8994-53ff-9c69-79240cae362d', hashes });
    expect(validateStixObject(file({ MD5: 'd41d8cd98f00b204e9800998ecf8427e' })).ok).toBe(true);
    fails(file({ MD5: 'd41d8cd98f00b204e9800998ecf8427' }), /hashes\.MD5 is not a valid MD5 hash/);
    fails(file({ 'SHA-256': 'zz' }), /hashes\.SHA-256 is not a valid SHA-256 hash/);
    fails(file({ 'SHA-1': 42 }), /hashes\.SHA-1 must be a string/);
    fails(file({ 'my hash': 'abc' }), /not a valid hash key/);
    fails(file({}), /hashes must be a non-empty dictionary/);
    expect(warnings(file({ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }))).toEqual(expect.arrayContaining([expect.stringMatching(/should be written "SHA-256"/)]));
    expect(warnings(file({ x_acme_fuzzy: 'abc' }))).toEqual(expect.arrayContaining([expect.stringMatching(/not in the hash-algorithm vocabulary/)]));
  });

  it('accepts custom properties: x_ quietly, other valid names with a warning, invalid names never', () => {
    expect(validateStixObject(indicator({ x_acme_score: 7 }))).toMatchObject({ ok: true, warnings: [] });
    expect(validateStixObject(indicator({ acme_score: 7 }))).toMatchObject({ ok: true, warnings: [expect.stringMatching(/^acme_score is not a property of indicator; custom properties should start with x_/)] });
    fails(indicator({ Score: 7 }), /"Score" is not a valid property name/);
    fails(indicator({ ab: 7 }), /"ab" is not a valid property name/);
    fails(indicator({ 'x-acme': 7 }), /"x-acme" is not a valid property name/);
    fails(indicator({ x_acme_blob_hex: 'abc' }), /x_acme_blob_hex must be hexadecimal/);
    fails(indicator({ x_acme_blob_bin: '!!' }), /x_acme_blob_bin must be base64/);
    ok(indicator({ x_acme_blob_hex: 'ab01', x_acme_blob_bin: 'aGk=' }));
  });

  it('checks extensions: extension-definition ids with an extension_type, predefined -ext names only on observables', () => {
    ok(indicator({ extensions: { [extId]: { extension_type: 'property-extension', rank: 3 } } }));
    fails(indicator({ extensions: { 'extension-definition--1234': { extension_type: 'property-extension' } } }), /is not a valid extension-definition id/);
    fails(indicator({ extensions: { [extId]: { rank: 3 } } }), /extension_type must be one of/);
    fails(indicator({ extensions: { [extId]: { extension_type: 'new-thing' } } }), /extension_type must be one of/);
    fails(indicator({ extensions: { 'acme-ext': { rank: 3 } } }), /must be an extension-definition id$/);
    fails(indicator({ extensions: {} }), /extensions must be a non-empty dictionary/);
    fails(indicator({ extensions: { [extId]: { extension_type: 'property-extension', Rank: 3 } } }), /"Rank" is not a valid property name/);
    fails(indicator({ extensions: { [extId]: { extension_type: 'property-extension', owner_ref: 'x' } } }), /owner_ref must be a STIX id/);
    const file = { type: 'file', spec_version: '2.1', id: 'file--1f5cf977-21f8-538a-a41a-a67001af3295', name: 'a.exe', extensions: { 'ntfs-ext': { sid: 'S-1-5' } } };
    expect(validateStixObject(file).ok).toBe(true);
  });

  it('accepts custom object types with the common checks only', () => {
    const tactic = { type: 'x-mitre-tactic', spec_version: '2.1', id: 'x-mitre-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2024-01-02T03:04:05.000Z', modified: '2024-01-02T03:04:05.000Z', name: 'Anything', x_mitre_shortname: 'a' };
    expect(validateStixObject(tactic)).toEqual({ ok: true, object: tactic, warnings: [] });
    fails({ ...tactic, modified: '2024-01-01T00:00:00.000Z' }, /modified must not be earlier than created/);
    fails({ ...tactic, id: 'x-mitre-tactic--nope' }, /^id must be/);
    fails({ ...tactic, labels: [] }, /labels must not be an empty list/);
    // A custom observable (no created/modified) needs no timestamps.
    expect(validateStixObject({ type: 'x-acme-token', id: 'x-acme-token--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f', value: 't' }).ok).toBe(true);
    // A type neither in the spec nor x- prefixed: accepted, with a warning, unless an extension defines it.
    expect(validateStixObject({ ...tactic, type: 'acme-tactic', id: 'acme-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }).warnings).toEqual([expect.stringMatching(/not a STIX 2.1 type/)]);
    const defined = { ...tactic, type: 'acme-tactic', id: 'acme-tactic--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', extensions: { [extId]: { extension_type: 'new-sdo' } } };
    expect(validateStixObject(defined)).toMatchObject({ ok: true, warnings: [] });
  });

  it('caps the number of messages', () => {
    const refs = Array.from({ length: 500 }, () => 'nope');
    const r = validateStixObject(indicator({ object_marking_refs: refs }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(51);
      expect(r.errors.at(-1)).toBe('… and 450 more');
    }
  });
});

describe('validateStixObject on hostile input', () => {
  it.each([[null], [[]], [[indicator()]], ['indicator'], [42], [true], [undefined]])('refuses %j without throwing', (input) => {
    const r = validateStixObject(input);
    expect(r).toMatchObject({ ok: false, id: null, errors: [expect.stringMatching(/^a STIX object must be a JSON object/)] });
  });

  it('refuses non-JSON values: class instances, NaN, functions, objects with a prototype', () => {
    fails(indicator({ x_when: new Date() }), /x_when is not a plain JSON object/);
    fails(indicator({ x_score: Number.NaN }), /x_score must be a finite number/);
    fails(indicator({ x_score: Infinity }), /x_score must be a finite number/);
    fails(indicator({ x_fn: () => 1 }), /x_fn is not a JSON value/);
    expect(validateStixObject(Object.create(indicator())).ok).toBe(false);
    expect(validateStixObject(new Map(Object.entries(indicator()))).ok).toBe(false);
  });

  it('treats a property whose value is undefined as absent, but not an undefined list element', () => {
    ok(indicator({ description: undefined, x_acme: { note: undefined } }));
    fails(indicator({ pattern: undefined }), /^pattern is required$/);
    fails(indicator({ labels: ['a', undefined] }), /labels\[1\] is not a JSON value/);
  });

  it('survives 10,000 levels of nesting and reports the depth', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = i % 2 ? { x_next: deep } : [deep];
    const r = validateStixObject(indicator({ x_deep: deep }));
    expect(r).toMatchObject({ ok: false, id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', errors: [expect.stringMatching(/nested more than 64 levels/)] });
    // The same from JSON text, as the TAXII endpoint would see it.
    const text = `{"type":"indicator","x_deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(validateStixObject(JSON.parse(text)).ok).toBe(false);
    // 64 is allowed: the object is level 1.
    let ok63: unknown = 1;
    for (let i = 0; i < 62; i++) ok63 = [ok63];
    expect(validateStixObject(indicator({ x_deep: ok63 })).ok).toBe(true);
  });

  it('bounds the number of values', () => {
    const many = Array.from({ length: 200_000 }, () => 1);
    expect(validateStixObject(indicator({ x_many: many }))).toMatchObject({ ok: false, errors: [expect.stringMatching(/more than 100000 values/)] });
    expect(validateStixObject(indicator({ x_many: many.slice(0, 10) }), { maxValues: 10 }).ok).toBe(false);
  });

  it('handles huge strings, and never echoes them whole', () => {
    const huge = 'a'.repeat(10_000_000);
    expect(validateStixObject(indicator({ description: huge })).ok).toBe(true);
    const r = validateStixObject(indicator({ created_by_ref: huge, valid_from: huge, [`x_${'k'.repeat(300)}`]: 1 }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.length).toBeGreaterThanOrEqual(3);
      for (const e of r.errors) expect(e.length).toBeLessThan(400);
    }
  });

  it('refuses __proto__ keys and does not pollute Object.prototype', () => {
    const parsed = JSON.parse(`{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","__proto__":{"polluted":1,"type":"report"},"x_acme":{"__proto__":{"admin":true}}}`) as Record<string, unknown>;
    const r = validateStixObject(parsed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual(expect.arrayContaining(['__proto__: __proto__ is not allowed as a property name', 'x_acme.__proto__: __proto__ is not allowed as a property name']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('reads only own properties: inherited names such as constructor are not properties', () => {
    // Tables are Maps: a type named after an Object.prototype member is just an unknown type.
    const ctor = validateStixObject(indicator({ type: 'constructor', id: 'constructor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }));
    expect(ctor).toMatchObject({ ok: true, warnings: [expect.stringMatching(/^constructor is not a STIX 2.1 type/)] });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, indicator());
    expect(validateStixObject(bare).ok).toBe(true);
    const tostring = { ...ipv4, type: 'tostring', id: 'tostring--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f' };
    expect(validateStixObject(tostring).ok).toBe(true);
  });
});

describe('validateBundle', () => {
  const bundle = (objects: unknown, over: Record<string, unknown> = {}) => ({ type: 'bundle', id: 'bundle--1b8f9a71-3b7a-4f32-bd1e-5d6a5ad4a1c2', objects, ...over });

  it('validates each object on its own; one bad object does not hide the others', () => {
    const r = validateBundle(bundle([indicator(), ipv4, { type: 'indicator' }]));
    expect(r).toMatchObject({ ok: false, kind: 'bundle', id: 'bundle--1b8f9a71-3b7a-4f32-bd1e-5d6a5ad4a1c2', errors: [] });
    expect(r.results.map((x) => x.ok)).toEqual([true, true, false]);
    expect(validateBundle(bundle([indicator(), ipv4])).ok).toBe(true);
  });

  it('reads a TAXII envelope and a bundle that lacks its type', () => {
    expect(validateBundle({ more: false, objects: [indicator()] })).toMatchObject({ ok: true, kind: 'envelope', id: null });
    expect(validateBundle({ id: 'bundle--1b8f9a71-3b7a-4f32-bd1e-5d6a5ad4a1c2', objects: [indicator()] })).toMatchObject({ ok: true, kind: 'bundle', warnings: [expect.stringMatching(/no "type": "bundle"/)] });
  });

  it('checks the container', () => {
    expect(validateBundle(bundle([indicator()], { id: 'bundle--nope' })).errors).toEqual([expect.stringMatching(/^id must be "bundle--"/)]);
    expect(validateBundle(bundle([])).errors).toEqual([expect.stringMatching(/objects must not be an empty list/)]);
    expect(validateBundle(bundle({ a: 1 })).errors).toEqual(['objects must be a list']);
    expect(validateBundle(bundle([indicator()], { type: 'report' })).errors).toEqual([expect.stringMatching(/^type must be "bundle"/)]);
    expect(validateBundle([indicator()])).toMatchObject({ ok: false, errors: [expect.stringMatching(/must be a JSON object/)] });
    expect(validateBundle(bundle([indicator()], { spec_version: '2.0' })).warnings).toEqual([expect.stringMatching(/no spec_version/)]);
  });

  it('flags a second object with the same id and version: identical copies warned, different ones refused', () => {
    const same = validateBundle(bundle([indicator(), indicator()]));
    expect(same.ok).toBe(true);
    expect(same.results[1]!.warnings).toEqual([expect.stringMatching(/objects\[1\] repeats objects\[0\] \(same id and version\); the copy is identical/)]);
    const reordered = validateBundle(bundle([indicator(), Object.fromEntries(Object.entries(indicator()).reverse())]));
    expect(reordered.ok).toBe(true);
    const different = validateBundle(bundle([indicator(), indicator({ name: 'Changed without a new modified' })]));
    expect(different.ok).toBe(false);
    expect(different.results[1]).toMatchObject({ ok: false, errors: [expect.stringMatching(/with different content/)] });
    // A new version is not a duplicate.
    expect(validateBundle(bundle([indicator(), indicator({ modified: '2024-02-01T00:00:00.000Z', name: 'v2' })])).ok).toBe(true);
  });
});

describe('versionOf, isSco, isSro', () => {
  it('gives modified, else created, else null', () => {
    expect(versionOf(indicator({ modified: '2024-05-05T00:00:00.000Z' }))).toBe('2024-05-05T00:00:00.000Z');
    expect(versionOf({ type: 'marking-definition', created: '2022-10-01T00:00:00.000Z' })).toBe('2022-10-01T00:00:00.000Z');
    expect(versionOf(ipv4)).toBeNull();
    expect(versionOf(Object.create({ modified: 'inherited' }) as Record<string, unknown>)).toBeNull();
  });

  it('classifies types', () => {
    expect(['ipv4-addr', 'file', 'network-traffic', 'x509-certificate'].every(isSco)).toBe(true);
    expect(['indicator', 'relationship', 'x-acme-thing', 'constructor'].some(isSco)).toBe(false);
    expect(isSro('relationship') && isSro('sighting')).toBe(true);
    expect(isSro('report') || isSro('toString')).toBe(false);
  });
});
