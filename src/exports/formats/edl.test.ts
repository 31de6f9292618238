// External dynamic lists against the PAN-OS list grammar: one entry a line, IP lists of
// addresses and ranges, domain lists of names (with the optional wildcard), URL lists of
// `host/path` without the scheme, and nothing a firewall would read as a comment or wildcard.
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIp } from '../../stix/ip.js';
import { normaliseHostname } from '../../stix/observables.js';
import { edlDomain, edlHash, edlIp, edlUrl, edlUrlMaxLength } from './edl.js';
import { hostileItems, makeItem, representativeItems, testCtx } from '../../test/export-items.js';
import type { FormatWriter } from './types.js';

function render(writer: FormatWriter, items = representativeItems, ctx = testCtx): string {
  return writer.header(ctx) + items.map((i) => writer.line(i, ctx) ?? '').join('') + writer.footer(ctx);
}

const entryGrammar: Record<string, (entry: string) => boolean> = {
  'edl-ip': (e) => (e.includes('/') ? parseCidr(e) !== null : parseIp(e) !== null),
  'edl-domain': (e) => normaliseHostname(e.replace(/^\*\./, '')) === e.replace(/^\*\./, ''),
  // host/path: a name or address, then `/`, then visible ASCII without a space, `*` or `^`.
  'edl-url': (e) => /^(?:[a-z0-9_.-]+|\d+(?:\.\d+){3}|\[[0-9a-f:]+\])\/[\x21-\x7e]*$/.test(e) && !/[*^]/.test(e) && e.length <= edlUrlMaxLength,
  'edl-hash': (e) => /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(e),
};

function checkList(writer: FormatWriter, text: string): string[] {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const entries = text.split('\n').slice(0, -1);
  for (const e of entries) expect(entryGrammar[writer.id]!(e), `${writer.id}: ${JSON.stringify(e)}`).toBe(true);
  return entries;
}

describe('external dynamic lists', () => {
  it('edl-ip lists IPv4, IPv6 and ranges together, one a line, with no header', () => {
    const text = render(edlIp);
    expect(checkList(edlIp, text)).toEqual(['198.51.100.23', '2001:db8::10', '2001:db8:0:1::1', '2001:db8::1:0:0:1', '203.0.113.0/24', '2001:db8:abcd::/48', '192.0.2.7/32']);
    expect(edlIp.line(makeItem('cidr', '0.0.0.0/0'), testCtx)).toBeNull();
  });

  it('edl-domain lists names, and the *. variant only when asked', () => {
    expect(checkList(edlDomain, render(edlDomain))).toEqual(['evil.example', 'xn--mnchen-3ya.example', 'login_portal.evil.example']);
    const wild = render(edlDomain, representativeItems, { ...testCtx, domainWildcards: true });
    expect(checkList(edlDomain, wild)).toEqual(['evil.example', '*.evil.example', 'xn--mnchen-3ya.example', '*.xn--mnchen-3ya.example', 'login_portal.evil.example', '*.login_portal.evil.example']);
  });

  it('edl-url writes host/path without scheme, userinfo, port or fragment, and skips what is not web', () => {
    expect(checkList(edlUrl, render(edlUrl))).toEqual([
      'evil.example/login.php?user=a&next=%2Fhome',
      'shop.example/pay/now',
      '198.51.100.7/',
      '[2001:db8::5]/x',
      'cdn.example/',
    ]);
    expect(edlUrl.line(makeItem('url', 'ftp://files.example/x'), testCtx)).toBeNull();
  });

  it('edl-url percent-encodes non-ASCII and the wildcard characters, and skips entries a firewall would not take', () => {
    expect(edlUrl.line(makeItem('url', 'https://evil.example/über/*/^x'), testCtx)).toBe('evil.example/%C3%BCber/%2A/%5Ex\n');
    expect(edlUrl.line(makeItem('url', 'https://evil.example/\u202egpj.exe'), testCtx)).toBe('evil.example/%E2%80%AEgpj.exe\n');
    expect(edlUrl.line(makeItem('url', `https://evil.example/${'a'.repeat(300)}`), testCtx)).toBeNull();
  });

  it('edl-hash lists SHA-256, MD5 and SHA-1 values', () => {
    expect(checkList(edlHash, render(edlHash))).toHaveLength(3);
    expect(edlHash.supports('cve')).toBe(false);
  });

  it('only ever writes valid entries, whatever the values and titles', () => {
    for (const writer of [edlIp, edlDomain, edlUrl, edlHash]) {
      const text = render(writer, hostileItems(), { ...testCtx, domainWildcards: true });
      checkList(writer, text);
      // Non-canonical values never reach a list.
      for (const bad of ['0.0.0.0 bank.example', 'EVIL.example', 'D41D8CD98F00B204E9800998ECF8427E', 'évil']) expect(text).not.toContain(bad);
    }
  });
});
