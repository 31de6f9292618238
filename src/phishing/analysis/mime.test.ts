// The MIME reader and charset decoding, on well-formed mail and on hostile input: every case
// must come back bounded and without an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeEncodedWords } from './charset.js';
import { limits } from './limits.js';
import { headerValue, parseEmail, parseParams } from './mime.js';
import { buildMail } from './testing.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');

describe('charset decoding', () => {
  it('decodes the charsets real mail uses', () => {
    expect(decodeBytes(Buffer.from([0xe9, 0x74, 0xe9]), 'iso-8859-1')).toBe('été');
    expect(decodeBytes(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'koi8-r')).toBe('Привет');
    expect(decodeBytes(Buffer.from([0xa6]), 'koi8-u')).toBe('і');
    expect(decodeBytes(Buffer.from([0xcf, 0xf0, 0xe8]), 'windows-1251')).toBe('При');
    expect(decodeBytes(Buffer.from('+ADw-html+AD4-', 'latin1'), 'utf-7')).toBe('<html>');
    expect(decodeBytes(Buffer.from('Hi Mom -+Jjo--! 1 +- 1', 'latin1'), 'UTF-7')).toBe('Hi Mom -☺-! 1 + 1');
    expect(decodeBytes(Buffer.from('1b2442246b1b2842', 'hex'), 'iso-2022-jp')).toBe('る');
  });

  it('falls back gracefully on bogus labels: UTF-8 when valid, else windows-1252', () => {
    expect(decodeBytes(Buffer.from('café', 'utf8'), 'u')).toBe('café');
    expect(decodeBytes(Buffer.from('café', 'utf8'), '=utf-8')).toBe('café');
    expect(decodeBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'no-such-charset')).toBe('café');
    expect(decodeBytes(Buffer.from([0x80]), '')).toBe('€');
  });

  it('decodes RFC 2047 words, joining split characters', () => {
    expect(decodeEncodedWords('=?UTF-8?B?w6k=?= =?UTF-8?Q?t=C3=A9?=')).toBe('été');
    expect(decodeEncodedWords('Hello =?iso-8859-1?Q?J=FCrgen?=!')).toBe('Hello Jürgen!');
    expect(decodeEncodedWords('=?UTF-8?B?8J+S?= =?UTF-8?B?tQ==?=')).toBe('💵');
    expect(decodeEncodedWords('=?bogus?Q?plain?=')).toBe('plain');
  });

  it('reads RFC 2231 parameters and quoted values', () => {
    const p = parseParams(`attachment; filename*0*=utf-8''fa%C3%A7; filename*1*=ture.pdf; size="12;3"`);
    expect(p.value).toBe('attachment');
    expect(p.params.filename).toBe('façture.pdf');
    expect(p.params.size).toBe('12;3');
  });
});

describe('parseEmail', () => {
  it('reads headers, a multipart body and an attachment', () => {
    const { email, problems } = parseEmail(
      buildMail({ subject: '=?UTF-8?Q?R=C3=A9union?=', text: 'Hello', html: '<p>Hello</p>', parts: [{ type: 'application/pdf', name: 'plan.pdf', body: Buffer.from('%PDF-1.4 test') }] }),
    );
    expect(problems.size).toBe(0);
    expect(decodeEncodedWords(headerValue(email, 'subject')!)).toBe('Réunion');
    expect(email.texts).toEqual(['Hello']);
    expect(email.htmls).toEqual(['<p>Hello</p>']);
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({ name: 'plan.pdf', contentType: 'application/pdf' });
    expect(email.attachments[0]!.content.toString('latin1')).toBe('%PDF-1.4 test');
  });

  it('unfolds headers and decodes quoted-printable with soft breaks', () => {
    const { email } = parseEmail(crlf(['From: a@b.example', 'Subject: one', ' two', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=E9 au=', ' lait', '']));
    expect(headerValue(email, 'subject')).toBe('one two');
    expect(email.texts[0]).toBe('café au lait\r\n');
  });

  it('reads a nested message/rfc822 part as a message of its own', () => {
    const inner = 'From: PayPal <x@evil.example>\r\nSubject: inner\r\n\r\nInner body\r\n';
    const { email } = parseEmail(buildMail({ text: 'FYI', parts: [{ type: 'message/rfc822', body: inner, encoding: '7bit', disposition: 'attachment' }] }));
    expect(email.messages).toHaveLength(1);
    expect(headerValue(email.messages[0]!, 'subject')).toBe('inner');
    expect(email.messages[0]!.texts[0]).toContain('Inner body');
  });

  it('reads a multipart whose closing boundary is missing, and one without its boundary', () => {
    const open = parseEmail(crlf(['From: a@b.example', 'Content-Type: multipart/mixed; boundary=xyz', '', '--xyz', 'Content-Type: text/plain', '', 'first part', '--xyz', 'Content-Type: text/plain', '', 'second part never closed']));
    expect(open.email.texts).toEqual(['first part', 'second part never closed']);
    const none = parseEmail(crlf(['From: a@b.example', 'Content-Type: multipart/mixed; boundary=missing', '', 'just text']));
    expect(none.problems.has('broken-multipart')).toBe(true);
    expect(none.email.texts[0]).toContain('just text');
  });

  it('stops at the part limit on a message with 10,000 parts', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const started = performance.now();
    const { email, problems } = parseEmail(Buffer.from(`From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`));
    expect(problems.has('too-many-parts')).toBe(true);
    expect(email.texts.length).toBeLessThanOrEqual(limits.maxParts);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stops at the depth limit on deeply nested multiparts and messages', () => {
    let body = 'Content-Type: text/plain\r\n\r\ndeep';
    for (let i = 0; i < 200; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
    const { problems } = parseEmail(Buffer.from(`From: a@b.example\r\n${body}\r\n`));
    expect(problems.has('too-deep')).toBe(true);
    let msg = 'From: x@y.example\r\n\r\nend';
    for (let i = 0; i < 50; i++) msg = `From: x@y.example\r\nContent-Type: message/rfc822\r\n\r\n${msg}`;
    expect(parseEmail(Buffer.from(msg)).problems.has('too-deep')).toBe(true);
  });

  it('cuts a 1 MB header line and keeps reading the message', () => {
    const { email, problems } = parseEmail(Buffer.from(`From: a@b.example\r\nX-Junk: ${'A'.repeat(1024 * 1024)}\r\nSubject: after\r\n\r\nbody`));
    expect(problems.has('oversized-header')).toBe(true);
    expect(headerValue(email, 'x-junk')!.length).toBeLessThanOrEqual(limits.maxHeaderValue);
    expect(headerValue(email, 'subject')).toBe('after');
    expect(email.texts[0]).toBe('body');
  });

  it('survives base64 garbage, invalid charsets and a binary body', () => {
    const { email } = parseEmail(crlf(['From: a@b.example', 'Content-Type: text/plain; charset="x-\u0000weird"', 'Content-Transfer-Encoding: base64', '', '!!!@@@###$$$ not base64 at all ====', '']));
    expect(typeof email.texts[0]).toBe('string');
    const binary = Buffer.concat([Buffer.from('From: a@b.example\r\n\r\n'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))]);
    expect(() => parseEmail(binary)).not.toThrow();
  });

  it('never throws on arbitrary bytes after a header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('', 'Content-Type: multipart/mixed; boundary=a\r\n', 'Content-Transfer-Encoding: quoted-printable\r\n'), (bytes, header) => {
        const raw = Buffer.concat([Buffer.from(`From: a@b.example\r\n${header}\r\n--a\r\n`), Buffer.from(bytes)]);
        const r = parseEmail(raw);
        expect(r.email.headers.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
