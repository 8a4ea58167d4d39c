/**
 * `fold(plan, state, event)`: applies one event to an execution's state, in place,
 * and returns it. The caller owns the state (the runner keeps one per execution;
 * tests build their own). No I/O, no clock: time is read from the event.
 */
import type { ExecutionEvent, RestoredTask } from '../core/events.js';
import type { TaskDef, TriggerRule } from '../core/model.js';
import { triggerRuleOf, type Plan } from './plan.js';
import {
  initialState,
  isDormant,
  isTerminalTask,
  newTask,
  newUnit,
  type ExecutionState,
  type TaskState,
  type UnitState,
  type WorkRef,
} from './state.js';
import { WorkQueue } from './work-queue.js';

function sync(state: ExecutionState, id: string): void {
  // No view yet: the one built when an expression first needs it reads the tasks as they are then.
  if (state.view === null) return;
  const task = state.tasks[id];
  const view = state.view[id];
  if (!task || !view) return;
  view.status = task.status;
  view.output = task.output;
  view.error = task.error;
}

function removeRef(state: ExecutionState, taskId: string, item?: number): void {
  const ready = state.ready;
  // Units start in queue order, so the one leaving is nearly always first.
  const first = ready.at(0);
  if (first !== undefined && first.task === taskId && first.item === item) {
    ready.removeAt(0);
    return;
  }
  ready.removeAt(ready.findIndex((ref) => ref.task === taskId && ref.item === item));
}

function isSuccess(task: TaskState): boolean {
  return task.status === 'completed' || (task.status === 'skipped' && task.skip_reason === 'manual');
}

function enqueue(state: ExecutionState, id: string): void {
  const task = state.tasks[id];
  if (task) enqueueTask(state, id, task);
}

function enqueueTask(state: ExecutionState, id: string, task: TaskState): void {
  if (task.queued || task.status !== 'pending') return;
  task.queued = true;
  // An operator's skip of a task that was not ready takes effect now that it would run.
  if (task.skip_requested) state.to_skip.push(id);
  else state.ready.push({ task: id });
}

function markSkip(state: ExecutionState, id: string, task: TaskState): void {
  if (task.queued || task.status !== 'pending') return;
  task.queued = true;
  // Skipped because of its upstream: that reason wins over an operator's pending skip.
  task.skip_requested = false;
  state.to_skip.push(id);
}

/** Applies a task's trigger rule to its upstream counters: ready, skip, or wait. */
function classify(plan: Plan, state: ExecutionState, id: string): void {
  const task = state.tasks[id];
  if (!task || task.queued || task.status !== 'pending' || plan.handlers[id]) return;
  classifyBy(triggerRuleOf(plan.tasks[id]), state, id, task);
}

/** classify() for a pending, unqueued task that is no handler, its rule and state in hand. */
function classifyBy(rule: TriggerRule, state: ExecutionState, id: string, task: TaskState): void {
  switch (rule) {
    case 'all_success':
      if (task.up_failed + task.up_skipped > 0) markSkip(state, id, task);
      else if (task.up_open === 0) enqueueTask(state, id, task);
      return;
    case 'none_failed':
      if (task.up_failed > 0) markSkip(state, id, task);
      else if (task.up_open === 0) enqueueTask(state, id, task);
      return;
    case 'one_success':
      if (task.up_success > 0) enqueueTask(state, id, task);
      else if (task.up_open === 0) markSkip(state, id, task);
      return;
    case 'all_done':
      if (task.up_open === 0) enqueueTask(state, id, task);
      return;
  }
}

/** Which upstream counter a task in this state moves. */
type Outcome = 'open' | 'success' | 'skipped' | 'failed';

function outcomeOf(upstream: TaskState | undefined): Outcome {
  if (!upstream || !isTerminalTask(upstream.status)) return 'open';
  if (isSuccess(upstream)) return 'success';
  return upstream.status === 'skipped' ? 'skipped' : 'failed';
}

function countOutcome(target: TaskState, outcome: Outcome, delta: number): void {
  if (outcome === 'open') target.up_open += delta;
  else if (outcome === 'success') target.up_success += delta;
  else if (outcome === 'skipped') target.up_skipped += delta;
  else target.up_failed += delta;
}

function countUpstream(target: TaskState, upstream: TaskState | undefined, delta: number): void {
  countOutcome(target, outcomeOf(upstream), delta);
}

/**
 * The task states of a state's tasks record by plan index, built once per record: a
 * finished task reaches its dependants by index, not by a lookup of each id in a dictionary
 * of thousands (a layered DAG's task has a hundred dependants). Kept beside the record, not
 * in the state, so snapshots and copies of the state are as before; a record's entries are
 * never replaced (resets assign into them), so the array cannot go stale.
 */
const statesByIndex = new WeakMap<Record<string, TaskState>, Array<TaskState | undefined>>();

function tasksByIndex(plan: Plan, tasks: Record<string, TaskState>): Array<TaskState | undefined> {
  let states = statesByIndex.get(tasks);
  if (states === undefined || states.length !== plan.order.length) {
    const order = plan.order;
    states = new Array<TaskState | undefined>(order.length);
    for (let index = 0; index < order.length; index += 1) states[index] = tasks[order[index] as string];
    statesByIndex.set(tasks, states);
  }
  return states;
}

function onTerminal(plan: Plan, state: ExecutionState, id: string): void {
  const task = state.tasks[id];
  const position = plan.index.get(id);
  if (!task || position === undefined) return;
  const from = plan.dependants_from[position] as number;
  const end = plan.dependants_from[position + 1] as number;
  if (from === end) return;
  const states = tasksByIndex(plan, state.tasks);
  const dependants = plan.dependants;
  const defs = plan.defs;
  // The same for every dependant: worked out once, not once per dependant.
  const outcome = outcomeOf(task);
  for (let at = from; at < end; at += 1) {
    const index = dependants[at] as number;
    const dependant = states[index];
    if (!dependant) continue;
    dependant.up_open -= 1;
    countOutcome(dependant, outcome, 1);
    // Dependants are never handlers (buildPlan leaves them out): classify() less its lookups.
    if (!dependant.queued && dependant.status === 'pending') {
      const def = defs[index] as TaskDef;
      classifyBy(triggerRuleOf(def), state, def.id, dependant);
    }
  }
}

/** Recomputes counters and queues from task statuses (start, restore, retry, rerun). */
export function recomputeQueues(plan: Plan, state: ExecutionState): void {
  state.ready = new WorkQueue();
  state.to_skip = [];
  state.finishing = [];
  state.running = 0;
  // At an execution's start every task is pending, so every upstream is open: counted without
  // a lookup per edge (a layered DAG has hundreds of edges per task).
  let allPending = true;
  for (const id of plan.order) {
    if (state.tasks[id]?.status !== 'pending') {
      allPending = false;
      break;
    }
  }
  if (allPending) {
    recomputeFresh(plan, state);
    return;
  }
  state.waiting = plan.order.filter((id) => state.tasks[id]?.status === 'waiting');
  for (const id of plan.order) {
    const task = state.tasks[id] as TaskState;
    task.queued = false;
    task.up_open = task.up_success = task.up_failed = task.up_skipped = 0;
    const upstreams = plan.tasks[id]?.depends_on;
    if (upstreams === undefined) continue;
    for (const upstream of upstreams) countUpstream(task, state.tasks[upstream], 1);
  }
  for (const id of plan.order) {
    const task = state.tasks[id] as TaskState;
    if (task.status !== 'pending') continue;
    if (plan.handlers[id]) {
      if (task.triggered) enqueue(state, id);
    } else classify(plan, state, id);
  }
}

/**
 * recomputeQueues() for a start, every task pending: each upstream is open, so a task's
 * counters need no lookup per edge, and as a task's trigger rule reads only its own
 * counters, one pass sets and classifies each task (three passes over the ids did, with
 * several dictionary lookups each: 10,000 tasks at every start of the wide benchmark).
 */
function recomputeFresh(plan: Plan, state: ExecutionState): void {
  state.waiting = [];
  const order = plan.order;
  const tasks = state.tasks;
  for (let index = 0; index < order.length; index += 1) {
    const id = order[index] as string;
    const task = tasks[id] as TaskState;
    const def = plan.tasks[id];
    task.queued = false;
    task.up_success = task.up_failed = task.up_skipped = 0;
    task.up_open = def?.depends_on === undefined ? 0 : def.depends_on.length;
    if (plan.handlers[id]) {
      if (task.triggered) enqueueTask(state, id, task);
    } else classifyBy(triggerRuleOf(def), state, id, task);
  }
}

function resetTask(task: TaskState): void {
  const attempt = task.attempt;
  Object.assign(task, newTask(), { attempt, attempt_base: attempt, duration_ms: task.duration_ms });
  task.first_started_at = null;
  delete task.wait;
}

/** The unit of an event of `task` (applyEvent's own lookup of it: another would be a dictionary lookup per event). */
function unitIn(task: TaskState, item: unknown): UnitState | undefined {
  if (typeof item === 'number') return task.items?.[item];
  return task;
}

function finishUnit(unit: UnitState, at: number, iso: string): void {
  if (unit.status === 'running' || unit.status === 'waiting') {
    if (unit.started_ms !== null) unit.duration_ms += Math.max(0, at - unit.started_ms);
  }
  unit.finished_at = iso;
  unit.not_before = null;
}

function cancelOpenUnits(state: ExecutionState, at: number, iso: string): void {
  for (const task of Object.values(state.tasks)) {
    for (const item of task.items ?? []) {
      if (!isTerminalTask(item.status)) {
        finishUnit(item, at, iso);
        item.status = 'canceled';
      }
    }
    if (!isTerminalTask(task.status)) {
      finishUnit(task, at, iso);
      task.status = 'canceled';
    }
  }
  state.ready = new WorkQueue();
  state.to_skip = [];
  state.finishing = [];
  state.running = 0;
  state.waiting = [];
  state.view = null;
}

/**
 * Applies one event to the state (in place) and returns it. `at` is the event's timestamp
 * in ms when the caller already has it (the runner's step), saving a Date.parse per event.
 */
export function fold(plan: Plan, state: ExecutionState, event: ExecutionEvent, at: number = Date.parse(event.timestamp)): ExecutionState {
  applyEvent(plan, state, event, at);
  // Dormancy is read off the history, so every replay (a restart, another node) agrees on it.
  const dormant = isDormant(state);
  if (dormant && state.dormant_since === null) state.dormant_since = at;
  else if (!dormant && state.dormant_since !== null) {
    state.dormant_ms += Math.max(0, at - state.dormant_since);
    state.dormant_since = null;
  }
  return state;
}

function applyEvent(plan: Plan, state: ExecutionState, event: ExecutionEvent, at: number): ExecutionState {
  const iso = event.timestamp;
  state.last_seq = event.seq;
  const taskId = event.task_id;
  const task = taskId === undefined ? undefined : state.tasks[taskId];
  switch (event.event_type) {
    case 'workflow_started': {
      state.status = 'running';
      state.input = event.data.input ?? {};
      state.started_at = iso;
      state.started_ms = at;
      // The view mirrors the tasks already (initialState built it): only restored tasks change.
      applySnapshotTasks(state, event.data.snapshot);
      recomputeQueues(plan, state);
      return state;
    }
    case 'task_started': {
      if (!task || taskId === undefined) return state;
      const data = event.data;
      if (Array.isArray(data.items)) {
        task.status = 'running';
        task.attempt = Math.max(task.attempt, Number(data.attempt ?? 1));
        task.first_started_at ??= iso;
        task.started_ms = at;
        task.item_values = data.items;
        task.items = data.items.map(() => newUnit());
        task.items_running = 0;
        task.items_done = 0;
        removeRef(state, taskId);
        data.items.forEach((_value, index) => state.ready.push({ task: taskId, item: index }));
        sync(state, taskId);
        return state;
      }
      const item = data.item_index;
      const unit = unitIn(task, item);
      if (!unit) return state;
      removeRef(state, taskId, item);
      unit.status = 'running';
      unit.attempt = Number(data.attempt ?? unit.attempt + 1);
      unit.started_ms = at;
      unit.first_started_at ??= iso;
      unit.not_before = null;
      state.running += 1;
      if (item !== undefined) task.items_running += 1;
      else sync(state, taskId);
      return state;
    }
    case 'task_waiting': {
      if (!task || taskId === undefined) return state;
      removeRef(state, taskId);
      task.status = 'waiting';
      task.attempt = event.data.attempt;
      task.started_ms = at;
      task.first_started_at ??= iso;
      task.not_before = null;
      task.wait = event.data.wait;
      if (!state.waiting.includes(taskId)) state.waiting.push(taskId);
      sync(state, taskId);
      return state;
    }
    case 'signal_received':
      state.signals.push({
        seq: event.seq,
        name: event.data.name,
        payload: event.data.payload,
        received_at: iso,
        sent_by: event.data.sent_by,
      });
      return state;
    case 'approval_decided':
      return state;
    case 'task_completed':
    case 'task_failed': {
      if (!task || taskId === undefined) return state;
      const item = event.data.item_index;
      const unit = unitIn(task, item);
      if (!unit) return state;
      const failed = event.event_type === 'task_failed';
      // Only a unit that never started can still be queued (task_started and task_waiting
      // take it off): looking for a running one would walk the whole ready queue per event.
      const queued = unit.status !== 'running' && unit.status !== 'waiting';
      if (unit.status === 'waiting' && item === undefined) {
        state.waiting = state.waiting.filter((id) => id !== taskId);
        delete task.wait;
      }
      const taken = event.event_type === 'task_completed' ? event.data.signal_seq : undefined;
      if (taken !== undefined) {
        state.signals = state.signals.filter((signal) => signal.seq !== taken);
      }
      // a fan-out task is not a unit of its own: only its items count as running
      if (unit.status === 'running' && !(item === undefined && task.items)) {
        state.running -= 1;
        if (item !== undefined) task.items_running -= 1;
      }
      if (item === undefined && task.items) {
        // the fan-out itself ends: items still running are abandoned
        for (const other of task.items) {
          if (other.status === 'running') {
            state.running -= 1;
            finishUnit(other, at, iso);
            other.status = 'canceled';
          } else if (!isTerminalTask(other.status)) other.status = 'canceled';
        }
        task.items_running = 0;
        state.ready.retain((ref) => ref.task !== taskId);
        state.finishing = state.finishing.filter((id) => id !== taskId);
      }
      finishUnit(unit, at, iso);
      if (typeof event.data.attempt === 'number' && event.data.attempt > unit.attempt) unit.attempt = event.data.attempt;
      unit.status = failed ? (event.data.canceled === true ? 'canceled' : 'failed') : 'completed';
      unit.output = failed ? null : (event.data.output ?? null);
      unit.error = failed ? (event.data.error ?? null) : null;
      // A task can end without having started (an empty fan-out, a failed condition): it
      // leaves the ready queue either way, or settle would pick it again.
      if (queued) removeRef(state, taskId, item);
      if (item !== undefined) {
        task.items_done += 1;
        const failFast = (plan.tasks[taskId]?.on_item_failure ?? 'fail_fast') === 'fail_fast';
        const done = task.items_done === (task.items?.length ?? 0);
        if ((done || (failed && failFast)) && !state.finishing.includes(taskId)) state.finishing.push(taskId);
        return state;
      }
      if (failed) {
        task.handled_by = typeof event.data.handled_by === 'string' ? event.data.handled_by : null;
        state.failures.push(taskId);
        const handler = task.handled_by === null ? undefined : state.tasks[task.handled_by];
        if (handler && task.handled_by !== null) {
          handler.triggered = true;
          enqueue(state, task.handled_by);
        }
      }
      sync(state, taskId);
      onTerminal(plan, state, taskId);
      return state;
    }
    case 'task_skipped': {
      if (!task || taskId === undefined) return state;
      removeRef(state, taskId);
      state.to_skip = state.to_skip.filter((id) => id !== taskId);
      if (isTerminalTask(task.status)) return state;
      task.status = 'skipped';
      task.skip_reason = typeof event.data.reason === 'string' ? event.data.reason : 'upstream';
      task.finished_at = iso;
      sync(state, taskId);
      onTerminal(plan, state, taskId);
      return state;
    }
    case 'retry_attempted': {
      if (!task || taskId === undefined) return state;
      const data = event.data;
      const item = data.item_index;
      const unit = unitIn(task, item);
      if (!unit) return state;
      if (unit.status === 'running') {
        state.running -= 1;
        if (item !== undefined) task.items_running -= 1;
        if (unit.started_ms !== null) unit.duration_ms += Math.max(0, at - unit.started_ms);
      }
      unit.status = 'pending';
      if (data.interrupted === true) unit.interruptions = (unit.interruptions ?? 0) + 1;
      unit.error = data.error ?? null;
      unit.not_before = typeof data.at_ms === 'number' ? data.at_ms : at;
      const ref: WorkRef = { task: taskId, not_before: unit.not_before };
      if (item !== undefined) ref.item = item;
      state.ready.push(ref);
      if (item === undefined) sync(state, taskId);
      return state;
    }
    case 'workflow_completed':
      state.status = 'completed';
      state.output = event.data.output ?? {};
      state.finished_at = iso;
      return state;
    case 'workflow_failed':
      state.status = 'failed';
      state.error = event.data.error ?? null;
      state.finished_at = iso;
      cancelOpenUnits(state, at, iso);
      return state;
    case 'workflow_canceled':
      state.status = 'canceled';
      state.finished_at = iso;
      state.canceling = false;
      cancelOpenUnits(state, at, iso);
      return state;
    case 'workflow_paused':
      state.status = 'paused';
      state.paused_by = typeof event.data.by_parent === 'string' ? event.data.by_parent : null;
      return state;
    case 'workflow_resumed': {
      state.status = 'running';
      state.paused_by = null;
      if (Array.isArray(event.data.reset)) {
        // A retried or rerun execution's deadline counts from its restart (runner.armDeadlines).
        state.dormant_ms = 0;
        state.dormant_since = null;
        for (const id of event.data.reset) {
          const target = state.tasks[id];
          if (target) resetTask(target);
        }
        state.failures = state.failures.filter((id) => state.tasks[id]?.status === 'failed');
        state.output = null;
        state.error = null;
        state.finished_at = null;
        state.canceling = false;
        recomputeQueues(plan, state);
        state.view = null;
      }
      return state;
    }
    case 'checkpoint_created':
      state.last_checkpoint_seq = event.seq;
      return state;
    case 'cancel_requested':
      state.canceling = true;
      state.cancel_requested_ms = at;
      return state;
    case 'skip_requested':
      if (task && task.status === 'pending') task.skip_requested = true;
      return state;
    // Histories written before cancel_requested and skip_requested had types of their own.
    case 'error_occurred':
      if (event.data.kind === 'cancel_requested') {
        state.canceling = true;
        state.cancel_requested_ms = at;
      }
      if (event.data.kind === 'skip_requested' && task && task.status === 'pending') task.skip_requested = true;
      return state;
  }
}

/** Tasks carried over from a checkpoint: finished work is kept, the rest runs again. */
function applySnapshotTasks(state: ExecutionState, snapshot: { tasks: Record<string, RestoredTask> } | undefined): void {
  if (typeof snapshot !== 'object' || snapshot === null) return;
  const tasks = snapshot.tasks ?? {};
  for (const [id, saved] of Object.entries(tasks)) {
    const task = state.tasks[id];
    if (!task || (saved.status !== 'completed' && saved.status !== 'skipped')) continue;
    task.status = saved.status;
    task.output = saved.output ?? null;
    task.attempt = saved.attempt ?? 0;
    task.attempt_base = task.attempt;
    task.skip_reason = saved.skip_reason ?? null;
    task.duration_ms = saved.duration_ms ?? 0;
    sync(state, id);
  }
}

/** Folds a whole history from the initial state. */
export function foldAll(plan: Plan, executionId: string, workflowId: string, events: readonly ExecutionEvent[]): ExecutionState {
  const state = initialState(plan, executionId, workflowId);
  for (const event of events) fold(plan, state, event);
  return state;
}

