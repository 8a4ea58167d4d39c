/**
 * Controls (pause, cancel, retry...) sent to whichever node runs an execution. A node
 * asked to act on an execution another node holds sends the request on the
 * `harmonia_controls` channel (LISTEN/NOTIFY), addressed to the lease holder, and waits
 * for its answer: done, or the error the holder's engine threw.
 */
import { randomUUID } from 'node:crypto';
import { HarmoniaError, type ErrorCode } from '../core/errors.js';
import type { EngineLogger } from '../engine/runner.js';
import type { Coordination } from '../store/postgres/coordination.js';

export const CONTROLS_CHANNEL = 'harmonia_controls';

/** What one node asks of another. */
export interface ControlRequest {
  execution_id: string;
  kind: string;
  task_id?: string;
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
 * listening connection; listens again when it drops (requests sent meanwhile time out
 * at their sender).
 */
export async function openControlChannel(
  coordination: Coordination,
  nodeId: string,
  apply: (request: ControlRequest) => Promise<void>,
  logger: EngineLogger,
): Promise<ControlChannel> {
  const waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  // Nodes of other schemas in the same database share the channel: envelopes carry theirs.
  const schema = await coordination.schema();

  const notify = (envelope: Envelope): Promise<void> => coordination.notify(CONTROLS_CHANNEL, JSON.stringify(envelope));

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

  const listener = coordination.listen(CONTROLS_CHANNEL, {
    on_payload: (payload, own) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(payload) as Envelope;
      } catch {
        return;
      }
      if (envelope.schema !== own || envelope.to !== nodeId) return;
      if (envelope.request) return answer(envelope, envelope.request);
      const waiter = waiting.get(envelope.request_id);
      if (!waiter || !envelope.reply) return;
      waiting.delete(envelope.request_id);
      if (envelope.reply.ok) waiter.resolve();
      else waiter.reject(new HarmoniaError(envelope.reply.code as ErrorCode, envelope.reply.message));
    },
    on_error: (error) => logger.warn('control channel down; retrying', { error: error.message }),
  });
  await listener.ready;

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
      for (const waiter of waiting.values()) waiter.reject(new HarmoniaError('EXEC_INVALID_STATE', 'the node is shutting down'));
      waiting.clear();
      await listener.close();
    },
  };
}
