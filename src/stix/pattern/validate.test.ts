import { describe, expect, it } from 'vitest';
import { parsePattern, patternProblem, scoTypes, validatePattern } from './index.js';

const r = String.raw;
const md5 = 'cead3f77f6cda6ec00f57d76c9a6879f';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
const sha512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const tlsh = 'T1A5F0C10196F7B4E1E59F5BA1FC81A25F637C9C4B2D0A5E0D27A2E36EE03E1C10C4A57E';

describe('validatePattern: hashes', () => {
  it.each([
    `[file:hashes.MD5 = '${md5}']`,
    `[file:hashes.md5 = '${md5.toUpperCase()}']`, // keys and hex digits in any case
    `[file:hashes.'SHA-1' = '${sha1}']`,
    `[file:hashes.'SHA-256' = '${sha256}']`,
    `[file:hashes.'SHA-512' = '${sha512}']`,
    `[file:hashes.'SHA3-256' = '${sha256}']`,
    `[file:hashes.'SHA3-512' = '${sha512}']`,
    "[file:hashes.SSDEEP = '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO']",
    `[file:hashes.TLSH = '${tlsh}']`,
    `[file:hashes.MD5 = h'${md5}']`,
    `[file:hashes.MD5 IN ('${md5}', '${md5.replace('c', 'd')}')]`,
    `[file:hashes.MD5 LIKE '${md5.slice(0, 8)}%']`, // a LIKE or MATCHES value is not a hash
    `[file:hashes.MD5 = '${md5}' OR artifact:hashes.'SHA-256' = '${sha256}']`,
    `[x509-certificate:hashes.'SHA-1' = '${sha1}']`,
    `[file:extensions.'ntfs-ext'.alternate_data_streams[*].hashes.'SHA-256' = '${sha256}']`,
    '[EXISTS file:hashes.TLSH]',
    "[file:hashes[*] = 'x']", // not a key: nothing to check
  ])('accepts %s', (text) => {
    expect(validatePattern(text)).toBeNull();
  });

  it.each([
    ["[file:hashes.'SHA-256' = 'f00']", /^'f00' at position 25 is not a valid SHA-256 hash \(64 hex digits\)\.$/],
    [`[file:hashes.MD5 = '${sha1}']`, /is not a valid MD5 hash \(32 hex digits\)/],
    [`[file:hashes.'SHA-1' = '${md5}']`, /not a valid SHA-1 hash \(40 hex digits\)/],
    [`[file:hashes.'SHA-512' = '${sha256}']`, /not a valid SHA-512 hash \(128 hex digits\)/],
    [`[file:hashes.'SHA3-256' = '${sha256.slice(1)}g']`, /not a valid SHA3-256 hash/],
    [`[file:hashes.MD5 = h'${md5}00']`, /h'.*' at position 19 is not a valid MD5 hash/],
    ['[file:hashes.MD5 = 5]', /A MD5 hash at position 19 must be a string literal/],
    [`[file:hashes.MD5 IN ('${md5}', 'nope')]`, /'nope' at position 57 is not a valid MD5 hash/],
    [`[file:hashes.MD5 != 'x']`, /'x' .* is not a valid MD5 hash/],
    ["[file:hashes.SSDEEP = 'has spaces']", /not a valid SSDEEP hash/],
    [`[file:hashes.TLSH = '${tlsh.slice(2, 60)}']`, /not a valid TLSH hash \(70 hex digits, optionally after T1\)/],
    [`[file:hashes.SHA256 = '${sha256}']`, /^Unknown hash algorithm 'SHA256' at position 13: use one of MD5, SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512, SSDEEP, TLSH\.$/],
    [`[file:hashes.'SHA-384' = 'x']`, /Unknown hash algorithm 'SHA-384'/],
    [`[artifact:hashes.whirlpool = 'x']`, /Unknown hash algorithm 'whirlpool'/],
    ['[EXISTS file:hashes.crc32]', /Unknown hash algorithm 'crc32'/],
  ])('refuses %s', (text, reason) => {
    expect(validatePattern(text)).toMatch(reason);
  });
});

describe('validatePattern: names', () => {
  it.each(['[x-acme-thing:p_1 = 1]', '[x-foo-:abc = 1]', '[file:id = 1]', "[file:'name' = 'a']", `[x-t:dict.${'k'.repeat(250)} = 1]`, ...[...scoTypes].map((t) => `[EXISTS ${t}:value]`)])(
    'accepts %s',
    (text) => {
      expect(validatePattern(text)).toBeNull();
    },
  );

  it.each([
    ['[File:name = 1]', /'File' at position 1 is not a valid object type name/],
    ['[x_foo:name = 1]', /'x_foo' .* not a valid object type name/],
    ['[x--foo:name = 1]', /'x--foo' .* not a valid object type name/],
    ['[1x:name = 1]', /Expected an object path/], // not even a name
    ['[ab:name = 1]', /'ab' .* not a valid object type name \(3 to 250 characters/],
    [`[x-${'a'.repeat(249)}:name = 1]`, /not a valid object type name/],
    ['[foo:name = 1]', /^'foo' at position 1 is not a STIX 2\.1 Cyber-observable type; custom types start with 'x-'\.$/],
    ['[win-registry-key:key = 1]', /'win-registry-key' .* not a STIX 2\.1 Cyber-observable type/],
    ['[file:Name = 1]', /^'Name' at position 6 is not a valid property name \(3 to 250 characters: a-z, 0-9 and _, starting with a letter\)\.$/],
    ['[file:ab = 1]', /'ab' .* not a valid property name/],
    ['[file:_abc = 1]', /'_abc' .* not a valid property name/],
    ["[file:'na-me' = 1]", /'na-me' .* not a valid property name/],
    [`[file:${'a'.repeat(251)} = 1]`, /not a valid property name/],
    [`[x-t:dict.'${'k'.repeat(251)}' = 1]`, /The key at position 10 is longer than 250 characters/],
  ])('refuses %s', (text, reason) => {
    expect(validatePattern(text)).toMatch(reason);
  });
});

describe('validatePattern: values and qualifiers', () => {
  it.each([
    "[file:ctime = t'2020-02-29T00:00:00Z']",
    "[file:ctime = t'2000-02-29T00:00:00Z']",
    "[file:ctime = t'2016-12-31T23:59:60Z']", // a leap second
    '[file:size = 9007199254740991]',
    '[file:size = -9007199254740991]',
    "[ipv6-addr:value ISSUPERSET '2001:db8::/32']",
    "[ipv4-addr:value ISSUBSET '198.51.100.7']",
    "[file:name = 'a'] WITHIN 0.5 SECONDS",
    "[file:name = 'a'] WITHIN 1 SECONDS REPEATS 1 TIMES START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.001Z'",
    "[file:name = 'a'] START t'2016-01-01T00:00:00.123Z' STOP t'2016-01-01T00:00:00.1231Z'",
    "[file:name = 'a' OR process:name = 'b']",
    "[(file:name = 'a' OR process:name = 'b') AND file:size = 1]",
    "[file:name = 'a' AND (file:size = 1 OR file:size = 2)]",
  ])('accepts %s', (text) => {
    expect(validatePattern(text)).toBeNull();
  });

  it.each([
    ["[file:ctime = t'2021-02-29T00:00:00Z']", /^Invalid timestamp t'2021-02-29T00:00:00Z' at position 14: February 2021 has 28 days\.$/],
    ["[file:ctime = t'2100-02-29T00:00:00Z']", /February 2100 has 28 days/],
    ["[file:ctime = t'2021-04-31T00:00:00Z']", /April 2021 has 30 days/],
    ["[file:name = 'a'] START t'2021-02-30T00:00:00Z' STOP t'2021-03-01T00:00:00Z'", /February 2021 has 28 days/],
    ["[file:ctime IN (t'2020-01-01T00:00:00Z', t'2020-06-31T00:00:00Z')]", /June 2020 has 30 days/],
    ['[file:size = 9007199254740992]', /The integer 9007199254740992 at position 13 is outside the range STIX allows/],
    [`[file:size > 1${'0'.repeat(400)}.5]`, /The number 1000.* at position 13 is too large/],
    ["[ipv4-addr:value ISSUBSET 'example.com']", /^ISSUBSET at position 1 needs an IP address or CIDR range, not 'example\.com'\.$/],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.0/33']", /ISSUPERSET .* needs an IP address or CIDR range/],
    ["[file:name = 'a'] WITHIN 0 SECONDS", /^WITHIN at position 18 needs a positive number of seconds, not 0\.$/],
    ["[file:name = 'a'] WITHIN 0.0 SECONDS", /needs a positive number of seconds, not 0\.0/],
    ["[file:name = 'a'] REPEATS 0 TIMES", /^REPEATS at position 18 needs a whole number of times from 1, not 0\.$/],
    ["[file:name = 'a'] REPEATS 9007199254740993 TIMES", /REPEATS .* needs a whole number of times from 1/],
    ["[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'", /^START t'2016-01-01T00:00:00Z' at position 18 is not before STOP t'2016-01-01T00:00:00Z'\.$/],
    ["[file:name = 'a'] START t'2016-01-01T00:00:00.5Z' STOP t'2016-01-01T00:00:00.50Z'", /is not before STOP/],
    ["[file:name = 'a'] START t'2017-01-01T00:00:00Z' STOP t'2016-12-31T23:59:59.999Z'", /is not before STOP/],
    ["[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS", /^Duplicate WITHIN qualifier at position 35: an observation expression may have only one of each kind\.$/],
    ["[file:name = 'a'] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", /Duplicate REPEATS qualifier at position 51/],
    ["[file:name = 'a' AND process:name = 'b']", /^AND at position 1 joins comparisons on different object types \(file, process\) inside one observation; no single object can match them\.$/],
    ["[(file:name = 'a' OR process:name = 'b') AND url:value = 'c']", /different object types \(file, process, url\)/],
  ])('refuses %s', (text, reason) => {
    expect(validatePattern(text)).toMatch(reason);
  });
});

describe('validatePattern: the answer', () => {
  it.each([
    ["[file:name = 'a'] within 5 SECONDS", /Keywords are upper case: write WITHIN/],
    [r`[file:name = 'C:\Windows']`, /a backslash may only be followed by ' or \\/],
    ["[file:name = 'unterminated]", /Unterminated string literal starting at position 13/],
    ['[file:name = "double"]', /Unexpected character '"'/],
  ])('reports syntax errors first: %s', (text, reason) => {
    expect(validatePattern(text)).toMatch(reason);
  });

  it('is always one line, even for hostile input', () => {
    const reasons = ['[x-t:p = 1] \n\u2028 within', "[x-t:'a\nb\u2028c' = 1]", '[x-t:p = 1]\u0000', `[x-t:${'\n'.repeat(50)}]`].map(validatePattern);
    for (const reason of reasons) {
      expect(reason).not.toBeNull();
      expect(reason).not.toMatch(/[\n\r\u2028\u2029]/);
    }
  });

  it('reports the first problem in reading order', () => {
    expect(validatePattern(`[foo:bar = 1] AND [file:hashes.MD5 = 'x']`)).toMatch(/'foo'/);
    expect(validatePattern(`[file:hashes.MD5 = 'x'] AND [foo:bar = 1]`)).toMatch(/MD5/);
  });

  it('checks a tree without parsing it again (patternProblem)', () => {
    expect(patternProblem(parsePattern("[domain-name:value = 'example.com']"))).toBeNull();
    expect(patternProblem(parsePattern('[x-t:prop = 1] REPEATS 0 TIMES'))).toMatch(/REPEATS/);
  });
});
