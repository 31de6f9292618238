// The hosts file read back as a resolver reads one: `#` comments, then `0.0.0.0 name` lines.
import { describe, expect, it } from 'vitest';
import { normaliseHostname } from '../../stix/observables.js';
import { hosts } from './hosts.js';
import { hostileCtx, hostileItems, representativeItems, testCtx } from '../../test/export-items.js';
import type { ExportContext, ExportItem } from './types.js';

function readHosts(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  const names: string[] = [];
  for (const line of text.split('\n').slice(0, -1)) {
    expect(line).toMatch(/^[\x20-\x7e]*$/);
    if (line.startsWith('#')) continue;
    const m = /^0\.0\.0\.0 (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(normaliseHostname(m![1]!)).toBe(m![1]);
    names.push(m![1]!);
  }
  return names;
}

function render(items: ExportItem[], ctx: ExportContext = testCtx): string {
  return hosts.header(ctx) + items.map((i) => hosts.line(i, ctx) ?? '').join('') + hosts.footer(ctx);
}

describe('hosts file', () => {
  it('sends each domain to 0.0.0.0 under a comment header, and nothing else', () => {
    const text = render(representativeItems);
    expect(text.startsWith('# hub.example: City firewall (hosts file)\n')).toBe(true);
    expect(readHosts(text)).toEqual(['evil.example', 'xn--mnchen-3ya.example', 'login_portal.evil.example']);
  });

  it('keeps every line valid, whatever the values, titles and names', () => {
    for (const ctx of [testCtx, hostileCtx]) {
      const names = readHosts(render(hostileItems(), ctx));
      expect(names).not.toContain('bank.example');
      expect(names.length).toBeGreaterThan(10);
    }
  });
});
