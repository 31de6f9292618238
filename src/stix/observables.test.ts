import { describe, expect, it } from 'vitest';
import { InvalidStixInputError } from './errors.js';
import { escapePatternString, indicatorTypes, normaliseObservable, patternFor, type IndicatorType } from './observables.js';

type Row = readonly [IndicatorType, string, string | null];

const rows: Row[] = [
  // IPv4: strict dotted quads
  ['ipv4', '198.51.100.7', '198.51.100.7'],
  ['ipv4', ' 8.8.8.8 ', '8.8.8.8'],
  ['ipv4', '010.0.0.1', null],
  ['ipv4', '256.1.1.1', null],
  ['ipv4', '1.2.3', null],
  ['ipv4', '2001:db8::1', null],
  // IPv6: RFC 5952 text
  ['ipv6', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
  ['ipv6', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['ipv6', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['ipv6', '0:0:0:0:0:0:0:1', '::1'],
  ['ipv6', 'FE80::0001', 'fe80::1'],
  ['ipv6', '::ffff:192.0.2.1', '::ffff:c000:201'],
  ['ipv6', 'fe80::1%eth0', null],
  ['ipv6', '1:2:3:4:5:6:7:8:9', null],
  ['ipv6', '2001:db8::g', null],
  ['ipv6', '198.51.100.7', null],
  // CIDR: the network address, host bits cleared
  ['cidr', '198.51.100.77/24', '198.51.100.0/24'],
  ['cidr', '10.1.2.3/8', '10.0.0.0/8'],
  ['cidr', '0.0.0.0/0', '0.0.0.0/0'],
  ['cidr', '203.0.113.9/32', '203.0.113.9/32'],
  ['cidr', '2001:DB8:1:2::1/32', '2001:db8::/32'],
  ['cidr', '2001:db8::1/129', null],
  ['cidr', '10.0.0.0/33', null],
  ['cidr', '10.0.0.0/08', null],
  ['cidr', '10.0.0.0', null],
  ['cidr', '10.0.0.0/8/8', null],
  // Domains: lower case, IDNA, no trailing dot
  ['domain', 'Example.COM.', 'example.com'],
  ['domain', 'bücher.de', 'xn--bcher-kva.de'],
  ['domain', 'Sub.Evil-Site.example', 'sub.evil-site.example'],
  ['domain', '_dmarc.example.org', '_dmarc.example.org'],
  ['domain', 'localhost', null],
  ['domain', '-bad.com', null],
  ['domain', 'bad-.com', null],
  ['domain', 'a..b.com', null],
  ['domain', '1.2.3.4', null],
  ['domain', `${'x'.repeat(64)}.com`, null],
  ['domain', 'evil.c0m', null],
  ['domain', 'evil.com/path', null],
  // URLs: scheme and host lower-cased, the rest as written
  ['url', 'HTTP://Evil.Example:8080/Login?User=A#Frag', 'http://evil.example:8080/Login?User=A#Frag'],
  ['url', 'http://evil.example/a/../b%20c?q=1&r=%2F', 'http://evil.example/a/../b%20c?q=1&r=%2F'],
  ['url', 'http://evil.example', 'http://evil.example'],
  ['url', 'https://user:Pa55@Evil.example/x', 'https://user:Pa55@evil.example/x'],
  ['url', 'http://[2001:DB8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
  ['url', 'http://203.0.113.7/x', 'http://203.0.113.7/x'],
  ['url', 'http://bücher.de/Straße', 'http://xn--bcher-kva.de/Straße'],
  ['url', 'http://evil.example:0080/', 'http://evil.example:80/'],
  ['url', 'evil.example/x', null],
  ['url', 'http://evil example.com/', null],
  ['url', 'http://:80/', null],
  ['url', 'http://evil.example:99999/', null],
  ['url', 'http://999.1.1.1/', null],
  ['url', 'http:///path', null],
  // Emails
  ['email', 'Jane.Doe@Springfield.GOV', 'jane.doe@springfield.gov'],
  ['email', 'a+tag@sub.example.org', 'a+tag@sub.example.org'],
  ['email', 'a@b', null],
  ['email', '@b.com', null],
  ['email', 'a b@c.com', null],
  ['email', 'a..b@c.com', null],
  // Hashes: lower-case hex of the right length
  ['md5', 'D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427', null],
  ['md5', 'z41d8cd98f00b204e9800998ecf8427e', null],
  ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['sha1', 'd41d8cd98f00b204e9800998ecf8427e', null],
  ['sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['sha256', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', null],
  // CVE ids
  ['cve', 'cve-2024-3400', 'CVE-2024-3400'],
  ['cve', 'CVE-2021-44228', 'CVE-2021-44228'],
  ['cve', 'CVE-2024-0001', 'CVE-2024-0001'],
  ['cve', 'CVE-2024-00123', null],
  ['cve', 'CVE-24-1234', null],
  ['cve', 'CVE-2024-123', null],
];

describe('normaliseObservable', () => {
  it('covers every indicator type', () => {
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(indicatorTypes));
  });

  it.each(rows)('%s %j → %j', (type, value, expected) => {
    expect(normaliseObservable(type, value)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const [type, value, expected] of rows) {
      if (expected !== null) expect(normaliseObservable(type, expected), `${type} ${value}`).toBe(expected);
    }
  });
});

describe('patternFor', () => {
  it.each([
    ['ipv4', '198.51.100.1', "[ipv4-addr:value = '198.51.100.1']"],
    ['ipv6', '2001:DB8::1', "[ipv6-addr:value = '2001:db8::1']"],
    ['cidr', '198.51.100.7/24', "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"],
    ['cidr', '2001:db8::/32', "[ipv6-addr:value ISSUBSET '2001:db8::/32']"],
    ['domain', 'Example.com', "[domain-name:value = 'example.com']"],
    ['url', 'http://example.com/a?b=c', "[url:value = 'http://example.com/a?b=c']"],
    ['email', 'A@Example.com', "[email-addr:value = 'a@example.com']"],
    ['md5', 'D41D8CD98F00B204E9800998ECF8427E', "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"],
    ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"],
    ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"],
  ] as const)('%s %s', (type, value, pattern) => {
    expect(patternFor(type, value)).toBe(pattern);
  });

  it("escapes ' and \\ inside the string literal, backslashes first", () => {
    expect(escapePatternString("a'b\\c")).toBe("a\\'b\\\\c");
    expect(escapePatternString("\\'")).toBe("\\\\\\'");
    const pattern = patternFor('url', "http://evil.example/it's\\here");
    expect(pattern).toBe("[url:value = 'http://evil.example/it\\'s\\\\here']");
    // Inside the literal, a backslash is only ever followed by ' or \.
    const literal = pattern.slice(pattern.indexOf("'") + 1, pattern.lastIndexOf("'"));
    expect(literal.replace(/\\[\\']/g, '')).not.toMatch(/[\\']/);
  });

  it('refuses a CVE (that is a vulnerability object) and invalid values', () => {
    expect(() => patternFor('cve', 'CVE-2024-3400')).toThrow(InvalidStixInputError);
    expect(() => patternFor('ipv4', '300.1.1.1')).toThrow(/not a valid IP address/);
    expect(() => patternFor('md5', 'abc')).toThrow(InvalidStixInputError);
  });
});
