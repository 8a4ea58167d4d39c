/**
 * Starting executions, with an optional Idempotency-Key: the same key (per caller) names
 * the same execution, so a retried request finds the execution the first one started on
 * any node and after any restart, never a second one.
 */
import { createHash } from 'node:crypto';
import { HarmoniaError, isHarmoniaError } from '../core/errors.js';
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ExecutionRecord } from '../core/model.js';
import type { ExecutionView, StartExecutionRequest } from '../core/wire.js';
import type { Engine } from '../engine/engine-api.js';
import { canonicalJson } from '../packs/content-hash.js';
import type { Store } from '../store/store.js';
import { executionView } from './views.js';

/** What a start needs from the engine. */
export type ExecutionStarter = Pick<Engine, 'startExecution' | 'readEvents'>;

export interface StartOptions {
  /** 1–255 printable ASCII characters. */
  idempotencyKey?: string;
  /** Whose key it is (the token's principal): two callers never share an execution through a key. @default 'anonymous' */
  caller?: string;
}

/** A start's answer and whether an earlier request with the key made it (the route's 200 instead of 201). */
export interface ExecutionStarted {
  execution: ExecutionView;
  replayed: boolean;
}

export type ExecutionStartUseCases = Pick<HarmoniaApi, 'executeWorkflow'> & {
  /** executeWorkflow, telling whether the execution was started by an earlier request with the key. */
  startExecution(request: StartExecutionRequest, options?: StartOptions): Promise<ExecutionStarted>;
};

/**
 * The execution id an Idempotency-Key stands for: a hash of the caller and the key.
 * Thrown when the key is not 1–255 printable ASCII characters: REQUEST_INVALID.
 */
export function idempotentExecutionId(caller: string, key: string): string {
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HarmoniaError('REQUEST_INVALID', 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces', { details: { field: 'Idempotency-Key' } });
  }
  const hex = createHash('sha256').update(`${caller}\0${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The request as the key remembers it: the workflow as named and the input as given. */
function fingerprintOf(request: StartExecutionRequest): string {
  const named = request.workflow_id !== undefined ? { workflow_id: request.workflow_id } : { workflow_ref: request.workflow_ref ?? null };
  return createHash('sha256').update(canonicalJson({ ...named, input: request.input ?? {} })).digest('hex');
}

function sameWorkflow(earlier: ExecutionRecord, request: StartExecutionRequest): boolean {
  return request.workflow_id !== undefined ? earlier.workflow_id === request.workflow_id : earlier.workflow_ref === request.workflow_ref;
}

/** Creates the start use-case over the engine that runs executions. */
export function createExecutionStartUseCases(store: Store, engine: ExecutionStarter): ExecutionStartUseCases {
  /** The earlier execution of a key, when it was started by the same request. Thrown otherwise: IDEMPOTENCY_KEY_REUSED. */
  async function sameRequest(earlier: ExecutionRecord, request: StartExecutionRequest, fingerprint: string, key: string): Promise<ExecutionStarted> {
    // The first request's commit may still be syncing: answer for it only once it is durable.
    await store.durable?.();
    const [started] = await engine.readEvents(earlier.id, 0, 1);
    const recorded = started?.event_type === 'workflow_started' ? started.data.request_fingerprint : undefined;
    // No fingerprint yet (still queued, or started before they were recorded): the workflow as named decides.
    const same = recorded !== undefined ? recorded === fingerprint : sameWorkflow(earlier, request);
    if (same) return { execution: executionView(earlier), replayed: true };
    throw new HarmoniaError(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency-Key '${key}' already started execution '${earlier.id}' of workflow '${earlier.workflow_ref}' with another request; use a new key for a new request`,
      { details: { execution_id: earlier.id } },
    );
  }
  const startExecution: ExecutionStartUseCases['startExecution'] = async (request, options = {}) => {
    const key = options.idempotencyKey;
    const id = key === undefined ? undefined : idempotentExecutionId(options.caller ?? 'anonymous', key);
    // Only a key's later requests compare it: a canonical JSON and a SHA-256 of every start otherwise.
    const fingerprint = key === undefined ? '' : fingerprintOf(request);
    if (id !== undefined && key !== undefined) {
      const earlier = await store.executions.getExecution(id);
      if (earlier) return sameRequest(earlier, request, fingerprint, key);
    }
    try {
      const record = await engine.startExecution({
        ...(request.workflow_id !== undefined ? { workflow_id: request.workflow_id } : {}),
        ...(request.workflow_ref !== undefined ? { workflow_ref: request.workflow_ref } : {}),
        input: request.input ?? {},
        ...(id !== undefined ? { id, request_fingerprint: fingerprint } : {}),
      });
      return { execution: executionView(record), replayed: false };
    } catch (error) {
      // Two requests with one key at once (on one node or two): the loser finds the winner's execution.
      const earlier = id !== undefined && key !== undefined && isHarmoniaError(error) && error.code === 'STORE_CONFLICT' ? await store.executions.getExecution(id) : null;
      if (!earlier || key === undefined) throw error;
      return sameRequest(earlier, request, fingerprint, key);
    }
  };
  return {
    startExecution,
    executeWorkflow: async (request, options = {}) => (await startExecution(request, options)).execution,
  };
}
