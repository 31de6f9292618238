import { describe, expect, it } from 'vitest';
import { InvalidStixInputError } from './errors.js';
import { isStixId, newStixId, scoId, scoNamespace, stixTimestamp, stixTypeOf, uuidV5 } from './ids.js';

const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('SCO ids (UUIDv5 over RFC 8785 JSON)', () => {
  it('matches the STIX 2.1 test vectors', () => {
    expect(scoNamespace).toBe('00abedb4-aa42-466c-9c01-fed23315a9b7');
    expect(scoId('ipv4-addr', { value: '198.51.100.3' })).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    expect(scoId('domain-name', { value: 'example.com' })).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
  });

  it('matches the python-stix2 vector for a file with a nested extension (floats, lists, dictionaries)', () => {
    const contributing = {
      name: 'example.exe',
      hashes: { 'SHA-256': '841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649' },
      extensions: {
        'windows-pebinary-ext': {
          pe_type: 'exe',
          machine_hex: '014c',
          sections: [{ name: '.data', size: 4096, entropy: 7.980693, hashes: { 'SHA-256': '6e3b6f3978e5cd96ba7abee35c24e867b7e64072e2ecb22d0ee7a6e6af6894d0' } }],
        },
      },
    };
    expect(scoId('file', contributing)).toBe('file--ced31cd4-bdcb-537d-aefa-92d291bfc11d');
  });

  it('matches ids computed independently with Python uuid5 over sorted compact JSON', () => {
    const fromRef = 'email-addr--9b7e29b3-fd8d-562e-b3f0-8fc8134f5dda';
    expect(scoId('email-message', { from_ref: fromRef, subject: 'Did you see this?', body: 'message body' })).toBe('email-message--9873d7bd-d86f-537f-9bae-32de4baebbe4');
    expect(scoId('file', { hashes: { MD5: 'd41d8cd98f00b204e9800998ecf8427e' }, name: 'a.exe' })).toBe('file--7e567502-8994-53ff-9c69-79240cae362d');
    expect(scoId('email-addr', { value: 'john@example.com' })).toBe('email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934');
  });

  it('implements RFC 4122 version 5 (the python uuid5 documentation example)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('does not depend on property order, and ignores undefined properties', () => {
    const a = scoId('file', { hashes: { MD5: 'd41d8cd98f00b204e9800998ecf8427e' }, name: 'a.exe' });
    const b = scoId('file', { name: 'a.exe', extra: undefined, hashes: { MD5: 'd41d8cd98f00b204e9800998ecf8427e' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^file--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(scoId('ipv4-addr', { value: '198.51.100.4' })).not.toBe(scoId('ipv4-addr', { value: '198.51.100.3' }));
  });

  it('falls back to a UUIDv4 when no contributing property is present', () => {
    expect(scoId('email-message', { subject: undefined })).toMatch(/^email-message--[0-9a-f]{8}-[0-9a-f]{4}-4/);
  });
});

describe('newStixId and isStixId', () => {
  it('makes distinct UUIDv4 ids of the given type', () => {
    const a = newStixId('indicator');
    expect(a).toMatch(/^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newStixId('indicator')).not.toBe(a);
    expect(isStixId(a, 'indicator')).toBe(true);
    expect(stixTypeOf(a)).toBe('indicator');
  });

  it.each(['', 'Indicator', 'x', 'a--b', 'ends-', 'has space'])('refuses the type %j', (type) => {
    expect(() => newStixId(type)).toThrow(InvalidStixInputError);
  });

  it('checks the form and, when asked, the type', () => {
    expect(isStixId('marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487')).toBe(true);
    expect(isStixId('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', 'ipv4-addr')).toBe(true);
    expect(isStixId('report--6F1C2C8E-0000-4000-8000-000000000000', 'report')).toBe(true);
    expect(isStixId('report--6f1c2c8e-0000-4000-8000-000000000000', 'indicator')).toBe(false);
    expect(isStixId('report--6f1c2c8e-0000-4000-c000-000000000000')).toBe(false); // variant
    expect(isStixId('report--6f1c2c8e-0000-0000-8000-000000000000')).toBe(false); // version 0
    expect(isStixId('report--not-a-uuid')).toBe(false);
    expect(isStixId('Report--6f1c2c8e-0000-4000-8000-000000000000')).toBe(false);
    expect(isStixId('6f1c2c8e-0000-4000-8000-000000000000')).toBe(false);
    expect(isStixId(42)).toBe(false);
    expect(stixTypeOf('nonsense')).toBeNull();
  });
});

describe('stixTimestamp', () => {
  it('always writes milliseconds and Z', () => {
    expect(stixTimestamp(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(stixTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 7)))).toBe('2024-01-02T03:04:05.007Z');
    expect(stixTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('reads RFC 3339 strings with a zone, converting to UTC', () => {
    expect(stixTimestamp('2024-06-01T12:00:00+02:00')).toBe('2024-06-01T10:00:00.000Z');
    expect(stixTimestamp('2024-06-01T12:00:00.123456Z')).toBe('2024-06-01T12:00:00.123Z');
    expect(stixTimestamp('2024-06-01')).toBe('2024-06-01T00:00:00.000Z');
    expect(stixTimestamp('2024-06-01T12:00:00.5z')).toMatch(shape);
  });

  it.each(['2024-06-01T12:00:00', 'yesterday', '', '2024-13-45T00:00:00Z', '12/03/2024'])('refuses %j', (text) => {
    expect(() => stixTimestamp(text)).toThrow(InvalidStixInputError);
  });

  it('refuses invalid dates and years STIX cannot write', () => {
    expect(() => stixTimestamp(new Date(Number.NaN))).toThrow(InvalidStixInputError);
    expect(() => stixTimestamp(new Date('+010000-01-01T00:00:00Z'))).toThrow(InvalidStixInputError);
    expect(() => stixTimestamp(Date.UTC(-1, 0, 1))).toThrow(InvalidStixInputError);
    expect(stixTimestamp(new Date('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
  });
});
