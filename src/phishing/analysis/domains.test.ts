// Look-alike domains: registrable parts, TR39 skeletons, edit distance, and which imitation
// a host is of which protected organisation (brands and member organisations).
import { describe, expect, it } from 'vitest';
import { editDistance, findLookalike, protectedTargets, registrableDomain, skeleton } from './domains.js';

const targets = protectedTargets(['springfield.gov'], ['Springfield City']);
const kind = (host: string): string | null => {
  const l = findLookalike(host, targets);
  return l ? `${l.kind}:${l.target.name}` : null;
};

describe('registrableDomain', () => {
  it('keeps the part one owner registered', () => {
    expect(registrableDomain('mail.example.com')).toBe('example.com');
    expect(registrableDomain('a.b.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('shop.example.com.br')).toBe('example.com.br');
    expect(registrableDomain('evil-login.web.app')).toBe('evil-login.web.app');
    expect(registrableDomain('x.y.tenant.onmicrosoft.com')).toBe('tenant.onmicrosoft.com');
    expect(registrableDomain('ci.madison.wi.us')).toBe('madison.wi.us');
  });
});

describe('skeleton and edit distance', () => {
  it('folds homoglyphs the way Unicode TR39 does', () => {
    expect(skeleton('pаypal')).toBe(skeleton('paypal')); // Cyrillic а
    expect(skeleton('paypa1')).toBe(skeleton('paypal'));
    expect(skeleton('rnicrosoft')).toBe(skeleton('microsoft'));
    expect(skeleton('g00gle')).toBe(skeleton('google'));
    expect(skeleton('Ѕесurіtу')).toBe('security');
  });

  it('counts typos, with adjacent swaps as one', () => {
    expect(editDistance('paypal', 'paypall')).toBe(1);
    expect(editDistance('microsoft', 'micorsoft')).toBe(1);
    expect(editDistance('amazon', 'amazno')).toBe(1);
    expect(editDistance('netflix', 'nteflxi', 2)).toBe(2);
    expect(editDistance('abc', 'abcdefgh', 2)).toBeGreaterThan(2);
  });
});

describe('findLookalike', () => {
  it('finds homoglyph, IDN, typo, combo and subdomain imitations of brands', () => {
    expect(kind('paypa1.com')).toBe('homoglyph:PayPal');
    expect(kind('xn--pypal-4ve.com')).toBe('homoglyph:PayPal'); // pаypal with a Cyrillic а
    expect(kind('rnicrosoft.com')).toBe('homoglyph:Microsoft');
    expect(kind('micorsoft.com')).toBe('typo:Microsoft');
    expect(kind('paypal-secure-login.com')).toBe('combo:PayPal');
    expect(kind('securepaypal.net')).toBe('combo:PayPal');
    expect(kind('appleid-verify.com')).toBe('combo:Apple');
    expect(kind('dhl-express.info')).toBe('combo:DHL');
    expect(kind('paypal.com.account-check.net')).toBe('subdomain:PayPal');
  });

  it('protects member organisations the same way', () => {
    expect(kind('springfie1d.gov')).toBe('homoglyph:Springfield City');
    expect(kind('springfeild.gov')).toBe('typo:Springfield City');
    expect(kind('springfield-payments.com')).toBe('combo:Springfield City');
    expect(kind('springfield.org')).toBe('cousin:Springfield City');
  });

  it('leaves real and unrelated domains alone', () => {
    for (const host of ['www.paypal.com', 'mail.google.com', 'springfield.gov', 'it.springfield.gov', 'apple.slashdot.org', 'pineapple.com', 'apple-growers.org', 'example.co.uk', 'upsidedown.com', 'microsoftonline.com']) {
      expect(kind(host), host).toBeNull();
    }
  });
});
