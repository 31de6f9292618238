// End to end in real Chromium: an analyst in city A reports an attack through the form
// (pasted defanged indicators, review, TLP:AMBER to group G); city B, in G, sees it appear
// on its open dashboard without a reload, with the unread badge; city C, outside G, never
// does. B's webhook and B's people by mail get it too; C's webhook, mailbox and stream stay
// empty. A warning whose title is HTML shows as text and runs nothing; signing out ends the stream.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { cliActor } from '../../orgs/actor.js';
import { addGroupMember, createGroup } from '../../orgs/groups.service.js';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import {
  buildWebApp,
  chromiumArgs,
  chromiumPath,
  decodeQp,
  freePort,
  haveChromium,
  Receiver,
  startMailbox,
  tapStream,
  until,
  type Mailbox,
  type StreamTap,
} from './helpers.js';

/** Page errors, failed requests and dialogs, for the failure message and the XSS check. */
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

/** The dashboard, open and connected to the live stream. */
async function openDashboard(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Warnings' }).waitFor();
  await page.getByText('Live: new warnings appear here').waitFor();
  // Marks this document: if it is still there later, nothing reloaded the page.
  await page.evaluate(() => Object.assign(window, { tocsinNoReload: true }));
}

/** As when the user switches to another window, leaving the dashboard on screen. */
async function lookAway(page: Page): Promise<void> {
  await page.evaluate(() => window.dispatchEvent(new Event('blur')));
}

async function titlesFromApi(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const response = await fetch('/api/warnings?limit=200');
    const body = (await response.json()) as { items: Array<{ title: string }> };
    return body.items.map((w) => w.title);
  });
}

describe.skipIf(!haveChromium)('warnings pushed to peers in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let analyst: SignedInUser;
  let peer: SignedInUser;
  let peerAdmin: SignedInUser;
  let outsider: SignedInUser;
  let outsiderAnalyst: SignedInUser;
  let groupId: string;
  let cedarId: string;
  let mailbox: Mailbox;
  const hookB = new Receiver();
  const hookC = new Receiver();
  // What a test opens, closed after it even when it fails, so the next one starts clean.
  const taps: StreamTap[] = [];
  const contexts: BrowserContext[] = [];
  const browserLog: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    [webRoot, mailbox] = await Promise.all([buildWebApp(), startMailbox(), hookB.start(), hookC.start()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Real mail and webhook deliveries: the hub's deliverers run in this process and reach
    // the receivers on loopback, which the outbound policy allows for this test only.
    hub = await createTestHub('sqlite', { publicUrl: base, smtpUrl: mailbox.url, outboundAllow: '127.0.0.1' }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });

    const alderton = await hub.createOrg({ name: 'City of Alderton', region: 'Region 3' });
    const brookvale = await hub.createOrg({ name: 'City of Brookvale', region: 'Region 3' });
    const cedar = await hub.createOrg({ name: 'Cedar Falls', region: 'Region 3' });
    const group = await createGroup(hub.app.ctx, cliActor(), { name: 'Lakeshore CISOs', description: 'Alderton and Brookvale', ownerOrgId: alderton.id });
    await addGroupMember(hub.app.ctx, cliActor(), group.id, alderton.id);
    await addGroupMember(hub.app.ctx, cliActor(), group.id, brookvale.id);
    groupId = group.id;
    cedarId = cedar.id;
    // Cedar Falls shares other groups, so it is a full member of the hub, just not of this group.
    const other = await createGroup(hub.app.ctx, cliActor(), { name: 'Valley towns', ownerOrgId: cedar.id });
    await addGroupMember(hub.app.ctx, cliActor(), other.id, cedar.id);

    analyst = await hub.createUser({ orgId: alderton.id, role: 'analyst', email: 'analyst@alderton.example' });
    peer = await hub.createUser({ orgId: brookvale.id, role: 'analyst', email: 'soc@brookvale.example' });
    outsider = await hub.createUser({ orgId: cedar.id, role: 'admin', email: 'it@cedarfalls.example' });
    outsiderAnalyst = await hub.createUser({ orgId: cedar.id, role: 'analyst', email: 'soc@cedarfalls.example' });
    peerAdmin = await hub.createUser({ orgId: brookvale.id, role: 'admin', email: 'it@brookvale.example' });

    // B and C each have a webhook, added by their admins, to receivers of their own.
    for (const [admin, org, hook] of [[peerAdmin, brookvale, hookB], [outsider, cedar, hookC]] as const) {
      const res = await hub.as(admin, { method: 'POST', url: `/api/orgs/${org.id}/webhooks`, payload: { name: `SIEM of ${org.name}`, url: hook.url, format: 'json' } });
      expect(res.statusCode, res.body).toBe(201);
    }

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  /** A page in a browser of its own (cookies not shared), watched for errors and dialogs. */
  async function openPage(who: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return watch(await context.newPage(), who, browserLog, dialogs);
  }

  afterEach(async () => {
    for (const tap of taps.splice(0)) tap.close();
    for (const context of contexts.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await Promise.all([mailbox?.close(), hookB.close(), hookC.close()]);
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('city A reports an attack to group G; B sees it live with the unread badge, by webhook and mail; C never sees it', async () => {
    let tapC: StreamTap | undefined;
    onTestFailed(() =>
      console.error(
        `browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}\n` +
          `webhook B: ${JSON.stringify(hookB.received.map((d) => d.type))}, webhook C: ${JSON.stringify(hookC.received.map((d) => d.body))}\n` +
          `mail to: ${JSON.stringify(mailbox.mails.map((m) => m.to))}\n` +
          `stream C: ${JSON.stringify(tapC?.frames ?? [])}`,
      ),
    );
    const cedarFalls = [outsider.email, outsiderAnalyst.email];
    const title = 'Payroll phishing: fake direct-deposit update page';

    // B (in the group) and C (outside it) have the dashboard open, in other windows.
    const b = await openPage('B');
    const c = await openPage('C');
    await signIn(b, base, peer.email);
    await signIn(c, base, outsider.email);
    await openDashboard(b);
    await openDashboard(c);
    await lookAway(b);
    await lookAway(c);
    const cCardsBefore = await c.getByTestId('warning-card').count();
    // The raw stream of each, read outside the browser as a script with B's or C's session would.
    const tapB = await tapStream(base, peer.cookie);
    tapC = await tapStream(base, outsider.cookie);
    taps.push(tapB, tapC);
    const mailsBefore = mailbox.mails.length;
    await expect.poll(() => b.getByRole('link', { name: 'Warnings', exact: true }).count()).toBe(1);

    // A reports the attack through the guided form.
    const a = await openPage('A');
    await signIn(a, base, analyst.email);
    await a.getByRole('link', { name: 'Report an attack' }).click();
    await a.getByRole('heading', { level: 1, name: 'Report an attack' }).waitFor();
    await a.getByRole('combobox', { name: 'Kind' }).selectOption('phishing');
    await a.getByRole('combobox', { name: 'Severity' }).selectOption('high');
    await a.getByRole('textbox', { name: 'Title' }).fill(title);
    await a.getByRole('textbox', { name: 'Affected services' }).fill('payroll, email');
    await a.getByRole('textbox', { name: 'Details' }).fill('Staff received mails asking them to "confirm" bank details.\nThe page harvests SSO passwords.');
    await a.getByRole('textbox', { name: 'Indicators' }).fill(
      'Seen today:\nhxxps://payroll-update[.]example/login\n198.51.100[.]23\nmd5 5d41402abc4b2a76b9719d911017c592',
    );
    await a.getByRole('button', { name: 'Review' }).click();

    // Review: the indicators were refanged, typed and listed defanged, all ticked.
    await a.getByRole('heading', { name: /Step 2 of 2/ }).waitFor();
    const url = a.getByRole('checkbox', { name: /hxxps:\/\/payroll-update\[\.\]example\/login/ });
    const ip = a.getByRole('checkbox', { name: /198\[\.\]51\[\.\]100\[\.\]23/ });
    const hash = a.getByRole('checkbox', { name: /5d41402abc4b2a76b9719d911017c592/ });
    for (const box of [url, ip, hash]) expect(await box.isChecked()).toBe(true);

    await a.getByRole('radio', { name: 'TLP:AMBER', exact: true }).check();
    await a.getByRole('radio', { name: 'Sharing groups', exact: true }).check();
    await a.getByRole('checkbox', { name: 'Lakeshore CISOs' }).check();
    expect(await a.getByRole('radio', { name: 'Public', exact: true }).isDisabled()).toBe(true);
    const sentAt = Date.now();
    await a.getByRole('button', { name: 'Send warning' }).click();
    await a.getByText('Warning sent').waitFor();
    await a.getByRole('heading', { level: 1, name: title }).waitFor();
    const warningId = new URL(a.url()).pathname.split('/').pop()!;
    await a.getByRole('cell', { name: 'hxxps://payroll-update[.]example/login', exact: true }).waitFor();

    // B: the warning appears on the open dashboard, without a reload, within moments.
    await b.getByRole('link', { name: title }).waitFor({ timeout: 5000 });
    const latency = Date.now() - sentAt;
    expect(latency).toBeLessThan(3000);
    expect(await b.evaluate(() => (window as { tocsinNoReload?: boolean }).tocsinNoReload)).toBe(true);
    const card = b.getByTestId('warning-card').filter({ hasText: title });
    expect(await card.getByText('TLP:AMBER', { exact: true }).count()).toBe(1);
    await card.getByText('From City of Alderton').waitFor();
    await card.getByText('To the group Lakeshore CISOs').waitFor();
    // …with the unread badge and a polite announcement…
    await b.getByRole('link', { name: 'Warnings (1)' }).waitFor();
    expect(await b.getByTestId('live-announcements').textContent()).toContain(`New TLP:AMBER warning: ${title}`);
    expect(await b.getByTestId('live-announcements').getAttribute('aria-live')).toBe('polite');
    // …which clears once B looks at the dashboard again.
    await b.evaluate(() => window.dispatchEvent(new Event('focus')));
    await b.getByRole('link', { name: 'Warnings', exact: true }).waitFor();

    // B's webhook receiver gets the event, and B's people get the alert by mail; not the sender.
    const delivered = await until('the warning at B\'s webhook', () => hookB.received.find((d) => d.warningId === warningId));
    expect(delivered).toMatchObject({ type: 'warning.created', title });
    expect(delivered.headers['content-type']).toContain('application/json');
    const alertMails = () => mailbox.mails.slice(mailsBefore).filter((m) => decodeQp(m.raw).includes(`/warnings/${warningId}`));
    await until('the alert mail to B\'s people', () => {
      const to = alertMails().flatMap((m) => m.to);
      return to.includes(peer.email) && to.includes(peerAdmin.email) ? true : undefined;
    });
    expect(tapB.frames.filter((f) => f.data.includes(warningId)).map((f) => f.event)).toEqual(['warning.created']);

    // C: nothing, not even after a while; not on its dashboard, stream, webhook or in its mail.
    await c.waitForTimeout(1500);
    expect(hookC.received).toEqual([]);
    const recipients = mailbox.mails.slice(mailsBefore).flatMap((m) => m.to);
    for (const address of cedarFalls) expect(recipients).not.toContain(address);
    expect(recipients.filter((r) => r.endsWith('@cedarfalls.example'))).toEqual([]);
    expect(alertMails().flatMap((m) => m.to).sort()).toEqual([peer.email, peerAdmin.email].sort());
    expect(tapC.frames).toEqual([]);
    expect(tapC.raw).not.toContain(warningId);
    expect(tapC.raw).not.toContain(title);
    expect(await c.getByTestId('warning-card').count()).toBe(cCardsBefore);
    expect(await c.getByText(title).count()).toBe(0);
    expect(await c.getByRole('link', { name: 'Warnings', exact: true }).count()).toBe(1);
    expect(await c.getByTestId('unread-count').count()).toBe(0);
    expect(await c.evaluate(() => (window as { tocsinNoReload?: boolean }).tocsinNoReload)).toBe(true);
    expect(await titlesFromApi(c)).not.toContain(title);
    expect(await c.evaluate(async (id) => (await fetch(`/api/warnings/${id}`)).status, warningId)).toBe(404);
    expect(await titlesFromApi(b)).toContain(title);

    // The server has it as sent: indicators refanged, audience the group.
    const stored = await hub.as(analyst, { method: 'GET', url: `/api/warnings/${warningId}` });
    const body = stored.json<{ tlp: string; audience: { kind: string; groups: Array<{ id: string }> }; indicators: Array<{ type: string; value: string }> }>();
    expect(body.tlp).toBe('amber');
    expect(body.audience).toMatchObject({ kind: 'groups', groups: [{ id: groupId }] });
    expect(body.indicators.map((i) => i.value).sort()).toEqual(
      ['198.51.100.23', '5d41402abc4b2a76b9719d911017c592', 'https://payroll-update.example/login'].sort(),
    );

    // Control: C's webhook, mailbox and stream do work. A warning that is addressed to Cedar
    // Falls reaches all three, so their silence above was the policy, not a broken receiver.
    const controlTitle = 'Control: credential stuffing against the Cedar Falls library portal';
    const control = await hub.as(analyst, {
      method: 'POST',
      url: '/api/warnings',
      payload: { title: controlTitle, kind: 'other', severity: 'low', details: 'Sent to Cedar Falls only.', tlp: 'green', audience: { kind: 'orgs', orgIds: [cedarId] } },
    });
    expect(control.statusCode, control.body).toBe(201);
    const controlId = control.json<{ id: string }>().id;
    await until('the control warning at C\'s webhook', () => hookC.received.find((d) => d.warningId === controlId));
    await until('the control mail to C\'s people', () => {
      const to = mailbox.mails.filter((m) => decodeQp(m.raw).includes(`/warnings/${controlId}`)).flatMap((m) => m.to);
      return cedarFalls.every((address) => to.includes(address)) ? true : undefined;
    });
    await until('the control warning on C\'s stream', () => tapC!.frames.find((f) => f.data.includes(controlId)));
    await c.getByRole('link', { name: controlTitle }).waitFor();
    // …and it went to C only, not to B.
    expect(hookB.received.filter((d) => d.warningId === controlId)).toEqual([]);
    expect(tapB.raw).not.toContain(controlId);
    expect(dialogs).toEqual([]);
  });

  it('a warning whose title and details are HTML shows them as text and runs nothing', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';

    const b = await openPage('B');
    await signIn(b, base, peer.email);
    await openDashboard(b);

    const created = await hub.as(analyst, {
      method: 'POST',
      url: '/api/warnings',
      payload: { title: evil, kind: 'other', severity: 'low', details: `Details: ${evil}`, tlp: 'green', audience: { kind: 'groups', groupIds: [groupId] } },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;

    // Live on the dashboard, as text.
    await b.getByRole('link', { name: evil }).waitFor();
    // And on its own page, title and details as text.
    await b.getByRole('link', { name: evil }).click();
    await b.getByRole('heading', { level: 1, name: evil }).waitFor();
    await b.getByText(`Details: ${evil}`).waitFor();
    expect(new URL(b.url()).pathname).toBe(`/warnings/${id}`);
    expect(await b.locator('main img').count()).toBe(0);
    expect(await b.locator('main script').count()).toBe(0);
    await b.waitForTimeout(500);
    expect(dialogs).toEqual([]);

    // Signing out closes the live stream.
    await expect.poll(() => hub.app.streams.size).toBe(1);
    await b.getByRole('button', { name: 'Sign out' }).click();
    await b.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => hub.app.streams.size).toBe(0);
  });
});
