// Zeek intel files read back as Zeek's ASCII input reader reads them: comment lines skipped,
// the `#fields` header, five tab-separated fields a line, `-` for unset, `\xHH` unescaped.
import { describe, expect, it } from 'vitest';
import { hostileCtx, hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem } from './types.js';
import { zeek, zeekField, zeekFields } from './zeek.js';

const intelTypes = new Set(['Intel::ADDR', 'Intel::SUBNET', 'Intel::DOMAIN', 'Intel::URL', 'Intel::EMAIL', 'Intel::FILE_HASH']);

function unescape(field: string): string | null {
  if (field === '-') return null;
  return field.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The records of a Zeek intel file, as maps from field name to value (null: unset). */
function readIntel(text: string): Array<Record<string, string | null>> {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.split('\n').slice(0, -1);
  let fields: string[] | null = null;
  const records: Array<Record<string, string | null>> = [];
  for (const line of lines) {
    expect(line).not.toContain('\r');
    if (line.startsWith('#fields\t')) {
      expect(fields, 'one #fields line').toBeNull();
      fields = line.slice(8).split('\t');
      continue;
    }
    if (line.startsWith('#')) {
      expect(fields, 'comments only before #fields').toBeNull();
      continue;
    }
    expect(fields, 'a record before #fields').not.toBeNull();
    const values = line.split('\t');
    expect(values).toHaveLength(fields!.length);
    for (const v of values) expect(v).not.toBe('');
    records.push(Object.fromEntries(fields!.map((f, i) => [f, unescape(values[i]!)])));
  }
  expect(fields).toEqual([...zeekFields]);
  return records;
}

function render(items: ExportItem[], ctx: ExportContext = testCtx): string {
  return zeek.header(ctx) + items.map((i) => zeek.line(i, ctx) ?? '').join('') + zeek.footer(ctx);
}

describe('zeek intel file', () => {
  it('has the #fields header and one record a value with the Intel type of each kind', () => {
    const records = readIntel(render(representativeItems));
    expect(records.map((r) => [r.indicator, r.indicator_type])).toEqual([
      ['198.51.100.23', 'Intel::ADDR'],
      ['2001:db8::10', 'Intel::ADDR'],
      ['2001:db8:0:1::1', 'Intel::ADDR'],
      ['2001:db8::1:0:0:1', 'Intel::ADDR'],
      ['203.0.113.0/24', 'Intel::SUBNET'],
      ['2001:db8:abcd::/48', 'Intel::SUBNET'],
      ['192.0.2.7/32', 'Intel::SUBNET'],
      ['evil.example', 'Intel::DOMAIN'],
      ['xn--mnchen-3ya.example', 'Intel::DOMAIN'],
      ['login_portal.evil.example', 'Intel::DOMAIN'],
      // No scheme, as Zeek builds the URLs it sees; the port only when it is not the default.
      ['evil.example/login.php?user=a&next=%2Fhome', 'Intel::URL'],
      ['shop.example:8443/pay/now', 'Intel::URL'],
      ['198.51.100.7/', 'Intel::URL'],
      ['[2001:db8::5]:8080/x', 'Intel::URL'],
      ['cdn.example/', 'Intel::URL'],
      ['billing@evil.example', 'Intel::EMAIL'],
      ['d41d8cd98f00b204e9800998ecf8427e', 'Intel::FILE_HASH'],
      ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'Intel::FILE_HASH'],
      ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'Intel::FILE_HASH'],
    ]);
    expect(records[0]).toEqual({
      indicator: '198.51.100.23',
      indicator_type: 'Intel::ADDR',
      'meta.source': 'hub.example',
      'meta.desc': 'TLP:AMBER, confidence 80: Phishing wave against council tax payers',
      'meta.url': 'https://hub.example/intel/1',
    });
    expect(zeek.line(makeItem('cve', 'CVE-2024-3400'), testCtx)).toBeNull();
  });

  it('writes empty fields as - and escapes separators and backslashes as \\xHH', () => {
    expect(zeekField('')).toBe('-');
    expect(zeekField('a\tb\nc\\d')).toBe('a\\x09b\\x0ac\\x5cd');
    const [r] = readIntel(render([makeItem('url', 'http://evil.example/a\\b', { sources: [], url: 'not a url' })]));
    expect(r).toMatchObject({ indicator: 'evil.example/a\\b', 'meta.url': null, 'meta.desc': 'TLP:AMBER, confidence 80' });
  });

  it('keeps every line a valid record, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const items = hostileItems();
      const records = readIntel(render(items, ctx));
      expect(records.length).toBeGreaterThan(100);
      for (const r of records) {
        expect(intelTypes.has(r.indicator_type!)).toBe(true);
        for (const v of Object.values(r)) expect(v ?? '').not.toMatch(/[\t\n\r\u202a-\u202e\u2066-\u2069]/);
      }
      // Non-canonical values never reach Zeek.
      expect(records.some((r) => /bank\.example|EVIL|\s/.test(r.indicator!))).toBe(false);
    }
  });
});
