/**
 * createHarmonia: the application layer. Every command a user can give — from the CLI in
 * this process, from REST routes, and through them from the SDK and the console — is one
 * method of the HarmoniaApi this returns, answering with the API's response shapes. The
 * edges only translate: flags or query strings in, the returned value out.
 */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import { HarmoniaError } from '../core/errors.js';
import { createComponentService, type ComponentService } from '../components/component-service.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { TriggerEngine } from '../triggers/fire-runner.js';
import type { Store } from '../store/store.js';
import { createScheduleService, type ScheduleService } from '../triggers/schedule-service.js';
import { createComponentUseCases } from './component-use-cases.js';
import { createExecutionControlUseCases, type ExecutionController } from './execution-control-use-cases.js';
import { createExecutionReportUseCases, type ExecutionReporter } from './execution-report-use-cases.js';
import { createExecutionStartUseCases, type ExecutionStartUseCases, type ExecutionStarter } from './execution-start-use-cases.js';
import { createExecutionUseCases, type ExecutionReader } from './execution-use-cases.js';
import { createExecutionPurgeUseCases, type ExecutionForgetter } from './execution-purge-use-cases.js';
import { createExecutionTaskUseCases } from './execution-task-use-cases.js';
import { createPackSyncUseCases } from './pack-sync-use-cases.js';
import { createPackUseCases } from './pack-use-cases.js';
import { createScheduleUseCases } from './schedule-use-cases.js';
import { createTemplateUseCases } from './template-use-cases.js';
import { createTemplateWriteUseCases, type TemplateWriteUseCases } from './template-write-use-cases.js';
import { createWorkflowUseCases } from './workflow-use-cases.js';
import { createWorkflowWriteUseCases, type WorkflowWriteUseCases } from './workflow-write-use-cases.js';
import type { WriteSettings } from './write-settings.js';

/** What the application layer runs on. */
export interface HarmoniaDeps {
  store: Store;
  /**
   * The engine: its read side folds task statuses and sees its own unflushed writes;
   * executions start through it, as do schedules' fires. A process that only reads (the CLI)
   * passes one it never starts, which refuses starts and controls.
   */
  engine: ExecutionReader & ExecutionReporter & ExecutionController & TriggerEngine & ExecutionStarter & ExecutionForgetter;
  /** The sync service of this process's packs folder; without it pack sync and validate fail with USAGE_INVALID. */
  packs?: PackSyncService;
  /** @default { api_pack: 'api', max_workflow_size: 1 MiB, max_task_count: 1000 } */
  settings?: WriteSettings;
  /** @default createComponentService({ repo: store.components }) */
  components?: ComponentService;
  /** @default createScheduleService({ store, engine }) */
  schedules?: ScheduleService;
}

/**
 * The application layer in this process: the HarmoniaApi, and the writes that also tell
 * the server whether they made something new (its 201) or found an earlier one (its 200).
 */
export type Harmonia = HarmoniaApi &
  Pick<ExecutionStartUseCases, 'startExecution'> &
  Pick<WorkflowWriteUseCases, 'registerWorkflow'> &
  Pick<TemplateWriteUseCases, 'registerTemplate'>;

const DEFAULT_SETTINGS: WriteSettings = { api_pack: 'api', max_workflow_size: 1024 * 1024, max_task_count: 1000 };

function packsMissing(): PackSyncService {
  const refuse = async (): Promise<never> => {
    throw new HarmoniaError('USAGE_INVALID', 'this process has no packs folder to sync or validate');
  };
  return { syncPack: refuse, validatePack: refuse, deletePack: refuse, syncAll: refuse, validateAll: refuse, countPackWorkflows: refuse };
}

/**
 * Creates the application layer over a store and an engine.
 * @example
 * const harmonia = createHarmonia({ store, engine, packs });
 * const { items } = await harmonia.listWorkflows({ pack: 'ci_cd' });
 * const run = await harmonia.executeWorkflow({ workflow_ref: 'ci_cd.deploy', input: {} }, { idempotencyKey: 'deploy-42' });
 */
export function createHarmonia(deps: HarmoniaDeps): Harmonia {
  const { store, engine } = deps;
  const settings = deps.settings ?? DEFAULT_SETTINGS;
  return {
    ...createWorkflowUseCases(store),
    ...createWorkflowWriteUseCases(store, settings),
    ...createPackUseCases(store),
    ...createPackSyncUseCases(deps.packs ?? packsMissing()),
    ...createTemplateUseCases(store),
    ...createTemplateWriteUseCases(store, settings),
    ...createExecutionUseCases(store, engine),
    ...createExecutionTaskUseCases(engine),
    ...createExecutionStartUseCases(store, engine),
    ...createExecutionReportUseCases(store, engine),
    ...createExecutionControlUseCases(engine),
    ...createExecutionPurgeUseCases(store, engine),
    ...createComponentUseCases(deps.components ?? createComponentService({ repo: store.components })),
    ...createScheduleUseCases(deps.schedules ?? createScheduleService({ store, engine })),
  };
}
