// Schemas shared by every route file: the error body, id parameters, list envelopes.
import { Type, type SchemaOptions, type Static, type TNull, type TSchema, type TUnion, type TUnsafe } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'stable error code, see docs/ERRORS.md' }),
    message: Type.String(),
    requestId: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'Error', title: 'Error' },
);

/** 4xx and 5xx responses all share the error body. */
export const errorResponses = {
  '4xx': Type.Ref('Error'),
  '5xx': Type.Ref('Error'),
} as const;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const Timestamp = Type.String({ format: 'date-time' });

const primitiveTypes = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * T or null. A primitive becomes `type: [t, "null"]` (JSON Schema 2020-12, OpenAPI 3.1) rather
 * than an anyOf: the response serializer writes that directly, where for an anyOf it validates
 * every value against each branch to choose one, which was most of the time a 10,000-value
 * lookup answer took to serialize.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> | TUnion<[T, TNull]> {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && primitiveTypes.has(type) && !('anyOf' in schema) && !('oneOf' in schema)) {
    const enumValues = (schema as { enum?: unknown[] }).enum;
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...(enumValues ? { enum: [...enumValues, null] } : {}) });
  }
  return Type.Union([schema, Type.Null()]);
}

export const ListOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

export const NoContent = Type.Null({ description: 'No content' });

/**
 * A string from a fixed list, as a JSON-schema `enum` (not an anyOf of literals), so a wrong
 * value fails with "must be equal to one of the allowed values" and the list is reported.
 */
export const StringEnum = <T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
