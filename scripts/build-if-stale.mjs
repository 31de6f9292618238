// Builds the server (tsc) and the web app (vite) when their sources are newer than the
// output, so `npm start` on a fresh clone just works and a second start is instant.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir, filter = () => true) {
  let max = 0;
  if (!existsSync(dir)) return max;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(full, filter));
    else if (filter(full)) max = Math.max(max, statSync(full).mtimeMs);
  }
  return max;
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function run(args, what) {
  process.stderr.write(`tocsin: building ${what}…\n`);
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

export function buildIfStale({ server = true, web = true } = {}) {
  const src = path.join(root, 'src');
  const webSrc = path.join(src, 'web');
  const isServerSource = (f) => !f.startsWith(webSrc + path.sep) && f.endsWith('.ts') && !f.endsWith('.test.ts');
  const configs = Math.max(mtime(path.join(root, 'tsconfig.json')), mtime(path.join(root, 'tsconfig.build.json')), mtime(path.join(root, 'package-lock.json')));
  if (server && Math.max(newest(src, isServerSource), configs) > mtime(path.join(root, 'dist/cli/bin.js'))) {
    run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'the server');
  }
  if (web && Math.max(newest(webSrc, (f) => !f.includes(`${path.sep}e2e${path.sep}`)), mtime(path.join(root, 'package-lock.json'))) > mtime(path.join(root, 'dist/web/index.html'))) {
    run([path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], 'the web app');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfStale();
