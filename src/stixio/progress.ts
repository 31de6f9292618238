// The one-line progress of an import, as the CLI redraws it on a terminal.
import type { ImportProgress } from './import.service.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "12 MB of 250 MB (5%) · 12000 objects · 11950 imported · 50 failed"; total null when unknown (stdin). */
export function progressLine(p: ImportProgress, total: number | null): string {
  const read = total ? `${formatBytes(p.bytes)} of ${formatBytes(total)} (${Math.min(100, Math.floor((p.bytes / total) * 100))}%)` : `${formatBytes(p.bytes)} read`;
  return `${read} · ${p.objects} objects · ${p.successes} imported · ${p.failures} failed`;
}
