// End to end in real Chromium: an analyst uploads a STIX bundle through the file picker,
// watches the upload and the import progress to the end, and reads which objects failed and
// why; the Connect page lists the analyst's TAXII collections as the TAXII server gives them.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { cliActor } from '../../orgs/actor.js';
import { addGroupMember, createGroup } from '../../orgs/groups.service.js';
import { membersCollectionId, publicCollectionId } from '../../taxii/collections.js';
import { createTestHub, testPassword, type SignedInUser, type TestHub } from '../../test/harness.js';
import { writeBundle, type GeneratedBundle } from '../../test/stix-bundles.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, signedInPage } from './helpers.js';

describe.skipIf(!haveChromium)('STIX files and Connect your tools in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let analyst: SignedInUser;
  let orgId: string;
  let groupId: string;
  let bundle: GeneratedBundle;
  const log: string[] = [];

  beforeAll(async () => {
    [webRoot, bundle] = await Promise.all([buildWebApp(), writeBundle({ count: 3000, invalidEvery: 500, padding: 600 })]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = await createTestHub('sqlite', { publicUrl: base }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    const org = await hub.createOrg({ name: 'City of Alderton' });
    const other = await hub.createOrg({ name: 'City of Brookvale' });
    orgId = org.id;
    const group = await createGroup(hub.app.ctx, cliActor(), { name: 'Lakeshore CISOs', ownerOrgId: org.id });
    await addGroupMember(hub.app.ctx, cliActor(), group.id, other.id);
    groupId = group.id;
    analyst = await hub.createUser({ orgId: org.id, role: 'analyst', email: 'soc@alderton.example' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
    if (bundle) rmSync(path.dirname(bundle.file), { recursive: true, force: true });
  });

  const signIn = (): Promise<Page> => signedInPage(browser, base, analyst.email, testPassword, log);


  it('uploads a bundle with progress, follows the import to the end and lists the failures', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn();
    await page.getByRole('link', { name: 'STIX files' }).click();
    await page.getByRole('heading', { level: 1, name: 'STIX import and export' }).waitFor();

    await page.getByLabel('STIX 2.1 bundle (JSON file)').setInputFiles(bundle.file);
    await page.getByRole('combobox', { name: 'Share with (collection)' }).selectOption(membersCollectionId);
    const tlp = page.getByRole('combobox', { name: 'TLP for objects without a TLP marking' });
    expect(await tlp.locator('option').allTextContents()).toEqual(['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT']);
    await tlp.selectOption('amber');
    await page.getByRole('button', { name: 'Import' }).click();

    // The upload bar, then the import bar, then the outcome.
    await page.locator('#upload-progress').waitFor();
    await page.getByText(/^Import finished: 2994 of 3000 objects imported into All members, 6 failed/).waitFor({ timeout: 60_000 });
    const importBar = page.locator('#import-progress');
    expect(await importBar.getAttribute('value')).toBe(String(bundle.bytes));
    expect(await importBar.getAttribute('max')).toBe(String(bundle.bytes));
    expect(await page.getByTestId('import-counts').textContent()).toBe('3000 objects read · 2994 imported · 6 failed');

    const failures = page.getByRole('table', { name: 'Objects not imported' });
    await failures.waitFor();
    expect(await failures.locator('tbody tr').count()).toBe(6);
    const firstBad = bundle.invalid[0]!;
    await expect.poll(() => failures.getByRole('row', { name: new RegExp(firstBad.id) }).count()).toBe(1);
    expect(await failures.getByRole('row', { name: new RegExp(firstBad.id) }).textContent()).toMatch(firstBad.why);

    // The recent imports list shows it done, with the file's name.
    const recent = page.getByRole('table', { name: 'Recent imports' });
    await expect.poll(() => recent.getByRole('row', { name: new RegExp(path.basename(bundle.file)) }).textContent(), { timeout: 10_000 }).toMatch(/2994 imported, 6 failed\s*Done/);

    // The imported objects carry the chosen default TLP: group and other members can read them (AMBER to all members).
    const job = await hub.as(analyst, { method: 'GET', url: '/api/stix/imports' });
    expect(job.json().items[0]).toMatchObject({ status: 'done', defaultTlp: 'amber', successes: 2994 });
    await page.context().close();
  });

  it('lists the analyst’s collections on the Connect page, with the addresses to use', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${log.join('\n  ') || '(nothing)'}`));
    const page = await signIn();
    await page.getByRole('link', { name: 'Connect tools' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connect your tools' }).waitFor();
    const table = page.getByRole('table', { name: 'Your TAXII collections' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(4);
    const text = await table.textContent();
    for (const [title, id] of [
      ['Public (TLP:CLEAR)', publicCollectionId],
      ['All members', membersCollectionId],
      ['Group: Lakeshore CISOs', groupId],
      ['Inbox: City of Alderton', orgId],
    ]) {
      expect(text).toContain(title);
      expect(text).toContain(id);
    }
    const urls = await page.locator('.connect-urls').textContent();
    expect(urls).toContain(`Discovery URL${base}/taxii2/`);
    expect(urls).toContain(`API root${base}/taxii2/tocsin/`);
    const curl = await page.locator('pre', { hasText: 'match[type]=indicator' }).textContent();
    expect(curl).toContain(`${base}/taxii2/tocsin/collections/${membersCollectionId}/objects/`);
    expect(await page.getByRole('link', { name: 'Tokens' }).first().getAttribute('href')).toBe('/tokens');
    expect(log.filter((l) => l.includes('/taxii2/'))).toEqual([]);
    await page.context().close();
  });
});
