import { describe, expect, it } from 'vitest';
import { chooseOneHash, contributingProperties, deterministicScoId, isMeta, isSco, isSdo, isSpecType, isSro, scoTypes, sdoTypes } from './kinds.js';

const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const sha512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

describe('STIX 2.1 type kinds', () => {
  it('lists the 19 SDOs, 2 SROs, 18 SCOs and 3 meta objects of the spec', () => {
    expect(sdoTypes).toHaveLength(19);
    expect(scoTypes).toHaveLength(18);
    expect(isSdo('indicator') && isSro('sighting') && isSco('mac-addr') && isMeta('extension-definition')).toBe(true);
    expect(isSpecType('x-mitre-tactic') || isSpecType('bundle') || isSpecType('__proto__') || isSpecType('hasOwnProperty')).toBe(false);
  });
});

describe('chooseOneHash: the hash an SCO id is computed from', () => {
  it.each([
    [{ 'SHA-512': sha512, 'SHA-256': sha256, MD5: md5, 'SHA-1': sha1 }, { MD5: md5 }],
    [{ 'SHA-512': sha512, 'SHA-256': sha256, 'SHA-1': sha1 }, { 'SHA-1': sha1 }],
    [{ 'SHA-512': sha512, 'SHA-256': sha256, SSDEEP: '3:a:b' }, { 'SHA-256': sha256 }],
    [{ TLSH: 't', 'SHA-512': sha512 }, { 'SHA-512': sha512 }],
    [{ TLSH: 't', SSDEEP: 's' }, { SSDEEP: 's' }],
  ])('%j → %j', (hashes, chosen) => {
    expect(chooseOneHash(hashes)).toEqual(chosen);
  });

  it('is undefined for no hashes and ignores inherited keys', () => {
    expect(chooseOneHash({})).toBeUndefined();
    expect(chooseOneHash(Object.create({ MD5: md5 }) as Record<string, unknown>)).toBeUndefined();
  });
});

describe('contributingProperties per SCO type', () => {
  it('file: one hash, name, parent_directory_ref and extensions; nothing else', () => {
    const file = { type: 'file', id: 'x', hashes: { 'SHA-256': sha256, MD5: md5 }, name: 'a.exe', size: 3, mime_type: 'x/y', parent_directory_ref: 'directory--93c0a9b0-520d-545d-9094-1a08ddf46b05', extensions: { 'ntfs-ext': { sid: '1' } } };
    expect(contributingProperties(file)).toEqual({ hashes: { MD5: md5 }, name: 'a.exe', parent_directory_ref: file.parent_directory_ref, extensions: file.extensions });
  });

  it('email-message: from_ref, subject and body; not the recipients or date', () => {
    const msg = { type: 'email-message', is_multipart: false, from_ref: 'email-addr--9b7e29b3-fd8d-562e-b3f0-8fc8134f5dda', to_refs: ['email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934'], date: '2024-01-01T00:00:00.000Z', subject: 'Hi', body: 'b' };
    expect(contributingProperties(msg)).toEqual({ from_ref: msg.from_ref, subject: 'Hi', body: 'b' });
    expect(deterministicScoId(msg)).toBe(deterministicScoId({ ...msg, to_refs: undefined, date: '2025-01-01T00:00:00.000Z' }));
    expect(deterministicScoId(msg)).not.toBe(deterministicScoId({ ...msg, body: 'c' }));
  });

  it('network-traffic: times, endpoints, ports, protocols and extensions', () => {
    const nt = { type: 'network-traffic', src_ref: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4', dst_port: 443, protocols: ['tcp'], src_byte_count: 10, is_active: true };
    expect(contributingProperties(nt)).toEqual({ src_ref: nt.src_ref, dst_port: 443, protocols: ['tcp'] });
  });

  it.each([
    ['ipv4-addr', { value: '198.51.100.3', resolves_to_refs: ['mac-addr--x'] }, { value: '198.51.100.3' }],
    ['ipv6-addr', { value: '2001:db8::1' }, { value: '2001:db8::1' }],
    ['domain-name', { value: 'example.com' }, { value: 'example.com' }],
    ['url', { value: 'http://a.example/' }, { value: 'http://a.example/' }],
    ['email-addr', { value: 'a@b.example', display_name: 'A' }, { value: 'a@b.example' }],
    ['mac-addr', { value: 'aa:bb:cc:dd:ee:ff' }, { value: 'aa:bb:cc:dd:ee:ff' }],
    ['autonomous-system', { number: 64500, name: 'AS', rir: 'RIPE' }, { number: 64500 }],
  ])('%s', (type, props, expected) => {
    expect(contributingProperties({ type, ...props })).toEqual(expected);
  });

  it('gives the spec vectors and null where the id is a UUIDv4', () => {
    expect(deterministicScoId({ type: 'ipv4-addr', value: '198.51.100.3' })).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    expect(deterministicScoId({ type: 'domain-name', value: 'example.com' })).toBe('domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7');
    expect(deterministicScoId({ type: 'process', pid: 4 })).toBeNull();
    expect(deterministicScoId({ type: 'email-message', is_multipart: false })).toBeNull();
    expect(deterministicScoId({ type: 'x-acme-token', value: 'v' })).toBeNull();
    expect(deterministicScoId({ type: 'constructor', value: 'v' })).toBeNull();
  });
});
