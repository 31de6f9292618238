import { describe, expect, it } from 'vitest';
import { markingDefinitionFor, tlp1MarkingIds } from './tlp.js';
import { validateStixObject } from './validate.js';

// One minimal valid object per type, and the properties the spec requires of it.
const t = '2024-01-02T03:04:05.000Z';
const later = '2024-03-04T05:06:07.000Z';
const sdo = (type: string, uuid: string) => ({ type, spec_version: '2.1', id: `${type}--${uuid}`, created: t, modified: t });
const sco = (type: string, uuid: string) => ({ type, spec_version: '2.1', id: `${type}--${uuid}` });
const u4 = '6f1c2c8e-1a2b-4c3d-8e4f-0a1b2c3d4e5f';
const identityId = `identity--${u4}`;
const indicatorId = `indicator--${u4}`;
const ipId = 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4';
const emailAddrId = 'email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934';

const valid: Record<string, { object: Record<string, unknown>; required: string[] }> = {
  indicator: { object: { ...sdo('indicator', u4), name: 'n', description: 'd', pattern: "[url:value = 'http://a.example/']", pattern_type: 'stix', valid_from: t }, required: ['pattern', 'pattern_type', 'valid_from'] },
  report: { object: { ...sdo('report', u4), name: 'r', published: t, object_refs: [indicatorId] }, required: ['name', 'published', 'object_refs'] },
  identity: { object: { ...sdo('identity', u4), name: 'City', identity_class: 'organization' }, required: ['name'] },
  sighting: { object: { ...sdo('sighting', u4), sighting_of_ref: indicatorId, where_sighted_refs: [identityId], count: 2 }, required: ['sighting_of_ref'] },
  'observed-data': { object: { ...sdo('observed-data', u4), first_observed: t, last_observed: t, number_observed: 1, object_refs: [ipId] }, required: ['first_observed', 'last_observed', 'number_observed'] },
  relationship: { object: { ...sdo('relationship', u4), relationship_type: 'indicates', source_ref: indicatorId, target_ref: `malware--${u4}` }, required: ['relationship_type', 'source_ref', 'target_ref'] },
  note: { object: { ...sdo('note', u4), content: 'c', object_refs: [indicatorId] }, required: ['content', 'object_refs'] },
  opinion: { object: { ...sdo('opinion', u4), opinion: 'agree', object_refs: [indicatorId] }, required: ['opinion', 'object_refs'] },
  malware: { object: { ...sdo('malware', u4), name: 'Emotet', is_family: true, malware_types: ['trojan'] }, required: ['is_family'] },
  'attack-pattern': { object: { ...sdo('attack-pattern', u4), name: 'Spearphishing', kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }] }, required: ['name'] },
  vulnerability: { object: { ...sdo('vulnerability', u4), name: 'CVE-2024-3400', external_references: [{ source_name: 'cve', external_id: 'CVE-2024-3400' }] }, required: ['name'] },
  campaign: { object: { ...sdo('campaign', u4), name: 'Payroll wave', first_seen: t, last_seen: later }, required: ['name'] },
  'threat-actor': { object: { ...sdo('threat-actor', u4), name: 'TA1', threat_actor_types: ['crime-syndicate'] }, required: ['name'] },
  'intrusion-set': { object: { ...sdo('intrusion-set', u4), name: 'Set', aliases: ['S'] }, required: ['name'] },
  incident: { object: { ...sdo('incident', u4), name: 'Payroll outage' }, required: ['name'] },
  'course-of-action': { object: { ...sdo('course-of-action', u4), name: 'Block the domain' }, required: ['name'] },
  'marking-definition': { object: { ...sdo('marking-definition', u4), definition_type: 'statement', definition: { statement: 'Copyright City' } }, required: ['created'] },
  'extension-definition': {
    object: { ...sdo('extension-definition', u4), created_by_ref: identityId, name: 'e', schema: 'https://e.example/schema', version: '1.0.0', extension_types: ['property-extension'] },
    required: ['created_by_ref', 'name', 'schema', 'version', 'extension_types'],
  },
  location: { object: { ...sdo('location', u4), name: 'Vienna', country: 'at' }, required: [] },
  grouping: { object: { ...sdo('grouping', u4), context: 'suspicious-activity', object_refs: [indicatorId] }, required: ['context', 'object_refs'] },
  'malware-analysis': { object: { ...sdo('malware-analysis', u4), product: 'sandbox', result: 'malicious' }, required: ['product'] },
  'ipv4-addr': { object: { ...sco('ipv4-addr', '28bb3599-77cd-5a82-a950-b5bc3caf07c4'), value: '198.51.100.3' }, required: ['value'] },
  'ipv6-addr': { object: { ...sco('ipv6-addr', u4), value: '2001:db8::1' }, required: ['value'] },
  'domain-name': { object: { ...sco('domain-name', 'bedb4899-d24b-5401-bc86-8f6b4cc18ec7'), value: 'example.com' }, required: ['value'] },
  url: { object: { ...sco('url', u4), value: 'http://a.example/' }, required: ['value'] },
  'email-addr': { object: { ...sco('email-addr', '7165e2a9-671f-585d-b1e1-ca59c671d934'), value: 'john@example.com' }, required: ['value'] },
  'email-message': { object: { ...sco('email-message', u4), is_multipart: false, from_ref: emailAddrId, subject: 'Invoice', body: 'Pay' }, required: ['is_multipart'] },
  file: { object: { ...sco('file', u4), name: 'a.exe', hashes: { 'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }, required: [] },
  'autonomous-system': { object: { ...sco('autonomous-system', u4), number: 64500 }, required: ['number'] },
  'mac-addr': { object: { ...sco('mac-addr', u4), value: 'aa:bb:cc:dd:ee:0f' }, required: ['value'] },
  'network-traffic': { object: { ...sco('network-traffic', u4), src_ref: ipId, dst_port: 443, protocols: ['tcp'] }, required: ['protocols'] },
};

const errorsOf = (o: unknown) => {
  const r = validateStixObject(o);
  return r.ok ? [] : r.errors;
};
const withProps = (type: string, over: Record<string, unknown>) => ({ ...valid[type]!.object, ...over });
const drop = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const fails = (o: unknown, message: RegExp) => expect(errorsOf(o)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
const passes = (o: unknown) => expect(errorsOf(o)).toEqual([]);

describe('each type: a valid object passes, and each required property is required', () => {
  it.each(Object.keys(valid))('%s', (type) => {
    const { object, required } = valid[type]!;
    expect(validateStixObject(object)).toMatchObject({ ok: true });
    for (const key of required) expect(errorsOf(drop(object, key)), key).toEqual(expect.arrayContaining([`${key} is required`]));
  });

  it('checks the value kinds of defined properties', () => {
    fails(withProps('report', { name: 42 }), /^name must be a string/);
    fails(withProps('report', { object_refs: 'indicator' }), /^object_refs must be a non-empty list of STIX ids/);
    fails(withProps('malware', { is_family: 'yes' }), /^is_family must be true or false/);
    fails(withProps('autonomous-system', { number: '64500' }), /^number must be an integer/);
    fails(withProps('location', { latitude: 'north' }), /^latitude must be a number/);
    fails(withProps('indicator', { kill_chain_phases: [{ kill_chain_name: 'k' }] }), /phase_name is required/);
    fails(withProps('email-message', { additional_header_fields: {} }), /must be a non-empty dictionary/);
  });
});

describe('time order, compared as parsed instants', () => {
  it('indicator: valid_until must be later than valid_from', () => {
    passes(withProps('indicator', { valid_until: later }));
    fails(withProps('indicator', { valid_until: t }), /^valid_until must be later than valid_from$/);
    fails(withProps('indicator', { valid_until: '2023-12-31T00:00:00Z' }), /^valid_until must be later than valid_from$/);
  });

  it.each(['campaign', 'sighting', 'intrusion-set', 'threat-actor', 'malware'])('%s: last_seen must not be earlier than first_seen', (type) => {
    passes(withProps(type, { first_seen: t, last_seen: t }));
    // .5Z and .500Z are the same instant; as strings ".500Z" < ".5Z".
    passes(withProps(type, { first_seen: '2024-01-02T03:04:05.5Z', last_seen: '2024-01-02T03:04:05.500Z' }));
    fails(withProps(type, { first_seen: later, last_seen: t }), /^last_seen must not be earlier than first_seen$/);
  });

  it('observed-data: last_observed must not be earlier than first_observed', () => {
    passes(withProps('observed-data', { last_observed: later }));
    fails(withProps('observed-data', { first_observed: later }), /^last_observed must not be earlier than first_observed$/);
  });

  it('relationship: stop_time must not be earlier than start_time (equal is accepted, as OpenCTI writes it)', () => {
    passes(withProps('relationship', { start_time: t, stop_time: later }));
    passes(withProps('relationship', { start_time: t, stop_time: t }));
    fails(withProps('relationship', { start_time: later, stop_time: t }), /^stop_time must not be earlier than start_time$/);
  });

  it('network-traffic: end must not be earlier than start, and active traffic has no end', () => {
    passes(withProps('network-traffic', { start: t, end: later }));
    fails(withProps('network-traffic', { start: later, end: t }), /^end must not be earlier than start$/);
    fails(withProps('network-traffic', { start: t, end: later, is_active: true }), /end must not be present when is_active/);
  });

  it('every timestamp property is checked', () => {
    fails(withProps('report', { published: 'yesterday' }), /^published must be a UTC timestamp/);
    fails(withProps('email-message', { date: '2024-13-01T00:00:00Z' }), /^date must be a UTC timestamp/);
  });
});

describe('ranges and closed lists', () => {
  it.each([
    [0, true],
    [999_999_999, true],
    [1_000_000_000, false],
    [-1, false],
  ])('sighting count %d', (count, ok) => {
    expect(errorsOf(withProps('sighting', { count })).length === 0).toBe(ok);
  });

  it.each([
    [1, true],
    [999_999_999, true],
    [0, false],
    [1_000_000_000, false],
    [1.5, false],
  ])('observed-data number_observed %d', (n, ok) => {
    expect(errorsOf(withProps('observed-data', { number_observed: n })).length === 0).toBe(ok);
  });

  it('opinion is a closed list', () => {
    fails(withProps('opinion', { opinion: 'meh' }), /^opinion must be one of strongly-disagree/);
  });

  it('network-traffic ports are 0–65535', () => {
    passes(withProps('network-traffic', { src_port: 0, dst_port: 65535 }));
    fails(withProps('network-traffic', { dst_port: 65536 }), /^dst_port must be from 0 to 65535/);
  });

  it('location: a region, a country or coordinates in range', () => {
    passes(withProps('location', { country: undefined, region: 'europe' }));
    passes(drop({ ...valid.location!.object, latitude: 48.2, longitude: 16.37, precision: 10 }, 'country'));
    fails(drop(valid.location!.object, 'country'), /needs a region, a country, or a latitude and longitude/);
    fails(withProps('location', { latitude: 91, longitude: 0 }), /^latitude must be from -90 to 90/);
    fails(withProps('location', { latitude: 48.2 }), /latitude and longitude must be given together/);
    fails(withProps('location', { precision: 5 }), /precision needs latitude and longitude/);
  });
});

describe('type-specific MUST rules', () => {
  it('indicator: a STIX pattern must parse and make sense; other pattern languages are not parsed', () => {
    fails(withProps('indicator', { pattern: "[url:value = 'unterminated]" }), /^pattern is not a valid STIX pattern: /);
    fails(withProps('indicator', { pattern: "[file:hashes.MD5 = 'abc']" }), /^pattern is not a valid STIX pattern: /);
    passes(withProps('indicator', { pattern: 'title: Suspicious\ndetection: {}', pattern_type: 'sigma' }));
  });

  it('malware: is_family is required, and a family needs a name', () => {
    passes(withProps('malware', { is_family: false, name: undefined }));
    fails(drop(withProps('malware', {}), 'name'), /^name is required when is_family is true$/);
  });

  it('malware-analysis: result or analysis_sco_refs', () => {
    passes(withProps('malware-analysis', { result: undefined, analysis_sco_refs: [ipId] }));
    fails(drop(valid['malware-analysis']!.object, 'result'), /needs result or analysis_sco_refs/);
  });

  it('observed-data: object_refs (SCOs and SROs), not together with the deprecated objects', () => {
    fails(drop(valid['observed-data']!.object, 'object_refs'), /^object_refs is required$/);
    fails(withProps('observed-data', { object_refs: [indicatorId] }), /^object_refs\[0\] must refer to a cyber-observable or a relationship or sighting, not to indicator/);
    fails(withProps('observed-data', { objects: { 0: { type: 'ipv4-addr', value: '198.51.100.3' } } }), /must not both be present/);
    const legacy = validateStixObject(drop(withProps('observed-data', { objects: { 0: { type: 'ipv4-addr', value: '198.51.100.3' } } }), 'object_refs'));
    expect(legacy).toMatchObject({ ok: true, warnings: [expect.stringMatching(/objects is deprecated/)] });
    passes(withProps('observed-data', { object_refs: [ipId, `relationship--${u4}`, `x-acme-token--${u4}`] }));
  });

  it('relationship: lower-case type, and it joins domain objects or observables', () => {
    passes(withProps('relationship', { source_ref: ipId, relationship_type: 'related-to' }));
    fails(withProps('relationship', { relationship_type: 'Indicates' }), /^relationship_type must be lower-case/);
    fails(withProps('relationship', { target_ref: `relationship--${u4}` }), /^target_ref must refer to a domain object or a cyber-observable, not to relationship/);
    fails(withProps('relationship', { source_ref: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421' }), /^source_ref must refer to/);
  });

  it('sighting: of a domain object, seen by identities or locations, with observed-data refs', () => {
    passes(withProps('sighting', { where_sighted_refs: [identityId, `location--${u4}`], observed_data_refs: [`observed-data--${u4}`] }));
    fails(withProps('sighting', { sighting_of_ref: ipId }), /^sighting_of_ref must refer to a domain object/);
    fails(withProps('sighting', { where_sighted_refs: [indicatorId] }), /^where_sighted_refs\[0\] must refer to identity or location/);
    fails(withProps('sighting', { observed_data_refs: [indicatorId] }), /^observed_data_refs\[0\] must refer to observed-data/);
  });

  it('marking-definition: statement, TLP 1.0 exactly, TLP 2.0 by extension, never marking itself', () => {
    passes(markingDefinitionFor('amber+strict'));
    const tlp1 = { type: 'marking-definition', spec_version: '2.1', id: tlp1MarkingIds.green, created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', name: 'TLP:GREEN', definition: { tlp: 'green' } };
    expect(validateStixObject(tlp1)).toMatchObject({ ok: true, warnings: [] });
    fails({ ...tlp1, definition: { tlp: 'red' } }, /TLP 1.0 marking for red must have the id marking-definition--5e57c739/);
    fails({ ...tlp1, definition: { tlp: 'purple' } }, /definition\.tlp must be white, green, amber or red/);
    expect(validateStixObject({ ...tlp1, definition_type: 'statement', definition: { statement: 'mine' } }).warnings).toEqual([expect.stringMatching(/TLP 1.0 GREEN marking, but the object is not its official definition/)]);
    fails(withProps('marking-definition', { definition: { text: 'x' } }), /needs definition\.statement/);
    fails(drop(valid['marking-definition']!.object, 'definition'), /definition_type and definition must be given together/);
    fails(drop(valid['marking-definition']!.object, 'definition', 'definition_type'), /needs definition_type and definition, or extensions/);
    fails(withProps('marking-definition', { object_marking_refs: [`marking-definition--${u4}`] }), /must not refer to the marking definition itself/);
    fails(withProps('marking-definition', { granular_markings: [{ selectors: ['definition'], marking_ref: `marking-definition--${u4}` }] }), /must not refer to the marking definition itself/);
  });

  it('extension-definition: known extension types; extension_properties only for toplevel extensions', () => {
    fails(withProps('extension-definition', { extension_types: ['new-thing'] }), /^extension_types: "new-thing" must be one of/);
    fails(withProps('extension-definition', { extension_properties: ['x_rank'] }), /only allowed for a toplevel-property-extension/);
    passes(withProps('extension-definition', { extension_types: ['toplevel-property-extension'], extension_properties: ['rank'] }));
  });

  it('ipv4-addr and ipv6-addr: an address or CIDR range of the right family', () => {
    passes(withProps('ipv4-addr', { value: '198.51.100.0/24' }));
    passes(withProps('ipv6-addr', { value: '2001:db8::/32' }));
    fails(withProps('ipv4-addr', { value: '300.1.1.1' }), /^value must be an IPv4 address or CIDR range/);
    fails(withProps('ipv4-addr', { value: '2001:db8::1' }), /^value must be an IPv4 address/);
    fails(withProps('ipv6-addr', { value: '198.51.100.3' }), /^value must be an IPv6 address/);
  });

  it('mac-addr: lower case, colon-separated', () => {
    fails(withProps('mac-addr', { value: 'AA:BB:CC:DD:EE:0F' }), /^value must be a lower-case, colon-separated MAC-48 address/);
    fails(withProps('mac-addr', { value: 'aa-bb-cc-dd-ee-0f' }), /^value must be a lower-case/);
  });

  it('file: hashes or name', () => {
    fails(drop(valid.file!.object, 'hashes', 'name'), /^a file needs hashes or name$/);
    fails(withProps('file', { parent_directory_ref: ipId }), /^parent_directory_ref must refer to directory/);
    fails(withProps('file', { size: -1 }), /^size must be from 0/);
  });

  it('email-message: body for single-part, body_multipart for multipart, refs to email addresses', () => {
    fails(withProps('email-message', { is_multipart: true }), /body must not be present when is_multipart is true/);
    fails(withProps('email-message', { body_multipart: [{ body: 'x' }] }), /body_multipart must not be present when is_multipart is false/);
    passes(drop(withProps('email-message', { is_multipart: true, body_multipart: [{ body: 'x', content_type: 'text/plain' }, { body_raw_ref: `artifact--${u4}` }] }), 'body'));
    fails(drop(withProps('email-message', { is_multipart: true, body_multipart: [{ content_type: 'text/plain' }] }), 'body'), /exactly one of body and body_raw_ref/);
    fails(withProps('email-message', { from_ref: ipId }), /^from_ref must refer to email-addr/);
    fails(withProps('email-message', { to_refs: [identityId] }), /^to_refs\[0\] must refer to email-addr/);
  });

  it('network-traffic: src_ref or dst_ref, pointing at addresses or names', () => {
    fails(drop(valid['network-traffic']!.object, 'src_ref'), /needs src_ref or dst_ref/);
    fails(withProps('network-traffic', { src_ref: emailAddrId }), /^src_ref must refer to ipv4-addr or ipv6-addr or mac-addr or domain-name/);
  });

  it('artifact: payload_bin or url (with hashes)', () => {
    const artifact = { ...sco('artifact', u4), payload_bin: 'aGk=' };
    passes(artifact);
    fails({ ...artifact, url: 'https://a.example/x' }, /payload_bin and url must not both be present/);
    fails({ ...drop(artifact, 'payload_bin'), url: 'https://a.example/x' }, /hashes is required when url is present/);
  });
});

describe('SHOULD-level warnings the OASIS validator gives', () => {
  const warningsOf = (o: unknown) => validateStixObject(o).warnings;

  it('an indicator without name or description', () => {
    expect(warningsOf(drop(valid.indicator!.object, 'name', 'description'))).toEqual(['an indicator should have a name', 'an indicator should have a description']);
  });

  it('values outside the open vocabularies', () => {
    expect(warningsOf(withProps('indicator', { indicator_types: ['evil'] }))).toEqual([expect.stringMatching(/"evil" is not in indicator-type-ov/)]);
    expect(warningsOf(withProps('report', { report_types: ['threat-report', 'gossip'] }))).toEqual([expect.stringMatching(/"gossip" is not in report-type-ov/)]);
    expect(warningsOf(withProps('identity', { identity_class: 'city' }))).toEqual([expect.stringMatching(/not in identity-class-ov/)]);
    expect(warningsOf(withProps('malware', { malware_types: ['nasty'] }))).toEqual([expect.stringMatching(/not in malware-type-ov/)]);
  });

  it('an observable whose id is not its deterministic UUIDv5', () => {
    expect(warningsOf(valid['ipv4-addr']!.object)).toEqual([]);
    expect(warningsOf(withProps('ipv4-addr', { id: `ipv4-addr--${u4}` }))).toEqual([expect.stringMatching(/should be the deterministic ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4/)]);
  });

  it('kill-chain names that are not lower case with hyphens', () => {
    expect(warningsOf(withProps('attack-pattern', { kill_chain_phases: [{ kill_chain_name: 'misp-category', phase_name: 'Network activity' }] }))).toEqual([
      expect.stringMatching(/phase_name should be lower case with hyphens/),
    ]);
  });
});
