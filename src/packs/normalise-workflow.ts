/**
 * Normalises a workflow body (a workflow file, or a template's `workflow`): list-form
 * tasks become ordered TaskDefs, `metadata.condition` becomes `condition`, defaults are
 * filled in — while remembering where each task was written, so diagnostics point at
 * `/tasks/2` for a list item and `/tasks/build` for a map entry.
 */
import type { ErrorHandlerDef, RetryPolicy, TaskDef, TriggerRule, ItemFailurePolicy, WorkflowDef } from '../core/model.js';
import { joinPointer } from '../core/source.js';
import { isRecord, num, parameterSpecs, record, str, strings } from './normalise-values.js';
import { normaliseWithItems } from './normalise-with-items.js';
import { normaliseTriggers } from './normalise-triggers.js';
import type { DiagnosticInput } from './rules/make-diagnostic.js';

/** A task and where it was written. */
export interface TaskSite {
  def: TaskDef;
  pointer: string;
  conditionPointer: string | null;
}

/** The result of normaliseWorkflowBody(). */
export interface NormalisedWorkflow {
  body: WorkflowDef;
  tasks: TaskSite[];
  duplicates: Array<{ first: TaskSite; second: TaskSite }>;
  errorHandlers: Array<{ def: ErrorHandlerDef; pointer: string }>;
  problems: DiagnosticInput[];
}

const TRIGGER_RULES = new Set(['all_success', 'all_done', 'one_success', 'none_failed']);

function retryOf(value: unknown): Partial<RetryPolicy> | undefined {
  if (!isRecord(value)) return undefined;
  const retry: Partial<RetryPolicy> = {};
  for (const key of ['max_attempts', 'initial_delay_ms', 'backoff_factor', 'max_delay_ms', 'jitter'] as const) {
    const n = num(value[key]);
    if (n !== undefined) retry[key] = n;
  }
  if (Array.isArray(value['retriable_errors'])) retry.retriable_errors = strings(value['retriable_errors']);
  return retry;
}

function taskOf(id: string, raw: Record<string, unknown>, pointer: string, displayName?: string): TaskSite {
  const def: TaskDef = {
    id,
    action: str(raw['action']) ?? '',
    depends_on: strings(raw['depends_on']),
    input: record(raw['input']),
  };
  if (displayName !== undefined) def.name = displayName;
  const component = str(raw['component']);
  if (component !== undefined) def.component = component;
  let conditionPointer: string | null = null;
  const metadataCondition = record(raw['metadata'])['condition'];
  if (raw['condition'] !== undefined) {
    conditionPointer = joinPointer(pointer, 'condition');
    if (typeof raw['condition'] === 'string') def.condition = raw['condition'];
  } else if (metadataCondition !== undefined) {
    conditionPointer = joinPointer(pointer, 'metadata', 'condition');
    if (typeof metadataCondition === 'string') def.condition = metadataCondition;
  }
  const retry = retryOf(raw['retry']);
  if (retry) def.retry = retry;
  const timeout = num(raw['timeout_ms']);
  if (timeout !== undefined) def.timeout_ms = timeout;
  const onError = str(raw['on_error']);
  if (onError !== undefined) def.on_error = onError;
  const trigger = str(raw['trigger_rule']);
  if (trigger !== undefined && TRIGGER_RULES.has(trigger)) def.trigger_rule = trigger as TriggerRule;
  const withItems = normaliseWithItems(raw['with_items']);
  if (withItems !== undefined) def.with_items = withItems;
  const concurrency = num(raw['concurrency']);
  if (concurrency !== undefined) def.concurrency = concurrency;
  const onItemFailure = str(raw['on_item_failure']);
  if (onItemFailure === 'fail_fast' || onItemFailure === 'continue') def.on_item_failure = onItemFailure as ItemFailurePolicy;
  return { def, pointer, conditionPointer };
}

/** Normalises a workflow body found at `base` (`''` or `/workflow`). */
export function normaliseWorkflowBody(raw: unknown, base: string): NormalisedWorkflow {
  const r = record(raw);
  const problems: DiagnosticInput[] = [];
  const tasks: TaskSite[] = [];
  const duplicates: NormalisedWorkflow['duplicates'] = [];
  const byId = new Map<string, TaskSite>();
  const tasksPointer = joinPointer(base, 'tasks');
  const add = (site: TaskSite) => {
    const first = byId.get(site.def.id);
    if (first) {
      duplicates.push({ first, second: site });
      return;
    }
    byId.set(site.def.id, site);
    tasks.push(site);
  };
  const rawTasks = r['tasks'];
  if (Array.isArray(rawTasks)) {
    rawTasks.forEach((item, i) => {
      if (!isRecord(item)) return;
      const pointer = joinPointer(tasksPointer, i);
      const id = str(item['id']) ?? str(item['name']);
      if (id === undefined) {
        // A non-string id or name is a type error the schema already reports.
        if (item['id'] !== undefined || item['name'] !== undefined) return;
        problems.push({ code: 'SCHEMA_REQUIRED', pointer, message: `missing required key 'id' in task ${i + 1} (a list-form task needs an 'id' or a 'name')` });
        return;
      }
      const displayName = str(item['id']) !== undefined ? str(item['name']) : undefined;
      add(taskOf(id, item, pointer, displayName));
    });
  } else if (isRecord(rawTasks)) {
    for (const [id, item] of Object.entries(rawTasks)) {
      if (!isRecord(item)) continue;
      add(taskOf(id, item, joinPointer(tasksPointer, id), str(item['name'])));
    }
  }
  const errorHandlers: NormalisedWorkflow['errorHandlers'] = [];
  if (Array.isArray(r['error_handlers'])) {
    r['error_handlers'].forEach((item, i) => {
      const h = record(item);
      const handler = str(h['handler']);
      if (handler === undefined) return;
      errorHandlers.push({ def: { error_type: str(h['error_type']) ?? '', handler }, pointer: joinPointer(base, 'error_handlers', i) });
    });
  }
  const body: WorkflowDef = {
    version: String(r['version'] ?? ''),
    input: parameterSpecs(r['input']),
    context: record(r['context']),
    tasks: tasks.map((t) => t.def),
    output: record(r['output']),
    error_handlers: errorHandlers.map((h) => h.def),
  };
  const name = str(r['name']);
  if (name !== undefined) body.name = name;
  const description = str(r['description']);
  if (description !== undefined) body.description = description;
  const triggers = base === '' ? normaliseTriggers(r['triggers']) : undefined;
  if (triggers !== undefined) body.triggers = triggers;
  return { body, tasks, duplicates, errorHandlers, problems };
}
