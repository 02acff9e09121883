import { stdSerializers } from 'pino';

/**
 * Properties of database errors that repeat the statement and its bound values (TypeORM's
 * QueryFailedError copies `query` and `parameters`; its `driverError` may hold them again, and
 * PostgreSQL's `detail` repeats a conflicting key's value). Values can be password hashes,
 * code hashes or tokens: a log line never carries them, whichever service logged the error.
 */
const DROPPED = new Set(['parameters', 'query', 'detail', 'where', 'sql']);
const MAX_DEPTH = 4;

function scrub(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!DROPPED.has(key)) result[key] = scrub(inner, depth + 1);
  }
  return result;
}

/** pino's standard error serializer (type, message, stack, cause), minus query text and values. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return scrub(err, 0);
  return scrub(stdSerializers.err(err), 0);
}
