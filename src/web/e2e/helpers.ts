// Shared by the browser tests: Chromium, the web app built once, and the real receivers the
// hub talks to (an SMTP server, webhook endpoints and a raw reader of the live stream), all on
// loopback. Nothing here fakes the hub: it is the real app, listening on a real port.
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';

const here = path.dirname(fileURLToPath(import.meta.url));

export const chromiumPath = process.env.TOCSIN_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Whether the browser tests can run; without Chromium they are skipped, except with CI=true. */
export const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  const why = `Chromium not found at ${chromiumPath} (set TOCSIN_CHROMIUM, or apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`${why}. With CI=true the browser tests are mandatory.`);
  console.warn(`\n!! ${why}: SKIPPING the browser tests.\n`);
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The web app, built once into a temporary folder so the test never touches dist/. */
export async function buildWebApp(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'tocsin-web-'));
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would make a development build (React's dev runtime).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(here, '..', 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

export async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Mail {
  /** the SMTP envelope's recipients (RCPT TO), not the headers */
  to: string[];
  raw: string;
}

export interface Mailbox {
  port: number;
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

/** A real SMTP server on a free loopback port that keeps every message it accepts. */
export async function startMailbox(): Promise<Mailbox> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A mail body with quoted-printable soft line breaks and escapes undone. */
export function decodeQp(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  type: string | undefined;
  warningId: string | undefined;
  title: string | undefined;
}

/** A webhook endpoint on a free loopback port that records every POST it gets (anything at all). */
export class Receiver {
  readonly received: Delivery[] = [];
  url = '';
  private readonly server: Server;

  constructor() {
    this.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let parsed: { type?: string; data?: { warning?: { id?: string; title?: string } } } = {};
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          // kept as it came: an unparseable delivery still counts as one
        }
        this.received.push({ headers: req.headers, body, type: parsed.type, warningId: parsed.data?.warning?.id, title: parsed.data?.warning?.title });
        res.writeHead(204).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface StreamFrame {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * GET /api/stream with a session cookie, outside the browser: every frame that arrives, raw
 * and parsed (comments such as keep-alives are left out of `frames`).
 */
export interface StreamTap {
  raw: string;
  frames: StreamFrame[];
  close(): void;
}

export async function tapStream(base: string, sessionCookie: string): Promise<StreamTap> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/stream`, { headers: { cookie: `tocsin_session=${sessionCookie}`, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`stream answered ${response.status}`);
  const tap: StreamTap = { raw: '', frames: [], close: () => controller.abort() };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        tap.raw += value;
        pending += value;
        let cut: number;
        while ((cut = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          const frame: StreamFrame = { event: 'message', id: undefined, data: '' };
          let hasField = false;
          for (const line of block.split('\n')) {
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (!m) continue;
            hasField = true;
            if (m[1] === 'event') frame.event = m[2]!;
            else if (m[1] === 'id') frame.id = m[2]!;
            else frame.data += (frame.data ? '\n' : '') + m[2]!;
          }
          if (hasField) tap.frames.push(frame);
        }
      }
    } catch {
      // aborted by close(), or the hub went away
    }
  })();
  await until('the stream to say it is connected', () => (tap.raw.includes(': connected') ? true : undefined));
  return tap;
}

/**
 * A new browser context signed in as `email` through the sign-in page. Page errors (and with
 * `responses`, answers of 400 and above other than the session probe) go to `log`, which the
 * tests print when they fail; with `dismissDialogs`, confirm dialogs are noted and dismissed.
 */
export async function signedInPage(
  browser: Browser,
  base: string,
  email: string,
  password: string,
  log: string[],
  opts: { responses?: boolean; dismissDialogs?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  if (opts.dismissDialogs) {
    page.on('dialog', (dialog) => {
      log.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }
  if (opts.responses !== false) {
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/api/me') log.push(`${response.status()} ${response.url()}`);
    });
  }
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}
