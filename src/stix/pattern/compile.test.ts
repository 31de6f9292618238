import { describe, expect, it } from 'vitest';
import { observablesOf, parsePattern, PatternError } from './index.js';

const md5 = 'cead3f77f6cda6ec00f57d76c9a6879f';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';

describe('observablesOf: the simple patterns feeds use', () => {
  it.each([
    ["[ipv4-addr:value = '198.51.100.1']", [{ type: 'ipv4', value: '198.51.100.1' }]],
    ["[ipv4-addr:value = '198.51.100.1/32']", [{ type: 'ipv4', value: '198.51.100.1' }]],
    ["[ipv4-addr:value = '198.51.100.7/24']", [{ type: 'cidr', value: '198.51.100.0/24' }]],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", [{ type: 'cidr', value: '198.51.100.0/24' }]],
    ["[ipv4-addr:value ISSUBSET '198.51.100.9']", [{ type: 'ipv4', value: '198.51.100.9' }]],
    ["[ipv6-addr:value = '2001:0DB8::0001']", [{ type: 'ipv6', value: '2001:db8::1' }]],
    ["[ipv6-addr:value = '2001:db8::1/128']", [{ type: 'ipv6', value: '2001:db8::1' }]],
    ["[ipv6-addr:value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']", [{ type: 'cidr', value: '2001:db8:dead:beef::/64' }]],
    ["[domain-name:value = 'WWW.Example.COM.']", [{ type: 'domain', value: 'www.example.com' }]],
    ["[url:value = 'HTTP://Example.com/a?b=c']", [{ type: 'url', value: 'http://example.com/a?b=c' }]],
    [String.raw`[url:value = 'http://evil.example/it\'s\\here']`, [{ type: 'url', value: String.raw`http://evil.example/it's\here` }]],
    ["[email-addr:value = 'A@Example.com']", [{ type: 'email', value: 'a@example.com' }]],
    ["[email-message:from_ref.value = 'a@example.com']", [{ type: 'email', value: 'a@example.com' }]],
    ["[email-message:sender_ref.value = 'b@example.com']", [{ type: 'email', value: 'b@example.com' }]],
    [`[file:hashes.MD5 = '${md5.toUpperCase()}']`, [{ type: 'md5', value: md5 }]],
    [`[file:hashes.md5 = '${md5}']`, [{ type: 'md5', value: md5 }]],
    [`[file:hashes.'SHA-1' = '${sha1}']`, [{ type: 'sha1', value: sha1 }]],
    [`[file:hashes.'SHA-256' = '${sha256}']`, [{ type: 'sha256', value: sha256 }]],
    [`[file:'hashes'.'MD5' = '${md5}']`, [{ type: 'md5', value: md5 }]],
    [
      "[domain-name:value IN ('a.example.com', 'b.example.com')]",
      [
        { type: 'domain', value: 'a.example.com' },
        { type: 'domain', value: 'b.example.com' },
      ],
    ],
  ] as const)('%s', (pattern, expected) => {
    expect(observablesOf(pattern)).toEqual(expected);
  });

  it('takes every OR branch, inside an observation and between observations', () => {
    const pattern = `[ipv4-addr:value = '198.51.100.1' OR domain-name:value = 'example.com' OR file:hashes.MD5 = '${md5}'] OR ([url:value = 'https://example.com/x'] OR [email-addr:value = 'x@example.com'])`;
    expect(observablesOf(pattern)).toEqual([
      { type: 'ipv4', value: '198.51.100.1' },
      { type: 'domain', value: 'example.com' },
      { type: 'md5', value: md5 },
      { type: 'url', value: 'https://example.com/x' },
      { type: 'email', value: 'x@example.com' },
    ]);
  });

  it('writes each observable once, in the order first written', () => {
    expect(observablesOf("[domain-name:value = 'b.example' OR domain-name:value = 'a.example'] OR [domain-name:value = 'B.EXAMPLE']")).toEqual([
      { type: 'domain', value: 'b.example' },
      { type: 'domain', value: 'a.example' },
    ]);
  });

  it('takes a parsed pattern as well as text', () => {
    expect(observablesOf(parsePattern("[url:value = 'http://example.com/']"))).toEqual([{ type: 'url', value: 'http://example.com/' }]);
  });

  it('throws PatternError for text that is not a pattern', () => {
    expect(() => observablesOf("[domain-name:value = 'example.com'")).toThrow(PatternError);
  });
});

describe('observablesOf: never a wrong observable', () => {
  it.each([
    ["[domain-name:value = 'example.com' AND domain-name:resolves_to_refs[*].value = '198.51.100.1']", 'AND inside an observation'],
    ["[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'example.com']", 'AND between observations'],
    ["[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'example.com']", 'FOLLOWEDBY'],
    ["[ipv4-addr:value NOT = '198.51.100.1']", 'NOT'],
    ["[ipv4-addr:value != '198.51.100.1']", '!='],
    ["[ipv4-addr:value NOT IN ('198.51.100.1')]", 'NOT IN'],
    ["[domain-name:value LIKE '%.example.com']", 'LIKE'],
    ["[domain-name:value MATCHES '^evil']", 'MATCHES'],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.0/24']", 'ISSUPERSET'],
    ["[ipv4-addr:value > '198.51.100.1']", 'an ordering'],
    ['[EXISTS ipv4-addr:value]', 'EXISTS'],
    ["[ipv4-addr:value = '198.51.100.1'] WITHIN 60 SECONDS", 'WITHIN'],
    ["[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES", 'REPEATS'],
    ["[ipv4-addr:value = '198.51.100.1'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'", 'START/STOP'],
    ["([ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'example.com']) WITHIN 60 SECONDS", 'a qualified group'],
    ["[network-traffic:dst_ref.value = '198.51.100.1']", 'an address reached through a reference'],
    ["[email-message:to_refs[*].value = 'victim@example.com']", 'a recipient'],
    ["[email-message:subject = 'Invoice']", 'a subject'],
    [`[artifact:hashes.MD5 = '${md5}']`, 'an artifact hash'],
    [`[file:hashes.'SHA-512' = '${sha256}${sha256}']`, 'a hash type Tocsin does not track'],
    [`[file:hashes.SHA256 = '${sha256}']`, 'a hash key outside the vocabulary'],
    ["[x-acme-ip:value = '198.51.100.1']", 'a custom type'],
    ["[ipv4-addr:value = '999.1.1.1']", 'a value that does not normalise'],
    ["[ipv4-addr:value = '010.1.1.1']", 'an octal-looking address'],
    ["[ipv4-addr:value = '2001:db8::1']", 'an IPv6 address in an ipv4-addr'],
    ["[ipv4-addr:value ISSUBSET '2001:db8::/32']", 'an IPv6 range in an ipv4-addr'],
    ["[ipv6-addr:value = '198.51.100.1']", 'an IPv4 address in an ipv6-addr'],
    ['[ipv4-addr:value = 3325256705]', 'a number'],
    ["[domain-name:value = 'not a domain']", 'an invalid domain'],
    ["[file:hashes.MD5 = 'abc']", 'a short hash'],
    [`[file:hashes.MD5 = h'${md5}']`, 'a hex literal (not a hash string)'],
    ["[url:value ISSUBSET 'http://example.com/']", 'ISSUBSET on a URL'],
  ])('%s (%s) gives nothing', (pattern) => {
    expect(observablesOf(pattern)).toEqual([]);
  });

  it('keeps the simple OR branches and drops the rest', () => {
    const pattern =
      "[ipv4-addr:value = '198.51.100.1' OR (domain-name:value = 'a.example' AND domain-name:value = 'b.example')] OR ([url:value = 'http://x.example/'] AND [url:value = 'http://y.example/']) OR [domain-name:value = 'c.example'] REPEATS 2 TIMES OR [ipv4-addr:value = 'nope' OR domain-name:value = 'd.example']";
    expect(observablesOf(pattern)).toEqual([
      { type: 'ipv4', value: '198.51.100.1' },
      { type: 'domain', value: 'd.example' },
    ]);
  });
});
