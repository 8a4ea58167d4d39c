/**
 * The workflow a client sends, as written (before the server normalises it):
 * tasks as a map keyed by id or as a list whose items carry `id` or `name`, and
 * `version` optional (the API fills in 1.0.0). docs/format.md is the full contract.
 */
import type { ErrorHandlerDef, ParameterSpec, RetryPolicy, TriggerRule } from './model.js';

/** One task as written. */
export interface TaskDocument {
  /** Required in list form (or `name`); the map key in map form. */
  id?: string;
  name?: string;
  action: string;
  component?: string;
  depends_on?: string[];
  /** A `${...}` expression; false skips the task. */
  condition?: string;
  /** Alias of `condition`, as the integration guide writes it. */
  metadata?: { condition?: string; [key: string]: unknown };
  input?: Record<string, unknown>;
  retry?: Partial<RetryPolicy>;
  timeout_ms?: number;
  on_error?: string;
  trigger_rule?: TriggerRule;
  [key: string]: unknown;
}

/** A workflow as written in JSON. */
export interface WorkflowDocument {
  /** Becomes the ref's name (`api.<name>`) unless `createWorkflow` is given one. */
  name?: string;
  description?: string;
  /** @default '1.0.0' */
  version?: string;
  input?: Record<string, ParameterSpec>;
  context?: Record<string, unknown>;
  tasks: Record<string, TaskDocument> | TaskDocument[];
  output?: Record<string, unknown>;
  error_handlers?: ErrorHandlerDef[];
  [key: string]: unknown;
}
