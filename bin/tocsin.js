#!/usr/bin/env node
// The `tocsin` command. Runs the built program in dist/; `npm start` or `npm run build` builds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('tocsin is not built yet: run `npm run build` (or `npm start`, which builds it) first.\n');
  process.exit(2);
}
await import(entry.href);
