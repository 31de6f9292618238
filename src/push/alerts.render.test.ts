// The alert mail text, without a store or an SMTP server: subjects, escaping, defanging,
// TLP labels, digest order and markers, and the retry schedule.
import { describe, expect, it } from 'vitest';
import { collapseByWarning, retryDelayMs } from './alerts.deliverer.js';
import { alertSubject, defangText, renderAlert, renderDigest, toAlertItem, type AlertItem, type AlertWarning } from './alerts.render.js';

const opts = { publicUrl: 'https://hub.example.org', reason: 'your organisation, Springfield <City>, is in the audience of this warning' };

function warning(over: Partial<AlertWarning> = {}): AlertWarning {
  return {
    id: '6f1c2c8e-0000-4000-8000-000000000001',
    title: 'Fake invoices',
    kind: 'phishing',
    severity: 'high',
    tlp: 'amber',
    details: 'Mails from billing@evil.example.net ask to pay https://pay.evil.example.net/now today.',
    indicators: [{ type: 'domain', value: 'evil.example', defanged: 'evil[.]example' }],
    source: { anonymous: false, label: 'Shelbyville', orgId: null },
    status: 'active',
    retractionReason: null,
    version: 1,
    ...over,
  };
}

const item = (over: Partial<AlertWarning> = {}, type: AlertItem['type'] = 'warning.created'): AlertItem => ({ type, warning: warning(over) });

describe('alert mail rendering', () => {
  it('names TLP, severity, kind and title in the subject, and says when it is an update or a retraction', () => {
    expect(alertSubject(item())).toBe('[TLP:AMBER] High: Phishing — Fake invoices');
    expect(alertSubject(item({ severity: 'critical', kind: 'ransomware', tlp: 'amber+strict' }, 'warning.updated'))).toBe('[TLP:AMBER+STRICT] Updated: Critical: Ransomware — Fake invoices');
    expect(alertSubject(item({ tlp: 'amber' }, 'warning.retracted'))).toBe('[TLP:AMBER] Retracted: Phishing — Fake invoices');
    // A RED warning's title never goes into a mail.
    expect(alertSubject(item({ tlp: 'red' }, 'warning.retracted'))).toBe('[TLP:RED] Retracted: Phishing — TLP:RED warning — sign in to read it');
    // A title cannot add header lines, and links in it are not clickable.
    expect(alertSubject(item({ title: 'Pay\r\nBcc: all@example.org now at evil.example.net' }))).toBe('[TLP:AMBER] High: Phishing — Pay Bcc: all@example[.]org now at evil[.]example[.]net');
  });

  it('escapes everything a member typed in the HTML part and keeps the plain text readable', () => {
    const nasty = '<script>alert(1)</script>';
    const mail = renderAlert(
      item({ title: `${nasty} & "quotes"`, details: `<img src=x onerror=alert(2)>\nsecond line`, source: { anonymous: true, label: '<b>A member</b>', orgId: null }, indicators: [{ type: 'url', value: 'x', defanged: '<i>hxxp://x</i>' }] }),
      opts,
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>A member');
    expect(mail.html).not.toContain('<i>hxxp');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(mail.html).toContain('Springfield &lt;City&gt;');
    expect(mail.text).toContain(`${nasty} & "quotes"`);
    expect(mail.text).toContain('second line');
  });

  it('links to the warning and to the account page, with the TLP label in its colours on black', () => {
    const mail = renderAlert(item(), opts);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('https://hub.example.org/warnings/6f1c2c8e-0000-4000-8000-000000000001');
      expect(part).toContain('https://hub.example.org/account');
      expect(part).toContain('TLP:AMBER');
      expect(part).toContain('evil[.]example');
    }
    expect(mail.html).toMatch(/background:#000000;color:#FFC000/);
    expect(renderAlert(item({ tlp: 'red' }), opts).html).toMatch(/background:#000000;color:#FF2B2B/);
    expect(mail.text).toContain('You get this email because your organisation, Springfield <City>, is in the audience');
  });

  it('defangs links in free text so mail clients do not make them clickable', () => {
    const mail = renderAlert(item(), opts);
    expect(mail.text).toContain('billing@evil[.]example[.]net');
    expect(mail.text).toContain('hxxps://pay[.]evil[.]example[.]net/now');
    expect(mail.text).not.toContain('https://pay.evil');
    expect(defangText('see report.pdf, version 2.1.3 and http://10.0.0.1:8080/x')).toBe('see report.pdf, version 2.1.3 and hxxp://10[.]0[.]0[.]1:8080/x');
    // Long hostile input stays fast (no catastrophic backtracking).
    const started = Date.now();
    defangText(`${'a-'.repeat(30_000)} ${'a.'.repeat(30_000)}x ${'.'.repeat(30_000)}x ${'https://'.repeat(5000)} ${`${'b.'.repeat(1000)}x `.repeat(25)}`);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('marks retractions with their reason and updates with their version', () => {
    const retracted = renderAlert(item({ status: 'retracted', retractionReason: 'false <alarm>' }, 'warning.retracted'), opts);
    expect(retracted.text).toContain('RETRACTED by the sender: false <alarm>');
    expect(retracted.html).toContain('RETRACTED by the sender: false &lt;alarm&gt;');
    expect(renderAlert(item({ version: 3 }, 'warning.updated'), opts).text).toContain('version 3');
  });

  it('lists a digest in the order given, under the strictest TLP, with retractions marked', () => {
    const items = [
      item({ id: 'w3', title: 'Newest', tlp: 'green', severity: 'low' }),
      item({ id: 'w2', title: 'Withdrawn', tlp: 'red', retractionReason: 'wrong sender' }, 'warning.retracted'),
      item({ id: 'w1', title: 'Oldest <one>', tlp: 'amber', severity: 'medium' }),
    ];
    const mail = renderDigest(items, opts);
    expect(mail.subject).toBe('[TLP:RED] Hourly digest: 3 warnings (highest: Medium)');
    // The RED item is listed sealed: its title stays on the hub.
    expect(mail.text).not.toContain('Withdrawn');
    expect(mail.text.indexOf('Newest')).toBeLessThan(mail.text.indexOf('TLP:RED warning — sign in'));
    expect(mail.text.indexOf('TLP:RED warning — sign in')).toBeLessThan(mail.text.indexOf('Oldest'));
    expect(mail.text).toContain('[TLP:RED] Retracted: ');
    expect(mail.text).toContain('Retracted: wrong sender');
    expect(mail.html).toContain('Oldest &lt;one&gt;');
    expect(mail.html).toContain('<s>TLP:RED warning — sign in to read it</s>');
    expect(mail.html).toContain('https://hub.example.org/warnings/w1');
  });

  it('collapses a digest to the newest state of each warning', () => {
    const collapsed = collapseByWarning([
      item({ id: 'a', title: 'A v2' }, 'warning.updated'),
      item({ id: 'b', title: 'B gone' }, 'warning.retracted'),
      item({ id: 'a', title: 'A v1' }, 'warning.created'),
      item({ id: 'b', title: 'B v2' }, 'warning.updated'),
    ]);
    expect(collapsed.map((i) => [i.warning.title, i.type])).toEqual([
      ['A v2', 'warning.created'],
      ['B gone', 'warning.retracted'],
    ]);
  });

  it('reads only warning payloads it understands', () => {
    expect(toAlertItem({ type: 'warning.created', warning: warning() })).toMatchObject({ type: 'warning.created', warning: { title: 'Fake invoices' } });
    expect(toAlertItem({ type: 'sighting.created', warning: warning() })).toBeNull();
    expect(toAlertItem({ type: 'warning.created', warning: { ...warning(), tlp: 'purple' } })).toBeNull();
    expect(toAlertItem(null)).toBeNull();
    const lean = toAlertItem({ type: 'warning.created', warning: { id: 'x', title: 't', kind: 'other', severity: 'low', tlp: 'clear', indicators: [{ type: 'domain', value: 'a.example.com' }] } });
    expect(lean?.warning.indicators[0]?.defanged).toBe('a[.]example[.]com');
  });

  it('backs off from 30 s, doubling, to at most an hour', () => {
    const o = { retryBaseMs: 30_000, retryCapMs: 3_600_000 };
    expect([0, 1, 2, 6, 7, 50].map((n) => retryDelayMs(n, o))).toEqual([30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000]);
  });
});

describe('TLP:RED in mail', () => {
  it('never puts a RED warning’s title, details or indicators in a mail', async () => {
    const { renderAlert, renderDigest } = await import('./alerts.render.js');
    const warning = {
      id: '7d9f3c1e-0000-4000-8000-000000000001',
      title: 'Secret intrusion at the water plant',
      kind: 'account-compromise',
      severity: 'critical',
      tlp: 'red' as const,
      source: { label: 'Springfield' },
      details: 'The SCADA jump host was accessed with stolen credentials.',
      indicators: [{ type: 'ipv4', value: '203.0.113.66', defanged: '203.0.113[.]66' }],
      status: 'active',
      retractionReason: null,
      version: 1,
    };
    const opts = { publicUrl: 'https://hub.example', reason: 'test' };
    const one = renderAlert({ type: 'warning.created', warning } as never, opts);
    const digest = renderDigest([{ type: 'warning.created', warning } as never], opts);
    for (const mail of [one, digest]) {
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      expect(all).not.toContain('water plant');
      expect(all).not.toContain('SCADA');
      expect(all).not.toContain('203.0.113');
      expect(all).toContain('https://hub.example/warnings/7d9f3c1e-0000-4000-8000-000000000001');
    }
    expect(one.subject).toContain('[TLP:RED]');
  });
});
