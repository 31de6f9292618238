import { describe, expect, it } from 'vitest';
import { formatBytes, progressLine } from './progress.js';

describe('import progress line', () => {
  it('shows bytes of the total with a percentage, and the counts', () => {
    const p = { bytes: 5 * 1024 * 1024, objects: 12000, successes: 11950, failures: 50, batches: 12 };
    expect(progressLine(p, 250 * 1024 * 1024)).toBe('5.0 MB of 250 MB (2%) · 12000 objects · 11950 imported · 50 failed');
    expect(progressLine(p, null)).toBe('5.0 MB read · 12000 objects · 11950 imported · 50 failed');
    expect(progressLine({ ...p, bytes: 10 }, 10)).toMatch(/^10 B of 10 B \(100%\)/);
  });

  it('formats sizes a person reads at a glance', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(formatBytes(5000 * 1024 ** 3)).toBe('5000 GB');
  });
});
