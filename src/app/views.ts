/** Store records → the wire shapes of src/core/wire.ts: what every use-case returns. */
import type {
  CheckpointRecord,
  ComponentRecord,
  DefinitionHead,
  DefinitionKind,
  DefinitionRecord,
  ExecutionRecord,
  PackRecord,
  TemplateDef,
  WorkflowDef,
} from '../core/model.js';
import type {
  CheckpointView,
  ComponentView,
  ExecutionView,
  PackView,
  TaskLogLineView,
  TemplateDetail,
  TemplateView,
  WorkflowDetail,
  WorkflowView,
} from '../core/wire.js';
import type { StoredTaskLogLine } from '../store/store.js';

/** A stored task log line as the API shows it (the execution id is the request's). */
export function logLineView(line: StoredTaskLogLine): TaskLogLineView {
  const view: TaskLogLineView = { seq: line.seq, task_id: line.task_id, attempt: line.attempt, stream: line.stream, at: line.at, line: line.line };
  if (line.item_index !== undefined) view.item_index = line.item_index;
  return view;
}

/** A workflow version as listed. */
export function workflowView(record: DefinitionRecord, head: DefinitionHead | null): WorkflowView {
  const body = record.body as WorkflowDef;
  return {
    id: record.id,
    workflow_id: record.id,
    ref: record.ref,
    pack_ref: record.pack_ref,
    name: body.name ?? null,
    description: body.description ?? null,
    version: record.version,
    content_hash: record.content_hash,
    file: record.file,
    origin: record.origin,
    task_count: Array.isArray(body.tasks) ? body.tasks.length : 0,
    created_at: record.created_at,
    active_version: head?.active_version ?? record.version,
    latest_version: head?.latest_version ?? record.version,
    pinned: head?.pinned ?? false,
  };
}

/** A workflow version with its definition and source text. */
export function workflowDetail(record: DefinitionRecord, head: DefinitionHead | null): WorkflowDetail {
  return { ...workflowView(record, head), definition: record.body as WorkflowDef, source: record.source };
}

export function templateView(record: DefinitionRecord): TemplateView {
  const body = record.body as TemplateDef & { name?: string };
  return {
    id: record.id,
    template_id: record.id,
    ref: record.ref,
    pack_ref: record.pack_ref,
    name: body.name ?? record.ref.slice(record.ref.indexOf('.') + 1),
    description: body.description ?? null,
    version: record.version,
    parameters: body.parameters ?? {},
    created_at: record.created_at,
  };
}

export function templateDetail(record: DefinitionRecord): TemplateDetail {
  return { ...templateView(record), definition: record.body as TemplateDef, source: record.source };
}

export function executionView(record: ExecutionRecord): ExecutionView {
  return {
    id: record.id,
    execution_id: record.id,
    workflow_id: record.workflow_id,
    workflow_ref: record.workflow_ref,
    workflow_version: record.workflow_version,
    status: record.status,
    input: record.input,
    output: record.output,
    error: record.error,
    parent_execution_id: record.parent_execution_id,
    parent_task_id: record.parent_task_id,
    created_at: record.created_at,
    updated_at: record.updated_at,
    finished_at: record.finished_at,
    last_seq: record.last_seq,
  };
}

export function checkpointView(record: CheckpointRecord): CheckpointView {
  return {
    id: record.id,
    checkpoint_id: record.id,
    execution_id: record.execution_id,
    seq: record.seq,
    created_at: record.created_at,
  };
}

/** A pack with its live definition counts (`counts` absent: none). */
export function packView(record: PackRecord, counts: Record<DefinitionKind, number> | undefined): PackView {
  return {
    ref: record.ref,
    label: record.manifest.label ?? null,
    version: record.manifest.version,
    description: record.manifest.description ?? null,
    manifest: record.manifest,
    workflow_count: counts?.workflow ?? 0,
    template_count: counts?.template ?? 0,
    action_count: counts?.action ?? 0,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

export function componentView(record: ComponentRecord): ComponentView {
  return { ...record, component_id: record.id };
}
