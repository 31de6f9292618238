// End to end in real Chromium: the operator adds an outside feed through the form (a refusal
// from the hub shown first), runs it, watches the progress bar move while a slow local server
// sends 150,000 addresses, reads the outcome and the refused lines, then sees the values on the
// Trends page and downloads the chart as CSV. A member of an organisation sees the same feed
// without any control to change it, and without the key in its URL; the operator disables the
// feed and removes it after confirming.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium } from './helpers.js';

const lineCount = 150_000;
const badLines = ['this is not an address', 'example.com', '999.1.1.1'];
const chunks = 20;
const chunkGapMs = 150;
const feedName = 'Slow blocklist <i>test</i> & "friends"';
const urlKey = 's3cret-feed-key';

/** 150,000 distinct public IPv4 addresses, a comment banner, and three lines that are not addresses. */
function listBody(): string {
  const lines = ['# Slow test blocklist', '# one address a line'];
  const badAt = [10, 70_000, 140_000];
  for (let i = 0; i < lineCount; i++) {
    lines.push(`${45 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.77`);
    const bad = badAt.indexOf(i);
    if (bad !== -1) lines.push(badLines[bad]!);
  }
  return `${lines.join('\n')}\n`;
}

/** Serves the list with its Content-Length, in 20 chunks about 150 ms apart (some 3 s in all). */
function startSlowListServer(body: Buffer): Promise<{ server: Server; url: string; requests: number[] }> {
  const requests: number[] = [];
  const server = createServer((req, res) => {
    requests.push(Date.now());
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) });
    const size = Math.ceil(body.length / chunks);
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      const piece = body.subarray(sent, sent + size);
      sent += piece.length;
      if (sent >= body.length) return void res.end(piece);
      res.write(piece);
      setTimeout(next, chunkGapMs);
    };
    next();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lists/blocklist.txt`, requests })),
  );
}

describe.skipIf(!haveChromium)('outside feeds and trends in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let list: { server: Server; url: string; requests: number[] };
  let body: Buffer;
  let operatorEmail: string;
  let member: SignedInUser;
  let feedId = '';
  const contexts: BrowserContext[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    body = Buffer.from(listBody(), 'utf8');
    [webRoot, list] = await Promise.all([buildWebApp(), startSlowListServer(body)]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The scheduler stays off: the first run is the one the operator starts with "Run now".
    hub = await createTestHub('sqlite', { publicUrl: base, outboundAllow: '127.0.0.1', feedsEnabled: 'false' }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    operatorEmail = 'operator@hub.example';
    await hub.createUser({ orgId: null, isOperator: true, email: operatorEmail });
    const org = await hub.createOrg({ name: 'City of Alderton' });
    member = await hub.createUser({ orgId: org.id, role: 'member', email: 'clerk@alderton.example' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await hub?.close();
    list?.server.closeAllConnections();
    await new Promise((resolve) => (list ? list.server.close(resolve) : resolve(undefined)));
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  async function newPage(cookie?: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    if (cookie) await context.addCookies([{ name: 'tocsin_session', value: cookie, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') log.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/api/me') log.push(`${response.status()} ${response.url()}`);
    });
    return page;
  }

  it('adds a feed through the form, runs it with live progress, and shows the outcome and the refused lines', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await newPage();
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email', { exact: true }).fill(operatorEmail);
    await page.getByLabel('Password', { exact: true }).fill(testPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByRole('link', { name: 'Feeds', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Outside feeds' }).waitFor();
    await page.getByText('No feeds yet.').waitFor();

    const form = page.getByRole('form', { name: 'Add a feed' });
    await form.getByRole('textbox', { name: 'Name' }).fill(feedName);
    expect(await form.getByRole('combobox', { name: 'Kind' }).inputValue()).toBe('list');
    await form.getByRole('textbox', { name: 'Address (URL)' }).fill(`${list.url}?key=${urlKey}`);
    await form.getByRole('combobox', { name: 'Value type' }).selectOption('ip');
    // CSV columns belong to CSV feeds only; switching the kind shows them, switching back hides them.
    await form.getByRole('combobox', { name: 'Kind' }).selectOption('csv');
    await form.getByRole('textbox', { name: 'Value column' }).waitFor();
    await form.getByRole('combobox', { name: 'Kind' }).selectOption('list');
    expect(await form.getByRole('textbox', { name: 'Value column' }).count()).toBe(0);

    // The hub refuses an interval of 0 minutes: its message shows, with the field named as the form names it.
    await form.getByRole('spinbutton', { name: 'Run every (minutes)' }).fill('0');
    await form.getByRole('button', { name: 'Add feed' }).click();
    const refusal = form.getByRole('alert').filter({ hasText: /\S/ });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/The request is not valid.*intervalMinutes.*Run every \(minutes\): must be >= 1/s);
    expect((await hub.as(await hub.signIn(operatorEmail, testPassword), { method: 'GET', url: '/api/feeds' })).json().items).toEqual([]);

    await form.getByRole('spinbutton', { name: 'Run every (minutes)' }).fill('60');
    await form.getByRole('button', { name: 'Add feed' }).click();
    // The feed's own page, its name (typed with markup) shown as text.
    await page.getByRole('heading', { level: 1, name: feedName }).waitFor();
    await page.getByText(`${feedName} was added.`).waitFor();
    expect(await page.locator('main i').count()).toBe(0);
    feedId = new URL(page.url()).pathname.split('/').pop()!;
    expect(feedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.locator('main').textContent()).toContain(urlKey);
    expect(list.requests).toEqual([]);

    // Run now: the bar gets a value strictly between 0 and the announced size while the server is still sending.
    const sawProgress = page.waitForFunction(
      () => {
        const bar = document.getElementById('feed-run-progress') as HTMLProgressElement | null;
        if (!bar || !bar.hasAttribute('value') || !(bar.value > 0 && bar.value < bar.max)) return null;
        return { value: bar.value, max: bar.max, now: bar.getAttribute('aria-valuenow') ?? String(bar.value), counts: document.querySelector('[data-testid="run-live-counts"]')?.textContent ?? '' };
      },
      undefined,
      { polling: 40, timeout: 30_000 },
    );
    await page.getByRole('button', { name: 'Run now' }).click();
    const midway = await (await sawProgress).jsonValue();
    expect(midway!.max).toBe(body.length);
    expect(midway!.value).toBeGreaterThan(0);
    expect(midway!.value).toBeLessThan(body.length);
    expect(midway!.counts).toMatch(/read · .* new · .* updated/);
    // While it runs the button says so and cannot be pressed again.
    expect(await page.getByRole('button', { name: 'Running…' }).isDisabled()).toBe(true);

    const outcome = page.getByTestId('run-outcome');
    await outcome.waitFor({ timeout: 90_000 });
    const count = async (key: string) => Number(((await page.getByTestId(`run-count-${key}`).textContent()) ?? '').replace(/\D/g, ''));
    expect(await count('new')).toBe(lineCount);
    expect(await count('records')).toBe(lineCount);
    expect(await count('rejected')).toBe(badLines.length);
    expect(await count('updated')).toBe(0);
    expect(await count('expired')).toBe(0);
    expect(await outcome.getByRole('status').textContent()).toMatch(/^Run complete: 150,?000 new, 0 updated, 0 unchanged\.$/);
    // The refused lines, with where and why.
    const samples = outcome.getByRole('table', { name: /Refused lines/ });
    expect(await samples.locator('tbody tr').count()).toBe(badLines.length);
    const sampleText = await samples.textContent();
    for (const bad of badLines) expect(sampleText).toContain(bad);
    expect(sampleText).toMatch(/Line \d/);
    // The API agrees with what the page shows.
    const runs = (await hub.as(member, { method: 'GET', url: `/api/feeds/${feedId}/runs` })).json<{ items: Array<{ status: string; totalBytes: number; bytesRead: number; counts: { new: number } }> }>().items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'complete', totalBytes: body.length, bytesRead: body.length, counts: { new: lineCount } });

    // The history lists the run; the health says healthy.
    const history = page.getByRole('table', { name: 'Run history' });
    await expect.poll(() => history.locator('tbody tr').count()).toBe(1);
    expect(await history.locator('tbody tr').first().textContent()).toMatch(/Run now.*Complete.*150,?000/);
    await page.locator('.feed-health').getByText('Healthy').waitFor();
    expect(list.requests).toHaveLength(1);

    // Trends: the new-indicators chart draws today's bar, and its name says the numbers.
    await page.getByRole('link', { name: 'Trends', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Trends' }).waitFor();
    const chart = page.getByTestId('trend-new-indicators');
    await chart.getByRole('heading', { level: 2, name: 'New indicators per day' }).waitFor();
    const svg = chart.getByRole('img');
    await svg.waitFor();
    expect(await svg.locator('rect.chart-bar').count()).toBe(1);
    expect(Number(await svg.locator('rect.chart-bar').getAttribute('data-value'))).toBe(lineCount);
    expect(await svg.getAttribute('aria-label')).toMatch(/^New indicators per day from .+: 150,?000 new indicators in total, the most on .+ \(150,?000\)\. IPv4 address 150,?000\.$/);
    expect(await chart.getByRole('list', { name: 'Legend' }).textContent()).toMatch(/IPv4 address\s*\(150,?000\)/);
    // The table of numbers, behind its disclosure.
    await chart.getByText('Show as table').click();
    expect(await chart.getByRole('table', { name: 'New indicators per day' }).locator('tbody tr').first().textContent()).toContain(feedName);
    // Split by source: the feed by its name.
    await chart.getByRole('combobox', { name: 'Colours show' }).selectOption('source');
    await expect.poll(() => chart.getByRole('list', { name: 'Legend' }).textContent()).toContain(`Feed: ${feedName}`);

    // The CSV link is the same query as CSV, fetched with the page's own session cookie.
    const link = chart.getByRole('link', { name: /Download CSV/ });
    expect(await link.getAttribute('download')).not.toBeNull();
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/intel\/trends\?chart=new-indicators&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&format=csv$/);
    const csv = await page.request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="tocsin-new-indicators-/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('day,type,sourceKind,feedId,feed,count');
    const today = new Date().toISOString().slice(0, 10);
    expect(lines).toContain(`${today},ipv4,feed,${feedId},"Slow blocklist <i>test</i> & ""friends""",${lineCount}`);

    // The range selector asks again for the chosen days.
    const asked = page.waitForRequest((r) => r.url().includes('chart=new-indicators') && r.url().includes(`from=${new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)}`));
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('7');
    await asked;
    await expect.poll(() => chart.getByRole('img').locator('rect.chart-bar').count()).toBe(1);
    // The only failed requests were the signed-out /api/me and the refused interval.
    expect(log.filter((l) => l.startsWith('page error'))).toEqual([]);
    expect(log.filter((l) => /^\d{3} /.test(l))).toEqual([`400 ${base}/api/feeds`]);
  }, 180_000);

  it('shows a member the feed and its runs, without the controls to change it or the key in its URL', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    expect(feedId, 'the first test adds the feed').not.toBe('');
    const page = await newPage(member.cookie);
    await page.goto(`${base}/feeds`);
    await page.getByRole('heading', { level: 1, name: 'Outside feeds' }).waitFor();
    const row = page.getByTestId('feed-row').filter({ hasText: feedName });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/List.*TLP:GREEN.*Healthy.*All members/);
    expect(await row.textContent()).toContain('http://127.0.0.1:');
    expect(await page.locator('main').textContent()).not.toContain(urlKey);
    expect(await page.getByRole('form', { name: 'Add a feed' }).count()).toBe(0);

    await row.getByRole('link', { name: feedName }).click();
    await page.getByRole('heading', { level: 1, name: feedName }).waitFor();
    await page.getByRole('table', { name: 'Run history' }).locator('tbody tr').first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain(urlKey);
    for (const name of ['Run now', 'Change settings', 'Disable', 'Remove feed']) {
      expect(await page.getByRole('button', { name }).count(), `a member sees no "${name}"`).toBe(0);
    }
    // The hub agrees: the member may not run it.
    const res = await hub.as(member, { method: 'POST', url: `/api/feeds/${feedId}/run` });
    expect(res.statusCode).toBe(403);
  }, 60_000);

  it('lets the operator disable the feed (no run then) and remove it after confirming', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    expect(feedId, 'the first test adds the feed').not.toBe('');
    const operator = await hub.signIn(operatorEmail, testPassword);
    const page = await newPage(operator.cookie);
    await page.goto(`${base}/feeds/${feedId}`);
    await page.getByRole('heading', { level: 1, name: feedName }).waitFor();

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText(`${feedName} is disabled`).waitFor();
    expect(await page.getByRole('button', { name: 'Run now' }).isDisabled()).toBe(true);
    await page.getByText('Enable the feed to run it.').waitFor();

    await page.getByRole('button', { name: 'Remove feed' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outside feeds' }).waitFor();
    await page.getByText(`${feedName} was removed.`).waitFor();
    await page.getByText('No feeds yet.').waitFor();
    expect((await hub.as(operator, { method: 'GET', url: `/api/feeds/${feedId}` })).statusCode).toBe(404);
  }, 60_000);
});
