// End to end in real Chromium: the operator adds a peer hub through the "Peer hubs" page,
// tests the connection (the peer's collections are listed), runs a pull now and sees the
// peer healthy; the token typed into the form never appears on the page again.
import { rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createTestHub, testPassword, type TestHub } from '../../test/harness.js';
import { createTaxiiWorld, envelope, indicator, root, taxii, type TaxiiWorld } from '../../test/taxii.js';
import { publicCollectionId } from '../../taxii/collections.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium } from './helpers.js';

describe.skipIf(!haveChromium)('peer hubs in the browser', () => {
  let hub: TestHub;
  let peer: TaxiiWorld;
  let peerBase: string;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  const browserLog: string[] = [];

  beforeAll(async () => {
    webRoot = await buildWebApp();
    const [port, peerPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    peerBase = `http://127.0.0.1:${peerPort}`;
    peer = await createTaxiiWorld('sqlite', { outboundAllow: '127.0.0.1', publicUrl: peerBase });
    await peer.hub.app.listen({ port: peerPort, host: '127.0.0.1' });
    hub = await createTestHub('sqlite', { publicUrl: base, outboundAllow: '127.0.0.1' }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await peer?.hub.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  function watch(page: Page): Page {
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => browserLog.push(`page error: ${error.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/api/me') browserLog.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    return page;
  }

  it('adds a peer, tests it, pulls from it now and shows it healthy, without ever showing the token', async () => {
    onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
    const object = indicator({ tlp: 'clear' });
    const posted = await taxii(peer.hub, peer.tokenB, { method: 'POST', url: `${root}/collections/${publicCollectionId}/objects/`, payload: envelope([object]) });
    expect(posted.statusCode).toBe(202);
    const operator = await hub.createUser({ orgId: null, isOperator: true, email: 'operator@county.example' });

    const page = watch(await (await browser.newContext()).newPage());
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email', { exact: true }).fill(operator.email);
    await page.getByLabel('Password', { exact: true }).fill(testPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Peer hubs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Peer hubs' }).waitFor();
    await page.getByText('No peer hubs yet.').waitFor();

    const form = page.getByRole('form', { name: 'Add a peer hub' });
    await form.getByLabel('Name', { exact: true }).fill('State hub');
    await form.getByLabel('Direction').selectOption('pull');
    await form.getByLabel('TAXII address').fill(`${peerBase}/taxii2/`);
    await form.getByLabel('Token', { exact: true }).fill(peer.tokenC);
    await form.getByLabel('Collections to pull').fill(publicCollectionId);
    await form.getByRole('button', { name: 'Add peer hub' }).click();
    await page.getByText('State hub was added.').waitFor();
    await page.getByRole('rowheader', { name: /State hub/ }).waitFor();

    await page.getByRole('button', { name: 'Test the connection to State hub' }).click();
    await page.getByText('State hub answers, and the collections are in order.').waitFor();
    await page.getByText(publicCollectionId, { exact: true }).first().waitFor();

    await page.getByRole('button', { name: 'Run now for State hub' }).click();
    await page.getByText('State hub: done.').waitFor();
    // The hub's worker may have pulled already (it contacts a new peer at once): either way it is here.
    await page.getByText(/new, \d+ already here, 0 refused/).waitFor();
    await page.getByText('Healthy', { exact: true }).waitFor();
    const stored = await hub.app.ctx.db.selectFrom('stix_versions').select('origin_peer_id').where('id', '=', String(object.id)).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.origin_peer_id).not.toBeNull();

    // The token went in once and never comes back: not in the page, not in the edit form.
    await page.getByRole('button', { name: 'Change State hub' }).click();
    await page.getByText(/Stored \(…/).waitFor();
    expect(await page.content()).not.toContain(peer.tokenC);
    expect(await page.getByLabel('Token', { exact: true }).first().inputValue()).toBe('');
  });
});
