// End to end in real Chromium: the daily report in the web app. A member of one organisation
// finds the day's report by date and reads a copy without the AMBER warning shared with the
// other organisation only; a member of that organisation sees both. A member chooses the reports
// they are mailed and the choice holds after a reload; an operator makes a report now and adds
// outside recipients of the public edition, with the hub's refusals shown in its words.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { latestEnded, scheduleOf, type Period } from '../../reports/periods.js';
import { titleOf } from '../../reports/report-build.js';
import { makeReport } from '../../reports/reports.service.js';
import { days } from '../../test/clock.js';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, signedInPage } from './helpers.js';

const amberTitle = 'AMBER: ransomware at the county water plant';
// Markup in a title is text: the page shows it as typed and makes no element of it.
const clearTitle = 'Clear phishing wave <img src=x onerror=alert(1)>';

describe.skipIf(!haveChromium)('reports in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let aldertonMember: SignedInUser;
  let brookvaleMember: SignedInUser;
  let operator: SignedInUser;
  let period: Period;
  let reportId: string;
  let reportTitle: string;
  let amberId: string;
  let clearId: string;
  const log: string[] = [];
  // The hub's clock: two days behind while the hub is set up, so that yesterday's report (which
  // must end after the hub's first user and before now) has the warnings in it; then real time,
  // so that the browser's session cookies are not already expired.
  let offset = -days(2);
  const now = () => new Date(Date.now() + offset);

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { publicUrl: base, reportTimeZone: 'UTC', reportTime: '07:00' }, { webRoot, now });
    await hub.app.listen({ port, host: '127.0.0.1' });
    const alderton = await hub.createOrg({ name: 'City of Alderton' });
    const brookvale = await hub.createOrg({ name: 'City of Brookvale' });
    // The AMBER warning comes from the county, for Alderton only (a producer cannot name itself).
    const county = await hub.createOrg({ name: 'Carver County', kind: 'county' });
    operator = await hub.createUser({ orgId: null, isOperator: true, email: 'operator@hub.example' });
    const countyAnalyst = await hub.createUser({ orgId: county.id, role: 'analyst', email: 'soc@carver.example' });
    const brookvaleAnalyst = await hub.createUser({ orgId: brookvale.id, role: 'analyst', email: 'soc@brookvale.example' });
    aldertonMember = await hub.createUser({ orgId: alderton.id, role: 'member', email: 'clerk@alderton.example' });
    brookvaleMember = await hub.createUser({ orgId: brookvale.id, role: 'member', email: 'clerk@brookvale.example' });

    const warn = async (who: SignedInUser, payload: object) => {
      const res = await hub.as(who, { method: 'POST', url: '/api/warnings', payload: { details: 'Seen this morning.', ...payload } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string; createdAt: string }>();
    };
    const amber = await warn(countyAnalyst, {
      title: amberTitle,
      kind: 'ransomware',
      severity: 'critical',
      tlp: 'amber',
      audience: { kind: 'orgs', orgIds: [alderton.id] },
      indicators: [{ type: 'domain', value: 'amber-only-c2.example' }],
    });
    const clear = await warn(brookvaleAnalyst, {
      title: clearTitle,
      kind: 'phishing',
      severity: 'high',
      tlp: 'clear',
      audience: { kind: 'public' },
      indicators: [
        { type: 'url', value: 'http://clear-wave.example/login' },
        { type: 'ipv4', value: '45.155.205.9' },
      ],
    });
    amberId = amber.id;
    clearId = clear.id;

    // The daily report whose period holds the warnings, made as the scheduler would make it.
    offset = 0;
    const sent = Date.parse(clear.createdAt);
    period = latestEnded('daily', new Date(sent + days(1)), scheduleOf(hub.config));
    expect(Date.parse(period.from) <= Date.parse(amber.createdAt) && sent < Date.parse(period.to), `${amber.createdAt} in ${period.from}..${period.to}`).toBe(true);
    const made = await makeReport(hub.app.ctx, period, { queue: false });
    expect(made.created).toBe(true);
    reportId = made.report.id;
    reportTitle = titleOf('daily', period.from, period.to, 'UTC');

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  const signIn = (user: SignedInUser): Promise<Page> => signedInPage(browser, base, user.email, testPassword, log, { dismissDialogs: true });


  /** The archive's search form, filled and sent. */
  async function findReports(page: Page, from: string, to: string, kind = 'daily'): Promise<void> {
    const form = page.getByRole('form', { name: 'Find reports' });
    await form.getByLabel('From').fill(from);
    await form.getByLabel('To').fill(to);
    await form.getByRole('combobox', { name: 'Kind' }).selectOption(kind);
    await form.getByRole('button', { name: 'Find reports' }).click();
  }

  const dayBefore = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days(n)).toISOString().slice(0, 10);

  it("a member of the other organisation finds the report by date and reads a copy without the AMBER warning", async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(brookvaleMember);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Threat reports' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/reports');
    // Members have no operator panels.
    await page.getByRole('heading', { level: 2, name: 'Your email reports' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Make a report now' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Outside recipients of the public edition' }).count()).toBe(0);

    // A week before: nothing. The report's own date: the report.
    await findReports(page, dayBefore(period.key, 8), dayBefore(period.key, 7));
    await page.getByText('No reports match.').waitFor();
    await findReports(page, period.key, period.key);
    const row = page.getByTestId('report-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(period.key);
    await row.getByRole('link', { name: reportTitle }).click();

    await page.getByRole('heading', { level: 1, name: reportTitle }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/reports/${reportId}`);
    expect(await page.getByTestId('report-tlp').locator('.tlp').textContent()).toBe('TLP:CLEAR');
    await page.getByText('For: City of Brookvale').waitFor();
    expect(await page.locator('main').textContent()).toContain('(UTC)');
    const warnings = page.getByTestId('report-warning');
    expect(await warnings.count()).toBe(1);
    const link = warnings.getByRole('link', { name: clearTitle, exact: true });
    expect(await link.getAttribute('href')).toBe(`/warnings/${clearId}`);
    expect(await warnings.textContent()).toContain('TLP:CLEAR');
    expect(await page.locator('main img').count()).toBe(0);
    // Neither the AMBER warning's title nor its indicator, and it is not counted.
    const text = (await page.locator('main').textContent())!;
    expect(text).not.toContain(amberTitle);
    expect(text).not.toContain('amber-only-c2');
    expect(await page.getByTestId('report-summary').locator('dd').first().textContent()).toBe('1');
    expect(await page.getByTestId('report-indicators').getByRole('heading', { level: 2 }).textContent()).toBe('New indicators (2)');

    // The PDF of the same copy, with the session of this browser.
    const pdfLink = page.getByRole('link', { name: 'Download PDF' });
    expect(await pdfLink.getAttribute('href')).toBe(`/api/reports/${reportId}/pdf`);
    const pdf = await page.request.get(`${base}/api/reports/${reportId}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(log.filter((l) => l.startsWith('page error') || l.startsWith('dialog'))).toEqual([]);
    await page.context().close();
  });

  it('a member of the organisation it was shared with sees both warnings, and the copy is marked AMBER', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(aldertonMember);
    await page.goto(`${base}/reports/${reportId}`);
    await page.getByRole('heading', { level: 1, name: reportTitle }).waitFor();
    expect(await page.getByTestId('report-tlp').locator('.tlp').textContent()).toBe('TLP:AMBER');
    await page.getByText('For: City of Alderton').waitFor();
    const warnings = page.getByTestId('report-warning');
    expect(await warnings.count()).toBe(2);
    // Most severe first: the critical AMBER one, then the CLEAR one.
    expect(await warnings.nth(0).textContent()).toContain(amberTitle);
    expect(await warnings.nth(0).textContent()).toContain('TLP:AMBER');
    expect(await warnings.nth(1).getByRole('link').textContent()).toBe(clearTitle);
    expect(await page.getByTestId('report-summary').locator('dd').first().textContent()).toBe('2');
    // Its own watchlist section (Alderton watches nothing), and the titles lead to the warnings.
    await page.getByTestId('report-watchlist').waitFor();
    await warnings.nth(0).getByRole('link', { name: amberTitle }).click();
    await page.getByRole('heading', { level: 1, name: amberTitle }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/warnings/${amberId}`);
    await page.context().close();
  });

  it('a member chooses the reports they are mailed, and the choice holds after a reload', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(brookvaleMember);
    // Where a report mail's "choose your reports" link leads.
    await page.goto(`${base}/reports#subscription`);
    const section = page.locator('#subscription');
    const kinds = section.getByRole('group', { name: /^Email me/ });
    const sections = section.getByRole('group', { name: /^Sections in my reports/ });
    await kinds.getByRole('checkbox', { name: 'Daily report' }).waitFor();
    const top = await section.evaluate((el) => el.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(await page.evaluate(() => window.innerHeight));
    // By default: the daily report, every section.
    expect(await kinds.getByRole('checkbox', { name: 'Daily report' }).isChecked()).toBe(true);
    expect(await kinds.getByRole('checkbox', { name: 'Weekly digest' }).isChecked()).toBe(false);
    expect(await sections.getByRole('checkbox', { checked: true }).count()).toBe(6);

    // No section at all is refused before anything is sent.
    for (const box of await sections.getByRole('checkbox').all()) await box.uncheck();
    await section.getByRole('button', { name: 'Save email reports' }).click();
    await section.getByRole('alert').getByText('Choose at least one section').waitFor();

    await kinds.getByRole('checkbox', { name: 'Daily report' }).uncheck();
    await kinds.getByRole('checkbox', { name: 'Weekly digest' }).check();
    await sections.getByRole('checkbox', { name: 'New warnings' }).check();
    await sections.getByRole('checkbox', { name: 'Most-sighted indicators' }).check();
    await section.getByRole('button', { name: 'Save email reports' }).click();
    await section.getByRole('status').getByText('Saved: you will be mailed the weekly digest, with new warnings, most-sighted indicators.').waitFor();
    expect(await section.locator('[role="alert"]').textContent()).toBe('');

    await page.reload();
    await kinds.getByRole('checkbox', { name: 'Daily report' }).waitFor();
    expect(await kinds.getByRole('checkbox', { name: 'Daily report' }).isChecked()).toBe(false);
    expect(await kinds.getByRole('checkbox', { name: 'Weekly digest' }).isChecked()).toBe(true);
    expect(await kinds.getByRole('checkbox', { name: 'Monthly digest' }).isChecked()).toBe(false);
    const ticked = await sections.getByRole('checkbox', { checked: true }).evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).labels?.[0]?.textContent));
    expect(ticked).toEqual(['New warnings', 'Most-sighted indicators']);
    const stored = await page.request.get(`${base}/api/reports/subscription`);
    expect(await stored.json()).toEqual({ kinds: ['weekly'], sections: ['warnings', 'most-sighted'] });
    // The public edition and its feed, for passing on.
    expect(await section.getByRole('link', { name: 'the public reports' }).getAttribute('href')).toBe('/public/reports');
    expect(await section.getByRole('link', { name: 'Atom feed' }).getAttribute('href')).toBe('/public/reports/feed.atom');
    await page.context().close();
  });

  it('an operator makes a report now and manages the outside recipients, refusals in the hub’s words', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn(operator);
    await page.goto(`${base}/reports`);
    await page.getByRole('heading', { level: 1, name: 'Threat reports' }).waitFor();

    // Make a report now: before the hub existed is refused; the day's report exists already.
    const make = page.getByRole('form', { name: 'Make a report now' });
    const makeSection = page.getByRole('region', { name: 'Make a report now' });
    await make.getByRole('combobox', { name: 'Kind' }).selectOption('daily');
    await make.getByLabel('A date in the period').fill(dayBefore(period.key, 30));
    await make.getByRole('button', { name: 'Make report' }).click();
    await makeSection.getByRole('alert').getByText(/There is no daily report .*: it ends before the hub started/).waitFor();
    await make.getByLabel('A date in the period').fill(period.key);
    await make.getByRole('button', { name: 'Make report' }).click();
    await makeSection.getByRole('status').getByText('existed already: nothing new was made.').waitFor();
    expect(await makeSection.getByRole('status').getByRole('link').getAttribute('href')).toBe(`/reports/${reportId}`);

    // Outside recipients: an invalid address and a duplicate refused as the hub says; added and removed.
    const panel = page.getByRole('region', { name: 'Outside recipients of the public edition' });
    await panel.getByText('No outside recipients yet.').waitFor();
    const add = panel.getByRole('form', { name: 'Add a recipient' });
    await add.getByRole('textbox', { name: 'Email' }).fill('shop at main-street');
    await add.getByRole('button', { name: 'Add recipient' }).click();
    await add.getByRole('alert').getByText('"shop at main-street" is not an email address a report can be sent to.').waitFor();

    await add.getByRole('textbox', { name: 'Email' }).fill('shop@main-street.example');
    await add.getByRole('textbox', { name: 'Name' }).fill('Main Street Hardware');
    await add.getByRole('group', { name: /^They receive/ }).getByRole('checkbox', { name: 'Weekly digest' }).check();
    await add.getByRole('button', { name: 'Add recipient' }).click();
    await add.getByRole('status').getByText('shop@main-street.example will receive the public edition.').waitFor();
    const row = panel.getByTestId('recipient-row').filter({ hasText: 'shop@main-street.example' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Main Street Hardware');
    expect(await row.textContent()).toContain('Daily report, Weekly digest');
    expect(await add.locator('[role="alert"]').textContent()).toBe('');

    await add.getByRole('textbox', { name: 'Email' }).fill('SHOP@main-street.example');
    await add.getByRole('button', { name: 'Add recipient' }).click();
    await add.getByRole('alert').getByText('SHOP@main-street.example already receives the public edition.').waitFor();

    await row.getByRole('button', { name: 'Remove shop@main-street.example' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await add.getByRole('status').getByText('shop@main-street.example was removed').waitFor();
    await panel.getByText('No outside recipients yet.').waitFor();
    const left = await page.request.get(`${base}/api/reports/recipients`);
    expect(await left.json()).toEqual({ items: [] });
    await page.context().close();
  });
});
