// Plain lists: the real feeds in ../shared/data/feeds with counts checked by hand (grep),
// and the shapes lists come in: comments, second columns, footers, headers, defanged values.
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseList } from './list.js';
import { countBy, sharedFile } from './test-support.js';
import type { ParseReport } from './types.js';

const firehol = sharedFile('feeds/firehol_level1.netset', 'the FireHOL list test');
const maltrail = sharedFile('feeds/maltrail-agenttesla.txt', 'the Maltrail trail test');
const phishunt = sharedFile('feeds/phishunt-urls.txt', 'the phishunt URL list test');
const bazaar = sharedFile('feeds/malwarebazaar-recent-md5-2023-11-23.txt', 'the MalwareBazaar MD5 list test');

/** Every line of a list is accounted for exactly once. */
function expectBalanced(r: ParseReport): void {
  expect(r.commentLines + r.blankLines + r.records + r.rejected + r.skipped).toBe(r.linesRead);
  expect(r.records + r.rejected + r.skipped).toBeGreaterThanOrEqual(r.itemsRead);
}

describe('real feeds', () => {
  // grep -v '^#' | grep -c /  → 2341;  grep -v '^#' | grep -vc /  → 403;  33 comment lines.
  it.skipIf(!firehol.present)('FireHOL level1: 2,341 ranges and 403 addresses, bogons included', async () => {
    const run = parseList(createReadStream(firehol.file), { type: 'ip' });
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ cidr: 2341, ipv4: 403 });
    expect(run.report).toMatchObject({ status: 'complete', linesRead: 2777, commentLines: 33, records: 2744, rejected: 0 });
    expect(records[0]).toEqual({ type: 'cidr', value: '0.0.0.0/8', sourceRef: 'line 34' });
    expect(records.at(-1)).toEqual({ type: 'cidr', value: '224.0.0.0/3', sourceRef: 'line 2777' });
    expect(records.find((r) => r.value === '10.0.0.0/8')).toBeDefined();
    expectBalanced(run.report);
  });

  // 1,985 entries: 1,193 domains, 298 IP:port, 212 URLs (156 with a scheme, 56 host/path) and
  // 282 bare paths, which are counted and skipped: a path alone is not an indicator here.
  it.skipIf(!maltrail.present)('Maltrail AgentTesla trail: domains, IP:port, URLs; bare paths skipped', async () => {
    const run = parseList(createReadStream(maltrail.file));
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ domain: 1193, ipv4: 298, url: 212 });
    expect(run.report).toMatchObject({ linesRead: 4105, commentLines: 859, blankLines: 1261, records: 1703, skipped: 282, skippedByKind: { 'url-path': 282 }, rejected: 0 });
    expect(records).toContainEqual({ type: 'ipv4', value: '190.97.166.194', comment: 'On port 8080', sourceRef: 'line 32' });
    expect(records).toContainEqual({ type: 'url', value: 'ftp://ftp.fasttradeco.com', sourceRef: 'line 21' });
    expect(records).toContainEqual({ type: 'url', value: 'http://37.59.117.243', sourceRef: 'line 17' });
    // Lines like `///…/atom.xml` are paths, not `//` comments.
    expect(run.report.commentLines).toBe(859);
    expectBalanced(run.report);
  });

  it.skipIf(!phishunt.present)('phishunt: 778 URLs, fragments kept, no trailing newline', async () => {
    const run = parseList(createReadStream(phishunt.file), { type: 'url' });
    const records = await run.all();
    expect(records).toHaveLength(778);
    expect(run.report).toMatchObject({ linesRead: 778, rejected: 0 });
    expect(records.at(-1)).toEqual({ type: 'url', value: 'http://trezore-started-get.webflow.io', sourceRef: 'line 778' });
    expect(Math.max(...records.map((r) => r.value.length))).toBe(1059);
    expect(records.filter((r) => r.value.includes('#')).length).toBeGreaterThan(0);
    expectBalanced(run.report);
  });

  it.skipIf(!bazaar.present)('MalwareBazaar: 507 MD5 hashes, though the footer says 506', async () => {
    const run = parseList(createReadStream(bazaar.file), { type: 'md5' });
    const records = await run.all();
    expect(countBy(records, (r) => r.type)).toEqual({ md5: 507 });
    expect(run.report).toMatchObject({ linesRead: 517, commentLines: 10, rejected: 0 });
    expect(records[0]!.value).toBe('98516400e20d10be5d0f6e2462e33df3');
    expectBalanced(run.report);
  });
});

describe('list shapes', () => {
  it('reads comments, second columns and footers', async () => {
    const text = [
      '# banner',
      '; also a comment',
      '// and this',
      '   ',
      '1.2.3.4 # scanner',
      '5.6.7.8\tbrute force',
      '9.9.9.9,spam',
      '10.0.0.1;internal',
      'evil.com # phishing kit',
      '1.10.16.0/20 ; SBL256894',
      'http://evil.com/a,b#frag',
      'http://evil.com/x comment after the url',
      '# END (7) entries',
    ].join('\n');
    const run = parseList(text);
    expect((await run.all()).map((r) => [r.value, r.comment ?? ''])).toEqual([
      ['1.2.3.4', 'scanner'],
      ['5.6.7.8', 'brute force'],
      ['9.9.9.9', 'spam'],
      ['10.0.0.1', 'internal'],
      ['evil.com', 'phishing kit'],
      ['1.10.16.0/20', 'SBL256894'],
      ['http://evil.com/a,b#frag', ''],
      ['http://evil.com/x', 'comment after the url'],
    ]);
    expect(run.report).toMatchObject({ commentLines: 4, blankLines: 1, rejected: 0 });
    expectBalanced(run.report);
  });

  it('skips an uncommented column name on the first data line', async () => {
    const run = parseList('# feed\nip_address\n1.2.3.4\nip_address\n');
    expect((await run.all()).map((r) => r.value)).toEqual(['1.2.3.4']);
    expect(run.report.warnings).toEqual(['Line 2 ("ip_address") looks like a column header and was skipped.']);
    // Only the first one: later, the same word is a bad line.
    expect(run.report.rejectedByKind).toEqual({ unrecognised: 1 });
  });

  it('counts malformed ranges, IPs and IDNs with reasons and line numbers, and goes on', async () => {
    const run = parseList(['10.0.0.0/33', '10.0.0.0/8', '256.1.1.1', 'xn--a.com', 'bücher.de', '2001:db8::g', '1.2.3.4'].join('\n'));
    expect((await run.all()).map((r) => r.value)).toEqual(['10.0.0.0/8', 'xn--bcher-kva.de', '1.2.3.4']);
    expect(run.report.rejectedByKind).toEqual({ 'invalid-value': 4 });
    expect(run.report.samples.map((s) => [s.line, s.text])).toEqual([
      [1, '10.0.0.0/33'],
      [3, '256.1.1.1'],
      [4, 'xn--a.com'],
      [6, '2001:db8::g'],
    ]);
  });

  it('refangs defanged values', async () => {
    const run = parseList('hxxp://evil[.]com/gate.php\nevil[.]org\n198.51.100[.]7\nbad[@]evil[.]net\n');
    expect((await run.all()).map((r) => `${r.type} ${r.value}`)).toEqual(['url http://evil.com/gate.php', 'domain evil.org', 'ipv4 198.51.100.7', 'email bad@evil.net']);
  });

  it('a declared type refuses other values as wrong-type', async () => {
    const run = parseList('1.2.3.4\nevil.com\n10.0.0.0/8\n', { type: 'ipv4' });
    expect((await run.all()).map((r) => r.value)).toEqual(['1.2.3.4']);
    expect(run.report.rejectedByKind).toEqual({ 'wrong-type': 2 });
  });

  it('keeps no more than 25 samples, at most 10 of a kind, and counts every rejection', async () => {
    const lines = [...Array.from({ length: 40 }, () => '999.1.1.1'), ...Array.from({ length: 40 }, () => 'nothing'), ...Array.from({ length: 40 }, () => '/path')];
    const run = parseList(lines.join('\n'));
    await run.all();
    expect(run.report.rejected).toBe(80);
    expect(run.report.skipped).toBe(40);
    expect(run.report.samples).toHaveLength(20);
    expect(countBy(run.report.samples, (s) => s.kind)).toEqual({ 'invalid-value': 10, unrecognised: 10 });
    expectBalanced(run.report);
  });

  it('reads a million-line list in batches, not all at once', async () => {
    async function* source(): AsyncGenerator<string> {
      for (let i = 0; i < 100; i++) yield Array.from({ length: 10_000 }, (_, j) => `10.${i}.${j >> 8}.${j & 255}`).join('\n') + '\n';
    }
    const run = parseList(source());
    let records = 0;
    let largest = 0;
    for await (const batch of run) {
      records += batch.length;
      largest = Math.max(largest, batch.length);
    }
    expect(records).toBe(1_000_000);
    expect(largest).toBeLessThan(20_000);
    expect(run.report).toMatchObject({ status: 'complete', records: 1_000_000, rejected: 0 });
  });
});
