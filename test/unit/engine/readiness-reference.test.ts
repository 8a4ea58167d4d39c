/**
 * Readiness and upstream skips on wide, deep and random DAGs, every trigger rule, against a
 * reference model that recomputes each task's fate from its upstreams' final statuses. The
 * engine keeps counters per task and reaches dependants through the plan's integer arrays
 * (buildPlan, fold's onTerminal); the model walks depends_on directly.
 */
import { describe, expect, it } from 'vitest';
import type { TaskDef, TriggerRule } from '../../../src/core/model.js';
import { buildPlan, dependantsOf, downstreamClosure } from '../../../src/engine/plan.js';
import { body, Driver } from './driver.js';

/** mulberry32: a small seeded generator, so a failing seed replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Spec = Partial<TaskDef> & { id: string; depends_on: string[] };
interface Dag {
  tasks: Spec[];
  /** Tasks whose action fails (when they run). */
  failing: Set<string>;
}

const RULES: TriggerRule[] = ['all_success', 'none_failed', 'one_success', 'all_done'];

function decorate(rand: () => number, tasks: Spec[]): Dag {
  const failing = new Set<string>();
  for (const task of tasks) {
    // one_success with no upstream is skipped at once: only rules over real upstreams are drawn
    if (task.depends_on.length > 0 && rand() < 0.5) task.trigger_rule = RULES[Math.floor(rand() * RULES.length)] as TriggerRule;
    if (rand() < 0.06) task.condition = '${false}';
    if (rand() < 0.08) failing.add(task.id);
  }
  return { tasks, failing };
}

/** Layers of `width` tasks, each depending on every task (or a random part) of the layer before. */
function layered(rand: () => number, layers: number, width: number, dense: boolean): Dag {
  const tasks: Spec[] = [];
  for (let layer = 0; layer < layers; layer += 1) {
    for (let j = 0; j < width; j += 1) {
      const before = layer === 0 ? [] : Array.from({ length: width }, (_, k) => `l${layer - 1}_${k}`);
      tasks.push({ id: `l${layer}_${j}`, depends_on: dense ? before : before.filter(() => rand() < 0.3) });
    }
  }
  return decorate(rand, tasks);
}

/** Random edges to any earlier task, declared in a shuffled order (declaration need not be topological). */
function randomDag(rand: () => number, count: number): Dag {
  const ids = Array.from({ length: count }, (_, i) => `t${i}`);
  const tasks: Spec[] = ids.map((id, i) => ({ id, depends_on: ids.slice(0, i).filter(() => rand() < 4 / (i + 1)) }));
  for (let i = tasks.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j] as Spec, tasks[i] as Spec];
  }
  return decorate(rand, tasks);
}

/** A deep chain with a side branch joining every few links. */
function deep(rand: () => number, length: number): Dag {
  const tasks: Spec[] = [];
  for (let i = 0; i < length; i += 1) {
    const depends_on = i === 0 ? [] : [`c${i - 1}`];
    if (i >= 3 && i % 3 === 0) depends_on.push(`c${i - 3}`);
    tasks.push({ id: `c${i}`, depends_on });
  }
  return decorate(rand, tasks);
}

/** Each task's final status by the rules, from its upstreams' final statuses alone. */
function reference(dag: Dag): Map<string, string> {
  const byId = new Map(dag.tasks.map((task) => [task.id, task]));
  const fate = new Map<string, string>();
  const of = (id: string): string => {
    const known = fate.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id) as Spec;
    const ups = task.depends_on.map(of);
    const ok = ups.filter((s) => s === 'completed').length;
    const failed = ups.filter((s) => s === 'failed').length;
    let runs: boolean;
    switch (task.trigger_rule ?? 'all_success') {
      case 'all_success':
        runs = ok === ups.length;
        break;
      case 'none_failed':
        runs = failed === 0;
        break;
      case 'one_success':
        runs = ok > 0;
        break;
      case 'all_done':
        runs = true;
        break;
    }
    const status = !runs || task.condition !== undefined ? 'skipped' : dag.failing.has(id) ? 'failed' : 'completed';
    fate.set(id, status);
    return status;
  };
  for (const task of dag.tasks) of(task.id);
  return fate;
}

const terminal = (status: string | undefined): boolean => status === 'completed' || status === 'failed' || status === 'skipped';

/** Runs the DAG through the pure core, finishing running tasks in a random order; checks each start and skip as it happens. */
function run(dag: Dag, rand: () => number): Driver {
  const d = new Driver(body(dag.tasks), { max_concurrent_tasks: 1 + Math.floor(rand() * 12) });
  const byId = new Map(dag.tasks.map((task) => [task.id, task]));
  const check = (from: number): void => {
    for (const event of d.events.slice(from)) {
      const task = event.task_id === undefined ? undefined : byId.get(event.task_id);
      if (!task) continue;
      const ups = task.depends_on.map((id) => d.status(id));
      const rule = task.trigger_rule ?? 'all_success';
      if (event.event_type === 'task_started' || (event.event_type === 'task_skipped' && event.data.reason === 'condition')) {
        // ready: every upstream done, or for one_success, one completed
        if (rule === 'one_success') expect(ups, `${task.id} started`).toContain('completed');
        else expect(ups.every(terminal), `${task.id} started before its upstream finished`).toBe(true);
      }
      if (event.event_type === 'task_skipped' && event.data.reason === 'upstream') {
        const decided =
          rule === 'all_success' ? ups.some((s) => s === 'failed' || s === 'skipped')
            : rule === 'none_failed' ? ups.includes('failed')
              : rule === 'one_success' ? ups.every(terminal) && !ups.includes('completed')
                : false;
        expect(decided, `${task.id} skipped for its upstream too early`).toBe(true);
      }
    }
  };
  let seen = 0;
  d.start();
  check(seen);
  seen = d.events.length;
  for (let guard = 0; guard < 100_000 && !terminal(d.state.status) && d.state.status !== 'failed'; guard += 1) {
    const running = Object.keys(d.state.tasks).filter((id) => d.status(id) === 'running');
    if (running.length === 0) break;
    const id = running[Math.floor(rand() * running.length)] as string;
    if (dag.failing.has(id)) d.fail(id, 'ACTION_FAILED', false);
    else d.complete(id);
    check(seen);
    seen = d.events.length;
  }
  return d;
}

// Fixed seeds in `npm test`; HARMONIA_READINESS_SEED=<n> replays (or explores) another.
const SEEDS = process.env.HARMONIA_READINESS_SEED === undefined ? [1, 2, 3, 42, 20261206] : [Number(process.env.HARMONIA_READINESS_SEED)];

describe('readiness against a reference model', () => {
  for (const seed of SEEDS) {
    const shapes: Array<[string, (rand: () => number) => Dag]> = [
      ['dense layers', (rand) => layered(rand, 8, 12, true)],
      ['sparse layers', (rand) => layered(rand, 10, 10, false)],
      ['random', (rand) => randomDag(rand, 80)],
      ['deep', (rand) => deep(rand, 120)],
    ];
    for (const [name, make] of shapes) {
      it(`${name}, seed ${seed}: every task ends as the rules say, and starts only when ready`, () => {
        process.stdout.write(`readiness ${name}: seed ${seed}\n`);
        const rand = random(seed);
        const dag = make(rand);
        const d = run(dag, rand);
        const expected = reference(dag);
        const actual = new Map(dag.tasks.map((task) => [task.id, d.status(task.id) as string]));
        expect(actual, `seed ${seed}`).toEqual(expected);
        const anyFailed = [...expected.values()].includes('failed');
        expect(d.state.status).toBe(anyFailed ? 'failed' : 'completed');
      });
    }
  }

  it('plans the dependants of repeated and unknown upstreams as depends_on lists them', () => {
    const plan = buildPlan(
      body([
        { id: 'a' },
        { id: 'b', depends_on: ['a', 'a'] },
        { id: 'h', depends_on: ['a'] },
        { id: 'c', depends_on: ['b', 'nowhere', 'a'], on_error: 'h' },
      ]),
    );
    // b lists a twice, so a's completion counts twice for it; the handler h is left out
    expect(dependantsOf(plan, 'a')).toEqual(['b', 'b', 'c']);
    expect(dependantsOf(plan, 'b')).toEqual(['c']);
    expect(dependantsOf(plan, 'nowhere')).toEqual([]);
    expect(plan.upstreams_known).toBe(false);
    expect(downstreamClosure(plan, 'a')).toEqual(['a', 'b', 'c']);
    expect(buildPlan(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }])).upstreams_known).toBe(true);
  });
});
