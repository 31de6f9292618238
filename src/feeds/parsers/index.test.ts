// parseFeed dispatches on a stored feed configuration's format.
import { describe, expect, it } from 'vitest';
import { feedFormats, parseFeed, type FeedFormat } from './index.js';

describe('parseFeed', () => {
  it.each<[FeedFormat, string]>([
    [{ format: 'list', type: 'ip' }, '1.2.3.4\n'],
    [{ format: 'csv', columns: { value: 'ip' } }, 'ip\n1.2.3.4\n'],
    [{ format: 'text' }, 'seen 1.2.3[.]4 today'],
    [{ format: 'misp-event' }, JSON.stringify({ Event: { Attribute: [{ type: 'ip-dst', value: '1.2.3.4' }] } })],
    [{ format: 'stix' }, JSON.stringify({ type: 'bundle', objects: [{ type: 'ipv4-addr', id: 'ipv4-addr--1', value: '1.2.3.4' }] })],
  ])('%o', async (spec, input) => {
    const run = parseFeed(input, spec);
    expect((await run.all()).map((r) => `${r.type} ${r.value}`)).toEqual(['ipv4 1.2.3.4']);
    expect(run.report).toMatchObject({ format: spec.format, status: 'complete' });
  });

  it('covers every format and refuses unknown ones', () => {
    expect(feedFormats).toEqual(['list', 'csv', 'text', 'misp-event', 'stix']);
    expect(() => parseFeed('', { format: 'xml' } as never)).toThrow(/Unknown feed format "xml"/);
  });
});
