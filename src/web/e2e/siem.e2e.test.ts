// End to end in real Chromium: an organisation admin connects Splunk through the webhook form
// (HEC token, index), the test delivery fails with Splunk's own words when the token is wrong,
// the token is replaced on the webhook's page (never shown back), and the next test reaches a
// collector that checks HEC's documented wire format.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { closeSiemFakes, startHec, type Fake, type HecRequest } from '../../test/siem-fakes.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, signedInPage } from './helpers.js';

const goodToken = 'b7c5e2a4-1f0d-4c7e-9a1b-3d2f6e8c0a95';
const typoToken = 'b7c5e2a4-1f0d-4c7e-9a1b-3d2f6e8c0a59';

describe.skipIf(!haveChromium)('SIEM connectors in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let admin: SignedInUser;
  let orgId: string;
  let hec: Fake<HecRequest>;
  const log: string[] = [];

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The collector is on loopback, which the outbound policy allows for this test only.
    hub = await createTestHub('sqlite', { publicUrl: base, outboundAllow: '127.0.0.1', webhookTimeoutMs: '3000' }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    const org = await hub.createOrg({ name: 'City of Carrow' });
    orgId = org.id;
    admin = await hub.createUser({ orgId, role: 'admin', email: 'soc@carrow.example' });
    hec = await startHec(goodToken);
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await closeSiemFakes();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  const signIn = (user: SignedInUser): Promise<Page> => signedInPage(browser, base, user.email, testPassword, log, { responses: false });


  it('an admin connects Splunk, sees a wrong token refused in Splunk’s words, replaces it, and the test arrives', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(admin);
    await page.goto(`${base}/orgs/${orgId}`);
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Webhook name').fill('Splunk at City Hall');
    await form.getByLabel('Format').selectOption({ label: 'Splunk (HTTP Event Collector)' });
    // The connector's own fields appear only for it.
    await form.getByRole('group', { name: 'Splunk' }).waitFor();
    await form.getByLabel('Address (URL)').fill(hec.url);
    // The token is required, and typed as a password (not shown on screen).
    const token = form.getByLabel('HEC token');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.evaluate((el: HTMLInputElement) => el.required)).toBe(true);
    await token.fill(typoToken);
    await form.getByLabel('Index (optional)').fill('threat_intel');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    await page.getByRole('button', { name: 'I have copied it' }).click();

    // The table shows which token is stored by its end, and the index; never the token.
    const row = page.getByRole('row', { name: /Splunk at City Hall/ });
    await row.getByText('Credential …0a59').waitFor();
    await row.getByText('Index threat_intel').waitFor();
    expect(await page.content()).not.toContain(typoToken);

    // A test with the wrong token: Splunk's refusal, as Splunk words it.
    await page.getByRole('button', { name: 'Send a test to Splunk at City Hall' }).click();
    await page.getByText('Test to Splunk at City Hall failed').waitFor();
    await page.getByText(/Invalid token/).first().waitFor();

    // Replace the token on the webhook's own page.
    await row.getByRole('link', { name: 'Delivery log of Splunk at City Hall' }).click();
    const replace = page.getByRole('form', { name: 'Replace the HEC token' });
    await replace.getByText('…0a59').waitFor();
    await replace.getByLabel('New HEC token').fill(goodToken);
    await replace.getByRole('button', { name: 'Replace' }).click();
    await replace.getByText('The new HEC token is stored; the next delivery uses it.').waitFor();
    await replace.getByText('…0a95').waitFor();
    expect(await page.content()).not.toContain(goodToken);

    // Back on the organisation's page, the test now reaches the collector.
    await page.getByRole('link', { name: /Back to the organisation/ }).click();
    await page.getByRole('button', { name: 'Send a test to Splunk at City Hall' }).click();
    await page.getByText('Test delivered to Splunk at City Hall').waitFor();
    const accepted = hec.requests.filter((r) => r.headers.authorization === `Splunk ${goodToken}`);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.events).toHaveLength(1);
    expect(accepted[0]!.events[0]).toMatchObject({ index: 'threat_intel', sourcetype: 'tocsin:intel', event: { record: 'ping' } });
    expect(hec.violations).toEqual([]);
    expect(log).toEqual([]);
  });
});
