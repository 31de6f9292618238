// The public phishing check in real Chromium on a phone: a resident, not signed in, uploads a
// saved email, reads the verdict (what the email says is shown as text, never as markup or a
// live link), shares it with the hub, and finds it again from the receipt link; pasting the
// source works too; the page is an installable app. Then an analyst sees the campaign and
// turns it into a prefilled warning.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { residentLabel } from '../../phishing/words.js';
import { letter, lure } from '../../test/phishing-emails.js';
import { createTestHub, testPassword, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium } from './helpers.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Console errors and failed requests of a page, for the failure message. */
function watch(page: Page, log: string[]): Page {
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/api/me') log.push(`${response.status()} ${url.pathname}`);
  });
  return page;
}

/** axe-core's WCAG A/AA violations (loaded from a routed same-origin URL: the CSP forbids inline scripts). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: '/__axe.js' });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** Elements reaching past the right edge of the window (the page would scroll sideways on a phone). */
async function tooWide(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > limit + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} > ${limit})`)
      .slice(0, 10);
  });
}

async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route('**/__axe.js', (route) => route.fulfill({ contentType: 'text/javascript', body: axeSource }));
  return context;
}

describe.skipIf(!haveChromium)('the phishing check in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let files: string;
  const browserLog: string[] = [];

  beforeAll(async () => {
    webRoot = await buildWebApp();
    files = mkdtempSync(path.join(tmpdir(), 'tocsin-eml-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub(
      'sqlite',
      { publicUrl: base, phishingSmtpPort: '0', phishingSmtpHost: '127.0.0.1', phishingMailbox: 'report@hub.test', phishingRateLimit: '1000' },
      { webRoot },
    );
    await hub.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('a resident on a phone uploads a saved email, reads the verdict, shares it, and finds it again by its link', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
    const context = await newContext(browser, phone);
    const page = watch(await context.newPage(), browserLog);
    await page.goto(`${base}/check`);
    await page.getByRole('heading', { level: 1, name: 'Is this email safe?' }).waitFor();
    await page.getByText('report@hub.test').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Installable: a manifest with icons, and a service worker for the check's pages.
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifestResponse = await fetch(new URL(manifestHref!, base));
    expect(manifestResponse.headers.get('content-type')).toMatch(/^application\/(manifest\+)?json/);
    const manifest = (await manifestResponse.json()) as { start_url: string; scope: string; display: string; icons: Array<{ src: string; sizes: string }> };
    expect(manifest).toMatchObject({ start_url: '/check', scope: '/check', display: 'standalone' });
    for (const icon of manifest.icons) expect((await fetch(new URL(icon.src, base))).status, icon.src).toBe(200);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => new URL(r.scope).pathname))).toBe('/check');

    // The saved email, with markup in its subject that must stay text.
    const eml = path.join(files, 'suspicious.eml');
    writeFileSync(eml, lure({ subject: 'Account locked <img src=x onerror="window.__pwned=1"> act now', salt: 'browser' }));
    await page.getByLabel('The saved email file').setInputFiles(eml);
    await page.getByRole('button', { name: 'Check this email' }).click();
    const verdict = page.getByTestId('verdict');
    await verdict.getByRole('heading', { level: 2, name: 'Likely phishing' }).waitFor();
    await verdict.getByText('<img src=x onerror="window.__pwned=1">', { exact: false }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.getByRole('heading', { name: 'What to do next' }).waitFor();
    await page.getByText('A link imitates PayPal').waitFor();
    // What the email links to is shown defanged, and nothing on the page links there.
    await page.getByText('hxxp://paypal-account-verify[.]top/', { exact: false }).first().waitFor();
    expect(await page.locator('a[href*="paypal-account-verify"]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(await tooWide(page)).toEqual([]);

    // The service worker keeps the page for offline use, never an API answer.
    const cached = await page.evaluate(async () => Promise.all((await caches.keys()).map(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname))));
    expect(cached.flat()).toContain('/check');
    expect(cached.flat().filter((p) => p.startsWith('/api/'))).toEqual([]);

    // Opt in to share it with the hub.
    await page.getByRole('button', { name: 'Share with the hub' }).click();
    await page.getByRole('heading', { name: 'Shared with the hub' }).waitFor();
    const analyst = await hub.createUser({ orgId: (await hub.createOrg({ name: 'Riverton' })).id, role: 'analyst' });
    const warnings = (await hub.as(analyst, { method: 'GET', url: '/api/warnings' })).json().items as Array<{ tlp: string; kind: string; source: { label: string } }>;
    expect(warnings).toEqual([expect.objectContaining({ tlp: 'green', kind: 'phishing', source: expect.objectContaining({ label: residentLabel }) })]);

    // The receipt link brings the same result back, already shared.
    const link = (await page.getByTestId('receipt-link').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${base}/check/r/[A-Za-z0-9_-]{43}$`));
    const again = watch(await context.newPage(), browserLog);
    await again.goto(link);
    await again.getByTestId('verdict').getByRole('heading', { level: 2, name: 'Likely phishing' }).waitFor();
    await again.getByRole('heading', { name: 'Shared with the hub' }).waitFor();
    await context.close();
  });

  it('takes the pasted source too, and says when an email shows no known signs', async () => {
    const context = await newContext(browser, phone);
    const page = watch(await context.newPage(), browserLog);
    await page.goto(`${base}/check`);
    await page.getByLabel('Paste the message source').fill(letter());
    await page.getByRole('button', { name: 'Check this email' }).click();
    await page.getByTestId('verdict').getByRole('heading', { level: 2, name: 'No known warning signs' }).waitFor();
    await page.getByRole('button', { name: 'Check another email' }).click();
    // Nothing chosen: the page says what to do, without asking the hub.
    await page.getByRole('button', { name: 'Check this email' }).click();
    await page.getByText('Choose the saved email file, or paste the whole message source.').waitFor();
    await context.close();
  });

  it('an analyst sees the campaign and turns it into a prefilled warning', async () => {
    // A second report of the same lure makes a campaign.
    await hub.app.inject({ method: 'POST', url: '/api/phishing/checks', headers: { 'content-type': 'message/rfc822' }, payload: lure({ salt: 'second' }) });
    const city = await hub.createOrg({ name: 'Lakeside' });
    const analyst = await hub.createUser({ orgId: city.id, role: 'analyst', email: 'analyst@lakeside.example' });
    const context = await newContext(browser);
    const page = watch(await context.newPage(), browserLog);
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email', { exact: true }).fill(analyst.email);
    await page.getByLabel('Password', { exact: true }).fill(testPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Phishing reports', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Phishing reports' }).waitFor();
    // The campaign of the lure's domain (its link makes another).
    const campaign = page.locator('.campaign').filter({ has: page.locator('code', { hasText: /^paypal-account-verify\[\.\]top$/ }) });
    await campaign.getByText('2 reports', { exact: true }).waitFor();
    await campaign.getByRole('button', { name: 'Report as a warning…' }).click();
    await page.getByRole('heading', { level: 1, name: 'Report an attack' }).waitFor();
    expect(await page.getByLabel('Kind').inputValue()).toBe('phishing');
    expect(await page.getByLabel('Indicators').inputValue()).toBe('paypal-account-verify.top');
    expect(await page.getByLabel('Title').inputValue()).toContain('Phishing campaign');
    // Back on the reports, the latest ones are listed with their verdicts.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Phishing reports' }).waitFor();
    await page.getByRole('cell', { name: 'Garden club on Thursday' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
