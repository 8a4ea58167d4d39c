/**
 * An execution's tasks folded from its history (`GET /executions/{id}/tasks` and
 * `/tasks/{task_id}`): what a viewer draws first, so it reads a page of tasks instead of
 * every event. Folds are kept per execution and carried forward from their position, so
 * a history is read once however often its page is opened.
 */
import type { HarmoniaApi, PageOptions, TaskItemPageOptions } from '../core/harmonia-api.js';
import { emptyFold, emptyTaskView, foldEvents, itemOf, taskProgressView, type ExecutionFold } from '../core/task-fold.js';
import type { ExecutionTaskDetail, ExecutionTasksPage, TaskItemView } from '../core/wire.js';
import type { Engine } from '../engine/engine-api.js';
import { boundedInt, pageOf, PAGE_MAX } from './page.js';
import { assertTaskOf } from './task-of-execution.js';
import { lowWater } from '../core/low-water.js';

export type ExecutionTaskUseCases = Pick<HarmoniaApi, 'getExecutionTasks' | 'getExecutionTask'>;

/** What the task views read: the history after a seq, and the plan's tasks to tell an unknown task. */
export type ExecutionTaskReader = Pick<Engine, 'readEvents' | 'getDetail'>;

/** Tasks and fan-out items the kept folds may hold in all (the most recently read executions first). */
const KEPT_UNITS = 100_000;
/**
 * Bytes of task input and output (as JSON) the kept folds may hold in all: each task keeps
 * its last input and output, up to max_task_output_bytes each, so a count alone bounds
 * nothing when outputs are large.
 */
export const TASK_VIEW_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** Events read per statement while folding a long history. */
const READ_CHUNK = 10_000;
/** Items of a fan-out per page when `item_limit` is not given. */
export const ITEM_PAGE_DEFAULT = 100;

/** Bounds of the kept folds, for tests; the defaults are the constants above. */
export interface ExecutionTaskCacheOptions {
  /** @default 100000 */
  maxUnits?: number;
  /** @default TASK_VIEW_CACHE_MAX_BYTES */
  maxBytes?: number;
}

interface KeptFold {
  fold: ExecutionFold;
  units: number;
  bytes: number;
  /** What each task's input and output measured, by identity, so an unchanged value is not serialised again. */
  sizes: Map<string, TaskValueSize>;
}

interface TaskValueSize {
  input: unknown;
  output: unknown;
  bytes: number;
}

/** Creates the task views over the engine's reads, with their own cache of folds. */
export function createExecutionTaskUseCases(engine: ExecutionTaskReader, options: ExecutionTaskCacheOptions = {}): ExecutionTaskUseCases {
  const maxUnits = options.maxUnits ?? KEPT_UNITS;
  const maxBytes = options.maxBytes ?? TASK_VIEW_CACHE_MAX_BYTES;
  const folds = new Map<string, KeptFold>();
  let units = 0;
  let bytes = 0;
  // one catch-up at a time per execution: a second reader waits for the first's fold
  const catchingUp = new Map<string, Promise<ExecutionFold>>();

  async function catchUp(id: string): Promise<ExecutionFold> {
    const fold = folds.get(id)?.fold ?? emptyFold();
    for (;;) {
      const events = await engine.readEvents(id, fold.last_seq, READ_CHUNK);
      foldEvents(fold, events);
      if (events.length < READ_CHUNK) break;
    }
    // re-inserted on each read: a Map iterates in insertion order, so this is an LRU
    const before = folds.get(id);
    if (before !== undefined) {
      units -= before.units;
      bytes -= before.bytes;
      folds.delete(id);
    }
    const sizes = before?.sizes ?? new Map<string, TaskValueSize>();
    const entry: KeptFold = { fold, units: unitsOf(fold), bytes: bytesOf(fold, sizes), sizes };
    // one execution larger than the whole room is answered but not kept
    if (entry.units > maxUnits || entry.bytes > maxBytes) return fold;
    folds.set(id, entry);
    units += entry.units;
    bytes += entry.bytes;
    if (units <= maxUnits && bytes <= maxBytes) return fold;
    // down to the low-water marks in one pass (see lowWater)
    const lowUnits = lowWater(maxUnits);
    const lowBytes = lowWater(maxBytes);
    for (const [oldest, kept] of folds) {
      if ((units <= lowUnits && bytes <= lowBytes) || oldest === id) break;
      folds.delete(oldest);
      units -= kept.units;
      bytes -= kept.bytes;
    }
    return fold;
  }

  function foldOf(id: string): Promise<ExecutionFold> {
    const before = catchingUp.get(id);
    const next = (before ?? Promise.resolve()).catch(() => undefined).then(() => catchUp(id));
    catchingUp.set(id, next);
    const clear = () => {
      if (catchingUp.get(id) === next) catchingUp.delete(id);
    };
    next.then(clear, clear);
    return next;
  }

  return {
    async getExecutionTasks(id: string, options: PageOptions = {}): Promise<ExecutionTasksPage> {
      const page = pageOf(options);
      const fold = await foldOf(id);
      const all = [...fold.tasks.values()];
      return {
        execution_id: id,
        status: fold.status ?? 'pending',
        last_seq: fold.last_seq,
        started_by: fold.started_by === null ? null : { ...fold.started_by },
        items: all.slice(page.offset, page.offset + page.limit).map(taskProgressView),
        total: all.length,
        ...page,
      };
    },
    async getExecutionTask(id: string, taskId: string, options: TaskItemPageOptions = {}): Promise<ExecutionTaskDetail> {
      const limit = boundedInt('item_limit', options.itemLimit, ITEM_PAGE_DEFAULT, 1, PAGE_MAX);
      const offset = boundedInt('item_offset', options.itemOffset, 0, 0, Number.MAX_SAFE_INTEGER);
      const fold = await foldOf(id);
      const task = fold.tasks.get(taskId);
      const lastSeq = fold.last_seq;
      if (task === undefined) {
        // a task with no event yet is pending, if the workflow has it
        await assertTaskOf(engine, id, taskId);
        return { execution_id: id, last_seq: lastSeq, task: taskProgressView(emptyTaskView(taskId)), items: null };
      }
      const view = task;
      const items = view.items;
      let page: ExecutionTaskDetail['items'] = null;
      if (items !== null) {
        const rows: TaskItemView[] = [];
        for (let index = offset; index < Math.min(items.total, offset + limit); index += 1) {
          const { attempt, outcome } = itemOf(items, index);
          rows.push({ index, attempt, outcome });
        }
        page = { items: rows, total: items.total, limit, offset };
      }
      return {
        execution_id: id,
        last_seq: lastSeq,
        task: taskProgressView(view),
        ...(view.input !== undefined ? { input: view.input } : {}),
        ...(view.output !== undefined ? { output: view.output } : {}),
        items: page,
      };
    },
  };
}

/**
 * Bytes of the tasks' inputs and outputs as UTF-8 JSON (what max_task_output_bytes counts);
 * a value seen by identity at the last measure is not serialised again.
 */
function bytesOf(fold: ExecutionFold, sizes: Map<string, TaskValueSize>): number {
  let total = 0;
  for (const task of fold.tasks.values()) {
    let size = sizes.get(task.id);
    if (size === undefined || size.input !== task.input || size.output !== task.output) {
      size = { input: task.input, output: task.output, bytes: jsonBytes(task.input) + jsonBytes(task.output) };
      sizes.set(task.id, size);
    }
    total += size.bytes;
  }
  return total;
}

function jsonBytes(value: unknown): number {
  if (value === undefined) return 0;
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? 0 : Buffer.byteLength(text);
}

function unitsOf(fold: ExecutionFold): number {
  let units = fold.tasks.size;
  for (const task of fold.tasks.values()) units += task.items?.known.size ?? 0;
  return units;
}
