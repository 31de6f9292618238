// A clock for tests that moves only when told: expiry, lockout and TOTP are tested by
// moving it, never by sleeping. Pass `now` to createTestHub's build options.
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;

export function createClock(start = '2026-03-02T09:00:00.000Z'): TestClock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
  };
}
