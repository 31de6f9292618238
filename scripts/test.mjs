// `npm test`: type-check, build the web app if stale (the browser tests need it), then run
// the whole suite (server on SQLite and PostgreSQL, then the Chromium end-to-end tests).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

function step(args, label) {
  process.stderr.write(`\n== ${label}\n`);
  const r = spawnSync(node, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

step([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], 'type-check (server)');
if (existsSync(path.join(root, 'src/web/tsconfig.json'))) {
  step([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'src/web/tsconfig.json', '--noEmit'], 'type-check (web app)');
  step([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'src/web/tsconfig.node.json', '--noEmit'], 'type-check (web build and browser tests)');
  // The tests include the built program itself (what `npm start` runs), so build both.
  buildIfStale({ server: true, web: true });
}
step([path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], 'tests');
