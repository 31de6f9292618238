// Hot read paths (a SIEM's single lookups, hundreds a second) run the same few query shapes
// over and over. Kysely builds an immutable tree and compiles it to SQL on every run: with the
// sharing policy's filter that is ~100 µs, more than SQLite takes to answer. A template builds
// each shape once, with placeholders where the values go, keeps the SQL, and binds the values
// of each call (on PostgreSQL as a named statement, planned once per connection: see
// prepared.ts). The query is still written with the builder, so it keeps its types and the one
// sharing policy; only the repetition is saved.
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { dialectOf, isPostgres } from './dialect.js';
import { keepPrepared } from './prepared.js';

/** What a template value may be: a scalar bound as one parameter, or a list (an IN list). */
export type TemplateValue = string | number | null | readonly (string | number)[];

/** Stands in for a value while the shape is built; any attempt to read it as text fails the build. */
class Slot {
  constructor(
    readonly key: string,
    readonly index: number,
  ) {}
  toString(): never {
    throw new Error(`query template: "${this.key}" was used while building the query instead of being passed to it as a value`);
  }
  valueOf(): never {
    return this.toString();
  }
  [Symbol.toPrimitive](): never {
    return this.toString();
  }
}

interface Shape {
  sql: string;
  /** per parameter: the value's key and list index (-1 for a scalar), or a constant of the shape */
  params: Array<{ key: string; index: number } | { constant: unknown }>;
}

const maxShapes = 1000;
const shapes = new Map<string, Shape>();

/**
 * Run `build(values)` as a query, building and compiling it only the first time this shape is
 * seen. The shape is `name` plus, for each value, whether it is null and how long a list is:
 * `build` must not branch on anything else (put any other choice it makes into `name`), and
 * must pass values to the builder, never compute with them (that throws).
 */
export async function runTemplate<R, V extends Record<string, TemplateValue>>(db: Kysely<any>, name: string, values: V, build: (values: V) => Compilable<R>): Promise<R[]> {
  const keys = Object.keys(values).sort();
  let key = `${dialectOf(db)}|${name}`;
  for (const k of keys) {
    const v = values[k];
    key += `|${k}:${v === null ? 'null' : Array.isArray(v) ? v.length : 'v'}`;
  }
  let shape = shapes.get(key);
  if (!shape) {
    shape = compileShape(values, keys, build);
    if (isPostgres(db)) keepPrepared(shape.sql);
    if (shapes.size >= maxShapes) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, shape);
  }
  const params = shape.params.map((p) => {
    if ('constant' in p) return p.constant;
    const v = values[p.key] as TemplateValue;
    return p.index < 0 ? v : (v as readonly unknown[])[p.index];
  });
  const result = await db.executeQuery<R>(CompiledQuery.raw(shape.sql, params));
  return result.rows;
}

function compileShape<V extends Record<string, TemplateValue>>(values: V, keys: string[], build: (values: V) => Compilable<unknown>): Shape {
  const slotted: Record<string, unknown> = {};
  for (const k of keys) {
    const v = values[k];
    slotted[k] = v === null ? null : Array.isArray(v) ? v.map((_, i) => new Slot(k, i)) : new Slot(k, -1);
  }
  const compiled = build(slotted as V).compile();
  return {
    sql: compiled.sql,
    params: compiled.parameters.map((p) => (p instanceof Slot ? { key: p.key, index: p.index } : { constant: p })),
  };
}

/** For tests: how many shapes are held. */
export function templateShapeCount(): number {
  return shapes.size;
}
