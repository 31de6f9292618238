import { describe, expect, it } from 'vitest';
import { InputTooLargeError, InvalidStixInputError } from './errors.js';
import { findPersonalData, redact, type PiiFinding, type PiiKind } from './pii.js';

const own = { ownDomains: ['Springfield.gov'], ownIpRanges: ['198.51.100.64/26', '2001:db8:5::/48', '203.0.113.200'] };
const find = (text: string): PiiFinding[] => findPersonalData(text, own);
const flagged = (text: string): string[] => find(text).map((f) => `${f.kind}:${f.text}`);

describe('findPersonalData', () => {
  it('gives offsets that point at the finding', () => {
    const text = 'Reported by Jane Doe (jane.doe@springfield.gov, 555-123-4567) from fs01.corp.springfield.gov at 10.20.3.4.';
    const findings = find(text);
    expect(findings.map((f) => f.kind)).toEqual(['person-name', 'email', 'phone', 'internal-hostname', 'private-ip']);
    for (const f of findings) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  describe('email addresses', () => {
    it.each([
      ['write to jane.doe@springfield.gov today', 'jane.doe@springfield.gov'],
      ['<Bob.Smith@Example.org>', 'Bob.Smith@Example.org'],
      ['mailto:ops@county.example', 'mailto:ops@county.example'],
      ['jane[at]springfield[.]gov', 'jane[at]springfield[.]gov'],
      ['helpdesk@intranet.local', 'helpdesk@intranet.local'],
    ])('%s', (text, found) => {
      expect(flagged(text)).toEqual([`email:${found}`]);
    });

    it('not an @handle or a bare @', () => {
      expect(find('ping @jane or email me @ work')).toEqual([]);
    });
  });

  describe('phone numbers', () => {
    it.each([
      '(212) 555-0199',
      '212-555-0199',
      '212.555.0199',
      '212 555 0199',
      '+1 212 555 0199',
      '+1-212-555-0199',
      '1-800-555-1234',
      '555-123-4567',
      '+44 20 7946 0958',
      '+49-30-1234567',
      '+33 1 23 45 67 89',
      '+61 2 9876 5432',
      '+442079460958',
    ])('%s', (phone) => {
      expect(flagged(`Call ${phone}, please.`)).toEqual([`phone:${phone}`]);
    });

    it('unformatted ten digits only after a phone label', () => {
      expect(flagged('Phone: 2125550199')).toEqual(['phone:2125550199']);
      expect(flagged('tel 2125550199')).toEqual(['phone:2125550199']);
      expect(find('ticket 2125550199 and epoch 1712345678')).toEqual([]);
    });

    it.each([
      ['a public IP', '203.0.113.7'],
      ['a private IP is an IP, not a phone', '10.200.300.4000'],
      ['an ISO date', '2024-03-15'],
      ['a US date', '03/15/2024'],
      ['a timestamp with an offset', '2024-03-15T10:00:00+02:00'],
      ['a CVE id', 'CVE-2024-3400'],
      ['a five-digit CVE id', 'CVE-2023-12345'],
      ['an MD5 made of digits', '55512345675551234567555123456755'],
      ['an MD5 with a phone-like run', 'a5551234567b5551234567c555123456'],
      ['a SHA-1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
      ['a SHA-256 with digit runs', '2125550199e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599'],
      ['a version', '10.2.3.4567'],
      ['a product number', 'KB5034441'],
      ['a port list', '80, 443, 8080'],
      ['an amount', '$1,234,567.89'],
      ['a sum', '1 + 2 = 3'],
      ['a URL path', 'hxxp://evil[.]example/555-123-4567'],
    ])('not %s', (_why, text) => {
      expect(find(`seen ${text} today`).filter((f) => f.kind === 'phone')).toEqual([]);
    });
  });

  describe("people's names", () => {
    it.each([
      ['Mr. John Smith called', 'John Smith'],
      ['Mrs Jane Doe called', 'Jane Doe'],
      ['Officer Jane Doe responded', 'Jane Doe'],
      ['Dr. Ana María López reviewed it', 'Ana María López'],
      ["Det. Sean O'Brien", "Sean O'Brien"],
      ['Sgt. Mary-Kate McDonald', 'Mary-Kate McDonald'],
      ['Mayor Lisa Chen Police', 'Lisa Chen'],
      ['Deputy Chief Jane Doe', 'Jane Doe'],
      ['contact: Jane Doe', 'Jane Doe'],
      ['Contact Person: John Q. Adams', 'John Q. Adams'],
      ['POC - Maria Garcia', 'Maria Garcia'],
      ['reported by Jane Doe at noon', 'Jane Doe'],
      ['Regards,\nJohn Smith\nIT Department', 'John Smith'],
      ['Thanks,\nJohn', 'John'],
      ['Best regards,\r\n  Jane Doe  \r\n', 'Jane Doe'],
      ['Sincerely, Jane Doe', 'Jane Doe'],
    ])('%j', (text, name) => {
      expect(flagged(text)).toEqual([`person-name:${name}`]);
    });

    it.each([
      'Chief Information Security Officer',
      'our Security Officer said so',
      'Contact: Help Desk',
      'contact: Microsoft Teams',
      'From: IT Security',
      'Regards,\nSpringfield City Hall',
      'Thanks for the heads up',
      'Deputy Director of Public Works',
      'Mr. and Mrs. smith',
      'Mr. Mr. Mr.',
      'the phishing mail came from Nigeria',
      'Name: CVE',
    ])('not in %j', (text) => {
      expect(find(text).filter((f) => f.kind === 'person-name')).toEqual([]);
    });
  });

  describe("the sender's own hosts", () => {
    it.each([
      ['fs01.corp.springfield.gov', 'fs01.corp.springfield.gov'],
      ['FS01.Springfield.GOV:445', 'FS01.Springfield.GOV:445'],
      ['springfield.gov', 'springfield.gov'],
      ['https://intranet.springfield.gov/hr/payroll', 'https://intranet.springfield.gov/hr/payroll'],
      ['\\\\fs01.springfield.gov\\share$', '\\\\fs01.springfield.gov\\share$'],
      ['vpn[.]springfield[.]gov', 'vpn[.]springfield[.]gov'],
    ])('%s', (text, found) => {
      expect(flagged(`host ${text} was hit`)).toEqual([`internal-hostname:${found}`]);
    });

    it.each(['evil.example', 'springfield.gov.evil.example', 'notspringfield.gov', 'hxxps://springfield-gov[.]example/login', 'shelbyville.gov'])('not %s', (text) => {
      expect(find(`host ${text} was seen`)).toEqual([]);
    });
  });

  describe('private and own addresses', () => {
    it.each([
      '10.20.3.4',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.5:3389',
      '127.0.0.1',
      '169.254.10.1',
      '100.64.0.1',
      '100.127.255.254',
      '10.0.0.0/8',
      'fc00::1',
      'fd12:3456:789a::1',
      'fe80::1',
      'fe80::1%eth0',
      '::1',
      '[fd00::5]:443',
      '::ffff:192.168.0.1',
      'http://192.168.0.10/admin',
      '198.51.100.77',
      '198.51.100.127',
      '2001:db8:5::9',
      '203.0.113.200',
      '10.20.3[.]4',
    ])('%s', (ip) => {
      expect(flagged(`from ${ip} today`)).toEqual([`private-ip:${ip}`]);
    });

    it.each(['203.0.113.7', '8.8.8.8', '172.32.0.1', '100.128.0.1', '198.51.100.10', '198.51.100.128', '2001:db8::1', '203.0.113.201', 'hxxp://203.0.113[.]7/x', '198.51.100.0/24'])(
      'not the public indicator %s',
      (ip) => {
        expect(find(`from ${ip} today`)).toEqual([]);
      },
    );
  });

  it('ignores own domains and ranges that are not valid', () => {
    expect(findPersonalData('x.y.example 10.0.0.1', { ownDomains: ['not a domain', 'y.example'], ownIpRanges: ['nonsense', '300.0.0.0/8'] }).map((f) => f.kind)).toEqual([
      'internal-hostname',
      'private-ip',
    ]);
  });

  it('refuses text over the size limit', () => {
    expect(() => findPersonalData('x'.repeat(101), { ...own, maxInputBytes: 100 })).toThrow(InputTooLargeError);
  });

  it.each([
    ['plus signs and digits', '+1 2 '],
    ['honorifics', 'Mr. '],
    ['capitalised words', 'Ab '],
    ['closings', 'Regards,\n'],
    ['contact labels', 'contact: '],
    ['dashes and digits', '555-'],
    ['at signs', 'a@'],
  ])('finishes on 5 MB of %s', (_name, unit) => {
    const text = unit.repeat(Math.floor(5_000_000 / unit.length));
    expect(Array.isArray(findPersonalData(text, own))).toBe(true);
  });
});

describe('redact', () => {
  it('replaces each finding with its label', () => {
    const text = 'Reported by Jane Doe (jane.doe@springfield.gov, 555-123-4567): fs01.springfield.gov at 10.20.3.4 called 203.0.113.7.';
    expect(redact(text, find(text))).toBe(
      'Reported by [REDACTED NAME] ([REDACTED EMAIL], [REDACTED PHONE]): [REDACTED HOSTNAME] at [REDACTED IP] called 203.0.113.7.',
    );
  });

  it('merges overlapping findings into one replacement, whatever their order', () => {
    const text = 'call Jane Doe-Smith now';
    const f = (kind: PiiKind, part: string): PiiFinding => {
      const start = text.indexOf(part);
      return { kind, start, end: start + part.length, text: part };
    };
    expect(redact(text, [f('phone', 'Doe-Smith'), f('person-name', 'Jane Doe')])).toBe('call [REDACTED NAME] now');
    expect(redact(text, [f('person-name', 'Jane Doe-Smith'), f('person-name', 'Jane')])).toBe('call [REDACTED NAME] now');
    expect(redact(text, [f('person-name', 'Smith'), f('person-name', 'Jane')])).toBe('call [REDACTED NAME] Doe-[REDACTED NAME] now');
  });

  it('leaves text without findings alone', () => {
    expect(redact('nothing here', [])).toBe('nothing here');
  });

  it('refuses findings that do not match the text', () => {
    expect(() => redact('short', [{ kind: 'email', start: 0, end: 50, text: 'x' }])).toThrow(InvalidStixInputError);
    expect(() => redact('hello world', [{ kind: 'email', start: 0, end: 5, text: 'world' }])).toThrow(InvalidStixInputError);
  });
});
