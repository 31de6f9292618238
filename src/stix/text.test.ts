import { describe, expect, it } from 'vitest';
import { InputTooLargeError } from './errors.js';
import { checkTextSize, refang, subTokens, tokenise } from './text.js';

describe('tokenise', () => {
  it('splits on whitespace, control characters, NBSP and , < > ; and trims punctuation', () => {
    const text = 'Saw "evil.example", (203.0.113.7); <a@b.example>\u00a0x\u0007y **bold**.';
    const tokens = [...tokenise(text)];
    expect(tokens.map((t) => t.text)).toEqual(['Saw', 'evil.example', '203.0.113.7', 'a@b.example', 'x', 'y', 'bold']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('keeps brackets and colons, which defanging and IPv6 need', () => {
    expect([...tokenise('[2001:db8::1]:443 evil[.]example fe80::')].map((t) => t.text)).toEqual(['[2001:db8::1]:443', 'evil[.]example', 'fe80::']);
  });

  it('flags tokens over the length limit instead of trimming them', () => {
    const [t] = [...tokenise(`(${'a'.repeat(20)})`, 10)];
    expect(t).toMatchObject({ tooLong: true, start: 0, end: 22 });
  });

  it('splits src=…, href="…" into parts with their own offsets', () => {
    const text = 'x href="http://evil.example/a" SRC=10.0.0.5';
    const [, href, src] = [...tokenise(text)];
    const parts = [...subTokens(href!), ...subTokens(src!)];
    expect(parts.map((p) => p.text)).toEqual(['href', 'http://evil.example/a', 'SRC', '10.0.0.5']);
    for (const p of parts) expect(text.slice(p.start, p.end)).toBe(p.text);
    expect(subTokens({ text: 'plain', start: 0, end: 5 })).toEqual([]);
  });
});

describe('refang', () => {
  it.each([
    ['hxxp://evil.example', 'http://evil.example'],
    ['hxxps://evil.example', 'https://evil.example'],
    ['HXXPS://evil.example', 'https://evil.example'],
    ['hxtp://evil.example', 'http://evil.example'],
    ['htxp://evil.example', 'http://evil.example'],
    ['h[tt]p://evil.example', 'http://evil.example'],
    ['h[tt]ps://evil.example', 'https://evil.example'],
    ['hxxp[:]//evil.example', 'http://evil.example'],
    ['hxxps[://]evil.example', 'https://evil.example'],
    ['fxp://files.example', 'ftp://files.example'],
    ['evil[.]example', 'evil.example'],
    ['evil(.)example', 'evil.example'],
    ['evil{.}example', 'evil.example'],
    ['evil[dot]example', 'evil.example'],
    ['evil(dot)example', 'evil.example'],
    ['evil{dot}example', 'evil.example'],
    ['evil[DOT]example', 'evil.example'],
    ['a[@]b.example', 'a@b.example'],
    ['a(@)b.example', 'a@b.example'],
    ['a{@}b.example', 'a@b.example'],
    ['a[at]b.example', 'a@b.example'],
    ['a(at)b.example', 'a@b.example'],
    ['a{at}b.example', 'a@b.example'],
    ['203.0.113.7[:]8080', '203.0.113.7:8080'],
    ['evil.example[/]login', 'evil.example/login'],
    ['e[v]il.example', 'evil.example'],
    ['evil.example...', 'evil.example'],
    ['ev\u200bil.exa\u200dmple', 'evil.example'],
    ['hxxp[:]//203.0.113[.]7[:]8080[/]x', 'http://203.0.113.7:8080/x'],
  ])('%s → %s', (defanged, plain) => {
    expect(refang(defanged)).toBe(plain);
  });

  it('leaves plain text and IPv6 brackets alone', () => {
    expect(refang('[2001:db8::1]:443')).toBe('[2001:db8::1]:443');
    expect(refang('hxxpd')).toBe('hxxpd');
    expect(refang('example.com')).toBe('example.com');
  });
});

describe('checkTextSize', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(() => checkTextSize('a'.repeat(100), 100)).not.toThrow();
    expect(() => checkTextSize('a'.repeat(101), 100)).toThrow(InputTooLargeError);
    const err = (() => {
      try {
        checkTextSize('é'.repeat(60), 100);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputTooLargeError);
    expect(err).toMatchObject({ code: 'INPUT_TOO_LARGE', size: 120, limit: 100 });
  });
});
