/**
 * Signals and approval decisions: delivered to the runner driving an execution (or, in a
 * cluster, forwarded to the node that does), recorded as events, and the waits read back.
 */
import { HarmoniaError } from '../core/errors.js';
import type { ApprovalResult, Approver, ExecutionWaits, PendingApproval, PendingApprovalList, SignalResult, WaitView } from '../core/wait-wire.js';
import { invalidState } from './control-rules.js';
import type { EngineContext } from './engine-context.js';
import { getExecutionRecord } from './execution-record.js';
import type { RunnerFactory } from './runner-factory.js';
import type { ExecutionRunner } from './runner.js';
import { isTerminalExecution, type ExecutionState } from './state.js';
import { SIGNAL_NAME, type WaitSpec } from './wait-spec.js';

/** The engine's side of signals and approvals (the Engine methods of the same names). */
export interface ExecutionWaitsApi {
  /**
   * Records a signal in the execution's history; the oldest task waiting for that name takes
   * it (now or when one starts waiting). Thrown when the execution is unknown (EXEC_NOT_FOUND),
   * queued or finished (EXEC_INVALID_STATE), or the name or payload is bad (REQUEST_INVALID).
   */
  signal(id: string, name: string, payload: Record<string, unknown>, sentBy: string | null): Promise<SignalResult>;
  /**
   * Approves or rejects a task waiting in core.approval. Thrown when the task is not waiting
   * for a decision (EXEC_INVALID_STATE, USAGE_INVALID for no such task) or the approver lacks
   * the scope or is not listed (AUTH_FORBIDDEN).
   */
  decideApproval(id: string, taskId: string, decision: 'approve' | 'reject', approver: Approver, comment: string | null): Promise<ApprovalResult>;
  /** What the execution's tasks wait for now. Thrown when unknown (EXEC_NOT_FOUND). */
  getWaits(id: string): Promise<ExecutionWaits>;
  /** Tasks waiting in core.approval across unfinished executions, oldest wait first, a page of them. */
  listPendingApprovals(page: { limit: number; offset: number }): Promise<PendingApprovalList>;
}

/** The waits of a state, as the API shows them. */
export function waitViews(executionId: string, state: ExecutionState): WaitView[] {
  return state.waiting.flatMap((taskId) => {
    const task = state.tasks[taskId];
    const wait: WaitSpec | undefined = task?.wait;
    if (!task || !wait) return [];
    const view: WaitView = {
      execution_id: executionId,
      task_id: taskId,
      kind: wait.kind,
      attempt: task.attempt,
      waiting_since: task.started_ms === null ? null : new Date(task.started_ms).toISOString(),
      deadline: wait.deadline_ms === null ? null : new Date(wait.deadline_ms).toISOString(),
    };
    if (wait.kind === 'signal') view.signal = wait.name;
    if (wait.kind === 'approval') {
      view.scope = wait.scope;
      view.approvers = wait.approvers;
      view.message = wait.message;
    }
    return [view];
  });
}

/** Thrown (AUTH_FORBIDDEN) when the approver may not decide this wait. */
export function checkApprover(wait: Extract<WaitSpec, { kind: 'approval' }>, approver: Approver, taskId: string): void {
  const scopes = approver.scopes;
  if (!scopes.includes('admin') && !scopes.includes(wait.scope)) {
    throw new HarmoniaError('AUTH_FORBIDDEN', `token '${approver.id}' has scopes [${scopes.join(', ')}]; approving task '${taskId}' needs '${wait.scope}'`, {
      details: { required_scope: wait.scope, task_id: taskId },
    });
  }
  if (wait.approvers !== null && ![approver.id, ...approver.names].some((name) => wait.approvers?.includes(name))) {
    throw new HarmoniaError('AUTH_FORBIDDEN', `token '${approver.id}' is not one of the approvers of task '${taskId}' (${wait.approvers.join(', ')})`, {
      details: { task_id: taskId, approvers: wait.approvers },
    });
  }
}

/** Creates signal delivery, approval decisions and wait reads over the engine's runners. */
export function createExecutionWaits(ctx: EngineContext, runnerFactory: RunnerFactory): ExecutionWaitsApi {
  const { clock, ownership, runners } = ctx;

  /** The runner driving `id` here, or null once the request went to the node that drives it. */
  async function driving(id: string, verb: string, data: Record<string, unknown>, kind: 'signal' | 'approval', taskId?: string): Promise<ExecutionRunner | null> {
    const runner = runners.get(id);
    if (runner) {
      if (isTerminalExecution(runner.state.status)) throw invalidState(id, runner.state.status, verb, 'it has finished');
      return runner;
    }
    const record = await getExecutionRecord(ctx, id);
    if (record.status === 'pending') throw invalidState(id, 'queued', verb, 'it has not started yet; send it once it runs');
    if (isTerminalExecution(record.status)) throw invalidState(id, record.status, verb, 'it has finished');
    if (ownership?.forward) {
      await ownership.forward(id, kind, taskId, data);
      return null;
    }
    throw invalidState(id, record.status, verb, 'this engine does not run it');
  }

  return {
    async signal(id, name, payload, sentBy) {
      if (!SIGNAL_NAME.test(name)) throw new HarmoniaError('REQUEST_INVALID', `signal name '${name.slice(0, 140)}' must be 1-128 letters, digits or _ . : -`);
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new HarmoniaError('REQUEST_INVALID', 'a signal payload must be a JSON object (it becomes the task output)');
      }
      const bytes = Buffer.byteLength(JSON.stringify(payload));
      if (bytes > ctx.config.limits.max_task_output_bytes) {
        throw new HarmoniaError('REQUEST_INVALID', `the signal payload is ${bytes} bytes; the limit is ${ctx.config.limits.max_task_output_bytes} (max_task_output_bytes)`);
      }
      const runner = await driving(id, `send signal '${name}' to`, { name, payload, sent_by: sentBy }, 'signal');
      if (runner) await runner.process({ kind: 'signal', at: clock.now(), name, payload, sent_by: sentBy });
      const record = await getExecutionRecord(ctx, id);
      return { execution_id: id, status: record.status, signal: name };
    },
    async decideApproval(id, taskId, decision, approver, comment) {
      const data = { decision, approver, comment };
      const runner = await driving(id, `decide task '${taskId}' of`, data, 'approval', taskId);
      if (runner) {
        const task = runner.state.tasks[taskId];
        if (!task) throw new HarmoniaError('USAGE_INVALID', `execution '${id}' has no task '${taskId}'`, { details: { task_id: taskId } });
        const wait = task.wait;
        if (task.status !== 'waiting' || wait?.kind !== 'approval') {
          throw invalidState(id, runner.state.status, `decide task '${taskId}' (${task.status}) of`, 'only a task waiting in core.approval takes a decision');
        }
        checkApprover(wait, approver, taskId);
        await runner.process({ kind: 'approval', at: clock.now(), task_id: taskId, decision, by: approver.id, comment });
      }
      const record = await getExecutionRecord(ctx, id);
      return { execution_id: id, status: record.status, task_id: taskId, decision, by: approver.id };
    },
    async getWaits(id) {
      const { state, record } = await runnerFactory.read(id);
      return {
        execution_id: id,
        status: record.status,
        waits: waitViews(id, state),
        buffered_signals: state.signals.map((s) => ({ name: s.name, received_at: s.received_at, sent_by: s.sent_by })),
      };
    },
    async listPendingApprovals({ limit, offset }) {
      // Every unfinished execution's state, folded once and cached: no index of waits is kept,
      // so the cost grows with the executions in flight, not with history.
      const unfinished = await ctx.store.executions.listUnfinished();
      const items: PendingApproval[] = [];
      for (const record of unfinished) {
        if (record.status !== 'running' && record.status !== 'paused') continue;
        const { state } = await runnerFactory.read(record.id).catch(() => ({ state: null }));
        if (!state) continue;
        for (const view of waitViews(record.id, state)) {
          if (view.kind === 'approval') items.push({ ...view, kind: 'approval', workflow_ref: record.workflow_ref });
        }
      }
      items.sort((a, b) => (a.waiting_since ?? '').localeCompare(b.waiting_since ?? '') || a.execution_id.localeCompare(b.execution_id));
      return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
    },
  };
}
