// Every registered writer fed hostile values, titles and names: whatever goes in, each item's
// text is whole lines (none empty, none split by a stray CR or line separator), nothing
// non-canonical gets through, and what a writer declares it cannot carry it never writes.
// The format's own grammar is checked in its own test file; this is what all share.
import { describe, expect, it } from 'vitest';
import { normaliseObservable } from '../../stix/observables.js';
import { formatIds, formatWriter, formatWriters, isFormatId } from './index.js';
import { hostileCtx, hostileItems, representativeItems, testCtx } from '../../test/export-items.js';

const csvLike = new Set(['csv', 'splunk-csv']);

describe('all format writers', () => {
  it('are listed by id, with the ids allowed for a 400 answer', () => {
    expect(formatIds).toEqual(['edl-ip', 'edl-domain', 'edl-url', 'edl-hash', 'suricata', 'suricata-iprep', 'zeek', 'rpz', 'hosts', 'csv', 'splunk-csv', 'ecs-ndjson']);
    expect(new Set(formatIds).size).toBe(formatIds.length);
    expect(formatWriter('zeek')?.id).toBe('zeek');
    expect(formatWriter('nope')).toBeUndefined();
    expect(isFormatId('rpz')).toBe(true);
    expect(isFormatId('toString')).toBe(false);
    for (const w of formatWriters) {
      expect(w.types.length).toBeGreaterThan(0);
      for (const t of w.types) expect(w.supports(t)).toBe(true);
      expect(w.contentType).toMatch(/^[a-z]+\/[a-z0-9.+-]+(?:; charset=utf-8)?$/);
      expect(w.fileExtension).toMatch(/^[a-z]+$/);
    }
  });

  it('write every representative value they say they support', () => {
    for (const w of formatWriters) {
      const ctx = { ...testCtx };
      w.header(ctx);
      for (const item of representativeItems) {
        const out = w.line(item, ctx);
        if (!w.supports(item.type)) expect(out, `${w.id} wrote a ${item.type}`).toBeNull();
      }
      const written = representativeItems.filter((i) => w.line(i, { ...testCtx }) !== null);
      expect(written.length, w.id).toBeGreaterThan(0);
    }
  });

  it('keep every item to whole lines and refuse non-canonical values, whatever the values, titles and names', () => {
    const items = hostileItems();
    for (const w of formatWriters) {
      for (const base of [testCtx, hostileCtx]) {
        const ctx = { ...base, domainWildcards: true };
        const terminator = csvLike.has(w.id) ? '\r\n' : '\n';
        const chunks = [w.header(ctx), ...items.map((i) => w.line(i, ctx)), w.footer(ctx)];
        let written = 0;
        for (const [n, chunk] of chunks.entries()) {
          if (chunk === null || chunk === '') continue;
          const item = n > 0 && n <= items.length ? items[n - 1]! : null;
          if (item) {
            written++;
            expect(w.supports(item.type), `${w.id} wrote an unsupported ${item.type}`).toBe(true);
            expect(normaliseObservable(item.type, item.value), `${w.id} wrote a non-canonical value`).toBe(item.value);
          }
          expect(chunk.endsWith(terminator), `${w.id}: ${JSON.stringify(chunk.slice(-80))}`).toBe(true);
          const lines = chunk.slice(0, -terminator.length).split(terminator);
          for (const line of lines) {
            // A header may hold blank separator lines; an item never does.
            if (item) expect(line.length, `${w.id} wrote an empty line`).toBeGreaterThan(0);
            expect(line, `${w.id}: a line break inside a line`).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
            expect(line, `${w.id}: a lone surrogate`).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
            // The CSVs carry a value exactly as it is; everything else has no bidi control left.
            if (!csvLike.has(w.id)) expect(line, `${w.id}: a bidi control`).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
          }
        }
        expect(written, w.id).toBeGreaterThan(0);
      }
    }
  });
});
