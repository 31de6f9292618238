// A fixed-window counter per key, in memory: enough to stop one sender or one address from
// flooding the mailbox. Per process, like the HTTP rate limit; keys are hashed by the caller
// when they are personal (sender addresses).
export interface RateLimiter {
  /** count one event for `key`; false when the key is over its limit for this window */
  take(key: string): boolean;
  size(): number;
}

export function createRateLimiter(opts: { max: number; windowMs: number; now?: () => number; maxKeys?: number }): RateLimiter {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sweep = (t: number) => {
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
  };
  return {
    take(key) {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        // Bounded memory: expired windows go first; past the cap, refuse new keys rather than grow.
        if (windows.size >= maxKeys) sweep(t);
        if (windows.size >= maxKeys) return false;
        w = { count: 0, resetAt: t + opts.windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count <= opts.max;
    },
    size: () => windows.size,
  };
}
