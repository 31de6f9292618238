// The byte and line layers under every line format, on hostile input: byte-order marks,
// UTF-16, line ends, bytes that are not UTF-8, NUL bytes, a 50 MB line, gzip (cut short, or a
// bomb), the size cap, archives, failing sources, and chunk boundaries anywhere.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseList } from './list.js';
import { chunksAt } from './test-support.js';

const values = (records: Array<{ value: string }>): string[] => records.map((r) => r.value);

describe('text encodings', () => {
  it('drops a UTF-8 byte-order mark', async () => {
    const run = parseList(Buffer.from('\ufeff1.2.3.4\nevil.com\n', 'utf8'));
    expect(values(await run.all())).toEqual(['1.2.3.4', 'evil.com']);
    expect(run.report).toMatchObject({ bom: true, encoding: 'utf-8', status: 'complete', rejected: 0 });
  });

  it.each([
    ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1.2.3.4\r\nbücher.de\r\n', 'utf16le')])],
    ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('1.2.3.4\r\nbücher.de\r\n', 'utf16le').swap16()])],
  ])('reads %s with a byte-order mark', async (encoding, bytes) => {
    const run = parseList(bytes);
    expect(values(await run.all())).toEqual(['1.2.3.4', 'xn--bcher-kva.de']);
    expect(run.report).toMatchObject({ bom: true, encoding, rejected: 0 });
  });

  it('reads UTF-16LE without a byte-order mark, and says so', async () => {
    const run = parseList(Buffer.from('# list\n1.2.3.4\n', 'utf16le'));
    expect(values(await run.all())).toEqual(['1.2.3.4']);
    expect(run.report.encoding).toBe('utf-16le');
    expect(run.report.warnings.join()).toMatch(/no byte-order mark/);
  });

  it('UTF-16 split at odd byte offsets still decodes', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1.2.3.4\nevil.com\n', 'utf16le')]);
    const run = parseList(chunksAt(bytes, [1, 3, 8, 9, 21]));
    expect(values(await run.all())).toEqual(['1.2.3.4', 'evil.com']);
  });

  it('counts lines with bytes that are not UTF-8, and keeps what is still valid', async () => {
    const bytes = Buffer.concat([Buffer.from('1.2.3.4 caf'), Buffer.from([0xe9]), Buffer.from('\nevil'), Buffer.from([0xff]), Buffer.from('.com\n5.6.7.8\n')]);
    const run = parseList(bytes);
    const records = await run.all();
    expect(records).toEqual([
      { type: 'ipv4', value: '1.2.3.4', comment: 'caf\ufffd', sourceRef: 'line 1' },
      { type: 'ipv4', value: '5.6.7.8', sourceRef: 'line 3' },
    ]);
    expect(run.report).toMatchObject({ invalidUtf8Lines: 2, rejected: 1, rejectedByKind: { 'invalid-value': 1 } });
    expect(run.report.samples[0]).toMatchObject({ line: 2, text: 'evil\ufffd.com' });
  });

  it('reads lines that are not UTF-8 as latin-1 when asked', async () => {
    const bytes = Buffer.concat([Buffer.from('b'), Buffer.from([0xfc]), Buffer.from('cher.de # caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const run = parseList(bytes, { invalidUtf8: 'latin1' });
    expect(await run.all()).toEqual([{ type: 'domain', value: 'xn--bcher-kva.de', comment: 'café', sourceRef: 'line 1' }]);
    expect(run.report.invalidUtf8Lines).toBe(1);
  });

  it('a valid U+FFFD in the text is not counted as a bad byte', async () => {
    const run = parseList('1.2.3.4 \ufffd ok\n');
    await run.all();
    expect(run.report.invalidUtf8Lines).toBe(0);
  });
});

describe('line ends', () => {
  it('takes LF, CRLF, lone CR and a missing last line end', async () => {
    const run = parseList('1.1.1.1\r\n2.2.2.2\r3.3.3.3\n\r\n4.4.4.4');
    const records = await run.all();
    expect(records.map((r) => `${r.sourceRef}=${r.value}`)).toEqual(['line 1=1.1.1.1', 'line 2=2.2.2.2', 'line 3=3.3.3.3', 'line 5=4.4.4.4']);
    expect(run.report).toMatchObject({ linesRead: 5, blankLines: 1 });
  });

  it('a CRLF cut between two chunks is one line end', async () => {
    const run = parseList(chunksAt(Buffer.from('1.1.1.1\r\n2.2.2.2\r\n'), [8]));
    const records = await run.all();
    expect(records.map((r) => r.sourceRef)).toEqual(['line 1', 'line 2']);
    expect(run.report.blankLines).toBe(0);
  });

  it('gives the same records and counts however the input is cut into chunks', async () => {
    const text = '\ufeff# feed\r\n1.2.3.4\r\nbad..value\n\r\nhxxp://evil[.]com/a#b\r5.6.7.8,comment\n' + 'x'.repeat(300) + '\n2001:db8::1';
    const bytes = Buffer.from(text, 'utf8');
    const reference = parseList(bytes, { maxLineBytes: 100 });
    const expected = await reference.all();
    const { samples, ...counts } = reference.report;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const run = parseList(chunksAt(bytes, cuts), { maxLineBytes: 100 });
        expect(await run.all()).toEqual(expected);
        expect(run.report).toMatchObject(counts);
        expect(run.report.samples).toEqual(samples);
      }),
      { numRuns: 150 },
    );
    expect(counts).toMatchObject({ linesRead: 8, records: 4, rejected: 2, bom: true });
  });
});

describe('hostile lines', () => {
  it('rejects lines with NUL bytes and reads the rest', async () => {
    const run = parseList(Buffer.from('1.2.3.4\n5.6\u0000.7.8\n\u0000\u0000\u0000\n9.9.9.9\n', 'utf8'));
    expect(values(await run.all())).toEqual(['1.2.3.4', '9.9.9.9']);
    expect(run.report.rejectedByKind).toEqual({ binary: 2 });
    expect(run.report.samples[0]!.text).toBe('5.6\\x00.7.8');
  });

  it('skips a 50 MB line as it streams past, without holding it', async () => {
    const mib = Buffer.alloc(1024 * 1024, 'a');
    async function* input(): AsyncGenerator<Buffer> {
      yield Buffer.from('1.1.1.1\nhttp://evil.com/');
      for (let i = 0; i < 50; i++) yield mib;
      yield Buffer.from('\n2.2.2.2\n');
    }
    const run = parseList(input());
    let batches = 0;
    const records = [];
    for await (const batch of run) {
      batches += 1;
      records.push(...batch);
    }
    expect(values(records)).toEqual(['1.1.1.1', '2.2.2.2']);
    expect(batches).toBeGreaterThan(0);
    expect(run.report.rejectedByKind).toEqual({ 'too-long': 1 });
    const sample = run.report.samples[0]!;
    expect(sample).toMatchObject({ kind: 'too-long', line: 2 });
    expect(sample.reason).toContain(`${50 * 1024 * 1024 + 16} bytes`);
    expect(sample.text.length).toBeLessThan(260);
    expect(sample.text.startsWith('http://evil.com/aaa')).toBe(true);
    expect(run.report.linesRead).toBe(3);
  });

  it('takes a line of exactly maxLineBytes and refuses one byte more', async () => {
    const ok = `${'a'.repeat(26)}.com`; // 30 bytes
    const run = parseList(`${ok}\nb${ok}\n`, { maxLineBytes: 30 });
    expect(values(await run.all())).toEqual([ok]);
    expect(run.report.rejectedByKind).toEqual({ 'too-long': 1 });
  });

  it('a too-long last line without a line end is still refused', async () => {
    const run = parseList(chunksAt(Buffer.from(`1.1.1.1\n${'b'.repeat(50)}`), [10, 20, 30]), { maxLineBytes: 20 });
    expect(values(await run.all())).toEqual(['1.1.1.1']);
    expect(run.report).toMatchObject({ status: 'complete', rejectedByKind: { 'too-long': 1 }, linesRead: 2 });
  });

  it('escapes control characters in samples', async () => {
    const run = parseList('\u001b[31mevil\u0007.com\n');
    await run.all();
    expect(run.report.samples[0]!.text).toBe('\\x1b[31mevil\\x07.com');
  });
});

describe('gzip', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`).join('\n') + '\n';
  const gz = gzipSync(Buffer.from(text));

  it('is found by its magic bytes and inflated as it streams', async () => {
    const run = parseList(chunksAt(gz, [1, 100, 1000]));
    const records = await run.all();
    expect(records).toHaveLength(2000);
    expect(records[1999]!.value).toBe('10.7.207.1');
    expect(run.report).toMatchObject({ compression: 'gzip', status: 'complete', bytesRead: text.length });
  });

  it('cut short: the run fails, and only whole lines read before the cut come out', async () => {
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const run = parseList(cut);
    const records = await run.all();
    expect(run.report.status).toBe('failed');
    expect(run.report.failure).toMatchObject({ kind: 'truncated-gzip' });
    expect(run.report.failure!.message).toMatch(/cut short/);
    const lines = new Set(text.split('\n'));
    for (const r of records) expect(lines.has(r.value)).toBe(true);
    // The half line at the cut is refused, not read as a shorter address.
    expect(records.length + (run.report.rejectedByKind.truncated ?? 0)).toBe(run.report.linesRead);
    expect(records.map((r) => r.value)).toEqual(text.split('\n').slice(0, records.length));
  });

  it('corrupt data fails the run', async () => {
    const bad = Buffer.from(gz);
    bad.fill(0x55, 40, 80);
    const run = parseList(bad);
    await run.all();
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'truncated-gzip' } });
  });

  it('a gzip bomb stops at maxBytes', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, '1.2.3.4\n'));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const run = parseList(bomb, { maxBytes: 4 * 1024 * 1024 });
    let records = 0;
    for await (const batch of run) records += batch.length;
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'too-large' }, bytesRead: 4 * 1024 * 1024 });
    expect(run.report.failure!.message).toMatch(/after decompression/);
    expect(records).toBe((4 * 1024 * 1024) / 8);
  });
});

describe('size, sources and archives', () => {
  it('stops at maxBytes and refuses the line it cut', async () => {
    const run = parseList('1.1.1.1\n2.2.2.2\n3.3.3.3\n', { maxBytes: 20 });
    expect(values(await run.all())).toEqual(['1.1.1.1', '2.2.2.2']);
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'too-large' }, bytesRead: 20, rejectedByKind: { truncated: 1 } });
  });

  it('a source that fails is a failed run, with what was read before', async () => {
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('1.1.1.1\n2.2.2.');
      throw new Error('connection reset');
    }
    const run = parseList(source());
    expect(values(await run.all())).toEqual(['1.1.1.1']);
    expect(run.report.failure).toEqual({ kind: 'read-error', message: 'Reading the input failed after 14 bytes: connection reset' });
  });

  it.each([
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0, 0]],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ])('refuses %s', async (_name, magic) => {
    const run = parseList(Buffer.from([...magic, 1, 2, 3]));
    expect(await run.all()).toEqual([]);
    expect(run.report).toMatchObject({ status: 'failed', failure: { kind: 'unsupported-compression' } });
  });

  it('an empty input is an empty, complete run', async () => {
    const run = parseList(Buffer.alloc(0));
    expect(await run.all()).toEqual([]);
    expect(run.report).toMatchObject({ status: 'complete', linesRead: 0 });
  });

  it('takes strings, Uint8Arrays and iterables of either', async () => {
    for (const input of ['1.1.1.1\n', new Uint8Array(Buffer.from('1.1.1.1\n')), ['1.1.', '1.1\n'], [new Uint8Array([0x31, 0x2e]), '1.1.1\n']]) {
      expect(values(await parseList(input).all())).toEqual(['1.1.1.1']);
    }
  });

  it('a run is read once', async () => {
    const run = parseList('1.1.1.1\n');
    await run.all();
    expect(() => run[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('refuses nonsense limits', () => {
    expect(() => parseList('x', { maxBytes: -1 })).toThrow(RangeError);
    expect(() => parseList('x', { maxLineBytes: 1.5 })).toThrow(RangeError);
  });
});
