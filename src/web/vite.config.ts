// Vite build of the web app: src/web → dist/web, served by the hub at '/'.
// `npm run build:web` uses this file; `vite --config src/web/vite.config.ts` runs a dev
// server that forwards /api to a hub on TOCSIN_DEV_API (default http://localhost:8080).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Resolved from this file, not from process.cwd(), so the build works from any folder.
const root = new URL('.', import.meta.url).pathname;
const outDir = new URL('../../dist/web', import.meta.url).pathname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // Static files (favicon) live in src/web/public and are copied as they are.
  publicDir: new URL('./public', import.meta.url).pathname,
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
