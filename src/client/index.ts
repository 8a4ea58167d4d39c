export { createClient, HarmoniaClient } from './client.js';
export type {
  BackfillRange,
  DiffOptions,
  EventListOptions,
  ExecuteOptions,
  ExecutionListOptions,
  HarmoniaApi,
  LogPageOptions,
  PackCheckOptions,
  PackFailOn,
  PageOptions,
  TemplateListOptions,
  WorkflowListOptions,
} from '../core/harmonia-api.js';
export type {
  CallOptions,
  HarmoniaClientOptions,
  ListExecutionsQuery,
  ListTemplatesQuery,
  ListWorkflowsQuery,
  PageQuery,
  SyncPackOptions,
  WaitOptions,
} from './client-options.js';
export {
  ConflictError,
  ForbiddenError,
  HarmoniaClientError,
  NotFoundError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  type ClientErrorCode,
  type HarmoniaClientErrorOptions,
} from './errors.js';
export type { AllEventsOptions } from './all-events.js';
export type { EventsOptions } from './execution-events.js';
export { parseSse, type SseMessage } from './sse.js';
export type { LogsOptions } from './task-logs.js';
export type { FetchLike } from './transport.js';
export type { TaskDocument, WorkflowDocument } from './workflow-document.js';
// The event log's vocabulary: one payload type per event_type, and helpers that narrow.
export type * from '../core/events.js';
export type { KnownTaskErrorType, TaskError } from '../core/task-errors.js';
export { EVENT_TYPES, attemptOfEvent, errorOfEvent, isEventOf, itemIndexOf, operatorRequestOf } from '../core/events.js';
export { TASK_ERROR_TYPES } from '../core/task-errors.js';
