// Accessibility in real Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) on every page of the
// web app, at desktop and phone sizes, on a hub seeded with real content; and the keyboard:
// Tab reaches every control in document order, and focus is always visible.
//
// The hub's CSP is `script-src 'self'`, so axe cannot be injected as an inline script (which is
// what addScriptTag({ path }) or ({ content }) do). Instead each browser context of this test
// routes one same-origin URL, /__axe.js, to the axe-core file from node_modules, and the page
// loads it with an ordinary <script src>. The CSP stays in force; the hub never sees the URL.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { cliActor } from '../../orgs/actor.js';
import { addGroupMember, createGroup } from '../../orgs/groups.service.js';
import { latestEnded, scheduleOf } from '../../reports/periods.js';
import { makeReport } from '../../reports/reports.service.js';
import { days, hours } from '../../test/clock.js';
import { createTestHub, type SignedInUser, type TestHub } from '../../test/harness.js';
import { buildWebApp, chromiumArgs, chromiumPath, freePort, haveChromium, Receiver } from './helpers.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axePath = '/__axe.js';
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 740 },
] as const;
type Viewport = (typeof viewports)[number];

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
  html: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** One line per violation, and one per element it was found on. */
function describeViolations(where: string, violations: AxeViolation[]): string {
  const lines = [`${violations.length} accessibility violation(s) on ${where}:`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'n/a'}] ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    at ${node.target.map((t) => JSON.stringify(t)).join(' ')}`);
      if (node.failureSummary) lines.push(`       ${node.failureSummary.replace(/\n\s*/g, ' | ')}`);
    }
  }
  return lines.join('\n');
}

/** Loads axe from /__axe.js (routed in the context) and runs the WCAG A/AA rules on the whole document. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: axePath });
  return page.evaluate(async (values) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary, html: n.html })),
    }));
  }, wcagTags);
}

/** Elements that stick out past the right edge of the window (the page would scroll sideways). */
async function wider(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= limit) return [];
    const out: string[] = [];
    // How far an element reaches to the right, its own overflowing text included.
    const reach = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width === 0 ? 0 : Math.max(box.right, box.left + el.scrollWidth);
    };
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const right = reach(el);
      if (right <= limit + 0.5) continue;
      // The innermost culprits: nothing inside them sticks out too.
      if (Array.from(el.children).some((child) => reach(child) > limit + 0.5)) continue;
      out.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} reaches ${Math.round(right)}px: "${(el.textContent ?? '').trim().slice(0, 60)}"`);
    }
    return out.length > 0 ? out : [`document ${document.documentElement.scrollWidth}px wide in a ${limit}px window`];
  });
}

/** The page has finished loading what it shows: its h1, and no "Loading …" left. */
async function settled(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForFunction(() => !Array.from(document.querySelectorAll('[role="status"]')).some((el) => /^Loading\b/.test(el.textContent ?? '')));
}

interface Seed {
  operator: SignedInUser;
  admin: SignedInUser;
  analyst: SignedInUser;
  peer: SignedInUser;
  aldertonId: string;
  groupId: string;
  warningId: string;
  retractedId: string;
  webhookId: string;
  hookUrl: string;
  inviteUrl: string;
  feedId: string;
  /** the observable of pay-decrypt.example, for its pivot page */
  observableId: number;
  /** an export (domain list) with a device that fetches and one that stopped */
  exportId: string;
  /** yesterday's daily report, with a warning and its indicators in it */
  reportId: string;
  reportTitle: string;
}

type Who = 'nobody' | 'operator' | 'admin' | 'analyst';

/** What a page case may use besides the page: the hub, what was seeded, and the window size. */
interface Env {
  hub: TestHub;
  seed: Seed;
  viewport: Viewport;
}

interface PageCase {
  name: string;
  who: Who;
  path(seed: Seed): string;
  /** Waits until the page shows what is to be checked (and drives it there, for forms). */
  ready(page: Page, env: Env): Promise<void>;
}

const reportTitle = 'Invoice phishing from a spoofed county address';

/** Step 1 of the report form, with a long write-up and some personal data for step 2 to find. */
async function fillReport(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: 'Kind' }).selectOption('phishing');
  await page.getByRole('combobox', { name: 'Severity' }).selectOption('high');
  await page.getByRole('textbox', { name: 'Title' }).fill(reportTitle);
  await page.getByRole('textbox', { name: 'Affected services' }).fill('email, finance');
  const timeline = Array.from({ length: 30 }, (_, i) => `${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')} another mail to accounts payable`);
  await page
    .getByRole('textbox', { name: 'Details' })
    .fill(`Mails asking accounts payable to change a supplier's bank details. Reported by jane.doe@alderton.example.\n${timeline.join('\n')}`);
  await page.getByRole('textbox', { name: 'Indicators' }).fill('hxxps://invoices-county[.]example/pay\n203.0.113[.]7');
}

/** Step 2 of the report form, with a TLP and a group chosen. */
async function reviewReport(page: Page): Promise<void> {
  await fillReport(page);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('heading', { name: /Step 2 of 2/ }).waitFor();
  await page.getByRole('checkbox', { name: /203\[\.\]0\[\.\]113\[\.\]7/ }).waitFor();
}

const pages: PageCase[] = [
  { name: 'sign-in', who: 'nobody', path: () => '/signin', ready: (p) => settled(p, 'Sign in') },
  {
    name: 'sign-in, after a wrong password',
    who: 'nobody',
    path: () => '/signin',
    ready: async (p) => {
      await settled(p, 'Sign in');
      await p.getByLabel('Email', { exact: true }).fill('soc@alderton.example');
      await p.getByLabel('Password', { exact: true }).fill('not the password');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
    },
  },
  {
    name: 'invitation link that cannot be used',
    who: 'nobody',
    path: () => '/invite/no-such-invitation-token-0000000000000000',
    ready: (p) => settled(p, 'This invitation cannot be used'),
  },
  { name: 'forgot password', who: 'nobody', path: () => '/forgot', ready: (p) => settled(p, 'Reset your password') },
  {
    name: 'accept invitation',
    who: 'nobody',
    path: (s) => new URL(s.inviteUrl).pathname,
    ready: async (p) => {
      await settled(p, 'Accept invitation');
      await p.getByLabel('Your name').waitFor();
    },
  },
  {
    name: 'warnings dashboard',
    who: 'analyst',
    path: () => '/warnings',
    ready: async (p) => {
      await settled(p, 'Warnings');
      await p.getByTestId('warning-card').filter({ hasText: 'Retracted' }).first().waitFor();
      await p.getByText('Live: new warnings appear here').waitFor();
    },
  },
  {
    name: 'warnings dashboard, with a warning that just arrived',
    who: 'analyst',
    path: () => '/warnings',
    ready: async (p, { hub, seed, viewport }) => {
      await settled(p, 'Warnings');
      await p.getByText('Live: new warnings appear here').waitFor();
      const title = `Vishing calls to the help desk (${viewport.name})`;
      const res = await hub.as(seed.peer, {
        method: 'POST',
        url: '/api/warnings',
        payload: { title, kind: 'other', severity: 'high', details: 'Callers ask to reset MFA.', tlp: 'amber', audience: { kind: 'groups', groupIds: [seed.groupId] } },
      });
      expect(res.statusCode, res.body).toBe(201);
      await p.getByTestId('warning-card').filter({ hasText: title }).getByText('New', { exact: true }).waitFor();
    },
  },
  {
    name: 'report an attack, step 1',
    who: 'analyst',
    path: () => '/warnings/new',
    ready: async (p) => {
      await settled(p, 'Report an attack');
      await fillReport(p);
    },
  },
  {
    name: 'report an attack, step 2',
    who: 'analyst',
    path: () => '/warnings/new',
    ready: async (p) => {
      await settled(p, 'Report an attack');
      await reviewReport(p);
      await p.getByRole('radio', { name: 'TLP:AMBER', exact: true }).check();
      await p.getByRole('radio', { name: 'Sharing groups', exact: true }).check();
      await p.getByRole('checkbox', { name: 'Lakeshore CISOs' }).check();
      await settled(p, 'Report an attack');
    },
  },
  {
    name: 'report an attack, step 2 with a problem to fix',
    who: 'analyst',
    path: () => '/warnings/new',
    ready: async (p) => {
      await settled(p, 'Report an attack');
      await reviewReport(p);
      await p.getByRole('radio', { name: 'TLP:RED', exact: true }).check();
      await p.getByRole('button', { name: 'Send warning' }).click();
      await p.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
      await settled(p, 'Report an attack');
    },
  },
  {
    name: 'warning detail (its sender)',
    who: 'analyst',
    path: (s) => `/warnings/${s.warningId}`,
    ready: async (p) => {
      await settled(p, 'Ransomware note on the library file server');
      await p.getByRole('heading', { name: /Indicators/ }).waitFor();
    },
  },
  {
    name: 'warning detail, updating it',
    who: 'analyst',
    path: (s) => `/warnings/${s.warningId}`,
    ready: async (p) => {
      await settled(p, 'Ransomware note on the library file server');
      await p.getByRole('button', { name: 'Update warning' }).click();
      await p.getByRole('textbox', { name: 'Add indicators' }).fill('192.0.2[.]44');
      await p.getByRole('button', { name: 'Review update' }).click();
      await p.getByRole('button', { name: 'Send update' }).click();
      await p.getByRole('button', { name: 'Yes, send the update' }).waitFor();
    },
  },
  {
    name: 'warning detail, retracted (a recipient)',
    who: 'analyst',
    path: (s) => `/warnings/${s.retractedId}`,
    ready: async (p) => {
      await settled(p, 'Suspicious login alerts (false alarm)');
      await p.getByText('It was our own VPN change.').waitFor();
    },
  },
  {
    name: 'member directory',
    who: 'admin',
    path: () => '/directory',
    ready: async (p) => {
      await settled(p, 'Member directory');
      await p.getByText('City of Brookvale').first().waitFor();
    },
  },
  {
    name: 'organisation (as its admin)',
    who: 'admin',
    path: (s) => `/orgs/${s.aldertonId}`,
    ready: async (p) => {
      await settled(p, 'City of Alderton');
      for (const section of ['Users', 'Invitations', 'Webhooks']) await p.getByRole('heading', { level: 2, name: section, exact: true }).waitFor();
      await p.getByText('newcomer@alderton.example').first().waitFor();
      await p.getByText('SIEM at City Hall').first().waitFor();
      await settled(p, 'City of Alderton');
    },
  },
  {
    name: 'organisation, after inviting, adding and testing a webhook',
    who: 'admin',
    path: (s) => `/orgs/${s.aldertonId}`,
    ready: async (p, { seed, viewport }) => {
      await settled(p, 'City of Alderton');
      await p.getByText('SIEM at City Hall').first().waitFor();
      await p.getByLabel('Email', { exact: true }).fill(`analyst-${viewport.name}@alderton.example`);
      await p.getByRole('button', { name: 'Send invitation' }).click();
      await p.getByTestId('invite-url').waitFor();
      await p.getByLabel('Webhook name').fill(`Chat channel (${viewport.name})`);
      await p.getByLabel('Address (URL)').fill(seed.hookUrl);
      await p.getByText('Only some warnings').click();
      await p.getByRole('button', { name: 'Create webhook' }).click();
      await p.getByTestId('webhook-secret').waitFor();
      await p.getByRole('button', { name: 'Send a test to SIEM at City Hall' }).click();
      await p.getByText('Full report').waitFor();
      await p.getByText('Full report').click();
      await settled(p, 'City of Alderton');
    },
  },
  {
    name: 'webhook delivery log',
    who: 'admin',
    path: (s) => `/webhooks/${s.webhookId}`,
    ready: (p) => settled(p, /SIEM at City Hall|Webhook delivery log/),
  },
  {
    name: 'groups',
    who: 'admin',
    path: () => '/groups',
    ready: async (p) => {
      await settled(p, 'Sharing groups');
      await p.getByRole('link', { name: 'Lakeshore CISOs' }).waitFor();
    },
  },
  {
    name: 'group page (owner admin)',
    who: 'admin',
    path: (s) => `/groups/${s.groupId}`,
    ready: async (p) => {
      await settled(p, 'Lakeshore CISOs');
      await p.getByRole('heading', { level: 2, name: /Members/ }).waitFor();
      await settled(p, 'Lakeshore CISOs');
    },
  },
  {
    name: 'group page (member analyst)',
    who: 'analyst',
    path: (s) => `/groups/${s.groupId}`,
    ready: async (p) => {
      await settled(p, 'Lakeshore CISOs');
      await p.getByRole('heading', { level: 2, name: /Members/ }).waitFor();
    },
  },
  {
    name: 'tokens',
    who: 'admin',
    path: () => '/tokens',
    ready: async (p) => {
      await settled(p, 'API tokens');
      await p.getByRole('rowheader', { name: 'Firewall at City Hall' }).waitFor();
    },
  },
  {
    name: 'tokens, with a new secret shown',
    who: 'admin',
    path: () => '/tokens',
    ready: async (p, { viewport }) => {
      await settled(p, 'API tokens');
      await p.getByLabel('Token name').fill(`SOAR (${viewport.name})`);
      await p.getByRole('button', { name: 'Create token' }).click();
      await p.getByTestId('token-secret').waitFor();
    },
  },
  {
    name: 'STIX import and export',
    who: 'analyst',
    path: () => '/stix',
    ready: async (p) => {
      await settled(p, 'STIX import and export');
      await p.getByRole('button', { name: 'Import' }).waitFor();
      await p.getByText('No imports yet.').waitFor();
    },
  },
  {
    name: 'connect your tools',
    who: 'analyst',
    path: () => '/connect',
    ready: async (p) => {
      await settled(p, 'Connect your tools');
      await p.getByRole('table', { name: 'Your TAXII collections' }).waitFor();
      await p.getByRole('heading', { name: '4. Examples' }).waitFor();
    },
  },
  {
    name: 'audit',
    who: 'admin',
    path: () => '/audit',
    ready: async (p) => {
      await settled(p, 'Audit trail');
      await p.locator('main table tbody tr').first().waitFor();
    },
  },
  {
    name: "audit, an entry's details shown",
    who: 'admin',
    path: () => '/audit',
    ready: async (p) => {
      await settled(p, 'Audit trail');
      await p.locator('main table summary').first().click();
      await p.locator('main table pre').first().waitFor();
    },
  },
  {
    name: 'account',
    who: 'admin',
    path: () => '/account',
    ready: async (p) => {
      await settled(p, 'Your account');
      await p.getByRole('heading', { level: 2, name: 'Email alerts' }).waitFor();
      await p.getByRole('radio', { name: 'Immediately' }).waitFor();
      await settled(p, 'Your account');
    },
  },
  {
    name: 'account, setting up an authenticator',
    who: 'analyst',
    path: () => '/account',
    ready: async (p) => {
      await settled(p, 'Your account');
      await p.getByRole('button', { name: 'Set up authenticator' }).click();
      await p.getByTestId('totp-secret').waitFor();
      await settled(p, 'Your account');
    },
  },
  {
    name: 'settings (operator)',
    who: 'operator',
    path: () => '/settings',
    ready: async (p) => {
      await settled(p, 'Settings');
      await p.getByRole('heading', { level: 2, name: 'Sign-in security' }).waitFor();
    },
  },
  {
    name: 'organisations (operator)',
    who: 'operator',
    path: () => '/admin/orgs',
    ready: async (p) => {
      await settled(p, 'Organisations');
      await p.getByRole('link', { name: 'City of Brookvale' }).waitFor();
    },
  },
  {
    name: 'organisation (operator), editing its details',
    who: 'operator',
    path: (s) => `/orgs/${s.aldertonId}`,
    ready: async (p) => {
      await settled(p, 'City of Alderton');
      await p.getByRole('button', { name: 'Edit details' }).click();
      await p.getByRole('button', { name: 'Save changes' }).waitFor();
      await settled(p, 'City of Alderton');
    },
  },
  {
    name: 'page not found',
    who: 'analyst',
    path: () => '/no/such/page',
    ready: (p) => settled(p, 'Page not found'),
  },
  {
    name: 'peer hubs (operator), a connection test that failed',
    who: 'operator',
    path: () => '/admin/peers',
    ready: async (p) => {
      await settled(p, 'Peer hubs');
      await p.getByText(/failure\(s\) in a row/).first().waitFor();
      await p.getByRole('button', { name: 'Test the connection to State fusion centre' }).click();
      await p.getByText('Test of State fusion centre failed.').waitFor();
    },
  },
  {
    name: 'operators (operator)',
    who: 'operator',
    path: () => '/admin/operators',
    ready: async (p) => {
      await settled(p, 'Operators');
      await p.getByText('operator@hub.example').first().waitFor();
    },
  },
  {
    name: 'feeds (operator), a failing feed and the add form',
    who: 'operator',
    path: () => '/feeds',
    ready: async (p) => {
      await settled(p, 'Outside feeds');
      await p.getByTestId('feed-row').filter({ hasText: 'Regional blocklist' }).getByText(/failure\(s\) in a row/).waitFor();
      await p.getByRole('form', { name: 'Add a feed' }).waitFor();
    },
  },
  {
    name: 'feeds (operator), a CSV feed the hub refuses',
    who: 'operator',
    path: () => '/feeds',
    ready: async (p) => {
      await settled(p, 'Outside feeds');
      const form = p.getByRole('form', { name: 'Add a feed' });
      await form.getByRole('textbox', { name: 'Name' }).fill('County CSV');
      await form.getByRole('combobox', { name: 'Kind' }).selectOption('csv');
      await form.getByRole('textbox', { name: 'Address (URL)' }).fill('https://feeds.example.org/county.csv');
      await form.getByRole('textbox', { name: 'Value column' }).fill('ip');
      await form.getByRole('spinbutton', { name: 'Run every (minutes)' }).fill('0');
      await form.getByText('Filter: keep only some values').click();
      await form.getByRole('button', { name: 'Add feed' }).click();
      await form.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
    },
  },
  {
    name: 'feed detail (operator), changing its settings',
    who: 'operator',
    path: (s) => `/feeds/${s.feedId}`,
    ready: async (p) => {
      await settled(p, 'Regional blocklist');
      await p.getByRole('table', { name: 'Run history' }).locator('tbody tr').first().waitFor();
      await p.getByRole('button', { name: 'Change settings' }).click();
      await p.getByRole('button', { name: 'Save changes' }).waitFor();
    },
  },
  {
    name: 'feed detail (a member analyst)',
    who: 'analyst',
    path: (s) => `/feeds/${s.feedId}`,
    ready: async (p) => {
      await settled(p, 'Regional blocklist');
      await p.getByRole('table', { name: 'Run history' }).locator('tbody tr').first().waitFor();
    },
  },
  {
    name: 'trends',
    who: 'analyst',
    path: () => '/trends',
    ready: async (p) => {
      await settled(p, 'Trends');
      await p.getByTestId('chart-svg-new-indicators').getByRole('img').waitFor();
      await p.getByTestId('chart-svg-warnings-per-week').getByRole('img').waitFor();
      await settled(p, 'Trends');
    },
  },
  {
    name: 'trends, a chart shown as a table',
    who: 'analyst',
    path: () => '/trends',
    ready: async (p) => {
      await settled(p, 'Trends');
      const card = p.getByTestId('trend-new-indicators');
      await card.getByRole('img').waitFor();
      await card.getByText('Show as table').click();
      await card.getByRole('table').waitFor();
    },
  },
  {
    name: 'search results (an indicator)',
    who: 'analyst',
    path: () => '/search?q=pay-decrypt%5B.%5Dexample',
    ready: async (p) => {
      await settled(p, 'Search results');
      await p.getByTestId('search-observable').first().waitFor();
      await p.getByTestId('search-warning').first().waitFor();
    },
  },
  {
    name: 'search results (free text)',
    who: 'analyst',
    path: () => '/search?q=library%20file%20server',
    ready: async (p) => {
      await settled(p, 'Search results');
      await p.getByTestId('search-warning').first().waitFor();
    },
  },
  {
    name: 'indicator pivot, asking to report a false positive',
    who: 'analyst',
    path: (s) => `/intel/${s.observableId}`,
    ready: async (p) => {
      await settled(p, 'pay-decrypt[.]example');
      await p.getByTestId('pivot-summary').waitFor();
      await p.getByRole('button', { name: 'Report a false positive' }).click();
      await p.getByRole('button', { name: 'Yes, it is a false positive' }).waitFor();
    },
  },
  {
    name: 'indicator pivot, after a sighting (a range on a warning list)',
    who: 'analyst',
    path: (s) => `/search?q=${encodeURIComponent('198.51.100.23')}`,
    ready: async (p) => {
      await settled(p, 'Search results');
      await p.getByTestId('search-observable').first().getByRole('link').click();
      await settled(p, '198[.]51[.]100[.]23');
      await p.getByRole('heading', { level: 2, name: 'Before you block it' }).waitFor();
      await p.getByRole('button', { name: 'We saw this' }).click();
      await p.getByText('Sighting recorded').waitFor();
      await settled(p, '198[.]51[.]100[.]23');
    },
  },
  {
    name: 'watchlist (its admin), editing the assets',
    who: 'admin',
    path: () => '/watchlist',
    ready: async (p) => {
      await settled(p, 'Watchlist');
      await p.getByTestId('watch-match').first().waitFor();
      await p.getByRole('button', { name: 'Edit assets' }).click();
      await p.getByRole('button', { name: 'Save assets' }).waitFor();
    },
  },
  {
    name: 'watchlist (an analyst), with a match that just arrived',
    who: 'analyst',
    path: () => '/watchlist',
    ready: async (p, { hub, seed, viewport }) => {
      await settled(p, 'Watchlist');
      await p.getByText('Live: new matches appear here').waitFor();
      await p.getByTestId('watch-match').first().waitFor();
      const res = await hub.as(seed.peer, {
        method: 'POST',
        url: '/api/warnings',
        payload: {
          title: `Fake parking-fine site (${viewport.name})`,
          kind: 'phishing',
          severity: 'high',
          details: 'Texts to residents link to it.',
          indicators: [{ type: 'url', value: `https://${viewport.name}-parking.alderton.example/pay?ref=sms-campaign-with-a-long-tracking-code` }],
          tlp: 'green',
          audience: { kind: 'members' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      await p.getByTestId('watch-match').filter({ hasText: `${viewport.name}-parking` }).getByText('New', { exact: true }).waitFor();
      await p.getByTestId('watchlist-announcement').filter({ hasText: /\S/ }).waitFor();
    },
  },
  {
    name: 'exports (its admin), the new export form for an RPZ with TLP:RED',
    who: 'admin',
    path: () => '/connect/exports',
    ready: async (p) => {
      await settled(p, 'Exports');
      await p.getByTestId('stale-devices').waitFor();
      await p.getByTestId('export-row').filter({ hasText: 'City Hall DNS blocklist' }).waitFor();
      const form = p.getByRole('form', { name: 'New export' });
      await form.getByRole('radio', { name: 'DNS response policy zone (RPZ)', exact: true }).check();
      await form.getByRole('textbox', { name: 'Zone name' }).waitFor();
      await form.getByRole('combobox', { name: 'Most restrictive TLP' }).selectOption('red');
      await form.getByText(/is for the people a warning was addressed to/).waitFor();
    },
  },
  {
    name: 'exports (a member analyst)',
    who: 'analyst',
    path: () => '/connect/exports',
    ready: async (p) => {
      await settled(p, 'Exports');
      await p.getByTestId('export-row').filter({ hasText: 'City Hall DNS blocklist' }).getByText('Stale', { exact: true }).waitFor();
    },
  },
  {
    name: 'export detail (its admin), a device just added',
    who: 'admin',
    path: (s) => `/connect/exports/${s.exportId}`,
    ready: async (p, { viewport }) => {
      await settled(p, 'City Hall DNS blocklist');
      await p.getByTestId('export-preview').waitFor();
      await p.getByRole('table', { name: 'Fetch history' }).locator('tbody tr').first().waitFor();
      await p.getByRole('textbox', { name: 'Device name' }).fill(`Suricata sensor (${viewport.name})`);
      await p.getByRole('button', { name: 'Add device' }).click();
      await p.getByTestId('device-secret').waitFor();
      await settled(p, 'City Hall DNS blocklist');
    },
  },
  {
    name: 'export detail (its admin), changing its settings',
    who: 'admin',
    path: (s) => `/connect/exports/${s.exportId}`,
    ready: async (p) => {
      await settled(p, 'City Hall DNS blocklist');
      await p.getByRole('button', { name: 'Change settings' }).click();
      await p.getByRole('button', { name: 'Save changes' }).waitFor();
    },
  },
  {
    name: 'export detail (a member analyst)',
    who: 'analyst',
    path: (s) => `/connect/exports/${s.exportId}`,
    ready: async (p) => {
      await settled(p, 'City Hall DNS blocklist');
      await p.getByTestId('export-preview').waitFor();
      await p.getByRole('table', { name: 'Fetch history' }).locator('tbody tr').first().waitFor();
    },
  },
  {
    name: 'reports (a member analyst), the archive and the email reports',
    who: 'analyst',
    path: () => '/reports',
    ready: async (p) => {
      await settled(p, 'Threat reports');
      await p.getByTestId('report-row').first().waitFor();
      await p.getByRole('button', { name: 'Save email reports' }).waitFor();
      await settled(p, 'Threat reports');
    },
  },
  {
    name: 'reports (operator), an outside recipient refused',
    who: 'operator',
    path: () => '/reports',
    ready: async (p) => {
      await settled(p, 'Threat reports');
      await p.getByTestId('report-row').first().waitFor();
      const add = p.getByRole('form', { name: 'Add a recipient' });
      await add.getByRole('textbox', { name: 'Email' }).fill('not an address');
      await add.getByRole('button', { name: 'Add recipient' }).click();
      await add.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
      await settled(p, 'Threat reports');
    },
  },
  {
    name: 'report (a member analyst), a chart shown as a table',
    who: 'analyst',
    path: (s) => `/reports/${s.reportId}`,
    ready: async (p, { seed }) => {
      await settled(p, seed.reportTitle);
      await p.getByTestId('report-warning').first().waitFor();
      const indicators = p.getByTestId('report-indicators');
      await indicators.getByRole('img').first().waitFor();
      await indicators.getByText('Show as table').first().click();
      await indicators.getByRole('table').first().waitFor();
    },
  },
];

/**
 * Yesterday's daily report with something in it: the hub "started" two days before its period,
 * and one warning (with its indicators) is moved into the period before the report is made.
 */
async function seedReport(hub: TestHub, sender: SignedInUser): Promise<{ reportId: string; reportTitle: string }> {
  const { db } = hub.app.ctx;
  const period = latestEnded('daily', hub.app.ctx.now(), scheduleOf(hub.config));
  await db.updateTable('users').set({ created_at: new Date(Date.parse(period.from) - days(2)).toISOString() }).execute();
  const res = await hub.as(sender, {
    method: 'POST',
    url: '/api/warnings',
    payload: {
      title: 'Gift-card scam calls to the finance office',
      kind: 'fraud-bec',
      severity: 'medium',
      details: 'Callers pose as the city manager.',
      indicators: [
        { type: 'domain', value: 'giftcard-payments.example' },
        { type: 'ipv4', value: '198.51.100.77' },
      ],
      tlp: 'green',
      audience: { kind: 'members' },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  const inPeriod = new Date(Date.parse(period.from) + hours(2)).toISOString();
  await db.updateTable('warnings').set({ created_at: inPeriod }).where('id', '=', id).execute();
  await db.updateTable('mentions').set({ created_at: inPeriod }).where('source_kind', '=', 'warning').where('source_id', '=', id).execute();
  const made = await makeReport(hub.app.ctx, period, { queue: false });
  const list = await hub.as(sender, { method: 'GET', url: '/api/reports' });
  const item = list.json<{ items: Array<{ id: string; title: string }> }>().items.find((r) => r.id === made.report.id)!;
  return { reportId: item.id, reportTitle: item.title };
}

describe.skipIf(!haveChromium)('accessibility in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let webRoot: string;
  let base: string;
  let seed: Seed;
  const hook = new Receiver();
  const contexts: BrowserContext[] = [];
  const browserLog: string[] = [];

  beforeAll(async () => {
    [webRoot] = await Promise.all([buildWebApp(), hook.start()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No SMTP: the hub answers invitations with their link, which the test opens.
    hub = await createTestHub('sqlite', { publicUrl: base, outboundAllow: '127.0.0.1' }, { webRoot });
    await hub.app.listen({ port, host: '127.0.0.1' });

    const alderton = await hub.createOrg({ name: 'City of Alderton', region: 'Region 3' });
    const brookvale = await hub.createOrg({ name: 'City of Brookvale', region: 'Region 3' });
    const group = await createGroup(hub.app.ctx, cliActor(), { name: 'Lakeshore CISOs', description: 'Alderton and Brookvale', ownerOrgId: alderton.id });
    await addGroupMember(hub.app.ctx, cliActor(), group.id, alderton.id);
    await addGroupMember(hub.app.ctx, cliActor(), group.id, brookvale.id);

    const operator = await hub.createUser({ orgId: null, isOperator: true, email: 'operator@hub.example' });
    const admin = await hub.createUser({ orgId: alderton.id, role: 'admin', email: 'it@alderton.example' });
    const analyst = await hub.createUser({ orgId: alderton.id, role: 'analyst', email: 'soc@alderton.example' });
    const peer = await hub.createUser({ orgId: brookvale.id, role: 'analyst', email: 'soc@brookvale.example' });

    const call = async (who: SignedInUser, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) => {
      const res = await hub.as(who, { method, url, payload });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json<Record<string, unknown>>();
    };
    const first = await call(analyst, 'POST', '/api/warnings', {
      title: 'Ransomware note on the library file server',
      kind: 'ransomware',
      severity: 'critical',
      details: 'Files renamed to .locked overnight; the note asks for contact over Tox.\nWe isolated the server.',
      affectedServices: ['library', 'file shares'],
      indicators: [
        { type: 'ipv4', value: '198.51.100.23' },
        { type: 'domain', value: 'pay-decrypt.example' },
        { type: 'url', value: 'https://pay-decrypt.example/portal/a-rather-long-path/that-goes-on/and-on?victim=alderton-library-file-server' },
        { type: 'sha256', value: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
      ],
      tlp: 'amber',
      audience: { kind: 'groups', groupIds: [group.id] },
    });
    await call(peer, 'POST', '/api/warnings', {
      title: 'Password spraying against the webmail portal',
      kind: 'account-compromise',
      severity: 'medium',
      details: 'Slow spraying from a rotating set of addresses.',
      tlp: 'green',
      audience: { kind: 'groups', groupIds: [group.id] },
    });
    const mistaken = await call(peer, 'POST', '/api/warnings', {
      title: 'Suspicious login alerts (false alarm)',
      kind: 'other',
      severity: 'low',
      details: 'Turned out to be our own VPN change.',
      tlp: 'clear',
      audience: { kind: 'members' },
    });
    await call(peer, 'POST', `/api/warnings/${String(mistaken.id)}/retract`, { reason: 'It was our own VPN change.' });
    const invitation = await call(admin, 'POST', `/api/orgs/${alderton.id}/invitations`, { email: 'newcomer@alderton.example', role: 'analyst' });
    const webhook = await call(admin, 'POST', `/api/orgs/${alderton.id}/webhooks`, { name: 'SIEM at City Hall', url: hook.url, format: 'json' });
    await call(admin, 'POST', '/api/tokens', { name: 'Firewall at City Hall', scopes: ['read'] });
    await call(admin, 'PUT', '/api/me/alerts', { mode: 'hourly', filter: {} });
    // A peer hub that is down: its health shows the failure and the next try.
    const downPort = await freePort();
    const peerHub = await call(operator, 'POST', '/api/peers', {
      name: 'State fusion centre',
      url: `http://127.0.0.1:${downPort}/taxii2/`,
      direction: 'both',
      authKind: 'bearer',
      secret: 'tcs_state-hub-token-for-this-hub-0001',
      pullCollections: ['5b0e0c3a-0d1f-4c8e-9a51-6f2b7c1d9e01'],
      pushCollection: '5b0e0c3a-0d1f-4c8e-9a51-6f2b7c1d9e01',
      sameCommunity: true,
    });
    // The hub's federation worker contacts it at once; wait for the failure to be recorded.
    for (let i = 0; i < 100; i++) {
      const res = await hub.as(operator, { method: 'GET', url: `/api/peers/${String(peerHub.id)}` });
      if (res.json<{ health: { consecutiveFailures: number } }>().health.consecutiveFailures > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Alderton watches its domain; Brookvale's warning names a host under it: a watchlist match.
    await call(admin, 'PATCH', `/api/orgs/${alderton.id}`, { domains: ['alderton.example'] });
    await call(peer, 'POST', '/api/warnings', {
      title: 'Lookalike webmail sign-in page',
      kind: 'phishing',
      severity: 'high',
      details: 'A fake sign-in page for Alderton staff.',
      indicators: [{ type: 'url', value: 'https://webmail.alderton.example/owa/auth/logon.aspx' }],
      tlp: 'green',
      audience: { kind: 'members' },
    });
    const lookup = await hub.as(analyst, { method: 'GET', url: '/api/intel/lookup?value=pay-decrypt.example' });
    expect(lookup.statusCode, lookup.body).toBe(200);
    const observableId = lookup.json<{ observableId: number }>().observableId;
    // An outside feed whose source is down: the scheduler runs it at once and records the failure.
    const feedPort = await freePort();
    const feed = await call(operator, 'POST', '/api/feeds', { name: 'Regional blocklist', kind: 'list', url: `http://127.0.0.1:${feedPort}/blocklist.txt`, options: { type: 'ip' }, tlp: 'green' });
    for (let i = 0; i < 100; i++) {
      const res = await hub.as(operator, { method: 'GET', url: `/api/feeds/${String(feed.id)}` });
      const health = res.json<{ health: { consecutiveFailures: number; running: boolean } }>().health;
      if (health.consecutiveFailures > 0 && !health.running) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // An export with two devices: one fetching, one that stopped (its last fetch moved back three days).
    const dnsExport = await call(admin, 'POST', '/api/exports', { name: 'City Hall DNS blocklist', format: 'edl-domain', options: { domainWildcards: true } });
    for (const [device, stale] of [['Unbound at the library', true], ['PA-3220 at City Hall', false]] as const) {
      const made = await call(admin, 'POST', `/api/exports/${String(dnsExport.id)}/tokens`, { name: device });
      const fetched = await hub.app.inject({ method: 'GET', url: `/exports/${String(dnsExport.id)}/list.txt`, headers: { authorization: `Bearer ${String(made.secret)}` } });
      expect(fetched.statusCode, fetched.body).toBe(200);
      if (stale) {
        const threeDaysAgo = new Date(hub.app.ctx.now().getTime() - 72 * 3_600_000).toISOString();
        await hub.app.ctx.db.updateTable('export_tokens').set({ last_fetch_at: threeDaysAgo }).where('id', '=', (made.token as { id: string }).id).execute();
      }
    }

    seed = {
      operator,
      admin,
      analyst,
      peer,
      aldertonId: alderton.id,
      groupId: group.id,
      warningId: String(first.id),
      retractedId: String(mistaken.id),
      webhookId: String((webhook.webhook as { id: string }).id),
      hookUrl: hook.url,
      inviteUrl: String(invitation.inviteUrl),
      feedId: String(feed.id),
      observableId,
      exportId: String(dnsExport.id),
      ...(await seedReport(hub, peer)),
    };
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    browserLog.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await hook.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  /** A browser of its own at this size, signed in as `who`, with axe served at /__axe.js. */
  async function openPage(viewport: Viewport, who: Who): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    contexts.push(context);
    await context.route(`${base}${axePath}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: axeSource }));
    if (who !== 'nobody') await context.addCookies([{ name: 'tocsin_session', value: seed[who].cookie, url: base }]);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => browserLog.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') browserLog.push(`console: ${message.text()}`);
    });
    return page;
  }

  for (const viewport of viewports) {
    describe(`at ${viewport.name} size (${viewport.width}×${viewport.height})`, () => {
      for (const pageCase of pages) {
        it(`${pageCase.name}: no WCAG 2.1 A/AA violations, no sideways scrolling`, async () => {
          onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
          const page = await openPage(viewport, pageCase.who);
          await page.goto(`${base}${pageCase.path(seed)}`);
          await pageCase.ready(page, { hub, seed, viewport });
          const violations = await axeViolations(page);
          expect(violations, describeViolations(`${pageCase.name} at ${viewport.name} size`, violations)).toEqual([]);
          // WCAG 1.4.10 (reflow), which axe does not check: nothing makes the page scroll sideways.
          expect(await wider(page), 'elements wider than the window').toEqual([]);
        });
      }
    });
  }

  it('axe, loaded this way under the CSP, does report violations (the check above is not vacuous)', async () => {
    const page = await openPage(viewports[0], 'nobody');
    await page.goto(`${base}/signin`);
    await settled(page, 'Sign in');
    await page.evaluate(() => {
      const form = document.querySelector('main form')!;
      form.insertAdjacentHTML('beforeend', '<input type="text" name="unlabelled"><p style="color:#bbb">Faint text</p>');
    });
    const ids = (await axeViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['color-contrast', 'label']);
  });

  it('the phone menu, open, has no WCAG 2.1 A/AA violations', async () => {
    const page = await openPage(viewports[1], 'admin');
    await page.goto(`${base}/warnings`);
    await settled(page, 'Warnings');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Directory' }).waitFor();
    const violations = await axeViolations(page);
    expect(violations, describeViolations('the open phone menu', violations)).toEqual([]);
  });

  /** What has focus: its kind and name, where it is on the page, and how its focus shows. */
  interface Focused {
    name: string;
    tag: string;
    visible: boolean;
    matchesFocusVisible: boolean;
    indicator: string;
    /** In page coordinates, so that scrolling does not change them. */
    box: { top: number; bottom: number; left: number };
    inMain: boolean;
  }

  async function focused(page: Page): Promise<Focused | null> {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const input = el as HTMLInputElement;
      const labelled = el.getAttribute('aria-labelledby');
      const name = (
        el.getAttribute('aria-label') ??
        (labelled ? document.getElementById(labelled)?.textContent : null) ??
        (input.labels && input.labels.length > 0 ? input.labels[0]!.textContent : null) ??
        el.textContent ??
        ''
      )
        .replace(/\s+/g, ' ')
        .trim();
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 1;
      const shadow = style.boxShadow !== 'none';
      const box = el.getBoundingClientRect();
      return {
        name,
        tag: el.tagName.toLowerCase() + (input.type && el.tagName === 'INPUT' ? `[${input.type}]` : ''),
        visible: box.width > 0 && box.height > 0,
        // A date-time field's calendar button is inside the field's own (closed) shadow tree:
        // the field itself then matches :focus-within but not :focus.
        matchesFocusVisible: el.matches(':focus-visible') || (!el.matches(':focus') && el.matches(':focus-within')),
        indicator: outline ? `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : shadow ? `box-shadow ${style.boxShadow}` : 'none',
        box: { top: box.top + window.scrollY, bottom: box.bottom + window.scrollY, left: box.left + window.scrollX },
        inMain: el.closest('main') !== null,
      };
    });
  }

  /**
   * Presses Tab from where focus is until `last` has focus; returns the names of what got
   * focus on the way, in order (a control focused several times running, such as the parts
   * of a date-time field, counts once). Every stop must show focus visibly, and in the main
   * content each stop must come after the one before in reading order: further down, or on
   * the same line and further right.
   */
  async function tabThrough(page: Page, last: string, maxPresses = 80): Promise<string[]> {
    const names: string[] = [];
    const problems: string[] = [];
    let previous: Focused | null = null;
    for (let i = 0; i < maxPresses; i += 1) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      if (!now) continue;
      if (!now.visible || !now.matchesFocusVisible || now.indicator === 'none') {
        problems.push(`focus not visible on ${now.tag} "${now.name}": visible=${now.visible} :focus-visible=${now.matchesFocusVisible} indicator=${now.indicator}`);
      }
      if (names.at(-1) !== now.name) {
        names.push(now.name);
        if (previous?.inMain && now.inMain) {
          const below = now.box.top >= previous.box.bottom - 4;
          const rightOnSameLine = Math.abs(now.box.top - previous.box.top) <= 8 && now.box.left > previous.box.left;
          if (!below && !rightOnSameLine) problems.push(`"${now.name}" comes after "${previous.name}" but is above or left of it`);
        }
        previous = now;
      }
      if (now.name === last) break;
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(names.at(-1), `never reached "${last}" with Tab; went through: ${names.join(' → ')}`).toBe(last);
    return names;
  }

  /** The names of the keyboard-focusable controls inside `scope`, in document order (one per radio group). */
  async function tabbableIn(page: Page, scope: string): Promise<string[]> {
    return page.evaluate((selector) => {
      const root = document.querySelector(selector)!;
      const candidates = root.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]');
      const seenRadioGroups = new Set<string>();
      const names: string[] = [];
      for (const el of Array.from(candidates)) {
        if (el.tabIndex < 0 || (el as HTMLButtonElement).disabled) continue;
        if (el.closest('[hidden], [inert]') || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        const input = el as HTMLInputElement;
        if (el.tagName === 'INPUT' && input.type === 'radio') {
          if (seenRadioGroups.has(input.name)) continue;
          seenRadioGroups.add(input.name);
          const group = Array.from(document.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${CSS.escape(input.name)}"]`)).filter((r) => !r.disabled);
          const chosen = group.find((r) => r.checked) ?? group[0]!;
          names.push((chosen.labels?.[0]?.textContent ?? '').replace(/\s+/g, ' ').trim());
          continue;
        }
        const labelled = el.getAttribute('aria-labelledby');
        const name =
          el.getAttribute('aria-label') ??
          (labelled ? document.getElementById(labelled)?.textContent : null) ??
          (input.labels && input.labels.length > 0 ? input.labels[0]!.textContent : null) ??
          el.textContent ??
          '';
        names.push(name.replace(/\s+/g, ' ').trim());
      }
      return names;
    }, scope);
  }

  for (const viewport of viewports) {
    it(`at ${viewport.name} size, Tab goes through the sign-in page and the report form in order, focus always visible`, async () => {
      onTestFailed(() => console.error(`browser log:\n  ${browserLog.join('\n  ') || '(nothing)'}`));
      const guest = await openPage(viewport, 'nobody');
      await guest.goto(`${base}/signin`);
      await settled(guest, 'Sign in');
      expect(await tabThrough(guest, 'Forgot password?')).toEqual(['Tocsin', 'Email', 'Password', 'Sign in', 'Forgot password?']);

      const analyst = await openPage(viewport, 'analyst');
      await analyst.goto(`${base}/warnings/new`);
      await settled(analyst, 'Report an attack');
      const chrome =
        viewport.name === 'phone'
          ? ['Skip to content', 'Tocsin', 'Sign out', 'Menu', 'Search intel', 'Search']
          : ['Skip to content', 'Tocsin', 'Sign out', 'Warnings', 'Watchlist', 'Phishing reports', 'Directory', 'Groups', 'Tokens', 'STIX files', 'Connect tools', 'Feeds', 'Trends', 'Reports', 'My organisation', 'Account', 'Search intel', 'Search'];
      const step1 = ['Kind', 'Severity', 'When did it start?', 'Title', 'Affected services', 'Details', 'Indicators', 'Review', 'Cancel'];
      expect(await tabThrough(analyst, 'API documentation')).toEqual([...chrome, ...step1, 'API documentation']);
      expect(await tabbableIn(analyst, 'main')).toEqual(step1);

      // Step 2: focus goes to its heading; from there Tab reaches every control in order.
      await fillReport(analyst);
      await analyst.getByRole('button', { name: 'Review' }).click();
      await analyst.getByRole('heading', { name: /Step 2 of 2/ }).waitFor();
      await expect.poll(() => analyst.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Step 2 of 2: Review and share');
      const step2 = await tabbableIn(analyst, 'main');
      expect(step2).toContain('Send warning');
      expect(step2.at(-1)).toBe('Back to edit');
      const walked = await tabThrough(analyst, 'Back to edit');
      expect(walked).toEqual(step2);
    });
  }
});
