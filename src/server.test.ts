// The hub as a real process: first start prints the operator's one-time password, it
// answers /readyz, and SIGTERM shuts it down cleanly. Plus the two start-up failures an
// operator will meet: a port already taken, and a database that does not answer.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { webRootFor } from './app.js';
import { runCli } from './cli/main.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tocsin-server-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('tocsin serve', () => {
  it('starts, creates the first operator once, is ready, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir();
    const start = () =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const waitReady = (child: ReturnType<typeof start>) =>
      new Promise<{ url: string; output: string }>((resolve, reject) => {
        let output = '';
        child.stdout!.on('data', (d: Buffer) => {
          output += d.toString();
          const m = /listening on (http:\/\/[^\s,]+)/.exec(output);
          if (m) resolve({ url: m[1]!, output });
        });
        child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });

    const first = start();
    const { url, output } = await waitReady(first);
    expect(output).toMatch(/email:\s+operator@localhost/);
    const password = /password: (\S+)/.exec(output)![1]!;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'sqlite' });
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'operator@localhost', password }) });
    expect(login.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    first.kill('SIGTERM');
    expect(await exited).toBe(0);

    // Second start on the same data: no new operator, no password printed.
    const second = start();
    const again = await waitReady(second);
    expect(again.output).not.toContain('password:');
    const exited2 = new Promise<number | null>((resolve) => second.on('exit', resolve));
    second.kill('SIGTERM');
    expect(await exited2).toBe(0);
  });

  it('says clearly that the port is taken, and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const c = capture();
      const code = await runCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', tempDir(), '--log-level', 'silent'], c.io, {});
      expect(code).toBe(1);
      expect(c.err.join('\n')).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('says clearly that the database is unreachable, and exits non-zero', async () => {
    const c = capture();
    const code = await runCli(['serve', '--port', '0', '--log-level', 'silent', '--data-dir', tempDir()], c.io, { TOCSIN_DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/tocsin' });
    expect(code).toBe(1);
    const message = c.err.join('\n');
    expect(message).toContain('Cannot open the database at postgres://postgres:***@127.0.0.1:1/tocsin');
    expect(message).not.toContain(':pw@');
  });
});

describe('the built program (what `npm start` runs)', () => {
  it('finds the web app next to itself, or in dist/web when run from the sources', () => {
    expect(webRootFor(path.join(root, 'dist'))).toBe(path.join(root, 'dist', 'web'));
    expect(webRootFor(path.join(root, 'src'))).toBe(path.join(root, 'dist', 'web'));
  });

  const built = existsSync(path.join(root, 'dist/cli/bin.js')) && existsSync(path.join(root, 'dist/web/index.html'));
  if (!built && process.env.CI !== 'true') console.warn('\n!! dist/ is not built: skipping the test of the built program (npm test builds it).\n');
  it.runIf(built || process.env.CI === 'true')('serves the sign-in page and its assets from dist/', async () => {
    const child = spawn(process.execPath, ['bin/tocsin.js', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(), '--log-level', 'warn'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout!.on('data', (d: Buffer) => {
          output += d.toString();
          const m = /listening on (http:\/\/[^\s,]+)/.exec(output);
          if (m) resolve(m[1]!);
        });
        child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      for (const page of ['/', '/signin', '/warnings/new']) {
        const res = await fetch(`${url}${page}`);
        expect(res.status, page).toBe(200);
        const html = await res.text();
        expect(html).toContain('<div id="root">');
        expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
        const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
        expect(script, 'the page loads the built bundle').toBeTruthy();
        expect((await fetch(`${url}${script}`)).status).toBe(200);
      }
      expect((await fetch(`${url}/api/me`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
