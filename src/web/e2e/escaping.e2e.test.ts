// End to end in real Chromium: what people type is shown as text, never run. The operator
// creates an organisation whose name is HTML with script; the member directory, the
// organisation's page and the header of its own admin show the name verbatim, nothing
// runs, nothing is injected into the page, and the CSP would refuse inline script anyway.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium } from './helpers.js';

const evilName = '<script>alert(1)</script><img src=x onerror=alert(2)> Town';

/** Page errors, failed requests and every dialog (alert, confirm…) the page opens. */
function watch(page: Page, who: string, log: string[], dialogs: string[]): Page {
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => log.push(`${who} page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(`${who}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/api/me') log.push(`${who} ${response.status()} ${url.pathname}`);
  });
  return page;
}

async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(testPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The script-src directive of the document's Content-Security-Policy must be exactly 'self'. */
function expectStrictCsp(response: Response | null): void {
  expect(response, 'the document answered').not.toBeNull();
  const csp = response!.headers()['content-security-policy'];
  expect(csp, 'a Content-Security-Policy header').toBeTruthy();
  expect(csp).toContain("script-src 'self'");
  const directives = csp!.split(';').map((d) => d.trim().replace(/\s+/g, ' '));
  // No 'unsafe-inline', 'unsafe-eval', nonce, hash or extra host widens it.
  expect(directives.filter((d) => d.startsWith('script-src'))).toEqual(["script-src 'self'"]);
  expect(directives.some((d) => d.startsWith('script-src-attr') || d.startsWith('script-src-elem'))).toBe(false);
  expect(directives).toContain("default-src 'self'");
}

/** Nothing ran and nothing from the name became markup: no image, no script in the page, only the app's own bundle. */
async function expectNothingInjected(page: Page, dialogs: string[]): Promise<void> {
  expect(dialogs, 'dialogs opened by the page').toEqual([]);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('main script').count()).toBe(0);
  expect(await page.locator('[onerror]').count()).toBe(0);
  const scripts = await page.evaluate(() => Array.from(document.scripts, (s) => ({ src: s.src, inline: s.textContent ?? '' })));
  for (const script of scripts) {
    expect(script.inline).not.toContain('alert');
    expect(new URL(script.src, page.url()).origin).toBe(new URL(page.url()).origin);
  }
  // The name is in the document only as text: its markup is escaped wherever it landed.
  expect(await page.evaluate(() => document.body.innerHTML)).not.toContain('<img src="x"');
}

describe.skipIf(!haveChromium)('what people type is shown as text in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  const browserLog: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { publicUrl: base }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('an organisation named <script>…<img onerror> shows in the directory and on its page as text and runs nothing', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}\ndialogs:\n  ${dialogs.join('\n  ') || '(none)'}`));
    const operator = await hub.createUser({ orgId: null, isOperator: true, email: 'operator@hub.test' });
    await hub.createOrg({ name: 'Town of Ashby' });

    // The operator creates the organisation through the form.
    const op = watch(await (await browser.newContext()).newPage(), 'operator', browserLog, dialogs);
    await signIn(op, base, operator.email);
    await op.getByRole('link', { name: 'Organisations', exact: true }).click();
    await op.getByLabel('Name', { exact: true }).fill(evilName);
    await op.getByLabel('Kind', { exact: true }).selectOption('city');
    await op.getByLabel('Population', { exact: true }).fill('12000');
    await op.getByLabel('Region', { exact: true }).fill('Region 3');
    await op.getByRole('button', { name: 'Create organisation' }).click();

    // Its page: the heading and the "was created" message hold the name as typed.
    await op.getByRole('heading', { level: 1, name: evilName, exact: true }).waitFor();
    await op.getByText(`${evilName} was created.`).waitFor();
    const orgId = new URL(op.url()).pathname.split('/').pop()!;
    const stored = await hub.as(operator, { method: 'GET', url: `/api/orgs/${orgId}` });
    expect(stored.json<{ name: string }>().name).toBe(evilName);
    await expectNothingInjected(op, dialogs);

    // The member directory, loaded afresh: the name is a link whose text is the name.
    expectStrictCsp(await op.goto(`${base}/directory`));
    await op.getByRole('heading', { level: 1, name: 'Member directory' }).waitFor();
    const link = op.getByRole('link', { name: evilName, exact: true });
    await link.waitFor();
    expect(await link.textContent()).toBe(evilName);
    await op.getByRole('link', { name: 'Town of Ashby', exact: true }).waitFor();
    await expectNothingInjected(op, dialogs);

    // Following it: the organisation's page.
    await link.click();
    await op.getByRole('heading', { level: 1, name: evilName, exact: true }).waitFor();
    expect(new URL(op.url()).pathname).toBe(`/orgs/${orgId}`);
    expect(await op.title()).toBe(`${evilName} · Tocsin`);
    await expectNothingInjected(op, dialogs);

    // And that page loaded directly, as a member of another town sees it.
    const member = await hub.createUser({ orgId: (await hub.createOrg({ name: 'Town of Bexley' })).id, role: 'member', email: 'clerk@bexley.example' });
    const other = watch(await (await browser.newContext()).newPage(), 'member', browserLog, dialogs);
    await signIn(other, base, member.email);
    expectStrictCsp(await other.goto(`${base}/orgs/${orgId}`));
    const heading = other.getByRole('heading', { level: 1, name: evilName, exact: true });
    await heading.waitFor();
    expect(await heading.textContent()).toBe(evilName);
    await expectNothingInjected(other, dialogs);
    expectStrictCsp(await other.goto(`${base}/directory`));
    await other.getByRole('link', { name: evilName, exact: true }).waitFor();
    await expectNothingInjected(other, dialogs);

    // The organisation's own admin sees the name in the header on every page.
    const admin = await hub.createUser({ orgId, role: 'admin', email: 'admin@evil-town.example' });
    const own = watch(await (await browser.newContext()).newPage(), 'admin', browserLog, dialogs);
    await signIn(own, base, admin.email);
    await own.locator('.user-org').getByText(evilName, { exact: true }).waitFor();
    await own.getByRole('link', { name: 'My organisation' }).click();
    await own.getByRole('heading', { level: 1, name: evilName, exact: true }).waitFor();
    await own.getByText('Your organisation', { exact: true }).waitFor();
    await expectNothingInjected(own, dialogs);

    // Give any handler that did get in the time to fire.
    await own.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    for (const page of [op, other, own]) await page.context().close();
  });
});
