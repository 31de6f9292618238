// The streaming bundle reader on good, odd and hostile input: chunk boundaries anywhere,
// envelopes, wrong types, truncation, bad UTF-8, huge or deep elements, random bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleFormatError, readBundle, SkippedElement, type ReaderOptions } from './bundle-reader.js';

/** The bytes in chunks of the given size (1 splits every character, escapes and UTF-8 sequences). */
async function* chunks(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(text: string | Buffer, size = 64 * 1024, options: ReaderOptions = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const group of readBundle(chunks(text, size), options)) out.push(...group);
  return out;
}

async function failure(text: string | Buffer, size = 7): Promise<BundleFormatError> {
  try {
    await readAll(text, size);
  } catch (err) {
    expect(err).toBeInstanceOf(BundleFormatError);
    return err as BundleFormatError;
  }
  throw new Error('expected a BundleFormatError');
}

const objects = [
  { type: 'indicator', id: 'indicator--1', name: 'Ünïcödé “quotes” \u2028 and \\ "escapes" \ud83d\ude00', n: -1.5e3, nested: { a: [1, { b: null }], t: true, f: false } },
  { type: 'x-custom', id: 'x-custom--2', __proto__x: 1, list: [] },
];

describe('readBundle', () => {
  it('returns every element exactly as JSON.parse would, whatever the chunk size', async () => {
    const text = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects, extra: { deep: [1, [2, { x: 'objects' }]] } }, null, '\t');
    for (const size of [1, 2, 3, 7, 64, 100_000]) expect(await readAll(text, size), `chunk ${size}`).toEqual(JSON.parse(text).objects);
  });

  it('accepts keys in any order, a byte-order mark, a TAXII envelope without "type", and an empty list', async () => {
    expect(await readAll(`\ufeff{"objects":[{"id":"a"}],"id":"bundle--x","type":"bundle"}`)).toEqual([{ id: 'a' }]);
    expect(await readAll('{"objects":[1,"two",null,true,[3]]}')).toEqual([1, 'two', null, true, [3]]);
    expect(await readAll('{"type":"bundle","objects":[]}')).toEqual([]);
  });

  it('keeps a "__proto__" key as data and never touches the prototype', async () => {
    const [item] = (await readAll('{"objects":[{"__proto__":{"polluted":1},"id":"x"}]}')) as Array<Record<string, unknown>>;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(item!)).toContain('__proto__');
  });

  it('reports the bytes read as it goes', async () => {
    const text = JSON.stringify({ type: 'bundle', objects });
    const seen: number[] = [];
    await readAll(text, 10, { onBytes: (b) => seen.push(b) });
    expect(seen[seen.length - 1]).toBe(Buffer.byteLength(text));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses what is not a bundle with a reason a person can act on', async () => {
    expect((await failure('')).message).toBe('the file is empty');
    expect((await failure('   \n')).message).toBe('the file is empty');
    expect((await failure('[{"type":"bundle"}]')).message).toMatch(/it is a list, not a JSON object/);
    expect((await failure('"bundle"')).message).toMatch(/it is a string/);
    expect((await failure('{"type":"indicator","id":"indicator--1"}')).message).toMatch(/"type" is "indicator", not "bundle"/);
    expect((await failure('{"type":"bundle","id":"bundle--1"}')).message).toBe('it has no "objects" list');
    expect((await failure('{"type":"bundle","objects":{"a":1}}')).message).toMatch(/"objects" is an object, not a list/);
    expect((await failure('{"objects":[],"objects":[]}')).message).toMatch(/two "objects" lists/);
  });

  it('says where malformed JSON is, and that a cut-short file was cut short', async () => {
    const good = JSON.stringify({ type: 'bundle', objects: [{ id: 'a' }, { id: 'b' }] });
    const broken = await failure(good.replace('{"id":"b"}', '{"id":"b"}}'), 1000);
    expect(broken.message).toMatch(/^malformed JSON between bytes 0 and \d+/);
    const cut = await failure(good.slice(0, good.length - 3), 1000);
    expect(cut.message).toMatch(/ends before the bundle does/);
    expect((await failure(`${good} {}`)).message).toMatch(/malformed JSON/);
    expect((await failure('{"objects":[{"a":1},]}')).message).toMatch(/malformed JSON/);
    expect((await failure("{'objects':[]}")).message).toMatch(/malformed JSON/);
    expect((await failure('{"objects":[NaN]}')).message).toMatch(/malformed JSON/);
  });

  it('yields the elements before the point where the file breaks', async () => {
    const text = `{"type":"bundle","objects":[{"id":"a"},{"id":"b"},{"id":`;
    const got: unknown[] = [];
    await expect(async () => {
      for await (const group of readBundle(chunks(text, 5))) got.push(...group);
    }).rejects.toThrow(/cut short/);
    expect(got).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const bad = Buffer.concat([Buffer.from('{"objects":[{"name":"'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}]}')]);
    expect((await failure(bad, 4)).message).toMatch(/not UTF-8/);
    const latin1 = Buffer.from('{"objects":[{"name":"café"}]}', 'latin1');
    expect((await failure(latin1, 100)).message).toMatch(/not UTF-8/);
  });

  it('skips an element too large or too deep to be a STIX object, naming it, and goes on', async () => {
    const wide = { id: 'indicator--wide', type: 'indicator', values: Array.from({ length: 50 }, (_, i) => i) };
    let deep: unknown = 'bottom';
    for (let i = 0; i < 30; i++) deep = [deep];
    const text = JSON.stringify({ objects: [{ id: 'first' }, wide, { type: 'x', deep, id: 'deep--1' }, { id: 'last' }] });
    const got = await readAll(text, 13, { maxElementValues: 40, maxElementDepth: 20 });
    expect(got).toHaveLength(4);
    expect(got[0]).toEqual({ id: 'first' });
    expect(got[1]).toBeInstanceOf(SkippedElement);
    expect(got[1]).toMatchObject({ index: 1, id: 'indicator--wide' });
    expect((got[1] as SkippedElement).reason).toMatch(/more than 40 values/);
    expect(got[2]).toMatchObject({ index: 2, id: 'deep--1' });
    expect((got[2] as SkippedElement).reason).toMatch(/nested more than 20 levels/);
    expect(got[3]).toEqual({ id: 'last' });
  });

  it('survives hostile nesting a million levels deep without overflowing the stack', async () => {
    const depth = 1_000_000;
    const text = `{"objects":[${'['.repeat(depth)}${']'.repeat(depth)},{"id":"after"}]}`;
    const got = await readAll(text, 1 << 16);
    expect(got[0]).toBeInstanceOf(SkippedElement);
    expect(got[1]).toEqual({ id: 'after' });
  });

  it('never throws anything but BundleFormatError on random input, and agrees with JSON.parse when it succeeds', async () => {
    const alphabet = ['{', '}', '[', ']', '"objects"', '"type"', '"bundle"', ':', ',', '1', '"x"', 'null', ' ', '\\', '"'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (parts, size) => {
        const text = parts.join('');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        try {
          const got = await readAll(text, size);
          expect(parsed).toBeDefined();
          expect(got).toEqual((parsed as { objects: unknown[] }).objects);
        } catch (err) {
          if (!(err instanceof BundleFormatError)) throw err;
        }
      }),
      { numRuns: 1500 },
    );
  });
});
