// Link checks on small synthetic emails: what a link shows against where it goes, numeric and
// script links, shorteners, risky endings, look-alikes, free hosting, forms and a brand's name
// used with links that are not the brand's.
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import { buildMail, type MailSpec } from './testing.js';
import type { Analysis } from './types.js';

const ids = (a: Analysis): string[] => a.findings.map((f) => f.id);
const run = (spec: MailSpec): Promise<Analysis> => analyseEmail(buildMail(spec));
const link = (href: string, text = 'here'): string => `<p>Click <a href="${href}">${text}</a></p>`;

describe('links', () => {
  it('flags a link that shows one address and goes to another, strongly for a protected brand', async () => {
    const brand = await run({ html: link('http://secure-check.example/login', 'https://www.paypal.com/signin') });
    expect(brand.findings.find((f) => f.id === 'link-text-mismatch')).toMatchObject({ severity: 'high', evidence: ['www[.]paypal[.]com → secure-check[.]example'] });
    const other = await run({ html: link('http://tracker.example/c?id=1', 'www.some-shop.example') });
    expect(other.findings.find((f) => f.id === 'link-text-mismatch')).toMatchObject({ severity: 'medium' });
    // A tracking redirect that carries the shown address is not a mismatch; nor is the same site.
    expect(ids(await run({ html: link('http://click.esp.example/r?u=https%3A%2F%2Fwww.some-shop.example%2F', 'www.some-shop.example') }))).not.toContain('link-text-mismatch');
    expect(ids(await run({ html: link('https://shop.some-shop.example/x', 'www.some-shop.example') }))).not.toContain('link-text-mismatch');
  });

  it('treats an email address as link text like any other shown address', async () => {
    expect(ids(await run({ html: link('https://collector.example/a', 'you@mail-provider.example') }))).toContain('link-text-mismatch');
  });

  it('flags numeric, script and data links', async () => {
    const a = await run({ html: `${link('http://203.0.113.9/login')}${link('javascript:alert(1)')}${link('data:text/html;base64,PGgxPg==')}` });
    expect(ids(a)).toEqual(expect.arrayContaining(['ip-link', 'script-link']));
    expect(a.indicators).toContainEqual(expect.objectContaining({ type: 'ipv4', value: '203.0.113.9', origin: 'link' }));
    expect(ids(await run({ html: '<img src="data:image/png;base64,AAAA"><a href="data:image/png;base64,AAAA">logo</a>' }))).not.toContain('script-link');
  });

  it('flags shorteners, risky endings, look-alikes, IDN and free hosting pages', async () => {
    const a = await run({ html: [link('https://bit.ly/3abc'), link('https://prize-claim.top/x'), link('https://paypal-verify-account.com/'), link('https://xn--pple-43d.com/'), link('https://login-portal.web.app/')].join('') });
    expect(ids(a)).toEqual(expect.arrayContaining(['shortened-link', 'suspicious-tld', 'lookalike-link', 'idn-link', 'hosted-page-link']));
  });

  it('reads scheme-less links on free hosting written in the text', async () => {
    expect(ids(await run({ text: 'Contact me >> insta-club.netlify.app' }))).toContain('hosted-page-link');
  });

  it('collects links as defanged indicators, once each', async () => {
    const a = await run({ html: link('https://evil.example/a?b=c').repeat(5) });
    const urls = a.indicators.filter((i) => i.type === 'url');
    expect(urls).toEqual([{ type: 'url', value: 'https://evil.example/a?b=c', defanged: 'hxxps://evil[.]example/a?b=c', origin: 'link' }]);
    expect(a.indicators).toContainEqual({ type: 'domain', value: 'evil.example', defanged: 'evil[.]example', origin: 'link' });
  });

  it('flags forms, password forms above all, and scripts', async () => {
    const pw = await run({ html: '<form action="https://collect.example/p"><input name="email"><input type="password" name="p"></form>' });
    expect(pw.findings.find((f) => f.id === 'credential-form')).toMatchObject({ severity: 'high', weight: 40 });
    expect(ids(await run({ html: '<form action="https://collect.example/p"><input name="card"></form>' }))).toContain('form-in-email');
    expect(ids(await run({ html: '<p>x</p><script>document.write(unescape("%3C"))</script>' }))).toContain('script-in-email');
  });

  it('notices a brand named in the subject whose links all go elsewhere', async () => {
    const a = await run({ subject: 'Your Netflix payment failed', html: link('https://billing-update.example/n') });
    expect(ids(a)).toContain('brand-links-elsewhere');
    expect(ids(await run({ subject: 'Your Netflix payment failed', html: link('https://www.netflix.com/account') }))).not.toContain('brand-links-elsewhere');
  });

  it('says nothing about ordinary links', async () => {
    expect(await run({ html: link('https://www.sender.example/menu', 'the lunch menu') })).toMatchObject({ verdict: 'no-known-signs', findings: [] });
  });
});
