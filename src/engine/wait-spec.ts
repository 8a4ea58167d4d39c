/**
 * Durable waits: what a `core.sleep` (with `until` or `duration`), `core.signal` or
 * `core.approval` task waits for, worked out once from its rendered input when it starts
 * waiting and recorded in its `task_waiting` event. Pure: the time comes from the caller.
 *
 * Terminology: a *wait* is a task in status `waiting`; its *deadline* is when it ends on
 * its own (a sleep completes, a signal wait fails TIMEOUT, an approval fails EXPIRED).
 */
import { parseInstant, SIGNAL_NAME, type ApprovalScope, type WaitSpec } from '../core/wait-wire.js';
import { parseDuration } from '../triggers/duration.js';

/** The scopes an approval may require; `approve` is the dedicated one (admin passes every check). */
export const APPROVAL_SCOPES: readonly ApprovalScope[] = ['approve', 'write', 'admin'];
export type { ApprovalScope, WaitSpec };
export { parseInstant, SIGNAL_NAME };


export type WaitSpecResult = { ok: true; spec: WaitSpec } | { ok: false; message: string };

/** The actions the engine carries out as durable waits rather than through a handler. */
export const WAIT_ACTIONS: ReadonlySet<string> = new Set(['core.signal', 'core.approval']);

/** True when a task with this action and (literal or rendered) input is a durable wait. */
export function isWaitTask(action: string, input: Record<string, unknown> | undefined): boolean {
  if (WAIT_ACTIONS.has(action)) return true;
  // `ms` alone keeps core.sleep the short in-process sleep it always was.
  return action === 'core.sleep' && (input?.until !== undefined || input?.duration !== undefined);
}

function durationOf(value: unknown, key: string): { ok: true; ms: number | null } | { ok: false; message: string } {
  if (value === undefined || value === null) return { ok: true, ms: null };
  const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : null;
  if (ms === null) return { ok: false, message: `'${key}' must be a duration (30s, 5m, 2h, 3d, or seconds as a number); got ${JSON.stringify(value)}` };
  return { ok: true, ms };
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function sleepSpec(input: Record<string, unknown>, at: number): WaitSpecResult {
  if (input.until !== undefined && input.duration !== undefined) return { ok: false, message: "give one of 'until' and 'duration', not both" };
  if (input.until !== undefined) {
    const until = parseInstant(input.until);
    if (until === null) return { ok: false, message: `'until' must be an ISO-8601 time with a zone, like 2026-12-05T10:00:00Z; got ${JSON.stringify(input.until)}` };
    return { ok: true, spec: { kind: 'sleep', deadline_ms: until } };
  }
  const duration = durationOf(input.duration, 'duration');
  if (!duration.ok) return duration;
  return { ok: true, spec: { kind: 'sleep', deadline_ms: at + (duration.ms ?? 0) } };
}

function signalSpec(input: Record<string, unknown>, at: number, taskTimeoutMs: number | undefined): WaitSpecResult {
  const name = input.name;
  if (typeof name !== 'string' || !SIGNAL_NAME.test(name)) {
    return { ok: false, message: `'name' must be 1-128 letters, digits or _ . : -; got ${JSON.stringify(name)}` };
  }
  const timeout = durationOf(input.timeout, 'timeout');
  if (!timeout.ok) return timeout;
  const deadline = earliest(timeout.ms === null ? null : at + timeout.ms, taskTimeoutMs === undefined ? null : at + taskTimeoutMs);
  return { ok: true, spec: { kind: 'signal', name, deadline_ms: deadline } };
}

function approvalSpec(input: Record<string, unknown>, at: number, taskTimeoutMs: number | undefined): WaitSpecResult {
  const scope = input.scope ?? 'approve';
  if (typeof scope !== 'string' || !(APPROVAL_SCOPES as readonly string[]).includes(scope)) {
    return { ok: false, message: `'scope' must be one of ${APPROVAL_SCOPES.join(', ')}; got ${JSON.stringify(scope)}` };
  }
  let approvers: string[] | null = null;
  if (input.approvers !== undefined && input.approvers !== null) {
    const list = input.approvers;
    if (!Array.isArray(list) || list.length === 0 || !list.every((name) => typeof name === 'string' && name !== '')) {
      return { ok: false, message: `'approvers' must be a non-empty list of token names; got ${JSON.stringify(list)}` };
    }
    approvers = list as string[];
  }
  const onReject = input.on_reject ?? 'fail';
  if (onReject !== 'fail' && onReject !== 'complete') return { ok: false, message: `'on_reject' must be fail or complete; got ${JSON.stringify(onReject)}` };
  if (input.expires_in !== undefined && input.expiration_hours !== undefined) return { ok: false, message: "give one of 'expires_in' and 'expiration_hours', not both" };
  let expiry: number | null = null;
  if (input.expiration_hours !== undefined && input.expiration_hours !== null) {
    const hours = input.expiration_hours;
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0) return { ok: false, message: `'expiration_hours' must be a number > 0; got ${JSON.stringify(hours)}` };
    expiry = Math.round(hours * 3_600_000);
  } else {
    const expires = durationOf(input.expires_in, 'expires_in');
    if (!expires.ok) return expires;
    expiry = expires.ms;
  }
  const message = typeof input.message === 'string' ? input.message : null;
  const deadline = earliest(expiry === null ? null : at + expiry, taskTimeoutMs === undefined ? null : at + taskTimeoutMs);
  return { ok: true, spec: { kind: 'approval', scope: scope as ApprovalScope, approvers, message, on_reject: onReject, deadline_ms: deadline } };
}

/**
 * The wait a task starts at `at` with its rendered input, or why the input is unusable.
 * `taskTimeoutMs` (the task's own timeout_ms) bounds signal and approval waits too.
 */
export function waitSpecOf(action: string, input: Record<string, unknown>, at: number, taskTimeoutMs?: number): WaitSpecResult {
  switch (action) {
    case 'core.signal':
      return signalSpec(input, at, taskTimeoutMs);
    case 'core.approval':
      return approvalSpec(input, at, taskTimeoutMs);
    default:
      return sleepSpec(input, at);
  }
}
