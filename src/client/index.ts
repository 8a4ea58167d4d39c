export { createClient, HarmoniaClient } from './client.js';
export type {
  DiffOptions,
  EventListOptions,
  ExecutionListOptions,
  HarmoniaApi,
  LogPageOptions,
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
