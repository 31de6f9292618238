// The test cases of the OASIS reference validator (oasis-open/cti-pattern-validator,
// stix2patterns/test/v21/test_validator.py), with the same verdicts and error positions.
import { describe, expect, it } from 'vitest';
import { parsePattern, PatternError, validatePattern } from './index.js';

const r = String.raw;

function errorOf(text: string): PatternError {
  try {
    parsePattern(text);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
  throw new Error(`${text} parsed`);
}

describe('the OASIS validator FAIL_CASES', () => {
  // [pattern, column the OASIS validator reports, what our message says]
  const syntax: Array<[string, number, RegExp]> = [
    ['file:size = 1280', 0, /Expected '\[' or '\('/],
    ['[file:size = ]', 13, /Expected a literal after = at position 13, found '\]'/],
    ['[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]', 19, /String literals are quoted: 'cead3f77f6cda6ec00f57d76c9a6879f'/],
    ['[file.size = 1280]', 5, /Expected ':' after the object type 'file'/],
    [r`[file:name MATCHES /.*\.dll/]`, 19, /Unexpected character '\/' at position 19/],
    [r`[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN ]`, 63, /positive number of seconds after WITHIN at position 63, found '\]'/],
    [r`[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 HOURS]`, 65, /Expected SECONDS .* found the name 'HOURS'/],
    [r`[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN -5 SECONDS]`, 63, /positive number of seconds after WITHIN at position 63, found the number -5/],
    ['[network-traffic:dst_ref.value ISSUBSET ]', 40, /Expected a string literal after ISSUBSET at position 40/],
    ["[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']", 18, /Unexpected character '\?' at position 18/],
    ["[x_whatever:detected == t'2457-73-22T32:81:84.1Z']", 24, /Invalid timestamp literal 't'2457-73-22T32:81:84.1Z'' at position 24/],
    ["[artifact:payload_bin = b'====']", 24, /Invalid binary literal/],
    ['[foo:bar=1] within 2 seconds', 12, /found the name 'within'\. Keywords are upper case: write WITHIN\./],
  ];

  it.each(syntax)('%s fails at %i', (text, position, message) => {
    const e = errorOf(text);
    expect(e.position).toBe(position);
    expect(e.message).toMatch(message);
    expect(e.code).toBe('INVALID_INPUT');
    expect(validatePattern(text)).toBe(e.message);
  });

  it('refuses a malformed hash as the validator does', () => {
    expect(validatePattern("[file:hashes.'SHA-256' = 'f00']")).toBe("'f00' at position 25 is not a valid SHA-256 hash (64 hex digits).");
  });

  // Their duplicate-qualifier cases use the STIX 2.0 type name win-registry-key, which 2.1
  // does not have: that is reported first. With the 2.1 name the duplicate is what fails.
  const duplicates: Array<[string, RegExp]> = [
    [r`[windows-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS WITHIN 6 SECONDS`, /Duplicate WITHIN qualifier at position 77/],
    [r`([windows-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES REPEATS 3 TIMES)`, /Duplicate REPEATS qualifier/],
    [
      r`[windows-registry-key:key = 'hkey_local_machine\\foo\\bar'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'`,
      /Duplicate START\/STOP qualifier/,
    ],
  ];
  it.each(duplicates)('%s', (text, message) => {
    expect(() => parsePattern(text)).not.toThrow();
    expect(validatePattern(text)).toMatch(message);
    expect(validatePattern(text.replace('windows-registry-key', 'win-registry-key'))).toMatch(/'win-registry-key' .* is not a STIX 2\.1 Cyber-observable type/);
  });
});

describe('the OASIS validator PASS_CASES', () => {
  // Every one is grammatical. Those written with STIX 2.0 names or with no real object type
  // fail the type-name checks cti-stix-validator makes; the last ANDs two object types in one
  // observation, which spec 9.5 forbids (no single object can match it).
  const cases: Array<[string, RegExp | null]> = [
    ['[file:size = 1280]', null],
    ['[file:size != 1280]', null],
    ['[file:size < 1024]', null],
    ['[file:size <= 1024]', null],
    ['[file:size > 1024]', null],
    ['[file:size >= 1024]', null],
    ["[file:file_name = 'my_file_name']", null],
    ["[file:extended_properties.'ntfs-ext'.sid = '234']", null],
    [r`[emailaddr:value MATCHES '.+\\@ibm\\.com$' OR file:name MATCHES '^Final Report.+\\.exe$']`, /'emailaddr' at position 1 is not a STIX 2\.1 Cyber-observable type/],
    ["[ipv4addr:value ISSUBSET '192.168.0.1/24']", /'ipv4addr'/],
    ["[ipv4addr:value NOT ISSUBSET '192.168.0.1/24']", /'ipv4addr'/],
    ["[user-account:value = 'Peter'] AND [user-account:value != 'Paul'] AND [user-account:value = 'Mary'] WITHIN 5 SECONDS", null],
    ["[file:file_system_properties.file_name LIKE 'name%']", null],
    ["[file:file_name IN ('test.txt', 'test2.exe', 'README')]", null],
    ['[file:size IN (1024, 2048, 4096)]', null],
    ["[network-connection:extended_properties[0].source_payload MATCHES 'dGVzdHRlc3R0ZXN0']", /'network-connection'/],
    [r`[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS`, /'win-registry-key'/],
    ["[x_whatever:detected == t'2018-03-22T12:11:14.1Z']", /'x_whatever' at position 1 is not a valid object type name/],
    ["[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']", null],
    ['[foo:bar=1] REPEATS 9 TIMES', /'foo'/],
    ["[network-traffic:start = '2018-04-20T12:36:24.558Z']", null],
    ['( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])', null],
    [r`([win-registry-key:key = 'hkey_local_machine\\foo\\bar']) WITHIN 5 SECONDS WITHIN 6 SECONDS`, /'win-registry-key'/],
    [r`([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES) REPEATS 2 TIMES`, /'win-registry-key'/],
    [
      "[network-traffic:src_port = 37020 AND user-account:user_id = 'root'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' OR [ipv4-addr:value = '192.168.122.83'] START t'2016-06-01T03:55:00.123Z' STOP t'2016-06-01T04:30:24.743Z'",
      /AND at position 1 joins comparisons on different object types \(network-traffic, user-account\)/,
    ],
  ];

  it.each(cases)('%s', (text, verdict) => {
    expect(() => parsePattern(text)).not.toThrow();
    const reason = validatePattern(text);
    if (verdict === null) expect(reason).toBeNull();
    else expect(reason).toMatch(verdict);
  });

  it('keeps qualifiers of nested groups apart: ([a] REPEATS 2 TIMES) REPEATS 2 TIMES is valid', () => {
    expect(validatePattern("([windows-registry-key:key = 'k'] REPEATS 2 TIMES) REPEATS 2 TIMES")).toBeNull();
    // A group is an observation expression too (spec 9.5.1): two WITHINs on it are refused,
    // where the reference validator lets them through.
    expect(validatePattern("([windows-registry-key:key = 'k']) WITHIN 5 SECONDS WITHIN 6 SECONDS")).toMatch(/Duplicate WITHIN/);
  });
});
