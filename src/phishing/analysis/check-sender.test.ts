// Header and sender checks on small synthetic emails: authentication results, reply paths,
// display-name impersonation, look-alike and IDN senders, disguised letters.
import { describe, expect, it } from 'vitest';
import { analyseEmail } from './analyse.js';
import type { Analysis, AnalysisOptions } from './types.js';
import { buildMail, type MailSpec } from './testing.js';

const ids = (a: Analysis): string[] => a.findings.map((f) => f.id);
const run = (spec: MailSpec, options?: AnalysisOptions): Promise<Analysis> => analyseEmail(buildMail(spec), options);

describe('headers', () => {
  it('reports failed DMARC, SPF and DKIM from the receiving server', async () => {
    const a = await run({ headers: ['Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=sender.example; dkim=fail header.d=sender.example; dmarc=fail header.from=sender.example'] });
    expect(ids(a)).toEqual(expect.arrayContaining(['dmarc-fail', 'spf-fail', 'dkim-fail']));
    expect(a.findings.find((f) => f.id === 'dmarc-fail')!.detail).toContain('sender.example');
  });

  it('reads Received-SPF when there is no Authentication-Results, and says nothing on pass', async () => {
    expect(ids(await run({ headers: ['Received-SPF: SoftFail (mx: domain of transitioning sender.example)'] }))).toContain('spf-fail');
    expect(ids(await run({ headers: ['Authentication-Results: mx; spf=pass; dkim=pass; dmarc=pass'] }))).toEqual([]);
  });

  it('flags replies going to a free mailbox, more than to another company', async () => {
    const free = await run({ from: 'Billing <billing@supplier.example>', replyTo: 'billing.dept@gmail.com' });
    expect(free.findings.find((f) => f.id === 'reply-to-mismatch')).toMatchObject({ severity: 'medium', weight: 20 });
    const other = await run({ from: 'Billing <billing@supplier.example>', replyTo: 'desk@helpdesk-partner.example' });
    expect(other.findings.find((f) => f.id === 'reply-to-mismatch')).toMatchObject({ severity: 'low' });
    expect(ids(await run({ from: 'a@supplier.example', replyTo: 'b@mail.supplier.example' }))).not.toContain('reply-to-mismatch');
    expect(ids(await run({ from: 'a@person.example', replyTo: 'list@lists.example', headers: ['List-Id: <users.lists.example>'] }))).not.toContain('reply-to-mismatch');
  });

  it('notes a Return-Path elsewhere, lightly', async () => {
    const a = await run({ returnPath: '<bounce@other.example>' });
    expect(a.findings.find((f) => f.id === 'return-path-mismatch')?.weight).toBeLessThan(10);
  });

  it('flags a "Re:" that answers nothing, and the provider\'s own spam verdict', async () => {
    expect(ids(await run({ subject: 'Re: your invoice' }))).toContain('fake-reply');
    expect(ids(await run({ subject: 'Re: your invoice', headers: ['In-Reply-To: <x@y.example>'] }))).not.toContain('fake-reply');
    expect(ids(await run({ headers: ['X-MS-Exchange-Organization-SCL: 9'] }))).toContain('provider-flagged');
    expect(ids(await run({ headers: ['X-Spam-Status: No, hits=0.1'] }))).not.toContain('provider-flagged');
  });

  it('collects the originating public IP of the Received trail', async () => {
    const a = await run({});
    expect(a.indicators).toContainEqual({ type: 'ipv4', value: '198.51.100.20', defanged: '198[.]51[.]100[.]20', origin: 'received' });
  });
});

describe('sender', () => {
  it('flags a brand display name on someone else\'s address', async () => {
    const a = await run({ from: '"PayPal Service" <notice@random-shop.example>' });
    const f = a.findings.find((x) => x.id === 'display-name-impersonation');
    expect(f?.title).toContain('PayPal');
    expect(f?.evidence).toEqual(['PayPal Service <…@random-shop[.]example>']);
    expect(ids(await run({ from: '"PayPal" <service@paypal.com>' }))).not.toContain('display-name-impersonation');
  });

  it('flags a member organisation\'s name used from outside its domains', async () => {
    const options = { memberNames: ['Springfield City Council'], memberDomains: ['springfield.gov'] };
    const a = await run({ from: '"Springfield City Council Payroll" <payroll@council-pay.example>' }, options);
    expect(a.findings.find((f) => f.id === 'display-name-impersonation')?.title).toContain('Springfield City Council');
    expect(ids(await run({ from: '"Springfield City Council" <it@springfield.gov>' }, options))).not.toContain('display-name-impersonation');
  });

  it('spots a brand glued into the display name and an address hidden in it', async () => {
    expect(ids(await run({ from: 'PepeByBinance <a@tenant1.onmicrosoft.com>' }))).toEqual(expect.arrayContaining(['display-name-impersonation', 'hosted-sender']));
    expect(ids(await run({ from: '"support@bank.example" <x@elsewhere.example>' }))).toContain('display-name-address');
  });

  it('flags look-alike and IDN sender domains, with member domains protected', async () => {
    const a = await run({ from: 'Service <service@paypa1.com>' });
    expect(a.findings.find((f) => f.id === 'lookalike-sender')).toMatchObject({ severity: 'high' });
    const idn = await run({ from: 'Service <service@xn--pypal-4ve.com>' });
    expect(ids(idn)).toEqual(expect.arrayContaining(['lookalike-sender', 'idn-sender']));
    expect(idn.senderDomain).toBe('xn--pypal-4ve.com');
    const member = await run({ from: 'IT <it@springfie1d.gov>' }, { memberDomains: ['springfield.gov'] });
    expect(member.findings.find((f) => f.id === 'lookalike-sender')?.detail).toContain('springfield.gov');
  });

  it('flags an organisation name on a free mailbox, and a designed mailing from one', async () => {
    expect(ids(await run({ from: '"Bank Security Department" <secure.bank.team@gmail.com>' }))).toContain('free-mail-organisation');
    const html = '<p>Claim</p><a href="https://a.example/1">a</a><a href="https://b.example/2">b</a><a href="https://c.example/3">c</a>';
    expect(ids(await run({ from: 'ETHER <someone@icloud.com>', html }))).toContain('free-mail-mailing');
    expect(ids(await run({ from: 'Sam <sam@icloud.com>', text: 'Photos from the weekend attached.' }))).not.toContain('free-mail-mailing');
  });

  it('flags look-alike letters, styled letters and invisible characters', async () => {
    expect(ids(await run({ subject: '=?UTF-8?B?WdC+dXIgYWNjb3VudCDRlnMgbG9ja2Vk?=' }))).toContain('lookalike-letters'); // Yоur account іs locked
    expect(ids(await run({ subject: '=?UTF-8?B?8J2QlfCdkKjwnZCu8J2QqyDwnZCp8J2QqPCdkKfwnZCu8J2QrA==?=' }))).toContain('styled-letters');
    expect(ids(await run({ subject: '=?UTF-8?B?UOKAjWHigI15cOKAjWFs?=' }))).toContain('hidden-characters'); // P‍a‍y‍p‍a‍l
    // Real Cyrillic or accented text is not a trick.
    expect(ids(await run({ subject: '=?UTF-8?B?0J/RgNC40LLQtdGCLCDQutCw0Log0LTQtdC70LA/?=', text: 'Réunion à 10h, café compris.' }))).toEqual([]);
  });

  it('flags a web address in the subject and hidden text woven into words', async () => {
    expect(ids(await run({ subject: 'TAKE FREE CRYPTO https://cutt.us/x' }))).toContain('link-in-subject');
    const woven = '<p>Your Am<span style="font-size:0">X1</span>azon mem<span style="font-size:0">X2</span>bership ca<span style="font-size:0">X3</span>rd</p>';
    expect(ids(await run({ html: woven }))).toContain('hidden-text');
  });

  it('flags a brand signature from another domain', async () => {
    expect(ids(await run({ text: 'Please update your card.\n\nBest regards,\nAmazon Team Support' }))).toContain('signed-as-brand');
    expect(ids(await run({ from: 'Amazon <store-news@amazon.com>', text: 'Regards, Amazon Team' }))).not.toContain('signed-as-brand');
  });
});
