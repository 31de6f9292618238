// Recognising what a failed write broke, in either dialect (PostgreSQL SQLSTATE or
// better-sqlite3 code), so a race between two requests becomes a 409, not a 500.

export function constraintViolation(err: unknown): 'unique' | 'foreign_key' | 'bad_text' | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
  // PostgreSQL refuses NUL and invalid UTF-8 in text.
  if (code === '22021' || code === '22P05') return 'bad_text';
  return null;
}
