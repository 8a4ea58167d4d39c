/** Signals and approvals: /executions/{id}/signals/{name}, /executions/{id}/approvals/{task}, /executions/{id}/waits, /approvals. */
import type { ApprovalRequest, Approver } from '../../core/wait-wire.js';
import type { Principal } from '../auth.js';
import { defineRoutes } from '../route.js';
import { pageOf } from './paging.js';

const notFound = { description: 'No such execution.', schema: 'Error' };

/** The decider as the engine checks it: the token's id, its label, its scopes. */
function approverOf(principal: Principal): Approver {
  return { id: principal.id, names: principal.label === undefined ? [] : [principal.label], scopes: [...principal.scopes] };
}

/** The signal and approval routes. */
export function waitRoutes() {
  return defineRoutes([
    {
      method: 'POST',
      path: '/executions/:id/signals/:name',
      base: 'api',
      scope: 'write',
      tag: 'executions',
      summary:
        'Send a signal: recorded in the history at once; the oldest core.signal task waiting for the name takes it (its output is the payload), now or when one starts waiting.',
      body: { types: ['json'], schema: 'SignalPayload', required: false },
      responses: {
        202: { description: 'Recorded.', schema: 'SignalResult' },
        400: { description: 'A bad name, or a payload that is not an object or is too large (REQUEST_INVALID).', schema: 'Error' },
        404: notFound,
        409: { description: 'The execution is queued or has finished (EXEC_INVALID_STATE).', schema: 'Error' },
      },
      handler: async (request, services) => {
        const payload = (request.body ?? {}) as Record<string, unknown>;
        const result = await services.engine.signal(request.params.id ?? '', request.params.name ?? '', payload, request.principal.id);
        return { status: 202, body: result };
      },
    },
    {
      method: 'POST',
      path: '/executions/:id/approvals/:task',
      base: 'api',
      scope: 'approve',
      tag: 'approvals',
      summary:
        "Approve or reject a task waiting in core.approval. The token needs the task's scope (approve by default; admin always passes) and, when the task lists approvers, must be one of them (its id or label).",
      body: { types: ['json'], schema: 'ApprovalRequest', required: true },
      responses: {
        200: { description: 'Decided: the task completed (approve) or failed with REJECTED (reject).', schema: 'ApprovalResult' },
        400: { description: 'The execution has no such task (USAGE_INVALID), or the body is invalid.', schema: 'Error' },
        403: { description: 'The token lacks the scope or is not a listed approver (AUTH_FORBIDDEN).', schema: 'Error' },
        404: notFound,
        409: { description: 'The task is not waiting for a decision (EXEC_INVALID_STATE).', schema: 'Error' },
      },
      handler: async (request, services) => {
        const body = request.body as ApprovalRequest;
        const result = await services.engine.decideApproval(request.params.id ?? '', request.params.task ?? '', body.decision, approverOf(request.principal), body.comment ?? null);
        return { body: result };
      },
    },
    {
      method: 'GET',
      path: '/executions/:id/waits',
      base: 'api',
      scope: 'read',
      tag: 'executions',
      summary: "What the execution's tasks wait for now (sleep, signal, approval, with deadlines), and signals received that no task has taken yet.",
      responses: { 200: { description: 'The waits.', schema: 'ExecutionWaits' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.engine.getWaits(request.params.id ?? '') }),
    },
    {
      method: 'GET',
      path: '/approvals',
      base: 'api',
      scope: 'approve',
      tag: 'approvals',
      summary: 'Pending approvals: tasks waiting in core.approval across running and paused executions, oldest first.',
      query: [
        { name: 'limit', type: 'integer', description: 'At most this many (1-1000). @default 50' },
        { name: 'offset', type: 'integer', description: 'Skip this many. @default 0' },
      ],
      responses: { 200: { description: 'A page of pending approvals.', schema: 'PendingApprovalList' } },
      handler: async (request, services) => ({ body: await services.engine.listPendingApprovals(pageOf(request.query)) }),
    },
  ]);
}
