import type { WorkflowStartedData } from '../core/events.js';
import { HarmoniaError } from '../core/errors.js';
import { timeOrderedId } from '../core/time-ordered-id.js';
import type { ExecutionRecord } from '../core/model.js';
import type { StoreSession } from '../store/store.js';
import type { StartExecutionOptions } from './engine-api.js';
import { isoTime } from './decide.js';
import type { EngineContext } from './engine-context.js';
import { currentRecord } from './execution-record.js';
import type { RunnerFactory } from './runner-factory.js';
import type { ExecutionRunner } from './runner.js';
import type { WriteBatch } from './write-queue.js';
import { secretInputValues, validateInput } from './validate-input.js';
import type { LoadedWorkflow, WorkflowCache } from './workflow-cache.js';

/** How a new execution starts beyond its options: restores pass these. */
/** What a launcher caller adds to the workflow_started event (a trigger, a restore's origin). */
export type StartExtras = Pick<WorkflowStartedData, 'trigger' | 'restored_from' | 'snapshot' | 'request_fingerprint'>;

export interface LaunchExtras {
  /** @default a new time-ordered UUID (timeOrderedId) */
  id?: string;
  /** Added to the workflow_started event's data. @default {} */
  startData?: StartExtras;
  /** Input already validated (a restore reuses its source's). @default validated from options.input */
  validatedInput?: Record<string, unknown>;
  /** Custom state the execution starts with. @default {} */
  custom?: Record<string, unknown>;
}

/** Starts executions: creates their records and runs their first step, or queues them. */
export interface ExecutionLauncher {
  /**
   * Registers a runner for the record and commits its start. `create` writes the record in
   * the same batch (a new execution); otherwise the record is already stored (a queued one).
   * `initialCustom`: the custom state to start with; a stored record's is read when not given.
   */
  activate(record: ExecutionRecord, wf: LoadedWorkflow, create: boolean, startData?: StartExtras, initialCustom?: Record<string, unknown>): Promise<ExecutionRunner>;
  /** Thrown when the engine is stopping, the workflow is unknown or the input invalid. */
  launch(options: StartExecutionOptions, extras?: LaunchExtras): Promise<ExecutionRecord>;
}

/** Creates the launcher of new executions. */
export function createExecutionLauncher(ctx: EngineContext, workflows: WorkflowCache, runnerFactory: RunnerFactory, wake: (id: string) => void): ExecutionLauncher {
  const { store, clock, config, ownership, runners, limited, waiting, queue } = ctx;
  // What a queued execution's workflow_started event will carry (its trigger, its request's
  // fingerprint), kept until this engine starts it. Another node that claims it starts it without.
  const queuedStarts = new Map<string, StartExtras>();

  async function activate(
    record: ExecutionRecord,
    wf: LoadedWorkflow,
    create: boolean,
    startData: StartExtras = {},
    initialCustom?: Record<string, unknown>,
  ): Promise<ExecutionRunner> {
    const custom = initialCustom ?? (create ? {} : await store.executions.loadState(record.id));
    // Pinned before the runner is registered: a failed read leaves no half-started execution.
    const pins = (await ctx.actions.pin?.(wf.record.body, record.id)) ?? {};
    const runner = runnerFactory.make(record, wf, custom);
    runners.set(record.id, runner);
    const kept = create ? undefined : queuedStarts.get(record.id);
    queuedStarts.delete(record.id);
    const data: WorkflowStartedData = {
      workflow_ref: record.workflow_ref,
      workflow_version: record.workflow_version,
      // A queued execution's stored row holds its secret inputs masked.
      input: create ? record.input : ctx.secretInputs.restore(record.id, record.input),
      parent_execution_id: record.parent_execution_id,
      parent_task_id: record.parent_task_id,
    };
    // The optional parts are added only when present (the order a spread gave them), so a plain
    // start's data keeps the literal's one shape (docs/performance.md, Fifth round).
    if (Object.keys(pins).length > 0) data.action_versions = pins;
    if (kept !== undefined) Object.assign(data, kept);
    Object.assign(data, startData);
    // The row goes in with the start step's projection folded in (WriteBatch.creates).
    const writes: Pick<WriteBatch, 'creates' | 'before'> | undefined = create ? { creates: record } : undefined;
    if (writes !== undefined && Object.keys(custom).length > 0) writes.before = (tx: StoreSession) => tx.executions.saveState(record.id, custom);
    await runner.process({ kind: 'start', at: clock.now(), data }, writes, ownership && create ? 'first' : undefined);
    if (runner.failure !== null) {
      if (runners.get(record.id) === runner) runners.delete(record.id);
      throw runner.failure;
    }
    wake(record.id);
    return runner;
  }

  async function launch(opts: StartExecutionOptions, extras: LaunchExtras = {}): Promise<ExecutionRecord> {
    const { id = timeOrderedId(clock.now()), startData = {}, validatedInput, custom = {} } = extras;
    if (ctx.stopping) throw new HarmoniaError('EXEC_INVALID_STATE', 'the engine is stopping; no execution can start');
    const wf = await workflows.resolve(opts);
    if (wf.templateParams.length > 0) {
      const names = wf.templateParams.join(', ');
      throw new HarmoniaError(
        'WORKFLOW_TEMPLATE_PARAMS',
        `workflow '${wf.record.ref}' reads template parameters (${names}) and cannot run as it is; create a template from it (POST /api/v1/templates, \`harmonia template create\`) and run an instance`,
        { details: { ref: wf.record.ref, parameters: [...wf.templateParams] } },
      );
    }
    const input = validatedInput ?? validateInput(wf.record.body.input ?? {}, opts.input ?? {});
    ctx.secrets.add(secretInputValues(wf.record.body.input ?? {}, input));
    ctx.secretInputs.remember(id, wf.record.body.input ?? {}, input);
    const iso = isoTime(clock.now());
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
        return currentRecord(await activate(record, wf, true, startData, custom), clock.now());
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
    if (Object.keys(startData).length > 0) queuedStarts.set(id, startData);
    // In a cluster the first node with room claims it; here it waits for a free slot.
    if (!ownership) waiting.push(id);
    return record;
  }

  return { activate, launch };
}
