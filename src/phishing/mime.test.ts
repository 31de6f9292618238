// The small MIME reader around the analysis: header fields, addresses, encoded words, the
// message inside a forward — and hostile input of every kind, which must neither throw nor
// take long.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardAsAttachment, letter, lure } from '../test/phishing-emails.js';
import { decodeHeaderText, decodeWords, findAttachedMessage, header, isAutomatic, messageId, messageIds, parseAddresses, parseContentType, readHeaders, splitMultipart } from './mime.js';
import { createRateLimiter } from './rate-limit.js';
import { replySubject } from './reply.js';
import { createScrubber, personalDataOf, scrubAnalysis } from './scrub.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('reading header fields', () => {
  it('unfolds continuation lines, lower-cases names and finds where the body starts', () => {
    const raw = b('From: a@example.org\r\nSubject: one\r\n  two\r\nX-Empty:\r\n\r\nbody here');
    const h = readHeaders(raw);
    expect(h.fields).toEqual([
      { name: 'from', value: 'a@example.org' },
      { name: 'subject', value: 'one two' },
      { name: 'x-empty', value: '' },
    ]);
    expect(raw.subarray(h.bodyOffset).toString()).toBe('body here');
  });

  it('skips an mbox "From " line, and copes with LF-only mail and no body', () => {
    expect(header(readHeaders(b('From sender@example.org Mon Jan  1 00:00:00 2024\nSubject: mbox\n\nx')), 'subject')).toBe('mbox');
    const noBody = readHeaders(b('Subject: only headers'));
    expect(header(noBody, 'subject')).toBe('only headers');
    expect(noBody.bodyOffset).toBe('Subject: only headers'.length);
    expect(readHeaders(b('\r\nno headers at all')).fields).toEqual([]);
  });

  it('decodes RFC 2047 words in several charsets, and raw UTF-8', () => {
    expect(decodeWords('=?utf-8?B?SGVsbG8g8J+Riw==?=')).toBe('Hello 👋');
    expect(decodeWords('=?iso-8859-1?Q?Caf=E9_cr=E8me?= =?utf-8?Q?_ok?=')).toBe('Café crème ok');
    expect(decodeWords('=?koi8-r?B?8NLJ18XU?=')).toBe('Привет');
    expect(decodeWords('=?no-such-charset?Q?abc?=')).toBe('abc');
    expect(decodeHeaderText(Buffer.from('Grüße', 'utf8').toString('latin1'))).toBe('Grüße');
  });

  it('finds addresses and display names in address fields', () => {
    const { addresses, names } = parseAddresses(['"Resident, Jane" <Jane.R@Example.ORG>, bob@example.net', '=?utf-8?Q?Zo=C3=AB?= <zoe@example.org>; undisclosed-recipients:;']);
    expect(addresses.sort()).toEqual(['bob@example.net', 'jane.r@example.org', 'zoe@example.org']);
    expect(names.sort()).toEqual(['Resident, Jane', 'Zoë']);
  });

  it('reads content types, message ids and reference lists', () => {
    expect(parseContentType('Multipart/Mixed; boundary="a b;c"; charset=utf-8')).toEqual({ type: 'multipart/mixed', params: { boundary: 'a b;c', charset: 'utf-8' } });
    expect(parseContentType(undefined).type).toBe('text/plain');
    expect(messageId('  <abc@x.example>  ')).toBe('<abc@x.example>');
    expect(messageId('no brackets')).toBeNull();
    expect(messageIds('<a@x> <b@x>\r\n <c@x>', 2)).toEqual(['<b@x>', '<c@x>']);
  });

  it('tells automatic mail (auto-replies, lists, bounces) from a person’s', () => {
    const is = (h: string) => isAutomatic(readHeaders(b(`${h}\r\nSubject: x\r\n\r\n`)));
    expect(is('Auto-Submitted: auto-replied')).toBe(true);
    expect(is('Auto-Submitted: no')).toBe(false);
    expect(is('Precedence: bulk')).toBe(true);
    expect(is('List-Id: <news.example.org>')).toBe(true);
    expect(is('Content-Type: multipart/report; report-type=delivery-status; boundary=x')).toBe(true);
    expect(is('From: person@example.org')).toBe(false);
  });
});

describe('the message inside a forward', () => {
  it('returns the attached email byte for byte, and nothing for a plain email', () => {
    const inner = lure();
    expect(findAttachedMessage(b(forwardAsAttachment(inner)))?.toString()).toBe(inner);
    expect(findAttachedMessage(b(inner))).toBeNull();
    expect(findAttachedMessage(b(letter()))).toBeNull();
  });

  it('decodes a base64 attached .eml nested in multipart/alternative inside multipart/mixed', () => {
    const inner = letter();
    const raw = [
      'Subject: Fwd',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/mixed; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--inner',
      'Content-Type: application/octet-stream; name="mail.eml"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(inner).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--inner--',
      '--outer--',
      '',
    ].join('\r\n');
    expect(findAttachedMessage(b(raw))?.toString()).toBe(inner);
  });

  it('splits multipart bodies, ignoring preamble and epilogue', () => {
    const parts = splitMultipart(b('preamble\r\n--x\r\nA: 1\r\n\r\none\r\n--x\r\n\r\ntwo\r\n--x--\r\nepilogue'), 'x');
    expect(parts.map((p) => p.toString())).toEqual(['A: 1\r\n\r\none', '\r\ntwo']);
    expect(splitMultipart(b('no delimiters here'), 'x')).toEqual([]);
  });

  it('never throws and stays fast on hostile input', () => {
    const hostile = [
      b(''),
      b('\r\n\r\n\r\n'),
      b(`Content-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\n'.repeat(50_000)}`),
      b(`Content-Type: multipart/mixed; boundary=${'b'.repeat(300)}\r\n\r\n--${'b'.repeat(300)}\r\n`),
      b(`${'X-A: b\r\n'.repeat(20_000)}\r\n`),
      b(`Subject: ${'=?utf-8?B?'.repeat(5_000)}`),
      b(Array.from({ length: 30 }, (_, i) => `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`).join('')),
      Buffer.alloc(200_000, 0xff),
    ];
    const started = Date.now();
    for (const raw of hostile) {
      expect(() => findAttachedMessage(raw)).not.toThrow();
      expect(() => personalDataOf(raw)).not.toThrow();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.string({ maxLength: 500 }), (bytes, text) => {
        findAttachedMessage(Buffer.from(bytes));
        findAttachedMessage(b(`Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: message/rfc822\r\n\r\n${text}\r\n--q--`));
        parseAddresses([text]);
        decodeHeaderText(text);
        readHeaders(b(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('keeping people out of storage', () => {
  const analysis = {
    verdict: 'likely-phishing' as const,
    score: 90,
    summary: 'Sent to jane@resident.example',
    findings: [{ id: 'x', area: 'links' as const, severity: 'high' as const, title: 'Dear Jane Resident', detail: 'link carries jane%40resident.example', evidence: ['hxxp://evil[.]top/?u=amFuZUByZXNpZGVudC5leGFtcGxl'], weight: 10 }],
    advice: ['Ask Jane Resident'],
    indicators: [
      { type: 'email' as const, value: 'jane@resident.example', defanged: 'jane@resident[.]example', origin: 'body' },
      { type: 'url' as const, value: 'http://evil.top/?u=jane%40resident.example', defanged: 'hxxp://evil[.]top/?u=jane%40resident.example', origin: 'link' },
      { type: 'domain' as const, value: 'evil.top', defanged: 'evil[.]top', origin: 'link' },
    ],
    attachments: [],
    messageHash: 'h',
    subject: 'Hello Jane Resident',
    senderDomain: 'evil.top',
    truncated: false,
    elapsedMs: 1,
  };

  it('finds the recipients in the headers, plus what the caller knows', () => {
    const pd = personalDataOf(b('To: "Jane Resident" <jane@resident.example>\r\nDelivered-To: jane+tag@resident.example\r\nFrom: evil@evil.top\r\n\r\n'), { addresses: ['Forwarder@Mail.example'] });
    expect([...pd.addresses].sort()).toEqual(['forwarder@mail.example', 'jane+tag@resident.example', 'jane@resident.example']);
    expect([...pd.names]).toEqual(['Jane Resident']);
  });

  it('replaces addresses in every spelling and names, and drops the resident’s own address as an indicator', () => {
    const pd = personalDataOf(b('To: "Jane Resident" <jane@resident.example>\r\n\r\n'));
    const out = scrubAnalysis(analysis, pd);
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/jane@resident|jane%40resident|Jane Resident|amFuZUByZXNpZGVudC5leGFtcGxl/);
    expect(out.indicators.map((i) => i.type)).toEqual(['url', 'domain']);
    expect(out.summary).toBe('Sent to [your address]');
    expect(out.subject).toBe('Hello [name]');
  });

  it('leaves short or letterless names alone, so ordinary words survive', () => {
    const s = createScrubber({ addresses: new Set(), names: new Set() });
    expect(s.text('IT desk')).toBe('IT desk');
    const pd = personalDataOf(b('To: "IT" <it@x.example>, "12345" <n@x.example>\r\n\r\n'));
    expect([...pd.names]).toEqual([]);
  });
});

describe('small parts', () => {
  it('counts per key in fixed windows, with bounded memory', () => {
    let t = 0;
    const limiter = createRateLimiter({ max: 2, windowMs: 1000, now: () => t, maxKeys: 3 });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
    expect(limiter.take('b')).toBe(true);
    t = 1000;
    expect(limiter.take('a')).toBe(true);
    limiter.take('c');
    limiter.take('d');
    // Full of live keys: a new key is refused rather than growing the table.
    expect(limiter.size()).toBe(3);
    expect(limiter.take('e')).toBe(false);
  });

  it('answers "Re: …" once', () => {
    expect(replySubject('Fwd: prize')).toBe('Re: Fwd: prize');
    expect(replySubject('RE: prize')).toBe('RE: prize');
    expect(replySubject('  ')).toBe('Re: your email to the phishing check');
    expect(replySubject('a\r\nBcc: x@y')).toBe('Re: a Bcc: x@y');
  });
});
