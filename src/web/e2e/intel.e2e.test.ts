// End to end in real Chromium: city A's analyst pastes an IP into the header's search box, sees
// what the hub took it for and the matching indicator (defanged, never a link to it), opens its
// pivot page and reads a correlation panel that counts city B's TLP:GREEN warning but not B's
// TLP:AMBER one addressed to a third organisation only; "We saw this" raises the sighting count.
// Then A's admin adds a domain to the watchlist through the page, and while it is open a new
// warning from B naming a sub-domain of it arrives there live, without a reload.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, signedInPage } from './helpers.js';

const ip = '45.155.205.17';
const ipShown = '45[.]155[.]205[.]17';
const relatedDomain = 'vpn-relay.example';
const secretDomain = 'cedar-secret-drop.example';
const greenTitle = 'Botnet C2 scanning council VPN gateways';
const amberTitle = 'Cedar only: extortion mail from the same C2';
const lookalikeTitle = 'Credential phishing page imitating Alderton webmail';

describe.skipIf(!haveChromium)('search, pivot and watchlist in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let aldertonId: string;
  let analyst: SignedInUser;
  let admin: SignedInUser;
  let peer: SignedInUser;
  const log: string[] = [];

  const call = async (who: SignedInUser, method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await hub.as(who, { method, url, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json<Record<string, unknown>>();
  };

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { publicUrl: base }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });

    const alderton = await hub.createOrg({ name: 'City of Alderton', region: 'Region 3' });
    const brookvale = await hub.createOrg({ name: 'City of Brookvale', region: 'Region 3' });
    const cedar = await hub.createOrg({ name: 'Cedar County', kind: 'county', region: 'Region 4' });
    aldertonId = alderton.id;
    analyst = await hub.createUser({ orgId: alderton.id, role: 'analyst', email: 'soc@alderton.example' });
    admin = await hub.createUser({ orgId: alderton.id, role: 'admin', email: 'it@alderton.example' });
    peer = await hub.createUser({ orgId: brookvale.id, role: 'analyst', email: 'soc@brookvale.example' });
    const third = await hub.createUser({ orgId: cedar.id, role: 'analyst', email: 'soc@cedar.example' });

    // City B: a GREEN warning to every member, and an AMBER one to Cedar County only, both naming the IP.
    await call(peer, 'POST', '/api/warnings', {
      title: greenTitle,
      kind: 'other',
      severity: 'high',
      details: `Scans from ${ip} against SSL VPN portals, then logins from a relay.`,
      indicators: [
        { type: 'ipv4', value: ip },
        { type: 'domain', value: relatedDomain },
      ],
      tlp: 'green',
      audience: { kind: 'members' },
    });
    await call(peer, 'POST', '/api/warnings', {
      title: amberTitle,
      kind: 'fraud-bec',
      severity: 'medium',
      details: 'Only for Cedar County.',
      indicators: [
        { type: 'ipv4', value: ip },
        { type: 'domain', value: secretDomain },
      ],
      tlp: 'amber',
      audience: { kind: 'orgs', orgIds: [cedar.id] },
    });
    // Two sightings this week: one by B, one anonymous by Cedar County.
    await call(peer, 'POST', '/api/intel/sightings', { sightings: [{ value: ip }] });
    await call(third, 'POST', '/api/intel/sightings', { sightings: [{ value: ip, anonymous: true }] });

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  const signIn = (who: SignedInUser): Promise<Page> => signedInPage(browser, base, who.email, testPassword, log, { dismissDialogs: true });


  /** Every link on the page stays on the hub: no indicator is ever a link to itself. */
  async function foreignLinks(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      Array.from(document.querySelectorAll('a[href]'))
        .map((a) => a.getAttribute('href')!)
        .filter((href) => !(href.startsWith('/') && !href.startsWith('//')) && !href.startsWith('#')),
    );
  }

  it('finds the IP from the header box, pivots to it, counts only what the policy lets A see, and records a sighting', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(analyst);

    const box = page.getByRole('searchbox', { name: 'Search intel' });
    await box.fill(ip);
    await box.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Search results' }).waitFor();
    expect(new URL(page.url()).search).toBe(`?q=${encodeURIComponent(ip)}`);
    await expect.poll(() => page.getByTestId('detected-type').textContent()).toBe(`Taken as an IPv4 address: ${ipShown}.`);

    const rows = page.getByTestId('search-observable');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.textContent()).toContain('This value');
    expect(await row.textContent()).toContain('TLP:GREEN');
    expect(await row.textContent()).toContain('In force');
    const hits = page.getByTestId('search-warning');
    expect(await hits.allTextContents()).toEqual([expect.stringContaining(greenTitle)]);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toContain(amberTitle);
    expect(body).not.toContain(ip); // only ever shown defanged
    expect(await foreignLinks(page)).toEqual([]);
    expect(await page.locator(`a[href*="${ip}"]`).count()).toBe(0);

    // The warning links to its page; the value links to its pivot page.
    expect(await hits.first().getByRole('link').getAttribute('href')).toMatch(/^\/warnings\//);
    const link = row.getByRole('link', { name: ipShown });
    expect(await link.getAttribute('href')).toMatch(/^\/intel\/\d+$/);
    await link.click();
    await page.getByRole('heading', { level: 1, name: ipShown }).waitFor();

    // The correlation panel: B's GREEN warning counts, the AMBER one to Cedar does not exist here.
    const summary = page.getByTestId('pivot-summary');
    await expect.poll(() => summary.textContent()).toBe('Reported by 1 member, sighted 2 times this week.');
    const warnings = page.getByTestId('pivot-warnings-table');
    expect(await warnings.locator('tbody tr').count()).toBe(1);
    expect(await warnings.textContent()).toContain(greenTitle);
    await page.getByRole('heading', { level: 2, name: 'Warnings (1)' }).waitFor();
    const related = page.getByTestId('related');
    expect(await related.textContent()).toContain('vpn-relay[.]example');
    const pivotText = (await page.locator('main').textContent()) ?? '';
    expect(pivotText).not.toContain(amberTitle);
    expect(pivotText).not.toContain('cedar-secret-drop');
    expect(pivotText).not.toContain(ip);
    expect(await foreignLinks(page)).toEqual([]);
    expect(await page.getByTestId('sightings-week').textContent()).toBe('2');
    expect(await page.getByTestId('sighting-counts').textContent()).toContain('Anonymous (30 days)1');

    // The API agrees: one warning source, and the AMBER one is not even counted.
    const observableId = Number(new URL(page.url()).pathname.split('/').pop());
    const pivot = await call(analyst, 'GET', `/api/intel/observables/${observableId}`);
    expect((pivot.sources as { warnings: unknown[] }).warnings).toHaveLength(1);

    // "We saw this": the counts go up without leaving the page.
    await page.getByRole('button', { name: 'We saw this' }).click();
    await page.getByText('Sighting recorded. Thank you').waitFor();
    await expect.poll(() => summary.textContent()).toBe('Reported by 1 member, sighted 3 times this week.');
    await expect.poll(() => page.getByTestId('sightings-week').textContent()).toBe('3');
    expect(await page.getByTestId('sighting-counts').textContent()).toContain('Yours (30 days)1');
    const after = await call(analyst, 'GET', `/api/intel/observables/${observableId}`);
    expect(after.sightings).toMatchObject({ last7Days: 3, yours: 1, anonymous: 1 });

    // A related indicator opens its own pivot page.
    await related.getByRole('link', { name: 'vpn-relay[.]example' }).click();
    await page.getByRole('heading', { level: 1, name: 'vpn-relay[.]example' }).waitFor();
    await expect.poll(() => page.getByTestId('pivot-summary').textContent()).toBe('Reported by 1 member.');
    expect(await page.getByTestId('related').textContent()).toContain(ipShown);
    expect(log.filter((l) => l.includes('/api/intel'))).toEqual([]);

    // Free text is searched as text and shown as text: markup typed in the box stays inert.
    const typed = '<img src=x onerror=alert(1)> invoice';
    await page.getByRole('searchbox', { name: 'Search intel' }).fill(typed);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Search results' }).waitFor();
    await expect.poll(() => page.getByTestId('detected-type').textContent()).toContain(`contain ${typed}.`);
    expect(await page.locator('main img').count()).toBe(0);
    expect(log.filter((l) => l.startsWith('dialog'))).toEqual([]);

    // A member who is not an admin reads the watchlist but cannot change it.
    await page.getByRole('link', { name: 'Watchlist' }).click();
    await page.getByRole('heading', { level: 1, name: 'Watchlist' }).waitFor();
    await page.getByText('Your organisation’s administrators can change these.').waitFor();
    expect(await page.getByRole('button', { name: 'Edit assets' }).count()).toBe(0);
    await page.context().close();
  });

  it('adds a domain to the watchlist, and a match on a sub-domain arrives live on the open page', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(admin);
    await page.getByRole('link', { name: 'Watchlist' }).click();
    await page.getByRole('heading', { level: 1, name: 'Watchlist' }).waitFor();
    await page.getByText('Live: new matches appear here').waitFor();
    await page.getByText('No matches yet.').waitFor();

    await page.getByRole('button', { name: 'Edit assets' }).click();
    await page.getByRole('textbox', { name: 'Domains', exact: true }).fill('Alderton.example');
    await page.getByRole('button', { name: 'Save assets' }).click();
    await page.getByText('Assets saved.').waitFor();
    await expect.poll(() => page.getByTestId('watch-assets').textContent()).toContain('alderton.example');
    const org = await call(admin, 'GET', `/api/orgs/${aldertonId}`);
    expect(org.domains).toEqual(['alderton.example']);

    // Marks this document: if it is still there later, nothing reloaded the page.
    await page.evaluate(() => Object.assign(window, { tocsinNoReload: true }));
    const sent = Date.now();
    await call(peer, 'POST', '/api/warnings', {
      title: lookalikeTitle,
      kind: 'phishing',
      severity: 'high',
      details: 'A fake Outlook sign-in page for Alderton staff.',
      indicators: [{ type: 'url', value: 'https://login.alderton.example/owa/auth.aspx' }],
      tlp: 'green',
      audience: { kind: 'members' },
    });

    const match = page.getByTestId('watch-match').filter({ hasText: 'hxxps://login[.]alderton[.]example/owa/auth.aspx' });
    await match.waitFor({ timeout: 5000 });
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(await page.evaluate(() => (window as unknown as { tocsinNoReload?: boolean }).tocsinNoReload)).toBe(true);
    const text = (await match.textContent()) ?? '';
    expect(text).toContain('New');
    expect(text).toContain('Domain alderton.example');
    expect(text).toContain('It is under your domain alderton.example');
    expect(text).toContain(lookalikeTitle);
    expect(await match.getByRole('link', { name: /login\[\.\]alderton/ }).getAttribute('href')).toMatch(/^\/intel\/\d+$/);
    expect(await match.getByRole('link', { name: lookalikeTitle }).getAttribute('href')).toMatch(/^\/warnings\//);
    // The newest match is on top, and the page's live region said so.
    expect(await page.getByTestId('watch-match').first().textContent()).toContain('login[.]alderton[.]example');
    await expect.poll(() => page.getByTestId('watchlist-announcement').textContent()).toMatch(/^New match on your watchlist: hxxps:\/\/login\[\.\]alderton\[\.\]example\/owa\/auth\.aspx is under your domain alderton\.example, from warning “Credential phishing page imitating Alderton webmail”\.$/);
    await expect.poll(() => page.getByTestId('watch-counts').textContent()).toContain('1 in all');
    expect(await foreignLinks(page)).toEqual([]);
    expect(log.filter((l) => l.includes('/api/'))).toEqual([]);
    await page.context().close();
  });
});
