/**
 * The durable execution engine: starts executions, drives them through runners,
 * recovers unfinished ones from their events, and exposes the operator controls.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HarmoniaError } from '../core/errors.js';
import type { CheckpointRecord, DefinitionRecord, ExecutionEvent, ExecutionRecord, WorkflowDef } from '../core/model.js';
import { renderValue } from '../expr/index.js';
import type { StoreSession } from '../store/store.js';
import { checkCheckpoint, restorableTasks } from './checkpoints.js';
import { createSystemClock } from './clock.js';
import { resolveEngineConfig } from './config.js';
import type { DecideContext, DecideInput, RenderFn } from './decide-context.js';
import { createEventBus } from './event-bus.js';
import { buildPlan, type Plan } from './plan.js';
import { ExecutionRunner, type EngineLogger } from './runner.js';
import { foldAll } from './fold.js';
import { initialState, isTerminalExecution } from './state.js';
import { createSubWorkflowAction } from './sub-workflow.js';
import { metricsOf, statusReport, summaryOf } from './summary.js';
import { validateInput } from './validate-input.js';
import { createWriteQueue } from './write-queue.js';
import { checkControl, invalidState, type ControlKind } from './control-rules.js';
import type { Engine, EngineOptions, StartExecutionOptions } from './engine-api.js';

const TERMINAL_EVENTS = new Set(['workflow_completed', 'workflow_failed', 'workflow_canceled']);

/** A cluster node was asked to act on an execution another node runs. */
function otherNode(id: string, status: string, action: string): HarmoniaError {
  return new HarmoniaError('EXEC_INVALID_STATE', `execution '${id}' is being run by another node; send the ${action} to the node running it`, {
    details: { execution_id: id, status },
  });
}

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Creates the engine.
 * @example
 * const engine = createEngine({ store, actions: createActionRegistry({ packs }) });
 * await engine.start();
 * const run = await engine.startExecution({ workflow_ref: 'demo.pipeline', input: {} });
 * const done = await engine.waitForCompletion(run.id);
 */
export function createEngine(options: EngineOptions): Engine {
  const store = options.store;
  const config = resolveEngineConfig(options.config);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? silent;
  const render: RenderFn = options.render ?? ((value, scope) => renderValue(value, scope, { now: () => new Date(clock.now()) }));
  const random = options.random ?? Math.random;
  const env: Record<string, string> = {};
  for (const name of config.env_allowlist) {
    const value = options.env?.[name];
    if (value !== undefined) env[name] = value;
  }
  const bus = options.bus ?? createEventBus((error) => logger.warn('an event listener threw', { error: String(error) }));
  const ownership = options.ownership;
  const queue = createWriteQueue(store, undefined, ownership);
  const runners = new Map<string, ExecutionRunner>();
  const limited = new Set<string>();
  const waiting: string[] = [];
  const wakeups = new Map<string, Array<() => void>>();
  const workflows = new Map<string, { record: DefinitionRecord<WorkflowDef>; plan: Plan }>();
  let stopping = false;
  let pumping = false;
  // Cluster nodes: executions finished by other nodes wake local waiters through the bus.
  let watchers = 0;
  let unwatch: (() => void) | null = null;
  const watchRemote = (): (() => void) => {
    watchers += 1;
    unwatch ??= bus.subscribe({}, (event) => {
      if (TERMINAL_EVENTS.has(event.event_type) && !runners.has(event.execution_id)) wake(event.execution_id);
    });
    return () => {
      watchers -= 1;
      if (watchers === 0 && unwatch) {
        unwatch();
        unwatch = null;
      }
    };
  };

  const wake = (id: string): void => {
    const list = wakeups.get(id);
    wakeups.delete(id);
    for (const fn of list ?? []) fn();
  };

  async function workflowById(id: string): Promise<{ record: DefinitionRecord<WorkflowDef>; plan: Plan }> {
    const cached = workflows.get(id);
    if (cached) return cached;
    const record = await store.registry.getById(id);
    if (!record || record.kind !== 'workflow') throw new HarmoniaError('WORKFLOW_NOT_FOUND', `workflow version '${id}' does not exist`);
    const entry = { record: record as DefinitionRecord<WorkflowDef>, plan: buildPlan(record.body as WorkflowDef) };
    workflows.set(id, entry);
    return entry;
  }

  async function resolveWorkflow(opts: StartExecutionOptions): Promise<{ record: DefinitionRecord<WorkflowDef>; plan: Plan }> {
    if (opts.workflow_id !== undefined) return workflowById(opts.workflow_id);
    if (opts.workflow_ref === undefined) throw new HarmoniaError('USAGE_INVALID', 'startExecution needs workflow_ref or workflow_id');
    const active = await store.registry.getActive('workflow', opts.workflow_ref);
    if (!active) throw new HarmoniaError('WORKFLOW_NOT_FOUND', `workflow '${opts.workflow_ref}' is not registered`, { details: { ref: opts.workflow_ref } });
    return workflowById(active.id);
  }

  function recordOf(runner: ExecutionRunner): ExecutionRecord {
    const state = runner.state;
    return {
      ...runner.record,
      status: state.status,
      output: state.output,
      error: state.error,
      finished_at: state.finished_at,
      last_seq: state.last_seq,
      updated_at: new Date(clock.now()).toISOString(),
    };
  }

  async function getRecord(id: string): Promise<ExecutionRecord> {
    const runner = runners.get(id);
    if (runner) return recordOf(runner);
    const record = await store.executions.getExecution(id);
    if (!record) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' does not exist`, { details: { execution_id: id } });
    return record;
  }

  function makeRunner(record: ExecutionRecord, wf: { record: DefinitionRecord<WorkflowDef>; plan: Plan }, custom: Record<string, unknown>): ExecutionRunner {
    const state = initialState(wf.plan, record.id, wf.record.id);
    const ctx: DecideContext = { plan: wf.plan, config, render, env, custom_state: custom, random };
    const packDir = config.packs_dir === null ? undefined : join(config.packs_dir, wf.record.pack_ref);
    const runner: ExecutionRunner = new ExecutionRunner(
      {
        store,
        queue,
        bus,
        clock,
        logger,
        config,
        actions: options.actions,
        subWorkflow: (owner) =>
          createSubWorkflowAction({
            getRecord: (id) => store.executions.getExecution(id),
            startChild: (child) => launch({ workflow_ref: child.workflow_ref, input: child.input, parent: child.parent }, child.id),
            waitForCompletion: (id) => waitForCompletion(id),
            cancel: (id) => control(id, 'cancel'),
            terminate: (id) => control(id, 'terminate'),
            adopt: (id) => owner.children.add(id),
          }),
        onTerminal: (done) => {
          runners.delete(done.id);
          if (limited.delete(done.id)) void pump();
          ownership?.released(done.id, true);
          wake(done.id);
        },
        onBroken: (broken) => {
          // On one node the execution waits for a restart; in a cluster the lease goes back
          // so a node (this one, once healthy) carries it on from its events.
          if (!ownership || runners.get(broken.id) !== broken) return;
          runners.delete(broken.id);
          limited.delete(broken.id);
          void broken.detach();
          ownership.released(broken.id, false);
        },
        onCheckpointTick: (owner) => {
          void engine.createCheckpoint(owner.id).catch((error: unknown) => logger.warn('automatic checkpoint failed', { execution_id: owner.id, error: String(error) }));
        },
      },
      record,
      wf.record,
      wf.plan,
      state,
      ctx,
      packDir,
    );
    return runner;
  }

  /** Folds a stored execution's history into a runner (not yet registered). */
  async function loadRunner(record: ExecutionRecord): Promise<ExecutionRunner> {
    const wf = await workflowById(record.workflow_id);
    const runner = makeRunner(record, wf, await store.executions.loadState(record.id));
    const events = await store.executions.readEvents(record.id);
    const folded = foldAll(wf.plan, record.id, wf.record.id, events);
    Object.assign(runner.state, folded);
    return runner;
  }

  async function activate(
    record: ExecutionRecord,
    wf: { record: DefinitionRecord<WorkflowDef>; plan: Plan },
    create: boolean,
    extra: Record<string, unknown> = {},
    initialCustom: Record<string, unknown> = {},
  ): Promise<ExecutionRunner> {
    const custom = create ? initialCustom : await store.executions.loadState(record.id);
    const runner = makeRunner(record, wf, custom);
    runners.set(record.id, runner);
    const data: Record<string, unknown> = {
      workflow_ref: record.workflow_ref,
      workflow_version: record.workflow_version,
      input: record.input,
      parent_execution_id: record.parent_execution_id,
      parent_task_id: record.parent_task_id,
      ...extra,
    };
    const before = async (tx: StoreSession): Promise<void> => {
      await tx.executions.createExecution(record);
      if (Object.keys(custom).length > 0) await tx.executions.saveState(record.id, custom);
    };
    await runner.process({ kind: 'start', at: clock.now(), data }, create ? before : undefined, ownership && create ? 'first' : undefined);
    if (runner.failure !== null) {
      runners.delete(record.id);
      throw runner.failure;
    }
    wake(record.id);
    return runner;
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (!stopping && limited.size < config.max_concurrent_workflows && waiting.length > 0) {
        const id = waiting.shift() as string;
        const record = await store.executions.getExecution(id);
        if (!record || record.status !== 'pending') continue;
        limited.add(id);
        try {
          await activate(record, await workflowById(record.workflow_id), false);
        } catch (error) {
          limited.delete(id);
          logger.error('could not start a queued execution', { execution_id: id, error: String(error) });
        }
      }
    } finally {
      pumping = false;
    }
  }

  async function launch(
    opts: StartExecutionOptions,
    id: string = randomUUID(),
    extra: Record<string, unknown> = {},
    validated?: Record<string, unknown>,
    custom: Record<string, unknown> = {},
  ): Promise<ExecutionRecord> {
    if (stopping) throw new HarmoniaError('EXEC_INVALID_STATE', 'the engine is stopping; no execution can start');
    const wf = await resolveWorkflow(opts);
    const input = validated ?? validateInput(wf.record.body.input ?? {}, opts.input ?? {});
    const iso = new Date(clock.now()).toISOString();
    const record: ExecutionRecord = {
      id,
      workflow_id: wf.record.id,
      workflow_ref: wf.record.ref,
      workflow_version: wf.record.version,
      status: 'pending',
      input,
      output: null,
      error: null,
      parent_execution_id: opts.parent?.execution_id ?? null,
      parent_task_id: opts.parent?.task_id ?? null,
      created_at: iso,
      updated_at: iso,
      finished_at: null,
      last_seq: 0,
    };
    const child = opts.parent !== undefined;
    if (child || (limited.size < config.max_concurrent_workflows && waiting.length === 0)) {
      if (!child) limited.add(id);
      try {
        return recordOf(await activate(record, wf, true, extra, custom));
      } catch (error) {
        limited.delete(id);
        throw error;
      }
    }
    await queue.write({
      events: [],
      before: async (tx) => {
        await tx.executions.createExecution(record);
        if (Object.keys(custom).length > 0) await tx.executions.saveState(id, custom);
      },
    });
    // In a cluster the first node with room claims it; here it waits for a free slot.
    if (!ownership) waiting.push(id);
    return record;
  }

  async function control(id: string, kind: ControlKind, taskId?: string): Promise<ExecutionRecord> {
    let runner = runners.get(id);
    if (!runner) {
      const record = await getRecord(id);
      if (record.status === 'pending') {
        if (kind !== 'cancel' && kind !== 'terminate') throw invalidState(id, 'pending', kind, 'only cancel and terminate apply to a queued execution');
        const index = waiting.indexOf(id);
        if (index >= 0) waiting.splice(index, 1);
        const at = new Date(clock.now()).toISOString();
        const event: ExecutionEvent = { event_type: 'workflow_canceled', execution_id: id, workflow_id: record.workflow_id, timestamp: at, seq: record.last_seq + 1, data: { terminated: kind === 'terminate' } };
        await queue.write({
          events: [event],
          projection: { id, patch: { status: 'canceled', finished_at: at, updated_at: at, last_seq: event.seq } },
          ...(ownership ? { claim: 'first' as const } : {}),
        });
        ownership?.released(id, true);
        bus.publish([event]);
        wake(id);
        return getRecord(id);
      }
      if (record.status === 'canceled' && (kind === 'cancel' || kind === 'terminate')) return record;
      if (ownership && !isTerminalExecution(record.status)) {
        if (!ownership.forward) throw otherNode(id, record.status, kind);
        await ownership.forward(id, kind, taskId);
        return getRecord(id);
      }
      if (kind !== 'retry_execution' && kind !== 'rerun') {
        throw invalidState(id, record.status, kind === 'skip' ? 'skip a task of' : kind, 'it has finished');
      }
      runner = await loadRunner(record);
    }
    if (checkControl(id, runner.plan, runner.state, kind, taskId) === 'noop') return recordOf(runner);
    if (!runners.has(id)) {
      runners.set(id, runner);
      if (runner.record.parent_execution_id === null) limited.add(id);
    }
    const input = (taskId === undefined ? { kind, at: clock.now() } : { kind, at: clock.now(), task_id: taskId }) as DecideInput;
    await runner.process(input, undefined, ownership && isTerminalExecution(runner.state.status) ? 'last' : undefined);
    if (kind === 'pause' || kind === 'resume') {
      for (const child of runner.children) {
        if (runners.has(child)) await control(child, kind).catch(() => undefined);
      }
    }
    return recordOf(runner);
  }

  async function stateFor(id: string): Promise<{ runner: ExecutionRunner; record: ExecutionRecord }> {
    const active = runners.get(id);
    if (active) return { runner: active, record: recordOf(active) };
    const record = await getRecord(id);
    return { runner: await loadRunner(record), record };
  }

  async function waitForCompletion(id: string): Promise<ExecutionRecord> {
    for (;;) {
      const runner = runners.get(id);
      if (runner) {
        await runner.whenDone();
        if (isTerminalExecution(runner.state.status)) return recordOf(runner);
        // Given up (a cluster node lost the lease): the execution finishes elsewhere.
        continue;
      }
      // Wait (and, in a cluster, watch other nodes) before reading, so a finish between the
      // read and the wait is not missed.
      const done = ownership ? watchRemote() : null;
      let resolveWoken!: () => void;
      const woken = new Promise<void>((resolve) => (resolveWoken = resolve));
      const list = wakeups.get(id) ?? [];
      list.push(resolveWoken);
      wakeups.set(id, list);
      try {
        const record = await getRecord(id);
        if (isTerminalExecution(record.status)) return record;
        if (runners.has(id)) continue;
        await woken;
      } finally {
        done?.();
        const left = wakeups.get(id)?.filter((fn) => fn !== resolveWoken);
        if (left && left.length > 0) wakeups.set(id, left);
        else if (left) wakeups.delete(id);
      }
    }
  }

  async function adopt(id: string): Promise<boolean> {
    if (stopping || runners.has(id)) return false;
    const record = await store.executions.getExecution(id);
    if (!record || isTerminalExecution(record.status)) return false;
    const top = record.parent_execution_id === null;
    if (top) limited.add(id);
    try {
      if (record.last_seq === 0) {
        await activate(record, await workflowById(record.workflow_id), false);
        return true;
      }
      const runner = await loadRunner(record);
      if (stopping || runners.has(id)) {
        if (top && !runners.has(id)) limited.delete(id);
        return false;
      }
      runners.set(id, runner);
      await runner.process({ kind: 'recover', at: clock.now() });
      runner.armTimers();
      return true;
    } catch (error) {
      if (!runners.has(id)) limited.delete(id);
      throw error;
    }
  }

  const engine: Engine = {
    bus,
    config,
    async start() {
      stopping = false;
      // A cluster node's claim loop hands executions over one by one (adopt).
      if (ownership) return;
      const unfinished = await store.executions.listUnfinished();
      for (const record of unfinished) {
        if (runners.has(record.id)) continue;
        if (record.last_seq === 0) {
          if (!waiting.includes(record.id)) waiting.push(record.id);
          continue;
        }
        try {
          const runner = await loadRunner(record);
          runners.set(record.id, runner);
          if (record.parent_execution_id === null) limited.add(record.id);
          await runner.process({ kind: 'recover', at: clock.now() });
          runner.armTimers();
        } catch (error) {
          logger.error('could not recover an execution', { execution_id: record.id, error: String(error) });
        }
      }
      await pump();
    },
    async stop() {
      stopping = true;
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
      await queue.drain();
      runners.clear();
      limited.clear();
      waiting.length = 0;
    },
    startExecution: (opts) => launch(opts),
    getExecution: getRecord,
    async getStatus(id) {
      const { runner, record } = await stateFor(id);
      return statusReport(runner.plan, runner.state, record);
    },
    async getSummary(id) {
      const { runner, record } = await stateFor(id);
      return summaryOf(runner.plan, runner.state, record, clock.now());
    },
    async getMetrics(id) {
      const { runner } = await stateFor(id);
      return metricsOf(runner.state, await store.executions.readEvents(id), clock.now());
    },
    async readEvents(id, afterSeq = 0) {
      await getRecord(id);
      return store.executions.readEvents(id, afterSeq);
    },
    pause: (id) => control(id, 'pause'),
    resume: (id) => control(id, 'resume'),
    cancel: (id) => control(id, 'cancel'),
    terminate: (id) => control(id, 'terminate'),
    retry: (id) => control(id, 'retry_execution'),
    rerunFrom: (id, taskId) => control(id, 'rerun', taskId),
    skipTask: (id, taskId) => control(id, 'skip', taskId),
    async createCheckpoint(id) {
      const { runner, record } = await stateFor(id);
      if (record.status === 'pending') throw invalidState(id, 'pending', 'checkpoint', 'it has not started yet');
      const remote = ownership !== undefined && !runners.has(id);
      if (remote && !isTerminalExecution(record.status)) throw otherNode(id, record.status, 'checkpoint');
      const checkpointId = randomUUID();
      await runner.process({ kind: 'checkpoint', at: clock.now(), checkpoint_id: checkpointId }, undefined, remote ? 'none' : undefined);
      const saved = await store.executions.getCheckpoint(checkpointId);
      if (!saved) throw new HarmoniaError('CHECKPOINT_INVALID', `checkpoint of execution '${id}' was not written`);
      return saved;
    },
    async validateCheckpoint(checkpointId) {
      const checkpoint = await store.executions.getCheckpoint(checkpointId);
      if (!checkpoint) throw new HarmoniaError('CHECKPOINT_NOT_FOUND', `checkpoint '${checkpointId}' does not exist`);
      const record = await getRecord(checkpoint.execution_id);
      const wf = await workflowById(record.workflow_id);
      const events = await store.executions.readEvents(record.id, 0, checkpoint.seq);
      return checkCheckpoint(wf.plan, checkpoint, events, wf.record.id);
    },
    async restoreCheckpoint(checkpointId) {
      const validation = await engine.validateCheckpoint(checkpointId);
      if (!validation.valid) {
        throw new HarmoniaError('CHECKPOINT_INVALID', `checkpoint '${checkpointId}' cannot be restored: ${validation.problems.join('; ')}`, { details: { problems: validation.problems } });
      }
      const checkpoint = (await store.executions.getCheckpoint(checkpointId)) as CheckpointRecord;
      const source = await getRecord(checkpoint.execution_id);
      const id = randomUUID();
      const custom = await store.executions.loadState(source.id);
      return launch(
        { workflow_id: source.workflow_id },
        id,
        { restored_from: { execution_id: source.id, checkpoint_id: checkpoint.id, seq: checkpoint.seq }, snapshot: { tasks: restorableTasks(checkpoint.snapshot) } },
        source.input,
        custom,
      );
    },
    async saveState(id, value) {
      await getRecord(id);
      await store.executions.saveState(id, value);
      const runner = runners.get(id);
      if (runner) runner.ctx.custom_state = value;
    },
    async loadState(id) {
      await getRecord(id);
      return store.executions.loadState(id);
    },
    waitForCompletion,
    adopt,
    async relinquish(id) {
      const runner = runners.get(id);
      if (!runner) return;
      runners.delete(id);
      limited.delete(id);
      await runner.detach();
    },
    driving: () => [...runners.keys()],
    capacity: () => Math.max(0, config.max_concurrent_workflows - limited.size),
  };
  return engine;
}
