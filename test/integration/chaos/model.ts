/**
 * Random workflows for the crash test, and the reference model of what each must end as.
 * The model knows nothing of crashes: a crash must not change any outcome it predicts.
 */
import type { TaskDef, WorkflowDef } from '../../../src/core/model.js';
import { workflowBody } from '../../fixtures/workflow-body.js';

/** A small seeded generator (mulberry32): the same seed gives the same workflows. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Mode = 'ok' | 'fail' | 'hang';
export type Rule = 'all_success' | 'none_failed' | 'one_success' | 'all_done';
export type Outcome = 'completed' | 'failed' | 'skipped';

export interface TaskSpec {
  id: string;
  depends_on: string[];
  rule: Rule;
  mode: Mode;
  max_attempts: number;
  /** Has a `condition` (its value is in the execution's input). */
  conditional: boolean;
  /** Fans out over the execution's input list of this length (0 included). */
  fan_out: boolean;
  handler: { id: string; mode: Mode } | null;
  /** Runs a child workflow (core.workflow) that completes or fails, instead of a script. */
  sub: 'ok' | 'fail' | null;
}

export interface WorkflowSpec {
  ref: string;
  tasks: TaskSpec[];
}

export interface ExecutionSpec {
  workflow: WorkflowSpec;
  flags: Record<string, boolean>;
  items: Record<string, number[]>;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function mode(random: () => number): Mode {
  const r = random();
  return r < 0.7 ? 'ok' : r < 0.93 ? 'fail' : 'hang';
}

/** A random DAG of 3–7 tasks with rules, conditions, retries, handlers and fan-outs. */
export function generateWorkflow(random: () => number, ref: string): WorkflowSpec {
  const count = 3 + Math.floor(random() * 5);
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < count; i += 1) {
    const depends_on = tasks.filter(() => random() < 0.45).map((task) => task.id);
    const withHandler = random() < 0.2;
    const sub = random() < 0.15 ? (random() < 0.7 ? 'ok' : 'fail') : null;
    tasks.push({
      id: `t${i}`,
      depends_on,
      rule: depends_on.length === 0 ? 'all_success' : pick(random, ['all_success', 'all_success', 'none_failed', 'one_success', 'all_done'] as const),
      mode: mode(random),
      max_attempts: 1 + Math.floor(random() * 3),
      conditional: random() < 0.2,
      fan_out: sub === null && random() < 0.25,
      sub,
      handler: withHandler ? { id: `h${i}`, mode: random() < 0.8 ? 'ok' : 'fail' } : null,
    });
  }
  return { ref, tasks };
}

export function generateExecution(random: () => number, workflow: WorkflowSpec): ExecutionSpec {
  const flags: Record<string, boolean> = {};
  const items: Record<string, number[]> = {};
  for (const task of workflow.tasks) {
    if (task.conditional) flags[task.id] = random() < 0.6;
    if (task.fan_out) items[task.id] = Array.from({ length: Math.floor(random() * 4) }, (_, n) => n);
  }
  return { workflow, flags, items };
}

function stepTask(id: string, taskMode: Mode, paths: { log: string; locks: string }): Pick<TaskDef, 'id' | 'action' | 'input'> & Partial<TaskDef> {
  return {
    id,
    action: 'chaos.step',
    input: { mode: taskMode, log: paths.log, locks: paths.locks },
    ...(taskMode === 'hang' ? { timeout_ms: 300 } : {}),
  };
}

/** The registered body of a workflow spec; scripts log to `paths`. */
export function workflowDef(spec: WorkflowSpec, paths: { log: string; locks: string }): WorkflowDef {
  const tasks: Array<Partial<TaskDef> & { id: string }> = [];
  for (const task of spec.tasks) {
    const base = task.sub === null ? stepTask(task.id, task.mode, paths) : { id: task.id, action: 'core.workflow', input: { workflow: `chaos.child_${task.sub}` } };
    const def: Partial<TaskDef> & { id: string } = {
      ...base,
      depends_on: task.depends_on,
      retry: { max_attempts: task.max_attempts, initial_delay_ms: 1 + (task.id.length % 4), backoff_factor: 1.5, jitter: 0.5 },
    };
    if (task.rule !== 'all_success') def.trigger_rule = task.rule;
    if (task.conditional) def.condition = `\${input.flags.${task.id}}`;
    if (task.fan_out) def.with_items = `\${input.items.${task.id}}`;
    if (task.handler) def.on_error = task.handler.id;
    tasks.push(def);
    if (task.handler) tasks.push(stepTask(task.handler.id, task.handler.mode, paths));
  }
  return workflowBody(tasks, { input: { flags: { type: 'object' }, items: { type: 'object' } } } as Partial<WorkflowDef>);
}

export interface Prediction {
  status: 'completed' | 'failed';
  tasks: Record<string, Outcome>;
}

/** What the execution must end as, by the rules of docs/execution.md. */
export function predict(spec: ExecutionSpec): Prediction {
  const tasks: Record<string, Outcome> = {};
  let failed = false;
  for (const task of spec.workflow.tasks) {
    const ups = task.depends_on.map((id) => tasks[id] as Outcome);
    const runs =
      task.rule === 'all_success'
        ? ups.every((s) => s === 'completed')
        : task.rule === 'none_failed'
          ? ups.every((s) => s !== 'failed')
          : task.rule === 'one_success'
            ? ups.some((s) => s === 'completed')
            : true;
    let outcome: Outcome;
    if (!runs || (task.conditional && spec.flags[task.id] === false)) outcome = 'skipped';
    else if (task.fan_out && (spec.items[task.id]?.length ?? 0) === 0) outcome = 'completed';
    else if (task.sub !== null) outcome = task.sub === 'ok' ? 'completed' : 'failed';
    else outcome = task.mode === 'ok' ? 'completed' : 'failed';
    tasks[task.id] = outcome;
    if (task.handler) {
      const handled = outcome === 'failed';
      const handlerOutcome: Outcome = !handled ? 'skipped' : task.handler.mode === 'ok' ? 'completed' : 'failed';
      tasks[task.handler.id] = handlerOutcome;
      if (handled && handlerOutcome !== 'completed') failed = true;
    } else if (outcome === 'failed') failed = true;
  }
  return { status: failed ? 'failed' : 'completed', tasks };
}

/** The child workflows `sub` tasks run: one step that completes, or one that fails after a retry. */
export function childWorkflows(paths: { log: string; locks: string }): Array<{ ref: string; body: WorkflowDef }> {
  return (['ok', 'fail'] as const).map((outcome) => ({
    ref: `chaos.child_${outcome}`,
    body: workflowBody([{ ...stepTask('step', outcome, paths), retry: { max_attempts: 2, initial_delay_ms: 2, jitter: 0.5 } }]),
  }));
}

/** The step action's script: logs each run with its host pid and flags overlapping runs of one unit. */
export const STEP_SCRIPT = `#!/bin/sh
get() { printf '%s' "$HARMONIA_INPUT" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }
mode=$(get mode); log=$(get log); locks=$(get locks)
# A process is its pid and its start time (field 22 of /proc/PID/stat, after the command name):
# a pid alone is reused, and a loaded machine goes through all 32,768 of them in seconds, so a
# killed attempt's pid left in its lock could name some other live process by the next attempt.
read -r stat < /proc/self/stat
me=\${stat%% *}
set -- \${stat##*) }
me_start=\${20}
key=$(printf '%s' "$HARMONIA_IDEMPOTENCY_KEY" | tr ':/' '__')
lock="$locks/$key"
if ! mkdir "$lock" 2>/dev/null; then
  old= old_start=
  read -r old old_start < "$lock/pid" 2>/dev/null
  ostat=
  [ -n "$old" ] && read -r ostat < "/proc/$old/stat" 2>/dev/null
  if [ -n "$ostat" ]; then
    set -- \${ostat##*) }
    if [ "$1" != Z ] && [ "\${20}" = "$old_start" ]; then
      echo "OVERLAP $HARMONIA_IDEMPOTENCY_KEY $HARMONIA_ATTEMPT $old $me" >> "$log"
    fi
  fi
fi
echo "$me $me_start" > "$lock/pid"
echo "start $HARMONIA_IDEMPOTENCY_KEY $HARMONIA_ATTEMPT $me" >> "$log"
case "$mode" in
  hang) sleep 30 ;;
  *) sleep 0.05 ;;
esac
echo "end $HARMONIA_IDEMPOTENCY_KEY $HARMONIA_ATTEMPT $mode" >> "$log"
rm -f "$lock/pid"
if [ "$mode" = fail ]; then
  echo '{"error_type": "CHAOS_FAIL", "error_message": "asked to fail", "is_retriable": true}'
  exit 1
fi
echo '{"ok": true}'
`;

export const STEP_ACTION = [
  'description: One step of a chaos workflow',
  'runner: shell',
  'entry_point: step.sh',
  'parameters:',
  '  mode: { type: string, required: true }',
  '  log: { type: string, required: true }',
  '  locks: { type: string, required: true }',
  '',
].join('\n');
