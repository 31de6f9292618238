// The whole analysis: verdicts and their thresholds, advice, forwarded mail, the hub's
// knowledge, the time budget, privacy of what is kept, and hostile input end to end.
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import { buildMail, buildZip } from './testing.js';
import type { ExtractedObservable, KnownHit } from './types.js';
import { scoreOf, thresholds, verdictOf } from './verdict.js';

const lure = (): Buffer =>
  buildMail({
    from: '"PayPal" <service@paypa1-support.com>',
    to: '"Jane Resident" <jane.resident@mail.example>',
    subject: 'Jane Resident, your account is suspended (jane.resident@mail.example)',
    headers: ['Authentication-Results: mx.mail.example; spf=fail; dmarc=fail'],
    html: '<p>Unusual activity: verify your account within 24 hours.</p><p><a href="http://paypa1-support.com/login">https://www.paypal.com/signin</a></p>',
  });

describe('verdicts', () => {
  it('scores by weights and documented thresholds', () => {
    const f = (weight: number) => ({ id: 'x', area: 'links' as const, severity: 'low' as const, title: '', detail: '', weight });
    expect(scoreOf([f(30), f(30), f(60)])).toBe(100);
    expect(verdictOf(thresholds.likelyPhishing)).toBe('likely-phishing');
    expect(verdictOf(thresholds.likelyPhishing - 1)).toBe('suspicious');
    expect(verdictOf(thresholds.suspicious)).toBe('suspicious');
    expect(verdictOf(thresholds.suspicious - 1)).toBe('no-known-signs');
  });

  it('calls a blatant lure likely phishing, with plain findings and ordered advice', async () => {
    const a = await analyseEmail(lure());
    expect(a.verdict).toBe('likely-phishing');
    expect(a.score).toBeGreaterThanOrEqual(thresholds.likelyPhishing);
    expect(a.summary).toMatch(/very likely a phishing/);
    expect(a.findings.map((f) => f.weight)).toEqual([...a.findings.map((f) => f.weight)].sort((x, y) => y - x));
    for (const f of a.findings) expect(f.title.length).toBeGreaterThan(10);
    expect(a.advice[0]).toMatch(/Do not click/);
    expect(a.advice.at(-1)).toMatch(/delete/);
    expect(a.advice.some((x) => /phone number/.test(x))).toBe(true);
    expect(a.advice.some((x) => /IT or security team/.test(x))).toBe(true);
  });

  it('calls an ordinary letter no-known-signs, and still advises care', async () => {
    const a = await analyseEmail(buildMail({}));
    expect(a).toMatchObject({ verdict: 'no-known-signs', score: 0, findings: [], truncated: false, senderDomain: 'sender.example', subject: 'Lunch on Friday' });
    expect(a.advice[0]).toMatch(/No check is perfect/);
  });
});

describe('privacy', () => {
  it('keeps the sender domain only and scrubs addresses and names from the subject', async () => {
    const a = await analyseEmail(lure());
    expect(a.senderDomain).toBe('paypa1-support.com');
    expect(a.subject).toBe('[REDACTED NAME] [REDACTED NAME], your account is suspended ([REDACTED EMAIL])');
    expect(JSON.stringify(a)).not.toContain('jane.resident');
    expect(JSON.stringify(a)).not.toContain('Jane');
  });
});

describe('forwarded mail', () => {
  it('checks the message forwarded as an attachment, not the forwarder', async () => {
    const inner = lure().toString('latin1');
    const outer = buildMail({ from: 'Sam Receiver <sam@receiver.example>', subject: 'Fwd: is this real?', text: 'Got this today, is it real?', parts: [{ type: 'message/rfc822', body: inner, encoding: '8bit', disposition: 'attachment' }] });
    const a = await analyseEmail(outer);
    expect(a.verdict).toBe('likely-phishing');
    expect(a.senderDomain).toBe('paypa1-support.com');
    expect(a.findings.find((f) => f.id === 'forwarded')?.weight).toBe(0);
  });

  it('checks an inline-forwarded message from its quoted header block', async () => {
    const text = [
      'Is this legit?',
      '',
      '---------- Forwarded message ---------',
      'From: PayPal Service <service@paypa1-support.com>',
      'Date: Mon, 2 Nov 2026 at 08:00',
      'Subject: Your account is suspended',
      'To: <sam@receiver.example>',
      '',
      'Unusual activity. Verify your account within 24 hours: http://paypa1-support.com/login',
    ].join('\n');
    const a = await analyseEmail(buildMail({ from: 'Sam Receiver <sam@receiver.example>', subject: 'Fwd: Your account is suspended', text: text.replace('Subject: Your', 'Subject: Sam, your') }));
    expect(a.senderDomain).toBe('paypa1-support.com');
    expect(a.subject).toBe('[REDACTED NAME], your account is suspended');
    expect(a.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['forwarded', 'lookalike-sender']));
    expect(a.verdict).not.toBe('no-known-signs');
  });

  it('still checks the covering mail\'s own links when it attaches a harmless message', async () => {
    const harmless = buildMail({}).toString('latin1');
    const outer = buildMail({ html: '<p>See <a href="http://198.51.100.9/login">https://www.paypal.com/</a></p>', parts: [{ type: 'message/rfc822', body: harmless, encoding: '8bit', disposition: 'attachment' }] });
    const a = await analyseEmail(outer);
    expect(a.senderDomain).toBe('sender.example');
    expect(a.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['forwarded', 'ip-link']));
  });

  it('does not unwrap an ordinary reply that quotes an original message', async () => {
    const text = 'Thanks!\n\n-----Original Message-----\nFrom: Alex <alex@sender.example>\nSubject: lunch\n\nSee you.';
    const a = await analyseEmail(buildMail({ subject: 'Re: lunch', text, headers: ['In-Reply-To: <x@sender.example>'] }));
    expect(a.findings.map((f) => f.id)).not.toContain('forwarded');
  });
});

describe("the hub's knowledge", () => {
  it('sends collected values and turns hits into findings', async () => {
    let asked: readonly ExtractedObservable[] = [];
    const knowledge = async (obs: readonly ExtractedObservable[]): Promise<KnownHit[]> => {
      asked = obs;
      return obs.filter((o) => o.type === 'domain' && o.value === 'known-bad.example').map((o) => ({ type: o.type, value: o.value, tlp: 'clear', summary: 'reported by members in a warning on 2026-11-20' }));
    };
    const a = await analyseEmail(buildMail({ html: '<a href="https://known-bad.example/x">x</a>' }), { knowledge });
    expect(asked.map((o) => `${o.type}:${o.value}`)).toEqual(expect.arrayContaining(['domain:known-bad.example', 'url:https://known-bad.example/x', 'email:alex@sender.example']));
    const hit = a.findings.find((f) => f.id === 'known-to-hub');
    expect(hit).toMatchObject({ area: 'intelligence', severity: 'high' });
    expect(hit?.evidence?.[0]).toBe('known-bad[.]example: reported by members in a warning on 2026-11-20');
    expect(a.verdict).toBe('likely-phishing');
  });

  it('survives a lookup that fails or hangs', async () => {
    const failing = await analyseEmail(buildMail({}), { knowledge: async () => Promise.reject(new Error('db down')) });
    expect(failing.verdict).toBe('no-known-signs');
    const hanging = await analyseEmail(buildMail({}), { knowledge: () => new Promise<KnownHit[]>(() => {}), budgetMs: 150 });
    expect(hanging.truncated).toBe(true);
    expect(hanging.elapsedMs).toBeLessThan(2000);
  });
});

describe('budget and hostile input', () => {
  it('stops checking when the budget is spent and says so', async () => {
    const a = await analyseEmail(lure(), { budgetMs: 0 });
    expect(a.truncated).toBe(true);
    expect(a.verdict).not.toBe('unreadable');
  });

  it('analyses generated hostile mail within bounds and never throws', async () => {
    const manyParts = Array.from({ length: 10_000 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\np${i}\r\n`).join('');
    let deep = 'Content-Type: text/plain\r\n\r\ndeep';
    for (let i = 0; i < 100; i++) deep = `Content-Type: multipart/mixed; boundary=d${i}\r\n\r\n--d${i}\r\n${deep}\r\n--d${i}--`;
    const bomb = buildZip(Array.from({ length: 64 }, (_, i) => ({ name: `${i}.bin`, data: 'x', declaredSize: 0xfffffff0 })));
    const cases: Buffer[] = [
      Buffer.from(`From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${manyParts}`),
      Buffer.from(`From: a@b.example\r\n${deep}\r\n`),
      Buffer.from(`From: a@b.example\r\nSubject: ${'x'.repeat(1024 * 1024)}\r\n\r\nbody`),
      Buffer.from(`From: a@b.example\r\nContent-Type: text/html\r\n\r\n${'<a href="'.repeat(50_000)}`),
      Buffer.from(`From: a@b.example\r\nContent-Type: text/plain; charset=u\r\nContent-Transfer-Encoding: base64\r\n\r\n${'@#!'.repeat(100_000)}`),
      buildMail({ text: 'see attached', parts: [{ type: 'application/zip', name: 'bomb.zip', body: bomb }] }),
      Buffer.from(`From: a@b.example\r\nContent-Type: text/plain\r\n\r\n${'Ѕесurіtу аlеrt '.repeat(100_000)}`),
    ];
    for (const raw of cases) {
      const a = await analyseEmail(raw);
      expect(['likely-phishing', 'suspicious', 'no-known-signs', 'unreadable']).toContain(a.verdict);
      expect(a.elapsedMs).toBeLessThan(5000);
    }
    const many = await analyseEmail(cases[0]!);
    expect(many.truncated).toBe(true);
    expect(many.findings.map((f) => f.id)).toContain('odd-structure');
    expect((await analyseEmail(cases[5]!)).findings.map((f) => f.id)).toContain('zip-bomb');
  });
});
