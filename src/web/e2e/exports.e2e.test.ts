// End to end in real Chromium: an organisation admin sets up an export for a firewall through the
// form (formats and types from the hub, a refusal shown as the hub words it), sees the preview,
// adds a device and reads its token once; the device fetches the list with nothing but that URL,
// and the fetch shows in the history with the device "fetching". A plain member sees the exports,
// a device that stopped fetching called out, and no controls to change anything.
import { rmSync } from 'node:fs';
import { chromium, request as playwrightRequest, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, signedInPage } from './helpers.js';

const ipFormat = 'IP list (PAN-OS, FortiGate, Check Point, Cisco)';

describe.skipIf(!haveChromium)('exports in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let admin: SignedInUser;
  let member: SignedInUser;
  /** made through the API, with a device whose last fetch is three days old */
  let resolverExportId: string;
  const log: string[] = [];

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { publicUrl: base }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    const alderton = await hub.createOrg({ name: 'City of Alderton' });
    const brookvale = await hub.createOrg({ name: 'City of Brookvale' });
    admin = await hub.createUser({ orgId: alderton.id, role: 'admin', email: 'it@alderton.example' });
    member = await hub.createUser({ orgId: alderton.id, role: 'member', email: 'clerk@alderton.example' });
    const sender = await hub.createUser({ orgId: brookvale.id, role: 'analyst', email: 'soc@brookvale.example' });

    const warning = await hub.as(sender, {
      method: 'POST',
      url: '/api/warnings',
      payload: {
        title: 'Credential phishing portal and its scanners',
        details: 'Scanners probing webmail, and a portal collecting passwords.',
        kind: 'other',
        severity: 'medium',
        tlp: 'green',
        audience: { kind: 'members' },
        indicators: [
          { type: 'ipv4', value: '45.155.205.5' },
          { type: 'ipv4', value: '45.155.205.6' },
          { type: 'domain', value: 'bad-portal.example' },
          // A documentation range: on the warning list, so never in an export.
          { type: 'ipv4', value: '203.0.113.9' },
        ],
      },
    });
    expect(warning.statusCode, warning.body).toBe(201);

    // An export made through the API whose one device has stopped fetching.
    const made = await hub.as(admin, { method: 'POST', url: '/api/exports', payload: { name: 'DNS resolvers', format: 'edl-domain', options: { domainWildcards: true } } });
    expect(made.statusCode, made.body).toBe(201);
    resolverExportId = made.json<{ id: string }>().id;
    const device = await hub.as(admin, { method: 'POST', url: `/api/exports/${resolverExportId}/tokens`, payload: { name: 'Unbound at the library' } });
    expect(device.statusCode, device.body).toBe(201);
    const { token, secret } = device.json<{ token: { id: string }; secret: string }>();
    const fetched = await hub.app.inject({ method: 'GET', url: `/exports/${resolverExportId}/list.txt`, headers: { authorization: `Bearer ${secret}` } });
    expect(fetched.statusCode).toBe(200);
    // Three days ago, as if the resolver had stopped pulling then (staleAfterHours is 48).
    const threeDaysAgo = new Date(hub.app.ctx.now().getTime() - 72 * 3_600_000).toISOString();
    await hub.app.ctx.db.updateTable('export_tokens').set({ last_fetch_at: threeDaysAgo }).where('id', '=', token.id).execute();

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  const signIn = (user: SignedInUser): Promise<Page> => signedInPage(browser, base, user.email, testPassword, log);


  it('an admin sets up a firewall export, adds a device, and the device fetches the list with its URL', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(admin);

    // From the Connect page to the exports.
    await page.getByRole('link', { name: 'Connect tools' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connect your tools' }).waitFor();
    await page.getByRole('link', { name: 'Exports for your devices' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exports' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/connect/exports');

    // The form: formats from the hub, each with the types it carries; types limited to the format's.
    const form = page.getByRole('form', { name: 'New export' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Firewall at City Hall');
    const format = form.getByRole('radio', { name: ipFormat, exact: true });
    await format.check();
    expect(await format.evaluate((radio) => document.getElementById(radio.getAttribute('aria-describedby') ?? '')?.textContent)).toBe('Carries IPv4 address, IPv6 address and IP range.');
    const types = form.getByRole('group', { name: /^Types/ });
    expect(await types.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).labels?.[0]?.textContent))).toEqual(['IPv4 address', 'IPv6 address', 'IP range']);
    // RPZ takes a TTL and a zone; the IP list does not.
    await form.getByRole('radio', { name: 'DNS response policy zone (RPZ)', exact: true }).check();
    await form.getByRole('textbox', { name: 'Zone name' }).waitFor();
    await format.check();
    expect(await form.getByRole('textbox', { name: 'Zone name' }).count()).toBe(0);

    // TLP ceiling: AMBER+STRICT unless RED is chosen, and RED comes with a warning.
    const tlp = form.getByRole('combobox', { name: 'Most restrictive TLP' });
    expect(await tlp.inputValue()).toBe('amber+strict');
    await tlp.selectOption('red');
    await form.getByText(/is for the people a warning was addressed to/).waitFor();
    await tlp.selectOption('amber+strict');
    expect(await form.getByText(/is for the people a warning was addressed to/).count()).toBe(0);

    // The hub's refusal, in its words.
    await form.getByRole('spinbutton', { name: 'Minimum confidence' }).fill('150');
    await form.getByRole('button', { name: 'Save export' }).click();
    await form.getByRole('alert').filter({ hasText: 'minConfidence: a whole number from 0 to 100' }).waitFor();
    await form.getByRole('spinbutton', { name: 'Minimum confidence' }).fill('');
    await form.getByRole('button', { name: 'Save export' }).click();

    // The export's page: the address, and the preview as a device would get it now.
    await page.getByRole('heading', { level: 1, name: 'Firewall at City Hall' }).waitFor();
    const exportId = /^\/connect\/exports\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1];
    expect(exportId).toBeDefined();
    await page.getByText('Firewall at City Hall was saved.').waitFor();
    const url = `${base}/exports/${exportId}/firewall-at-city-hall.txt`;
    expect(await page.getByTestId('export-url').textContent()).toBe(url);
    const preview = page.getByTestId('export-preview');
    await preview.waitFor();
    const lines = (await preview.textContent())!.split('\n').filter(Boolean);
    expect(lines).toEqual(['45.155.205.5', '45.155.205.6']);
    expect(await page.getByTestId('preview-counts').textContent()).toBe('Values2IPv4 address2Skipped0');
    expect(await page.getByTestId('export-settings').textContent()).toContain('TLP:AMBER+STRICT');

    // A device: its token and ready-to-paste URL, shown once.
    await page.getByRole('textbox', { name: 'Device name' }).fill('PA-3220 at City Hall');
    await page.getByRole('button', { name: 'Add device' }).click();
    const secret = (await page.getByTestId('device-secret').textContent())!;
    expect(secret).toMatch(/^tcx_xt[0-9a-f]{18}_[A-Za-z0-9_-]{43}$/);
    const deviceUrl = (await page.getByTestId('device-url').textContent())!;
    expect(deviceUrl).toBe(`${url}?token=${secret}`);
    expect(await page.getByTestId('device-curl').textContent()).toContain(`Authorization: Bearer ${secret}`);
    await page.getByText('Copy its token now: it is shown once, and never again.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Device PA-3220 at City Hall added');
    await page.getByRole('button', { name: 'Copy address with the token' }).waitFor();
    const newDevice = page.getByTestId('device-row').filter({ hasText: 'PA-3220 at City Hall' });
    expect(await newDevice.getByText('Never fetched').count()).toBe(1);

    // The device: no cookies, only the URL it was given.
    const device = await playwrightRequest.newContext();
    try {
      const list = await device.get(deviceUrl);
      expect(list.status()).toBe(200);
      expect(list.headers()['content-type']).toMatch(/^text\/plain/);
      expect(await list.text()).toBe('45.155.205.5\n45.155.205.6\n');
      // The hub records a fetch once the body is sent: wait for it, so the history's order is certain.
      await expect.poll(async () => (await hub.as(admin, { method: 'GET', url: `/api/exports/${exportId}/fetches` })).json<{ items: unknown[] }>().items.length).toBe(1);
      // Nothing changed since: 304 with the ETag, the token this time as Bearer.
      const again = await device.get(url, { headers: { authorization: `Bearer ${secret}`, 'if-none-match': list.headers().etag! } });
      expect(again.status()).toBe(304);
      // Without the token, the same address is refused.
      expect((await device.get(url)).status()).toBe(401);
    } finally {
      await device.dispose();
    }

    // Reloaded: the fetches in the history, and the device fetching.
    const history = page.getByRole('table', { name: 'Fetch history' });
    await expect
      .poll(async () => {
        await page.reload();
        await history.waitFor();
        return history.locator('tbody tr').count();
      })
      .toBe(2);
    // The shown-once secret is gone after the reload.
    expect(await page.getByTestId('device-secret').count()).toBe(0);
    const rows = await history.locator('tbody tr').allTextContents();
    expect(rows[0]).toMatch(/PA-3220 at City Hall127\.0\.0\.1304 Not changed/);
    expect(rows[1]).toMatch(/PA-3220 at City Hall127\.0\.0\.1200 Sent2$/);
    const deviceRow = page.getByTestId('device-row').filter({ hasText: 'PA-3220 at City Hall' });
    await deviceRow.getByText('Fetching', { exact: true }).waitFor();
    expect(await deviceRow.textContent()).toContain('from 127.0.0.1');

    // The list shows the device fetching, and the API-made export's device as stale.
    await page.getByRole('link', { name: 'Back to the exports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exports' }).waitFor();
    const firewall = page.getByTestId('export-row').filter({ hasText: 'Firewall at City Hall' });
    await firewall.getByText('Fetching', { exact: true }).waitFor();
    expect(await firewall.textContent()).toContain(ipFormat);

    // Revoked (after confirming), the device can no longer fetch.
    await firewall.getByRole('link', { name: 'Firewall at City Hall' }).click();
    await page.getByRole('heading', { level: 1, name: 'Firewall at City Hall' }).waitFor();
    await page.getByRole('button', { name: 'Revoke the token of PA-3220 at City Hall' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText('The token of PA-3220 at City Hall is revoked').waitFor();
    await page.getByTestId('device-row').filter({ hasText: 'PA-3220 at City Hall' }).getByText('Revoked', { exact: true }).waitFor();
    const revoked = await playwrightRequest.newContext();
    try {
      expect((await revoked.get(deviceUrl)).status()).toBe(401);
    } finally {
      await revoked.dispose();
    }

    // Its settings changed: the form opens with what is stored, and the address stays.
    await page.getByRole('button', { name: 'Change settings' }).click();
    const edit = page.getByRole('form', { name: 'Change Firewall at City Hall' });
    expect(await edit.getByRole('radio', { name: ipFormat, exact: true }).isChecked()).toBe(true);
    expect(await edit.getByRole('combobox', { name: 'Most restrictive TLP' }).inputValue()).toBe('amber+strict');
    await edit.getByRole('spinbutton', { name: 'Maximum age (days)' }).fill('30');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Firewall at City Hall was saved.').waitFor();
    expect(await page.getByTestId('export-settings').textContent()).toContain('Maximum age30 days');
    expect(await page.getByTestId('export-url').textContent()).toBe(url);

    // Removed, after confirming: gone from the list.
    await page.getByRole('button', { name: 'Remove export' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByText('Firewall at City Hall was removed.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Exports' }).waitFor();
    await page.getByTestId('export-row').filter({ hasText: 'DNS resolvers' }).waitFor();
    expect(await page.getByTestId('export-row').filter({ hasText: 'Firewall at City Hall' }).count()).toBe(0);
    await page.context().close();
  });

  it('a plain member sees the exports and a stale device, without controls to change them', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(member);
    await page.goto(`${base}/connect/exports`);
    await page.getByRole('heading', { level: 1, name: 'Exports' }).waitFor();
    const resolvers = page.getByTestId('export-row').filter({ hasText: 'DNS resolvers' });
    await resolvers.waitFor();
    expect(await resolvers.textContent()).toContain('Domain list (PAN-OS, FortiGate, Check Point, Cisco)');
    await resolvers.getByText('Stale', { exact: true }).waitFor();
    expect(await page.getByTestId('stale-devices').textContent()).toMatch(/1 device has stopped fetching.*Unbound at the library \(DNS resolvers\): no fetch for more than 48 hours/);
    expect(await page.getByRole('form', { name: 'New export' }).count()).toBe(0);

    await resolvers.getByRole('link', { name: 'DNS resolvers' }).click();
    await page.getByRole('heading', { level: 1, name: 'DNS resolvers' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/connect/exports/${resolverExportId}`);
    // The preview: domains only, each with its wildcard; the address to give the devices.
    expect((await page.getByTestId('export-preview').textContent())!.split('\n').filter(Boolean)).toEqual(['bad-portal.example', '*.bad-portal.example']);
    expect(await page.getByTestId('export-url').textContent()).toBe(`${base}/exports/${resolverExportId}/dns-resolvers.txt`);
    await page.getByTestId('device-row').filter({ hasText: 'Unbound at the library' }).getByText('Stale', { exact: true }).waitFor();
    await page.getByText('Your organisation’s administrators add devices and give each its token.').waitFor();
    for (const control of ['Change settings', 'Remove export', 'Add device', 'Revoke the token of Unbound at the library']) {
      expect(await page.getByRole('button', { name: control }).count(), control).toBe(0);
    }
    expect(await page.getByRole('textbox', { name: 'Device name' }).count()).toBe(0);
    // The fetch the resolver made is in the history.
    expect(await page.getByRole('table', { name: 'Fetch history' }).locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/Unbound at the library.*200 Sent1$/)]);
    await page.context().close();
  });
});
