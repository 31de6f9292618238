// CSV files parsed back with a strict RFC 4180 reader: CRLF records, quoted cells with doubled
// quotes, the same number of cells in every record, no line break inside one, formula-like cells
// defused; and the Splunk ES threat intelligence file against the collections' field names.
import { describe, expect, it } from 'vitest';
import { csv, csvColumns, splunkColumns, splunkCsv } from './csv.js';
import { hostileCtx, hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem, FormatWriter } from './types.js';

/** RFC 4180, strictly: fails on a bare quote, a stray CR or LF, or a record of another width. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          expect(q, 'unterminated quoted cell').toBeGreaterThanOrEqual(0);
          cell += text.slice(i, q);
          i = q + 1;
          if (text[i] === '"') {
            cell += '"';
            i++;
          } else break;
        }
      } else {
        const m = /^[^,"\r\n]*/.exec(text.slice(i))!;
        cell = m[0];
        i += cell.length;
      }
      expect(cell, 'no line break inside a record').not.toMatch(/[\r\n]/);
      row.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect(text.slice(i, i + 2), 'records end with CRLF').toBe('\r\n');
      i += 2;
      break;
    }
    rows.push(row);
  }
  for (const r of rows) expect(r).toHaveLength(rows[0]!.length);
  return rows;
}

function render(writer: FormatWriter, items: ExportItem[], ctx: ExportContext = testCtx): string {
  return writer.header(ctx) + items.map((i) => writer.line(i, ctx) ?? '').join('') + writer.footer(ctx);
}

const formulaStart = /^[=+\-@\t\r]/;

describe('csv', () => {
  it('writes all columns by default, one record a value, every type', () => {
    const rows = parseCsv(render(csv, representativeItems));
    expect(rows[0]).toEqual([...csvColumns]);
    expect(rows).toHaveLength(representativeItems.length + 1);
    expect(rows[1]).toEqual([
      '198.51.100.23',
      'ipv4',
      'TLP:AMBER',
      '80',
      '2026-11-01T08:00:00.000Z',
      '2026-12-06T09:30:00.000Z',
      '2027-01-05T09:30:00.000Z',
      'warning: Phishing wave against council tax payers; feed: abuse.ch URLhaus',
      'https://hub.example/intel/1',
      '3',
    ]);
  });

  it('writes the chosen columns in the chosen order, once each, and ignores unknown ones', () => {
    const ctx = { ...testCtx, columns: ['url', 'value', 'nope', 'value', 'valid_until'] };
    const rows = parseCsv(render(csv, [makeItem('domain', 'evil.example', { id: 5, validUntil: null })], ctx));
    expect(rows).toEqual([
      ['url', 'value', 'valid_until'],
      ['https://hub.example/intel/5', 'evil.example', ''],
    ]);
  });

  it('defuses formula-like cells with a leading quote', () => {
    const rows = parseCsv(render(csv, [makeItem('email', "=cmd|'/ccalc'!a0@evil.example", { sources: [{ kind: 'feed', id: 'x', title: '@SUM(1)' }] })], { ...testCtx, columns: ['value', 'sources'] }));
    expect(rows[1]).toEqual(["'=cmd|'/ccalc'!a0@evil.example", 'feed: @SUM(1)']);
  });

  it('keeps every record valid and nothing runs in a spreadsheet, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const rows = parseCsv(render(csv, hostileItems(), ctx));
      expect(rows.length).toBeGreaterThan(100);
      for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(formulaStart);
    }
  });
});

describe('splunk-csv', () => {
  it('uses the threat collection fields, each value in the field of its kind', () => {
    const rows = parseCsv(render(splunkCsv, representativeItems));
    expect(rows[0]).toEqual([...splunkColumns]);
    const byField = (field: string) => rows.slice(1).filter((r) => r[splunkColumns.indexOf(field as never)] !== '').map((r) => r[splunkColumns.indexOf(field as never)]);
    expect(byField('ip')).toEqual(['198.51.100.23', '2001:db8::10', '2001:db8:0:1::1', '2001:db8::1:0:0:1', '203.0.113.0/24', '2001:db8:abcd::/48', '192.0.2.7/32']);
    expect(byField('domain')).toEqual(['evil.example', 'xn--mnchen-3ya.example', 'login_portal.evil.example']);
    expect(byField('url')).toHaveLength(5);
    expect(byField('src_user')).toEqual(['billing@evil.example']);
    expect(byField('file_hash')).toHaveLength(3);
    // One indicator a row; weight 1–100; a description with the TLP.
    for (const r of rows.slice(1)) {
      expect(['ip', 'domain', 'url', 'file_hash', 'src_user'].filter((f) => r[splunkColumns.indexOf(f as never)] !== '')).toHaveLength(1);
      const weight = Number(r[splunkColumns.indexOf('weight')]);
      expect(weight >= 1 && weight <= 100).toBe(true);
      expect(r[0]).toMatch(/^TLP:(CLEAR|GREEN|AMBER|AMBER\+STRICT|RED) /);
    }
    expect(rows[1]![0]).toBe('TLP:AMBER Phishing wave against council tax payers (hub.example)');
    expect(splunkCsv.line(makeItem('cve', 'CVE-2024-3400'), testCtx)).toBeNull();
  });

  it('skips a value a spreadsheet would run rather than change it, and keeps every record valid', () => {
    expect(splunkCsv.line(makeItem('email', "=cmd|'/ccalc'!a0@evil.example"), testCtx)).toBeNull();
    expect(splunkCsv.line(makeItem('email', "o'brien+tag@evil.example"), testCtx)).not.toBeNull();
    for (const ctx of [testCtx, hostileCtx]) {
      const rows = parseCsv(render(splunkCsv, hostileItems(), ctx));
      for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(formulaStart);
    }
  });
});
