// Statements PostgreSQL should keep prepared on each connection. node-postgres sends every
// query unnamed, so the server plans it anew each time: for the sharing policy's filter that
// planning took ~3 ms against ~0.3 ms to run it. The query templates (query-template.ts)
// register their SQL here; the pool's clients send registered text as a named statement,
// which each connection parses and plans once.

const names = new Map<string, string>();
/** A bound on the statements kept per connection (the templates hold at most as many shapes). */
const maxNames = 1000;

/** Have PostgreSQL connections keep this statement prepared (by its exact text). */
export function keepPrepared(sqlText: string): void {
  if (names.has(sqlText) || names.size >= maxNames) return;
  names.set(sqlText, `tocsin_t${names.size + 1}`);
}

/** The statement name for this text, when it is kept prepared. */
export function preparedName(sqlText: string): string | undefined {
  return names.get(sqlText);
}
