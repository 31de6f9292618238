// Display formats shared by pages: dates, numbers, lists typed one per line.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat(undefined);

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : number.format(value);
}

/** Textarea text → trimmed, non-empty lines (commas also separate, for pasted lists). */
export function parseLines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function joinLines(values: readonly (string | number)[]): string {
  return values.join('\n');
}

/** ASNs as typed: "AS64500" or "64500". Returns the numbers, or the first bad line. */
export function parseAsns(text: string): { asns: number[] } | { bad: string } {
  const asns: number[] = [];
  for (const line of parseLines(text)) {
    const digits = line.replace(/^AS/i, '');
    if (!/^\d+$/.test(digits)) return { bad: line };
    asns.push(Number(digits));
  }
  return { asns };
}

export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** The hint under every new-password field; the server says the exact rule if it refuses. */
export const passwordHint = 'Use a long password: several unrelated words make a good one.';
