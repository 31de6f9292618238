// The server half of the lookup benchmarks: the real app from dist/ (buildApp, default
// configuration, request logs to stdout, which the parent points at /dev/null) plus a
// hello-world route, on a store bench/intel.mjs seeded. Forked by bench/intel.mjs and driven
// over IPC; never run it by hand.
import { buildApp } from '../dist/app.js';
import { loadConfig } from '../dist/config/config.js';
import { openStore } from '../dist/store/database.js';

const { dataDir, databaseUrl } = JSON.parse(process.env.TOCSIN_BENCH_SERVER ?? '{}');
if (!dataDir || !process.send) {
  process.stderr.write('bench/intel-server.mjs is started by bench/intel.mjs\n');
  process.exit(2);
}

// An empty environment: the benchmark must not pick up TOCSIN_* settings from the shell.
const config = loadConfig({}, { dataDir, host: '127.0.0.1', port: '0', ...(databaseUrl ? { databaseUrl } : {}) });
const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize });
const app = await buildApp(config, { store });
// Same stack as every other route (hooks, helmet, metrics, auth hook with no credentials).
app.get('/bench/hello', { config: { public: true } }, async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address();

async function shutdown(code) {
  try {
    await app.close();
    await store.close();
  } finally {
    process.exit(code);
  }
}

process.on('message', (msg) => {
  if (msg.cmd === 'close') void shutdown(0);
});
process.on('disconnect', () => void shutdown(0));
process.send({ cmd: 'ready', port });
