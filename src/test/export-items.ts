// Test material for the export format writers (imported by src/exports/formats/*.test.ts): a
// context, one representative item of each kind, and hostile values and titles meant to break
// out of every syntax the writers produce.
import type { IndicatorType } from '../stix/observables.js';
import type { Tlp } from '../stix/tlp.js';
import type { ExportContext, ExportItem } from '../exports/formats/types.js';

export const testCtx: ExportContext = {
  hubName: 'hub.example',
  hubUrl: 'https://hub.example',
  exportName: 'City firewall',
  generatedAt: '2026-12-07T10:00:00.000Z',
  serial: 1796637600,
  sidBase: 9_000_000,
  sidRange: 1_000_000,
};

let nextId = 1000;

export function makeItem(type: IndicatorType, value: string, extra: Partial<ExportItem> = {}): ExportItem {
  const id = extra.id ?? nextId++;
  return {
    id,
    type,
    value,
    confidence: 80,
    tlp: 'amber' as Tlp,
    firstSeen: '2026-11-01T08:00:00.000Z',
    lastSeen: '2026-12-06T09:30:00.000Z',
    validUntil: '2027-01-05T09:30:00.000Z',
    sources: [
      { kind: 'warning', id: 'w-1', title: 'Phishing wave against council tax payers' },
      { kind: 'feed', id: 'f-1', title: 'abuse.ch URLhaus' },
    ],
    url: `https://hub.example/intel/${id}`,
    sightings: 3,
    ...extra,
  };
}

/** Canonical values of every type, chosen for the corners of each syntax. */
export const representativeItems: ExportItem[] = [
  makeItem('ipv4', '198.51.100.23', { id: 1 }),
  makeItem('ipv6', '2001:db8::10', { id: 2 }),
  makeItem('ipv6', '2001:db8:0:1::1', { id: 3 }),
  makeItem('ipv6', '2001:db8::1:0:0:1', { id: 20 }),
  makeItem('cidr', '203.0.113.0/24', { id: 4, tlp: 'green' }),
  makeItem('cidr', '2001:db8:abcd::/48', { id: 5, tlp: 'clear' }),
  makeItem('cidr', '192.0.2.7/32', { id: 6 }),
  makeItem('domain', 'evil.example', { id: 7, tlp: 'red' }),
  makeItem('domain', 'xn--mnchen-3ya.example', { id: 8 }),
  makeItem('domain', 'login_portal.evil.example', { id: 9 }),
  makeItem('url', 'http://evil.example/login.php?user=a&next=%2Fhome', { id: 10 }),
  makeItem('url', 'https://user@shop.example:8443/pay/now#frag', { id: 11, tlp: 'amber+strict' }),
  makeItem('url', 'http://198.51.100.7/', { id: 12 }),
  makeItem('url', 'http://[2001:db8::5]:8080/x', { id: 13 }),
  makeItem('url', 'https://cdn.example', { id: 14, confidence: 10 }),
  makeItem('email', 'billing@evil.example', { id: 15 }),
  makeItem('md5', 'd41d8cd98f00b204e9800998ecf8427e', { id: 16 }),
  makeItem('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', { id: 17 }),
  makeItem('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', { id: 18, confidence: 0 }),
  makeItem('cve', 'CVE-2024-3400', { id: 19 }),
];

export const hostileTitles: string[] = [
  'Quote " semicolon ; backslash \\ pipe | colon :',
  'Line\nbreak\r\nand\ttab and \u2028 separator \u2029 and \u0085 NEL',
  'Right-to-left \u202eexe.txt\u202c and marks \u200f\u200e and isolate \u2067x\u2069',
  'Emoji 🚨💥👩‍💻 and a lone surrogate \ud800 and NUL \u0000 and DEL \u007f and ESC \u001b[31m',
  '=HYPERLINK("http://x","click") +1 -1 @SUM',
  '#fields\tindicator\tindicator_type',
  '$ORIGIN evil. ; @ IN NS evil.',
  'rule end ); alert ip any any -> any any (msg:"x"; sid:1;)',
  `Very long ${'x'.repeat(20_000)}`,
  '',
];

/** Values a writer must refuse (null) or carry without breaking its syntax. */
export const hostileValues: Array<{ type: IndicatorType; value: string }> = [
  // Not canonical: line breaks, spaces, separators, injection attempts.
  { type: 'ipv4', value: '198.51.100.1\n0.0.0.0' },
  { type: 'ipv4', value: '198.51.100.1 any -> any any (sid:1;)' },
  { type: 'ipv6', value: '2001:db8::1%eth0' },
  { type: 'cidr', value: '0.0.0.0/0' },
  { type: 'cidr', value: '::/0' },
  { type: 'cidr', value: '10.0.0.1/8' },
  { type: 'domain', value: 'evil.example\n0.0.0.0 bank.example' },
  { type: 'domain', value: 'evil.example"; sid:1; content:"' },
  { type: 'domain', value: 'EVIL.example' },
  { type: 'domain', value: 'évil.example' },
  { type: 'domain', value: `${'a'.repeat(64)}.example` },
  { type: 'domain', value: 'x.rpz-ip' },
  { type: 'domain', value: '-bad.example' },
  { type: 'url', value: 'http://evil.example/a b' },
  { type: 'url', value: 'http://evil.example/\r\nHost: bank.example' },
  { type: 'url', value: 'javascript:alert(1)' },
  { type: 'email', value: 'a b@evil.example' },
  { type: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E' },
  { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e\n' },
  { type: 'sha256', value: 'z'.repeat(64) },
  { type: 'cve', value: 'CVE-2024-3400\n' },
  // Canonical, yet full of characters that mean something in one syntax or another.
  { type: 'url', value: 'http://evil.example/a"b;c|d\\e\'f<g>h(i)j{k}l`m^n*o:p,q$r' },
  { type: 'url', value: 'http://evil.example/\u202egpj.exe?x=\u200f' },
  { type: 'url', value: 'https://evil.example/🚨/über?q=💥#frag\u202e' },
  { type: 'url', value: `http://evil.example/${'a;"|\\'.repeat(2000)}` },
  { type: 'url', value: 'ftp://files.evil.example/pub/x.exe' },
  { type: 'url', value: 'http://evil.example/%0d%0aSet-Cookie:x' },
  { type: 'email', value: "=cmd|'/ccalc'!a0@evil.example" },
  { type: 'email', value: "o'brien+tag@evil.example" },
  { type: 'domain', value: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.example` },
  { type: 'domain', value: '_dmarc.evil.example' },
];

/** A context whose names are as hostile as the titles. */
export const hostileCtx: ExportContext = {
  ...testCtx,
  hubName: 'Hub "x"; \\ |\n$ORIGIN evil. \u202e',
  exportName: 'Export\r\n#fields\tx\n@ IN NS evil.',
};

/** Every hostile value with every hostile title, and the hostile titles on good values. */
export function hostileItems(): ExportItem[] {
  const out: ExportItem[] = [];
  let id = 50_000;
  for (const v of hostileValues) {
    for (const title of hostileTitles) {
      out.push(makeItem(v.type, v.value, { id: id++, sources: [{ kind: 'feed', id: 'f"\n', title }] }));
    }
  }
  for (const item of representativeItems) {
    for (const title of hostileTitles) out.push({ ...item, id: id++, sources: [{ kind: 'warning', id: 'w', title }], url: `https://hub.example/intel/${id}` });
  }
  // A hub page that is not a plain URL, and sources with no title at all.
  out.push(makeItem('domain', 'evil.example', { id: id++, url: 'javascript:alert(1)"\n', sources: [] }));
  return out;
}
