// Running the hub: open the store, build the app, listen, and shut down cleanly on
// SIGINT/SIGTERM. Clear messages (and a non-zero exit) when the port is taken or the
// database cannot be reached.
import { buildApp, createLogger, type App } from './app.js';
import type { Config } from './config/config.js';
import { cliActor } from './orgs/actor.js';
import { ensureFirstOperator } from './orgs/users.service.js';
import { MailboxListenError } from './phishing/mailbox.js';
import { openStore, StoreUnavailableError } from './store/database.js';

export class StartupError extends Error {}

export interface RunningServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { onFirstOperator?: (email: string, password: string) => void; demo?: (app: App) => Promise<void> } = {}): Promise<RunningServer> {
  const log = createLogger(config);
  let store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPoolSize: config.pgPoolSize });
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new StartupError(`${err.message}\nCheck TOCSIN_DATABASE_URL (or the data folder) and that the database server is running.`);
    throw err;
  }
  const app = await buildApp(config, { store, logger: log });
  app.addHook('onClose', async () => store.close());

  const first = await ensureFirstOperator(app.ctx, cliActor());
  if (first) opts.onFirstOperator?.(first.email, first.password);
  if (opts.demo) await opts.demo(app);

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    if (err instanceof MailboxListenError) throw new StartupError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StartupError(`Port ${config.port} on ${config.host} is already in use. Stop the other program or choose another port with --port or TOCSIN_PORT.`);
    if (code === 'EACCES') throw new StartupError(`Not allowed to listen on port ${config.port}; choose a port above 1024 with --port or TOCSIN_PORT.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new StartupError(`Cannot listen on host ${config.host}: no such local address. Check --host or TOCSIN_HOST.`);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return { app, url, close: () => app.close() };
}

/** Stop accepting connections, finish in-flight requests, close the store; force-exit after a grace period. */
export function installShutdown(server: RunningServer, graceMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      server.app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
