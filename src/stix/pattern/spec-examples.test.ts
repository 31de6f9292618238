// Every example pattern of STIX 2.1 part 9 (Errata 01 text, oasis-tcs/cti-stix2 spec/stix-v2.1.md),
// copied as printed (the spec notes they are not JSON-encoded). Fragments the spec prints
// without brackets (a comparison, an object path, a constant) are wrapped the least possible.
import { describe, expect, it } from 'vitest';
import { formatPattern, observablesOf, parsePattern, PatternError, validatePattern, type Pattern } from './index.js';

const r = String.raw;

/** Section → patterns that are valid STIX 2.1. */
const valid: Record<string, string[]> = {
  '9.1 Definitions': [
    r`[user-account:value = 'Peter']`, // Comparison Expression
    r`[EXISTS ipv6-addr:value]`, // Object Path
    r`[ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2']`,
    r`([ipv4-addr:value = '198.51.100.5'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.10'])`,
    r`([ipv4-addr:value = '198.51.100.5' ] AND [ipv4-addr:value = '198.51.100.10']) WITHIN 300 SECONDS`,
    r`[user-account:value = 'Peter' OR user-account:value = 'Mary']`, // Boolean Operator
    r`[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'`,
    r`[ipv4-addr:value = '198.51.100.5'] AND [ ipv4-addr:value = '198.51.100.10']`,
    r`[file:size = 25536]`,
  ],
  '9.2 Constants': [r`[artifact:payload_bin = b'ABI=']`, r`[file:magic_number_hex = h'ffc3']`, r`[file:mtime = t'2014-01-13T07:03:17Z']`],
  '9.3 STIX Patterns': [
    r`[ipv4-addr:value = '198.51.100.1/32']`,
    r`[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']` + '\n',
    r`[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'] REPEATS 5 TIMES`,
    r`([ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'] FOLLOWEDBY [domain-name:value = 'example.com']) WITHIN 600 SECONDS`,
  ],
  '9.5 Observation Expressions': [r`[ network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_ref.value = '198.51.100.58' ]`],
  '9.6.1 Comparison Operators': [
    r`[file:name = 'foo.dll']`,
    r`[file:size != 4112]`,
    r`[file:size > 256]`,
    r`[file:size < 1024]`,
    r`[file:size <= 25145]`,
    r`[file:size >= 33312]`,
    r`[process:name IN ('proccy', 'proximus', 'badproc')]`,
    r`[directory:path LIKE 'C:\\Windows\\%\\foo']`,
    r`[directory:path MATCHES '^C:\\\\Windows\\\\w+$']`,
    r`[ipv4-addr:value ISSUBSET '198.51.100.0/24']`,
    r`[ipv4-addr:value ISSUPERSET '198.51.100.0/24']`,
    r`[EXISTS windows-registry-key:values]`,
  ],
  '9.6.4 Native Format Comparison': [
    r`[artifact:payload_bin = 'dGhpcyBpcyBhIHRlc3Q=']`,
    r`[artifact:payload_bin = 'this is a test']`,
    r`[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']`,
    r`[artifact:payload_bin = h'7468697320697320612074657374']`,
  ],
  '9.7 Object Path Syntax': [
    r`[EXISTS file:size]`,
    r`[EXISTS file:extensions.'windows-pebinary-ext'.sections[*].entropy]`,
    r`[EXISTS network-traffic:protocols[0]]`,
    r`[EXISTS file:hashes.ssdeep]`,
    r`[EXISTS file:extensions.'raster-image-ext'.image_height]`,
    r`[EXISTS email-message:from_ref.value]`,
    r`[EXISTS directory:contains_refs[*].name]`,
  ],
  '9.8 Examples': [
    r`[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']`,
    r`[email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$']`,
    r`[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']`,
    r`[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']` +
      '\n' +
      r`AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']`,
    r`([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS`,
    r`[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']`,
    r`[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00']`,
    r`[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32']`,
    r`[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]`,
    r`[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']`,
    r`[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']`,
    r`[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS`,
    r`[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']`,
    r`[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']`,
    r`[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']`,
    r`[windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388']`,
    r`[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']`,
    r`[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']`,
    r`[x-usb-device:usbdrive.serial_number = '575833314133343231313937']`,
    r`[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS`,
    r`[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']`,
    r`([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:image_ref.name = 'fooproc' OR process:image_ref.name = 'procfoo']`,
  ],
};

/**
 * The spec's schematic examples (placeholders such as `[ a ]`, hyphenated property names,
 * MINUTES) are not patterns; each fails, and for the reason the grammar gives.
 */
const invalid: Array<[string, RegExp]> = [
  [r`[(type-a:property-j = 'W' AND type-a:property-k = 'X') OR (type-b:property-m = 'Y' AND type-b:property-n = 'Z')]`, /'property-j' .* has a '-': quote it/],
  [r`[type-a:property-j = 'W' AND type-a:property-k = 'X' OR type-a:property-l = 'Z']`, /'property-j' .* has a '-'/],
  [r`([ a ] AND [ b ] REPEATS 5 TIMES) WITHIN 5 MINUTES`, /Expected ':' after the object type 'a' at position 5/],
  [r`([ a ] AND [ b ]) REPEATS 5 TIMES WITHIN 5 MINUTES`, /Expected ':' after the object type 'a'/],
  [r`[ b ] FOLLOWEDBY [ c ] REPEATS 5 TIMES`, /Expected ':' after the object type 'b' at position 4, found '\]'/],
  [r`[ a = 'b' ] FOLLOWEDBY [ c = 'd' ] REPEATS 5 TIMES`, /Expected ':' after the object type 'a' at position 4, found '='/],
  [r`([ a = 'b' ] FOLLOWEDBY [ c = 'd' ]) REPEATS 5 TIMES`, /Expected ':' after the object type 'a'/],
];

/** The examples of the project checklist (shared/reference/stix-taxii-tlp.md §3), '…' filled in. */
const checklist: Array<[string, Array<{ type: string; value: string }>]> = [
  ["[ipv4-addr:value = '198.51.100.1']", [{ type: 'ipv4', value: '198.51.100.1' }]],
  ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", [{ type: 'cidr', value: '198.51.100.0/24' }]],
  ["[ipv6-addr:value = '2001:db8::1']", [{ type: 'ipv6', value: '2001:db8::1' }]],
  ["[domain-name:value = 'example.com']", [{ type: 'domain', value: 'example.com' }]],
  ["[url:value = 'http://example.com/a?b=c']", [{ type: 'url', value: 'http://example.com/a?b=c' }]],
  ["[email-addr:value = 'a@example.com']", [{ type: 'email', value: 'a@example.com' }]],
  ["[email-message:subject = 'Invoice']", []],
  ["[email-message:from_ref.value = 'a@example.com']", [{ type: 'email', value: 'a@example.com' }]],
  ["[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }]],
  ["[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']", [{ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }]],
  [
    "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    [{ type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }],
  ],
  [
    "[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'example.com']",
    [
      { type: 'ipv4', value: '198.51.100.1' },
      { type: 'domain', value: 'example.com' },
    ],
  ],
];

describe('the project checklist examples', () => {
  it.each(checklist)('%s', (text, observables) => {
    expect(validatePattern(text)).toBeNull();
    expect(observablesOf(text)).toEqual(observables);
  });
});

/** Drop positions, so trees parsed from differently spaced text compare equal. */
function shape(p: Pattern): unknown {
  return JSON.parse(JSON.stringify(p, (key, value: unknown) => (key === 'position' ? undefined : value)));
}

describe('STIX 2.1 part 9 examples', () => {
  for (const [section, patterns] of Object.entries(valid)) {
    describe(section, () => {
      it.each(patterns)('%s', (text) => {
        expect(() => parsePattern(text)).not.toThrow();
        expect(validatePattern(text)).toBeNull();
        // Written back canonically, it reads as the same tree.
        const tree = parsePattern(text);
        expect(shape(parsePattern(formatPattern(tree)))).toEqual(shape(tree));
      });
    });
  }

  it('counts every example (9 + 3 + 4 + 1 + 12 + 4 + 7 + 22)', () => {
    expect(Object.values(valid).flat()).toHaveLength(62);
  });

  describe('schematic examples are not patterns', () => {
    it.each(invalid)('%s', (text, reason) => {
      expect(() => parsePattern(text)).toThrow(PatternError);
      expect(validatePattern(text)).toMatch(reason);
    });
  });

  it("9.5.1's WITHIN example parses, but its elided hash ('13987239847...') is refused", () => {
    const text = r`([file:hashes.'SHA-256' = '13987239847...'] AND [windows-registry-key:key = 'hkey']) WITHIN 120 SECONDS`;
    expect(parsePattern(text).expression.type).toBe('group');
    expect(validatePattern(text)).toMatch(/'13987239847\.\.\.' at position 26 is not a valid SHA-256 hash \(64 hex digits\)/);
  });

  it('9.5: AND binds tighter than OR, so j AND k OR l is (j AND k) OR l', () => {
    const p = parsePattern(`[x-type-a:property_j = 'W' AND x-type-a:property_k = 'X' OR x-type-a:property_l = 'Z']`);
    const e = p.expression;
    if (e.type !== 'observation' || e.comparison.type !== 'boolean') throw new Error('unexpected tree');
    expect(e.comparison.operator).toBe('OR');
    expect(e.comparison.operands.map((o) => o.type === 'boolean' && o.operator)).toEqual(['AND', false]);
  });

  it('9.5.2: a qualifier binds to the nearest observation: [b] FOLLOWEDBY [c] REPEATS 5 TIMES', () => {
    const e = parsePattern(`[x-b:v = 'b'] FOLLOWEDBY [x-c:v = 'd'] REPEATS 5 TIMES`).expression;
    if (e.type !== 'observation-operator') throw new Error('unexpected tree');
    expect(e.operator).toBe('FOLLOWEDBY');
    expect(e.operands.map((o) => (o.type === 'observation' ? o.qualifiers.map((q) => q.type) : null))).toEqual([[], ['repeats']]);
    const grouped = parsePattern(`([x-b:v = 'b'] FOLLOWEDBY [x-c:v = 'd']) REPEATS 5 TIMES`).expression;
    expect(grouped.type === 'group' && grouped.qualifiers).toEqual([{ type: 'repeats', times: 5, text: '5', position: 41 }]);
  });

  it('9.5.1: ([a] AND [b] REPEATS 5 TIMES) WITHIN … keeps REPEATS on b and WITHIN on the group', () => {
    const e = parsePattern(`([x-a:v = 1] AND [x-b:v = 2] REPEATS 5 TIMES) WITHIN 300 SECONDS`).expression;
    if (e.type !== 'group' || e.expression.type !== 'observation-operator') throw new Error('unexpected tree');
    expect(e.qualifiers.map((q) => q.type)).toEqual(['within']);
    expect(e.expression.operands.map((o) => o.type === 'observation' && o.qualifiers.length)).toEqual([0, 1]);
  });

  it('compiles the simple examples into observables, and nothing from the others', () => {
    const [defs, , stix, , , , , examples] = Object.values(valid) as string[][];
    expect(observablesOf(defs![2]!)).toEqual([
      { type: 'ipv4', value: '203.0.113.1' },
      { type: 'ipv4', value: '203.0.113.2' },
    ]);
    expect(observablesOf(stix![1]!)).toEqual([
      { type: 'ipv4', value: '198.51.100.1' },
      { type: 'ipv4', value: '203.0.113.33' },
      { type: 'ipv6', value: '2001:db8:dead:beef:dead:beef:dead:1' },
    ]);
    expect(observablesOf(stix![2]!)).toEqual([]); // REPEATS
    expect(observablesOf(stix![3]!)).toEqual([]); // FOLLOWEDBY
    expect(observablesOf(examples![0]!)).toEqual([{ type: 'sha256', value: 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' }]);
    expect(observablesOf(examples![3]!)).toEqual([]); // observations joined by AND
    expect(observablesOf(examples![12]!)).toEqual([]); // domain AND resolves_to_refs
    expect(observablesOf(examples![13]!)).toEqual([
      { type: 'url', value: 'http://example.com/foo' },
      { type: 'url', value: 'http://example.com/bar' },
    ]);
    expect(observablesOf(examples![20]!)).toEqual([]); // network-traffic is not an address object
    const all = Object.values(valid).flat().flatMap((p) => observablesOf(p));
    expect(all.map((o) => o.type).sort()).toEqual(['cidr', 'ipv4', 'ipv4', 'ipv4', 'ipv4', 'ipv4', 'ipv6', 'sha256', 'url', 'url']);
  });
});
