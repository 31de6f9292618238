// Vite build of the web app: src/web → dist/web, served by the hub at '/'.
// `npm run build:web` uses this file; `vite --config src/web/vite.config.ts` runs a dev
// server that forwards /api to a hub on http://localhost:8080.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file, not from process.cwd(), so the build works from any folder.
const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const root = fromHere('.');
const outDir = fromHere('../../dist/web');

// Vite reads the config from the default export: the one default export in src/web.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // Static files (favicon) live in src/web/public and are copied as they are.
  publicDir: fromHere('./public'),
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    // The CSP forbids inline scripts; never inline the module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
