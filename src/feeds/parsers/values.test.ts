// Typing and normalising single values: addresses, ranges (broken ones too), ports, IDNs and
// punycode, defanged forms, URLs, hashes, emails, declared types, and dates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIpv4 } from '../../stix/ip.js';
import { classifyValue, isCanonicalIpv4, normaliseDate } from './values.js';

const typed = (raw: string, forced?: Parameters<typeof classifyValue>[1]): string => {
  const c = classifyValue(raw, forced);
  return c.ok ? `${c.type} ${c.value}${c.note ? ` (${c.note})` : ''}` : `${c.kind}: ${c.reason}`;
};

describe('classifyValue', () => {
  it.each([
    ['1.2.3.4', 'ipv4 1.2.3.4'],
    ['0.0.0.0', 'ipv4 0.0.0.0'],
    ['255.255.255.255', 'ipv4 255.255.255.255'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', 'ipv6 2001:db8::1'],
    ['10.0.0.0/8', 'cidr 10.0.0.0/8'],
    ['10.1.2.3/8', 'cidr 10.0.0.0/8 (host bits cleared (written 10.1.2.3/8))'],
    ['1.2.3.4/32', 'ipv4 1.2.3.4'],
    ['0.0.0.0/0', 'cidr 0.0.0.0/0'],
    ['2001:db8::/32', 'cidr 2001:db8::/32'],
    ['2001:db8::1/128', 'ipv6 2001:db8::1'],
    ['1.2.3.4:8080', 'ipv4 1.2.3.4 (On port 8080)'],
    ['[2001:db8::1]:443', 'ipv6 2001:db8::1 (On port 443)'],
    ['[2001:db8::1]', 'ipv6 2001:db8::1'],
    ['evil.com:8443', 'domain evil.com (On port 8443)'],
    ['EVIL.Example.COM.', 'domain evil.example.com'],
    ['Bücher.de', 'domain xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'domain xn--bcher-kva.de'],
    ['例え.テスト', 'domain xn--r8jz45g.xn--zckzah'],
    ['\u200bevil.com', 'domain evil.com'],
    ['evil[.]com', 'domain evil.com'],
    ['203.0.113[.]7', 'ipv4 203.0.113.7'],
    ['hxxp://evil[.]com/login', 'url http://evil.com/login'],
    ['hxxps[:]//www.bing[.]com/aclk?ld=x', 'url https://www.bing.com/aclk?ld=x'],
    ['fxp://files[.]evil.com', 'url ftp://files.evil.com'],
    ['test[at]evil.com', 'email test@evil.com'],
    ['mailto:Boss@Evil.COM', 'email boss@evil.com'],
    ['HTTP://Evil.COM:80/Path?Q=1#Frag', 'url http://evil.com:80/Path?Q=1#Frag'],
    ['http://[2001:DB8::1]:8080/x', 'url http://[2001:db8::1]:8080/x'],
    ['http://bücher.de/ü', 'url http://xn--bcher-kva.de/ü'],
    ['evil.com/login.php', 'url http://evil.com/login.php (no scheme given: http:// assumed)'],
    ['1.2.3.4:8080/gate', 'url http://1.2.3.4:8080/gate (no scheme given: http:// assumed)'],
    ['D41D8CD98F00B204E9800998ECF8427E', 'md5 d41d8cd98f00b204e9800998ecf8427e'],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['cve-2024-3400', 'cve CVE-2024-3400'],
  ])('%s → %s', (raw, expected) => {
    expect(typed(raw)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/33', 'invalid-value', /\/33 is not a valid prefix length for an IPv4 range \(0 to 32\)/],
    ['10.0.0.0/-1', 'invalid-value', /prefix length/],
    ['10.0.0.0/', 'invalid-value', /prefix length/],
    ['10.0.0.0/08', 'invalid-value', /prefix length/],
    ['2001:db8::/129', 'invalid-value', /0 to 128/],
    ['300.0.0.0/8', 'invalid-value', /not a valid IPv4 address/],
    ['999.1.1.1', 'invalid-value', /IPv4/],
    ['010.0.0.1', 'invalid-value', /leading zeros/],
    ['1.2.3', 'invalid-value', /IPv4/],
    ['1.2.3.4:0', 'invalid-value', /port/],
    ['1.2.3.4:65536', 'invalid-value', /port/],
    ['2001:db8::1::2', 'invalid-value', /IPv6/],
    ['fe80::1%eth0', 'invalid-value', /host and port/],
    ['xn--a.com', 'invalid-value', /domain/],
    ['a..b.com', 'invalid-value', /domain/],
    ['-evil.com', 'invalid-value', /domain/],
    ['evil.123', 'invalid-value', /domain/],
    ['http://evil.com:99999/', 'invalid-value', /URL/],
    ['http://1.2.3/x', 'invalid-value', /URL/],
    ['not an@email@x', 'invalid-value', /email/],
    ['localhost', 'unrecognised', /not an indicator/],
    ['', 'unrecognised', /empty/],
    ['/gate.php', 'unsupported', /path/],
    ['a'.repeat(128).replace(/a/g, 'f'), 'unsupported', /SHA-512/],
    ['x'.repeat(9000), 'invalid-value', /limit is 8192/],
  ])('%s is refused (%s)', (raw, kind, reason) => {
    const c = classifyValue(raw);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.kind).toBe(kind);
    expect(c.reason).toMatch(reason);
  });

  it('a declared type refuses valid values of another type', () => {
    expect(typed('1.2.3.4', 'domain')).toBe('wrong-type: This is an IPv4 address, and the feed holds domains.');
    expect(typed('evil.com', 'ip')).toBe('wrong-type: This is a domain, and the feed holds IP addresses and ranges.');
    expect(typed('d41d8cd98f00b204e9800998ecf8427e', 'sha256')).toMatch(/^wrong-type: This is an MD5 hash/);
    expect(typed('10.0.0.0/8', 'ip')).toBe('cidr 10.0.0.0/8');
    expect(typed('1.2.3.4', 'cidr')).toBe('ipv4 1.2.3.4');
    expect(typed('2001:db8::1', 'ip')).toBe('ipv6 2001:db8::1');
    expect(typed('evil.com/x', 'url')).toMatch(/^url http:\/\/evil.com\/x/);
    // A broken value is reported as broken, not as the wrong type.
    expect(typed('10.0.0.0/33', 'domain')).toMatch(/^invalid-value/);
  });

  it('the dotted-quad fast path agrees with the strict parser', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9.]{1,16}$/)), (s) => {
        const ip = parseIpv4(s);
        expect(isCanonicalIpv4(s)).toBe(ip !== null && formatIp(ip) === s);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws, and what it accepts is stable', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.webUrl(), fc.domain(), fc.emailAddress(), fc.ipV6()), (s) => {
        const c = classifyValue(s.trim());
        if (c.ok && c.type !== 'cve') {
          const again = classifyValue(c.value, c.type === 'cidr' ? 'ip' : c.type);
          expect(again).toMatchObject({ ok: true, type: c.type, value: c.value });
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('normaliseDate', () => {
  it.each([
    ['2023-11-14 06:52:51', '2023-11-14T06:52:51.000Z'],
    ['2023-11-14T06:52:51Z', '2023-11-14T06:52:51.000Z'],
    ['2019-06-01T00:00:00.000000+00:00', '2019-06-01T00:00:00.000Z'],
    ['2019-06-01T02:00:00+02:00', '2019-06-01T00:00:00.000Z'],
    ['2019-06-01 02:00 UTC', '2019-06-01T02:00:00.000Z'],
    ['2019-06-01', '2019-06-01T00:00:00.000Z'],
    ['1755989538', '2025-08-23T22:52:18.000Z'],
    ['1755989538123', '2025-08-23T22:52:18.123Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29 23:59:59', '2024-02-29T23:59:59.000Z'],
    ['2016-12-31T23:59:60z', '2016-12-31T23:59:59.000Z'],
    [' 2023-11-14T06:52:51Z ', '2023-11-14T06:52:51.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(normaliseDate(text)).toBe(iso);
  });

  it.each(['', 'yesterday', '2023-02-29', '2023-02-29 00:00:00', '2023-11-14x06:52:51', '2023-11-14 06:5a:51', '1969-12-31 23:59:59', '2023-13-01', '2023-11-14 25:00', '2023-11-14T06:52:51+24:00', '12345', '99999999999999', '1969-12-31', '2'.repeat(41)])('%s is not a date', (text) => {
    expect(normaliseDate(text)).toBeNull();
  });
});
