import { HarmoniaError } from '../../core/errors.js';

/** The driver's code of a better-sqlite3 error (SQLITE_CONSTRAINT_UNIQUE, SQLITE_BUSY, ...). */
function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** True for unique, primary-key, foreign-key and check violations. */
export function isConstraintError(error: unknown): boolean {
  return sqliteCode(error)?.startsWith('SQLITE_CONSTRAINT') === true;
}

/**
 * Turns driver failures into store error codes, as the PostgreSQL backend does
 * (pg-errors.ts): constraint violations are STORE_CONFLICT, a database another process
 * holds locked is STORE_UNAVAILABLE. HarmoniaErrors and anything else pass through.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof HarmoniaError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  if (isConstraintError(error)) {
    return new HarmoniaError('STORE_CONFLICT', `write conflicts with a stored row (${code.toLowerCase()})`, { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new HarmoniaError('STORE_UNAVAILABLE', 'the database is locked by another process; retry', { cause: error });
  }
  return error;
}
