import { describe, expect, it } from 'vitest';
import { haveSchemas, schemaErrors, warnIfNoSchemas } from '../test/stix-schemas.js';
import { InvalidStixInputError } from './errors.js';
import { isStixId } from './ids.js';
import type { IndicatorType } from './observables.js';
import { anonymousIdentityId, buildWarningBundle, tocsinIdentity, warningExtensionDefinition, warningExtensionId, type WarningBundleInput } from './report.js';
import { markingDefinitionFor, markingIdFor, tlpLevels } from './tlp.js';
import type { StixBundle, StixIndicator, StixObject, StixReport } from './types.js';
import { indicatorTypeOv, reportTypeOv, warningKinds } from './vocab.js';

// ---- the official STIX 2.1 JSON schemas (src/test/stix-schemas.ts)
warnIfNoSchemas('the STIX 2.1 JSON-schema validation tests');

// ---- fixtures
const producer = { identityId: 'identity--5d2b3c1e-2f4a-4b7c-9d8e-1a2b3c4d5e6f', name: 'City of Springfield' };
const md5 = 'D41D8CD98F00B204E9800998ECF8427E';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const everyType: Array<{ type: IndicatorType; value: string }> = [
  { type: 'url', value: 'http://Evil.example/login?user=a' },
  { type: 'url', value: "http://evil.example/it's\\here" },
  { type: 'ipv4', value: '203.0.113.7' },
  { type: 'ipv6', value: '2001:DB8::1' },
  { type: 'cidr', value: '198.51.100.7/24' },
  { type: 'domain', value: 'Evil.example' },
  { type: 'email', value: 'Bad@Evil.example' },
  { type: 'md5', value: md5 },
  { type: 'sha1', value: sha1 },
  { type: 'sha256', value: sha256 },
  { type: 'cve', value: 'cve-2024-3400' },
];

function input(over: Partial<WarningBundleInput> = {}): WarningBundleInput {
  return {
    title: 'Payroll phishing wave',
    details: 'Mails asked staff to re-enter their Microsoft 365 password.',
    kind: 'phishing',
    severity: 'high',
    startedAt: '2026-03-01T08:30:00Z',
    affectedServices: ['email', ' payroll ', 'email'],
    tlp: 'amber',
    indicators: everyType,
    producer,
    created: new Date('2026-03-02T09:00:00Z'),
    modified: new Date('2026-03-02T09:00:00Z'),
    ...over,
  };
}

const ofType = <T extends StixObject['type']>(bundle: StixBundle, type: T) => bundle.objects.filter((o) => o.type === type) as Array<Extract<StixObject, { type: T }>>;
const reportOf = (bundle: StixBundle): StixReport => ofType(bundle, 'report')[0]!;

function* walk(value: unknown, at = ''): Generator<[string, unknown]> {
  yield [at, value];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* walk(v, `${at}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* walk(v, `${at}.${k}`);
}

// ---- tests
describe.skipIf(!haveSchemas)('buildWarningBundle against the official STIX 2.1 JSON schemas', () => {
  it('the validator is strict enough to fail (controls)', () => {
    const good = buildWarningBundle(input());
    const indicator = structuredClone(ofType(good, 'indicator')[0]!) as Partial<StixIndicator>;
    delete indicator.pattern;
    expect(schemaErrors(indicator as StixIndicator)).not.toEqual([]);
    expect(schemaErrors({ ...reportOf(good), labels: [] })).not.toEqual([]);
    expect(schemaErrors({ ...reportOf(good), created: '2026-03-02T09:00:00Z' })).not.toEqual([]);
    expect(schemaErrors({ ...reportOf(good), x_tocsin_kind: 'phishing' } as StixReport)).toEqual([]); // custom properties are allowed by the schema…
    expect(schemaErrors({ ...reportOf(good), Kind: 'phishing' } as StixReport)).not.toEqual([]); // …but not any name
  });

  it('every object validates, for every TLP, kind, and named or anonymous producer', () => {
    const errors: string[] = [];
    for (const tlp of tlpLevels) {
      for (const kind of warningKinds) {
        for (const anonymous of [false, true]) {
          const bundle = buildWarningBundle(input({ tlp, kind, producer: anonymous ? { name: 'A member city in Region 3', anonymous: true } : producer }));
          for (const o of bundle.objects) errors.push(...schemaErrors(o));
        }
      }
    }
    expect(errors).toEqual([]);
  });

  it('a warning without indicators or services validates too', () => {
    const bundle = buildWarningBundle(input({ indicators: [], affectedServices: [], details: '' }));
    expect(bundle.objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('the bundle validates against bundle.json', () => {
    // bundle.json lists the types it knows; anything else must match exactly one of core and
    // cyber-observable-core, which an SDO-shaped object such as an extension-definition never
    // does (it matches both). So the extension definition is checked by its own schema (above)
    // and left out here.
    const bundle = buildWarningBundle(input());
    const listed = { ...bundle, objects: bundle.objects.filter((o) => o.type !== 'extension-definition') };
    expect(schemaErrors(listed)).toEqual([]);
    expect(schemaErrors(warningExtensionDefinition)).toEqual([]);
  });
});

describe('buildWarningBundle', () => {
  it('holds the marking, Tocsin and its extension, the producer, vulnerabilities, indicators and the report', () => {
    const bundle = buildWarningBundle(input());
    expect(bundle.type).toBe('bundle');
    expect(isStixId(bundle.id, 'bundle')).toBe(true);
    expect(bundle.objects.map((o) => o.type)).toEqual([
      'marking-definition',
      'identity',
      'extension-definition',
      'identity',
      'vulnerability',
      ...Array<string>(10).fill('indicator'),
      'report',
    ]);
    expect(bundle.objects[0]).toEqual(markingDefinitionFor('amber'));
    expect(bundle.objects[1]).toEqual(tocsinIdentity);
    expect(bundle.objects[3]).toEqual({
      type: 'identity',
      spec_version: '2.1',
      id: producer.identityId,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-03-02T09:00:00.000Z',
      name: 'City of Springfield',
      identity_class: 'organization',
    });
    expect(new Set(bundle.objects.map((o) => o.id)).size).toBe(bundle.objects.length);
  });

  it('makes one indicator per observable with a name, a description and a correct pattern', () => {
    const indicators = ofType(buildWarningBundle(input()), 'indicator');
    expect(indicators.map((i) => i.pattern)).toEqual([
      "[url:value = 'http://evil.example/login?user=a']",
      "[url:value = 'http://evil.example/it\\'s\\\\here']",
      "[ipv4-addr:value = '203.0.113.7']",
      "[ipv6-addr:value = '2001:db8::1']",
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
      "[domain-name:value = 'evil.example']",
      "[email-addr:value = 'bad@evil.example']",
      `[file:hashes.MD5 = '${md5.toLowerCase()}']`,
      `[file:hashes.'SHA-1' = '${sha1}']`,
      `[file:hashes.'SHA-256' = '${sha256}']`,
    ]);
    for (const i of indicators) {
      expect(i.name).toMatch(/^Phishing .+ reported by a member$/);
      expect(i.description).toContain('"Payroll phishing wave"');
      expect(i.indicator_types).toEqual(['malicious-activity']);
      expect(i.indicator_types!.every((t) => (indicatorTypeOv as readonly string[]).includes(t))).toBe(true);
      expect(i).toMatchObject({ pattern_type: 'stix', valid_from: '2026-03-01T08:30:00.000Z', created_by_ref: producer.identityId, object_marking_refs: [markingIdFor('amber')] });
      // Hash keys are only ever the spec's names.
      for (const m of i.pattern.matchAll(/file:hashes\.('[^']+'|\w+)/g)) expect(["MD5", "'SHA-1'", "'SHA-256'"]).toContain(m[1]);
    }
    expect(indicators[0]!.name).toBe('Phishing URL reported by a member');
    expect(indicators[0]!.description).toContain('hxxp://evil[.]example/login?user=a'); // defanged for people
  });

  it('turns a CVE into a vulnerability with a cve external reference', () => {
    const [vuln] = ofType(buildWarningBundle(input()), 'vulnerability');
    expect(vuln).toMatchObject({
      name: 'CVE-2024-3400',
      external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }],
      created_by_ref: producer.identityId,
      object_marking_refs: [markingIdFor('amber')],
    });
  });

  it('writes the report with refs, labels, types from the vocabulary and the Tocsin extension', () => {
    const bundle = buildWarningBundle(input());
    const report = reportOf(bundle);
    const refs = bundle.objects.filter((o) => o.type === 'indicator' || o.type === 'vulnerability').map((o) => o.id);
    expect(report).toMatchObject({
      name: 'Payroll phishing wave',
      description: 'Mails asked staff to re-enter their Microsoft 365 password.',
      published: '2026-03-02T09:00:00.000Z',
      labels: ['phishing'],
      report_types: ['threat-report', 'indicator', 'vulnerability'],
      object_marking_refs: [markingIdFor('amber')],
      created_by_ref: producer.identityId,
    });
    expect(report.object_refs).toEqual(expect.arrayContaining([...refs, producer.identityId]));
    expect(report.object_refs).toHaveLength(refs.length + 1);
    expect(report.extensions).toEqual({
      [warningExtensionId]: { extension_type: 'property-extension', kind: 'phishing', severity: 'high', affected_services: ['email', 'payroll'], started_at: '2026-03-01T08:30:00.000Z' },
    });
    // Custom data only inside the extension: every top-level property is a STIX one.
    const spec = ['type', 'spec_version', 'id', 'created', 'modified', 'created_by_ref', 'name', 'description', 'report_types', 'published', 'object_refs', 'labels', 'object_marking_refs', 'extensions'];
    expect(Object.keys(report).filter((k) => !spec.includes(k))).toEqual([]);
    expect(warningExtensionDefinition).toMatchObject({ extension_types: ['property-extension'], created_by_ref: tocsinIdentity.id });
  });

  it.each([
    ['ransomware', [{ type: 'sha256', value: sha256 }], ['threat-report', 'indicator', 'malware']],
    ['vulnerability-exploitation', [], ['threat-report', 'vulnerability']],
    ['ddos', [], ['threat-report']],
  ] as const)('report_types for %s', (kind, indicators, types) => {
    const report = reportOf(buildWarningBundle(input({ kind, indicators: [...indicators] })));
    expect(report.report_types).toEqual(types);
    expect(report.report_types!.every((t) => (reportTypeOv as readonly string[]).includes(t))).toBe(true);
  });

  it('never emits an empty array, and writes every timestamp in one shape', () => {
    for (const over of [{}, { indicators: [], affectedServices: [], details: '  ' }]) {
      const bundle = buildWarningBundle(input(over));
      for (const [at, value] of walk(bundle)) {
        if (Array.isArray(value)) expect(value.length, at).toBeGreaterThan(0);
        if (/\.(created|modified|valid_from|published|started_at)$/.test(at)) expect(value, at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      const report = reportOf(bundle);
      if (Object.keys(over).length) {
        expect(report.object_refs).toEqual([producer.identityId]);
        expect(report).not.toHaveProperty('description');
        expect(report.extensions![warningExtensionId]).not.toHaveProperty('affected_services');
      }
    }
  });

  it('keeps the report and indicator ids it is given, so an update is a new version of the same objects', () => {
    const first = buildWarningBundle(input());
    const ids = new Map<string, string>([
      ['url|http://evil.example/login?user=a', ofType(first, 'indicator')[0]!.id],
      ['cve|CVE-2024-3400', ofType(first, 'vulnerability')[0]!.id],
    ]);
    const second = buildWarningBundle(input({ reportId: reportOf(first).id, indicatorIds: ids, modified: new Date('2026-03-03T10:00:00Z'), severity: 'critical' }));
    expect(reportOf(second).id).toBe(reportOf(first).id);
    expect(ofType(second, 'indicator')[0]!.id).toBe(ofType(first, 'indicator')[0]!.id);
    expect(ofType(second, 'vulnerability')[0]!.id).toBe(ofType(first, 'vulnerability')[0]!.id);
    expect(ofType(second, 'indicator')[2]!.id).not.toBe(ofType(first, 'indicator')[2]!.id);
    expect(reportOf(second)).toMatchObject({ created: '2026-03-02T09:00:00.000Z', modified: '2026-03-03T10:00:00.000Z' });
  });

  it('lists an observable once however it was written', () => {
    const bundle = buildWarningBundle(input({ indicators: [{ type: 'domain', value: 'Evil.example' }, { type: 'domain', value: 'evil.example.' }, { type: 'cve', value: 'CVE-2024-3400' }, { type: 'cve', value: 'cve-2024-3400' }] }));
    expect(ofType(bundle, 'indicator')).toHaveLength(1);
    expect(ofType(bundle, 'vulnerability')).toHaveLength(1);
  });

  it('shares anonymously under a stable id derived from the public label, revealing nothing of the producer', () => {
    const label = 'A member city in Region 3';
    const anon = (over: Partial<WarningBundleInput> = {}) => buildWarningBundle(input({ producer: { ...producer, name: label, anonymous: true }, ...over }));
    const a = anon();
    const b = anon({ title: 'Another warning' });
    const identity = ofType(a, 'identity')[1]!;
    expect(identity).toEqual({ type: 'identity', spec_version: '2.1', id: anonymousIdentityId(label), created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: label, identity_class: 'organization' });
    expect(ofType(b, 'identity')[1]).toEqual(identity);
    expect(reportOf(a).created_by_ref).toBe(identity.id);
    const json = JSON.stringify(a);
    expect(json).not.toContain(producer.identityId);
    expect(json).not.toContain('Springfield');
    // The id depends on the label only: same label, same id; another label, another id.
    expect(anonymousIdentityId(`  ${label.replace(/ /g, '  ')} `)).toBe(identity.id);
    expect(anonymousIdentityId('A member county in Region 3')).not.toBe(identity.id);
    expect(isStixId(identity.id, 'identity')).toBe(true);
    // The warnings module signals anonymity with an empty identity id.
    expect(ofType(buildWarningBundle(input({ producer: { identityId: '', name: label } })), 'identity')[1]!.id).toBe(identity.id);
  });

  it('gives each object its own arrays, so changing one leaves the others alone', () => {
    const bundle = buildWarningBundle(input());
    const [first, second] = ofType(bundle, 'indicator');
    first!.object_marking_refs!.push('marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1');
    expect(second!.object_marking_refs).toEqual([markingIdFor('amber')]);
    expect(reportOf(bundle).object_marking_refs).toEqual([markingIdFor('amber')]);
  });

  it.each([
    ['an unknown kind', { kind: 'alien-invasion' as never }],
    ['an unknown severity', { severity: 'apocalyptic' as never }],
    ['an unknown TLP', { tlp: 'white' as never }],
    ['an empty title', { title: '   ' }],
    ['an invalid indicator', { indicators: [{ type: 'ipv4' as const, value: '300.1.2.3' }] }],
    ['an unknown indicator type', { indicators: [{ type: 'btc' as never, value: 'x' }] }],
    ['a report id of another type', { reportId: 'indicator--6f1c2c8e-0000-4000-8000-000000000000' }],
    ['an existing id of the wrong type', { indicatorIds: new Map([['ipv4|203.0.113.7', 'report--6f1c2c8e-0000-4000-8000-000000000000']]) }],
    ['a producer id that is not an identity', { producer: { identityId: 'org-42', name: 'Springfield' } }],
    ['a producer without a name', { producer: { identityId: producer.identityId, name: ' ' } }],
    ['modified before created', { modified: new Date('2026-03-01T00:00:00Z') }],
    ['a start time without a zone', { startedAt: '2026-03-01T08:30:00' }],
  ])('refuses %s', (_why, over) => {
    expect(() => buildWarningBundle(input(over))).toThrow(InvalidStixInputError);
  });
});
