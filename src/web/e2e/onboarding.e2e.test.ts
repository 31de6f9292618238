// End to end in real Chromium: the operator adds a town and invites its admin; the invitation
// arrives by real SMTP; the admin accepts it, signs in and creates an API token that works.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, startMailbox, until, type Mailbox } from './helpers.js';

/** The link in a mail body, undoing quoted-printable soft line breaks. */
function linkIn(raw: string, pathPrefix: string): string {
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const match = new RegExp(`https?://[^\\s"<>]+${pathPrefix}[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no ${pathPrefix} link in the mail:\n${raw}`);
  return match[0];
}

/** Console errors and failed requests of a page, for the failure message. */
function watch(page: Page, log: string[]): Page {
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/api/me') log.push(`${response.status()} ${url.pathname}`);
  });
  return page;
}

async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe.skipIf(!haveChromium)('onboarding a member in the browser', () => {
  let hub: TestHub;
  let mailbox: Mailbox;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  const browserLog: string[] = [];

  beforeAll(async () => {
    [mailbox, webRoot] = await Promise.all([startMailbox(), buildWebApp()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { smtpUrl: `smtp://127.0.0.1:${mailbox.port}`, publicUrl: base }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await mailbox?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('operator adds a town and invites its admin, who accepts and creates a working API token', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
    const operator = await hub.createUser({ orgId: null, isOperator: true, email: 'operator@hub.test' });

    // The operator creates the town.
    const opContext = await browser.newContext();
    const op = watch(await opContext.newPage(), browserLog);
    await signIn(op, base, operator.email, testPassword);
    await op.getByRole('link', { name: 'Organisations', exact: true }).click();
    await op.getByLabel('Name', { exact: true }).fill('Town of Brookfield');
    await op.getByLabel('Kind', { exact: true }).selectOption('city');
    await op.getByLabel('Population', { exact: true }).fill('41000');
    await op.getByLabel('Region', { exact: true }).fill('Lake County');
    await op.getByRole('button', { name: 'Create organisation' }).click();
    await op.getByRole('heading', { level: 1, name: 'Town of Brookfield' }).waitFor();

    // …and invites its first admin; the mail goes out over SMTP.
    await op.getByLabel('Email', { exact: true }).fill('it-director@brookfield.example');
    await op.getByLabel('Role', { exact: true }).selectOption('admin');
    await op.getByRole('button', { name: 'Send invitation' }).click();
    await op.getByText('Invitation sent to it-director@brookfield.example').waitFor();
    const mail = await until('the invitation mail', () => mailbox.mails.find((m) => m.to.includes('it-director@brookfield.example')));
    const link = linkIn(mail.raw, '/invite/');
    expect(link.startsWith(`${base}/invite/`)).toBe(true);
    await opContext.close();

    // The admin opens the link in another browser and chooses a password.
    const adminContext = await browser.newContext();
    const admin = watch(await adminContext.newPage(), browserLog);
    await admin.goto(link);
    await admin.getByText('Town of Brookfield').waitFor();
    const password = 'lantern orchard quietly ninety';
    await admin.getByLabel('Your name').fill('Robin Reyes');
    await admin.getByLabel('Password', { exact: true }).fill(password);
    await admin.getByLabel('Confirm password').fill(password);
    await admin.getByRole('button', { name: 'Accept invitation' }).click();
    await admin.getByRole('button', { name: 'Sign out' }).waitFor();

    // Signs out and back in with the new password.
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(admin, base, 'it-director@brookfield.example', password);

    // Creates a token and sees its secret once.
    await admin.getByRole('link', { name: 'Tokens', exact: true }).click();
    await admin.getByLabel('Token name').fill('Firewall at City Hall');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const secretBox = admin.getByTestId('token-secret');
    await secretBox.waitFor();
    await admin.getByText('Copy it now: it will not be shown again').waitFor();
    const secret = (await secretBox.textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);

    // The secret works as a bearer token, as the admin.
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string; role: string } };
    expect(body.user).toMatchObject({ email: 'it-director@brookfield.example', role: 'admin' });

    // After a reload the secret is gone for good; the token is listed as active.
    await admin.reload();
    await admin.getByRole('rowheader', { name: 'Firewall at City Hall' }).waitFor();
    expect(await admin.getByTestId('token-secret').count()).toBe(0);
    await adminContext.close();
  });
});
