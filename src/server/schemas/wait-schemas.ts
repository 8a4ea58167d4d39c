/** JSON Schemas of signals and approvals (/executions/{id}/signals, /approvals), merged into the request and response tables. */

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const executionStatus = { enum: ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'] } as const;

export const WAIT_REQUEST_SCHEMAS: Record<string, object> = {
  SignalPayload: {
    type: 'object',
    description: 'Any JSON object: it becomes the output of the core.signal task that takes the signal.',
    maxProperties: 1000,
  },
  ApprovalRequest: {
    type: 'object',
    description: 'A decision on a task waiting in core.approval.',
    properties: { decision: { enum: ['approve', 'reject'] }, comment: { type: 'string', maxLength: 2000 } },
    required: ['decision'],
    additionalProperties: false,
  },
};

const waitProperties = {
  execution_id: str,
  task_id: str,
  kind: { enum: ['sleep', 'signal', 'approval'] },
  attempt: int,
  waiting_since: nullableStr,
  deadline: { ...nullableStr, description: 'When the wait ends on its own: a sleep completes, a signal wait fails TIMEOUT, an approval EXPIRED.' },
  signal: str,
  scope: str,
  approvers: { type: ['array', 'null'], items: str },
  message: nullableStr,
};

export const WAIT_RESPONSE_SCHEMAS: Record<string, object> = {
  WaitView: { type: 'object', properties: waitProperties, required: ['execution_id', 'task_id', 'kind', 'attempt', 'deadline'] },
  ExecutionWaits: {
    type: 'object',
    properties: {
      execution_id: str,
      status: executionStatus,
      waits: { type: 'array', items: ref('WaitView') },
      buffered_signals: {
        type: 'array',
        description: 'Signals received that no core.signal task has taken yet (the next one to wait for the name takes the oldest).',
        items: { type: 'object', properties: { name: str, received_at: str, sent_by: nullableStr }, required: ['name', 'received_at'] },
      },
    },
    required: ['execution_id', 'status', 'waits', 'buffered_signals'],
  },
  PendingApproval: {
    type: 'object',
    properties: { ...waitProperties, workflow_ref: str },
    required: ['execution_id', 'task_id', 'kind', 'attempt', 'deadline', 'workflow_ref', 'scope'],
  },
  PendingApprovalList: {
    type: 'object',
    properties: { items: { type: 'array', items: ref('PendingApproval') }, total: int, limit: int, offset: int },
    required: ['items', 'total', 'limit', 'offset'],
  },
  SignalResult: { type: 'object', properties: { execution_id: str, status: executionStatus, signal: str }, required: ['execution_id', 'status', 'signal'] },
  ApprovalResult: {
    type: 'object',
    properties: { execution_id: str, status: executionStatus, task_id: str, decision: { enum: ['approve', 'reject'] }, by: str },
    required: ['execution_id', 'status', 'task_id', 'decision', 'by'],
  },
};
