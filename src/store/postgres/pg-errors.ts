import { HarmoniaError } from '../../core/errors.js';
import type { ExecutionEvent } from '../../core/model.js';

/** The SQLSTATE of a driver error, or its Node.js code (ECONNREFUSED, ...). */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);
// Server states that mean "this connection, or the server, is going away": class 08, shutdowns,
// too many connections, a database starting up or recovering.
const SERVER_CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// pg reports a dropped socket and a pool wait timeout without a code.
const CONNECTION_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|client was closed/i;

/** True when the error says the database cannot be reached, rather than that a statement was wrong. */
export function isConnectionError(error: unknown): boolean {
  const code = pgCode(error);
  if (code !== undefined) {
    if (code.startsWith('08') || SERVER_CONNECTION_CODES.has(code) || NODE_CONNECTION_CODES.has(code)) return true;
    // Any other SQLSTATE is a statement failing on a live connection.
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/** True for unique and foreign-key violations (and the rest of SQLSTATE class 23). */
export function isConstraintError(error: unknown): boolean {
  return pgCode(error)?.startsWith('23') === true;
}

/**
 * Turns driver failures into store error codes, as the SQLite backend does: constraint
 * violations and lost races (deadlock, serialization) are STORE_CONFLICT, an unreachable
 * database is STORE_UNAVAILABLE. HarmoniaErrors and anything else pass through unchanged.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof HarmoniaError) return error;
  const code = pgCode(error);
  if (isConstraintError(error)) {
    const constraint = (error as { constraint?: unknown }).constraint;
    const name = typeof constraint === 'string' ? ` '${constraint}'` : '';
    return new HarmoniaError('STORE_CONFLICT', `write conflicts with a stored row (constraint${name}, sqlstate ${code})`, {
      cause: error,
    });
  }
  if (code === '40P01' || code === '40001') {
    return new HarmoniaError('STORE_CONFLICT', `write lost a race with another transaction (sqlstate ${code}); retry`, {
      cause: error,
    });
  }
  if (isConnectionError(error)) {
    const reason = code ?? ((error as { message?: unknown }).message as string | undefined) ?? 'unknown';
    return new HarmoniaError('STORE_UNAVAILABLE', `the postgres database is unreachable (${String(reason).toLowerCase()}); retry`, {
      cause: error,
    });
  }
  return error;
}

// "Key (execution_id, seq)=(abc, 3) already exists.
const DUPLICATE_KEY = /=\((.*), (\d+)\)/;

/** The STORE_CONFLICT for events appended to an execution that does not exist. */
export function missingExecution(executionId: string, cause?: unknown): HarmoniaError {
  return new HarmoniaError('STORE_CONFLICT', `cannot append events to execution '${executionId}'; it does not exist`, { cause });
}

/** The STORE_CONFLICT for a failed append: which event collided, or which execution is missing. */
export function appendConflict(error: unknown, events: readonly ExecutionEvent[]): HarmoniaError {
  const code = pgCode(error);
  if (code === '23503') return missingExecution([...new Set(events.map((event) => event.execution_id))].join("', '"), error);
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? DUPLICATE_KEY.exec(detail) : null;
  const first = events[0] as ExecutionEvent;
  const executionId = match?.[1] ?? first.execution_id;
  const seq = match?.[2] === undefined ? first.seq : Number(match[2]);
  return new HarmoniaError(
    'STORE_CONFLICT',
    `event ${seq} of execution '${executionId}' already exists; another writer extended this history`,
    { cause: error, details: { execution_id: executionId, seq } },
  );
}
