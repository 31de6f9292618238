import { describe, expect, it } from 'vitest';
import { haveSchemas, schemaErrors, warnIfNoSchemas } from '../test/stix-schemas.js';
import {
  buildAutonomousSystem,
  buildDomainName,
  buildEmailAddr,
  buildEmailMessage,
  buildFile,
  buildIndicator,
  buildIpv4Addr,
  buildIpv6Addr,
  buildMacAddr,
  buildNetworkTraffic,
  buildNote,
  buildObservedData,
  buildOpinion,
  buildRelationship,
  buildSighting,
  buildUrl,
} from './builders.js';
import { InvalidStixInputError } from './errors.js';
import { markingIdFor } from './tlp.js';
import { validatePattern } from './pattern/index.js';
import { validateStixObject } from './validate.js';
import { indicatorTypeOv } from './vocab.js';

// ---- the official STIX 2.1 JSON schemas (src/test/stix-schemas.ts)
warnIfNoSchemas('the JSON-schema checks of the STIX builders');

// ---- fixtures: one of everything, with the optional properties set
const producer = 'identity--5d2b3c1e-2f4a-4b7c-9d8e-1a2b3c4d5e6f';
const common = { createdBy: producer, markings: [markingIdFor('amber')], created: '2026-03-02T09:00:00Z', modified: new Date('2026-03-02T10:00:00Z'), labels: ['phishing'], confidence: 80 };
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function everything() {
  const ip = buildIpv4Addr('198.51.100.3');
  const range = buildIpv4Addr('198.51.100.7/24');
  const ip6 = buildIpv6Addr('2001:DB8:0:0::1');
  const domain = buildDomainName('Example.COM.');
  const url = buildUrl('HTTP://Evil.example/login?user=a');
  const from = buildEmailAddr('Bad@Evil.example', { displayName: 'Payroll' });
  const to = buildEmailAddr('clerk@city.example');
  const message = buildEmailMessage({ fromRef: from.id, toRefs: [to.id], subject: 'Your salary', body: 'Click', date: '2026-03-01T08:30:00+01:00', additionalHeaderFields: { 'Reply-To': 'x@evil.example' } });
  const multipart = buildEmailMessage({ isMultipart: true, fromRef: from.id, subject: 'Invoice', bodyMultipart: [{ content_type: 'text/plain', body: 'see attachment' }] });
  const file = buildFile({ hashes: { 'SHA-256': sha256.toUpperCase(), MD5: 'd41d8cd98f00b204e9800998ecf8427e' }, name: 'invoice.pdf.exe', size: 0, mimeType: 'application/x-dosexec' });
  const asn = buildAutonomousSystem(64500, { name: 'Example AS', rir: 'RIPE' });
  const mac = buildMacAddr('00-1A-2B-3C-4D-5E');
  const traffic = buildNetworkTraffic({ protocols: ['IPv4', 'TCP', 'HTTP'], srcRef: ip.id, dstRef: domain.id, srcPort: 49152, dstPort: 443, start: '2026-03-01T08:00:00Z', end: '2026-03-01T08:01:00Z' });
  const indicator = buildIndicator({ ...common, observables: [{ type: 'url', value: url.value }, { type: 'ipv4', value: '198.51.100.3' }, { type: 'sha256', value: sha256 }], validUntil: '2026-06-01T00:00:00Z' });
  const single = buildIndicator({ observables: [{ type: 'domain', value: 'evil.example' }], indicatorTypes: ['anomalous-activity', 'compromised'] });
  const observed = buildObservedData({ ...common, objectRefs: [ip.id, traffic.id, domain.id], firstObserved: '2026-03-01T08:00:00Z', lastObserved: '2026-03-01T09:00:00Z', numberObserved: 3 });
  const sighting = buildSighting({ ...common, sightingOfRef: indicator.id, observedDataRefs: [observed.id], whereSightedRefs: [producer], count: 3, firstSeen: '2026-03-01T08:00:00Z', lastSeen: '2026-03-01T09:00:00Z', summary: false, description: 'Seen at the mail gateway' });
  const relationship = buildRelationship({ ...common, relationshipType: 'indicates', sourceRef: indicator.id, targetRef: 'malware--6b616fc1-1505-48e3-8b2c-0d19337bff38', startTime: '2026-03-01T00:00:00Z', stopTime: '2026-04-01T00:00:00Z', description: 'The URL serves the loader' });
  const note = buildNote({ ...common, content: 'Blocked at the proxy.', abstract: 'Blocked', authors: ['SOC'], objectRefs: [indicator.id, indicator.id] });
  const opinion = buildOpinion({ ...common, opinion: 'strongly-agree', explanation: 'Same lure here.', objectRefs: [indicator.id] });
  return { ip, range, ip6, domain, url, from, to, message, multipart, file, asn, mac, traffic, indicator, single, observed, sighting, relationship, note, opinion };
}

const allObjects = () => Object.values(everything()) as Array<Record<string, unknown>>;

// ---- tests
describe.skipIf(!haveSchemas)('builders against the official STIX 2.1 JSON schemas', () => {
  it('the schemas are strict enough to fail (controls)', () => {
    const { indicator, ip, sighting } = everything();
    expect(schemaErrors({ ...indicator, labels: [] })).not.toEqual([]);
    expect(schemaErrors({ ...ip, value: 'nope' })).not.toEqual([]);
    expect(schemaErrors({ ...sighting, count: 1_000_000_000 })).not.toEqual([]);
    expect(schemaErrors({ ...indicator, created: '2026-03-02T09:00:00Z' })).not.toEqual([]);
  });

  it('every built object validates against its schema', () => {
    expect(allObjects().flatMap(schemaErrors)).toEqual([]);
  });
});

describe('builders produce objects the validator accepts without warnings', () => {
  it.each(Object.entries(everything()))('%s', (_name, object) => {
    expect(validateStixObject(object)).toEqual({ ok: true, object, warnings: [] });
  });

  it('write every timestamp with milliseconds, in UTC', () => {
    for (const o of allObjects()) {
      for (const [k, v] of Object.entries(o)) {
        if (/^(created|modified|valid_from|valid_until|first_seen|last_seen|first_observed|last_observed|start_time|stop_time|start|end|date)$/.test(k)) {
          expect(v, k).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        }
      }
    }
    expect(everything().message.date).toBe('2026-03-01T07:30:00.000Z');
  });

  it('give domain objects new UUIDv4 ids, and keep an id they are given', () => {
    const { note, indicator } = everything();
    expect(note.id).toMatch(/^note--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = buildNote({ id: note.id, content: 'v2', objectRefs: [indicator.id], created: note.created, modified: '2026-05-01T00:00:00Z' });
    expect(again).toMatchObject({ id: note.id, created: note.created, modified: '2026-05-01T00:00:00.000Z' });
    expect(() => buildNote({ id: indicator.id, content: 'x', objectRefs: [indicator.id] })).toThrow(InvalidStixInputError);
  });
});

describe('cyber-observable builders: normalised values, deterministic ids', () => {
  it('match the STIX 2.1 test vectors', () => {
    expect(buildIpv4Addr('198.51.100.3').id).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    expect(buildDomainName('Example.COM.').id).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
  });

  it('normalise values, so one observable has one id however it was written', () => {
    const o = everything();
    expect(o.range.value).toBe('198.51.100.0/24');
    expect(o.ip6.value).toBe('2001:db8::1');
    expect(o.url.value).toBe('http://evil.example/login?user=a');
    expect(o.from).toMatchObject({ value: 'bad@evil.example', display_name: 'Payroll' });
    expect(o.mac.value).toBe('00:1a:2b:3c:4d:5e');
    expect(buildMacAddr('001a.2b3c.4d5e').id).toBe(o.mac.id);
    expect(o.file.hashes).toEqual({ 'SHA-256': sha256, MD5: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(o.traffic.protocols).toEqual(['ipv4', 'tcp', 'http']);
    expect(buildEmailAddr('bad@evil.example').id).toBe(o.from.id); // display_name does not contribute
  });

  it('compute ids from the contributing properties only (values cross-checked with Python uuid5)', () => {
    expect(buildEmailAddr('john@example.com').id).toBe('email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934');
    expect(buildAutonomousSystem(64500, { name: 'changes nothing' }).id).toBe('autonomous-system--0a5f7072-df00-5729-9f0a-4eb18631a446');
    expect(buildMacAddr('aa:bb:cc:dd:ee:0f').id).toBe('mac-addr--3bf6d5b0-7348-53fc-9a26-7164bd21ca9f');
    expect(buildUrl('http://evil.example/x').id).toBe('url--ed0e5172-090c-522b-81f3-305844d81e08');
    // file: MD5 is preferred over SHA-256; size and mime type do not contribute.
    expect(buildFile({ hashes: { MD5: 'd41d8cd98f00b204e9800998ecf8427e', 'SHA-256': sha256 }, name: 'a.exe', size: 9 }).id).toBe('file--7e567502-8994-53ff-9c69-79240cae362d');
    expect(buildFile({ hashes: { 'SHA-256': sha256 } }).id).toBe('file--22f8ff52-8f62-5f03-a53a-6f50f54fd74c');
    expect(buildFile({ name: 'qwerty.dll', parentDirectoryRef: 'directory--93c0a9b0-520d-545d-9094-1a08ddf46b05' }).id).toBe('file--1f5cf977-21f8-538a-a41a-a67001af3295');
    // email-message: from_ref, subject, body; the date and recipients do not contribute.
    const fromRef = 'email-addr--9b7e29b3-fd8d-562e-b3f0-8fc8134f5dda';
    expect(buildEmailMessage({ fromRef, subject: 'Did you see this?', body: 'message body', date: new Date() }).id).toBe('email-message--9873d7bd-d86f-537f-9bae-32de4baebbe4');
    expect(buildEmailMessage({ subject: 'Invoice', toRefs: ['email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934'] }).id).toBe('email-message--8f656aac-09e0-587a-ba9f-662edac87054');
    // network-traffic: start, end, refs, ports, protocols, extensions.
    const src = 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4';
    expect(buildNetworkTraffic({ protocols: ['ipv4', 'tcp'], srcRef: src, dstPort: 443 }).id).toBe('network-traffic--21fb682d-8acd-5691-b4d4-101141ec8c81');
  });

  it('fall back to a UUIDv4 when no contributing property is present', () => {
    const a = buildEmailMessage({ toRefs: ['email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934'] });
    expect(a.id).toMatch(/^email-message--[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });

  it.each([
    ['an IPv6 address as IPv4', () => buildIpv4Addr('2001:db8::1')],
    ['an invalid IPv4 address', () => buildIpv4Addr('300.1.2.3')],
    ['an IPv4 address as IPv6', () => buildIpv6Addr('198.51.100.3')],
    ['a domain with a path', () => buildDomainName('evil.example/x')],
    ['a URL without a scheme', () => buildUrl('evil.example/x')],
    ['an email address without a domain', () => buildEmailAddr('bad@')],
    ['a short MAC address', () => buildMacAddr('aa:bb:cc')],
    ['a mixed-separator MAC address', () => buildMacAddr('aa:bb-cc:dd:ee:ff')],
    ['a negative AS number', () => buildAutonomousSystem(-1)],
    ['a file without hashes or name', () => buildFile({})],
    ['a hash key outside the vocabulary', () => buildFile({ hashes: { sha256 } })],
    ['a short hash', () => buildFile({ hashes: { MD5: 'abc' } })],
    ['a parent directory of the wrong type', () => buildFile({ name: 'a', parentDirectoryRef: 'file--1f5cf977-21f8-538a-a41a-a67001af3295' })],
    ['a multipart message with body', () => buildEmailMessage({ isMultipart: true, body: 'x' })],
    ['a from_ref that is not an email address', () => buildEmailMessage({ fromRef: 'identity--5d2b3c1e-2f4a-4b7c-9d8e-1a2b3c4d5e6f' })],
    ['traffic without endpoints', () => buildNetworkTraffic({ protocols: ['tcp'] })],
    ['traffic without protocols', () => buildNetworkTraffic({ protocols: [' '], srcRef: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4' })],
    ['a port out of range', () => buildNetworkTraffic({ protocols: ['tcp'], srcRef: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', dstPort: 70000 })],
    ['traffic ending before it starts', () => buildNetworkTraffic({ protocols: ['tcp'], srcRef: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' })],
    ['a bad extension key', () => buildFile({ name: 'a', extensions: { 'not an extension': { a: 1 } } })],
  ])('refuse %s', (_why, build) => {
    expect(build).toThrow(InvalidStixInputError);
  });
});

describe('buildIndicator', () => {
  it('writes a validated pattern, a name, a description and vocabulary types', () => {
    const { indicator, single } = everything();
    expect(validatePattern(indicator.pattern)).toBeNull();
    expect(indicator.pattern).toContain("[url:value = 'http://evil.example/login?user=a']");
    expect(indicator.pattern).toContain("[ipv4-addr:value = '198.51.100.3']");
    expect(indicator).toMatchObject({ pattern_type: 'stix', pattern_version: '2.1', valid_from: '2026-03-02T09:00:00.000Z', valid_until: '2026-06-01T00:00:00.000Z', indicator_types: ['malicious-activity'] });
    expect(indicator.name).toBe('URL hxxp://evil[.]example/login?user=a and 2 more');
    expect(indicator.description).toContain('IP address 198[.]51[.]100[.]3');
    expect(single).toMatchObject({ name: 'domain evil[.]example', pattern: "[domain-name:value = 'evil.example']", indicator_types: ['anomalous-activity', 'compromised'] });
    for (const t of single.indicator_types!) expect(indicatorTypeOv).toContain(t);
  });

  it('keeps a name and description it is given', () => {
    const i = buildIndicator({ observables: [{ type: 'ipv4', value: '203.0.113.7' }], name: 'C2 server', description: 'Beacons every 60 s.' });
    expect(i).toMatchObject({ name: 'C2 server', description: 'Beacons every 60 s.' });
  });

  it.each([
    ['no observables', { observables: [] }],
    ['a CVE', { observables: [{ type: 'cve' as const, value: 'CVE-2024-3400' }] }],
    ['an invalid value', { observables: [{ type: 'ipv4' as const, value: '1.2.3' }] }],
    ['valid_until not after valid_from', { validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }],
    ['a type outside indicator-type-ov', { indicatorTypes: ['evil' as never] }],
    ['modified before created', { created: '2026-01-02T00:00:00Z', modified: '2026-01-01T00:00:00Z' }],
    ['a zone-less time', { created: '2026-01-02T00:00:00' }],
    ['confidence 101', { confidence: 101 }],
    ['a creator that is not an identity', { createdBy: 'report--6f1c2c8e-0000-4000-8000-000000000000' }],
    ['a marking that is not a marking definition', { markings: ['identity--5d2b3c1e-2f4a-4b7c-9d8e-1a2b3c4d5e6f'] }],
    ['an external reference with only a source', { externalReferences: [{ source_name: 'acme' }] }],
  ])('refuses %s', (_why, over) => {
    expect(() => buildIndicator({ observables: [{ type: 'ipv4', value: '203.0.113.7' }], ...over })).toThrow(InvalidStixInputError);
  });
});

describe('relationship, sighting, note, opinion and observed-data builders', () => {
  const ind = 'indicator--6f1c2c8e-1a2b-4c3d-8e4f-0a1b2c3d4e5f';
  const ip = 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4';

  it('leave out what is not given: no empty lists, no undefined', () => {
    const note = buildNote({ content: ' Blocked. ', objectRefs: [ind], labels: [' ', ''], authors: [] });
    expect(Object.keys(note).sort()).toEqual(['content', 'created', 'id', 'modified', 'object_refs', 'spec_version', 'type']);
    expect(note.content).toBe('Blocked.');
  });

  it.each([
    ['a relationship type with capitals', () => buildRelationship({ relationshipType: 'Indicates', sourceRef: ind, targetRef: ip })],
    ['a relationship to a relationship', () => buildRelationship({ relationshipType: 'related-to', sourceRef: ind, targetRef: 'relationship--6f1c2c8e-1a2b-4c3d-8e4f-0a1b2c3d4e5f' })],
    ['a relationship from a marking', () => buildRelationship({ relationshipType: 'related-to', sourceRef: markingIdFor('red'), targetRef: ind })],
    ['stop_time before start_time', () => buildRelationship({ relationshipType: 'uses', sourceRef: ind, targetRef: ip, startTime: '2026-01-02T00:00:00Z', stopTime: '2026-01-01T00:00:00Z' })],
    ['a sighting of an observable', () => buildSighting({ sightingOfRef: ip })],
    ['a sighting seen by an indicator', () => buildSighting({ sightingOfRef: ind, whereSightedRefs: [ind] })],
    ['a sighting count too large', () => buildSighting({ sightingOfRef: ind, count: 1_000_000_000 })],
    ['a sighting that ends before it starts', () => buildSighting({ sightingOfRef: ind, firstSeen: '2026-01-02T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z' })],
    ['a note without content', () => buildNote({ content: '  ', objectRefs: [ind] })],
    ['a note about nothing', () => buildNote({ content: 'x', objectRefs: [] })],
    ['a note with a bad ref', () => buildNote({ content: 'x', objectRefs: ['nope'] })],
    ['an opinion outside the enum', () => buildOpinion({ opinion: 'meh' as never, objectRefs: [ind] })],
    ['observed-data of an indicator', () => buildObservedData({ objectRefs: [ind], firstObserved: '2026-01-01T00:00:00Z' })],
    ['observed-data ending before it starts', () => buildObservedData({ objectRefs: [ip], firstObserved: '2026-01-02T00:00:00Z', lastObserved: '2026-01-01T00:00:00Z' })],
    ['observed-data counted zero times', () => buildObservedData({ objectRefs: [ip], firstObserved: '2026-01-01T00:00:00Z', numberObserved: 0 })],
  ])('refuse %s', (_why, build) => {
    expect(build).toThrow(InvalidStixInputError);
  });
});
