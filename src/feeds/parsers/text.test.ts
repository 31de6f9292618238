// Free-text mode on the real defanged Unit 42 IOC note, and on text made to mislead.
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from './text.js';
import { countBy, sharedFile } from './test-support.js';

const unit42 = sharedFile('feeds/unit42-2025-01-22-IOCs-fake-Microsoft-Teams-site-defanged.txt', 'the free-text test on a real defanged IOC note');

describe.skipIf(!unit42.present)('Unit 42 IOC note (real, defanged)', () => {
  it('finds its 14 defanged URLs, 3 reference links, IPs with ports and 6 SHA-256, each once', async () => {
    const run = parseText(createReadStream(unit42.file));
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ url: 17, sha256: 6, ipv4: 3, domain: 1 });
    expect(records).toContainEqual({ type: 'ipv4', value: '82.221.136.26', comment: 'On port 443', sourceRef: 'line 32' });
    expect(records).toContainEqual({ type: 'ipv4', value: '45.125.66.32', comment: 'On port 2917', sourceRef: 'line 68' });
    expect(records).toContainEqual({ type: 'domain', value: 'burleson-appliance.net', sourceRef: 'line 17' });
    expect(records).toContainEqual({ type: 'url', value: 'http://5.252.153.241:80/api/file/get-file/264872', sourceRef: 'line 42' });
    expect(run.report).toMatchObject({ status: 'complete', linesRead: 107, records: 27, skippedByKind: { duplicate: 38 } });
    // File names (TV.dll, skqllz.ps1) and dates are not indicators.
    for (const r of records.filter((x) => x.type !== 'url')) expect(r.value).not.toMatch(/\.(dll|ps1|exe|lnk)$/);
  });

  it('defangedOnly keeps what the author defanged (and hashes), not the reference links', async () => {
    const run = parseText(createReadStream(unit42.file), { defangedOnly: true });
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ url: 14, sha256: 6, ipv4: 2, domain: 1 });
    expect(records.some((r) => r.value.includes('urlscan.io') || r.value.includes('linkedin.com'))).toBe(false);
    // The one IP:port the author forgot to defang is left out too: the price of the rule.
    expect(records.some((r) => r.value === '82.221.136.26')).toBe(false);
    expect(run.report.skippedByKind['not-defanged']).toBe(5);
  });
});

describe('hostile text', () => {
  it('refangs, types and dedupes across lines', async () => {
    const run = parseText('Seen hxxp://evil[.]example/a and evil[.]example\nagain: hxxp://evil[.]example/a from 203.0.113[.]9:8443\n');
    expect(await run.all()).toEqual([
      { type: 'url', value: 'http://evil.example/a', sourceRef: 'line 1' },
      { type: 'domain', value: 'evil.example', sourceRef: 'line 1' },
      { type: 'ipv4', value: '203.0.113.9', comment: 'On port 8443', sourceRef: 'line 2' },
    ]);
    expect(run.report.skippedByKind).toEqual({ duplicate: 1 });
  });

  it('survives bracket soup, long tokens and binary lines', async () => {
    const soup = '[[(.)]{dot}] '.repeat(3000);
    const run = parseText(Buffer.concat([Buffer.from(`${soup}\n${'f'.repeat(60_000)}\nok evil[.]com\n`), Buffer.from([0, 1, 2, 0x0a])]));
    expect(await run.all()).toEqual([{ type: 'domain', value: 'evil.com', sourceRef: 'line 3' }]);
    expect(run.report.rejectedByKind).toEqual({ binary: 1 });
  });
});
