// A pump drains one kind of outbox: it runs when the bus says something happened, and on a
// timer for retries that fall due and for hints lost while away. One run at a time per
// process; several processes are kept apart by the claim query, not by the pump.
import type { Logger } from 'pino';
import type { BusMessage, EventBus } from './bus.js';

export interface Pump {
  start(): void;
  /** run soon (coalesced) */
  wake(): void;
  /** stop the timer, wait for the current run */
  stop(): Promise<void>;
}

export function createPump(opts: {
  name: string;
  bus: EventBus;
  log: Logger;
  /** process what is due; resolve to how many items were handled (0 = nothing left) */
  runOnce: () => Promise<number>;
  intervalMs: number;
  /** which bus messages wake it (default: all) */
  wakesOn?: (m: BusMessage) => boolean;
}): Pump {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  let unsubscribe: (() => void) | null = null;

  const run = async () => {
    do {
      again = false;
      try {
        // Keep going while there is work, so a burst drains without waiting for the timer.
        while (!stopped && (await opts.runOnce()) > 0) {}
      } catch (err) {
        opts.log.error({ err, pump: opts.name }, 'outbox run failed; retrying on the next tick');
      }
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = null;
    });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = opts.bus.subscribe((m) => {
        if (!opts.wakesOn || opts.wakesOn(m)) wake();
      });
      timer = setInterval(wake, opts.intervalMs);
      timer.unref();
      wake();
    },
    wake,
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
