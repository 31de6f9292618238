import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputTooLargeError } from './errors.js';
import { defang, extractDefaults, extractIndicators, scanIndicators } from './extract.js';
import { normaliseObservable } from './observables.js';

const pairs = (text: string): string[] => extractIndicators(text).map((i) => `${i.type}:${i.value}`);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const unit42 = path.join(path.resolve(repoRoot, '../shared/data'), 'feeds/unit42-2025-01-22-IOCs-fake-Microsoft-Teams-site-defanged.txt');
const haveUnit42 = existsSync(unit42);
if (!haveUnit42) console.warn(`\n!! ${unit42} is absent: SKIPPING the extraction test on a real defanged IOC note.\n`);

describe('extractIndicators', () => {
  it('reads the CISO example: refanged, typed and normalised', () => {
    const text = 'we saw hxxp://evil[.]example/login from 203.0.113[.]7, hash d41d8cd98f00b204e9800998ecf8427e, CVE-2024-3400';
    expect(extractIndicators(text)).toEqual([
      { type: 'url', value: 'http://evil.example/login', original: 'hxxp://evil[.]example/login' },
      { type: 'ipv4', value: '203.0.113.7', original: '203.0.113[.]7' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', original: 'd41d8cd98f00b204e9800998ecf8427e' },
      { type: 'cve', value: 'CVE-2024-3400', original: 'CVE-2024-3400' },
    ]);
  });

  describe("MISP's documented examples", () => {
    it('127.0.0.1:8080 is an IP on port 8080', () => {
      expect(extractIndicators('127.0.0.1:8080')).toEqual([{ type: 'ipv4', value: '127.0.0.1', original: '127.0.0.1:8080', note: 'On port 8080' }]);
    });
    it('example.com:80 is a domain on port 80', () => {
      expect(extractIndicators('example.com:80')).toEqual([{ type: 'domain', value: 'example.com', original: 'example.com:80', note: 'On port 80' }]);
    });
    it('test[at]example.com is an email address', () => {
      expect(extractIndicators('test[at]example.com')).toEqual([{ type: 'email', value: 'test@example.com', original: 'test[at]example.com' }]);
    });
    it.each(['2018-08-21', 'file.exe', 'config.json', '2018.08.21', 'e.g.', 'i.e.', 'U.S.', 'v1.2.3', 'node.js', 'etc.', '12:30', 'C:\\Windows\\evil.exe', '/usr/bin/evil.sh', 'and/or'])(
      '%s is nothing',
      (text) => {
        expect(extractIndicators(text)).toEqual([]);
      },
    );
  });

  it.each([
    ['hxxp://evil.example/x', 'url:http://evil.example/x'],
    ['hXXps://evil.example/x', 'url:https://evil.example/x'],
    ['hxtp://evil.example/x', 'url:http://evil.example/x'],
    ['htxp://evil.example/x', 'url:http://evil.example/x'],
    ['h[tt]p://evil.example/x', 'url:http://evil.example/x'],
    ['h[tt]ps://evil.example/x', 'url:https://evil.example/x'],
    ['hxxps[:]//evil.example/x', 'url:https://evil.example/x'],
    ['hxxp[://]evil.example/x', 'url:http://evil.example/x'],
    ['fxp://files.example.org/x', 'url:ftp://files.example.org/x'],
    ['evil[.]com', 'domain:evil.com'],
    ['evil[dot]com', 'domain:evil.com'],
    ['evil(dot)com', 'domain:evil.com'],
    ['evil{.}com', 'domain:evil.com'],
    ['evil(.)com', 'domain:evil.com'],
    ['203.0.113[.]7', 'ipv4:203.0.113.7'],
    ['203[.]0[.]113[.]7', 'ipv4:203.0.113.7'],
    ['a[@]evil.com', 'email:a@evil.com'],
    ['a[at]evil[.]com', 'email:a@evil.com'],
    ['a(at)evil.com', 'email:a@evil.com'],
    ['203.0.113.7[:]8080', 'ipv4:203.0.113.7'],
    ['evil.com[/]login', 'url:http://evil.com/login'],
    ['ev\u200bil.com', 'domain:evil.com'],
  ])('refangs %s', (text, expected) => {
    expect(pairs(text)).toEqual([expected]);
  });

  it('finds hashes of each supported length, before refanging, and lower-cases them', () => {
    const md5 = 'D41D8CD98F00B204E9800998ECF8427E';
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(pairs(`${md5} ${sha1} ${sha256}`)).toEqual([`md5:${md5.toLowerCase()}`, `sha1:${sha1}`, `sha256:${sha256}`]);
    expect(pairs(`invoice.exe|${sha256} md5:${md5} "sha1=${sha1}"`)).toEqual([`sha256:${sha256}`, `md5:${md5.toLowerCase()}`, `sha1:${sha1}`]);
  });

  it('drops hashes it does not report and hex of other lengths', () => {
    expect(extractIndicators('a'.repeat(128))).toEqual([]); // SHA-512
    expect(extractIndicators('b'.repeat(56))).toEqual([]); // SHA-224
    expect(extractIndicators('c'.repeat(31))).toEqual([]);
    expect(extractIndicators('g'.repeat(32))).toEqual([]);
  });

  it('reads IPv6 in its forms, canonical and deduplicated', () => {
    expect(extractIndicators('2001:DB8:0:0:0:0:0:1 2001:db8::1 [2001:db8::2]:443 fe80::1 ::1 2001[:]db8[:][:]3')).toEqual([
      { type: 'ipv6', value: '2001:db8::1', original: '2001:DB8:0:0:0:0:0:1' },
      { type: 'ipv6', value: '2001:db8::2', original: '[2001:db8::2]:443', note: 'On port 443' },
      { type: 'ipv6', value: 'fe80::1', original: 'fe80::1' },
      { type: 'ipv6', value: '::1', original: '::1' },
      { type: 'ipv6', value: '2001:db8::3', original: '2001[:]db8[:][:]3' },
    ]);
  });

  it('reads CIDR ranges as networks', () => {
    expect(pairs('10.1.2.3/8 198.51.100.0/24 2001:db8::/32 198.51.100[.]0/24')).toEqual(['cidr:10.0.0.0/8', 'cidr:198.51.100.0/24', 'cidr:2001:db8::/32']);
    expect(extractIndicators('10.0.0.0/33')).toEqual([]);
  });

  it('keeps URL paths and queries as written', () => {
    expect(pairs('(see hxxps://Evil.Example/login.php?user=A&next=%2Fhome#top).')).toEqual(['url:https://evil.example/login.php?user=A&next=%2Fhome#top']);
    expect(extractIndicators('evil.example.com:8080/gate.php?id=1')).toEqual([
      { type: 'url', value: 'http://evil.example.com:8080/gate.php?id=1', original: 'evil.example.com:8080/gate.php?id=1', note: 'No scheme given: http:// assumed' },
    ]);
    expect(extractIndicators('mailto:x@evil.com file:///C:/x ldap://evil.com/a')).toEqual([{ type: 'email', value: 'x@evil.com', original: 'mailto:x@evil.com' }]);
  });

  it('reads IDN domains as punycode and keeps what was written', () => {
    expect(extractIndicators('bücher.de пример.рф')).toEqual([
      { type: 'domain', value: 'xn--bcher-kva.de', original: 'bücher.de' },
      { type: 'domain', value: 'xn--e1afmkfd.xn--p1ai', original: 'пример.рф' },
    ]);
  });

  it('needs a real top-level domain for a bare domain', () => {
    expect(pairs('evil.com evil.xyz evil.top evil.gov.uk evil.notatld evil.corp evil.local')).toEqual(['domain:evil.com', 'domain:evil.xyz', 'domain:evil.top', 'domain:evil.gov.uk']);
  });

  it('notes top-level domains that are also file extensions, unless defanged', () => {
    expect(extractIndicators('invoice.zip evil[.]zip')).toEqual([
      { type: 'domain', value: 'invoice.zip', original: 'invoice.zip', note: '.zip is also a file extension: check this is a domain' },
      { type: 'domain', value: 'evil.zip', original: 'evil[.]zip' },
    ]);
  });

  it('lists each indicator once, in order of first appearance, merging notes', () => {
    expect(extractIndicators('EVIL.com, evil[.]com; evil.com:80 evil.com:443 evil.com:80 203.0.113.9')).toEqual([
      { type: 'domain', value: 'evil.com', original: 'EVIL.com', note: 'On port 80; On port 443' },
      { type: 'ipv4', value: '203.0.113.9', original: '203.0.113.9' },
    ]);
  });

  it('looks inside key=value and quoted tokens', () => {
    expect(pairs('SRC=10.0.0.5 DST=203.0.113.7 DPT=443 href="hxxp://evil.example/a"')).toEqual(['ipv4:10.0.0.5', 'ipv4:203.0.113.7', 'url:http://evil.example/a']);
  });

  it('reads every string of a JSON document', () => {
    const json = JSON.stringify({ iocs: ['hxxp://evil[.]example/x', { ip: '203.0.113.9', port: 443 }], note: 'also evil.com' });
    expect(pairs(json)).toEqual(['url:http://evil.example/x', 'ipv4:203.0.113.9', 'domain:evil.com']);
  });

  it('refuses text over the size limit with a typed error', () => {
    expect(() => extractIndicators('x'.repeat(101), { maxInputBytes: 100 })).toThrow(InputTooLargeError);
    expect(() => extractIndicators('é'.repeat(60), { maxInputBytes: 100 })).toThrow(expect.objectContaining({ code: 'INPUT_TOO_LARGE', limit: 100, size: 120 }));
    expect(extractDefaults.maxInputBytes).toBe(5 * 1024 * 1024);
    expect(() => extractIndicators('x'.repeat(extractDefaults.maxInputBytes + 1))).toThrow(InputTooLargeError);
  });

  it('caps the indicators and the tokens, and says it did', () => {
    const text = Array.from({ length: 10 }, (_, i) => `203.0.113.${i}`).join(' ');
    const capped = scanIndicators(text, { maxIndicators: 3 });
    expect(capped.indicators.map((i) => i.value)).toEqual(['203.0.113.0', '203.0.113.1', '203.0.113.2']);
    expect(capped.truncated).toBe(true);
    expect(scanIndicators(text, { maxTokens: 4 })).toMatchObject({ truncated: true, tokensRead: 4 });
    expect(scanIndicators(text, { maxTokens: 4 }).indicators).toHaveLength(4);
    expect(scanIndicators(text)).toMatchObject({ truncated: false, tokensRead: 10 });
    expect(extractDefaults.maxIndicators).toBe(5000);
  });
});

describe.skipIf(!haveUnit42)('extractIndicators on a real defanged IOC note (Unit 42)', () => {
  it('finds its URLs, IPs and hashes, and nothing from file names or dates', () => {
    const found = extractIndicators(readFileSync(unit42, 'utf8'));
    const count = (type: string): number => found.filter((i) => i.type === type).length;
    // 14 distinct defanged URLs, plus the three reference links that were never defanged.
    const defangedUrls = found.filter((i) => i.type === 'url' && i.original.includes('[:]'));
    expect(defangedUrls).toHaveLength(14);
    expect(count('url')).toBe(17);
    expect(count('sha256')).toBe(6);
    expect(found).toContainEqual({ type: 'ipv4', value: '82.221.136.26', original: '82.221.136.26:443', note: 'On port 443' });
    expect(found).toContainEqual(expect.objectContaining({ type: 'url', value: 'http://5.252.153.241:80/api/file/get-file/264872' }));
    expect(found).toContainEqual(expect.objectContaining({ type: 'domain', value: 'burleson-appliance.net', original: 'burleson-appliance[.]net' }));
    expect(found.filter((i) => i.type === 'domain' || i.type === 'ipv4').map((i) => i.value).sort()).toEqual(['45.125.66.252', '45.125.66.32', '82.221.136.26', 'burleson-appliance.net']);
    for (const i of found.filter((x) => x.type !== 'url')) expect(i.value).not.toMatch(/\.(js|exe|ps1|dll)$/);
  });
});

describe('extractIndicators on hostile input (5 MB)', () => {
  const size = 5_000_000;
  const fill = (unit: string): string => unit.repeat(Math.floor(size / unit.length));

  it.each([
    ['dots', fill('.'), []],
    ['open brackets', fill('['), []],
    ['a [.] chain in one token', fill('a[.]'), []],
    ['bracket soup with spaces', fill('[[(.)]{dot}] '), []],
    ['one very long token', fill('a'), []],
    ['long hex', fill('f'), []],
    ['digits and dots', fill('1.'), []],
    ['at signs', fill('@'), []],
    ['schemes', fill('hxxp:// '), []],
    ['colons', fill(':'), []],
    ['a [.] chain of short tokens', fill('x[.]com '), ['domain:x.com']],
    ['labels without a TLD', fill('a.b.c.d.e.f.g.h '), []],
  ] as const)('%s', (_name, text, expected) => {
    expect(text.length).toBeGreaterThan(size - 20);
    expect(pairs(text)).toEqual(expected);
  });

  it('many distinct indicators: capped at the default 5000', () => {
    const parts: string[] = [];
    for (let i = 0; parts.length * 16 < size; i++) parts.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const result = scanIndicators(parts.join(' '));
    expect(result.indicators).toHaveLength(5000);
    expect(result.truncated).toBe(true);
    expect(result.indicators[4999]).toMatchObject({ type: 'ipv4', value: '10.0.19.135' });
  });

  it('deeply nested JSON is read as text', () => {
    const text = `${'['.repeat(1_000_000)}"203.0.113.5"${']'.repeat(1_000_000)}`;
    expect(() => extractIndicators(text)).not.toThrow();
  });

  it('a million short words stop at the token cap', () => {
    const result = scanIndicators(fill('ab '));
    expect(result).toMatchObject({ truncated: true, tokensRead: extractDefaults.maxTokens, indicators: [] });
  });
});

describe('defang', () => {
  it.each([
    ['http://evil.example/login', 'hxxp://evil[.]example/login'],
    ['https://a.b.example:8443/x.php?q=a.b', 'hxxps://a[.]b[.]example:8443/x.php?q=a.b'],
    ['ftp://files.example.org/x', 'fxp://files[.]example[.]org/x'],
    ['203.0.113.7', '203[.]0[.]113[.]7'],
    ['10.0.0.0/8', '10[.]0[.]0[.]0/8'],
    ['evil.example', 'evil[.]example'],
    ['jane.doe@evil.example', 'jane.doe@evil[.]example'],
    ['2001:db8::1', '2001[:]db8[:][:]1'],
    ['d41d8cd98f00b204e9800998ecf8427e', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['CVE-2024-3400', 'CVE-2024-3400'],
  ])('%s → %s', (value, shown) => {
    expect(defang(value)).toBe(shown);
  });

  it('round-trips through extraction for every type', () => {
    const values = [
      ['url', 'https://evil.example/a/b.php?x=1'],
      ['ipv4', '203.0.113.7'],
      ['ipv6', '2001:db8::1'],
      ['cidr', '198.51.100.0/24'],
      ['cidr', '2001:db8::/32'],
      ['domain', 'evil.example'],
      ['email', 'jane.doe@evil.example'],
      ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['cve', 'CVE-2024-3400'],
    ] as const;
    for (const [type, value] of values) expect(pairs(defang(value)), value).toEqual([`${type}:${value}`]);
  });

  it('round-trips any IPv4 and IPv6 address (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(pairs(defang(ip))).toEqual([`ipv4:${ip}`]);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const canonical = normaliseObservable('ipv6', ip);
        expect(pairs(defang(ip))).toEqual([`ipv6:${canonical}`]);
      }),
    );
  });
});
