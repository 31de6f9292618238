// The SSRF guard's address rules, without a network: IPv4, IPv6, IPv4 written as IPv6, the
// operator's allow-list, and the connect-time lookup with a fake resolver.
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../config/config.js';
import { AppError } from '../errors.js';
import { parseIp } from '../stix/ip.js';
import { blockedAddressReason, checkOutboundUrl, checkUrlShape, guardedLookup, OutboundRefusedError, refusedAddress, type Resolver } from './ssrf.js';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`test address ${text} does not parse`);
  return parsed;
};

const fakeResolver =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('URL_REFUSED');
  return err as AppError;
}

describe('outbound address rules', () => {
  it.each([
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['169.254.1.1', 'a link-local address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['100.127.255.254', 'a shared (carrier-grade NAT) address'],
    ['0.0.0.0', 'a "this network" address'],
    ['0.1.2.3', 'a "this network" address'],
    ['224.0.0.251', 'a multicast address'],
    ['239.255.255.250', 'a multicast address'],
    ['240.0.0.1', 'a reserved address'],
    ['255.255.255.255', 'the broadcast address'],
    ['192.0.2.10', 'a documentation address'],
    ['198.18.0.1', 'a benchmarking address'],
  ])('refuses IPv4 %s as %s', (address, reason) => {
    expect(blockedAddressReason(ip(address))).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '172.15.255.255', '100.128.0.1', '11.0.0.1', '223.255.255.254'])('allows the public IPv4 address %s', (address) => {
    expect(blockedAddressReason(ip(address))).toBeNull();
  });

  it.each([
    ['::1', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['febf::1', 'a link-local address'],
    ['fc00::1', 'a unique-local address'],
    ['fdff:ffff::1', 'a unique-local address'],
    ['ff02::1', 'a multicast address'],
    ['2001:db8::1', 'a documentation address'],
    ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped)'],
    ['::ffff:10.0.0.1', 'a private address (IPv4-mapped)'],
    ['::ffff:a9fe:a9fe', 'a link-local address (IPv4-mapped)'],
    ['64:ff9b::192.168.0.1', 'a private address (NAT64)'],
    ['2002:c0a8:0101::1', 'a private address (6to4)'],
    ['::127.0.0.1', 'a reserved address'],
    ['4000::1', 'a reserved address'],
  ])('refuses IPv6 %s as %s', (address, reason) => {
    expect(blockedAddressReason(ip(address))).toBe(reason);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])('allows the public IPv6 address %s', (address) => {
    expect(blockedAddressReason(ip(address))).toBeNull();
  });

  it('refuses cloud metadata endpoints, even when the allow-list covers them', () => {
    const allow = ['169.254.0.0/16', '100.64.0.0/10', 'fd00::/8', '192.0.0.0/24', 'metadata.google.internal'];
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192', '169.254.170.2']) {
      expect(refusedAddress(address, address, allow), address).toBe('a cloud metadata endpoint');
    }
    // …while the rest of the listed networks is allowed.
    expect(refusedAddress('169.254.10.20', '169.254.10.20', allow)).toBeNull();
    expect(() => checkUrlShape('http://metadata.google.internal/computeMetadata/v1/', allow)).toThrow(/cloud metadata endpoint/);
    expect(() => checkUrlShape('http://169.254.169.254/latest/meta-data/', allow)).toThrow(/cloud metadata endpoint/);
  });

  it('allows internal addresses listed by CIDR, address or host name, and nothing next to them', () => {
    const allow = ['10.20.0.0/16', '192.168.7.9/32', 'fd12:3456::/32', 'soar.city.internal', '*.corp.example'];
    expect(refusedAddress('10.20.5.6', 'x', allow)).toBeNull();
    expect(refusedAddress('::ffff:10.20.5.6', 'x', allow)).toBeNull();
    expect(refusedAddress('10.21.0.1', 'x', allow)).toMatch(/^a private address; the operator can allow it with TOCSIN_OUTBOUND_ALLOW$/);
    expect(refusedAddress('192.168.7.9', 'x', allow)).toBeNull();
    expect(refusedAddress('192.168.7.10', 'x', allow)).toMatch(/private/);
    expect(refusedAddress('fd12:3456::5', 'x', allow)).toBeNull();
    expect(refusedAddress('fd12:3457::5', 'x', allow)).toMatch(/unique-local/);
    // A host name on the list may resolve to any internal address (not metadata).
    expect(refusedAddress('10.9.9.9', 'soar.city.internal', allow)).toBeNull();
    expect(refusedAddress('10.9.9.9', 'SOAR.city.internal.', allow)).toBeNull();
    expect(refusedAddress('10.9.9.9', 'tickets.corp.example', allow)).toBeNull();
    expect(refusedAddress('10.9.9.9', 'corp.example', allow)).toMatch(/private/);
    expect(refusedAddress('10.9.9.9', 'evilcorp.example', allow)).toMatch(/private/);
    expect(refusedAddress('10.9.9.9', 'soar.city.internal.evil.example', allow)).toMatch(/private/);
  });
});

describe('checking a URL when it is saved', () => {
  const resolver = fakeResolver({
    'hooks.example.org': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'sneaky.example.org': ['93.184.216.34', '10.0.0.8'],
    'intranet.example.org': ['192.168.50.2'],
    'soar.city.internal': ['10.20.1.1'],
  });

  it('accepts a public http or https URL', async () => {
    expect((await checkOutboundUrl('https://hooks.example.org/tocsin?x=1', [], resolver)).href).toBe('https://hooks.example.org/tocsin?x=1');
    expect((await checkOutboundUrl('http://93.184.216.34:8080/in', [], resolver)).port).toBe('8080');
  });

  it.each([
    ['ftp://hooks.example.org/', /only http:\/\/ and https:\/\//],
    ['file:///etc/passwd', /only http/],
    ['gopher://hooks.example.org/', /only http/],
    ['http://user:pass@hooks.example.org/', /user name or password/],
    ['https://token@hooks.example.org/', /user name or password/],
    ['not a url', /not a valid URL/],
    ['http://127.0.0.1:8080/', /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback address/],
    ['http://0x7f.1/', /loopback/],
    ['http://[::1]/', /::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/', /loopback address \(IPv4-mapped\)/],
    ['http://10.0.0.1/', /private address/],
    ['http://192.168.0.1/', /private address/],
    ['http://169.254.0.1/', /link-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://metadata.google.internal/', /cloud metadata/],
    ['http://intranet.example.org/', /intranet\.example\.org resolves to 192\.168\.50\.2, a private address/],
    ['http://sneaky.example.org/', /resolves to 10\.0\.0\.8/],
    ['http://nowhere.example.org/', /does not resolve/],
  ])('refuses %s', async (url, reason) => {
    const err = await refusal(checkOutboundUrl(url, [], resolver));
    expect(err.message).toMatch(reason);
    expect(err.status).toBe(400);
  });

  it('names only the scheme, host and port of a refused URL (paths can carry tokens)', async () => {
    const err = await refusal(checkOutboundUrl('http://user:hunter2@10.0.0.1:9000/services/T0/B0/secret-token', [], resolver));
    expect(err.message).toContain('http://10.0.0.1:9000');
    expect(err.message).not.toContain('secret-token');
    expect(err.message).not.toContain('hunter2');
  });

  it('lets the allow-list admit an internal receiver by name or network', async () => {
    await expect(checkOutboundUrl('https://soar.city.internal/hook', ['soar.city.internal'], resolver)).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl('https://soar.city.internal/hook', ['10.20.0.0/16'], resolver)).resolves.toBeInstanceOf(URL);
    await refusal(checkOutboundUrl('https://soar.city.internal/hook', ['10.21.0.0/16'], resolver));
    await expect(checkOutboundUrl('http://127.0.0.1:4000/', ['127.0.0.1/32'], resolver)).resolves.toBeInstanceOf(URL);
  });
});

describe('the connect-time lookup', () => {
  function lookup(fn: ReturnType<typeof guardedLookup>, host: string, all: boolean): Promise<{ address: string | LookupAddress[]; family?: number | undefined }> {
    return new Promise((resolve, reject) => {
      fn(host, { all }, (err, address, family) => (err ? reject(err) : resolve({ address, family })));
    });
  }

  it('refuses a host that resolved to a public address before and to a private one now (DNS rebinding)', async () => {
    let answer = '93.184.216.34';
    const resolver: Resolver = async () => [{ address: answer, family: 4 }];
    const fn = guardedLookup([], resolver);
    expect(await lookup(fn, 'rebind.example.org', false)).toEqual({ address: '93.184.216.34', family: 4 });
    answer = '10.0.0.7';
    const err = await lookup(fn, 'rebind.example.org', false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect((err as Error).message).toBe('rebind.example.org resolves to 10.0.0.7, a private address; the operator can allow it with TOCSIN_OUTBOUND_ALLOW');
  });

  it('checks every address, and answers in both callback shapes', async () => {
    const fn = guardedLookup([], fakeResolver({ 'mixed.example.org': ['93.184.216.34', '::1'], 'ok.example.org': ['93.184.216.34', '2606:4700:4700::1111'] }));
    await expect(lookup(fn, 'mixed.example.org', true)).rejects.toThrow(/::1, a loopback address/);
    await expect(lookup(fn, 'mixed.example.org', false)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(await lookup(fn, 'ok.example.org', true)).toEqual({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ],
      family: undefined,
    });
    await expect(lookup(fn, 'gone.example.org', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('lets allow-listed names and networks through', async () => {
    const resolver = fakeResolver({ 'soar.city.internal': ['10.20.1.1'] });
    expect((await lookup(guardedLookup(['soar.city.internal'], resolver), 'soar.city.internal', false)).address).toBe('10.20.1.1');
    expect((await lookup(guardedLookup(['10.20.0.0/16'], resolver), 'soar.city.internal', false)).address).toBe('10.20.1.1');
    await expect(lookup(guardedLookup(['10.30.0.0/16'], resolver), 'soar.city.internal', false)).rejects.toBeInstanceOf(OutboundRefusedError);
  });
});

describe('TOCSIN_OUTBOUND_ALLOW', () => {
  it('is parsed into a frozen list of normalised entries, empty by default', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    const config = loadConfig({ TOCSIN_OUTBOUND_ALLOW: ' 10.20.0.0/16, 127.0.0.1 ,SOAR.City.Internal., *.corp.example, fd00:1::/32, ::1 ' });
    expect(config.outboundAllow).toEqual(['10.20.0.0/16', '127.0.0.1/32', 'soar.city.internal', '*.corp.example', 'fd00:1::/32', '::1/128']);
    expect(Object.isFrozen(config.outboundAllow)).toBe(true);
  });

  it.each(['10.0.0.0/33', '300.1.2.3', '10.0.0/8', 'fd00::/129', '10.0.0.1/08', 'bad host!', '-leading.example'])('refuses %s with a ConfigError', (value) => {
    expect(() => loadConfig({ TOCSIN_OUTBOUND_ALLOW: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TOCSIN_OUTBOUND_ALLOW: value })).toThrow(/TOCSIN_OUTBOUND_ALLOW/);
  });

  it('keeps the retry window at 24 hours or more', () => {
    expect(loadConfig({}).webhookRetryHours).toBe(24);
    expect(loadConfig({}).webhookTimeoutMs).toBe(10_000);
    expect(() => loadConfig({ TOCSIN_WEBHOOK_RETRY_HOURS: '12' })).toThrow(/below the minimum 24/);
  });
});
