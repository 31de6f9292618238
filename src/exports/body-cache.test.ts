// The export body cache on a real folder: a body is kept only when it went through to the end,
// is found again by its ETag and encoding, replaces the export's older bodies, and a cache
// that cannot write never breaks the body on its way to the device.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingTee, openCachedBody, purgeCachedBodies, type BodyCounts } from './body-cache.js';

const exportId = '6b1f3c1e-8a55-4c1e-9d7e-0d2a4b6c8e10';
const counts: BodyCounts = { values: 3, skipped: 1, byType: { ipv4: 3 } };

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

describe('export body cache', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tocsin-body-cache-'));
    dir = path.join(root, 'export-cache');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const render = async (etag: string, encoding: 'identity' | 'gzip', body: string[]) => {
    const errors: unknown[] = [];
    const out = new PassThrough();
    const read = text(out);
    await pipeline(Readable.from(body.map((b) => Buffer.from(b))), cachingTee(dir, exportId, etag, encoding, () => counts, (e) => errors.push(e)), out);
    return { sent: await read, errors };
  };

  it('keeps a body that went through, finds it by ETag and encoding, and replaces older ones', async () => {
    const { sent, errors } = await render('"v1"', 'identity', ['1.2.3.4\n', '5.6.7.8\n']);
    expect(sent).toBe('1.2.3.4\n5.6.7.8\n');
    expect(errors).toEqual([]);
    const hit = await openCachedBody(dir, exportId, '"v1"', 'identity');
    expect(hit?.counts).toEqual(counts);
    expect(await text(hit!.body)).toBe(sent);
    expect(await openCachedBody(dir, exportId, '"v1"', 'gzip')).toBeNull();
    expect(await openCachedBody(dir, exportId, '"v2"', 'identity')).toBeNull();

    await render('"v1"', 'gzip', ['zipped']);
    expect(await openCachedBody(dir, exportId, '"v1"', 'identity')).not.toBeNull(); // both encodings of one ETag stay
    await render('"v2"', 'identity', ['9.9.9.9\n']);
    expect(await openCachedBody(dir, exportId, '"v1"', 'identity')).toBeNull();
    expect(await openCachedBody(dir, exportId, '"v1"', 'gzip')).toBeNull();
    expect(await text((await openCachedBody(dir, exportId, '"v2"', 'identity'))!.body)).toBe('9.9.9.9\n');

    await purgeCachedBodies(dir, exportId);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps nothing of a body cut off half-way', async () => {
    async function* body() {
      yield Buffer.from('1.2.3.4\n');
      throw new Error('the store went away');
    }
    const tee = cachingTee(dir, exportId, '"v1"', 'identity', () => counts, () => {});
    await expect(pipeline(Readable.from(body()), tee, new PassThrough().resume())).rejects.toThrow('the store went away');
    // The temporary file goes asynchronously after the stream is destroyed.
    for (let i = 0; i < 50 && (await readdir(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await readdir(dir)).toEqual([]);
    expect(await openCachedBody(dir, exportId, '"v1"', 'identity')).toBeNull();
  });

  it('sends but does not keep a body larger than the limit', async () => {
    const out = new PassThrough();
    const read = text(out);
    const tee = cachingTee(dir, exportId, '"big"', 'identity', () => counts, () => {}, 10);
    await pipeline(Readable.from([Buffer.from('1.2.3.4\n'), Buffer.from('5.6.7.8\n')]), tee, out);
    expect(await read).toBe('1.2.3.4\n5.6.7.8\n');
    for (let i = 0; i < 50 && (await readdir(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await readdir(dir)).toEqual([]);
    expect(await openCachedBody(dir, exportId, '"big"', 'identity')).toBeNull();
  });

  it('still sends the body when the folder cannot be written', async () => {
    // A file where the folder should be: mkdir and every write fail.
    writeFileSync(dir, 'not a folder');
    const { sent, errors } = await render('"v1"', 'identity', ['1.2.3.4\n', '5.6.7.8\n']);
    expect(sent).toBe('1.2.3.4\n5.6.7.8\n');
    expect(errors.length).toBe(1);
    expect(await openCachedBody(dir, exportId, '"v1"', 'identity')).toBeNull();
  });
});
