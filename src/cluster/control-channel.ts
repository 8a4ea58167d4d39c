/**
 * Controls (pause, cancel, retry...) sent to whichever node runs an execution. A node
 * asked to act on an execution another node holds sends the request on the
 * `harmonia_controls` channel (LISTEN/NOTIFY), addressed to the lease holder, and waits
 * for its answer: done, or the error the holder's engine threw.
 */
import { randomUUID } from 'node:crypto';
import type { Notification, Pool, PoolClient } from 'pg';
import { HarmoniaError, type ErrorCode } from '../core/errors.js';
import type { EngineLogger } from '../engine/runner.js';
import { toStoreError } from '../store/postgres/pg-errors.js';

export const CONTROLS_CHANNEL = 'harmonia_controls';
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;

/** What one node asks of another. */
export interface ControlRequest {
  execution_id: string;
  kind: string;
  task_id?: string;
  /** What a signal or an approval decision carries. */
  data?: Record<string, unknown>;
}

interface Envelope {
  schema: string;
  to: string;
  from: string;
  request_id: string;
  request?: ControlRequest;
  reply?: { ok: true } | { ok: false; code: string; message: string };
}

export interface ControlChannel {
  /** Sends `request` to node `to`; resolves when it was applied there, rejects with its error or after `timeoutMs`. */
  send(to: string, request: ControlRequest, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens for controls addressed to `nodeId` and runs them with `apply`. Holds one
 * connection of `pool`; re-listens with backoff when it drops (requests sent meanwhile
 * time out at their sender).
 */
export async function openControlChannel(
  pool: Pool,
  nodeId: string,
  apply: (request: ControlRequest) => Promise<void>,
  logger: EngineLogger,
): Promise<ControlChannel> {
  const [found] = (await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema').catch((error: unknown) => {
    throw toStoreError(error);
  })).rows;
  const schema = found?.schema ?? 'public';
  const waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  let client: PoolClient | null = null;
  let detach: (() => void) | null = null;
  let closing = false;
  let retry: NodeJS.Timeout | null = null;

  const notify = async (envelope: Envelope): Promise<void> => {
    await pool.query('SELECT pg_notify($1, $2)', [CONTROLS_CHANNEL, JSON.stringify(envelope)]).catch((error: unknown) => {
      throw toStoreError(error);
    });
  };

  const answer = (envelope: Envelope, request: ControlRequest): void => {
    void apply(request)
      .then(
        (): Envelope['reply'] => ({ ok: true }),
        (error: unknown): Envelope['reply'] => {
          const code = error instanceof HarmoniaError ? error.code : 'INTERNAL';
          return { ok: false, code, message: error instanceof Error ? error.message : String(error) };
        },
      )
      .then((reply) => notify({ schema, to: envelope.from, from: nodeId, request_id: envelope.request_id, reply }))
      .catch((error: unknown) => logger.warn('could not answer a control', { execution_id: request.execution_id, error: String(error) }));
  };

  const onNotification = (message: Notification): void => {
    if (message.channel !== CONTROLS_CHANNEL) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message.payload ?? '') as Envelope;
    } catch {
      return;
    }
    if (envelope.schema !== schema || envelope.to !== nodeId) return;
    if (envelope.request) return answer(envelope, envelope.request);
    const waiter = waiting.get(envelope.request_id);
    if (!waiter || !envelope.reply) return;
    waiting.delete(envelope.request_id);
    if (envelope.reply.ok) waiter.resolve();
    else waiter.reject(new HarmoniaError(envelope.reply.code as ErrorCode, envelope.reply.message));
  };

  const listen = async (): Promise<void> => {
    const next = await pool.connect();
    const off = (): void => {
      next.removeListener('notification', onNotification);
      next.removeListener('error', lost);
      next.removeListener('end', ended);
    };
    const lost = (error?: Error): void => {
      off();
      if (client === next) client = null;
      next.release(error ?? new Error('control channel connection ended'));
      if (!closing) reconnect(0);
    };
    const ended = (): void => lost();
    next.on('notification', onNotification);
    next.on('error', lost);
    next.on('end', ended);
    try {
      await next.query(`LISTEN ${CONTROLS_CHANNEL}`);
    } catch (error) {
      off();
      next.release(error instanceof Error ? error : true);
      throw error;
    }
    client = next;
    detach = off;
  };

  const reconnect = (attempt: number): void => {
    retry = setTimeout(() => {
      retry = null;
      if (closing) return;
      listen().catch((error: unknown) => {
        logger.warn('control channel down; retrying', { error: String(error) });
        if (!closing) reconnect(attempt + 1);
      });
    }, Math.min(RECONNECT_FIRST_MS * 2 ** attempt, RECONNECT_MAX_MS));
    retry.unref();
  };

  try {
    await listen();
  } catch (error) {
    throw toStoreError(error);
  }

  return {
    async send(to, request, timeoutMs) {
      const requestId = randomUUID();
      const answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(requestId);
          reject(
            new HarmoniaError('TIMEOUT', `node '${to}' running execution '${request.execution_id}' did not answer the ${request.kind} within ${timeoutMs} ms; if it stopped, its lease runs out soon: try again then`, {
              details: { execution_id: request.execution_id, node_id: to },
            }),
          );
        }, timeoutMs);
        waiting.set(requestId, {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
      });
      // The answer may come back before pg_notify's own reply: handled now, awaited below.
      answered.catch(() => undefined);
      try {
        await notify({ schema, to, from: nodeId, request_id: requestId, request });
      } catch (error) {
        waiting.get(requestId)?.resolve();
        waiting.delete(requestId);
        throw error;
      }
      return answered;
    },
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      for (const waiter of waiting.values()) waiter.reject(new HarmoniaError('EXEC_INVALID_STATE', 'the node is shutting down'));
      waiting.clear();
      const held = client;
      client = null;
      if (!held) return;
      detach?.();
      const ignore = (): void => undefined;
      held.on('error', ignore);
      const failed = await held.query(`UNLISTEN ${CONTROLS_CHANNEL}`).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      held.removeListener('error', ignore);
      held.release(failed);
    },
  };
}
