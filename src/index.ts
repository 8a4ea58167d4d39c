/**
 * The package's public API. Integrators mostly need the client (`createClient`);
 * embedders use the server, engine, store and pipeline factories.
 */
export * from './client/index.js';

export { HarmoniaError, isHarmoniaError } from './core/errors.js';
export type { ErrorCode, HarmoniaErrorOptions } from './core/errors.js';
export type { Diagnostic, RelatedLocation, Severity } from './core/diagnostic.js';
export type * from './core/model.js';
export { EVENT_TYPES } from './core/model.js';
export type * from './core/events.js';
export { attemptOfEvent, errorOfEvent, isEventOf, itemIndexOf, operatorRequestOf } from './core/events.js';
export { TASK_ERROR_TYPES, type KnownTaskErrorType } from './core/task-errors.js';
export type * from './core/trigger-model.js';
export type * from './core/schedule-wire.js';
export type * from './core/wait-wire.js';

export { resolveConfig, maskConfig } from './config.js';
export type { ConfigOptions, ResolvedConfig } from './config.js';

export { runPipeline, validatePackDir } from './packs/run-pipeline.js';
export type { PipelineOptions, PipelineResult, ValidatedPack, PackFileResult, KnownRefs } from './packs/pack-model.js';
export { createPackSyncService } from './packs/sync-packs.js';
export type { PackSyncService, PackSyncResult, PackValidationResult, SyncAllResult } from './packs/sync-packs.js';

export { createStore } from './store/create-store.js';
export type { CreateStoreOptions } from './store/create-store.js';
export { createSqliteStore } from './store/sqlite/sqlite-store.js';
export type { Store, StoreSession } from './store/store.js';
export { createRegistry } from './registry/create-registry.js';

export { createHarmonia } from './app/create-harmonia.js';
export type { Harmonia, HarmoniaDeps } from './app/create-harmonia.js';

export { createEngine, createEventBus } from './engine/index.js';
export type { Engine, EngineOptions, EngineConfig, StartExecutionOptions } from './engine/index.js';
export { createActionRegistry } from './actions/action-registry.js';
export type { ActionContext, ActionHandler } from './actions/action.js';
export { createScheduler } from './triggers/scheduler.js';
export type { Scheduler, SchedulerOptions } from './triggers/scheduler.js';
export { createScheduleService } from './triggers/schedule-service.js';
export type { ScheduleService, ScheduleServiceOptions, BackfillOptions } from './triggers/schedule-service.js';
export { instantiateTemplate } from './templates/instantiate-template.js';

export { createApp } from './server/app.js';
export { startServer } from './server/start-server.js';
export { serveHarmonia } from './server/serve.js';
export { createToken, listTokens, revokeToken, tokenFilePath } from './server/tokens.js';

export { parseTemplate, evaluateTemplate, renderValue, EXPR_FUNCTIONS } from './expr/index.js';
