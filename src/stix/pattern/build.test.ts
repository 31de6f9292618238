import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStixInputError } from '../errors.js';
import { indicatorTypes, normaliseObservable, patternFor, type IndicatorType } from '../observables.js';
import { buildPattern, observablesOf, parsePattern, validatePattern } from './index.js';

const md5 = 'cead3f77f6cda6ec00f57d76c9a6879f';
const samples: Array<[IndicatorType, string]> = [
  ['ipv4', '198.51.100.1'],
  ['ipv6', '2001:DB8::1'],
  ['cidr', '198.51.100.7/24'],
  ['cidr', '2001:db8::/32'],
  ['domain', 'Example.com'],
  ['url', String.raw`http://evil.example/it's\here`],
  ['email', "O'Brien@Example.com"],
  ['md5', md5.toUpperCase()],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
];

describe('buildPattern', () => {
  it.each(samples)('writes what patternFor writes for one %s', (type, value) => {
    const pattern = buildPattern([{ type, value }]);
    expect(pattern).toBe(patternFor(type, value));
    expect(validatePattern(pattern)).toBeNull();
  });

  it('writes one observation per type, values joined by OR inside it, types in a fixed order', () => {
    const pattern = buildPattern([
      { type: 'domain', value: 'b.example.com' },
      { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      { type: 'ipv4', value: '198.51.100.1' },
      { type: 'domain', value: 'a.example.com' },
      { type: 'md5', value: md5 },
      { type: 'domain', value: 'B.Example.com' }, // the same domain: written once
    ]);
    expect(pattern).toBe(
      "[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'b.example.com' OR domain-name:value = 'a.example.com'] OR " +
        `[file:hashes.MD5 = '${md5}'] OR [file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']`,
    );
    expect(validatePattern(pattern)).toBeNull();
  });

  it('puts IPv4 and IPv6 ranges in one observation', () => {
    const pattern = buildPattern([
      { type: 'cidr', value: '2001:db8::/32' },
      { type: 'cidr', value: '198.51.100.0/24' },
    ]);
    expect(pattern).toBe("[ipv6-addr:value ISSUBSET '2001:db8::/32' OR ipv4-addr:value ISSUBSET '198.51.100.0/24']");
    expect(validatePattern(pattern)).toBeNull();
  });

  it("escapes \\ and ' so that nothing else ever follows a backslash", () => {
    const pattern = buildPattern([{ type: 'url', value: String.raw`http://x.example/a\'b''\\c` }]);
    expect(pattern).toBe(String.raw`[url:value = 'http://x.example/a\\\'b\'\'\\\\c']`);
    expect(observablesOf(pattern)).toEqual([{ type: 'url', value: String.raw`http://x.example/a\'b''\\c` }]);
  });

  it('refuses an empty list, a CVE and an invalid value', () => {
    expect(() => buildPattern([])).toThrow(InvalidStixInputError);
    expect(() => buildPattern([{ type: 'cve', value: 'CVE-2024-3400' }])).toThrow(/vulnerability object/);
    expect(() => buildPattern([{ type: 'ipv4', value: '198.51.100.1' }, { type: 'md5', value: 'abc' }])).toThrow(/not a valid file hash \(MD5\)/);
  });
});

// Values of every type, with the characters that need escaping where the type allows them.
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n });
const domain = fc.domain().filter((d) => normaliseObservable('domain', d) !== null);
const arbitraries: Record<Exclude<IndicatorType, 'cve'>, fc.Arbitrary<string>> = {
  ipv4: fc.ipV4(),
  ipv6: fc.ipV6(),
  cidr: fc.oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, p]) => `${ip}/${p}`),
  ),
  domain,
  url: fc
    .tuple(fc.constantFrom('http', 'https', 'ftp'), domain, fc.string({ unit: fc.constantFrom(...String.raw`ab/'\%?=&#é😀.-`), maxLength: 30 }))
    .map(([scheme, host, rest]) => `${scheme}://${host}/${rest}`),
  email: fc
    .tuple(fc.string({ unit: fc.constantFrom(...`ab'9_+-`), minLength: 1, maxLength: 12 }), domain)
    .map(([local, host]) => `${local}@${host}`)
    .filter((e) => normaliseObservable('email', e) !== null),
  md5: hex(32),
  sha1: hex(40),
  sha256: hex(64),
};
const observable = fc.oneof(...Object.entries(arbitraries).map(([type, value]) => value.map((v) => ({ type: type as IndicatorType, value: v }))));

/** What observablesOf should give back: the canonical value; a one-address range is the address. */
function expected(o: { type: IndicatorType; value: string }): string {
  const value = normaliseObservable(o.type, o.value)!;
  if (o.type === 'cidr' && /\/(?:32|128)$/.test(value) && (value.endsWith('/128') || !value.includes(':'))) {
    return `${value.includes(':') ? 'ipv6' : 'ipv4'} ${value.replace(/\/\d+$/, '')}`;
  }
  return `${o.type} ${value}`;
}

describe('buildPattern → parsePattern → observablesOf', () => {
  it('gives back the set it was given (property)', () => {
    fc.assert(
      fc.property(fc.array(observable, { minLength: 1, maxLength: 12 }), (list) => {
        const pattern = buildPattern(list);
        expect(validatePattern(pattern)).toBeNull();
        const back = observablesOf(parsePattern(pattern)).map((o) => `${o.type} ${o.value}`);
        expect(new Set(back)).toEqual(new Set(list.map(expected)));
        expect(back).toHaveLength(new Set(back).size);
      }),
      { numRuns: 400 },
    );
  });

  it('covers every indicator type but CVE', () => {
    expect(Object.keys(arbitraries).sort()).toEqual(indicatorTypes.filter((t) => t !== 'cve').sort());
  });
});
