// Charts as CSV (RFC 4180), safe to open in a spreadsheet: a text cell that starts like a
// formula (= + - @, tab, carriage return) gets a leading quote so it is shown, never run.
export type Cell = string | number | boolean | null;

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const safe = formulaStart.test(v) ? `'${v}` : v;
  return /[",\r\n']/.test(safe) || safe !== v ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
