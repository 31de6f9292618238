// The event bus wakes deliverers after a commit. It carries hints only (an event id, or
// "sharing changed"); consumers then read the store, so a lost or duplicated hint costs
// nothing but latency. One process: in memory. PostgreSQL: LISTEN/NOTIFY, so every
// `tocsin serve` process sharing the database wakes, whichever one wrote.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';

export type BusMessage = { kind: 'event'; id: number } | { kind: 'sharing' } | { kind: 'auth' } | { kind: 'wake' };

export interface EventBus {
  publish(message: BusMessage): Promise<void>;
  subscribe(listener: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

const channel = 'tocsin_bus';

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(message) {
      // Asynchronous like NOTIFY: the publisher's own transaction has finished first.
      setImmediate(() => emitter.emit('message', message));
    },
    subscribe(listener) {
      emitter.on('message', listener);
      return () => emitter.off('message', listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export async function createPostgresBus(url: string, log: Logger): Promise<EventBus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  publisher.on('error', () => {});
  let listener: pg.Client | null = null;
  let closed = false;
  let retryMs = 250;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (n) => {
      if (n.channel !== channel || !n.payload) return;
      try {
        emitter.emit('message', JSON.parse(n.payload) as BusMessage);
      } catch {
        log.warn({ payload: n.payload.slice(0, 100) }, 'ignoring malformed bus message');
      }
    });
    client.on('error', (err) => {
      log.warn({ err }, 'event bus connection lost; reconnecting');
      reconnect(client);
    });
    client.on('end', () => reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    listener = client;
    retryMs = 250;
    // Anything published while we were away is in the store: let consumers catch up.
    emitter.emit('message', { kind: 'wake' } satisfies BusMessage);
  };

  const reconnect = (client: pg.Client) => {
    if (closed || listener !== client) return;
    listener = null;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    scheduleConnect();
  };

  const scheduleConnect = () => {
    const delay = retryMs;
    retryMs = Math.min(retryMs * 2, 10_000);
    setTimeout(() => {
      if (closed) return;
      connect().catch((err: unknown) => {
        log.warn({ err }, 'event bus reconnect failed; retrying');
        scheduleConnect();
      });
    }, delay).unref();
  };

  await connect();
  return {
    async publish(message) {
      await publisher.query('select pg_notify($1, $2)', [channel, JSON.stringify(message)]);
    },
    subscribe(fn) {
      emitter.on('message', fn);
      return () => emitter.off('message', fn);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      const l = listener;
      listener = null;
      await l?.end().catch(() => {});
      await publisher.end().catch(() => {});
    },
  };
}

/** The bus for a store: LISTEN/NOTIFY when the store is PostgreSQL, in memory otherwise. */
export async function createBus(databaseUrl: string | undefined, log: Logger): Promise<EventBus> {
  return databaseUrl ? createPostgresBus(databaseUrl, log) : createMemoryBus();
}
