// CSV feeds: the real abuse.ch SSLBL file (header commented out, CRLF, footer), RFC 4180
// quoting, delimiters, headers in odd places, and hostile files — quotes never closed, 100,000
// columns, duplicate headers, short rows.
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv } from './csv.js';
import { sharedFile } from './test-support.js';

const sslbl = sharedFile('feeds/abusech-sslbl-sslblacklist-2023-11-14.csv', 'the abuse.ch SSLBL CSV test');

describe.skipIf(!sslbl.present)('abuse.ch SSLBL (real file)', () => {
  // 5,532 lines: 9 banner/header comment lines, 5,522 rows, `# END (5522) entries`.
  it('finds the header in a comment and reads 5,522 SHA-1 rows', async () => {
    const run = parseCsv(createReadStream(sslbl.file), { columns: { value: 'SHA1', firstSeen: 'Listingdate', comment: 'Listingreason' } });
    const records = await run.all();
    expect(records).toHaveLength(5522);
    expect(records[0]).toEqual({ type: 'sha1', value: '2e3519b7cb61a3cd6167f727df993f68311085ea', comment: 'DCRat C&C', firstSeen: '2023-11-14T06:52:51.000Z', sourceRef: 'line 10' });
    expect(records.at(-1)).toEqual({ type: 'sha1', value: 'b08a4939fb88f375a2757eaddc47b1fb8b554439', comment: 'Shylock C&C', firstSeen: '2014-05-04T08:09:56.000Z', sourceRef: 'line 5531' });
    expect(run.report).toMatchObject({ status: 'complete', linesRead: 5532, commentLines: 10, itemsRead: 5522, rejected: 0 });
    expect(run.report.warnings).toEqual(['The column header was found in a comment line (line 9).']);
  });

  it('reads it by position too, with a declared type', async () => {
    const run = parseCsv(createReadStream(sslbl.file), { columns: { value: 1, type: 'sha1', comment: 2 } });
    expect(await run.all()).toHaveLength(5522);
    expect(run.report.rejected).toBe(0);
  });

  it('a name the header does not have fails the run at once', async () => {
    const run = parseCsv(createReadStream(sslbl.file), { columns: { value: 'sha256' } });
    expect(await run.all()).toEqual([]);
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'no-header' } });
    expect(run.report.failure!.message).toMatch(/"sha256"/);
  });
});

describe('RFC 4180', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks', async () => {
    const text = 'indicator,description\r\n"1.2.3.4","scanner, noisy"\r\n"evil.com","says ""hi"""\r\n5.6.7.8,"two\r\nlines"\r\n9.9.9.9,\r\n';
    const run = parseCsv(text, { columns: { value: 'indicator', comment: 'description' } });
    expect((await run.all()).map((r) => [r.value, r.comment, r.sourceRef])).toEqual([
      ['1.2.3.4', 'scanner, noisy', 'line 2'],
      ['evil.com', 'says "hi"', 'line 3'],
      ['5.6.7.8', 'two\nlines', 'line 4'],
      ['9.9.9.9', undefined, 'line 6'],
    ]);
    expect(run.report).toMatchObject({ linesRead: 6, itemsRead: 4, rejected: 0 });
  });

  it('is lenient with sloppy quoting and says so', async () => {
    const run = parseCsv('v,c\n1.2.3.4,ab"cd\n5.6.7.8, "quoted after a blank"\n9.9.9.9,"closed"then text\n', { columns: { value: 'v', comment: 'c' } });
    expect((await run.all()).map((r) => r.comment)).toEqual(['ab"cd', 'quoted after a blank', 'closedthen text']);
    expect(run.report.warnings.join()).toMatch(/text after a closing quote/);
  });

  it('a quote never closed breaks only its record: the lines after it are read again', async () => {
    const text = ['v,c', '1.1.1.1,"never closed', '2.2.2.2,fine', '3.3.3.3,"also "" open', '4.4.4.4,ok'].join('\n');
    const run = parseCsv(text, { columns: { value: 'v', comment: 'c' } });
    expect((await run.all()).map((r) => r.value)).toEqual(['2.2.2.2', '4.4.4.4']);
    expect(run.report.rejectedByKind).toEqual({ 'bad-quotes': 2 });
    expect(run.report.samples.map((s) => [s.line, s.reason])).toEqual([
      [2, 'A quoted field opened on line 2 is never closed (its closing quote, on a later line, is followed by text).'],
      [4, 'A quoted field is not closed on this line.'],
    ]);
  });

  it('a quoted field may span at most maxRecordLines lines', async () => {
    const body = Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n');
    const ok = parseCsv(`v,c\n1.1.1.1,"${body}"\n2.2.2.2,x\n`, { columns: { value: 'v', comment: 'c' }, maxRecordLines: 10 });
    expect((await ok.all()).map((r) => r.value)).toEqual(['1.1.1.1', '2.2.2.2']);
    const cut = parseCsv(`v,c\n1.1.1.1,"${body}"\n2.2.2.2,x\n`, { columns: { value: 'v', comment: 'c' }, maxRecordLines: 5 });
    expect((await cut.all()).map((r) => r.value)).toEqual(['2.2.2.2']);
    expect(cut.report.samples[0]!.reason).toMatch(/not within 5 lines/);
  });

  it('an open quote on every line: every line is refused, none swallows the next', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `10.0.${i >> 8}.${i & 255},"open`);
    const run = parseCsv(`v,c\n${lines.join('\n')}\n`, { columns: { value: 'v', comment: 'c' } });
    expect(await run.all()).toEqual([]);
    expect(run.report.rejectedByKind).toEqual({ 'bad-quotes': 20_000 });
  });
});

describe('headers and delimiters', () => {
  it.each([
    ['a,b;c', ','],
    ['a;b;c,d', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"a;b;c",d', ','],
    ['single', ','],
  ])('detects the delimiter of %j as %j', (line, d) => {
    expect(detectDelimiter(line)).toBe(d);
  });

  it('semicolons and tabs', async () => {
    const semi = parseCsv('ioc;note\n1.2.3.4;a, b\n', { columns: { value: 'IOC', comment: 'Note' } });
    expect(await semi.all()).toEqual([{ type: 'ipv4', value: '1.2.3.4', comment: 'a, b', sourceRef: 'line 2' }]);
    const tabs = parseCsv('# generated\nvalue\ttype\nevil.com\tdomain\n', { columns: { value: 'value', typeColumn: 'type' } });
    expect(await tabs.all()).toEqual([{ type: 'domain', value: 'evil.com', sourceRef: 'line 3' }]);
  });

  it('with columns by position, a first line with no indicator is the header', async () => {
    const run = parseCsv('ip,first_seen\n1.2.3.4,2024-01-02\n', { columns: { value: 0, firstSeen: 1 } });
    expect(await run.all()).toEqual([{ type: 'ipv4', value: '1.2.3.4', firstSeen: '2024-01-02T00:00:00.000Z', sourceRef: 'line 2' }]);
    expect(run.report.warnings).toEqual(['Line 1 holds no indicator and was taken as the column header.']);
    const none = parseCsv('1.2.3.4,x\n', { columns: { value: 0 }, header: 'none' });
    expect(await none.all()).toHaveLength(1);
  });

  it('header: first takes the first line whatever it holds', async () => {
    const run = parseCsv('1.1.1.1,2.2.2.2\n3.3.3.3,4.4.4.4\n', { columns: { value: '2.2.2.2' }, header: 'first' });
    expect((await run.all()).map((r) => r.value)).toEqual(['4.4.4.4']);
  });

  it('a mapped name the header has twice fails the run; an unmapped duplicate is a warning', async () => {
    const dup = parseCsv('ip,note,ip\n1.2.3.4,x,5.6.7.8\n', { columns: { value: 'ip' } });
    expect(await dup.all()).toEqual([]);
    expect(dup.report.failure).toEqual({ kind: 'ambiguous-column', message: 'The header has 2 columns named "ip" (positions 0, 2, counting from 0): name the one to use by its position instead.' });
    const other = parseCsv('ip,note,note\n1.2.3.4,x,y\n', { columns: { value: 'ip' } });
    expect(await other.all()).toHaveLength(1);
    expect(other.report.warnings).toEqual(['The header repeats "note"; the mapping does not use them.']);
  });

  it('no header line with the names: fails, names what is missing', async () => {
    const run = parseCsv('# only comments\n1.2.3.4,x\n', { columns: { value: 'ip', comment: 'why' } });
    await run.all();
    expect(run.report.failure!.message).toBe('The column(s) "ip", "why" named in the mapping are not in the header. The header has: "1.2.3.4", "x".');
    const empty = parseCsv('', { columns: { value: 'ip' } });
    expect(await empty.all()).toEqual([]);
    expect(empty.report.status).toBe('complete');
  });

  it('refuses mappings that can never work', () => {
    expect(() => parseCsv('', { columns: {} as never })).toThrow(/columns.value is required/);
    expect(() => parseCsv('', { columns: { value: -1 } })).toThrow(RangeError);
    expect(() => parseCsv('', { columns: { value: ' ' } })).toThrow(RangeError);
    expect(() => parseCsv('', { columns: { value: 'ip' }, header: 'none' })).toThrow(/by position/);
    expect(() => parseCsv('', { columns: { value: 0, type: 'ipv4', typeColumn: 1 } })).toThrow(/not both/);
  });
});

describe('rows', () => {
  it('maps type, dates, confidence, TLP and tags; bad cells are left out, not fatal', async () => {
    const text = [
      'value,kind,first,last,conf,tlp,tags,why',
      'evil.com,hostname,2024-01-01 10:00:00,2024-02-01,80,TLP:AMBER,"phishing; kit|phishing",lure',
      '1.2.3.4,ip-dst,yesterday,,150,purple,,',
      'deadbeef,regkey,,,,,,',
      '5.6.7.8,domain,,,,,,',
    ].join('\n');
    const run = parseCsv(text, { columns: { value: 'value', typeColumn: 'kind', firstSeen: 'first', lastSeen: 'last', confidence: 'conf', tlp: 'tlp', tags: 'tags', comment: ['why', 'kind'] } });
    expect(await run.all()).toEqual([
      {
        type: 'domain',
        value: 'evil.com',
        firstSeen: '2024-01-01T10:00:00.000Z',
        lastSeen: '2024-02-01T00:00:00.000Z',
        confidence: 80,
        tlp: 'amber',
        tags: ['phishing', 'kit'],
        comment: 'lure; hostname',
        sourceRef: 'line 2',
      },
      { type: 'ipv4', value: '1.2.3.4', comment: 'ip-dst', sourceRef: 'line 3' },
    ]);
    expect(run.report).toMatchObject({ itemsRead: 4, records: 2, skippedByKind: { 'type regkey': 1 }, rejectedByKind: { 'wrong-type': 1 } });
    expect(run.report.warnings).toContain('1 date(s) could not be read and were left out.');
  });

  it('short rows and empty values are bad rows', async () => {
    const run = parseCsv('a,b,c\n1.2.3.4,x\n,,\n5.6.7.8,,\n', { columns: { value: 2 }, header: 'first' });
    expect((await run.all()).map((r) => r.value)).toEqual([]);
    expect(run.report.samples.map((s) => s.reason)).toEqual(['The row has 2 column(s); the value is in column 3.', 'The value column is empty.', 'The value column is empty.']);
  });

  it('100,000 columns: the row is refused, quickly and whole', async () => {
    const wide = Array.from({ length: 100_000 }, (_, i) => (i === 0 ? '1.2.3.4' : 'x')).join(',');
    const quoted = Array.from({ length: 100_000 }, () => '"x"').join(',');
    const run = parseCsv(`v,c\n${wide}\n${quoted}\n9.9.9.9,ok\n`, { columns: { value: 'v' }, maxLineBytes: 1024 * 1024 });
    expect((await run.all()).map((r) => r.value)).toEqual(['9.9.9.9']);
    expect(run.report.rejectedByKind).toEqual({ 'bad-row': 2 });
    expect(run.report.samples[0]!.reason).toBe('The row has more than 1000 columns.');
    expect(run.report.samples[0]!.text.length).toBeLessThan(250);
  });

  it('a row with a NUL byte in an open quoted field breaks that record only', async () => {
    const run = parseCsv(Buffer.from('v,c\n1.1.1.1,"a\nb\u0000\n2.2.2.2,ok\n'), { columns: { value: 'v', comment: 'c' } });
    expect((await run.all()).map((r) => r.value)).toEqual(['2.2.2.2']);
    expect(run.report.rejectedByKind).toEqual({ binary: 1, 'bad-quotes': 1 });
  });
});
