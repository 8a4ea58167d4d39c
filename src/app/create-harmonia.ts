/**
 * createHarmonia: the application layer. Every read a user can ask for — from the CLI in
 * this process, from REST routes, and through them from the SDK and the console — is one
 * method of the HarmoniaApi this returns, answering with the API's response shapes. The
 * edges only translate: flags or query strings in, the returned value out.
 */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import { createComponentService, type ComponentService } from '../components/component-service.js';
import type { TriggerEngine } from '../triggers/fire-runner.js';
import type { Store } from '../store/store.js';
import { createScheduleService, type ScheduleService } from '../triggers/schedule-service.js';
import { createComponentUseCases } from './component-use-cases.js';
import { createExecutionControlUseCases, type ExecutionController } from './execution-control-use-cases.js';
import { createExecutionReportUseCases, type ExecutionReporter } from './execution-report-use-cases.js';
import { createExecutionUseCases, type ExecutionReader } from './execution-use-cases.js';
import { createPackUseCases } from './pack-use-cases.js';
import { createScheduleUseCases } from './schedule-use-cases.js';
import { createTemplateUseCases } from './template-use-cases.js';
import { createWorkflowUseCases } from './workflow-use-cases.js';

/** What the application layer runs on. */
export interface HarmoniaDeps {
  store: Store;
  /**
   * The engine: its read side folds task statuses and sees its own unflushed writes, and
   * schedules start executions through it. A process that only reads (the CLI) passes
   * one it never starts.
   */
  engine: ExecutionReader & ExecutionReporter & ExecutionController & TriggerEngine;
  /** @default createComponentService({ repo: store.components }) */
  components?: ComponentService;
  /** @default createScheduleService({ store, engine }) */
  schedules?: ScheduleService;
}

/** The application layer in this process. */
export type Harmonia = HarmoniaApi;

/**
 * Creates the application layer over a store and an engine.
 * @example
 * const harmonia = createHarmonia({ store, engine });
 * const { items } = await harmonia.listWorkflows({ pack: 'ci_cd' });
 */
export function createHarmonia(deps: HarmoniaDeps): Harmonia {
  const { store, engine } = deps;
  return {
    ...createWorkflowUseCases(store),
    ...createPackUseCases(store),
    ...createTemplateUseCases(store),
    ...createExecutionUseCases(store, engine),
    ...createExecutionReportUseCases(store, engine),
    ...createExecutionControlUseCases(engine),
    ...createComponentUseCases(deps.components ?? createComponentService({ repo: store.components })),
    ...createScheduleUseCases(deps.schedules ?? createScheduleService({ store, engine })),
  };
}
