import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { TaskDef, WorkflowDef } from '../../../src/core/model.js';
import { createEngine, type Engine, type EngineConfig, type EngineOptions } from '../../../src/engine/index.js';
import type { Clock } from '../../../src/engine/clock.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

export interface Harness {
  dir: string;
  file: string;
  store: Store;
  engine: Engine;
  /** A second store on the same data, as a restarted process would open it (closed with the harness). */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

/** Where openHarness keeps its data: SQLite in a temp dir unless a suite picks another backend. */
export interface HarnessBackend {
  /** A store on empty data. `dir` is the harness's temp dir. */
  open(dir: string): Promise<Store>;
  /** Another store on the data `open` gave. */
  reopen(dir: string): Promise<Store>;
  /** Builds the engine on a store. @default createEngine */
  engine?(options: EngineOptions): Promise<{ engine: Engine; close(): Promise<void> }>;
}

const sqliteBackend: HarnessBackend = {
  open: async (dir) => createSqliteStore({ file: join(dir, 'harmonia.db') }),
  reopen: async (dir) => createSqliteStore({ file: join(dir, 'harmonia.db') }),
};
let backend: HarnessBackend = sqliteBackend;

/** Runs the engine suites imported after this call against another backend (the PostgreSQL conformance run). */
export function useHarnessBackend(next: HarnessBackend): void {
  backend = next;
}

/** A workflow body with the parser's defaults filled in. */
export { workflowBody as workflow } from '../../fixtures/workflow-body.js';

export async function register(store: Store, ref: string, body: WorkflowDef): Promise<string> {
  const record = await store.registry.addVersion({
    kind: 'workflow',
    ref,
    pack_ref: ref.split('.')[0] ?? 'test',
    content_hash: `${ref}-${Math.random()}`,
    body,
    source: '',
    file: `workflows/${ref.split('.')[1] ?? ref}.yaml`,
    origin: { source: 'local' },
  });
  return record.id;
}

/** The real action registry for core.*, plus handlers written inline by a test. */
export function actionsWith(custom: Record<string, ActionHandler>) {
  const registry = createActionRegistry({ packs: () => null, kill_grace_ms: 200 });
  return {
    resolve(task: Pick<TaskDef, 'action' | 'component'>, packDir?: string): ActionHandler {
      return custom[task.action] ?? registry.resolve(task, packDir);
    },
  };
}

export async function openHarness(
  custom: Record<string, ActionHandler> = {},
  config: EngineConfig = {},
  clock?: Clock,
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-engine-'));
  const file = join(dir, 'harmonia.db');
  const store = await backend.open(dir);
  const options: EngineOptions = { store, actions: actionsWith(custom), config, ...(clock ? { clock } : {}) };
  const built = backend.engine ? await backend.engine(options) : null;
  const engine = built?.engine ?? createEngine(options);
  if (!built) await engine.start();
  const reopened: Store[] = [];
  return {
    dir,
    file,
    store,
    engine,
    async reopen() {
      const next = await backend.reopen(dir);
      reopened.push(next);
      return next;
    },
    async close() {
      await (built ? built.close() : engine.stop());
      await Promise.all([store, ...reopened].map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A handler from a plain function of input and attempt. */
export function handler(fn: (input: Record<string, unknown>, attempt: number, signal: AbortSignal) => unknown | Promise<unknown>): ActionHandler {
  return {
    async run(input, ctx) {
      try {
        return { status: 'success', data: await fn(input, ctx.attempt, ctx.signal) };
      } catch (error) {
        const typed = error as { error_type?: string; retriable?: boolean };
        return {
          status: 'error',
          error_type: typed.error_type ?? 'ACTION_FAILED',
          error_message: error instanceof Error ? error.message : String(error),
          is_retriable: typed.retriable ?? true,
        };
      }
    },
  };
}

/** An error a test handler throws with a chosen type. */
export function typedError(type: string, message: string, retriable = true): Error {
  return Object.assign(new Error(message), { error_type: type, retriable });
}

/** Resolves when `check` holds, testing it after each turn of the event loop (for outside processes). */
export async function until(check: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 20_000; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A promise with its resolve exposed: tasks wait on it, tests open it. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** The next event of an execution matching `match` (subscribe before causing it). */
export function nextEvent(
  engine: Engine,
  match: (event: import('../../../src/core/model.js').ExecutionEvent) => boolean,
): Promise<import('../../../src/core/model.js').ExecutionEvent> {
  return new Promise((resolve) => {
    const off = engine.bus.subscribe({}, (event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
}
